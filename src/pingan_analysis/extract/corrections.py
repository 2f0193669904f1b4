"""A researcher's corrections (``data/raw/corrections.csv``), applied to every run's extraction.

Each row fixes one field of one mention, found by its release and character span: ``release_id,
start, end, field, value, reason, author, date`` (DESIGN.md), plus an optional ``text``: the
mention's characters when the correction was made, so that a release whose text changed is noticed
even where a mention still has the same offsets. ``field`` ``exclude`` drops a mention that is not
a quantity. The corpus step applies the corrections after extraction and before validation, marks
the mentions it changed ``corrected`` = true, and writes ``corrections_report.csv``: every
correction, applied or not, and for one that no longer matches a mention, what changed. Nothing is
dropped in silence: `pingan run` and `pingan validate` print the unmatched ones.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import CORRECTION_COLUMNS, CORRECTION_FIELDS, MENTION_COLUMNS

log = logging.getLogger(__name__)

CORRECTIONS_FILE = "corrections.csv"
REPORT_FILE = "corrections_report.csv"
NUMBER_FIELDS = ("value", "lower", "upper")


@dataclass(frozen=True)
class Correction:
    """One row of the corrections file, with the line it is on."""

    line: int
    release_id: str
    start: int
    end: int
    field: str
    value: str
    text: str

    def describe(self) -> str:
        change = "exclude" if self.field == "exclude" else f"{self.field} = {self.value!r}"
        return f"{self.release_id} {self.start}-{self.end}: {change}"


def corrections_path(raw_dir: Path) -> Path:
    return raw_dir / CORRECTIONS_FILE


def read_corrections(path: Path, indicator_ids: Iterable[str] = ()) -> list[Correction]:
    """The corrections of ``path`` (none if the file does not exist), validated with
    CorrectionsSchema and against the codebook's ids; DataError names every bad cell by line."""
    from pingan_analysis.corpus.manifest import read_csv_text

    if not path.exists():
        return []
    required = tuple(column for column in CORRECTION_COLUMNS if column != "text")
    table = read_csv_text(path, CORRECTION_COLUMNS, required=required, what="corrections file")
    frame = table.frame.reindex(columns=list(CORRECTION_COLUMNS), fill_value="")
    problems = correction_problems(frame, table.lines, indicator_ids)
    if problems:
        raise DataError(
            "the corrections file is invalid:\n" + "\n".join(problems),
            where=str(path),
            fix="correct the cells named (columns: "
            + ",".join(CORRECTION_COLUMNS)
            + '; see README, "Correcting a mention")',
        )
    return [
        Correction(
            line,
            r["release_id"],
            int(float(r["start"])),
            int(float(r["end"])),
            r["field"],
            r["value"],
            r["text"],
        )
        for line, r in zip(table.lines, frame.to_dict("records"), strict=True)
    ]


def correction_problems(
    frame: pd.DataFrame, lines: list[int], indicator_ids: Iterable[str] = ()
) -> list[str]:
    """``line N, column C: problem`` for every bad cell of corrections rows (text columns)."""
    from pingan_analysis.schemas import CorrectionsSchema, schema_failures

    typed = frame.assign(
        start=pd.to_numeric(frame["start"], errors="coerce").astype(float),
        end=pd.to_numeric(frame["end"], errors="coerce").astype(float),
    )
    problems = [
        f"  line {lines[f.row]}, column {f.column}: {f.describe()}"
        for f in schema_failures(CorrectionsSchema, typed)
    ]
    known = set(indicator_ids)
    for row, record in enumerate(frame.to_dict("records")):
        problem = _value_problem(record["field"], record["value"], known)
        if problem:
            problems.append(f"  line {lines[row]}, column value: {problem}")
    return problems


def _value_problem(field: str, value: str, indicator_ids: set[str]) -> str:
    """Why ``value`` cannot be the new ``field`` of a mention ("" if it can)."""
    from pingan_analysis.registry import DIRECTIONS, MENTION_KINDS, MODALITIES

    if field not in CORRECTION_FIELDS:
        return ""  # the schema reports the field
    if field == "exclude":
        return (
            "" if value == "" else f"{value!r}: an exclude correction has no value (leave it empty)"
        )
    if field in NUMBER_FIELDS:
        try:
            number = float(value)
        except ValueError:
            return f"{value!r} is not a number (write it in base units, e.g. 29000)"
        return (
            ""
            if number >= 0 or field != "value"
            else f"{value!r}: a figure is never negative (a decline is direction down)"
        )
    allowed = {"kind": MENTION_KINDS, "direction": DIRECTIONS, "modality": MODALITIES}.get(field)
    if allowed is not None and value not in allowed:
        return f"{value!r} is not one of {', '.join(a or '(empty)' for a in allowed)}"
    if field in ("period_start", "period_end") and value:
        try:
            if pd.Timestamp(value).strftime("%Y-%m-%d") != value:
                raise ValueError(value)
        except ValueError:
            return f"{value!r} is not a date written YYYY-MM-DD"
    if field == "indicator" and value and indicator_ids and value not in indicator_ids:
        return f"{value!r} is not an indicator id of the codebook"
    return ""


