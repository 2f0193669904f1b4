"""Reported or target (extract/modality.py)."""

from __future__ import annotations

from datetime import date

import pytest

from pingan_analysis.extract.modality import (
    closes_plan_section,
    has_plan_words,
    modality,
    opens_plan_section,
    states_the_present,
)

PUBLISHED = date(2020, 4, 8)


@pytest.mark.parametrize(
    "text",
    [
        "根据方案部署,2021年,将把青岛打造成为全国平安建设示范城市",
        "负责人必须出庭,出庭应诉率必须达到",
        "力争全市刑事案件发案数下降",
        "预计全年可完成",
        "确保视频监控覆盖率达到",
        "下一步,我们将认真总结固化经验做法",
        "全市计划新建综治中心",
        "工作目标是群众安全感达到",
        "明年将继续推进",
    ],
)
def test_plan_words(text: str) -> None:
    assert has_plan_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "将全市科学划分为2.9万多个基础网格",  # 将 as the object marker
        "将66个市级以上重点项目作为工作重点",
        "实现了“数量降、事情了、不反弹”的工作目标",
        "提前完成省委确定的目标任务",
        "实施防范电信网络诈骗“全民行动计划”",
        "确保了重大活动、重要时间节点的绝对安全",
        "全市共打掉涉黑社会性质组织",
    ],
)
def test_reports(text: str) -> None:
    assert not has_plan_words(text)


def test_sections() -> None:
    assert opens_plan_section("2014年工作思路")
    assert opens_plan_section("下一步工作打算")
    assert not opens_plan_section("2013年工作回顾")
    assert closes_plan_section("2013年工作回顾")
    assert not closes_plan_section("以创新社会治理为抓手,完善综治基层基础网络")


def test_modality_from_section_period_or_words() -> None:
    assert (
        modality("全市共建成", in_plan_section=True, period_start=None, published=PUBLISHED)
        == "target"
    )
    assert (
        modality(
            "全市共建成", in_plan_section=False, period_start=date(2021, 1, 1), published=PUBLISHED
        )
        == "target"
    )
    assert (
        modality(
            "全市共建成", in_plan_section=False, period_start=date(2019, 1, 1), published=PUBLISHED
        )
        == "reported"
    )
    assert (
        modality("全市共建成", in_plan_section=False, period_start=None, published=None)
        == "reported"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("目前全市已建成综治中心", "reported"),
        ("当前在册网格员", "reported"),
        ("现已配备专职调解员", "reported"),
        ("目前正在推进,力争建成综治中心", "target"),
        ("全市新建综治中心", "target"),
    ],
)
def test_a_figure_stating_the_present_is_achieved_even_in_a_plan_section(
    text: str, expected: str
) -> None:
    assert states_the_present(text) == text.startswith(("目前", "当前", "现已"))
    assert modality(text, in_plan_section=True, period_start=None, published=PUBLISHED) == expected
