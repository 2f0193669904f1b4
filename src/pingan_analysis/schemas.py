"""The tables' schemas: pandera models of the tables declared in :mod:`pingan_analysis.registry`.

Columns, dtypes, descriptions and field checks come from the registry; each model adds the
named checks that span cells or columns.

Every table is read as text (``dtype=str``, empty cells as ``""``), and the number columns are
then parsed to floats (empty → NaN) before validation, so a schema sees one column type per
field and reports every failing cell of every row (``lazy=True``).

Each domain rule is a named check whose docstring is its plain-language description: the
validation report and notebook show those docstrings to co-authors. A cross-column check judges
one column, named in :data:`CHECK_COLUMNS`, which is where a failure is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, ClassVar

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pingan_analysis.csvio import format_cell
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import BOOLEAN_TEXT, PANEL_COLUMNS, TABLES, Column

CHANGE_KINDS: tuple[str, ...] = ("change_pct", "change_pp", "change_multiple", "change_score")
#: Columns of the mentions and indicators tables that hold numbers.
MENTION_NUMBER_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in TABLES["mentions"].columns if column.type in ("integer", "number")
)

#: The column each cross-column check judges: where its failures are reported.
CHECK_COLUMNS: dict[str, str] = {
    "period_ordered": "period_end",
    "period_before_published": "period_end",
    "release_id_names_release": "release_id",
    "file_named_after_release": "file",
    "offsets_ordered": "end",
    "value_within_interval": "value",
    "percent_within_0_100": "value",
    "decline_at_most_100_pct": "value",
    "change_has_direction": "direction",
    "multiple_form_fits_kind": "multiple_form",
    "reported_period_before_published": "period_end",
    "value_within_common_interval": "value",
    "sourced": "source_title",
}


def parse_dates(series: pd.Series) -> pd.Series:
    """ISO dates (``YYYY-MM-DD``) as timestamps; NaT for empty cells and impossible dates."""
    return pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")


def _real_date(series: pd.Series) -> pd.Series:
    return series.str.fullmatch(r"\d{4}-\d{2}-\d{2}") & parse_dates(series).notna()


def _not_after(earlier: pd.Series, later: pd.Series) -> pd.Series:
    """True where ``earlier <= later`` or either date is missing (judged by the date checks)."""
    first, second = parse_dates(earlier), parse_dates(later)
    return first.isna() | second.isna() | (first <= second)


def _within(series: pd.Series, low: float, high: float) -> pd.Series:
    """True where the number is empty or in ``[low, high]``."""
    return series.isna() | series.between(low, high)


def _figure_within(df: pd.DataFrame, low: float, high: float) -> pd.Series:
    """True where value, lower and upper are each empty or in ``[low, high]``."""
    return (
        _within(df["value"], low, high)
        & _within(df["lower"], low, high)
        & _within(df["upper"], low, high)
    )


def _value_in_interval(df: pd.DataFrame) -> pd.Series:
    """True where ``lower <= value <= upper``, an empty end being open."""
    return (df["lower"].isna() | (df["lower"] <= df["value"])) & (
        df["upper"].isna() | (df["value"] <= df["upper"])
    )


def _period_ended_by_published(df: pd.DataFrame) -> pd.Series:
    """True where neither end of the period is after the publication date (or a date is missing)."""
    return _not_after(df["period_end"], df["published"]) & _not_after(
        df["period_start"], df["published"]
    )


class TableModel(pa.DataFrameModel):
    """A model whose columns are a registry table's: ``class M(TableModel, table="mentions")``.

    Each column gets its dtype as validated (text; numbers parsed to float), its description
    and label, and the field checks its declaration implies (:func:`field_checks`); the class
    body adds the named checks. ``columns`` restricts the model to some of the table's columns.
    """

    def __init_subclass__(
        cls, table: str | None = None, columns: tuple[str, ...] | None = None, **kwargs: object
    ) -> None:
        if table is not None:
            declared = TABLES[table]
            if "__annotations__" not in cls.__dict__:
                cls.__annotations__ = {}
            for name in declared.names if columns is None else columns:
                column = declared.column(name)
                # An annotation built at run time from the declaration (hence the ignore).
                dtype = VALIDATED_DTYPES[column.type]
                cls.__annotations__[name] = Series[dtype]  # type: ignore[valid-type]
                field = pa.Field(
                    description=column.description, title=column.label, **field_checks(column)
                )
                field.__set_name__(cls, name)
                setattr(cls, name, field)
        super().__init_subclass__(**kwargs)


#: The dtype a column of each registry type has when validated: tables are read as text and
#: their numbers parsed to float (empty → NaN); dates and booleans are checked as text.
VALIDATED_DTYPES: dict[str, type] = {
    "string": str,
    "date": str,
    "boolean": str,
    "integer": float,
    "number": float,
}


def field_checks(column: Column) -> dict[str, Any]:
    """The pandera Field arguments a column's declaration implies.

    A required text cell is not empty: checked by its allowed values or its pattern when it has
    one, else by its length. An optional one may also be empty. A required number is not
    missing. Dates are checked by the models' named date checks.
    """
    checks: dict[str, Any] = {}
    if column.type == "boolean":
        checks["isin"] = BOOLEAN_TEXT
    elif column.allowed is not None:
        checks["isin"] = column.allowed if column.required else ("", *column.allowed)
    elif column.type == "string" and column.required and column.pattern is None:
        checks["str_length"] = {"min_value": 1}
    if column.pattern is not None:
        checks["str_matches"] = column.pattern
    if column.unique:
        checks["unique"] = True
    if column.minimum is not None:
        checks["ge"] = column.minimum
    if column.above is not None:
        checks["gt"] = column.above
    if column.type in ("integer", "number") and not column.required:
        checks["nullable"] = True
    return checks


class PeriodSchema(TableModel):
    """The checks of the period columns every table with figures has (inherited)."""

    @pa.check("period_start", "period_end", name="date_or_empty")
    def date_or_empty(cls, series: Series[str]) -> Series[bool]:
        """The date is empty or a real calendar date written YYYY-MM-DD."""
        return (series == "") | _real_date(series)

    @pa.dataframe_check(name="period_ordered")
    def period_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """The period starts on or before the day it ends."""
        return _not_after(df["period_start"], df["period_end"])


class ManifestSchema(PeriodSchema, table="manifest"):
    """``data/raw/releases.csv``: one row per release text of the corpus."""

    class Config:
        strict = True

    @pa.check("published", name="date")
    def is_date(cls, series: Series[str]) -> Series[bool]:
        """The date is a real calendar date written YYYY-MM-DD."""
        return _real_date(series)

    @pa.check("published", name="not_in_future")
    def not_in_future(cls, series: Series[str]) -> Series[bool]:
        """The release was published today or earlier, not in the future."""
        return parse_dates(series).isna() | (parse_dates(series) <= pd.Timestamp(date.today()))

    @pa.dataframe_check(name="period_before_published")
    def period_before_published(cls, df: pd.DataFrame) -> Series[bool]:
        """A release reports on a period that ended by the day it was published."""
        return _period_ended_by_published(df)

    @pa.dataframe_check(name="release_id_names_release")
    def release_id_names_release(cls, df: pd.DataFrame) -> Series[bool]:
        """The release id ends with the publication date and the first 8 digits of the sha256."""
        suffix = "-" + df["published"] + "-" + df["sha256"].str.slice(0, 8)
        return pd.Series(
            [rid.endswith(end) for rid, end in zip(df["release_id"], suffix, strict=True)],
            index=df.index,
        )

    @pa.dataframe_check(name="file_named_after_release")
    def file_named_after_release(cls, df: pd.DataFrame) -> Series[bool]:
        """The text file is named after its release id: <release_id>.txt."""
        return df["file"] == df["release_id"] + ".txt"


class MentionsSchema(PeriodSchema, table="mentions"):
    """``data/processed/mentions.csv``: every quantity of every release, with its span."""

    class Config:
        strict = True

    @pa.dataframe_check(name="offsets_ordered")
    def offsets_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """The mention ends after it starts."""
        return df["start"].isna() | df["end"].isna() | (df["start"] < df["end"])

    @pa.dataframe_check(name="value_within_interval")
    def value_within_interval(cls, df: pd.DataFrame) -> Series[bool]:
        """The figure lies in the interval its words allow: lower <= value <= upper, where given."""
        return _value_in_interval(df)

    @pa.dataframe_check(name="percent_within_0_100")
    def percent_within_0_100(cls, df: pd.DataFrame) -> Series[bool]:
        """A share or rate (kind percent) lies between 0 and 100%."""
        return (df["kind"] != "percent") | _figure_within(df, 0, 100)

    @pa.dataframe_check(name="decline_at_most_100_pct")
    def decline_at_most_100_pct(cls, df: pd.DataFrame) -> Series[bool]:
        """A decline cannot exceed 100%: nothing can fall by more than all of it."""
        declines = (df["kind"] == "change_pct") & (df["direction"] == "down")
        return ~declines | _figure_within(df, 0, 100)

    @pa.dataframe_check(name="change_has_direction")
    def change_has_direction(cls, df: pd.DataFrame) -> Series[bool]:
        """Changes say whether they go up or down; other figures have no direction."""
        return df["kind"].isin(CHANGE_KINDS) == (df["direction"] != "")

    @pa.dataframe_check(name="multiple_form_fits_kind")
    def multiple_form_fits_kind(cls, df: pd.DataFrame) -> Series[bool]:
        """A multiple (kind change_multiple) says how it is phrased; other figures leave it empty."""
        return (df["kind"] == "change_multiple") == (df["multiple_form"] != "")


class IndicatorsSchema(MentionsSchema, table="indicators"):
    """``data/processed/indicators.csv``: mentions mapped to a codebook indicator, with their
    release's city and the sentence they came from."""

    @pa.check("published", name="date")
    def is_date(cls, series: Series[str]) -> Series[bool]:
        """The date is a real calendar date written YYYY-MM-DD."""
        return _real_date(series)

    @pa.dataframe_check(name="reported_period_before_published")
    def reported_period_before_published(cls, df: pd.DataFrame) -> Series[bool]:
        """A reported (achieved) figure covers a period that ended by the release's publication;
        only targets may lie in the future."""
        return (df["modality"] != "reported") | _period_ended_by_published(df)


