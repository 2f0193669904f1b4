"""Shared fixtures: the seed corpus under ``tests/fixtures/seed_project`` (never the checkout's
``data/raw``, which a user extends), and throwaway projects built from it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
#: A project holding the five seed releases, their manifest, reference table and annotations.
FIXTURE_PROJECT = Path(__file__).resolve().parent / "fixtures" / "seed_project"
RAW_DIR = FIXTURE_PROJECT / "data" / "raw"
RELEASES_DIR = RAW_DIR / "releases"
MANIFEST = RAW_DIR / "releases.csv"
POPULATION = RAW_DIR / "reference" / "population.csv"


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
    """The fixture corpus and the repository's notebooks in a temporary folder, set as
    PINGAN_PROJECT."""
    root = tmp_path / "project"
    shutil.copytree(RAW_DIR, root / "data" / "raw")
    shutil.copytree(FIXTURE_PROJECT / "data" / "annotations", root / "data" / "annotations")
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
