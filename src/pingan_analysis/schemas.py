"""The tables' schemas: pandera models that read as the data dictionary of DESIGN.md.

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

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pingan_analysis.corpus.codebook import DOMAINS
from pingan_analysis.csvio import format_cell
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import (
    ADMIN_LEVELS, CORRECTION_FIELDS, DIRECTIONS, MENTION_KINDS, MODALITIES, MULTIPLE_FORMS,
    QUALIFIERS, RELEASE_KINDS,
)

#: ``<city slug>-<published>-<first 8 hex digits of the sha256>``, e.g. ``qingdao-2020-04-08-7042e67b``.
RELEASE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
CHANGE_KINDS: tuple[str, ...] = ("change_pct", "change_pp", "change_multiple")
#: Columns of the mentions and indicators tables that hold numbers.
MENTION_NUMBER_COLUMNS: tuple[str, ...] = ("start", "end", "value", "lower", "upper")

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
    return _within(df["value"], low, high) & _within(df["lower"], low, high) & _within(
        df["upper"], low, high)


def _value_in_interval(df: pd.DataFrame) -> pd.Series:
    """True where ``lower <= value <= upper``, an empty end being open."""
    return ((df["lower"].isna() | (df["lower"] <= df["value"]))
            & (df["upper"].isna() | (df["value"] <= df["upper"])))


def _period_ended_by_published(df: pd.DataFrame) -> pd.Series:
    """True where neither end of the period is after the publication date (or a date is missing)."""
    return _not_after(df["period_end"], df["published"]) & _not_after(
        df["period_start"], df["published"])


class PeriodSchema(pa.DataFrameModel):
    """The period columns every table with figures has, and their checks (inherited)."""

    period_start: Series[str] = pa.Field(description="first day covered (may be empty)")
    period_end: Series[str] = pa.Field(description="last day covered (may be empty)")

    @pa.check("period_start", "period_end", name="date_or_empty")
    def date_or_empty(cls, series: Series[str]) -> Series[bool]:
        """The date is empty or a real calendar date written YYYY-MM-DD."""
        return (series == "") | _real_date(series)

    @pa.dataframe_check(name="period_ordered")
    def period_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """The period starts on or before the day it ends."""
        return _not_after(df["period_start"], df["period_end"])


class ManifestSchema(PeriodSchema):
    """``data/raw/releases.csv``: one row per release text of the corpus."""

    release_id: Series[str] = pa.Field(str_matches=RELEASE_ID_PATTERN, unique=True,
                                       description="<city>-<published>-<sha256[:8]>")
    file: Series[str] = pa.Field(str_matches=r"^[^/\\]+\.txt$", unique=True,
                                 description="file name in data/raw/releases/")
    city_zh: Series[str] = pa.Field(str_length={"min_value": 1}, description="city, Chinese name")
    city_en: Series[str] = pa.Field(description="city, English name (empty if unknown)")
    province: Series[str] = pa.Field(description="province, Chinese short name, e.g. 山东")
    admin_level: Series[str] = pa.Field(isin=("", *ADMIN_LEVELS), description="administrative level")
    published: Series[str] = pa.Field(description="publication date, YYYY-MM-DD")
    period_start: Series[str] = pa.Field(description="first day the figures cover (may be empty)")
    period_end: Series[str] = pa.Field(description="last day the figures cover (may be empty)")
    kind: Series[str] = pa.Field(isin=("", *RELEASE_KINDS), description="what the release is")
    outlet: Series[str] = pa.Field(description="who published it")
    title: Series[str] = pa.Field(description="the release's title")
    source_url: Series[str] = pa.Field(description="where it was published")
    sha256: Series[str] = pa.Field(str_matches=SHA256_PATTERN, unique=True,
                                   description="sha256 of the file's bytes")
    note: Series[str] = pa.Field(description="how the metadata were read off the text")

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
        return pd.Series([rid.endswith(end) for rid, end in zip(df["release_id"], suffix)],
                         index=df.index)

    @pa.dataframe_check(name="file_named_after_release")
    def file_named_after_release(cls, df: pd.DataFrame) -> Series[bool]:
        """The text file is named after its release id: <release_id>.txt."""
        return df["file"] == df["release_id"] + ".txt"


class MentionsSchema(PeriodSchema):
    """``data/processed/mentions.csv``: every quantity of every release, with its span."""

    release_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="the release")
    doc: Series[str] = pa.Field(str_length={"min_value": 1}, description="file name of the text")
    start: Series[float] = pa.Field(ge=0, description="first character of the mention")
    end: Series[float] = pa.Field(ge=0, description="character after the mention")
    text: Series[str] = pa.Field(str_length={"min_value": 1}, description="decoded[start:end]")
    value: Series[float] = pa.Field(ge=0, description="the figure in base units (changes unsigned)")
    unit: Series[str] = pa.Field(description="measure word or symbol after scaling")
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS, description="how exact the figure is")
    lower: Series[float] = pa.Field(nullable=True, description="lowest value the words allow")
    upper: Series[float] = pa.Field(nullable=True, description="highest value the words allow")
    kind: Series[str] = pa.Field(isin=MENTION_KINDS, description="count, amount, percent or change")
    direction: Series[str] = pa.Field(isin=DIRECTIONS, description="up/down for changes")
    period_start: Series[str] = pa.Field(description="first day the figure covers")
    period_end: Series[str] = pa.Field(description="last day the figure covers (as-of for stocks)")
    modality: Series[str] = pa.Field(isin=MODALITIES, description="reported or target")
    indicator: Series[str] = pa.Field(description="codebook id, empty if none matched")
    multiple_form: Series[str] = pa.Field(isin=MULTIPLE_FORMS, description="how a multiple is phrased")
    corrected: Series[str] = pa.Field(isin=("true", "false"),
                                      description="changed by data/raw/corrections.csv")

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


class IndicatorsSchema(MentionsSchema):
    """``data/processed/indicators.csv``: mentions mapped to a codebook indicator, with their
    release's city and the sentence they came from."""

    indicator: Series[str] = pa.Field(str_length={"min_value": 1}, description="codebook id")
    domain: Series[str] = pa.Field(isin=DOMAINS, description="one of the six battles")
    city_zh: Series[str] = pa.Field(str_length={"min_value": 1}, description="city, Chinese name")
    city_en: Series[str] = pa.Field(description="city, English name")
    province: Series[str] = pa.Field(description="province")
    admin_level: Series[str] = pa.Field(isin=("", *ADMIN_LEVELS), description="administrative level")
    published: Series[str] = pa.Field(description="the release's publication date")
    sentence: Series[str] = pa.Field(str_length={"min_value": 1}, description="the source sentence")

    @pa.check("published", name="date")
    def is_date(cls, series: Series[str]) -> Series[bool]:
        """The date is a real calendar date written YYYY-MM-DD."""
        return _real_date(series)

    @pa.dataframe_check(name="reported_period_before_published")
    def reported_period_before_published(cls, df: pd.DataFrame) -> Series[bool]:
        """A reported (achieved) figure covers a period that ended by the release's publication;
        only targets may lie in the future."""
        return (df["modality"] != "reported") | _period_ended_by_published(df)


