"""The panel's files and the data package that describes every table of ``data/processed``.

Encodings: ``panel.csv`` is UTF-8 without BOM with ``\\n`` line ends, like every CSV of the
project (a BOM turns the first column name into ``\\ufeffcity_zh`` for many readers).
``panel_excel.csv`` holds the same rows as UTF-8 with BOM and ``\\r\\n`` line ends, which is what
Excel needs to show Chinese when the file is double-clicked. ``panel.parquet`` and ``panel.dta``
(Stata 118: UTF-8, long text as strL, dates as %td, ``conflict`` as 0/1, variable labels) hold
the typed panel exactly as :func:`pingan_analysis.datasets.load_panel` returns it from the CSV.

Every file is byte-for-byte reproducible: rows arrive sorted, numbers are written with 15
significant digits, the Stata header carries a fixed time stamp, nothing records the build time;
each file is written to a temporary file in its folder and renamed over the old one.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import textwrap
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.csvio import format_cell, write_bytes_atomic
from pingan_analysis.datasets import typed
from pingan_analysis.panel.derive import DERIVED_INDICATORS, RATES, measure_of
from pingan_analysis.panel.reconcile import MERGE_KEY
from pingan_analysis.registry import (
    ADMIN_LEVELS, DIRECTIONS, MENTION_KINDS, MODALITIES, MULTIPLE_FORMS, QUALIFIERS,
)

log = logging.getLogger(__name__)

#: Written into the .dta header instead of the build time, so two builds are identical.
STATA_TIME_STAMP = datetime(2020, 1, 1)
STATA_LABEL_LENGTH = 80
#: Panel columns that may exceed Stata's 2045-byte str# limit (UTF-8 Chinese: 3 bytes a char).
STATA_STRL_COLUMNS: tuple[str, ...] = ("release_ids", "sources", "note", "measure", "reference")
PANEL_DATE_COLUMNS: tuple[str, ...] = ("period_start", "period_end")


@dataclass(frozen=True)
class Field:
    """A column's Frictionless type, description and optional allowed values."""

    type: str
    description: str
    enum: tuple[str, ...] = ()


def _text(description: str, enum: tuple[str, ...] = ()) -> Field:
    return Field("string", description, tuple(value for value in enum if value))


