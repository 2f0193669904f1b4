"""The version is written once (the package's ``__version__``) and every place reads it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata

import yaml

import pingan_analysis

from conftest import REPO_ROOT


def test_the_command_and_the_module_print_the_package_version() -> None:
    for argv in (
        [sys.executable, "-m", "pingan_analysis", "--version"],
        [str(REPO_ROOT / ".venv" / "bin" / "pingan"), "--version"],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=REPO_ROOT)
        assert done.stdout.strip() == f"pingan {pingan_analysis.__version__}"


def test_installed_metadata_and_citation_carry_the_same_version() -> None:
    assert metadata.version("pingan-analysis") == pingan_analysis.__version__
    citation = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == pingan_analysis.__version__


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/pingan_analysis/__init__.py"


def test_the_changelog_has_a_section_for_the_version() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{pingan_analysis.__version__}]" in changelog
