"""User-supplied text never becomes live markup: the escaping rule, and the profile heading."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from pingan_analysis.analysis import profile
from pingan_analysis.escaping import html_link, html_text, markdown_link, markdown_text, safe_url
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[c](javascript:alert(1))",
    "![i](http://example.org/x.png)",
    "<script>alert(1)</script>",
    "青岛市\n# <b>second heading</b>",
    "**bold** _em_ `code` <http://example.org>",
    '" onmouseover="alert(1)',
]


def _rendered(markdown: str) -> str:
    """The HTML nbconvert makes of a Markdown cell (what reports/html/*.html hold)."""
    return markdown2html_mistune(markdown)


def _visible(html: str) -> str:
    """The text a browser shows of ``html`` (tags dropped, entities decoded)."""
    import html as html_module

    without_anchor = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", html)
    return html_module.unescape(re.sub(r"<[^>]+>", "", without_anchor))


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_as_the_text_and_no_markup(text: str) -> None:
    html = _rendered(f"## {markdown_text(text)}")
    assert html.count("<h2") == 1 and "<img" not in html and "<script" not in html
    assert "<a href" not in html.replace('<a class="anchor-link"', "")
    assert (
        "<b>" not in html and "<strong>" not in html and "<em>" not in html and "<code>" not in html
    )
    assert _visible(html).strip() == " ".join(text.split("\n"))


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60))
def test_any_text_renders_to_itself_in_a_heading(text: str) -> None:
    html = _rendered(f"## {markdown_text(text)}")
    assert "<img" not in html and "<script" not in html
    expected = " ".join(re.split(r"[\r\n\u2028\u2029]+", text)).strip()
    assert " ".join(_visible(html).split()) == " ".join(expected.split())


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.qingdao.gov.cn/a?b=1&c=2", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.org", False),
        ("www.example.org", False),
        ("http:///nohost", False),
        ("java\tscript:x", False),
        ("https://exa mple.org", False),
        ("", False),
        (None, False),
    ],
)
def test_only_absolute_http_urls_are_links(url: str | None, safe: bool) -> None:
    assert (safe_url(url) is not None) == safe
    link = html_link("source", url)
    assert link.startswith("<a href=") == safe
    assert ("(<" in markdown_link("source", url)) == safe
    assert "javascript" not in _rendered(markdown_link("source", url)).split(">")[0]


def test_links_escape_their_text_and_url() -> None:
    assert html_link("<b>", 'https://example.org/?q="x"') == (
        '<a href="https://example.org/?q=&quot;x&quot;" rel="noopener noreferrer">&lt;b&gt;</a>'
    )
    html = _rendered(markdown_link("[x](javascript:1)", "https://example.org/a>b"))
    assert html.count("<a ") == 1 and 'href="https://example.org/a%3Eb"' in html
    assert html_text(None) == "" and html_text("<&>") == "&lt;&amp;&gt;"


def _indicator_row(city_en: str, city_zh: str) -> dict:
    row = dict.fromkeys(INDICATORS_TABLE_COLUMNS, "")
    row.update(
        release_id="x-2020-01-01-00000000",
        city_en=city_en,
        city_zh=city_zh,
        start=0,
        end=3,
        text="15个",
        value=15,
        lower=15,
        upper=15,
        unit="个",
        kind="count",
        modality="reported",
        indicator="grid_cells",
        domain="grassroots_governance",
    )
    return row


@pytest.mark.parametrize("city_en", ["<img src=x onerror=alert(1)>", "[c](javascript:alert(1))"])
def test_the_profile_heading_of_a_hostile_city_name_is_text(tmp_path: Path, city_en: str) -> None:
    pd.DataFrame([_indicator_row(city_en, "青岛市<script>")]).to_csv(
        tmp_path / "indicators_valid.csv", index=False
    )
    figures = profile.city_figures(city_en, tmp_path)
    html = profile.city_header(figures)
    assert "<img" not in html and "<script" not in html and "javascript:alert(1)</a>" not in html
    assert 'href="javascript' not in html
    assert city_en in _visible(html)
