"""The headline analysis: does crime fall faster where grid workers are denser?

One point per city: its annualised crime change (compound, per year, from the panel's derived
``<crime indicator>_annualised`` rows) against its grid workers per 10,000 residents. The fit is an
OLS line with heteroskedasticity-robust (HC3) errors and a Spearman rank correlation, with each
city left out in turn. Caveats are computed from the data, never written by hand: with a handful of
cities, self-reported figures, mixed crime measures and mixed periods, the figure describes the
releases more than it tests a hypothesis.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import seaborn as sns
import statsmodels.api as sm
from matplotlib import pyplot as plt
from scipy import stats

from pingan_analysis.panel.derive import CRIME_MEASURE_BY_INDICATOR, CRIME_MEASURES
from pingan_analysis.analysis.figures import city_label

DENSITY_INDICATOR = "grid_workers_per_10k"
#: Fewer points than this and no line is fitted: two points always lie on one.
MIN_POINTS_FOR_FIT = 3
#: Below this many points, tests of a slope or a rank correlation have next to no power.
MIN_POINTS_FOR_P_VALUES = 6

POINT_COLUMNS: tuple[str, ...] = (
    "city_en", "city_zh", "crime_indicator", "crime_measure", "crime_change", "crime_lower",
    "crime_upper", "crime_period_start", "crime_period_end", "crime_years", "density",
    "density_lower", "density_upper", "density_as_of", "release_ids", "reference", "population_note",
)


@dataclass(frozen=True)
class CrimeGridFit:
    """OLS (HC3) and Spearman results, or the reason there are none."""

    n: int
    slope: float | None = None
    slope_se: float | None = None
    slope_p: float | None = None
    intercept: float | None = None
    r_squared: float | None = None
    spearman_rho: float | None = None
    spearman_p: float | None = None
    leave_one_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    reason: str = ""

    def describe(self) -> str:
        if self.slope is None:
            return f"No fit: {self.reason}"
        return (f"OLS on {self.n} cities: {self.slope:+.2f} percentage points of annual crime change "
                f"per additional grid worker per 10,000 residents (HC3 s.e. {self.slope_se:.2f}, "
                f"p = {self.slope_p:.2f}, R² = {self.r_squared:.2f}); Spearman ρ = "
                f"{self.spearman_rho:+.2f} (p = {self.spearman_p:.2f}).")


def crime_grid_points(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per city that has both an annualised crime change and a grid-worker density."""
    crime = _crime_rows(panel)
    density = panel[(panel["indicator"] == DENSITY_INDICATOR)]
    rows = []
    for city_en, city_crime in crime.groupby("city_en", sort=True):
        city_density = density[density["city_en"] == city_en]
        if city_density.empty:
            continue
        rows.append(_point(city_crime.iloc[0], _nearest_in_time(city_density, city_crime.iloc[0])))
    return pd.DataFrame(rows, columns=list(POINT_COLUMNS))


def _crime_rows(panel: pd.DataFrame) -> pd.DataFrame:
    """Each city's preferred crime measure, over its longest period (latest end on a tie)."""
    ids = {f"{measure.indicator}_annualised": rank for rank, measure in enumerate(CRIME_MEASURES)}
    crime = panel[panel["indicator"].isin(ids) & (panel["kind"] == "change_pct")].copy()
    crime["rank"] = crime["indicator"].map(ids)
    crime["span"] = pd.to_datetime(crime["period_end"]) - pd.to_datetime(crime["period_start"])
    return crime.sort_values(["city_en", "rank", "span", "period_end"],
                             ascending=[True, True, False, False])


def _nearest_in_time(density: pd.DataFrame, crime_row: pd.Series) -> pd.Series:
    distance = (pd.to_datetime(density["period_end"]) - pd.to_datetime(crime_row["period_end"])).abs()
    return density.loc[distance.sort_values(kind="stable").index[0]]


