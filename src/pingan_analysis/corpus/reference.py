"""Reference facts (resident population, land area) that per-capita and per-area rates divide by.

Population baseline: the 2020 census count (``resident_population_census``) for every period.
Year-end estimates before the census undercount (Qingdao 2019: 949.98万, about 57万 below the
census), so a rate on a year-end estimate is not comparable across that break, nor across cities
whose estimates are of different vintages. The census count is the one consistent baseline; the
price is a temporal mismatch for periods far from 2020, which every derived row states in its
``note`` (with the period year's own estimate, where the reference has one, and how far it is from
the census). A city without a census row falls back to its year-end estimate nearest the period
end, flagged as not comparable.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pingan_analysis.csvio import read_csv_text
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import REFERENCE_COLUMNS
from pingan_analysis.schemas import ReferenceSchema, table_failures

CENSUS = "resident_population_census"
YEAR_END = "resident_population_year_end"
LAND_AREA = "land_area_km2"


@dataclass(frozen=True)
class ReferenceValue:
    """One reference figure and where it came from.

    ``key`` names the reference row, ``file:city:measure:as_of`` (as_of left out when the row
    has none), e.g. ``population.csv:青岛市:resident_population_census:2020-11-01``.
    ``note`` explains any caveat of using this figure for the period asked.
    """

    value: float
    key: str
    note: str = ""


def load_reference(path: Path) -> pd.DataFrame:
    """The reference table: the one reader of it, for the panel, ``pingan add`` and validation.

    Every column as text (empty cells ``""``) but ``value``, a float; plus a ``file`` column
    (the file name, for :class:`ReferenceValue` keys). Raises DataError naming the file, and
    the line and column of every cell that fails ReferenceSchema.
    """
    table = read_csv_text(path, REFERENCE_COLUMNS, what="reference table")
    frame, failures = table_failures(ReferenceSchema, table.frame[list(REFERENCE_COLUMNS)],
                                     ("value",))
    if failures:
        listed = "\n".join(f"  line {table.lines[f.row]}, column {f.column}: {f.describe()}"
                           for f in failures)
        raise DataError("the reference table is invalid:\n" + listed, where=str(path),
                        fix="correct the cells named (figures in base units, e.g. 10071722); "
                            "keep every row sourced")
    return frame.assign(file=path.name)


def _rows(reference: pd.DataFrame, city_zh: str, measure: str) -> pd.DataFrame:
    chosen = reference[(reference["city_zh"] == city_zh) & (reference["measure"] == measure)]
    return chosen.sort_values("as_of")


def _key(row: pd.Series) -> str:
    parts = [row["file"], row["city_zh"], row["measure"]]
    return ":".join([*parts, row["as_of"]] if row["as_of"] else parts)


def _year_end_of(reference: pd.DataFrame, city_zh: str, year: int) -> pd.Series | None:
    rows = _rows(reference, city_zh, YEAR_END)
    rows = rows[rows["as_of"].str.startswith(str(year))]
    return None if rows.empty else rows.iloc[0]


def _census_note(census: pd.Series, reference: pd.DataFrame, period_end: str) -> str:
    """Say which census the rate used and how the period year's own estimate compares."""
    note = f"population: census {census['as_of']} count used as the baseline"
    if not period_end or period_end[:4] == census["as_of"][:4]:
        return note
    year = int(period_end[:4])
    estimate = _year_end_of(reference, census["city_zh"], year)
    if estimate is None:
        return f"{note} for a {year} figure (no {year} year-end estimate in the reference)"
    gap = (estimate["value"] - census["value"]) / census["value"] * 100
    return (f"{note} for a {year} figure; the {year} year-end estimate {estimate['value']:.0f} "
            f"differs by {gap:+.1f}% (series break at the census)")


def population_for(reference: pd.DataFrame, city_zh: str, period_end: str) -> ReferenceValue | None:
    """The resident population to divide a figure of ``city_zh`` as of ``period_end`` by.

    The census count when the reference has one; otherwise the year-end estimate nearest to
    ``period_end`` (ISO date, may be empty), flagged in ``note``; ``None`` when the city has
    neither.
    """
    census = _rows(reference, city_zh, CENSUS)
    if not census.empty:
        row = census.iloc[-1]
        note = _census_note(row, reference, period_end)
        return ReferenceValue(float(row["value"]), _key(row), note)
    estimates = _rows(reference, city_zh, YEAR_END)
    if estimates.empty:
        return None
    target = pd.Timestamp(period_end) if period_end else pd.Timestamp(estimates["as_of"].iloc[-1])
    distance = (pd.to_datetime(estimates["as_of"]) - target).abs()
    row = estimates.loc[distance.idxmin()]
    note = (f"population: no census count; year-end estimate {row['as_of']} used, "
            "not comparable with census-based rates")
    return ReferenceValue(float(row["value"]), _key(row), note)


def land_area_for(reference: pd.DataFrame, city_zh: str) -> ReferenceValue | None:
    """The official land area (km²) of ``city_zh``, with the reference's note on other figures."""
    rows = _rows(reference, city_zh, LAND_AREA)
    if rows.empty:
        return None
    row = rows.iloc[-1]
    note = f"land area: {row['note']}" if row["note"] else ""
    return ReferenceValue(float(row["value"]), _key(row), note)
