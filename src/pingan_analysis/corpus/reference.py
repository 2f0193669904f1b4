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

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pingan_analysis.csvio import CsvTable, read_csv_text
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import REFERENCE_COLUMNS
from pingan_analysis.schemas import ReferenceSchema, table_failures

if TYPE_CHECKING:
    from pingan_analysis.config import ProjectPaths
    from pingan_analysis.corpus.gazetteer import Place

CENSUS = "resident_population_census"
YEAR_END = "resident_population_year_end"
LAND_AREA = "land_area_km2"
#: The measures the panel uses, and the unit each is written in.
MEASURE_UNITS: dict[str, str] = {CENSUS: "persons", YEAR_END: "persons", LAND_AREA: "km2"}
REFERENCE_HINT = (
    "To add it: `pingan reference add --city CITY --measure resident_population_census "
    "--as-of 2020-11-01 --value N --source-kind K --source-title T --source-url U --quote Q`, or "
    "append a row to data/raw/reference/population.csv with the columns "
    + ",".join(REFERENCE_COLUMNS)
    + " (measure resident_population_census, as_of 2020-11-01, unit persons; the quote is the "
    "sentence the figure was read from)"
)
#: Columns of :func:`cities_without_population`.
MISSING_COLUMNS: tuple[str, ...] = ("city_zh", "city_en", "releases", "reason", "fix")


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
    _refuse_thousands_separators(table)
    frame, failures = table_failures(
        ReferenceSchema, table.frame[list(REFERENCE_COLUMNS)], ("value",)
    )
    problems = [f"  line {table.lines[f.row]}, column {f.column}: {f.describe()}" for f in failures]
    if not failures:
        problems += [
            f"  line {table.lines[row]}, column {column}: {problem}"
            for row, column, problem in _place_problems(frame)
        ]
    if problems:
        raise DataError(
            "the reference table is invalid:\n" + "\n".join(problems),
            where=str(path),
            fix="correct the cells named (figures in base units, e.g. 10071722); "
            "keep every row sourced (see data/raw/reference/README.md, "
            '"Adding a row")',
        )
    return frame.assign(file=path.name)


#: A number written with thousands separators, e.g. 10,071,722.
THOUSANDS_SEPARATED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _refuse_thousands_separators(table: CsvTable) -> None:
    """A value such as 10,071,722 (Excel's number format) named as such, not as a missing value."""
    separated = table.frame.index[
        table.frame["value"].str.strip().str.fullmatch(THOUSANDS_SEPARATED)
    ]
    if len(separated):
        text = table.frame.at[separated[0], "value"].strip()
        raise DataError(
            f"value {text!r} has thousands separators",
            where=f"{table.path}, line {table.lines[separated[0]]}, column value",
            fix=f"write {text.replace(',', '')} (no separators; in Excel: format "
            "the column as Number without the 1000 separator)",
        )