def _point(crime: pd.Series, density: pd.Series) -> dict:
    measure = crime["indicator"].removesuffix("_annualised")
    years = (pd.Timestamp(crime["period_end"]) - pd.Timestamp(crime["period_start"])).days / 365.25
    release_ids = sorted(set(str(crime["release_ids"]).split(";")) | set(str(density["release_ids"]).split(";")))
    return {
        "city_en": crime["city_en"], "city_zh": crime["city_zh"], "crime_indicator": measure,
        "crime_measure": CRIME_MEASURE_BY_INDICATOR[measure].name_en, "crime_change": crime["value"],
        "crime_lower": crime["lower"], "crime_upper": crime["upper"],
        "crime_period_start": _iso(crime["period_start"]), "crime_period_end": _iso(crime["period_end"]),
        "crime_years": round(years, 2), "density": density["value"],
        "density_lower": density["lower"], "density_upper": density["upper"],
        "density_as_of": _iso(density["period_end"]), "release_ids": ";".join(r for r in release_ids if r),
        "reference": density["reference"], "population_note": density.get("note", ""),
    }


def _iso(day: object) -> str:
    """A date as ``YYYY-MM-DD``, whether the panel holds it as text or as a timestamp."""
    return pd.Timestamp(day).date().isoformat()


def fit_crime_on_density(points: pd.DataFrame) -> CrimeGridFit:
    """OLS of annual crime change on density (HC3 errors), Spearman's ρ, and leave-one-out refits."""
    n = len(points)
    if n < MIN_POINTS_FOR_FIT:
        return CrimeGridFit(n=n, reason=f"{n} cities have both figures; a line needs at least "
                                        f"{MIN_POINTS_FOR_FIT}.")
    ols = _ols(points)
    rho, rho_p = stats.spearmanr(points["density"], points["crime_change"])
    return CrimeGridFit(
        n=n, slope=float(ols.params.iloc[1]), slope_se=float(ols.bse.iloc[1]),
        slope_p=float(ols.pvalues.iloc[1]), intercept=float(ols.params.iloc[0]),
        r_squared=float(ols.rsquared), spearman_rho=float(rho), spearman_p=float(rho_p),
        leave_one_out=_leave_one_out(points),
    )


def _ols(points: pd.DataFrame):
    design = sm.add_constant(points["density"].astype(float), has_constant="add")
    return sm.OLS(points["crime_change"].astype(float), design).fit(cov_type="HC3")


def _leave_one_out(points: pd.DataFrame) -> pd.DataFrame:
    """The slope and ρ with each city left out (where enough cities remain)."""
    rows = []
    for city in points["city_en"]:
        rest = points[points["city_en"] != city]
        if len(rest) < MIN_POINTS_FOR_FIT:
            rows.append({"left_out": city, "n": len(rest), "slope": np.nan, "spearman_rho": np.nan})
            continue
        rho, _ = stats.spearmanr(rest["density"], rest["crime_change"])
        rows.append({"left_out": city, "n": len(rest), "slope": float(_ols(rest).params.iloc[1]),
                     "spearman_rho": float(rho)})
    return pd.DataFrame(rows, columns=["left_out", "n", "slope", "spearman_rho"])


