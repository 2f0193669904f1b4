"""The grammar's compiled regular expressions, built once at import.

:data:`QUANTITY` finds every candidate in one pass: a number (Arabic, Chinese, 百分之…, 数十,
上亿, 万余) with its multiplier, 余/多, an optional range's second end, the unit and a trailing
qualifier word. Short quoted names (“6955十户联防”, “3个100%”) and book titles (《…27条措施》)
and political formulae (四个全面, 八项规定) are matched as ``skip`` so that nothing inside them is
read. :data:`BEFORE` and the ``GLUED_*`` sets read the few characters before a candidate (verbs
of change and qualifier words, searched only in a short window ending at the number; 第 and
codes).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from pingan_analysis.extract.units import (
    CLASSIFIER_NOT_BEFORE,
    CLASSIFIERS,
    COUNT_UNITS,
    MONEY_UNITS,
    MULTIPLE_UNIT,
    PER_TIME_UNITS,
    PERCENT_UNITS,
    POINT_UNITS,
    SCORE_NOT_BEFORE,
    SCORE_UNIT,
    SLOGANS,
    TENTHS_NOT_BEFORE,
    TENTHS_UNIT,
    TIME_UNITS,
)

#: How far back (in characters) the context of a number is read.
WINDOW = 12
#: A quotation longer than this is speech, not a name, and is read like any text.
MAX_QUOTED_NAME = 25
#: A short quotation holding one of these is speech too (他说:“今年共破获案件860余起。”): a
#: programme name (“6955十户联防”, “3个100%”) has no clause or sentence punctuation.
_CLAUSE_MARKS = ",，。!?！？;；"


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that 人次 wins over 人."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_DIGIT = "[0-9０-９]"
#: Digit groups separated by a comma, or by a space as typeset statistics write them (3 106件,
#: 45 390件; thin and no-break spaces are spaces after ingest). A number never starts just after a
#: digit and a space, so a list written with spaces (110 120 119) is read whole or not at all:
#: without a measure word after it, it is no figure.
_GROUP = rf"[,，\ ]{_DIGIT}{{3}}(?!{_DIGIT})"
_ARABIC = (
    rf"(?<![0-9０-９.．])(?<!{_DIGIT}[ ]){_DIGIT}{{1,3}}(?:{_GROUP})+(?![ ]{_DIGIT})(?:[.．]{_DIGIT}+)?"
    rf"|(?<![0-9０-９.．]){_DIGIT}+(?:[.．]{_DIGIT}+)?"
)
_CHINESE = (
    r"(?<![0-9０-９])[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
    r"|(?<![0-9０-９])零点[零〇一二三四五六七八九]+"
)
#: 2万3千, 3万5000, 1亿2000万: a multiplier inside an Arabic figure (one token for numbers.py).
_COMPOUND = (
    rf"(?<![0-9０-９.．]){_DIGIT}+(?:[.．]{_DIGIT}+)?(?:万{_DIGIT}+[千百]|万{_DIGIT}{{4}}(?!{_DIGIT})"
    rf"|亿{_DIGIT}+(?:[千百]?万))"
)
_NUMBER = rf"(?:{_COMPOUND}|{_ARABIC}|{_CHINESE})"
#: Multipliers after an Arabic number (3千万, 1.2万亿); 千米/千克 and 百分 are not multipliers.
_MULTIPLIER = r"(?:[百千]?万?亿|[百千]?万|千(?![米克瓦])|百(?!分))"
_RANGE_SEPARATOR = r"(?:[-~～—–]{1,2}|至|到)"
_APPROX_SUFFIX = r"(?:余|多)"

_MEASURE_WORDS = (
    *POINT_UNITS,
    *PER_TIME_UNITS,
    *COUNT_UNITS,
    *MONEY_UNITS,
    *PERCENT_UNITS,
    MULTIPLE_UNIT,
)
#: Single-character classifiers of the dictionary table, as one character class (an alternation
#: of single characters costs a test each; a class one lookup).
CLASSIFIER_CHARS: frozenset[str] = frozenset(c for c in CLASSIFIERS if len(c) == 1)
_CLASSIFIER_CLASS = "".join(
    re.escape(c) for c in sorted(CLASSIFIER_CHARS) if c not in CLASSIFIER_NOT_BEFORE
)
#: Classifiers that are no unit before some characters, each with its lookahead (通(?![过报])).
_GUARDED = "".join(
    f"|{re.escape(c)}(?![{re.escape(chars)}])"
    for c, chars in sorted(CLASSIFIER_NOT_BEFORE.items())
    if c in CLASSIFIER_CHARS
)
#: 分 before seconds (3分30秒) counts minutes.
_SCORE = rf"{SCORE_UNIT}(?![{SCORE_NOT_BEFORE}]|{_DIGIT}{{1,2}}秒)"
#: 九成二 (92%), 两成多 (20–30%): a tenths digit or 余/多 after 成 belongs to the figure.
_TENTHS = (
    rf"{TENTHS_UNIT}(?![{TENTHS_NOT_BEFORE}])"
    r"(?:(?P<tenth>[一二三四五六七八九])(?![十百千万成])|(?P<tenth_more>多|余))?"
)
_UNITS = (
    rf"(?P<time>{_alternation(TIME_UNITS)})"
    rf"|(?P<unit>{_alternation(_MEASURE_WORDS)}|[{_CLASSIFIER_CLASS}]{_GUARDED}|{_SCORE}"
    rf"|{_TENTHS})"
)
_ANY_UNIT = (
    rf"(?:{_alternation((*TIME_UNITS, *_MEASURE_WORDS))}|[{_CLASSIFIER_CLASS}]{_GUARDED}"
    rf"|{_SCORE})"
)

#: Every character a candidate can start with. Testing it first lets the scan skip the text
#: between numbers quickly (three times faster on the seed releases).
_FIRST = "《“‘百0-9０-９零一二两三四五六七八九十数几上过超逾近千万亿"

QUANTITY = re.compile(
    rf"""
    (?=[{_FIRST}])(?:
    (?P<skip>《[^《》\n]{{0,200}}》
      |“[^“”\n{_CLAUSE_MARKS}]{{0,{MAX_QUOTED_NAME}}}”|‘[^‘’\n{_CLAUSE_MARKS}]{{0,{MAX_QUOTED_NAME}}}’
      |{_alternation(SLOGANS)})
    | (?P<pct>百分之)(?P<pct_number>{_ARABIC}|{_CHINESE}|百)(?P<pct_suffix>以上|以下|以内|左右)?
    | (?:
        (?P<fuzzy>数|几|上|过|超|逾|近)(?P<fuzzy_mult>十万|百万|千万|[十百千万亿])
            (?={_APPROX_SUFFIX}?{_ANY_UNIT})
      | (?P<bare>[百千万亿])(?={_APPROX_SUFFIX}{_ANY_UNIT})
      | (?P<number>{_NUMBER})(?P<approx1>{_APPROX_SUFFIX})?\ ?(?P<mult>{_MULTIPLIER})?
            (?P<approx2>{_APPROX_SUFFIX})?
            (?:(?P<inclusive>[(（]含[)）])?(?P<first_unit>[%％])?\ ?{_RANGE_SEPARATOR}\ ?
               (?P<number2>{_NUMBER})\ ?(?P<mult2>{_MULTIPLIER})?)?
      )
      (?P<approx3>{_APPROX_SUFFIX})?
      (?P<about>来(?={_ANY_UNIT}))?
      (?:(?<=[百千万亿])\ )?(?:{_UNITS})?
      (?P<times>[(（]次[)）])?
      (?P<inclusive2>[(（]含[)）](?=以上|以下|以内))?
      (?P<suffix>以上|以下|以内|左右|上下)?
    )""",
    re.VERBOSE,
)

_UP = "上升|提高|增长|增加|增幅|涨幅|提升|上涨|升高|攀升|高出|多出|多了|翻|增|升"
_DOWN = "下降|降低|减少|下滑|降幅|减幅|回落|下跌|缩短|缩减|压降|压减|节省|节约|低出|少了|减|降"
_LOWER = "超过|超出|多于|不少于|至少|不低于|高于|逾|超"
_UPPER = "将近|接近|(?<!附)近|不到|不足|不超过|最多|低于"
_APPROX = "大约|约为|(?<![预签特节制])约"
_FILLER = "了?(?:同比|环比|同环比)?(?:分别)?(?:达到|高达|达|为|是|在)?"


def first_chars(*patterns: str) -> str:
    """The characters a match of any of ``patterns`` can start with, as a character-class body.

    Each top-level alternative must start with a literal character, after at most one
    lookbehind (``(?<!附)近``); a lookahead on these characters lets a search skip the other
    positions at once. Raises ``ValueError`` for any other alternative.
    """
    chars = set()
    for alternative in _top_level_alternatives("|".join(patterns)):
        body = _LEADING_LOOKBEHIND.sub("", alternative, count=1)
        if not body or body[0] in "\\()[].?*+{|^$":
            raise ValueError(f"an alternative does not start with a literal: {alternative!r}")
        chars.add(body[0])
    return "".join(re.escape(char) for char in sorted(chars))


_LEADING_LOOKBEHIND = re.compile(r"^\(\?<[!=](?:\[[^]]*\]|[^)])*\)")


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at the | that stand outside groups and character classes."""
    parts, depth, in_class, start, pos = [], 0, False, 0, 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            pos += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:pos])
            start = pos + 1
        pos += 1
    return [*parts, pattern[start:]]


#: A change verb (with 到/至 when the figure is the level reached) and/or a qualifier word
#: standing right before the number, read backwards from its start. A word must start with one
#: of its first characters, so the search skips the other positions of its window at once;
#: with no word, the match is empty, at the end.
BEFORE = re.compile(
    rf"(?=[{first_chars(_UP, _DOWN, _LOWER, _UPPER, _APPROX)}])"
    rf"(?:(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?P<to>到|至)?{_FILLER})?"
    rf"(?:(?P<lower>{_LOWER})|(?P<upper>{_UPPER})|(?P<approx>{_APPROX}))?$|$"
)
#: What is glued to a number's first character when it is an ordinal, a rank or a code, not a
#: quantity: 第3, 十二届五次, 前三名, G20, 3·29, 1+1, 7*24, 2006.2.6, 13:28, 0532-8591.
#: Read as character tests by ``grammar._glued``: a mark right before the number, or a digit and
#: a separator.
GLUED_MARKS = frozenset("第届前·+*/×#" + string.ascii_letters)
GLUED_DIGITS = frozenset("0123456789０１２３４５６７８９")
GLUED_SEPARATORS = frozenset(".．:：-")
