"""The validation results for reading (notebook 03): the summary as a table rather than a printed
dict, checks in words, and every failing row linked to its characters in the reader page.

The tables come from :mod:`pingan_analysis.validate.report`; a failure names its table and data
row (0-based), which this module looks up in ``mentions.csv`` or ``indicators.csv`` for the
mention's offsets.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from pingan_analysis.analysis import formatting as fmt
from pingan_analysis.analysis import overview
from pingan_analysis.analysis.summaries import processed_table
from pingan_analysis.analysis.tables import link, marked
from pingan_analysis.datasets import load_panel, processed_folder
from pingan_analysis.links import mention_href
from pingan_analysis.validate import report

#: Validated tables whose rows are mentions, so a failing row has a span to link.
MENTION_TABLES: tuple[str, ...] = ("mentions", "indicators")
FAILURE_HTML_COLUMNS: tuple[str, ...] = ("Figure", "Sentence")
FAILURE_WIDTHS: dict[str, str] = {
    "Table": "8%",
    "Release": "12%",
    "Check": "12%",
    "What it asks": "22%",
    "Failing value": "9%",
    "Figure": "7%",
    "Sentence": "30%",
}


def summary_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """What validation checked and kept, one line each."""
    summary = report.load_summary(processed_dir)
    return pd.DataFrame(
        {
            "": [
                "Rows checked",
                "Rows quarantined (left out of the panel)",
                "Targets kept, marked",
                "Warnings (nothing quarantined)",
            ],
            "Count": [
                fmt.number(summary["rows_checked"]),
                fmt.number(summary["rows_quarantined"]),
                fmt.number(summary["targets_kept"]),
                fmt.number(summary["warnings"]),
            ],
        }
    )


def checks_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Per table: rows checked and failing, and each check that found something, in words."""
    counts = report.check_counts(processed_dir)
    return pd.DataFrame(
        {
            "Table": counts["table"],
            "Rows checked": counts["rows_checked"].map(fmt.number),
            "Rows failing": counts["rows_failed"].map(fmt.number),
            "Check": counts["check"].replace("", "none failed"),
            "What it asks": [report.describe(c) if c else "" for c in counts["check"]],
            "Found": [
                fmt.number(n) if c else ""
                for c, n in zip(counts["check"], counts["count"], strict=True)
            ],
            "Severity": counts["severity"],
        }
    )


def failures_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Every failure: table, release, check and value, the figure linked to its characters, and
    the sentence with the figure in bold."""
    failures = report.load_failures(processed_dir)
    spans = {
        name: processed_table(name, processed_dir)
        for name in MENTION_TABLES
        if name in set(failures["table"])
    }
    rows = []
    for failure in failures.itertuples(index=False):
        figure, sentence = _figure_cell(failure, spans), html.escape(str(failure.sentence))
        source = spans.get(failure.table)
        if source is not None:
            mention = source.iloc[int(failure.row)]
            sentence = marked(*fmt.excerpt(str(failure.sentence), str(mention["text"])))
        rows.append(
            {
                "Table": failure.table,
                "Release": failure.release_id,
                "Check": failure.check,
                "What it asks": failure.description,
                "Failing value": f"{failure.column} = {failure.value}",
                "Figure": figure,
                "Sentence": sentence,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Table",
            "Release",
            "Check",
            "What it asks",
            "Failing value",
            *FAILURE_HTML_COLUMNS,
        ],
    )


def _figure_cell(failure, spans: dict[str, pd.DataFrame]) -> str:
    source = spans.get(failure.table)
    if source is None:
        return html.escape(f"row {int(failure.row) + 1}")
    mention = source.iloc[int(failure.row)]
    start, end = int(mention["start"]), int(mention["end"])
    return link(
        str(mention["text"]),
        mention_href(failure.release_id, start, end),
        f"{failure.table}.csv row {int(failure.row) + 1}, characters {start}–{end}",
    )


def quarantined_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The failures of indicator rows that quarantine them (warnings left out)."""
    table = failures_table(processed_dir)
    return table[
        (table["Table"] == "indicators") & ~table["Check"].isin(report.WARNING_CHECKS)
    ].reset_index(drop=True)


def conflicts_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Panel rows whose sources disagree, signed and linked to each source mention (empty until
    the panel is built: validation runs before it)."""
    if not (processed_folder(processed_dir) / "panel.csv").is_file():
        return pd.DataFrame()
    return overview.conflicts_table(load_panel(processed_folder(processed_dir)))