def caveats(points: pd.DataFrame, fit: CrimeGridFit, manifest: pd.DataFrame | None = None) -> list[str]:
    """What the data itself says about how far the figure can be trusted."""
    notes = [f"{len(points)} cities: a correlation across so few points can be produced by any one "
             "of them; read the leave-one-out table before the slope."]
    if len(points) < MIN_POINTS_FOR_P_VALUES:
        notes.append(f"With fewer than {MIN_POINTS_FOR_P_VALUES} points the p-values are not meaningful "
                     "(three points in any order give a Spearman ρ of ±1 or ±0.5).")
    if fit.slope is not None and fit.leave_one_out["slope"].isna().all():
        notes.append("Leaving out any one city leaves too few points to fit a line: the result cannot "
                     "be checked for the influence of a single city.")
    measures = sorted(points["crime_measure"].unique())
    if len(measures) > 1:
        notes.append(f"Mixed crime measures ({', '.join(measures)}): police incidents, filed cases "
                     "and occurred cases are recorded differently and are not interchangeable.")
    spans = sorted({f"{s}–{e}" for s, e in zip(points["crime_period_start"], points["crime_period_end"])})
    if len(spans) > 1:
        notes.append(f"Mixed periods ({', '.join(spans)}): changes are annualised (compound) to compare "
                     "them, which assumes a steady rate within each period.")
    references = sorted({str(r) for r in points["reference"] if str(r)})
    if any("year_end" in r for r in references) and any("census" in r for r in references):
        notes.append("Population mixes census counts and year-end estimates; estimates before the 2020 "
                     "census undercount (Qingdao 2019 by about 57万), biasing per-capita densities.")
    breaks = [f"{city}: {note}" for city, note in zip(points["city_en"], points["population_note"])
              if isinstance(note, str) and "series break" in note]
    if breaks:
        notes.append("Densities divide by a population of another year than the figure's: "
                     + "; ".join(breaks) + ".")
    if manifest is not None:
        cities = manifest[manifest["city_en"].isin(points["city_en"])]
        # kind is optional in the manifest: an empty cell reads as "" or NaN
        given = [str(kind) for kind in cities["kind"] if isinstance(kind, str) and kind]
        unknown = len(cities) - len(given)
        kinds = ", ".join([*sorted(set(given)), *([f"{unknown} of unknown kind"] if unknown else [])])
        notes.append(f"Every figure is the government's own report ({len(cities)} releases: "
                     f"{kinds}), not an independent statistic.")
        if unknown:
            notes.append(f"{unknown} release(s) have no kind in data/raw/releases.csv (the optional "
                         "`--kind` of `pingan add`): fill the column to say what each release is.")
    if fit.slope is not None and not fit.leave_one_out["slope"].dropna().empty:
        signs = set(np.sign(fit.leave_one_out["slope"].dropna()))
        if len(signs) > 1:
            notes.append("Leaving out one city flips the slope's sign: the direction is not robust.")
    return notes


def plot_crime_vs_density(points: pd.DataFrame, fit: CrimeGridFit, chinese: bool = False) -> plt.Figure:
    """Scatter with city labels, interval bars from the qualifiers, and the OLS line when fitted."""
    sns.set_theme(style="whitegrid")
    figure, axes = plt.subplots(figsize=(7, 5))
    sns.scatterplot(data=points, x="density", y="crime_change", hue="crime_measure", s=80, ax=axes)
    axes.errorbar(points["density"], points["crime_change"], xerr=_bars(points, "density"),
                  yerr=_bars(points, "crime_change"), fmt="none", ecolor="grey", alpha=0.6)
    for _, point in points.iterrows():
        axes.annotate(city_label(point["city_en"], point["city_zh"], chinese),
                      (point["density"], point["crime_change"]), textcoords="offset points",
                      xytext=(6, 6))
    if fit.slope is not None:
        xs = np.linspace(points["density"].min(), points["density"].max(), 50)
        axes.plot(xs, fit.intercept + fit.slope * xs, color="black", linewidth=1, label="OLS fit")
    axes.axhline(0, color="grey", linewidth=0.8)
    axes.set(xlabel="grid workers per 10,000 residents",
             ylabel="crime change per year (%, compound)",
             title="Crime change against grid-worker density")
    axes.legend(title=None, fontsize="small")
    figure.tight_layout()
    return figure


def _bars(points: pd.DataFrame, column: str) -> np.ndarray:
    """Asymmetric error bars from an interval; an open end (NaN) draws no bar on that side."""
    prefix = "crime" if column == "crime_change" else "density"
    value = points[column].astype(float)
    below = (value - points[f"{prefix}_lower"].astype(float)).fillna(0).clip(lower=0)
    above = (points[f"{prefix}_upper"].astype(float) - value).fillna(0).clip(lower=0)
    return np.vstack([below.to_numpy(), above.to_numpy()])
