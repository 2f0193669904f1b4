"""environment.yml (for conda users) pins exactly what uv.lock pins, and is written by its script."""

from __future__ import annotations

import importlib.util
import re
import tomllib

import pytest
import yaml

from conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "write_environment.py"


def _script():
    spec = importlib.util.spec_from_file_location("write_environment", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _normalised(name: str) -> str:
    """Package names compared as PEP 503 does."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip_pins() -> dict[str, str]:
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    pins = {}
    for requirement in pip:
        if requirement != "-e .":
            name, version = re.match(r"([A-Za-z0-9_.\-]+)==([^ ;]+)", requirement).groups()
            pins[_normalised(name)] = version
    return pins


def test_environment_yml_is_what_the_lock_gives() -> None:
    script = _script()
    if not script.UV.exists():
        pytest.skip("uv is not in .venv (make test installs it)")
    expected = script.environment_text(script.locked_requirements())
    assert (REPO_ROOT / "environment.yml").read_text(encoding="utf-8") == expected, (
        "environment.yml is out of date: run `make environment`"
    )


def test_every_direct_dependency_is_pinned_to_the_locked_version() -> None:
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = {_normalised(p["name"]): p["version"] for p in lock["package"] if "version" in p}
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = [
        re.match(r"[A-Za-z0-9_.\-]+", r).group(0)
        for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]
    pins = _pip_pins()
    for name in map(_normalised, direct):
        assert pins.get(name) == locked[name], name


def test_environment_yml_installs_the_package_itself() -> None:
    assert re.search(r"^\s*-\s+-e \.\s*$", (REPO_ROOT / "environment.yml").read_text(), re.M)
