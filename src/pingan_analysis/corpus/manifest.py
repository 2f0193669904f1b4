"""The release manifest (``data/raw/releases.csv``): reading it, and adding releases to the corpus.

The manifest and the release texts are the corpus's raw data: ``pingan add`` is the one writer.
It validates everything before it writes anything, and writes through temporary files renamed
into place, so a refused or interrupted add leaves ``data/raw`` as it was.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError, UsageError
from pingan_analysis.corpus.csvtext import GB18030, UTF8, decode_csv, read_csv_file
from pingan_analysis.corpus.ingest import decode_bytes
from pingan_analysis.schemas import ManifestSchema, ReferenceSchema, SchemaFailure, schema_failures
from pingan_analysis.registry import MANIFEST_COLUMNS

log = logging.getLogger(__name__)

#: The metadata of one release, as `pingan add` options name them (``city`` is ``city_zh``).
ADD_KEYS: tuple[str, ...] = (
    "city", "published", "city_en", "province", "admin_level", "period_start", "period_end",
    "kind", "title", "source_url", "outlet",
)
#: Columns a batch CSV must have; the others of the manifest are optional.
BATCH_REQUIRED: tuple[str, ...] = ("file", "city_zh", "published")
CITY_SUFFIXES = "市县区"
#: Publication dates before this are implausible for 平安建设 releases (the campaigns began in
#: the 2000s); they are warned of, not refused.
EARLIEST_PUBLISHED = "1990-01-01"
#: A number written with thousands separators, e.g. 10,071,722.
THOUSANDS_SEPARATED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
MANIFEST_FIX = ("correct the cells named (keep the header: " + ",".join(MANIFEST_COLUMNS)
                + "), or restore the manifest with `git checkout -- data/raw/releases.csv`")


@dataclass(frozen=True)
class CsvTable:
    """A CSV read as text: its rows as a frame of strings, and the file line each row starts on."""

    path: Path
    frame: pd.DataFrame
    lines: list[int]


@dataclass(frozen=True)
class NewRelease:
    """A release ready to be written: its manifest row and its file's bytes."""

    row: dict[str, str]
    data: bytes


# --- reading ---------------------------------------------------------------------------------

def read_csv_text(path: Path, columns: Iterable[str], *, required: Iterable[str] | None = None,
                  what: str = "table") -> CsvTable:
    """Read a CSV (UTF-8 or GB18030) as text, refusing a header that lacks a required column or
    has one not in ``columns`` (``required`` defaults to all of them), rows of the wrong width,
    and empty rows (only commas, as Excel leaves them)."""
    text = _decode_table(path, what)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise DataError(f"the {what} is empty: it has no header line", where=str(path),
                        fix=f"start it with the header {','.join(columns)}")
    _check_header(path, header, tuple(columns), tuple(columns if required is None else required), what)
    rows, lines = [], []
    previous_end = reader.line_num
    for record in reader:
        if record and not any(field.strip() for field in record):
            raise DataError("the row is empty: it holds only commas (Excel leaves such rows "
                            "after the last one)", where=f"{path}, line {previous_end + 1}",
                            fix="delete the empty row")
        if record:
            if len(record) != len(header):
                raise DataError(f"the row has {len(record)} fields; the header has {len(header)}",
                                where=f"{path}, line {previous_end + 1}",
                                fix="quote any field that contains a comma, e.g. \"a, b\"")
            rows.append(record)
            lines.append(previous_end + 1)
        previous_end = reader.line_num
    return CsvTable(path, pd.DataFrame(rows, columns=header, dtype=str), lines)


def _decode_table(path: Path, what: str) -> str:
    """The CSV's text: UTF-8 (with or without BOM) or GB18030/GBK, else DataError naming the
    encoding found (see :mod:`pingan_analysis.corpus.csvtext`)."""
    return read_csv_file(path, what)[0]


def _check_header(path: Path, header: list[str], columns: tuple[str, ...],
                  required: tuple[str, ...], what: str) -> None:
    missing = [column for column in required if column not in header]
    extra = [column for column in header if column not in columns]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    problems = [f"lacks column(s) {', '.join(missing)}" if missing else "",
                f"has unknown column(s) {', '.join(extra)}" if extra else "",
                f"repeats column(s) {', '.join(duplicated)}" if duplicated else ""]
    if any(problems):
        raise DataError(f"the {what}'s header " + "; ".join(p for p in problems if p),
                        where=f"{path}, line 1",
                        fix=f"use the columns {','.join(columns)}")


