"""The step graph: the data steps, then every notebook (once per city where asked).

A step declares what it reads and writes. Raw inputs (``sources``) are absolute paths; files of
the run's tree (``reads``, ``writes``) are ``processed/...`` or ``reports/...`` names, resolved
against the live folders when checking and against the staging folders while running. A step
depends on the steps that write what it reads. A step names its runner by address
(``"package.module:function"``), imported only when the step runs, as OWID's etl finds its steps:
this module stays stdlib-only and imports none of the stages it schedules.
"""
from __future__ import annotations

import csv
import importlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pingan_analysis.config import ProjectPaths

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
NOTEBOOK_RUNNER = "pingan_analysis.pipeline.notebooks:run_notebook_step"


@dataclass(frozen=True)
class Tree:
    """The two output folders of a run: live, or the staging copy being built."""

    processed: Path
    reports: Path

    def __truediv__(self, name: str) -> Path:
        area, _, rest = name.partition("/")
        return {"processed": self.processed, "reports": self.reports}[area] / rest


@dataclass(frozen=True)
class StepContext:
    """Where a running step reads and writes, and what its reports should say about the run."""

    paths: ProjectPaths
    tree: Tree
    failed_dir: Path
    work_dir: Path
    verbose: bool
    provenance: Mapping[str, str]
    key: Mapping[str, str]


Runner = Callable[["Step", StepContext], None]


@dataclass(frozen=True)
class Step:
    name: str
    #: ``"package.module:function"``: the function, called with the step and its context.
    runner: str
    sources: tuple[Path, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)
    notebook: Path | None = None
    title: str = ""
    #: The page the index links to, for steps that make a report.
    report: str | None = None


def resolve_runner(address: str) -> Runner:
    """The function a runner address names, imported now."""
    module, _, name = address.partition(":")
    return getattr(importlib.import_module(module), name)


def build_plan(paths: ProjectPaths, data: list[Step] | None = None) -> list[Step]:
    """Every step of the project in run order: the data steps, then the notebooks by name."""
    return [*(data_steps(paths) if data is None else data), *notebook_steps(paths)]


def dependencies(step: Step, plan: list[Step]) -> list[str]:
    """The steps that write something ``step`` reads."""
    return [other.name for other in plan
            if other is not step and set(other.writes) & set(step.reads)]


def _processed(*names: str) -> tuple[str, ...]:
    return tuple(f"processed/{name}" for name in names)


def data_steps(paths: ProjectPaths) -> list[Step]:
    """corpus → validate → panel, the validation report and the releases' reader pages."""
    raw = (paths.manifest, paths.releases_dir, paths.codebook)
    return [
        Step("corpus", "pingan_analysis.extract.build:run_step", sources=raw,
             writes=_processed("mentions.csv", "indicators.csv", "corpus.csv",
                               "dropped_blocks.csv")),
        Step("validate", "pingan_analysis.validate.run:run_step", sources=(*raw, paths.reference_dir),
             reads=_processed("mentions.csv", "indicators.csv"),
             writes=_processed("validation_failures.csv", "indicators_valid.csv",
                               "validation_summary.json")),
        # datapackage.json describes (sizes, sha256) every processed table, and the codebook.
        Step("panel", "pingan_analysis.panel.build:run_step", sources=(paths.reference_dir, paths.codebook),
             reads=_processed("indicators_valid.csv", "mentions.csv", "indicators.csv",
                              "corpus.csv", "dropped_blocks.csv", "validation_failures.csv"),
             writes=_processed("panel.csv", "panel_excel.csv", "panel.parquet", "panel.dta",
                               "datapackage.json")),
        Step("validation_report", "pingan_analysis.validate.report:run_step", sources=(paths.manifest, paths.codebook),
             reads=_processed("mentions.csv", "indicators.csv", "validation_failures.csv",
                              "indicators_valid.csv", "validation_summary.json"),
             writes=("reports/validation.html",), title="Validation report",
             report="reports/validation.html"),
        Step("reader_pages", "pingan_analysis.pipeline.reader_pages:run_step",
             sources=(*raw, paths.raw_dir / "corrections.csv"),
             reads=_processed("mentions.csv", "indicators.csv", "dropped_blocks.csv",
                              "validation_failures.csv"),
             writes=reader_pages(paths.manifest)),
        Step("data_dictionary", "pingan_analysis.pipeline.data_dictionary:run_step",
             sources=(paths.codebook,), reads=_processed("datapackage.json"),
             writes=("reports/data_dictionary.html", "reports/codebook.csv"),
             title="Data dictionary", report="reports/data_dictionary.html"),
    ]


def reader_pages(manifest: Path) -> tuple[str, ...]:
    """``reports/releases/<release_id>.html`` of every release in the manifest."""
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(f"reports/releases/{row['release_id'].strip()}.html"
                     for row in csv.DictReader(handle) if row.get("release_id", "").strip())


def notebook_steps(paths: ProjectPaths) -> list[Step]:
    """One step per notebook, or per notebook and city for ``"pingan": {"per_city": true}``."""
    steps: list[Step] = []
    for notebook in sorted(paths.notebooks_dir.glob(NOTEBOOK_GLOB)):
        nb = _notebook_json(notebook)
        pingan = nb.get("metadata", {}).get("pingan", {})
        reads = _processed(*pingan.get("inputs", []))
        title = _title(nb) or notebook.stem
        if pingan.get("per_city"):
            steps += [_notebook_step(notebook, f"{notebook.stem}_{slug(city)}", reads,
                                     {"city": city}, f"{title}: {city}")
                      for city in manifest_cities(paths.manifest)]
        else:
            steps.append(_notebook_step(notebook, notebook.stem, reads, {}, title))
    return steps


def _notebook_step(notebook: Path, name: str, reads: tuple[str, ...],
                   params: dict[str, object], title: str) -> Step:
    html = f"reports/html/{name}.html"
    return Step(name, NOTEBOOK_RUNNER, reads=reads, writes=(f"reports/notebooks/{name}.ipynb", html),
                params=params, notebook=notebook, title=title, report=html)


def manifest_cities(manifest: Path) -> list[str]:
    """The distinct English city names of the manifest, sorted."""
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        return sorted({row["city_en"].strip() for row in csv.DictReader(handle)
                       if row.get("city_en", "").strip()})


def slug(name: str) -> str:
    """``"Xi'an"`` → ``"xi_an"``: a city name as part of a file name."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _notebook_json(notebook: Path) -> dict:
    return json.loads(notebook.read_text(encoding="utf-8"))


def _title(nb: dict) -> str:
    """The first Markdown heading of a notebook, if any."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = "".join(cell.get("source", ""))
            match = re.search(r"^#+\s+(.+)$", text, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return ""
