"""Derived panel rows: rates per resident or per km², and crime changes annualised.

Every derived row has its own indicator id, carries the ``release_ids``, ``sources``,
``n_sources`` and ``conflict`` of the row it came from, and names in ``reference`` the
reference row(s) it divided by. Intervals go through the arithmetic: each formula is monotone
in the reported figure, so it is evaluated at both interval ends (a decreasing one, like
residents per grid cell, swaps them). Reference figures are taken as exact.

A city without population data (or without a land area) keeps its reported rows and gets no
per-capita (or per-km²) rows, with a warning naming the city and the rate left out. Its rates
are left out rather than written with an empty value because ``PanelSchema`` requires a value
in every panel row.

Crime changes: the three crime measures differ (police incidents, filed cases, occurred cases)
and are never pooled; ``measure`` names which one a row is. A change over a period longer than a
year is annualised by compounding, (1 + c)^(1/years) − 1; a change over a year or less is read
as year on year (同比, the releases' usual comparison) and is already annual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pingan_analysis.corpus.reference import ReferenceValue, land_area_for, population_for

log = logging.getLogger(__name__)

PER_10K = 10_000.0
YEAR_DAYS = 365.25
#: Longest period (days, inclusive) whose change is read as year on year rather than annualised.
YEAR_ON_YEAR_MAX_DAYS = 366


@dataclass(frozen=True)
class CrimeMeasure:
    """One of the ways releases count crime; they differ and are never pooled."""

    indicator: str
    name_en: str
    name_zh: str
    definition: str

    @property
    def description(self) -> str:
        return f"{self.name_en} ({self.name_zh}: {self.definition})"


#: The crime measures, in order of preference when one must be chosen: police incidents are
#: recorded closest to the event, occurred cases furthest from it.
CRIME_MEASURES: tuple[CrimeMeasure, ...] = (
    CrimeMeasure(
        "criminal_police_incidents",
        "police incidents",
        "刑事警情",
        "calls to the police classed as criminal",
    ),
    CrimeMeasure(
        "criminal_cases_filed", "filed cases", "刑事案件立案", "cases the police placed on file"
    ),
    CrimeMeasure(
        "criminal_cases_occurred",
        "occurred cases",
        "刑事发案",
        "cases occurring, as the political-legal organs count them",
    ),
)
CRIME_MEASURE_BY_INDICATOR: dict[str, CrimeMeasure] = {m.indicator: m for m in CRIME_MEASURES}


@dataclass(frozen=True)
class Rate:
    """A derived rate of a count indicator against a reference figure."""

    source: str
    derived: str
    unit: str
    measure: str
    denominator: str
    reference: Callable[[pd.DataFrame, str, str], ReferenceValue | None]
    compute: Callable[[float, float], float]
    increasing: bool


def _population(reference: pd.DataFrame, city_zh: str, period_end: str) -> ReferenceValue | None:
    return population_for(reference, city_zh, period_end)


def _land_area(reference: pd.DataFrame, city_zh: str, _period_end: str) -> ReferenceValue | None:
    return land_area_for(reference, city_zh)


def _per_10k(count: float, population: float) -> float:
    return count / population * PER_10K


def _residents_per(count: float, population: float) -> float:
    return population / count if count > 0 else np.inf


def _per_unit(count: float, denominator: float) -> float:
    return count / denominator


POPULATION = "resident population"
RATES: tuple[Rate, ...] = (
    Rate(
        "grid_workers",
        "grid_workers_per_10k",
        "per 10k residents",
        measure="grid_workers / resident population × 10000",
        denominator=POPULATION,
        reference=_population,
        compute=_per_10k,
        increasing=True,
    ),
    Rate(
        "grid_cells",
        "residents_per_grid",
        "residents per grid cell",
        measure="resident population / grid_cells",
        denominator=POPULATION,
        reference=_population,
        compute=_residents_per,
        increasing=False,
    ),
    Rate(
        "grid_cells",
        "grid_cells_per_km2",
        "per km2",
        measure="grid_cells / land area (km²)",
        denominator="land area",
        reference=_land_area,
        compute=_per_unit,
        increasing=True,
    ),
    Rate(
        "video_surveillance_points",
        "video_surveillance_points_per_10k",
        "per 10k residents",
        measure="video_surveillance_points / resident population × 10000",
        denominator=POPULATION,
        reference=_population,
        compute=_per_10k,
        increasing=True,
    ),
    Rate(
        "mediators",
        "mediators_per_10k",
        "per 10k residents",
        measure="mediators / resident population × 10000",
        denominator=POPULATION,
        reference=_population,
        compute=_per_10k,
        increasing=True,
    ),
)
DERIVED_INDICATORS: tuple[str, ...] = (
    *(rate.derived for rate in RATES),
    *(f"{crime}_annualised" for crime in CRIME_MEASURE_BY_INDICATOR),
)


def derive(reconciled: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Derived rows for the reconciled panel rows, with ``measure`` and ``note`` columns."""
    rows = [*_rate_rows(reconciled, reference), *_annualised_rows(reconciled)]
    columns = [*reconciled.columns, "measure", "note"]
    return pd.DataFrame(rows, columns=columns)


