"""Review sheets: a release's mentions as a spreadsheet a researcher fills in, loaded back as
corrections (``pingan review RELEASE_ID``, ``pingan corrections load SHEET``).

The sheet lists every mention of the release in the last build's ``mentions.csv``: quarantined
ones first (their indicator row failed validation; ``problem`` names the checks), then unmapped
ones (no indicator: the extractor leaves it empty where the cues do not decide between
indicators, so ambiguous mentions are among them), then the rest, each by position. It is a CSV that
opens cleanly in Excel: UTF-8 with BOM, CRLF line ends, formula-like cells neutralised. To correct a
mention, fill ``field`` (one of the corrections fields, or ``exclude``), ``new_value``, ``reason``,
``author`` and ``date`` (today's if left empty) on its row; a mention needing two fixes gets a copy
of its row per field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import excel_cell, plain_cell, write_bytes_atomic
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.corrections import (
    correction_problems,
    corrections_path,
    read_corrections,
)
from pingan_analysis.registry import CORRECTION_COLUMNS, CORRECTION_FIELDS

#: The mention fields the sheet shows for review: those a correction may set (``subject`` too,
#: the phrase the figure measures, which tells a reviewer why an indicator was or was not given),
#: less ``exclude`` (an action, not a field).
SHOWN_FIELDS: tuple[str, ...] = tuple(field for field in CORRECTION_FIELDS if field != "exclude")
FILL_COLUMNS: tuple[str, ...] = ("field", "new_value", "reason", "author", "date")
SHEET_COLUMNS: tuple[str, ...] = (
    "status",
    "problem",
    "release_id",
    "start",
    "end",
    "text",
    "context",
    *SHOWN_FIELDS,
    "corrected",
    *FILL_COLUMNS,
)
STATUS_ORDER: dict[str, int] = {"quarantined": 0, "unmapped": 1, "mapped": 2}
CONTEXT_CHARS = 30


def default_sheet(paths: ProjectPaths, release_id: str) -> Path:
    return paths.root / "reviews" / f"{release_id}.csv"


def write_review_sheet(paths: ProjectPaths, release_id: str, out: Path | None = None) -> Path:
    """Write the review sheet of ``release_id`` (default ``reviews/<release_id>.csv``)."""
    from pingan_analysis.corpus.ingest import decode_bytes
    from pingan_analysis.corpus.manifest import read_csv_text, read_manifest
    from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS, MENTIONS_TABLE_COLUMNS

    manifest = read_manifest(paths.manifest).set_index("release_id")
    if release_id not in manifest.index:
        close = [r for r in manifest.index if r.startswith(release_id.split("-")[0])][:5]
        raise DataError(
            f"no release {release_id!r} in the manifest",
            where=str(paths.manifest),
            fix="give a release id of data/raw/releases.csv"
            + (f", e.g. {', '.join(close)}" if close else ""),
        )
    processed = paths.processed_dir
    if not (processed / "mentions.csv").is_file():
        raise DataError(
            "no mentions table yet",
            where=str(processed / "mentions.csv"),
            fix="run `pingan run` first: the sheet lists the last build's mentions",
        )
    mentions = read_csv_text(
        processed / "mentions.csv", MENTIONS_TABLE_COLUMNS, what="mentions table"
    ).frame
    mentions = mentions[mentions["release_id"] == release_id]
    problems = _quarantine_problems(processed, release_id, INDICATORS_TABLE_COLUMNS)
    decoded = decode_bytes(
        (paths.releases_dir / manifest.at[release_id, "file"]).read_bytes(),
        manifest.at[release_id, "file"],
    )
    rows = []
    for record in mentions.to_dict("records"):
        span = (int(record["start"]), int(record["end"]))
        problem = problems.get(span, "")
        status = "quarantined" if problem else ("mapped" if record["indicator"] else "unmapped")
        context = decoded[max(0, span[0] - CONTEXT_CHARS) : span[1] + CONTEXT_CHARS]
        rows.append(
            {
                "status": status,
                "problem": problem,
                "release_id": release_id,
                "start": record["start"],
                "end": record["end"],
                "text": record["text"],
                "context": " ".join(context.split()),
                **{field: record[field] for field in SHOWN_FIELDS},
                "corrected": record["corrected"],
                **dict.fromkeys(FILL_COLUMNS, ""),
            }
        )
    rows.sort(key=lambda row: (STATUS_ORDER[row["status"]], int(row["start"])))
    target = out or default_sheet(paths, release_id)
    write_bytes_atomic(target, sheet_bytes(rows))
    return target


def _quarantine_problems(
    processed: Path, release_id: str, indicator_columns: tuple[str, ...]
) -> dict[tuple[int, int], str]:
    """(start, end) → the failed checks of the release's quarantined indicator rows."""
    from pingan_analysis.corpus.manifest import read_csv_text
    from pingan_analysis.registry import FAILURE_COLUMNS

    failures_path, indicators_path = (
        processed / "validation_failures.csv",
        processed / "indicators.csv",
    )
    if not failures_path.is_file() or not indicators_path.is_file():
        return {}
    failures = read_csv_text(failures_path, FAILURE_COLUMNS, what="failures table").frame
    failures = failures[
        (failures["table"] == "indicators") & (failures["release_id"] == release_id)
    ]
    if failures.empty:
        return {}
    indicators = read_csv_text(indicators_path, indicator_columns, what="indicators table").frame
    found: dict[tuple[int, int], list[str]] = {}
    for row, check, column in zip(
        failures["row"], failures["check"], failures["column"], strict=True
    ):
        record = indicators.iloc[int(row)]
        found.setdefault((int(record["start"]), int(record["end"])), []).append(
            f"{check} ({column})"
        )
    return {span: "; ".join(checks) for span, checks in found.items()}


