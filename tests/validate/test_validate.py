"""Validation of the processed tables: quarantine, outputs, structural refusals, notebook 03.

The tests run on the hand-made tables of ``validation_tables``; the seed corpus is validated
as well.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.manifest import add_release
from pingan_analysis.datasets import read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import FAILURE_COLUMNS
from pingan_analysis.validate.report import validate_project
from pingan_analysis.validate.run import (
    FAILURES_FILE,
    SUMMARY_FILE,
    VALID_INDICATORS_COLUMNS,
    VALID_INDICATORS_FILE,
    unit_fits,
    validate_tables,
)

from validation_tables import (
    BAOSHAN,
    EXPECTED_INDICATOR_FAILURES,
    EXPECTED_MENTION_FAILURES,
    LAIXI,
    TARGET_INDICATOR_ROW,
    write_tables,
)


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
    for table, expected in (
        ("mentions", EXPECTED_MENTION_FAILURES),
        ("indicators", EXPECTED_INDICATOR_FAILURES),
    ):
        found = failed(paths, table)
        assert set(found) == set(expected), table
        assert all(expected[row] in checks for row, checks in found.items()), found


def test_baoshan_impossible_decline_is_quarantined_with_its_sentence(paths: ProjectPaths) -> None:
    validate_tables(paths, paths.processed_dir)
    rows = [
        r
        for r in read_rows(paths.processed_dir / FAILURES_FILE)
        if r["check"] == "decline_at_most_100_pct"
    ]
    assert {(r["table"], r["release_id"], r["value"]) for r in rows} == {
        ("mentions", BAOSHAN, "255"),
        ("indicators", BAOSHAN, "255"),
    }
    assert all("命案比峰值下降255%" in r["sentence"] for r in rows)
    valid = read_rows(paths.processed_dir / VALID_INDICATORS_FILE)
    assert not [r for r in valid if r["text"] == "255%"]


def test_valid_indicators_keep_good_rows_and_mark_targets(paths: ProjectPaths) -> None:
    result = validate_tables(paths, paths.processed_dir)
    indicators = read_rows(paths.processed_dir / "indicators.csv")
    valid = read_rows(paths.processed_dir / VALID_INDICATORS_FILE)
    kept = [
        row for number, row in enumerate(indicators) if number not in EXPECTED_INDICATOR_FAILURES
    ]
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
    add_release(paths, text, {"city": "连云港市海州区", "published": "2021-05-01"})
    result = validate_tables(paths, paths.processed_dir)
    warnings = [
        r for r in read_rows(paths.processed_dir / FAILURES_FILE) if r["table"] == "manifest"
    ]
    assert [(r["check"], r["value"]) for r in warnings] == [("city_known_to_reference", "海州区")]
    assert result.summary["warnings"] == 1
    assert result.rows_quarantined == len(EXPECTED_INDICATOR_FAILURES)


@pytest.mark.parametrize(
    ("unit", "kind", "codebook_unit", "fits"),
    [
        ("个", "count", "个", True),
        ("名", "count", "人", True),
        ("起", "count", "件", True),
        ("件次", "count", "件", True),
        ("人次", "count", "件", False),
        ("路", "count", "个", True),
        ("台", "count", "处", True),
        ("套", "count", "处", True),
        ("人", "count", "处", False),
        ("万", "count", "起", False),
        ("平方米", "count", "个", False),
        ("人", "count", "个", False),
        ("元", "amount", "元", True),
        ("%", "change_pct", "起", True),
        ("个", "change_pct", "起", False),
        ("个百分点", "change_pp", "%", True),
        ("倍", "change_multiple", "起", True),
        ("%", "percent", "%", True),
        ("人", "percent", "%", False),
        ("分", "score", "%", True),
        ("分", "change_score", "%", True),
        ("%", "score", "%", False),
        ("辆次", "count", "次", True),
        ("人次", "count", "次", False),
    ],
)
def test_unit_fits(unit: str, kind: str, codebook_unit: str, fits: bool) -> None:
    assert unit_fits(unit, kind, codebook_unit) is fits


def outputs(paths: ProjectPaths) -> list[Path]:
    return sorted(
        p for p in paths.processed_dir.iterdir() if p.name not in ("mentions.csv", "indicators.csv")
    )


def test_a_table_missing_a_column_is_structural_and_writes_nothing(paths: ProjectPaths) -> None:
    table = read_text_table(paths.processed_dir / "indicators.csv")
    table.drop(columns="unit").to_csv(paths.processed_dir / "indicators.csv", index=False)
    with pytest.raises(DataError, match=r"lacks column.*unit"):
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
def test_notebook_runs_with_default_parameters(
    paths: ProjectPaths, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    papermill = pytest.importorskip("papermill")
    validate_tables(paths, paths.processed_dir)
    monkeypatch.delenv("PINGAN_PROJECT")  # the notebook finds the project from its folder
    output = paths.root / "out.ipynb"
    papermill.execute_notebook(
        str(paths.notebooks_dir / "03_validation.ipynb"),
        str(output),
        cwd=str(paths.root / folder),
        kernel_name="python3",
        progress_bar=False,
    )
    text = output.read_text(encoding="utf-8")
    # the failing figure is shown in its sentence, the figure marked in bold
    assert "decline_at_most_100_pct" in text and "命案比峰值下降" in text and "255%" in text


def test_committed_notebook_is_thin_and_without_outputs() -> None:
    import nbformat

    notebook = nbformat.read(
        Path(__file__).parents[2] / "notebooks/03_validation.ipynb", as_version=4
    )
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].metadata["tags"] == ["parameters"] and code[0].source.startswith(
        "processed_dir = None"
    )
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source for cell in code)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert {"validation_failures.csv", "validation_summary.json", "indicators_valid.csv"} <= set(
        notebook.metadata["pingan"]["inputs"]
    )


def test_seed_corpus_quarantines_baoshan_impossible_decline(project: Path) -> None:
    from pingan_analysis.extract.build import build_corpus_tables

    paths = ProjectPaths(project)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    validate_tables(paths, paths.processed_dir)
    declines = [
        r
        for r in read_rows(paths.processed_dir / FAILURES_FILE)
        if r["check"] == "decline_at_most_100_pct"
    ]
    assert {(r["release_id"], r["value"]) for r in declines} == {(BAOSHAN, "255")}
    assert "命案比峰值下降255%" in declines[0]["sentence"]
    valid = read_rows(paths.processed_dir / VALID_INDICATORS_FILE)
    assert not [r for r in valid if r["release_id"] == BAOSHAN and r["text"] == "255%"]
    assert any(r["release_id"] == LAIXI and r["is_target"] == "true" for r in valid)
