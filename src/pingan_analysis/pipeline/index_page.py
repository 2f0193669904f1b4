"""What a run says about itself: provenance footers, ``reports/index.html``, ``reports/run.json``.

Light: the standard library and jinja2 (the index is rendered from the package's templates,
with no scripts); the pipeline writes it after every run, so it imports no stage.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.links import parse_sources
from pingan_analysis.pipeline.digests import CODE_LABELS, short
from pingan_analysis.pipeline.provenance import DISTRIBUTION
from pingan_analysis.templates import interval, period, render, signed

READER_DIR = "releases"
#: The copy of the run's codebook that the data dictionary step writes into reports/.
CODEBOOK_COPY = "codebook.csv"


@dataclass(frozen=True)
class IndexEntry:
    """One report as the index lists it."""

    title: str
    href: str
    status: str
    finished: str
    seconds: float


def now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def release_count(manifest: Path) -> int:
    from pingan_analysis.csvio import read_csv_file

    text, _ = read_csv_file(manifest, "manifest")
    return sum(1 for _ in csv.DictReader(io.StringIO(text, newline="")))


def run_provenance(paths: ProjectPaths, commit: str | None, version: str | None) -> dict[str, str]:
    """What every report of this run says about where it came from."""
    return {
        "package": f"{DISTRIBUTION} {version or 'unknown version'}",
        "git commit": commit[:12] if commit else "not a git checkout",
        "releases": str(release_count(paths.manifest)),
        "run": now(),
    }


def footer_items(provenance: Mapping[str, str], key: Mapping[str, str]) -> dict[str, str]:
    """The run's provenance plus this report's inputs, as short hashes.

    The code's entries are left out: the package version and git commit stand for them.
    """
    inputs = ", ".join(
        f"{label} {short(digest)}"
        for label, digest in sorted(key.items())
        if label not in CODE_LABELS
    )
    return {**provenance, "inputs": inputs or "none"}


def write_run_json(reports_dir: Path, record: Mapping[str, object]) -> Path:
    target = reports_dir / "run.json"
    target.write_text(
        json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    return target


def write_index(
    reports_dir: Path,
    entries: list[IndexEntry],
    provenance: Mapping[str, str],
    summary_file: Path,
    paths: ProjectPaths | None = None,
) -> Path:
    """``reports/index.html``, the front page of the study: what the corpus covers, the
    headline figures with links to their characters, validation at a glance, the downloads and
    the data dictionary, and every report with its status.

    ``summary_file`` is the run's ``validation_summary.json``; the other processed tables are
    read beside it. ``paths`` (the live project) gives the manifest and the way from reports/ to
    the processed tables; without it the page lists the reports and the validation only.
    """
    processed = summary_file.parent
    releases = _rows(paths.manifest) if paths else []
    names = _indicator_names(processed / "datapackage.json")
    panel = _rows(processed / "panel.csv")
    page = render(
        "front_page.html.j2",
        title="pingan-analysis: the study",
        root="",
        entries=entries,
        provenance=dict(provenance),
        coverage=coverage(releases, reports_dir),
        years=coverage_years(releases),
        headline=headline_figures(panel, names, releases, reports_dir, processed / "mentions.csv"),
        summary=_summary(summary_file),
        summary_name=summary_file.name,
        conflicts=(
            sum(row.get("conflict") == "true" for row in panel)
            if (processed / "panel.csv").is_file()
            else None
        ),
        downloads=downloads(
            processed,
            reports_dir,
            os.path.relpath(paths.processed_dir, paths.reports_dir)
            if paths
            else os.path.relpath(processed, reports_dir),
        ),
        dictionary=(reports_dir / "data_dictionary.html").is_file(),
    )
    target = reports_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


@dataclass(frozen=True)
class CityCoverage:
    """One city of the corpus: its releases (newest last) and the years they report on."""

    city_zh: str
    city_en: str
    province: str
    admin_level: str
    releases: list[dict[str, str]]
    years: frozenset[int]


def coverage(releases: list[dict[str, str]], reports_dir: Path) -> list[CityCoverage]:
    """The corpus by city, each release with the link to its reader page when it has one."""
    cities: dict[tuple[str, str], list[dict[str, str]]] = {}
    for release in releases:
        page = f"{READER_DIR}/{release['release_id']}.html"
        linked = {**release, "href": page if (reports_dir / page).is_file() else ""}
        cities.setdefault((release["city_zh"], release["city_en"]), []).append(linked)
    return [
        CityCoverage(
            zh,
            en,
            rows[0]["province"],
            rows[0]["admin_level"],
            sorted(rows, key=lambda r: (r["published"], r["release_id"])),
            frozenset(y for r in rows for y in _years(r)),
        )
        for (zh, en), rows in sorted(cities.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def coverage_years(releases: list[dict[str, str]]) -> list[int]:
    """Every year from the first to the last that a release reports on."""
    years = {y for r in releases for y in _years(r)}
    return list(range(min(years), max(years) + 1)) if years else []


def _years(release: Mapping[str, str]) -> range:
    """The calendar years a release's reporting period touches (none when it has no period)."""
    start, end = release.get("period_start", ""), release.get("period_end", "")
    if not (start[:4].isdigit() and end[:4].isdigit()):
        return range(0)
    return range(int(start[:4]), int(end[:4]) + 1)


