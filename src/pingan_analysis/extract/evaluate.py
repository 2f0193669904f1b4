"""Extraction measured against hand-checked annotation, on every set kept apart.

- ``seeds``: the project's own releases (``data/raw/releases.csv``) with gold files
  ``data/annotations/<release_id>.csv``. The codebook and grammar were developed on them:
  these figures are in-sample.
- every folder ``data/annotations/<set>/`` holding ``releases.csv`` (manifest), ``releases/<file>``
  (texts) and ``gold/<release_id>.csv``: a set written in other provinces' and outlets' styles
  and annotated before the mapper ran on it. :data:`SET_STATUS` says how far each known set is
  still out-of-sample: ``unseen`` was out-of-sample at its first measurement and has been the
  development set of the mapper since; ``heldout`` is out-of-sample (nobody tunes on it). A set
  not listed there is reported as out-of-sample.

A predicted mention matches a gold one when release, start and end agree exactly. Over the
matches, each field is scored for agreement (numbers within 1e-9 relative, empty = empty);
"number fields" agree when value, unit, qualifier, lower, upper, kind and direction all do.
Indicator coverage is the share of gold figures whose predicted mention has an indicator.
Core-id precision and recall count only the 26 core ids (``data/core_indicators.csv``): of the
matched figures given a core id, how many carry the gold one; of the gold figures with a core
id, how many get it (a missed span is not recalled).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.mention import Mention
from pingan_analysis.registry import MENTION_COLUMNS

#: The fields compared over matched pairs, in report order: the mention's, from its value to
#: its indicator (the gold files' columns).
FIELDS: tuple[str, ...] = MENTION_COLUMNS[
    MENTION_COLUMNS.index("value") : MENTION_COLUMNS.index("indicator") + 1
]
NUMERIC_FIELDS = frozenset(("value", "lower", "upper"))
#: The fields that make a figure's number: all must agree for "number fields" to.
NUMBER_FIELDS: tuple[str, ...] = FIELDS[: FIELDS.index("direction") + 1]
#: The folder of the annotated sets under the project root (seed gold files stand in it, each
#: other set is a subfolder: releases.csv, releases/<file>, gold/<release_id>.csv).
ANNOTATIONS_DIR = Path("data") / "annotations"
#: The first out-of-sample set, now the development set (see :data:`SET_STATUS`).
UNSEEN_DIR = ANNOTATIONS_DIR / "unseen"
SEEDS = "seeds"
IN_SAMPLE = "in-sample: the codebook and grammar were developed on them"
OUT_OF_SAMPLE = "out-of-sample: annotated before the mapper ran on it; nobody tunes on it"
#: How each known set stands, as its report's label says it. A set whose errors have been
#: studied to improve the mapper is a development set from then on: record its first
#: measurement in the README's evaluation section and change its entry here.
SET_STATUS: dict[str, str] = {
    SEEDS: IN_SAMPLE,
    "unseen": (
        "development set: out-of-sample at its first measurement (2026-12-01, in the "
        "README); the mapper has been tuned on its errors since"
    ),
    "heldout": (
        "development set: out-of-sample at its first measurement (2026-12-01, in the "
        "README); the mapper has been tuned on its errors since"
    ),
    "tuning": "development set: written to tune the mapper on, never out-of-sample",
    "blind4": OUT_OF_SAMPLE,
    "blind3": (
        "development set: out-of-sample at its first measurement (2026-12-01, in the "
        "README); the mapper has been tuned on its errors since"
    ),
    "blind2": (
        "development set: out-of-sample at its first measurement (2026-12-01, in the "
        "README); the mapper has been tuned on its errors since"
    ),
    "blind": (
        "development set: out-of-sample at its first measurement (2026-12-01, in the "
        "README); the mapper has been tuned on its errors since"
    ),
}
RELATIVE_TOLERANCE = 1e-9
_GOLD_KEY_COLUMNS = ("start", "end", "text", *FIELDS)


@dataclass(frozen=True)
class Row:
    """One mention, gold or predicted, as text fields keyed by name."""

    release_id: str
    start: int
    end: int
    text: str
    fields: dict[str, str]


def _ratio(part: float, whole: float) -> float:
    """``part / whole``, 0.0 for an empty whole (a set with nothing to count)."""
    return part / whole if whole else 0.0


@dataclass
class Counts:
    """Match counts and per-field agreement of one release (or of all)."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    #: Matched pairs agreeing on every number field.
    numbers_agree: int = 0
    #: Gold figures whose predicted mention has an indicator (of any id).
    covered: int = 0
    #: Matched figures predicted with a core id, and of those, with the gold id.
    core_predicted: int = 0
    core_correct: int = 0
    #: Gold figures with a core id, and of those, predicted with it.
    core_gold: int = 0
    core_recalled: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return _ratio(2 * self.precision * self.recall, total)

    def accuracy(self, name: str) -> float:
        return _ratio(self.agree[name], self.matched)

    @property
    def number_accuracy(self) -> float:
        return _ratio(self.numbers_agree, self.matched)

    @property
    def coverage(self) -> float:
        return _ratio(self.covered, self.gold)

    @property
    def core_precision(self) -> float:
        return _ratio(self.core_correct, self.core_predicted)

    @property
    def core_recall(self) -> float:
        return _ratio(self.core_recalled, self.core_gold)

    def add(self, other: Counts) -> None:
        for name in _COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in FIELDS:
            self.agree[name] += other.agree[name]

    def as_dict(self) -> dict[str, object]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "field_accuracy": {name: self.accuracy(name) for name in FIELDS},
            "number_fields_accuracy": self.number_accuracy,
            "indicator_coverage": self.coverage,
            "core_precision": self.core_precision,
            "core_recall": self.core_recall,
            "core_predicted": self.core_predicted,
            "core_gold": self.core_gold,
        }


