"""Which codebook indicator a figure measures: the subject of its clause, matched to keywords.

The subject of a figure is the noun phrase it quantifies. In these releases it stands
- before the number, after the previous clause boundary or the previous figure
  ("全市共打掉涉黑社会性质组织15个、涉恶犯罪集团48个": 涉恶犯罪集团 for 48个);
- after a measure word ("配备5.8万多名专兼职网格员");
- shared with the figure just before ("批捕涉黑涉恶案件152件367人": 367人 counts the persons);
- or, after 分别, the n-th of a list ("立案数和可防性案件立案数分别下降36.01%、85.7%").
Within the subject the keyword nearest the number wins, then the longest with its context (most
specific), then the longest head (命案破案率 before 刑事+破案率). A figure that is a part of what a core id counts (其中,
专职, 市级 …), an addition to a stock (新建, 新增) or a share of an object the keyword does not
name (对…的满意度) does not get that id (:func:`_narrowed`). The
indicator must allow the figure's kind, and counts must have a unit of the indicator's sort
(persons, events or things). An indicator with stages (codebook ``stages``) carries a figure
only when the cue nearest it in the subject's clause (发案, 立案, 破获, 受理, 审结 …) is one of
them. No keyword, or two indicators tied: no indicator (never a guess).

Each figure also gets its subject as written (:func:`subject_text`): the phrase it measures,
whether or not an indicator matched, so that a researcher sees what the codebook lacks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple, Protocol

from pingan_analysis.corpus.codebook import (
    NO_CUE,
    STAGE_CUES,
    Codebook,
    Indicator,
    Keyword,
    core_ids,
)
from pingan_analysis.corpus.gazetteer import place_names
from pingan_analysis.extract.units import PER_TIME_UNITS, unit_family

#: Characters that end a clause for subject finding. 、 is not one: it joins the nouns of a
#: subject ("越级到省、进京集体访分别下降11%、13%") as often as it separates figures.
CLAUSE_BOUNDARIES = frozenset(",;。!?;,!?\n")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEAD_END = itemgetter(1)  # of a (start, end, indicator, keyword) head
_BOUNDARY = re.compile("[" + "".join(sorted(CLAUSE_BOUNDARIES)) + "]")
#: Matches up to the last boundary (the greedy ``.*`` backs off from the end, in C).
_LAST_BOUNDARY = re.compile("(?s:.*)" + _BOUNDARY.pattern)
_SUBJECT_END = re.compile("[、" + "".join(sorted(CLAUSE_BOUNDARIES)) + "]")
_COUNTED_KINDS = frozenset(("count", "amount"))
_CHANGE_KINDS = frozenset(("change_pct", "change_pp", "change_multiple", "change_score"))
#: Measure words of occurrences (人次, 户次, 件次): they count times, not heads or things, and fit
#: an indicator counted in them or in their measure word (件次: 件).
_PER_TIME = frozenset(PER_TIME_UNITS)
#: Shares and their changes: a satisfaction, coverage or success rate, whose object 对 names.
_SHARE_KINDS = frozenset(("percent", "change_pp"))
#: Words that can stand between a figure and the next without a subject of its own: the next
#: figure counts the same thing ("152件367人", "536万处、新增30多万处").
_LINKS = re.compile(r"^(?:[\s、和与及,;:共约近超逾达为有是了均]|其中|分别|新增|增加|累计|同比)*$")
_AFTER_FIGURE = re.compile(r"(?:\(含\)|（含）)?(?:以上|以下|左右|多|余)?的(?=[\u4e00-\u9fff“])")
_BOTH = re.compile(r"[均都](?:为|达|是|有|超|在|保持)")
_TIME_AND_LINK_WORDS = re.compile(
    r"\d+|其中|单月|逐月|逐年|全年|今年|去年|上年|同期|[年月日季度的之倍,、]"
)
_CONJUNCTIONS = re.compile(r"以及|[、和与及]")
#: Words that may stand between a keyword and its figure: predicates, comparisons, measures.
#: Every alternative starts with a literal character, so that the regex engine skips the other
#: positions by their first character (four times faster than with a group or class first).
_COMPARED = r"[^,;。]{0,12}?(?=下降|上升|提高|提升|增长|增加|减少|降低|少了|多了)"
_PREDICATE_WORDS = re.compile(
    r"同比|环比|分别|下降|上升|提高|提升|增长|增加|减少|降低|降至|升至|达到|保持在|稳定在|保持|突破|超过|累计|总计|共计"
    r"|合计|年均|月均|日均|全年|全部|实现|连续|位居|排名|总数|总量|人数|数量"
    r"|不足|不到|不少于|不低于|低于|高于|年前|从|由|降幅|增幅|涨幅|减幅"
    r"|力争|确保|争取|预计|办理量|受理量"
    rf"|较{_COMPARED}|比{_COMPARED}|" + "|".join("达为是共均有超逾近约了已占居在数的")
)
#: Scope words (全市, 目前), and verbs at a clause's end that act on an object named before
#: ("受理…，办结…件", "成功化解"): a clause of these and a figure has no subject of its own.
_SCOPE_WORDS = re.compile(
    r"全[省市县区州盟旗镇乡]|[我本][省市县区州旗]|目前|当前|现有|共有|成功|依法|先后|当场|直接"
)
_DEEDS = r"化解|调处|调解|办结|审结|执结|结案|受理|破获|侦破|查处|抓获|打掉|起诉|批捕|排查|办理|处置|接待"
_DEEDS_AT_END = re.compile(rf"(?:{_DEEDS})+$")
#: Last characters of official division names, and the longest name looked for.
_PLACE_GENERICS = frozenset("省市县区旗州盟")
_PLACE_GENERIC = re.compile(f"[{''.join(sorted(_PLACE_GENERICS))}]")
MAX_PLACE_CHARS = 9
#: A share's keyword this short (满意度, 满意率, 安全感) names no object: after 对 it is the share of
#: what 对 names. A longer one names its object itself (打击犯罪的满意度).
MAX_BARE_SHARE_CHARS = 3
#: 涉 + a domain (涉企, 涉黑, 涉毒, 涉众) between a keyword and its figure: a kind of case.
_DOMAIN_WORD = re.compile(r"涉[\u4e00-\u9fff]")
#: The most subject characters a keyword may leave before the figure and still name its subject
#: ("视频监控共享平台3.1万路"); a longer rest is a noun phrase of its own ("审结合同诈骗…案件13件").
MAX_HEAD_GAP = 4
#: After a measure word, these start a predicate, not the noun the measure word counts.
_NOT_A_NOUN_AFTER = re.compile(
    r"[,;。!?、)\s%]|以上|左右|以内|多|余|的|是|为|和|与|及|同比|环比|分别|其中|均|次|人次"
    r"|下降|上升|提高|提升|增长|增加|减少|降低|降至|降到|升至|达到|$"
)


class QuantitySpan(Protocol):
    """What mapping needs of a quantity: its span within the sentence, unit and kind (read
    only, so that a named tuple fits)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def kind(self) -> str: ...


