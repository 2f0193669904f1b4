"""`pingan extract`: the mentions of any text files as CSV, no project or manifest needed."""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pingan_analysis.config import MANIFEST_RELATIVE, find_project_root
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.exceptions import DataError, UsageError
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
    An ``output`` inside a project's raw data, or one of the input files, is refused first.
    """
    if output is not None:
        refuse_output_over_inputs(output, files)
    rows = list(iter_file_mentions(files))
    if output is None:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        return write_csv_rows(sys.stdout, MENTION_COLUMNS, rows)
    with atomic_text_writer(output) as handle:
        return write_csv_rows(handle, MENTION_COLUMNS, rows)


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
                    "give an output path outside it, e.g. -o mentions.csv")
    for source in inputs:
        if source.expanduser().resolve() == target:
            raise DataError("the output is one of the input files: it would be overwritten",
                            where=str(output), fix="give an output path of its own")


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
