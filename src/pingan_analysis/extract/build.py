"""The corpus step: every release of the manifest ingested and extracted into tables.

Writes, into one output folder, ``mentions.csv`` (every quantity), ``indicators.csv`` (the
mentions mapped to a codebook indicator, with their release's city and source sentence),
``corpus.csv`` (one row per release: sizes and what ingestion dropped) and
``dropped_blocks.csv`` (every dropped block with its reason), and ``corrections_report.csv``
(every correction of ``data/raw/corrections.csv``, applied after extraction, and whether it still
matched a mention; see :mod:`pingan_analysis.extract.corrections`). Releases are processed in
manifest order, one at a time or across processes, and rows are written in that order, so the
tables are byte-for-byte reproducible.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.extract.corrections import Correction
from pingan_analysis.registry import (
    CORPUS_COLUMNS,
    CORRECTION_REPORT_COLUMNS,
    DROPPED_COLUMNS,
    INDICATORS_TABLE_COLUMNS,
    MENTION_COLUMNS,
    MENTIONS_TABLE_COLUMNS,
    RELEASE_CITY_COLUMNS,
)

#: The longest ``sentence`` cell: a text without sentence punctuation (one 60 MB line) would
#: otherwise repeat its whole length in the row of every figure it holds.
MAX_SENTENCE_CHARS = 400
log = logging.getLogger(__name__)
MENTION_INDEX: dict[str, int] = {name: i for i, name in enumerate(MENTION_COLUMNS)}
#: Below this many releases, starting worker processes costs more than it saves.
MIN_RELEASES_PER_PROCESS_POOL = 16


@dataclass(frozen=True)
class ReleaseTables:
    """What one release contributes to each table."""

    mentions: list[tuple]
    indicators: list[tuple]
    corpus: tuple
    dropped: list[tuple]
    corrections: list[tuple]


def build_corpus_tables(paths: ProjectPaths, out_dir: Path, jobs: int | None = None) -> None:
    """Ingest and extract every release of the manifest; write the four tables into ``out_dir``."""
    from pingan_analysis.corpus.codebook import load_codebook
    from pingan_analysis.corpus.manifest import read_manifest
    from pingan_analysis.extract import corrections as fixes

    releases = read_manifest(paths.manifest).to_dict("records")
    for name in unlisted_release_files(paths, releases):
        log.warning(
            "data/raw/releases/%s is named by no row of data/raw/releases.csv, so its "
            "figures are in no table: add it back with `pingan add` (or restore its "
            "row), or delete the file",
            name,
        )
    corrections_file = fixes.corrections_path(paths.raw_dir)
    corrections = fixes.read_corrections(
        corrections_file, (i.id for i in load_codebook(paths.codebook).indicators)
    )
    tables = list(
        _release_tables(paths, releases, fixes.by_release(corrections), jobs or os.cpu_count() or 1)
    )
    report = sorted(
        [r for t in tables for r in t.corrections]
        + fixes.unmatched_release_rows(corrections, {r["release_id"] for r in releases})
    )
    fixes.warn_unmatched(
        report,
        str(corrections_file.relative_to(paths.root))
        if corrections_file.is_relative_to(paths.root)
        else str(corrections_file),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(
        out_dir / "mentions.csv", MENTIONS_TABLE_COLUMNS, (r for t in tables for r in t.mentions)
    )
    _write(
        out_dir / "indicators.csv",
        INDICATORS_TABLE_COLUMNS,
        (r for t in tables for r in t.indicators),
    )
    _write(out_dir / "corpus.csv", CORPUS_COLUMNS, (t.corpus for t in tables))
    _write(out_dir / "dropped_blocks.csv", DROPPED_COLUMNS, (r for t in tables for r in t.dropped))
    _write(out_dir / "corrections_report.csv", CORRECTION_REPORT_COLUMNS, report)


def unlisted_release_files(
    paths: ProjectPaths, releases: list[dict[str, str]] | None = None
) -> list[str]:
    """The files of ``data/raw/releases/`` that no manifest row names (a row deleted by hand),
    hidden files (an editor's lock file) apart."""
    if releases is None:
        from pingan_analysis.corpus.manifest import read_manifest

        releases = read_manifest(paths.manifest).to_dict("records")
    listed = {release["file"] for release in releases}
    return sorted(
        path.name
        for path in paths.releases_dir.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.name not in listed
    )


def _release_tables(
    paths: ProjectPaths,
    releases: list[dict[str, str]],
    corrections: dict[str, list[Correction]],
    jobs: int,
) -> Iterator[ReleaseTables]:
    work = [(paths, release, corrections.get(release["release_id"], [])) for release in releases]
    if jobs > 1 and len(releases) >= MIN_RELEASES_PER_PROCESS_POOL:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(_tables_of_release, *zip(*work, strict=True), chunksize=4)
    else:
        yield from (_tables_of_release(*args) for args in work)


def _tables_of_release(
    paths: ProjectPaths, release: dict[str, str], corrections: list[Correction]
) -> ReleaseTables:
    from pingan_analysis.corpus.codebook import load_codebook
    from pingan_analysis.corpus.ingest import ingest_file
    from pingan_analysis.extract.corrections import apply_to_release
    from pingan_analysis.extract.document import ReleaseContext, extract_document

    codebook = load_codebook(paths.codebook)
    document = ingest_file(paths.releases_dir / release["file"])
    context = ReleaseContext.from_manifest_row(release)
    release_id = release["release_id"]
    city = tuple(release[field] for field in RELEASE_CITY_COLUMNS)
    found = list(extract_document(document, context, codebook))
    sentences = {(mention.start, mention.end): sentence for mention, sentence in found}
    rows, report = apply_to_release([mention.as_row() for mention, _ in found], corrections)
    mentions, indicators = [], []
    indicator_at = MENTION_INDEX["indicator"]
    for *fields, corrected in rows:
        mentions.append((release_id, *fields, corrected))
        if fields[indicator_at]:
            domain = codebook.domain_of(fields[indicator_at])
            sentence = sentences[(fields[MENTION_INDEX["start"]], fields[MENTION_INDEX["end"]])]
            text = fields[MENTION_INDEX["text"]]
            indicators.append(
                (release_id, *fields, domain, *city, bounded_sentence(sentence, text), corrected)
            )
    stats = document.stats()
    corpus_row = (
        release_id,
        release["file"],
        release["city_zh"],
        release["city_en"],
        release["published"],
        release["kind"],
        stats["chars"],
        stats["kept_chars"],
        stats["repeat_chars"],
        stats["boilerplate_chars"],
        stats["paragraphs"],
        stats["dropped_blocks"],
        len(mentions),
        len(indicators),
    )
    dropped = [
        (
            release_id,
            *document.span_to_original(block.start, block.end),
            block.reason,
            block.preview,
        )
        for block in document.dropped
    ]
    report = [(line, release_id, *rest) for line, *rest in report]
    return ReleaseTables(mentions, indicators, corpus_row, dropped, report)


def _write(path: Path, header: tuple[str, ...], rows) -> None:
    with atomic_text_writer(path) as handle:
        write_csv_rows(handle, header, rows)


def bounded_sentence(sentence: str, text: str) -> str:
    """The sentence, or for one over :data:`MAX_SENTENCE_CHARS` a window of that size around
    the first occurrence of the mention's ``text``, each cut side marked with ``…``."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    at = max(sentence.find(text), 0)
    start = max(
        0, min(at - (MAX_SENTENCE_CHARS - len(text)) // 2, len(sentence) - MAX_SENTENCE_CHARS)
    )
    end = start + MAX_SENTENCE_CHARS
    return ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")
