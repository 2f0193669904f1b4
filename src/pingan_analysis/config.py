"""Where things are: the project root and the paths below it.

The project is the first folder, from the working directory upward, that holds
``data/raw/releases.csv``; ``PINGAN_PROJECT`` overrides the search. It is never found from
the installed package's location. This module imports nothing heavy: the CLI reads it
before taking the run lock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pingan_analysis.exceptions import UsageError

PROJECT_ENV_VAR = "PINGAN_PROJECT"
MANIFEST_RELATIVE = Path("data/raw/releases.csv")
PACKAGE_DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_CODEBOOK = PACKAGE_DATA_DIR / "codebook.csv"


@dataclass(frozen=True)
class ProjectPaths:
    """Every path of a project, derived from its root."""

    root: Path

    @property
    def raw_dir(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def releases_dir(self) -> Path:
        return self.raw_dir / "releases"

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST_RELATIVE

    @property
    def reference_dir(self) -> Path:
        return self.raw_dir / "reference"

    @property
    def population(self) -> Path:
        return self.reference_dir / "population.csv"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "data" / "annotations"

    @property
    def processed_dir(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def state_dir(self) -> Path:
        """Run state (lock, staging, step keys); git-ignored."""
        return self.root / ".pingan"

    @property
    def codebook(self) -> Path:
        """The project's own codebook if it has one, else the one shipped with the package."""
        own = self.raw_dir / "codebook.csv"
        return own if own.exists() else DEFAULT_CODEBOOK


def find_project_root(start: Path | None = None) -> Path:
    """Return the project root: ``$PINGAN_PROJECT``, else the first ancestor holding the manifest."""
    env = os.environ.get(PROJECT_ENV_VAR)
    if env:
        root = Path(env).expanduser().resolve()
        if not (root / MANIFEST_RELATIVE).is_file():
            raise UsageError(
                f"{PROJECT_ENV_VAR}={env} holds no {MANIFEST_RELATIVE}",
                fix=f"point {PROJECT_ENV_VAR} at a pingan-analysis project, or unset it",
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST_RELATIVE).is_file():
            return folder
    raise UsageError(
        f"no pingan-analysis project here: no {MANIFEST_RELATIVE} in {here} or any folder above it",
        fix=f"run the command inside a project checkout, or set {PROJECT_ENV_VAR}",
    )


def project_paths(start: Path | None = None) -> ProjectPaths:
    """The paths of the project found from ``start`` (default: the working directory)."""
    return ProjectPaths(find_project_root(start))
