"""Tests of ingest: decoding, the normaliser's offset map, paragraphs, sentences, and the
removal of repeated copy and page boilerplate, on the real seeds and small written texts."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.corpus.ingest import (
    BOILERPLATE,
    REPEAT,
    Document,
    decode_bytes,
    ingest,
    ingest_file,
    is_heading,
    normalise,
    read_text,
)
from pingan_analysis.exceptions import DataError

from conftest import RELEASES_DIR, seed_path

TRANSCRIPT = ("Qingdao", "2020-04-08")
WEB_PAGE = ("Qingdao", "2020-04-15")


def kept_lines(document: Document) -> list[str]:
    return [document.text[p.start : p.end] for p in document.paragraphs]


def original_lines_with(text: str, pattern: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if re.search(pattern, line)]


# --- decoding ---------------------------------------------------------------------------


def test_seed_decodes_as_utf8(seed_release: dict[str, str]) -> None:
    path = RELEASES_DIR / seed_release["file"]
    assert read_text(path) == path.read_bytes().decode("utf-8")


def test_gb18030_bytes_give_the_same_text_as_the_utf8_seed(seed_release: dict[str, str]) -> None:
    text = (RELEASES_DIR / seed_release["file"]).read_text(encoding="utf-8")
    assert decode_bytes(text.encode("gb18030"), "seed.txt") == text


def test_gbk_bytes_are_read() -> None:
    text = "平安青岛:划分2.9万多个网格,刑事案件下降13.5%。\r\n"
    assert decode_bytes(text.encode("gbk"), "gbk.txt") == text


def test_utf8_bom_is_stripped_and_offsets_index_the_text_without_it(tmp_path: Path) -> None:
    seed = seed_path(*TRANSCRIPT)
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + seed.read_bytes())
    document = ingest_file(path)
    assert document.original == seed.read_text(encoding="utf-8")
    figure = "2.9万多个"
    start = document.text.index(figure)
    begin, end = document.span_to_original(start, start + len(figure))
    assert document.original[begin:end] == figure
    assert begin == seed.read_text(encoding="utf-8").index(figure)


def test_line_ends_are_untouched() -> None:
    assert decode_bytes("一\r\n二\r三\n".encode(), "x.txt") == "一\r\n二\r三\n"


def test_latin1_file_is_refused_naming_file_byte_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Report\nCaf\u00e9 cr\u00e8me, na\u00efve.\n".encode("latin-1"))
    with pytest.raises(DataError) as caught:
        read_text(path)
    message = str(caught.value)
    assert str(path) in message
    assert "byte offset 10 (line 2)" in message
    assert "UTF-8" in caught.value.fix


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_refused_with_a_byte_offset(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("2019年,破案1541起。\n".encode(encoding))
    with pytest.raises(DataError) as caught:
        read_text(path)
    assert str(path) in str(caught.value)
    assert re.search(r"byte offset \d+ \(line 1\)", str(caught.value))


def test_utf8_with_one_broken_byte_is_refused_not_read_as_gb18030() -> None:
    data = bytearray(
        "平安青岛建设攻势打响以来全市共打掉涉黑组织群众安全感满意度持续提升网".encode()
    )
    data[30] = 0xBF  # the lead byte of the 11th character
    assert bytes(data).decode("gb18030")  # GB18030 would take it, as mojibake
    with pytest.raises(DataError, match=r"damaged byte: byte 0xBF at byte offset 30 \(line 1\)"):
        decode_bytes(bytes(data), "broken.txt")


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", "\u3000\u200b\n".encode(), b"\xef\xbb\xbf\n"])
def test_empty_or_blank_file_is_refused(data: bytes) -> None:
    with pytest.raises(DataError, match="empty") as caught:
        decode_bytes(data, "blank.txt")
    assert caught.value.where == "blank.txt"


def test_binary_file_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    with pytest.raises(DataError, match=r"NUL byte at byte offset 8 \(line 3\)"):
        decode_bytes(png, "image.txt")


@pytest.mark.parametrize(
    "start",
    [
        b"<!DOCTYPE html>\n<html><body>",
        b' \r\n<HTML lang="zh">',
        b"\xef\xbb\xbf\n<!doctype HTML>",
        b"<html>",
    ],
)
def test_html_document_is_refused(start: bytes) -> None:
    data = start + "<p>刑事案件下降13.5%。</p>".encode()
    with pytest.raises(DataError, match="HTML document") as caught:
        decode_bytes(data, "page.html")
    assert "article's text" in caught.value.fix


def test_markup_inside_a_plain_text_is_kept() -> None:
    text = "全市<b>2.9万</b>个网格。\n<html>出现在正文里</html>\n"
    document = ingest(decode_bytes(text.encode(), "x.txt"), "x.txt")
    assert kept_lines(document) == ["全市<b>2.9万</b>个网格。", "<html>出现在正文里</html>"]


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file") as caught:
        read_text(tmp_path / "absent.txt")
    assert caught.value.where == str(tmp_path / "absent.txt")


# --- normalisation and offsets ----------------------------------------------------------

FULL_WIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
INVISIBLE = st.sampled_from("\u200b\u200c\u200d\ufeff\u00ad")
SPACES = st.sampled_from("\u3000\u00a0 \n\r\t")
PUNCTUATION = st.sampled_from("、。;“”《》…")
TEXTS = st.text(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        FULL_WIDTH,
        CJK,
        INVISIBLE,
        SPACES,
        PUNCTUATION,
    ),
    max_size=80,
)


@given(TEXTS, st.data())
def test_original_span_normalises_back_to_the_normalised_span(original: str, data) -> None:
    normalised = normalise(original)
    start = data.draw(st.integers(0, len(normalised.text)))
    end = data.draw(st.integers(start, len(normalised.text)))
    begin, stop = normalised.span_to_original(start, end)
    assert normalise(original[begin:stop]).text == normalised.text[start:end]
    assert (begin, stop) == (start, end) or set(original) & set("\u200b\u200c\u200d\ufeff\u00ad")


@given(TEXTS)
def test_each_character_maps_to_its_source_character(original: str) -> None:
    normalised = normalise(original)
    positions = [normalised.to_original(pos) for pos in range(len(normalised.text) + 1)]
    assert positions == sorted(set(positions))
    assert positions[-1] == len(original)
    for pos, char in enumerate(normalised.text):
        assert normalise(original[positions[pos]]).text == char


@given(st.text(st.one_of(CJK, INVISIBLE, st.just("\n")), max_size=30).map(lambda s: s + "。\n"))
def test_paragraph_spans_map_to_their_original_lines(original: str) -> None:
    document = ingest(original, "x.txt")
    for paragraph in document.paragraphs:
        begin, end = document.span_to_original(paragraph.start, paragraph.end)
        assert normalise(original[begin:end]).text == document.text[paragraph.start : paragraph.end]


def test_full_width_digits_map_one_to_one() -> None:
    normalised = normalise("０１２３４５６７８９％")
    assert normalised.text == "0123456789%"
    assert [normalised.to_original(i) for i in range(12)] == list(range(12))


def test_normalise_keeps_chinese_punctuation_and_converts_full_width_forms() -> None:
    assert normalise("、。“”《》，：（）％！？；\u3000\u00a0").text == "、。“”《》,:()%!?;  "


def test_zero_width_and_format_characters_are_dropped_with_exact_offsets() -> None:
    original = "破\u200b获\u00ad１\ufeff５\u200d\u200c起"
    normalised = normalise(original)
    assert normalised.text == "破获15起"
    assert [normalised.to_original(i) for i in range(6)] == [0, 2, 4, 6, 9, 10]
    assert normalised.span_to_original(2, 5) == (4, 10)
    assert normalised.span_to_original(3, 3) == (6, 6)


def test_offsets_outside_the_text_are_refused() -> None:
    with pytest.raises(IndexError):
        normalise("abc").to_original(4)
    with pytest.raises(IndexError):
        normalise("abc").span_to_original(2, 1)


# --- paragraphs and headings ------------------------------------------------------------


def test_paragraphs_are_stripped_non_empty_lines_with_exact_offsets() -> None:
    original = "  第一段。 \r\n\r\n\u3000第二段\u200b,有数字3.5%。\n\t\n"
    document = ingest(original, "x.txt")
    assert kept_lines(document) == ["第一段。", "第二段,有数字3.5%。"]
    spans = [document.span_to_original(p.start, p.end) for p in document.paragraphs]
    assert [original[b:e] for b, e in spans] == ["第一段。", "第二段\u200b,有数字3.5%。"]


@pytest.mark.parametrize(
    "line, heading",
    [
        ("2013年工作回顾", True),
        ("2014年工作思路", True),
        ("一、聚焦社会稳定节点,全力推进维护国家政治安全整体战", True),
        ("大家上午好!", False),
        ("来源:大众日报 2020-04-15 13:28   https://www.yybnet.net/", False),
        ("发布时间:2022年10月14日", False),
        ("全市共打掉涉黑组织15个。", False),
        ("以创新社会治理为抓手" * 6, False),
    ],
)
def test_heading_is_a_short_line_without_sentence_final_punctuation(
    line: str, heading: bool
) -> None:
    assert is_heading(line) is heading


def test_seed_headings_are_detected() -> None:
    document = ingest_file(seed_path("Laixi"))
    headings = [document.text[p.start : p.end] for p in document.paragraphs if p.is_heading]
    assert headings[:2] == ["2013年工作回顾", "坚持打防并举,平安创建活动取得新进展"]
    assert "2014年工作思路" in headings
    assert len(headings) == 11


# --- sentences --------------------------------------------------------------------------


def sentence_texts(text: str) -> list[str]:
    document = ingest(text, "x.txt")
    return [document.text[s.start : s.end] for s in document.sentences()]


def test_sentences_split_at_final_punctuation_and_line_ends_keeping_it() -> None:
    text = "全市破获案件1.5万起,上升3.5%。满意度达98.6%；安全感提升！真的吗？\n第二行没有句号"
    assert sentence_texts(text) == [
        "全市破获案件1.5万起,上升3.5%。",
        "满意度达98.6%;",
        "安全感提升!",
        "真的吗?",
        "第二行没有句号",
    ]


def test_short_quote_is_not_split_but_a_long_one_is() -> None:
    assert sentence_texts("提出“打黑恶;反盗抢。”的口号,成效明显。") == [
        "提出“打黑恶;反盗抢。”的口号,成效明显。",
    ]
    speech = "“今年全市共破获刑事案件1541起,刑拘犯罪嫌疑人2907名,查封扣押冻结涉案资产11.74亿元。明年继续。”"
    assert sentence_texts(f"他说:{speech}会议结束。") == [
        "他说:“今年全市共破获刑事案件1541起,刑拘犯罪嫌疑人2907名,查封扣押冻结涉案资产11.74亿元。",
        "明年继续。”",
        "会议结束。",
    ]


def test_seed_sentences_cover_their_paragraphs(seed_release: dict[str, str]) -> None:
    document = ingest_file(RELEASES_DIR / seed_release["file"])
    by_paragraph: dict[int, list[tuple[int, int]]] = {}
    for sentence in document.sentences():
        by_paragraph.setdefault(sentence.paragraph, []).append((sentence.start, sentence.end))
    assert sorted(by_paragraph) == list(range(len(document.paragraphs)))
    for index, spans in by_paragraph.items():
        paragraph = document.paragraphs[index]
        assert spans[0][0] == paragraph.start and spans[-1][1] == paragraph.end
        assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))
        assert all(document.text[s:e].strip() == document.text[s:e] != "" for s, e in spans)


def test_seed_sentence_example() -> None:
    document = ingest_file(seed_path(*WEB_PAGE))
    sentences = [document.text[s.start : s.end] for s in document.sentences()]
    assert "查封、扣押、冻结涉黑涉恶资产11.74亿元。" in sentences
    assert "批捕涉黑涉恶案件152件367人,提起公诉100件433人;" in sentences


# --- repeated copy ----------------------------------------------------------------------


def test_second_copy_of_the_transcript_is_dropped_as_one_repeat_block() -> None:
    document = ingest_file(seed_path(*TRANSCRIPT))
    repeats = [block for block in document.dropped if block.reason == REPEAT]
    assert len(repeats) == 1
    second_copy = document.original.index("主持人:各位记者朋友们", 100)
    begin, end = document.span_to_original(repeats[0].start, repeats[0].end)
    assert (begin, end) == (second_copy, len(document.original.rstrip()))
    assert repeats[0].preview.startswith("主持人:各位记者朋友们")
    kept = "\n".join(kept_lines(document))
    for sentence in ("将全市科学划分为2.9万多个基础网格", "全市共打击处理13650人", "谢谢大家!"):
        assert kept.count(sentence) == 1
    assert document.stats()["repeat_chars"] == repeats[0].end - repeats[0].start


def test_a_repeat_is_found_whatever_its_white_space() -> None:
    text = (
        "全市破获刑事案件1541起,刑拘2907名。\n其他内容。\n全市破获刑事案件 1541起,刑拘2907名。 \n"
    )
    document = ingest(text, "x.txt")
    assert kept_lines(document) == ["全市破获刑事案件1541起,刑拘2907名。", "其他内容。"]
    assert [block.reason for block in document.dropped] == [REPEAT]


def test_an_isolated_repeated_heading_is_kept_but_a_repeated_run_is_not() -> None:
    text = "\n".join(
        [
            "一、主要做法",
            "建成视频监控5.4万余处。",
            "一、主要做法",
            "配备网格员5.8万多名。",
            "一、主要做法",
            "建成视频监控5.4万余处。",
            "结束。",
            "大家上午好!",
            "另一段。",
            "大家上午好!",
        ]
    )
    document = ingest(text, "x.txt")
    assert kept_lines(document) == [
        "一、主要做法",
        "建成视频监控5.4万余处。",
        "一、主要做法",
        "配备网格员5.8万多名。",
        "结束。",
        "大家上午好!",
        "另一段。",
    ]


# --- page boilerplate -------------------------------------------------------------------


def test_web_page_furniture_is_dropped_and_the_article_kept() -> None:
    document = ingest_file(seed_path(*WEB_PAGE))
    kept = kept_lines(document)
    assert kept[0].startswith("青岛首次发布《平安青岛建设攻势进展情况白皮书(2019)》")
    assert "来源:大众日报 2020-04-15 13:28   https://www.yybnet.net/" in kept
    assert kept[-1].endswith("去年10月达到100%。")
    joined = "\n".join(kept)
    for furniture in (
        "今日即墨",
        "地方网 > 山东",
        "新闻推荐",
        "青岛海事法院扣押",
        "相关推荐",
        "猜你喜欢",
        "评论:",
        "频道推荐",
        "码上商量",
        "热点阅读",
        "图文看点",
        "热点排行",
        "乡里乡亲",
    ):
        assert furniture not in joined
    assert {block.reason for block in document.dropped} == {BOILERPLATE}
    assert [block.preview[:4] for block in document.dropped] == ["今日青岛", "新闻推荐"]


def test_editor_credits_after_the_article_are_dropped() -> None:
    document = ingest_file(seed_path("Zibo"))
    assert kept_lines(document)[-1].startswith("围绕一个“公”字")
    assert document.dropped[0].preview == "编辑:张铭 值班主任:李玮 校对:杨天宝 编审:王学明"


@pytest.mark.parametrize("city_en", ["Baoshan", "Laixi"])
def test_plain_releases_lose_nothing(city_en: str) -> None:
    document = ingest_file(seed_path(city_en))
    assert document.dropped == ()
    assert len(document.paragraphs) == len(original_lines_with(document.original, r"\S"))


def test_every_seed_paragraph_with_figures_survives(seed_release: dict[str, str]) -> None:
    document = ingest_file(RELEASES_DIR / seed_release["file"])
    kept = set(kept_lines(document))
    lines = original_lines_with(document.original, r"\d.*。")
    with_figures = [normalise(line).text for line in lines]
    assert with_figures
    assert [line for line in with_figures if line not in kept] == []


def test_stats_add_up(seed_release: dict[str, str]) -> None:
    document = ingest_file(RELEASES_DIR / seed_release["file"])
    stats = document.stats()
    assert stats["chars"] == len(document.text)
    assert stats["paragraphs"] == len(document.paragraphs)
    assert stats["dropped_blocks"] == len(document.dropped)
    spans = sorted(
        [(p.start, p.end) for p in document.paragraphs]
        + [(b.start, b.end) for b in document.dropped]
    )
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))
    gaps = zip(
        [0] + [end for _, end in spans],
        [start for start, _ in spans] + [len(document.text)],
        strict=True,
    )
    assert "".join(document.text[a:b] for a, b in gaps).strip() == ""
    accounted = stats["kept_chars"] + stats["repeat_chars"] + stats["boilerplate_chars"]
    assert accounted == sum(end - start for start, end in spans) <= stats["chars"]


OTHER_OUTLET_PAGE = """\
首页 新闻 政务 民生 视频 专题
首页>新闻中心>本地新闻>正文
阅读:1024
市公安局通报一季度治安形势
记者 李四
一季度,全市刑事警情同比下降21.3%,破获刑事案件862起。
群众安全感达98.1%。
责任编辑:王五
相关阅读
· 市区开展消防安全检查
· 交警部门发布节日出行提示
上一篇:春季防火提示
下一篇:全市安全生产会议召开
"""


def test_general_rules_drop_another_outlets_page_furniture() -> None:
    document = ingest(OTHER_OUTLET_PAGE, "other.txt")
    assert kept_lines(document) == [
        "市公安局通报一季度治安形势",
        "记者 李四",
        "一季度,全市刑事警情同比下降21.3%,破获刑事案件862起。",
        "群众安全感达98.1%。",
    ]
    assert [block.reason for block in document.dropped] == [BOILERPLATE, BOILERPLATE]


def test_a_furniture_word_heading_followed_by_article_prose_does_not_cut() -> None:
    prose = (
        "全市破获刑事案件1541起,刑拘犯罪嫌疑人2907名,查封扣押冻结涉黑涉恶资产11.74亿元,成效明显。"
    )
    text = f"导语。\n相关新闻\n{prose}\n{prose.replace('1541', '1600')}\n责任编辑:王五\n"
    document = ingest(text, "x.txt")
    assert kept_lines(document)[:4] == ["导语。", "相关新闻", prose, prose.replace("1541", "1600")]
    assert len(document.paragraphs) == 4


def test_link_bullets_are_dropped_but_a_bulleted_figure_is_kept() -> None:
    text = (
        "正文第一段。\n• 图片新闻一\n• 图片新闻二\n• 图片新闻三\n• 全市破案1541起\n正文第二段。\n"
    )
    assert kept_lines(ingest(text, "x.txt")) == ["正文第一段。", "• 全市破案1541起", "正文第二段。"]


WECHAT_POST = """平安建设 | 一季度全市治安形势平稳
一季度,全市破获刑事案件862起,同比上升5.1%。
群众安全感达98.1%。
往期回顾
全市召开平安建设推进会
交警部门发布五一出行提示
阅读原文
阅读 1.2万
在看 35
点赞  分享
长按二维码关注我们
"""


def test_wechat_post_furniture_at_the_end_is_dropped() -> None:
    document = ingest(WECHAT_POST, "wechat.txt")
    assert kept_lines(document) == [
        "平安建设 | 一季度全市治安形势平稳",
        "一季度,全市破获刑事案件862起,同比上升5.1%。",
        "群众安全感达98.1%。",
    ]
    assert [block.reason for block in document.dropped] == [BOILERPLATE]


@given(
    st.lists(
        st.sampled_from(
            [
                "往期回顾",
                "阅读原文",
                "阅读 3万+",
                "在看 12",
                "点赞",
                "分享",
                "赞 分享 在看",
                "长按识别二维码关注",
                "点击上方蓝字关注我们",
                "收藏 · 转发",
            ]
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_trailing_run_of_interaction_lines_is_dropped(furniture: list[str]) -> None:
    article = "全市破获刑事案件862起。\n群众安全感达98.1%。\n"
    document = ingest(article + "\n".join(furniture) + "\n", "post.txt")
    assert kept_lines(document) == ["全市破获刑事案件862起。", "群众安全感达98.1%。"]


def test_interaction_words_inside_the_article_are_kept() -> None:
    prose = "各地分享经验做法,点赞身边好人,全市破获刑事案件862起,同比上升5.1%,成效明显。"
    text = f"导语。\n分享\n{prose}\n{prose.replace('862', '900')}\n"
    assert kept_lines(ingest(text, "x.txt")) == [
        "导语。",
        "分享",
        prose,
        prose.replace("862", "900"),
    ]
