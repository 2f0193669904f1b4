"""The committed notebooks: thin, without outputs, and runnable by hand with their defaults."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.extract.build import build_corpus_tables
from pingan_analysis.panel.build import build_panel
from pingan_analysis.validate.run import validate_tables

from conftest import RAW_DIR, REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_thin_declared_and_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert sum("parameters" in cell.metadata.get("tags", []) for cell in code) == 1
    assert notebook.metadata["pingan"]["inputs"], "the pipeline keys the notebook on its inputs"
    for cell in code:
        tree = ast.parse(cell.source)
        assert not [
            node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)
        ], "logic belongs in src/"


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose processed tables are built, as after `pingan run`."""
    import shutil

    root = tmp_path_factory.mktemp("by_hand") / "project"
    shutil.copytree(RAW_DIR, root / "data" / "raw")
    shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks")
    paths = ProjectPaths(root)
    build_corpus_tables(paths, paths.processed_dir)
    validate_tables(paths, paths.processed_dir)
    build_panel(paths, paths.processed_dir)
    return root


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_by_hand_from_the_notebooks_folder_with_its_defaults(
    path: Path, built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PINGAN_PROJECT", raising=False)
    folder = built_project / "notebooks"
    executed = papermill.execute_notebook(
        str(folder / path.name), str(tmp_path / path.name), cwd=str(folder), progress_bar=False
    )
    assert all(
        output.output_type != "error"
        for cell in executed.cells
        for output in cell.get("outputs", [])
    )
    assert not (built_project / "reports").exists(), "a run by hand leaves the reports alone"
