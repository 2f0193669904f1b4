"""Which period a figure covers, from the time phrases around it.

A release dates its figures with phrases ("2019年", "今年1至5月", "十年来", "截至目前") that govern
the clause they open, and sometimes the rest of the paragraph or a whole section under a heading.
:func:`find_phrases` reads every such phrase of a text once, already resolved to dates against an
:class:`Anchor` (the publication date and the release's reporting period); :func:`resolve` then
picks the governing phrase for one figure from its scopes, innermost first.

Phrases are found on the normalised text (ASCII digits), so offsets are those of that text.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import NamedTuple

#: Congresses and plenums that releases date their achievements from ("党的十八大以来").
ERA_STARTS: dict[str, date] = {
    "十八大": date(2012, 11, 8),
    "十八届三中全会": date(2013, 11, 9),
    "十八届四中全会": date(2014, 10, 20),
    "十九大": date(2017, 10, 18),
    "二十大": date(2022, 10, 16),
    "疫情": date(2020, 1, 1),  # the COVID-19 outbreak: "新冠肺炎疫情发生以来"
}

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_RANGE = r"\s*(?:[-—–~～至到]+)\s*"
_NUMWORD = r"[0-9一二两三四五六七八九十]{1,3}"


def _calendar_part_pattern(prefix: str, *, year_end: bool = True) -> str:
    """Half, quarter, year end (after a year only), months or a day, group names prefixed."""
    months = (
        rf"(?P<{prefix}m1>\d{{1,2}})(?=月|{_RANGE}\d{{1,2}}月)月?份?"
        rf"(?:{_RANGE}(?P<{prefix}m2>\d{{1,2}})月份?)?(?:(?P<{prefix}d>\d{{1,2}})[日号])?"
    )
    return (
        rf"(?:(?P<{prefix}half>上半年|下半年)|第?(?P<{prefix}quarter>[一二三四1-4])季度"
        + (rf"|(?P<{prefix}yearend>底|末)" if year_end else "")
        + rf"|{months})"
    )


#: The characters a time phrase can start with: a lookahead on them lets the regex skip the
#: other positions of a sentence quickly (five times faster on the seed corpus). A digit starts
#: one only when a year, month, quarter or range follows within a few characters: the digits
#: inside other figures (most candidates) are passed over at once.
_FIRST_CHARS = (
    r"(?=[截到自从今本去上下前明次第一二两三四五六七八九十党疫这近过最目当现至全年]"
    r"|[0-9](?:[0-9]{0,3}[年月季\s\-—–~～至到]|[0-9一二两三四五六七八九十]{0,2}年))"
)
_PHRASE = re.compile(
    _FIRST_CHARS + r"(?P<asof>截至|截止到?|到)?"
    r"(?P<since>自|从)?"
    r"(?:"
    rf"(?P<y1>\d{{4}})年?{_RANGE}(?P<y2>\d{{4}})年度?"
    rf"|(?P<y>\d{{4}})年度?{_calendar_part_pattern('y_')}?"
    rf"|(?P<rel>今年|本年|去年|上年|上一年|前年|明年|次年){_calendar_part_pattern('r_')}?"
    rf"|(?<![\d年.])(?P<mo>{_calendar_part_pattern('o_', year_end=False)})"
    r"|(?:党的)?(?P<era>十八届[三四]中全会|十八大|十九大|二十大|疫情)(?:发生)?(?=以来)"
    rf"|(?P<decade>这|近|过去|最近)?(?P<n>{_NUMWORD})年(?(decade)来?|来)"
    r"|(?P<now>目前|当前|现在|至今)|(?P<today>今天|今日)|(?P<wholeyear>全年|年内|年度内)"
    r"|(?P<onward>下一步|今后)"
    r")"
    r"(?P<suffix>(?:以来|起|开始|至今))?"
)
#: Words right before a time phrase that make it a comparison base ("较2010年下降").
_BASE_BEFORE = ("较", "比", "与", "同", "是", "对比", "低于", "高于", "相比")
#: Words right after a time phrase that make it a comparison base ("上年同期的2倍").
_BASE_AFTER = ("同期", "相比", "相较", "水平")


class Period(NamedTuple):
    """A span of days; either end may be unknown (``None``). (A named tuple: one is made for
    every figure, at a third of a frozen dataclass's cost.)"""

    start: date | None = None
    end: date | None = None

    def iso(self) -> tuple[str, str]:
        """The two ends as ISO strings, empty when unknown (the mentions table's form)."""
        return (
            self.start.isoformat() if self.start else "",
            self.end.isoformat() if self.end else "",
        )


@dataclass(frozen=True)
class Anchor:
    """What relative phrases resolve against: the release's publication date and reporting period."""

    published: date | None = None
    reporting: Period = field(default_factory=Period)

    @property
    def as_of(self) -> date | None:
        """The date the release's figures stand at: its reporting period's end, else publication."""
        return self.reporting.end or self.published


@dataclass(frozen=True)
class PeriodPhrase:
    """A time phrase found in a text, resolved.

    ``as_of`` phrases (截至…, 目前, 年底) name the date a state holds at: they give only an end.
    ``until`` phrases (截至…) open a cumulative list that may run over several sentences.
    ``day`` phrases name one day (an event's date). ``resolved`` is false for a relative
    phrase with nothing to resolve it against: it still governs (the period is then unknown).
    """

    pos: int
    end_pos: int
    period: Period
    as_of: bool = False
    day: bool = False
    until: bool = False
    resolved: bool = True


def find_phrases(text: str, anchor: Anchor) -> list[PeriodPhrase]:
    """Every time phrase of ``text`` that can date a figure, in text order."""
    phrases = []
    for match in _PHRASE.finditer(text):
        if (
            match.end() == match.start()
            or _is_comparison_base(text, match)
            or _in_a_name(text, match)
        ):
            continue
        phrase = _phrase(match, anchor, text)
        if phrase is not None:
            phrases.append(phrase)
    return phrases


def resolve(scopes: Iterable[Sequence[PeriodPhrase]], anchor: Anchor, *, stock: bool) -> Period:
    """The period of one figure, from its scopes' phrases, innermost scope and nearest phrase first.

    The first phrase that is not a single day governs (a day dates an event, not the figures
    around it); with none, the reporting period. A stock is a state at a date: both ends become
    its as-of date, the end of the governing period. Under an as-of phrase (截至…, 目前) a
    cumulative flow ends at that date and starts where an outer phrase (a day included) starts,
    else its start is unknown.
    """
    ordered = list(chain.from_iterable(scopes))
    index = None
    for position, phrase in enumerate(ordered):
        if not phrase.day:
            index = position
            break
    if index is None:
        period = anchor.reporting
    elif not ordered[index].resolved:
        return Period()
    elif ordered[index].as_of and not stock:
        end = ordered[index].period.end
        starts = (p.period.start for p in ordered[:index] + ordered[index + 1 :] if p.period.start)
        return Period(next((s for s in starts if end is None or s <= end), None), end)
    else:
        period = ordered[index].period
    return Period(period.end, period.end) if stock else period


def _in_a_name(text: str, match: re.Match[str]) -> bool:
    """A year inside a book or document title ("《…2019年…》"), or naming an event in the middle
    of a clause ("结合2015年世界休闲体育大会的筹办"): part of a name, not the period of a figure."""
    pos = match.start()
    if text.rfind("《", 0, pos) > text.rfind("》", 0, pos):
        return True
    bare_year = (
        match["y"]
        and not match["since"]
        and not match["asof"]
        and match.end() == match.end("y") + 1
    )  # "2015年" and nothing more
    mid_clause = pos > 0 and text[pos - 1] not in _BOUNDARY_CHARS
    return bool(bare_year and mid_clause and _EVENT_NAME.match(text, match.end()))


_EVENT_NAME = re.compile(
    r"[^\s,;。!?:、“”《》()]{0,12}?"
    r"(?:大会|会议|年会|运动会|奥运会|冬奥会|亚运会|全运会|锦标赛|联赛|博览会|世博会|交易会|展览会|洽谈会"
    r"|峰会|论坛|艺术节|文化节|旅游节|啤酒节|电影节)"
)


def _is_comparison_base(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 2) : match.start()]
    after = text[match.end() : match.end() + 2]
    return before.endswith(_BASE_BEFORE) or after.startswith(_BASE_AFTER)


