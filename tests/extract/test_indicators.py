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
    return [(sentence[q.start:q.end], i.id if i else "")
            for q, (i, _subject) in zip(quantities, map_sentence(sentence, quantities, codebook))]


@pytest.mark.parametrize(("sentence", "expected"), [
    # seed sentences
    ("全市共打掉涉黑社会性质组织15个、涉恶犯罪集团48个、其他犯罪团伙428个", [
        ("15个", "gang_organizations_dismantled"), ("48个", "evil_criminal_groups_dismantled"),
        ("428个", "criminal_gangs_dismantled")]),
    ("将全市科学划分为2.9万多个基础网格,统一编制确定编码,配备5.8万多名专兼职网格员", [
        ("2.9万多个", "grid_cells"), ("5.8万多名", "grid_workers")]),
    ("全市共配备网格员7600余人,建立网格微信群9400余个", [
        ("7600余人", "grid_workers"), ("9400余个", "grid_wechat_groups")]),
    ("批捕涉黑涉恶案件152件367人", [
        ("152件", "gang_arrest_approval_cases"), ("367人", "gang_arrest_approval_persons")]),
    ("淄博市刑事犯罪案件立案数和可防性案件立案数分别下降36.01%、85.7%", [
        ("36.01%", "criminal_cases_filed"), ("85.7%", "preventable_cases_filed")]),
    ("公众安全感和市民对社会治安满意度均达到98.6%", [("98.6%", "public_security_satisfaction")]),
    ("人民群众对专项斗争满意度98.61%", [("98.61%", "anti_gang_satisfaction")]),
    ("全市追回逃犯1328人,是上年同期的2倍", [
        ("1328人", "fugitives_captured"), ("2倍", "fugitives_captured")]),
    ("全市刑事警情同比下降13.5%,命案破案率保持100%", [
        ("13.5%", "criminal_police_incidents"), ("100%", "homicide_clearance_rate")]),
    ("今年1至5月,全市刑事案件发案同比下降27.8%,总体破案率达60.7%", [
        ("27.8%", "criminal_cases_occurred"), ("60.7%", "criminal_case_clearance_rate")]),
    # other outlets' styles
    ("去年全市共受理法律援助案件3215件,同比增长12.4%", [
        ("3215件", "legal_aid_cases"), ("12.4%", "legal_aid_cases")]),
    ("该市现有专职人民调解员860名、网格员1.2万名", [
        ("860名", "mediators"), ("1.2万名", "grid_workers")]),
    ("累计新建高清视频监控点位3200个", [("3200个", "video_surveillance_points")]),
])
def test_subjects(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert ids(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("审结合同诈骗、非法经营、生产销售伪劣产品等破坏市场经济秩序犯罪案件13件", [("13件", "")]),
    ("全市453所校园全部实现一键式紧急报警", [("453所", "")]),
    ("全市共有各类社会组织1200个", [("1200个", "")]),
])
def test_no_keyword_or_a_keyword_that_is_not_the_subject_maps_to_nothing(
        sentence: str, expected: list[tuple[str, str]]) -> None:
    assert ids(sentence) == expected


def test_a_tie_between_indicators_maps_to_nothing(tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    path.write_text(
        "id,name_zh,name_en,domain,unit,kinds,keywords,description\n"
        "cases_a,案件,cases a,public_safety,件,count,办理案件,a\n"
        "cases_b,案件,cases b,public_safety,件,count,办理案件,b\n", encoding="utf-8")
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
    path.write_text(text + "drug_social_work_stations,禁毒社工站,anti-drug social work stations,"
                    "public_safety,个,count,禁毒社工站,Stations.,yes\n", encoding="utf-8")
    assert ids(sentence, load_codebook(path)) == [("86个", "drug_social_work_stations")]


def test_unit_sorts() -> None:
    assert unit_sort("名") == unit_sort("人") == "persons"
    assert unit_sort("起") == unit_sort("件") == "events"
    assert unit_sort("个") == unit_sort("处") == "things"
