"""The cues that keep a figure from a neighbouring indicator's id (extract/indicators.py):
parts, additions, targets, rates against counts, stages, predicates after a measure word.

Sentences are the project's own, written for each rule class; none is taken from a release."""

from __future__ import annotations

import pytest

from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.corpus.gazetteer import divisions_within
from pingan_analysis.extract.grammar import find_quantities
from pingan_analysis.extract.indicators import map_sentence

CODEBOOK = load_codebook()


def ids(sentence: str) -> list[tuple[str, str]]:
    """(figure text, indicator id or "") for every quantity of a sentence."""
    quantities = find_quantities(sentence)
    return [
        (sentence[q.start : q.end], i.id if i else "")
        for q, (i, _subject) in zip(
            quantities, map_sentence(sentence, quantities, CODEBOOK), strict=True
        )
    ]


def test_a_part_under_qizhong_is_not_the_totals_core_id() -> None:
    assert ids("全区受理法律援助案件2400件,其中为残疾人办理法律援助案件310件") == [
        ("2400件", "legal_aid_cases"),
        ("310件", ""),
    ]
    assert ids("全区群众安全感为97.9%,其中东城街道安全感为99.1%") == [
        ("97.9%", "public_sense_of_security"),
        ("99.1%", ""),
    ]


def test_a_keyword_that_names_the_part_keeps_it_under_qizhong() -> None:
    assert ids("全区配备网格员950名,其中专职网格员410名") == [
        ("950名", "grid_workers"),
        ("410名", "grid_workers_full_time"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # the parts' own ids, not the total's core id
            "办理刑事法律援助案件730件、民事法律援助案件1210件",
            [("730件", "legal_aid_criminal_cases"), ("1210件", "legal_aid_civil_cases")],
        ),
        ("划分微网格5200个", [("5200个", "micro_grids")]),  # its own id, not grid_cells
        ("划分基础网格640个", [("640个", "grid_cells")]),
    ],
)
def test_a_subtype_or_tier_word_before_the_keyword_narrows_a_core_id(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert ids(sentence) == expected


def test_a_part_of_the_rest_of_the_codebook_keeps_its_id() -> None:
    # parts narrow core ids only; a non-core id names what it names, part or not
    assert ids("其中建成公共法律服务站150个") == ids("建成公共法律服务站150个")


@pytest.mark.parametrize("verb", ["新建", "新增", "新安装", "增设"])
def test_an_addition_is_not_the_stock(verb: str) -> None:
    [(_, indicator)] = ids(f"全县{verb}视频监控点位870个")
    assert indicator in ("", "video_surveillance_points_added")  # the flow, never the stock


def test_the_stock_itself_keeps_its_id() -> None:
    assert ids("全县视频监控点位总数达到1.3万个") == [("1.3万个", "video_surveillance_points")]


def test_sub_units_of_the_place_are_not_its_figure() -> None:
    assert ids("全市12个区县群众安全感均在96%以上") == [("12个", ""), ("96%", "")]


def test_satisfaction_with_an_object_the_keyword_does_not_name_is_not_public_satisfaction() -> None:
    assert ids("群众对交警执法的满意度为93.2%") == [("93.2%", "")]
    assert ids("群众对平安建设工作的满意度为96.4%") == [("96.4%", "public_satisfaction")]
    assert ids("全市群众满意度为97%") == [("97%", "public_satisfaction")]


def test_a_service_satisfaction_rate_is_not_public_satisfaction() -> None:
    assert ids("热线办理群众满意率98.2%") == [("98.2%", "hotline_satisfaction")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a success rate carries the dispute id only when the sentence is about disputes
        (
            "共排查化解矛盾纠纷2.1万件,化解率97.3%",
            [("2.1万件", "disputes_resolved"), ("97.3%", "dispute_resolution_rate")],
        ),
        (
            "法院诉前调解案件成功4300件,调解成功率41%",
            [("4300件", "court_entrusted_mediations"), ("41%", "court_mediation_success_rate")],
        ),
        # a clearance rate is the criminal-case one only when the sentence names criminal cases
        ("两抢一盗案件发案下降9%,破案率88%", [("9%", "robbery_theft_cases"), ("88%", "")]),
        ("全市刑事案件破案率达到55.2%", [("55.2%", "criminal_case_clearance_rate")]),
    ],
)
def test_a_rate_carries_the_id_of_its_own_noun(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert ids(sentence) == expected


def test_a_more_specific_head_beats_a_context_keyword_of_equal_length() -> None:
    # 刑事+破案率 and 命案破案率 both count five characters: the contiguous head wins
    assert ids("刑事警情下降8%,命案破案率保持100%")[1] == ("100%", "homicide_clearance_rate")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("打掉涉黑组织4个", "gang_organizations_dismantled"),
        ("起诉涉黑组织4个", "gang_organizations_prosecuted"),
        ("批捕恶势力犯罪集团7个", ""),
    ],
)
def test_prosecuting_a_gang_is_not_dismantling_it(sentence: str, expected: str) -> None:
    assert ids(sentence)[0][1] == expected


