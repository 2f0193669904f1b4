"""Extraction: every quantity of a release's kept sentences, as a row of the mentions table.

:func:`extract_document` walks the sentences of an ingested :class:`Document` in order,
keeping the state that outlives a sentence (the period phrases that open the paragraph, the
section's heading), and for each quantity the grammar finds it resolves the indicator
(:mod:`.indicators`), the period (:mod:`.periods`) and the modality (:mod:`.modality`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pingan_analysis.corpus.codebook import Codebook, Indicator, load_codebook
from pingan_analysis.corpus.gazetteer import divisions_within
from pingan_analysis.corpus.ingest import Document, ingest_file, split_sentences
from pingan_analysis.extract.grammar import Quantity, find_quantities
from pingan_analysis.extract.indicators import clause_end, clause_start, map_sentence
from pingan_analysis.extract.mention import Mention
from pingan_analysis.extract.modality import (
    TARGET,
    closes_plan_section,
    modality,
    opens_plan_section,
)
from pingan_analysis.extract.periods import (
    Anchor,
    Period,
    PeriodPhrase,
    find_phrases,
    infer_published,
    names_a_stock,
    resolve,
)

__all__ = ["ReleaseContext", "extract_document", "extract_file"]

#: Paragraphs read for a dateline when a release comes without a manifest row.
DATELINE_PARAGRAPHS = 4
FULL_STOPS = ("。", "!", "?", "!", "?")
#: How far back before a figure its own verb is looked for ("新增30多万处").
LEAD_CHARS = 6


@dataclass(frozen=True)
class ReleaseContext:
    """What the manifest says about a release: its id, publication date, reporting period and
    the place it is about (``city_zh``: its districts' figures are parts, not the place's)."""

    release_id: str
    published: date | None
    period_start: date | None
    period_end: date | None
    place: str = ""

    @classmethod
    def from_manifest_row(cls, row: Mapping[str, str]) -> ReleaseContext:
        """The context of a manifest row (dates as ISO text, empty when unknown)."""

        def day(text: str) -> date | None:
            return date.fromisoformat(text) if text else None

        return cls(
            row["release_id"],
            day(row["published"]),
            day(row["period_start"]),
            day(row["period_end"]),
            row.get("city_zh", ""),
        )


def extract_file(
    path: Path, context: ReleaseContext | None = None, codebook: Codebook | None = None
) -> Iterator[tuple[Mention, str]]:
    """The mentions of a text file, each with its source sentence (see :func:`extract_document`)."""
    yield from extract_document(ingest_file(path), context, codebook)


def extract_document(
    doc: Document, context: ReleaseContext | None = None, codebook: Codebook | None = None
) -> Iterator[tuple[Mention, str]]:
    """Every quantity of the document's kept sentences, with the sentence it stands in.

    Offsets and ``text`` index ``doc.original``; the sentence is original text too. Without a
    context, the publication date is read off the text (a byline or dateline) and figures
    without a period phrase get no period.
    """
    sub_units = divisions_within(context.place) if context else frozenset()
    walk = _Walk(doc, _anchor(doc, context), codebook or load_codebook(), sub_units)
    for index, paragraph in enumerate(doc.paragraphs):
        walk.enter_paragraph(index)
        for start, end in split_sentences(doc.text, paragraph.start, paragraph.end):
            mentions = walk.sentence(start, end)
            if mentions:
                yield from mentions


def _anchor(doc: Document, context: ReleaseContext | None) -> Anchor:
    published = context.published if context else None
    if published is None:
        head = "\n".join(doc.text[p.start : p.end] for p in doc.paragraphs[:DATELINE_PARAGRAPHS])
        published = infer_published(doc.text, head)
    reporting = Period(context.period_start, context.period_end) if context else Period()
    return Anchor(published, reporting)


@dataclass
class _Walk:
    """The state of one pass over a document: the current paragraph and section."""

    doc: Document
    anchor: Anchor
    codebook: Codebook
    #: Official names of the divisions inside the release's place (their figures are parts).
    sub_units: frozenset[str]
    #: The period phrase of a reporter's question ("自去年9月以来,…请介绍一下相关情况?"): it
    #: dates the answer that follows, until the next question or a section heading.
    lead: list[PeriodPhrase] = field(default_factory=list)
    #: Phrases of the earlier parts of a sentence cut at ; (a period holds to the full stop),
    #: and 截至 phrases of the paragraph's earlier sentences ("截至目前," opens a list).
    carried: list[PeriodPhrase] = field(default_factory=list)
    heading_phrases: list[PeriodPhrase] = field(default_factory=list)
    in_plan_section: bool = False
    #: The part of the sentence before this one, cut at ; (its text and figures): a part that
    #: opens without a subject ("…下降63.2%;年均下降约10.5%") goes on about the last one's.
    part_before: tuple[str, list[Quantity]] | None = None
    #: The text last read for phrases, and its phrases: a heading or a question is read on
    #: entering its paragraph and again as the paragraph's (usually only) sentence.
    _last_read: tuple[str, list[PeriodPhrase]] = ("", [])

    def sentence(self, start: int, end: int) -> list[tuple[Mention, str]]:
        """The mentions of the sentence ``doc.text[start:end]`` of the current paragraph."""
        text = self.doc.text[start:end]
        quantities = find_quantities(text)
        ends = text.endswith(FULL_STOPS)
        # a sentence without figures matters only for the phrases it carries on
        needed = quantities or not ends or "截" in text or "到" in text
        phrases = self._phrases(text) if needed else []
        mentions = []
        if quantities:
            source = self._original(start, end)
            mapped = self._map(text, quantities)
            mentions = [
                (self._mention(start, text, quantity, indicator, phrases, subject), source)
                for quantity, (indicator, subject) in zip(quantities, mapped, strict=True)
            ]
        if phrases or self.carried:
            carried = [*reversed(phrases), *self.carried]
            self.carried = [p for p in carried if p.until] if ends else carried
        self.part_before = None if ends else (text, quantities)
        return mentions

    def _map(self, text: str, quantities: list[Quantity]) -> list[tuple[Indicator | None, str]]:
        """The indicators of a sentence part's figures, read after the part before it."""
        if self.part_before is None:
            return map_sentence(text, quantities, self.codebook, self.sub_units)
        before, earlier = self.part_before
        shift = len(before)
        moved = [q._replace(start=q.start + shift, end=q.end + shift) for q in quantities]
        joined = map_sentence(before + text, [*earlier, *moved], self.codebook, self.sub_units)
        return joined[len(earlier) :]

    def enter_paragraph(self, index: int) -> None:
        """Start paragraph ``index``: its sentences carry no phrase from the last paragraph."""
        self.carried = []
        self.part_before = None
        paragraph = self.doc.paragraphs[index]
        text = self.doc.text[paragraph.start : paragraph.end]
        if _is_question(text):
            phrases = self._phrases(text)
            self.lead = [p for p in phrases if not (p.day or p.as_of)][:1]
        elif paragraph.is_heading and not text.endswith((":", ":")):
            self.lead = []
            self._enter_heading(text)

    def _enter_heading(self, heading: str) -> None:
        """A heading with a period phrase dates its section; a plan heading makes it targets."""
        phrases = self._phrases(heading)
        if phrases:
            self.heading_phrases = phrases[:1]
        if opens_plan_section(heading) or _after_publication(phrases[:1], self.anchor):
            self.in_plan_section = True
        elif phrases or closes_plan_section(heading):
            self.in_plan_section = False

    def _mention(
        self,
        offset: int,
        text: str,
        quantity: Quantity,
        indicator: Indicator | None,
        phrases: Sequence[PeriodPhrase],
        subject: str,
    ) -> Mention:
        last = clause_end(text, quantity.end)
        before = [p for p in reversed(phrases) if p.end_pos <= quantity.start] if phrases else []
        scopes = (before, self.carried, self.lead, self.heading_phrases)
        stock = _is_stock(quantity, indicator, text, last)
        period = resolve(scopes, self.anchor, stock=stock)
        planned = modality(
            text[:last],
            in_plan_section=self.in_plan_section,
            period_start=period.start,
            published=self.anchor.published,
        )
        if stock and planned == TARGET:
            # a plan's figure ("成立五个工作组" under "2014年工作思路") covers the plan's period;
            # only an achieved stock stands at a date
            period = resolve(scopes, self.anchor, stock=False)
        start, end = self.doc.span_to_original(offset + quantity.start, offset + quantity.end)
        period_start, period_end = period.iso()
        # positional, in Mention's field order: keywords cost a third more, for every figure
        return Mention(
            self.doc.name,
            start,
            end,
            self.doc.original[start:end],
            quantity.value,
            quantity.unit,
            quantity.qualifier,
            quantity.lower,
            quantity.upper,
            quantity.kind,
            quantity.direction,
            period_start,
            period_end,
            planned,
            indicator.id if indicator else "",
            quantity.multiple_form,
            subject,
        )

    def _phrases(self, text: str) -> list[PeriodPhrase]:
        """:func:`find_phrases` of ``text`` (a list its callers only read or copy)."""
        if text != self._last_read[0]:
            self._last_read = (text, find_phrases(text, self.anchor))
        return self._last_read[1]

    def _original(self, start: int, end: int) -> str:
        first, last = self.doc.span_to_original(start, end)
        return self.doc.original[first:last]


