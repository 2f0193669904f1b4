"""Ingest: a release file in, a :class:`Document` out (decoded, normalised, split, cleaned).

Steps: :func:`decode_bytes` (UTF-8 or GB18030/GBK, refusing what is not a plain text) →
:func:`normalise` (full-width forms to ASCII, odd spaces to spaces, invisible characters
dropped, with an exact offset map back to the decoded text) → lines as paragraphs → page
boilerplate and repeated copies dropped → sentences on demand.

Offsets: paragraphs and sentences use *normalised* coordinates; :meth:`Document.span_to_original`
turns them into offsets of :attr:`Document.original`, the decoded file text (BOM removed, line
ends untouched) that mention offsets index. Everything runs on whole-text ``str`` methods and
regular expressions, plus one Python step per line (never per character), to stay fast.
"""

from __future__ import annotations

import logging
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pingan_analysis.exceptions import DataError

logger = logging.getLogger(__name__)

REPEAT = "repeat"
BOILERPLATE = "boilerplate"

#: A line at most this long, with no sentence-final punctuation, is a heading.
HEADING_MAX_CHARS = 50
#: A quote “…” at most this long is never split into sentences.
SHORT_QUOTE_MAX_CHARS = 40
#: Share of the characters after a furniture heading that must be furniture to cut there.
FURNITURE_SHARE_TO_CUT = 2 / 3
PREVIEW_CHARS = 40

_SAVE_AS_UTF8 = "save the file as UTF-8 text (in an editor: Save As, encoding UTF-8)"
#: A valid UTF-8 prefix with this many non-ASCII characters means the file is UTF-8 with a
#: broken byte, not GB18030 (GB18030 text forms valid UTF-8 only by chance, for a few bytes).
_UTF8_EVIDENCE_CHARS = 8

# --- decoding ---------------------------------------------------------------------------

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html(?:[\s>]|$))", re.IGNORECASE
)
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_BLANK = re.compile(rf"[\s{_INVISIBLE}]*")


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a release file: UTF-8 (a BOM is stripped) or GB18030/GBK; line ends untouched.

    Refuses (DataError naming ``source``) UTF-16, binary data, an HTML document, bytes that
    are neither encoding, and a text with nothing but white space. Markup *inside* a plain
    text is kept: only a file that starts as an HTML document is refused.
    """
    _refuse_non_text(data, source)
    text = _decode(data, source).removeprefix("\ufeff")
    if _BLANK.fullmatch(text):
        raise DataError(
            "the file is empty (it holds no text, or only white space)",
            where=source,
            fix="save the release's text into the file",
        )
    return text


def read_text(path: Path) -> str:
    """Read and decode a release file (see :func:`decode_bytes`)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise DataError(
            "no such file", where=str(path), fix="check the path (and the manifest's `file` column)"
        ) from error
    except OSError as error:
        raise DataError(
            f"cannot read the file: {error.strerror or error}",
            where=str(path),
            fix="check that it is a readable regular file",
        ) from error
    return decode_bytes(data, str(path))


