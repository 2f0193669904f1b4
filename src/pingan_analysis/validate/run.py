"""`pingan validate`: every row of the processed tables checked; failing rows quarantined.

Two kinds of problem, treated differently:

- structural (the manifest or reference table invalid, a release text unreadable or changed,
  a table missing or with other columns): DataError, before anything is written;
- a row that fails a check: listed in ``validation_failures.csv`` (one row per failed check)
  and, for the indicators table, left out of ``indicators_valid.csv``. Nothing stops.

The checks are the schemas' (pandera, :mod:`pingan_analysis.schemas`) and the context checks
below, which need more than the row: the release text, the codebook, the reference table. A
warning (a city the reference table does not know) is listed but quarantines nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.codebook import Codebook, load_codebook
from pingan_analysis.corpus.ingest import decode_bytes
from pingan_analysis.corpus.manifest import read_manifest
from pingan_analysis.corpus.reference import load_reference
from pingan_analysis.csvio import atomic_text_writer, read_csv_text, write_csv_rows
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.units import unit_family
from pingan_analysis.registry import (
    FAILURE_COLUMNS,
    INDICATORS_TABLE_COLUMNS,
    MENTIONS_TABLE_COLUMNS,
    VALID_INDICATORS_COLUMNS,
)
from pingan_analysis.schemas import (
    MENTION_NUMBER_COLUMNS,
    IndicatorsSchema,
    MentionsSchema,
    SchemaFailure,
    describe_check,
    table_failures,
)

FAILURES_FILE = "validation_failures.csv"
SUMMARY_FILE = "validation_summary.json"
VALID_INDICATORS_FILE = "indicators_valid.csv"
#: The order tables appear in the failures file and the report.
TABLE_ORDER: tuple[str, ...] = ("manifest", "mentions", "indicators")
#: Checks that list a row without quarantining it.
WARNING_CHECKS: frozenset[str] = frozenset({"city_known_to_reference"})
#: The units changes and shares are stated in, whatever the indicator counts.
UNITS_OF_KIND: dict[str, frozenset[str]] = {
    "percent": frozenset({"%"}),
    "change_pct": frozenset({"%"}),
    "change_pp": frozenset({"个百分点", "百分点"}),
    "change_multiple": frozenset({"倍"}),
    "score": frozenset({"分"}),
    "change_score": frozenset({"分"}),
}
SENTENCE_ENDS = "。!?！？;；\n"


@dataclass(frozen=True)
class Context:
    """What the context checks compare rows with."""

    manifest: pd.DataFrame
    codebook: Codebook
    reference_cities: frozenset[str]
    texts: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class ContextCheck:
    """A check that needs more than the row; ``description`` is shown to readers, as a schema
    check's docstring is."""

    name: str
    column: str
    description: str
    passes: Callable[[pd.DataFrame, Context], pd.Series]


@dataclass(frozen=True)
class ValidationResult:
    """What `pingan validate` found: the summary written to ``validation_summary.json``."""

    processed_dir: Path
    summary: dict
    report: Path | None = None

    @property
    def rows_quarantined(self) -> int:
        return self.summary["rows_quarantined"]

    def __str__(self) -> str:
        tables = {name: self.summary["tables"][name] for name in TABLE_ORDER}
        checked = ", ".join(
            f"{table['rows_checked']} {name} rows" for name, table in tables.items()
        )
        lines = [
            f"validated {checked}",
            f"quarantined {self.rows_quarantined} indicator rows "
            f"(left out of {VALID_INDICATORS_FILE}); "
            f"{self.summary['targets_kept']} targets kept and marked",
        ]
        for name, table in tables.items():
            lines += [f"  {name}: {count} × {check}" for check, count in table["failures"].items()]
            lines += [
                f"  {name}: warning {count} × {check}" for check, count in table["warnings"].items()
            ]
        if (self.processed_dir / FAILURES_FILE).is_file():
            lines.append(f"failures: {self.processed_dir / FAILURES_FILE}")
        if self.report:
            lines.append(f"report: {self.report}")
        return "\n".join(lines)


# --- context checks ----------------------------------------------------------------------------


