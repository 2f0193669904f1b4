"""`pingan extract`: the mentions of any text files as CSV, no project or manifest needed.

Rows stream to the output as each file is extracted, so memory stays flat however large the
corpus: one document is held at a time. Every file is first read and decoded (cheap beside
extraction), so a refused file is reported before anything is written; a regular output file
is replaced only when complete (:func:`csvio.atomic_text_writer`).
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.registry import MENTION_COLUMNS


def iter_file_mentions(files: Iterable[Path], published: date | None = None) -> Iterator[tuple]:
    """Rows of :data:`MENTION_COLUMNS` for every mention of every file, file by file.

    ``published`` dates every file (periods such as 十年来 and 今年 resolve from it); without
    it, each file's date is read off its text where it has a byline or dateline."""
    from pingan_analysis.corpus.codebook import load_codebook
    from pingan_analysis.extract.document import ReleaseContext, extract_file

    codebook = load_codebook()
    for path in files:
        context = ReleaseContext(path.stem, published, None, None) if published else None
        for mention, _sentence in extract_file(path, context, codebook):
            yield mention.as_row()


def extract_to_csv(files: Sequence[Path], output: Path | None, published: date | None = None) -> int:
    """Write the mentions of ``files`` to ``output`` (stdout when ``None``); return the row count.

    Every file is read and decoded before anything is written, so a refused file leaves
    ``output`` as it was; then rows are written as they are found.
    """
    from pingan_analysis.corpus.ingest import read_text

    for path in files:
        read_text(path)  # refuses what cannot be read or decoded, naming the file
    rows = iter_file_mentions(files, published)
    if output is None:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        return write_csv_rows(sys.stdout, MENTION_COLUMNS, rows)
    with atomic_text_writer(output) as handle:
        return write_csv_rows(handle, MENTION_COLUMNS, rows)
