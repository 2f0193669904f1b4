"""The corpus step: every release of the manifest ingested and extracted into tables.

Writes, into one output folder, ``mentions.csv`` (every quantity), ``indicators.csv`` (the
mentions mapped to a codebook indicator, with their release's city and source sentence),
``corpus.csv`` (one row per release: sizes and what ingestion dropped) and
``dropped_blocks.csv`` (every dropped block with its reason). Releases are processed in
manifest order, one at a time or across processes, and rows are written in that order, so the
tables are byte-for-byte reproducible.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS, MENTIONS_TABLE_COLUMNS

if TYPE_CHECKING:
    from pingan_analysis.pipeline.steps import Step, StepContext

CORPUS_COLUMNS: tuple[str, ...] = (
    "release_id", "file", "city_zh", "city_en", "published", "kind", "chars", "kept_chars",
    "repeat_chars", "boilerplate_chars", "paragraphs", "dropped_blocks", "mentions",
    "indicator_mentions",
)
DROPPED_COLUMNS: tuple[str, ...] = ("release_id", "start", "end", "reason", "preview")
RELEASE_FIELDS: tuple[str, ...] = ("city_zh", "city_en", "province", "admin_level", "published")
#: The longest ``sentence`` cell: a text without sentence punctuation (one 60 MB line) would
#: otherwise repeat its whole length in the row of every figure it holds.
MAX_SENTENCE_CHARS = 400
#: Below this many releases, starting worker processes costs more than it saves.
MIN_RELEASES_PER_PROCESS_POOL = 16


@dataclass(frozen=True)
class ReleaseTables:
    """What one release contributes to each table."""

    mentions: list[tuple]
    indicators: list[tuple]
    corpus: tuple
    dropped: list[tuple]


def build_corpus_tables(paths: ProjectPaths, out_dir: Path, jobs: int | None = None) -> None:
    """Ingest and extract every release of the manifest; write the four tables into ``out_dir``."""
    from pingan_analysis.corpus.manifest import read_manifest

    releases = read_manifest(paths.manifest).to_dict("records")
    tables = list(_release_tables(paths, releases, jobs or os.cpu_count() or 1))
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / "mentions.csv", MENTIONS_TABLE_COLUMNS, (r for t in tables for r in t.mentions))
    _write(out_dir / "indicators.csv", INDICATORS_TABLE_COLUMNS,
           (r for t in tables for r in t.indicators))
    _write(out_dir / "corpus.csv", CORPUS_COLUMNS, (t.corpus for t in tables))
    _write(out_dir / "dropped_blocks.csv", DROPPED_COLUMNS, (r for t in tables for r in t.dropped))


def _release_tables(paths: ProjectPaths, releases: list[dict[str, str]],
                    jobs: int) -> Iterator[ReleaseTables]:
    work = [(paths, release) for release in releases]
    if jobs > 1 and len(releases) >= MIN_RELEASES_PER_PROCESS_POOL:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(_tables_of_release, *zip(*work), chunksize=4)
    else:
        yield from (_tables_of_release(*args) for args in work)


def _tables_of_release(paths: ProjectPaths, release: dict[str, str]) -> ReleaseTables:
    from pingan_analysis.corpus.codebook import load_codebook
    from pingan_analysis.extract.document import ReleaseContext, extract_document
    from pingan_analysis.corpus.ingest import ingest_file

    codebook = load_codebook(paths.codebook)
    document = ingest_file(paths.releases_dir / release["file"])
    context = ReleaseContext.from_manifest_row(release)
    release_id = release["release_id"]
    city = tuple(release[field] for field in RELEASE_FIELDS)
    mentions, indicators = [], []
    for mention, sentence in extract_document(document, context, codebook):
        row = (release_id, *mention.as_row())
        mentions.append(row)
        if mention.indicator:
            domain = codebook.domain_of(mention.indicator)
            indicators.append((*row, domain, *city, bounded_sentence(sentence, mention.text)))
    stats = document.stats()
    corpus_row = (
        release_id, release["file"], release["city_zh"], release["city_en"], release["published"],
        release["kind"], stats["chars"], stats["kept_chars"], stats["repeat_chars"],
        stats["boilerplate_chars"], stats["paragraphs"], stats["dropped_blocks"], len(mentions),
        len(indicators),
    )
    dropped = [(release_id, *document.span_to_original(block.start, block.end), block.reason,
                block.preview) for block in document.dropped]
    return ReleaseTables(mentions, indicators, corpus_row, dropped)


def _write(path: Path, header: tuple[str, ...], rows) -> None:
    with atomic_text_writer(path) as handle:
        write_csv_rows(handle, header, rows)


def run_step(step: Step, ctx: StepContext) -> None:
    """The pipeline's corpus step: every release ingested and extracted into the staged tables."""
    build_corpus_tables(ctx.paths, ctx.tree.processed)


def bounded_sentence(sentence: str, text: str) -> str:
    """The sentence, or for one over :data:`MAX_SENTENCE_CHARS` a window of that size around
    the first occurrence of the mention's ``text``, each cut side marked with ``…``."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    at = max(sentence.find(text), 0)
    start = max(0, min(at - (MAX_SENTENCE_CHARS - len(text)) // 2,
                       len(sentence) - MAX_SENTENCE_CHARS))
    end = start + MAX_SENTENCE_CHARS
    return ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")