def _release_known(frame: pd.DataFrame, context: Context) -> pd.Series:
    files = dict(zip(context.manifest["release_id"], context.manifest["file"], strict=True))
    return pd.Series(
        [files.get(rid) == doc for rid, doc in zip(frame["release_id"], frame["doc"], strict=True)],
        index=frame.index,
        dtype=bool,
    )


def _offsets_in_release(frame: pd.DataFrame, context: Context) -> pd.Series:
    return pd.Series(
        [
            _span(context.texts.get(rid), start, end) is not None
            for rid, start, end in zip(
                frame["release_id"], frame["start"], frame["end"], strict=True
            )
        ],
        index=frame.index,
        dtype=bool,
    )


def _text_matches_release(frame: pd.DataFrame, context: Context) -> pd.Series:
    """True where the text equals the release's characters at the offsets (or the offsets are
    out of range, which offsets_in_release reports)."""
    passes = []
    for rid, start, end, text in zip(
        frame["release_id"], frame["start"], frame["end"], frame["text"], strict=True
    ):
        span = _span(context.texts.get(rid), start, end)
        passes.append(span is None or context.texts[rid][span[0] : span[1]] == text)
    return pd.Series(passes, index=frame.index, dtype=bool)


def _span(text: str | None, start: float, end: float) -> tuple[int, int] | None:
    """The offsets as ints when both are whole numbers within ``text``, else None."""
    if text is None or start != start or end != end or start % 1 or end % 1:
        return None
    return (int(start), int(end)) if 0 <= start < end <= len(text) else None


def _indicator_in_codebook(frame: pd.DataFrame, context: Context) -> pd.Series:
    return frame["indicator"].map(lambda indicator: indicator in context.codebook).astype(bool)


