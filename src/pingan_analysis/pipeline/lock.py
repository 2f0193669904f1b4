"""The project lock: one writer at a time, `pingan run` and every command that writes the raw data.

An advisory ``fcntl.flock`` on the project folder itself (the parent of ``.pingan/``). The
operating system releases it when the holding process ends, however it ends (SIGKILL
included), so there is never a stale lock to delete by hand; and since it is held on the
project folder, not on a file inside ``.pingan/``, deleting ``.pingan/`` mid-run does not
release it. ``.pingan/lock`` records who holds it (pid, start, command) for the refusal
message. Stdlib only: the CLI takes the lock before importing anything heavy.

Commands that write under ``data/raw/`` (``pingan add``, corrections, reference edits) take
it through :func:`raw_data_lock`, so none of them runs while another, or a run, is writing.
The lock is re-entrant within a process, so that :func:`pingan_analysis.pipeline.runner.run`
can take it whether or not its caller (the CLI) already holds it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import LockHeldError

LOCK_NAME = "lock"

#: The project folders whose lock this process holds.
_held: set[Path] = set()


@contextmanager
def project_lock(state_dir: Path, command: str = "pingan run") -> Iterator[None]:
    """Hold the project's lock for the duration of the block (``state_dir`` is ``.pingan/``).

    Raises :class:`LockHeldError` at once if another process holds it. ``command`` names the
    holder in the refusal another process gets.
    """
    state_dir = Path(state_dir).resolve()
    root = state_dir.parent
    if root in _held:  # re-entered: the outer block holds the lock and releases it
        yield
        return
    fd = _acquire(root, state_dir / LOCK_NAME)
    _held.add(root)
    try:
        _record_holder(state_dir / LOCK_NAME, command)
        yield
    finally:
        _held.discard(root)
        os.close(fd)


def raw_data_lock(paths: ProjectPaths, command: str) -> AbstractContextManager[None]:
    """The lock every command that writes under ``data/raw/`` holds while it writes.

    It is the run's lock: an add (or a correction, a reference edit) never interleaves with
    another one or with a run reading the raw data. Usage:
    ``with raw_data_lock(paths, "pingan add"): ...``.
    """
    return project_lock(paths.state_dir, command)


def _acquire(root: Path, info: Path) -> int:
    """Open the project folder and lock it without blocking."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise _held_error(info) from None
    return fd


def _record_holder(info: Path, command: str) -> None:
    """Write our pid, start time and command into ``.pingan/lock`` (for the refusal message)."""
    info.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    command_word = command.replace(" ", "_")
    temporary = info.with_name(f".{info.name}.{os.getpid()}")
    temporary.write_text(
        f"pid={os.getpid()} started={stamp} command={command_word}\n", encoding="utf-8"
    )
    os.replace(temporary, info)


def holder(path: Path) -> dict[str, str]:
    """What the lock file says about its holder (``pid``, ``started``, ``command``); empty if unknown."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    found = dict(part.split("=", 1) for part in text.split() if "=" in part)
    if "command" in found:
        found["command"] = found["command"].replace("_", " ")
    return found


def _held_error(path: Path) -> LockHeldError:
    info = holder(path)
    who = f"process {info['pid']}" if "pid" in info else "another process"
    since = f", running since {info['started']}" if "started" in info else ""
    command = info.get("command", "pingan command")
    return LockHeldError(
        f"another `{command}` holds the project lock ({who}{since})",
        where=str(path.parent.parent),
        fix=f"wait for it to finish, or check that {who} is still working "
        "(the lock is released as soon as it exits); nothing was changed",
    )
