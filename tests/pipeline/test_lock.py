"""The project lock: one run at a time, and never a stale lock after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pingan_analysis.exceptions import LockHeldError
from pingan_analysis.pipeline.lock import project_lock

from pipeline_fakes import lock_held_elsewhere


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Another process holding the lock of ``tmp_path/.pingan`` until killed."""
    state = tmp_path / ".pingan"
    with lock_held_elsewhere(state) as process:
        yield process, state


def test_second_holder_is_refused_with_the_holders_pid(holder) -> None:
    process, state = holder
    with pytest.raises(LockHeldError) as refused, project_lock(state):
        pytest.fail("took a lock another process holds")
    assert f"process {process.pid}" in refused.value.problem
    assert "running since" in refused.value.problem
    assert refused.value.fix and "wait" in refused.value.fix
    assert refused.value.exit_code == 1


def test_lock_of_a_sigkilled_holder_is_free_again(holder) -> None:
    process, state = holder
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with project_lock(state):
        assert f"pid={os.getpid()}" in (state / "lock").read_text()


def test_lock_is_reentrant_within_a_process_and_released_after(tmp_path: Path) -> None:
    state = tmp_path / ".pingan"
    with project_lock(state):
        with project_lock(state):
            pass
        assert _other_process_is_refused(state)
    assert not _other_process_is_refused(state)


def _other_process_is_refused(state: Path) -> bool:
    code = (
        "import sys; from pathlib import Path; from pingan_analysis.pipeline.lock import project_lock\n"
        "from pingan_analysis.exceptions import LockHeldError\n"
        "try:\n    with project_lock(Path(sys.argv[1])): pass\n"
        "except LockHeldError: sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(state)], check=False, timeout=60)
    return done.returncode == 3
