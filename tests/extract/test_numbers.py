"""Tests of extract/numbers.py: what one isolated number token is worth."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.extract.numbers import (
    last_digit_step,
    multiplier_value,
    parse_decimal,
    parse_number,
    split_multiplier,
)

FORMS = [
    ("2300", 2300),
    ("1,200", 1200),
    ("1，200", 1200),
    ("12,345,678", 12345678),
    ("1,200.5", 1200.5),
    ("3 106", 3106),  # a space between digit groups, as typeset statistics write them
    ("45 390", 45390),
    ("1 200.5", 1200.5),
    ("3.5", 3.5),
    ("０", 0),
    ("１２", 12),
    ("２．５", 2.5),
    ("2.9万", 29000),
    ("11.74亿", 1174000000),
    ("11.5674亿", 1156740000),
    ("448.47万", 4484700),
    ("3千万", 30000000),
    ("1.2万亿", 1200000000000),
    ("5千", 5000),
    ("一万二千三百四十五", 12345),
    ("两千", 2000),
    ("两万三千", 23000),
    ("十三点五", 13.5),
    ("三十", 30),
    ("十", 10),
    ("十五", 15),
    ("一千零五", 1005),
    ("八十万", 800000),
    ("三千万", 30000000),
    ("十三点五万", 135000),
    ("百", 100),
    ("万", 10000),
]


@pytest.mark.parametrize(("token", "value"), FORMS)
def test_parses_supported_forms(token: str, value: float) -> None:
    assert parse_number(token) == value


NOT_NUMBERS = [
    "80余万",  # 余 is the grammar's business
    "数十",
    "几十",
    "1,2000",  # a separator must be followed by exactly three digits
    "1,20",
    "1.2.3",
    "",
    "abc",
    "三四五",  # not a numeral: "three, four, five"
    "七五",
    "二〇一九",  # a year written digit by digit
    "12%",
]


@pytest.mark.parametrize("token", NOT_NUMBERS)
def test_refuses_what_is_not_one_number(token: str) -> None:
    with pytest.raises(ValueError):
        parse_number(token)


@pytest.mark.parametrize(
    ("value", "step"),
    [
        ("7600", "100"),
        ("29000", "1000"),
        ("10000", "10000"),
        ("800000", "100000"),
        ("3000", "1000"),
        ("3723000000", "1000000"),
        ("3.5", "0.1"),
        ("20", "10"),
        ("7", "1"),
    ],
)
def test_last_digit_step_is_one_unit_of_the_last_nonzero_digit(value: str, step: str) -> None:
    assert last_digit_step(Decimal(value)) == Decimal(step)


def test_multipliers_multiply() -> None:
    assert multiplier_value("千万") == 10**7
    assert multiplier_value("万亿") == 10**12
    assert multiplier_value("") == 1


@pytest.mark.parametrize(
    ("token", "parts"),
    [
        ("三万", ("三", "万")),
        ("十三万", ("十三", "万")),
        ("3千万", ("3", "千万")),
        ("万", ("万", "")),
        ("两", ("两", "")),
        ("400", ("400", "")),
    ],
)
def test_split_multiplier(token: str, parts: tuple[str, str]) -> None:
    assert split_multiplier(token) == parts


# --- generated forms -------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def _chinese_section(n: int) -> str:
    """0 < n < 10000 in Chinese, with 零 for inner gaps (1005 → 一千零五)."""
    out, gap = [], False
    for power, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // power % 10
        if digit == 0:
            gap = gap or bool(out)
            continue
        if gap:
            out.append("零")
            gap = False
        out.append(_CN_DIGITS[digit] + name)
    return "".join(out)


def chinese_numeral(n: int, *, short_ten: bool = False, liang: bool = False) -> str:
    """An integer below 10^12 written in Chinese numerals, independently of cn2an."""
    if n == 0:
        return "零"
    out, gap = "", False
    for group, name in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if group == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _chinese_section(group) + name
        gap = False
    if short_ten and out.startswith("一十"):
        out = out[1:]
    if liang and out[0] == "二" and len(out) > 1 and out[1] in "千万亿":
        out = "两" + out[1:]
    return out


@given(st.integers(min_value=0, max_value=10**12 - 1), st.booleans(), st.booleans())
def test_chinese_integers_parse_back(n: int, short_ten: bool, liang: bool) -> None:
    assert parse_number(chinese_numeral(n, short_ten=short_ten, liang=liang)) == n


@given(st.integers(min_value=0, max_value=99999), st.integers(min_value=1, max_value=99))
def test_chinese_decimals_parse_back(whole: int, fraction: int) -> None:
    digits = str(fraction)
    token = chinese_numeral(whole) + "点" + "".join(_CN_DIGITS[int(d)] for d in digits)
    assert parse_decimal(token) == Decimal(f"{whole}.{digits}")


@given(st.integers(min_value=0, max_value=10**15), st.booleans(), st.booleans())
def test_arabic_integers_parse_back(n: int, separators: bool, full_width: bool) -> None:
    token = f"{n:,}" if separators else str(n)
    if full_width:
        token = token.translate(_FULL_WIDTH)
    assert parse_number(token) == n


@given(
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "百", "千", "万", "亿", "千万", "万亿"]),
)
def test_arabic_decimals_with_multipliers_parse_back(number: Decimal, multiplier: str) -> None:
    token = f"{number:f}" + multiplier
    assert parse_decimal(token) == number * multiplier_value(multiplier)
    assert parse_number(token) == float(number * multiplier_value(multiplier))


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["万", "亿"]))
def test_chinese_with_multiplier_parse_back(n: int, multiplier: str) -> None:
    assert parse_number(chinese_numeral(n) + multiplier) == n * multiplier_value(multiplier)