class PanelSchema(PeriodSchema, table="panel", columns=PANEL_COLUMNS):
    """``data/processed/panel.csv`` (its DESIGN.md columns): one row per city × period ×
    indicator × kind."""

    class Config:
        strict = True

    @pa.dataframe_check(name="value_within_common_interval")
    def value_within_common_interval(cls, df: pd.DataFrame) -> Series[bool]:
        """Unless the sources conflict, the value lies in the interval they all allow."""
        return (df["conflict"] == "true") | _value_in_interval(df)


class CorrectionsSchema(TableModel, table="corrections"):
    """``data/raw/corrections.csv``: a researcher's fix of one field of one mention."""

    class Config:
        strict = True
        unique: ClassVar[list[str]] = list(TABLES["corrections"].primary_key)

    @pa.check("date", name="date")
    def is_date(cls, series: Series[str]) -> Series[bool]:
        """The date is a real calendar date written YYYY-MM-DD."""
        return _real_date(series)

    @pa.dataframe_check(name="offsets_ordered")
    def offsets_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """The mention ends after it starts."""
        return df["start"].isna() | df["end"].isna() | (df["start"] < df["end"])


class ReferenceSchema(TableModel, table="reference"):
    """``data/raw/reference/population.csv``: sourced facts (population, land area) per city."""

    class Config:
        strict = True
        unique: ClassVar[list[str]] = list(TABLES["reference"].primary_key)

    @pa.check("as_of", name="date_or_empty")
    def date_or_empty(cls, series: Series[str]) -> Series[bool]:
        """The date is empty or a real calendar date written YYYY-MM-DD."""
        return (series == "") | _real_date(series)

    @pa.dataframe_check(name="sourced")
    def sourced(cls, df: pd.DataFrame) -> Series[bool]:
        """Every reference figure names its source and where to find it (a URL or a quote)."""
        return (df["source_title"] != "") & ((df["source_url"] != "") | (df["quote"] != ""))


