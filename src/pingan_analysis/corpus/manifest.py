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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.gazetteer import Place, slug
from pingan_analysis.corpus.ingest import decode_bytes
from pingan_analysis.corpus.reference import load_reference
from pingan_analysis.csvio import (
    GB18030,
    UTF8,
    CsvTable,
    decode_csv,
    read_csv_text,
    write_temporary,
)
from pingan_analysis.exceptions import DataError, UsageError
from pingan_analysis.registry import MANIFEST_COLUMNS
from pingan_analysis.schemas import ManifestSchema, SchemaFailure, schema_failures

log = logging.getLogger(__name__)

#: The metadata of one release, as `pingan add` options name them (``city`` is ``city_zh``).
ADD_KEYS: tuple[str, ...] = (
    "city",
    "published",
    "city_en",
    "province",
    "admin_level",
    "period_start",
    "period_end",
    "kind",
    "title",
    "source_url",
    "outlet",
)
#: Columns a batch CSV must have; the others of the manifest are optional.
BATCH_REQUIRED: tuple[str, ...] = ("file", "city_zh", "published")
#: Publication dates before this are implausible for 平安建设 releases (the campaigns began in
#: the 2000s); they are warned of, not refused.
EARLIEST_PUBLISHED = "1990-01-01"
MANIFEST_FIX = (
    "correct the cells named (keep the header: "
    + ",".join(MANIFEST_COLUMNS)
    + "), or restore the manifest with `git checkout -- data/raw/releases.csv`"
)


@dataclass(frozen=True)
class NewRelease:
    """A release ready to be written: its manifest row and its file's bytes."""

    row: dict[str, str]
    data: bytes


# --- reading ---------------------------------------------------------------------------------


def read_manifest(path: Path) -> pd.DataFrame:
    """The manifest, every column as text (empty cells ``""``), validated with ManifestSchema.

    Raises DataError naming the file, the line and column of every invalid cell, and the fix.
    """
    table = read_csv_text(path, MANIFEST_COLUMNS, what="manifest")
    frame = table.frame[list(MANIFEST_COLUMNS)]
    failures = schema_failures(ManifestSchema, frame)
    if failures:
        raise DataError(
            "the manifest is invalid:\n" + _list_failures(table, failures),
            where=str(path),
            fix=MANIFEST_FIX,
        )
    for row, line in zip(frame.to_dict("records"), table.lines, strict=True):
        warn_implausible_date(row, f"{path}, line {line}")
    return frame


def warn_implausible_date(row: dict[str, str], where: str) -> None:
    """Warn of a publication date before :data:`EARLIEST_PUBLISHED` or in the future: valid as
    a date, but most likely a placeholder (1900-01-01 is a spreadsheet's zero date) or a typo."""
    published = row.get("published", "")
    if published and not EARLIEST_PUBLISHED <= published <= date.today().isoformat():
        log.warning(
            "%s: publication date %s is implausible (before %s or in the future); "
            "check it against the release (a spreadsheet's empty date shows as "
            "1900-01-01)",
            where,
            published,
            EARLIEST_PUBLISHED,
        )


def _list_failures(table: CsvTable, failures: list[SchemaFailure]) -> str:
    return "\n".join(
        f"  line {table.lines[f.row]}, column {f.column}: {f.describe()}" for f in failures
    )


# --- adding ----------------------------------------------------------------------------------


