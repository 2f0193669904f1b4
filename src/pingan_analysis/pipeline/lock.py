"""The project lock: one `pingan run` at a time.

An advisory ``fcntl.flock`` on ``.pingan/lock``. The operating system releases it when the
holding process ends, however it ends (SIGKILL included), so there is never a stale lock to
delete by hand. The file also records who holds it, for the refusal message. Stdlib only:
the CLI takes the lock before importing anything heavy.

The lock is re-entrant within a process, so that :func:`pingan_analysis.pipeline.runner.run` can take
it whether or not its caller (the CLI) already holds it.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pingan_analysis.exceptions import LockHeldError

LOCK_NAME = "lock"

#: The lock files this process holds.
_held: set[Path] = set()


@contextmanager
def project_lock(state_dir: Path) -> Iterator[None]:
    """Hold the project's run lock for the duration of the block.

    Raises :class:`LockHeldError` at once if another process holds it.
    """
    path = (Path(state_dir) / LOCK_NAME).resolve()
    if path in _held:  # re-entered: the outer block holds the lock and releases it
        yield
        return
    fd = _acquire(path)
    _held.add(path)
    try:
        yield
    finally:
        _held.discard(path)
        os.close(fd)


def _acquire(path: Path) -> int:
    """Open and lock the file without blocking; write our pid and start time into it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise _held_error(path) from None
    os.ftruncate(fd, 0)
    stamp = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    os.write(fd, f"pid={os.getpid()} started={stamp}\n".encode())
    return fd


def holder(path: Path) -> dict[str, str]:
    """What the lock file says about its holder (``pid``, ``started``); empty if unknown."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    return dict(part.split("=", 1) for part in text.split() if "=" in part)


def _held_error(path: Path) -> LockHeldError:
    info = holder(path)
    who = f"process {info['pid']}" if "pid" in info else "another process"
    since = f", running since {info['started']}" if "started" in info else ""
    return LockHeldError(
        f"another `pingan run` holds the project lock ({who}{since})",
        where=str(path),
        fix=f"wait for that run to finish, or check that {who} is still working "
        "(the lock is released as soon as it exits)",
    )
