"""The reference table and the population baseline, on the fixture corpus's population.csv."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import POPULATION
from pingan_analysis.exceptions import DataError
from pingan_analysis.corpus.reference import land_area_for, load_reference, population_for


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return load_reference(POPULATION)


def test_load_reference_types_the_values(reference: pd.DataFrame) -> None:
    assert reference["value"].dtype == float
    assert set(reference["file"]) == {"population.csv"}
    qingdao = reference[(reference["city_zh"] == "青岛市") & (reference["measure"] == "land_area_km2")]
    assert qingdao["value"].tolist() == [11293.0]


def test_the_census_count_is_the_baseline_across_the_series_break(reference: pd.DataFrame) -> None:
    # Qingdao 2019: the 2019 year-end estimate (949.98万) undercounts; the census count is used.
    found = population_for(reference, "青岛市", "2019-12-31")
    assert found is not None
    assert found.value == 10071722
    assert found.key == "population.csv:青岛市:resident_population_census:2020-11-01"
    assert "9499800" in found.note and "-5.7%" in found.note and "series break" in found.note


def test_a_year_without_an_estimate_says_so(reference: pd.DataFrame) -> None:
    # Laixi has no 2013 year-end figure (reference README).
    found = population_for(reference, "莱西市", "2013-12-31")
    assert found is not None and found.value == 720103
    assert "no 2013 year-end estimate" in found.note


def test_the_census_year_needs_no_caveat(reference: pd.DataFrame) -> None:
    found = population_for(reference, "淄博市", "2020-12-31")
    assert found is not None
    assert found.note == "population: census 2020-11-01 count used as the baseline"


def test_without_a_census_row_the_nearest_estimate_is_flagged(reference: pd.DataFrame) -> None:
    no_census = reference[reference["measure"] != "resident_population_census"]
    found = population_for(no_census, "保山市", "2022-05-31")
    # 2022-05-31 is 151 days after the 2021 year end and 214 days before the 2022 one.
    assert found is not None and found.value == 2418000
    assert found.key.endswith(":resident_population_year_end:2021-12-31")
    assert "not comparable" in found.note


def test_a_city_missing_from_the_reference_has_no_population(reference: pd.DataFrame) -> None:
    assert population_for(reference, "北京市", "2019-12-31") is None
    assert land_area_for(reference, "北京市") is None


def test_land_area_keeps_the_other_source_in_its_note(reference: pd.DataFrame) -> None:
    found = land_area_for(reference, "青岛市")
    assert found is not None and found.value == 11293
    assert found.key == "population.csv:青岛市:land_area_km2"
    assert "11,228.4" in found.note


def test_a_reference_without_its_columns_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "population.csv"
    broken.write_text("city_zh,value\n青岛市,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="lacks columns"):
        load_reference(broken)


def test_a_value_that_is_not_a_positive_number_names_its_line(tmp_path: Path) -> None:
    lines = POPULATION.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",8964100,", ",八百万,")
    broken = tmp_path / "population.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 4"):
        load_reference(broken)
