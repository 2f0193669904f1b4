"""`pingan run` and `pingan status`: the step graph, run incrementally, atomically, in parallel.

Importing this module is light (stdlib and the package's light modules): an unchanged run
hashes its inputs, finds nothing stale and returns without importing pandas or papermill.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import PinganError, StepFailedError
from pingan_analysis.pipeline import digests, index_page, provenance, staging
from pingan_analysis.pipeline.lock import project_lock
from pingan_analysis.pipeline.staging import Stage
from pingan_analysis.pipeline.steps import (
    RunSession,
    Step,
    StepContext,
    Tree,
    build_plan,
    dependency_map,
    resolve_runner,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
INDEX_STEP = "index"


@dataclass(frozen=True)
class StepStatus:
    """Whether a step would rerun, and why."""

    name: str
    stale: bool
    reasons: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.name}: stale ({'; '.join(self.reasons)})"
            if self.stale
            else f"{self.name}: up to date"
        )


@dataclass(frozen=True)
class StepOutcome:
    """What a run did with a step: ``skipped``, ``ran``, ``failed``, or ``blocked`` by a failure."""

    name: str
    status: str
    seconds: float = 0.0
    reasons: tuple[str, ...] = ()
    error: Exception | None = None
    record: Mapping[str, object] | None = None

    def __str__(self) -> str:
        label = f"{self.name:<28}"
        if self.status == "ran":
            return f"{label} ran in {self.seconds:.1f} s ({_summarised(self.reasons)})"
        if self.status == "failed":
            problem = getattr(self.error, "problem", None) or repr(self.error)
            return f"{label} failed after {self.seconds:.1f} s: {problem}"
        if self.status == "blocked":
            return f"{label} not run: {_summarised(self.reasons)}"
        return f"{label} skipped (unchanged)"


@dataclass(frozen=True)
class RunResult:
    """What a run did: each step's outcome in plan order, how long it took, and whether it
    swapped new outputs in (``committed``; not when nothing was stale)."""

    steps: list[StepOutcome]
    seconds: float
    committed: bool

    @property
    def ran(self) -> list[str]:
        return [o.name for o in self.steps if o.status == "ran"]


def run(
    paths: ProjectPaths,
    *,
    force: bool = False,
    jobs: int | None = None,
    verbose: bool = False,
    progress: Progress = print,
    plan: list[Step] | None = None,
) -> RunResult:
    """Bring ``data/processed/`` and ``reports/`` up to date; rerun everything with ``force``.

    Raises the data step's :class:`DataError`, or :class:`StepFailedError` naming the failed
    notebook and cell; then nothing is swapped in. ``plan`` replaces the project's step graph.
    """
    started = time.monotonic()
    with project_lock(paths.state_dir):
        staging.recover(paths)
        plan = build_plan(paths) if plan is None else plan
        records, step_keys = staging.read_state(paths), _StepKeys(paths, plan)
        if not force and not any(s.stale for s in _statuses(paths, plan, records, step_keys)):
            skipped = [StepOutcome(step.name, "skipped") for step in plan]
            for outcome in skipped:
                progress(str(outcome))
            return RunResult(skipped, time.monotonic() - started, committed=False)
        stage = staging.create(paths)
        try:
            scheduler = _Run(paths, plan, stage, records, step_keys, force, jobs, verbose, progress)
            outcomes = scheduler.execute()
            _finish(scheduler, outcomes)
        finally:
            staging.discard(stage)
    return RunResult([outcomes[s.name] for s in plan], time.monotonic() - started, committed=True)


def status(paths: ProjectPaths, plan: list[Step] | None = None) -> list[StepStatus]:
    """Each step's staleness with reasons, and the index's; reads only, takes no lock."""
    plan = build_plan(paths) if plan is None else plan
    return _statuses(paths, plan, staging.read_state(paths), _StepKeys(paths, plan))


def ordered(plan: list[Step]) -> list[Step]:
    """The plan with every step after the steps it depends on; refuses a cycle."""
    placed: list[Step] = []
    waiting = list(plan)
    needs = dependency_map(plan)
    while waiting:
        names = {s.name for s in placed}
        ready = [s for s in waiting if set(needs[s.name]) <= names]
        if not ready:
            raise StepFailedError(
                f"the steps {[s.name for s in waiting]} depend on each other",
                fix="check what each step reads and writes",
            )
        placed += ready
        waiting = [s for s in waiting if s not in ready]
    return placed


class _StepKeys:
    """Step keys, with what several steps share hashed only once per status or run.

    The code (package source, lock file) and the raw inputs are hashed up front, each once
    however many steps read it (the releases folder feeds several); a notebook once however
    many cities it runs for; a file of a tree once however many steps read it (a per-city
    notebook reads the same table for every city). That last holds while a run builds the
    staged tree too: a step's key is taken only once every step writing what it reads has
    finished, and nothing writes that file again. (A step's own outputs, which it is about to
    rewrite, are hashed through :attr:`tree_digest` only where the tree stays as it is: status.)
    """

    def __init__(self, paths: ProjectPaths, plan: list[Step]) -> None:
        self.root = paths.root
        #: The code every step depends on.
        self.base = digests.code_digests(paths.root)
        #: The digests of each raw input of the plan (a folder: of every file below it).
        self.raw = {
            source: digests.source_digests([source], paths.root)
            for source in dict.fromkeys(s for step in plan for s in step.sources)
        }
        self._notebook_digest = functools.cache(digests.notebook_digest)
        self.tree_digest = functools.cache(digests.file_digest)

    def of(self, step: Step, tree: Tree) -> dict[str, str]:
        """Everything ``step`` depends on, as ``label -> digest``."""
        key = dict(self.base)
        if step.notebook is not None:
            key[digests.label(step.notebook, self.root)] = self._notebook_digest(step.notebook)
        if step.params:
            key["parameters"] = digests.params_digest(step.params)
        for source in step.sources:
            key.update(self.raw[source])
        key.update({name: self.tree_digest(tree / name) for name in step.reads})
        return key

    def inputs(self) -> dict[str, str]:
        """The code and every raw input, as run.json records them."""
        return {
            label: digest
            for digests in (self.base, *self.raw.values())
            for label, digest in digests.items()
        }


def reasons_to_run(
    step: Step,
    key: Mapping[str, str],
    record: Mapping | None,
    tree: Tree,
    force: bool,
    digest_of: Callable[[Path], str],
) -> list[str]:
    """Why ``step`` must run: forced, never run, a changed input, a missing or edited output.

    ``digest_of`` hashes the outputs: :func:`digests.file_digest`, or the status pass's cache.
    """
    if force:
        return ["--force"]
    if not record:
        return ["never run"]
    why = digests.changes(record["key"], key)
    for name in step.writes:
        digest = digest_of(tree / name)
        if digest != record["outputs"].get(name):
            why.append(f"{name} is missing" if digest == digests.MISSING else f"{name} was edited")
    return why


def _statuses(
    paths: ProjectPaths, plan: list[Step], records: Mapping[str, Mapping], step_keys: _StepKeys
) -> list[StepStatus]:
    tree = staging.live_tree(paths)
    stale: set[str] = set()
    found: dict[str, StepStatus] = {}
    needs = dependency_map(plan)
    for step in ordered(plan):
        why = reasons_to_run(
            step,
            step_keys.of(step, tree),
            records.get(step.name),
            tree,
            force=False,
            digest_of=step_keys.tree_digest,
        )
        why += [f"{dep} is stale" for dep in needs[step.name] if dep in stale]
        if why:
            stale.add(step.name)
        found[step.name] = StepStatus(step.name, bool(why), why)
    return [*(found[s.name] for s in plan), _index_status(paths, plan, records, stale)]


def _index_status(
    paths: ProjectPaths, plan: list[Step], records: Mapping, stale: set[str]
) -> StepStatus:
    """The index and run.json: rewritten whenever any step runs or a step was removed.

    A successful run also clears ``reports/failed/``, so old failures make the index stale.
    """
    names = {s.name for s in plan}
    why = [f"{name} was removed" for name in records if name not in names]
    why += [
        f"reports/{n} is missing"
        for n in ("index.html", "run.json")
        if not (paths.reports_dir / n).is_file()
    ]
    if (paths.reports_dir / staging.FAILED).exists():
        why.append(f"reports/{staging.FAILED}/ holds an earlier run's failures")
    if stale:
        why.append(f"{len(stale)} step(s) are stale")
    return StepStatus(INDEX_STEP, bool(why), why)


class _Run:
    """One run's scheduler: each step starts once the steps it depends on have finished."""

    def __init__(
        self,
        paths: ProjectPaths,
        plan: list[Step],
        stage: Stage,
        records: Mapping[str, Mapping],
        step_keys: _StepKeys,
        force: bool,
        jobs: int | None,
        verbose: bool,
        progress: Progress,
    ) -> None:
        self.paths, self.plan, self.stage, self.force, self.verbose = (
            paths,
            plan,
            stage,
            force,
            verbose,
        )
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.progress = progress
        #: The step records of the last successful run.
        self.records = records
        self.step_keys = step_keys
        self.started = index_page.now()
        self.commit = provenance.git_commit(paths.root)
        self.versions = provenance.package_versions()
        self.environment = provenance.environment(paths.root)
        self.provenance = index_page.run_provenance(
            paths, self.commit, self.versions[provenance.DISTRIBUTION]
        )
        #: Shared by the steps (warm kernels), closed once they have all ended.
        self.session = RunSession()

    def execute(self) -> dict[str, StepOutcome]:
        outcomes: dict[str, StepOutcome] = {}
        try:
            with ThreadPoolExecutor(
                max_workers=self.jobs, thread_name_prefix="pingan-step"
            ) as pool:
                try:
                    self._schedule(pool, outcomes)
                except BaseException:  # Ctrl-C: start nothing more, let the running steps end
                    pool.shutdown(cancel_futures=True)
                    raise
        finally:
            self.session.close()
        return outcomes

    def _schedule(self, pool: ThreadPoolExecutor, outcomes: dict[str, StepOutcome]) -> None:
        """Submit each step when its dependencies are done; block it if one of them failed."""
        waiting: list[Step] = list(self.plan)
        running: dict[Future, Step] = {}
        needs = dependency_map(self.plan)
        while waiting or running:
            for step in list(waiting):
                deps = needs[step.name]
                failed = [
                    d for d in deps if d in outcomes and outcomes[d].status in ("failed", "blocked")
                ]
                if failed:
                    waiting.remove(step)
                    self._report(
                        outcomes,
                        StepOutcome(
                            step.name, "blocked", reasons=tuple(f"needs {d}" for d in failed)
                        ),
                    )
                elif all(d in outcomes for d in deps):
                    waiting.remove(step)
                    running[pool.submit(self._step, step)] = step
            if waiting and not running:
                ordered(waiting)  # nothing can start: raises, naming the steps in a cycle
            if running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    del running[future]
                    self._report(outcomes, future.result())

    def _report(self, outcomes: dict[str, StepOutcome], outcome: StepOutcome) -> None:
        outcomes[outcome.name] = outcome
        self.progress(str(outcome))

    def _step(self, step: Step) -> StepOutcome:
        tree = self.stage.tree
        key = self.step_keys.of(step, tree)
        why = reasons_to_run(
            step, key, self.records.get(step.name), tree, self.force, digests.file_digest
        )
        if not why:
            return StepOutcome(step.name, "skipped", record=self.records[step.name])
        ctx = StepContext(
            self.paths,
            tree,
            self.stage.failed_dir,
            self.stage.work_dir(step.name),
            self.verbose,
            self.provenance,
            key,
            self.session,
        )
        began = time.monotonic()
        try:
            resolve_runner(step.runner)(step, ctx)
        except Exception as error:
            log.debug("step %s failed", step.name, exc_info=True)
            return StepOutcome(step.name, "failed", time.monotonic() - began, tuple(why), error)
        seconds = time.monotonic() - began
        record = {
            "key": key,
            "outputs": {n: digests.file_digest(tree / n) for n in step.writes},
            "finished": index_page.now(),
            "seconds": round(seconds, 3),
        }
        return StepOutcome(step.name, "ran", seconds, tuple(why), record=record)


