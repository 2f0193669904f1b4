"""A user's own notebook reruns when what it reads changes, declared or not; undeclared reads
are reported."""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.pipeline import runner
from pingan_analysis.pipeline.notebook_inputs import inferred_reads
from pingan_analysis.pipeline.steps import build_plan

from pipeline_fakes import add_release, built, fake_data_steps, fake_plan  # noqa: F401 (fixture)

KNOWN = {"panel.csv", "mentions.csv", "corpus.csv", "indicators.csv", "indicators_valid.csv"}


def _notebook(*cells: str, inputs: list[str] | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("processed_dir = None", metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(source) for source in cells),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if inputs is not None:
        nb.metadata["pingan"] = {"inputs": inputs}
    return nb


def test_reads_are_inferred_from_loader_calls_and_file_names() -> None:
    nb = _notebook(
        "%matplotlib inline\nfrom pingan_analysis import load_panel, load_indicators, load_manifest\n"
        "panel = load_panel(processed_dir)\nallrows = load_indicators(processed_dir, valid_only=False)",
        "import pingan_analysis as pa\nm = pa.load_manifest()\n"
        "from pingan_analysis.analysis.summaries import processed_table\n"
        "corpus = processed_table('corpus', processed_dir)",
        "import pandas as pd\nmentions = pd.read_csv('data/processed/mentions.csv')\n"
        "note = 'not a file: panel'",
        "this cell is not Python (",
    )
    found = inferred_reads(nb, KNOWN)
    assert set(found.processed) == {"panel.csv", "indicators.csv", "corpus.csv", "mentions.csv"}
    assert found.raw == ("manifest",)
    assert inferred_reads(_notebook("x = load_indicators()"), KNOWN).processed == (
        "indicators_valid.csv",
    )


def _write(paths: ProjectPaths, nb: nbformat.NotebookNode, name: str = "07_mine.ipynb") -> Path:
    path = paths.notebooks_dir / name
    nbformat.write(nb, path)
    return path


MINE = (
    "from pingan_analysis.analysis.summaries import processed_table\n"
    "print(len(processed_table('corpus', processed_dir)), 'releases')"
)


def test_an_undeclared_read_is_reported_and_counted(
    built: ProjectPaths, caplog: pytest.LogCaptureFixture
) -> None:
    _write(built, _notebook(MINE))
    with caplog.at_level(logging.WARNING):
        plan = build_plan(built, fake_data_steps(built))
    mine = next(step for step in plan if step.name == "07_mine")
    assert mine.reads == ("processed/corpus.csv",)
    warned = [r.getMessage() for r in caplog.records if "07_mine" in r.getMessage()]
    assert len(warned) == 1 and "reads corpus.csv but its metadata does not declare it" in warned[0]
    assert '"inputs": ["corpus.csv"]' in warned[0]


def test_a_notebook_that_declares_its_reads_is_not_reported(
    built: ProjectPaths, caplog: pytest.LogCaptureFixture
) -> None:
    _write(built, _notebook(MINE, inputs=["corpus.csv"]))
    with caplog.at_level(logging.WARNING):
        build_plan(built, fake_data_steps(built))
    assert not [r for r in caplog.records if "07_mine" in r.getMessage()]


def test_a_notebook_reading_nothing_known_is_reported(
    built: ProjectPaths, caplog: pytest.LogCaptureFixture
) -> None:
    _write(built, _notebook("print(1 + 1)"))
    with caplog.at_level(logging.WARNING):
        build_plan(built, fake_data_steps(built))
    assert any("declares no inputs" in r.getMessage() for r in caplog.records)


def _mine_only(paths: ProjectPaths) -> list:
    """The fake data steps and the user's notebook (the other notebooks left out, for speed)."""
    return [step for step in fake_plan(paths) if step.notebook is None or step.name == "07_mine"]


def test_the_users_notebook_reruns_when_the_table_it_loads_changes(built: ProjectPaths) -> None:
    _write(built, _notebook(MINE))
    result = runner.run(built, plan=_mine_only(built), progress=lambda line: None)
    assert "07_mine" in result.ran
    html = (built.reports_dir / "html" / "07_mine.html").read_text(encoding="utf-8")
    assert "releases" in html
    add_release(built, "Jinan", "济南市")
    stale = {s.name: s.reasons for s in runner.status(built, _mine_only(built)) if s.stale}
    assert "corpus is stale" in stale["07_mine"]
    result = runner.run(built, plan=_mine_only(built), progress=lambda line: None)
    assert "07_mine" in result.ran
    n = len((built.processed_dir / "corpus.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert f"{n} releases" in (built.reports_dir / "html" / "07_mine.html").read_text(
        encoding="utf-8"
    )
