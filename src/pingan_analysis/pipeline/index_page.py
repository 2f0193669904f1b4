"""What a run says about itself: provenance footers, ``reports/index.html``, ``reports/run.json``.

Stdlib only (the index is plain HTML with inline styles and no scripts).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.pipeline.digests import CODE_LABELS, short
from pingan_analysis.pipeline.provenance import DISTRIBUTION

@dataclass(frozen=True)
class IndexEntry:
    """One report as the index lists it."""

    title: str
    href: str
    status: str
    finished: str
    seconds: float


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def release_count(manifest: Path) -> int:
    from pingan_analysis.csvio import read_csv_file

    text, _ = read_csv_file(manifest, "manifest")
    return sum(1 for _ in csv.DictReader(io.StringIO(text, newline="")))


def run_provenance(paths: ProjectPaths, commit: str | None, version: str | None) -> dict[str, str]:
    """What every report of this run says about where it came from."""
    return {
        "package": f"{DISTRIBUTION} {version or 'unknown version'}",
        "git commit": commit[:12] if commit else "not a git checkout",
        "releases": str(release_count(paths.manifest)),
        "run": now(),
    }


def footer_items(provenance: Mapping[str, str], key: Mapping[str, str]) -> dict[str, str]:
    """The run's provenance plus this report's inputs, as short hashes.

    The code's entries are left out: the package version and git commit stand for them.
    """
    inputs = ", ".join(f"{label} {short(digest)}" for label, digest in sorted(key.items())
                       if label not in CODE_LABELS)
    return {**provenance, "inputs": inputs or "none"}


def write_run_json(reports_dir: Path, record: Mapping[str, object]) -> Path:
    target = reports_dir / "run.json"
    target.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                      encoding="utf-8")
    return target


def write_index(reports_dir: Path, entries: list[IndexEntry], provenance: Mapping[str, str],
                summary_file: Path) -> Path:
    """``reports/index.html``: every report with its status, and the validation summary."""
    rows = "\n".join(
        f'<tr><td><a href="{escape(e.href)}">{escape(e.title)}</a></td>'
        f'<td class="{escape(e.status)}">{escape(e.status)}</td><td>{escape(e.finished)}</td>'
        f'<td class="num">{e.seconds:.1f} s</td></tr>' for e in entries)
    about = " · ".join(f"{escape(k)}: {escape(v)}" for k, v in provenance.items())
    page = _INDEX.format(rows=rows, about=about, summary=_summary_html(summary_file))
    target = reports_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _summary_html(summary_file: Path) -> str:
    """The validation summary in words and one table, for a reader who never opens Python."""
    try:
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"<p>No validation summary: {escape(summary_file.name)} was not written.</p>"
    tables = summary.get("tables", {})
    conflicts = _panel_conflicts(summary_file.parent / "panel.csv")
    sentence = (f"{summary.get('rows_checked', 0):,} rows checked in {len(tables)} tables; "
                f"{summary.get('rows_quarantined', 0):,} quarantined (kept in "
                f"validation_failures.csv, left out of the panel); "
                f"{summary.get('targets_kept', 0):,} targets kept and marked; "
                f"{summary.get('warnings', 0):,} warnings; "
                f"{conflicts:,} panel values whose sources conflict.")
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td class=\"num\">{counts.get('rows_checked', '')}</td>"
        f"<td class=\"num\">{counts.get('rows_failed', '')}</td>"
        f"<td>{escape(_check_counts(counts.get('failures', {})))}</td></tr>"
        for name, counts in sorted(tables.items()))
    return (f"<p>{escape(sentence)}</p><table><thead><tr><th>Table</th><th>Rows checked</th>"
            f"<th>Rows failed</th><th>Failed checks</th></tr></thead><tbody>{rows}</tbody></table>")


def _check_counts(failures: Mapping[str, int]) -> str:
    return ", ".join(f"{check} × {count}" for check, count in sorted(failures.items())) or "none"


def _panel_conflicts(panel_csv: Path) -> int:
    """Panel rows marked ``conflict`` (read with the csv module: the index imports nothing heavy)."""
    if not panel_csv.is_file():
        return 0
    with panel_csv.open(encoding="utf-8", newline="") as handle:
        return sum(row.get("conflict") == "true" for row in csv.DictReader(handle))


_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pingan-analysis reports</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: .5em 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .25em .75em; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; }}
td.ran {{ color: #0a6e31; }}
td.unchanged {{ color: #555; }}
footer {{ margin-top: 2em; color: #555; font-size: 12px; }}
</style>
</head>
<body>
<h1>pingan-analysis reports</h1>
<table id="reports">
<thead><tr><th>Report</th><th>Status</th><th>Last run</th><th>Took</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<h2>Validation</h2>
<p><a href="validation.html">The validation report</a> lists every row that failed a check.</p>
{summary}
<footer>{about} · <a href="run.json">run.json</a></footer>
</body>
</html>
"""