#: The figures the study is about, in the order the front page shows them: crime, the grid,
#: video surveillance, and the public's sense of security (ids of the core contract).
HEADLINE_INDICATORS: tuple[str, ...] = (
    "criminal_police_incidents",
    "criminal_cases_filed",
    "criminal_cases_occurred",
    "criminal_cases_solved",
    "grid_cells",
    "grid_workers",
    "grid_workers_full_time",
    "video_surveillance_points",
    "public_sense_of_security",
    "public_satisfaction",
    "public_security_satisfaction",
)


def headline_figures(
    panel: list[dict[str, str]],
    names: Mapping[str, str],
    releases: list[dict[str, str]],
    reports_dir: Path,
    mentions_csv: Path,
) -> list[dict]:
    """The panel's reported values of the headline indicators, by indicator then city and
    period, each with links to the mentions it rests on, named by release date and the
    characters as written (``2020-04-08: 2.9万多个``)."""
    published = {r["release_id"]: r["published"] for r in releases}
    order = {indicator: i for i, indicator in enumerate(HEADLINE_INDICATORS)}
    chosen = sorted(
        (r for r in panel if r.get("indicator") in order),
        key=lambda r: (
            order[r["indicator"]],
            r["city_en"],
            r["period_end"],
            r["period_start"],
            r["kind"],
        ),
    )
    refs = {id(row): parse_sources(row.get("sources", "")) for row in chosen}
    written = _mention_texts(
        mentions_csv,
        {(ref.release_id, ref.start, ref.end) for found in refs.values() for ref in found},
    )
    return [
        {
            "indicator": row["indicator"],
            "name": names.get(row["indicator"], ""),
            "city": f"{row['city_zh']} {row['city_en']}",
            "period": period(row["period_start"], row["period_end"]),
            "value": signed(row["value"], row["kind"], row["unit"]),
            "interval": ""
            if row["lower"] == row["upper"] == row["value"]
            else interval(row["lower"], row["upper"], row["unit"]),
            "conflict": row.get("conflict") == "true",
            "sources": [
                {
                    "href": ref.href(from_dir=""),
                    "label": ": ".join(
                        filter(
                            None,
                            (
                                published.get(ref.release_id, ref.release_id),
                                written.get((ref.release_id, ref.start, ref.end), ""),
                            ),
                        )
                    ),
                    "title": f"{ref.release_id}:{ref.start}-{ref.end}",
                    "exists": (reports_dir / READER_DIR / f"{ref.release_id}.html").is_file(),
                }
                for ref in refs[id(row)]
            ],
        }
        for row in chosen
    ]


def _mention_texts(
    mentions_csv: Path, spans: set[tuple[str, int, int]]
) -> dict[tuple[str, int, int], str]:
    """The characters of the mentions ``spans`` name, as written, read from mentions.csv."""
    if not spans or not mentions_csv.is_file():
        return {}
    with mentions_csv.open(encoding="utf-8", newline="") as handle:
        return {
            span: row["text"]
            for row in csv.DictReader(handle)
            if (span := (row["release_id"], int(row["start"]), int(row["end"]))) in spans
        }


#: What the front page offers to download, from the processed folder, in this order.
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("panel.csv", "The panel as CSV (UTF-8, no BOM): one row per city × period × indicator × kind"),
    ("panel_excel.csv", "The same panel as CSV for Excel (UTF-8 with BOM, CRLF line ends)"),
    ("panel.parquet", "The panel as Parquet (typed; dates as dates)"),
    ("panel.dta", "The panel for Stata (version 118, variable labels)"),
    (
        "datapackage.json",
        "The Frictionless data package: every table, its columns and the codebook",
    ),
    ("indicators_valid.csv", "Every validated figure mapped to an indicator, with its sentence"),
    ("mentions.csv", "Every quantity found in the releases, with its characters' offsets"),
    ("validation_failures.csv", "Every failed check, with the row and its sentence"),
)


def downloads(processed: Path, reports_dir: Path, href_prefix: str) -> list[dict[str, str]]:
    """The downloads present in this run: processed tables, and the codebook in reports/."""
    found = [
        {
            "href": f"{href_prefix}/{name}",
            "name": name,
            "what": what,
            "size": _size(processed / name),
        }
        for name, what in DOWNLOADS
        if (processed / name).is_file()
    ]
    if (reports_dir / CODEBOOK_COPY).is_file():
        found.append(
            {
                "href": CODEBOOK_COPY,
                "name": CODEBOOK_COPY,
                "size": _size(reports_dir / CODEBOOK_COPY),
                "what": "The codebook this run used: indicator ids, names, units, keywords",
            }
        )
    return found


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


def _indicator_names(datapackage: Path) -> dict[str, str]:
    """Indicator id → "English name (中文名)", from the data package's indicator list."""
    if not datapackage.is_file():
        return {}
    listed = json.loads(datapackage.read_text(encoding="utf-8")).get("indicators", [])
    return {
        i["id"]: f"{i.get('name_en', '')} ({i['name_zh']})"
        if i.get("name_zh")
        else i.get("name_en", "")
        for i in listed
    }


def _rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows (none when it is absent), with the csv module: the index imports
    nothing heavy."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _summary(summary_file: Path) -> dict | None:
    try:
        return json.loads(summary_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
