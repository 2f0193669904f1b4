"""The panel's files and the data package that describes every table of ``data/processed``.

Encodings: ``panel.csv`` is UTF-8 without BOM with ``\\n`` line ends, like every CSV of the
project (a BOM turns the first column name into ``\\ufeffcity_zh`` for many readers).
``panel_excel.csv`` holds the same rows as UTF-8 with BOM and ``\\r\\n`` line ends, which is what
Excel needs to show Chinese when the file is double-clicked. ``panel.parquet`` (dates as
``date32``, the registry's descriptions in the field metadata) and ``panel.dta`` (Stata 118:
UTF-8, free text as strL, dates as %td, the registry's labels as variable labels, columns with
allowed values as value-labelled codes, ``conflict`` 0/1 labelled) hold the typed panel as
:func:`pingan_analysis.datasets.load_panel` returns it from the CSV. ``datapackage.json`` is a
Frictionless Data Package whose fields are the registry's declarations.

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
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.csvio import excel_cell, format_cell, write_bytes_atomic
from pingan_analysis.datasets import typed
from pingan_analysis.panel.derive import DERIVED_INDICATORS, RATES, measure_of
from pingan_analysis.registry import BOOLEAN_TEXT, PANEL, TABLES, Column, Table

log = logging.getLogger(__name__)

#: Written into the .dta header instead of the build time, so two builds are identical.
STATA_TIME_STAMP = datetime(2020, 1, 1)
#: Stata value labels of a boolean column, stored as 0/1.
STATA_BOOLEAN_LABELS: dict[int, str] = {0: "false", 1: "true"}
#: The licence of the derived tables (the release texts are government publications, kept for
#: research; see the project's LICENSE files).
DATA_LICENSE: dict[str, str] = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class CsvResource:
    """A CSV file of data/processed that the data package describes: a registry table."""

    name: str
    path: str
    table: Table
    title: str
    excel: bool = False


def _resource(table: str) -> CsvResource:
    declared = TABLES[table]
    return CsvResource(
        table.replace("_", "-"), Path(declared.file).name, declared, declared.description
    )


#: The tables of data/processed, in the order data flows, and the panel's copy for Excel
#: (UTF-8 with BOM and CRLF line ends).
RESOURCES: tuple[CsvResource, ...] = (
    *(
        _resource(name)
        for name in (
            "corpus",
            "dropped_blocks",
            "corrections_report",
            "mentions",
            "indicators",
            "validation_failures",
            "indicators_valid",
            "panel",
            "panel_sources",
        )
    ),
    CsvResource(
        "panel-excel",
        "panel_excel.csv",
        PANEL,
        "The panel for Excel: same rows as panel.csv, UTF-8 with BOM and CRLF line ends",
        excel=True,
    ),
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
    frame = typed(text, PANEL.name)
    write_bytes_atomic(processed_dir / "panel.parquet", parquet_bytes(frame))
    write_bytes_atomic(processed_dir / "panel.dta", stata_bytes(frame))
    write_bytes_atomic(
        processed_dir / "datapackage.json", datapackage_bytes(processed_dir, codebook)
    )


def panel_text(panel: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the CSV writes it: numbers to 15 significant digits, booleans true/false."""
    return pd.DataFrame(
        {
            column: [format_cell(_python(cell)) for cell in panel[column]]
            for column in panel.columns
        },
        dtype=str,
    )


def _python(cell: object) -> object:
    """numpy scalars as Python ones, so :func:`format_cell` formats them."""
    return cell.item() if hasattr(cell, "item") else cell


def csv_bytes(text: pd.DataFrame, excel: bool = False) -> bytes:
    """The table as CSV; for Excel with BOM, CRLF and formula-like cells neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(text.columns)
    rows = text.itertuples(index=False, name=None)
    writer.writerows(([excel_cell(cell) for cell in row] for row in rows) if excel else rows)
    return buffer.getvalue().encode("utf-8-sig" if excel else "utf-8")


def parquet_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a table: dates as ``date32``, categories as dictionaries, each
    field's description, label and unit in its metadata."""
    return pa.schema(
        [
            pa.field(
                column.name,
                _arrow_type(column),
                metadata={
                    "description": column.description,
                    "label": column.label,
                    "unit": column.unit,
                },
            )
            for column in table.columns
        ]
    )


