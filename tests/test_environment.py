"""environment.yml (for conda users) names the same dependencies, with the same bounds, as pyproject.toml."""
from __future__ import annotations

import re
import tomllib

from conftest import REPO_ROOT

def _normalised(name: str) -> str:
    """Package names compared as PEP 503 does (conda spells jupyter_client, PyPI jupyter-client)."""
    return re.sub(r"[-_.]+", "-", name).lower()


REQUIREMENT = re.compile(r"^\s*-\s+([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*([<>=!~][^#\s]*)?")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    parsed = {}
    for requirement in requirements:
        name, _extras, bound = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?(.*)", requirement).groups()
        parsed[_normalised(name)] = bound.strip()
    return parsed


def _environment_requirements() -> dict[str, str]:
    text = (REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    parsed = {}
    for line in text.partition("\ndependencies:")[2].splitlines():
        match = REQUIREMENT.match(line)
        if match and match.group(1) not in {"python", "pip", "-e"}:
            parsed[_normalised(match.group(1))] = match.group(3) or ""
    return parsed


def test_environment_yml_lists_every_dependency_of_pyproject_with_the_same_bounds() -> None:
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_yml_installs_the_package_itself() -> None:
    assert re.search(r"^\s*-\s+-e \.\s*$", (REPO_ROOT / "environment.yml").read_text(), re.M)
