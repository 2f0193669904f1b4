"""build_panel on a throwaway project whose indicators_valid.csv holds real seed figures.

Until the corpus and validation steps produce ``indicators_valid.csv``, the table is written
here from figures located in the seed releases (see ``test_reconcile.seed_row``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.datasets import read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.panel.build import PANEL_TABLE_COLUMNS, build_panel, check_panel
from pingan_analysis.registry import PANEL_COLUMNS

from seed_figures import (
    DERIVED_ROWS,
    NEWSPAPER,
    RELEASES_DIR,
    REPORTED_ROWS,
    SEED_INDICATORS,
    TRANSCRIPT,
    built,
)


def test_the_seed_panel(project: Path) -> None:
    panel = built(project)
    assert list(panel.columns) == list(PANEL_TABLE_COLUMNS)
    assert tuple(panel.columns[: len(PANEL_COLUMNS)]) == PANEL_COLUMNS
    assert len(panel) == REPORTED_ROWS + DERIVED_ROWS
    assert (panel["reference"] != "").sum() == DERIVED_ROWS - 4  # annualised rows use none
    assert sorted(panel["city_en"].unique()) == ["Baoshan", "Laixi", "Qingdao", "Zibo"]
    assert not panel.duplicated(
        ["city_zh", "period_start", "period_end", "indicator", "kind"]
    ).any()
    assert "governance_centres" not in set(panel["indicator"])


def test_the_conflict_is_kept_and_marked(project: Path) -> None:
    panel = built(project)
    conflicts = panel[panel["conflict"]]
    assert conflicts["indicator"].tolist() == ["official_court_appearance_rate"]
    row = conflicts.iloc[0]
    assert (row["lower"], row["upper"], row["n_sources"]) == (72.5, 100, 2)
    assert row["value"] == 72.5  # equally precise; the first release id wins


def test_every_panel_number_leads_back_to_its_characters(project: Path) -> None:
    panel = built(project)
    texts = {(r["release_id"], r["start"], r["end"]): r["text"] for r in SEED_INDICATORS}
    files = {r["release_id"]: r["doc"] for r in SEED_INDICATORS}
    for sources in panel["sources"]:
        for source in sources.split(";"):
            release_id, _, span = source.partition(":")
            start, end = map(int, span.split("-"))
            decoded = (RELEASES_DIR / files[release_id]).read_text(encoding="utf-8")
            assert decoded[start:end] == texts[(release_id, start, end)]


def test_derived_rows_carry_their_inputs(project: Path) -> None:
    panel = built(project).set_index(["city_en", "indicator"])
    rate = panel.loc[("Qingdao", "grid_workers_per_10k")]
    assert rate["release_ids"] == f"{TRANSCRIPT};{NEWSPAPER}" and rate["n_sources"] == 2
    assert rate["value"] == pytest.approx(58000 / 10071722 * 1e4)
    assert panel.loc[("Zibo", "grid_workers_per_10k"), "upper"] == pytest.approx(
        7700 / 4704138 * 1e4
    )
    laixi = panel.loc[("Laixi", "residents_per_grid")]
    assert laixi["value"] == pytest.approx(720103 / 115)
    assert "no 2013 year-end estimate" in laixi["note"]
    assert panel.loc[("Qingdao", "administrative_detentions"), "value"] == pytest.approx(110)
    assert panel.loc[("Qingdao", "fugitives_captured"), "value"] == pytest.approx(100)
    assert panel.loc[("Baoshan", "criminal_cases_occurred_annualised"), "value"] == pytest.approx(
        -27.8
    )
    assert panel.loc[("Zibo", "criminal_cases_filed"), "domain"] == "public_safety"


def test_a_city_missing_from_the_reference_keeps_its_reported_rows(project: Path) -> None:
    population = project / "data" / "raw" / "reference" / "population.csv"
    lines = population.read_text(encoding="utf-8").splitlines(keepends=True)
    population.write_text(
        "".join(line for line in lines if not line.startswith("淄博市")), encoding="utf-8"
    )
    zibo = built(project).query("city_en == 'Zibo'")
    assert sorted(zibo["indicator"]) == [
        "criminal_cases_filed",
        "criminal_cases_filed_annualised",
        "grid_workers",
    ]


def test_no_indicator_rows_make_an_empty_panel(project: Path) -> None:
    panel = built(project, [])
    assert panel.empty and list(panel.columns) == list(PANEL_TABLE_COLUMNS)
    header = (project / "data" / "processed" / "panel.csv").read_text(encoding="utf-8")
    assert header == ",".join(PANEL_TABLE_COLUMNS) + "\n"


def test_without_validated_indicators_the_step_says_what_to_run(project: Path) -> None:
    with pytest.raises(DataError, match=r"indicators_valid\.csv") as error:
        build_panel(ProjectPaths(project), project / "data" / "processed")
    assert "pingan run" in str(error.value)


def test_a_panel_that_breaks_its_schema_is_not_written(project: Path) -> None:
    panel = built(project)
    broken = panel.copy()
    broken.loc[0, "value"] = broken.loc[0, "upper"] + 1  # outside its interval, no conflict
    with pytest.raises(DataError, match="value_within_common_interval"):
        check_panel(broken)


def test_the_panel_of_the_real_corpus(project: Path) -> None:
    """The whole chain on the seed releases: extraction and validation, then the panel."""
    from pingan_analysis.extract.build import build_corpus_tables
    from pingan_analysis.validate.run import validate_tables

    paths = ProjectPaths(project)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    validate_tables(paths, paths.processed_dir)
    panel = build_panel(paths, paths.processed_dir)
    valid = read_text_table(paths.processed_dir / "indicators_valid.csv")
    texts = {f"{r.release_id}:{r.start}-{r.end}": r.text for r in valid.itertuples()}
    assert set(panel["city_en"]) == {"Baoshan", "Laixi", "Qingdao", "Zibo"}
    assert {source for sources in panel["sources"] for source in sources.split(";")} <= set(texts)
    reported = panel[panel["reference"] == ""]
    assert (reported["n_sources"] == 2).any()  # Qingdao's two releases merge
    assert "grid_workers_per_10k" in set(panel["indicator"])
