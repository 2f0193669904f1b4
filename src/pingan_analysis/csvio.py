"""Deterministic CSV writing (UTF-8 without BOM, `\\n` line ends, fixed number formatting) and
atomic replacement of any output file, so a failed write never leaves half a file.
"""
from __future__ import annotations

import csv
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