def add_release(paths: ProjectPaths, file: Path, metadata: dict[str, str]) -> dict[str, str]:
    """Copy ``file`` into the corpus and append its manifest row (``pingan add FILE ...``).

    ``metadata`` holds the command's options (:data:`ADD_KEYS`); ``city`` and ``published``
    are required. Returns the new manifest row.
    """
    unknown = sorted(set(metadata) - set(ADD_KEYS))
    missing = [key for key in ("city", "published") if not metadata.get(key)]
    if unknown or missing:
        raise UsageError(
            f"unknown option(s) {unknown}" if unknown else f"missing --{' and --'.join(missing)}",
            where="pingan add",
            fix="e.g. pingan add FILE --city 青岛市 --published 2020-04-08",
        )
    fields = {("city_zh" if key == "city" else key): value for key, value in metadata.items()}
    manifest = read_manifest(paths.manifest)
    release = _prepare_release(
        paths, manifest, _reference_cities(paths), file, fields, option_names=True
    )
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
            release = _prepare_release(
                paths, manifest, cities, batch_csv.parent / fields.pop("file"), fields
            )
        except DataError as error:
            problems.append(f"  line {batch.lines[row]}: {error.message}".replace("\n", "\n    "))
            continue
        releases.append(release)
        manifest = pd.concat([manifest, pd.DataFrame([release.row])], ignore_index=True)
    if problems:
        raise DataError(
            f"{len(problems)} of {len(batch.frame)} rows refused; nothing was added:\n"
            + "\n".join(problems),
            where=str(batch_csv),
            fix="correct the rows named and run the command again",
        )
    _commit(paths, releases)
    return [release.row for release in releases]


def _prepare_release(
    paths: ProjectPaths,
    manifest: pd.DataFrame,
    cities: pd.DataFrame,
    file: Path,
    fields: dict[str, str],
    *,
    option_names: bool = False,
) -> NewRelease:
    """Read, identify and validate one release against ``manifest``; raise DataError if refused."""
    data = _read_release_bytes(file)
    text = decode_bytes(data, str(file))  # refuses an empty, binary, HTML or undecodable file
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(paths, manifest, data, text, file)
    row = {column: (fields.get(column) or "").strip() for column in MANIFEST_COLUMNS}
    city = _city_fields(cities, row, file)
    row.update({key: city[key] for key in ("city_zh", "city_en", "province", "admin_level")})
    release_id = f"{slug(city['id_name'])}-{row['published']}-{sha256[:8]}"
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
        raise DataError(
            f"cannot read the file: {error.strerror or error}",
            where=str(file),
            fix="check that it is a readable regular file",
        ) from error


def _refuse_duplicate(
    paths: ProjectPaths, manifest: pd.DataFrame, data: bytes, text: str, file: Path
) -> None:
    """Refuse a text the corpus already holds: the same after decoding and normalising its
    line ends (CRLF, CR) and BOM, whatever its bytes (another encoding, other line ends)."""
    wanted = text_digest(text)
    sha256 = hashlib.sha256(data).hexdigest()
    _TEXT_DIGESTS.setdefault(sha256, wanted)
    for release_id, name, recorded in zip(
        manifest["release_id"], manifest["file"], manifest["sha256"], strict=True
    ):
        if recorded == sha256:
            raise DataError(
                f"this text is already in the corpus as release {release_id} (the same bytes)",
                where=str(file),
                fix=DUPLICATE_FIX,
            )
        if _release_text_digest(paths.releases_dir / name, recorded) == wanted:
            raise DataError(
                f"this text is already in the corpus as release {release_id} "
                "(the same text, saved with another encoding, line ends or BOM)",
                where=str(file),
                fix=DUPLICATE_FIX,
            )


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
        raise DataError(
            f"{column} {row[column]!r} does not match the file: it should be {computed}",
            where=str(file),
            fix=f"leave {column} empty: it is computed",
        )


def _refuse_other_file(target: Path, data: bytes) -> None:
    """Refuse to overwrite a different file; the same bytes (left by an interrupted add) are fine."""
    if target.exists() and target.read_bytes() != data:
        raise DataError(
            "a different file of this name is already in data/raw/releases/ but not "
            "in the manifest",
            where=str(target),
            fix="move that file away (or add it to the manifest), then add again",
        )


def _validate_row(
    manifest: pd.DataFrame, row: dict[str, str], file: Path, option_names: bool
) -> None:
    """Validate the manifest with the new row appended; report the new row's failures only."""
    frame = pd.concat([manifest, pd.DataFrame([row])], ignore_index=True)
    failures = [f for f in schema_failures(ManifestSchema, frame) if f.row == len(manifest)]
    if failures:
        names = [_option(f.column) if option_names else f.column for f in failures]
        raise DataError(
            "invalid metadata:\n"
            + "\n".join(
                f"  {name}: {f.describe()}" for name, f in zip(names, failures, strict=True)
            ),
            where=str(file),
            fix="correct the values named and add the file again",
        )
    warn_implausible_date(row, str(file))


