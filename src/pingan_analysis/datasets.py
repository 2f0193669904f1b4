"""The project's tables as typed DataFrames, for researchers in JupyterLab.

``load_panel()`` and friends find the project from the working directory (or
``$PINGAN_PROJECT``) unless given a folder. Types: categories for codes and names, floats for
figures, ``datetime64`` for dates, booleans for flags. An empty cell of a category or a date
becomes missing (NaN/NaT); free text (sentences, ``sources``, ``reference``, notes) keeps ``""``,
which there means "none".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths, project_paths
from pingan_analysis.corpus import reference as _reference
from pingan_analysis.corpus.manifest import read_manifest
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import TABLES, Column

TRUE_TEXT, FALSE_TEXT = "true", "false"


def load_type(column: Column) -> str:
    """How a loader types a column: ``category``, ``int``, ``float``, ``bool``, ``date`` or
    ``text`` (free text, kept as it is)."""
    if column.categorical:
        return "category"
    return {"integer": "int", "number": "float", "boolean": "bool", "date": "date"}.get(
        column.type, "text"
    )


def column_types(table: str) -> dict[str, str]:
    """Column → :func:`load_type` for a registry table."""
    return {column.name: load_type(column) for column in TABLES[table].columns}


def typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A registry table read as text (``dtype=str``, empty cells ``""``) with its columns typed;
    a column the table does not declare stays text."""
    kinds = column_types(table)
    return frame.assign(
        **{
            column: _convert(frame[column], kinds[column])
            for column in frame.columns
            if kinds.get(column, "text") != "text"
        }
    )


def _convert(column: pd.Series, kind: str) -> pd.Series:
    empty = column.isna() | (column == "")
    if kind == "category":
        return column.mask(empty).astype("category")
    if kind == "float":
        return pd.to_numeric(column.mask(empty)).astype(float)
    if kind == "int":
        return pd.to_numeric(column).astype("int64")
    if kind == "bool":
        return column.map({TRUE_TEXT: True, FALSE_TEXT: False}).astype(bool)
    return pd.to_datetime(column.mask(empty), format="%Y-%m-%d")


def read_text_table(path: Path) -> pd.DataFrame:
    """A CSV table with every cell as text and empty cells as ``""``."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as error:
        raise DataError(
            "table not found",
            where=str(path),
            fix="build the tables first: `pingan run` in the project",
        ) from error


def processed_folder(processed_dir: str | Path | None = None) -> Path:
    """The folder of processed tables: as given, else (``None`` or ``""``, as a notebook's
    default parameter) the project's ``data/processed``."""
    return Path(processed_dir) if processed_dir else project_paths().processed_dir


def _paths(root: Path | None) -> ProjectPaths:
    return project_paths() if root is None else ProjectPaths(Path(root))


def load_panel(processed_dir: Path | None = None) -> pd.DataFrame:
    """``panel.csv``: one row per city × period × indicator × kind, typed."""
    return typed(read_text_table(processed_folder(processed_dir) / "panel.csv"), "panel")


def load_mentions(processed_dir: Path | None = None) -> pd.DataFrame:
    """``mentions.csv``: every quantity of every release, with its span, typed."""
    return typed(read_text_table(processed_folder(processed_dir) / "mentions.csv"), "mentions")


def load_indicators(processed_dir: Path | None = None, valid_only: bool = True) -> pd.DataFrame:
    """The mentions mapped to an indicator: ``indicators_valid.csv`` (rows that passed
    validation) by default, ``indicators.csv`` (all of them) with ``valid_only=False``."""
    table = TABLES["indicators_valid" if valid_only else "indicators"]
    return typed(
        read_text_table(processed_folder(processed_dir) / Path(table.file).name), table.name
    )


def load_manifest(root: Path | None = None) -> pd.DataFrame:
    """The release manifest ``data/raw/releases.csv`` of the project at ``root``, read (and
    validated) by its one reader, typed."""
    return typed(read_manifest(_paths(root).manifest), "manifest")


def load_reference(root: Path | None = None) -> pd.DataFrame:
    """The reference table (population, land area) of the project at ``root``."""
    return _reference.load_reference(_paths(root).population)
