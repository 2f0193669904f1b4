"""The crime-against-grid-density analysis: point selection, the fit, leave-one-out, caveats."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from pingan_analysis.analysis import crime_grid

matplotlib.use("Agg")


def _row(
    city: str,
    indicator: str,
    value: float,
    start: str,
    end: str,
    kind: str = "change_pct",
    lower: float | None = None,
    upper: float | None = None,
    reference: str = "",
) -> dict:
    return {
        "city_en": city,
        "city_zh": f"{city}市",
        "indicator": indicator,
        "kind": kind,
        "value": value,
        "lower": value if lower is None else lower,
        "upper": value if upper is None else upper,
        "period_start": start,
        "period_end": end,
        "release_ids": f"{city.lower()}-release",
        "reference": reference,
        "n_sources": 1,
        "conflict": False,
    }


def _panel(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def _linear_panel(densities: dict[str, float], slope: float, intercept: float) -> pd.DataFrame:
    rows = []
    for city, density in densities.items():
        rows.append(
            _row(
                city,
                "criminal_police_incidents_annualised",
                intercept + slope * density,
                "2019-01-01",
                "2019-12-31",
            )
        )
        rows.append(
            _row(
                city,
                "grid_workers_per_10k",
                density,
                "2019-12-31",
                "2019-12-31",
                kind="count",
                reference=f"population.csv:{city}:resident_population_census:2020-11-01",
            )
        )
    return _panel(rows)


def test_points_prefer_police_incidents_and_the_longest_period() -> None:
    panel = _panel(
        [
            _row("Zibo", "criminal_cases_filed_annualised", -5.0, "2012-11-08", "2022-10-14"),
            _row("Zibo", "criminal_police_incidents_annualised", -3.0, "2021-01-01", "2021-12-31"),
            _row("Zibo", "criminal_police_incidents_annualised", -4.0, "2012-11-08", "2022-10-14"),
            _row("Zibo", "grid_workers_per_10k", 20.0, "2016-12-31", "2016-12-31", kind="count"),
            _row("Zibo", "grid_workers_per_10k", 25.0, "2022-10-14", "2022-10-14", kind="count"),
        ]
    )
    points = crime_grid.crime_grid_points(panel)
    assert len(points) == 1
    point = points.iloc[0]
    assert point["crime_indicator"] == "criminal_police_incidents"
    assert point["crime_change"] == -4.0
    assert point["density"] == 25.0  # the density nearest in time to the crime period's end
    assert point["crime_years"] == pytest.approx(9.93, abs=0.01)
    assert (point["crime_period_start"], point["density_as_of"]) == ("2012-11-08", "2022-10-14")


def test_points_from_a_typed_panel_keep_plain_iso_dates() -> None:
    panel = _linear_panel({"A": 10, "B": 20}, slope=1, intercept=0)
    for column in ("period_start", "period_end"):
        panel[column] = pd.to_datetime(panel[column])
    notes = crime_grid.caveats(
        crime_grid.crime_grid_points(panel),
        crime_grid.fit_crime_on_density(crime_grid.crime_grid_points(panel)),
    )
    assert crime_grid.crime_grid_points(panel).loc[0, "crime_period_end"] == "2019-12-31"
    assert not any("00:00:00" in note for note in notes)


def test_a_city_without_a_density_gives_no_point() -> None:
    panel = _panel(
        [_row("Laixi", "criminal_cases_occurred_annualised", -23.9, "2013-01-01", "2013-12-31")]
    )
    assert crime_grid.crime_grid_points(panel).empty


def test_the_fit_recovers_an_exact_line_and_its_rank_correlation() -> None:
    points = crime_grid.crime_grid_points(
        _linear_panel({"A": 10, "B": 20, "C": 30, "D": 45}, slope=-0.5, intercept=2.0)
    )
    fit = crime_grid.fit_crime_on_density(points)
    assert fit.n == 4
    assert fit.slope == pytest.approx(-0.5)
    assert fit.intercept == pytest.approx(2.0)
    assert fit.spearman_rho == pytest.approx(-1.0)
    assert list(fit.leave_one_out["left_out"]) == ["A", "B", "C", "D"]
    assert fit.leave_one_out["slope"].to_list() == pytest.approx([-0.5] * 4)
    assert "-0.50 percentage points" in fit.describe()


def test_too_few_cities_give_a_reason_not_a_line() -> None:
    points = crime_grid.crime_grid_points(_linear_panel({"A": 10, "B": 20}, slope=1, intercept=0))
    fit = crime_grid.fit_crime_on_density(points)
    assert fit.slope is None
    assert "2 cities" in fit.describe()


def test_leave_one_out_reports_a_flipping_slope_as_a_caveat() -> None:
    rising = _linear_panel({"A": 10, "B": 20, "C": 30}, slope=0.2, intercept=0.0)
    panel = pd.concat(
        [rising, _linear_panel({"D": 100}, slope=-0.5, intercept=0.0)], ignore_index=True
    )
    points = crime_grid.crime_grid_points(panel)
    fit = crime_grid.fit_crime_on_density(points)
    notes = crime_grid.caveats(points, fit)
    assert any("flips the slope's sign" in note for note in notes)
    assert notes[0].startswith("4 cities")
    assert any("p-values are not meaningful" in note for note in notes)


def test_three_cities_cannot_be_checked_one_out() -> None:
    points = crime_grid.crime_grid_points(
        _linear_panel({"A": 10, "B": 20, "C": 35}, slope=-1, intercept=0)
    )
    notes = crime_grid.caveats(points, crime_grid.fit_crime_on_density(points))
    assert any("too few points to fit" in note for note in notes)


def test_caveats_name_mixed_measures_periods_and_population_breaks() -> None:
    panel = _panel(
        [
            _row("A", "criminal_police_incidents_annualised", -2, "2019-01-01", "2019-12-31"),
            _row(
                "A",
                "grid_workers_per_10k",
                10,
                "2019-12-31",
                "2019-12-31",
                kind="count",
                reference="population.csv:A:resident_population_year_end:2019-12-31",
            ),
            _row("B", "criminal_cases_occurred_annualised", -5, "2012-11-08", "2022-10-14"),
            _row(
                "B",
                "grid_workers_per_10k",
                30,
                "2022-10-14",
                "2022-10-14",
                kind="count",
                reference="population.csv:B:resident_population_census:2020-11-01",
            ),
        ]
    )
    points = crime_grid.crime_grid_points(panel)
    manifest = pd.DataFrame(
        {"city_en": ["A", "B", "C"], "kind": ["transcript", "news_report", "other"]}
    )
    notes = " ".join(crime_grid.caveats(points, crime_grid.fit_crime_on_density(points), manifest))
    assert "Mixed crime measures" in notes
    assert "Mixed periods" in notes
    assert "census" in notes and "year-end" in notes
    assert "2 releases: news_report, transcript" in notes


def test_caveats_carry_the_panels_population_break_notes() -> None:
    panel = _linear_panel(
        {"Qingdao": 57.6, "Zibo": 16.2, "Baoshan": 204.4}, slope=-0.1, intercept=0
    )
    is_density = panel["indicator"] == "grid_workers_per_10k"
    panel["note"] = ""
    panel.loc[is_density & (panel["city_en"] == "Qingdao"), "note"] = (
        "population: census 2020-11-01 count used as the baseline for a 2019 figure; the 2019 "
        "year-end estimate 9499800 differs by -5.7% (series break at the census)"
    )
    points = crime_grid.crime_grid_points(panel)
    notes = crime_grid.caveats(points, crime_grid.fit_crime_on_density(points))
    breaks = [note for note in notes if note.startswith("Densities divide")]
    assert (
        len(breaks) == 1 and "Qingdao: population: census" in breaks[0] and "Zibo" not in breaks[0]
    )


def test_interval_bars_are_asymmetric_and_open_ends_draw_nothing() -> None:
    panel = _panel(
        [
            _row(
                "A",
                "criminal_police_incidents_annualised",
                -2.0,
                "2019-01-01",
                "2019-12-31",
                lower=-3.0,
                upper=float("nan"),
            ),
            _row(
                "A",
                "grid_workers_per_10k",
                10.0,
                "2019-12-31",
                "2019-12-31",
                kind="count",
                lower=9.5,
                upper=11.0,
            ),
        ]
    )
    points = crime_grid.crime_grid_points(panel)
    bars = crime_grid._bars(points, "crime_change")
    assert bars[:, 0].tolist() == [1.0, 0.0]
    assert crime_grid._bars(points, "density")[:, 0].tolist() == [0.5, 1.0]
    figure = crime_grid.plot_crime_vs_density(points, crime_grid.fit_crime_on_density(points))
    assert [text.get_text() for text in figure.axes[0].texts] == ["A A市"]
    assert not math.isnan(points.iloc[0]["crime_change"])


@pytest.mark.parametrize("missing", [np.nan, ""])
def test_caveats_survive_a_release_without_kind_and_say_so(missing: object) -> None:
    panel = _panel(
        [
            _row("A", "criminal_police_incidents_annualised", -2, "2019-01-01", "2019-12-31"),
            _row("A", "grid_workers_per_10k", 10, "2019-12-31", "2019-12-31", kind="count"),
            _row("B", "criminal_police_incidents_annualised", -5, "2019-01-01", "2019-12-31"),
            _row("B", "grid_workers_per_10k", 30, "2019-12-31", "2019-12-31", kind="count"),
        ]
    )
    points = crime_grid.crime_grid_points(panel)
    manifest = pd.DataFrame({"city_en": ["A", "B"], "kind": ["transcript", missing]})
    notes = " ".join(crime_grid.caveats(points, crime_grid.fit_crime_on_density(points), manifest))
    assert "2 releases: transcript, 1 of unknown kind" in notes
    assert "no kind in data/raw/releases.csv" in notes and "--kind" in notes


def test_exact_permutation_p_values_at_small_n() -> None:
    points = crime_grid.crime_grid_points(
        _linear_panel({"A": 10, "B": 20, "C": 30, "D": 45}, slope=-0.5, intercept=2.0)
    )
    fit = crime_grid.fit_crime_on_density(points)
    # 4 cities in perfect order: 2 of the 24 orderings are as extreme, so p = 2/24
    assert fit.exact and fit.orderings == 24
    assert fit.spearman_p == pytest.approx(2 / 24)
    assert fit.slope_p == pytest.approx(2 / 24)
    assert fit.slope_interval is None
    text = fit.describe()
    assert text.startswith("**Too few cities to test anything: n = 4.**")
    assert text.index("n = 4 cities") < text.index("Effect") < text.index("Uncertainty")
    assert "all 24 orderings" in text and "no interval" in text


def test_three_cities_have_no_leave_one_out_table_rather_than_an_empty_one() -> None:
    points = crime_grid.crime_grid_points(
        _linear_panel({"A": 10, "B": 20, "C": 35}, slope=-1, intercept=0)
    )
    fit = crime_grid.fit_crime_on_density(points)
    assert fit.spearman_p == pytest.approx(2 / 6)
    assert fit.leave_one_out.empty
    assert crime_grid.leave_one_out_table(fit).empty


def test_enough_cities_get_a_bootstrap_interval_a_line_and_no_warning() -> None:
    densities = {chr(65 + i): 10.0 + 7 * i for i in range(9)}
    panel = _linear_panel(densities, slope=-0.3, intercept=1.0)
    noise = [0.4, -0.2, 0.1, -0.5, 0.3, 0.0, -0.1, 0.2, -0.3]
    is_crime = panel["indicator"].str.endswith("_annualised")
    panel.loc[is_crime, "value"] = panel.loc[is_crime, "value"].to_numpy() + noise
    points = crime_grid.crime_grid_points(panel)
    fit = crime_grid.fit_crime_on_density(points)
    assert fit.testable and not fit.exact and fit.orderings == crime_grid.RESAMPLES
    low, high = fit.slope_interval
    assert low < fit.slope < high < 0
    assert fit.slope_p < 0.01
    assert not fit.describe().startswith("**Too few")
    assert not fit.leave_one_out["slope"].isna().any()
    figure = crime_grid.plot_crime_vs_density(points, fit)
    assert any(line.get_label() == "OLS fit" for line in figure.axes[0].lines)


def test_below_six_cities_the_figure_draws_no_line() -> None:
    points = crime_grid.crime_grid_points(
        _linear_panel({"A": 10, "B": 20, "C": 35}, slope=-1, intercept=0)
    )
    figure = crime_grid.plot_crime_vs_density(points, crime_grid.fit_crime_on_density(points))
    assert not any(line.get_label() == "OLS fit" for line in figure.axes[0].lines)
    assert "too few cities" in figure.axes[0].get_title()


@pytest.mark.parametrize(
    ("phrase", "definition"),
    [
        ("配备专(兼)职网格员", "full- and part-time (专兼职)"),
        ("专兼职网格员", "full- and part-time (专兼职)"),
        ("专职网格员", "full-time only (专职)"),
        ("全市共配备网格员", "not stated (网格员)"),
    ],
)
def test_worker_definition(phrase: str, definition: str) -> None:
    assert crime_grid.worker_definition(phrase) == definition


def test_caveats_name_the_grid_worker_definitions_and_stock_against_flow() -> None:
    panel = _linear_panel({"A": 10, "B": 20}, slope=1, intercept=0)
    panel["sources"] = [
        f"{c.lower()}-r:{s}-{s + 5}"
        for c, s in zip(panel["city_en"], [1, 100, 1, 100], strict=True)
    ]
    figures = pd.DataFrame(
        {
            "release_id": ["a-r", "b-r"],
            "start": [100, 100],
            "text": ["7600人", "49702人"],
            "sentence": ["全市共配备网格员7600人", "划分网格48600个,配备专(兼)职网格员49702人"],
        }
    )
    points = crime_grid.crime_grid_points(panel)
    notes = crime_grid.caveats(points, crime_grid.fit_crime_on_density(points), figures=figures)
    definitions = next(
        note for note in notes if note.startswith("Grid workers are not counted alike")
    )
    assert (
        "A: not stated (网格员)" in definitions and "B: full- and part-time (专兼职)" in definitions
    )
    assert any(note.startswith("Stock against flow") for note in notes)


def test_left_out_cities_give_their_reason() -> None:
    panel = pd.concat(
        [
            _linear_panel({"A": 10}, slope=1, intercept=0),
            _panel(
                [
                    _row(
                        "Laixi",
                        "criminal_cases_occurred_annualised",
                        -23.9,
                        "2013-01-01",
                        "2013-12-31",
                    ),
                    _row(
                        "Nowhere",
                        "criminal_cases_occurred_annualised",
                        -2,
                        "2013-01-01",
                        "2013-12-31",
                    ),
                    _row("Nowhere", "grid_workers", 900, "2013-12-31", "2013-12-31", kind="count"),
                ]
            ),
        ],
        ignore_index=True,
    )
    table = crime_grid.left_out_cities(panel).set_index("City")
    assert (
        table.loc["Laixi (Laixi市)", "Left out because"] == "no grid-worker count in its releases"
    )
    assert "no resident population" in table.loc["Nowhere (Nowhere市)", "Left out because"]
    assert "A (A市)" not in table.index


def test_points_table_links_each_point_to_its_mentions() -> None:
    panel = _linear_panel({"A": 10, "B": 20, "C": 30}, slope=-1, intercept=0)
    panel["sources"] = "a-r:5-9"
    table = crime_grid.points_table(crime_grid.crime_grid_points(panel))
    assert table["Crime change per year"].tolist() == ["▼ 10% 下降", "▼ 20% 下降", "▼ 30% 下降"]
    assert table["Sources"].str.count('href="../releases/a-r.html#m5-9"').tolist() == [2, 2, 2]
