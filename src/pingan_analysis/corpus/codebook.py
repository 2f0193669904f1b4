"""The indicator codebook: a CSV data file researchers edit, read and validated here.

Each row is one indicator: ``id,name_zh,name_en,domain,unit,kinds,keywords,description`` and
optional ``stock`` (``yes`` for counts of things that exist at a date: grids, cameras,
centres) and ``stages`` columns. ``stages`` separates neighbours that share a noun (刑事案件
立案 / 发案 / 破获): the stages of the process (:data:`STAGE_CUES`) whose cue word, nearest the
figure in its clause, lets the indicator carry it; ``none`` lets it carry a figure whose clause
has no cue. ``keywords`` are ``|``-separated; a keyword may name context words before its head
with ``+`` ("法律援助+民事案件": 民事案件 is the subject of the figure, 法律援助 occurs earlier in
its sentence); ``A&B`` names a list of both given one figure (安全感&满意度). Adding an indicator means adding a row: no code knows the ids.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from pingan_analysis.config import DEFAULT_CODEBOOK, PACKAGE_DATA_DIR
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import DOMAINS, MENTION_KINDS

REQUIRED_COLUMNS: tuple[str, ...] = (
    "id",
    "name_zh",
    "name_en",
    "domain",
    "unit",
    "kinds",
    "keywords",
    "description",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("stock", "stages")
#: The stages a case or matter goes through as police, procuratorate and court reports word
#: them, each with its cue words (longest first where they overlap). ``none``: no cue at all.
STAGE_CUES: dict[str, tuple[str, ...]] = {
    "occurred": ("发案", "发生"),
    "filed": ("立案",),
    "solved": ("破获", "侦破", "破案", "告破", "攻破"),
    "accepted": ("受理", "新收", "收案", "受案"),
    "concluded": ("审结", "办结", "结案", "执结", "审执结"),
    "prosecuted": ("起诉", "公诉", "批捕", "逮捕"),
    "dismantled": ("打掉", "摧毁", "铲除", "打垮"),
    "screened": ("排查",),
    "reviewed": ("审查起诉", "审查逮捕"),
    "resolved": ("化解", "调处", "调解", "调结"),
}
NO_CUE = "none"
STAGES: tuple[str, ...] = (*STAGE_CUES, NO_CUE)
_TRUE, _FALSE = ("yes", "true", "1", "y"), ("", "no", "false", "0", "n")
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class Keyword:
    """A keyword: its head (the subject word next to the figure) and context words before it."""

    context: tuple[str, ...]
    head: str
    #: Written ``A&B``: a figure stated once for a list naming both (安全感和满意度均达到98.6%);
    #: such a keyword matches only there, and only it does.
    together: bool = False

    @cached_property  # read for every head that fits a figure
    def length(self) -> int:
        """Characters matched in all: a longer keyword is a more specific one."""
        return len(self.head) + sum(map(len, self.context))


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    domain: str
    unit: str
    kinds: frozenset[str]
    keywords: tuple[Keyword, ...]
    description: str
    stock: bool = False
    #: The stages (:data:`STAGES`) whose cue lets the indicator carry a figure; empty: any.
    stages: frozenset[str] = frozenset()


#: A keyword head found in a text: (head start, head end, indicator, keyword).
Head = tuple[int, int, Indicator, Keyword]


@dataclass(frozen=True)
class Codebook:
    """The indicators of one codebook file, and an index of their keyword heads."""

    path: Path
    indicators: tuple[Indicator, ...]
    # the index, built by __post_init__ from the indicators
    _with_prefixes: dict[str, tuple[tuple[int, Indicator, Keyword], ...]] = field(
        init=False, repr=False, compare=False
    )
    _heads: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Indicator] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries: dict[str, list[tuple[Indicator, Keyword]]] = {}
        for indicator in self.indicators:
            for keyword in indicator.keywords:
                entries.setdefault(keyword.head, []).append((indicator, keyword))
        # The scan finds the longest head at each position (one regex, a trie of the heads);
        # the shorter heads there are its prefixes, listed with it beforehand, longest first.
        with_prefixes = {
            head: tuple(
                (len(prefix), indicator, keyword)
                for prefix in sorted(_prefixes(head, entries), key=len, reverse=True)
                for indicator, keyword in entries[prefix]
            )
            for head in entries
        }
        object.__setattr__(self, "_with_prefixes", with_prefixes)
        object.__setattr__(self, "_heads", _longest_first_pattern(entries))
        object.__setattr__(self, "_by_id", {i.id: i for i in self.indicators})

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    def get(self, indicator_id: str) -> Indicator | None:
        """The indicator of an id, or ``None`` where the codebook has none."""
        return self._by_id.get(indicator_id)

    def __len__(self) -> int:
        return len(self.indicators)

    def domain_of(self, indicator_id: str) -> str:
        """The domain of an indicator id (the indicators table's ``domain`` column)."""
        return self._by_id[indicator_id].domain

    def heads_in(self, text: str, start: int = 0, end: int | None = None) -> list[Head]:
        """Every keyword head found in ``text[start:end]``: (head start, head end, indicator,
        keyword), by start, the longest head first at one start."""
        with_prefixes = self._with_prefixes
        heads = []
        for found in self._heads.finditer(text, start, len(text) if end is None else end):
            at = found.start()
            for length, indicator, keyword in with_prefixes[found[1]]:
                heads.append((at, at + length, indicator, keyword))
        return heads


def _prefixes(head: str, heads: Mapping[str, object]) -> list[str]:
    """The heads that ``head`` starts with, itself included."""
    return [head[:length] for length in range(1, len(head) + 1) if head[:length] in heads]


def _longest_first_pattern(heads: Mapping[str, object]) -> re.Pattern[str]:
    """A regex finding, at every position, the longest of ``heads`` starting there.

    The heads are written as a trie (涉(?:黑(?:组织)?|恶)), so that at each position the regex
    engine follows one path of characters instead of trying every head in turn; inside a
    lookahead, so that overlapping heads are all found. A lookahead on the heads' first
    characters lets the scan skip the other positions quickly.

    The engine tries the trie's first characters one alternative after the other, so they are
    split into groups of :data:`FIRST_CHAR_GROUP`, each behind a lookahead on its characters:
    at a position, the groups its character is not in are passed over at once (a quarter less
    scanning time than one list of some 150 alternatives).
    """
    trie: dict[str, dict] = {}
    for head in heads:
        node = trie
        for char in head:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return re.compile("(?!)")
    firsts = sorted(trie)
    groups = [firsts[i : i + FIRST_CHAR_GROUP] for i in range(0, len(firsts), FIRST_CHAR_GROUP)]
    body = "|".join(
        f"(?=[{_char_class(group)}])(?:{'|'.join(re.escape(c) + _trie_pattern(trie[c]) for c in group)})"
        for group in groups
    )
    return re.compile(f"(?=[{_char_class(firsts)}])(?=({body}))")


#: First characters per group of the heads' regex (see :func:`_longest_first_pattern`).
FIRST_CHAR_GROUP = 40


def _char_class(chars: list[str]) -> str:
    return "".join(re.escape(char) for char in chars)


def _trie_pattern(node: dict[str, dict]) -> str:
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


def load_codebook(path: Path | None = None) -> Codebook:
    """Read and validate a codebook file (default: the one shipped with the package).

    Raises :class:`DataError` naming the file, the row and the problem, with a fix.
    """
    resolved = (path or DEFAULT_CODEBOOK).resolve()
    stat = resolved.stat() if resolved.is_file() else None
    return _load_cached(resolved, stat.st_mtime_ns if stat else -1, stat.st_size if stat else -1)


@lru_cache(maxsize=8)
def _load_cached(path: Path, _mtime: int, _size: int) -> Codebook:
    """Parsed once per file version: every release's extraction asks for the same codebook."""
    rows = _read_rows(path)
    indicators = tuple(_indicator(row, path, line) for line, row in rows)
    _check_unique_ids(indicators, path, [line for line, _ in rows])
    return Codebook(path, indicators)


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_header(reader.fieldnames, path)
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError as error:
        raise DataError(
            "no such codebook file",
            where=str(path),
            fix="check the path, or delete the project's codebook.csv to use the packaged one",
        ) from error
    except UnicodeDecodeError as error:
        raise DataError(
            f"the codebook is not UTF-8 text ({error.reason})",
            where=str(path),
            fix="save the file as UTF-8",
        ) from error
    except csv.Error as error:
        raise DataError(
            f"the codebook is not a valid CSV file: {error}",
            where=str(path),
            fix="quote fields that hold commas or quotes (RFC 4180)",
        ) from error


def _check_header(fieldnames: Sequence[str] | None, path: Path) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in (fieldnames or [])]
    if missing:
        raise DataError(
            f"the codebook lacks the column(s) {', '.join(missing)} (header: {fieldnames})",
            where=f"{path}, line 1",
            fix=f"the header must name the columns {','.join(REQUIRED_COLUMNS)}",
        )


