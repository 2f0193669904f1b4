"""The headline analysis: does crime fall faster where grid workers are denser?

One point per city: its annualised crime change (compound, per year, from the panel's derived
``<crime indicator>_annualised`` rows) against its grid workers per 10,000 residents. The
statistics are honest at small n: the effect is an OLS slope and Spearman's ρ; their p-values
come from exact permutation (every ordering of the cities, ``scipy.stats.permutation_test``), not
from asymptotic formulas that assume many points; an interval is a paired bootstrap only when
there are enough cities for one, and each city is left out in turn only when the rest can still
carry a line. Below :data:`MIN_POINTS_FOR_P_VALUES` cities the report leads with "too few cities to
test anything" and draws the points without a line. Caveats are computed from the data, never
written by hand: definitions of grid workers, crime measures, periods, stock against flow,
population sources, and the cities left out with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import seaborn as sns
import statsmodels.api as sm
from matplotlib import pyplot as plt
from scipy import stats

from pingan_analysis.analysis import formatting as fmt
from pingan_analysis.analysis.figures import city_label, set_theme
from pingan_analysis.analysis.tables import links
from pingan_analysis.links import parse_sources
from pingan_analysis.panel.derive import CRIME_MEASURE_BY_INDICATOR, CRIME_MEASURES

DENSITY_INDICATOR = "grid_workers_per_10k"
#: Fewer points than this and no line is fitted: two points always lie on one.
MIN_POINTS_FOR_FIT = 3
#: Below this many points, tests of a slope or a rank correlation have next to no power: the
#: report leads with "too few cities to test anything" and draws no line.
MIN_POINTS_FOR_P_VALUES = 6
#: A paired bootstrap needs enough distinct points that resamples rarely collapse onto one or two.
MIN_POINTS_FOR_BOOTSTRAP = 8
#: Up to this many orderings the permutation test enumerates them all (exact); above, it samples.
EXACT_PERMUTATIONS = 40_320  # 8!
RESAMPLES = 9_999
SEED = 20_240_101
GRID_WORKER_COUNT = "grid_workers"

POINT_COLUMNS: tuple[str, ...] = (
    "city_en",
    "city_zh",
    "crime_indicator",
    "crime_measure",
    "crime_change",
    "crime_lower",
    "crime_upper",
    "crime_period_start",
    "crime_period_end",
    "crime_years",
    "density",
    "density_lower",
    "density_upper",
    "density_as_of",
    "release_ids",
    "reference",
    "population_note",
    "crime_sources",
    "density_sources",
)


@dataclass(frozen=True)
class CrimeGridFit:
    """The slope and rank correlation with exact (or sampled) permutation p-values, a bootstrap
    interval and leave-one-out refits where n allows them, or the reason there are none."""

    n: int
    slope: float | None = None
    intercept: float | None = None
    r_squared: float | None = None
    slope_p: float | None = None
    spearman_rho: float | None = None
    spearman_p: float | None = None
    orderings: int = 0
    exact: bool = True
    slope_interval: tuple[float, float] | None = None
    leave_one_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    reason: str = ""

    @property
    def testable(self) -> bool:
        """Enough cities for a p-value to mean something."""
        return self.n >= MIN_POINTS_FOR_P_VALUES

    def describe(self) -> str:
        """n first, then the effect, then its uncertainty (Markdown)."""
        if self.slope is None:
            return f"**n = {self.n} {_cities(self.n)}.** No fit: {self.reason}"
        lead = (
            (
                f"**Too few cities to test anything: n = {self.n}.** The points describe what "
                f"{self.n} cities report; no line or correlation through them can say whether "
                "crime falls faster where grid workers are denser.\n\n"
            )
            if not self.testable
            else ""
        )
        effect = (
            f"**n = {self.n} {_cities(self.n)}.** Effect: a slope of {self.slope:+.2f} percentage "
            "points of annual crime change per additional grid worker per 10,000 residents "
            f"(R² = {self.r_squared:.2f}); Spearman ρ = {self.spearman_rho:+.2f}."
        )
        how = (
            f"all {self.orderings:,} orderings of the cities"
            if self.exact
            else f"{self.orderings:,} random orderings"
        )
        floor = (
            f" (the smallest p-value {self.n} points can give is {2 / math.factorial(self.n):.2f})"
            if self.exact and self.n <= 5
            else ""
        )
        uncertainty = (
            f" Uncertainty: permutation p = {self.slope_p:.2f} for the slope and "
            f"{self.spearman_p:.2f} for ρ, from {how}{floor}; "
        )
        if self.slope_interval is not None:
            low, high = self.slope_interval
            uncertainty += f"95% bootstrap interval of the slope {low:+.2f} to {high:+.2f}."
        else:
            uncertainty += (
                f"no interval: a bootstrap needs at least {MIN_POINTS_FOR_BOOTSTRAP} cities."
            )
        return lead + effect + uncertainty


def _cities(n: int) -> str:
    return "city" if n == 1 else "cities"


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
    return crime.sort_values(
        ["city_en", "rank", "span", "period_end"], ascending=[True, True, False, False]
    )


def _nearest_in_time(density: pd.DataFrame, crime_row: pd.Series) -> pd.Series:
    distance = (
        pd.to_datetime(density["period_end"]) - pd.to_datetime(crime_row["period_end"])
    ).abs()
    return density.loc[distance.sort_values(kind="stable").index[0]]


def _point(crime: pd.Series, density: pd.Series) -> dict:
    measure = crime["indicator"].removesuffix("_annualised")
    years = (pd.Timestamp(crime["period_end"]) - pd.Timestamp(crime["period_start"])).days / 365.25
    release_ids = sorted(
        set(str(crime["release_ids"]).split(";")) | set(str(density["release_ids"]).split(";"))
    )
    return {
        "city_en": crime["city_en"],
        "city_zh": crime["city_zh"],
        "crime_indicator": measure,
        "crime_measure": CRIME_MEASURE_BY_INDICATOR[measure].name_en,
        "crime_change": crime["value"],
        "crime_lower": crime["lower"],
        "crime_upper": crime["upper"],
        "crime_period_start": _iso(crime["period_start"]),
        "crime_period_end": _iso(crime["period_end"]),
        "crime_years": round(years, 2),
        "density": density["value"],
        "density_lower": density["lower"],
        "density_upper": density["upper"],
        "density_as_of": _iso(density["period_end"]),
        "release_ids": ";".join(r for r in release_ids if r),
        "reference": density["reference"],
        "population_note": density.get("note", ""),
        "crime_sources": crime.get("sources", ""),
        "density_sources": density.get("sources", ""),
    }


def _iso(day: object) -> str:
    """A date as ``YYYY-MM-DD``, whether the panel holds it as text or as a timestamp."""
    return pd.Timestamp(day).date().isoformat()


def fit_crime_on_density(points: pd.DataFrame) -> CrimeGridFit:
    """OLS slope and Spearman's ρ, their permutation p-values, and, where n allows, a paired
    bootstrap interval of the slope and each city left out in turn."""
    n = len(points)
    if n < MIN_POINTS_FOR_FIT:
        return CrimeGridFit(
            n=n,
            reason=f"{n} {_cities(n)} have both figures; a line needs at "
            f"least {MIN_POINTS_FOR_FIT}.",
        )
    x = points["density"].astype(float).to_numpy()
    y = points["crime_change"].astype(float).to_numpy()
    if np.ptp(x) == 0:
        return CrimeGridFit(n=n, reason="every city has the same density; no slope can be fitted.")
    ols = _ols(points)
    exact = math.factorial(n) <= EXACT_PERMUTATIONS
    slope_p = _permutation_p(x, y, _slope)
    rho_p = _permutation_p(x, y, _rho)
    return CrimeGridFit(
        n=n,
        slope=float(ols.params.iloc[1]),
        intercept=float(ols.params.iloc[0]),
        r_squared=float(ols.rsquared),
        slope_p=slope_p,
        spearman_rho=_rho(x, y),
        spearman_p=rho_p,
        orderings=math.factorial(n) if exact else RESAMPLES,
        exact=exact,
        slope_interval=_bootstrap_slope(x, y) if n >= MIN_POINTS_FOR_BOOTSTRAP else None,
        leave_one_out=_leave_one_out(points) if n - 1 >= MIN_POINTS_FOR_FIT else pd.DataFrame(),
    )


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else 0.0


def _rho(x: np.ndarray, y: np.ndarray) -> float:
    rho = stats.spearmanr(x, y).statistic
    return 0.0 if np.isnan(rho) else float(rho)


def _permutation_p(x: np.ndarray, y: np.ndarray, statistic) -> float:
    """Two-sided p-value of ``statistic(x, y)`` over every pairing of x with y (exact up to
    :data:`EXACT_PERMUTATIONS` orderings, else :data:`RESAMPLES` seeded random ones)."""
    exact = math.factorial(len(x)) <= EXACT_PERMUTATIONS
    result = stats.permutation_test(
        (x,),
        lambda xs: statistic(xs, y),
        permutation_type="pairings",
        vectorized=False,
        n_resamples=np.inf if exact else RESAMPLES,
        alternative="two-sided",
        rng=np.random.default_rng(SEED),
    )
    return float(result.pvalue)


def _bootstrap_slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """95% percentile interval of the slope over seeded paired resamples of the cities."""
    result = stats.bootstrap(
        (x, y),
        _slope,
        paired=True,
        vectorized=False,
        method="percentile",
        n_resamples=RESAMPLES,
        rng=np.random.default_rng(SEED),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def _ols(points: pd.DataFrame):
    design = sm.add_constant(points["density"].astype(float), has_constant="add")
    return sm.OLS(points["crime_change"].astype(float), design).fit()


def _leave_one_out(points: pd.DataFrame) -> pd.DataFrame:
    """The slope and ρ with each city left out (called only when the rest can carry a line)."""
    rows = []
    for city in points["city_en"]:
        rest = points[points["city_en"] != city]
        x, y = (
            rest["density"].astype(float).to_numpy(),
            rest["crime_change"].astype(float).to_numpy(),
        )
        rows.append(
            {"left_out": city, "n": len(rest), "slope": _slope(x, y), "spearman_rho": _rho(x, y)}
        )
    return pd.DataFrame(rows, columns=["left_out", "n", "slope", "spearman_rho"])


#: How a grid-worker figure's own words define who is counted (checked in this order).
WORKER_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("兼", "full- and part-time (专兼职)"),
    ("专职", "full-time only (专职)"),
)
UNSTATED_DEFINITION = "not stated (网格员)"


def worker_definition(phrase: str) -> str:
    """Who a grid-worker count covers, from the words before the figure: 专(兼)职 counts part-time
    workers too, 专职 full-time ones only; otherwise the release does not say."""
    for marker, definition in WORKER_DEFINITIONS:
        if marker in phrase:
            return definition
    return UNSTATED_DEFINITION


def grid_worker_definitions(points: pd.DataFrame, figures: pd.DataFrame) -> dict[str, str]:
    """Per city: the definition its density's grid-worker mention uses, read from the mention's
    ``subject`` where the table has one, else the clause before the figure in its sentence."""
    definitions = {}
    for point in points.itertuples(index=False):
        refs = parse_sources(str(point.density_sources or ""), where=f"panel.csv, {point.city_en}")
        phrases = []
        for ref in refs:
            row = figures[
                (figures["release_id"] == ref.release_id) & (figures["start"] == ref.start)
            ]
            if row.empty:
                continue
            first = row.iloc[0]
            subject = first.get("subject", "")
            phrases.append(
                str(subject)
                if isinstance(subject, str) and subject
                else _clause_before(str(first["sentence"]), str(first["text"]))
            )
        definitions[point.city_en] = worker_definition(" ".join(phrases))
    return definitions


def _clause_before(sentence: str, text: str) -> str:
    """The words of the figure's clause before the figure (from the last comma or stop)."""
    at = sentence.find(text)
    head = sentence[:at] if at >= 0 else sentence
    for stop in "，,；;。":
        head = head.rsplit(stop, 1)[-1]
    return head