MENTION_FIELDS: dict[str, Field] = {
    "release_id": _text("release id, <city>-<published>-<sha256[:8]>, as in data/raw/releases.csv"),
    "doc": _text("file name of the release text in data/raw/releases/"),
    "start": Field("integer", "first character of the mention in the decoded file (BOM removed; "
                              "Python str index)"),
    "end": Field("integer", "character after the mention (end exclusive)"),
    "text": _text("the mention as written: decoded[start:end], number with multiplier and unit"),
    "value": Field("number", "the figure in base units (2.9万 → 29000, 13.5% → 13.5); for changes "
                             "unsigned, see direction"),
    "unit": _text("measure word or symbol after scaling (个 名 人 起 件 元 % 倍 …)"),
    "qualifier": _text("how exact the figure is: exact; lower (余 多 以上); upper (近 不到); "
                       "approx (约 左右); range", QUALIFIERS),
    "lower": Field("number", "lowest value the words allow; empty when open"),
    "upper": Field("number", "highest value the words allow; empty when open"),
    "kind": _text("count, amount (money), percent, change_pct, change_pp or change_multiple",
                  MENTION_KINDS),
    "direction": _text("up or down for changes; empty otherwise", DIRECTIONS),
    "period_start": Field("date", "first day the figure covers (as-of date for a stock)"),
    "period_end": Field("date", "last day the figure covers (as-of date for a stock)"),
    "modality": _text("reported (achieved) or target (plan, goal)", MODALITIES),
    "indicator": _text("codebook indicator id; empty when none matches"),
    "multiple_form": _text("for change_multiple: increase (提高N倍, +N×100%) or ratio "
                           "(是…的N倍, +(N−1)×100%)", MULTIPLE_FORMS),
}
CITY_FIELDS: dict[str, Field] = {
    "city_zh": _text("city, Chinese name (e.g. 青岛市)"),
    "city_en": _text("city, English name"),
    "province": _text("province, Chinese short name (e.g. 山东)"),
    "admin_level": _text("administrative level of the city", ADMIN_LEVELS),
}
INDICATOR_FIELDS: dict[str, Field] = {
    **MENTION_FIELDS, **CITY_FIELDS,
    "indicator": _text("codebook indicator id"),
    "domain": _text("the indicator's domain, one of the six battles"),
    "published": Field("date", "the release's publication date"),
    "sentence": _text("the sentence of the release the mention stands in"),
}
#: indicators_valid.csv adds a flag to the indicators table's columns.
VALID_INDICATOR_FIELDS: dict[str, Field] = {
    **INDICATOR_FIELDS,
    "is_target": Field("boolean", "true for a target (plan, goal) kept and marked; the panel "
                                  "takes reported rows only"),
}
FAILURE_FIELDS: dict[str, Field] = {
    "table": _text("the table checked (manifest, mentions, indicators, …)"),
    "release_id": _text("the release of the failing row, where it has one"),
    "row": Field("integer", "position of the failing row in its table (0 = first data row)"),
    "column": _text("the column the failed check judges"),
    "check": _text("the name of the failed check"),
    "value": _text("the failing value as written"),
    "sentence": _text("the sentence the failing mention stands in, where it has one"),
}
CORPUS_FIELDS: dict[str, Field] = {
    "release_id": MENTION_FIELDS["release_id"],
    "file": _text("file name of the release text in data/raw/releases/"),
    "city_zh": CITY_FIELDS["city_zh"], "city_en": CITY_FIELDS["city_en"],
    "published": Field("date", "the release's publication date"),
    "kind": _text("what the release is (transcript, news_report, work_review, white_paper, other)"),
    "chars": Field("integer", "characters of the decoded text"),
    "kept_chars": Field("integer", "characters kept after dropping repeats and boilerplate"),
    "repeat_chars": Field("integer", "characters dropped as a repeated copy of earlier text"),
    "boilerplate_chars": Field("integer", "characters dropped as page boilerplate"),
    "paragraphs": Field("integer", "paragraphs kept"),
    "dropped_blocks": Field("integer", "blocks dropped (see dropped_blocks.csv)"),
    "mentions": Field("integer", "quantity mentions extracted"),
    "indicator_mentions": Field("integer", "mentions mapped to an indicator"),
}
DROPPED_FIELDS: dict[str, Field] = {
    "release_id": MENTION_FIELDS["release_id"],
    "start": Field("integer", "first character of the dropped block in the decoded file"),
    "end": Field("integer", "character after the dropped block"),
    "reason": _text("why the block was dropped (repeat, boilerplate, …)"),
    "preview": _text("the first characters of the dropped block"),
}
PANEL_FIELDS: dict[str, Field] = {
    **CITY_FIELDS,
    "period_start": Field("date", "first day the figure covers (as-of date for a stock)"),
    "period_end": Field("date", "last day the figure covers (as-of date for a stock)"),
    "indicator": _text("codebook id, or a derived id (see the package's indicators)"),
    "kind": _text("count, amount, percent, change_pct or change_pp (multiples become change_pct)"),
    "value": Field("number", "the figure the most precise source states; changes signed "
                             "(a decline is negative); derived rows computed"),
    "lower": Field("number", "lowest value all sources allow (intersection; hull if conflict); "
                             "empty when open"),
    "upper": Field("number", "highest value all sources allow (intersection; hull if conflict); "
                             "empty when open"),
    "unit": _text("unit of value (% for changes and shares; per 10k residents for rates)"),
    "n_sources": Field("integer", "distinct releases the row rests on"),
    "release_ids": _text("those releases, sorted, ;-joined"),
    "conflict": Field("boolean", "true when the sources' intervals do not overlap"),
    "reference": _text("reference rows a derived value divided by "
                       "(population.csv:city:measure:as_of); empty for reported rows"),
    "domain": _text("domain of the indicator (of its source indicator for derived rows)"),
    "measure": _text("what a crime or derived row counts: crime measure or formula"),
    "note": _text("caveats of a derived value: population baseline, annualisation"),
    "sources": _text("the source rows merged, release_id:start-end (character offsets), "
                     ";-joined: each number leads back to its exact characters; at most 10, "
                     "then '+N more (panel_sources.csv)', which lists every one"),
}
PANEL_SOURCES_FIELDS: dict[str, Field] = {
    **{column: PANEL_FIELDS[column] for column in MERGE_KEY},
    "release_id": _text("release the source mention is in"),
    "start": Field("integer", "offset of the mention's first character in the decoded release"),
    "end": Field("integer", "offset after the mention's last character (end exclusive)"),
    "text": _text("the mention's characters, decoded[start:end]"),
}


