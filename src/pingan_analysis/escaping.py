"""User-supplied text made safe for the pages the project writes: HTML and Markdown.

Manifest fields, city names, titles and URLs come from users and from releases. Wherever
they are shown they are text, never markup: :func:`html_text` for HTML, :func:`markdown_text`
for Markdown that a notebook displays (a heading, a table cell), which nbconvert and JupyterLab
render to HTML and would otherwise let ``<img onerror=…>`` or ``[x](javascript:…)`` through.
Only ``http``/``https`` URLs become links (:func:`safe_url`); anything else is shown as text.
Stdlib only, so any module may use it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

#: Schemes a link may have.
LINK_SCHEMES = frozenset({"http", "https"})
#: ASCII punctuation that Markdown gives a meaning to; CommonMark lets any of it be backslash-escaped.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


def html_text(text: object) -> str:
    """``text`` as HTML text (element content or a quoted attribute value)."""
    return html.escape("" if text is None else str(text), quote=True)


def markdown_text(text: object) -> str:
    """``text`` as Markdown that renders to exactly that text, on one line.

    Markdown punctuation is backslash-escaped (no emphasis, link, image, heading or list can
    start), then HTML is escaped (no tag or entity of the user's is live); line breaks become
    spaces, so a heading stays one heading.
    """
    one_line = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    return html.escape(_MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line), quote=True)


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute ``http(s)`` URL with a host and no space or control
    character, else ``None`` (``javascript:``, ``data:``, relative and malformed URLs)."""
    if url is None:
        return None
    text = str(url).strip()
    if not text or _CONTROL_OR_SPACE.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None


def html_link(text: object, url: object) -> str:
    """An HTML link to ``url`` showing ``text``; only the escaped text if the URL is not safe."""
    target = safe_url(url)
    if target is None:
        return html_text(text)
    return f'<a href="{html_text(target)}" rel="noopener noreferrer">{html_text(text)}</a>'


def markdown_link(text: object, url: object) -> str:
    """A Markdown link to ``url`` showing ``text``; only the escaped text if the URL is not safe."""
    target = safe_url(url)
    if target is None:
        return markdown_text(text)
    destination = target.replace("<", "%3C").replace(">", "%3E")
    return f"[{markdown_text(text)}](<{destination}>)"