def left_out_cities(panel: pd.DataFrame) -> pd.DataFrame:
    """Every city of the panel that gives no point, with the reason."""
    points = set(crime_grid_points(panel)["city_en"])
    ids = {f"{measure.indicator}_annualised" for measure in CRIME_MEASURES}
    rows = []
    for city, rows_of_city in panel.groupby("city_en", sort=True):
        if city in points:
            continue
        indicators = set(rows_of_city["indicator"])
        reasons = []
        if not indicators & ids:
            reasons.append("no crime change in its releases")
        if GRID_WORKER_COUNT not in indicators:
            reasons.append("no grid-worker count in its releases")
        elif DENSITY_INDICATOR not in indicators:
            reasons.append(
                "no resident population in data/raw/reference/population.csv, so no "
                "grid workers per 10,000 residents"
            )
        rows.append(
            {
                "City": f"{city} ({rows_of_city['city_zh'].iloc[0]})",
                "Left out because": "; ".join(reasons),
            }
        )
    return pd.DataFrame(rows, columns=["City", "Left out because"])


def caveats(
    points: pd.DataFrame,
    fit: CrimeGridFit,
    manifest: pd.DataFrame | None = None,
    figures: pd.DataFrame | None = None,
) -> list[str]:
    """What the data itself says about how far the figure can be trusted, as sentences.

    ``manifest`` adds who wrote the figures; ``figures`` (``indicators_valid``) adds how each
    city defines its grid workers.
    """
    n = len(points)
    notes = [
        f"{n} {_cities(n)}: a correlation across so few points can be produced by any one of them."
    ]
    if n < MIN_POINTS_FOR_P_VALUES:
        notes.append(
            f"With fewer than {MIN_POINTS_FOR_P_VALUES} cities the p-values are not "
            f"meaningful: the exact permutation p-value of {n} points cannot fall below "
            f"{2 / math.factorial(max(n, 1)):.2f}, whatever the data."
        )
    if fit.slope is not None and fit.leave_one_out.empty:
        notes.append(
            "Leaving out any one city leaves too few points to fit a line: the result cannot "
            "be checked for the influence of a single city."
        )
    if figures is not None and n:
        definitions = grid_worker_definitions(points, figures)
        if len(set(definitions.values())) > 1:
            by_definition: dict[str, list[str]] = {}
            for city, definition in definitions.items():
                by_definition.setdefault(definition, []).append(city)
            notes.append(
                "Grid workers are not counted alike: "
                + "; ".join(
                    f"{', '.join(cities)}: {definition}"
                    for definition, cities in sorted(by_definition.items())
                )
                + ". A count of full- and part-time workers is larger than one of full-time workers "
                "for the same grid."
            )
    measures = sorted(points["crime_measure"].unique())
    if len(measures) > 1:
        notes.append(
            f"Mixed crime measures ({', '.join(measures)}): police incidents, filed cases "
            "and occurred cases are recorded differently and are not interchangeable."
        )
    spans = sorted(
        {
            fmt.period(s, e)
            for s, e in zip(points["crime_period_start"], points["crime_period_end"], strict=True)
        }
    )
    if len(spans) > 1:
        notes.append(
            f"Mixed periods ({', '.join(spans)}): changes are annualised (compound) to compare "
            "them, which assumes a steady rate within each period."
        )
    gaps = [
        f"{p.city_en} (workers as of {p.density_as_of}, crime over {fmt.period(p.crime_period_start, p.crime_period_end)})"
        for p in points.itertuples(index=False)
        if not p.crime_period_start <= p.density_as_of <= p.crime_period_end
    ]
    if n:
        notes.append(
            "Stock against flow: the density is a stock counted on one day, the crime change a "
            "flow over a period; the comparison assumes the density held through the period."
            + (" For " + "; ".join(gaps) + " the day falls outside the period." if gaps else "")
        )
    references = sorted({str(r) for r in points["reference"] if str(r)})
    if any("year_end" in r for r in references) and any("census" in r for r in references):
        notes.append(
            "Population mixes census counts and year-end estimates; estimates before the 2020 "
            "census undercount (Qingdao 2019 by about 57万), biasing per-capita densities."
        )
    breaks = [
        f"{city}: {note}"
        for city, note in zip(points["city_en"], points["population_note"], strict=True)
        if isinstance(note, str) and "series break" in note
    ]
    if breaks:
        notes.append(
            "Densities divide by a population of another year than the figure's: "
            + "; ".join(breaks)
            + "."
        )
    if manifest is not None:
        cities = manifest[manifest["city_en"].isin(points["city_en"])]
        # kind is optional in the manifest: an empty cell reads as "" or NaN
        given = [str(kind) for kind in cities["kind"] if isinstance(kind, str) and kind]
        unknown = len(cities) - len(given)
        kinds = ", ".join(
            [*sorted(set(given)), *([f"{unknown} of unknown kind"] if unknown else [])]
        )
        notes.append(
            f"Every figure is the government's own report "
            f"({fmt.plural(len(cities), 'release')}: {kinds}), not an independent statistic."
        )
        if unknown:
            notes.append(
                f"{fmt.plural(unknown, 'release')} have no kind in data/raw/releases.csv "
                "(the optional `--kind` of `pingan add`): fill the column to say what "
                "each release is."
            )
    if not fit.leave_one_out.empty:
        signs = set(np.sign(fit.leave_one_out["slope"]))
        if len(signs) > 1:
            notes.append(
                "Leaving out one city flips the slope's sign: the direction is not robust."
            )
    return notes


