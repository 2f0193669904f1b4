"""Run a notebook step: execute with papermill, then export shareable HTML in-process.

Each execution gets its own working directory through the kernel's ``cwd`` (nbclient's
``resources["metadata"]["path"]``), not papermill's ``cwd=`` which changes the whole process's
working directory and would race between notebooks running in parallel threads.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from pingan_analysis.exceptions import StepFailedError
from pingan_analysis.pipeline.html import export_html
from pingan_analysis.pipeline.index_page import footer_items
from pingan_analysis.pipeline.steps import Step, StepContext

ERROR_MARKER_TAG = "papermill-error-cell-tag"
INJECTED_TAG = "injected-parameters"


class QuietKernelManager(AsyncKernelManager):
    """A kernel whose own log lines stay out of the run's output.

    The kernel process writes warnings about its transport, and a "KeyboardInterrupt caught"
    when it is shut down, to its stderr. Cell outputs, tracebacks included, travel over the
    kernel's channels and are unaffected. ``--verbose`` keeps the kernel's stderr.
    """

    async def start_kernel(self, **kw: object) -> None:
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super().start_kernel(**kw)


def run_notebook_step(step: Step, ctx: StepContext) -> None:
    """Execute ``step.notebook`` into the staged reports; on failure save it to the failed folder."""
    executed = ctx.tree / f"reports/notebooks/{step.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    footer = footer_items(ctx.provenance, ctx.key)
    try:
        nb = execute(step, ctx, executed)
    except PapermillExecutionError as error:
        failed = _relocated(nbformat.read(executed, as_version=4), ctx)
        ctx.failed_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(failed, ctx.failed_dir / f"{step.name}.ipynb")
        export_html(failed, ctx.failed_dir / f"{step.name}.html", footer,
                    title=f"{step.title} (failed)", hide_code=False)
        raise _failure(step, failed, error) from None
    nb = _relocated(nb, ctx)
    nbformat.write(nb, executed)
    export_html(nb, ctx.tree / f"reports/html/{step.name}.html", footer,
                title=step.title, hide_code=True)


def execute(step: Step, ctx: StepContext, output: Path) -> nbformat.NotebookNode:
    """papermill with absolute data paths, the step's own working directory and one kernel.

    The staging folders are passed only to notebooks that declare them as parameters, so a
    notebook without figures has no ``figures_dir`` forced on it.
    """
    staged = {
        "processed_dir": str(ctx.tree / step.data),
        "figures_dir": str(ctx.tree.reports / "figures"),
    }
    declared = papermill.inspect_notebook(str(step.notebook))
    parameters = {**{k: v for k, v in staged.items() if k in declared}, **step.params}
    (ctx.tree.reports / "figures").mkdir(parents=True, exist_ok=True)
    return papermill.execute_notebook(
        str(step.notebook), str(output), parameters=parameters,
        progress_bar=ctx.verbose, log_output=ctx.verbose,
        resources={"metadata": {"path": str(ctx.work_dir)}},
        **({} if ctx.verbose else {"kernel_manager_class": QuietKernelManager}),
    )


def _relocated(nb: nbformat.NotebookNode, ctx: StepContext) -> nbformat.NotebookNode:
    """Point the recorded parameters at the live folders the staged ones are about to become."""
    live = ctx.paths
    moves = {str(ctx.tree.processed): str(live.processed_dir),
             str(ctx.tree.reports): str(live.reports_dir)}
    for cell in nb.cells:
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.source = _replaced(cell.source, moves)
    papermill_meta = nb.metadata.get("papermill", {})
    for key, value in papermill_meta.get("parameters", {}).items():
        if isinstance(value, str):
            papermill_meta["parameters"][key] = _replaced(value, moves)
    if "output_path" in papermill_meta:
        papermill_meta["output_path"] = _replaced(papermill_meta["output_path"], moves)
    return nb


def _replaced(text: str, moves: dict[str, str]) -> str:
    for old, new in moves.items():
        text = text.replace(old, new)
    return text


def _failure(step: Step, nb: nbformat.NotebookNode, error: PapermillExecutionError) -> StepFailedError:
    """The error a user reads: which notebook, which of its cells, what it raised."""
    params = ", ".join(f"{k}={v}" for k, v in step.params.items())
    what = f"{step.notebook.name}" + (f" ({params})" if params else "")
    return StepFailedError(
        f"notebook {what} failed in cell {_source_cell_number(nb)} (In [{error.exec_count}]): "
        f"{error.ename}: {error.evalue}",
        where=str(step.notebook),
        fix=f"read reports/failed/{step.name}.html (the failing cell is marked), "
        "fix the notebook or its inputs, then run again",
    )


def _source_cell_number(nb: nbformat.NotebookNode) -> int | str:
    """1-based number of the failing cell in the notebook as written (papermill's cells left out)."""
    own = [c for c in nb.cells
           if not {ERROR_MARKER_TAG, INJECTED_TAG} & set(c.metadata.get("tags", []))]
    for number, cell in enumerate(own, start=1):
        if cell.metadata.get("papermill", {}).get("exception") or any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return number
    return "?"
