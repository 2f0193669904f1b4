"""Reader pages: ``reports/releases/<release_id>.html``, one per release of the manifest.

A reader page shows the release's text as decoded (the characters every offset counts), with
each extracted quantity highlighted and anchored ``id="m<start>-<end>"``, so that every number a
report shows is one click from its characters. Hovering or clicking a figure shows what was read
from it (value, interval, unit, kind, direction, period, modality, indicator, subject), its
validation status (the checks it failed, from ``validation_failures.csv``) and any correction.
Blocks the ingest dropped (repeated copy, page furniture) are shown greyed with the reason.

The page is a package template; the release text and every field reach it as data and are
escaped by the template. Its one inline script only reads the page's own JSON; nothing comes from
the network. Tables are read with the csv module: the step reads them once for every release.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.corpus.ingest import read_text
from pingan_analysis.csvio import atomic_text_writer
from pingan_analysis.templates import interval, number, period, render, web_url, with_unit
from pingan_analysis.validate.run import WARNING_CHECKS, describe

if TYPE_CHECKING:
    from pingan_analysis.pipeline.steps import Step, StepContext

READER_DIR = "releases"
CORRECTIONS_FILE = "corrections.csv"
#: Why ingest dropped a block, in words (dropped_blocks.csv ``reason``).
DROP_REASONS: dict[str, str] = {
    "repeat": "repeated copy: the text says this again, and its first occurrence is kept",
    "boilerplate": "page furniture: navigation, links, bylines and footers around the article",
}

Span = tuple[str, int, int]


@dataclass
class Piece:
    """A run of text inside one block, inside at most one mention."""

    text: str
    mention: dict | None = None
    #: True on a mention's first piece: the one that carries its anchor.
    first: bool = False
    #: Anchors of mentions hidden inside this one (overlapping spans), placed just before it.
    also: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A stretch of the text: kept (``reason`` empty) or dropped by the ingest."""

    reason: str
    pieces: list[Piece]

    @property
    def label(self) -> str:
        return DROP_REASONS.get(self.reason, self.reason)


def anchor(start: int, end: int) -> str:
    """The agreed anchor of a mention: ``m<start>-<end>``."""
    return f"m{start}-{end}"


def run_step(step: Step, ctx: StepContext) -> None:
    """The pipeline's reader_pages step: one page per release into reports/releases/."""
    write_reader_pages(ctx.paths, ctx.tree.processed, ctx.tree.reports / READER_DIR)


def write_reader_pages(paths: ProjectPaths, processed_dir: Path, out_dir: Path) -> list[Path]:
    """Write every release's reader page into ``out_dir``; remove pages of releases no longer
    in the manifest. Returns the pages written, in manifest order."""
    releases = _rows(paths.manifest)
    mentions = _by_release(_rows(processed_dir / "mentions.csv"))
    dropped = _by_release(_rows(processed_dir / "dropped_blocks.csv"))
    checks = _checks_by_span(processed_dir)
    corrections = _by_span(_rows(paths.raw_dir / CORRECTIONS_FILE, missing_ok=True))
    codebook = load_codebook(paths.codebook)
    names = {i.id: f"{i.name_en} ({i.name_zh})" for i in codebook.indicators}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for release in releases:
        rid = release["release_id"]
        text = read_text(paths.releases_dir / release["file"])
        details = [
            _details(row, names, checks.get(_span(row), []), corrections.get(_span(row), []))
            for row in mentions.get(rid, [])
        ]
        page = render(
            "release.html.j2",
            title=f"{release['city_zh']} {release['published']}: {release['title'] or rid}",
            root="../",
            lang="zh-Hans",
            release=release,
            source_url=web_url(release.get("source_url", "")),
            mentions=details,
            blocks=blocks(text, details, dropped.get(rid, [])),
            quarantined=sum(m["status"] == "quarantined" for m in details),
            dropped_count=len(dropped.get(rid, [])),
        )
        target = out_dir / f"{rid}.html"
        with atomic_text_writer(target) as handle:
            handle.write(page)
        written.append(target)
    kept = {p.name for p in written}
    for old in out_dir.glob("*.html"):
        if old.name not in kept:
            old.unlink()
    return written


# --- the text, cut into blocks and pieces -------------------------------------------------------


def blocks(text: str, mentions: list[dict], dropped: Iterable[Mapping[str, str]]) -> list[Block]:
    """``text`` as kept and dropped blocks, each cut into pieces at the mentions' edges.

    Mentions are ``{"start", "end", "id", ...}``. A mention that overlaps an earlier one (the
    extractor never makes such, but a corrected table might) keeps its anchor, placed just
    before the mention that holds it, so every mention's link resolves.
    """
    cuts = sorted((int(d["start"]), int(d["end"]), d["reason"]) for d in dropped)
    stretches, at = [], 0
    for start, end, reason in cuts:
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            stretches.append(("", at, start))
        stretches.append((reason, start, end))
        at = end
    if at < len(text):
        stretches.append(("", at, len(text)))
    kept = list(_outermost(mentions, len(text)))
    result, index, anchored = [], 0, set()
    for reason, start, end in stretches:
        pieces, at = [], start
        while index < len(kept) and kept[index][0]["start"] < end:
            mention, hidden = kept[index]
            first, last = max(mention["start"], start), min(mention["end"], end)
            if first > at:
                pieces.append(Piece(text[at:first]))
            if last > first:
                is_first = mention["id"] not in anchored
                pieces.append(
                    Piece(text[first:last], mention, is_first, hidden if is_first else [])
                )
                anchored.add(mention["id"])
            at = max(at, last)
            if mention["end"] > end:
                break
            index += 1
        if at < end:
            pieces.append(Piece(text[at:end]))
        result.append(Block(reason, pieces))
    return result


