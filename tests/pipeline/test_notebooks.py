"""Notebook steps: failures named and kept aside, parallel per-city runs, offline HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import StepFailedError
from pingan_analysis.pipeline import runner

from pipeline_fakes import (
    built,  # noqa: F401 (a fixture the tests take by name)
    fake_plan,
    frozen_package,
    new_project,
    snapshot,
)

CITIES = ("Baoshan", "Laixi", "Qingdao", "Zibo")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """A project run once from scratch here, with two jobs (read-only for the tests)."""
    paths = new_project(tmp_path_factory.mktemp("fresh") / "project")
    with frozen_package():
        runner.run(paths, plan=fake_plan(paths), jobs=2, progress=lambda line: None)
    return paths


def _break(notebook: Path, position: int, source: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(position, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, notebook)


def _outside_failed(paths: ProjectPaths) -> dict:
    return {k: v for k, v in snapshot(paths).items() if "/failed/" not in k}


def test_failing_notebook_names_notebook_and_cell_and_keeps_last_good_reports(
    built: ProjectPaths,
) -> None:
    notebook = built.notebooks_dir / "02_figure.ipynb"
    original = notebook.read_bytes()
    _break(notebook, 4, "raise ValueError('no such column: chars')")
    before = _outside_failed(built)
    with pytest.raises(StepFailedError) as failed:
        runner.run(built, plan=fake_plan(built), progress=lambda line: None)
    problem = failed.value.problem
    assert "02_figure.ipynb" in problem and "cell 5" in problem
    assert "ValueError: no such column: chars" in problem
    assert failed.value.where == str(notebook)
    assert "reports/failed/02_figure.html" in failed.value.fix
    assert _outside_failed(built) == before
    failed_dir = built.reports_dir / "failed"
    page = (failed_dir / "02_figure.html").read_text(encoding="utf-8")
    assert 'id="papermill-error-cell"' in page and "no such column" in page
    executed = nbformat.read(failed_dir / "02_figure.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in executed.cells)

    notebook.write_bytes(original)
    assert [str(s) for s in runner.status(built, fake_plan(built)) if s.stale] == [
        "index: stale (reports/failed/ holds an earlier run's failures)"
    ]
    result = runner.run(built, plan=fake_plan(built), progress=lambda line: None)
    assert result.committed and result.ran == []
    assert not failed_dir.exists()


def test_per_city_profiles_run_into_their_own_outputs_and_working_directories(
    fresh: ProjectPaths,
) -> None:
    cwds = set()
    for city in CITIES:
        name = f"03_city_{city.lower()}"
        page = (fresh.reports_dir / "html" / f"{name}.html").read_text(encoding="utf-8")
        assert re.search(rf"{city}: [1-9]\d* releases", page)
        assert not any(other in page for other in CITIES if other != city)
        executed = nbformat.read(fresh.reports_dir / "notebooks" / f"{name}.ipynb", as_version=4)
        text = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
        cwds.add(re.search(r"^cwd (.+)$", text, re.MULTILINE).group(1))
    assert len(cwds) == len(CITIES)


def test_executed_notebooks_record_the_live_folders_not_the_staging_ones(
    fresh: ProjectPaths,
) -> None:
    executed = nbformat.read(fresh.reports_dir / "notebooks" / "01_count.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata["tags"])
    assert f'processed_dir = "{fresh.processed_dir}"' in injected.source
    assert ".pingan" not in injected.source
    assert executed.metadata.papermill["parameters"]["processed_dir"] == str(fresh.processed_dir)


class _Resources(HTMLParser):
    """Every URL a page would load: script and image sources, stylesheet links, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.scripts_with_src = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src") is not None:
            self.scripts_with_src += 1
        if tag in ("script", "img", "iframe", "source", "video", "audio") and found.get("src"):
            self.urls.append((tag, found["src"]))
        if tag == "link" and found.get("href"):
            self.urls.append((tag, found["href"]))


def _resources(page: Path) -> _Resources:
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", ["01_count", "02_figure", "03_city_qingdao"])
def test_html_is_self_contained_with_code_hidden_and_provenance(
    fresh: ProjectPaths, name: str
) -> None:
    page = fresh.reports_dir / "html" / f"{name}.html"
    found = _resources(page)
    assert found.scripts_with_src == 0
    assert [u for _, u in found.urls if not u.startswith("data:")] == []
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "csv.DictReader" not in text and "project_paths" not in text
    footer = text[text.index('<footer class="pingan-provenance">') :]
    for label in ("package", "git commit", "releases", "run", "inputs"):
        assert f"<dt>{label}</dt>" in footer
    read = "processed/cities/qingdao/corpus.csv" if "city" in name else "processed/corpus.csv"
    assert "<dd>5</dd>" in footer and read in footer