#: The counters of :class:`Counts` (every field but the per-field ``agree``).
_COUNT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Counts) if f.name != "agree")


@dataclass(frozen=True)
class FieldError:
    """A matched pair that disagrees on one field."""

    row: Row
    name: str
    gold: str
    predicted: str


@dataclass
class EvaluationReport:
    """The comparison of extraction with every gold file of a project."""

    name: str = "seeds"
    releases: dict[str, Counts] = field(default_factory=dict)
    missed: list[Row] = field(default_factory=list)
    spurious: list[Row] = field(default_factory=list)
    field_errors: list[FieldError] = field(default_factory=list)
    #: Matched figures predicted with an id outside the core, as (gold row, predicted id):
    #: the sample a person judges by hand for the non-core precision.
    non_core: list[tuple[Row, str]] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        total = Counts()
        for counts in self.releases.values():
            total.add(counts)
        return total

    def misses(self) -> list[Row]:
        """Gold mentions with no predicted mention of the same span."""
        return list(self.missed)

    def false_positives(self) -> list[Row]:
        """Predicted mentions with no gold mention of the same span."""
        return list(self.spurious)

    def format(self) -> str:
        """A readable table: precision, recall and F1 per release and overall, then field accuracy."""
        lines = [
            f"{'release':36} {'gold':>5} {'pred':>5} {'match':>5} {'prec':>6} {'recall':>6} {'F1':>6}"
        ]
        for release_id, counts in [*sorted(self.releases.items()), ("ALL", self.total)]:
            lines.append(
                f"{release_id:36} {counts.gold:5d} {counts.predicted:5d} {counts.matched:5d} "
                f"{counts.precision:6.3f} {counts.recall:6.3f} {counts.f1:6.3f}"
            )
        total = self.total
        lines += ["", f"field accuracy over {total.matched} matched mentions:"]
        lines += [f"  {name:13} {total.accuracy(name):6.3f}" for name in FIELDS]
        lines += [
            f"  {'number fields':13} {total.number_accuracy:6.3f}  (value to direction, all agreeing)",
            "",
            f"indicator coverage  {total.coverage:6.3f}  ({total.covered} of {total.gold} gold "
            "figures get an indicator)",
            f"core-id precision   {total.core_precision:6.3f}  ({total.core_correct} of "
            f"{total.core_predicted} core ids given are the gold id)",
            f"core-id recall      {total.core_recall:6.3f}  ({total.core_recalled} of "
            f"{total.core_gold} gold core ids found)",
            f"non-core ids given  {len(self.non_core)}  (judge a sample by hand: "
            "pingan evaluate --sample N)",
        ]
        return "\n".join(lines)

    def sample_non_core(self, size: int, seed: int = 0) -> list[tuple[Row, str]]:
        """A reproducible random sample of the matched figures given a non-core id."""
        import random

        pool = sorted(self.non_core, key=lambda item: (item[0].release_id, item[0].start))
        return random.Random(seed).sample(pool, min(size, len(pool)))

    def details(self) -> str:
        """Every miss, false positive and field disagreement, one per line, for debugging."""
        lines = [f"MISS  {r.release_id} {r.start}-{r.end} {r.text}" for r in self.missed]
        lines += [f"FALSE {r.release_id} {r.start}-{r.end} {r.text}" for r in self.spurious]
        lines += [
            f"FIELD {e.row.release_id} {e.row.start}-{e.row.end} {e.row.text} {e.name}: "
            f"gold {e.gold!r} predicted {e.predicted!r}"
            for e in self.field_errors
        ]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "set": self.name,
                "overall": self.total.as_dict(),
                "releases": {
                    rid: counts.as_dict() for rid, counts in sorted(self.releases.items())
                },
                "misses": len(self.missed),
                "false_positives": len(self.spurious),
            },
            ensure_ascii=False,
        )


