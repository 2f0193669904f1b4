"""Mapping figures to codebook indicators by the subject of their clause (extract/indicators.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.extract.grammar import find_quantities
from pingan_analysis.extract.indicators import map_sentence, unit_sort

CODEBOOK = load_codebook()


def ids(sentence: str, codebook=CODEBOOK) -> list[tuple[str, str]]:
    """(figure text, indicator id or "") for every quantity of a sentence."""
    quantities = find_quantities(sentence)
    return [
        (sentence[q.start : q.end], i.id if i else "")
        for q, (i, _subject) in zip(
            quantities, map_sentence(sentence, quantities, codebook), strict=True
        )
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # seed sentences
        (
            "全市共打掉涉黑社会性质组织15个、涉恶犯罪集团48个、其他犯罪团伙428个",
            [
                ("15个", "gang_organizations_dismantled"),
                ("48个", "evil_criminal_groups_dismantled"),
                ("428个", "criminal_gangs_dismantled"),
            ],
        ),
        (
            "将全市科学划分为2.9万多个基础网格,统一编制确定编码,配备5.8万多名专兼职网格员",
            [("2.9万多个", "grid_cells"), ("5.8万多名", "grid_workers")],
        ),
        (
            "全市共配备网格员7600余人,建立网格微信群9400余个",
            [("7600余人", "grid_workers"), ("9400余个", "grid_wechat_groups")],
        ),
        (
            "批捕涉黑涉恶案件152件367人",
            [("152件", "gang_arrest_approval_cases"), ("367人", "gang_arrest_approval_persons")],
        ),
        (
            "淄博市刑事犯罪案件立案数和可防性案件立案数分别下降36.01%、85.7%",
            [("36.01%", "criminal_cases_filed"), ("85.7%", "preventable_cases_filed")],
        ),
        (
            "公众安全感和市民对社会治安满意度均达到98.6%",
            [("98.6%", "public_security_satisfaction")],
        ),
        ("人民群众对专项斗争满意度98.61%", [("98.61%", "anti_gang_satisfaction")]),
        (
            "全市追回逃犯1328人,是上年同期的2倍",
            [("1328人", "fugitives_captured"), ("2倍", "fugitives_captured")],
        ),
        (
            "全市刑事警情同比下降13.5%,命案破案率保持100%",
            [("13.5%", "criminal_police_incidents"), ("100%", "homicide_clearance_rate")],
        ),
        (
            "今年1至5月,全市刑事案件发案同比下降27.8%,总体破案率达60.7%",
            [("27.8%", "criminal_cases_occurred"), ("60.7%", "criminal_case_clearance_rate")],
        ),
        # other outlets' styles
        (
            "去年全市共受理法律援助案件3215件,同比增长12.4%",
            [("3215件", "legal_aid_cases"), ("12.4%", "legal_aid_cases")],
        ),
        (
            "该市现有专职人民调解员860名、网格员1.2万名",
            [("860名", "mediators_full_time"), ("1.2万名", "grid_workers")],
        ),
        # an addition is not the stock (see test_mapping_rules.py)
        ("累计新建高清视频监控点位3200个", [("3200个", "video_surveillance_points_added")]),
    ],
)
def test_subjects(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert ids(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("审结合同诈骗、非法经营、生产销售伪劣产品等破坏市场经济秩序犯罪案件13件", [("13件", "")]),
        ("全市453所校园全部实现一键式紧急报警", [("453所", "")]),
        ("全市共有各类社会组织1200个", [("1200个", "")]),
    ],
)
def test_no_keyword_or_a_keyword_that_is_not_the_subject_maps_to_nothing(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert ids(sentence) == expected


def test_a_tie_between_indicators_maps_to_nothing(tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    path.write_text(
        "id,name_zh,name_en,domain,unit,kinds,keywords,description\n"
        "cases_a,案件,cases a,public_safety,件,count,办理案件,a\n"
        "cases_b,案件,cases b,public_safety,件,count,办理案件,b\n",
        encoding="utf-8",
    )
    assert ids("共办理案件320件", load_codebook(path)) == [("320件", "")]


def test_the_kind_and_unit_must_fit() -> None:
    # grid_cells takes counts of things, not persons or percentages
    assert ids("全市网格120人") == [("120人", "")]
    assert ids("网格占比达到5%") == [("5%", "")]


def test_a_new_indicator_is_a_new_row_of_the_data_file(tmp_path: Path) -> None:
    sentence = "全市共建成禁毒社工站86个"
    assert ids(sentence) == [("86个", "")]
    path = tmp_path / "codebook.csv"
    text = CODEBOOK.path.read_text(encoding="utf-8")
    path.write_text(
        text + "drug_social_work_stations,禁毒社工站,anti-drug social work stations,"
        "public_safety,个,count,禁毒社工站,Stations.,yes\n",
        encoding="utf-8",
    )
    assert ids(sentence, load_codebook(path)) == [("86个", "drug_social_work_stations")]


def test_unit_sorts() -> None:
    assert unit_sort("名") == unit_sort("人") == "persons"
    assert unit_sort("起") == unit_sort("件") == "events"
    assert unit_sort("个") == unit_sort("处") == "things"


def subjects(sentence: str) -> list[tuple[str, str, str]]:
    """(figure text, indicator id or "", subject as written) for every quantity of a sentence."""
    quantities = find_quantities(sentence)
    return [
        (sentence[q.start : q.end], i.id if i else "", subject)
        for q, (i, subject) in zip(
            quantities, map_sentence(sentence, quantities, CODEBOOK), strict=True
        )
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a court's concluded cases are not anti-gang figures without 涉黑 in the sentence
        ("全年全县法院共审结各类案件8620件", [("8620件", "court_cases_concluded")]),
        (
            "审理涉黑涉恶案件31件,审结27件",
            [("31件", "gang_cases_tried"), ("27件", "gang_cases_concluded")],
        ),
        # a legal-adviser coverage share is not video coverage
        ("村(居)法律顾问覆盖率达到100%", [("100%", "legal_adviser_coverage_rate")]),
        (
            "新增高清探头1200个,视频监控覆盖率达到95%",
            [
                ("1200个", "video_surveillance_points_added"),
                ("95%", "video_surveillance_coverage_rate"),
            ],
        ),
        # motor vehicles are not vehicles analysed by video systems
        ("全县汽车保有量突破30万辆", [("30万辆", "motor_vehicles")]),
        # judicial relief money is not an award to heroes
        ("全区检察机关发放司法救助金86.5万元", [("86.5万元", "judicial_relief_amount")]),
        (
            "为3名见义勇为人员发放奖金4万元",
            [("3名", "heroic_persons_relieved"), ("4万元", "heroic_awards_amount")],
        ),
        # telecom fraud: cases occurring vs cases solved, by the stage cue of the clause
        ("全县电诈案件发案数同比下降21.3%", [("21.3%", "telecom_fraud_cases")]),
        ("全市侦破电信网络诈骗案件436起", [("436起", "telecom_fraud_cases_solved")]),
        ("电信网络诈骗警情下降三成", [("三成", "telecom_fraud_incidents")]),
        # the criminal-case family: 立案 / 发案 / 破获; no cue, no guess
        (
            "全市刑事案件立案数下降10.2%,破获刑事案件3200起",
            [("10.2%", "criminal_cases_filed"), ("3200起", "criminal_cases_solved")],
        ),
        ("刑事案件发案1.2万起", [("1.2万起", "criminal_cases_occurred")]),
        ("全市刑事案件同比下降12%", [("12%", "")]),
        # 安全感, 满意度 and the combined index are three ids
        (
            "群众安全感98.9%,满意度96.2%",
            [("98.9%", "public_sense_of_security"), ("96.2%", "public_satisfaction")],
        ),
        ("全市群众安全感满意度达到97.3%", [("97.3%", "public_security_satisfaction")]),
        ("群众安全感和满意度均为98%", [("98%", "public_security_satisfaction")]),
        # a total against its sub-types
        (
            "全县共有专职网格员320名、兼职网格员1500名",
            [("320名", "grid_workers_full_time"), ("1500名", "grid_workers_part_time")],
        ),
        (
            "八类严重暴力犯罪案件同比下降15%,两抢一盗案件下降22%",
            [("15%", "serious_violent_crime_cases"), ("22%", "robbery_theft_cases")],
        ),
    ],
)
def test_neighbours_are_told_apart_by_their_cues(sentence: str, expected: list) -> None:
    assert ids(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "全市电信网络诈骗案件发案数同比下降20.5%",
            [("20.5%", "telecom_fraud_cases", "电信网络诈骗案件发案数")],
        ),
        ("今年以来,全县共配备专职网格员412名", [("412名", "grid_workers_full_time", "专职网格员")]),
        ("群众安全感达到98.9%", [("98.9%", "public_sense_of_security", "群众安全感")]),
        # filled without an indicator too
        ("全市共建成禁毒社工站86个", [("86个", "", "禁毒社工站")]),
        ("培训新型职业农民3600余人", [("3600余人", "", "培训新型职业农民")]),
        # after a measure word, the noun it counts
        ("组建110支义务巡逻队", [("110支", "", "义务巡逻队")]),
    ],
)
def test_every_figure_gets_its_subject_as_written(sentence: str, expected: list) -> None:
    assert subjects(sentence) == expected
