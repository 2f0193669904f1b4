"""Measure words and symbols the grammar accepts after a number, and what each one means.

A number counts as a quantity only when a unit follows it, so these tables decide most of what
is and is not a quantity: a bare ``2019`` or ``12348`` has no unit, ``15大攻势`` has none either.
Units are matched longest first (``人次`` before ``人``, ``个百分点`` before ``个``).

Measure words of things counted come from two places: the hand-kept :data:`COUNT_UNITS`
(measurements and the words the seed releases use) and the package's ``data/classifiers.csv``,
every classifier of the CC-CEDICT dictionary (``CL:`` notes), each marked as a count, a count
except after a lone small numeral (二道, 四面: words and names), or excluded (月, 点, 发 …: a
calendar unit, the decimal point, or the start of a common word after a figure).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

#: Calendar and clock units: dates, years, times of day, durations and streaks. A number with one
#: of these is dropped (DESIGN.md: dates are not quantities; durations are optional), except an
#: aggregate scaled by 万/亿 such as 节约时间80万余小时. ``个多月`` keeps 多 inside the unit.
TIME_UNITS: tuple[str, ...] = (
    "个多月",
    "个余月",
    "个半月",
    "个多小时",
    "个小时",
    "个工作日",
    "个季度",
    "个星期",
    "个月",
    "周年",
    "年度",
    "工作日",
    "小时",
    "分钟",
    "季度",
    "星期",
    "年",
    "月",
    "日",
    "号",
    "天",
    "时",
    "秒",
    "周",
)

#: Percentage symbols (value as written) and 成 (tenths: 三成 → 30%).
PERCENT_UNITS: tuple[str, ...] = ("%", "％")
TENTHS_UNIT = "成"
#: Percentage points; both spellings are reported with the unit 个百分点.
POINT_UNITS: tuple[str, ...] = ("个百分点", "百分点")
MULTIPLE_UNIT = "倍"

#: Money. The multiplier is scaled into the value, so 万元 and 亿元 are reported as 元.
MONEY_UNITS: tuple[str, ...] = ("美元", "港元", "欧元", "元")

#: Measure words of things counted. 件(次) is written with its parenthesis and reported as 件次.
COUNT_UNITS: tuple[str, ...] = (
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "人次",
    "件次",
    "户次",
    "家次",
    "架次",
    "车次",
    "起次",
    "场次",
    "公顷",
    "公里",
    "千米",
    "公斤",
    "千克",
    "方面",
    "人天",
    "人日",
    "课时",
    "学时",
    "人",
    "名",
    "位",
    "起",
    "件",
    "宗",
    "例",
    "次",
    "处",
    "家",
    "户",
    "所",
    "个",
    "条",
    "项",
    "部",
    "辆",
    "台",
    "支",
    "座",
    "张",
    "路",
    "笔",
    "篇",
    "份",
    "种",
    "类",
    "场",
    "批",
    "套",
    "间",
    "只",
    "头",
    "艘",
    "架",
    "枚",
    "把",
    "根",
    "块",
    "棵",
    "株",
    "栋",
    "幢",
    "轮",
    "组",
    "吨",
    "克",
    "斤",
    "亩",
    "米",
    "方",
)

#: The score unit: 安全指数91.3分 is a score, 提高2.4分 a change in points (kinds score and
#: change_score). 分 is read only after Arabic digits and never before the characters of
#: :data:`SCORE_NOT_BEFORE` (分钟, 三分之一, 分局, 分公司 …); 十分 after a Chinese numeral means "very".
SCORE_UNIT = "分"
SCORE_NOT_BEFORE = "钟之局队社院行公号类支所站期区县部级别批布管会"

#: ``data/classifiers.csv``'s uses: a count after any number, a count except after a lone small
#: numeral, not a unit.
_COUNT, _NOT_AFTER_SMALL, _EXCLUDED = "count", "not_after_small_numeral", "excluded"


def _classifier_rows() -> list[dict[str, str]]:
    """The classifier table's rows, its uses checked (see the module docstring)."""
    source = resources.files("pingan_analysis") / "data" / "classifiers.csv"
    # Traversable.open takes no newline=, and csv needs the line ends untranslated
    with io.TextIOWrapper(source.open("rb"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    uses = {row["use"] for row in rows}
    unknown = sorted(uses - {_COUNT, _NOT_AFTER_SMALL, _EXCLUDED})
    if unknown:
        raise ValueError(
            f"{source}: unknown use {unknown}; use count, not_after_small_numeral or excluded"
        )
    return rows


_CLASSIFIER_ROWS = _classifier_rows()
_CLASSIFIER_USES = {row["classifier"]: row["use"] for row in _CLASSIFIER_ROWS}
#: Classifiers that are no unit before some characters (通 in 通过, 通报): classifier → those.
CLASSIFIER_NOT_BEFORE: dict[str, str] = {
    row["classifier"]: row["not_before"] for row in _CLASSIFIER_ROWS if row["not_before"]
}
#: Classifiers of the dictionary table that count things (both non-excluded uses).
CLASSIFIERS: tuple[str, ...] = tuple(
    c for c, use in _CLASSIFIER_USES.items() if use != _EXCLUDED and c not in COUNT_UNITS
)
#: Compounds of a classifier with 次 (辆次, 台次, 艘次): counts of trips or uses, one word.
PER_TIME_UNITS: tuple[str, ...] = tuple(
    c + "次" for c in (*COUNT_UNITS, *CLASSIFIERS) if len(c) == 1 and c != "次"
)

#: Measure words that a small Chinese numeral (二 to 九, 两) does not count: with them it names a
#: series of campaigns or networks (六场战役, 春夏秋冬四场攻势, 八张网) or a category system
#: (八类主要刑事案件), which DESIGN.md and the gold annotations leave out.
#: Counts of listed items (四项指标, 八项举措, 五方面工作) stay quantities, as in the gold
#: annotations; names written with 大 (六大领域, 15大攻势) have no unit at all.
#: The classifiers marked ``not_after_small_numeral`` join them (二道区, 四面八方, 两节).
SMALL_NUMERAL_NAMES: frozenset[str] = frozenset(
    {"场", "张", "类", *(c for c, use in _CLASSIFIER_USES.items() if use == _NOT_AFTER_SMALL)}
)
#: 一 alone is mostly an article (一个, 一家, 一起案件); it counts only in 一倍 and 一个百分点.
ONE_UNITS: frozenset[str] = frozenset({MULTIPLE_UNIT, *POINT_UNITS})

#: Political formulae that read like counts but are slogans (DESIGN.md: slogans are not quantities).
#: They are matched whole and skipped, like quoted names.
SLOGANS: tuple[str, ...] = (
    "五位一体",
    "四个全面",
    "四个意识",
    "四个自信",
    "两个维护",
    "两个确立",
    "两个一百年",
    "三个代表",
    "四个服从",
    "三个务必",
    "八项规定",
    "两学一做",
    "三严三实",
    "一岗双责",
)

#: 成 is not "tenths" when it starts a word (成为, 成立, 成功, 成员, …).
TENTHS_NOT_BEFORE = "为立功员果效本交型就熟长绩品"


#: Families of measure words that count the same sort of thing: a count indicator accepts every
#: measure word of its own unit's family (cameras: 个 处 路 台 套 …; people: 人 名 位 …), so a
#: correct figure is never refused for the measure word a release happens to use. Any measure
#: word not listed counts things.
_PERSONS = frozenset({"人", "名", "位", "人次", "户", "户次", "名次", "口", "人天", "人日"})
UNIT_FAMILIES: dict[str, frozenset[str]] = {
    "persons": _PERSONS,
    #: every classifier compound with 次 (辆次, 艘次) counts occurrences, except of persons
    "events": frozenset(
        {
            "件",
            "起",
            "宗",
            "例",
            "次",
            "件次",
            "起次",
            "批次",
            "场次",
            "笔",
            "期",
            "批",
            "场",
            "轮",
            "次数",
            "单",
            "案",
            "架次",
            "车次",
            "家次",
            "遍",
            "趟",
            "通",
            "桩",
            *(u for u in PER_TIME_UNITS if u not in _PERSONS),
        }
    ),
    "money": frozenset(MONEY_UNITS),
    "measurements": frozenset(
        {
            "平方公里",
            "平方千米",
            "平方米",
            "立方米",
            "公顷",
            "公里",
            "千米",
            "公斤",
            "千克",
            "吨",
            "克",
            "斤",
            "亩",
            "米",
            "方",
        }
    ),
    "percent": frozenset({*PERCENT_UNITS, "%"}),
    "scores": frozenset({SCORE_UNIT}),
}
_FAMILY_OF = {unit: family for family, units in UNIT_FAMILIES.items() for unit in units}


def unit_family(unit: str) -> str:
    """The family (:data:`UNIT_FAMILIES`) of a measure word; ``things`` for any other."""
    return _FAMILY_OF.get(unit, "things")
