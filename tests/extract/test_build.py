"""The corpus step on the real seed corpus: deterministic tables, the same in parallel, and
nothing taken from text that ingestion dropped."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.extract import build

from conftest import FIXTURE_PROJECT

TABLES = ("mentions.csv", "indicators.csv", "corpus.csv", "dropped_blocks.csv")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sequential")
    build.build_corpus_tables(ProjectPaths(FIXTURE_PROJECT), folder, jobs=1)
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_second_build_is_byte_identical(built: Path, tmp_path: Path) -> None:
    build.build_corpus_tables(ProjectPaths(FIXTURE_PROJECT), tmp_path, jobs=1)
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_worker_processes_write_the_same_tables(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "MIN_RELEASES_PER_PROCESS_POOL", 1)
    build.build_corpus_tables(ProjectPaths(FIXTURE_PROJECT), tmp_path, jobs=2)
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_indicator_rows_are_the_mapped_mentions_with_their_sentence(built: Path) -> None:
    mapped = [
        (r["release_id"], r["start"]) for r in _rows(built / "mentions.csv") if r["indicator"]
    ]
    indicators = _rows(built / "indicators.csv")
    assert [(r["release_id"], r["start"]) for r in indicators] == mapped
    for row in indicators:
        assert row["text"] in row["sentence"] and row["domain"] and row["city_en"]


def test_no_mention_comes_from_a_dropped_block(built: Path) -> None:
    dropped = {}
    for block in _rows(built / "dropped_blocks.csv"):
        dropped.setdefault(block["release_id"], []).append((int(block["start"]), int(block["end"])))
    assert dropped, "the seeds hold a repeated copy and page furniture"
    for mention in _rows(built / "mentions.csv"):
        start = int(mention["start"])
        assert not any(s <= start < e for s, e in dropped.get(mention["release_id"], []))


def test_the_corpus_table_counts_each_releases_mentions(built: Path) -> None:
    mentions = _rows(built / "mentions.csv")
    for release in _rows(built / "corpus.csv"):
        own = [m for m in mentions if m["release_id"] == release["release_id"]]
        assert int(release["mentions"]) == len(own)
        assert int(release["indicator_mentions"]) == sum(1 for m in own if m["indicator"])
