"""The validation report (``reports/validation.html``) and the tables notebook 03 shows.

Written for a co-author who never opens Python: what was checked, every row that failed and
why in plain words, with its source sentence and a link to its characters in the release's
reader page, and the figures on which sources disagree. One self-contained file from the
package's templates (the shared stylesheet inlined, no scripts, nothing from the network);
autoescape, so markup inside a release shows as text.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer
from pingan_analysis.datasets import processed_folder, read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.links import mention_href
from pingan_analysis.templates import interval, render, signed
from pingan_analysis.validate.run import (
    FAILURES_FILE,
    SUMMARY_FILE,
    TABLE_ORDER,
    VALID_INDICATORS_FILE,
    WARNING_CHECKS,
    ValidationResult,
    describe,
    validate_tables,
)

REPORT_FILE = "validation.html"
CONFLICT_COLUMNS: tuple[str, ...] = (
    "city_zh",
    "indicator",
    "kind",
    "period_start",
    "period_end",
    "value",
    "lower",
    "upper",
    "release_ids",
    "sources",
)


# --- tables (shared with notebooks/03_validation.ipynb) ------------------------------------------


def load_summary(processed_dir: str | Path | None = None) -> dict:
    """``validation_summary.json`` of ``processed_dir``."""
    return json.loads(
        _required(processed_folder(processed_dir) / SUMMARY_FILE).read_text(encoding="utf-8")
    )


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
    return pd.DataFrame(
        rows, columns=["table", "rows_checked", "rows_failed", "check", "count", "severity"]
    )


def quarantined(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The indicator rows left out of ``indicators_valid.csv``: release, row, the checks they
    failed (with the failing values) and their source sentence."""
    failures = load_failures(processed_dir)
    chosen = failures[(failures["table"] == "indicators") & ~failures["check"].isin(WARNING_CHECKS)]
    described = chosen.assign(
        failed=chosen["check"] + " (" + chosen["column"] + " = " + chosen["value"] + ")"
    )
    grouped = (
        described.groupby(["release_id", "row"], sort=False)
        .agg(failed=("failed", "; ".join), sentence=("sentence", "first"))
        .reset_index()
    )
    return (
        grouped.assign(row=grouped["row"].astype(int))
        .sort_values("row", kind="stable")
        .reset_index(drop=True)
    )


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
    return disputed.assign(sources=[_sources_of(row, sources) for row in disputed.itertuples()])[
        list(CONFLICT_COLUMNS)
    ].reset_index(drop=True)


def _sources_of(row: Any, indicators: pd.DataFrame) -> str:
    """What each release merged into a panel row (an ``itertuples`` row) states:
    `release: text — sentence`, one line each."""
    return "\n".join(
        f"{m.release_id}: {m.text} — {m.sentence}"
        for m in _source_rows(row, indicators).itertuples()
    )


def _source_rows(row: Any, indicators: pd.DataFrame) -> pd.DataFrame:
    """The valid indicator rows merged into a panel row (an ``itertuples`` row)."""
    kinds = {row.kind, "change_multiple"} if row.kind == "change_pct" else {row.kind}
    match = indicators[
        (indicators["city_zh"] == row.city_zh)
        & (indicators["indicator"] == row.indicator)
        & indicators["kind"].isin(kinds)
        & (indicators["period_start"] == row.period_start)
        & (indicators["period_end"] == row.period_end)
        & indicators["release_id"].isin(row.release_ids.split(";"))
    ]
    return match


def _required(path: Path) -> Path:
    if not path.is_file():
        raise DataError(
            f"no {path.name}: the tables have not been validated",
            where=str(path),
            fix="run `pingan validate` (or `pingan run`) first",
        )
    return path


# --- the HTML report -----------------------------------------------------------------------------