@dataclass(frozen=True)
class Table:
    """A CSV table of data/processed and how to describe it."""

    name: str
    path: str
    title: str
    fields: dict[str, Field]
    primary_key: tuple[str, ...] = ()
    encoding: str = "utf-8"
    line_terminator: str = "\n"


#: One panel row per merge key, so the merge key is the panel's primary key.
PANEL_KEY: tuple[str, ...] = tuple(MERGE_KEY)
TABLES: tuple[Table, ...] = (
    Table("corpus", "corpus.csv", "Releases ingested: sizes and what ingestion dropped",
          CORPUS_FIELDS, ("release_id",)),
    Table("dropped-blocks", "dropped_blocks.csv", "Blocks dropped by ingestion, with the reason",
          DROPPED_FIELDS),
    Table("mentions", "mentions.csv", "Every quantity mention of every release, with its span",
          MENTION_FIELDS, ("release_id", "start", "end")),
    Table("indicators", "indicators.csv", "Mentions mapped to a codebook indicator",
          INDICATOR_FIELDS, ("release_id", "start", "end")),
    Table("indicators-valid", "indicators_valid.csv",
          "Indicator rows that passed validation (the panel's input)", VALID_INDICATOR_FIELDS,
          ("release_id", "start", "end")),
    Table("validation-failures", "validation_failures.csv", "One row per failed check of a row",
          FAILURE_FIELDS),
    Table("panel", "panel.csv", "City × period × indicator × kind panel", PANEL_FIELDS, PANEL_KEY),
    Table("panel-sources", "panel_sources.csv",
          "Every source mention of every panel row (the full list behind the sources cell)",
          PANEL_SOURCES_FIELDS, (*PANEL_KEY, "release_id", "start", "end")),
    Table("panel-excel", "panel_excel.csv",
          "The panel for Excel: same rows as panel.csv, UTF-8 with BOM and CRLF line ends",
          PANEL_FIELDS, PANEL_KEY, encoding="utf-8-sig", line_terminator="\r\n"),
)
BINARY_PANELS: tuple[tuple[str, str, str, str], ...] = (
    ("panel-parquet", "panel.parquet", "parquet", "application/vnd.apache.parquet"),
    ("panel-stata", "panel.dta", "dta", "application/x-stata-dta"),
)


def write_panel_files(panel: pd.DataFrame, processed_dir: Path, codebook: Path) -> None:
    """panel.csv, panel_excel.csv, panel.parquet, panel.dta, then datapackage.json."""
    text = panel_text(panel)
    write_bytes_atomic(processed_dir / "panel.csv", csv_bytes(text))
    write_bytes_atomic(processed_dir / "panel_excel.csv", csv_bytes(text, excel=True))
    frame = typed(text)
    write_bytes_atomic(processed_dir / "panel.parquet", parquet_bytes(frame))
    write_bytes_atomic(processed_dir / "panel.dta", stata_bytes(frame))
    write_bytes_atomic(processed_dir / "datapackage.json", datapackage_bytes(processed_dir, codebook))


