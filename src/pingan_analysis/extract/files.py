"""`pingan extract`: the mentions of any text files as CSV, no project or manifest needed.

Rows stream to the output as each file is extracted, so memory stays flat however large the
corpus: one document is held at a time. Every file is first read and decoded (cheap beside
extraction), so a refused file is reported before anything is written; a regular output file
is replaced only when complete (:func:`csvio.atomic_text_writer`).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO

from pingan_analysis.config import MANIFEST_RELATIVE, find_project_root
from pingan_analysis.csvio import atomic_text_writer, format_cell
from pingan_analysis.exceptions import DataError, UsageError
from pingan_analysis.registry import MENTION_COLUMNS

#: Positions of the float fields of a mention row (value, lower, upper).
_FLOAT_FIELDS = tuple(MENTION_COLUMNS.index(name) for name in ("value", "lower", "upper"))


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


def extract_to_csv(
    files: Sequence[Path], output: Path | None, published: date | None = None
) -> int:
    """Write the mentions of ``files`` to ``output`` (stdout when ``None``); return the row count.

    Every file is read and decoded before anything is written, so a refused file leaves
    ``output`` as it was; then rows are written as they are found. An ``output`` inside a
    project's raw data, or one of the input files, is refused first.
    """
    from pingan_analysis.corpus.ingest import read_text

    if output is not None:
        refuse_output_over_inputs(output, files)
    for path in files:
        read_text(path)  # refuses what cannot be read or decoded, naming the file
    rows = iter_file_mentions(files, published)
    if output is None:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        return _write(sys.stdout, rows)
    with atomic_text_writer(output) as handle:
        return _write(handle, rows)


def _write(handle: IO[str], rows: Iterable[tuple]) -> int:
    """:func:`csvio.write_csv_rows`, byte for byte, at a third of its cost per row: a mention's
    cells are strings, ints and None (which the csv module writes as csvio does) but for its
    three floats, which alone go through :func:`csvio.format_cell`."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(MENTION_COLUMNS)
    count = 0
    value_at, lower_at, upper_at = _FLOAT_FIELDS
    for row in rows:
        cells = list(row)
        cells[value_at] = format_cell(cells[value_at])
        cells[lower_at] = format_cell(cells[lower_at])
        cells[upper_at] = format_cell(cells[upper_at])
        writer.writerow(cells)
        count += 1
    return count


def refuse_output_over_inputs(output: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse an output path that resolves inside a project's ``data/raw/`` (the corpus is
    never written by an output option) or onto one of the command's own input files.

    Symbolic links are followed, so a link pointing into ``data/raw/`` is refused too. The
    project is the one the working directory is in, and any project the output's own folder
    belongs to.
    """
    target = output.expanduser().resolve()
    for raw in _raw_folders(target):
        if target == raw or raw in target.parents:
            raise DataError(
                f"refusing to write an output inside the project's raw data ({raw})",
                where=str(output),
                fix="data/raw/ holds the corpus and is written only by `pingan add`; "
                "give an output path outside it, e.g. -o mentions.csv",
            )
    for source in inputs:
        if source.expanduser().resolve() == target:
            raise DataError(
                "the output is one of the input files: it would be overwritten",
                where=str(output),
                fix="give an output path of its own",
            )


def _raw_folders(target: Path) -> set[Path]:
    """The ``data/raw`` folders of the current project and of the project holding ``target``."""
    found = set()
    for start in (None, target.parent):
        try:
            root = find_project_root(start)
        except UsageError:
            continue
        found.add((root / MANIFEST_RELATIVE).parent.resolve())
    return found
