"""Bad input through the command line: a clear message (file, line or row, problem, fix), the
right exit code (1 data, 2 usage) and nothing changed under data/ or reports/.

The inputs are the files of tests/data/bad_input/ (see its README for how each was made).
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from pingan_analysis.cli import main
from pingan_analysis.corpus.ingest import read_text
from pingan_analysis.corpus.manifest import read_manifest

from conftest import SEED_ROWS
from validation_tables import write_tables

BAD = Path(__file__).parent / "data" / "bad_input"
QINGDAO = ["--city", "青岛市", "--published", "2020-04-08"]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("data", "reports")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def run_refused(project: Path, capsys: pytest.CaptureFixture, argv: list[str], code: int) -> str:
    """Run `pingan argv`; assert the exit code and that nothing changed; return stderr."""
    before = tree_digest(project)
    assert main(argv) == code
    assert tree_digest(project) == before
    message = capsys.readouterr().err
    assert message.startswith("pingan: error: ") and "fix: " in message
    return message


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.txt", "the file is empty"),
        ("binary.txt", "NUL byte at byte offset"),
        ("html_document.txt", "HTML document"),
    ],
)
def test_unreadable_release_is_refused(
    project: Path, capsys: pytest.CaptureFixture, name: str, problem: str
) -> None:
    message = run_refused(project, capsys, ["add", str(BAD / name), *QINGDAO], 1)
    assert str(BAD / name) in message and problem in message


@pytest.mark.parametrize(
    ("name", "first_line"),
    [
        ("gb18030.txt", "某市2021年平安建设工作情况"),
        ("utf8_bom.txt", "某县2021年政法工作总结"),
    ],
)
def test_gb18030_and_bom_texts_are_added_and_read(
    project: Path, capsys: pytest.CaptureFixture, name: str, first_line: str
) -> None:
    assert main(["add", str(BAD / name), *QINGDAO]) == 0
    row = read_manifest(project / "data/raw/releases.csv").iloc[-1]
    copied = project / "data/raw/releases" / row["file"]
    assert copied.read_bytes() == (BAD / name).read_bytes()
    assert read_text(copied).split("\n")[0] == first_line
    assert f"added {row['release_id']}" in capsys.readouterr().out


def test_duplicate_release_names_the_existing_one(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    seed = SEED_ROWS[0]
    message = run_refused(
        project, capsys, ["add", str(project / "data/raw/releases" / seed["file"]), *QINGDAO], 1
    )
    assert f"already in the corpus as release {seed['release_id']}" in message


@pytest.mark.parametrize(
    ("published", "problem"),
    [
        ("2022-02-30", "--published: '2022-02-30' fails `date`"),
        ("20220227", "fails `date`"),
        ((date.today() + timedelta(days=30)).isoformat(), "fails `not_in_future`"),
    ],
)
def test_bad_date_is_refused(
    project: Path, capsys: pytest.CaptureFixture, published: str, problem: str
) -> None:
    argv = ["add", str(BAD / "gb18030.txt"), "--city", "青岛市", "--published", published]
    message = run_refused(project, capsys, argv, 1)
    assert problem in message and str(BAD / "gb18030.txt") in message


@pytest.mark.parametrize(
    "argv",
    [
        ["add", str(BAD / "gb18030.txt"), "--city", "青岛市"],
        ["add", str(BAD / "gb18030.txt"), "--published", "2020-04-08"],
        ["add"],
    ],
)
def test_missing_option_is_usage(
    project: Path, capsys: pytest.CaptureFixture, argv: list[str]
) -> None:
    run_refused(project, capsys, argv, 2)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("manifest_missing_column.csv", "line 1: the manifest's header lacks column(s) note"),
        (
            "manifest_extra_column.csv",
            "line 1: the manifest's header has unknown column(s) reviewer",
        ),
    ],
)
@pytest.mark.parametrize("command", [["add", str(BAD / "gb18030.txt"), *QINGDAO], ["validate"]])
def test_broken_manifest_is_refused(
    project: Path, capsys: pytest.CaptureFixture, name: str, problem: str, command: list[str]
) -> None:
    manifest = project / "data/raw/releases.csv"
    write_tables(project, project / "data/processed")
    shutil.copyfile(BAD / name, manifest)
    message = run_refused(project, capsys, command, 1)
    assert str(manifest) in message and problem in message


def test_manifest_with_a_damaged_utf8_byte_names_the_line(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    """(A GB18030/GBK manifest is read: tests/reliability/test_messages.py.)"""
    manifest = project / "data/raw/releases.csv"
    lines = manifest.read_bytes().split(b"\n")
    lines[2] = lines[2].replace("市".encode(), b"\xff", 1)
    manifest.write_bytes(b"\n".join(lines))
    message = run_refused(project, capsys, ["add", str(BAD / "gb18030.txt"), *QINGDAO], 1)
    assert "releases.csv, line 3" in message and "UTF-8 with a damaged byte" in message


def test_batch_with_two_bad_rows_names_both_and_adds_nothing(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    batch = BAD / "batch_two_bad_rows.csv"
    message = run_refused(project, capsys, ["add", str(batch)], 1)
    assert str(batch) in message and "2 of 3 rows refused; nothing was added" in message
    assert "line 3:" in message and "'2022-02-30'" in message
    assert "line 4:" in message and "the file is empty" in message
    assert "line 2:" not in message


def test_validate_without_tables_says_run_first(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    message = run_refused(project, capsys, ["validate"], 1)
    assert "mentions.csv" in message and "pingan run" in message
