"""Shared fixtures: the repository's own seed corpus, and throwaway projects built from it."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
RELEASES_DIR = REPO_ROOT / "data" / "raw" / "releases"
MANIFEST = REPO_ROOT / "data" / "raw" / "releases.csv"


def _manifest_rows() -> list[dict[str, str]]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


SEED_ROWS = _manifest_rows()
SEED_IDS = [row["release_id"] for row in SEED_ROWS]


@pytest.fixture(params=SEED_IDS)
def seed_release(request: pytest.FixtureRequest) -> dict[str, str]:
    """Each seed release's manifest row in turn (parametrises the test over the corpus)."""
    return next(row for row in SEED_ROWS if row["release_id"] == request.param)


def seed_path(city_en: str, published: str | None = None) -> Path:
    """The file of the seed release of a city (and publication date, where a city has two)."""
    rows = [r for r in SEED_ROWS if r["city_en"] == city_en and published in (None, r["published"])]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} seed releases match {city_en} {published or ''}")
    return RELEASES_DIR / rows[0]["file"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's data and notebooks in a temporary folder, set as PINGAN_PROJECT."""
    root = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "data" / "raw", root / "data" / "raw")
    if (REPO_ROOT / "data" / "annotations").exists():
        shutil.copytree(REPO_ROOT / "data" / "annotations", root / "data" / "annotations")
    if (REPO_ROOT / "notebooks").exists():
        shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    monkeypatch.setenv("PINGAN_PROJECT", str(root))
    return root


@pytest.fixture
def processed(project: Path) -> Path:
    """The project's ``data/processed`` with the panel built from ``seed_figures.SEED_INDICATORS``."""
    from seed_figures import built

    built(project)
    return project / "data" / "processed"
