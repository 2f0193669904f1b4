"""Run a notebook step: execute with papermill in a warm kernel, then export shareable HTML.

Each execution gets its own working directory through the kernel's ``cwd`` (nbclient's
``resources["metadata"]["path"]``), not papermill's ``cwd=`` which changes the whole process's
working directory and would race between notebooks running in parallel threads.

Warm kernels: starting a kernel and importing pandas and matplotlib in it costs more than a
city's profile does. So each worker thread of a run keeps its kernel (:class:`KernelPool`,
shared through the run's session and shut down when the run ends) and papermill runs the next
notebook in it through the ``pingan-warm`` engine, papermill's own nbclient engine given that
kernel. Before each notebook the kernel is reset, silently, to the state a fresh kernel would
have (:mod:`pingan_analysis.pipeline.kernel_state`): a fresh namespace, execution counts from 1,
the process state notebooks change put back; imported modules stay. A kernel that died is
replaced. The executed notebooks and HTML are those of fresh kernels, timings apart.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.log import logger as papermill_logger
from papermill.utils import merge_kwargs, remove_args
from traitlets import Unicode

from pingan_analysis.exceptions import StepFailedError
from pingan_analysis.pipeline.html import export_html
from pingan_analysis.pipeline.index_page import footer_items
from pingan_analysis.pipeline.steps import Step, StepContext

ERROR_MARKER_TAG = "papermill-error-cell-tag"
INJECTED_TAG = "injected-parameters"
WARM_ENGINE = "pingan-warm"
KERNEL_STATE = "pingan_analysis.pipeline.kernel_state"


class QuietKernelManager(AsyncKernelManager):
    """A kernel whose own log lines stay out of the run's output.

    The kernel process writes warnings about its transport, and a "KeyboardInterrupt caught"
    when it is shut down, to its stderr. Cell outputs, tracebacks included, travel over the
    kernel's channels and are unaffected. ``--verbose`` keeps the kernel's stderr.
    """

    # jupyter_client types start_kernel as KernelManager's blocking one, though
    # AsyncKernelManager's is the coroutine this overrides
    async def start_kernel(self, **kw: object) -> None:  # type: ignore[override]
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super().start_kernel(**kw)


class KernelPool:
    """One warm kernel per worker thread and kernel name, for the length of a run.

    A kernel stays with the thread that started it: nbclient drives it from that thread's
    event loop. :meth:`close` kills them all (they are idle; nothing of theirs is kept).
    """

    def __init__(self, verbose: bool) -> None:
        self._manager_class = AsyncKernelManager if verbose else QuietKernelManager
        self._kernels: dict[tuple[int, str], AsyncKernelManager] = {}
        self._lock = threading.Lock()

    def lease(self, kernel_name: str, cwd: Path) -> tuple[AsyncKernelManager, str]:
        """This thread's kernel for ``kernel_name`` and the code that prepares it for the next
        notebook: a new kernel (started by nbclient in ``cwd``) records its starting state, a
        used one is reset to it and moved to ``cwd``."""
        key = (threading.get_ident(), kernel_name)
        with self._lock:
            manager = self._kernels.get(key)
        alive = manager is not None and manager.has_kernel and run_sync(manager.is_alive)()
        if manager is not None and alive:
            if manager.ipykernel:
                return (
                    manager,
                    f"__import__({KERNEL_STATE!r}, fromlist=['reset']).reset({str(cwd)!r})",
                )
            # not a Python kernel: it cannot be reset, so each notebook gets a new one
            run_sync(manager.shutdown_kernel)(now=True)
        elif manager is not None:  # it died (a notebook ended the process): clear up after it
            run_sync(manager.cleanup_resources)()
        manager = self._manager_class(kernel_name=kernel_name)
        with self._lock:
            self._kernels[key] = manager
        return manager, f"__import__({KERNEL_STATE!r}, fromlist=['remember']).remember()"

    def close(self) -> None:
        with self._lock:
            managers, self._kernels = list(self._kernels.values()), {}
        for manager in managers:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)


class _WarmClient(PapermillNotebookClient):
    """papermill's client, running ``prologue`` silently once its kernel client is ready."""

    prologue = Unicode("")

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        if self.prologue and self.km.ipykernel:
            msg_id = client.execute(self.prologue, silent=True, store_history=False)
            reply = await self.async_wait_for_reply(msg_id)
            if reply["content"]["status"] != "ok":
                content = reply["content"]
                raise StepFailedError(
                    f"a warm kernel could not be reset: {content.get('ename')}: "
                    f"{content.get('evalue')}",
                    where=KERNEL_STATE,
                    fix="rerun; if it persists, report it with the output of --verbose",
                )
        return client

    # nbclient binds the blocking wrapper to its own coroutine at class creation.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, executing in the caller's warm kernel (``kernels=``)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kernels: KernelPool = kwargs.pop("kernels")
        kwargs = remove_args(["input_path", "kernel_manager_class"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        cwd = Path(kwargs["resources"]["metadata"]["path"])
        manager, prologue = kernels.lease(kernel_name, cwd)
        client = _WarmClient(
            nb_man,
            km=manager,
            prologue=prologue,
            **merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout or kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=papermill_logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            ),
        )
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


papermill_engines.register(WARM_ENGINE, WarmKernelEngine)


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
        export_html(
            failed,
            ctx.failed_dir / f"{step.name}.html",
            footer,
            title=f"{step.title} (failed)",
            hide_code=False,
        )
        raise _failure(step, failed, error) from None
    nb = _relocated(nb, ctx)
    nbformat.write(nb, executed)
    export_html(
        nb, ctx.tree / f"reports/html/{step.name}.html", footer, title=step.title, hide_code=True
    )


def execute(step: Step, ctx: StepContext, output: Path) -> nbformat.NotebookNode:
    """papermill with absolute data paths, the step's own working directory, in this thread's
    warm kernel.

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
    kernels = ctx.session.shared("kernels", lambda: KernelPool(ctx.verbose))
    return papermill.execute_notebook(
        str(step.notebook),
        str(output),
        parameters=parameters,
        engine_name=WARM_ENGINE,
        progress_bar=ctx.verbose,
        log_output=ctx.verbose,
        resources={"metadata": {"path": str(ctx.work_dir)}},
        kernels=kernels,
    )


def _relocated(nb: nbformat.NotebookNode, ctx: StepContext) -> nbformat.NotebookNode:
    """Point the recorded parameters at the live folders the staged ones are about to become."""
    live = ctx.paths
    moves = {
        str(ctx.tree.processed): str(live.processed_dir),
        str(ctx.tree.reports): str(live.reports_dir),
    }
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


def _failure(
    step: Step, nb: nbformat.NotebookNode, error: PapermillExecutionError
) -> StepFailedError:
    """The error a user reads: which notebook, which of its cells, what it raised."""
    assert step.notebook is not None, "only a notebook step runs a notebook"
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
    own = [
        c
        for c in nb.cells
        if not {ERROR_MARKER_TAG, INJECTED_TAG} & set(c.metadata.get("tags", []))
    ]
    for number, cell in enumerate(own, start=1):
        if cell.metadata.get("papermill", {}).get("exception") or any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            return number
    return "?"