def _place_problems(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(row, column, problem) for a measure the panel does not know, a unit that is not the
    measure's, and a place whose name, province or level disagrees with the gazetteer."""
    from pingan_analysis.corpus.gazetteer import resolve_place

    problems: list[tuple[int, str, str]] = []
    places: dict[str, Place | str] = {}  # a place, or why the name resolves to none
    for row, record in enumerate(frame.to_dict("records")):
        unit = MEASURE_UNITS.get(record["measure"])
        if unit is None:
            problems.append(
                (row, "measure", f"{record['measure']!r} is not one of {', '.join(MEASURE_UNITS)}")
            )
        elif record["unit"] != unit:
            problems.append((row, "unit", f"{record['unit']!r}: {record['measure']} is in {unit}"))
        name = record["city_zh"]
        if name not in places:
            try:
                places[name] = resolve_place(name, english=False)
            except DataError as error:
                places[name] = f"{error.problem} ({error.fix})"
        place = places[name]
        if isinstance(place, str):
            problems.append((row, "city_zh", place))
            continue
        wanted = {
            "city_zh": place.name_zh,
            "province": place.province,
            "admin_level": place.admin_level,
        }
        problems += [
            (row, column, f"{record[column]!r}: the gazetteer has {value!r} for {name}")
            for column, value in wanted.items()
            if record[column] != value
        ]
    return problems


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
    return (
        f"{note} for a {year} figure; the {year} year-end estimate {estimate['value']:.0f} "
        f"differs by {gap:+.1f}% (series break at the census)"
    )


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
    note = (
        f"population: no census count; year-end estimate {row['as_of']} used, "
        "not comparable with census-based rates"
    )
    return ReferenceValue(float(row["value"]), _key(row), note)


def land_area_for(reference: pd.DataFrame, city_zh: str) -> ReferenceValue | None:
    """The official land area (km²) of ``city_zh``, with the reference's note on other figures."""
    rows = _rows(reference, city_zh, LAND_AREA)
    if rows.empty:
        return None
    row = rows.iloc[-1]
    note = f"land area: {row['note']}" if row["note"] else ""
    return ReferenceValue(float(row["value"]), _key(row), note)


def cities_without_population(manifest: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The manifest's cities that per-capita rates leave out or treat as not comparable, and why.

    One row per city (:data:`MISSING_COLUMNS`): ``reason`` says whether the reference has no
    population at all (the city drops out of per-capita rates and notebook 05's comparisons) or only
    year-end estimates (rates are flagged not comparable with census-based ones); ``fix`` says
    which file and columns to add. Empty when every city has its census count.
    """
    rows = []
    cities = manifest.groupby("city_zh", sort=True).agg(
        city_en=("city_en", "first"), releases=("release_id", "count")
    )
    for city_zh, city in cities.iterrows():
        if not _rows(reference, city_zh, CENSUS).empty:
            continue
        if _rows(reference, city_zh, YEAR_END).empty:
            reason = "no population in the reference table: left out of per-capita rates"
        else:
            reason = (
                "no census count, only year-end estimates: its rates are not comparable "
                "with census-based ones"
            )
        rows.append((city_zh, city["city_en"], int(city["releases"]), reason, REFERENCE_HINT))
    return pd.DataFrame(rows, columns=list(MISSING_COLUMNS))


def add_reference_row(paths: ProjectPaths, fields: dict[str, str]) -> dict[str, str]:
    """Append one sourced row to ``data/raw/reference/population.csv`` (``pingan reference add``).

    ``fields`` holds ``city`` (any name the gazetteer resolves), ``measure``, ``as_of``, ``value``,
    ``source_kind``, ``source_title``, ``source_url``, ``quote`` and optionally ``note`` and
    ``city_en``. Names, province and level come from the gazetteer and the unit from the measure;
    the extended table is validated before it replaces the file. Returns the row.
    """
    import csv
    import io

    from pingan_analysis.corpus.gazetteer import resolve_place
    from pingan_analysis.csvio import write_bytes_atomic
    from pingan_analysis.exceptions import UsageError

    needed = ("city", "measure", "value", "source_kind", "source_title", "quote")
    missing = [key for key in needed if not fields.get(key)]
    if missing:
        raise UsageError(
            "missing " + ", ".join("--" + key.replace("_", "-") for key in missing),
            where="pingan reference add",
            fix="every reference row is sourced: give "
            "the figure, its source and the sentence it was read from",
        )
    place = resolve_place(fields["city"])
    measure = fields["measure"]
    if measure not in MEASURE_UNITS:
        raise UsageError(
            f"--measure {measure!r} is not one of {', '.join(MEASURE_UNITS)}",
            where="pingan reference add",
            fix="choose one of those measures",
        )
    row = {
        "city_zh": place.name_zh,
        "city_en": fields.get("city_en") or place.name_en,
        "province": place.province,
        "admin_level": place.admin_level,
        "measure": measure,
        "as_of": fields.get("as_of") or "",
        "value": fields["value"],
        "unit": MEASURE_UNITS[measure],
        "source_kind": fields["source_kind"],
        "source_title": fields["source_title"],
        "source_url": fields.get("source_url") or "",
        "quote": fields["quote"],
        "note": fields.get("note") or "",
    }
    path = paths.population
    data = path.read_bytes()
    header = read_csv_text(path, REFERENCE_COLUMNS, what="reference table").frame.columns
    line_end = b"\r\n" if b"\r\n" in data else b"\n"
    if data and not data.endswith(b"\n"):
        data += line_end
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end.decode()).writerow([row[c] for c in header])
    candidate = path.with_name(f".{path.name}.candidate")
    candidate.write_bytes(data + buffer.getvalue().encode("utf-8"))
    try:
        load_reference(candidate)
    except DataError as error:
        raise DataError(
            f"the new row is refused: {error.problem}",
            where=str(path),
            fix="correct the values given; the table is unchanged",
        ) from error
    finally:
        candidate.unlink(missing_ok=True)
    write_bytes_atomic(path, data + buffer.getvalue().encode("utf-8"))
    return row