def measure_of(indicator: str) -> str:
    """The crime measure an indicator (or its annualised form) counts; empty for others."""
    measure = CRIME_MEASURE_BY_INDICATOR.get(indicator.removesuffix("_annualised"))
    return measure.description if measure else ""


def _interval_map(row: pd.Series, function: Callable[[float], float], increasing: bool) -> dict:
    """``function`` applied to value and interval ends; open or infinite ends stay open."""

    def at(end: float) -> float:
        result = function(end) if pd.notna(end) else np.nan
        return result if np.isfinite(result) else np.nan

    lower, upper = at(row["lower"]), at(row["upper"])
    return {
        "value": at(row["value"]),
        "lower": lower if increasing else upper,
        "upper": upper if increasing else lower,
    }


def _rate_rows(reconciled: pd.DataFrame, reference: pd.DataFrame) -> Iterator[dict]:
    """Rate rows for every count of a rated indicator whose city the reference covers; for a
    city it does not cover, a warning and no rate row (see the module docstring)."""
    counts = reconciled[reconciled["kind"] == "count"]
    for rate in RATES:
        for _, row in counts[counts["indicator"] == rate.source].iterrows():
            found = rate.reference(reference, row["city_zh"], row["period_end"])
            if found is None:
                log.warning(
                    "no %s for %s in the reference table: %s left out",
                    rate.denominator,
                    row["city_zh"],
                    rate.derived,
                )
                continue
            yield _rate_row(row, rate, found)


def _rate_row(row: pd.Series, rate: Rate, found: ReferenceValue) -> dict:
    values = _interval_map(row, lambda count: rate.compute(count, found.value), rate.increasing)
    return {
        **row.to_dict(),
        **values,
        "indicator": rate.derived,
        "kind": "count",
        "unit": rate.unit,
        "measure": rate.measure,
        "reference": found.key,
        "note": found.note,
    }


def period_years(period_start: str, period_end: str) -> float | None:
    """Years an inclusive ISO period spans; ``None`` when either end is unknown."""
    if not period_start or not period_end:
        return None
    days = (pd.Timestamp(period_end) - pd.Timestamp(period_start)).days + 1
    return days / YEAR_DAYS


def annualise(change_pct: float, years: float) -> float:
    """A change over ``years`` as a compound yearly change, both in percent."""
    return ((1 + change_pct / 100) ** (1 / years) - 1) * 100


def _annualised_rows(reconciled: pd.DataFrame) -> Iterator[dict]:
    crimes = reconciled[
        (reconciled["kind"] == "change_pct")
        & reconciled["indicator"].isin(list(CRIME_MEASURE_BY_INDICATOR))
    ]
    for _, row in crimes.iterrows():
        years = period_years(row["period_start"], row["period_end"])
        if years is None or row["value"] <= -100:
            log.warning(
                "%s %s %s: change %s over period %s..%s cannot be annualised",
                row["city_zh"],
                row["indicator"],
                row["release_ids"],
                row["value"],
                row["period_start"],
                row["period_end"],
            )
            continue
        yield _annualised_row(row, years)


def _annualised_row(row: pd.Series, years: float) -> dict:
    year_on_year = years * YEAR_DAYS <= YEAR_ON_YEAR_MAX_DAYS
    span = 1.0 if year_on_year else years
    note = (
        "period of a year or less: read as year on year, already annual"
        if year_on_year
        else f"compounded over {years:.2f} years"
    )
    values = _interval_map(
        row, lambda change: annualise(change, span) if change > -100 else np.nan, increasing=True
    )
    return {
        **row.to_dict(),
        **values,
        "indicator": f"{row['indicator']}_annualised",
        "kind": "change_pct",
        "unit": "%",
        "reference": "",
        "measure": measure_of(row["indicator"]),
        "note": note,
    }
