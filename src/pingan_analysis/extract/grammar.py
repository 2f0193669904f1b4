"""The quantity grammar: every figure of a sentence with its unit, qualifier, interval and kind.

:func:`find_quantities` runs one compiled regex over the text (:data:`patterns.QUANTITY`) and
then reads only the few characters around each candidate. The rules, in the order applied:

1. A candidate needs a unit (``units.py``); bare numbers (years, hotlines, phone numbers, list
   markers, ``15大攻势``) have none. Calendar and clock units (dates, durations, streaks) are
   dropped, except an aggregate scaled by 万/亿 (``80万余小时``).
2. Not quantities: anything inside a short quoted name (a quotation holding clause or sentence
   punctuation is speech and is read) or a book title; a numeral inside a place name or idiom
   (五家渠市, 四面八方: :func:`names_holding_numerals`); 十分, 三分之一 and clock minutes (9时30分)
   for 分; a number right after 第,
   届, 前 (a rank; not in 目前/当前/此前), a letter, ``·``, ``+``, ``*``, ``/`` or a dotted/colon/dash digit; a Chinese numeral glued
   to Arabic digits (``6955十户``); 一 alone (an article) except 一倍/一个百分点; 二–九 alone
   counting 场, 张 or 类 (六场战役, 八张网, 八类主要刑事案件: names). Counts of listed items
   (四项指标, …等15种情形) are quantities, as in the gold annotations.
3. Span: from the number (qualifier words before it are outside) through multiplier, 余/多 and
   unit (``2.9万多个``, ``1万多件(次)``); 以上/左右 after the unit are outside, following
   ``data/annotations/README.md``. ``百分之三十`` and ``数十万`` include their prefix.
4. Qualifier and interval per DESIGN.md. A qualifier word before the number wins over 余/多 or
   以上 after it (``约15万余人次`` is approx). 数十/几百 is a range [2, 9] × the multiplier;
   two adjacent digits (三四百) a range of both × the multiplier; 来 (五十来人) approx; a range's
   multiplier belongs to both ends (三至五万元); 2万3千 and 1亿2000万 are one figure; 九成二 is
   92%, 两成多 [20, 30]; ``10万元(含)以上`` is a lower bound whose span ends with the unit; a
   space may stand before a multiplier, around a range's dash and after a multiplier.
5. Kind: % / 百分之 / 成 → percent, or change_pct after a verb of change (同比, 了, 分别 and
   达/为 may stand between; 下降到/降至 give a level); 个百分点 → change_pp; 倍 → change_multiple
   ("increase" after a verb of increase, else "ratio"); 分 → score, or change_score after a verb
   of change; money → amount; else count. A figure
   joined by 、/和/及/与 to a change just before it shares that change (``分别下降36.01%、85.7%``).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import NamedTuple

from pingan_analysis.corpus.gazetteer import place_names
from pingan_analysis.extract import patterns
from pingan_analysis.extract.numbers import (
    last_digit_step,
    multiplier_value,
    parse_decimal,
    split_multiplier,
)
from pingan_analysis.extract.units import (
    COUNT_UNITS,
    MONEY_UNITS,
    MULTIPLE_UNIT,
    ONE_UNITS,
    PERCENT_UNITS,
    POINT_UNITS,
    SCORE_UNIT,
    SMALL_NUMERAL_NAMES,
    TENTHS_UNIT,
)

__all__ = ["Quantity", "find_quantities", "names_holding_numerals"]

_FUZZY_RANGE = frozenset("数几")
_FUZZY_UPPER = frozenset("近")
_SUFFIX_QUALIFIERS = {
    "以上": "lower",
    "以下": "upper",
    "以内": "upper",
    "左右": "approx",
    "上下": "approx",
}
#: A small Chinese numeral alone (两, 六): a name with some units, an article as 一.
_SMALL_CHINESE = frozenset("一二两三四五六七八九")
_HUNDRED = Decimal(100)
_CONNECTORS = frozenset("、和及与")
#: Chinese numeral characters: a figure starting with one may be part of a place name or idiom.
_CHINESE_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿")
#: 三四百, 两三个, 七八十万: two adjacent digits, then the multiplier both share.
_ADJACENT = re.compile(r"([一二两三四五六七八])([二三四五六七八九])((?:十|百|千)?万?亿?)")
#: The first characters of :data:`_ADJACENT`: a token starting otherwise (any Arabic figure) is
#: not matched against it.
_ADJACENT_FIRST = frozenset("一二两三四五六七八")
_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
#: 前 glued to a number is a rank (前三名), but not in 目前, 当前, 此前, 之前, 以前, 提前, 日前.
_TIME_BEFORE_QIAN = frozenset("目当此之以提日")
#: The hour mark of a clock time: the 分 after it counts minutes (9时30分).
_CLOCK_HOUR = frozenset("时点")


class Quantity(NamedTuple):
    """One figure found in a string: offsets (end exclusive) and its reading.

    ``value`` is in base units (万/亿 scaled, 万元 → 元); ``lower``/``upper`` bound what the
    words allow (None where open); ``qualifier`` is one of ``tables.QUALIFIERS``, ``kind`` one
    of ``tables.MENTION_KINDS``; ``direction`` is "up"/"down" for changes, "" otherwise;
    ``multiple_form`` is "increase" (提高1.1倍) or "ratio" (是…的2倍) for multiples, else "".
    A named tuple: immutable, and made for every figure at a third of a frozen dataclass's cost.
    """

    start: int
    end: int
    value: float
    unit: str
    qualifier: str
    lower: float | None
    upper: float | None
    kind: str
    direction: str
    multiple_form: str


class _Numeral(NamedTuple):
    """The number part of a candidate before context is read: span start, value, interval."""

    start: int
    value: Decimal
    qualifier: str
    lower: Decimal | None
    upper: Decimal | None
    small_chinese: bool


class _Context(NamedTuple):
    """What the words right before a number say about it."""

    direction: str
    level: bool
    qualifier: str
    blocked: bool
    connector_at: int


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text`` (one normalised sentence, or any string), in order."""
    found: list[Quantity] = []
    previous = None
    for match in patterns.QUANTITY.finditer(text):
        skip, unit, time, pct = match.group("skip", "unit", "time", "pct")
        if skip is None and (unit or time or pct):  # a figure needs a unit
            quantity = _read(text, match, previous, "%" if pct else _unit(match, unit, time), pct)
            if quantity is not None and not (
                text[quantity.start] in _CHINESE_NUMERALS and _in_name(text, quantity.start)
            ):
                found.append(quantity)
                previous = quantity
    return found