@pytest.mark.parametrize("verb", ["下降到", "降至", "提升至"])
def test_a_change_verb_after_a_measure_word_starts_the_predicate(verb: str) -> None:
    # the subject of 2400起 stands before it, not in the predicate after its measure word
    sentence = f"全县刑事案件立案数由2015年的2400起{verb}2023年的1100起"
    assert [indicator for _, indicator in ids(sentence)] == ["criminal_cases_filed"] * 2


def test_a_change_after_tisheng_goes_on_about_the_subject_before() -> None:
    assert ids("全省群众安全感达97.5%,较上年提升0.7个百分点") == [
        ("97.5%", "public_sense_of_security"),
        ("0.7个百分点", "public_sense_of_security"),
    ]


def test_a_count_of_occurrences_is_not_a_head_count() -> None:
    # 户次 counts visits: not the grid workers (名) who made them
    assert ids("网格员走访群众9.3万户次") == [("9.3万户次", "grid_household_visits")]


def test_a_mediators_keyword_naming_a_part_does_not_carry_a_part_under_qizhong() -> None:
    assert ids("全县人民调解员2400名,其中专职人民调解员350名") == [
        ("2400名", "mediators"),
        ("350名", "mediators_full_time"),  # the part's own id, not the total's
    ]


def test_a_long_comparison_before_the_change_verb_is_still_a_predicate() -> None:
    assert ids("全县刑事案件发案数较专项行动前的2016年下降18.2%") == [
        ("18.2%", "criminal_cases_occurred")
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全市公安机关抓获各类犯罪嫌疑人2.3万名", "criminal_suspects_arrested"),
        ("全年批准逮捕各类犯罪嫌疑人3100人", "persons_arrest_approved"),
        ("缴获各类毒品48.6千克", "drugs_seized"),
        ("查处醉驾870起", "drunk_driving_cases"),
        ("全年道路交通事故起数同比下降6.1%", "road_traffic_accidents"),
        ("全县在册社区矫正对象1250人", "community_corrections_persons"),
        ("全市法院执结案件5.1万件", "court_enforcement_concluded"),
        ("全年执行到位金额31.2亿元", "court_enforcement_amount"),
        ("依法受理信访事项6400件", "petition_items_accepted"),
        ("建成车辆卡口640处", "electronic_checkpoints"),
        ("全年强制隔离戒毒210人", "compulsory_drug_rehabilitation"),
        ("全区现有员额法官88名", "judges_in_post"),
        ("12348法律服务热线接听来电3.2万个", "hotline_calls_answered"),
        ("全年追赃挽损1.4亿元", "economic_losses_recovered"),
    ],
)
def test_keyword_families_of_other_outlets(sentence: str, expected: str) -> None:
    assert [indicator for _, indicator in ids(sentence)] == [expected]


def test_suspects_of_one_case_type_keep_that_types_id() -> None:
    # a context keyword (电信网络诈骗+犯罪嫌疑人) is more specific than a total's keyword
    assert ids("破获电信网络诈骗案件320起,抓获犯罪嫌疑人410人")[1] == (
        "410人",
        "telecom_fraud_suspects_arrested",
    )


def test_a_negated_keyword_is_not_its_figure() -> None:
    assert ids("依法不起诉640人") == [("640人", "persons_not_prosecuted")]
    assert ids("依法起诉640人") == [("640人", "persons_prosecuted")]


