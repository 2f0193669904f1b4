"""Period phrases and their resolution (extract/periods.py), on seed sentences and other styles."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.extract.periods import (
    Anchor,
    Period,
    find_phrases,
    infer_published,
    names_a_stock,
    resolve,
)

BAOSHAN = Anchor(date(2022, 6, 27), Period(date(2012, 11, 8), date(2022, 5, 31)))
QINGDAO = Anchor(date(2020, 4, 8), Period(date(2019, 1, 1), date(2019, 12, 31)))
NO_MANIFEST = Anchor(date(2021, 3, 2))
UNANCHORED = Anchor()


def period_of(text: str, anchor: Anchor, *, stock: bool = False) -> tuple[str, str]:
    """The period of a figure standing at the end of ``text``."""
    return resolve([list(reversed(find_phrases(text, anchor)))], anchor, stock=stock).iso()


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        # seed sentences
        ("2013年,共破获各类刑事案件", QINGDAO, ("2013-01-01", "2013-12-31")),
        ("今年1至5月,全市刑事案件发案同比下降", BAOSHAN, ("2022-01-01", "2022-05-31")),
        (
            "十年来,组织实施“平安法治工程”,保山市累计打掉涉黑恶组织团伙",
            BAOSHAN,
            ("2012-01-01", "2022-05-31"),
        ),
        ("党的十八大以来,全市政法系统先后有", BAOSHAN, ("2012-11-08", "2022-05-31")),
        ("十八大以来,全市政法系统先后有", BAOSHAN, ("2012-11-08", "2022-05-31")),
        (
            "腾冲市委政法委被表彰为2017—2020年度“平安中国建设先进集体”",
            BAOSHAN,
            ("2017-01-01", "2020-12-31"),
        ),
        ("去年,全市侦办涉生态环境领域刑事案件", BAOSHAN, ("2021-01-01", "2021-12-31")),
        (
            "梳理摸排近5年来涉养老诈骗未破案件,及时组建专班攻坚,破获积案",
            BAOSHAN,
            ("2012-11-08", "2022-05-31"),
        ),
        ("2019年9月以来,全市刑事警情同比下降", QINGDAO, ("2019-09-01", "2019-12-31")),
        ("自去年9月以来,市公安局全面发起了秋冬严打整治攻势", QINGDAO, ("2019-09-01", "2019-12-31")),
        ("截止2022年5月31日,全市各法律援助机构共办理各类法律援助案件", BAOSHAN, ("", "2022-05-31")),
        ("截至目前,全市共打掉涉黑社会性质组织", QINGDAO, ("", "2019-12-31")),
        ("感谢台上的六位发布人", QINGDAO, ("2019-01-01", "2019-12-31")),
        ("参加今天发布会的", QINGDAO, ("2020-04-08", "2020-04-08")),
        ("2020年一季度,全市行政机关负责人出庭应诉率", QINGDAO, ("2020-01-01", "2020-03-31")),
        ("全市行政机关负责人出庭应诉率逐月上升,10月达到", QINGDAO, ("2019-10-01", "2019-10-31")),
        ("2021年道路交通事故死亡人数较2010年下降", BAOSHAN, ("2021-01-01", "2021-12-31")),
        (
            "2012年以来,公安机关办理破坏森林及野生动植物资源案件",
            BAOSHAN,
            ("2012-01-01", "2022-05-31"),
        ),
        # other outlets' styles
        ("近五年,全市累计化解矛盾纠纷", NO_MANIFEST, ("2016-01-01", "2021-03-02")),
        ("五年来,全市共破获", NO_MANIFEST, ("2016-01-01", "2021-03-02")),
        ("2020年上半年,全市", NO_MANIFEST, ("2020-01-01", "2020-06-30")),
        ("党的十九大以来,全市", NO_MANIFEST, ("2017-10-18", "2021-03-02")),
        ("从2018年开始,全市共侦办涉黑案件", NO_MANIFEST, ("2018-01-01", "2021-03-02")),
        ("2020年全市", NO_MANIFEST, ("2020-01-01", "2020-12-31")),
        ("2016年至2020年,全市", NO_MANIFEST, ("2016-01-01", "2020-12-31")),
        ("截至2020年底,全市共受理", NO_MANIFEST, ("", "2020-12-31")),
    ],
)
def test_period_phrases(text: str, anchor: Anchor, expected: tuple[str, str]) -> None:
    assert period_of(text, anchor) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("十年来,全市", date(2023, 3, 1), ("2013-01-01", "2023-03-01")),
        ("十年来,全市", date(2030, 6, 1), ("2020-01-01", "2030-06-01")),
        ("近五年来,全县", date(2019, 1, 20), ("2014-01-01", "2019-01-20")),
        ("党的十八大以来,全市", date(2023, 3, 1), ("2012-11-08", "2023-03-01")),
        ("党的十八大以来,全市", date(2031, 3, 1), ("2012-11-08", "2031-03-01")),
    ],
)
def test_spans_resolve_from_the_release_date(
    text: str, published: date, expected: tuple[str, str]
) -> None:
    """十年来 counts back from the release's own date, in whatever year; an era keeps its day."""
    assert period_of(text, Anchor(published)) == expected


