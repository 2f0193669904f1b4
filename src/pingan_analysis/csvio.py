"""Deterministic CSV writing (UTF-8 without BOM, `\\n` line ends, fixed number formatting),
atomic replacement of any output file, so a failed write never leaves half a file, and the
reader of CSV tables as text (UTF-8 or GB18030, as users' editors save them).
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pingan_analysis.exceptions import DataError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CsvTable:
    """A CSV read as text: its rows as a frame of strings, and the file line each row starts on."""

    path: Path
    frame: pd.DataFrame
    lines: list[int]


def read_csv_text(
    path: Path,
    columns: Iterable[str],
    *,
    required: Iterable[str] | None = None,
    what: str = "table",
) -> CsvTable:
    """Read a CSV (UTF-8 with or without BOM, or GB18030/GBK) as text, refusing a header that
    lacks a required column or has one not in ``columns`` (``required`` defaults to all of
    them), rows of the wrong width, and empty rows (only commas, as Excel leaves them)."""
    text = read_csv_file(path, what)[0]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise DataError(
            f"the {what} is empty: it has no header line",
            where=str(path),
            fix=f"start it with the header {','.join(columns)}",
        )
    _check_header(
        path, header, tuple(columns), tuple(columns if required is None else required), what
    )
    rows, lines = [], []
    previous_end = reader.line_num
    for record in reader:
        if record and not any(field.strip() for field in record):
            raise DataError(
                "the row is empty: it holds only commas (Excel leaves such rows "
                "after the last one)",
                where=f"{path}, line {previous_end + 1}",
                fix="delete the empty row",
            )
        if record:
            if len(record) != len(header):
                raise DataError(
                    f"the row has {len(record)} fields; the header has {len(header)}",
                    where=f"{path}, line {previous_end + 1}",
                    fix='quote any field that contains a comma, e.g. "a, b"',
                )
            rows.append(record)
            lines.append(previous_end + 1)
        previous_end = reader.line_num
    import pandas as pd  # here, so that writers (`pingan extract`) never import pandas

    return CsvTable(path, pd.DataFrame(rows, columns=header, dtype=str), lines)


# --- decoding the CSVs a user edits (the manifest, a batch CSV, the reference table) ---------
# UTF-8 with or without a BOM, or GB18030/GBK (Excel's "CSV" on Chinese Windows). Anything else
# is refused naming what was found (UTF-16 "Unicode text", binary data, a damaged UTF-8 byte).
# Stdlib only: `pingan status` and the step graph read the manifest before any heavy import.

UTF8, UTF8_BOM, GB18030 = "utf-8", "utf-8-sig", "gb18030"
_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
#: A valid UTF-8 prefix with this many non-ASCII characters means UTF-8 with a damaged byte:
#: GB18030 text forms valid UTF-8 only by chance, for a few bytes.
_UTF8_EVIDENCE_CHARS = 8
SAVE_AS_UTF8 = (
    'save it as UTF-8 (in Excel: Save As, "CSV UTF-8 (Comma delimited)"; in an '
    "editor: re-open it with its encoding, then save as UTF-8)"
)


def read_csv_bytes(path: Path, what: str) -> bytes:
    """The file's bytes; DataError naming the file if it is missing or cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise DataError(
            f"the {what} is missing", where=str(path), fix="restore it from git, or check the path"
        ) from error
    except OSError as error:
        raise DataError(
            f"the {what} cannot be read: {error.strerror or error}",
            where=str(path),
            fix="check that it is a readable file (its permissions, or a folder in its place)",
        ) from error


