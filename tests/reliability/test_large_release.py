"""A release of several MB (generated): the data steps run through, and no cell grows with it.

Before, a long text of many short figures made one panel cell (``sources``) hold every figure
and a text without sentence punctuation repeated itself in every figure's ``sentence``: the
tables then broke Python's csv reader (field larger than 131072) on every later run.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.manifest import add_release
from pingan_analysis.extract.build import MAX_SENTENCE_CHARS
from pingan_analysis.panel.build import MAX_CELL_SOURCES
from pingan_analysis.pipeline import runner
from pingan_analysis.pipeline.steps import data_steps
from pingan_analysis.registry import PANEL_SOURCES_COLUMNS

from conftest import FIXTURE_PROJECT

LINES = 27_000
LONG_LINE_FIGURES = 2_000


def _large_release(path: Path) -> int:
    """~2.1 MB: distinct sentences of short figures, and one ~30 000-character line without a
    full stop holding thousands of figures. Returns the size in bytes."""
    sentences = [
        f"全市第{i + 1}批次划分网格{1000 + 7 * i}个，配备专职网格员{2000 + 3 * i}名。"
        for i in range(LINES)
    ]
    long_line = "、".join(f"第{i + 1}组划分网格{5000 + i}个" for i in range(LONG_LINE_FIGURES))
    text = "济南市平安建设工作情况\n" + "\n".join(sentences) + "\n" + long_line + "\n"
    path.write_text(text, encoding="utf-8")
    return path.stat().st_size


@pytest.fixture(scope="module")
def large_run(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    root = tmp_path_factory.mktemp("large") / "project"
    shutil.copytree(FIXTURE_PROJECT / "data" / "raw", root / "data" / "raw")
    paths = ProjectPaths(root)
    release = root.parent / "jinan.txt"
    assert _large_release(release) > 2_000_000
    add_release(
        paths,
        release,
        {
            "city": "济南市",
            "published": "2021-01-05",
            "city_en": "Jinan",
            "period_start": "2020-01-01",
            "period_end": "2020-12-31",
            "kind": "work_review",
        },
    )
    runner.run(paths, plan=data_steps(paths), progress=lambda line: None)
    return paths


def _max_cell(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return max(len(cell) for row in csv.reader(handle) for cell in row)


def test_every_table_stays_readable_by_the_csv_module(large_run: ProjectPaths) -> None:
    for name in (
        "panel.csv",
        "panel_sources.csv",
        "indicators.csv",
        "indicators_valid.csv",
        "mentions.csv",
    ):
        assert _max_cell(large_run.processed_dir / name) < csv.field_size_limit(), name


def test_the_sentence_cell_is_bounded(large_run: ProjectPaths) -> None:
    indicators = pd.read_csv(
        large_run.processed_dir / "indicators.csv", dtype=str, keep_default_na=False
    )
    jinan = indicators[indicators["city_en"] == "Jinan"]
    assert len(jinan) > 2 * LINES  # every figure extracted
    assert jinan["sentence"].str.len().max() <= MAX_SENTENCE_CHARS + 2
    for row in jinan.sample(50, random_state=1).itertuples():
        assert row.text in row.sentence


def test_the_sources_cell_is_bounded_and_panel_sources_lists_every_mention(
    large_run: ProjectPaths,
) -> None:
    processed = large_run.processed_dir
    panel = pd.read_csv(processed / "panel.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(processed / "panel_sources.csv", dtype=str, keep_default_na=False)
    valid = pd.read_csv(processed / "indicators_valid.csv", dtype=str, keep_default_na=False)
    assert list(sources.columns) == list(PANEL_SOURCES_COLUMNS)
    row = panel[(panel["city_en"] == "Jinan") & (panel["indicator"] == "grid_cells")].iloc[0]
    spans = row["sources"].split(";")
    merged = valid[
        (valid["city_en"] == "Jinan")
        & (valid["indicator"] == "grid_cells")
        & (valid["modality"] == "reported")
        & (valid["period_end"] == row["period_end"])
    ]
    assert len(merged) > LINES
    assert len(spans) == MAX_CELL_SOURCES + 1
    assert spans[-1] == f"+{len(merged) - MAX_CELL_SOURCES} more (panel_sources.csv)"
    listed = sources[
        (sources["city_zh"] == "济南市")
        & (sources["indicator"] == "grid_cells")
        & (sources["kind"] == row["kind"])
        & (sources["period_end"] == row["period_end"])
    ]
    assert len(listed) == len(merged)
    assert set(zip(listed["start"], listed["end"], strict=True)) == set(
        zip(merged["start"], merged["end"], strict=True)
    )
    assert spans[:MAX_CELL_SOURCES] == [
        f"{r.release_id}:{r.start}-{r.end}" for r in listed.head(MAX_CELL_SOURCES).itertuples()
    ]
    text = (large_run.releases_dir / f"{listed['release_id'].iloc[0]}.txt").read_text(
        encoding="utf-8"
    )
    for r in listed.sample(50, random_state=2).itertuples():
        assert text[int(r.start) : int(r.end)] == r.text


def test_every_panel_row_has_its_sources_listed(large_run: ProjectPaths) -> None:
    processed = large_run.processed_dir
    panel = pd.read_csv(processed / "panel.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(
        io.StringIO((processed / "panel_sources.csv").read_text(encoding="utf-8")),
        dtype=str,
        keep_default_na=False,
    )
    key = list(PANEL_SOURCES_COLUMNS[:5])
    assert set(map(tuple, panel[key].values)) == set(map(tuple, sources[key].values))


def test_a_release_without_the_optional_manifest_fields_runs_through(
    large_run: ProjectPaths,
) -> None:
    """The large release was added with no province, level, title, URL or outlet (province and
    level then come from the gazetteer): the data steps ran and the panel has its city."""
    from pingan_analysis.corpus.manifest import read_manifest

    row = read_manifest(large_run.manifest).iloc[-1]
    assert row["city_en"] == "Jinan"
    # province and level come from the gazetteer; the others stay empty
    assert (row["province"], row["admin_level"]) == ("山东", "prefecture")
    assert (row["title"], row["source_url"], row["outlet"]) == ("", "", "")
    panel = pd.read_csv(large_run.processed_dir / "panel.csv", dtype=str, keep_default_na=False)
    assert (panel["city_en"] == "Jinan").sum() >= 2