def evaluate(paths: ProjectPaths) -> EvaluationReport:
    """Extract every seed release that has a gold file and compare the two (in-sample)."""
    return evaluate_set(
        "seeds",
        paths.manifest,
        paths.releases_dir,
        sorted(paths.annotations_dir.glob("*.csv")),
        paths,
    )


def set_names(paths: ProjectPaths) -> list[str]:
    """The annotated sets of a project: ``seeds``, then every folder of the annotations folder
    holding a ``releases.csv``, by name."""
    root = paths.root / ANNOTATIONS_DIR
    found = (
        sorted(d.name for d in root.iterdir() if (d / "releases.csv").is_file())
        if root.is_dir()
        else []
    )
    return [SEEDS, *found]


def set_label(name: str) -> str:
    """The set's name with how far it is out-of-sample (:data:`SET_STATUS`)."""
    return f"{name} ({SET_STATUS.get(name, OUT_OF_SAMPLE)})"


def evaluate_named(paths: ProjectPaths, name: str) -> EvaluationReport:
    """One set by name: the seeds, or the folder ``data/annotations/<name>/``."""
    if name == SEEDS:
        return evaluate(paths)
    root = paths.root / ANNOTATIONS_DIR / name
    manifest = root / "releases.csv"
    if not manifest.is_file():
        raise DataError(
            f"there is no annotated set {name!r}",
            where=str(manifest),
            fix=f"name one of {', '.join(set_names(paths))}",
        )
    return evaluate_set(
        name, manifest, root / "releases", sorted((root / "gold").glob("*.csv")), paths
    )


def evaluate_all(paths: ProjectPaths) -> list[EvaluationReport]:
    """Every annotated set of the project, each reported apart (:func:`set_names`)."""
    return [evaluate_named(paths, name) for name in set_names(paths)]