class _Subject(NamedTuple):
    """Where to look for a figure's subject: ``sentence[start:end]``, searched from ``side``.

    ``combined``: a list of subjects with one figure ("安全感和满意度均达到98.6%"), where only a
    keyword naming two members together (安全感&满意度) may match."""

    start: int
    end: int
    side: str  # "left": the keyword nearest the end wins; "right": the one nearest the start
    combined: bool = False


_CUE_STAGE = {cue: stage for stage, cues in STAGE_CUES.items() for cue in cues}
_CUES = re.compile("|".join(sorted(_CUE_STAGE, key=len, reverse=True)))
MAX_CUE_CHARS = max(map(len, _CUE_STAGE))
#: What a subject as written does not include: scope and time words and verbs of having or
#: setting up (配备, 建成) before the noun, the predicate after it. Verbs that change what is
#: measured (破获, 受理, 审结, 新增) stay.
_SUBJECT_LEAD = re.compile(
    r"^(?:[\s“”、:]|全[市县区省州盟旗镇]|我[市县区省州]|本[市县区]|[今去前]年(?:以来)?|年内|上半年|下半年"
    r"|截[至止](?:目前)?|目前|[0-9]+(?:年|月份?|日|季度)|[至到-]|以来|期间|其中|共计|合计|累计|总计"
    r"|先后|依法|全年|配备|配齐|建成|建立|设立|成立|组建|拥有|现有|共有|打造|培育|招募|发展"
    r"|共|均|已|还|并|对|在|有|将|为)+"
)
_SUBJECT_TAIL = re.compile(  # the lookahead on first characters skips other positions at once
    r"(?=[\s“”、:较达为是共均有超逾近约了已占居在的上下位保减分合同增实年总排提日月比环稳突累逐降高])"
    r"(?:[\s“”、:]|同比|环比|分别|下降|上升|提高|增长|增加|减少|降低|达到|高达|保持在|稳定在|保持|突破|超过"
    r"|累计|总计|共计|合计|逐月|逐年|年均|月均|日均|实现|位居|排名|较[^,;。]{0,8}|比上年|比去年"
    r"|[达为是共均有超逾近约了已占居在的])+$"
)
#: Words before a keyword that make its figure a part of the quantity the keyword names: a
#: sub-type (专职人民调解员 of 调解员, 刑事法律援助案件 of 法律援助案件, 微网格 of 网格) or one tier
#: (市级, 区级). A keyword that itself names the part (专职网格员) is not narrowed by them.
SUBTYPE_MODIFIERS = (
    "专职",
    "兼职",
    "省级",
    "市级",
    "区级",
    "县级",
    "乡级",
    "镇级",
    "村级",
    "微",
    "专属",
    "刑事",
    "民事",
    "行政",
)
#: Why :func:`_narrowed` keeps an indicator off a figure: one tier of it, or any other reason.
TIER, NARROWED = "tier", "narrowed"
#: 涉 + one character just before a keyword (涉校治安案件, 涉企案件) names a kind of the keyword's.
_SUBTYPE_BEFORE = re.compile("(?:" + "|".join(SUBTYPE_MODIFIERS) + r"|涉[\u4e00-\u9fff])$")
#: Names of indicators defined as a part (专职网格员): 其中 and sub-units leave them their figure.
#: 刑事/民事/行政 name a kind of case (破获刑事案件), not a part of a total.
_PART_NAMES = re.compile(r"专职|兼职|微|[省市区县乡镇村]级")
#: Tier words narrow every indicator, core or not: a tier's figure is never the place's total.
_TIER_BEFORE = re.compile(r"[省市区县乡镇村]级$")
#: 其中 opens a part of the figure before it: a total's indicator does not carry it.
_PART_OF = "其中"
#: Words of adding, before a stock's keyword: the figure is what was added, not what exists.
_ADDITION = re.compile(
    r"新建|新增|新招|新装|新安装|新配备|新设|新培育|新发展|新成立|新选聘|增设|增配|增补"
)
#: Sub-units of the place named before a keyword ("9个区县（市）群众安全感均在97%以上"): the
#: figure is theirs, not the place's.
_SUB_UNITS = re.compile(r"区县|县区|县市区|县（市、?区）|分区")
#: A clause that frames the rest of its sentence (up to ; or the full stop) as parts: "其中,",
#: "从分项看,", "分区来看,", "在具体领域中,". The figures after it are sub-items, not the total.
_PART_FRAME = re.compile(
    r"(?:其中|从?分(?:项|区|类|领域|地区|县区|区县|街镇)(?:来?看|而言)?|在?具体领域(?:中|上|里|来看)?"
    r"|从?各(?:区|县|区县|县区|街镇|乡镇|街道|地)(?:来?看|而言)?)"
)
_DIGIT = re.compile(r"\d")
#: The words around a place that make a clause a locative frame (在…, …内).
_LOCATIVE = re.compile(r"^在|[内中里]$")
_SEGMENT_START = re.compile(r"(?s:.*)[;\n]")
#: Verbs between a measure word and a keyword: the noun the measure word counts ended before
#: them ("65个社区成立网格党支部": 社区, not 网格).
_VERB_AFTER_NOUN = re.compile(
    r"成立|建立|设立|组建|开展|划分|配备|配齐|实现|覆盖|开通|安装|建成|打造|推行|选派|派驻|部署|共划分"
)
#: Words of a figure's own clause that make it the stock after an addition ("新增…1800个,
#: 总数突破6.5万个"): the total, not what was added.
_TOTAL_AFTER_ADDITION = re.compile(r"总数|总量|总计|总规模|累计|共有|现有|合计|达到")
#: A share's bound, between it and the noun it is a share of (九成以上受访群众).
_SHARE_BOUND = re.compile(r"以上|以下|左右|以内")
#: After a share, these start a predicate ("80%以上在街道一级就地解决"), not its noun.
_NOT_A_NOUN_AFTER_A_SHARE = frozenset("在由被已都均将从对于得达")
#: A comparison and a change verb just before a count: the count is the change (比上年减少1102起,
#: 同比减少2起, 较上年增加240名).
_COUNT_CHANGE = re.compile(
    r"(?:同比|环比|(?:比|较)[^,;。]{0,8}?)(?:减少|增加|增长|下降|上升|少|多)了?(?:近|约|超过)?$"
)
#: A per-unit norm (每个网格配备1名, 每村至少1名): no stock or flow of the place.
_NORM = re.compile(r"每(?![年月天日周季次逢当])")
#: A figure at an office's own level (市信访局本级): a part of the place's.
_OWN_LEVEL = "本级"
#: Words between a stock's keyword and its figure that make it a change of the stock
#: ("专职网格员再增加200名", "较上年增加240名"); 增加到 (increased to) gives the stock itself.
_ADDED_AFTER = re.compile(r"(?:新增|增加|增长|减少|增设|扩充)(?![到至为])")
#: A subject as written is cut to this many characters nearest the figure.
MAX_SUBJECT_CHARS = 24


