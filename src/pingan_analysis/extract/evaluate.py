"""Extraction measured against the hand-checked annotation (``data/annotations/<release_id>.csv``).

A predicted mention matches a gold one when release, start and end agree exactly. Over the
matches, each field is scored for agreement (numbers within 1e-9 relative, empty = empty).
"""
from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.mention import Mention

#: The fields compared over matched pairs, in report order.
FIELDS: tuple[str, ...] = (
    "value", "unit", "qualifier", "lower", "upper", "kind", "direction", "period_start",
    "period_end", "modality", "indicator",
)
NUMERIC_FIELDS = frozenset(("value", "lower", "upper"))
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


@dataclass
class Counts:
    """Match counts and per-field agreement of one release (or of all)."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def accuracy(self, name: str) -> float:
        return self.agree[name] / self.matched if self.matched else 0.0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        for name in FIELDS:
            self.agree[name] += other.agree[name]

    def as_dict(self) -> dict[str, object]:
        return {
            "gold": self.gold, "predicted": self.predicted, "matched": self.matched,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "field_accuracy": {name: self.accuracy(name) for name in FIELDS},
        }


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

    releases: dict[str, Counts] = field(default_factory=dict)
    missed: list[Row] = field(default_factory=list)
    spurious: list[Row] = field(default_factory=list)
    field_errors: list[FieldError] = field(default_factory=list)

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
        lines = [f"{'release':36} {'gold':>5} {'pred':>5} {'match':>5} {'prec':>6} {'recall':>6} {'F1':>6}"]
        for release_id, counts in [*sorted(self.releases.items()), ("ALL", self.total)]:
            lines.append(f"{release_id:36} {counts.gold:5d} {counts.predicted:5d} {counts.matched:5d} "
                         f"{counts.precision:6.3f} {counts.recall:6.3f} {counts.f1:6.3f}")
        lines += ["", f"field accuracy over {self.total.matched} matched mentions:"]
        lines += [f"  {name:13} {self.total.accuracy(name):6.3f}" for name in FIELDS]
        return "\n".join(lines)

    def details(self) -> str:
        """Every miss, false positive and field disagreement, one per line, for debugging."""
        lines = [f"MISS  {r.release_id} {r.start}-{r.end} {r.text}" for r in self.missed]
        lines += [f"FALSE {r.release_id} {r.start}-{r.end} {r.text}" for r in self.spurious]
        lines += [f"FIELD {e.row.release_id} {e.row.start}-{e.row.end} {e.row.text} {e.name}: "
                  f"gold {e.gold!r} predicted {e.predicted!r}" for e in self.field_errors]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({
            "overall": self.total.as_dict(),
            "releases": {rid: counts.as_dict() for rid, counts in sorted(self.releases.items())},
            "misses": len(self.missed), "false_positives": len(self.spurious),
        }, ensure_ascii=False)


def evaluate(paths: ProjectPaths) -> EvaluationReport:
    """Extract every release that has a gold file and compare the two."""
    from pingan_analysis.corpus.codebook import load_codebook
    from pingan_analysis.extract.document import ReleaseContext, extract_file
    from pingan_analysis.corpus.manifest import read_manifest

    codebook = load_codebook(paths.codebook)
    report = EvaluationReport()
    manifest = {row["release_id"]: row for row in read_manifest(paths.manifest).to_dict("records")}
    for gold_path in sorted(paths.annotations_dir.glob("*.csv")):
        release_id = gold_path.stem
        if release_id not in manifest:
            raise DataError(f"the gold file names release {release_id}, which the manifest lacks",
                            where=str(gold_path), fix="name gold files <release_id>.csv")
        row = manifest[release_id]
        mentions = extract_file(paths.releases_dir / row["file"],
                                ReleaseContext.from_manifest_row(row), codebook)
        predicted = [_predicted_row(release_id, mention) for mention, _ in mentions]
        compare_release(report, release_id, read_gold(gold_path), predicted)
    return report


def compare_release(report: EvaluationReport, release_id: str, gold: Sequence[Row],
                    predicted: Sequence[Row]) -> None:
    """Add one release's comparison to ``report``."""
    counts = Counts(gold=len(gold), predicted=len(predicted))
    by_span = {(r.start, r.end): r for r in predicted}
    gold_spans = {(r.start, r.end) for r in gold}
    for gold_row in gold:
        guess = by_span.get((gold_row.start, gold_row.end))
        if guess is None:
            report.missed.append(gold_row)
            continue
        counts.matched += 1
        for name in FIELDS:
            if same_value(name, gold_row.fields[name], guess.fields[name]):
                counts.agree[name] += 1
            else:
                report.field_errors.append(
                    FieldError(gold_row, name, gold_row.fields[name], guess.fields[name]))
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
            raise DataError(f"the gold file lacks the column(s) {', '.join(missing)}",
                            where=f"{path}, line 1", fix="use the columns of data/annotations/README.md")
        return [_gold_row(path, reader.line_num, row) for row in reader]


def _gold_row(path: Path, line: int, row: dict[str, str]) -> Row:
    try:
        start, end = int(row["start"]), int(row["end"])
    except (TypeError, ValueError) as error:
        raise DataError(f"start/end {row.get('start')!r}/{row.get('end')!r} are not integers",
                        where=f"{path}, line {line}", fix="write character offsets") from error
    return Row(path.stem, start, end, row["text"], {name: row[name] or "" for name in FIELDS})


def _predicted_row(release_id: str, mention: Mention) -> Row:
    fields = {name: _text(getattr(mention, name)) for name in FIELDS}
    return Row(release_id, mention.start, mention.end, mention.text, fields)


def _text(value: object) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)