def decode_csv(data: bytes, where: str, what: str) -> tuple[str, str]:
    """``(text, encoding)``: the text without BOM, and ``utf-8``, ``utf-8-sig`` or ``gb18030``."""
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            raise DataError(
                f'the {what} is {name} text (Excel\'s "Unicode text"); only UTF-8 and '
                "GB18030/GBK are read",
                where=f"{where}, line 1",
                fix=SAVE_AS_UTF8,
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DataError(
            f"the {what} holds a NUL byte at byte offset {nul}: it is binary data or "
            "UTF-16/32 text without a byte-order mark",
            where=f"{where}, line {_line(data, nul)}",
            fix=SAVE_AS_UTF8,
        )
    encoding = UTF8_BOM if data.startswith(b"\xef\xbb\xbf") else UTF8
    try:
        return data.decode(encoding).removeprefix("\ufeff"), encoding
    except UnicodeDecodeError as utf8_error:
        bad = utf8_error.start
        if not _looks_like_utf8(data[:bad]):
            try:
                return data.decode(GB18030), GB18030
            except UnicodeDecodeError:
                pass
        what_found = (
            "UTF-8 with a damaged byte"
            if _looks_like_utf8(data[:bad])
            else "neither UTF-8 nor GB18030/GBK"
        )
        raise DataError(
            f"the {what} is {what_found}: byte 0x{data[bad]:02X} at byte offset {bad} "
            "cannot be decoded",
            where=f"{where}, line {_line(data, bad)}",
            fix=SAVE_AS_UTF8,
        ) from utf8_error


def read_csv_file(path: Path, what: str) -> tuple[str, str]:
    """:func:`decode_csv` of the file at ``path``."""
    return decode_csv(read_csv_bytes(path, what), str(path), what)


def _looks_like_utf8(valid_prefix: bytes) -> bool:
    text = valid_prefix.decode(UTF8, errors="replace")
    return len(text) - len(text.encode("ascii", "ignore")) >= _UTF8_EVIDENCE_CHARS


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_header(
    path: Path, header: list[str], columns: tuple[str, ...], required: tuple[str, ...], what: str
) -> None:
    missing = [column for column in required if column not in header]
    extra = [column for column in header if column not in columns]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    problems = [
        f"lacks column(s) {', '.join(missing)}" if missing else "",
        f"has unknown column(s) {', '.join(extra)}" if extra else "",
        f"repeats column(s) {', '.join(duplicated)}" if duplicated else "",
    ]
    if any(problems):
        raise DataError(
            f"the {what}'s header " + "; ".join(p for p in problems if p),
            where=f"{path}, line 1",
            fix=f"use the columns {','.join(columns)}",
        )


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
    """Write ``path`` through a temporary file in its folder, synced and renamed over it only
    on success: the project's one way of replacing a file.

    Text is UTF-8 with line ends as written. A path that exists and is not a regular file
    (``/dev/null``, a pipe) is written directly.
    """
    text_options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    mode = "wb" if binary else "w"
    if path.exists() and not path.is_file():
        with path.open(mode, **text_options) as handle:
            yield handle
        return
    with _temporary_beside(path, mode, text_options) as (handle, temporary):
        yield handle
    os.replace(temporary, path)


@contextmanager
def _temporary_beside(path: Path, mode: str, options: dict) -> Iterator[tuple[IO, Path]]:
    """An open temporary file in ``path``'s folder, flushed to disk on leaving; deleted again
    if the block fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        os.fchmod(descriptor, new_file_mode())
        with os.fdopen(descriptor, mode, **options) as handle:
            yield handle, temporary
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_text_writer(path: Path) -> AbstractContextManager[IO[str]]:
    """:func:`atomic_writer` for text."""
    return atomic_writer(path)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_writer(path, binary=True) as handle:
        handle.write(data)


def write_temporary(path: Path, data: bytes) -> Path:
    """``data`` in a synced temporary file beside ``path``, for a caller that replaces several
    files together: it renames each over its target (``os.replace``) once all are written, or
    deletes them."""
    with _temporary_beside(path, "wb", {}) as (handle, temporary):
        handle.write(data)
    return temporary


def write_csv_rows(handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows to an open text handle; return the number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([format_cell(cell) for cell in row])
        count += 1
    return count