def map_sentence(
    sentence: str,
    quantities: Sequence[QuantitySpan],
    codebook: Codebook,
    sub_units: frozenset[str] = frozenset(),
) -> list[tuple[Indicator | None, str]]:
    """The indicator of each quantity of a sentence (``None`` where none or a tie), with the
    subject as written (:func:`subject_text`; empty when the figure has none). ``sub_units``:
    names of the divisions inside the release's place
    (:func:`~pingan_analysis.corpus.gazetteer.divisions_within`), whose figures are parts."""
    subjects: list[_Subject] = []
    result: list[Indicator | None] = []
    for index, quantity in enumerate(quantities):
        indicator, subject, tried = None, None, []
        for subject in _subjects(sentence, quantities, index, subjects):
            tried.append(subject)
            found, indicator = _best(sentence, subject, quantity, codebook, sub_units)
            if found:
                break
        if indicator is None:  # the subject as written: the first place it was looked for
            subject = next((s for s in tried if not s.combined and s.end > s.start), subject)
        assert subject is not None, "_subjects gives at least the subject right of the figure"
        if (
            index
            and indicator is not None
            and result[-1] is indicator
            and indicator.id in _core_ids()
            and _carried_over_a_deed(sentence, subject, quantity) is not None
        ):
            # "调解矛盾纠纷2.71万件,调解成功2.68万件": the deed's share of the figure before,
            # which already carries the id, is a part of it
            indicator = None
        if index and subject == subjects[-1] and quantity.kind in _CHANGE_KINDS:
            # "起诉…严重暴力犯罪418人,同比下降12.2%": the change of the figure before measures
            # what it measures, and nothing when it has no indicator (persons are not cases);
            # a change stated as a count between them (比上年减少1102起,降幅14.7%) is passed over
            basis = index - 1
            while basis and _is_count_change(sentence, quantities[basis]):
                basis -= 1
            before = result[basis]
            indicator = before if before and quantity.kind in before.kinds else None
        subjects.append(subject)
        result.append(indicator)
    _share_coordinated_heads(sentence, quantities, subjects, result)
    _share_listed_figures(sentence, quantities, subjects, result)
    return [
        (indicator, subject_text(sentence, subject))
        for indicator, subject in zip(result, subjects, strict=True)
    ]