def test_a_tier_is_not_the_total_of_any_indicator() -> None:
    assert ids("全县建成2个县级公共法律服务中心") == [("2个", "")]
    assert ids("全县建成公共法律服务中心12个") == [("12个", "public_legal_service_centres")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 从…的不足…增加到: a baseline's time and qualifier stand between keyword and figure
        (
            "全县监控探头由五年前的不足300个增加到4100个",
            [("300个", "video_surveillance_points"), ("4100个", "video_surveillance_points")],
        ),
        # a clause of place, time and 共有 goes on about the noun of the clause before
        ("像他这样的网格员,全县目前共有860名", [("860名", "grid_workers")]),
        ("说起网格员,铜川市现有1350名", [("1350名", "grid_workers")]),
    ],
)
def test_a_clause_without_a_subject_of_its_own_takes_the_one_before(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert ids(sentence) == expected


def test_a_verb_alone_carries_the_object_before_into_its_stage() -> None:
    # 排查 screens disputes, 化解 resolves them: only the resolved ones are disputes_resolved
    assert ids("全镇调解组织排查矛盾纠纷3120件,成功化解3050件") == [
        ("3120件", ""),
        ("3050件", "disputes_resolved"),
    ]
    # 破获 after 立案: the case count solved, not filed
    assert ids("全市刑事案件立案5200起,破获3100起") == [
        ("5200起", "criminal_cases_filed"),
        ("3100起", "criminal_cases_solved"),
    ]


def test_a_verb_alone_does_not_carry_an_indicator_that_knows_no_stages() -> None:
    accepted, concluded = ids("两级法院受理执行案件1.2万件,执结1.1万件")
    assert accepted[1] != "" and concluded[1] != accepted[1]


def test_the_noun_a_measure_word_counts_ends_at_a_verb() -> None:
    # communities that set up a branch, villages that were divided: not grid cells
    assert ids("在48个社区成立网格党支部") == [("48个", "grid_party_branches")]
    assert ids("全县12个乡镇、310个村(社区)共划分网格960个") == [
        ("12个", ""),
        ("310个", ""),
        ("960个", "grid_cells"),
    ]


def test_a_total_after_an_addition_is_the_stock() -> None:
    assert ids("全区新增监控探头900个,总数突破3.2万个") == [
        ("900个", "video_surveillance_points_added"),
        ("3.2万个", "video_surveillance_points"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "从分项看,群众对社会治安的满意度为94.1%,对执法司法公正的满意度为92.5%",
        "在具体领域中,群众对社会治安状况的满意度为95.0%",
        "全市破获刑事案件3100起,其中,东城区破获刑事案件800起",
    ],
)
def test_a_frame_of_parts_narrows_the_rest_of_its_sentence(sentence: str) -> None:
    found = ids(sentence)
    assert found[-1][1] == "" and all(indicator == "" for _, indicator in found[1:])


def test_qizhong_opening_a_sentence_frames_nothing() -> None:
    assert ids("其中,在扫黑除恶方面,全市共打掉涉黑组织6个") == [
        ("6个", "gang_organizations_dismantled")
    ]


def test_satisfaction_with_political_legal_work_is_public_satisfaction() -> None:
    assert ids("全区群众对政法工作的满意度为95.1%") == [("95.1%", "public_satisfaction")]
    assert ids("受援群众对法律援助服务的满意度为98.7%") == [("98.7%", "legal_aid_satisfaction")]


def test_a_district_of_the_releases_place_reports_a_part() -> None:
    sentence = "全市群众安全感为98.2%,昆都仑区群众安全感达99.0%"
    quantities = find_quantities(sentence)
    inside = frozenset({"昆都仑区", "青山区"})
    mapped = map_sentence(sentence, quantities, CODEBOOK, inside)
    assert [i.id if i else "" for i, _ in mapped] == ["public_sense_of_security", ""]
    # without the release's place, the district is not known to be inside it
    alone = map_sentence(sentence, quantities, CODEBOOK)
    assert [i.id if i else "" for i, _ in alone] == ["public_sense_of_security"] * 2


def test_after_fenbie_without_nouns_the_changes_follow_the_figures_before() -> None:
    assert ids("全市发生生产安全事故41起、死亡37人,同比分别下降10.2%和8.1%") == [
        ("41起", "production_safety_accidents"),
        ("37人", "production_safety_deaths"),
        ("10.2%", "production_safety_accidents"),
        ("8.1%", "production_safety_deaths"),
    ]


def test_a_threshold_before_a_noun_measures_that_noun() -> None:
    # 10万元(含)以上的案件: a class of cases, not an amount lost
    assert ids("对损失金额10万元(含)以上的案件,由反诈中心统一研判") == [("10万元", "")]


def test_a_change_of_a_figure_without_an_indicator_has_none() -> None:
    # convicts are not cases: neither they nor their change are the cases' id
    assert ids("审结八类案件罪犯418人,同比下降12.2%") == [("418人", ""), ("12.2%", "")]
    assert ids("破获刑事案件1200起,同比上升15%") == [
        ("1200起", "criminal_cases_solved"),
        ("15%", "criminal_cases_solved"),
    ]


def test_a_provincial_release_names_its_cities_by_short_forms() -> None:
    sentence = "天水群众安全感为98.9%"
    quantities = find_quantities(sentence)
    for place, expected in (("甘肃省", ""), ("天水市", "public_sense_of_security")):
        mapped = map_sentence(sentence, quantities, CODEBOOK, divisions_within(place))
        assert [i.id if i else "" for i, _ in mapped] == [expected]


def test_the_successful_share_of_a_figure_with_the_id_is_a_part_of_it() -> None:
    assert ids("全市人民调解组织调解矛盾纠纷2.4万件,调解成功2.3万件") == [
        ("2.4万件", "disputes_resolved"),
        ("2.3万件", ""),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("查处涉校治安案件47起", ""),  # 涉校: cases near schools, a kind of public-order case
        ("查处治安案件4700起", "public_order_cases"),
        ("设置专属网格312个", "dedicated_grids"),  # a sub-type: not grid_cells
    ],
)
def test_a_kind_before_a_core_keyword_narrows_it(sentence: str, expected: str) -> None:
    assert ids(sentence)[0][1] == expected


