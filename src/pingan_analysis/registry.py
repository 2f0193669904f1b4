"""Every table of the project, declared once: metadata as code (DESIGN.md, "Tables are declared once").

A table is a file, its columns in the order every writer emits them, and its primary key; a
column is a type, a description, a short label (Stata's 80 characters: part of the declaration,
never cut), a unit, its allowed values and its constraints. The pandera schemas
(:mod:`pingan_analysis.schemas`), the typed loaders (:mod:`pingan_analysis.datasets`), the
exports (Frictionless ``datapackage.json``, Stata labels and value labels, the Parquet schema:
:mod:`pingan_analysis.panel.exports`) and the data dictionary
(:mod:`pingan_analysis.dictionary`) all read these declarations.

A column that means the same in several tables is declared once in :data:`FIELDS`; a table
that gives it a narrower meaning or another constraint says so with :func:`dataclasses.replace`.
This module imports only the standard library, so ``pingan extract`` and the run lock stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Frictionless Table Schema types the columns use.
TYPES: tuple[str, ...] = ("string", "integer", "number", "boolean", "date")
STATA_LABEL_LENGTH = 80


@dataclass(frozen=True)
class Column:
    """One column: what it holds and the rules its cells follow.

    ``required``: every row has a value (text: not empty; numbers: not missing).
    ``category``: a code or name repeated across rows, loaded as a pandas category.
    ``allowed``: the only values a non-empty cell may take (a categorical column; empty stays
    allowed unless ``required``). ``minimum``/``above``: lower bounds (inclusive/exclusive).
    """

    name: str
    type: str
    description: str
    label: str
    unit: str = ""
    allowed: tuple[str, ...] | None = None
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    minimum: float | None = None
    above: float | None = None
    category: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: type {self.type!r} is not one of {TYPES}")
        if not 0 < len(self.label) <= STATA_LABEL_LENGTH:
            raise ValueError(
                f"column {self.name}: the label must have 1 to "
                f"{STATA_LABEL_LENGTH} characters, not {len(self.label)}"
            )

    @property
    def categorical(self) -> bool:
        """Loaded as a pandas category (and, with allowed values, Stata value labels)."""
        return self.category or self.allowed is not None


@dataclass(frozen=True)
class Table:
    """One table: its file (relative to the project root, or as named), columns and key."""

    name: str
    file: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = self.names
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is declared twice")
        if not set(self.primary_key) <= set(names):
            raise ValueError(f"table {self.name}: the key names undeclared columns")

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in file order."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


# --- allowed values --------------------------------------------------------------------------

RELEASE_KINDS: tuple[str, ...] = (
    "transcript",
    "news_report",
    "work_review",
    "white_paper",
    "other",
)
ADMIN_LEVELS: tuple[str, ...] = (
    "province",
    "prefecture",
    "county-level city",
    "county",
    "district",
)
QUALIFIERS: tuple[str, ...] = ("exact", "lower", "upper", "approx", "range")
#: ``score`` (an extension of DESIGN.md's kinds): a figure on a points scale, 安全指数91.3分;
#: ``change_score`` its change in points, 提高2.4分 (with a direction). Unit 分.
MENTION_KINDS: tuple[str, ...] = (
    "count",
    "amount",
    "percent",
    "change_pct",
    "change_pp",
    "change_multiple",
    "score",
    "change_score",
)
#: The panel's kinds: multiples become ``change_pct`` rows.
PANEL_KINDS: tuple[str, ...] = (
    "count",
    "amount",
    "percent",
    "change_pct",
    "change_pp",
    "score",
    "change_score",
)
#: With the empty value first: the tuples a cell of these optional columns is checked against.
DIRECTIONS: tuple[str, ...] = ("", "up", "down")
#: How a ``change_multiple`` is phrased (an extension of DESIGN.md's mentions table): "提高1.1倍"
#: is ``increase`` (+110%), "是上年同期的2倍" is ``ratio`` (+100%); empty for other kinds.
MULTIPLE_FORMS: tuple[str, ...] = ("", "increase", "ratio")
MODALITIES: tuple[str, ...] = ("reported", "target")
#: The six "battles" of the releases (DESIGN.md, Codebook).
DOMAINS: tuple[str, ...] = (
    "political_security",
    "anti_gang",
    "grassroots_governance",
    "public_safety",
    "petitions_stability",
    "serving_development",
)
#: The mention fields a correction may set, or ``exclude`` (DESIGN.md, Corrections).
CORRECTION_FIELDS: tuple[str, ...] = (
    "indicator",
    "value",
    "lower",
    "upper",
    "unit",
    "kind",
    "direction",
    "period_start",
    "period_end",
    "modality",
    "subject",
    "exclude",
)
BOOLEAN_TEXT: tuple[str, ...] = ("true", "false")

#: ``<city slug>-<published>-<first 8 hex digits of the sha256>``, e.g. ``qingdao-2020-04-08-7042e67b``.
RELEASE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


def _text(name: str, description: str, label: str, **rules) -> Column:
    return Column(name, "string", description, label, **rules)


def _number(name: str, description: str, label: str, **rules) -> Column:
    return Column(name, "number", description, label, **rules)


def _integer(name: str, description: str, label: str, **rules) -> Column:
    return Column(name, "integer", description, label, **rules)


def _date(name: str, description: str, label: str, **rules) -> Column:
    return Column(name, "date", description, label, **rules)


def _count(name: str, description: str, label: str) -> Column:
    return _integer(name, description, label, unit="characters", required=True, minimum=0)


# --- columns shared by several tables --------------------------------------------------------

_FIELDS: tuple[Column, ...] = (
    _text(
        "release_id",
        "release id, <city>-<published>-<sha256[:8]>, as in data/raw/releases.csv",
        "release id: <city>-<published>-<sha256[:8]>",
        required=True,
        category=True,
    ),
    _text(
        "file",
        "file name of the release text in data/raw/releases/",
        "file name of the release text in data/raw/releases/",
        required=True,
        category=True,
    ),
    _text(
        "doc",
        "file name of the text (basename) the mention was found in",
        "file name of the release text",
        required=True,
        category=True,
    ),
    _text(
        "city_zh",
        "city, Chinese name (e.g. 青岛市)",
        "city, Chinese name",
        required=True,
        category=True,
    ),
    _text("city_en", "city, English name", "city, English name", category=True),
    _text(
        "province",
        "province, Chinese short name (e.g. 山东)",
        "province, Chinese short name",
        category=True,
    ),
    _text(
        "admin_level",
        "administrative level of the city",
        "administrative level of the city",
        allowed=ADMIN_LEVELS,
    ),
    _date(
        "published",
        "the release's publication date",
        "publication date of the release",
        required=True,
    ),
    _date(
        "period_start",
        "first day the figure covers (as-of date for a stock); empty if unknown",
        "first day the figure covers (as-of date for a stock)",
    ),
    _date(
        "period_end",
        "last day the figure covers (as-of date for a stock); empty if unknown",
        "last day the figure covers (as-of date for a stock)",
    ),
    _integer(
        "start",
        "first character of the mention in the decoded file (BOM removed, line "
        "ends untouched; Python str index)",
        "first character of the mention in the decoded file",
        unit="characters",
        required=True,
        minimum=0,
    ),
    _integer(
        "end",
        "character after the mention (end exclusive)",
        "character after the mention (end exclusive)",
        unit="characters",
        required=True,
        minimum=0,
    ),
    _text(
        "text",
        "the mention as written: decoded[start:end], number with multiplier and unit",
        "the mention as written: decoded[start:end]",
        required=True,
    ),
    _number(
        "value",
        "the figure in base units (2.9万 → 29000, 13.5% → 13.5); for changes "
        "unsigned, see direction; for lower and upper qualifiers the stated figure",
        "the figure in base units (changes unsigned, see direction)",
        unit="see unit",
        required=True,
        minimum=0,
    ),
    _text(
        "unit",
        "measure word or symbol after scaling (个 名 人 起 件 元 % 倍 …; 万元 becomes 元)",
        "measure word or symbol after scaling (万元 becomes 元)",
        category=True,
    ),
    _text(
        "qualifier",
        "how exact the figure is: exact; lower (余 多 以上 超过 逾); upper (近 不到 "
        "不足 以内); approx (约 左右); range (300-400户)",
        "how exact the figure is: exact, lower, upper, approx or range",
        allowed=QUALIFIERS,
        required=True,
    ),
    _number(
        "lower",
        "lowest value the words allow; empty when open",
        "lowest value the words allow (empty when open)",
        unit="see unit",
    ),
    _number(
        "upper",
        "highest value the words allow; empty when open",
        "highest value the words allow (empty when open)",
        unit="see unit",
    ),
    _text(
        "kind",
        "count, amount (money), percent (a share or rate), change_pct (下降13.5%), "
        "change_pp (提高3个百分点), change_multiple (提高1.1倍), score (安全指数91.3分) "
        "or change_score (提高2.4分)",
        "count, amount, percent, change_pct/pp/multiple, score or change_score",
        allowed=MENTION_KINDS,
        required=True,
    ),
    _text(
        "direction",
        "up or down for changes; empty otherwise",
        "up or down for changes",
        allowed=DIRECTIONS[1:],
    ),
    _text(
        "modality",
        "reported (an achieved figure) or target (a plan or goal: 力争, 目标, 计划)",
        "reported (achieved) or target (plan, goal)",
        allowed=MODALITIES,
        required=True,
    ),
    _text(
        "indicator",
        "codebook indicator id; empty when none matches",
        "codebook indicator id (empty when none matches)",
        category=True,
    ),
    _text(
        "multiple_form",
        "for change_multiple: increase (提高N倍, +N×100%) or ratio (是…的N倍, "
        "+(N−1)×100%); empty for other kinds",
        "for change_multiple: increase (+N×100%) or ratio (+(N-1)×100%)",
        allowed=MULTIPLE_FORMS[1:],
    ),
    _text(
        "subject",
        "the phrase the figure measures, as written in the release (专职网格员, "
        "电信网络诈骗案件发案数, 群众安全感); filled whether or not an indicator matched",
        "the phrase the figure measures, as written",
    ),
    _text(
        "domain",
        "the indicator's domain, one of the six battles",
        "domain of the indicator (one of the six battles)",
        allowed=DOMAINS,
        required=True,
    ),
    _text(
        "sentence",
        "the sentence of the release the mention stands in",
        "the sentence of the release the mention stands in",
        required=True,
    ),
)
#: Every shared column by name; a table narrows one with :func:`dataclasses.replace`.
FIELDS: dict[str, Column] = {column.name: column for column in _FIELDS}
#: Last column of mentions, indicators and panel: true where data/raw/corrections.csv changed
#: the mention (in the panel: any source of the row).
CORRECTED = Column(
    "corrected",
    "boolean",
    "true where data/raw/corrections.csv changed the mention (panel: any of the row's sources)",
    "true where a correction of data/raw/corrections.csv changed it",
    required=True,
)


def _shared(*names: str) -> tuple[Column, ...]:
    return tuple(FIELDS[name] for name in names)


# --- the tables ------------------------------------------------------------------------------

_MENTION_FIELDS = _shared(
    "doc",
    "start",
    "end",
    "text",
    "value",
    "unit",
    "qualifier",
    "lower",
    "upper",
    "kind",
    "direction",
    "period_start",
    "period_end",
    "modality",
    "indicator",
    "multiple_form",
    "subject",
)
_RELEASE_CITY = _shared("city_zh", "city_en", "province", "admin_level", "published")

MANIFEST = Table(
    "manifest",
    "data/raw/releases.csv",
    "One row per release text of the corpus.",
    (
        replace(FIELDS["release_id"], pattern=RELEASE_ID_PATTERN, unique=True),
        replace(FIELDS["file"], pattern=r"^[^/\\]+\.txt$", unique=True),
        FIELDS["city_zh"],
        replace(FIELDS["city_en"], description="city, English name (empty if unknown)"),
        *_shared("province", "admin_level", "published"),
        replace(
            FIELDS["period_start"],
            description="first day the release's figures cover (may be empty)",
            label="first day the release's figures cover",
        ),
        replace(
            FIELDS["period_end"],
            description="last day the release's figures cover (may be empty)",
            label="last day the release's figures cover",
        ),
        _text(
            "kind",
            "what the release is: transcript, news_report, work_review, white_paper, other",
            "what the release is (transcript, news report, work review, …)",
            allowed=RELEASE_KINDS,
        ),
        _text("outlet", "who published it", "who published the release", category=True),
        _text("title", "the release's title", "title of the release"),
        _text("source_url", "where it was published", "where the release was published"),
        _text(
            "sha256",
            "sha256 of the file's bytes",
            "sha256 of the file's bytes",
            required=True,
            unique=True,
            pattern=SHA256_PATTERN,
        ),
        _text(
            "note",
            "how the metadata were read off the text",
            "how the metadata were read off the text",
        ),
    ),
    ("release_id",),
)

EXTRACT = Table(
    "extract",
    "the output of `pingan extract` (standard output or -o OUT.csv)",
    "Every quantity mention of the texts given, with its span (no manifest needed).",
    _MENTION_FIELDS,
    ("doc", "start", "end"),
)

MENTIONS = Table(
    "mentions",
    "data/processed/mentions.csv",
    "Every quantity mention of every release, with its span.",
    (FIELDS["release_id"], *_MENTION_FIELDS, CORRECTED),
    ("release_id", "start", "end"),
)

_MAPPED = replace(
    FIELDS["indicator"],
    description="codebook indicator id",
    label="codebook indicator id",
    required=True,
)
INDICATORS = Table(
    "indicators",
    "data/processed/indicators.csv",
    "Mentions mapped to a codebook indicator, with their release's city and source sentence.",
    (
        FIELDS["release_id"],
        *(_MAPPED if c.name == "indicator" else c for c in _MENTION_FIELDS),
        FIELDS["domain"],
        *_RELEASE_CITY,
        FIELDS["sentence"],
        CORRECTED,
    ),
    ("release_id", "start", "end"),
)

INDICATORS_VALID = Table(
    "indicators_valid",
    "data/processed/indicators_valid.csv",
    "Indicator rows that passed validation (the panel's input); targets kept and marked.",
    (
        *INDICATORS.columns,
        Column(
            "is_target",
            "boolean",
            "true for a target (plan, goal) kept and marked; the panel takes reported rows only",
            "true for a target (plan, goal); the panel takes reported rows only",
            required=True,
        ),
    ),
    ("release_id", "start", "end"),
)

VALIDATION_FAILURES = Table(
    "validation_failures",
    "data/processed/validation_failures.csv",
    "One row per failed check of a row.",
    (
        _text(
            "table",
            "the table checked (manifest, mentions, indicators)",
            "the table checked (manifest, mentions, indicators)",
            required=True,
            category=True,
        ),
        replace(
            FIELDS["release_id"],
            description="the release of the failing row",
            label="the release of the failing row",
            required=False,
        ),
        _integer(
            "row",
            "position of the failing row in its table (0 = first data row)",
            "position of the failing row in its table (0 = first data row)",
            required=True,
            minimum=0,
        ),
        _text(
            "column",
            "the column the failed check judges",
            "the column the failed check judges",
            required=True,
            category=True,
        ),
        _text(
            "check",
            "the name of the failed check (its description: the validation report)",
            "the name of the failed check",
            required=True,
            category=True,
        ),
        _text("value", "the failing value as written", "the failing value as written"),
        replace(
            FIELDS["sentence"],
            description="the sentence the failing mention stands in, where it has one",
            label="the sentence the failing mention stands in",
            required=False,
        ),
    ),
    ("table", "row", "column", "check"),
)

CORPUS = Table(
    "corpus",
    "data/processed/corpus.csv",
    "Releases ingested: sizes, what ingestion dropped, mentions found.",
    (
        *_shared("release_id", "file", "city_zh", "city_en", "published"),
        MANIFEST.column("kind"),
        _count("chars", "characters of the decoded text", "characters of the decoded text"),
        _count(
            "kept_chars",
            "characters kept after dropping repeats and boilerplate",
            "characters kept after dropping repeats and boilerplate",
        ),
        _count(
            "repeat_chars",
            "characters dropped as a repeated copy of earlier text",
            "characters dropped as a repeated copy of earlier text",
        ),
        _count(
            "boilerplate_chars",
            "characters dropped as page boilerplate",
            "characters dropped as page boilerplate",
        ),
        replace(_count("paragraphs", "paragraphs kept", "paragraphs kept"), unit="paragraphs"),
        replace(
            _count(
                "dropped_blocks",
                "blocks dropped (see dropped_blocks.csv)",
                "blocks dropped (see dropped_blocks.csv)",
            ),
            unit="blocks",
        ),
        replace(
            _count("mentions", "quantity mentions extracted", "quantity mentions extracted"),
            unit="mentions",
        ),
        replace(
            _count(
                "indicator_mentions",
                "mentions mapped to an indicator",
                "mentions mapped to an indicator",
            ),
            unit="mentions",
        ),
    ),
    ("release_id",),
)

DROPPED_BLOCKS = Table(
    "dropped_blocks",
    "data/processed/dropped_blocks.csv",
    "Blocks dropped by ingestion, with the reason.",
    (
        FIELDS["release_id"],
        replace(
            FIELDS["start"],
            description="first character of the dropped block in the decoded file",
            label="first character of the dropped block in the decoded file",
        ),
        replace(
            FIELDS["end"],
            description="character after the dropped block",
            label="character after the dropped block",
        ),
        _text(
            "reason",
            "why the block was dropped (repeat, boilerplate, …)",
            "why the block was dropped (repeat, boilerplate, …)",
            required=True,
            category=True,
        ),
        _text(
            "preview",
            "the first characters of the dropped block",
            "the first characters of the dropped block",
        ),
    ),
    ("release_id", "start"),
)

PANEL = Table(
    "panel",
    "data/processed/panel.csv",
    "One row per city × period × indicator × kind of reported figures, and the derived rows.",
    (
        *_shared("city_zh", "city_en", "province", "admin_level", "period_start", "period_end"),
        replace(
            FIELDS["indicator"],
            description="codebook id, or a derived id (see the datapackage's indicators)",
            label="codebook id or derived id",
            required=True,
        ),
        replace(
            FIELDS["kind"],
            description="count, amount, percent, change_pct, change_pp, "
            "score or change_score (multiples become change_pct)",
            label="count, amount, percent, change_pct, change_pp, score or change_score",
            allowed=PANEL_KINDS,
        ),
        _number(
            "value",
            "the figure the most precise source states; changes signed (a decline "
            "is negative); derived rows computed",
            "the figure (changes signed: a decline is negative)",
            unit="see unit",
            required=True,
        ),
        _number(
            "lower",
            "lowest value all sources allow (intersection; hull if conflict); empty when open",
            "lowest value all sources allow (empty when open)",
            unit="see unit",
        ),
        _number(
            "upper",
            "highest value all sources allow (intersection; hull if conflict); empty when open",
            "highest value all sources allow (empty when open)",
            unit="see unit",
        ),
        replace(
            FIELDS["unit"],
            description="unit of value (% for changes and shares; per 10k residents for rates)",
            label="unit of value (% for changes and shares)",
        ),
        _integer(
            "n_sources",
            "releases merged into the row (a derived row: its inputs' releases)",
            "releases merged into the row",
            unit="releases",
            required=True,
            minimum=0,
        ),
        _text("release_ids", "the releases merged, ;-joined", "the releases merged (;-joined)"),
        Column(
            "conflict",
            "boolean",
            "true when the sources' intervals do not overlap",
            "true when the sources' intervals do not overlap",
            required=True,
        ),
        _text(
            "reference",
            "reference rows a derived value divided by "
            "(population.csv:city:measure:as_of); empty for reported rows",
            "reference rows a derived value divided by (empty for reported rows)",
        ),
        replace(
            FIELDS["domain"],
            description="domain of the indicator (of its source indicator for derived rows)",
        ),
        _text(
            "measure",
            "what a crime or derived row counts: crime measure or formula",
            "what a crime or derived row counts: crime measure or formula",
        ),
        _text(
            "note",
            "caveats of a derived value: population baseline, annualisation",
            "caveats of a derived value: population baseline, annualisation",
        ),
        _text(
            "sources",
            "the source rows merged, release_id:start-end (character offsets), "
            ";-joined: each number leads back to its exact characters; at most 10, "
            "then '+N more (panel_sources.csv)', which lists every one",
            "source mentions merged: release_id:start-end, ;-joined (at most 10)",
            required=True,
        ),
        CORRECTED,
    ),
    ("city_zh", "period_start", "period_end", "indicator", "kind"),
)

REFERENCE = Table(
    "reference",
    "data/raw/reference/population.csv",
    "Sourced facts (resident population, land area) per city, that rates divide by.",
    (
        *_shared("city_zh"),
        replace(FIELDS["city_en"], required=True),
        replace(FIELDS["province"], required=True),
        replace(FIELDS["admin_level"], required=True),
        _text(
            "measure",
            "what is measured: resident_population_census, "
            "resident_population_year_end, land_area_km2",
            "what is measured (census or year-end population, land area)",
            required=True,
            category=True,
        ),
        _date(
            "as_of",
            "date the figure holds for (empty for areas)",
            "date the figure holds for (empty for areas)",
        ),
        _number(
            "value",
            "the figure in its unit",
            "the figure in its unit",
            unit="see unit",
            required=True,
            above=0,
        ),
        replace(
            FIELDS["unit"],
            description="unit of value (persons, km²)",
            label="unit of value (persons, km²)",
            required=True,
        ),
        _text(
            "source_kind",
            "kind of source (census bulletin, statistical yearbook, …)",
            "kind of source (census bulletin, statistical yearbook, …)",
            category=True,
        ),
        _text("source_title", "title of the source", "title of the source"),
        _text("source_url", "where the source is published", "where the source is published"),
        _text("quote", "the source's words for the figure", "the source's words for the figure"),
        _text(
            "note",
            "caveats: other figures for the same fact, revisions",
            "caveats: other figures for the same fact, revisions",
        ),
    ),
    ("city_zh", "measure", "as_of"),
)

#: The researcher's fixes to mentions, applied on every run (DESIGN.md, "Corrections").
CORRECTIONS = Table(
    "corrections",
    "data/raw/corrections.csv",
    "A researcher's fixes to mentions, kept with the raw data and applied on every run, after "
    "extraction and before validation.",
    (
        FIELDS["release_id"],
        replace(
            FIELDS["start"],
            description="first character of the corrected mention (as in mentions)",
            label="first character of the corrected mention",
        ),
        replace(
            FIELDS["end"],
            description="character after the corrected mention (as in mentions)",
            label="character after the corrected mention",
        ),
        _text(
            "field",
            "the mention field set, or exclude to drop the mention",
            "the mention field set, or exclude to drop the mention",
            allowed=CORRECTION_FIELDS,
            required=True,
        ),
        _text(
            "value",
            "the new value, as the mentions table writes it; empty for exclude",
            "the new value (empty for exclude)",
        ),
        _text(
            "reason", "why the mention is corrected", "why the mention is corrected", required=True
        ),
        _text("author", "who made the correction", "who made the correction", required=True),
        _date(
            "date",
            "when the correction was made",
            "when the correction was made (YYYY-MM-DD)",
            required=True,
        ),
        _text(
            "text",
            "the mention's characters when it was corrected (optional): a release "
            "whose text changed there is noticed",
            "the mention's text when corrected",
        ),
    ),
    ("release_id", "start", "end", "field"),
)

CORRECTIONS_REPORT = Table(
    "corrections_report",
    "data/processed/corrections_report.csv",
    "Every correction of data/raw/corrections.csv and whether the corpus step applied it.",
    (
        _integer(
            "line",
            "the correction's line in data/raw/corrections.csv (1 = header)",
            "line in data/raw/corrections.csv",
            required=True,
            minimum=2,
        ),
        replace(FIELDS["release_id"], category=True),
        _integer(
            "start",
            "first character of the corrected mention",
            "first character of the corrected mention",
            required=True,
            minimum=0,
        ),
        _integer(
            "end",
            "character after the corrected mention",
            "character after the corrected mention",
            required=True,
            minimum=0,
        ),
        _text(
            "field",
            "the mention field set, or exclude",
            "the mention field set, or exclude",
            allowed=CORRECTION_FIELDS,
            required=True,
        ),
        _text("value", "the new value; empty for exclude", "the new value (empty for exclude)"),
        _text(
            "status",
            "applied, or unmatched (no mention has this span any more)",
            "applied or unmatched",
            allowed=("applied", "unmatched"),
            required=True,
        ),
        _text(
            "detail",
            "what changed, for an unmatched correction: the text there now",
            "what changed (unmatched corrections)",
        ),
    ),
    ("line",),
)

PANEL_SOURCES = Table(
    "panel_sources",
    "data/processed/panel_sources.csv",
    "Every source mention of every panel row: the full list behind the bounded sources cell.",
    (
        *(PANEL.column(name) for name in PANEL.primary_key),
        replace(
            FIELDS["release_id"],
            description="the release the source mention is in",
            label="the release the source mention is in",
        ),
        replace(
            FIELDS["start"],
            description="first character of the source mention in the decoded release",
            label="first character of the source mention",
        ),
        replace(
            FIELDS["end"],
            description="character after the source mention (end exclusive)",
            label="character after the source mention",
        ),
        replace(
            FIELDS["text"],
            description="the source mention's characters, decoded[start:end]",
            label="the source mention's characters",
        ),
    ),
    (*PANEL.primary_key, "release_id", "start", "end"),
)

#: Every table, by name, in the order data flows.
TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        MANIFEST,
        REFERENCE,
        CORRECTIONS,
        EXTRACT,
        MENTIONS,
        INDICATORS,
        CORPUS,
        DROPPED_BLOCKS,
        CORRECTIONS_REPORT,
        VALIDATION_FAILURES,
        INDICATORS_VALID,
        PANEL,
        PANEL_SOURCES,
    )
}

# --- the column tuples writers use (derived) -------------------------------------------------

#: ``data/raw/releases.csv``.
MANIFEST_COLUMNS: tuple[str, ...] = MANIFEST.names
#: ``pingan extract`` output, in this order (DESIGN.md, table "mentions").
MENTION_COLUMNS: tuple[str, ...] = EXTRACT.names
#: ``data/processed/mentions.csv``: the release id first, then the extract columns.
MENTIONS_TABLE_COLUMNS: tuple[str, ...] = MENTIONS.names
#: ``data/processed/indicators.csv``.
INDICATORS_TABLE_COLUMNS: tuple[str, ...] = INDICATORS.names
#: ``data/processed/indicators_valid.csv``: the indicators table's, then ``is_target``.
VALID_INDICATORS_COLUMNS: tuple[str, ...] = INDICATORS_VALID.names
#: ``data/processed/panel.csv``: the DESIGN.md columns, up to ``reference`` ...
PANEL_COLUMNS: tuple[str, ...] = PANEL.names[: PANEL.names.index("reference") + 1]
#: ... then the panel's provenance and caveats (domain, measure, note, sources).
PANEL_TABLE_COLUMNS: tuple[str, ...] = PANEL.names
#: ``data/processed/panel_sources.csv``: the panel's key, then each source mention.
PANEL_SOURCES_COLUMNS: tuple[str, ...] = PANEL_SOURCES.names
#: ``data/processed/validation_failures.csv``.
FAILURE_COLUMNS: tuple[str, ...] = VALIDATION_FAILURES.names
#: The release's columns an indicator row carries, copied from its manifest row.
RELEASE_CITY_COLUMNS: tuple[str, ...] = tuple(column.name for column in _RELEASE_CITY)
CORPUS_COLUMNS: tuple[str, ...] = CORPUS.names
DROPPED_COLUMNS: tuple[str, ...] = DROPPED_BLOCKS.names
REFERENCE_COLUMNS: tuple[str, ...] = REFERENCE.names
CORRECTION_COLUMNS: tuple[str, ...] = CORRECTIONS.names
CORRECTION_REPORT_COLUMNS: tuple[str, ...] = CORRECTIONS_REPORT.names