def subject_text(sentence: str, subject: _Subject | None) -> str:
    """The phrase a figure measures as written: the subject span without the scope and time
    words before its noun (全市, 今年以来, 累计) and the predicate after it (同比下降, 达到)."""
    if subject is None:
        return ""
    text = sentence[subject.start : subject.end]
    text = _SUBJECT_LEAD.sub("", _SUBJECT_TAIL.sub("", text))
    if subject.side == "right":
        text = _SUBJECT_TAIL.sub("", text)[:MAX_SUBJECT_CHARS]
    else:
        text = text[-MAX_SUBJECT_CHARS:]
    return text.strip("“”\"'《》() ")


def _share_coordinated_heads(
    sentence: str,
    quantities: Sequence[QuantitySpan],
    subjects: Sequence[_Subject],
    result: list[Indicator | None],
) -> None:
    """ "建成1个市级、10个区级公共法律服务中心": a measure phrase cut short by 、 before another
    one of the same unit shares that one's noun."""
    for index in range(len(quantities) - 2, -1, -1):
        subject, following = subjects[index], quantities[index + 1]
        if (
            result[index] is None
            and subject.side == "right"
            and subjects[index + 1].side == "right"
            and sentence[subject.end : following.start] == "、"
            and quantities[index].unit == following.unit
        ):
            result[index] = result[index + 1]


def _share_listed_figures(
    sentence: str,
    quantities: Sequence[QuantitySpan],
    subjects: list[_Subject],
    result: list[Indicator | None],
) -> None:
    """ "发生事故63起、死亡58人,同比分别下降12.5%和9.4%": after 分别 with no noun of its own, the
    n-th change belongs to the n-th of the figures just before, if its indicator takes changes."""
    first = 0
    while first < len(quantities):
        last = first
        while last + 1 < len(quantities) and _LINKS.match(
            sentence[quantities[last].end : quantities[last + 1].start]
        ):
            last += 1
        size = last - first + 1
        lead = sentence[_left_limit(sentence, quantities, first) : quantities[first].start]
        if size >= 2 and first >= size and "分别" in lead and _deeds_without_subject(lead) == "":
            for offset in range(size):
                earlier = first - size + offset
                indicator = result[earlier]
                kind = quantities[first + offset].kind
                subjects[first + offset] = subjects[earlier]
                result[first + offset] = (
                    indicator if indicator and kind in indicator.kinds else None
                )
        first = last + 1


def _subjects(
    sentence: str, quantities: Sequence[QuantitySpan], index: int, previous: Sequence[_Subject]
) -> list[_Subject]:
    """Where the subject of quantity ``index`` may be, in the order to try them."""
    quantity = quantities[index]
    listed = _listed_subject(sentence, quantities, index)
    if listed is not None:
        return [listed]
    limit = quantities[index + 1].start if index + 1 < len(quantities) else len(sentence)
    right = _right_subject(sentence, quantity, limit)
    if right is not None:
        return [right]
    start = _left_limit(sentence, quantities, index)
    lead = sentence[start : quantity.start]
    if index and start == quantities[index - 1].end and _LINKS.match(lead):
        return [previous[-1]]
    deeds = _deeds_without_subject(lead)
    if deeds is not None:
        before = previous[-1] if index else _previous_clause(sentence, start)
        if deeds:  # "审结、执结20.86万件": the verb may name it alone
            return [_Subject(start, quantity.start, "left"), before]
        return [before]
    shared = _shared_subject(sentence, start, quantity.start)
    left = (
        [_Subject(start, shared.end_of_list, "left", combined=True), shared.first]
        if shared
        else [_Subject(start, quantity.start, "left")]
    )
    return [*left, _Subject(quantity.end, clause_end(sentence, quantity.end), "right")]


