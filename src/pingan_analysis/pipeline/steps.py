"""The step graph: the data steps, then every notebook (once per city where asked).

A step declares what it reads and writes. Raw inputs (``sources``) are absolute paths; files of
the run's tree (``reads``, ``writes``) are ``processed/...`` or ``reports/...`` names, resolved
against the live folders when checking and against the staging folders while running. A step
depends on the steps that write what it reads. A step names its runner by address
(``"package.module:function"``), imported only when the step runs, as OWID's etl finds its steps:
this module stays stdlib-only and imports none of the stages it schedules.

A per-city notebook reads its own city's slice of the tables it declares
(``processed/cities/<city>/<table>``, written by the ``city_slices`` step), so its key changes
only when that city's rows do: a new release reruns the data steps, the cross-city notebooks and
the profile of the release's city, not every city's.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from pingan_analysis.config import ProjectPaths

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
NOTEBOOK_RUNNER = "pingan_analysis.pipeline.notebooks:run_notebook_step"
SLICES_RUNNER = "pingan_analysis.pipeline.city_slices:run_step"
SLICES_STEP = "city_slices"
#: The folder, inside ``processed/``, of the per-city slices.
CITIES_DIR = "cities"


@dataclass(frozen=True)
class Tree:
    """The two output folders of a run: live, or the staging copy being built."""

    processed: Path
    reports: Path

    def __truediv__(self, name: str) -> Path:
        area, _, rest = name.partition("/")
        return {"processed": self.processed, "reports": self.reports}[area] / rest


class Closable(Protocol):
    def close(self) -> None: ...


Resource = TypeVar("Resource", bound=Closable)


class RunSession:
    """What the steps of one run share and the run closes when it ends (the warm kernels)."""

    def __init__(self) -> None:
        self._resources: dict[str, Closable] = {}
        self._lock = threading.Lock()

    def shared(self, name: str, make: Callable[[], Resource]) -> Resource:
        """The run's resource ``name``, made by the first step that asks for it."""
        with self._lock:
            if name not in self._resources:
                self._resources[name] = make()
            return self._resources[name]  # type: ignore[return-value]

    def close(self) -> None:
        with self._lock:
            resources, self._resources = list(self._resources.values()), {}
        for resource in reversed(resources):
            resource.close()


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
    session: RunSession = field(default_factory=RunSession)


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
    #: The folder of the run's tree a notebook gets as ``processed_dir``: ``processed``, or a
    #: city's slice of it for a per-city notebook.
    data: str = "processed"


def resolve_runner(address: str) -> Runner:
    """The function a runner address names, imported now."""
    module, _, name = address.partition(":")
    return getattr(importlib.import_module(module), name)


def build_plan(paths: ProjectPaths, data: list[Step] | None = None) -> list[Step]:
    """Every step of the project in run order: the data steps, the city slices when a
    notebook runs per city, then the notebooks by name."""
    notebooks = notebook_steps(paths)
    return [*(data_steps(paths) if data is None else data), *slice_steps(notebooks), *notebooks]


def dependencies(step: Step, plan: list[Step]) -> list[str]:
    """The steps that write something ``step`` reads."""
    return dependency_map(plan)[step.name]


def dependency_map(plan: list[Step]) -> dict[str, list[str]]:
    """Every step's :func:`dependencies`, found in one pass over what each step writes
    (a plan of hundreds of per-city steps would make pairwise comparison quadratic)."""
    writers: dict[str, list[str]] = {}
    for step in plan:
        for name in step.writes:
            writers.setdefault(name, []).append(step.name)
    return {
        step.name: list(
            dict.fromkeys(
                writer
                for name in step.reads
                for writer in writers.get(name, ())
                if writer != step.name
            )
        )
        for step in plan
    }


def _processed(*names: str) -> tuple[str, ...]:
    return tuple(f"processed/{name}" for name in names)


def data_steps(paths: ProjectPaths) -> list[Step]:
    """corpus → validate → panel, the validation report and the releases' reader pages."""
    raw = (paths.manifest, paths.releases_dir, paths.codebook)
    # The researcher's corrections are applied by the corpus step, after extraction.
    corrections = paths.raw_dir / "corrections.csv"
    return [
        Step(
            "corpus",
            "pingan_analysis.pipeline.stages:corpus",
            sources=(*raw, corrections),
            writes=_processed(
                "mentions.csv",
                "indicators.csv",
                "corpus.csv",
                "dropped_blocks.csv",
                "corrections_report.csv",
            ),
        ),
        Step(
            "validate",
            "pingan_analysis.pipeline.stages:validate",
            sources=(*raw, paths.reference_dir),
            reads=_processed("mentions.csv", "indicators.csv"),
            writes=_processed(
                "validation_failures.csv", "indicators_valid.csv", "validation_summary.json"
            ),
        ),
        # datapackage.json describes (sizes, sha256) every processed table, and the codebook.
        Step(
            "panel",
            "pingan_analysis.pipeline.stages:panel",
            sources=(paths.reference_dir, paths.codebook),
            reads=_processed(
                "indicators_valid.csv",
                "mentions.csv",
                "indicators.csv",
                "corpus.csv",
                "dropped_blocks.csv",
                "validation_failures.csv",
            ),
            writes=_processed(
                "panel.csv",
                "panel_excel.csv",
                "panel.parquet",
                "panel.dta",
                "panel_sources.csv",
                "datapackage.json",
            ),
        ),
        Step(
            "validation_report",
            "pingan_analysis.pipeline.stages:validation_report",
            sources=(paths.manifest, paths.codebook),
            reads=_processed(
                "mentions.csv",
                "indicators.csv",
                "validation_failures.csv",
                "indicators_valid.csv",
                "validation_summary.json",
            ),
            writes=("reports/validation.html",),
            title="Validation report",
            report="reports/validation.html",
        ),
        Step(
            "reader_pages",
            "pingan_analysis.pipeline.reader_pages:run_step",
            sources=(*raw, paths.raw_dir / "corrections.csv"),
            reads=_processed(
                "mentions.csv", "indicators.csv", "dropped_blocks.csv", "validation_failures.csv"
            ),
            writes=reader_pages(paths.manifest),
        ),
        Step(
            "data_dictionary",
            "pingan_analysis.pipeline.data_dictionary:run_step",
            sources=(paths.codebook,),
            reads=_processed("datapackage.json"),
            writes=("reports/data_dictionary.html", "reports/codebook.csv"),
            title="Data dictionary",
            report="reports/data_dictionary.html",
        ),
    ]