def read_manifest(path: Path) -> pd.DataFrame:
    """The manifest, every column as text (empty cells ``""``), validated with ManifestSchema.

    Raises DataError naming the file, the line and column of every invalid cell, and the fix.
    """
    table = read_csv_text(path, MANIFEST_COLUMNS, what="manifest")
    frame = table.frame[list(MANIFEST_COLUMNS)]
    failures = schema_failures(ManifestSchema, frame)
    if failures:
        raise DataError("the manifest is invalid:\n" + _list_failures(table, failures),
                        where=str(path), fix=MANIFEST_FIX)
    for row, line in zip(frame.to_dict("records"), table.lines):
        warn_implausible_date(row, f"{path}, line {line}")
    return frame


def warn_implausible_date(row: dict[str, str], where: str) -> None:
    """Warn of a publication date before :data:`EARLIEST_PUBLISHED` or in the future: valid as
    a date, but most likely a placeholder (1900-01-01 is a spreadsheet's zero date) or a typo."""
    published = row.get("published", "")
    if published and not EARLIEST_PUBLISHED <= published <= date.today().isoformat():
        log.warning("%s: publication date %s is implausible (before %s or in the future); "
                    "check it against the release (a spreadsheet's empty date shows as "
                    "1900-01-01)", where, published, EARLIEST_PUBLISHED)


def read_reference(path: Path) -> pd.DataFrame:
    """The reference table as text (``value`` as a float), validated with ReferenceSchema."""
    table = read_csv_text(path, ReferenceSchema.to_schema().columns, what="reference table")
    separated = table.frame.index[table.frame["value"].str.strip().str.fullmatch(THOUSANDS_SEPARATED)]
    if len(separated):
        text = table.frame.at[separated[0], "value"].strip()
        raise DataError(f"value {text!r} has thousands separators",
                        where=f"{path}, line {table.lines[separated[0]]}, column value",
                        fix=f"write {text.replace(',', '')} (no separators; in Excel: format "
                            "the column as Number without the 1000 separator)")
    frame = table.frame.assign(value=pd.to_numeric(table.frame["value"], errors="coerce"))
    failures = schema_failures(ReferenceSchema, frame)
    if failures:
        raise DataError("the reference table is invalid:\n" + _list_failures(table, failures),
                        where=str(path), fix="correct the cells named; keep every row sourced")
    return frame


def _list_failures(table: CsvTable, failures: list[SchemaFailure]) -> str:
    return "\n".join(f"  line {table.lines[f.row]}, column {f.column}: {f.describe()}"
                     for f in failures)


# --- adding ----------------------------------------------------------------------------------

def add_release(paths: ProjectPaths, file: Path, metadata: dict[str, str]) -> dict[str, str]:
    """Copy ``file`` into the corpus and append its manifest row (``pingan add FILE ...``).

    ``metadata`` holds the command's options (:data:`ADD_KEYS`); ``city`` and ``published``
    are required. Returns the new manifest row.
    """
    unknown = sorted(set(metadata) - set(ADD_KEYS))
    missing = [key for key in ("city", "published") if not metadata.get(key)]
    if unknown or missing:
        raise UsageError(f"unknown option(s) {unknown}" if unknown else
                         f"missing --{' and --'.join(missing)}", where="pingan add",
                         fix="e.g. pingan add FILE --city 青岛市 --published 2020-04-08")
    fields = {("city_zh" if key == "city" else key): value for key, value in metadata.items()}
    manifest = read_manifest(paths.manifest)
    release = _prepare_release(paths, manifest, _reference_cities(paths), file, fields, option_names=True)
    _commit(paths, [release])
    return release.row


