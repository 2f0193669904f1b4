"""Validation of the processed tables: quarantine, outputs, structural refusals, notebook 03.

The tests run on hand-made tables over the seed releases (:data:`ROWS`): each row is located in
its release by searching for its text, so offsets are real; a few rows carry one deliberate
error each (``EXPECTED_*_FAILURES``). The Baoshan "命案比峰值下降255%" row is the real-world
impossible decline the issue names. Once extraction runs, the seed corpus is validated as well.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pingan_analysis.codebook import load_codebook
from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.datasets import read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.manifest import add_release
from pingan_analysis.tables import FAILURE_COLUMNS, INDICATORS_TABLE_COLUMNS, MENTIONS_TABLE_COLUMNS
from pingan_analysis.validate import (
    FAILURES_FILE, SUMMARY_FILE, VALID_INDICATORS_COLUMNS, VALID_INDICATORS_FILE, unit_fits,
    validate_project, validate_tables,
)

BAOSHAN = "baoshan-2022-06-27-2f4f2efe"
LAIXI = "laixi-2014-01-01-6004b27d"
QINGDAO = "qingdao-2020-04-08-7042e67b"
TEN_YEARS = ("2012-11-08", "2022-05-31")
Y2013 = ("2013-01-01", "2013-12-31")
Y2014 = ("2014-01-01", "2014-12-31")

# (release, text searched for, value, unit, kind, indicator, period, extra fields)
ROWS: list[tuple[str, str, float, str, str, str, tuple[str, str], dict]] = [
    (BAOSHAN, "48600个", 48600, "个", "count", "grid_cells", ("2022-05-31",) * 2, {}),
    (BAOSHAN, "49702人", 49702, "人", "count", "", ("2022-05-31",) * 2, {}),
    (BAOSHAN, "255%", 255, "%", "change_pct", "homicide_cases", TEN_YEARS, {"direction": "down"}),
    (LAIXI, "2300余起", 2300, "起", "count", "criminal_cases_solved", Y2013,
     {"qualifier": "lower", "lower": 2300, "upper": 2400}),
    (LAIXI, "115个社区", 115, "个", "count", "governance_centres", Y2014, {"modality": "target"}),
    (LAIXI, "115个社区", 115, "个", "count", "governance_centres", Y2014, {}),
    (LAIXI, "23.9%", 23.9, "%", "change_pct", "criminal_cases_occurred", Y2013, {"direction": "down"}),
    (BAOSHAN, "48600个", 48600, "人", "count", "grid_cells", ("2022-05-31",) * 2, {}),
    (LAIXI, "2300余起", 2300, "起", "count", "criminal_cases_solved", Y2013,
     {"qualifier": "lower", "lower": 2400, "upper": 2500}),
    (LAIXI, "95%", 120, "%", "percent", "", Y2013, {}),
    (BAOSHAN, "48600个", 48600, "个", "count", "grid_cells", ("2022-05-31",) * 2, {"shift": 1}),
]
#: Row numbers (in both tables' own numbering) → the check that row must fail.
EXPECTED_MENTION_FAILURES: dict[int, str] = {
    2: "decline_at_most_100_pct", 8: "value_within_interval", 9: "percent_within_0_100",
    10: "text_matches_release",
}
#: Indicator rows (mentions with an indicator, renumbered) → the check they must fail.
EXPECTED_INDICATOR_FAILURES: dict[int, str] = {
    1: "decline_at_most_100_pct", 4: "reported_period_before_published",
    6: "unit_fits_codebook", 7: "value_within_interval", 8: "text_matches_release",
}
TARGET_INDICATOR_ROW = 3


def manifest_rows(root: Path) -> dict[str, dict[str, str]]:
    with (root / "data/raw/releases.csv").open(encoding="utf-8", newline="") as handle:
        return {row["release_id"]: row for row in csv.DictReader(handle)}


def write_tables(root: Path, out_dir: Path) -> None:
    """Write mentions.csv and indicators.csv of :data:`ROWS` into ``out_dir``."""
    releases = manifest_rows(root)
    codebook = load_codebook()
    mentions, indicators = [], []
    for release_id, needle, value, unit, kind, indicator, period, extra in ROWS:
        release = releases[release_id]
        text = (root / "data/raw/releases" / release["file"]).read_text(encoding="utf-8")
        start = text.index(needle) + extra.get("shift", 0)
        number = needle.rstrip("社区")
        row = {
            "release_id": release_id, "doc": release["file"], "start": start,
            "end": start + len(number), "text": number, "value": float(value), "unit": unit,
            "qualifier": extra.get("qualifier", "exact"), "lower": extra.get("lower", value),
            "upper": extra.get("upper", value), "kind": kind, "direction": extra.get("direction", ""),
            "period_start": period[0], "period_end": period[1],
            "modality": extra.get("modality", "reported"), "indicator": indicator, "multiple_form": "",
        }
        mentions.append([row[column] for column in MENTIONS_TABLE_COLUMNS])
        if indicator:
            sentence = next(s for s in text.split("。") if needle in s) + "。"
            row.update({key: release[key] for key in ("city_zh", "city_en", "province",
                                                       "admin_level", "published")},
                       domain=codebook.domain_of(indicator), sentence=sentence)
            indicators.append([row[column] for column in INDICATORS_TABLE_COLUMNS])
    for name, header, rows in (("mentions", MENTIONS_TABLE_COLUMNS, mentions),
                               ("indicators", INDICATORS_TABLE_COLUMNS, indicators)):
        with atomic_text_writer(out_dir / f"{name}.csv") as handle:
            write_csv_rows(handle, header, rows)


@pytest.fixture
def paths(project: Path) -> ProjectPaths:
    paths = ProjectPaths(project)
    write_tables(project, paths.processed_dir)
    return paths


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def failed(paths: ProjectPaths, table: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row in read_rows(paths.processed_dir / FAILURES_FILE):
        if row["table"] == table:
            found.setdefault(int(row["row"]), set()).add(row["check"])
    return found


def test_each_bad_row_fails_its_check_and_no_good_row_fails(paths: ProjectPaths) -> None:
    validate_tables(paths, paths.processed_dir)
    for table, expected in (("mentions", EXPECTED_MENTION_FAILURES),
                            ("indicators", EXPECTED_INDICATOR_FAILURES)):
        found = failed(paths, table)
        assert set(found) == set(expected), table
        assert all(expected[row] in checks for row, checks in found.items()), found


def test_baoshan_impossible_decline_is_quarantined_with_its_sentence(paths: ProjectPaths) -> None:
    validate_tables(paths, paths.processed_dir)
    rows = [r for r in read_rows(paths.processed_dir / FAILURES_FILE)
            if r["check"] == "decline_at_most_100_pct"]
    assert {(r["table"], r["release_id"], r["value"]) for r in rows} == {
        ("mentions", BAOSHAN, "255"), ("indicators", BAOSHAN, "255")}
    assert all("命案比峰值下降255%" in r["sentence"] for r in rows)
    valid = read_rows(paths.processed_dir / VALID_INDICATORS_FILE)
    assert not [r for r in valid if r["text"] == "255%"]


def test_valid_indicators_keep_good_rows_and_mark_targets(paths: ProjectPaths) -> None:
    result = validate_tables(paths, paths.processed_dir)
    indicators = read_rows(paths.processed_dir / "indicators.csv")
    valid = read_rows(paths.processed_dir / VALID_INDICATORS_FILE)
    kept = [row for number, row in enumerate(indicators) if number not in EXPECTED_INDICATOR_FAILURES]
    assert [{k: v for k, v in r.items() if k != "is_target"} for r in valid] == kept
    assert list(valid[0]) == list(VALID_INDICATORS_COLUMNS)
    targets = [r for r in valid if r["is_target"] == "true"]
    assert targets == [{**indicators[TARGET_INDICATOR_ROW], "is_target": "true"}]
    assert result.rows_quarantined == len(EXPECTED_INDICATOR_FAILURES)


def test_summary_counts_rows_and_checks(paths: ProjectPaths) -> None:
    validate_tables(paths, paths.processed_dir)
    summary = json.loads((paths.processed_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    indicators = summary["tables"]["indicators"]
    assert indicators["rows_checked"] == len(EXPECTED_INDICATOR_FAILURES) + 4
    assert indicators["rows_failed"] == len(EXPECTED_INDICATOR_FAILURES)
    assert indicators["failures"]["decline_at_most_100_pct"] == 1
    assert summary["rows_quarantined"] == len(EXPECTED_INDICATOR_FAILURES)
    assert "conflicts" not in summary  # known only once the panel is built
    assert summary["targets_kept"] == 1


def test_outputs_are_byte_identical_across_runs_utf8_and_newline(paths: ProjectPaths) -> None:
    names = (FAILURES_FILE, SUMMARY_FILE, VALID_INDICATORS_FILE)
    validate_tables(paths, paths.processed_dir)
    first = {name: (paths.processed_dir / name).read_bytes() for name in names}
    validate_tables(paths, paths.processed_dir)
    assert first == {name: (paths.processed_dir / name).read_bytes() for name in names}
    failures = first[FAILURES_FILE]
    assert b"\r\n" not in failures and not failures.startswith(b"\xef\xbb\xbf")
    assert failures.decode("utf-8").split("\n")[0] == ",".join(FAILURE_COLUMNS)


def test_a_new_city_is_a_warning_not_a_quarantine(paths: ProjectPaths, tmp_path: Path) -> None:
    text = tmp_path / "new.txt"
    text.write_text("连云港某区平安建设情况。\n", encoding="utf-8")
    add_release(paths, text, {"city": "海州区", "published": "2021-05-01"})
    result = validate_tables(paths, paths.processed_dir)
    warnings = [r for r in read_rows(paths.processed_dir / FAILURES_FILE) if r["table"] == "manifest"]
    assert [(r["check"], r["value"]) for r in warnings] == [("city_known_to_reference", "海州区")]
    assert result.summary["warnings"] == 1
    assert result.rows_quarantined == len(EXPECTED_INDICATOR_FAILURES)


@pytest.mark.parametrize(("unit", "kind", "codebook_unit", "fits"), [
    ("个", "count", "个", True), ("名", "count", "人", True), ("起", "count", "件", True), ("件次", "count", "件", True), ("人次", "count", "件", False),
    ("路", "count", "个", False),
    ("人", "count", "个", False), ("元", "amount", "元", True), ("%", "change_pct", "起", True),
    ("个", "change_pct", "起", False), ("个百分点", "change_pp", "%", True), ("倍", "change_multiple", "起", True),
    ("%", "percent", "%", True), ("人", "percent", "%", False),
])
def test_unit_fits(unit: str, kind: str, codebook_unit: str, fits: bool) -> None:
    assert unit_fits(unit, kind, codebook_unit) is fits


def outputs(paths: ProjectPaths) -> list[Path]:
    return sorted(p for p in paths.processed_dir.iterdir() if p.name not in ("mentions.csv", "indicators.csv"))


def test_a_table_missing_a_column_is_structural_and_writes_nothing(paths: ProjectPaths) -> None:
    table = read_text_table(paths.processed_dir / "indicators.csv")
    table.drop(columns="unit").to_csv(paths.processed_dir / "indicators.csv", index=False)
    with pytest.raises(DataError, match="lacks column.*unit"):
        validate_tables(paths, paths.processed_dir)
    assert outputs(paths) == []


def test_a_changed_release_text_is_structural(paths: ProjectPaths) -> None:
    release = paths.releases_dir / f"{BAOSHAN}.txt"
    release.write_bytes(release.read_bytes() + b"\n")
    with pytest.raises(DataError, match=f"release {BAOSHAN} changed"):
        validate_tables(paths, paths.processed_dir)
    assert outputs(paths) == []


def test_missing_tables_say_run_first(project: Path) -> None:
    with pytest.raises(DataError, match="pingan run"):
        validate_project(ProjectPaths(project))


def test_validate_project_writes_the_report(paths: ProjectPaths) -> None:
    result = validate_project(paths)
    assert result.report == paths.reports_dir / "validation.html"
    assert "decline_at_most_100_pct" in result.report.read_text(encoding="utf-8")
    assert "quarantined 5 indicator rows" in str(result)


@pytest.mark.parametrize("folder", [".", "notebooks"])
def test_notebook_runs_with_default_parameters(paths: ProjectPaths, folder: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    papermill = pytest.importorskip("papermill")
    validate_tables(paths, paths.processed_dir)
    monkeypatch.delenv("PINGAN_PROJECT")  # the notebook finds the project from its folder
    output = paths.root / "out.ipynb"
    papermill.execute_notebook(str(paths.notebooks_dir / "03_validation.ipynb"), str(output),
                               cwd=str(paths.root / folder), kernel_name="python3", progress_bar=False)
    text = output.read_text(encoding="utf-8")
    assert "decline_at_most_100_pct" in text and "命案比峰值下降255%" in text


def test_committed_notebook_is_thin_and_without_outputs() -> None:
    import nbformat

    notebook = nbformat.read(Path(__file__).parents[1] / "notebooks/03_validation.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].metadata["tags"] == ["parameters"] and code[0].source.startswith("processed_dir = None")
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source for cell in code)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert {"validation_failures.csv", "validation_summary.json", "indicators_valid.csv"} <= set(
        notebook.metadata["pingan"]["inputs"])


def test_seed_corpus_quarantines_baoshan_impossible_decline(project: Path) -> None:
    from pingan_analysis.corpus import build_corpus_tables

    paths = ProjectPaths(project)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    validate_tables(paths, paths.processed_dir)
    declines = [r for r in read_rows(paths.processed_dir / FAILURES_FILE)
                if r["check"] == "decline_at_most_100_pct"]
    assert {(r["release_id"], r["value"]) for r in declines} == {(BAOSHAN, "255")}
    assert "命案比峰值下降255%" in declines[0]["sentence"]
    valid = read_rows(paths.processed_dir / VALID_INDICATORS_FILE)
    assert not [r for r in valid if r["release_id"] == BAOSHAN and r["text"] == "255%"]
    assert any(r["release_id"] == LAIXI and r["is_target"] == "true" for r in valid)
