"""The extraction contract (extract/__init__.py) on every seed release and on random texts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pingan_analysis.corpus.ingest import ingest, read_text
from pingan_analysis.extract.document import ReleaseContext, extract_document, extract_file
from pingan_analysis.extract.mention import Mention
from pingan_analysis.registry import (
    DIRECTIONS,
    MENTION_COLUMNS,
    MENTION_KINDS,
    MODALITIES,
    MULTIPLE_FORMS,
    QUALIFIERS,
)

from conftest import RELEASES_DIR, SEED_ROWS, seed_path


def _context(row: dict[str, str]) -> ReleaseContext:
    return ReleaseContext(
        row["release_id"],
        date.fromisoformat(row["published"]),
        date.fromisoformat(row["period_start"]),
        date.fromisoformat(row["period_end"]),
    )


def _check_row(mention: Mention, original: str) -> None:
    assert mention.text == original[mention.start : mention.end] and mention.text
    assert list(Mention._fields) == list(MENTION_COLUMNS)
    assert isinstance(mention.value, float) and isinstance(mention.start, int)
    assert all(b is None or isinstance(b, float) for b in (mention.lower, mention.upper))
    assert mention.qualifier in QUALIFIERS and mention.kind in MENTION_KINDS
    assert mention.direction in DIRECTIONS and mention.modality in MODALITIES
    assert mention.multiple_form in MULTIPLE_FORMS
    for value in (mention.period_start, mention.period_end):
        assert value == "" or date.fromisoformat(value)
    if mention.period_start and mention.period_end:
        assert mention.period_start <= mention.period_end


def test_every_seed_mention_indexes_the_original(seed_release: dict[str, str]) -> None:
    path = RELEASES_DIR / seed_release["file"]
    original = read_text(path)
    rows = list(extract_file(path, _context(seed_release)))
    assert len(rows) > 20
    for mention, sentence in rows:
        _check_row(mention, original)
        assert mention.doc == path.name
        assert mention.text in sentence and sentence in original


def test_nothing_from_the_second_copy_of_the_transcript() -> None:
    path = seed_path("Qingdao", "2020-04-08")
    original = read_text(path)
    second_copy = original.index(
        "主持人:各位记者朋友们", original.index("主持人:各位记者朋友们") + 1
    )
    mentions = [m for m, _ in extract_file(path)]
    assert mentions and max(m.end for m in mentions) <= second_copy


def test_nothing_from_web_page_furniture() -> None:
    path = seed_path("Qingdao", "2020-04-15")
    original = read_text(path)
    article = original.index("4月8日,青岛市政府"), original.index("新闻推荐")
    mentions = [m for m, _ in extract_file(path)]
    assert mentions and all(article[0] <= m.start and m.end <= article[1] for m in mentions)


def test_without_a_manifest_the_byline_dates_relative_phrases() -> None:
    rows = {m.text: m for m, _ in extract_file(seed_path("Qingdao", "2020-04-15"))}
    assert (rows["15个"].period_start, rows["15个"].period_end) == ("", "2020-04-15")
    assert rows["15个"].indicator == "gang_organizations_dismantled"


def test_figures_take_the_reporting_period_and_stocks_its_end() -> None:
    path = seed_path("Qingdao", "2020-04-08")
    row = next(r for r in SEED_ROWS if r["file"] == path.name)
    rows = {(m.text, m.indicator): m for m, _ in extract_file(path, _context(row))}
    incidents = rows[("13.5%", "criminal_police_incidents")]
    grids = rows[("2.9万多个", "grid_cells")]
    assert (incidents.period_start, incidents.period_end) == ("2019-01-01", "2019-12-31")
    assert (grids.period_start, grids.period_end) == ("2019-12-31", "2019-12-31")


def test_a_next_years_work_section_holds_targets() -> None:
    path = seed_path("Laixi")
    context = ReleaseContext("laixi", date(2014, 1, 1), date(2013, 1, 1), date(2013, 12, 31))
    rows = [m for m, _ in extract_file(path, context)]
    plan_start = read_text(path).index("2014年工作思路")
    assert {m.modality for m in rows if m.start > plan_start} == {"target"}
    assert {m.modality for m in rows if m.start < plan_start} == {"reported"}


def test_a_planned_stock_covers_the_plan_period_an_achieved_one_its_end() -> None:
    text = (
        "2021年工作回顾\n全县共组建应急救援队伍12支。\n"
        "2022年工作计划\n计划再组建应急救援队伍5支。\n"
    )
    context = ReleaseContext("county", date(2022, 1, 10), date(2021, 1, 1), date(2021, 12, 31))
    rows = {m.text: m for m, _ in extract_document(ingest(text, "county.txt"), context)}
    achieved, planned = rows["12支"], rows["5支"]
    assert (achieved.modality, achieved.period_start, achieved.period_end) == (
        "reported",
        "2021-12-31",
        "2021-12-31",
    )
    assert (planned.modality, planned.period_start, planned.period_end) == (
        "target",
        "2022-01-01",
        "2022-12-31",
    )


def test_a_figure_per_unit_is_a_norm_not_a_stock() -> None:
    text = "各乡镇按照每500户配备1名专职调解员的标准,共配备调解员86名。"
    context = ReleaseContext("paper", date(2022, 3, 1), date(2021, 1, 1), date(2021, 12, 31))
    rows = {m.text: m for m, _ in extract_document(ingest(text, "paper.txt"), context)}
    for norm in ("500户", "1名"):
        assert (rows[norm].period_start, rows[norm].period_end) == ("2021-01-01", "2021-12-31")
    assert (rows["86名"].period_start, rows["86名"].period_end) == ("2021-12-31", "2021-12-31")


def test_other_styles_full_width_and_invisible_characters() -> None:
    text = (
        "来源:某某日报　２０２１－０３－０２　０９:１５\n"
        "截至目前，全市共有网格员１２００名，\u200b今年１至２月刑事警情同比下降８.５%。\n"
        "2021年工作打算\n力争群众安全感达到99%以上。\n"
    )
    rows = [m for m, _ in extract_document(ingest(text, "other.txt"))]
    by_text = {m.text: m for m in rows}
    assert set(by_text) == {"１２００名", "８.５%", "99%"}
    for mention in rows:
        _check_row(mention, text)
    assert (by_text["１２００名"].indicator, by_text["１２００名"].period_end) == (
        "grid_workers",
        "2021-03-02",
    )
    assert (by_text["８.５%"].period_start, by_text["８.５%"].period_end) == (
        "2021-01-01",
        "2021-02-28",
    )
    assert by_text["99%"].modality == "target"


_PIECES = st.sampled_from(
    [
        "全市",
        "共破获刑事案件",
        "1541起",
        "１２３４５件",
        "2.9万多个",
        "网格",
        "同比下降",
        "13.5%",
        "，",
        ",",
        "。",
        "\n",
        "\u200b",
        "\u3000",
        "截至目前",
        "2019年",
        "今年1至5月",
        "十年来",
        "约",
        "余",
        "倍",
        "名",
        "“",
        "”",
        "网格员",
        "提高1.1倍",
        "的",
        "分别",
        "、",
        "力争",
        "下一步",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_keeps_the_offset_contract(text: str) -> None:
    for mention, sentence in extract_document(ingest(text, "random.txt")):
        _check_row(mention, text)
        assert mention.text in sentence


def test_extract_file_names_the_document(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_text("全市共划分网格4860个。", encoding="utf-8")
    [(mention, sentence)] = list(extract_file(path))
    assert (mention.doc, mention.indicator, sentence) == (
        "release.txt",
        "grid_cells",
        "全市共划分网格4860个。",
    )


def test_wechat_page_furniture_gives_no_figures() -> None:
    """A WeChat post: the article, then its button bar and 往期回顾 with the titles of older posts."""
    text = (
        "平安建设|全县破获电信网络诈骗案件436起\n"
        "今年以来,全县侦破电信网络诈骗案件436起,抓获犯罪嫌疑人210名。\n"
        "阅读 1.2万  在看 32  点赞 56  分享\n"
        "往期回顾\n"
        "全县化解矛盾纠纷3200件\n"
        "全县新建视频监控点位1500个\n"
        "全县受理法律援助案件860件\n"
    )
    mentions = [mention.text for mention, _ in extract_document(ingest(text, "wechat.txt"))]
    assert mentions.count("436起") >= 1 and "210名" in mentions
    assert not {"3200件", "1500个", "860件"} & set(mentions)


def test_a_part_after_a_semicolon_goes_on_about_the_subject_before_it() -> None:
    text = "全县刑事案件立案数由2013年的2860起下降到2022年的1120起；年均下降约9.8%。\n"
    context = ReleaseContext("county", date(2023, 3, 1), date(2013, 1, 1), date(2022, 12, 31))
    rows = {m.text: m for m, _ in extract_document(ingest(text, "county.txt"), context)}
    assert rows["9.8%"].indicator == rows["1120起"].indicator == "criminal_cases_filed"


def test_a_district_of_the_manifests_place_reports_a_part() -> None:
    text = "全市群众安全感为98.2%。其中，昆都仑区群众安全感达99.0%。\n"
    for place, district_id in (("包头市", ""), ("", "public_sense_of_security")):
        context = ReleaseContext(
            "city", date(2024, 1, 5), date(2023, 1, 1), date(2023, 12, 31), place
        )
        rows = {m.text: m for m, _ in extract_document(ingest(text, "city.txt"), context)}
        assert rows["98.2%"].indicator == "public_sense_of_security"
        assert rows["99.0%"].indicator == district_id