def add_releases_from_csv(paths: ProjectPaths, batch_csv: Path) -> list[dict[str, str]]:
    """Add every release a CSV describes (the manifest's columns; ``file`` relative to the CSV's
    folder; ``release_id`` and ``sha256`` computed when empty) — all of them, or, if any row is
    refused, none: one DataError then names every refused row."""
    batch = read_csv_text(batch_csv, MANIFEST_COLUMNS, required=BATCH_REQUIRED, what="batch CSV")
    manifest = read_manifest(paths.manifest)
    cities = _reference_cities(paths)
    releases: list[NewRelease] = []
    problems: list[str] = []
    for row, fields in enumerate(batch.frame.to_dict("records")):
        try:
            release = _prepare_release(paths, manifest, cities, batch_csv.parent / fields.pop("file"),
                                       fields)
        except DataError as error:
            problems.append(f"  line {batch.lines[row]}: {error.message}".replace("\n", "\n    "))
            continue
        releases.append(release)
        manifest = pd.concat([manifest, pd.DataFrame([release.row])], ignore_index=True)
    if problems:
        raise DataError(f"{len(problems)} of {len(batch.frame)} rows refused; nothing was added:\n"
                        + "\n".join(problems), where=str(batch_csv),
                        fix="correct the rows named and run the command again")
    _commit(paths, releases)
    return [release.row for release in releases]


def _prepare_release(paths: ProjectPaths, manifest: pd.DataFrame, cities: pd.DataFrame, file: Path,
                     fields: dict[str, str], *, option_names: bool = False) -> NewRelease:
    """Read, identify and validate one release against ``manifest``; raise DataError if refused."""
    data = _read_release_bytes(file)
    text = decode_bytes(data, str(file))  # refuses an empty, binary, HTML or undecodable file
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(paths, manifest, data, text, file)
    row = {column: (fields.get(column) or "").strip() for column in MANIFEST_COLUMNS}
    row.update(_city_fields(cities, row))
    release_id = f"{_slug(row['city_en'])}-{row['published']}-{sha256[:8]}"
    _refuse_mismatch(row, "sha256", sha256, file)
    _refuse_mismatch(row, "release_id", release_id, file)
    row.update(release_id=release_id, file=f"{release_id}.txt", sha256=sha256)
    _validate_row(manifest, row, file, option_names)
    _refuse_other_file(paths.releases_dir / row["file"], data)
    return NewRelease(row, data)


def _read_release_bytes(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError as error:
        raise DataError("no such file", where=str(file), fix="check the path") from error
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror or error}", where=str(file),
                        fix="check that it is a readable regular file") from error


def _refuse_duplicate(paths: ProjectPaths, manifest: pd.DataFrame, data: bytes, text: str,
                      file: Path) -> None:
    """Refuse a text the corpus already holds: the same after decoding and normalising its
    line ends (CRLF, CR) and BOM, whatever its bytes (another encoding, other line ends)."""
    wanted = text_digest(text)
    sha256 = hashlib.sha256(data).hexdigest()
    _TEXT_DIGESTS.setdefault(sha256, wanted)
    for release_id, name, recorded in zip(manifest["release_id"], manifest["file"],
                                          manifest["sha256"]):
        if recorded == sha256:
            raise DataError(f"this text is already in the corpus as release {release_id} "
                            "(the same bytes)", where=str(file), fix=DUPLICATE_FIX)
        if _release_text_digest(paths.releases_dir / name, recorded) == wanted:
            raise DataError(f"this text is already in the corpus as release {release_id} "
                            "(the same text, saved with another encoding, line ends or BOM)",
                            where=str(file), fix=DUPLICATE_FIX)


DUPLICATE_FIX = "nothing to add; to describe it differently, edit its manifest row"
#: Normalised-text digests by the sha256 of the file's bytes: content-addressed, so never stale.
_TEXT_DIGESTS: dict[str, str] = {}


def text_digest(text: str) -> str:
    """sha256 of a decoded text with its line ends made ``\\n`` (a BOM is already gone)."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _release_text_digest(path: Path, sha256: str) -> str | None:
    """The normalised digest of a release already in the corpus; ``None`` if it cannot be read
    (``pingan validate`` reports a missing or changed release)."""
    if sha256 in _TEXT_DIGESTS:
        return _TEXT_DIGESTS[sha256]
    try:
        data = path.read_bytes()
        digest = text_digest(decode_bytes(data, str(path)))
    except (OSError, DataError):
        return None
    _TEXT_DIGESTS[hashlib.sha256(data).hexdigest()] = digest
    return digest


def _refuse_mismatch(row: dict[str, str], column: str, computed: str, file: Path) -> None:
    if row[column] and row[column] != computed:
        raise DataError(f"{column} {row[column]!r} does not match the file: it should be {computed}",
                        where=str(file), fix=f"leave {column} empty: it is computed")


def _refuse_other_file(target: Path, data: bytes) -> None:
    """Refuse to overwrite a different file; the same bytes (left by an interrupted add) are fine."""
    if target.exists() and target.read_bytes() != data:
        raise DataError("a different file of this name is already in data/raw/releases/ but not "
                        "in the manifest", where=str(target),
                        fix="move that file away (or add it to the manifest), then add again")


def _validate_row(manifest: pd.DataFrame, row: dict[str, str], file: Path, option_names: bool) -> None:
    """Validate the manifest with the new row appended; report the new row's failures only."""
    frame = pd.concat([manifest, pd.DataFrame([row])], ignore_index=True)
    failures = [f for f in schema_failures(ManifestSchema, frame) if f.row == len(manifest)]
    if failures:
        names = [_option(f.column) if option_names else f.column for f in failures]
        raise DataError("invalid metadata:\n" + "\n".join(f"  {name}: {f.describe()}"
                                                          for name, f in zip(names, failures)),
                        where=str(file), fix="correct the values named and add the file again")
    warn_implausible_date(row, str(file))


