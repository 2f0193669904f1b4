"""Derived rows on real seed figures: per-capita and per-area rates, annualised crime changes."""

from __future__ import annotations

import logging
import math

import pandas as pd
import pytest

from pingan_analysis.corpus.reference import load_reference
from pingan_analysis.panel.derive import annualise, derive, measure_of, period_years
from pingan_analysis.panel.reconcile import reconcile

from conftest import POPULATION
from seed_figures import BAOSHAN, LAIXI, TRANSCRIPT, ZIBO, frame, only, seed_row

QINGDAO_CENSUS = 10071722
BAOSHAN_CENSUS = 2431211
QINGDAO_KEY = "population.csv:青岛市:resident_population_census:2020-11-01"


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return load_reference(POPULATION)


def derived(reference: pd.DataFrame, *rows: dict) -> pd.DataFrame:
    return derive(reconcile(frame(*rows)), reference)


# 000: "将全市科学划分为2.9万多个基础网格,统一编制确定编码,配备5.8万多名专兼职网格员"
QINGDAO_GRIDS = seed_row(
    TRANSCRIPT,
    "划分为2.9万多个基础网格",
    "2.9万多个",
    29000,
    "grid_cells",
    qualifier="lower",
    lower=29000,
    upper=30000,
    unit="个",
    stock=True,
)
QINGDAO_GRID_WORKERS = seed_row(
    TRANSCRIPT,
    "配备5.8万多名专兼职网格员",
    "5.8万多名",
    58000,
    "grid_workers",
    qualifier="lower",
    lower=58000,
    upper=59000,
    unit="名",
    stock=True,
)
# 001: "全市共划分网格48600个,配备专(兼)职网格员49702人"
BAOSHAN_GRID_WORKERS = seed_row(
    BAOSHAN, "配备专(兼)职网格员49702人", "49702人", 49702, "grid_workers", unit="人", stock=True
)


def test_grid_workers_per_10k_carry_the_interval(reference: pd.DataFrame) -> None:
    row = only(derived(reference, QINGDAO_GRID_WORKERS), "grid_workers_per_10k")
    assert row["value"] == pytest.approx(58000 / QINGDAO_CENSUS * 1e4)  # 57.59
    assert row["lower"] == pytest.approx(57.587, abs=1e-3)
    assert row["upper"] == pytest.approx(59000 / QINGDAO_CENSUS * 1e4)  # 58.58
    assert row["reference"] == QINGDAO_KEY
    assert row["release_ids"] == TRANSCRIPT
    assert (
        row["sources"]
        == f"{TRANSCRIPT}:{QINGDAO_GRID_WORKERS['start']}-{QINGDAO_GRID_WORKERS['end']}"
    )
    assert row["unit"] == "per 10k residents" and row["kind"] == "count"
    assert "-5.7%" in row["note"]  # the 2019 estimate's gap to the census baseline


def test_baoshan_grid_workers_per_10k(reference: pd.DataFrame) -> None:
    row = only(derived(reference, BAOSHAN_GRID_WORKERS), "grid_workers_per_10k")
    assert row["value"] == pytest.approx(204.433, abs=1e-3)
    assert row["lower"] == row["upper"] == row["value"]
    assert row["period_end"] == "2022-05-31"
    assert row["reference"] == "population.csv:保山市:resident_population_census:2020-11-01"


def test_residents_per_grid_swaps_the_interval_ends(reference: pd.DataFrame) -> None:
    row = only(derived(reference, QINGDAO_GRIDS), "residents_per_grid")
    # More grid cells, fewer residents per cell: 2.9万多 (29000..30000) gives 335.7..347.3.
    assert row["value"] == pytest.approx(QINGDAO_CENSUS / 29000)
    assert row["lower"] == pytest.approx(QINGDAO_CENSUS / 30000)
    assert row["upper"] == pytest.approx(QINGDAO_CENSUS / 29000)
    assert row["unit"] == "residents per grid cell"


def test_grid_cells_per_km2_use_the_land_area(reference: pd.DataFrame) -> None:
    row = only(derived(reference, QINGDAO_GRIDS), "grid_cells_per_km2")
    assert (row["value"], row["upper"]) == (
        pytest.approx(29000 / 11293),
        pytest.approx(30000 / 11293),
    )
    assert row["reference"] == "population.csv:青岛市:land_area_km2"
    assert "11,228.4" in row["note"]


def test_surveillance_and_mediators_per_10k(reference: pd.DataFrame) -> None:
    # 000: "累计建成视频监控5.4万余处"; "设立联动调解组织217个,调解员464人"; 001: "人民调解员11148名".
    cameras = seed_row(
        TRANSCRIPT,
        "视频监控5.4万余处",
        "5.4万余处",
        54000,
        "video_surveillance_points",
        qualifier="lower",
        lower=54000,
        upper=55000,
        stock=True,
    )
    qingdao_mediators = seed_row(TRANSCRIPT, "调解员464人", "464人", 464, "mediators", stock=True)
    baoshan_mediators = seed_row(
        BAOSHAN, "人民调解员11148名", "11148名", 11148, "mediators", stock=True
    )
    out = derived(reference, cameras, qingdao_mediators, baoshan_mediators)
    camera_rate = only(out, "video_surveillance_points_per_10k")
    assert (camera_rate["lower"], camera_rate["upper"]) == (
        pytest.approx(54000 / QINGDAO_CENSUS * 1e4),
        pytest.approx(55000 / QINGDAO_CENSUS * 1e4),
    )
    mediators = out[out["indicator"] == "mediators_per_10k"].set_index("city_zh")["value"]
    assert mediators["青岛市"] == pytest.approx(0.4607, abs=1e-4)
    assert mediators["保山市"] == pytest.approx(45.854, abs=1e-3)