def test_figures_are_inline_images(fresh: ProjectPaths) -> None:
    found = _resources(fresh.reports_dir / "html" / "02_figure.html")
    assert [tag for tag, url in found.urls if url.startswith("data:image/png;base64,")] == ["img"]


def test_fake_notebooks_also_run_on_their_own_with_default_parameters(
    fresh: ProjectPaths, tmp_path: Path
) -> None:
    import papermill

    out = tmp_path / "01_count.ipynb"
    papermill.execute_notebook(
        str(fresh.notebooks_dir / "01_count.ipynb"),
        str(out),
        cwd=str(fresh.root),
        progress_bar=False,
    )
    text = "".join(
        o.get("text", "")
        for c in nbformat.read(out, as_version=4).cells
        for o in c.get("outputs", [])
    )
    assert "5 releases" in text


def _notebook(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)


def _printed(executed: Path) -> str:
    return "".join(
        o.get("text", "")
        for c in nbformat.read(executed, as_version=4).cells
        for o in c.get("outputs", [])
    )


def test_a_warm_kernel_runs_each_notebook_in_a_fresh_namespace(tmp_path: Path) -> None:
    """One job: the two notebooks run in the same kernel process, the second sees nothing the
    first left behind (variables, pandas options, working directory) and counts cells from 1."""
    paths = new_project(tmp_path / "project")
    for old in paths.notebooks_dir.glob("*.ipynb"):
        old.unlink()
    state = (
        "import os, pandas as pd\n"
        "print('pid', os.getpid()); print('cwd', os.getcwd())\n"
        "print('colwidth', pd.get_option('display.max_colwidth'))\n"
        "print('leftover' in dir())"
    )
    _notebook(
        paths.notebooks_dir / "01_first.ipynb",
        "leftover = 1",
        state + "\npd.set_option('display.max_colwidth', None)",
    )
    _notebook(paths.notebooks_dir / "02_second.ipynb", "x = 2", state)
    with frozen_package():
        runner.run(paths, plan=fake_plan(paths), jobs=1, progress=lambda line: None)
    executed = paths.reports_dir / "notebooks"
    first, second = (_printed(executed / f"{name}.ipynb") for name in ("01_first", "02_second"))
    pid = re.compile(r"^pid (\d+)$", re.MULTILINE)
    assert pid.search(first).group(1) == pid.search(second).group(1)
    assert first.endswith("True\n") and second.endswith("False\n")
    assert "colwidth 50" in first and "colwidth 50" in second
    cwd = re.compile(r"^cwd (.+)$", re.MULTILINE)
    assert cwd.search(first).group(1).endswith("01_first")
    assert cwd.search(second).group(1).endswith("02_second")
    counts = [
        c.execution_count for c in nbformat.read(executed / "02_second.ipynb", as_version=4).cells
    ]
    assert counts[0] == 1 and counts == sorted(counts)


def _outputs(executed: Path) -> list[tuple[int | None, list[dict]]]:
    """Each code cell's execution count and outputs, the working directory's line left out."""
    cells = nbformat.read(executed, as_version=4).cells
    return [
        (
            cell.execution_count,
            [
                {**o, "text": re.sub(r"^cwd .*\n", "", o["text"], flags=re.MULTILINE)}
                if "text" in o
                else dict(o)
                for o in cell.outputs
            ],
        )
        for cell in cells
        if cell.cell_type == "code"
    ]


def test_warm_kernels_give_the_outputs_fresh_kernels_give(
    fresh: ProjectPaths, tmp_path: Path
) -> None:
    import papermill

    for executed in sorted((fresh.reports_dir / "notebooks").glob("*.ipynb")):
        recorded = nbformat.read(executed, as_version=4).metadata.papermill
        again = tmp_path / executed.name
        parameters = {**recorded["parameters"], "figures_dir": str(tmp_path / "figures")}
        papermill.execute_notebook(
            recorded["input_path"],
            str(again),
            parameters=parameters,
            progress_bar=False,
            cwd=str(tmp_path),
        )
        assert _outputs(again) == _outputs(executed), executed.name


def test_a_notebook_that_ends_its_kernel_fails_alone_and_the_next_gets_a_new_one(
    tmp_path: Path,
) -> None:
    paths = new_project(tmp_path / "project")
    for old in paths.notebooks_dir.glob("*.ipynb"):
        old.unlink()
    _notebook(paths.notebooks_dir / "01_exits.ipynb", "import os\nos._exit(3)")
    _notebook(paths.notebooks_dir / "02_after.ipynb", "print('ran', 6 * 7)")
    lines: list[str] = []
    with frozen_package(), pytest.raises(StepFailedError, match="01_exits"):
        runner.run(paths, plan=fake_plan(paths), jobs=1, progress=lines.append)
    assert any(line.startswith("01_exits") and "failed" in line for line in lines)
    assert any(line.startswith("02_after") and " ran in " in line for line in lines)