def _option(column: str) -> str:
    """The `pingan add` option that sets a manifest column: city_zh → --city."""
    return "--" + ("city" if column == "city_zh" else column).replace("_", "-")


def _reference_cities(paths: ProjectPaths) -> pd.DataFrame:
    """One row per city of the reference table: its English name, province and level."""
    columns = ["city_zh", "city_en", "province", "admin_level"]
    return read_reference(paths.population)[columns].drop_duplicates("city_zh")


def _city_fields(cities: pd.DataFrame, row: dict[str, str]) -> dict[str, str]:
    """The city's English name, province and level: as given, else from the reference table,
    else the English name from pinyin; what stays unknown is left empty with a warning."""
    known = cities[cities["city_zh"] == row["city_zh"]]
    found = known.iloc[0].to_dict() if len(known) else {"city_en": _pinyin_name(row["city_zh"])}
    filled = {key: row[key] or found.get(key, "") for key in ("city_en", "province", "admin_level")}
    empty = [key for key, value in filled.items() if not value]
    if empty:
        log.warning("%s is not in the reference table; %s left empty (give --%s)", row["city_zh"],
                    ", ".join(empty), " / --".join(key.replace("_", "-") for key in empty))
    return filled


def _pinyin_name(city_zh: str) -> str:
    """青岛市 → Qingdao: the name without its 市/县/区 suffix, in pinyin."""
    from pypinyin import lazy_pinyin

    name = city_zh[:-1] if len(city_zh) > 2 and city_zh[-1] in CITY_SUFFIXES else city_zh
    return "".join(lazy_pinyin(name)).strip().capitalize()


def _slug(city_en: str) -> str:
    """The city part of a release id: lower-case letters and digits, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", city_en.lower()).strip("-") or "unknown"


# --- writing ---------------------------------------------------------------------------------

def _commit(paths: ProjectPaths, releases: list[NewRelease]) -> None:
    """Write the texts and the extended manifest through temporary files, then rename them in.

    Texts go first: if anything fails before the manifest is renamed, the texts renamed so
    far are removed again and the manifest is unchanged.
    """
    temporaries: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for release in releases:
            target = paths.releases_dir / release.row["file"]
            temporaries[target] = _write_temporary(target, release.data)
        temporaries[paths.manifest] = _write_temporary(paths.manifest, _extended_manifest(
            paths.manifest, [release.row for release in releases]))
        for target, temporary in temporaries.items():
            os.replace(temporary, target)
            placed.append(target)
    except BaseException:
        for target in placed:
            if target != paths.manifest:
                target.unlink(missing_ok=True)
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise


def _write_temporary(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return Path(name)


def _extended_manifest(path: Path, rows: list[dict[str, str]]) -> bytes:
    """The manifest's bytes unchanged, with ``rows`` appended in its own column order."""
    data = path.read_bytes()
    text, encoding = decode_csv(data, str(path), "manifest")
    header = next(csv.reader(io.StringIO(text)))
    line_end = "\r\n" if "\r\n" in text else "\n"
    if data and not data.endswith(b"\n"):
        data += line_end.encode("ascii")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows([row[c] for c in header] for row in rows)
    # the new rows in the file's own encoding, so a GB18030 manifest stays one encoding
    return data + buffer.getvalue().encode(GB18030 if encoding == GB18030 else UTF8)