def _indicator(row: Mapping[str, str | None], path: Path, line: int) -> Indicator:
    where = f"{path}, line {line}"
    # the last column, stages, may be left off a row added by hand
    if None in row or any(value is None for key, value in row.items() if key != "stages"):
        raise DataError(
            "the row has a different number of fields than the header",
            where=where,
            fix="quote fields that hold commas; one value per column",
        )
    values = {key: (value or "").strip() for key, value in row.items()}
    return Indicator(
        id=_id(values["id"], where),
        name_zh=_required(values, "name_zh", where),
        name_en=_required(values, "name_en", where),
        domain=_choice(values, "domain", DOMAINS, where),
        unit=values["unit"],
        kinds=_kinds(values, where),
        keywords=_keywords(values, where),
        description=values["description"],
        stock=_flag(values, "stock", where),
        stages=_stages(values, where),
    )


def _id(value: str, where: str) -> str:
    if not value or not set(value) <= _ID_CHARS or not value[0].isalpha():
        raise DataError(
            f"the id {value!r} is not a snake_case identifier",
            where=where,
            fix="use lower-case letters, digits and _, starting with a letter",
        )
    return value


def _required(values: dict[str, str], column: str, where: str) -> str:
    if not values[column]:
        raise DataError(f"the column {column} is empty", where=where, fix=f"fill in {column}")
    return values[column]


