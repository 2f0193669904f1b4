"""One exception family. Every error a user can cause says where, what, and how to fix it.

The CLI maps :class:`DataError` to exit code 1 and :class:`UsageError` to exit code 2.
"""

from __future__ import annotations


class PinganError(Exception):
    """Base class of the package's own errors."""

    exit_code = 1

    def __init__(self, problem: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.problem = problem
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{self.where}: {self.problem}" if self.where else self.problem
        return f"{head}\n  fix: {self.fix}" if self.fix else head


class DataError(PinganError):
    """Invalid or refused input data (exit code 1)."""


class UsageError(PinganError):
    """Wrong use of a command: a missing or malformed option (exit code 2)."""

    exit_code = 2


class LockHeldError(PinganError):
    """Another `pingan run` holds the project lock (exit code 1)."""


class StepFailedError(PinganError):
    """A pipeline step or notebook failed (exit code 1)."""


class ResourceError(PinganError):
    """The machine refused: a full disk, a file that cannot be read (exit code 1)."""