def _phrase(match: re.Match[str], anchor: Anchor, text: str) -> PeriodPhrase | None:
    groups = match.groupdict()
    span = _span(groups, anchor, text, *match.span())
    if span is None:
        return None
    period, day = span
    pos, end_pos = match.span()
    if period is _UNRESOLVED:
        return PeriodPhrase(pos, end_pos, Period(), resolved=False)
    if groups["suffix"] or groups["since"] or groups["era"] or _closes_with_after(text, end_pos):
        # without a date to run to (a bare file, 从2018年开始), the start is still known
        return PeriodPhrase(pos, end_pos, Period(period.start, anchor.as_of))
    if groups["asof"] or groups["now"] or _part(groups, "yearend"):
        return PeriodPhrase(
            pos, end_pos, Period(None, period.end), as_of=True, until=bool(groups["asof"])
        )
    return PeriodPhrase(pos, end_pos, period, day=day)


_UNRESOLVED = Period()
_BOUNDARY_CHARS = frozenset(",;。!?:,;!?:")
_AFTER = re.compile(r"[^,;。!?]{0,16}?(?:之后|以后|后)(?=[,;。!?])")


def _closes_with_after(text: str, pos: int) -> bool:
    """ "去年市环食药侦支队挂牌后,…": the figures of the clause run from then on."""
    return _AFTER.match(text, pos) is not None


