"""Corrections that survive reruns: applied by the corpus step, flagged, never dropped in silence;
review sheets written for Excel and loaded back as corrections."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.build import build_corpus_tables
from pingan_analysis.extract.corrections import REPORT_FILE, read_corrections, unmatched_messages
from pingan_analysis.extract.review import load_review_sheet, sheet_bytes, write_review_sheet
from pingan_analysis.registry import CORRECTION_COLUMNS

QINGDAO = "qingdao-2020-04-08-7042e67b"
HEADER = ",".join(CORRECTION_COLUMNS[:-1])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """The seed corpus's mentions of the Qingdao transcript, as built without corrections."""
    from conftest import FIXTURE_PROJECT

    folder = tmp_path_factory.mktemp("plain")
    build_corpus_tables(ProjectPaths(FIXTURE_PROJECT), folder, jobs=1)
    return [r for r in rows(folder / "mentions.csv") if r["release_id"] == QINGDAO]


def write_corrections(paths: ProjectPaths, lines: list[str], header: str = HEADER) -> Path:
    path = paths.raw_dir / "corrections.csv"
    path.write_text(header + "\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_corrections_are_applied_flagged_and_the_unmatched_reported(
    project: Path, extracted: list[dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    paths = ProjectPaths(project)
    mapped = next(r for r in extracted if r["indicator"])
    dropped = next(r for r in extracted if not r["indicator"])
    write_corrections(
        paths,
        [
            f"{QINGDAO},{mapped['start']},{mapped['end']},value,12345,misread,RA,2026-11-30",
            f"{QINGDAO},{dropped['start']},{dropped['end']},exclude,,not a quantity,RA,2026-11-30",
            f"{QINGDAO},1,2,unit,个,span that holds no mention,RA,2026-11-30",
            "gone-2020-01-01-00000000,5,9,kind,count,release removed,RA,2026-11-30",
        ],
    )
    with caplog.at_level(logging.WARNING):
        build_corpus_tables(paths, paths.processed_dir, jobs=1)
    mentions = {
        (r["release_id"], r["start"]): r for r in rows(paths.processed_dir / "mentions.csv")
    }
    fixed = mentions[(QINGDAO, mapped["start"])]
    assert (fixed["value"], fixed["corrected"]) == ("12345", "true")
    assert (QINGDAO, dropped["start"]) not in mentions
    others = [r for key, r in mentions.items() if key != (QINGDAO, mapped["start"])]
    assert {r["corrected"] for r in others} == {"false"}
    indicators = rows(paths.processed_dir / "indicators.csv")
    assert [r["value"] for r in indicators if r["corrected"] == "true"] == ["12345"]
    assert (
        list(indicators[0])[-1] == "corrected"
        and list(next(iter(mentions.values())))[-1] == "corrected"
    )
    report = rows(paths.processed_dir / REPORT_FILE)
    assert [(r["line"], r["status"]) for r in report] == [
        ("2", "applied"),
        ("3", "applied"),
        ("4", "unmatched"),
        ("5", "unmatched"),
    ]
    assert "no mention spans 1-2" in report[2]["detail"] and "nearest now is" in report[2]["detail"]
    assert "not in the manifest" in report[3]["detail"]
    assert "data/raw/corrections.csv, line 4: correction of" in caplog.text
    messages = unmatched_messages(paths.processed_dir / REPORT_FILE)
    assert len(messages) == 2 and messages[0].startswith("data/raw/corrections.csv, line 4:")


def test_a_correction_whose_text_changed_is_not_applied(
    project: Path, extracted: list[dict[str, str]]
) -> None:
    paths = ProjectPaths(project)
    mention = next(r for r in extracted if r["indicator"])
    write_corrections(
        paths,
        [
            f"{QINGDAO},{mention['start']},{mention['end']},value,1,x,RA,"
            f"2026-11-30,{mention['text']}0"
        ],
        header=",".join(CORRECTION_COLUMNS),
    )
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    report = rows(paths.processed_dir / REPORT_FILE)
    assert report[0]["status"] == "unmatched" and "the release changed" in report[0]["detail"]
    assert {r["corrected"] for r in rows(paths.processed_dir / "mentions.csv")} == {"false"}


@pytest.mark.parametrize(
    ("line", "named"),
    [
        (f"{QINGDAO},10,20,colour,red,x,RA,2026-11-30", "line 2, column field"),
        (
            f"{QINGDAO},10,20,value,12k,x,RA,2026-11-30",
            "line 2, column value: '12k' is not a number",
        ),
        (f"{QINGDAO},10,20,indicator,no_such_id,x,RA,2026-11-30", "not an indicator id"),
        (f"{QINGDAO},10,20,kind,count,x,RA,2026-02-30", "line 2, column date"),
        (f"{QINGDAO},20,10,kind,count,x,RA,2026-11-30", "offsets_ordered"),
        (f"{QINGDAO},10,20,kind,count,,RA,2026-11-30", "line 2, column reason"),
    ],
)
def test_an_invalid_correction_is_named_by_line_and_column(
    project: Path, line: str, named: str
) -> None:
    from pingan_analysis.corpus.codebook import load_codebook

    path = write_corrections(ProjectPaths(project), [line])
    with pytest.raises(DataError) as caught:
        read_corrections(path, [i.id for i in load_codebook().indicators])
    assert named in caught.value.message and "fix:" in caught.value.message


def test_the_review_sheet_opens_in_excel_and_loads_back_as_corrections(
    project: Path, extracted: list[dict[str, str]]
) -> None:
    paths = ProjectPaths(project)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    sheet = write_review_sheet(paths, QINGDAO)
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == len(extracted) + 1
    listed = rows(sheet)
    statuses = [r["status"] for r in listed]
    assert statuses == sorted(statuses, key=["quarantined", "unmapped", "mapped"].index)
    assert {"unmapped", "mapped"} <= set(statuses)
    # the subject a figure measures is shown, as the mentions table has it
    mentions = {r["start"]: r for r in extracted}
    assert all(r["subject"] == mentions[r["start"]]["subject"] for r in listed)
    assert any(r["subject"] for r in listed)
    target = next(r for r in listed if r["status"] == "mapped")
    target.update(field="value", new_value="777", reason="typo in the release", author="RA")
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(listed[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(listed)
    loaded = load_review_sheet(paths, sheet, today=dt.date(2026, 12, 1))
    assert [(c["start"], c["field"], c["value"], c["date"]) for c in loaded] == [
        (target["start"], "value", "777", "2026-12-01")
    ]
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    fixed = next(
        r
        for r in rows(paths.processed_dir / "mentions.csv")
        if r["release_id"] == QINGDAO and r["start"] == target["start"]
    )
    assert (fixed["value"], fixed["corrected"]) == ("777", "true")
    # loading the same mention and field again replaces the correction, never duplicates it
    target.update(new_value="778")
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(listed[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(listed)
    load_review_sheet(paths, sheet, today=dt.date(2026, 12, 2))
    assert [c.value for c in read_corrections(paths.raw_dir / "corrections.csv")] == ["778"]


def test_a_bad_sheet_row_is_named_by_its_sheet_line_and_nothing_is_loaded(project: Path) -> None:
    paths = ProjectPaths(project)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    sheet = write_review_sheet(paths, QINGDAO)
    listed = rows(sheet)
    listed[2].update(field="kind", new_value="lots", reason="x", author="RA")
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(listed[0]))
        writer.writeheader()
        writer.writerows(listed)
    with pytest.raises(DataError) as caught:
        load_review_sheet(paths, sheet)
    assert "line 4, column value: 'lots' is not one of" in caught.value.message
    assert not (paths.raw_dir / "corrections.csv").exists()


def test_sheet_cells_are_neutralised_for_excel() -> None:
    from pingan_analysis.extract.review import SHEET_COLUMNS

    row = dict.fromkeys(SHEET_COLUMNS, "") | {"context": '=HYPERLINK("http://x")', "value": "-3"}
    text = sheet_bytes([row]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",-3," in text


def test_an_unknown_release_is_refused_with_ids_to_choose_from(project: Path) -> None:
    with pytest.raises(DataError, match="qingdao-2020-04-08-7042e67b"):
        write_review_sheet(ProjectPaths(project), "qingdao-2099-01-01-00000000")


def test_pingan_validate_lists_the_corrections_that_no_longer_match(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pingan_analysis.cli import main

    paths = ProjectPaths(project)
    write_corrections(paths, [f"{QINGDAO},1,2,unit,个,span that holds no mention,RA,2026-11-30"])
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "warning: data/raw/corrections.csv, line 2: correction of " + QINGDAO in out
    assert "no mention spans 1-2" in out
