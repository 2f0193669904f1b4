"""The panel step: validated indicator rows → reconciled, derived, checked, written.

``build_panel`` reads ``indicators_valid.csv`` and the reference table, merges the sources
(:mod:`pingan_analysis.panel.reconcile`), adds the derived rows (:mod:`pingan_analysis.panel.derive`),
validates the result with :class:`pingan_analysis.schemas.PanelSchema`, and writes the panel
files and ``datapackage.json`` (:mod:`pingan_analysis.panel.exports`).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.datasets import read_text_table
from pingan_analysis.panel.derive import derive, measure_of
from pingan_analysis.exceptions import DataError
from pingan_analysis.panel.exports import panel_text, write_panel_files
from pingan_analysis.panel.reconcile import reconcile
from pingan_analysis.corpus.reference import load_reference
from pingan_analysis.registry import PANEL_COLUMNS, PANEL_TABLE_COLUMNS

PANEL_SORT: list[str] = ["city_zh", "indicator", "kind", "period_start", "period_end"]
PANEL_NUMBERS: tuple[str, ...] = ("value", "lower", "upper", "n_sources")
#: Failures quoted in the error of a panel that does not fit its schema.
FAILURES_SHOWN = 5


def build_panel(paths: ProjectPaths, processed_dir: Path) -> pd.DataFrame:
    """Build, check and write the panel of ``processed_dir``; return it."""
    indicators = read_text_table(processed_dir / "indicators_valid.csv")
    panel = assemble_panel(indicators, load_reference(paths.population))
    check_panel(panel)
    write_panel_files(panel, processed_dir, paths.codebook)
    return panel


def assemble_panel(indicators: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Reported rows merged across sources, plus derived rows, in :data:`PANEL_TABLE_COLUMNS`."""
    reconciled = reconcile(indicators)
    reported = reconciled.assign(measure=reconciled["indicator"].map(measure_of).astype(str),
                                 note="")
    derived = derive(reconciled, reference)
    frames = [frame for frame in (reported, derived) if not frame.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else reported
    return _typed(rows[list(PANEL_TABLE_COLUMNS)]).sort_values(
        PANEL_SORT, kind="stable").reset_index(drop=True)


def _typed(rows: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in PANEL_TABLE_COLUMNS if c not in (*PANEL_NUMBERS, "conflict", "corrected")]
    return rows.assign(
        **{column: rows[column].fillna("").astype(str) for column in text},
        **{column: rows[column].astype(float) for column in ("value", "lower", "upper")},
        n_sources=rows["n_sources"].astype("int64"), conflict=rows["conflict"].astype(bool),
        corrected=rows["corrected"].astype(bool),
    )


def check_panel(panel: pd.DataFrame) -> None:
    """Validate the panel as its CSV will hold it against ``PanelSchema``; DataError if it fails."""
    from pingan_analysis.schemas import PanelSchema, schema_failures

    text = panel_text(panel[list(PANEL_COLUMNS)])
    as_read = text.assign(**{c: pd.to_numeric(text[c].where(text[c] != "")).astype(float)
                             for c in PANEL_NUMBERS})
    failures = schema_failures(PanelSchema, as_read)
    if failures:
        shown = "; ".join(f"row {f.row} ({panel.at[f.row, 'city_zh']} "
                          f"{panel.at[f.row, 'indicator']}): {f.column} {f.describe()}"
                          for f in failures[:FAILURES_SHOWN])
        raise DataError(f"{len(failures)} panel cells fail the panel schema: {shown}",
                        where="panel (before writing data/processed/panel.csv)",
                        fix="see the rows' sources in indicators_valid.csv; the inputs passed "
                            "validation, so this is a bug in reconcile/derive: report it")