def _option(column: str) -> str:
    """The `pingan add` option that sets a manifest column: city_zh → --city."""
    return "--" + ("city" if column == "city_zh" else column).replace("_", "-")


def _reference_cities(paths: ProjectPaths) -> pd.DataFrame:
    """The reference table's rows (to say which cities lack a population figure)."""
    return load_reference(paths.population)


def _city_fields(cities: pd.DataFrame, row: dict[str, str], file: Path) -> dict[str, str]:
    """The city's official name, English name, province and level, from the gazetteer.

    ``--city 青岛`` becomes 青岛市. A given province or level that disagrees with the gazetteer is
    refused; a given English name is kept (with a warning) but the release id always takes the
    official romanisation. A place the gazetteer lacks (a new division, a 新区) is accepted only
    with --city-en, --province and --admin-level all given, and a warning.
    """

    try:
        place = _resolve_city(row)
    except DataError as error:
        given = all(row[key] for key in ("city_en", "province", "admin_level"))
        if not given:
            raise DataError(
                f"--city: {error.problem}",
                where=str(file),
                fix=f"{error.fix}; a place the gazetteer lacks needs --city-en, "
                "--province and --admin-level all given",
            ) from error
        log.warning(
            "%s is not in the gazetteer (%s); added with the names given",
            row["city_zh"],
            error.problem,
        )
        _warn_no_population(cities, row["city_zh"])
        return {key: row[key] for key in ("city_zh", "city_en", "province", "admin_level")} | {
            "id_name": row["city_en"]
        }
    if place.name_zh != row["city_zh"]:
        log.warning("--city %s is %s (%s)", row["city_zh"], place.name_zh, _place_label(place))
    official = {"province": place.province, "admin_level": place.admin_level}
    wrong = [
        f"--{key.replace('_', '-')} {row[key]!r}: the gazetteer has {official[key]!r}"
        for key in official
        if row[key] and row[key] != official[key]
    ]
    if wrong:
        raise DataError(
            f"{place.name_zh} ({_place_label(place)}) disagrees with the options given: "
            + "; ".join(wrong),
            where=str(file),
            fix="leave the option(s) out: they come from the gazetteer",
        )
    if row["city_en"] and row["city_en"] != place.name_en:
        log.warning(
            "--city-en %r kept as the English name; the official romanisation %r names "
            "the release id",
            row["city_en"],
            place.name_en,
        )
    _warn_no_population(cities, place.name_zh)
    return {
        "city_zh": place.name_zh,
        "city_en": row["city_en"] or place.name_en,
        "province": place.province,
        "admin_level": place.admin_level,
        "id_name": place.name_en,
    }


def _resolve_city(row: dict[str, str]) -> Place:
    """The gazetteer's place for --city, qualified by --province when the name alone is
    ambiguous (--city 海州区 --province 江苏)."""
    from pingan_analysis.corpus.gazetteer import resolve_place

    try:
        return resolve_place(row["city_zh"])
    except DataError:
        if not row["province"]:
            raise
        try:
            return resolve_place(row["province"] + row["city_zh"])
        except DataError:
            pass
        raise


def _place_label(place: Place) -> str:
    parent = f", in {place.parent}" if place.parent else ""
    return f"{place.province}, {place.admin_level}{parent}, division {place.code}"


def _warn_no_population(reference: pd.DataFrame, city_zh: str) -> None:
    """Say which file and columns to extend when the city has no census population."""
    from pingan_analysis.corpus.reference import CENSUS, REFERENCE_HINT

    rows = reference[(reference["city_zh"] == city_zh) & (reference["measure"] == CENSUS)]
    if rows.empty:
        log.warning(
            "%s has no %s row in data/raw/reference/population.csv: per-capita rates "
            "leave it out (`pingan reference missing` lists such cities). %s",
            city_zh,
            CENSUS,
            REFERENCE_HINT,
        )


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
            temporaries[target] = write_temporary(target, release.data)
        temporaries[paths.manifest] = write_temporary(
            paths.manifest,
            _extended_manifest(paths.manifest, [release.row for release in releases]),
        )
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