def _arrow_type(column: Column) -> pa.DataType:
    if column.categorical:
        return pa.dictionary(pa.int32(), pa.string())
    return {
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
    }.get(column.type, pa.string())


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The typed panel as Parquet, with :func:`parquet_schema`."""
    schema = parquet_schema(PANEL)
    dates = {
        column.name: frame[column.name].dt.date for column in PANEL.columns if column.type == "date"
    }
    arrow = pa.Table.from_pandas(frame.assign(**dates), schema=schema, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer)
    return buffer.getvalue()


def stata_bytes(frame: pd.DataFrame) -> bytes:
    """Stata 118: every column labelled; a column with allowed values as value-labelled codes;
    other text as str (strL for free text, which may pass Stata's 2045 bytes); dates as %td;
    booleans 0/1 labelled false/true."""
    columns: dict[str, pd.Series] = {}
    for column in PANEL.columns:
        values = frame[column.name]
        if column.allowed is not None and len(frame):  # (pandas cannot label an empty one)
            columns[column.name] = pd.Categorical(
                values.astype(object).where(values.notna()), categories=list(column.allowed)
            )
        elif column.type == "boolean":
            columns[column.name] = values.astype("int8")
        elif column.type == "string":
            columns[column.name] = values.astype(object).where(values.notna(), "").astype(str)
        else:
            columns[column.name] = values
    stata = pd.DataFrame(columns)
    buffer = io.BytesIO()
    stata.to_stata(
        buffer,
        write_index=False,
        version=118,
        time_stamp=STATA_TIME_STAMP,
        data_label="pingan-analysis panel",
        convert_dates={c.name: "td" for c in PANEL.columns if c.type == "date"},
        convert_strl=[c.name for c in PANEL.columns if c.type == "string" and not c.categorical],
        variable_labels={c.name: c.label for c in PANEL.columns},
        value_labels={c.name: STATA_BOOLEAN_LABELS for c in PANEL.columns if c.type == "boolean"},
    )
    return buffer.getvalue()


def datapackage_bytes(processed_dir: Path, codebook: Path) -> bytes:
    return (
        json.dumps(datapackage(processed_dir, codebook), ensure_ascii=False, indent=2) + "\n"
    ).encode("utf-8")


def datapackage(processed_dir: Path, codebook: Path) -> dict:
    """A Frictionless (tabular) Data Package describing the tables present in ``processed_dir``."""
    resources = [
        _table_resource(processed_dir, resource)
        for resource in RESOURCES
        if (processed_dir / resource.path).is_file()
    ]
    resources += [
        _binary_resource(processed_dir, *spec)
        for spec in BINARY_PANELS
        if (processed_dir / spec[1]).is_file()
    ]
    return {
        "profile": "data-package",
        "name": "pingan-analysis-processed",
        "title": "Ping An (平安建设) figures of Chinese cities' releases: extracted, validated, "
        "reconciled",
        "description": "Tables built by `pingan run` from data/raw (release texts, manifest, "
        "reference population and area). panel.csv is plain UTF-8 (no BOM); "
        "panel_excel.csv is the same table with BOM and CRLF for Excel; "
        "panel.parquet and panel.dta hold the typed panel.",
        "version": version("pingan-analysis"),
        "licenses": [DATA_LICENSE],
        "sources": [
            {
                "title": "Government releases listed in data/raw/releases.csv (texts in "
                "data/raw/releases/)"
            },
            {
                "title": "data/raw/reference/population.csv: census and year-end resident "
                "population, land area, each row with its source"
            },
        ],
        "indicators": indicator_list(codebook),
        "resources": resources,
    }


def indicator_list(codebook: Path) -> list[dict]:
    """The codebook's indicators, then the derived ones with their formula."""
    listed: list[dict[str, object]] = [
        {
            "id": i.id,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "domain": i.domain,
            "unit": i.unit,
            "kinds": sorted(i.kinds),
            "description": i.description,
        }
        for i in load_codebook(codebook).indicators
    ]
    rates = {rate.derived: rate for rate in RATES}
    for derived in DERIVED_INDICATORS:
        rate = rates.get(derived)
        listed.append(
            {
                "id": derived,
                "derived": True,
                "unit": rate.unit if rate else "%",
                "kinds": ["count"] if rate else ["change_pct"],
                "description": rate.measure
                if rate
                else f"{measure_of(derived)}: change per year, (1 + c)^(1/years) − 1 over periods longer "
                "than a year; year-on-year changes as they are",
            }
        )
    return listed


def _table_resource(processed_dir: Path, resource: CsvResource) -> dict:
    path = processed_dir / resource.path
    header = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8-sig").columns
    schema: dict = {
        "fields": [_field(resource, column) for column in header],
        "missingValues": [""],
    }
    if resource.table.primary_key:
        schema["primaryKey"] = list(resource.table.primary_key)
    return {
        "name": resource.name,
        "path": resource.path,
        "title": resource.title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {
            "delimiter": ",",
            "lineTerminator": "\r\n" if resource.excel else "\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        },
        **_file_facts(path),
        "schema": schema,
    }


def _field(resource: CsvResource, name: str) -> dict:
    if name not in resource.table.names:
        log.warning(
            "%s: column %s is not declared in pingan_analysis.registry", resource.path, name
        )
        return {"name": name, "type": "string", "description": "(not yet described)"}
    return frictionless_field(resource.table.column(name))


def frictionless_field(column: Column) -> dict:
    """A column as a Frictionless Table Schema field: type, title (the label), description,
    and the constraints its declaration states."""
    field: dict[str, object] = {
        "name": column.name,
        "type": column.type,
        "title": column.label,
        "description": column.description,
    }
    if column.type == "boolean":
        field.update(trueValues=[BOOLEAN_TEXT[0]], falseValues=[BOOLEAN_TEXT[1]])
    constraints = {
        key: value
        for key, value in (
            ("required", column.required or None),
            ("unique", column.unique or None),
            ("enum", list(column.allowed) if column.allowed is not None else None),
            ("pattern", column.pattern),
            ("minimum", column.minimum),
            ("exclusiveMinimum", column.above),
        )
        if value is not None
    }
    if constraints:
        field["constraints"] = constraints
    return field


def _binary_resource(processed_dir: Path, name: str, file: str, fmt: str, mediatype: str) -> dict:
    """A typed copy of the panel: a file resource (``type: file``), checked by its size and
    hash; its schema is the file's own (Parquet) or its labels (Stata)."""
    return {
        "name": name,
        "path": file,
        "type": "file",
        "profile": "data-resource",
        "format": fmt,
        "mediatype": mediatype,
        "description": "the panel, typed: same rows and columns as panel.csv",
        **_file_facts(processed_dir / file),
    }


def _file_facts(path: Path) -> dict:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}