@pytest.mark.parametrize("text", ["从2018年开始,全县", "2016年以来,全市", "党的十八大以来,全市"])
def test_a_known_start_without_a_release_date_leaves_the_end_empty(text: str) -> None:
    start, end = period_of(text, UNANCHORED)
    assert start[:4] in ("2018", "2016", "2012") and end == ""


def test_no_phrase_takes_the_reporting_period() -> None:
    assert period_of("全市刑事警情同比下降", QINGDAO) == ("2019-01-01", "2019-12-31")


def test_a_stock_takes_the_end_of_its_period() -> None:
    assert period_of("全市共划分网格", BAOSHAN, stock=True) == ("2022-05-31", "2022-05-31")
    assert period_of("2013年,全市共有网格", QINGDAO, stock=True) == ("2013-12-31", "2013-12-31")
    assert period_of("目前,全市共划分网格", BAOSHAN, stock=True) == ("2022-05-31", "2022-05-31")
    assert period_of("截至2020年底,全市共有", NO_MANIFEST, stock=True) == (
        "2020-12-31",
        "2020-12-31",
    )


@pytest.mark.parametrize("text", ["今年1至5月,全市", "去年,全市", "目前,全市", "十年来,全市"])
def test_relative_phrases_without_a_date_leave_the_period_empty(text: str) -> None:
    assert period_of(text, UNANCHORED) == ("", "")


@pytest.mark.parametrize(
    "text",
    [
        "较2010年下降",
        "是上年同期的2倍",
        "与2012年相比",
        "10年以上全部化解",
        "连续4年排名全省第一",
        "12348法律服务专线",
        "5年群众安全感满意度位居全省第一",
    ],
)
def test_comparison_bases_durations_and_numbers_are_not_periods(text: str) -> None:
    assert find_phrases(text, BAOSHAN) == []


def test_a_month_number_needs_its_month() -> None:
    assert [p.period.iso() for p in find_phrases("今年18个", BAOSHAN)] == [
        ("2022-01-01", "2022-12-31")
    ]


def test_a_day_dates_an_event_not_the_figures_after_it() -> None:
    phrases = find_phrases(
        "2013年,先后21次合理处置;2013年7月18日,对全市970名干部进行了培训", QINGDAO
    )
    assert [p.day for p in phrases] == [False, True]
    assert period_of("2013年7月18日,对全市970名干部进行了培训", QINGDAO) == (
        "2019-01-01",
        "2019-12-31",
    )
    assert period_of("2020年8月31日,建成便民服务超市;截至目前,共办理各类公安业务", BAOSHAN) == (
        "2020-08-31",
        "2022-05-31",
    )


def test_whole_year_and_since_an_event() -> None:
    assert period_of("全年刑事警情下降", QINGDAO) == ("2019-01-01", "2019-12-31")
    assert period_of("去年市环食药侦支队挂牌后,侦办涉生态环境领域刑事案件", BAOSHAN) == (
        "2021-01-01",
        "2022-05-31",
    )


def test_stock_verbs() -> None:
    assert names_a_stock("全市共建成四级综治中心")
    assert names_a_stock("配备专(兼)职网格员")
    assert not names_a_stock("破获刑事案件")
    assert not names_a_stock("侦办涉黑案件")
    # set up, cover, install: what they count exists at a date (other outlets' wording)
    assert names_a_stock("与周边8个县区搭建矛盾纠纷联调平台")
    assert names_a_stock("政务服务大厅涵盖12类156项审批事项")
    assert names_a_stock("目前已在全县14个乡镇安装应急广播")


def test_the_work_ahead_runs_from_publication_with_no_end() -> None:
    assert period_of("下一步,全县将新建", NO_MANIFEST) == ("2021-03-02", "")
    assert period_of("他表示,今后我市将继续推进", NO_MANIFEST) == ("2021-03-02", "")
    assert period_of("下一步,全县将新建", UNANCHORED) == ("", "")


@pytest.mark.parametrize(
    "text",
    [
        "全力服务保障2022年亚洲青年运动会筹办,新建",  # an event's name, mid-clause
        "在2019年全市政法工作会议上,表彰",
        "印发《2021年全县平安建设工作要点》,明确",  # a document's title
        "学习《关于2020年度综治考核的通报》精神,",
    ],
)
def test_a_year_in_a_name_is_not_a_period(text: str) -> None:
    assert find_phrases(text, NO_MANIFEST) == []


def test_a_year_opening_a_clause_dates_it_even_before_an_event_word() -> None:
    assert period_of("2019年全县召开调解工作会议", NO_MANIFEST) == ("2019-01-01", "2019-12-31")
    assert period_of("从2015年全运会开始,累计", NO_MANIFEST) == ("2015-01-01", "2021-03-02")


def test_published_from_byline_or_dateline() -> None:
    page = "地方网 > 正文\n来源:大众日报 2020-04-15 13:28   https://www.yybnet.net/\n4月8日,青岛"
    assert infer_published(page, page) == date(2020, 4, 15)
    assert infer_published("正文", "2022年6月27日,保山市召开发布会") == date(2022, 6, 27)
    assert infer_published("正文", "保山市召开发布会") is None


@given(st.text(alphabet="0123456789年月日至以来今去十近截止目前,。-—季度上下半", max_size=40))
def test_any_text_resolves_without_error(text: str) -> None:
    for phrase in find_phrases(text, BAOSHAN):
        start, end = phrase.period.start, phrase.period.end
        assert start is None or end is None or start <= end
