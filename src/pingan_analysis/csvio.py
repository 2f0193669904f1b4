"""Deterministic CSV writing (UTF-8 without BOM, `\\n` line ends, fixed number formatting) and
atomic replacement of any output file, so a failed write never leaves half a file.
"""
from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any


def format_cell(value: Any) -> str:
    """A cell as text: ``None`` empty, floats in their shortest exact-enough form (29000.0 → 29000)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return format(value, ".15g")
    return str(value)


def new_file_mode() -> int:
    """The mode a plainly created file gets under the user's umask (0644 under umask 022).

    ``tempfile.mkstemp`` creates files 0600 whatever the umask, which renamed into place left every
    output unreadable to co-authors; the atomic writers set this mode on their temporary files.
    """
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


#: A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_cell(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading ``'`` before a formula start
    (``=HYPERLINK(...)`` → ``'=HYPERLINK(...)``), which Excel shows as text, and before a leading
    ``'`` (so that :func:`plain_cell` reads every cell back as it was). A plain number (-13.5, a
    signed decline) stays a number. Only for exports meant for Excel: the machine-readable tables
    keep their values."""
    if text.startswith("'") or (text.startswith(FORMULA_STARTS) and not _is_number(text)):
        return "'" + text
    return text


def plain_cell(text: str) -> str:
    """The inverse of :func:`excel_cell`, for a sheet read back."""
    if text.startswith("'") and text[1:].startswith(("'", *FORMULA_STARTS)):
        return text[1:]
    return text


def _is_number(text: str) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return math.isfinite(number) and text.strip() == text


@contextmanager
def atomic_writer(path: Path, binary: bool = False) -> Iterator[IO]:
    """Write ``path`` through a temporary file in its folder, renamed over it only on success.

    Text is UTF-8 with line ends as written. A path that exists and is not a regular file
    (``/dev/null``, a pipe) is written directly.
    """
    text_options = {} if binary else {"encoding": "utf-8", "newline": ""}
    mode = "wb" if binary else "w"
    if path.exists() and not path.is_file():
        with path.open(mode, **text_options) as handle:
            yield handle
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, new_file_mode())
        with os.fdopen(descriptor, mode, **text_options) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_text_writer(path: Path) -> AbstractContextManager[IO[str]]:
    """:func:`atomic_writer` for text."""
    return atomic_writer(path)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_writer(path, binary=True) as handle:
        handle.write(data)


def write_csv_rows(handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows to an open text handle; return the number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([format_cell(cell) for cell in row])
        count += 1
    return count