@cache
def check_descriptions() -> dict[str, str]:
    """Every named check of every schema → its description (the check's docstring)."""
    descriptions: dict[str, str] = {}
    for model in (ManifestSchema, IndicatorsSchema, PanelSchema, ReferenceSchema):
        schema = model.to_schema()
        checks = [*schema.checks, *(c for column in schema.columns.values() for c in column.checks)]
        descriptions.update(
            {c.name: " ".join(c.description.split()) for c in checks if c.name and c.description}
        )
    return descriptions


#: Plain words for pandera's built-in checks, by the start of their names.
BUILTIN_CHECKS: dict[str, str] = {
    "field_uniqueness": "The value appears in no other row.",
    "multiple_fields_uniqueness": "No other row has the same values in these columns.",
    "isin": "The value is one of the allowed ones: {args}.",
    "str_matches": "The value has the expected form ({args}).",
    "str_length": "The value is not empty.",
    "not_nullable": "The value is given.",
    "greater_than_or_equal_to": "The value is at least {args}.",
    "greater_than": "The value is more than {args}.",
    "number": "The value is a number.",
}


@dataclass(frozen=True)
class SchemaFailure:
    """One failed check of one cell: the row (position in the frame), column, check and value."""

    row: int
    column: str
    check: str
    value: str

    def describe(self) -> str:
        return f"{self.value!r} fails `{self.check}`: {describe_check(self.check)}"


