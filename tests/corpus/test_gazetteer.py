"""The gazetteer: places resolved from the packaged division table, romanised officially."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from pingan_analysis.corpus.gazetteer import (
    Place,
    divisions_within,
    place_names,
    places,
    resolve_place,
    slug,
)
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import ADMIN_LEVELS


@pytest.fixture(scope="module")
def all_places() -> tuple[Place, ...]:
    return places()


@pytest.mark.parametrize("given", ["青岛", "青岛市", "山东青岛", "山东省青岛市"])
def test_short_and_qualified_names_resolve_to_the_one_qingdao(given: str) -> None:
    assert resolve_place(given) == Place("青岛市", "山东", "prefecture", "", "370200", "Qingdao")


@pytest.mark.parametrize(
    ("given", "english"),
    [
        ("长治市", "Changzhi"),
        ("六安", "Lu'an"),
        ("蚌埠", "Bengbu"),
        ("单县", "Shan County"),
        ("西安", "Xi'an"),
        ("长子县", "Zhangzi County"),
        ("漯河", "Luohe"),
        ("郫都区", "Pidu District"),
        ("六盘水", "Liupanshui"),
        ("陕西", "Shaanxi"),
        ("山西", "Shanxi"),
        ("浦东新区", "Pudong New Area"),
        ("黔南", "Qiannan Buyei and Miao Autonomous Prefecture"),
        ("广西", "Guangxi"),
    ],
)
def test_romanisation_reads_polyphonic_place_characters(given: str, english: str) -> None:
    assert resolve_place(given).name_en == english


def test_county_level_divisions_know_their_prefecture() -> None:
    laixi = resolve_place("莱西")
    assert (laixi.name_zh, laixi.admin_level, laixi.parent, laixi.province) == (
        "莱西市",
        "county-level city",
        "青岛市",
        "山东",
    )
    assert resolve_place("单县").parent == "菏泽市"
    assert resolve_place("北京朝阳").parent == "北京市"  # a municipality's district
    assert resolve_place("济源").parent == ""  # run by its province directly
    assert resolve_place("北京").admin_level == "province"


def test_a_district_yields_its_short_form_to_the_larger_division() -> None:
    assert resolve_place("西安").code == "610100"
    assert resolve_place("牡丹江西安区").code == "231005"


def test_ambiguous_name_lists_every_candidate_and_how_to_qualify() -> None:
    with pytest.raises(DataError) as caught:
        resolve_place("鼓楼区")
    message = caught.value.message
    assert all(code in message for code in ("320106", "320302", "350102", "410204"))
    assert "南京市鼓楼区" in message
    assert resolve_place("南京市鼓楼区").parent == "南京市"


@pytest.mark.parametrize(("slip", "meant"), [("清岛市", "青岛市"), ("青岛县", "青岛市")])
def test_a_slip_is_refused_with_did_you_mean(slip: str, meant: str) -> None:
    with pytest.raises(DataError) as caught:
        resolve_place(slip)
    assert "did you mean" in caught.value.message and meant in caught.value.message


def test_every_division_resolves_by_its_name_or_is_named_among_the_candidates(
    all_places: tuple[Place, ...],
) -> None:
    for place in all_places:
        try:
            assert resolve_place(place.name_zh).code == place.code
        except DataError as error:
            assert place.code in error.message, place


def test_every_place_has_a_level_a_code_and_a_usable_english_name(
    all_places: tuple[Place, ...],
) -> None:
    assert len({p.code for p in all_places}) == len(all_places)
    assert {p.admin_level for p in all_places} <= set(ADMIN_LEVELS)
    assert all(len(p.code) == 6 and p.code.isdigit() for p in all_places)
    assert all(slug(p.name_en) != "unknown" for p in all_places)
    known = {p.name_zh for p in all_places}
    assert all(p.parent in known for p in all_places if p.parent)


def test_place_names_hold_official_names_and_short_forms_of_two_characters_or_more() -> None:
    names = place_names()
    assert {"青岛市", "青岛", "六安", "黔南", "莱西市", "单县", "浦东"} <= names
    assert all(len(name) >= 2 for name in names)


@pytest.mark.parametrize(
    ("official", "short", "not_short"),
    [
        ("上海市浦东新区", "浦东", "浦东新"),  # 新区 before 区
        ("神农架林区", "神农架", "神农架林"),  # 林区 before 区
        ("六枝特区", "六枝", "六枝特"),  # 特区 before 区
        ("大兴安岭地区", "大兴安岭", "大兴安岭地"),  # 地区 before 区
        ("黔南布依族苗族自治州", "黔南", "黔南布依族苗族"),  # both groups stripped
        ("伊犁哈萨克自治州", "伊犁", "伊犁哈萨克"),  # a group written without 族
    ],
)
def test_a_short_form_drops_the_longest_generic_and_every_ethnic_group(
    official: str, short: str, not_short: str
) -> None:
    names = place_names()
    assert resolve_place(official).name_zh.endswith(official[-4:])
    assert short in names and not_short not in names


@pytest.mark.parametrize(
    ("city", "province"),
    [
        ("南宁市", "广西"),
        ("伊宁市", "新疆"),
        ("呼和浩特市", "内蒙古"),
        ("拉萨市", "西藏"),
        ("济南市", "山东"),
    ],
)
def test_a_division_s_province_is_the_province_s_short_form(city: str, province: str) -> None:
    # 内蒙古, 西藏: a group name (蒙古, 藏) is not stripped below a two-character stem
    assert resolve_place(city).province == province


def test_the_readings_table_examples_are_real_divisions_read_as_the_table_says() -> None:
    text = (
        resources.files("pingan_analysis").joinpath("data", "place_readings.csv").read_text("utf-8")
    )
    for row in csv.DictReader(text.splitlines()):
        for example in row["example"].split():
            place = resolve_place(example)
            assert "".join(row["pinyin"].split()) in slug(place.name_en).replace("-", ""), place


def test_slug_keeps_syllable_boundaries_and_drops_diacritics() -> None:
    assert (
        slug("Lu'an") == "lu-an"
        and slug("Lüliang") == "luliang"
        and slug("Shan County") == "shan-county"
    )


def test_divisions_within_a_prefecture_are_its_districts_and_counties() -> None:
    inside = divisions_within("包头市")
    assert {"昆都仑区", "青山区", "固阳县"} <= inside
    assert "包头市" not in inside and "呼和浩特市" not in inside


def test_divisions_within_a_municipality_and_a_province_reach_the_counties() -> None:
    assert "和平区" in divisions_within("天津市")
    assert {"沈阳市", "和平区"} <= divisions_within("辽宁省")


def test_divisions_within_leaves_out_two_character_names_and_unknown_places() -> None:
    assert "城区" not in divisions_within("阳泉市")  # its 城区, 矿区 and 郊区 are common nouns
    assert all(len(name) >= 3 for name in divisions_within("阳泉市"))
    assert divisions_within("三原县") == frozenset()  # no division below a county in the table
    assert divisions_within("不存在的地方") == frozenset()
    assert divisions_within("") == frozenset()


def test_a_provinces_prefectures_are_named_by_their_short_forms_too() -> None:
    inside = divisions_within("甘肃省")
    assert {"兰州", "天水", "兰州市"} <= inside
    assert "青山" not in divisions_within("包头市")  # a district's stem is a common word