def _in_name(text: str, start: int) -> bool:
    """Whether the numeral at ``start`` is part of a place name (五家渠市, 二道区, 七里河区) or an
    idiom (四面八方, 一五一十) written around it: a set lookup for every word length and offset."""
    names, lengths = names_holding_numerals()
    for length in lengths:
        for first in range(max(0, start - length + 1), start + 1):
            if text[first : first + length] in names:
                return True
    return False


@cache
def names_holding_numerals() -> tuple[frozenset[str], tuple[int, ...]]:
    """Place names (:func:`~pingan_analysis.corpus.gazetteer.place_names`) and idioms
    (``data/idioms_with_numerals.csv``) holding a Chinese numeral, and their lengths.

    A two-character short form that is just a numeral and a measure word (三台 of 三台县, 三元
    of 三元区) is left out: alone it is as likely a count (三台设备); the full name stays."""
    source = resources.files("pingan_analysis") / "data" / "idioms_with_numerals.csv"
    # Traversable.open takes no newline=, and csv needs the line ends untranslated
    with io.TextIOWrapper(source.open("rb"), encoding="utf-8", newline="") as handle:
        idioms = {row["idiom"] for row in csv.DictReader(handle)}
    measure_words = {*COUNT_UNITS, *MONEY_UNITS, *patterns.CLASSIFIER_CHARS}
    places = {
        name
        for name in place_names()
        if _CHINESE_NUMERALS.intersection(name)
        and not (len(name) == 2 and name[1] in measure_words)
    }
    names = frozenset(places | idioms)
    return names, tuple(sorted({len(name) for name in names}))


