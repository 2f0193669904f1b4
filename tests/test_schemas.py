"""The schemas accept the project's own tables and name the check a bad row fails."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from pingan_analysis.datasets import read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import MENTIONS_TABLE_COLUMNS, PANEL_COLUMNS
from pingan_analysis.schemas import (
    MENTION_NUMBER_COLUMNS,
    ManifestSchema,
    MentionsSchema,
    PanelSchema,
    ReferenceSchema,
    check_descriptions,
    describe_check,
    parse_numbers,
    schema_failures,
    table_failures,
)

from conftest import MANIFEST, POPULATION


@pytest.fixture
def manifest() -> pd.DataFrame:
    return read_text_table(MANIFEST)


def mention(**changes: str) -> dict[str, str]:
    row = {
        "release_id": "qingdao-2020-04-08-7042e67b",
        "doc": "qingdao-2020-04-08-7042e67b.txt",
        "start": "10",
        "end": "14",
        "text": "13.5%",
        "value": "13.5",
        "unit": "%",
        "qualifier": "exact",
        "lower": "13.5",
        "upper": "13.5",
        "kind": "change_pct",
        "direction": "down",
        "period_start": "2019-01-01",
        "period_end": "2019-12-31",
        "modality": "reported",
        "indicator": "",
        "multiple_form": "",
        "subject": "",
        "corrected": "false",
    }
    return {**row, **changes}


def mention_failures(*rows: dict[str, str]) -> list[tuple[int, str, str]]:
    frame = pd.DataFrame(list(rows), columns=list(MENTIONS_TABLE_COLUMNS), dtype=str)
    _, failures = table_failures(MentionsSchema, frame, MENTION_NUMBER_COLUMNS)
    return [(f.row, f.column, f.check) for f in failures]


def test_seed_manifest_and_reference_are_valid(manifest: pd.DataFrame) -> None:
    reference = read_text_table(POPULATION)
    assert schema_failures(ManifestSchema, manifest) == []
    assert (
        schema_failures(ReferenceSchema, reference.assign(value=reference["value"].astype(float)))
        == []
    )


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("published", "2022-02-30", "date"),
        ("published", "2022/06/27", "date"),
        ("published", (date.today() + timedelta(days=2)).isoformat(), "not_in_future"),
        ("period_end", "2022-13-01", "date_or_empty"),
        ("admin_level", "city", "isin"),
        ("sha256", "not-a-hash", "str_matches"),
    ],
)
def test_manifest_cell_failures_name_row_column_and_check(
    manifest: pd.DataFrame, column: str, value: str, check: str
) -> None:
    manifest.loc[1, column] = value
    failures = [f for f in schema_failures(ManifestSchema, manifest) if f.check.startswith(check)]
    assert [(f.row, f.column, f.value) for f in failures] == [(1, column, value)]


def test_manifest_row_rules(manifest: pd.DataFrame) -> None:
    manifest.loc[0, ["period_start", "period_end"]] = ["2020-01-01", "2019-12-31"]
    manifest.loc[2, "period_end"] = "2014-02-01"  # after the publication date 2014-01-01
    manifest.loc[3, "file"] = "other.txt"
    checks = {(f.row, f.check) for f in schema_failures(ManifestSchema, manifest)}
    assert checks == {
        (0, "period_ordered"),
        (2, "period_before_published"),
        (3, "file_named_after_release"),
    }


def test_duplicate_release_is_reported_on_both_rows(manifest: pd.DataFrame) -> None:
    doubled = pd.concat([manifest, manifest.iloc[[0]]], ignore_index=True)
    duplicates = {
        (f.row, f.column)
        for f in schema_failures(ManifestSchema, doubled)
        if f.check == "field_uniqueness"
    }
    assert {(0, "sha256"), (5, "sha256"), (0, "release_id"), (5, "release_id")} <= duplicates


def test_a_valid_mention_passes() -> None:
    assert mention_failures(mention()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"value": "255", "upper": "255", "lower": "255"}, (0, "value", "decline_at_most_100_pct")),
        (
            {"kind": "percent", "direction": "", "value": "101", "lower": "101", "upper": "101"},
            (0, "value", "percent_within_0_100"),
        ),
        ({"lower": "14"}, (0, "value", "value_within_interval")),
        ({"direction": ""}, (0, "direction", "change_has_direction")),
        ({"period_start": "2020-01-01"}, (0, "period_end", "period_ordered")),
        ({"end": "9"}, (0, "end", "offsets_ordered")),
        ({"value": "abc"}, (0, "value", "number")),
        (
            {"qualifier": "roughly"},
            (0, "qualifier", "isin(('exact', 'lower', 'upper', 'approx', 'range'))"),
        ),
        (
            {"kind": "change_multiple", "unit": "倍"},
            (0, "multiple_form", "multiple_form_fits_kind"),
        ),
    ],
)
def test_each_mention_rule_fails_its_row(changes: dict[str, str], expected: tuple) -> None:
    assert mention_failures(mention(), mention(**changes)) == [(1, *expected[1:])]


def test_a_score_is_a_level_above_100_allowed_and_a_change_in_points_has_a_direction() -> None:
    score = mention(
        kind="score", unit="分", direction="", value="120.5", lower="120.5", upper="120.5"
    )
    change = mention(
        kind="change_score", unit="分", direction="up", value="2.4", lower="2.4", upper="2.4"
    )
    assert mention_failures(score, change) == []
    assert mention_failures(mention(), {**change, "direction": ""}) == [
        (1, "direction", "change_has_direction")
    ]


def test_an_increase_may_exceed_100_pct() -> None:
    assert mention_failures(mention(direction="up", value="255", lower="255", upper="255")) == []


def test_panel_interval_rule_spares_conflicts() -> None:
    row = dict.fromkeys(PANEL_COLUMNS, "")
    row.update(
        city_zh="青岛市",
        indicator="grid_cells",
        kind="count",
        value=10.0,
        lower=12.0,
        upper=20.0,
        n_sources=2.0,
        conflict="false",
    )
    panel = pd.DataFrame([row, {**row, "conflict": "true"}], columns=list(PANEL_COLUMNS))
    assert [(f.row, f.check) for f in schema_failures(PanelSchema, panel)] == [
        (0, "value_within_common_interval")
    ]


def test_missing_column_is_structural() -> None:
    frame = pd.DataFrame([mention()]).drop(columns="unit")
    typed, _ = parse_numbers(frame, MENTION_NUMBER_COLUMNS)
    with pytest.raises(DataError, match="unit"):
        schema_failures(MentionsSchema, typed)


def test_every_named_check_is_described_in_words() -> None:
    descriptions = check_descriptions()
    assert (
        "decline_at_most_100_pct" in descriptions
        and "100%" in descriptions["decline_at_most_100_pct"]
    )
    assert describe_check("field_uniqueness") == "The value appears in no other row."
    assert "exact" in describe_check("isin(['exact', 'lower'])")
