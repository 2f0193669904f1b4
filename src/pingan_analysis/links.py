"""Links from a number in a report to the characters it came from.

Every release has a reader page ``reports/releases/<release_id>.html`` whose mentions carry the
anchor ``id="m<start>-<end>"`` (character offsets into the release text, end exclusive). The
notebook reports live in ``reports/html/``, the index page in ``reports/``; ``mention_href``
gives the relative link from either. The panel's ``sources`` cell lists every mention a panel
row rests on as ``release_id:start-end`` joined by ``;``; ``parse_sources`` reads it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from pingan_analysis.exceptions import DataError

#: Relative path from a report folder (under ``reports/``) to ``reports/releases/``.
_RELEASES_FROM: dict[str, str] = {"html": "../releases/", "": "releases/"}

#: The last item of a bounded sources cell (see panel.build).
_MORE = re.compile(r"\+\d+ more \(panel_sources\.csv\)")
_HASH_TAIL = re.compile(r"-[0-9a-f]{8}$")
_SOURCE = re.compile(r"^(?P<release_id>\S+):(?P<start>\d+)-(?P<end>\d+)$")


@dataclass(frozen=True)
class SourceRef:
    """One source mention of a panel row: a release and a character span in its text."""

    release_id: str
    start: int
    end: int

    def href(self, from_dir: str = "html") -> str:
        """The link to this mention in its release's reader page."""
        return mention_href(self.release_id, self.start, self.end, from_dir)

    @property
    def label(self) -> str:
        """A short label: the release id without its trailing content hash, and the offset
        (``qingdao-2020-04-08 @1563``)."""
        return f"{_HASH_TAIL.sub('', self.release_id)} @{self.start}"


def mention_href(release_id: str, start: int, end: int, from_dir: str = "html") -> str:
    """Relative link to the mention ``start``-``end`` in the reader page of ``release_id``.

    ``from_dir`` is the folder of the page holding the link, relative to ``reports/``:
    ``"html"`` for the notebook reports, ``""`` for ``reports/index.html``.
    """
    if from_dir not in _RELEASES_FROM:
        raise ValueError(f"from_dir must be one of {sorted(_RELEASES_FROM)}, not {from_dir!r}")
    if not release_id or "/" in release_id or release_id in {".", ".."}:
        raise ValueError(f"not a release id: {release_id!r}")
    if not 0 <= start <= end:
        raise ValueError(f"not a character span: {start}-{end}")
    return f"{_RELEASES_FROM[from_dir]}{quote(release_id)}.html#m{start}-{end}"


def release_href(release_id: str, from_dir: str = "html") -> str:
    """Relative link to the reader page of ``release_id`` (see :func:`mention_href`)."""
    return mention_href(release_id, 0, 0, from_dir).split("#", 1)[0]


def parse_sources(cell: str, *, where: str = "panel.csv sources") -> list[SourceRef]:
    """The mentions listed in a panel ``sources`` cell, in their order.

    Accepts ``;`` with or without spaces around it; an empty cell has no sources. The last item
    of a long list, ``+N more (panel_sources.csv)``, is skipped: that table lists every source.
    A malformed item raises :class:`DataError` naming it, since a broken source would be a
    broken link.
    """
    refs: list[SourceRef] = []
    for item in (part.strip() for part in cell.split(";")):
        if not item or _MORE.fullmatch(item):
            continue
        match = _SOURCE.match(item)
        if match is None:
            raise DataError(
                f"source {item!r} is not release_id:start-end",
                where=where,
                fix="rebuild the panel with `pingan run`; sources are written by the panel step",
            )
        start, end = int(match["start"]), int(match["end"])
        if end < start:
            raise DataError(
                f"source {item!r} ends before it starts",
                where=where,
                fix="rebuild the panel with `pingan run`; sources are written by the panel step",
            )
        refs.append(SourceRef(match["release_id"], start, end))
    return refs


def format_sources(refs: list[SourceRef]) -> str:
    """The ``sources`` cell for ``refs``: the inverse of :func:`parse_sources`."""
    return ";".join(f"{ref.release_id}:{ref.start}-{ref.end}" for ref in refs)
