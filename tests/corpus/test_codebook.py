"""Loading and validating the codebook (codebook.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingan_analysis.corpus.codebook import DOMAINS, load_codebook
from pingan_analysis.exceptions import DataError

FIXED_IDS = (
    "grid_cells",
    "grid_workers",
    "grid_workers_full_time",
    "criminal_police_incidents",
    "criminal_cases_filed",
    "criminal_cases_occurred",
    "criminal_cases_solved",
    "public_security_satisfaction",
    "video_surveillance_points",
    "gang_organizations_dismantled",
    "mediators",
    "legal_aid_cases",
)
HEADER = "id,name_zh,name_en,domain,unit,kinds,keywords,description,stock\n"
GOOD_ROW = (
    "grid_cells,网格,grid cells,grassroots_governance,个,count,网格|基础网格,Grid cells.,yes\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codebook.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_codebook_loads_and_keeps_the_fixed_ids() -> None:
    codebook = load_codebook()
    assert all(indicator_id in codebook for indicator_id in FIXED_IDS)
    assert {i.domain for i in codebook.indicators} <= set(DOMAINS)
    assert codebook["grid_cells"].stock and not codebook["criminal_cases_solved"].stock
    assert codebook.domain_of("mediators") == "grassroots_governance"


def test_a_good_file(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, HEADER + GOOD_ROW))
    indicator = codebook["grid_cells"]
    assert [k.head for k in indicator.keywords] == ["网格", "基础网格"]
    assert indicator.kinds == {"count"}


def test_context_keywords(tmp_path: Path) -> None:
    row = "legal_aid_civil_cases,民事,civil,serving_development,件,count,法律援助+民事案件,x,\n"
    keyword = load_codebook(write(tmp_path, HEADER + row))["legal_aid_civil_cases"].keywords[0]
    assert (keyword.context, keyword.head, keyword.length) == (("法律援助",), "民事案件", 8)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id,name_zh,domain\n", "lacks the column"),
        (HEADER + GOOD_ROW + GOOD_ROW, "repeats the one on line 2"),
        (HEADER + GOOD_ROW.replace("grassroots_governance", "policing"), "domain 'policing'"),
        (HEADER + GOOD_ROW.replace(",count,", ",counts,"), "kinds 'counts'"),
        (HEADER + GOOD_ROW.replace("网格|基础网格", ""), "no keywords"),
        (HEADER + GOOD_ROW.replace("网格|基础网格", "法律援助+"), "empty part"),
        (HEADER + GOOD_ROW.replace("grid_cells", "Grid Cells"), "snake_case"),
        (HEADER + GOOD_ROW.replace(",yes", ",maybe"), "not yes or no"),
        (HEADER + GOOD_ROW.replace(",Grid cells.", ""), "different number of fields"),
    ],
)
def test_invalid_files_name_file_line_problem_and_fix(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as raised:
        load_codebook(path)
    assert problem in raised.value.problem
    assert str(path) in raised.value.message and raised.value.fix
    if "line 1" not in raised.value.message:
        assert "line" in raised.value.where


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such codebook"):
        load_codebook(tmp_path / "none.csv")


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_ROW)
    assert len(load_codebook(path)) == 1
    path.write_text(
        HEADER + GOOD_ROW + GOOD_ROW.replace("grid_cells", "grid_cells_2"), encoding="utf-8"
    )
    assert len(load_codebook(path)) == 2


def test_the_codebook_carries_every_core_id_with_the_contract_meaning() -> None:
    """The 26 ids of data/core_indicators.csv (a copy of the project's contract) keep their
    names, domain, kinds and definition in the packaged codebook."""
    import csv

    from pingan_analysis.config import PACKAGE_DATA_DIR

    codebook = load_codebook()
    with (PACKAGE_DATA_DIR / "core_indicators.csv").open(encoding="utf-8", newline="") as handle:
        core = list(csv.DictReader(handle))
    assert len(core) == 26
    for row in core:
        indicator = codebook[row["id"]]
        assert (indicator.name_zh, indicator.name_en, indicator.domain) == (
            row["name_zh"],
            row["name_en"],
            row["domain"],
        ), row["id"]
        assert indicator.kinds == frozenset(row["kinds"].split("|")), row["id"]
        assert indicator.description.startswith(row["definition"]), row["id"]


def test_stages_are_read_and_checked(tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + ",stages\n"
    good = GOOD_ROW.rstrip("\n") + ",occurred|none\n"
    assert load_codebook(write(tmp_path, header + good))["grid_cells"].stages == {
        "occurred",
        "none",
    }
    with pytest.raises(DataError) as raised:
        load_codebook(write(tmp_path, header + GOOD_ROW.rstrip("\n") + ",caught\n"))
    assert "stages 'caught'" in raised.value.message and "line 2" in raised.value.message
