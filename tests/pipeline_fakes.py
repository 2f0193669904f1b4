"""Fake data steps and tiny notebooks, to test the pipeline's machinery fast and on its own.

The fakes follow the real steps' contract (read the manifest and releases, write into the
processed folder they are given) with the stdlib only. Run as a script, this module runs the
fake pipeline of a project and prints which heavy modules that imported:
``python pipeline_fakes.py ROOT slow`` (data steps, one that waits to be killed) or
``python pipeline_fakes.py ROOT all`` (data steps and notebooks).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError
from pingan_analysis.pipeline import digests
from pingan_analysis.pipeline.steps import Step, StepContext, build_plan

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The seed corpus the tests use, never the checkout's data/raw (see conftest).
FIXTURE_RAW = Path(__file__).resolve().parent / "fixtures" / "seed_project" / "data" / "raw"
#: Tests pin the package digest: others edit the package's source while these tests run.
FROZEN_PACKAGE = "frozen-package-digest"

FAKE_NOTEBOOKS = Path(__file__).resolve().parent / "data" / "notebooks"
STARTED = "slow-step-started"


@contextmanager
def frozen_package() -> Iterator[None]:
    with mock.patch.object(digests, "package_digest", return_value=FROZEN_PACKAGE):
        yield


def new_project(root: Path) -> ProjectPaths:
    """A project with the seed corpus and the tiny notebooks, not yet run."""
    shutil.copytree(FIXTURE_RAW, root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    use_fake_notebooks(root)
    return ProjectPaths(root)


_built: dict[str, Path] = {}


def built_project(scratch: Path, root: Path) -> ProjectPaths:
    """A copy, at ``root``, of a project the fake pipeline has run once (built once per session)."""
    if "template" not in _built:
        from pingan_analysis.pipeline import runner

        template = new_project(scratch / "built-template")
        with frozen_package():
            runner.run(template, plan=fake_plan(template), progress=lambda line: None)
        _built["template"] = template.root
    shutil.copytree(_built["template"], root, symlinks=True)
    return ProjectPaths(root)


HOLD_LOCK = """
import sys, time
from pathlib import Path
from pingan_analysis.pipeline.lock import project_lock
with project_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


@contextmanager
def lock_held_elsewhere(state_dir: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the project lock of ``state_dir`` until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(state_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def built(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectPaths]:
    """A project the fake pipeline has already run once (test modules import this fixture)."""
    with frozen_package():
        yield built_project(tmp_path_factory.getbasetemp(), tmp_path / "project")


def snapshot(paths: ProjectPaths) -> dict[str, tuple[int, bytes]]:
    """Every output file with its mtime and bytes: what "left untouched" compares."""
    return {
        str(p.relative_to(paths.root)): (p.stat().st_mtime_ns, p.read_bytes())
        for folder in (paths.processed_dir, paths.reports_dir)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def add_release(paths: ProjectPaths, city_en: str = "Qingdao", city_zh: str = "青岛市") -> str:
    """Append a small release to the corpus and its manifest; return its release id."""
    release_id = f"{city_en.lower()}-2021-01-05-00000000"
    (paths.releases_dir / f"{release_id}.txt").write_text(
        f"{city_zh}2020年刑事警情下降13.5%。\n", encoding="utf-8"
    )
    with paths.manifest.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                release_id,
                f"{release_id}.txt",
                city_zh,
                city_en,
                "山东",
                "prefecture",
                "2021-01-05",
                "2020-01-01",
                "2020-12-31",
                "news_report",
                "",
                "test release",
                "",
                "",
                "",
            ]
        )
    return release_id


def use_fake_notebooks(root: Path) -> None:
    """Replace a project's notebooks with the tiny ones of tests/data/notebooks."""
    shutil.rmtree(root / "notebooks", ignore_errors=True)
    shutil.copytree(FAKE_NOTEBOOKS, root / "notebooks")


def write_corpus(step: Step, ctx: StepContext) -> None:
    """processed/corpus.csv: one row per release with its text's length."""
    with ctx.paths.manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    target = ctx.tree.processed / "corpus.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["release_id", "city_en", "chars"])
        for row in rows:
            text = (ctx.paths.releases_dir / row["file"]).read_text(encoding="utf-8")
            out.writerow([row["release_id"], row["city_en"], len(text)])


def write_summary(step: Step, ctx: StepContext) -> None:
    """processed/validation_summary.json, in the shape the real validation step writes."""
    with (ctx.tree.processed / "corpus.csv").open(encoding="utf-8") as handle:
        n = sum(1 for _ in csv.DictReader(handle))
    summary = {
        "tables": {"corpus": {"rows_checked": n, "rows_failed": 0, "failures": {}}},
        "rows_checked": n,
        "rows_quarantined": 0,
        "targets_kept": 0,
        "warnings": 0,
    }
    (ctx.tree.processed / "validation_summary.json").write_text(json.dumps(summary))


def refuse_data(step: Step, ctx: StepContext) -> None:
    (ctx.tree.processed / "validation_summary.json").write_text("half-written")
    raise DataError(
        "a release has no date",
        where="data/raw/releases.csv, row 3",
        fix="give the row a published date",
    )


def slow_summary(step: Step, ctx: StepContext) -> None:
    """Writes half its output, says it started, then waits to be killed."""
    (ctx.tree.processed / "validation_summary.json").write_text("half-written")
    (ctx.paths.state_dir / STARTED).touch()
    time.sleep(120)


def copy_reference(step: Step, ctx: StepContext) -> None:
    shutil.copy(ctx.paths.population, ctx.tree.processed / "population.csv")


def write_validation_page(step: Step, ctx: StepContext) -> None:
    summary = (ctx.tree.processed / "validation_summary.json").read_text()
    page = f"<!DOCTYPE html><html><head><title>Validation</title></head><body><pre>{summary}</pre></body></html>"
    (ctx.tree.reports / "validation.html").write_text(page, encoding="utf-8")


def fake_data_steps(
    paths: ProjectPaths, summary: str = "pipeline_fakes:write_summary"
) -> list[Step]:
    """corpus → summary → validation page, and a reference step that reads no release."""
    return [
        Step(
            "corpus",
            "pipeline_fakes:write_corpus",
            sources=(paths.manifest, paths.releases_dir),
            writes=("processed/corpus.csv",),
        ),
        Step(
            "summary",
            summary,
            reads=("processed/corpus.csv",),
            writes=("processed/validation_summary.json",),
        ),
        Step(
            "reference",
            "pipeline_fakes:copy_reference",
            sources=(paths.reference_dir,),
            writes=("processed/population.csv",),
        ),
        Step(
            "validation_report",
            "pipeline_fakes:write_validation_page",
            reads=("processed/validation_summary.json",),
            writes=("reports/validation.html",),
            title="Validation report",
            report="reports/validation.html",
        ),
    ]


def fake_plan(paths: ProjectPaths) -> list[Step]:
    """The fake data steps, then the tiny notebooks of the project."""
    return build_plan(paths, fake_data_steps(paths))


if __name__ == "__main__":
    from pingan_analysis.pipeline import runner

    project = ProjectPaths(Path(sys.argv[1]))
    digests.package_digest = lambda: FROZEN_PACKAGE
    plan = (
        fake_data_steps(project, "pipeline_fakes:slow_summary")
        if sys.argv[2] == "slow"
        else fake_plan(project)
    )
    runner.run(project, plan=plan, progress=lambda line: None)
    heavy = sorted({"pandas", "numpy", "papermill", "nbconvert", "pandera"} & set(sys.modules))
    print(json.dumps({"heavy_modules": heavy}))
