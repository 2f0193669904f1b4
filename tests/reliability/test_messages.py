"""Everyday mistakes get one clear message (or are simply handled), never a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pingan_analysis.cli import main
from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.manifest import read_manifest
from pingan_analysis.exceptions import DataError
from pingan_analysis.pipeline.steps import manifest_cities

from conftest import SEED_ROWS, seed_path
from validation_tables import write_tables

ADD = ["--city", "济南市", "--published", "2021-01-05"]


def _manifest(project: Path) -> Path:
    return project / "data" / "raw" / "releases.csv"


def _resaved(project: Path, encoding: str) -> bytes:
    """The manifest as Excel on Chinese Windows saves it (GB18030, CRLF line ends)."""
    manifest = _manifest(project)
    text = manifest.read_text(encoding="utf-8")
    manifest.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return manifest.read_bytes()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_a_manifest_saved_as_gb18030_gbk_or_with_bom_is_read_everywhere(
    project: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = read_manifest(_manifest(project))
    write_tables(project, project / "data" / "processed")  # (the helper reads UTF-8)
    _resaved(project, encoding)
    assert read_manifest(_manifest(project)).equals(expected)
    assert manifest_cities(_manifest(project)) == sorted({r["city_en"] for r in SEED_ROWS})
    assert main(["status"]) == 0
    assert main(["validate"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_adding_to_a_gb18030_manifest_keeps_it_one_encoding(project: Path, tmp_path: Path) -> None:
    before = _resaved(project, "gb18030")
    release = tmp_path / "jinan.txt"
    release.write_text("济南市2020年刑事警情同比下降13.5%。\n", encoding="utf-8")
    assert main(["add", str(release), *ADD]) == 0
    after = _manifest(project).read_bytes()
    assert after.startswith(before) and after.endswith(b"\r\n")
    rows = read_manifest(_manifest(project))
    assert list(rows["city_zh"])[-1] == "济南市" and len(rows) == len(SEED_ROWS) + 1


@pytest.mark.parametrize("command", [["status"], ["validate"], ["add", "FILE", *ADD]])
def test_a_utf16_manifest_is_refused_naming_its_encoding(
    project: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _resaved(project, "utf-16")
    before = _manifest(project).read_bytes()
    argv = [str(seed_path("Zibo")) if word == "FILE" else word for word in command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "UTF-16" in err and "CSV UTF-8" in err and "Traceback" not in err
    assert _manifest(project).read_bytes() == before


@pytest.mark.parametrize("command", [["validate"], ["add", "FILE", *ADD]])
def test_a_comma_only_last_row_says_delete_the_empty_row(
    project: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _manifest(project)
    manifest.write_bytes(manifest.read_bytes() + b",,,,,,,,,,,,,,\r\n")
    lines = manifest.read_bytes().count(b"\n")
    write_tables(project, project / "data" / "processed")
    argv = [str(seed_path("Zibo")) if word == "FILE" else word for word in command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"line {lines}" in err and "delete the empty row" in err
    assert err.count("fails") == 0  # one message, not one per column


@pytest.mark.parametrize("command", [["validate"], ["add", "FILE", *ADD]])
def test_thousands_separators_in_the_population_table_say_how_to_write_it(
    project: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    population = project / "data/raw/reference/population.csv"
    population.write_text(
        population.read_text(encoding="utf-8").replace(",10071722,", ',"10,071,722",', 1),
        encoding="utf-8",
    )
    write_tables(project, project / "data" / "processed")
    argv = [str(seed_path("Zibo")) if word == "FILE" else word for word in command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "'10,071,722' has thousands separators" in err and "write 10071722" in err
    assert "population.csv, line 2" in err


def test_a_1900_publication_date_warns(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    release = tmp_path / "old.txt"
    release.write_text("济南市刑事警情同比下降13.5%。\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert main(["add", str(release), "--city", "济南市", "--published", "1900-01-01"]) == 0
    assert any("1900-01-01 is implausible" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        read_manifest(_manifest(project))
    warned = [r.getMessage() for r in caplog.records if "implausible" in r.getMessage()]
    assert len(warned) == 1 and f"line {len(SEED_ROWS) + 2}" in warned[0]


def _variants(text: str) -> dict[str, bytes]:
    lf = text.replace("\r\n", "\n")
    return {
        "crlf": lf.replace("\n", "\r\n").encode("utf-8"),
        "bom": "\ufeff".encode() + lf.encode(),
        "cr": lf.replace("\n", "\r").encode("utf-8"),
        "gb18030": lf.encode("gb18030"),
        "lf": lf.encode("utf-8"),
    }


@pytest.mark.parametrize("variant", ["crlf", "bom", "cr", "gb18030", "lf"])
def test_the_same_text_in_other_bytes_is_a_duplicate_naming_the_release(
    project: Path, tmp_path: Path, variant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = next(r for r in SEED_ROWS if r["city_en"] == "Zibo")
    text = seed_path("Zibo").read_bytes().decode("utf-8-sig")
    data = _variants(text)[variant]
    copy = tmp_path / f"zibo-{variant}.txt"
    copy.write_bytes(data)
    before = _manifest(project).read_bytes()
    assert (
        main(["add", str(copy), "--city", seed["city_zh"], "--published", seed["published"]]) == 1
    )
    err = capsys.readouterr().err
    assert f"already in the corpus as release {seed['release_id']}" in err
    assert _manifest(project).read_bytes() == before


def test_two_encodings_of_one_text_in_one_batch_are_one_release(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "济南市2020年刑事警情同比下降13.5%，破获案件1200起。\n"
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    batch = tmp_path / "batch.csv"
    batch.write_text(
        "file,city_zh,published\na.txt,济南市,2021-01-05\nb.txt,济南市,2021-01-06\n",
        encoding="utf-8",
    )
    assert main(["add", str(batch)]) == 1
    err = capsys.readouterr().err
    assert "1 of 2 rows refused" in err and "line 3" in err and "already in the corpus" in err


def test_a_manifest_edit_that_breaks_a_row_is_a_message_for_status_too(project: Path) -> None:
    manifest = _manifest(project)
    manifest.write_bytes(b"\xff\xfe" + manifest.read_bytes())
    with pytest.raises(DataError, match="UTF-16"):
        manifest_cities(manifest)
    assert ProjectPaths(project).manifest == manifest