def points_table(points: pd.DataFrame) -> pd.DataFrame:
    """The points as a reader reads them, each figure linked to the mentions it rests on."""
    rows = []
    for p in points.itertuples(index=False):
        rows.append(
            {
                "City": f"{p.city_en} ({p.city_zh})",
                "Crime measure": p.crime_measure,
                "Crime change per year": fmt.change(p.crime_change, "%"),
                "Range allowed": fmt.interval(
                    p.crime_lower, p.crime_upper, "%", signed_change=True
                ),
                "Crime period": fmt.period(p.crime_period_start, p.crime_period_end),
                "Grid workers per 10,000 residents": fmt.number(p.density),
                "Density range": fmt.interval(p.density_lower, p.density_upper),
                "Workers as of": p.density_as_of,
                "Sources": _source_links(p.crime_sources, "crime")
                + "<br>"
                + _source_links(p.density_sources, "grid workers"),
            }
        )
    return pd.DataFrame(rows)


def _source_links(cell: object, label: str) -> str:
    refs = parse_sources(str(cell or ""), where="panel.csv sources")
    return links([(f"{label}: {ref.label}", ref.href()) for ref in refs], "<br>")


def leave_one_out_table(fit: CrimeGridFit) -> pd.DataFrame:
    """:attr:`CrimeGridFit.leave_one_out` for reading (empty when n does not allow it)."""
    return pd.DataFrame(
        {
            "City left out": fit.leave_one_out.get("left_out", []),
            "Cities left": fit.leave_one_out.get("n", []),
            "Slope (pp per worker per 10,000)": [
                f"{v:+.2f}" for v in fit.leave_one_out.get("slope", [])
            ],
            "Spearman ρ": [f"{v:+.2f}" for v in fit.leave_one_out.get("spearman_rho", [])],
        }
    )