def _choice(values: dict[str, str], column: str, allowed: tuple[str, ...], where: str) -> str:
    if values[column] not in allowed:
        raise DataError(
            f"{column} {values[column]!r} is not one of {', '.join(allowed)}",
            where=where,
            fix=f"use one of the listed {column} values",
        )
    return values[column]


def _kinds(values: dict[str, str], where: str) -> frozenset[str]:
    kinds = [k.strip() for k in values["kinds"].split("|") if k.strip()]
    unknown = [k for k in kinds if k not in MENTION_KINDS]
    if not kinds or unknown:
        raise DataError(
            f"kinds {values['kinds']!r} must list one or more of {', '.join(MENTION_KINDS)}",
            where=where,
            fix="separate kinds with |, e.g. count|change_pct",
        )
    return frozenset(kinds)


def _keywords(values: dict[str, str], where: str) -> tuple[Keyword, ...]:
    keywords = []
    for text in values["keywords"].split("|"):
        together = "&" in text
        parts = [part.strip() for part in text.split("&" if together else "+")]
        if text.strip() and not all(parts):
            raise DataError(
                f"the keyword {text!r} has an empty part",
                where=where,
                fix="write context+head, e.g. 法律援助+民事案件, with no empty part",
            )
        if text.strip():
            keywords.append(Keyword(tuple(parts[:-1]), parts[-1], together))
    if not keywords:
        raise DataError(
            "the indicator has no keywords",
            where=where,
            fix="give one or more |-separated keywords, the words that name it",
        )
    return tuple(keywords)


def _stages(values: dict[str, str], where: str) -> frozenset[str]:
    stages = [s.strip() for s in values.get("stages", "").split("|") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise DataError(
            f"stages {values['stages']!r} must list some of {', '.join(STAGES)}",
            where=where,
            fix="separate stages with |, e.g. occurred|filed|none",
        )
    return frozenset(stages)


def _flag(values: dict[str, str], column: str, where: str) -> bool:
    value = values.get(column, "").lower()
    if value not in _TRUE + _FALSE:
        raise DataError(
            f"{column} {values[column]!r} is not yes or no",
            where=where,
            fix=f"write yes in {column} for a stock, or leave it empty",
        )
    return value in _TRUE


def _check_unique_ids(indicators: tuple[Indicator, ...], path: Path, lines: list[int]) -> None:
    first_line: dict[str, int] = {}
    for indicator, line in zip(indicators, lines, strict=True):
        if indicator.id in first_line:
            raise DataError(
                f"the id {indicator.id} repeats the one on line {first_line[indicator.id]}",
                where=f"{path}, line {line}",
                fix="give every indicator its own id (append rows, never duplicate)",
            )
        first_line[indicator.id] = line


#: The contract's core indicators (copied unchanged from the project's shared contracts).
CORE_INDICATORS = PACKAGE_DATA_DIR / "core_indicators.csv"


@lru_cache(maxsize=1)
def core_ids() -> frozenset[str]:
    """The 26 ids every codebook version keeps with the contract's meaning."""
    with CORE_INDICATORS.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["id"] for row in csv.DictReader(handle))


def unmapped_subjects(mentions_csv: Path, top: int = 30) -> list[tuple[str, int]]:
    """The most frequent subjects of a mentions table's figures that no indicator matched,
    with their counts (most frequent first, then by subject): where the codebook should grow.

    Raises :class:`DataError` when the table is missing or has no ``subject`` column.
    """
    try:
        with mentions_csv.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fieldnames = reader.fieldnames or []
            if "subject" not in fieldnames or "indicator" not in fieldnames:
                raise DataError(
                    "the mentions table has no subject and indicator columns",
                    where=f"{mentions_csv}, line 1",
                    fix="rerun the extraction (`pingan run`) with this version",
                )
            counts = Counter(
                row["subject"] for row in reader if not row["indicator"] and row["subject"]
            )
    except FileNotFoundError as error:
        raise DataError(
            "no mentions table yet",
            where=str(mentions_csv),
            fix="run `pingan run` first; it writes data/processed/mentions.csv",
        ) from error
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