def _refuse_non_text(data: bytes, source: str) -> None:
    if data.startswith(_UTF16_BOMS):
        raise DataError(
            "the file is UTF-16 text: a byte-order mark at byte offset 0 (line 1); "
            "only UTF-8 and GB18030/GBK are read",
            where=source,
            fix=_SAVE_AS_UTF8,
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DataError(
            f"the file holds a NUL byte at byte offset {nul} (line "
            f"{_line_of(data, nul)}): it is binary data or UTF-16/32 text",
            where=source,
            fix=_SAVE_AS_UTF8,
        )
    if _HTML_START.match(data):
        raise DataError(
            "the file is an HTML document, not the text of a release",
            where=source,
            fix="open the page and save the article's text as a UTF-8 .txt file",
        )


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        damaged_utf8 = _looks_like_utf8(data[: utf8_error.start])
        if not damaged_utf8:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
        bad = utf8_error.start
        what = (
            "UTF-8 text with a damaged byte"
            if damaged_utf8
            else "neither UTF-8 nor GB18030/GBK text"
        )
        raise DataError(
            f"the file is {what}: byte 0x{data[bad]:02X} at byte offset {bad} "
            f"(line {_line_of(data, bad)}) is not valid UTF-8",
            where=source,
            fix=_SAVE_AS_UTF8,
        ) from utf8_error


def _looks_like_utf8(valid_prefix: bytes) -> bool:
    text = valid_prefix.decode("utf-8-sig")
    return len(text) - len(text.encode("ascii", "ignore")) >= _UTF8_EVIDENCE_CHARS


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --- normalisation and the offset map ---------------------------------------------------

_REPLACEMENTS = {
    **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
    "\u3000": " ",
    "\u00a0": " ",
    **{char: "" for char in _INVISIBLE},
}
_TO_NORMALISE = re.compile(f"[\uff01-\uff5e\u3000\u00a0{_INVISIBLE}]")
_TO_DROP = re.compile(f"[{_INVISIBLE}]")


@dataclass(frozen=True)
class NormalisedText:
    """A normalised text and the exact map of its offsets back to the original.

    Only dropped characters shift offsets (every other change is one character for one), so
    the map stores one number per dropped character: ``dropped_at[i]`` is the normalised
    offset where the ``i``-th dropped character stood (its original offset minus ``i``).
    A normalised offset ``pos`` then sits ``bisect_right(dropped_at, pos)`` characters further
    on in the original. Empty for the usual text that drops nothing.
    """

    text: str
    dropped_at: array[int] = field(default_factory=lambda: array("q"), repr=False, hash=False)

    def to_original(self, pos: int) -> int:
        """Offset in the original of the character at normalised offset ``pos`` (or the end)."""
        if not 0 <= pos <= len(self.text):
            raise IndexError(f"offset {pos} is outside the normalised text (0..{len(self.text)})")
        return pos + bisect_right(self.dropped_at, pos)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised ``[start, end)``; end exclusive.

        Dropped characters between the span's characters are inside the original span, those
        just before or after it are not: ``normalise(original[s:e]).text == text[start:end]``.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(
                f"span {start}..{end} is not within the normalised text (0..{len(self.text)})"
            )
        if not self.dropped_at:  # the usual text: nothing dropped, offsets unchanged
            return start, end
        first = self.to_original(start)
        return (first, first) if start == end else (first, self.to_original(end - 1) + 1)


def normalise(text: str) -> NormalisedText:
    """Full-width ASCII forms (U+FF01–FF5E) to ASCII, U+3000 and NBSP to a space, zero-width
    and format characters (U+200B–200F, U+2060, U+FEFF, soft hyphen) dropped.

    Chinese punctuation outside the full-width block (、。；“” …) stays; ，：（）％ become
    , : ( ) % because they are full-width forms.
    """
    if not _TO_NORMALISE.search(text):
        return NormalisedText(text)
    dropped_at = array("q", (m.start() - i for i, m in enumerate(_TO_DROP.finditer(text))))
    # One str.replace per distinct character present: several times faster than
    # str.translate, whose generic path looks every character up in the table.
    normalised = text
    for char in set(_TO_NORMALISE.findall(text)):
        normalised = normalised.replace(char, _REPLACEMENTS[char])
    return NormalisedText(normalised, dropped_at)


# --- the document -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A kept non-empty line, white space stripped; normalised coordinates."""

    start: int
    end: int
    is_heading: bool


@dataclass(frozen=True, slots=True)
class Sentence:
    """Normalised coordinates; ``paragraph`` indexes :attr:`Document.paragraphs`."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class DroppedBlock:
    """A run of consecutive dropped lines with one reason (``repeat`` or ``boilerplate``)."""

    start: int
    end: int
    reason: str
    preview: str


@dataclass(frozen=True)
class Document:
    """An ingested release: its original text, the normalised text and its kept paragraphs."""

    name: str
    original: str
    normalised: NormalisedText
    paragraphs: tuple[Paragraph, ...]
    dropped: tuple[DroppedBlock, ...]

    @property
    def text(self) -> str:
        return self.normalised.text

    def sentences(self) -> Iterator[Sentence]:
        """The sentences of the kept paragraphs, in order (see :func:`split_sentences`)."""
        for index, paragraph in enumerate(self.paragraphs):
            for start, end in split_sentences(self.text, paragraph.start, paragraph.end):
                yield Sentence(start, end, index)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.normalised.span_to_original(start, end)

    def stats(self) -> dict[str, int]:
        """Sizes in normalised characters; a dropped block counts the line breaks inside it."""
        dropped = {REPEAT: 0, BOILERPLATE: 0}
        for block in self.dropped:
            dropped[block.reason] += block.end - block.start
        return {
            "chars": len(self.text),
            "kept_chars": sum(p.end - p.start for p in self.paragraphs),
            "repeat_chars": dropped[REPEAT],
            "boilerplate_chars": dropped[BOILERPLATE],
            "paragraphs": len(self.paragraphs),
            "dropped_blocks": len(self.dropped),
        }


def ingest_file(path: Path) -> Document:
    """Read, decode and ingest a release file; the document is named after the file."""
    return ingest(read_text(path), path.name)


def ingest(text: str, name: str) -> Document:
    """Normalise a decoded text, split it into lines, and drop boilerplate and repeated copy."""
    normalised = normalise(text)
    lines = _lines(normalised.text)
    reasons = _boilerplate_reasons(lines)
    _mark_repeats(lines, reasons)
    paragraphs = tuple(
        Paragraph(line.start, line.end, is_heading(line.text))
        for line, reason in zip(lines, reasons, strict=True)
        if not reason
    )
    dropped = tuple(_dropped_blocks(normalised.text, lines, reasons))
    logger.debug("%s: %d paragraphs kept, %d blocks dropped", name, len(paragraphs), len(dropped))
    return Document(name, text, normalised, paragraphs, dropped)


class _Line(NamedTuple):
    start: int
    end: int
    text: str


#: A line's content without the white space around it (``\s`` is what ``str.strip`` strips): from
#: its first to its last non-space character, never across \r or \n.
_LINE_CONTENT = re.compile(r"[^\S\r\n]*(\S(?:[^\r\n]*\S)?)")


def _lines(text: str) -> list[_Line]:
    """Non-empty lines with their surrounding white space stripped (offsets exact)."""
    return [_Line(match.start(1), match.end(1), match[1]) for match in _LINE_CONTENT.finditer(text)]


_SENTENCE_FINAL = re.compile("[。!?;]")
_BYLINE = re.compile(
    r"(?:来源|作者|记者|本报记者|通讯员|本报通讯员|发布时间|发布日期|时间|日期)\s*:"
    r"|.*(?:://|\d{4}-\d{1,2}-\d{1,2})"
)


def is_heading(line: str) -> bool:
    """A short line with no sentence-final punctuation (。!?;), e.g. "2014年工作思路".

    A byline or dateline ("来源:大众日报 2020-04-15 13:28") is not a heading although it looks
    like one: read as a heading, its date would date the section that follows it.
    """
    return (
        len(line) <= HEADING_MAX_CHARS
        and not _SENTENCE_FINAL.search(line)
        and not _BYLINE.match(line)
    )


# --- page boilerplate -------------------------------------------------------------------

_BULLET = re.compile(r"[•·▪►▶◆◇●○■]+\s*")
#: Section headings of page furniture (a colon may follow, with anything after it).
_FURNITURE_HEADING = re.compile(
    r"(?:(?:相关|延伸|推荐|拓展|更多|热门|精彩)(?:新闻|阅读|文章|链接|报道|推荐|专题|图片)"
    r"|(?:新闻|频道|热门|精彩|为你|编辑|今日|小编)推荐|猜你喜欢|图文看点|图片新闻"
    r"|热点(?:阅读|排行|新闻|推荐|关注|图片|专题)?|(?:点击|阅读|人气|新闻|热门|24小时)?排行榜?"
    r"|(?:网友|最新|热门|精彩|发表|我要|查看)?评论(?:\(\d+\))?"
    r"|责任编辑|编辑|责编|校对|编审|审核|审校|值班主任|监制|主编|美编"
    r"|版权(?:所有|声明)|上一篇|下一篇|分享到|扫一扫|返回顶部|打印本页|关闭窗口)"
    r"\s*(?::.*)?"
)
_FURNITURE_HEADING_MAX_CHARS = 80
#: The words a WeChat post ends with (往期回顾, 阅读原文, 阅读 1.2万, 在看 35, 点赞, 分享, 长按二维码
#: 关注), each with an optional count: a line of nothing else is furniture, and opens the
#: trailing furniture like a heading does.
_INTERACTION_WORD = (
    r"(?:往期(?:回顾|推荐|精彩|链接)|阅读原文|写留言|精选留言|留言|阅读|在看|点赞|赞|分享|收藏|转发"
    r"|(?:长按|扫描|扫码|识别|扫一扫)+(?:图中|下方|上方)?(?:二维码)?(?:识别)?"
    r"(?:关注|加关注)?(?:我们|本公众号|公众号)?"
    r"|(?:点击)?(?:上方|下方)?(?:蓝字)?关注(?:我们|本公众号|公众号)"
    r"|喜欢此内容的人还喜欢|微信扫一扫(?:关注该公众号)?|投诉)"
)
_INTERACTION_LINE = re.compile(
    rf"{_INTERACTION_WORD}(?:\s*[0-9.]+万?\+?)?(?:[\s|·•,、/]*{_INTERACTION_WORD}"
    rf"(?:\s*[0-9.]+万?\+?)?)*[\s|·•,、/]*"
)
#: An interaction line is short; a longer line is prose that merely uses these words.
_INTERACTION_MAX_CHARS = 40
_NAV_SEGMENT = re.compile(r"[^\W\d_]{2,8}")
_CRUMB_SEPARATOR = re.compile(r"\s*[>›»]\s*")
_VIEW_COUNTER = re.compile(r"(?:浏览|阅读|点击|访问)(?:量|数|次数)?\s*:\s*\d+\s*次?")
_TRUNCATED_TEASER = re.compile(r"(?:\.{3}|…+)[”\"]?\Z")
_DATED_ITEM = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2})?\Z")
_LINK_MAX_CHARS = 40
_TEASER_MAX_CHARS = 120
#: Navigation bars, breadcrumbs and counters are never longer (a cheap test that skips prose).
_CHROME_MAX_CHARS = 120


def _boilerplate_reasons(lines: Sequence[_Line]) -> list[str]:
    """Per line: "boilerplate" or "" (kept for now).

    Dropped anywhere: navigation bars, breadcrumbs, view counters and runs of link-list
    bullets. Dropped at the end: everything from the first furniture heading (推荐, 相关阅读,
    评论, 责任编辑 …, or a WeChat interaction line: 往期回顾, 阅读原文, 在看 35, 点赞, 长按二维码关注)
    after which the page is mostly furniture; a heading followed by article
    prose does not cut. A byline or source line (来源: … date) is not furniture and stays.
    """
    reasons = [BOILERPLATE if _is_page_chrome(line.text) else "" for line in lines]
    for first, last in _link_list_runs(lines):
        reasons[first:last] = [BOILERPLATE] * (last - first)
    cut = _end_of_article(lines)
    reasons[cut:] = [BOILERPLATE] * (len(lines) - cut)
    return reasons


def _is_page_chrome(line: str) -> bool:
    return len(line) <= _CHROME_MAX_CHARS and (
        _is_navigation(line) or _is_breadcrumb(line) or bool(_VIEW_COUNTER.fullmatch(line))
    )


def _is_navigation(line: str) -> bool:
    """Several short word-only segments separated by spaces: "今日青岛 今日即墨 今日胶州"."""
    segments = line.split()
    return len(segments) >= 3 and all(_NAV_SEGMENT.fullmatch(s) for s in segments)


def _is_breadcrumb(line: str) -> bool:
    """Three or more short segments joined by ">": "地方网 > 山东 > 青岛市 > 正文"."""
    if ">" not in line and "›" not in line and "»" not in line:  # the usual line: no split
        return False
    parts = _CRUMB_SEPARATOR.split(line)
    return len(parts) >= 3 and all(
        0 < len(p) <= 12 and not _SENTENCE_FINAL.search(p) for p in parts
    )


def _is_link_bullet(line: str) -> bool:
    """A short bulleted item without sentence punctuation or figures: a link in a list."""
    bullet = _BULLET.match(line)
    if not bullet:
        return False
    item = line[bullet.end() :]
    return (
        len(item) <= _LINK_MAX_CHARS
        and not _SENTENCE_FINAL.search(item)
        and not any(char.isdigit() for char in item)
    )


def _link_list_runs(lines: Sequence[_Line]) -> Iterator[tuple[int, int]]:
    """Runs of two or more consecutive link bullets, as [first, last) line indexes."""
    first = None
    for index, line in enumerate([*lines, _Line(0, 0, "")]):
        if _is_link_bullet(line.text):
            first = index if first is None else first
            continue
        if first is not None and index - first >= 2:
            yield first, index
        first = None


def _is_furniture_heading(line: str) -> bool:
    if len(line) <= _INTERACTION_MAX_CHARS and _INTERACTION_LINE.fullmatch(line):
        return True
    if len(line) > _FURNITURE_HEADING_MAX_CHARS:
        return False
    bullet = _BULLET.match(line)
    return bool(_FURNITURE_HEADING.fullmatch(line, bullet.end() if bullet else 0))


def _is_furniture(line: str) -> bool:
    """Anything a page puts around an article: headings, links, teasers, dated list items."""
    if _BULLET.match(line) and len(line) <= _LINK_MAX_CHARS * 2:
        return True
    if _is_furniture_heading(line) or _is_page_chrome(line) or is_heading(line):
        return True
    return len(line) <= _TEASER_MAX_CHARS and bool(
        _TRUNCATED_TEASER.search(line) or _DATED_ITEM.search(line)
    )


def _end_of_article(lines: Sequence[_Line]) -> int:
    """Index of the first line of the trailing page furniture (``len(lines)`` if none)."""
    headings = [index for index, line in enumerate(lines) if _is_furniture_heading(line.text)]
    if not headings:
        return len(lines)
    first = headings[0]
    furniture, chars = 0, 0
    share_after = {}
    for index in range(len(lines) - 1, first - 1, -1):
        size = len(lines[index].text)
        chars += size
        furniture += size if _is_furniture(lines[index].text) else 0
        share_after[index] = furniture / chars
    return next(
        (index for index in headings if share_after[index] >= FURNITURE_SHARE_TO_CUT), len(lines)
    )


# --- repeated copy ----------------------------------------------------------------------


def _mark_repeats(lines: Sequence[_Line], reasons: list[str]) -> None:
    """Mark as "repeat" each line that repeats an earlier line (compared without white space,
    which carries no meaning in Chinese text and varies between copies: "1541 起", "1541起").

    The first occurrence is kept. One exception: an isolated repeated *heading* (its
    neighbours among the remaining lines are not repeats) is kept, because sections of one
    text often share headings ("一、主要做法", "记者现场提问:") and later steps read the
    headings to resolve periods and modality; a heading carries no figure that a repeat could
    double-count. A heading inside a repeated run (a second copy of the text) is dropped.
    """
    order = [index for index, reason in enumerate(reasons) if not reason]
    seen: set[str] = set()
    repeated = []
    for index in order:
        key = "".join(lines[index].text.split())
        repeated.append(key in seen)
        seen.add(key)
    for position, index in enumerate(order):
        if not repeated[position]:
            continue
        isolated = not (position > 0 and repeated[position - 1]) and not (
            position + 1 < len(order) and repeated[position + 1]
        )
        if not (isolated and is_heading(lines[index].text)):
            reasons[index] = REPEAT


def _dropped_blocks(
    text: str, lines: Sequence[_Line], reasons: Sequence[str]
) -> Iterator[DroppedBlock]:
    """Consecutive dropped lines with the same reason, merged into blocks."""
    block: list[int] = []
    for index, reason in enumerate([*reasons, ""]):
        if block and reason != reasons[block[0]]:
            start, end = lines[block[0]].start, lines[block[-1]].end
            preview = " ".join(text[start : min(end, start + 4 * PREVIEW_CHARS)].split())
            yield DroppedBlock(start, end, reasons[block[0]], preview[:PREVIEW_CHARS])
            block = []
        if reason:
            block.append(index)


# --- sentences --------------------------------------------------------------------------

_TERMINATOR = re.compile(r"[。!?;]+[”’」』)]*")
_SHORT_QUOTE = re.compile(rf"“[^“”\r\n]{{1,{SHORT_QUOTE_MAX_CHARS}}}”")


def split_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``: cut after 。!?; (full-width forms are already
    ASCII) and the closing quotes or brackets that follow, white space stripped.

    A full stop is never a cut, so numbers such as 3.5 stay whole. A short quote (up to
    SHORT_QUOTE_MAX_CHARS, e.g. a slogan “打黑恶;反盗抢”) is never cut: it is one item of its
    sentence. A longer quote is reported speech, and its sentences are cut as any others.
    """
    quotes = [m.span() for m in _SHORT_QUOTE.finditer(text, start, end)]
    if quotes:
        starts = [quote_start for quote_start, _ in quotes]
        cuts = [
            m.end()
            for m in _TERMINATOR.finditer(text, start, end)
            if not _inside_quote(m.start(), quotes, starts)
        ]
    else:
        cuts = [m.end() for m in _TERMINATOR.finditer(text, start, end)]
    cuts.append(end)
    begin = start
    for cut in cuts:
        # the usual sentence has no white space at either end: no call to find that out
        if begin < cut and not (text[begin].isspace() or text[cut - 1].isspace()):
            yield begin, cut
        else:
            span = _strip_span(text, begin, cut)
            if span:
                yield span
        begin = cut


def _inside_quote(pos: int, quotes: Sequence[tuple[int, int]], starts: Sequence[int]) -> bool:
    """Whether ``pos`` is inside one of ``quotes`` (spans by start; ``starts``: their starts)."""
    index = bisect_right(starts, pos) - 1
    return index >= 0 and quotes[index][0] < pos < quotes[index][1] - 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without white space at either end (moved over character by character:
    there is seldom any, and a sentence is not copied to find out); None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
