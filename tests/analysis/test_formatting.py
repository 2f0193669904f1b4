"""Reader-facing formatting: numbers, changes, intervals, periods, plurals, excerpts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.analysis import formatting as fmt


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (29000.0, "29,000"),
        (36.01, "36.01"),
        (36.0100, "36.01"),
        (1.5e9, "1,500,000,000"),
        (-36.01, "−36.01"),
        (0.0042, "0.0042"),
        (0, "0"),
        (float("nan"), "—"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_number(value: object, shown: str) -> None:
    assert fmt.number(value) == shown


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_number_is_never_scientific_and_reads_back(value: float) -> None:
    shown = fmt.number(value)
    assert "e" not in shown.lower()
    back = float(shown.replace(",", "").replace("−", "-"))
    assert back == pytest.approx(value, rel=0.05, abs=0.006)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (-36.01, "%", "▼ 36.01% 下降"),
        (12.5, "%", "▲ 12.5% 上升"),
        (0, "%", "■ 0% 持平"),
        (-3, "个百分点", "▼ 3个百分点 下降"),
        (2.5, "per 10k residents", "▲ 2.5 per 10,000 residents 上升"),
        (float("nan"), "%", "—"),
    ],
)
def test_change_is_signed_and_worded(value: float, unit: str, shown: str) -> None:
    assert fmt.change(value, unit) == shown


@pytest.mark.parametrize(
    ("lower", "upper", "unit", "shown"),
    [
        (29000, 30000, "个", "29,000–30,000个"),
        (98, None, "%", "≥ 98%"),
        (None, 30000, "起", "≤ 30,000起"),
        (5, 5, "个", "exact"),
        (None, None, "个", "approximate (约, 左右)"),
        (1e9, 2e9, "元", "1,000,000,000–2,000,000,000元"),
    ],
)
def test_interval(lower: object, upper: object, unit: str, shown: str) -> None:
    assert fmt.interval(lower, upper, unit) == shown


@pytest.mark.parametrize(
    ("lower", "upper", "shown"),
    [
        (-37, -36, "▼ 36–37% 下降"),
        (-36, None, "▼ ≤ 36% 下降"),
        (None, -36, "▼ ≥ 36% 下降"),
        (10, 20, "▲ 10–20% 上升"),
        (-5, 5, "−5 to 5% (rise or fall)"),
    ],
)
def test_change_interval_reads_in_the_change_words(
    lower: object, upper: object, shown: str
) -> None:
    assert fmt.interval(lower, upper, "%", signed_change=True) == shown


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2019-01-01", "2019-12-31", "2019"),
        ("2019-01-01", "2019-05-31", "2019-01-01 – 2019-05-31"),
        ("2019-12-31", "2019-12-31", "as of 2019-12-31"),
        (None, "2019-12-31", "to 2019-12-31"),
        (None, None, "unknown"),
        ("2012-11-08", "2022-05-31", "2012-11-08 – 2022-05-31"),
    ],
)
def test_period(start: object, end: object, shown: str) -> None:
    assert fmt.period(start, end) == shown


def test_plural() -> None:
    assert fmt.plural(1, "figure") == "1 figure"
    assert fmt.plural(2, "figure") == "2 figures"
    assert fmt.plural(0, "city", "cities") == "0 cities"
    assert fmt.plural(1200, "mention") == "1,200 mentions"


@given(st.text(min_size=0, max_size=300), st.text(min_size=1, max_size=8), st.integers(0, 300))
def test_excerpt_never_cuts_the_figure(sentence: str, figure: str, at: int) -> None:
    at = min(at, len(sentence))
    full = sentence[:at] + figure + sentence[at:]
    before, shown, after = fmt.excerpt(full, figure, width=40)
    if " ".join(full.split()).find(figure) >= 0:
        assert shown == figure
        assert len(before) <= 41 and len(after) <= 41
    else:
        assert shown == ""


def test_excerpt_keeps_a_short_sentence_whole() -> None:
    assert fmt.excerpt("刑事案件立案数下降36.01%。", "36.01%") == (
        "刑事案件立案数下降",
        "36.01%",
        "。",
    )
    long = "甲" * 200 + "36.01%" + "乙" * 200
    assert "".join(fmt.excerpt(long, "36.01%")) == long


def test_share() -> None:
    assert fmt.share(0.4985) == "49.9%"
    assert fmt.share(math.nan) == "—"