class PanelSchema(PeriodSchema):
    """``data/processed/panel.csv``: one row per city × period × indicator × kind."""

    city_zh: Series[str] = pa.Field(str_length={"min_value": 1})
    city_en: Series[str]
    province: Series[str]
    admin_level: Series[str] = pa.Field(isin=("", *ADMIN_LEVELS))
    indicator: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(str_length={"min_value": 1})
    value: Series[float]
    lower: Series[float] = pa.Field(nullable=True)
    upper: Series[float] = pa.Field(nullable=True)
    unit: Series[str]
    n_sources: Series[float] = pa.Field(ge=0, description="releases merged into the row (a derived row: its inputs' releases)")
    release_ids: Series[str]
    conflict: Series[str] = pa.Field(isin=("true", "false"), description="sources disagree")
    reference: Series[str] = pa.Field(description="reference rows a derived value used")

    class Config:
        strict = True

    @pa.dataframe_check(name="value_within_common_interval")
    def value_within_common_interval(cls, df: pd.DataFrame) -> Series[bool]:
        """Unless the sources conflict, the value lies in the interval they all allow."""
        return (df["conflict"] == "true") | _value_in_interval(df)


class CorrectionsSchema(pa.DataFrameModel):
    """``data/raw/corrections.csv``: a researcher's fix of one field of one mention."""

    release_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="the release")
    start: Series[float] = pa.Field(ge=0, description="the mention's first character")
    end: Series[float] = pa.Field(ge=0, description="the character after the mention")
    field: Series[str] = pa.Field(isin=CORRECTION_FIELDS, description="what is corrected")
    value: Series[str] = pa.Field(description="the new value (empty for exclude)")
    reason: Series[str] = pa.Field(str_length={"min_value": 1}, description="why")
    author: Series[str] = pa.Field(str_length={"min_value": 1}, description="who")
    date: Series[str] = pa.Field(description="when, YYYY-MM-DD")
    text: Series[str] = pa.Field(description="the mention's text when corrected (optional)")

    class Config:
        strict = True
        unique = ["release_id", "start", "end", "field"]

    @pa.check("date", name="date")
    def is_date(cls, series: Series[str]) -> Series[bool]:
        """The date is a real calendar date written YYYY-MM-DD."""
        return _real_date(series)

    @pa.dataframe_check(name="offsets_ordered")
    def offsets_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """The mention ends after it starts."""
        return df["start"].isna() | df["end"].isna() | (df["start"] < df["end"])