def _is_stock(quantity: Quantity, indicator: Indicator | None, text: str, clause_end: int) -> bool:
    """Counts of things that exist (by the codebook, or by verbs like 建成, 配备) and coverage
    shares are stocks, dated at a point; what was added (新增) is a flow, and so is a figure per
    unit (每300-400户…配备1人: a norm or a rate, not a count of what exists).

    ``text`` is the sentence, ``clause_end`` the end of the figure's clause in it."""
    if quantity.kind not in ("count", "percent"):
        return False  # decided before the clause is looked for: changes and amounts are common
    first = clause_start(text, quantity.start)
    before = text[first : quantity.start]
    if "每" in before or "新增" in _lead_words(before):
        return False
    if indicator is not None and indicator.stock:
        return True
    clause = text[first:clause_end]
    if quantity.kind == "percent":
        return "覆盖" in clause
    return names_a_stock(clause)


def _lead_words(before: str) -> str:
    """The few characters before a figure (``before``: its clause up to it), back to 、."""
    lead = before[-LEAD_CHARS:]
    return lead[lead.rfind("、") + 1 :]


def _is_question(paragraph: str) -> bool:
    return "?" in paragraph or "?" in paragraph


def _after_publication(phrases: Sequence[PeriodPhrase], anchor: Anchor) -> bool:
    starts = [p.period.start for p in phrases if p.period.start]
    return bool(starts and anchor.published and starts[0] > anchor.published)