def _kind_fits_codebook(frame: pd.DataFrame, context: Context) -> pd.Series:
    return pd.Series(
        [
            ind not in context.codebook or kind in context.codebook[ind].kinds
            for ind, kind in zip(frame["indicator"], frame["kind"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )


def _unit_fits_codebook(frame: pd.DataFrame, context: Context) -> pd.Series:
    return pd.Series(
        [
            ind not in context.codebook or unit_fits(unit, kind, context.codebook[ind].unit)
            for ind, kind, unit in zip(
                frame["indicator"], frame["kind"], frame["unit"], strict=True
            )
        ],
        index=frame.index,
        dtype=bool,
    )


def unit_fits(unit: str, kind: str, codebook_unit: str) -> bool:
    """Whether a figure's unit fits its kind and its indicator's unit: % for shares and
    percentage changes, 个百分点 for point changes, 倍 for multiples, otherwise a measure word of
    the codebook unit's family (persons 人/名/位…; events 件/起/次…; money; measurements; things
    个/处/路/台/套…)."""
    if kind in UNITS_OF_KIND:
        return unit in UNITS_OF_KIND[kind]
    return unit == codebook_unit or unit_family(unit) == unit_family(codebook_unit)


def _release_fields_match_manifest(frame: pd.DataFrame, context: Context) -> pd.Series:
    columns = ["city_zh", "city_en", "province", "admin_level", "published"]
    manifest = context.manifest.set_index("release_id")[columns]
    expected = manifest.reindex(frame["release_id"]).set_axis(frame.index)
    return (expected.isna().any(axis=1)) | (frame[columns] == expected).all(axis=1)


def _city_known_to_reference(frame: pd.DataFrame, context: Context) -> pd.Series:
    return frame["city_zh"].isin(context.reference_cities).astype(bool)


MENTION_CHECKS: tuple[ContextCheck, ...] = (
    ContextCheck(
        "release_known",
        "release_id",
        "The release id names a release of the manifest, and doc is its file.",
        _release_known,
    ),
    ContextCheck(
        "offsets_in_release",
        "start",
        "The offsets are whole numbers inside the release text.",
        _offsets_in_release,
    ),
    ContextCheck(
        "text_matches_release",
        "text",
        "The text is exactly the release's characters at the offsets.",
        _text_matches_release,
    ),
)
INDICATOR_CHECKS: tuple[ContextCheck, ...] = (
    *MENTION_CHECKS,
    ContextCheck(
        "indicator_in_codebook",
        "indicator",
        "The indicator is an id of the codebook.",
        _indicator_in_codebook,
    ),
    ContextCheck(
        "kind_fits_codebook",
        "kind",
        "The figure's kind is one the codebook lists for its indicator.",
        _kind_fits_codebook,
    ),
    ContextCheck(
        "unit_fits_codebook",
        "unit",
        " ".join((unit_fits.__doc__ or "").split()),
        _unit_fits_codebook,
    ),
    ContextCheck(
        "release_fields_match_manifest",
        "city_zh",
        "City, province, level and publication date are those of the release's manifest row.",
        _release_fields_match_manifest,
    ),
)
MANIFEST_CHECKS: tuple[ContextCheck, ...] = (
    ContextCheck(
        "city_known_to_reference",
        "city_zh",
        "The city is in the reference table (population, area); a new city is listed as "
        "a warning until its reference rows are added.",
        _city_known_to_reference,
    ),
)
TABLE_CHECKS = {
    "mentions": (MentionsSchema, MENTION_CHECKS),
    "indicators": (IndicatorsSchema, INDICATOR_CHECKS),
}


def describe(check: str) -> str:
    """A check's description in plain words, for the report and the notebook."""
    for context_check in (*INDICATOR_CHECKS, *MANIFEST_CHECKS):
        if context_check.name == check:
            return context_check.description
    return describe_check(check)


# --- validation --------------------------------------------------------------------------------


def validate_tables(paths: ProjectPaths, processed_dir: Path) -> ValidationResult:
    """Validate the mentions and indicators tables of ``processed_dir`` against their schemas,
    the release texts, the codebook and the reference table; write the failures, the summary
    and the valid indicators there. Structural problems raise DataError first."""
    manifest = read_manifest(paths.manifest)
    tables = {
        name: _read_table(processed_dir, name, columns)
        for name, columns in (
            ("mentions", MENTIONS_TABLE_COLUMNS),
            ("indicators", INDICATORS_TABLE_COLUMNS),
        )
    }
    context = Context(
        manifest,
        load_codebook(paths.codebook),
        frozenset(load_reference(paths.population)["city_zh"]),
        _release_texts(paths, manifest),
    )
    failures = pd.concat(
        [
            _manifest_failures(manifest, context),
            *(_table_failures(name, table, context) for name, table in tables.items()),
        ],
        ignore_index=True,
    )
    failures = _ordered(failures)
    indicators = tables["indicators"]
    quarantined = _quarantined_rows(failures, "indicators")
    valid = indicators.drop(index=sorted(quarantined)).assign(
        is_target=lambda t: (t["modality"] == "target").map({True: "true", False: "false"})
    )
    summary = _summary(failures, {"manifest": manifest, **tables}, valid)
    _write_outputs(processed_dir, failures, valid, summary)
    return ValidationResult(processed_dir, summary)


def _read_table(processed_dir: Path, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = processed_dir / f"{name}.csv"
    if not path.is_file():
        raise DataError(
            f"no {name} table",
            where=str(path),
            fix="run `pingan run` first: it builds the processed tables",
        )
    return read_csv_text(path, columns, what=f"{name} table").frame[list(columns)]


def _release_texts(paths: ProjectPaths, manifest: pd.DataFrame) -> dict[str, str]:
    """Every release's decoded text; a file missing, refused or changed since it was added is
    structural (the raw corpus is never edited)."""
    texts = {}
    for release_id, file, sha256 in zip(
        manifest["release_id"], manifest["file"], manifest["sha256"], strict=True
    ):
        path = paths.releases_dir / file
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(
                f"the text of release {release_id} cannot be read ({error.strerror})",
                where=str(path),
                fix="restore data/raw/releases/ from git",
            ) from error
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DataError(
                f"the text of release {release_id} changed: its sha256 is not the manifest's",
                where=str(path),
                fix="restore the original file from git (raw texts are never edited); "
                "add a corrected text as a new release",
            )
        texts[release_id] = decode_bytes(data, str(path))
    return texts


def _manifest_failures(manifest: pd.DataFrame, context: Context) -> pd.DataFrame:
    failures = _context_failures(manifest, MANIFEST_CHECKS, context)
    return _failure_frame("manifest", manifest, failures, {})


def _table_failures(name: str, table: pd.DataFrame, context: Context) -> pd.DataFrame:
    schema, checks = TABLE_CHECKS[name]
    typed, failures = table_failures(schema, table, MENTION_NUMBER_COLUMNS)
    failures += _context_failures(typed, checks, context)
    rows = sorted({f.row for f in failures})
    if name == "indicators":
        sentences = {row: table.at[row, "sentence"] for row in rows}
    else:
        sentences = {row: _sentence_around(context.texts, typed.loc[row]) for row in rows}
    return _failure_frame(name, table, failures, sentences)


def _context_failures(
    frame: pd.DataFrame, checks: tuple[ContextCheck, ...], context: Context
) -> list[SchemaFailure]:
    failures = []
    for check in checks:
        failing = frame.index[~check.passes(frame, context)]
        failures += [
            SchemaFailure(int(row), check.column, check.name, str(frame.at[row, check.column]))
            for row in failing
        ]
    return failures


def _sentence_around(texts: dict[str, str], row: pd.Series) -> str:
    """The sentence of the release text that holds a mention (empty if the offsets are off)."""
    text = texts.get(row["release_id"])
    span = _span(text, row["start"], row["end"])
    if text is None or span is None:
        return ""
    start = max(text.rfind(end, 0, span[0]) for end in SENTENCE_ENDS) + 1
    ends = [found for end in SENTENCE_ENDS if (found := text.find(end, span[1])) >= 0]
    return text[start : min(ends) + 1 if ends else len(text)].strip()


def _failure_frame(
    name: str, table: pd.DataFrame, failures: list[SchemaFailure], sentences: dict[int, str]
) -> pd.DataFrame:
    rows = [
        (
            name,
            table.at[f.row, "release_id"],
            f.row,
            f.column,
            f.check,
            f.value,
            sentences.get(f.row, ""),
        )
        for f in failures
    ]
    return pd.DataFrame(rows, columns=list(FAILURE_COLUMNS), dtype=object)


def _ordered(failures: pd.DataFrame) -> pd.DataFrame:
    """Failures in a fixed order (table, row, column, check), so the file is byte-identical
    across runs."""
    order = failures["table"].map({name: i for i, name in enumerate(TABLE_ORDER)})
    return (
        failures.assign(_order=order)
        .sort_values(["_order", "row", "column", "check"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _quarantined_rows(failures: pd.DataFrame, table: str) -> set[int]:
    chosen = failures[(failures["table"] == table) & ~failures["check"].isin(WARNING_CHECKS)]
    return set(chosen["row"].astype(int))


def _summary(failures: pd.DataFrame, tables: dict[str, pd.DataFrame], valid: pd.DataFrame) -> dict:
    per_table = {}
    for name in TABLE_ORDER:
        rows = failures[failures["table"] == name]
        warnings = rows["check"].isin(WARNING_CHECKS)
        per_table[name] = {
            "rows_checked": len(tables[name]),
            "rows_failed": int(rows.loc[~warnings, "row"].nunique()),
            "failures": dict(sorted(Counter(rows.loc[~warnings, "check"]).items())),
            "warnings": dict(sorted(Counter(rows.loc[warnings, "check"]).items())),
        }
    return {
        "tables": per_table,
        "rows_checked": sum(len(table) for table in tables.values()),
        "rows_quarantined": len(tables["indicators"]) - len(valid),
        "targets_kept": int((valid["is_target"] == "true").sum()),
        "warnings": int(failures["check"].isin(WARNING_CHECKS).sum()),
    }


def _write_outputs(
    processed_dir: Path, failures: pd.DataFrame, valid: pd.DataFrame, summary: dict
) -> None:
    with atomic_text_writer(processed_dir / FAILURES_FILE) as handle:
        write_csv_rows(handle, FAILURE_COLUMNS, failures.itertuples(index=False))
    with atomic_text_writer(processed_dir / VALID_INDICATORS_FILE) as handle:
        write_csv_rows(
            handle,
            VALID_INDICATORS_COLUMNS,
            valid[list(VALID_INDICATORS_COLUMNS)].itertuples(index=False),
        )
    with atomic_text_writer(processed_dir / SUMMARY_FILE) as handle:
        handle.write(json.dumps(summary, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
