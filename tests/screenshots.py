"""``make screenshots``: PNGs of the reports for a person to look at, taken by headless chromium.

Writes ``reports/screenshots/``: the index, notebook 05, one city profile (whole pages, 1280 px
wide) and one reader page opened at a panel value's source, with that figure's details shown.
Exits 1, naming the page, when a page fails a request or a script, or reaches the network.
Usage: ``python tests/screenshots.py [REPORTS_DIR]`` (default ``reports``).
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from browser import Chromium, find_chromium, network_requests

WIDTH = 1280


def _first(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise SystemExit(f"no {folder / pattern}: run `make report` first")
    return found[0]


def _reader_url(reports: Path) -> str:
    """The reader page of the panel's first sourced value, opened at its figure."""
    panel = reports.parent / "data" / "processed" / "panel.csv"
    with panel.open(encoding="utf-8", newline="") as handle:
        sources = next(row["sources"] for row in csv.DictReader(handle) if row["sources"])
    release_id, span = sources.split(";")[0].strip().rsplit(":", 1)
    page = reports / "releases" / f"{release_id}.html"
    if not page.is_file():
        raise SystemExit(f"no {page}: run `make report` first")
    return f"{page.resolve().as_uri()}#m{span}"


def main(reports: Path) -> int:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    shots = [
        ("index", (reports / "index.html").resolve().as_uri(), True),
        (
            "05_crime_vs_grid_density",
            _first(reports / "html", "05_*.html").resolve().as_uri(),
            True,
        ),
        ("city_profile", _first(reports / "html", "06_*.html").resolve().as_uri(), True),
        ("reader_page", _reader_url(reports), False),
    ]
    out, failed = reports / "screenshots", 0
    with tempfile.TemporaryDirectory() as profile, Chromium(chromium, Path(profile)) as browser:
        for name, url, full_page in shots:
            page = browser.screenshot(url, out / f"{name}.png", width=WIDTH, full_page=full_page)
            online = network_requests(page.requests)
            for problem in [*page.problems, *(f"network request: {u}" for u in online)]:
                print(f"{name}: {problem}", file=sys.stderr)
                failed += 1
            print(out / f"{name}.png")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("reports")))
