"""``reports/data_dictionary.html``: every table's columns and every indicator, for readers of
the reports, and ``reports/codebook.csv``, the codebook the run used, to download beside it.

The page is rendered from ``datapackage.json``, the description of the processed tables that
the panel step writes (and that derives from the table declarations), so the dictionary a
co-author reads is the one a Frictionless tool reads. The documentation site renders the
same declarations for developers; this page travels with the reports and opens offline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer
from pingan_analysis.pipeline.index_page import CODEBOOK_COPY
from pingan_analysis.templates import render

if TYPE_CHECKING:
    from pingan_analysis.pipeline.steps import Step, StepContext

PAGE = "data_dictionary.html"


def run_step(step: Step, ctx: StepContext) -> None:
    """The pipeline's data_dictionary step."""
    write_data_dictionary(ctx.paths, ctx.tree.processed, ctx.tree.reports)


def write_data_dictionary(paths: ProjectPaths, processed_dir: Path, reports_dir: Path) -> Path:
    """Write the dictionary page and the codebook copy into ``reports_dir``; return the page."""
    package = json.loads((processed_dir / "datapackage.json").read_text(encoding="utf-8"))
    tables = [resource for resource in package.get("resources", []) if "schema" in resource]
    files = [resource for resource in package.get("resources", []) if "schema" not in resource]
    indicators = package.get("indicators", [])
    page = render(
        "data_dictionary.html.j2",
        title="Data dictionary",
        root="",
        package=package,
        tables=tables,
        files=files,
        reported=[i for i in indicators if not i.get("derived")],
        derived=[i for i in indicators if i.get("derived")],
        codebook=CODEBOOK_COPY,
    )
    reports_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.codebook, reports_dir / CODEBOOK_COPY)
    target = reports_dir / PAGE
    with atomic_text_writer(target) as handle:
        handle.write(page)
    return target
