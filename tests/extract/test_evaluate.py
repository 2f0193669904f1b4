"""evaluate.py on a tiny synthetic project with a gold file written here."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.evaluate import (
    ANNOTATIONS_DIR,
    FIELDS,
    evaluate,
    evaluate_all,
    evaluate_named,
    same_value,
    set_label,
    set_names,
)
from pingan_analysis.registry import MANIFEST_COLUMNS

TEXT = "2019年,全市共划分网格4860个,刑事警情同比下降12.5%。全市破获刑事案件3500余起。\n"
SHA256 = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
RELEASE_ID = f"city-2020-01-01-{SHA256[:8]}"
GOLD_COLUMNS = ("release_id", "start", "end", "text", *FIELDS, "note")


def _gold(text: str, figure: str, **fields: str) -> dict[str, str]:
    start = text.index(figure)
    row = dict.fromkeys(GOLD_COLUMNS, "")
    row.update(
        release_id=RELEASE_ID, start=str(start), end=str(start + len(figure)), text=figure, **fields
    )
    return row


@pytest.fixture
def tiny_project(tmp_path: Path) -> ProjectPaths:
    paths = ProjectPaths(tmp_path)
    paths.releases_dir.mkdir(parents=True)
    paths.annotations_dir.mkdir(parents=True)
    (paths.releases_dir / f"{RELEASE_ID}.txt").write_text(TEXT, encoding="utf-8")
    manifest = dict.fromkeys(MANIFEST_COLUMNS, "")
    manifest.update(
        release_id=RELEASE_ID,
        file=f"{RELEASE_ID}.txt",
        city_zh="某市",
        city_en="City",
        published="2020-01-01",
        period_start="2019-01-01",
        period_end="2019-12-31",
        sha256=SHA256,
    )
    with paths.manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(manifest)
    rows = [
        _gold(
            TEXT,
            "4860个",
            value="4860",
            unit="个",
            qualifier="exact",
            lower="4860",
            upper="4860",
            kind="count",
            period_start="2019-12-31",
            period_end="2019-12-31",
            modality="reported",
            indicator="grid_cells",
        ),
        # right span, wrong indicator on purpose: one field disagreement
        _gold(
            TEXT,
            "12.5%",
            value="12.5",
            unit="%",
            qualifier="exact",
            lower="12.5",
            upper="12.5",
            kind="change_pct",
            direction="down",
            period_start="2019-01-01",
            period_end="2019-12-31",
            modality="reported",
            indicator="criminal_cases_filed",
        ),
        # a span the extractor does not produce: a miss
        _gold(TEXT, "2019年", value="2019", unit="年", qualifier="exact", kind="count"),
    ]
    with (paths.annotations_dir / f"{RELEASE_ID}.csv").open("w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, GOLD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return paths


def test_precision_recall_and_fields(tiny_project: ProjectPaths) -> None:
    report = evaluate(tiny_project)
    total = report.total
    assert (total.gold, total.predicted, total.matched) == (3, 3, 2)
    assert total.precision == pytest.approx(2 / 3) and total.recall == pytest.approx(2 / 3)
    assert total.f1 == pytest.approx(2 / 3)
    assert total.accuracy("value") == 1.0 and total.accuracy("indicator") == 0.5
    assert [r.text for r in report.misses()] == ["2019年"]
    assert [r.text for r in report.false_positives()] == ["3500余起"]
    assert "ALL" in report.format() and "indicator" in report.format()
    assert "criminal_police_incidents" in report.details()
    assert json.loads(report.to_json())["overall"]["matched"] == 2


def test_a_gold_file_for_an_unknown_release_is_refused(tiny_project: ProjectPaths) -> None:
    (tiny_project.annotations_dir / "nowhere.csv").write_text("start,end\n", encoding="utf-8")
    with pytest.raises(DataError, match="manifest lacks"):
        evaluate(tiny_project)


@pytest.mark.parametrize(
    ("name", "gold", "predicted", "same"),
    [
        ("value", "1174000000", "1174000000.0000001", True),
        ("value", "1", "1.001", False),
        ("lower", "", "", True),
        ("upper", "", "3.0", False),
        ("unit", "个", "个", True),
        ("indicator", "", "grid_cells", False),
    ],
)
def test_same_value(name: str, gold: str, predicted: str, same: bool) -> None:
    assert same_value(name, gold, predicted) is same


def test_the_seed_project_is_measured(project: Path) -> None:
    report = evaluate(ProjectPaths(project))
    assert report.total.gold > 300 and report.total.f1 > 0.9


def test_coverage_number_fields_and_core_ids(tiny_project: ProjectPaths) -> None:
    total = evaluate(tiny_project).total
    assert total.number_accuracy == 1.0
    assert (total.covered, total.gold) == (2, 3) and total.coverage == pytest.approx(2 / 3)
    # grid_cells right; 12.5% given criminal_police_incidents against the gold criminal_cases_filed
    assert (total.core_predicted, total.core_correct) == (2, 1)
    assert (total.core_gold, total.core_recalled) == (2, 1)
    assert total.core_precision == 0.5 and total.core_recall == 0.5
    text = evaluate(tiny_project).format()
    assert "core-id precision" in text and "indicator coverage" in text


def _add_set(project: ProjectPaths, name: str, gold_rows: int) -> None:
    """A set folder data/annotations/<name>/ with the tiny release and its first gold rows."""
    folder = project.root / ANNOTATIONS_DIR / name
    (folder / "releases").mkdir(parents=True)
    (folder / "gold").mkdir()
    (folder / "releases.csv").write_bytes(project.manifest.read_bytes())
    (folder / "releases" / f"{RELEASE_ID}.txt").write_text(TEXT, encoding="utf-8")
    header, *rows = (
        (project.annotations_dir / f"{RELEASE_ID}.csv").read_text(encoding="utf-8").splitlines()
    )
    (folder / "gold" / f"{RELEASE_ID}.csv").write_text(
        "\n".join([header, *rows[:gold_rows]]) + "\n", encoding="utf-8"
    )


def test_every_set_is_found_and_evaluated_apart(tiny_project: ProjectPaths) -> None:
    assert set_names(tiny_project) == ["seeds"]
    _add_set(tiny_project, "unseen", 1)
    _add_set(tiny_project, "heldout", 2)
    (tiny_project.root / ANNOTATIONS_DIR / "notes").mkdir()  # no releases.csv: not a set
    assert set_names(tiny_project) == ["seeds", "heldout", "unseen"]
    reports = {report.name: report for report in evaluate_all(tiny_project)}
    assert {name: r.total.gold for name, r in reports.items()} == {
        "seeds": 3,
        "heldout": 2,
        "unseen": 1,
    }
    assert reports["seeds"].total.as_dict() == evaluate(tiny_project).total.as_dict()
    assert json.loads(reports["heldout"].to_json())["set"] == "heldout"


def test_each_set_is_labelled_by_how_far_it_is_out_of_sample() -> None:
    assert "in-sample" in set_label("seeds")
    assert "development set" in set_label("unseen")
    assert "development set" in set_label("heldout")
    assert "out-of-sample" in set_label("provincial-2025")  # a new set is out-of-sample


def test_an_unknown_set_name_is_a_clear_error(tiny_project: ProjectPaths) -> None:
    with pytest.raises(DataError, match="no annotated set 'heldout'") as raised:
        evaluate_named(tiny_project, "heldout")
    assert "seeds" in raised.value.fix


def test_a_sample_of_non_core_ids_is_reproducible(tiny_project: ProjectPaths) -> None:
    report = evaluate(tiny_project)
    assert report.non_core == []  # both ids given here are core ids
    assert report.sample_non_core(5) == []