def test_persons_taken_for_review_are_not_persons_prosecuted() -> None:
    assert ids("受理审查起诉1 047人") == [("1 047人", "")]
    assert ids("提起公诉1 047人") == [("1 047人", "persons_prosecuted")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a norm per unit is no count of the place
        ("每个村(社区)至少配备1名专职网格员", [("1名", "")]),
        ("全县每年配备专职网格员60名", [("60名", "grid_workers_full_time")]),  # 每年 is time
        # person-times are not heads
        ("全年培训调解员1.2万人次", [("1.2万人次", "")]),
        # an office's own level is a part of the place's petitions
        ("市信访局本级受理群众来信来访4680件", [("4680件", "")]),
        # an increase after the noun is a change of the stock, not the stock
        ("专职网格员再增加200名", [("200名", "")]),
        ("专职网格员增加到2000名", [("2000名", "grid_workers_full_time")]),
        # a share followed by its noun is a share of that noun
        (
            "全市群众满意度为95.7%,九成以上受访群众表示晚上出门很放心",
            [("95.7%", "public_satisfaction"), ("九成", "")],
        ),
        # 其中 in the figure's own clause, after the subject it carries over
        (
            "全区化解矛盾纠纷7840件,化解率97.9%,其中80%以上在街道一级化解",
            [("7840件", "disputes_resolved"), ("97.9%", "dispute_resolution_rate"), ("80%", "")],
        ),
    ],
)
def test_norms_occurrences_own_levels_increases_and_parts(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert ids(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a change stated as a count, and the percentage after it, which carries the id
        (
            "全市接报刑事类警情6418起,比上年减少1102起,降幅14.7%",
            [
                ("6418起", "criminal_police_incidents"),
                ("1102起", ""),
                ("14.7%", "criminal_police_incidents"),
            ],
        ),
        # after 分别 with a bare clause, the list is the clause before
        (
            "生产安全事故起数、死亡人数实现“双下降”,分别下降19.2%和16.7%",
            [("19.2%", "production_safety_accidents"), ("16.7%", "production_safety_deaths")],
        ),
        # 少了 is a change
        ("电诈案件发案数比去年同期少了近三成", [("三成", "telecom_fraud_cases")]),
        # a target's words stand between keyword and figure
        ("法律援助案件办理量力争突破5500件", [("5500件", "legal_aid_cases")]),
        # a count under a norm per unit is not the place's
        ("每个乡镇至少配备2名专职人民调解员", [("2名", "")]),
    ],
)
def test_changes_as_counts_lists_before_fenbie_and_norms(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert ids(sentence) == expected


def test_disputes_accepted_mediated_and_mediated_successfully() -> None:
    # the mediated count is the core figure; the intake and the successful share are not
    assert ids("全年受理各类矛盾纠纷9 430件,调解9 277件,调解成功9 105件,调解成功率为98.1%") == [
        ("9 430件", ""),
        ("9 277件", "disputes_resolved"),
        ("9 105件", ""),
        ("98.1%", "dispute_resolution_rate"),
    ]
    # a keyword holding its cue names its stage itself
    assert ids("全区排查受理各类矛盾纠纷5.4万余件") == [("5.4万余件", "disputes_resolved")]


def test_a_locative_clause_of_a_district_frames_a_part() -> None:
    sentence = "在让胡路区,网格员数量达到1 120名"
    quantities = find_quantities(sentence)
    for place, expected in (("大庆市", ""), ("", "grid_workers")):
        mapped = map_sentence(sentence, quantities, CODEBOOK, divisions_within(place))
        assert [i.id if i else "" for i, _ in mapped] == [expected]
