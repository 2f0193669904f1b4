"""reports/index.html, reports/run.json and the provenance of a run."""
from __future__ import annotations

import json
import platform
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill

from pingan_analysis.pipeline import runner
from pingan_analysis.pipeline import index_page
from pingan_analysis.config import ProjectPaths
from pipeline_fakes import built, fake_plan  # built: a fixture


class _Rows(HTMLParser):
    """The index's report table as (link, status) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._in_body = False
        self._in_reports = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._in_reports = dict(attrs).get("id") == "reports"
        if tag == "tbody" and self._in_reports:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "a":
            self.links.append(dict(attrs)["href"])
            if self._in_body:
                self.rows[-1].append(dict(attrs)["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._in_body and self.rows and data.strip() in ("ran", "unchanged"):
            self.rows[-1].append(data.strip())


def _index(paths: ProjectPaths) -> _Rows:
    parser = _Rows()
    parser.feed((paths.reports_dir / "index.html").read_text(encoding="utf-8"))
    return parser


def test_index_lists_every_report_with_its_status_and_working_links(built: ProjectPaths) -> None:
    rows = dict(_index(built).rows)
    expected = {s.report.removeprefix("reports/") for s in fake_plan(built) if s.report}
    assert set(rows) == expected and set(rows.values()) == {"ran"}
    for link in _index(built).links:
        assert (built.reports_dir / link).is_file(), link

    notebook = built.notebooks_dir / "01_count.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[-1].source += "\nprint('edited')"
    nbformat.write(nb, notebook)
    runner.run(built, plan=fake_plan(built), progress=lambda line: None)
    rows = dict(_index(built).rows)
    assert rows.pop("html/01_count.html") == "ran"
    assert set(rows.values()) == {"unchanged"}


def test_index_shows_the_validation_summary_and_links_the_validation_report(
        built: ProjectPaths) -> None:
    page = (built.reports_dir / "index.html").read_text(encoding="utf-8")
    assert '<a href="validation.html">' in page
    assert "5 rows checked in 1 tables; 0 quarantined" in page
    assert '<tr><td>corpus</td><td class="num">5</td><td class="num">0</td><td>none</td></tr>' in page


def test_summary_counts_failed_checks_and_the_panels_conflicts(tmp_path: Path) -> None:
    summary = tmp_path / "validation_summary.json"
    summary.write_text(json.dumps({"rows_checked": 9, "rows_quarantined": 2, "tables": {
        "indicators": {"rows_checked": 9, "rows_failed": 2,
                       "failures": {"unit_fits_codebook": 1, "decline_at_most_100_pct": 1}}}}))
    (tmp_path / "panel.csv").write_text("indicator,conflict\na,true\nb,false\nc,true\n")
    page = index_page.write_index(tmp_path, [], {"run": "now"}, summary).read_text()
    assert "2 quarantined" in page and "2 panel values whose sources conflict" in page
    assert "decline_at_most_100_pct × 1, unit_fits_codebook × 1" in page


def test_summary_values_are_escaped(tmp_path: Path) -> None:
    summary = tmp_path / "validation_summary.json"
    summary.write_text(json.dumps({"tables": {"<script>alert(1)</script>": {"failures": {"a&b": 1}}}}))
    page = index_page.write_index(tmp_path, [], {"run": "now"}, summary).read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page and "a&amp;b" in page


def test_run_json_records_commit_versions_inputs_parameters_and_timings(
        built: ProjectPaths) -> None:
    record = json.loads((built.reports_dir / "run.json").read_text(encoding="utf-8"))
    assert record["git_commit"] is None  # the test project is not a git checkout
    assert record["package_versions"]["papermill"] == papermill.__version__
    assert record["package_versions"]["pingan-analysis"]
    assert record["package_versions"]["scipy"] and record["package_versions"]["cn2an"]
    assert record["environment"]["python"] == platform.python_version()
    assert record["environment"]["uncommitted_changes"] is None  # not a git checkout
    assert "data/raw/releases.csv" in record["inputs"]
    assert any(k.startswith("data/raw/releases/") for k in record["inputs"])
    steps = record["steps"]
    assert set(steps) == {s.name for s in fake_plan(built)}
    assert steps["03_city_qingdao"]["parameters"] == {"city": "Qingdao"}
    assert steps["03_city_qingdao"]["inputs"]["processed/cities/qingdao/corpus.csv"] != ""
    assert {s["status"] for s in steps.values()} == {"ran"}
    assert steps["01_count"]["seconds"] > 0 and steps["01_count"]["last_run"]
    assert record["started"] <= record["finished"]
