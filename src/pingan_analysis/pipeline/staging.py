"""Atomic runs: outputs are built in a staging folder and swapped in only when all went well.

A run copies the live ``data/processed/`` and ``reports/`` into ``.pingan/staging/<run>/``,
lets the steps write there, and commits in three moves: write the commit marker
(``.pingan/commit.json``, by atomic rename), rename each live folder aside and the staged one
into its place, delete the marker. A run killed before the marker leaves the live folders as
they were (the next run deletes the leftover staging folder); one killed after it is finished
by the next run (:func:`recover` rolls forward). Callers hold the project lock.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import write_bytes_atomic
from pingan_analysis.exceptions import ResourceError
from pingan_analysis.pipeline.steps import Tree

log = logging.getLogger(__name__)

FAILED = "failed"


@dataclass(frozen=True)
class Stage:
    """One run's staging folder."""

    root: Path

    @property
    def tree(self) -> Tree:
        return Tree(self.root / "processed", self.root / "reports")

    @property
    def failed_dir(self) -> Path:
        return self.root / FAILED

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    def work_dir(self, step: str) -> Path:
        """A working directory of a step's own, so no two executions share one."""
        folder = self.root / "work" / step
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def staging_root(paths: ProjectPaths) -> Path:
    return paths.state_dir / "staging"


def commit_marker(paths: ProjectPaths) -> Path:
    return paths.state_dir / "commit.json"


def state_file(paths: ProjectPaths) -> Path:
    """The step records of the last successful run: keys, outputs, times."""
    return paths.state_dir / "state.json"


def live_tree(paths: ProjectPaths) -> Tree:
    return Tree(paths.processed_dir, paths.reports_dir)


def recover(paths: ProjectPaths) -> None:
    """Finish a run killed while committing; delete what killed runs left in staging."""
    marker = commit_marker(paths)
    if marker.exists():
        stage = Stage(staging_root(paths) / json.loads(marker.read_text())["stage"])
        log.info("finishing the interrupted commit of %s", stage.root)
        _roll_forward(paths, stage)
    for leftover in _children(staging_root(paths)):
        log.info("removing leftover staging folder %s", leftover)
        shutil.rmtree(leftover, ignore_errors=True)


def create(paths: ProjectPaths) -> Stage:
    """A new staging folder holding copies of the live outputs (without old failures).

    If the copy fails (a full disk, an unreadable file) or is interrupted, the folder is
    removed again before the error propagates: the run frees what it took. The first file
    that cannot be copied stops the copy (:class:`ResourceError` naming it).
    """
    staging_root(paths).mkdir(parents=True, exist_ok=True)
    stage = Stage(Path(tempfile.mkdtemp(prefix="run-", dir=staging_root(paths))))
    live = live_tree(paths)
    try:
        _copy(live.processed, stage.tree.processed, ignore=None)
        _copy(live.reports, stage.tree.reports, ignore=shutil.ignore_patterns(FAILED))
    except _CopyFailed as failed:
        discard(stage)
        raise _copy_error(failed.error, failed.source) from failed.error
    except BaseException:
        discard(stage)
        raise
    return stage


def commit(paths: ProjectPaths, stage: Stage) -> None:
    """Swap the staged outputs and step records in."""
    write_bytes_atomic(commit_marker(paths), json.dumps({"stage": stage.root.name}).encode("utf-8"))
    _roll_forward(paths, stage)


def discard(stage: Stage) -> None:
    shutil.rmtree(stage.root, ignore_errors=True)


def publish_failures(paths: ProjectPaths, stage: Stage) -> None:
    """Replace ``reports/failed/`` with this run's failed notebooks; the rest stays as it was."""
    if not any(_children(stage.failed_dir)):
        return
    target = paths.reports_dir / FAILED
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(stage.root / "old-failed")
    stage.failed_dir.rename(target)


def _roll_forward(paths: ProjectPaths, stage: Stage) -> None:
    """Idempotent: each move is done only if not done yet, so a killed commit can be resumed."""
    live, new = live_tree(paths), stage.tree
    for area in ("processed", "reports"):
        staged, current = getattr(new, area), getattr(live, area)
        if staged.exists():
            if current.exists():
                current.rename(stage.root / f"old-{area}")
            current.parent.mkdir(parents=True, exist_ok=True)
            staged.rename(current)
    if stage.state_file.exists():
        os.replace(stage.state_file, state_file(paths))
    commit_marker(paths).unlink(missing_ok=True)
    discard(stage)


class _CopyFailed(Exception):
    """A file copy's OSError, carried past ``copytree`` (which would gather every file's
    error, on a full disk one per remaining file, and only then raise them all)."""

    def __init__(self, error: OSError, source: str) -> None:
        super().__init__(str(error))
        self.error, self.source = error, source


def _copy_file(source: str, target: str) -> None:
    try:
        shutil.copy2(source, target)
    except OSError as error:
        raise _CopyFailed(error, source) from error


def _copy_error(error: OSError, source: str) -> ResourceError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return ResourceError(
            f"the disk is full: copying the outputs into a staging folder failed at {source}; "
            "the staging folder was removed and the last good outputs are unchanged",
            where=str(Path(source).parent),
            fix="free some disk space, then run again",
        )
    return ResourceError(
        f"copying the outputs into a staging folder failed at {source}: "
        f"{error.strerror or error}; the staging folder was removed",
        where=source,
        fix="check that file's permissions and the disk, then run again",
    )


def _copy(
    source: Path, target: Path, ignore: Callable[[str, list[str]], Iterable[str]] | None
) -> None:
    if source.exists():
        shutil.copytree(source, target, ignore=ignore, copy_function=_copy_file)
    else:
        target.mkdir(parents=True)


def _children(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def write_state(stage: Stage, records: dict[str, dict]) -> None:
    stage.state_file.write_text(
        json.dumps({"steps": records}, indent=1, sort_keys=True), encoding="utf-8"
    )


def read_state(paths: ProjectPaths) -> dict[str, dict]:
    """The records of the last successful run, by step name (empty before the first)."""
    try:
        return json.loads(state_file(paths).read_text(encoding="utf-8"))["steps"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return {}
