"""The validation report: readable offline, every release text escaped, conflicts with sources."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.datasets import read_text_table
from pingan_analysis.registry import PANEL_COLUMNS
from pingan_analysis.validate.report import (
    check_counts,
    conflicts,
    quarantined,
    write_validation_report,
)
from pingan_analysis.validate.run import validate_tables

from validation_tables import BAOSHAN, EXPECTED_INDICATOR_FAILURES, write_tables


@pytest.fixture
def paths(project: Path) -> ProjectPaths:
    paths = ProjectPaths(project)
    write_tables(project, paths.processed_dir)
    validate_tables(paths, paths.processed_dir)
    return paths


def report(paths: ProjectPaths) -> str:
    return write_validation_report(paths, paths.processed_dir, paths.reports_dir).read_text(
        encoding="utf-8"
    )


def test_report_groups_failures_by_check_with_sentence_and_release(paths: ProjectPaths) -> None:
    page = report(paths)
    assert '<h3 id="check-decline_at_most_100_pct">decline_at_most_100_pct (2)</h3>' in page
    assert "A decline cannot exceed 100%" in page
    assert BAOSHAN in page and "命案比峰值下降<mark>255</mark>%" in page


def test_each_failure_links_to_its_characters_in_the_reader_page(paths: ProjectPaths) -> None:
    page = report(paths)
    failures = read_text_table(paths.processed_dir / "validation_failures.csv")
    assert not failures.empty
    for failure in failures.itertuples():
        table = read_text_table(paths.processed_dir / f"{failure.table}.csv")
        row = table.iloc[int(failure.row)]
        href = f"releases/{row['release_id']}.html#m{row['start']}-{row['end']}"
        assert f'<a href="{href}">{failure.release_id}</a>' in page


def test_report_shares_the_index_summary_and_stylesheet(paths: ProjectPaths) -> None:
    page = report(paths)
    assert 'class="validation-summary"' in page and "body.pingan" in page
    assert page.count("<style>") == 1


def test_report_is_offline_and_has_no_scripts(paths: ProjectPaths) -> None:
    page = report(paths)
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", page)


def test_markup_in_a_release_is_shown_as_text(paths: ProjectPaths) -> None:
    failures = paths.processed_dir / "validation_failures.csv"
    table = read_text_table(failures)
    table.loc[0, "sentence"] = "网格<script>alert(1)</script>共48600个。"
    table.to_csv(failures, index=False, lineterminator="\n")
    page = report(paths)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page


def test_report_replaces_the_old_one_atomically(paths: ProjectPaths) -> None:
    target = paths.reports_dir / "validation.html"
    target.write_text("old", encoding="utf-8")
    report(paths)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in paths.reports_dir.iterdir()] == ["validation.html"]


def test_quarantined_lists_each_row_once_with_its_checks(paths: ProjectPaths) -> None:
    rows = quarantined(paths.processed_dir)
    assert list(rows["row"]) == sorted(EXPECTED_INDICATOR_FAILURES)
    assert rows.loc[0, "failed"] == "decline_at_most_100_pct (value = 255)"


def test_check_counts_cover_every_table(paths: ProjectPaths) -> None:
    counts = check_counts(paths.processed_dir)
    assert set(counts["table"]) == {"manifest", "mentions", "indicators"}
    indicators = counts[counts["table"] == "indicators"]
    assert indicators["count"].sum() == len(EXPECTED_INDICATOR_FAILURES)


def test_conflicts_list_what_each_source_says(paths: ProjectPaths) -> None:
    assert conflicts(paths.processed_dir).empty  # no panel yet
    valid = read_text_table(paths.processed_dir / "indicators_valid.csv")
    grid = valid[valid["indicator"] == "grid_cells"].iloc[0]
    row = dict.fromkeys(PANEL_COLUMNS, "")
    row.update(
        city_zh=grid["city_zh"],
        indicator="grid_cells",
        kind="count",
        period_start=grid["period_start"],
        period_end=grid["period_end"],
        value="48600",
        n_sources="2",
        release_ids=f"{BAOSHAN};other",
        conflict="true",
    )
    pd.DataFrame([row, {**row, "indicator": "mediators", "conflict": "false"}]).to_csv(
        paths.processed_dir / "panel.csv", index=False
    )
    found = conflicts(paths.processed_dir)
    assert list(found["indicator"]) == ["grid_cells"]
    assert found.loc[0, "sources"].startswith(f"{BAOSHAN}: 48600个 — ")
    assert "48600个 — " in report(paths)