def _deeds_without_subject(lead: str) -> str | None:
    """``None`` when a clause names a subject of its own; else the verbs it ends with ("" for
    none). A clause that says only where, when and how much ("10月达到", "是上年同期的",
    "银川市目前共有", "总数突破"), or only what was done to the object of the clause before
    ("成功化解", "审结、执结"), goes on about the subject of the clause before."""
    rest = _TIME_AND_LINK_WORDS.sub("", _PREDICATE_WORDS.sub("", _without_places(lead)))
    rest = _SCOPE_WORDS.sub("", rest)
    deeds = _DEEDS_AT_END.search(rest)
    if deeds:
        rest = rest[: deeds.start()]
    return (deeds.group() if deeds else "") if len(_CJK.findall(rest)) <= 1 else None


def _names_one_of(text: str, names: frozenset[str]) -> bool:
    """``text`` holds one of the division ``names`` (昆都仑区 of 包头市's, 天水 of 甘肃省's)."""
    return bool(names) and any(
        text[start : start + size] in names
        for size in range(2, MAX_PLACE_CHARS + 1)
        for start in range(len(text) - size + 1)
    )


def _place_spans(text: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """Where official division names of ``names`` stand in ``text``, the longest at each end."""
    spans = []
    for generic in _PLACE_GENERIC.finditer(text):  # faster than testing every character
        end = generic.end()
        start = next(
            (s for s in range(max(0, end - MAX_PLACE_CHARS), end - 2) if text[s:end] in names),
            None,
        )
        if start is not None:
            spans.append((start, end))
    return spans


def _without_places(text: str) -> str:
    """``text`` without the official names of divisions in it (银川市, 昆都仑区)."""
    for start, end in reversed(_place_spans(text, _official_place_names())):
        text = text[:start] + text[end:]
    return text


@lru_cache(maxsize=1)
def _official_place_names() -> frozenset[str]:
    """Official names of three characters or more (two-character ones such as 城区 are nouns)."""
    return frozenset(
        name for name in place_names() if len(name) >= 3 and name[-1] in _PLACE_GENERICS
    )


def _previous_clause(sentence: str, start_of_this: int) -> _Subject:
    end = max(start_of_this - 1, 0)
    return _Subject(clause_start(sentence, end), end, "left")


class _SharedSubject(NamedTuple):
    first: _Subject
    end_of_list: int


def _shared_subject(sentence: str, start: int, end: int) -> _SharedSubject | None:
    """ "视频监控覆盖率、联网率均达到100%": one figure for a list of subjects; the first names it,
    unless a keyword names the list as one (安全感和满意度均达到98.6%: the combined index)."""
    lead = sentence[start:end]
    both = _BOTH.search(lead)
    if both is None:
        return None
    first = _CONJUNCTIONS.search(lead, 0, both.start())
    if not first:
        return None
    return _SharedSubject(_Subject(start, start + first.start(), "left"), start + both.start())


def _left_limit(sentence: str, quantities: Sequence[QuantitySpan], index: int) -> int:
    """Where the subject of a figure can begin: after the last clause boundary or figure."""
    floor = quantities[index - 1].end if index else 0
    return clause_start(sentence, quantities[index].start, floor)


def clause_start(text: str, pos: int, floor: int = 0) -> int:
    """The start of the clause holding ``pos``: just after the last boundary before it (in
    ``text[floor:pos]``; ``floor`` when there is none)."""
    if pos <= floor:
        return pos
    last = _LAST_BOUNDARY.match(text, floor, pos)
    return last.end() if last else floor


def clause_end(text: str, pos: int) -> int:
    """The end of the clause holding ``pos``: the next boundary, else the end of the text."""
    boundary = _BOUNDARY.search(text, pos)
    return boundary.start() if boundary else len(text)


def _right_subject(sentence: str, quantity: QuantitySpan, limit: int) -> _Subject | None:
    """The noun a figure modifies: after a measure word ("1034个公共法律服务中心", "18名“监督员”")
    up to the clause's end or 、, or after 的 ("90%以上的单位…", "1670余人次的律师、…") to the
    clause's end."""
    pos = quantity.end
    after = _AFTER_FIGURE.match(sentence, pos)
    if after:
        return _Subject(after.end(), min(limit, clause_end(sentence, after.end())), "right")
    if quantity.kind == "percent":
        return _share_of_noun(sentence, pos, limit)
    if quantity.kind != "count" or pos >= len(sentence):
        return None
    start = pos + 1 if sentence[pos] in "“\"'《" else pos
    if (
        start >= len(sentence)
        or not _is_cjk(sentence[start])
        or _NOT_A_NOUN_AFTER.match(sentence, start)
    ):
        return None
    stop = _SUBJECT_END.search(sentence, start, limit)
    return _Subject(start, stop.start() if stop else max(start, limit), "right")


def _share_of_noun(sentence: str, pos: int, limit: int) -> _Subject | None:
    """ "九成以上受访群众表示…": a share followed by the noun it is a share of."""
    after = _SHARE_BOUND.match(sentence, pos)
    start = after.end() if after else pos
    if (
        start >= len(sentence)
        or not _is_cjk(sentence[start])
        or _NOT_A_NOUN_AFTER.match(sentence, start)
        or sentence[start] in _NOT_A_NOUN_AFTER_A_SHARE
    ):
        return None
    return _Subject(start, min(limit, clause_end(sentence, start)), "right")


def _listed_subject(
    sentence: str, quantities: Sequence[QuantitySpan], index: int
) -> _Subject | None:
    """After 分别, the n-th figure of a run belongs to the n-th noun of the list before it."""
    if "分别" not in sentence:
        return None
    first = index
    while first and _LINKS.match(sentence[quantities[first - 1].end : quantities[first].start]):
        first -= 1
    run_end = index
    while run_end + 1 < len(quantities) and _LINKS.match(
        sentence[quantities[run_end].end : quantities[run_end + 1].start]
    ):
        run_end += 1
    run = run_end - first + 1
    begin = _left_limit(sentence, quantities, first)
    lead = sentence[begin : quantities[first].start]
    split = lead.rfind("分别")
    if run < 2 or split < 0:
        return None
    listed, offset = lead[:split], begin
    if not first and begin and _deeds_without_subject(listed) == "":
        # "事故起数、死亡人数实现“双下降”,分别下降19.2%和16.7%": the list is the clause before
        offset = clause_start(sentence, begin - 1)
        listed = sentence[offset : begin - 1]
    spans = _conjunct_spans(listed, offset)
    if len(spans) != run:
        return None
    start, end = spans[index - first]
    return _Subject(start, end, "left")


def _conjunct_spans(text: str, offset: int) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CONJUNCTIONS.finditer(text):
        spans.append((offset + start, offset + match.start()))
        start = match.end()
    spans.append((offset + start, offset + len(text)))
    return spans


def _best(
    sentence: str,
    subject: _Subject,
    quantity: QuantitySpan,
    codebook: Codebook,
    sub_units: frozenset[str] = frozenset(),
) -> tuple[bool, Indicator | None]:
    """The most specific indicator named nearest the figure within its subject.

    Returns whether any indicator fits, and the winner (None on a tie between indicators).
    """
    best_key: tuple[int, int, int] | None = None
    best: set[str] = set()
    winner: Indicator | None = None
    left = subject.side == "left"
    heads = codebook.heads_in(sentence, subject.start, subject.end)  # by start
    if left:
        heads.sort(key=_HEAD_END, reverse=True)
    kind = quantity.kind
    cue: str | None = None  # the stage cue of the subject's clause, read when first needed
    sort = unit_family(quantity.unit) if kind in _COUNTED_KINDS else None
    per_time = kind == "count" and quantity.unit in _PER_TIME
    # 件次 fits an indicator counted in 件; 人次 never one counted in heads (人, 名)
    once = quantity.unit[:-1] if unit_family(quantity.unit[:-1]) != "persons" else quantity.unit
    deed_stage = _carried_over_a_deed(sentence, subject, quantity)
    narrowed: list[tuple[int, int]] = []  # spans of keywords whose figure is a part
    total = _total_after_addition(sentence, subject, quantity)
    # nearest the figure first: once a head fits, only heads as near can still win or tie
    for start, end, indicator, keyword in heads:
        nearness = end if left else -start
        if best_key is not None and nearness < best_key[0]:
            break
        if kind not in indicator.kinds or (
            sort and indicator.unit and unit_family(indicator.unit) != sort
        ):
            continue  # the indicator takes neither this kind nor a count in this sort of unit
        if per_time and indicator.unit and indicator.unit not in (quantity.unit, once):
            continue  # 21.6万户次 counts visits, not the workers (名) who made them
        if subject.combined != keyword.together or (
            subject.combined and not _names_two_members(sentence, subject, start, keyword)
        ):
            continue
        if keyword.context and not _context_found(sentence, start, keyword):
            continue
        if not left and _counts_another_noun(sentence, subject, end, indicator):
            continue
        if total and _ADDITION.match(keyword.head):
            continue  # 新增…1800个,总数突破6.5万个: the total is not the addition's
        if any(
            outer <= start and end <= last and (outer, last) != (start, end)
            for outer, last in narrowed
        ):
            continue  # inside a narrowed keyword (来访 of 本级…来信来访): a part too
        reason = _narrowed(sentence, subject, quantity, start, indicator, keyword, sub_units, total)
        if reason:
            if reason != TIER:  # a tier's keyword (市级社会治理示范点) leaves its shorter ones free
                narrowed.append((start, end))
            continue
        if deed_stage is not None and deed_stage not in indicator.stages:
            continue  # "受理执行案件…，执结7.21万件": only an indicator with stages tells them apart
        if indicator.stages:
            if cue is None:
                cue = stage_cue(sentence, subject, quantity)
            if cue not in indicator.stages and not _names_its_stage(sentence, start, end):
                continue  # 破获 names solved cases, 发案 cases occurring: not this indicator
        # a gap counts some of the characters between: no more than there are
        if (
            left
            and subject.end - end > MAX_HEAD_GAP
            and _gap(sentence, end, subject.end) > MAX_HEAD_GAP
        ):
            continue
        if left and _DOMAIN_WORD.search(sentence, end, subject.end):
            continue  # 审结涉企案件: 涉 names a kind of case the keyword (审结) does not
        key = (nearness, keyword.length, len(keyword.head))
        if best_key is None or key > best_key:
            best_key, best, winner = key, {indicator.id}, indicator
        elif key == best_key:
            best.add(indicator.id)
    return bool(best), (winner if len(best) == 1 else None)


def _narrowed(
    sentence: str,
    subject: _Subject,
    quantity: QuantitySpan,
    head_start: int,
    indicator: Indicator,
    keyword: Keyword,
    sub_units: frozenset[str] = frozenset(),
    total: bool = False,
) -> str:
    """Why the keyword's indicator does not carry the figure (:data:`TIER`, :data:`NARROWED`),
    or "" when it does. The figure is a part of what the keyword names, an addition to a stock,
    a change stated as a count, a norm per unit, or of a target the keyword does not name: a
    sub-type or tier word just before the keyword, 其中, 本级 or a sub-unit of the place before
    it in its clause, (for a stock) a word of adding before it, or an object after 对 that a
    bare share keyword leaves out ("对法院工作的满意度").

    A negation just before the keyword (不起诉), a tier word (市级), a norm (每个网格配备1名) and
    a count change (比上年减少1102起) exclude every indicator; the other parts narrow only the core
    ids, which the contract defines as totals (``data/core_indicators.csv``, ``not_this``); the
    rest of the codebook names parts too. ``total``: the figure's own clause says it is the
    total after an addition (:func:`_total_after_addition`, which the caller has worked out)."""
    first = clause_start(sentence, min(subject.start, quantity.start))
    lead = sentence[first:head_start]
    if indicator.stock and _ADDITION.search(lead) and not total:
        return NARROWED
    own = sentence[clause_start(sentence, quantity.start) : quantity.start]
    if _is_count_change(sentence, quantity):
        return NARROWED  # 比上年减少1102起: a change stated as a count, not the count
    core = indicator.id in _core_ids()
    if (_NORM.search(lead) or _NORM.search(own)) and sentence[
        quantity.start - 1 : quantity.start
    ] != "每":
        # 每个网格配备1名专职网格员: a norm, not the place's count; 每300-400户 (每 just before
        # the figure) is the norm itself, which an indicator may measure
        return NARROWED
    if (
        core
        and indicator.stock
        and subject.side == "left"
        and _ADDED_AFTER.search(sentence, head_start + len(keyword.head), quantity.start)
    ):
        return NARROWED  # 专职网格员再增加200名: the change of the stock, not the stock
    if head_start and sentence[head_start - 1] == "不":
        return NARROWED  # 不起诉 2915人: the persons not prosecuted
    if _TIER_BEFORE.search(sentence, max(0, head_start - 2), head_start):
        return TIER  # 1个市级公共法律服务中心: one tier of the centres
    target = lead.rfind("对")
    if (
        quantity.kind in _SHARE_KINDS
        and 0 <= target < len(lead) - 1
        and not keyword.context
        and len(keyword.head) <= MAX_BARE_SHARE_CHARS
    ):
        return NARROWED  # 对…的满意度: satisfaction with what 对 names, which the keyword does not
    if not core:
        return ""
    if _SUBTYPE_BEFORE.search(sentence, max(0, head_start - 2), head_start):
        return NARROWED
    # under 其中 only an indicator defined as the part (专职网格员) carries it
    part = (
        _PART_OF in lead
        or _PART_OF in own
        or _OWN_LEVEL in lead
        or _SUB_UNITS.search(lead)
        or _names_one_of(lead, sub_units)
        or _after_part_frame(sentence, first, sub_units)
    )
    return NARROWED if part and not _PART_NAMES.search(indicator.name_zh) else ""


def _counts_another_noun(
    sentence: str, subject: _Subject, head_end: int, indicator: Indicator
) -> bool:
    """A core id's keyword after (or starting with) a verb, in the noun phrase after a measure
    word: the figure counts the noun before the verb ("65个社区成立网格党支部": communities, not grid cells). The
    core ids count the thing itself (``data/core_indicators.csv``); the rest of the codebook also
    counts units that have it ("1400个社区均配备了法律顾问")."""
    return (
        indicator.id in _core_ids()
        and sentence[subject.start - 1 : subject.start] != "的"
        and _VERB_AFTER_NOUN.search(sentence, subject.start + 1, head_end) is not None
    )


def _is_count_change(sentence: str, quantity: QuantitySpan) -> bool:
    own = sentence[clause_start(sentence, quantity.start) : quantity.start]
    return quantity.kind in _COUNTED_KINDS and _COUNT_CHANGE.search(own) is not None


def _total_after_addition(sentence: str, subject: _Subject, quantity: QuantitySpan) -> bool:
    """The figure's own clause, after the clause of its subject, says it is the total."""
    own = clause_start(sentence, quantity.start)
    return (
        subject.end < own
        and _TOTAL_AFTER_ADDITION.search(sentence, own, quantity.start) is not None
    )


def _after_part_frame(
    sentence: str, clause_begin: int, sub_units: frozenset[str] = frozenset()
) -> bool:
    """A clause of its own before ``clause_begin``, in the same part of the sentence (up to ;),
    frames what follows as parts (:data:`_PART_FRAME`, or a division inside the release's place:
    "在让胡路区,网格员数量达到1 120名"). A bare 其中 does so only after a figure of the sentence:
    opening a sentence or paragraph, it may point back to anything."""
    segment = _SEGMENT_START.match(sentence, 0, clause_begin)
    pos = segment.end() if segment else 0
    while pos < clause_begin:
        end = clause_end(sentence, pos)
        frame = sentence[pos:end].strip(" “”")
        if _PART_FRAME.fullmatch(frame) and (frame != _PART_OF or _DIGIT.search(sentence, 0, pos)):
            return True
        if sub_units and _LOCATIVE.sub("", frame) in sub_units:
            return True
        pos = end + 1
    return False


@lru_cache(maxsize=1)
def _core_ids() -> frozenset[str]:
    return core_ids()


def _carried_over_a_deed(sentence: str, subject: _Subject, quantity: QuantitySpan) -> str | None:
    """The stage of the verb of a figure's own clause when its subject is an earlier clause's
    object ("排查矛盾纠纷6271件，成功化解6105件": resolved); "" for a verb of no known stage;
    ``None`` when the subject is not carried over a verb."""
    own = clause_start(sentence, quantity.start)
    if subject.end >= own:
        return None
    deeds = _deeds_without_subject(sentence[own : quantity.start])
    if not deeds:
        return None
    cues = _CUES.findall(deeds)
    return _CUE_STAGE[cues[-1]] if cues else ""


def _names_its_stage(sentence: str, start: int, end: int) -> bool:
    """The keyword at ``sentence[start:end]`` holds a cue (排查受理各类矛盾纠纷, 破获刑事案件): the
    codebook names that stage for the indicator itself, unless a longer cue runs into the keyword
    (受理审查起诉: 审查起诉 is the stage, not 起诉)."""
    own = False
    for match in _CUES.finditer(sentence, max(0, start - MAX_CUE_CHARS), end + MAX_CUE_CHARS):
        if match.end() <= start or match.start() >= end:
            continue
        if match.start() < start or match.end() > end:
            return False
        own = True
    return own


def stage_cue(sentence: str, subject: _Subject, quantity: QuantitySpan) -> str:
    """The stage (codebook ``STAGE_CUES``) of the cue nearest the figure in its subject's clause:
    the last cue before the subject's end (before the figure for a noun after it), else the
    first after it; ``none`` when the clause has no cue."""
    pivot = subject.end if subject.side == "left" else min(subject.start, quantity.start)
    own = clause_start(sentence, quantity.start)
    if subject.end < own:  # a subject of an earlier clause: this clause's verb comes first
        cue = _CUES.search(sentence, own, quantity.start)
        if cue:
            return _CUE_STAGE[cue.group()]
    first = clause_start(sentence, min(subject.start, quantity.start))
    last = clause_end(sentence, max(pivot, quantity.end))
    before = [m.group() for m in _CUES.finditer(sentence, first, pivot)]
    if before:
        return _CUE_STAGE[before[-1]]
    after = _CUES.search(sentence, pivot, last)
    return _CUE_STAGE[after.group()] if after else NO_CUE


def _names_two_members(sentence: str, subject: _Subject, head_start: int, keyword: Keyword) -> bool:
    """A keyword for a list as one (安全感&满意度): its first part in an earlier member of the list."""
    found = sentence.rfind(keyword.context[-1], subject.start, head_start)
    return found >= 0 and _CONJUNCTIONS.search(sentence, found, head_start) is not None


def _gap(sentence: str, start: int, end: int) -> int:
    """Subject characters between a keyword and the figure, predicates and comparisons aside."""
    rest = _PREDICATE_WORDS.sub("", sentence[start:end])
    return len(_CJK.findall(rest))


def unit_sort(unit: str) -> str:
    """The family of a measure word (``units.UNIT_FAMILIES``: persons, events, money, …)."""
    return unit_family(unit)


def _context_found(sentence: str, head_start: int, keyword: Keyword) -> bool:
    """The keyword's context words occur in order in the sentence before its head."""
    limit = head_start
    for part in reversed(keyword.context):
        limit = sentence.rfind(part, 0, limit)
        if limit < 0:
            return False
    return True


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
