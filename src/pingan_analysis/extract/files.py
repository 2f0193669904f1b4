"""`pingan extract`: the mentions of any text files as CSV, no project or manifest needed."""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.registry import MENTION_COLUMNS


def iter_file_mentions(files: Iterable[Path]) -> Iterator[tuple]:
    """Rows of :data:`MENTION_COLUMNS` for every mention of every file, file by file."""
    from pingan_analysis.extract.document import extract_file

    for path in files:
        for mention, _sentence in extract_file(path):
            yield mention.as_row()


def extract_to_csv(files: Sequence[Path], output: Path | None) -> int:
    """Write the mentions of ``files`` to ``output`` (stdout when ``None``); return the row count.

    Every file is read before anything is written, so a refused file leaves ``output`` as it was.
    """
    rows = list(iter_file_mentions(files))
    if output is None:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        return write_csv_rows(sys.stdout, MENTION_COLUMNS, rows)
    with atomic_text_writer(output) as handle:
        return write_csv_rows(handle, MENTION_COLUMNS, rows)
