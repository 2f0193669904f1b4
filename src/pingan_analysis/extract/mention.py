"""The row record of the extractor: one quantity mention, in the registry's column order."""

from __future__ import annotations

from typing import NamedTuple


class Mention(NamedTuple):
    """One quantity found in a release: a row of the ``extract`` table of the registry
    (:data:`pingan_analysis.registry.MENTION_COLUMNS`, checked by a test).

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
    #: The phrase the figure measures, as written (专职网格员, 群众安全感); filled whether or
    #: not an indicator matched.
    subject: str = ""

    def as_row(self) -> tuple:
        """The values in :data:`~pingan_analysis.registry.MENTION_COLUMNS` order."""
        return tuple(self)
