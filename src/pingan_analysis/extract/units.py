"""Measure words and symbols the grammar accepts after a number, and what each one means.

A number counts as a quantity only when a unit follows it, so these tables decide most of what
is and is not a quantity: a bare ``2019`` or ``12348`` has no unit, ``15大攻势`` has none either.
Units are matched longest first (``人次`` before ``人``, ``个百分点`` before ``个``).
"""
from __future__ import annotations

#: Calendar and clock units: dates, years, times of day, durations and streaks. A number with one
#: of these is dropped (DESIGN.md: dates are not quantities; durations are optional), except an
#: aggregate scaled by 万/亿 such as 节约时间80万余小时. ``个多月`` keeps 多 inside the unit.
TIME_UNITS: tuple[str, ...] = (
    "个多月", "个余月", "个半月", "个多小时", "个小时", "个工作日", "个季度", "个星期", "个月",
    "周年", "年度", "工作日", "小时", "分钟", "季度", "星期", "年", "月", "日", "号", "天",
    "时", "秒", "周",
)

#: Percentage symbols (value as written) and 成 (tenths: 三成 → 30%).
PERCENT_UNITS: tuple[str, ...] = ("%", "％")
TENTHS_UNIT = "成"
#: Percentage points; both spellings are reported with the unit 个百分点.
POINT_UNITS: tuple[str, ...] = ("个百分点", "百分点")
MULTIPLE_UNIT = "倍"

#: Money. The multiplier is scaled into the value, so 万元 and 亿元 are reported as 元.
MONEY_UNITS: tuple[str, ...] = ("美元", "港元", "欧元", "元")

#: Chinese measure words (量词), individual and collective, as the classifier lists of modern
#: Chinese grammars give them (e.g. 《现代汉语量词用法词典》, the Xiandai Hanyu Cidian's 量 entries),
#: less those that are mostly something else after a numeral in these releases: 级 (四级以上
#: is a grade), 岁 (an age), 点 (a time, 三点), 分 (a score, see SCORE_UNIT), 里 and 届.
CLASSIFIERS: tuple[str, ...] = (
    "人", "名", "位", "口", "起", "件", "宗", "例", "次", "回", "遍", "趟", "番", "通",
    "处", "家", "户", "所", "个", "条", "项", "款", "部", "辆", "台", "支", "座", "张", "路",
    "笔", "篇", "份", "种", "类", "场", "批", "套", "间", "只", "头", "匹", "尾", "艘", "架",
    "枚", "把", "根", "块", "棵", "株", "栋", "幢", "轮", "组", "册", "本", "卷", "盏", "幅",
    "堂", "课", "门", "封", "面", "首", "扇", "道", "层", "片", "段", "节", "期", "班", "队",
    "伙", "群", "对", "双", "副", "串", "颗", "粒", "箱", "袋", "瓶", "包", "盒", "桶", "罐",
    "车", "船", "桩", "眼", "孔", "尊", "顶", "床", "桌", "枝", "杆", "列",
)
#: Compound measure words: a classifier times 次 (辆次, 人次: counts of occurrences) and other
#: two-character measures, matched before their first character alone.
COMPOUND_CLASSIFIERS: tuple[str, ...] = tuple(
    f"{head}次" for head in ("人", "件", "户", "家", "架", "车", "起", "场", "辆", "艘", "台",
                             "批", "班", "趟", "个", "条", "项", "宗", "例", "所", "处", "队")
) + ("人天", "人日", "课时", "学时", "方面")
MEASURES: tuple[str, ...] = (
    "平方公里", "平方千米", "平方米", "立方米", "公顷", "公里", "千米", "公斤", "千克",
    "吨", "克", "斤", "亩", "米", "方",
)
#: Measure words of things counted. 件(次) is written with its parenthesis and reported as 件次.
COUNT_UNITS: tuple[str, ...] = tuple(dict.fromkeys(
    (*MEASURES, *COMPOUND_CLASSIFIERS, *CLASSIFIERS)))
#: Scores on a scale (安全指数91.3分; a change 提高2.4分): kind ``score``, or ``change_score``
#: after a verb of change. Only after Arabic digits: 十分 is an adverb (very).
SCORE_UNIT = "分"
#: 分 is not a score before these (分钟 is time, 三分之一 a fraction, 分别, 分局, …).
SCORE_NOT_BEFORE = "钟之别局队期批类级区县站所院行部公"

