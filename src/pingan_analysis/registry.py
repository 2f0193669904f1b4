"""The tables' columns and the row record of a mention: the data contracts of DESIGN.md.

Column orders here are the order in which every writer emits them. This module is light
(no pandas) so that ``pingan extract`` and the run lock stay fast to import.
"""
from __future__ import annotations

from typing import NamedTuple

MANIFEST_COLUMNS: tuple[str, ...] = (
    "release_id", "file", "city_zh", "city_en", "province", "admin_level", "published",
    "period_start", "period_end", "kind", "outlet", "title", "source_url", "sha256", "note",
)
RELEASE_KINDS: tuple[str, ...] = ("transcript", "news_report", "work_review", "white_paper", "other")
ADMIN_LEVELS: tuple[str, ...] = ("province", "prefecture", "county-level city", "county", "district")

QUALIFIERS: tuple[str, ...] = ("exact", "lower", "upper", "approx", "range")
MENTION_KINDS: tuple[str, ...] = (
    "count", "amount", "percent", "change_pct", "change_pp", "change_multiple",
)
DIRECTIONS: tuple[str, ...] = ("", "up", "down")
#: How a ``change_multiple`` is phrased (an extension of DESIGN.md's mentions table): "提高1.1倍"
#: is ``increase`` (+110%), "是上年同期的2倍" is ``ratio`` (+100%); empty for other kinds.
MULTIPLE_FORMS: tuple[str, ...] = ("", "increase", "ratio")
MODALITIES: tuple[str, ...] = ("reported", "target")

#: ``pingan extract`` output, in this order (DESIGN.md, table "mentions").
MENTION_COLUMNS: tuple[str, ...] = (
    "doc", "start", "end", "text", "value", "unit", "qualifier", "lower", "upper", "kind",
    "direction", "period_start", "period_end", "modality", "indicator", "multiple_form",
)
#: ``data/processed/mentions.csv``: the release id first, then the extract columns.
MENTIONS_TABLE_COLUMNS: tuple[str, ...] = ("release_id", *MENTION_COLUMNS)

#: ``data/processed/indicators.csv``: mentions mapped to an indicator, with their release
#: and the sentence they came from, ready for validation and reconciliation.
INDICATORS_TABLE_COLUMNS: tuple[str, ...] = (
    *MENTIONS_TABLE_COLUMNS, "domain", "city_zh", "city_en", "province", "admin_level",
    "published", "sentence",
)

#: ``data/processed/panel.csv`` (DESIGN.md, table "panel").
PANEL_COLUMNS: tuple[str, ...] = (
    "city_zh", "city_en", "province", "admin_level", "period_start", "period_end", "indicator",
    "kind", "value", "lower", "upper", "unit", "n_sources", "release_ids", "conflict", "reference",
)

#: ``data/processed/panel_sources.csv``: one row per panel row × source mention (the panel's key,
#: then the mention's release, offsets and text), the full list behind the bounded ``sources`` cell.
PANEL_SOURCES_COLUMNS: tuple[str, ...] = (
    "city_zh", "period_start", "period_end", "indicator", "kind", "release_id", "start", "end",
    "text",
)

#: ``data/processed/validation_failures.csv``: one row per failed check of a row.
FAILURE_COLUMNS: tuple[str, ...] = (
    "table", "release_id", "row", "column", "check", "value", "sentence",
)


class Mention(NamedTuple):
    """One quantity found in a release: a row of the mentions table.

    ``start``/``end`` index the whole decoded file (BOM removed, line ends untouched);
    ``text == decoded[start:end]``. Optional numbers are ``None`` and optional strings ``""``.
    A named tuple rather than a dataclass: extraction builds one per figure, and a tuple is
    both the cheapest record to build and already the CSV row.
    """

    doc: str
    start: int
    end: int
    text: str
    value: float
    unit: str
    qualifier: str
    lower: float | None
    upper: float | None
    kind: str
    direction: str
    period_start: str
    period_end: str
    modality: str
    indicator: str
    multiple_form: str = ""

    def as_row(self) -> tuple:
        """The values in :data:`MENTION_COLUMNS` order."""
        return tuple(self)