def plot_crime_vs_density(
    points: pd.DataFrame, fit: CrimeGridFit, chinese: bool = True
) -> plt.Figure:
    """Scatter with city labels and interval bars from the qualifiers; the OLS line only when
    there are cities enough to test it (:data:`MIN_POINTS_FOR_P_VALUES`)."""
    set_theme("whitegrid")
    figure, axes = plt.subplots(figsize=(8, 5))
    sns.scatterplot(
        data=points,
        x="density",
        y="crime_change",
        hue="crime_measure",
        style="crime_measure",
        s=90,
        ax=axes,
    )
    axes.errorbar(
        points["density"],
        points["crime_change"],
        xerr=_bars(points, "density"),
        yerr=_bars(points, "crime_change"),
        fmt="none",
        ecolor="grey",
        alpha=0.6,
    )
    for _, point in points.iterrows():
        axes.annotate(
            city_label(point["city_en"], point["city_zh"], chinese),
            (point["density"], point["crime_change"]),
            textcoords="offset points",
            xytext=(6, 6),
        )
    if fit.slope is not None and fit.intercept is not None and fit.testable:
        xs = np.linspace(points["density"].min(), points["density"].max(), 50)
        axes.plot(xs, fit.intercept + fit.slope * xs, color="black", linewidth=1, label="OLS fit")
    axes.axhline(0, color="grey", linewidth=0.8)
    axes.set(
        xlabel="grid-worker density (workers per 10,000 residents)",
        ylabel="crime change per year (%, compound)",
        title="Crime change against grid-worker density"
        + ("" if fit.testable else f" (n = {fit.n}: too few cities to test)"),
    )
    axes.margins(x=0.2, y=0.15)
    if axes.get_legend() is not None:
        axes.legend(
            title="crime measure",
            fontsize="small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            borderaxespad=0,
        )
    figure.tight_layout()
    return figure


def _bars(points: pd.DataFrame, column: str) -> np.ndarray:
    """Asymmetric error bars from an interval; an open end (NaN) draws no bar on that side."""
    prefix = "crime" if column == "crime_change" else "density"
    value = points[column].astype(float)
    below = (value - points[f"{prefix}_lower"].astype(float)).fillna(0).clip(lower=0)
    above = (points[f"{prefix}_upper"].astype(float) - value).fillna(0).clip(lower=0)
    return np.vstack([below.to_numpy(), above.to_numpy()])
