"""`pingan extract` on bare files (extract/files.py) and `pingan codebook unmapped`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pingan_analysis.cli import main
from pingan_analysis.csvio import write_csv_rows
from pingan_analysis.registry import MENTION_COLUMNS, MENTIONS_TABLE_COLUMNS

BARE = "十年来,全县刑事案件立案数下降31.5%。今年,全县新建视频监控点位1200个。\n"


def extract(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    assert main(["extract", *argv]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_published_dates_the_periods_of_a_bare_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.txt"
    path.write_text(BARE, encoding="utf-8")
    undated = extract([str(path)], capsys)
    dated = extract([str(path), "--published", "2023-03-01"], capsys)
    assert [r["text"] for r in dated] == [r["text"] for r in undated] == ["31.5%", "1200个"]
    assert (dated[0]["period_start"], dated[0]["period_end"]) == ("2013-01-01", "2023-03-01")
    assert dated[1]["period_start"].startswith("2023")
    assert [r["subject"] for r in dated] == ["刑事案件立案数", "新建视频监控点位"]


def test_a_malformed_published_date_is_wrong_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.txt"
    path.write_text(BARE, encoding="utf-8")
    assert main(["extract", str(path), "--published", "2023-13-01"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_rows_stream_from_a_generator(tmp_path: Path) -> None:
    """The writer takes the rows as they come: nothing collects them into a list first."""
    from pingan_analysis.extract.files import iter_file_mentions

    path = tmp_path / "bare.txt"
    path.write_text(BARE * 3, encoding="utf-8")
    rows = iter_file_mentions([path])
    assert iter(rows) is rows
    assert len(next(rows)) == len(MENTION_COLUMNS)


def test_codebook_unmapped_lists_the_most_frequent_subjects_without_indicator(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blank = dict.fromkeys(MENTIONS_TABLE_COLUMNS, "")
    rows = (
        [{**blank, "subject": "禁毒社工站"}] * 3
        + [{**blank, "subject": "义务巡逻队"}]
        + [{**blank, "subject": "网格员", "indicator": "grid_workers"}] * 5
    )
    with (project / "data/processed/mentions.csv").open(
        "w", encoding="utf-8", newline=""
    ) as handle:
        write_csv_rows(
            handle, MENTIONS_TABLE_COLUMNS, ([r[c] for c in MENTIONS_TABLE_COLUMNS] for r in rows)
        )
    assert main(["codebook", "unmapped", "--top", "5"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert [line.split() for line in lines if line] == [["3", "禁毒社工站"], ["1", "义务巡逻队"]]


def test_codebook_unmapped_before_a_run_says_what_to_do(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codebook", "unmapped"]) == 1
    assert "pingan run" in capsys.readouterr().err


def test_the_fast_writer_writes_what_csvio_writes(tmp_path: Path) -> None:
    from pingan_analysis.extract.files import extract_to_csv, iter_file_mentions
    from pingan_analysis.registry import MENTION_COLUMNS

    from conftest import seed_path

    files = [seed_path("Baoshan"), seed_path("Zibo")]
    out = tmp_path / "fast.csv"
    count = extract_to_csv(files, out)
    expected = io.StringIO()
    assert write_csv_rows(expected, MENTION_COLUMNS, iter_file_mentions(files)) == count
    assert out.read_bytes() == expected.getvalue().encode("utf-8")
