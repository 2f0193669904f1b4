"""Integrity of the project's own annotated evaluation sets: ``data/annotations/unseen/`` and
``data/annotations/heldout/`` (development sets since their first measurement),
``data/annotations/tuning/`` (written for tuning the mapper, a development set from the start) and
``data/annotations/blind/`` (written blind and evaluated once) and ``data/annotations/blind2/``
(written blind afterwards) and ``data/annotations/blind3/`` (written blind afterwards) and
``data/annotations/blind4/`` (written blind last, to be evaluated once after the last mapper
change).

The sets are data, so these tests hold each to its README: every release has its text (with the
hash the manifest records) and a gold file the evaluator can read; every span's ``text`` is
the characters at its offsets; intervals agree with qualifiers; every indicator is a core id
whose kinds include the row's kind; and each set is at least as large as its README says.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pingan_analysis.corpus.codebook import CORE_INDICATORS
from pingan_analysis.corpus.manifest import read_manifest
from pingan_analysis.extract.evaluate import FIELDS, read_gold
from pingan_analysis.registry import MANIFEST_COLUMNS, MENTION_KINDS, MODALITIES, QUALIFIERS

ANNOTATIONS = Path(__file__).resolve().parents[2] / "data" / "annotations"
GOLD_COLUMNS = ("release_id", "start", "end", "text", *FIELDS, "note")
#: Kinds the sets use beyond DESIGN.md's six: a score in points (安全指数91.3分) and its change
#: (提高2.4分); see the READMEs.
SCORE_KINDS = ("score", "change_score")
CHANGE_KINDS = ("change_pct", "change_pp", "change_multiple", "change_score")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class EvaluationSet:
    """One set's folder, the core list its indicator column is held to, and its minimums."""

    name: str
    core: Path
    min_texts: int
    min_figures: int
    min_core_figures: int

    @property
    def root(self) -> Path:
        return ANNOTATIONS / self.name

    @property
    def manifest_rows(self) -> list[dict[str, str]]:
        return _rows(self.root / "releases.csv")

    def gold(self, release_id: str) -> list[dict[str, str]]:
        return _rows(self.root / "gold" / f"{release_id}.csv")

    def core_kinds(self) -> dict[str, set[str]]:
        return {row["id"]: set(row["kinds"].split("|")) for row in _rows(self.core)}


#: The minimums each README states. The unseen set carries its own copy of the contract; the
#: held-out, tuning and blind sets, made after the package's copy existed, are held to the
#: package's.
SETS = (
    EvaluationSet("unseen", ANNOTATIONS / "unseen" / "core_indicators.csv", 14, 320, 100),
    EvaluationSet("heldout", CORE_INDICATORS, 12, 300, 100),
    EvaluationSet("tuning", CORE_INDICATORS, 12, 300, 100),
    EvaluationSet("blind", CORE_INDICATORS, 12, 300, 100),
    EvaluationSet("blind2", CORE_INDICATORS, 12, 300, 100),
    EvaluationSet("blind3", CORE_INDICATORS, 12, 300, 100),
    EvaluationSet("blind4", CORE_INDICATORS, 12, 300, 100),
)
RELEASES = [
    pytest.param(evaluation_set, row["release_id"], id=f"{evaluation_set.name}-{row['release_id']}")
    for evaluation_set in SETS
    for row in evaluation_set.manifest_rows
]
BY_SET = pytest.mark.parametrize("evaluation_set", SETS, ids=[s.name for s in SETS])
BY_RELEASE = pytest.mark.parametrize(("evaluation_set", "release_id"), RELEASES)


def _number(text: str) -> float | None:
    return float(text) if text else None


@BY_SET
def test_manifest_is_a_valid_manifest(evaluation_set: EvaluationSet) -> None:
    # the project's own validation: ids, hashes' form, dates
    frame = read_manifest(evaluation_set.root / "releases.csv")
    assert tuple(frame.columns) == MANIFEST_COLUMNS
    assert list(frame["release_id"]) == sorted(frame["release_id"])


@BY_SET
def test_texts_and_gold_files_pair_with_the_manifest(evaluation_set: EvaluationSet) -> None:
    rows = evaluation_set.manifest_rows
    assert {p.name for p in (evaluation_set.root / "releases").glob("*.txt")} == {
        row["file"] for row in rows
    }
    assert {p.stem for p in (evaluation_set.root / "gold").glob("*.csv")} == {
        row["release_id"] for row in rows
    }