def reader_pages(manifest: Path) -> tuple[str, ...]:
    """``reports/releases/<release_id>.html`` of every release in the manifest."""
    return tuple(
        f"reports/releases/{row['release_id'].strip()}.html"
        for row in _manifest_rows(manifest)
        if (row.get("release_id") or "").strip()
    )


def notebook_steps(paths: ProjectPaths) -> list[Step]:
    """One step per notebook, or per notebook and city for ``"pingan": {"per_city": true}``.

    A per-city step reads the city's slices of the notebook's inputs (its ``processed_dir``
    is the city's folder); every notebook also depends on the codebook, which names indicators.
    """
    from pingan_analysis.pipeline.notebook_inputs import inferred_reads, report_undeclared

    known = {
        w.partition("/")[2]
        for step in data_steps(paths)
        for w in step.writes
        if w.startswith("processed/")
    }
    raw_sources = {"manifest": paths.manifest, "reference": paths.reference_dir}
    steps: list[Step] = []
    for notebook in sorted(paths.notebooks_dir.glob(NOTEBOOK_GLOB)):
        nb = _notebook_json(notebook)
        pingan = nb.get("metadata", {}).get("pingan", {})
        declared = list(pingan.get("inputs", []))
        found = inferred_reads(nb, known)  # a user's notebook may declare nothing
        report_undeclared(f"notebooks/{notebook.name}", declared, found)
        inputs = list(dict.fromkeys([*declared, *found.processed]))
        sources = tuple(raw_sources[kind] for kind in found.raw)
        title = _title(nb) or notebook.stem
        if pingan.get("per_city"):
            steps += [
                _notebook_step(
                    paths,
                    notebook,
                    f"{notebook.stem}_{slug(city)}",
                    tuple(city_slice(city, name) for name in inputs),
                    {"city": city},
                    f"{title}: {city}",
                    city_folder(city),
                    sources,
                )
                for city in manifest_cities(paths.manifest)
            ]
        else:
            steps.append(
                _notebook_step(
                    paths,
                    notebook,
                    notebook.stem,
                    _processed(*inputs),
                    {},
                    title,
                    "processed",
                    sources,
                )
            )
    return steps


def slice_steps(notebooks: list[Step]) -> list[Step]:
    """The step cutting the tables per-city notebooks read into per-city slices (none if no
    notebook runs per city)."""
    per_city = [step for step in notebooks if "city" in step.params]
    if not per_city:
        return []
    cities = sorted({str(step.params["city"]) for step in per_city})
    tables = sorted({name.rpartition("/")[2] for step in per_city for name in step.reads})
    return [
        Step(
            SLICES_STEP,
            SLICES_RUNNER,
            reads=_processed(*tables),
            writes=tuple(city_slice(city, table) for city in cities for table in tables),
            params={"cities": cities, "tables": tables},
        )
    ]


def city_folder(city: str) -> str:
    """The folder of a city's slices in the run's tree."""
    return f"processed/{CITIES_DIR}/{slug(city)}"


def city_slice(city: str, table: str) -> str:
    """``processed/cities/qingdao/indicators_valid.csv``: one city's rows of a table."""
    return f"{city_folder(city)}/{table}"


def _notebook_step(
    paths: ProjectPaths,
    notebook: Path,
    name: str,
    reads: tuple[str, ...],
    params: dict[str, object],
    title: str,
    data: str,
    sources: tuple[Path, ...] = (),
) -> Step:
    html = f"reports/html/{name}.html"
    return Step(
        name,
        NOTEBOOK_RUNNER,
        sources=(paths.codebook, *sources),
        reads=reads,
        writes=(f"reports/notebooks/{name}.ipynb", html),
        params=params,
        notebook=notebook,
        title=title,
        report=html,
        data=data,
    )


def manifest_cities(manifest: Path) -> list[str]:
    """The distinct English city names of the manifest (UTF-8 or GB18030), sorted."""
    return sorted(
        {
            row["city_en"].strip()
            for row in _manifest_rows(manifest)
            if (row.get("city_en") or "").strip()
        }
    )


def _manifest_rows(manifest: Path) -> list[dict[str, str]]:
    """The manifest's rows as text (UTF-8 or GB18030), without pandas: the step graph is built
    before any heavy import."""
    from pingan_analysis.csvio import read_csv_file

    text, _ = read_csv_file(manifest, "manifest")
    return list(csv.DictReader(io.StringIO(text, newline="")))


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