def sheet_bytes(rows: list[dict[str, str]]) -> bytes:
    """The sheet for Excel: UTF-8 with BOM, CRLF, every cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SHEET_COLUMNS)
    writer.writerows([excel_cell(str(row[column])) for column in SHEET_COLUMNS] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def load_review_sheet(paths: ProjectPaths, sheet: Path, today: dt.date | None = None) -> list[dict]:
    """Add the filled rows of a review sheet to ``data/raw/corrections.csv``; return them.

    A row whose ``field`` is filled becomes a correction (``new_value`` its value; ``date``
    today's when empty); a correction of the same mention and field already in the file is
    replaced. Every filled row is validated first (sheet line, column, problem); on any problem
    nothing is written.
    """
    from pingan_analysis.corpus.codebook import load_codebook
    from pingan_analysis.corpus.manifest import read_csv_text

    table = read_csv_text(
        sheet,
        SHEET_COLUMNS,
        required=("release_id", "start", "end", "text", *FILL_COLUMNS),
        what="review sheet",
    )
    date = (today or dt.date.today()).isoformat()
    new, lines = [], []
    for line, record in zip(table.lines, table.frame.to_dict("records"), strict=True):
        record = {key: plain_cell(value.strip()) for key, value in record.items()}
        if not record["field"]:
            continue
        new.append(
            {
                "release_id": record["release_id"],
                "start": record["start"],
                "end": record["end"],
                "field": record["field"],
                "value": record["new_value"],
                "reason": record["reason"],
                "author": record["author"],
                "date": record["date"] or date,
                "text": record["text"],
            }
        )
        lines.append(line)
    if not new:
        raise DataError(
            "no row of the sheet is filled in",
            where=str(sheet),
            fix="fill field (" + ", ".join(CORRECTION_FIELDS) + "), new_value, "
            "reason and author on the rows to correct",
        )
    ids = [i.id for i in load_codebook(paths.codebook).indicators]
    frame = pd.DataFrame(new, columns=list(CORRECTION_COLUMNS), dtype=str)
    problems = correction_problems(frame, lines, ids)
    if problems:
        raise DataError(
            "the sheet's corrections are invalid; nothing was loaded:\n" + "\n".join(problems),
            where=str(sheet),
            fix="correct the cells named and load the sheet again",
        )
    target = corrections_path(paths.raw_dir)
    kept = [
        _as_row(c)
        for c in _existing(target, ids)
        if (c["release_id"], c["start"], c["end"], c["field"])
        not in {(n["release_id"], n["start"], n["end"], n["field"]) for n in new}
    ]
    write_bytes_atomic(target, _corrections_bytes([*kept, *new]))
    read_corrections(target, ids)  # the file as written is valid
    return new


def _existing(path: Path, ids: list[str]) -> list[dict[str, str]]:
    from pingan_analysis.corpus.manifest import read_csv_text

    if not path.exists():
        return []
    read_corrections(path, ids)
    frame = read_csv_text(
        path, CORRECTION_COLUMNS, required=CORRECTION_COLUMNS[:-1], what="corrections file"
    ).frame
    return frame.reindex(columns=list(CORRECTION_COLUMNS), fill_value="").to_dict("records")


def _as_row(record: dict[str, str]) -> dict[str, str]:
    return {column: record.get(column, "") for column in CORRECTION_COLUMNS}


def _corrections_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CORRECTION_COLUMNS)
    writer.writerows([row[column] for column in CORRECTION_COLUMNS] for row in rows)
    return buffer.getvalue().encode("utf-8")
