"""Tests of extract/grammar.py, one table per rule.

Rows quote real sentences of the seed releases (the release id is the row's second field) and
sentences written here in the styles of other outlets and provinces ("own: …"). Each row gives
the sentence and every quantity expected in it, in order, as the fields the rule is about.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.extract.grammar import Quantity, find_quantities, names_holding_numerals
from pingan_analysis.registry import DIRECTIONS, MENTION_KINDS, MULTIPLE_FORMS, QUALIFIERS

from conftest import RELEASES_DIR as RELEASES

QD = "qingdao-2020-04-08-7042e67b"
QD_PAPER = "qingdao-2020-04-15-1ebbc326"
BAOSHAN = "baoshan-2022-06-27-2f4f2efe"
LAIXI = "laixi-2014-01-01-6004b27d"
ZIBO = "zibo-2022-10-14-b179115e"


def spans(sentence: str) -> list[str]:
    return [sentence[q.start : q.end] for q in find_quantities(sentence)]


def readings(sentence: str) -> list[tuple]:
    """(text, value, unit, qualifier, lower, upper) of each quantity."""
    return [
        (sentence[q.start : q.end], q.value, q.unit, q.qualifier, q.lower, q.upper)
        for q in find_quantities(sentence)
    ]


def kinds(sentence: str) -> list[tuple]:
    """(text, kind, direction, multiple_form) of each quantity."""
    return [
        (sentence[q.start : q.end], q.kind, q.direction, q.multiple_form)
        for q in find_quantities(sentence)
    ]


# --- numbers, multipliers, units and spans ----------------------------------------------------

NUMBERS_AND_UNITS = [
    (
        "将全市科学划分为2.9万多个基础网格,统一编制确定编码",
        QD,
        [("2.9万多个", 29000, "个", "lower", 29000, 30000)],
    ),
    (
        "查封、扣押、冻结涉黑涉恶资产11.74亿元。",
        QD,
        [("11.74亿元", 1174000000, "元", "exact", 1174000000, 1174000000)],
    ),
    ("对排查出的428起隐患,全部建立了台账", LAIXI, [("428起", 428, "起", "exact", 428, 428)]),
    (
        "引进了总投资1800万美元,建筑面积2万平方米的青岛新新体育用品有限公司",
        LAIXI,
        [
            ("1800万美元", 18000000, "美元", "exact", 18000000, 18000000),
            ("2万平方米", 20000, "平方米", "exact", 20000, 20000),
        ],
    ),
    ("累计参训人员达1.42万人次。", QD, [("1.42万人次", 14200, "人次", "exact", 14200, 14200)]),
    ("排查化解矛盾隐患1万多件(次)。", QD, [("1万多件(次)", 10000, "件次", "lower", 10000, 20000)]),
    ("发放救助金448.47万元。", BAOSHAN, [("448.47万元", 4484700, "元", "exact", 4484700, 4484700)]),
    ("共排查整改顽瘴痼疾问题11901件", ZIBO, [("11901件", 11901, "件", "exact", 11901, 11901)]),
    (
        "全年共破获刑事案件1,236起,抓获犯罪嫌疑人2,017名。",
        "own: 新华社 style, separators",
        [
            ("1,236起", 1236, "起", "exact", 1236, 1236),
            ("2,017名", 2017, "名", "exact", 2017, 2017),
        ],
    ),
    (
        "全年受理案件一万二千三百四十五件,抓获犯罪嫌疑人三百余名。",
        "own: county bulletin, numerals",
        [
            ("一万二千三百四十五件", 12345, "件", "exact", 12345, 12345),
            ("三百余名", 300, "名", "lower", 300, 400),
        ],
    ),
    (
        "全省共有网格员２３万余名，投入资金3千万元。",
        "own: un-normalised full width",
        [
            ("２３万余名", 230000, "名", "lower", 230000, 240000),
            ("3千万元", 30000000, "元", "exact", 30000000, 30000000),
        ],
    ),
    ("节约时间80万余小时。", BAOSHAN, [("80万余小时", 800000, "小时", "lower", 800000, 900000)]),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), NUMBERS_AND_UNITS)
def test_numbers_multipliers_units_and_spans(sentence: str, source: str, expected: list) -> None:
    assert readings(sentence) == expected


# --- qualifiers and intervals -----------------------------------------------------------------

QUALIFIER_ROWS = [
    (
        "全市共配备网格员7600余人,建立网格微信群9400余个",
        ZIBO,
        [
            ("7600余人", 7600, "人", "lower", 7600, 7700),
            ("9400余个", 9400, "个", "lower", 9400, 9500),
        ],
    ),
    ("辐射职工群体80余万人。", QD, [("80余万人", 800000, "人", "lower", 800000, 900000)]),
    ("日均解析人脸3000余万张", QD, [("3000余万张", 3e7, "张", "lower", 3e7, 4e7)]),
    ("共查处各类违法犯罪嫌疑人1万余人", QD, [("1万余人", 10000, "人", "lower", 10000, 20000)]),
    (
        "查扣、冻结涉案资产37.23亿余元",
        BAOSHAN,
        [("37.23亿余元", 3723000000, "元", "lower", 3723000000, 3724000000)],
    ),
    (
        "人均月收入3000多元",
        "own: 3000多元 of DESIGN.md",
        [("3000多元", 3000, "元", "lower", 3000, 4000)],
    ),
    ("全市年均破获刑事案件近3万起", ZIBO, [("3万起", 30000, "起", "upper", None, 30000)]),
    ("办事办证近30万件", BAOSHAN, [("30万件", 300000, "件", "upper", None, 300000)]),
    ("群众对网格工作满意度超过98%。", ZIBO, [("98%", 98, "%", "lower", 98, 100)]),
    ("全市重大矛盾纠纷化解成功率达到98%以上。", ZIBO, [("98%", 98, "%", "lower", 98, 100)]),
    (
        "政法干警年均为群众解决困难问题超过1.5万件",
        ZIBO,
        [("1.5万件", 15000, "件", "lower", 15000, None)],
    ),
    (
        "动员群众安装注册“国家反诈中心”APP超58万人",
        BAOSHAN,
        [("58万人", 580000, "人", "lower", 580000, None)],
    ),
    (
        "提供法律咨询解答约15万余人次",
        BAOSHAN,
        [("15万余人次", 150000, "人次", "approx", None, None)],
    ),
    (
        "立案数不足200起,发案率控制在5%以内。",
        "own: 浙江 style",
        [("200起", 200, "起", "upper", None, 200), ("5%", 5, "%", "upper", None, 5)],
    ),
    (
        "群众满意度在95%左右,逾千名干警下沉社区。",
        "own: 四川 style",
        [("95%", 95, "%", "approx", None, None), ("千名", 1000, "名", "lower", 1000, None)],
    ),
    ("节约成本上亿元", BAOSHAN, [("亿元", 1e8, "元", "lower", 1e8, None)]),
    (
        "近万名志愿者参与巡逻,另有数百名群众。",
        "own: 广东 style",
        [("万名", 10000, "名", "upper", None, 10000), ("数百名", 550, "名", "range", 200, 900)],
    ),
    (
        "收缴各类枪支数十支,查获万余人次。",
        "own: 云南 style",
        [("数十支", 55, "支", "range", 20, 90), ("万余人次", 10000, "人次", "lower", 10000, 20000)],
    ),
    (
        "受理群众来信三十余件,办结十余件。",
        "own: 县委 style",
        [("三十余件", 30, "件", "lower", 30, 40), ("十余件", 10, "件", "lower", 10, 20)],
    ),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), QUALIFIER_ROWS)
def test_qualifiers_and_intervals(sentence: str, source: str, expected: list) -> None:
    assert readings(sentence) == expected


# --- ranges -----------------------------------------------------------------------------------

RANGES = [
    (
        "城市社区专职工作者按照每300-400户居民配备1人的标准核定总量",
        QD,
        [("300-400户", 350, "户", "range", 300, 400), ("1人", 1, "人", "exact", 1, 1)],
    ),
    ("每个社区配备300至400户的网格", "own", [("300至400户", 350, "户", "range", 300, 400)]),
    (
        "参与群众两到三万人",
        "own: 两到三万 of DESIGN.md",
        [("两到三万人", 25000, "人", "range", 20000, 30000)],
    ),
    (
        "对1万(含)-5万元的举报给予奖励",
        "own: reward notice",
        [("1万(含)-5万元", 30000, "元", "range", 10000, 50000)],
    ),
    (
        "资金投入2-3亿元,覆盖率提升至10%~15%",
        "own",
        [("2-3亿元", 2.5e8, "元", "range", 2e8, 3e8), ("10%~15%", 12.5, "%", "range", 10, 15)],
    ),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), RANGES)
def test_ranges(sentence: str, source: str, expected: list) -> None:
    assert readings(sentence) == expected


# --- percent forms ----------------------------------------------------------------------------

PERCENT_FORMS = [
    (
        "人民群众对专项斗争满意度98.61%,连续4年排名全省第一。",
        BAOSHAN,
        [("98.61%", 98.61, "%", "exact", 98.61, 98.61)],
    ),
    (
        "群众安全感达到百分之九十八点五",
        "own: 百分之 in words",
        [("百分之九十八点五", 98.5, "%", "exact", 98.5, 98.5)],
    ),
    ("视频监控覆盖率达到百分之百", "own", [("百分之百", 100, "%", "exact", 100, 100)]),
    (
        "七成以上的纠纷在村居化解,三成来自网格。",
        "own: 成 as tenths",
        [("七成", 70, "%", "lower", 70, 100), ("三成", 30, "%", "exact", 30, 30)],
    ),
    (
        "安全感满意度为98.6％",
        "own: full-width percent",
        [("98.6％", 98.6, "%", "exact", 98.6, 98.6)],
    ),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), PERCENT_FORMS)
def test_percent_forms(sentence: str, source: str, expected: list) -> None:
    assert readings(sentence) == expected
    assert all(q.kind == "percent" for q in find_quantities(sentence))


# --- kinds: changes, levels, multiples, amounts -----------------------------------------------

KIND_ROWS = [
    (
        "全市刑事警情同比下降13.5%,命案破案率保持100%",
        QD,
        [("13.5%", "change_pct", "down", ""), ("100%", "percent", "", "")],
    ),
    (
        "2019年全市法院办结案件数量增加了31.7%,可以说成效明显。",
        QD,
        [("31.7%", "change_pct", "up", "")],
    ),
    (
        "破获经济犯罪案件同比提高23%,挽回经济损失26亿元",
        QD,
        [("23%", "change_pct", "up", ""), ("26亿元", "amount", "", "")],
    ),
    (
        "平均办案时间节省约40%,认罪认罚案件速裁程序适用率52.9%。",
        QD,
        [("40%", "change_pct", "down", ""), ("52.9%", "percent", "", "")],
    ),
    (
        "2021年道路交通事故死亡人数较2010年下降58.4%。",
        BAOSHAN,
        [("58.4%", "change_pct", "down", "")],
    ),
    ("创建周期内全市发生命案比峰值下降255%。", BAOSHAN, [("255%", "change_pct", "down", "")]),
    (
        "刑事打击同比提高58%,行政拘留同比提高1.1倍,刑事破案同比提高45.5%",
        QD,
        [
            ("58%", "change_pct", "up", ""),
            ("1.1倍", "change_multiple", "up", "increase"),
            ("45.5%", "change_pct", "up", ""),
        ],
    ),
    (
        "全市追回逃犯1328人,是上年同期的2倍。",
        QD,
        [("1328人", "count", "", ""), ("2倍", "change_multiple", "up", "ratio")],
    ),
    (
        "吸毒人员数量是2015年的0.6倍",
        "own: ratio below one",
        [("0.6倍", "change_multiple", "down", "ratio")],
    ),
    (
        "发案率下降零点五个百分点,增长了百分之十",
        "own: numerals in words",
        [("零点五个百分点", "change_pp", "down", ""), ("百分之十", "change_pct", "up", "")],
    ),
    (
        "破案率提高了5.2个百分点,发案率下降1.3个百分点",
        "own: 人民网 style",
        [("5.2个百分点", "change_pp", "up", ""), ("1.3个百分点", "change_pp", "down", "")],
    ),
    (
        "刑事发案率下降到5%,可防性案件降至3%",
        "own: level reached",
        [("5%", "percent", "", ""), ("3%", "percent", "", "")],
    ),
    ("命案发案数较上年下降三成", "own: 成 as a change", [("三成", "change_pct", "down", "")]),
    (
        "增幅为12.5%,降幅达3%",
        "own: 增幅/降幅",
        [("12.5%", "change_pct", "up", ""), ("3%", "change_pct", "down", "")],
    ),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), KIND_ROWS)
def test_kinds_and_directions(sentence: str, source: str, expected: list) -> None:
    assert kinds(sentence) == expected


SHARED_VERBS = [
    (
        "淄博市刑事犯罪案件立案数和可防性案件立案数分别下降36.01%、85.7%,人民群众获得感",
        ZIBO,
        [("36.01%", "change_pct", "down", ""), ("85.7%", "change_pct", "down", "")],
    ),
    (
        "越级到省、进京集体访分别同比下降11%、13%,特别是进京上访数量",
        QD,
        [("11%", "change_pct", "down", ""), ("13%", "change_pct", "down", "")],
    ),
    (
        "两类案件分别同比下降16.6%和6.2%",
        "own",
        [("16.6%", "change_pct", "down", ""), ("6.2%", "change_pct", "down", "")],
    ),
    (
        "盗窃、诈骗案件分别增长12%、下降3%",
        "own",
        [("12%", "change_pct", "up", ""), ("3%", "change_pct", "down", "")],
    ),
    (
        "发案下降12%,满意度96%和98%",
        "own: a list after a comma is not the change",
        [("12%", "change_pct", "down", ""), ("96%", "percent", "", ""), ("98%", "percent", "", "")],
    ),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), SHARED_VERBS)
def test_lists_share_one_verb(sentence: str, source: str, expected: list) -> None:
    assert kinds(sentence) == expected


TWO_COUNTS = [
    (
        "批捕涉黑涉恶案件152件367人,提起公诉100件433人;审理涉黑涉恶案件117件,审结80件288人",
        QD,
        ["152件", "367人", "100件", "433人", "117件", "80件", "288人"],
    ),
    (
        "全市检察机关开展国家司法救助492件532人,发放救助金448.47万元。",
        BAOSHAN,
        ["492件", "532人", "448.47万元"],
    ),
    ("破获刑事案件587起1032人", BAOSHAN, ["587起", "1032人"]),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), TWO_COUNTS)
def test_two_counts_on_one_object(sentence: str, source: str, expected: list) -> None:
    assert spans(sentence) == expected


# --- not quantities ---------------------------------------------------------------------------

DATES_AND_TIMES = [
    ("2013年4月10日,我市被青岛市委、市政府表彰", LAIXI),
    ("腾冲市委政法委被表彰为2017—2020年度“平安中国建设先进集体”", BAOSHAN),
    ("今年1至5月,全市", BAOSHAN),
    ("来源:大众日报 2020-04-15 13:28   https://www.yybnet.net/", QD_PAPER),
    ("于2019年10月11日至14日在城阳举办", QD),
    ("2022年第三季度,上午9时30分", "own"),
    ("二〇二二年十月一日", "own: date in numerals"),
    ("圆满完成新中国成立70周年、建党100周年等维稳安保任务", ZIBO),
]

ORDINALS_AND_MARKERS = [
    ("一是实施专项整治行动", LAIXI),
    ("1.工作协调专班集中抓落实。", QD),
    ("位列青岛十一区市第二名", LAIXI),
    ("并入选全国第一批市域社会治理现代化试点市", ZIBO),
    ("青岛市委十二届五次全体会议上提出", QD_PAPER),
    ("(3)2.2 小节,第3名", "own"),
]

PHONES_HOTLINES_PROGRAMMES = [
    ("联系电话是:0532-85912726。", QD),
    ("畅通7*24小时服务的12348法律服务专线", QD),
    ("积极推进“1+1+N”矛盾纠纷多元化解机制建设", QD),
    ("开展“6955十户联防”和“一村一警”", BAOSHAN),
    ("“3·29”专案组被表彰", BAOSHAN),
    ("探索出“三个亲自”“五包五保”“21315”工作法", BAOSHAN),
    ("落实寄递物流行业“3个100%”制度", QD),
    ("成功突破平度“2006.2.6”入室抢劫杀人等", QD),
    ("2006.2.6起入室抢劫案", "own: a dotted date unquoted"),
    ("拨打110报警或12345政务服务热线,96110反诈专线", "own"),
    ("6955十户联防", "own: unquoted"),
    ("雪亮工程2.0、网约房G20峰会", "own"),
]

SLOGANS_AND_WORDS = [
    ("按照党中央“一年治标、两年治根、三年治本”部署", QD),
    ("一年治标、两年治根、三年治本", "own: unquoted"),
    ("统一制作“红袖标”", LAIXI),
    ("培养了一批办(破)案能手", BAOSHAN),
    ("开展了“一站式”建设", BAOSHAN),
    ("在一起投诉举报答复案件中", QD),
    ("将党的建设、综合治理、城市管理等事项纳入一张网管理", QD),
    ("万无一失,一村一警,一些问题", "own"),
    ("每万人口刑事案件立案数", "own: 每万人 is a rate's base"),
    (
        "严格落实中央八项规定精神,增强四个意识、坚定四个自信、做到两个维护",
        "own: political formulae",
    ),
    ("统筹推进五位一体总体布局,位列全省前三名", "own"),
]

NAMES = [
    (
        "聚焦政治安全、扫黑除恶、基层治理、公共安全、信访维稳、服务发展六大领域,精心组织打好六场战役",
        QD,
    ),
    ("这是青岛市委、市政府去年发起15大攻势以来", QD_PAPER),
    ("强力推进治安防控“八张网”建设,织密八张网", BAOSHAN),
    ("精心组织实施春夏秋冬四场攻势", QD),
    ("开展“6995”网格化服务管理信息平台建设,组建十大工程", "own"),
    ("出台《保山公安机关优化营商环境26条措施清单》", BAOSHAN),
    ("搭建县乡村组四级联动平台,市、县两级法律援助机构", BAOSHAN),
    ("八类主要刑事案件、可防性案件实现连年下降", ZIBO),
]

DURATIONS = [
    ("连续4年排名全省第一", BAOSHAN),
    ("确保群众“只进一道门,最多跑一次,十分钟办理”", BAOSHAN),
    ("平均办案期限缩短21天", ZIBO),
    ("缩短办案时限到5个工作日", BAOSHAN),
    ("其中10年以上全部化解,提前三个月完成", QD),
    ("进京上访数量连续4个月同环比“双降”,每20天分析通报", QD),
    ("历时3个多月,15分钟到达现场", "own"),
]

NOT_QUANTITIES = [
    pytest.param(sentence, source, id=f"{group}-{i}")
    for group, table in (
        ("date", DATES_AND_TIMES),
        ("ordinal", ORDINALS_AND_MARKERS),
        ("code", PHONES_HOTLINES_PROGRAMMES),
        ("word", SLOGANS_AND_WORDS),
        ("name", NAMES),
        ("duration", DURATIONS),
    )
    for i, (sentence, source) in enumerate(table)
]


@pytest.mark.parametrize(("sentence", "source"), NOT_QUANTITIES)
def test_not_quantities(sentence: str, source: str) -> None:
    assert spans(sentence) == []


KEPT_BESIDE_NOT_QUANTITIES = [
    ("超市涵盖5大类120项(市级49,区级71)具体业务", BAOSHAN, ["120项"]),
    ("对黑恶势力干扰渗透等15种情形的605个村(社区)党组织开展整顿", QD, ["15种", "605个"]),
    ("聚焦海洋生态环境保护、食品药品安全保护等8个领域开展公益诉讼专项监督", QD, ["8个"]),
    ("道路交通事故起数、死亡人数、受伤人数、直接财产损失四项指标实现连年下降", ZIBO, ["四项"]),
    ("重点做好五方面工作。", ZIBO, ["五方面"]),
    ("由公检法三方共同入驻", BAOSHAN, ["三方"]),
    ("在全国率先实现人脸识别四种算法的融合应用", QD, ["四种"]),
    ("先后五次刊发相关的材料,感谢台上的六位发布人", QD, ["五次", "六位"]),
    ("抓获张某等3人,并提高一倍", "own: 等 before people is a count", ["3人", "一倍"]),
    ("2013年,先后21次合理处置民师上访活动", LAIXI, ["21次"]),
    ("网络平台包括12309检察网和12309四种线上服务渠道", BAOSHAN, []),
    ("1到0成,10-5起", "own: a descending pair is not a range (found by hypothesis)", []),
]


@pytest.mark.parametrize(("sentence", "source", "expected"), KEPT_BESIDE_NOT_QUANTITIES)
def test_counts_of_listed_items_and_small_numerals(
    sentence: str, source: str, expected: list[str]
) -> None:
    assert spans(sentence) == expected


# --- gaps found on text in other styles (all sentences written here) --------------------------

CLASSIFIER_ROWS = [
    ("图书馆新增藏书三册", [("三册", 3.0, "册")]),
    ("安装路灯1200盏,悬挂宣传画40幅", [("1200盏", 1200.0, "盏"), ("40幅", 40.0, "幅")]),
    ("开展法治讲座25堂,寄发慰问信300封", [("25堂", 25.0, "堂"), ("300封", 300.0, "封")]),
    ("发放普法读本2.5万本", [("2.5万本", 25000.0, "本")]),
    (
        "检查车辆3.2万辆次、船舶180艘次",
        [("3.2万辆次", 32000.0, "辆次"), ("180艘次", 180.0, "艘次")],
    ),
    ("赠送锦旗120面", [("120面", 120.0, "面")]),
]


@pytest.mark.parametrize(("sentence", "expected"), CLASSIFIER_ROWS)
def test_classifiers_of_the_dictionary_table(sentence: str, expected: list) -> None:
    assert [r[:3] for r in readings(sentence)] == expected


def test_every_counting_classifier_of_the_table_is_a_unit() -> None:
    from pingan_analysis.extract.units import CLASSIFIERS, SMALL_NUMERAL_NAMES

    for classifier in CLASSIFIERS:
        sentence = f"共有38{classifier},"
        assert spans(sentence) == [f"38{classifier}"], classifier
        small = f"共有五{classifier},"
        assert spans(small) == ([] if classifier in SMALL_NUMERAL_NAMES else [f"五{classifier}"])


SCORE_ROWS = [
    ("全市群众安全指数达91.3分", [("91.3分", "score", "")]),
    ("测评得分较上年提高2.4分", [("2.4分", "change_score", "up")]),
    (
        "满意度得分分别下降1.2分、0.8分",
        [("1.2分", "change_score", "down"), ("0.8分", "change_score", "down")],
    ),
    ("考核成绩在90分以上", [("90分", "score", "")]),
    ("此项工作十分重要,约占三分之一", []),
    ("会议于上午9时30分召开,用时3分30秒", []),
]


@pytest.mark.parametrize(("sentence", "expected"), SCORE_ROWS)
def test_scores_and_changes_in_points(sentence: str, expected: list) -> None:
    assert [r[:3] for r in kinds(sentence)] == expected
    assert all(q.unit == "分" for q in find_quantities(sentence))


NAMES_AND_IDIOMS = [
    ("五家渠市召开平安建设推进会", []),
    ("二道区、六枝特区和七里河区各破获案件12起", [("12起", 12.0)]),
    ("民警四面八方赶来,一五一十地讲清了经过", []),
    ("三台县安装三台监控设备", [("三台", 3.0)]),
]


@pytest.mark.parametrize(("sentence", "expected"), NAMES_AND_IDIOMS)
def test_numerals_inside_place_names_and_idioms(sentence: str, expected: list) -> None:
    assert [r[:2] for r in readings(sentence)] == expected


QUOTES_AND_MUMQIAN = [
    ("他说:“今年全市共破获盗窃案件860余起。”", ["860余起"]),
    ("局长表示:“共化解矛盾纠纷3200件,调解成功率98%”", ["3200件", "98%"]),
    ("深化“6955十户联防”和“3个100%”机制", []),
    ("目前5个乡镇已建成综治中心", ["5个"]),
    ("当前2名嫌疑人在逃,前3名获表彰", ["2名"]),
]


@pytest.mark.parametrize(("sentence", "expected"), QUOTES_AND_MUMQIAN)
def test_speech_in_quotes_is_read_and_names_are_not(sentence: str, expected: list) -> None:
    assert spans(sentence) == expected


ORAL_FORMS = [
    ("现场来了五十来人", [("五十来人", 50.0, "人", "approx", None, None)]),
    ("每年发生三四百起", [("三四百起", 350.0, "起", "range", 300.0, 400.0)]),
    ("仅剩两三个", [("两三个", 2.5, "个", "range", 2.0, 3.0)]),
    ("挽回损失七八十万元", [("七八十万元", 750000.0, "元", "range", 700000.0, 800000.0)]),
    ("发动志愿者2万3千余名", [("2万3千余名", 23000.0, "名", "lower", 23000.0, 24000.0)]),
    ("投入资金1亿2000万元", [("1亿2000万元", 1.2e8, "元", "exact", 1.2e8, 1.2e8)]),
    ("群众知晓率达九成二", [("九成二", 92.0, "%", "exact", 92.0, 92.0)]),
    ("两成多的案件", [("两成多", 20.0, "%", "lower", 20.0, 30.0)]),
]


@pytest.mark.parametrize(("sentence", "expected"), ORAL_FORMS)
def test_oral_and_compound_forms(sentence: str, expected: list) -> None:
    assert readings(sentence) == expected


def test_a_yearly_average_growth_is_a_change_up() -> None:
    assert kinds("近五年全市GDP年均增长5.5%") == [("5.5%", "change_pct", "up", "")]


SHARED_MULTIPLIERS = [
    ("奖励三至五万元", [("三至五万元", 40000.0, "元", "range", 30000.0, 50000.0)]),
    ("涉案两到三千万元", [("两到三千万元", 2.5e7, "元", "range", 2e7, 3e7)]),
    ("罚款10万元(含)以上", [("10万元", 1e5, "元", "lower", 1e5, None)]),
    ("罚款10万元（含）以上", [("10万元", 1e5, "元", "lower", 1e5, None)]),
    ("奖励2 万(含)-3 万元", [("2 万(含)-3 万元", 25000.0, "元", "range", 20000.0, 30000.0)]),
]


@pytest.mark.parametrize(("sentence", "expected"), SHARED_MULTIPLIERS)
def test_ranges_sharing_a_multiplier_bounds_and_spaces(sentence: str, expected: list) -> None:
    assert readings(sentence.replace("（", "(").replace("）", ")")) == expected


_DIGITS = "一二三四五六七八九"


@given(
    st.integers(min_value=1, max_value=8),
    st.sampled_from(["", "十", "百", "千", "万", "十万"]),
    st.sampled_from(["起", "人", "元", "件"]),
)
def test_any_two_adjacent_digits_are_a_range(low: int, mult: str, unit: str) -> None:
    figure = _DIGITS[low - 1] + _DIGITS[low] + mult + unit
    [quantity] = find_quantities(f"共计{figure},")
    scale = {"": 1, "十": 10, "百": 100, "千": 1000, "万": 10**4, "十万": 10**5}[mult]
    assert (quantity.qualifier, quantity.lower, quantity.upper) == (
        "range",
        low * scale,
        (low + 1) * scale,
    )


@given(
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=9),
    st.sampled_from(["千", "百"]),
)
def test_any_ten_thousands_with_a_lower_part_is_one_figure(wan: int, rest: int, mult: str) -> None:
    figure = f"{wan}万{rest}{mult}人"
    [quantity] = find_quantities(f"参与群众{figure},")
    assert quantity.value == wan * 10**4 + rest * (1000 if mult == "千" else 100)


@given(st.decimals(min_value=0, max_value=150, places=1), st.sampled_from(["", "提高", "下降"]))
def test_any_score_is_a_level_or_a_change(score, verb: str) -> None:
    figure = f"{score}分"
    [quantity] = find_quantities(f"测评{verb}{figure},")
    kind = "change_score" if verb else "score"
    assert (quantity.kind, quantity.value, quantity.unit) == (kind, float(score), "分")


@given(st.sampled_from(sorted(names_holding_numerals()[0])))
def test_no_name_or_idiom_holding_a_numeral_gives_a_figure(name: str) -> None:
    assert find_quantities(f"在{name}开展工作") == []


@given(
    st.integers(min_value=2, max_value=99999),
    st.sampled_from(["起", "件", "名", "个"]),
    st.sampled_from(["", "。", ",", "!"]),
)
def test_a_short_quote_hides_its_figure_unless_it_is_speech(n: int, unit: str, mark: str) -> None:
    sentence = f"他说:“今年共破获{n}{unit}{mark}”"
    expected = [f"{n}{unit}"] if mark else []
    assert spans(sentence) == expected


# --- every line of every seed release ---------------------------------------------------------

SEED_FILES = sorted(RELEASES.glob("*.txt"))
_NUMERALS = set("0123456789０１２３４５６７８９一二两三四五六七八九十百千万亿")


def _check(line: str, quantity: Quantity) -> None:
    text = line[quantity.start : quantity.end]
    assert text and _NUMERALS & set(text), text
    assert quantity.qualifier in QUALIFIERS
    assert quantity.kind in MENTION_KINDS
    assert quantity.direction in DIRECTIONS
    assert quantity.multiple_form in MULTIPLE_FORMS
    assert (quantity.direction != "") <= (
        quantity.kind in {"change_pct", "change_pp", "change_multiple", "change_score"}
    )
    if quantity.lower is not None and quantity.upper is not None:
        assert quantity.lower <= quantity.value <= quantity.upper, text
    if quantity.qualifier == "exact":
        assert quantity.lower == quantity.value == quantity.upper, text


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_every_seed_line_gives_well_formed_quantities(path: Path) -> None:
    total = 0
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        found = find_quantities(line)
        assert [q.start for q in found] == sorted(q.start for q in found)
        assert all(a.end <= b.start for a, b in pairwise(found))
        for quantity in found:
            _check(line, quantity)
        total += len(found)
    assert total > 0


def test_find_quantities_on_empty_and_plain_text() -> None:
    assert find_quantities("") == []
    assert find_quantities("坚持和发展新时代“枫桥经验”") == []


@given(
    st.integers(min_value=1, max_value=10**9),
    st.booleans(),
    st.sampled_from(["人", "起", "件", "个", "名", "人次", "处"]),
)
def test_any_arabic_count_is_read_whole(n: int, separators: bool, unit: str) -> None:
    figure = (f"{n:,}" if separators else str(n)) + unit
    sentence = f"全市共破获{figure},同比"
    [quantity] = find_quantities(sentence)
    assert sentence[quantity.start : quantity.end] == figure
    assert (quantity.value, quantity.unit, quantity.kind) == (n, unit, "count")


_ALPHABET = (
    "0123456789,.%一二两三四五六七八九十百千万亿零点余多以上近约超过数几个人件起元倍成、和"
    "下降提高到至-()含次第“”《》年月分来册辆面道时: 。"
)


@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_any_string_gives_well_formed_quantities(text: str) -> None:
    found = find_quantities(text)
    assert all(a.end <= b.start for a, b in pairwise(found))
    for quantity in found:
        _check(text, quantity)
