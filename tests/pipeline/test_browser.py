"""The reports in a real headless browser (Debian's chromium): nothing fails, nothing leaves the disk.

Skips, saying why, where chromium or websocket-client is missing (.ci/run installs chromium).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from browser import Chromium, find_chromium
from pingan_analysis.config import ProjectPaths
from pipeline_fakes import built_project, frozen_package

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                       "(apt-get install chromium; .ci/run does)"),
    pytest.mark.skipif(importlib.util.find_spec("websocket") is None,
                       reason="websocket-client is not installed"),
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


def _offline(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith(("file://", "data:"))]


def test_index_loads_offline_without_errors_and_links_every_report(
        browser: Chromium, built: ProjectPaths) -> None:
    page = browser.load((built.reports_dir / "index.html").as_uri(), CHECKS)
    assert page.problems == []
    assert _offline(page.requests) == []
    links = page.values["links"]
    for name in ("html/01_count.html", "html/02_figure.html", "html/03_city_zibo.html",
                 "validation.html", "run.json"):
        assert (built.reports_dir / name).as_uri() in links


@pytest.mark.parametrize("name", ["02_figure", "03_city_qingdao"])
def test_report_loads_offline_with_images_and_without_code(
        browser: Chromium, built: ProjectPaths, name: str) -> None:
    page = browser.load((built.reports_dir / "html" / f"{name}.html").as_uri(), CHECKS)
    assert page.problems == []
    assert _offline(page.requests) == []
    assert all(page.values["images"])
    assert page.values["code_inputs"] == 0
    assert page.values["footer"] is True


def test_the_harness_sees_failed_requests_and_script_errors(browser: Chromium,
                                                             tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><script src="http://127.0.0.1:9/require.js">'
                   "</script></head><body><img src=\"missing.png\">"
                   "<script>throw new Error('boom')</script></body></html>")
    page = browser.load(bad.as_uri())
    assert _offline(page.requests) == ["http://127.0.0.1:9/require.js"]
    assert any("request failed" in p for p in page.problems)
    assert any("boom" in p for p in page.problems)
    assert sum("request failed" in p for p in page.problems) == 2