def evaluate_set(
    name: str,
    manifest_path: Path,
    releases_dir: Path,
    gold_paths: Sequence[Path],
    paths: ProjectPaths,
) -> EvaluationReport:
    """Extract the releases of ``manifest_path`` that have a gold file and compare the two."""
    from pingan_analysis.corpus.codebook import core_ids, load_codebook
    from pingan_analysis.corpus.manifest import read_manifest
    from pingan_analysis.extract.document import ReleaseContext, extract_file

    codebook = load_codebook(paths.codebook)
    report = EvaluationReport(name)
    core = core_ids()
    manifest = {row["release_id"]: row for row in read_manifest(manifest_path).to_dict("records")}
    for gold_path in gold_paths:
        release_id = gold_path.stem
        if release_id not in manifest:
            raise DataError(
                f"the gold file names release {release_id}, which the manifest lacks",
                where=str(gold_path),
                fix=f"name gold files <release_id>.csv after the release ids of {manifest_path}",
            )
        row = manifest[release_id]
        mentions = extract_file(
            releases_dir / row["file"], ReleaseContext.from_manifest_row(row), codebook
        )
        predicted = [_predicted_row(release_id, mention) for mention, _ in mentions]
        compare_release(report, release_id, read_gold(gold_path), predicted, core)
    return report


def compare_release(
    report: EvaluationReport,
    release_id: str,
    gold: Sequence[Row],
    predicted: Sequence[Row],
    core: frozenset[str] = frozenset(),
) -> None:
    """Add one release's comparison to ``report`` (``core``: the core ids)."""
    counts = Counts(gold=len(gold), predicted=len(predicted))
    by_span = {(r.start, r.end): r for r in predicted}
    gold_spans = {(r.start, r.end) for r in gold}
    for gold_row in gold:
        gold_id = gold_row.fields["indicator"].strip()
        counts.core_gold += gold_id in core
        guess = by_span.get((gold_row.start, gold_row.end))
        if guess is None:
            report.missed.append(gold_row)
            continue
        counts.matched += 1
        given = guess.fields["indicator"].strip()
        counts.covered += bool(given)
        counts.core_predicted += given in core
        counts.core_correct += given in core and given == gold_id
        counts.core_recalled += gold_id in core and given == gold_id
        if given and given not in core:
            report.non_core.append((gold_row, given))
        counts.numbers_agree += all(
            same_value(name, gold_row.fields[name], guess.fields[name]) for name in NUMBER_FIELDS
        )
        for name in FIELDS:
            if same_value(name, gold_row.fields[name], guess.fields[name]):
                counts.agree[name] += 1
            else:
                report.field_errors.append(
                    FieldError(gold_row, name, gold_row.fields[name], guess.fields[name])
                )
    report.spurious.extend(r for r in predicted if (r.start, r.end) not in gold_spans)
    report.releases[release_id] = counts


def same_value(name: str, gold: str, predicted: str) -> bool:
    """Fields agree: numbers within a relative 1e-9, text exactly; empty only equals empty."""
    if name not in NUMERIC_FIELDS or not gold or not predicted:
        return gold.strip() == predicted.strip()
    try:
        return math.isclose(float(gold), float(predicted), rel_tol=RELATIVE_TOLERANCE)
    except ValueError:
        return False


def read_gold(path: Path) -> list[Row]:
    """A gold annotation file as rows (DataError naming file and line when malformed)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _GOLD_KEY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(
                f"the gold file lacks the column(s) {', '.join(missing)}",
                where=f"{path}, line 1",
                fix="use the columns of data/annotations/README.md",
            )
        return [_gold_row(path, reader.line_num, row) for row in reader]


def _gold_row(path: Path, line: int, row: dict[str, str]) -> Row:
    try:
        start, end = int(row["start"]), int(row["end"])
    except (TypeError, ValueError) as error:
        raise DataError(
            f"start/end {row.get('start')!r}/{row.get('end')!r} are not integers",
            where=f"{path}, line {line}",
            fix="write character offsets",
        ) from error
    return Row(path.stem, start, end, row["text"], {name: row[name] or "" for name in FIELDS})


def format_sample(sample: Sequence[tuple[Row, str]]) -> str:
    """The sampled figures with their predicted id, one per line, for judging by hand."""
    return "\n".join(
        f"{row.release_id} {row.start}-{row.end} {row.text} -> {given}" for row, given in sample
    )


def _predicted_row(release_id: str, mention: Mention) -> Row:
    fields = {name: _text(getattr(mention, name)) for name in FIELDS}
    return Row(release_id, mention.start, mention.end, mention.text, fields)


def _text(value: object) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)