def _finish(run: _Run, outcomes: dict[str, StepOutcome]) -> None:
    """Raise the first failure, or write the index, run.json and records and commit."""
    failures = [outcomes[s.name] for s in run.plan if outcomes[s.name].status == "failed"]
    if failures:
        staging.publish_failures(run.paths, run.stage)
        raise _run_error(failures)
    # no failure: every step ran or was skipped, and both outcomes carry a record
    records = {
        s.name: dict(cast("Mapping[str, object]", outcomes[s.name].record)) for s in run.plan
    }
    _drop_removed(run, records)
    _write_index(run, outcomes, records)
    _write_run_json(run, outcomes, records)
    with _signals_deferred():
        staging.write_state(run.stage, records)
        staging.commit(run.paths, run.stage)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends, so the commit (a few renames) is never cut
    in half; a signal that came meanwhile is delivered right after. (In the main thread only,
    where Python runs signal handlers.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _run_error(failures: list[StepOutcome]) -> PinganError:
    """The first failure as the user should see it; a data step's own error propagates."""
    first = failures[0]
    error = first.error
    if not isinstance(error, PinganError):
        error = StepFailedError(
            f"step {first.name} failed: {type(error).__name__}: {error}",
            where=first.name,
            fix="rerun with --verbose for the traceback",
        )
        error.__cause__ = first.error
    if len(failures) > 1 and isinstance(error, StepFailedError):
        others = ", ".join(f.name for f in failures[1:])
        error = StepFailedError(
            f"{error.problem}\n  also failed: {others}", where=error.where, fix=error.fix
        )
        error.__cause__ = first.error
    return error


def _drop_removed(run: _Run, records: Mapping[str, object]) -> None:
    """Delete the outputs of steps that are no longer in the plan (a deleted notebook)."""
    for name, record in run.records.items():
        if name not in records:
            for output in record["outputs"]:
                (run.stage.tree / output).unlink(missing_ok=True)


def _write_index(
    run: _Run, outcomes: Mapping[str, StepOutcome], records: Mapping[str, Mapping]
) -> None:
    tree = run.stage.tree
    entries = [
        index_page.IndexEntry(
            s.title or s.name,
            os.path.relpath(tree / s.report, tree.reports),
            "ran" if outcomes[s.name].status == "ran" else "unchanged",
            str(records[s.name]["finished"]),
            float(records[s.name]["seconds"]),
        )
        for s in run.plan
        if s.report
    ]
    index_page.write_index(
        tree.reports,
        entries,
        {**run.provenance, "run": index_page.now()},
        tree / "processed/validation_summary.json",
        run.paths,
    )


def _write_run_json(
    run: _Run, outcomes: Mapping[str, StepOutcome], records: Mapping[str, Mapping]
) -> None:
    index_page.write_run_json(
        run.stage.tree.reports,
        {
            "git_commit": run.commit,
            "package_versions": run.versions,
            "environment": run.environment,
            "started": run.started,
            "finished": index_page.now(),
            "force": run.force,
            "jobs": run.jobs,
            "inputs": run.step_keys.inputs(),
            "steps": {
                s.name: {
                    "status": outcomes[s.name].status,
                    "seconds": round(outcomes[s.name].seconds, 3),
                    "last_run": records[s.name]["finished"],
                    "parameters": dict(s.params),
                    "inputs": records[s.name]["key"],
                }
                for s in run.plan
            },
        },
    )


def _summarised(reasons: tuple[str, ...]) -> str:
    if not reasons:
        return ""
    more = f" and {len(reasons) - 1} more" if len(reasons) > 1 else ""
    return f"{reasons[0]}{more}"