def by_release(corrections: list[Correction]) -> dict[str, list[Correction]]:
    grouped: dict[str, list[Correction]] = defaultdict(list)
    for correction in corrections:
        grouped[correction.release_id].append(correction)
    return dict(grouped)


def apply_to_release(
    rows: list[tuple], corrections: list[Correction]
) -> tuple[list[tuple], list[tuple]]:
    """The release's mention rows (:data:`MENTION_COLUMNS` tuples) with ``corrections`` applied,
    each with ``corrected`` appended; and a report row per correction (:data:`CORRECTION_REPORT_COLUMNS`
    but the release id, which the caller knows)."""
    index = {name: i for i, name in enumerate(MENTION_COLUMNS)}
    by_span = {(row[index["start"]], row[index["end"]]): i for i, row in enumerate(rows)}
    changed: dict[int, list] = {}
    excluded: set[int] = set()
    report = []
    for correction in corrections:
        at = by_span.get((correction.start, correction.end))
        status, detail = "applied", ""
        if at is None:
            status, detail = "unmatched", _nearest(rows, index, correction)
        elif correction.text and rows[at][index["text"]] != correction.text:
            status = "unmatched"
            detail = (
                f"the text at {correction.start}-{correction.end} is now "
                f"{rows[at][index['text']]!r}, was {correction.text!r}: the release changed"
            )
        elif correction.field != "exclude" and correction.field not in index:
            status, detail = (
                "unmatched",
                f"this version's mentions have no {correction.field} column",
            )
        elif correction.field == "exclude":
            excluded.add(at)
        else:
            row = changed.setdefault(at, list(rows[at]))
            row[index[correction.field]] = _typed(correction.field, correction.value)
        report.append(
            (
                correction.line,
                correction.start,
                correction.end,
                correction.field,
                correction.value,
                status,
                detail,
            )
        )
    out = []
    for i, original in enumerate(rows):
        if i in excluded:
            continue
        out.append((*changed[i], True) if i in changed else (*original, False))
    return out, report


def _typed(field: str, value: str):
    if field in NUMBER_FIELDS:
        return float(value) if value != "" else None
    return value


def _nearest(rows: list[tuple], index: dict[str, int], correction: Correction) -> str:
    """What is there now, for a correction whose span no longer holds a mention."""
    if not rows:
        return f"release {correction.release_id} has no mentions now"
    start, end, text = index["start"], index["end"], index["text"]
    near = min(rows, key=lambda row: abs(row[start] - correction.start))
    was = f" (was {correction.text!r})" if correction.text else ""
    return (
        f"no mention spans {correction.start}-{correction.end}{was}; the nearest now is "
        f"{near[start]}-{near[end]} {near[text]!r}: the span moved or the mention is gone"
    )


def unmatched_release_rows(corrections: list[Correction], release_ids: set[str]) -> list[tuple]:
    """Report rows for corrections of releases the manifest no longer has."""
    return [
        (
            c.line,
            c.release_id,
            c.start,
            c.end,
            c.field,
            c.value,
            "unmatched",
            f"release {c.release_id} is not in the manifest",
        )
        for c in corrections
        if c.release_id not in release_ids
    ]


def unmatched_messages(
    report_path: Path, corrections_file: str = "data/raw/" + CORRECTIONS_FILE
) -> list[str]:
    """One line per correction the last corpus build could not apply: file, line, what changed."""
    if not report_path.is_file():
        return []
    report = pd.read_csv(report_path, dtype=str, keep_default_na=False)
    rows = report[report["status"] != "applied"]
    return [
        f"{corrections_file}, line {r.line}: correction of {r.release_id} {r.start}-{r.end} "
        f"({r.field}) not applied: {r.detail}"
        for r in rows.itertuples()
    ]


def warn_unmatched(report_rows: list[tuple], corrections_file: str) -> None:
    for line, release_id, start, end, field, _, status, detail in report_rows:
        if status != "applied":
            log.warning(
                "%s, line %s: correction of %s %s-%s (%s) not applied: %s",
                corrections_file,
                line,
                release_id,
                start,
                end,
                field,
                detail,
            )
