"""Write environment.yml, for conda users, from uv.lock's exact versions.

The reproducible install is `make test` / `make report` (uv installs uv.lock). Conda users get the
same packages at the same versions: conda-forge gives Python and pip, and pip installs every
locked package, pinned exactly (conda-forge builds lag PyPI and some packages are PyPI-only, so
pinning them as conda packages could not promise the lock's versions). `--check` exits 1 when the
committed file differs from what the lock gives (`make lint` runs it; so does a test).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = ROOT / "environment.yml"
UV = ROOT / ".venv" / "bin" / "uv"
HEADER = """\
# Written by scripts/write_environment.py from uv.lock (`make environment`); do not edit by hand.
# For conda users: `conda env create -f environment.yml && conda activate pingan-analysis`.
# Every package is pinned to uv.lock's version and installed by pip, so the environment is the
# one `make test` builds; the markers leave out what another platform or Python version needs.
name: pingan-analysis
channels:
  - conda-forge
dependencies:
  - python>=3.11
  - pip
  - pip:
"""


def locked_requirements(uv: Path = UV) -> list[str]:
    """Every package of uv.lock (main and dev), pinned, with its platform markers."""
    exported = subprocess.run(
        [
            str(uv),
            "export",
            "--frozen",
            "--no-hashes",
            "--extra",
            "dev",
            "--no-emit-project",
            "--no-header",
            "--no-annotate",
            "--format",
            "requirements.txt",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        line.strip()
        for line in exported.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def environment_text(requirements: list[str]) -> str:
    lines = [f"      - {_quoted(requirement)}" for requirement in requirements]
    return HEADER + "\n".join([*lines, "      - -e ."]) + "\n"


def _quoted(requirement: str) -> str:
    """A requirement as a YAML scalar: quoted when a marker holds YAML's special characters."""
    return f'"{requirement}"' if any(c in requirement for c in ":#'\"") else requirement


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if environment.yml is not what uv.lock gives"
    )
    args = parser.parse_args(argv)
    expected = environment_text(locked_requirements())
    if args.check:
        if ENVIRONMENT.read_text(encoding="utf-8") != expected:
            print(
                "environment.yml is out of date with uv.lock: run `make environment`",
                file=sys.stderr,
            )
            return 1
        return 0
    ENVIRONMENT.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
