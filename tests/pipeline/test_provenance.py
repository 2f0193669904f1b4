"""What a run records about its code and machine."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

from pingan_analysis.pipeline import provenance

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]


def _checkout(root: Path) -> str:
    subprocess.run([*GIT, "init", "-q", str(root)], check=True)
    (root / "a").write_text("a")
    subprocess.run([*GIT, "-C", str(root), "add", "a"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-qm", "a"], check=True)
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_git_commit_of_a_checkout(tmp_path: Path) -> None:
    head = _checkout(tmp_path)
    assert provenance.git_commit(tmp_path) == head
    assert provenance.git_commit(tmp_path / "nowhere") is None


def test_uncommitted_changes_are_told_apart_from_a_clean_tree(tmp_path: Path) -> None:
    _checkout(tmp_path)
    assert provenance.uncommitted_changes(tmp_path) is False
    (tmp_path / "a").write_text("edited")
    assert provenance.uncommitted_changes(tmp_path) is True
    assert provenance.uncommitted_changes(tmp_path / "nowhere") is None


def test_environment_names_python_and_platform(tmp_path: Path) -> None:
    record = provenance.environment(tmp_path)
    assert record["python"] == platform.python_version()
    assert record["platform"] == platform.platform()


def test_every_number_shaping_package_has_a_version() -> None:
    versions = provenance.package_versions()
    for name in ("pandas", "numpy", "pandera", "statsmodels", "scipy", "cn2an", "pypinyin"):
        assert versions[name], name