def test_a_city_missing_from_the_reference_keeps_its_figures_but_no_rates(
    reference: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    without_baoshan = reference[reference["city_zh"] != "保山市"]
    with caplog.at_level(logging.WARNING, logger="pingan_analysis.panel.derive"):
        out = derived(without_baoshan, BAOSHAN_GRID_WORKERS, QINGDAO_GRID_WORKERS)
    assert out[["city_zh", "indicator"]].values.tolist() == [["青岛市", "grid_workers_per_10k"]]
    assert "no resident population for 保山市" in caplog.text


def test_period_years_counts_inclusive_days() -> None:
    assert period_years("2019-01-01", "2019-12-31") == pytest.approx(365 / 365.25)
    assert period_years("2012-11-08", "2022-10-14") == pytest.approx(3628 / 365.25)
    assert period_years("", "2019-12-31") is None


def test_annualise_compounds() -> None:
    assert annualise(-36.01, 3628 / 365.25) == pytest.approx(-4.395, abs=1e-3)
    assert annualise(21.0, 2.0) == pytest.approx(10.0)  # 1.1² = 1.21
    assert annualise(-13.5, 1.0) == pytest.approx(-13.5)


def test_ten_year_decline_in_filed_cases_is_compounded(reference: pd.DataFrame) -> None:
    # 004: "十年来,淄博市刑事犯罪案件立案数和可防性案件立案数分别下降36.01%、85.7%"
    filed = seed_row(
        ZIBO,
        "分别下降36.01%",
        "36.01%",
        36.01,
        "criminal_cases_filed",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    row = only(derived(reference, filed), "criminal_cases_filed_annualised")
    assert (row["period_start"], row["period_end"]) == ("2012-11-08", "2022-10-14")
    assert row["value"] == pytest.approx(-4.395, abs=1e-3)
    assert row["lower"] == row["upper"] == row["value"]
    assert row["kind"] == "change_pct" and row["reference"] == ""
    assert row["measure"].startswith("filed cases")
    assert "9.93 years" in row["note"]


@pytest.mark.parametrize(
    ("release", "context", "text", "value", "indicator", "period"),
    [
        # 002: "全市刑事发案同比下降23.9%" (2013)
        (LAIXI, "全市刑事发案同比下降23.9%", "23.9%", 23.9, "criminal_cases_occurred", None),
        # 001: "今年1至5月,全市刑事案件发案同比下降27.8%": a year-on-year change of a five-month window.
        (
            BAOSHAN,
            "刑事案件发案同比下降27.8%",
            "27.8%",
            27.8,
            "criminal_cases_occurred",
            ("2022-01-01", "2022-05-31"),
        ),
        # 000: "全市刑事警情同比下降13.5%" (2019)
        (TRANSCRIPT, "全市刑事警情同比下降13.5%", "13.5%", 13.5, "criminal_police_incidents", None),
    ],
)
def test_a_year_on_year_change_is_already_annual(
    reference: pd.DataFrame,
    release: str,
    context: str,
    text: str,
    value: float,
    indicator: str,
    period: tuple[str, str] | None,
) -> None:
    change = seed_row(
        release,
        context,
        text,
        value,
        indicator,
        kind="change_pct",
        direction="down",
        period=period,
        unit="%",
    )
    row = only(derived(reference, change), f"{indicator}_annualised")
    assert row["value"] == pytest.approx(-value)
    assert "year on year" in row["note"]
    assert row["measure"] == measure_of(indicator) != ""


def test_an_interval_goes_through_the_annualisation(reference: pd.DataFrame) -> None:
    # 004's decline as if it had said "下降36%以上" (made up): signed [open, -36], annualised
    # [open, f(-36)], f increasing.
    at_least = seed_row(
        ZIBO,
        "分别下降36.01%",
        "36.01%",
        36.0,
        "criminal_cases_filed",
        kind="change_pct",
        direction="down",
        qualifier="lower",
        lower=36.0,
        upper=None,
    )
    row = only(derived(reference, at_least), "criminal_cases_filed_annualised")
    assert math.isnan(row["lower"])
    assert row["upper"] == pytest.approx(annualise(-36.0, 3628 / 365.25))
    assert row["value"] == row["upper"]


def test_a_decline_of_100_percent_or_more_is_not_annualised(
    reference: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    # 001: "命案比峰值下降255%" — impossible as a decline; validation should quarantine it, and
    # derivation must not turn it into a number if it comes through.
    impossible = seed_row(
        BAOSHAN,
        "命案比峰值下降255%",
        "255%",
        255,
        "criminal_cases_occurred",
        kind="change_pct",
        direction="down",
    )
    with caplog.at_level(logging.WARNING, logger="pingan_analysis.panel.derive"):
        out = derived(reference, impossible)
    assert out.empty
    assert "cannot be annualised" in caplog.text


def test_only_the_named_indicators_are_derived(reference: pd.DataFrame) -> None:
    # 000: "破获刑事案件3500余起" is a crime indicator but not a crime level: no annualisation,
    # and counts of grid cells yield nothing per 10k.
    solved = seed_row(
        TRANSCRIPT,
        "破获刑事案件3500余起",
        "3500余起",
        3500,
        "criminal_cases_solved",
        qualifier="lower",
        lower=3500,
        upper=3600,
    )
    out = derived(reference, solved, QINGDAO_GRIDS)
    assert sorted(out["indicator"]) == ["grid_cells_per_km2", "residents_per_grid"]
