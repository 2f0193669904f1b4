"""Grammar gaps found on text in other styles, each fixed as a class (sentences of my own)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.corpus.gazetteer import place_names
from pingan_analysis.extract.grammar import find_quantities, names_holding_numerals
from pingan_analysis.extract.units import CLASSIFIERS, PER_TIME_UNITS

IDIOMS = sorted(name for name in names_holding_numerals()[0] if name not in place_names())


def readings(sentence: str) -> list[tuple]:
    """(text, value, unit, qualifier, lower, upper, kind, direction) of each quantity."""
    return [
        (
            sentence[q.start : q.end],
            q.value,
            q.unit,
            q.qualifier,
            q.lower,
            q.upper,
            q.kind,
            q.direction,
        )
        for q in find_quantities(sentence)
    ]


def spans(sentence: str) -> list[str]:
    return [sentence[q.start : q.end] for q in find_quantities(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("发放法治宣传册1.2万册", ["1.2万册"]),
        ("新装路灯860盏、宣传画300幅", ["860盏", "300幅"]),
        ("开设法治课堂45堂,寄送提醒函2000封", ["45堂", "2000封"]),
        ("赠送普法读本5000本", ["5000本"]),
        ("出动巡逻车辆1.3万辆次、船只260艘次", ["1.3万辆次", "260艘次"]),
        ("接听求助电话8600通", ["8600通"]),
    ],
)
def test_measure_words_from_the_classifier_list(sentence: str, expected: list[str]) -> None:
    assert spans(sentence) == expected


@given(
    st.sampled_from(sorted(set(CLASSIFIERS) | set(PER_TIME_UNITS))),
    st.integers(min_value=2, max_value=99999),
)
def test_any_classifier_counts_after_an_arabic_number(classifier: str, number: int) -> None:
    sentence = f"全县共计{number}{classifier}。"
    found = find_quantities(sentence)
    assert [(sentence[q.start : q.end], q.value, q.unit) for q in found] == [
        (f"{number}{classifier}", number, classifier)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全市平安建设安全指数91.3分", [("91.3分", 91.3, "分", "exact", 91.3, 91.3, "score", "")]),
        (
            "综合考评得分比上年提高2.4分",
            [("2.4分", 2.4, "分", "exact", 2.4, 2.4, "change_score", "up")],
        ),
        (
            "群众满意度测评下降1.5分",
            [("1.5分", 1.5, "分", "exact", 1.5, 1.5, "change_score", "down")],
        ),
    ],
)
def test_scores_are_their_own_kind(sentence: str, expected: list) -> None:
    assert readings(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "这项工作十分重要",
        "占全部案件的三分之一",
        "上午9时30分召开会议",
        "用时15分钟",
        "分别下降",
        "三分局、五分队",
    ],
)
def test_not_scores(sentence: str) -> None:
    assert [q.kind for q in find_quantities(sentence) if q.unit == "分"] == []


@pytest.mark.parametrize(
    "sentence",
    [
        "五家渠市召开平安建设推进会",
        "二道区、六枝特区、七里河区的综治中心",
        "四面八方的志愿者",
        "千家万户的平安",
        "千方百计化解矛盾",
        "五湖四海的建设者",
    ],
)
def test_numerals_inside_place_names_and_idioms_are_not_quantities(sentence: str) -> None:
    assert spans(sentence) == []


@given(
    st.sampled_from(
        sorted(n for n in place_names() if n[0] in "一二两三四五六七八九十" and n[-1] in "市区县")
    ),
    st.integers(min_value=2, max_value=999),
)
def test_a_numeral_place_name_hides_nothing_but_its_name(name: str, number: int) -> None:
    sentence = f"{name}共配备网格员{number}名"
    assert spans(sentence) == [f"{number}名"]


@given(st.sampled_from(IDIOMS))
def test_idioms_are_skipped(idiom: str) -> None:
    assert spans(f"以{idiom}之势推进") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("他说:“今年全市共破获盗窃案件860余起。”", ["860余起"]),
        ("“今年以来,全县化解矛盾纠纷1200件”", ["1200件"]),
        ("深入开展“6955十户联防”和“1+3+N”行动", []),
        ("目前全县共有专职网格员412名", ["412名"]),
        ("截至目前3000名网格员全部到岗", ["3000名"]),
    ],
)
def test_quotes_of_speech_are_read_and_names_are_not(sentence: str, expected: list[str]) -> None:
    assert spans(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("到场群众五十来人", [("五十来人", 50, "人", "approx", None, None, "count", "")]),
        ("每年发生三四百起", [("三四百起", 350, "起", "range", 300, 400, "count", "")]),
        ("培训网格员七八十人", [("七八十人", 75, "人", "range", 70, 80, "count", "")]),
        (
            "全市2万3千余名平安志愿者",
            [("2万3千余名", 23000, "名", "lower", 23000, 24000, "count", "")],
        ),
        ("全县3万5000人参与", [("3万5000人", 35000, "人", "exact", 35000, 35000, "count", "")]),
        ("知晓率达九成二", [("九成二", 92, "%", "exact", 92, 92, "percent", "")]),
        ("两成多的案件", [("两成多", 20, "%", "lower", 20, 30, "percent", "")]),
        ("信访总量年均增长5.5%", [("5.5%", 5.5, "%", "exact", 5.5, 5.5, "change_pct", "up")]),
    ],
)
def test_oral_and_compound_forms(sentence: str, expected: list) -> None:
    assert readings(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("奖励三至五万元", [("三至五万元", 40000, "元", "range", 30000, 50000, "amount", "")]),
        (
            "投入两到三千万元",
            [("两到三千万元", 25000000, "元", "range", 20000000, 30000000, "amount", "")],
        ),
        (
            "涉案金额10万元(含)以上的案件",
            [("10万元", 100000, "元", "lower", 100000, None, "amount", "")],
        ),
        (
            "涉案金额2 万(含)-3 万元的",
            [("2 万(含)-3 万元", 25000, "元", "range", 20000, 30000, "amount", "")],
        ),
    ],
)
def test_ranges_and_bounds(sentence: str, expected: list) -> None:
    assert readings(sentence) == expected


@given(
    st.integers(min_value=1, max_value=8),
    st.sampled_from(["千", "万", "百万", "千万"]),
    st.sampled_from(["至", "到", "-"]),
)
def test_a_multiplier_belongs_to_both_ends_of_a_range(low: int, mult: str, separator: str) -> None:
    digits = "一二三四五六七八九"
    scale = {"千": 10**3, "万": 10**4, "百万": 10**6, "千万": 10**7}[mult]
    sentence = f"奖励{digits[low - 1]}{separator}{digits[low]}{mult}元"
    (quantity,) = find_quantities(sentence)
    assert (quantity.lower, quantity.upper) == (low * scale, (low + 1) * scale)


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_compound_figures_add_their_parts(high: int, thousands: int) -> None:
    sentence = f"共{high}万{thousands}千名"
    (quantity,) = find_quantities(sentence)
    assert quantity.value == high * 10_000 + thousands * 1000


@given(
    st.integers(min_value=1_000, max_value=99_999_999), st.sampled_from(["件", "起", "名", "万元"])
)
def test_digit_groups_separated_by_spaces_are_one_figure(number: int, unit: str) -> None:
    written = f"{number:,}".replace(",", " ")
    sentence = f"全年共受理{written}{unit}，同比下降"
    [quantity] = find_quantities(sentence)
    assert sentence[quantity.start : quantity.end] == written + unit
    assert quantity.value == number * (10_000 if unit == "万元" else 1)


@pytest.mark.parametrize(
    "sentence",
    ["报警请拨打110 120 119，火警119", "热线号码为 12345 和 12348", "名单序号 3 4 5 号"],
)
def test_numbers_in_a_list_separated_by_spaces_stay_apart(sentence: str) -> None:
    assert all(" " not in sentence[q.start : q.end] for q in find_quantities(sentence))
