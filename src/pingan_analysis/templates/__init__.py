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
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["web_url"] = web_url
    env.filters["thousands"] = thousands
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
