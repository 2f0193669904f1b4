"""Whether a figure is achieved (``reported``) or planned (``target``).

A figure is a target when its own words plan it (力争, 计划, 预计, 必须, a future 将, 确保…达到, 目标是),
when it sits in a section about next year's work (a heading such as "2014年工作思路", "下一步",
"明年") and its own words do not state the present (目前, 现已), or when the period it covers
starts after the release was published.
"""

from __future__ import annotations

import re
from datetime import date

from pingan_analysis.extract.patterns import first_chars
from pingan_analysis.registry import MODALITIES

REPORTED, TARGET = MODALITIES

#: 将 marks the future when a verb or adverb follows it ("将坚持", "将于", "将把"); before a noun it
#: is the object marker ("将全市划分为…") and says nothing about time.
_FUTURE_JIANG = (
    r"(?<![即必])将(?=把|于|在|会|要|继续|进一步|坚持|全面|持续|加快|推动|推进|不断|大力|着力|深入"
    r"|重点|逐步|力争|实现|达到|建成|完成|开展|启动|贯彻|认真|努力|围绕|按照|聚焦|确保|争取|力求)"
)
_PLAN_ALTERNATIVES = "|".join(
    (
        r"力争|力求|争取|预计|拟于|必须|计划(?![生”》\"])|规划到",
        r"目标(?:是|为|[::])|为目标",
        r"确保[^,;。:]*?(?:达到|实现|不低于|不少于|控制在|保持在|以上|以内)",
        r"即将|我们将|也将|还将|并将|都将|将来",
        _FUTURE_JIANG,
    )
)
#: The lookahead on first characters lets the search skip most positions at once.
_PLAN_WORDS = re.compile(f"(?=[{first_chars(_PLAN_ALTERNATIVES)}])(?:{_PLAN_ALTERNATIVES})")
#: Words of a heading or lead-in that open a section on coming work.
_PLAN_SECTION = re.compile(
    r"工作思路|工作打算|工作计划|工作安排|工作要点|下一步|明年|展望|努力方向"
)
#: Words of a heading that open a section on work done, ending a plan section.
_REVIEW_SECTION = re.compile(r"回顾|成效|成绩|进展|情况|做法|总结|主要工作")


#: Words that state the present (目前全市共有…): a figure so stated is achieved even inside a
#: section on coming work, unless its own words plan it.
_PRESENT = re.compile(r"目前|当前|现已|现有|至今已")


def states_the_present(text: str) -> bool:
    """True when ``text`` (a clause or sentence up to the figure) says how things stand now."""
    return _PRESENT.search(text) is not None


def has_plan_words(text: str) -> bool:
    """True when ``text`` (a clause or sentence up to the figure) plans rather than reports."""
    return _PLAN_WORDS.search(text) is not None


def opens_plan_section(heading: str) -> bool:
    """True when a heading (or a lead-in sentence like "下一步,") opens a section of coming work."""
    return _PLAN_SECTION.search(heading) is not None


def closes_plan_section(heading: str) -> bool:
    """True when a heading opens a section on work done ("工作回顾", "主要做法")."""
    return _REVIEW_SECTION.search(heading) is not None


def modality(
    own_text: str, *, in_plan_section: bool, period_start: date | None, published: date | None
) -> str:
    """``target`` or ``reported`` for a figure, from its own words, its section and its period.

    Plan words and a period after publication make a target; a plan section does too, unless
    the figure's own words state the present (下一步 … 目前全市已建成5个)."""
    future = period_start is not None and published is not None and period_start > published
    if future or has_plan_words(own_text):
        return TARGET
    if in_plan_section and not states_the_present(own_text):
        return TARGET
    return REPORTED
