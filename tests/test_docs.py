"""The documentation site builds in strict mode (a broken link or reference fails it), and its
data dictionary and codebook pages are rendered from the registry and the codebook file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pingan_analysis.registry import TABLES

from conftest import REPO_ROOT

MKDOCS = Path(sys.executable).with_name("mkdocs")
SITE_FILES = ("mkdocs.yml", "docs", "src", "CHANGELOG.md", "CONTRIBUTING.md")


def _build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    if not MKDOCS.exists():
        pytest.skip("mkdocs is not installed in this environment (make test installs it)")
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = _build(REPO_ROOT, site)
    assert done.returncode == 0, done.stderr
    return site


def test_the_data_dictionary_lists_every_table_and_column(site: Path) -> None:
    page = (site / "reference" / "data-dictionary.html").read_text(encoding="utf-8")
    for table in TABLES.values():
        assert f'id="{table.name}"' in page, table.name
        for column in table.columns:
            assert f"<code>{column.name}</code>" in page, (table.name, column.name)


def test_the_codebook_page_lists_every_indicator(site: Path) -> None:
    from pingan_analysis.config import DEFAULT_CODEBOOK
    from pingan_analysis.corpus.codebook import load_codebook

    page = (site / "reference" / "codebook.html").read_text(encoding="utf-8")
    for indicator in load_codebook(DEFAULT_CODEBOOK).indicators:
        assert f"<code>{indicator.id}</code>" in page, indicator.id


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and '<script src="http' not in html, page


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    for name in SITE_FILES:
        source = REPO_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    guide = tmp_path / "docs" / "guide" / "commands.md"
    guide.write_text(
        guide.read_text(encoding="utf-8") + "\nSee [a page](no-such-page.md).\n", encoding="utf-8"
    )
    done = _build(tmp_path, tmp_path / "site")
    assert done.returncode != 0
    assert "no-such-page.md" in done.stderr