@BY_RELEASE
def test_text_file_is_plain_utf8_with_the_recorded_hash(
    evaluation_set: EvaluationSet, release_id: str
) -> None:
    row = next(r for r in evaluation_set.manifest_rows if r["release_id"] == release_id)
    data = (evaluation_set.root / "releases" / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"]
    assert release_id.endswith(row["sha256"][:8])
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    data.decode("utf-8")


@BY_RELEASE
def test_gold_file_has_the_seed_format_and_the_evaluator_reads_it(
    evaluation_set: EvaluationSet, release_id: str
) -> None:
    path = evaluation_set.root / "gold" / f"{release_id}.csv"
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert data.decode("utf-8").split("\n", 1)[0] == ",".join(GOLD_COLUMNS)
    rows = read_gold(path)
    assert rows and all(r.release_id == release_id for r in rows)


@BY_RELEASE
def test_every_span_is_the_text_at_its_offsets(
    evaluation_set: EvaluationSet, release_id: str
) -> None:
    text = (evaluation_set.root / "releases" / f"{release_id}.txt").read_text(encoding="utf-8")
    previous_end = 0
    for row in evaluation_set.gold(release_id):
        start, end = int(row["start"]), int(row["end"])
        assert row["release_id"] == release_id
        assert text[start:end] == row["text"], (start, end, row["text"])
        assert start >= previous_end, f"{row['text']} at {start} overlaps or is out of order"
        previous_end = end


@BY_RELEASE
def test_fields_follow_the_design_conventions(
    evaluation_set: EvaluationSet, release_id: str
) -> None:
    for row in evaluation_set.gold(release_id):
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


@BY_RELEASE
def test_indicators_are_core_ids_of_a_fitting_kind(
    evaluation_set: EvaluationSet, release_id: str
) -> None:
    core_kinds = evaluation_set.core_kinds()
    for row in evaluation_set.gold(release_id):
        if row["indicator"]:
            assert row["indicator"] in core_kinds, f"{row['indicator']} is not a core id"
            assert row["kind"] in core_kinds[row["indicator"]], (row["text"], row["indicator"])


@BY_SET
def test_the_set_is_at_least_as_large_as_its_readme_says(evaluation_set: EvaluationSet) -> None:
    manifest = evaluation_set.manifest_rows
    rows = [row for release in manifest for row in evaluation_set.gold(release["release_id"])]
    core = sum(1 for row in rows if row["indicator"])
    assert len(manifest) >= evaluation_set.min_texts
    assert len(rows) >= evaluation_set.min_figures
    assert core >= evaluation_set.min_core_figures
    assert len({row["province"] for row in manifest}) >= 8
    readme = (evaluation_set.root / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"(\d+) texts, (\d+) figures, (\d+) with a core id", readme)
    assert stated, "the README states the set's size as 'N texts, N figures, N with a core id'"
    assert tuple(map(int, stated.groups())) == (len(manifest), len(rows), core)


@BY_SET
def test_core_list_is_the_contract(evaluation_set: EvaluationSet) -> None:
    rows = _rows(evaluation_set.core)
    core_kinds = evaluation_set.core_kinds()
    assert len(rows) == 26 and len(core_kinds) == 26
    assert {
        "public_sense_of_security",
        "public_satisfaction",
        "public_security_satisfaction",
    } <= set(core_kinds)
    assert evaluation_set.core.read_bytes() == CORE_INDICATORS.read_bytes()


def _lines(evaluation_set: EvaluationSet) -> set[str]:
    return {
        line.strip()
        for path in (evaluation_set.root / "releases").glob("*.txt")
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) >= 20
    }


PAIRS = [
    pytest.param(earlier, later, id=f"{earlier.name}-{later.name}")
    for i, earlier in enumerate(SETS)
    for later in SETS[i + 1 :]
]


@pytest.mark.parametrize(("earlier", "later"), PAIRS)
def test_each_set_shares_no_release_or_sentence_with_another(
    earlier: EvaluationSet, later: EvaluationSet
) -> None:
    """Each set was written afresh: no release, and no line of 20 or more characters, is in two
    sets."""
    assert not (
        {r["release_id"] for r in earlier.manifest_rows}
        & {r["release_id"] for r in later.manifest_rows}
    )
    assert not _lines(earlier) & _lines(later)


def test_each_set_names_other_cities() -> None:
    """A later set is written about other places than the earlier ones, so that no city's own
    wording carries over between sets."""
    cities = [{r["city_zh"] for r in s.manifest_rows} for s in SETS]
    for i, earlier in enumerate(cities):
        for later in cities[i + 1 :]:
            assert not earlier & later