def _read(
    text: str,
    match: re.Match[str],
    previous: Quantity | None,
    unit: str | None,
    pct: str | None,
) -> Quantity | None:
    """The quantity of a candidate with its unit (see :func:`_unit`), or None if it is none;
    ``pct`` is the candidate's 百分之 group."""
    if unit is None:
        return None
    if unit == SCORE_UNIT and not _score_number(text, match):
        return None
    if pct:
        suffix_group = "pct_suffix"
        numeral = _percent_words(match)
    else:
        suffix_group = "suffix"
        numeral = _numeral(match)
    if numeral is None:
        return None
    context = _context(text, match.start() if pct else numeral.start)
    if _excluded(numeral, unit, context):
        return None
    suffix = match[suffix_group]
    end = match.start(suffix_group) if suffix else match.end()
    if not pct and match["inclusive2"]:
        end = match.start("inclusive2")  # 10万元(含)以上: the span ends with the unit
    if unit == TENTHS_UNIT:
        numeral = _tenths_as_percent(numeral, match["tenth"], match["tenth_more"])
    kind, direction, form = _kind(unit, numeral.value, context, previous)
    qualifier, lower, upper = _interval(numeral, context.qualifier, suffix, kind)
    # positional, in field order: half the cost of keywords, for every figure
    return Quantity(
        numeral.start,
        end,
        float(numeral.value),
        _reported_unit(unit),
        qualifier,
        _float(lower),
        _float(upper),
        kind,
        direction,
        form,
    )


def _score_number(text: str, match: re.Match[str]) -> bool:
    """Whether the number before 分 is a score: written in Arabic digits (十分 is "very", 三分之一
    a fraction) and not the minutes of a clock time (9时30分, 9点30分)."""
    number = match["number"]
    if not number or not number[0].isdigit():
        return False
    start = match.start("number")
    return not (start and text[start - 1] in _CLOCK_HOUR)


def _percent_words(match: re.Match[str]) -> _Numeral | None:
    """百分之三十, 百分之13.5: a percent whose span includes 百分之."""
    try:
        value = parse_decimal(match["pct_number"])
    except ValueError:
        return None
    return _Numeral(match.start(), value, "exact", value, value, small_chinese=False)


def _numeral(match: re.Match[str]) -> _Numeral | None:
    """The number of a candidate: a plain figure, a range, 数十/上亿 or a bare 万余."""
    fuzzy, bare, second = match.group("fuzzy", "bare", "number2")
    try:
        if fuzzy is not None:
            return _fuzzy(match)
        if bare is not None:
            return _approximate(match.start(), parse_decimal(bare))
        if second is not None:
            return _range(match)
        return _figure(match)
    except ValueError:
        return None


def _figure(match: re.Match[str]) -> _Numeral:
    token, mult, approx1, approx2, approx3, about = match.group(
        "number", "mult", "approx1", "approx2", "approx3", "about"
    )
    mult = mult or ""
    start = match.start("number")
    if not mult and token[0] in _ADJACENT_FIRST:
        adjacent = _ADJACENT.fullmatch(token)
        if adjacent is not None:
            return _adjacent(start, adjacent)
    value = parse_decimal(token + mult)
    if approx1 or approx2 or approx3:
        return _approximate(start, value)
    if about:  # 五十来人: about fifty
        return _Numeral(start, value, "approx", None, None, False)
    small = token in _SMALL_CHINESE and not mult
    return _Numeral(start, value, "exact", value, value, small)


def _adjacent(start: int, adjacent: re.Match[str]) -> _Numeral:
    """三四百 is a range [300, 400]; 两三 [2, 3] (a small count, never a name's numeral)."""
    first, second, mult = adjacent.groups()
    if _DIGIT_VALUES[second] != _DIGIT_VALUES[first] + 1:
        raise ValueError(f"not two adjacent digits: {adjacent.group()}")
    scale = parse_decimal("一" + mult) if mult else Decimal(1)
    low, high = _DIGIT_VALUES[first] * scale, _DIGIT_VALUES[second] * scale
    return _Numeral(start, (low + high) / 2, "range", low, high, False)


def _approximate(start: int, value: Decimal) -> _Numeral:
    """余/多: [value, value + one unit of the last non-zero digit, times the multiplier]."""
    return _Numeral(start, value, "lower", value, value + last_digit_step(value), False)


