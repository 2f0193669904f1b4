"""The panel step: validated indicator rows → reconciled, derived, checked, written.

``build_panel`` reads ``indicators_valid.csv`` and the reference table, merges the sources
(:mod:`pingan_analysis.panel.reconcile`), adds the derived rows (:mod:`pingan_analysis.panel.derive`),
validates the result with :class:`pingan_analysis.schemas.PanelSchema`, and writes the panel
files, ``panel_sources.csv`` and ``datapackage.json`` (:mod:`pingan_analysis.panel.exports`).

No cell grows with the corpus: a value many mentions agree on (a long release of many short
figures, or years of releases) lists at most :data:`MAX_CELL_SOURCES` of them in its
``sources`` cell, then ``+N more (panel_sources.csv)``; ``panel_sources.csv`` holds every one,
a row per panel row and source mention, so each number still leads to all its characters.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.reference import load_reference
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.datasets import read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.panel.derive import derive, measure_of
from pingan_analysis.panel.exports import panel_text, write_panel_files
from pingan_analysis.panel.reconcile import reconcile
from pingan_analysis.registry import PANEL_COLUMNS, PANEL_SOURCES_COLUMNS, PANEL_TABLE_COLUMNS

PANEL_SORT: list[str] = ["city_zh", "indicator", "kind", "period_start", "period_end"]
PANEL_NUMBERS: tuple[str, ...] = ("value", "lower", "upper", "n_sources")
#: Failures quoted in the error of a panel that does not fit its schema.
FAILURES_SHOWN = 5
#: Source mentions a ``sources`` cell lists; panel_sources.csv has all of them.
MAX_CELL_SOURCES = 10
SOURCES_FILE = "panel_sources.csv"
PANEL_KEY_COLUMNS: list[str] = list(PANEL_SOURCES_COLUMNS[:5])


def build_panel(paths: ProjectPaths, processed_dir: Path) -> pd.DataFrame:
    """Build, check and write the panel of ``processed_dir``; return it."""
    indicators = read_text_table(processed_dir / "indicators_valid.csv")
    panel = assemble_panel(indicators, load_reference(paths.population))
    sources = source_rows(panel, indicators)
    panel = panel.assign(sources=panel["sources"].map(bounded_sources))
    check_panel(panel)
    with atomic_text_writer(processed_dir / SOURCES_FILE) as handle:
        write_csv_rows(handle, PANEL_SOURCES_COLUMNS, sources.itertuples(index=False))
    write_panel_files(panel, processed_dir, paths.codebook)
    return panel


def bounded_sources(cell: str) -> str:
    """A ``sources`` cell cut to its first :data:`MAX_CELL_SOURCES` spans, then ``+N more``."""
    spans = cell.split(";") if cell else []
    if len(spans) <= MAX_CELL_SOURCES:
        return cell
    return ";".join(
        [*spans[:MAX_CELL_SOURCES], f"+{len(spans) - MAX_CELL_SOURCES} more ({SOURCES_FILE})"]
    )


def source_rows(panel: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per panel row and source span of its full ``sources`` list, with the span's text
    (from the indicators it was merged from), in panel order: :data:`PANEL_SOURCES_COLUMNS`."""
    # (without the long ``sources`` cell itself, which explode would copy into every row)
    spans = (
        panel[PANEL_KEY_COLUMNS]
        .assign(span=[cell.split(";") if cell else [] for cell in panel["sources"]])
        .explode("span")
    )
    spans = spans[spans["span"].fillna("") != ""]
    if spans.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in PANEL_SOURCES_COLUMNS})
    release_offsets = spans["span"].str.rsplit(":", n=1, expand=True)
    offsets = release_offsets[1].str.split("-", n=1, expand=True)
    located = spans.assign(
        release_id=release_offsets[0],
        start=offsets[0].astype("int64"),
        end=offsets[1].astype("int64"),
    )
    texts = (
        indicators[["release_id", "start", "end", "text"]]
        .assign(
            start=pd.to_numeric(indicators["start"]).astype("int64"),
            end=pd.to_numeric(indicators["end"]).astype("int64"),
        )
        .drop_duplicates(["release_id", "start", "end"])
    )
    merged = located.merge(texts, on=["release_id", "start", "end"], how="left", sort=False)
    return merged.assign(text=merged["text"].fillna(""))[list(PANEL_SOURCES_COLUMNS)]


def assemble_panel(indicators: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Reported rows merged across sources, plus derived rows, in :data:`PANEL_TABLE_COLUMNS`."""
    reconciled = reconcile(indicators)
    reported = reconciled.assign(
        measure=reconciled["indicator"].map(measure_of).astype(str), note=""
    )
    derived = derive(reconciled, reference)
    frames = [frame for frame in (reported, derived) if not frame.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else reported
    return (
        _typed(rows[list(PANEL_TABLE_COLUMNS)])
        .sort_values(PANEL_SORT, kind="stable")
        .reset_index(drop=True)
    )


def _typed(rows: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in PANEL_TABLE_COLUMNS if c not in (*PANEL_NUMBERS, "conflict", "corrected")]
    return rows.assign(
        **{column: rows[column].fillna("").astype(str) for column in text},
        **{column: rows[column].astype(float) for column in ("value", "lower", "upper")},
        n_sources=rows["n_sources"].astype("int64"),
        conflict=rows["conflict"].astype(bool),
        corrected=rows["corrected"].astype(bool),
    )


def check_panel(panel: pd.DataFrame) -> None:
    """Validate the panel as its CSV will hold it against ``PanelSchema``; DataError if it fails."""
    from pingan_analysis.schemas import PanelSchema, schema_failures

    text = panel_text(panel[list(PANEL_COLUMNS)])
    as_read = text.assign(
        **{c: pd.to_numeric(text[c].where(text[c] != "")).astype(float) for c in PANEL_NUMBERS}
    )
    failures = schema_failures(PanelSchema, as_read)
    if failures:
        shown = "; ".join(
            f"row {f.row} ({panel.at[f.row, 'city_zh']} "
            f"{panel.at[f.row, 'indicator']}): {f.column} {f.describe()}"
            for f in failures[:FAILURES_SHOWN]
        )
        raise DataError(
            f"{len(failures)} panel cells fail the panel schema: {shown}",
            where="panel (before writing data/processed/panel.csv)",
            fix="see the rows' sources in indicators_valid.csv; the inputs passed "
            "validation, so this is a bug in reconcile/derive: report it",
        )
