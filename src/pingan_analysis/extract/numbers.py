"""What a number token is worth: Arabic or Chinese numerals, with the multipliers 百/千/万/亿.

The grammar (:mod:`pingan_analysis.extract.grammar`) decides *where* a number is and what the
words around it mean; this module only turns one isolated token into its value. Qualifier words
(余, 多, 数十, 近) are the grammar's business and are refused here.

Values are computed as :class:`~decimal.Decimal` so that ``11.74亿`` is exactly 1174000000 and
the 余/多 interval ends (value + one unit of the last digit) carry no binary rounding.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

import cn2an

MULTIPLIER_VALUES: dict[str, int] = {"百": 10**2, "千": 10**3, "万": 10**4, "亿": 10**8}

_ARABIC = re.compile(
    r"(?P<int>[0-9]{1,3}(?:[, ][0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?(?P<mult>[百千]?万?亿?)"
)
_CHINESE = re.compile(
    r"(?P<num>[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?)(?P<mult>[万亿]*)"
)
_TRAILING_MULTIPLIER = re.compile(r"[百千万亿]+$")
_COMPOUND = re.compile(r"(?P<high>[0-9]+(?:\.[0-9]+)?)(?P<unit>[万亿])(?P<low>[0-9]+[百千万]?)")


def parse_number(token: str) -> float:
    """The value of one number token, e.g. ``"1,200"`` → 1200.0, ``"2.9万"`` → 29000.0.

    Accepts Arabic numerals (thousands separators ``,``/``，`` or a space only before groups of exactly
    three digits, decimals, full-width digits), Chinese numerals (``一万二千三百四十五``,
    ``两千``, ``十三点五``) and either followed by 百/千/万/亿 (``3千万``, ``1.2万亿``).
    Raises :class:`ValueError` for anything else, including ``80余万`` and ``数十``.
    """
    return float(parse_decimal(token))


@lru_cache(maxsize=4096)
def parse_decimal(token: str) -> Decimal:
    """:func:`parse_number` as an exact :class:`~decimal.Decimal` (cached: the same short
    tokens, 1, 2, 100, 13.5, recur throughout a corpus)."""
    if token.isascii() and token.isdigit():  # the usual token, read directly
        return Decimal(token)
    text = unicodedata.normalize("NFKC", token).strip()
    arabic = _ARABIC.fullmatch(text)
    if arabic:
        whole = arabic["int"].replace(",", "").replace(" ", "")
        digits = whole + ("." + arabic["frac"] if arabic["frac"] else "")
        return Decimal(digits) * multiplier_value(arabic["mult"])
    compound = _COMPOUND.fullmatch(text)
    if compound:  # 2万3千, 3万5000, 1亿2000万
        high = parse_decimal(compound["high"]) * MULTIPLIER_VALUES[compound["unit"]]
        low = parse_decimal(compound["low"])
        if low >= MULTIPLIER_VALUES[compound["unit"]]:
            raise ValueError(f"not a number: {token!r}")
        return high + low
    chinese = _CHINESE.fullmatch(text)
    if chinese:
        return _chinese_value(chinese["num"]) * multiplier_value(chinese["mult"])
    raise ValueError(f"not a number: {token!r}")


@lru_cache(maxsize=64)
def multiplier_value(multipliers: str) -> Decimal:
    """The product of a run of multiplier characters: ``"千万"`` → 10^7, ``""`` → 1."""
    value = Decimal(1)
    for char in multipliers:
        value *= MULTIPLIER_VALUES[char]
    return value


def split_multiplier(token: str) -> tuple[str, str]:
    """Split a token into its core and trailing multipliers: ``"三万"`` → (``"三"``, ``"万"``).

    A token that is nothing but multipliers (``"万"``) or has none keeps its whole text as core.
    """
    trailing = _TRAILING_MULTIPLIER.search(token)
    if not trailing or trailing.start() == 0:
        return token, ""
    return token[: trailing.start()], trailing.group()


@lru_cache(maxsize=1024)
def last_digit_step(value: Decimal) -> Decimal:
    """One unit of the last non-zero digit of a value: 7600 → 100, 29000 → 1000, 3.5 → 0.1.

    Used for the 余/多 interval, [value, value + step]. Trailing zeros as written never count
    as "last digit" (2.90万 and 2.9万 are the same figure). Cached: normalising costs ten
    hash lookups, and equal values (2.90, 2.9) have the same step, so the cache cannot mix them.
    """
    if value == 0:
        return Decimal(1)
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or infinity: no digits to step
        raise ValueError(f"no last digit in {value}")
    return Decimal(1).scaleb(exponent)


@lru_cache(maxsize=4096)
def _chinese_value(numeral: str) -> Decimal:
    """Convert one isolated Chinese numeral: the integer part with cn2an's strict mode (两 read
    as 二), the digits after 点 one by one (cn2an refuses a trailing 零 there)."""
    whole, _, fraction = numeral.partition("点")
    text = whole.replace("两", "二")
    if text[0] in "百千万亿":
        text = "一" + text
    try:
        integer = Decimal(int(cn2an.cn2an(text, "strict")))
    except (ValueError, KeyError, IndexError) as error:
        raise ValueError(f"not a Chinese numeral: {numeral!r}") from error
    if not fraction:
        return integer
    return integer + Decimal("0." + fraction.translate(_CHINESE_DIGITS))


_CHINESE_DIGITS = str.maketrans("零〇一二三四五六七八九", "00123456789")
