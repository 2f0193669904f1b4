"""The HTML pages' templates (jinja2, shipped with the package) and the one stylesheet they share.

Every page of ``reports/`` (the index, the validation report, the reader pages, the data
dictionary) extends ``page.html.j2``, which inlines ``pingan.css``: a page opens offline and
needs nothing beside it. The exported notebooks use ``notebook.html.j2`` (an nbconvert
template) with the same stylesheet. Autoescape is on: a value is escaped unless a template
marks it otherwise, so release text and user-supplied fields always show as text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES_DIR = Path(__file__).resolve().parent


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["web_url"] = web_url
    env.filters["thousands"] = thousands
    env.filters["number"] = number
    return env


def render(template: str, **context: object) -> str:
    """The page ``template`` (a file of this folder) filled with ``context``."""
    return environment().get_template(template).render(**context)


def web_url(url: str) -> str:
    """``url`` if it is an http(s) address, else ``""``: only those become links."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


def thousands(number: int | float | str) -> str:
    """``12345`` → ``12,345``; text that is not a number passes unchanged."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return str(number)


def number(text: str) -> str:
    """A table's number for reading: thousands separators, no exponent, no trailing zeros."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def interval(lower: str, upper: str, unit: str) -> str:
    """The interval the words allow: ``29,000–30,000 个``, ``≥ 98 %``, or ``open``."""
    if lower and upper:
        shown = number(lower) if lower == upper else f"{number(lower)}–{number(upper)}"
    elif lower:
        shown = f"≥ {number(lower)}"
    elif upper:
        shown = f"≤ {number(upper)}"
    else:
        return "open: the words give no bound"
    return with_unit(shown, unit)


def period(start: str, end: str) -> str:
    """``as of 2019-12-31`` for a stock, ``2019-01-01 – 2019-12-31`` for a flow."""
    if start and start == end:
        return f"as of {start}"
    if start or end:
        return f"{start or '…'} – {end or '…'}"
    return "unknown"


def signed(value: str, kind: str, unit: str) -> str:
    """A panel value as read: changes signed and worded (``▼ 36.01% down``, ``▲ 3 pp up``,
    ``▲ 2.4 分 up``), other figures with their unit."""
    if not kind.startswith("change_") or kind == "change_multiple":
        return with_unit(number(value), unit)
    try:
        amount = float(value)
    except ValueError:
        return value
    arrow, word = ("▼", "down") if amount < 0 else ("▲", "up") if amount > 0 else ("", "unchanged")
    size = {
        "change_pct": f"{number(str(abs(amount)))}%",
        "change_pp": f"{number(str(abs(amount)))} pp",
    }.get(kind) or with_unit(number(str(abs(amount))), unit)
    return f"{arrow} {size} {word}".strip()


def with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}".strip() if unit else text