def _range(match: re.Match[str]) -> _Numeral:
    """300-400户, 两到三万, 1万(含)-5万元: the second end's multiplier carries to a bare first."""
    first, first_mult = match["number"], match["mult"] or ""
    second = match["number2"] + (match["mult2"] or "")
    high = parse_decimal(second)
    core, trailing = split_multiplier(second)
    low = parse_decimal(first + first_mult)
    if (
        trailing
        and not first_mult
        and split_multiplier(first)[1] == ""
        and low < parse_decimal(core)
    ):
        low *= multiplier_value(trailing)
    if low >= high:
        raise ValueError(f"not a range: {first}…{second}")
    small = high < 10 and match["number2"] in _SMALL_CHINESE
    return _Numeral(match.start("number"), (low + high) / 2, "range", low, high, small)


def _tenths_as_percent(numeral: _Numeral, tenth: str | None, more: str | None) -> _Numeral:
    """三成 is 30%: 成 counts tenths; 九成二 is 92%, 两成多 20–30%."""
    if tenth and numeral.qualifier == "exact":
        value = numeral.value + Decimal(_DIGIT_VALUES[tenth]) / 10
        numeral = numeral._replace(value=value, lower=value, upper=value)
    elif more and numeral.qualifier == "exact":
        numeral = _approximate(numeral.start, numeral.value)
    return numeral._replace(
        value=numeral.value * 10,
        lower=None if numeral.lower is None else numeral.lower * 10,
        upper=None if numeral.upper is None else numeral.upper * 10,
    )


def _fuzzy(match: re.Match[str]) -> _Numeral:
    """数十/几百 (range [2, 9] × multiplier), 上亿/过万/超万/逾千 (lower), 近万 (upper)."""
    word, mult = match["fuzzy"], _fuzzy_multiplier(match["fuzzy_mult"])
    if word in _FUZZY_RANGE:
        low, high = 2 * mult, 9 * mult
        return _Numeral(match.start("fuzzy"), (low + high) / 2, "range", low, high, False)
    qualifier = "upper" if word in _FUZZY_UPPER else "lower"
    return _Numeral(match.start("fuzzy_mult"), mult, qualifier, None, None, False)


def _fuzzy_multiplier(word: str) -> Decimal:
    """十, 百, 十万 … as a value (十 is not a multiplier after Arabic digits, but is after 数)."""
    return parse_decimal(word) if word[0] == "十" else multiplier_value(word)


def _unit(match: re.Match[str], unit: str | None, time: str | None) -> str | None:
    """The unit as reported (``unit``, ``time``: the match's groups), 次 appended for 件(次);
    None when there is none or it is time."""
    if time is not None:
        return time if _scaled_time(match) else None
    if unit is None:
        return None
    if match["tenth"] or match["tenth_more"]:
        return TENTHS_UNIT
    return unit + "次" if match["times"] else unit


def _scaled_time(match: re.Match[str]) -> bool:
    """An amount of time scaled by 万/亿 (节约时间80万余小时) is an aggregate, not a duration."""
    number = (match["number"] or "") + (match["mult"] or "") + (match["bare"] or "")
    return "万" in number or "亿" in number or match["fuzzy_mult"] is not None


def _context(text: str, start: int) -> _Context:
    # BEFORE always matches: at worst the empty string at the number's start
    before = patterns.BEFORE.search(text, max(0, start - patterns.WINDOW), start)
    assert before is not None, "BEFORE matches the empty string"
    if before.start() == start:  # no verb or qualifier word: the usual figure
        connector_at = start - 1 if start and text[start - 1] in _CONNECTORS else -1
        return _Context("", False, "", _glued(text, start), connector_at)
    up, down, to, lower, upper, approx = before.group(
        "up", "down", "to", "lower", "upper", "approx"
    )
    qualifier = "lower" if lower else "upper" if upper else "approx" if approx else ""
    anchor = before.start(qualifier) if qualifier else start  # where the qualifier word starts
    # a list connector right before the number or its qualifier word: it may share the change
    # verb of the figure before it (分别下降36.01%、85.7%)
    connector_at = anchor - 1 if anchor and text[anchor - 1] in _CONNECTORS else -1
    return _Context(
        "up" if up else "down" if down else "",
        bool(to),
        qualifier,
        _glued(text, start),
        connector_at,
    )