def write_validation_report(paths: ProjectPaths, processed_dir: Path, reports_dir: Path) -> Path:
    """Write ``reports_dir/validation.html`` from the validation outputs of ``processed_dir``."""
    spans = _failure_spans(processed_dir)
    failures = load_failures(processed_dir)
    page = render(
        "validation.html.j2",
        title=f"Validation: {paths.root.name}",
        root="",
        project=paths.root.name,
        summary=load_summary(processed_dir),
        conflicts=_conflict_count(processed_dir),
        failing=_grouped(failures[~failures["check"].isin(WARNING_CHECKS)], spans),
        warnings=_grouped(failures[failures["check"].isin(WARNING_CHECKS)], spans),
        disputed=_disputed(processed_dir),
    )
    target = reports_dir / REPORT_FILE
    with atomic_text_writer(target) as handle:
        handle.write(page)
    return target


def _failure_spans(processed_dir: Path) -> dict[tuple[str, int], tuple[str, int, int]]:
    """(table, row) → (release_id, start, end) of the mentions and indicators rows: the
    failures name a row by its position in its table, the reader pages anchor it by its span."""
    spans = {}
    for table, file in (("mentions", "mentions.csv"), ("indicators", "indicators.csv")):
        path = processed_dir / file
        if path.is_file():
            rows = read_text_table(path)[["release_id", "start", "end"]]
            spans.update(
                {
                    (table, row): (r.release_id, int(r.start), int(r.end))
                    for row, r in enumerate(rows.itertuples(index=False))
                }
            )
    return spans


def _grouped(
    failures: pd.DataFrame, spans: dict[tuple[str, int], tuple[str, int, int]]
) -> list[dict]:
    """One entry per check, the most frequent first: what it asks, then every row that failed
    it, each with the link to its characters and its sentence split around the failing value."""
    checks = []
    for check, rows in sorted(failures.groupby("check"), key=lambda item: (-len(item[1]), item[0])):
        ordered = rows.assign(
            table_order=rows["table"].map(TABLE_ORDER.index), row_number=rows["row"].astype(int)
        ).sort_values(["table_order", "row_number"])
        checks.append(
            {
                "name": check,
                "description": describe(check),
                "rows": [
                    {
                        "table": r.table,
                        "release_id": r.release_id,
                        "row": r.row_number,
                        "column": r.column,
                        "value": r.value,
                        "href": _href(spans.get((r.table, r.row_number))),
                        **_marked(r.sentence, r.value),
                    }
                    for r in ordered.itertuples()
                ],
            }
        )
    return checks


def _href(span: tuple[str, int, int] | None) -> str:
    return mention_href(*span, from_dir="") if span else ""


def _conflict_count(processed_dir: Path) -> int | None:
    """Panel rows whose sources conflict; None before the panel is built."""
    panel = processed_dir / "panel.csv"
    if not panel.is_file():
        return None
    return int((read_text_table(panel)["conflict"].str.lower() == "true").sum())


def _disputed(processed_dir: Path) -> list[dict]:
    """The conflicting panel rows, each with what every source states and a link to it."""
    folder = processed_folder(processed_dir)
    if not (folder / "panel.csv").is_file():
        return []
    panel = read_text_table(folder / "panel.csv")
    sources = read_text_table(_required(folder / VALID_INDICATORS_FILE))
    return [
        {
            "city": r.city_zh,
            "indicator": r.indicator,
            "kind": r.kind,
            "period": f"{r.period_start} – {r.period_end}",
            "value": f"{signed(r.value, r.kind, r.unit)}; sources allow {interval(r.lower, r.upper, r.unit)}",
            "sources": [
                {
                    "release_id": m.release_id,
                    "text": m.text,
                    "sentence": m.sentence,
                    "href": mention_href(m.release_id, int(m.start), int(m.end), from_dir=""),
                }
                for m in _source_rows(r, sources).itertuples()
            ],
        }
        for r in panel[panel["conflict"].str.lower() == "true"].itertuples()
    ]


def _marked(sentence: str, value: str) -> dict[str, str]:
    """The sentence split around the first occurrence of the failing value (escaped by the
    template), so the value can be highlighted."""
    at = sentence.find(value) if value else -1
    if at < 0:
        return {"before": sentence, "marked": "", "after": ""}
    return {"before": sentence[:at], "marked": value, "after": sentence[at + len(value) :]}


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
