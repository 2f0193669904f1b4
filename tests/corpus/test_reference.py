"""The reference table and the population baseline, on the fixture corpus's population.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.manifest import read_manifest
from pingan_analysis.corpus.reference import (
    add_reference_row,
    cities_without_population,
    land_area_for,
    load_reference,
    population_for,
)
from pingan_analysis.exceptions import DataError

from conftest import POPULATION


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return load_reference(POPULATION)


def test_load_reference_types_the_values(reference: pd.DataFrame) -> None:
    assert reference["value"].dtype == float
    assert set(reference["file"]) == {"population.csv"}
    qingdao = reference[
        (reference["city_zh"] == "青岛市") & (reference["measure"] == "land_area_km2")
    ]
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
    with pytest.raises(DataError, match="lacks column"):
        load_reference(broken)


def test_a_value_that_is_not_a_positive_number_names_its_line(tmp_path: Path) -> None:
    lines = POPULATION.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",8964100,", ",八百万,")
    broken = tmp_path / "population.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 4"):
        load_reference(broken)


# --- validating, extending and reporting the table ----------------------------------------------

CENSUS_ROW = {
    "city": "长治",
    "measure": "resident_population_census",
    "as_of": "2020-11-01",
    "value": "3180884",
    "source_kind": "reprint of official bulletin",
    "source_title": "长治市第七次全国人口普查公报",
    "source_url": "https://example.org/changzhi",
    "quote": "全市常住人口为3180884人",
}


def test_a_row_whose_place_disagrees_with_the_gazetteer_is_named_by_line_and_column(
    project: Path,
) -> None:
    paths = ProjectPaths(project)
    text = paths.population.read_text(encoding="utf-8")
    text = text.replace("莱西市,Laixi,山东,county-level city", "莱西市,Laixi,江苏,county", 1)
    text += "青岛,Qingdao,山东,prefecture,resident_population_census,2010-11-01,8715100,people,x,y,z,q,\n"
    paths.population.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_reference(paths.population)
    message = caught.value.message
    assert "line 6, column province: '江苏': the gazetteer has '山东' for 莱西市" in message
    assert "line 6, column admin_level: 'county': the gazetteer has 'county-level city'" in message
    last = len(text.splitlines())
    assert f"line {last}, column city_zh: '青岛': the gazetteer has '青岛市'" in message
    assert (
        f"line {last}, column unit: 'people': resident_population_census is in persons" in message
    )


def test_reference_add_appends_one_validated_row_from_the_gazetteer(project: Path) -> None:
    paths = ProjectPaths(project)
    before = paths.population.read_bytes()
    row = add_reference_row(paths, CENSUS_ROW)
    assert (row["city_zh"], row["province"], row["admin_level"], row["unit"]) == (
        "长治市",
        "山西",
        "prefecture",
        "persons",
    )
    after = paths.population.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    assert population_for(load_reference(paths.population), "长治市", "2020-12-31").value == 3180884


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"value": "-5"}, "value"),
        ({"as_of": "2020-02-30"}, "as_of"),
        ({"city": "青岛市", "as_of": "2020-11-01"}, "unique"),
    ],
)
def test_reference_add_refuses_a_bad_row_and_leaves_the_table(
    project: Path, change: dict, named: str
) -> None:
    paths = ProjectPaths(project)
    before = paths.population.read_bytes()
    with pytest.raises(DataError) as caught:
        add_reference_row(paths, CENSUS_ROW | change)
    assert named in caught.value.message and paths.population.read_bytes() == before


def test_cities_without_population_say_why_and_what_to_add(project: Path) -> None:
    paths = ProjectPaths(project)
    manifest = read_manifest(paths.manifest)
    reference = load_reference(paths.population)
    assert cities_without_population(manifest, reference).empty
    only_estimates = reference[
        ~(
            (reference["city_zh"] == "淄博市")
            & (reference["measure"] == "resident_population_census")
        )
    ]
    nothing = only_estimates[only_estimates["city_zh"] != "保山市"]
    missing = cities_without_population(manifest, nothing).set_index("city_zh")
    assert list(missing.index) == ["保山市", "淄博市"]
    assert missing.loc["保山市", "reason"].startswith("no population in the reference table")
    assert missing.loc["淄博市", "reason"].startswith("no census count, only year-end estimates")
    assert "data/raw/reference/population.csv" in missing.loc["淄博市", "fix"]
    assert missing.loc["保山市", "releases"] == 1
