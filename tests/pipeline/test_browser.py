"""The reports in a real headless browser (Debian's chromium): nothing fails, nothing leaves the disk.

Skips, saying why, where chromium or websocket-client is missing (.ci/run installs chromium).
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.links import parse_sources
from pingan_analysis.pipeline import runner
from pingan_analysis.pipeline.steps import data_steps

from browser import Chromium, find_chromium, network_requests, set_window
from pipeline_fakes import built_project, frozen_package, new_project

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (apt-get install chromium; .ci/run does)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("websocket") is None, reason="websocket-client is not installed"
    ),
]

CHECKS = {
    "images": "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)",
    "code_inputs": "document.querySelectorAll('.jp-CodeCell .jp-InputArea').length",
    "footer": "!!document.querySelector('footer')",
    "links": "Array.from(document.links).map(a => a.href)",
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    with frozen_package():
        return built_project(tmp_path_factory.getbasetemp(), tmp_path_factory.mktemp("b") / "p")


def test_index_loads_offline_without_errors_and_links_every_report(
    browser: Chromium, built: ProjectPaths
) -> None:
    page = browser.load((built.reports_dir / "index.html").as_uri(), CHECKS)
    assert page.problems == []
    assert network_requests(page.requests) == []
    links = page.values["links"]
    for name in (
        "html/01_count.html",
        "html/02_figure.html",
        "html/03_city_zibo.html",
        "validation.html",
        "run.json",
    ):
        assert (built.reports_dir / name).as_uri() in links


@pytest.mark.parametrize("name", ["02_figure", "03_city_qingdao"])
def test_report_loads_offline_with_images_and_without_code(
    browser: Chromium, built: ProjectPaths, name: str
) -> None:
    page = browser.load((built.reports_dir / "html" / f"{name}.html").as_uri(), CHECKS)
    assert page.problems == []
    assert network_requests(page.requests) == []
    assert all(page.values["images"])
    assert page.values["code_inputs"] == 0
    assert page.values["footer"] is True
    for link in page.values["links"]:  # the way back to the index and the validation report
        assert Path(unquote(urlsplit(link).path)).is_file(), link


def test_the_harness_sees_failed_requests_and_script_errors(
    browser: Chromium, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><script src="http://127.0.0.1:9/require.js">'
        '</script></head><body><img src="missing.png">'
        "<script>throw new Error('boom')</script></body></html>"
    )
    page = browser.load(bad.as_uri())
    assert network_requests(page.requests) == ["http://127.0.0.1:9/require.js"]
    assert any("request failed" in p for p in page.problems)
    assert any("boom" in p for p in page.problems)
    assert sum("request failed" in p for p in page.problems) == 2


# --- the seed corpus through the real data steps ------------------------------------------------

PAGE_CHECKS = {
    "links": "Array.from(document.links).map(a => a.href)",
    "ids": "Array.from(document.querySelectorAll('[id]')).map(e => e.id)",
    "overflow": "document.documentElement.scrollWidth - document.documentElement.clientWidth",
}
WIDTH = 1024


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The seed corpus built by the real data steps (corpus, validation, panel, reader pages,
    data dictionary); no notebook (their pages are checked on the ``built`` project)."""
    paths = new_project(tmp_path_factory.mktemp("seed") / "project")
    with frozen_package():
        runner.run(paths, plan=data_steps(paths), progress=lambda line: None)
    return paths


@pytest.fixture(scope="module")
def loaded(browser: Chromium, seed: ProjectPaths) -> dict[Path, object]:
    """Every HTML page of the seed's reports, loaded once in a window WIDTH pixels wide."""
    set_window(browser, WIDTH)
    return {
        page: browser.load(page.as_uri(), PAGE_CHECKS)
        for page in sorted(seed.reports_dir.rglob("*.html"))
    }


def test_every_page_loads_offline_without_errors_or_overflow(
    seed: ProjectPaths, loaded: dict
) -> None:
    names = {str(p.relative_to(seed.reports_dir)) for p in loaded}
    assert {"index.html", "validation.html", "data_dictionary.html"} <= names
    assert sum(n.startswith("releases/") for n in names) == 5
    for page, result in loaded.items():
        assert result.problems == [], page.name
        assert network_requests(result.requests) == [], page.name
        assert result.values["overflow"] <= 0, f"{page.name} is wider than {WIDTH} px"


def test_the_study_pages_fit_a_phone(browser: Chromium, seed: ProjectPaths) -> None:
    pages = [
        seed.reports_dir / n for n in ("index.html", "validation.html", "data_dictionary.html")
    ]
    pages += sorted((seed.reports_dir / "releases").glob("*.html"))
    set_window(browser, 390)
    try:
        for page in pages:
            width = browser.load(page.as_uri(), {"overflow": PAGE_CHECKS["overflow"]})
            assert width.values["overflow"] <= 0, f"{page.name} is wider than 390 px"
    finally:
        set_window(browser, WIDTH)


def test_every_link_and_anchor_resolves(seed: ProjectPaths, loaded: dict) -> None:
    ids = {page: set(result.values["ids"]) for page, result in loaded.items()}
    checked = 0
    for page, result in loaded.items():
        for link in result.values["links"]:
            parts = urlsplit(link)
            assert parts.scheme == "file", f"{page.name} links outside the disk: {link}"
            target = Path(unquote(parts.path))
            assert target.is_file(), f"{page.name}: {link}"
            if parts.fragment:  # as the browser looks it up: as written, else percent-decoded
                assert {parts.fragment, unquote(parts.fragment)} & ids[target], (
                    f"{page.name}: {link}"
                )
            checked += 1
    assert checked > 100


def test_every_panel_source_has_its_anchor_in_its_reader_page(
    seed: ProjectPaths, loaded: dict
) -> None:
    with (seed.processed_dir / "panel.csv").open(encoding="utf-8", newline="") as handle:
        refs = [ref for row in csv.DictReader(handle) for ref in parse_sources(row["sources"])]
    assert len(refs) > 50
    for ref in refs:
        page = seed.reports_dir / "releases" / f"{ref.release_id}.html"
        assert f"m{ref.start}-{ref.end}" in loaded[page].values["ids"], ref


def test_a_reader_page_shows_what_was_read_from_a_figure(
    browser: Chromium, seed: ProjectPaths
) -> None:
    with (seed.processed_dir / "panel.csv").open(encoding="utf-8", newline="") as handle:
        ref = parse_sources(next(csv.DictReader(handle))["sources"])[0]
    url = f"{(seed.reports_dir / 'releases' / f'{ref.release_id}.html').as_uri()}#m{ref.start}-{ref.end}"
    shown = "Array.from(document.querySelectorAll('#details-fields dd')).map(d => d.textContent)"
    page = browser.load(
        url,
        {
            "shown": shown,
            "click": (
                "(() => { const a = document.querySelectorAll('a.mention[data-mention]')[1]; a.click();"
                " return [a.textContent, document.querySelector('#details-fields dd').textContent]; })()"
            ),
        },
    )
    assert page.problems == []
    text = (seed.releases_dir / f"{ref.release_id}.txt").read_bytes().decode("utf-8-sig")
    assert page.values["shown"][0] == text[ref.start : ref.end]  # the anchored figure, first field
    assert any(v.startswith("passed") or v.startswith("quarantined") for v in page.values["shown"])
    clicked, first_field = page.values["click"]
    assert clicked == first_field
