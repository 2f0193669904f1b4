"""Content keys: outputs of a notebook don't count, its source and its inputs do."""

from __future__ import annotations

from pathlib import Path

import nbformat

from pingan_analysis.pipeline import digests

NOTEBOOK = Path(__file__).resolve().parents[1] / "data" / "notebooks" / "01_count.ipynb"


def _copy(tmp_path: Path) -> tuple[Path, nbformat.NotebookNode]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    target = tmp_path / NOTEBOOK.name
    nbformat.write(nb, target)
    return target, nb


def test_outputs_and_execution_counts_do_not_change_a_notebooks_digest(tmp_path: Path) -> None:
    path, nb = _copy(tmp_path)
    before = digests.notebook_digest(path)
    cell = nb.cells[-1]
    cell.execution_count = 7
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="5 releases\n")]
    cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    nbformat.write(nb, path)
    assert digests.notebook_digest(path) == before


def test_source_tags_and_pingan_metadata_change_a_notebooks_digest(tmp_path: Path) -> None:
    path, nb = _copy(tmp_path)
    seen = {digests.notebook_digest(path)}
    nb.cells[-1].source += "\nprint('more')"
    nbformat.write(nb, path)
    seen.add(digests.notebook_digest(path))
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, path)
    seen.add(digests.notebook_digest(path))
    nb.metadata["pingan"]["inputs"].append("panel.csv")
    nbformat.write(nb, path)
    seen.add(digests.notebook_digest(path))
    assert len(seen) == 4


def test_source_digests_expand_folders_and_skip_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.txt").write_text("a")
    (tmp_path / "releases" / ".~lock.a.txt#").write_text("editor lock")
    (tmp_path / "releases.csv").write_text("release_id\n")
    found = digests.source_digests([tmp_path / "releases.csv", tmp_path / "releases"], tmp_path)
    assert sorted(found) == ["releases.csv", "releases/a.txt"]
    assert found["releases/a.txt"] == digests.file_digest(tmp_path / "releases" / "a.txt")


def test_changes_name_what_is_new_gone_changed_and_missing() -> None:
    old = {"a": "1", "b": "2", "c": "3", "d": "4"}
    new = {"a": "1", "b": "9", "c": digests.MISSING, "e": "5"}
    assert sorted(digests.changes(old, new)) == sorted(
        ["b changed", "c is missing", "d is gone", "e is new"]
    )
    assert digests.changes(old, dict(old)) == []


def test_params_digest_ignores_key_order() -> None:
    assert digests.params_digest({"a": 1, "b": "x"}) == digests.params_digest({"b": "x", "a": 1})
    assert digests.params_digest({"city": "Qingdao"}) != digests.params_digest({"city": "Zibo"})


def test_missing_notebook_or_file_digests_as_missing(tmp_path: Path) -> None:
    assert digests.file_digest(tmp_path / "nothing.csv") == digests.MISSING
    assert digests.notebook_digest(tmp_path / "nothing.ipynb") == digests.MISSING
