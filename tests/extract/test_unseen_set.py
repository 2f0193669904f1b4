"""Integrity of the project's own unseen evaluation set (``data/annotations/unseen/``).

The set is data, so these tests hold it to its README: every release has its text (with the
hash the manifest records) and a gold file the evaluator can read; every span's ``text`` is
the characters at its offsets; intervals agree with qualifiers; every indicator is a core id
whose kinds include the row's kind; and the set is at least as large as the README says.
"""
from __future__ import annotations

import csv
import hashlib
import math
import re
from datetime import date
from pathlib import Path

import pytest

from pingan_analysis.corpus.manifest import read_manifest
from pingan_analysis.extract.evaluate import FIELDS, read_gold
from pingan_analysis.registry import MANIFEST_COLUMNS, MENTION_KINDS, MODALITIES, QUALIFIERS

UNSEEN = Path(__file__).resolve().parents[2] / "data" / "annotations" / "unseen"
MANIFEST = UNSEEN / "releases.csv"
TEXTS = UNSEEN / "releases"
GOLD = UNSEEN / "gold"
CORE = UNSEEN / "core_indicators.csv"
GOLD_COLUMNS = ("release_id", "start", "end", "text", *FIELDS, "note")
#: Kinds the set uses beyond DESIGN.md's six: a score in points (安全指数91.3分) and its change
#: (提高2.4分); see the README.
SCORE_KINDS = ("score", "change_score")
CHANGE_KINDS = ("change_pct", "change_pp", "change_multiple", "change_score")
#: The minimums the README states.
MIN_TEXTS, MIN_FIGURES, MIN_CORE_FIGURES = 14, 320, 100


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


MANIFEST_ROWS = _rows(MANIFEST)
RELEASE_IDS = [row["release_id"] for row in MANIFEST_ROWS]
CORE_KINDS = {row["id"]: set(row["kinds"].split("|")) for row in _rows(CORE)}


def _gold(release_id: str) -> list[dict[str, str]]:
    return _rows(GOLD / f"{release_id}.csv")


def _number(text: str) -> float | None:
    return float(text) if text else None


def test_manifest_is_a_valid_manifest() -> None:
    frame = read_manifest(MANIFEST)  # the project's own validation: ids, hashes' form, dates
    assert tuple(frame.columns) == MANIFEST_COLUMNS
    assert list(frame["release_id"]) == sorted(frame["release_id"])


def test_texts_and_gold_files_pair_with_the_manifest() -> None:
    files = {row["file"] for row in MANIFEST_ROWS}
    assert {p.name for p in TEXTS.glob("*.txt")} == files
    assert {p.stem for p in GOLD.glob("*.csv")} == set(RELEASE_IDS)


@pytest.mark.parametrize("release_id", RELEASE_IDS)
def test_text_file_is_plain_utf8_with_the_recorded_hash(release_id: str) -> None:
    row = next(r for r in MANIFEST_ROWS if r["release_id"] == release_id)
    data = (TEXTS / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"]
    assert release_id.endswith(row["sha256"][:8])
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    data.decode("utf-8")


@pytest.mark.parametrize("release_id", RELEASE_IDS)
def test_gold_file_has_the_seed_format_and_the_evaluator_reads_it(release_id: str) -> None:
    path = GOLD / f"{release_id}.csv"
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert data.decode("utf-8").split("\n", 1)[0] == ",".join(GOLD_COLUMNS)
    rows = read_gold(path)
    assert rows and all(r.release_id == release_id for r in rows)


@pytest.mark.parametrize("release_id", RELEASE_IDS)
def test_every_span_is_the_text_at_its_offsets(release_id: str) -> None:
    text = (TEXTS / f"{release_id}.txt").read_text(encoding="utf-8")
    previous_end = 0
    for row in _gold(release_id):
        start, end = int(row["start"]), int(row["end"])
        assert row["release_id"] == release_id
        assert text[start:end] == row["text"], (start, end, row["text"])
        assert start >= previous_end, f"{row['text']} at {start} overlaps or is out of order"
        previous_end = end


@pytest.mark.parametrize("release_id", RELEASE_IDS)
def test_fields_follow_the_design_conventions(release_id: str) -> None:
    for row in _gold(release_id):
        where = f"{release_id} {row['start']}-{row['end']} {row['text']}"
        value, lower, upper = (_number(row[k]) for k in ("value", "lower", "upper"))
        assert value is not None and math.isfinite(value), where
        assert row["kind"] in (*MENTION_KINDS, *SCORE_KINDS), where
        assert row["qualifier"] in QUALIFIERS, where
        assert row["modality"] in MODALITIES, where
        assert (row["direction"] in ("up", "down")) == (row["kind"] in CHANGE_KINDS), where
        assert row["unit"] and not re.match(r"[万亿]", row["unit"]), where
        assert (row["unit"] == "%") == (row["kind"] in ("percent", "change_pct")), where
        assert (row["kind"] == "amount") == row["unit"].endswith("元"), where
        qualifier = row["qualifier"]
        if qualifier == "exact":
            assert lower == value == upper, where
        elif qualifier == "lower":
            assert lower == value and (upper is None or upper > value), where
        elif qualifier == "upper":
            assert lower is None and upper == value, where
        elif qualifier == "approx":
            assert lower is None and upper is None, where
        else:
            assert lower is not None and upper is not None and lower < value < upper, where
            assert math.isclose(value, (lower + upper) / 2), where
        if row["kind"] == "percent" and upper is not None:
            assert upper <= 100, where
        start, end = row["period_start"], row["period_end"]
        for day in (start, end):
            if day:
                date.fromisoformat(day)
        assert not (start and end) or start <= end, where
        assert start or end, f"{where}: a figure with no period at all"


@pytest.mark.parametrize("release_id", RELEASE_IDS)
def test_indicators_are_core_ids_of_a_fitting_kind(release_id: str) -> None:
    for row in _gold(release_id):
        if row["indicator"]:
            assert row["indicator"] in CORE_KINDS, f"{row['indicator']} is not a core id"
            assert row["kind"] in CORE_KINDS[row["indicator"]], (row["text"], row["indicator"])


def test_the_set_is_at_least_as_large_as_its_readme_says() -> None:
    rows = [row for release_id in RELEASE_IDS for row in _gold(release_id)]
    assert len(RELEASE_IDS) >= MIN_TEXTS
    assert len(rows) >= MIN_FIGURES
    assert sum(1 for row in rows if row["indicator"]) >= MIN_CORE_FIGURES
    assert len({row["province"] for row in MANIFEST_ROWS}) >= 8
    readme = (UNSEEN / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"(\d+) texts, (\d+) figures, (\d+) with a core id", readme)
    assert stated, "the README states the set's size as 'N texts, N figures, N with a core id'"
    assert tuple(map(int, stated.groups())) == (
        len(RELEASE_IDS), len(rows), sum(1 for row in rows if row["indicator"]))


def test_core_list_is_the_contract_copy() -> None:
    rows = _rows(CORE)
    assert len(rows) == 26 and len(CORE_KINDS) == 26
    assert {"public_sense_of_security", "public_satisfaction",
            "public_security_satisfaction"} <= set(CORE_KINDS)