def panel_text(panel: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the CSV writes it: numbers to 15 significant digits, booleans true/false."""
    return pd.DataFrame({column: [format_cell(_python(cell)) for cell in panel[column]]
                         for column in panel.columns}, dtype=str)


def _python(cell: object) -> object:
    """numpy scalars as Python ones, so :func:`format_cell` formats them."""
    return cell.item() if hasattr(cell, "item") else cell


def csv_bytes(text: pd.DataFrame, excel: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(text.columns)
    writer.writerows(text.itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8-sig" if excel else "utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=False)
    return buffer.getvalue()


def stata_bytes(frame: pd.DataFrame) -> bytes:
    """Stata 118: categories as text, dates as %td, ``conflict`` 0/1, labelled variables."""
    stata = frame.assign(**{
        column: frame[column].astype(str).where(frame[column].notna(), "").astype(object)
        for column in frame.columns if isinstance(frame[column].dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(frame[column])
    }).assign(conflict=frame["conflict"].astype("int8"))
    buffer = io.BytesIO()
    stata.to_stata(
        buffer, write_index=False, version=118, time_stamp=STATA_TIME_STAMP,
        data_label="pingan-analysis panel", convert_dates={c: "td" for c in PANEL_DATE_COLUMNS},
        convert_strl=[c for c in STATA_STRL_COLUMNS if c in stata.columns],
        variable_labels={c: stata_label(c) for c in stata.columns},
    )
    return buffer.getvalue()


def stata_label(column: str) -> str:
    """The variable label: the column's description, shortened to Stata's 80 characters."""
    return textwrap.shorten(PANEL_FIELDS[column].description, STATA_LABEL_LENGTH, placeholder="…")


def datapackage_bytes(processed_dir: Path, codebook: Path) -> bytes:
    return (json.dumps(datapackage(processed_dir, codebook), ensure_ascii=False, indent=2)
            + "\n").encode("utf-8")


def datapackage(processed_dir: Path, codebook: Path) -> dict:
    """A Frictionless (tabular) Data Package describing the tables present in ``processed_dir``."""
    resources = [_table_resource(processed_dir, table) for table in TABLES
                 if (processed_dir / table.path).is_file()]
    resources += [_binary_resource(processed_dir, *spec) for spec in BINARY_PANELS
                  if (processed_dir / spec[1]).is_file()]
    return {
        "profile": "tabular-data-package",
        "name": "pingan-analysis-processed",
        "title": "Ping An (平安建设) figures of Chinese cities' releases: extracted, validated, "
                 "reconciled",
        "description": "Tables built by `pingan run` from data/raw (release texts, manifest, "
                       "reference population and area). panel.csv is plain UTF-8 (no BOM); "
                       "panel_excel.csv is the same table with BOM and CRLF for Excel; "
                       "panel.parquet and panel.dta hold the typed panel.",
        "version": version("pingan-analysis"),
        "sources": [
            {"title": "Government releases listed in data/raw/releases.csv (texts in "
                      "data/raw/releases/)"},
            {"title": "data/raw/reference/population.csv: census and year-end resident "
                      "population, land area, each row with its source"},
        ],
        "indicators": indicator_list(codebook),
        "resources": resources,
    }


def indicator_list(codebook: Path) -> list[dict]:
    """The codebook's indicators, then the derived ones with their formula."""
    listed = [{"id": i.id, "name_zh": i.name_zh, "name_en": i.name_en, "domain": i.domain,
               "unit": i.unit, "kinds": sorted(i.kinds), "description": i.description}
              for i in load_codebook(codebook).indicators]
    rates = {rate.derived: rate for rate in RATES}
    for derived in DERIVED_INDICATORS:
        rate = rates.get(derived)
        listed.append({
            "id": derived, "derived": True,
            "unit": rate.unit if rate else "%",
            "kinds": ["count"] if rate else ["change_pct"],
            "description": rate.measure if rate else
            f"{measure_of(derived)}: change per year, (1 + c)^(1/years) − 1 over periods longer "
            "than a year; year-on-year changes as they are",
        })
    return listed


def _table_resource(processed_dir: Path, table: Table) -> dict:
    path = processed_dir / table.path
    header = pd.read_csv(path, dtype=str, nrows=0, encoding=table.encoding).columns
    schema: dict = {"fields": [_field(table, column) for column in header],
                    "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    return {
        "name": table.name, "path": table.path, "title": table.title,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
        "encoding": table.encoding,
        "dialect": {"delimiter": ",", "lineTerminator": table.line_terminator, "quoteChar": '"',
                    "doubleQuote": True, "header": True},
        **_file_facts(path), "schema": schema,
    }


def _field(table: Table, column: str) -> dict:
    known = table.fields.get(column)
    if known is None:
        log.warning("%s: column %s has no description in exports.py", table.path, column)
        return {"name": column, "type": "string", "description": "(not yet described)"}
    field: dict = {"name": column, "type": known.type, "description": known.description}
    if known.type == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    if known.enum:
        field["constraints"] = {"enum": list(known.enum)}
    return field


def _binary_resource(processed_dir: Path, name: str, file: str, fmt: str, mediatype: str) -> dict:
    return {"name": name, "path": file, "profile": "data-resource", "format": fmt,
            "mediatype": mediatype,
            "description": "the panel, typed: same rows and columns as panel.csv",
            **_file_facts(processed_dir / file)}


def _file_facts(path: Path) -> dict:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}
