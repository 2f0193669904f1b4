"""The validation report (``reports/validation.html``) and the tables notebook 03 shows.

Written for a co-author who never opens Python: what was checked, every row that failed and
why in plain words, with its source sentence and release, and the figures on which sources
disagree. One self-contained file: inline CSS, no scripts, nothing from the network. Every text
that comes from a release is HTML-escaped, so markup inside a release shows as text.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from html import escape
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer
from pingan_analysis.datasets import processed_folder, read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.validate.run import (
    FAILURES_FILE, SUMMARY_FILE, TABLE_ORDER, VALID_INDICATORS_FILE, WARNING_CHECKS,
    ValidationResult, describe, validate_tables,
)

REPORT_FILE = "validation.html"
CONFLICT_COLUMNS: tuple[str, ...] = (
    "city_zh", "indicator", "kind", "period_start", "period_end", "value", "lower", "upper",
    "release_ids", "sources",
)
STYLE = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { margin-bottom: .2em; } p.what { margin-top: 0; color: #555; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; white-space: nowrap; }
mark { background: #ffe08a; } .none { color: #666; font-style: italic; }
"""


# --- tables (shared with notebooks/03_validation.ipynb) ------------------------------------------

def load_summary(processed_dir: str | Path | None = None) -> dict:
    """``validation_summary.json`` of ``processed_dir``."""
    return json.loads(_required(processed_folder(processed_dir) / SUMMARY_FILE).read_text(encoding="utf-8"))