class ReferenceSchema(pa.DataFrameModel):
    """``data/raw/reference/population.csv``: sourced facts (population, land area) per city."""

    city_zh: Series[str] = pa.Field(str_length={"min_value": 1})
    city_en: Series[str] = pa.Field(str_length={"min_value": 1})
    province: Series[str] = pa.Field(str_length={"min_value": 1})
    admin_level: Series[str] = pa.Field(isin=ADMIN_LEVELS)
    measure: Series[str] = pa.Field(str_length={"min_value": 1}, description="what is measured")
    as_of: Series[str] = pa.Field(description="date the figure holds for (empty for areas)")
    value: Series[float] = pa.Field(gt=0)
    unit: Series[str] = pa.Field(str_length={"min_value": 1})
    source_kind: Series[str]
    source_title: Series[str]
    source_url: Series[str]
    quote: Series[str]
    note: Series[str]

    class Config:
        strict = True
        unique = ["city_zh", "measure", "as_of"]

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
        descriptions.update({c.name: " ".join(c.description.split()) for c in checks
                             if c.name and c.description})
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


def parse_numbers(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.DataFrame, list[SchemaFailure]]:
    """``frame`` with ``columns`` parsed from text to float (empty → NaN), and a ``number``
    failure for every non-empty cell that is not a number (left NaN)."""
    parsed = {column: pd.to_numeric(frame[column].where(frame[column] != ""), errors="coerce").astype(float)
              for column in columns}
    failures = [SchemaFailure(int(row), column, "number", frame.at[row, column])
                for column in columns
                for row in frame.index[(frame[column] != "") & parsed[column].isna()]]
    return frame.assign(**parsed), failures


def table_failures(model: type[pa.DataFrameModel], frame: pd.DataFrame,
                   number_columns: tuple[str, ...]) -> tuple[pd.DataFrame, list[SchemaFailure]]:
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
        raise DataError(f"the table does not fit {model.__name__}: {first['check']} "
                        f"({first['column']}: {first['failure_case']})",
                        fix="write the table with the columns of pingan_analysis.registry")
    failures: dict[tuple[int, str, str], SchemaFailure] = {}
    for case in cases.itertuples():
        check, row = str(case.check), int(case.index)
        judged = CHECK_COLUMNS.get(check, case.column)
        if case.schema_context == "DataFrameSchema" and case.column != judged:
            continue
        key = (row, check, case.column if case.schema_context == "Column" else "")
        # The failing value as the CSV holds it (no trailing .0 on whole numbers).
        failures.setdefault(key, SchemaFailure(row, str(case.column), check,
                                               format_cell(case.failure_case)))
    return sorted(failures.values(), key=lambda f: (f.row, f.column, f.check))