def _span(
    groups: dict[str, str | None], anchor: Anchor, text: str, pos: int, end: int
) -> tuple[Period, bool] | None:
    """The dates a phrase names (``_UNRESOLVED`` when relative to an unknown date), and whether
    it names a single day; ``None`` when the match is not a period after all."""
    y1, y2 = groups["y1"], groups["y2"]
    if y1 and y2:  # the pattern matches both years or neither
        first, last = int(y1), int(y2)
        return (Period(date(first, 1, 1), date(last, 12, 31)), False) if first <= last else None
    if groups["y"]:
        return _calendar_part(int(groups["y"]), groups, "y_")
    if groups["rel"]:
        if anchor.published is None:
            return _UNRESOLVED, False
        return _calendar_part(anchor.published.year + _relative_year(groups["rel"]), groups, "r_")
    if groups["mo"]:
        return _month_only(groups, anchor)
    if groups["era"]:
        return Period(ERA_STARTS[groups["era"]], None), False
    if groups["n"]:
        return _years_back(groups, anchor) if _opens_clause(text, pos, end) else None
    if groups["now"]:
        return (Period(None, anchor.as_of), False) if anchor.as_of else (_UNRESOLVED, False)
    if groups["wholeyear"]:
        return _whole_year(anchor)
    if groups["today"]:
        published = anchor.published
        return (Period(published, published), False) if published else (_UNRESOLVED, False)
    if groups["onward"]:  # "下一步,…", "今后": the work ahead, from publication, end open
        return (Period(anchor.published, None), False) if anchor.published else (_UNRESOLVED, False)
    return None


def _whole_year(anchor: Anchor) -> tuple[Period, bool]:
    """ "全年", "年内": the reporting period when it is one calendar year, else the as-of year."""
    start, end = anchor.reporting.start, anchor.reporting.end
    if start and end and start.year == end.year:
        return Period(date(start.year, 1, 1), date(end.year, 12, 31)), False
    if anchor.as_of is None:
        return _UNRESOLVED, False
    return Period(date(anchor.as_of.year, 1, 1), date(anchor.as_of.year, 12, 31)), False


def _opens_clause(text: str, pos: int, end: int) -> bool:
    """ "近五年," or ",十年来…": a span phrase that dates its clause, not a modifier of a noun
    ("梳理近5年来涉养老诈骗未破案件")."""
    return (
        pos == 0
        or text[pos - 1] in _BOUNDARY_CHARS
        or end == len(text)
        or text[end] in _BOUNDARY_CHARS
    )


def _relative_year(word: str) -> int:
    return {
        "今年": 0,
        "本年": 0,
        "去年": -1,
        "上年": -1,
        "上一年": -1,
        "前年": -2,
        "明年": 1,
        "次年": 1,
    }[word]


def _part(groups: dict[str, str | None], name: str) -> str | None:
    return groups.get(f"y_{name}") or groups.get(f"r_{name}") or groups.get(f"o_{name}")