def load_failures(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """``validation_failures.csv``, with each check's description in plain words."""
    failures = read_text_table(_required(processed_folder(processed_dir) / FAILURES_FILE))
    return failures.assign(description=failures["check"].map(describe))


def check_counts(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Per table: rows checked and failed, and how many failures (or warnings) each check found."""
    rows = []
    tables = load_summary(processed_dir)["tables"]
    for table, counts in ((name, tables[name]) for name in TABLE_ORDER):
        found = [(check, n, "warning") for check, n in counts["warnings"].items()]
        found += [(check, n, "failure") for check, n in counts["failures"].items()]
        rows += [(table, counts["rows_checked"], counts["rows_failed"], *item) for item in found]
        if not found:
            rows.append((table, counts["rows_checked"], 0, "", 0, ""))
    return pd.DataFrame(rows, columns=["table", "rows_checked", "rows_failed", "check", "count",
                                       "severity"])


def quarantined(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The indicator rows left out of ``indicators_valid.csv``: release, row, the checks they
    failed (with the failing values) and their source sentence."""
    failures = load_failures(processed_dir)
    chosen = failures[(failures["table"] == "indicators") & ~failures["check"].isin(WARNING_CHECKS)]
    described = chosen.assign(failed=chosen["check"] + " (" + chosen["column"] + " = "
                              + chosen["value"] + ")")
    grouped = described.groupby(["release_id", "row"], sort=False).agg(
        failed=("failed", "; ".join), sentence=("sentence", "first")).reset_index()
    return grouped.assign(row=grouped["row"].astype(int)).sort_values("row", kind="stable") \
        .reset_index(drop=True)


def conflicts(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Panel rows whose sources disagree (``conflict`` true), each with what every source says.

    Empty when ``panel.csv`` does not exist yet (validation runs before the panel is built).
    """
    folder = processed_folder(processed_dir)
    if not (folder / "panel.csv").is_file():
        return pd.DataFrame(columns=list(CONFLICT_COLUMNS))
    panel = read_text_table(folder / "panel.csv")
    disputed = panel[panel["conflict"].str.lower() == "true"]
    sources = read_text_table(_required(folder / VALID_INDICATORS_FILE))
    return disputed.assign(sources=[_sources_of(row, sources) for row in disputed.itertuples()]) \
        [list(CONFLICT_COLUMNS)].reset_index(drop=True)


def _sources_of(row: Any, indicators: pd.DataFrame) -> str:
    """What each release merged into a panel row (an ``itertuples`` row) states:
    `release: text — sentence`, one line each."""
    kinds = {row.kind, "change_multiple"} if row.kind == "change_pct" else {row.kind}
    match = indicators[(indicators["city_zh"] == row.city_zh)
                       & (indicators["indicator"] == row.indicator)
                       & indicators["kind"].isin(kinds)
                       & (indicators["period_start"] == row.period_start)
                       & (indicators["period_end"] == row.period_end)
                       & indicators["release_id"].isin(row.release_ids.split(";"))]
    return "\n".join(f"{m.release_id}: {m.text} — {m.sentence}" for m in match.itertuples())


def _required(path: Path) -> Path:
    if not path.is_file():
        raise DataError(f"no {path.name}: the tables have not been validated", where=str(path),
                        fix="run `pingan validate` (or `pingan run`) first")
    return path


# --- the HTML report -----------------------------------------------------------------------------

def write_validation_report(paths: ProjectPaths, processed_dir: Path, reports_dir: Path) -> Path:
    """Write ``reports_dir/validation.html`` from the validation outputs of ``processed_dir``."""
    page = _page(load_summary(processed_dir), load_failures(processed_dir),
                 conflicts(processed_dir), paths.root.name)
    target = reports_dir / REPORT_FILE
    with atomic_text_writer(target) as handle:
        handle.write(page)
    return target


def _page(summary: dict, failures: pd.DataFrame, disputed: pd.DataFrame, project: str) -> str:
    failing = failures[~failures["check"].isin(WARNING_CHECKS)]
    warnings = failures[failures["check"].isin(WARNING_CHECKS)]
    body = [
        f"<h1>Validation of the {escape(project)} tables</h1>",
        _summary_section(summary),
        "<h2>Failures, by check</h2>",
        "<p class='what'>Each failing row of the mentions and indicators tables; an indicator row "
        "that fails any check is quarantined (left out of the panel).</p>",
        _grouped(failing) or "<p class='none'>No row failed a check.</p>",
        "<h2>Warnings</h2>",
        "<p class='what'>Listed for attention; nothing is quarantined for them.</p>",
        _grouped(warnings) or "<p class='none'>No warnings.</p>",
        "<h2>Conflicts between sources</h2>",
        _conflicts_section(disputed),
    ]
    return ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            f"<title>Validation: {escape(project)}</title>\n<style>{STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _summary_section(summary: dict) -> str:
    tables = summary["tables"]
    rows = [[name, tables[name]["rows_checked"], tables[name]["rows_failed"],
             sum(tables[name]["failures"].values()), sum(tables[name]["warnings"].values())]
            for name in TABLE_ORDER]
    facts = (f"<p>{summary['rows_checked']} rows checked; <strong>{summary['rows_quarantined']} "
             f"indicator rows quarantined</strong>; {summary['targets_kept']} targets (plans, goals) "
             f"kept and marked; {summary['warnings']} warnings.</p>")
    return "<h2>Summary</h2>\n" + facts + _table(
        ["table", "rows checked", "rows failing", "failures", "warnings"], rows)


def _grouped(failures: pd.DataFrame) -> str:
    """One section per check: what it asks, then every row that failed it."""
    sections = []
    for check, rows in sorted(failures.groupby("check"), key=lambda item: (-len(item[1]), item[0])):
        ordered = rows.assign(_t=rows["table"].map(TABLE_ORDER.index), _r=rows["row"].astype(int)) \
            .sort_values(["_t", "_r"])
        cells = [[r.table, r.release_id, r.row, r.column, r.value, _marked(r.sentence, r.value)]
                 for r in ordered.itertuples()]
        sections.append(
            f"<h3>{escape(check)} ({len(rows)})</h3>\n<p class='what'>{escape(describe(check))}</p>\n"
            + _table(["table", "release", "row", "column", "value", "source sentence"], cells,
                     raw_columns=frozenset({5})))
    return "\n".join(sections)


def _conflicts_section(disputed: pd.DataFrame) -> str:
    if disputed.empty:
        return "<p class='none'>No conflicts (or the panel has not been built yet).</p>"
    cells = [[r.city_zh, r.indicator, r.kind, f"{r.period_start} – {r.period_end}",
              f"{r.value} [{r.lower}, {r.upper}]", _lines(r.sources)] for r in disputed.itertuples()]
    return ("<p class='what'>The sources' intervals do not overlap: no single figure fits them all."
            "</p>\n" + _table(["city", "indicator", "kind", "period", "panel value [interval]",
                               "what each source says"], cells, raw_columns=frozenset({5})))


def _marked(sentence: str, value: str) -> str:
    """The sentence, escaped, with the first occurrence of the failing value highlighted."""
    at = sentence.find(value) if value else -1
    if at < 0:
        return escape(sentence)
    return (escape(sentence[:at]) + "<mark>" + escape(value) + "</mark>"
            + escape(sentence[at + len(value):]))


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _table(header: list[str], rows: list[list], raw_columns: frozenset[int] = frozenset()) -> str:
    """An HTML table; every cell escaped except those of ``raw_columns`` (escaped by the caller)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(_cell(value, index in raw_columns) for index, value in enumerate(row))
        + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def _cell(value: object, raw: bool) -> str:
    if isinstance(value, int):
        return f"<td class='num'>{value}</td>"
    return f"<td>{value if raw else escape(str(value))}</td>"


def validate_project(paths: ProjectPaths) -> ValidationResult:
    """`pingan validate`: validate the project's processed tables and write the report.

    It writes only ``reports/validation.html``: the failures, summary and valid indicators
    are computed in a scratch folder under ``.pingan/`` and deleted after, so
    ``data/processed/`` stays exactly as the last run left it (only a run changes it, and
    the panel always matches the tables it was built from). The caller holds the project lock.
    """
    paths.state_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="validate-", dir=paths.state_dir) as scratch:
        work = Path(scratch)
        for name in ("mentions.csv", "indicators.csv", "panel.csv"):
            if (paths.processed_dir / name).is_file():
                shutil.copyfile(paths.processed_dir / name, work / name)
        result = validate_tables(paths, work)
        return replace(result, report=write_validation_report(paths, work, paths.reports_dir))

