"""The `pingan` command line: usage errors, exit codes, and the extract contract on real seeds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pingan_analysis.cli import main
from pingan_analysis.registry import MENTION_COLUMNS

from conftest import RELEASES_DIR, seed_path


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["run", "--jobs", "0"],
        ["run", "--jobs", "many"],
        ["extract"],
    ],
)
def test_wrong_usage_exits_2_with_a_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "pingan: error:" in capsys.readouterr().err


def test_add_without_city_or_date_exits_2_naming_the_missing_options(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", str(seed_path("Zibo"))]) == 2
    err = capsys.readouterr().err
    assert "--city" in err and "--published" in err and "fix:" in err


def test_outside_a_project_commands_that_need_one_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PINGAN_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 2
    assert "no pingan-analysis project here" in capsys.readouterr().err


def test_extract_prints_every_mentions_column_for_a_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = seed_path("Zibo")
    assert main(["extract", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows, "the Zibo release has quantities"
    assert tuple(rows[0]) == MENTION_COLUMNS
    original = path.read_text(encoding="utf-8")
    for row in rows:
        assert row["doc"] == path.name
        assert original[int(row["start"]) : int(row["end"])] == row["text"]


def test_extract_to_a_file_writes_the_same_csv_as_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = seed_path("Laixi")
    assert main(["extract", str(path)]) == 0
    printed = capsys.readouterr().out
    out = tmp_path / "mentions.csv"
    assert main(["extract", str(path), "-o", str(out)]) == 0
    assert out.read_bytes() == printed.encode("utf-8")


def test_extract_refuses_an_unreadable_file_and_leaves_the_output_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Qingdao \xe9t\xe9 2019: 15 gangs".encode("latin-1"))
    out = tmp_path / "out.csv"
    out.write_text("last good\n", encoding="utf-8")
    assert (
        main(["extract", str(RELEASES_DIR / seed_path("Zibo").name), str(bad), "-o", str(out)]) == 1
    )
    assert "latin1.txt" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "last good\n"