def _outermost(mentions: list[dict], length: int) -> Iterator[tuple[dict, list[str]]]:
    """The mentions that do not overlap an earlier one, each with the anchors of those it hides."""
    ordered = sorted(
        (m for m in mentions if 0 <= m["start"] < m["end"] <= length),
        key=lambda m: (m["start"], -m["end"]),
    )
    current: tuple[dict, list[str]] | None = None
    for mention in ordered:
        if current and mention["start"] < current[0]["end"]:
            current[1].append(mention["id"])
            continue
        if current:
            yield current
        current = (mention, [])
    if current:
        yield current


# --- what each mention says ---------------------------------------------------------------------


def _details(
    row: Mapping[str, str],
    names: Mapping[str, str],
    checks: list[dict],
    corrections: Sequence[Mapping[str, str]],
) -> dict:
    """A mention as the page shows it: its fields in words, its checks and corrections."""
    start, end = int(row["start"]), int(row["end"])
    indicator = row.get("indicator", "")
    failing = [c for c in checks if c["severity"] != "warning"]
    status = (
        "quarantined"
        if any(c["table"] == "indicators" for c in failing)
        else "failed"
        if failing
        else "warning"
        if checks
        else "passed"
    )
    corrected = row.get("corrected", "").lower() == "true" or bool(corrections)
    fields = [
        ("text", row["text"]),
        ("value", with_unit(number(row["value"]), row["unit"])),
        ("interval", interval(row.get("lower", ""), row.get("upper", ""), row["unit"])),
        ("qualifier", row.get("qualifier", "")),
        ("unit", row["unit"]),
        ("kind", row["kind"]),
        ("direction", {"up": "▲ up", "down": "▼ down"}.get(row.get("direction", ""), "")),
        ("period", period(row.get("period_start", ""), row.get("period_end", ""))),
        ("modality", row.get("modality", "")),
        (
            "indicator",
            f"{indicator}: {names[indicator]}"
            if indicator in names
            else indicator or "none (no codebook indicator matched)",
        ),
    ]
    if "subject" in row:
        fields.append(("subject", row["subject"]))
    fields.append(("validation", STATUS_WORDS[status]))
    fields += [
        (c["severity"], f"{c['check']} ({c['column']} = {c['value']}): {c['description']}")
        for c in checks
    ]
    if "corrected" in row or corrections:
        fields.append(("corrected", "yes" if corrected else "no"))
    fields += [("correction", _correction_words(c)) for c in corrections]
    return {
        "id": anchor(start, end),
        "start": start,
        "end": end,
        "status": status,
        "indicator": indicator,
        "target": row.get("modality") == "target",
        "corrected": corrected,
        "fields": [[label, value] for label, value in fields if value != ""],
        "summary": "; ".join(f"{label}: {value}" for label, value in fields[1:10] if value),
    }


STATUS_WORDS: dict[str, str] = {
    "passed": "passed every check",
    "warning": "passed, with a warning",
    "failed": "failed a check of the mentions table",
    "quarantined": "quarantined: failed a check, left out of the panel",
}


def _correction_words(correction: Mapping[str, str]) -> str:
    what = (
        "excluded"
        if correction.get("field") == "exclude"
        else f"{correction.get('field', '')} set to {correction.get('value', '')}"
    )
    who = ", ".join(v for v in (correction.get("author", ""), correction.get("date", "")) if v)
    reason = correction.get("reason", "")
    return what + (f": {reason}" if reason else "") + (f" ({who})" if who else "")


# --- the tables, read once ----------------------------------------------------------------------


def _rows(path: Path, missing_ok: bool = False) -> list[dict[str, str]]:
    if missing_ok and not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _by_release(rows: Iterable[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row["release_id"]].append(row)
    return grouped


def _span(row: Mapping[str, str]) -> Span:
    return row["release_id"], int(row["start"]), int(row["end"])


def _by_span(rows: Iterable[dict[str, str]]) -> dict[Span, list[dict[str, str]]]:
    grouped: dict[Span, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[_span(row)].append(row)
    return grouped


def _checks_by_span(processed_dir: Path) -> dict[Span, list[dict]]:
    """The failed checks of each mention: a failure names a row of the mentions or indicators
    table by its position, and that row gives the span."""
    spans = {
        table: [_span(r) for r in _rows(processed_dir / f"{table}.csv")]
        for table in ("mentions", "indicators")
    }
    found: dict[Span, list[dict]] = defaultdict(list)
    for failure in _rows(processed_dir / "validation_failures.csv"):
        rows = spans.get(failure["table"])
        if rows is None or not failure["row"].isdigit() or int(failure["row"]) >= len(rows):
            continue  # the manifest's own checks name no mention
        found[rows[int(failure["row"])]].append(
            {
                "table": failure["table"],
                "check": failure["check"],
                "column": failure["column"],
                "value": failure["value"],
                "description": describe(failure["check"]),
                "severity": "warning" if failure["check"] in WARNING_CHECKS else "failure",
            }
        )
    return found