def describe_check(check: str) -> str:
    """A check's description in plain words: its docstring, or the words for a built-in check."""
    described = check_descriptions().get(check)
    if described:
        return described
    name, _, args = check.partition("(")
    template = BUILTIN_CHECKS.get(name, check)
    return template.format(args=args.rstrip(")").strip("[]()"))


def parse_numbers(
    frame: pd.DataFrame, columns: tuple[str, ...]
) -> tuple[pd.DataFrame, list[SchemaFailure]]:
    """``frame`` with ``columns`` parsed from text to float (empty → NaN), and a ``number``
    failure for every non-empty cell that is not a number (left NaN)."""
    parsed = {
        column: pd.to_numeric(frame[column].where(frame[column] != ""), errors="coerce").astype(
            float
        )
        for column in columns
    }
    failures = [
        SchemaFailure(int(row), column, "number", frame.at[row, column])
        for column in columns
        for row in frame.index[(frame[column] != "") & parsed[column].isna()]
    ]
    return frame.assign(**parsed), failures


def table_failures(
    model: type[pa.DataFrameModel], frame: pd.DataFrame, number_columns: tuple[str, ...]
) -> tuple[pd.DataFrame, list[SchemaFailure]]:
    """Parse ``number_columns`` of a text ``frame`` and validate it: the typed frame and every
    failure (a cell that is not a number is reported once, as ``number``)."""
    typed, number_failures = parse_numbers(frame, number_columns)
    reported = {(f.row, f.column) for f in number_failures}
    failures = [f for f in schema_failures(model, typed) if (f.row, f.column) not in reported]
    return typed, sorted([*number_failures, *failures], key=lambda f: (f.row, f.column, f.check))


def schema_failures(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> list[SchemaFailure]:
    """Validate ``frame`` (index 0..n-1) lazily; every failed cell, ordered by row, column, check.

    A cross-column check is reported once per row, at the column it judges
    (:data:`CHECK_COLUMNS`, else the first column pandera names). A failure that concerns no
    row (a missing column) is structural: DataError.
    """
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    whole = cases[cases["index"].isna()]
    if len(whole):
        first = whole.iloc[0]
        raise DataError(
            f"the table does not fit {model.__name__}: {first['check']} "
            f"({first['column']}: {first['failure_case']})",
            fix="write the table with the columns of pingan_analysis.registry",
        )
    failures: dict[tuple[int, str, str], SchemaFailure] = {}
    for case in cases.itertuples():
        check, row = str(case.check), int(case.index)
        judged = CHECK_COLUMNS.get(check, case.column)
        if case.schema_context == "DataFrameSchema" and case.column != judged:
            continue
        key = (row, check, case.column if case.schema_context == "Column" else "")
        # The failing value as the CSV holds it (no trailing .0 on whole numbers).
        failures.setdefault(
            key, SchemaFailure(row, str(case.column), check, format_cell(case.failure_case))
        )
    return sorted(failures.values(), key=lambda f: (f.row, f.column, f.check))
