"""The bytes of a CSV a user edits (the manifest, a batch CSV), decoded as Excel and editors save them.

UTF-8 with or without a BOM, or GB18030/GBK (Excel's "CSV" on Chinese Windows). Anything else
is refused naming what was found (UTF-16 "Unicode text", binary data, a damaged UTF-8 byte).
Stdlib only: ``pingan status`` and the step graph read the manifest before any heavy import.
"""
from __future__ import annotations

from pathlib import Path

from pingan_analysis.exceptions import DataError

UTF8, UTF8_BOM, GB18030 = "utf-8", "utf-8-sig", "gb18030"
_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
         b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
#: A valid UTF-8 prefix with this many non-ASCII characters means UTF-8 with a damaged byte:
#: GB18030 text forms valid UTF-8 only by chance, for a few bytes.
_UTF8_EVIDENCE_CHARS = 8
SAVE_AS_UTF8 = ("save it as UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\"; in an "
                "editor: re-open it with its encoding, then save as UTF-8)")


def read_csv_bytes(path: Path, what: str) -> bytes:
    """The file's bytes; DataError naming the file if it is missing or cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise DataError(f"the {what} is missing", where=str(path),
                        fix="restore it from git, or check the path") from error
    except OSError as error:
        raise DataError(f"the {what} cannot be read: {error.strerror or error}", where=str(path),
                        fix="check that it is a readable file (its permissions, or a folder "
                            "in its place)") from error


def decode_csv(data: bytes, where: str, what: str) -> tuple[str, str]:
    """``(text, encoding)``: the text without BOM, and ``utf-8``, ``utf-8-sig`` or ``gb18030``."""
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            raise DataError(f"the {what} is {name} text (Excel's \"Unicode text\"); only UTF-8 and "
                            "GB18030/GBK are read", where=f"{where}, line 1", fix=SAVE_AS_UTF8)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DataError(f"the {what} holds a NUL byte at byte offset {nul}: it is binary data or "
                        "UTF-16/32 text without a byte-order mark",
                        where=f"{where}, line {_line(data, nul)}", fix=SAVE_AS_UTF8)
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
        what_found = ("UTF-8 with a damaged byte" if _looks_like_utf8(data[:bad])
                      else "neither UTF-8 nor GB18030/GBK")
        raise DataError(f"the {what} is {what_found}: byte 0x{data[bad]:02X} at byte offset {bad} "
                        "cannot be decoded", where=f"{where}, line {_line(data, bad)}",
                        fix=SAVE_AS_UTF8) from utf8_error


def read_csv_file(path: Path, what: str) -> tuple[str, str]:
    """:func:`decode_csv` of the file at ``path``."""
    return decode_csv(read_csv_bytes(path, what), str(path), what)


def _looks_like_utf8(valid_prefix: bytes) -> bool:
    text = valid_prefix.decode(UTF8, errors="replace")
    return len(text) - len(text.encode("ascii", "ignore")) >= _UTF8_EVIDENCE_CHARS


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