def _calendar_part(
    year: int, groups: dict[str, str | None], prefix: str
) -> tuple[Period, bool] | None:
    """A year, or the half, quarter, months or day of it that the phrase names."""
    get = lambda name: groups.get(prefix + name)  # noqa: E731 - a local shorthand
    if not 1900 <= year <= 2100:
        return None
    if get("half"):
        first = 1 if get("half") == "上半年" else 7
        return Period(date(year, first, 1), _month_end(year, first + 5)), False
    if named_quarter := get("quarter"):
        quarter = "一二三四".find(named_quarter) + 1 or int(named_quarter)
        return Period(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)), False
    if first_month := get("m1"):
        return _months(year, int(first_month), get("m2"), get("d"))
    return Period(date(year, 1, 1), date(year, 12, 31)), False


def _months(year: int, first: int, last: str | None, day: str | None) -> tuple[Period, bool] | None:
    final = int(last) if last else first
    if not 1 <= first <= final <= 12:
        return None
    if day:
        if not 1 <= int(day) <= calendar.monthrange(year, first)[1]:
            return None
        moment = date(year, first, int(day))
        return Period(moment, moment), True
    return Period(date(year, first, 1), _month_end(year, final)), False


def _month_only(groups: dict[str, str | None], anchor: Anchor) -> tuple[Period, bool] | None:
    """A month, half or quarter without a year ("10月", "6月27日") is the latest one that begins
    on or before publication."""
    if anchor.published is None:
        return _UNRESOLVED, False
    span = _calendar_part(anchor.published.year, groups, "o_")
    if span is not None and span[0].start and span[0].start > anchor.published:
        span = _calendar_part(anchor.published.year - 1, groups, "o_")
    return span


def _years_back(groups: dict[str, str | None], anchor: Anchor) -> tuple[Period, bool] | None:
    """ "近五年", "十年来", "这十年": the calendar years that many back from the as-of date's year,
    to the as-of date (a 2023 release's 十年来 starts on 2013-01-01), whatever year the
    release is from; the congress eras (十八大以来) are phrases of their own."""
    count = _small_number(groups["n"] or "")  # "" is no number: None
    if count is None or not 1 <= count <= 50:
        return None
    end = anchor.as_of
    if end is None:
        return _UNRESOLVED, False
    return Period(date(end.year - count, 1, 1), end), False


def _small_number(word: str) -> int | None:
    """An integer written in ASCII digits or simple Chinese numerals up to 99."""
    if word.isdigit():
        return int(word)
    if "十" in word:
        tens, _, units = word.partition("十")
        head = _CN_DIGITS.get(tens, 1) if tens else 1
        tail = _CN_DIGITS.get(units, 0) if units else 0
        return head * 10 + tail
    return _CN_DIGITS.get(word) if len(word) == 1 else None


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


#: Verbs that make a count a stock: things built, set up or staffed exist at a date.
_STOCK_VERBS = re.compile(
    r"建成|建立|成立|设立|设有|共有|现有|已有|拥有|配备|配齐|划分|组建|组成|打造|登记|注册|入驻|挂牌"
    r"|覆盖|涵盖|采集|搭建|安装"
)
#: A publication byline: a date with a time of day ("2020-04-15 13:28").
#: (The lookbehind follows the first digit, so that the search skips to digits at once.)
_BYLINE = re.compile(r"(\d(?<!\d\d)\d{3})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*\d{1,2}:\d{2}")
_FULL_DATE = re.compile(r"(?<!\d)(\d{4})(?:年(\d{1,2})月(\d{1,2})日|-(\d{1,2})-(\d{1,2})(?!\d))")


def names_a_stock(clause: str) -> bool:
    """True when a clause counts things that exist at a date ("共建成…", "配备…", "现有…")."""
    return _STOCK_VERBS.search(clause) is not None


def infer_published(text: str, head: str) -> date | None:
    """A publication date read off a release without a manifest row.

    A byline (a date with a time of day) anywhere in ``text``, else the first full date in
    ``head`` (the opening paragraphs, where a dateline stands); ``None`` when neither exists.
    """
    byline = _BYLINE.search(text)
    if byline:
        return _safe_date(*map(int, byline.groups()))
    for match in _FULL_DATE.finditer(head):
        year, month, day = (int(g) for g in match.groups() if g)
        found = _safe_date(year, month, day)
        if found:
            return found
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