#: Measure words that a small Chinese numeral (二 to 九, 两) does not count: with them it names a
#: series of campaigns or networks (六场战役, 春夏秋冬四场攻势, 八张网) or a category system
#: (八类主要刑事案件), which DESIGN.md and the gold annotations leave out.
#: Counts of listed items (四项指标, 八项举措, 五方面工作) stay quantities, as in the gold
#: annotations; names written with 大 (六大领域, 15大攻势) have no unit at all.
SMALL_NUMERAL_NAMES: frozenset[str] = frozenset({"场", "张", "类", "期"})
#: 一 alone is mostly an article (一个, 一家, 一起案件); it counts only in 一倍 and 一个百分点.
ONE_UNITS: frozenset[str] = frozenset({MULTIPLE_UNIT, *POINT_UNITS})

#: Four-character idioms holding a numeral and a measure-word-like character (四面八方: 八方;
#: 千家万户: 千家, 万户): a short documented set of those frequent in official writing (no
#: maintained idiom list is packaged on PyPI), matched whole and skipped like slogans.
IDIOMS: tuple[str, ...] = (
    "四面八方", "五湖四海", "千家万户", "千方百计", "三番五次", "一五一十", "七上八下", "四通八达",
    "五花八门", "三令五申", "十全十美", "千军万马", "万无一失", "一举两得", "三五成群", "万家灯火",
    "千丝万缕", "千头万绪", "千山万水", "万水千山", "万众一心", "一心一意", "三心二意", "四平八稳",
    "七嘴八舌", "九牛一毛", "千锤百炼", "百花齐放", "百家争鸣", "千变万化", "千差万别", "一清二楚",
    "接二连三", "颠三倒四", "三天两头", "说一不二", "独一无二", "两面三刀", "三长两短", "丢三落四",
    "朝三暮四", "四分五裂", "七零八落", "十拿九稳", "百发百中", "千载难逢", "万紫千红", "十万火急",
    "九死一生", "一日千里", "千里迢迢", "千村万户", "万户千家", "千言万语", "五脏六腑", "三教九流",
    "七十二行", "八仙过海", "一砖一瓦", "一草一木", "一针一线", "一家一户", "千人一面", "百年大计",
    "万人空巷", "十室九空", "三从四德", "一年四季", "四季如春", "一方平安", "八方支援", "一方有难",
)
#: Political formulae that read like counts but are slogans (DESIGN.md: slogans are not quantities).
#: They are matched whole and skipped, like quoted names.
SLOGANS: tuple[str, ...] = (
    "五位一体", "四个全面", "四个意识", "四个自信", "两个维护", "两个确立", "两个一百年",
    "三个代表", "四个服从", "三个务必", "八项规定", "两学一做", "三严三实", "一岗双责",
)

#: 成 is not "tenths" when it starts a word (成为, 成立, 成功, 成员, …).
TENTHS_NOT_BEFORE = "为立功员果效本交型就熟长绩品"


#: Families of measure words that count the same sort of thing: a count indicator accepts every
#: measure word of its own unit's family (cameras: 个 处 路 台 套 …; people: 人 名 位 …), so a
#: correct figure is never refused for the measure word a release happens to use. Any measure
#: word not listed counts things.
UNIT_FAMILIES: dict[str, frozenset[str]] = {
    "persons": frozenset({"人", "名", "位", "人次", "户", "户次", "名次", "口", "人天", "人日"}),
    "events": frozenset({"件", "起", "宗", "例", "次", "件次", "起次", "批次", "场次", "笔", "期",
                         "批", "场", "轮", "回", "遍", "趟", "番", "通", "桩", "单", "案", "架次",
                         "车次", "家次", "辆次", "艘次", "台次", "班次", "趟次", "个次", "条次",
                         "项次", "宗次", "例次", "所次", "处次", "队次"}),
    "money": frozenset(MONEY_UNITS),
    "measurements": frozenset({"平方公里", "平方千米", "平方米", "立方米", "公顷", "公里", "千米",
                               "公斤", "千克", "吨", "克", "斤", "亩", "米", "方"}),
    "percent": frozenset({*PERCENT_UNITS, "%"}),
    "scores": frozenset({SCORE_UNIT}),
}
_FAMILY_OF = {unit: family for family, units in UNIT_FAMILIES.items() for unit in units}


def unit_family(unit: str) -> str:
    """The family (:data:`UNIT_FAMILIES`) of a measure word; ``things`` for any other."""
    return _FAMILY_OF.get(unit, "things")
