"""The package's page templates: one stylesheet, autoescape, and numbers written for reading."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.templates import TEMPLATES_DIR, interval, number, render, signed, web_url


def test_pages_inline_the_one_stylesheet_and_escape_what_they_are_given() -> None:
    page = render("page.html.j2", title="<script>x</script>", root="../")
    assert (TEMPLATES_DIR / "pingan.css").read_text(encoding="utf-8").strip() in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
    assert '<a href="../index.html">' in page
    assert not [p for p in TEMPLATES_DIR.iterdir() if p.suffix == ".css" and p.name != "pingan.css"]
    # nbconvert finds its lab template as index.html.j2 through this folder: never shadow it
    assert not (TEMPLATES_DIR / "index.html.j2").exists()


def test_only_http_addresses_become_links() -> None:
    assert web_url(" https://www.qingdao.gov.cn/a?b=1 ") == "https://www.qingdao.gov.cn/a?b=1"
    assert web_url("http://x.org") == "http://x.org"
    for url in (
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "//x.org",
        "x.org",
        "https://",
        "",
    ):
        assert web_url(url) == ""


def test_numbers_and_intervals_read_as_written() -> None:
    assert number("1174000000") == "1,174,000,000" and number("13.5") == "13.5"
    assert number("1.5e9") == "1,500,000,000" and number("0.000125") == "0.000125"
    assert number("n/a") == "n/a"
    assert interval("29000", "30000", "个") == "29,000–30,000 个"
    assert interval("98", "", "%") == "≥ 98 %" and interval("", "5", "") == "≤ 5"
    assert interval("", "", "") == "open: the words give no bound"
    assert signed("-36.01", "change_pct", "%") == "▼ 36.01% down"
    assert (
        signed("3", "change_pp", "") == "▲ 3 pp up"
        and signed("48600", "count", "个") == "48,600 个"
    )
    assert (
        signed("2.4", "change_score", "分") == "▲ 2.4 分 up"
        and signed("0", "change_pct", "%") == "0% unchanged"
    )


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_a_number_never_shows_an_exponent(value: float) -> None:
    shown = number(repr(value))
    assert "e" not in shown.lower()
    assert abs(float(shown.replace(",", "")) - value) <= 1e-6 * max(1.0, abs(value))