def _glued(text: str, start: int) -> bool:
    """Whether an ordinal mark, a letter or a code's digit is glued to the number at ``start``.

    The regex ``patterns.GLUED`` searched in the two characters before ``start``, written out
    as character tests (a regex search costs as much as the whole rest of :func:`_context`);
    as ``$`` does, a line break may stand between the mark and the number.
    """
    last = text[start - 1] if start else ""
    if last in patterns.GLUED_MARKS:
        return not (last == "前" and start > 1 and text[start - 2] in _TIME_BEFORE_QIAN)
    if start < 2:
        return False
    return (text[start - 2] in patterns.GLUED_DIGITS and last in patterns.GLUED_SEPARATORS) or (
        last == "\n" and text[start - 2] in patterns.GLUED_MARKS
    )


def _excluded(numeral: _Numeral, unit: str, context: _Context) -> bool:
    if context.blocked or not numeral.small_chinese:
        return context.blocked
    if numeral.value == 1:
        return unit not in ONE_UNITS
    return unit in SMALL_NUMERAL_NAMES


def _kind(
    unit: str, value: Decimal, context: _Context, previous: Quantity | None
) -> tuple[str, str, str]:
    """(kind, direction, multiple_form) of a figure from its unit and the verb before it."""
    direction = "" if context.level else context.direction
    if unit in PERCENT_UNITS or unit == TENTHS_UNIT:
        if direction:
            return "change_pct", direction, ""
        return _shared_change(previous, context, "change_pct") or ("percent", "", "")
    if unit in POINT_UNITS:
        shared = _shared_change(previous, context, "change_pp")
        return shared or ("change_pp", direction, "")
    if unit == SCORE_UNIT:
        if direction:
            return "change_score", direction, ""
        return _shared_change(previous, context, "change_score") or ("score", "", "")
    if unit == MULTIPLE_UNIT:
        if direction == "up":
            return "change_multiple", "up", "increase"
        shared = _shared_change(previous, context, "change_multiple")
        return shared or ("change_multiple", _ratio_direction(value), "ratio")
    return ("amount" if unit in MONEY_UNITS else "count"), "", ""


def _shared_change(
    previous: Quantity | None, context: _Context, kind: str
) -> tuple[str, str, str] | None:
    """A list member without its own verb (分别下降36.01%、85.7%) shares the first one's."""
    if (
        context.direction == ""
        and previous is not None
        and previous.kind == kind
        and previous.end == context.connector_at
    ):
        return previous.kind, previous.direction, previous.multiple_form
    return None


def _ratio_direction(value: Decimal) -> str:
    return "up" if value > 1 else "down" if value < 1 else ""


def _interval(
    numeral: _Numeral, prefix: str, suffix: str | None, kind: str
) -> tuple[str, Decimal | None, Decimal | None]:
    """Qualifier and interval: a range stands; a word before the number wins over 余/以上."""
    if numeral.qualifier == "range":
        return "range", numeral.lower, numeral.upper
    qualifier = prefix or (numeral.qualifier if numeral.qualifier != "exact" else "")
    if not qualifier and suffix:
        qualifier = _SUFFIX_QUALIFIERS[suffix]
    value = numeral.value
    if qualifier == "lower":
        if numeral.qualifier == "lower" and not prefix and numeral.upper is not None:
            return "lower", value, numeral.upper
        return "lower", value, _HUNDRED if kind == "percent" and value <= _HUNDRED else None
    if qualifier == "upper":
        return "upper", None, value
    if qualifier == "approx":
        return "approx", None, None
    return "exact", value, value


def _reported_unit(unit: str) -> str:
    """Percent symbols and 成 are reported as %, percentage points as 个百分点, money as is."""
    if unit in PERCENT_UNITS or unit == TENTHS_UNIT:
        return "%"
    if unit in POINT_UNITS:
        return POINT_UNITS[0]
    return unit


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
