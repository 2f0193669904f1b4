"""Typed loaders for notebooks: load_panel, load_mentions, load_indicators, load_manifest, load_reference."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.datasets import (
    column_types,
    load_indicators,
    load_manifest,
    load_mentions,
    load_panel,
    load_reference,
    read_text_table,
    typed,
)
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS, MENTIONS_TABLE_COLUMNS

from seed_figures import SEED_INDICATORS


def test_load_panel_types_its_columns(processed: Path) -> None:
    panel = load_panel(processed)
    assert isinstance(panel["city_zh"].dtype, pd.CategoricalDtype)
    assert isinstance(panel["indicator"].dtype, pd.CategoricalDtype)
    assert panel["value"].dtype == float and panel["lower"].dtype == float
    assert panel["n_sources"].dtype == "int64"
    assert panel["conflict"].dtype == bool and panel["conflict"].sum() == 1
    assert pd.api.types.is_datetime64_any_dtype(panel["period_end"])
    qingdao = panel[(panel["city_en"] == "Qingdao") & (panel["indicator"] == "grid_cells")].iloc[0]
    assert qingdao["period_end"] == pd.Timestamp("2019-12-31")
    assert (qingdao["lower"], qingdao["upper"]) == (29000.0, 30000.0)


def test_empty_codes_are_missing_and_empty_text_stays_text(processed: Path) -> None:
    panel = load_panel(processed)
    as_text = read_text_table(processed / "panel.csv")
    assert (as_text["unit"] == "").any()  # seed figures without a unit: the case under test
    assert (panel["unit"].isna() == (as_text["unit"] == "")).all()  # a code: "" becomes missing
    reported = panel[panel["indicator"] == "grid_workers"]
    assert (reported["reference"] == "").all()  # free text: "" means none
    assert panel["domain"].notna().all()


def test_load_panel_finds_the_project_by_itself(processed: Path) -> None:
    # the `project` fixture sets PINGAN_PROJECT
    assert len(load_panel()) == len(load_panel(processed))


def test_load_indicators_and_mentions(processed: Path) -> None:
    rows = [[row[c] for c in INDICATORS_TABLE_COLUMNS] for row in SEED_INDICATORS]
    with atomic_text_writer(processed / "indicators.csv") as handle:
        write_csv_rows(handle, INDICATORS_TABLE_COLUMNS, rows + rows[:1])
    with atomic_text_writer(processed / "mentions.csv") as handle:
        write_csv_rows(
            handle, MENTIONS_TABLE_COLUMNS, (row[: len(MENTIONS_TABLE_COLUMNS)] for row in rows)
        )
    valid = load_indicators(processed)
    assert len(valid) == len(SEED_INDICATORS)
    assert len(load_indicators(processed, valid_only=False)) == len(SEED_INDICATORS) + 1
    assert valid["start"].dtype == "int64" and valid["value"].dtype == float
    assert pd.api.types.is_datetime64_any_dtype(valid["published"])
    assert (
        valid["direction"].isna().sum()
        == (valid["kind"] == "count").sum() + (valid["kind"] == "percent").sum()
    )
    mentions = load_mentions(processed)
    assert list(mentions.columns) == list(MENTIONS_TABLE_COLUMNS)
    assert mentions["text"].iloc[0] == SEED_INDICATORS[0]["text"]


def test_load_manifest_and_reference(project: Path) -> None:
    manifest = load_manifest(project)
    assert len(manifest) == 5
    assert manifest.loc[manifest["city_en"] == "Zibo", "published"].iloc[0] == pd.Timestamp(
        "2022-10-14"
    )
    reference = load_reference(project)
    census = reference[reference["measure"] == "resident_population_census"]
    assert census.set_index("city_zh").loc["青岛市", "value"] == 10071722


def test_a_missing_table_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="pingan run"):
        load_panel(tmp_path)


def test_the_package_exports_the_loaders() -> None:
    import pingan_analysis

    assert pingan_analysis.load_panel is load_panel
    assert pingan_analysis.load_mentions is load_mentions


def test_types_come_from_each_tables_declaration() -> None:
    """A column name is typed as its table declares it: ``value`` is a number in the panel but
    the failing cell as written in the failures table; ``is_target`` is a boolean."""
    failures = pd.DataFrame({"table": ["mentions"], "row": ["3"], "value": ["八百万"]})
    assert typed(failures, "validation_failures")["value"].tolist() == ["八百万"]
    assert typed(failures, "validation_failures")["row"].dtype == "int64"
    panel = pd.DataFrame({"value": ["1.5", ""], "conflict": ["true", "false"]})
    typed_panel = typed(panel, "panel")
    assert typed_panel["value"].dtype == float and typed_panel["value"].isna().tolist() == [
        False,
        True,
    ]
    assert typed_panel["conflict"].tolist() == [True, False]
    assert column_types("indicators_valid")["is_target"] == "bool"
    assert {column_types("panel")[c] for c in ("city_zh", "admin_level", "kind")} == {"category"}
    assert column_types("panel")["sources"] == "text"
