"""reports/index.html, reports/run.json and the provenance of a run."""

from __future__ import annotations

import json
import platform
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.pipeline import index_page, runner

from pipeline_fakes import built, fake_plan  # noqa: F401 (built: a fixture taken by name)


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
    built: ProjectPaths,
) -> None:
    page = (built.reports_dir / "index.html").read_text(encoding="utf-8")
    assert '<a href="validation.html">' in page
    assert "5 rows checked in 1 table;\n<strong>0 quarantined</strong>" in page
    assert (
        '<tr><td>corpus</td><td class="num">5</td><td class="num">0</td><td>none</td>'
        "<td>none</td></tr>"
    ) in page
    assert page.count("<style>") == 1 and "body.pingan" in page  # the shared stylesheet


def _summary(folder: Path, **tables: dict) -> Path:
    summary = folder / "validation_summary.json"
    summary.write_text(json.dumps({"rows_checked": 9, "rows_quarantined": 2, "tables": tables}))
    return summary


def test_summary_counts_failed_checks_and_the_panels_conflicts(tmp_path: Path) -> None:
    summary = _summary(
        tmp_path,
        indicators={
            "rows_checked": 9,
            "rows_failed": 2,
            "failures": {"unit_fits_codebook": 1, "decline_at_most_100_pct": 1},
        },
    )
    (tmp_path / "panel.csv").write_text("indicator,conflict\na,true\nb,false\nc,true\n")
    page = index_page.write_index(tmp_path, [], {"run": "now"}, summary).read_text()
    assert (
        "<strong>2 quarantined</strong>" in page and "2 panel values whose sources conflict" in page
    )
    assert "decline_at_most_100_pct × 1, unit_fits_codebook × 1" in page


def test_summary_values_are_escaped(tmp_path: Path) -> None:
    summary = tmp_path / "validation_summary.json"
    summary.write_text(
        json.dumps({"tables": {"<script>alert(1)</script>": {"failures": {"a&b": 1}}}})
    )
    page = index_page.write_index(tmp_path, [], {"run": "now"}, summary).read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page and "a&amp;b" in page


MANIFEST = """release_id,file,city_zh,city_en,province,admin_level,published,period_start,period_end,kind,outlet,title,source_url,sha256,note
qd-1,qd-1.txt,青岛市,Qingdao,山东,prefecture,2020-04-08,2019-01-01,2019-12-31,transcript,,t,,,
qd-2,qd-2.txt,青岛市,Qingdao,山东,prefecture,2021-01-05,2020-01-01,2020-12-31,news_report,,t,,,
zb-1,zb-1.txt,<b>淄博市</b>,Zibo,山东,prefecture,2022-10-14,2018-01-01,2022-10-14,news_report,,t,,,
"""
PANEL = """city_zh,city_en,period_start,period_end,indicator,kind,value,lower,upper,unit,conflict,sources
青岛市,Qingdao,2019-01-01,2019-12-31,criminal_police_incidents,change_pct,-13.5,-13.5,-13.5,%,false,qd-1:3564-3569;qd-2:10-15
青岛市,Qingdao,2019-12-31,2019-12-31,grid_cells,count,29000,29000,30000,个,false,qd-1:1541-1547
青岛市,Qingdao,2019-12-31,2019-12-31,legal_aid_cases,count,12,12,12,件,false,qd-1:5-7
"""


@pytest.fixture
def front(tmp_path: Path) -> tuple[ProjectPaths, str]:
    """A project's live folders with a manifest, a panel and some downloads, and its index."""
    paths = ProjectPaths(tmp_path)
    paths.raw_dir.mkdir(parents=True)
    paths.manifest.write_text(MANIFEST, encoding="utf-8")
    paths.processed_dir.mkdir(parents=True)
    (paths.processed_dir / "panel.csv").write_text(PANEL, encoding="utf-8")
    (paths.processed_dir / "panel.dta").write_bytes(b"x" * 2048)
    (paths.processed_dir / "mentions.csv").write_text(
        "release_id,start,end,text\nqd-1,3564,3569,13.5%\nqd-1,1541,1547,2.9万多个\n",
        encoding="utf-8",
    )
    (paths.processed_dir / "datapackage.json").write_text(
        json.dumps(
            {"indicators": [{"id": "grid_cells", "name_en": "grid cells", "name_zh": "网格"}]}
        ),
        encoding="utf-8",
    )
    (paths.reports_dir / "releases").mkdir(parents=True)
    for release in ("qd-1", "zb-1"):
        (paths.reports_dir / "releases" / f"{release}.html").write_text("page", encoding="utf-8")
    entries = [index_page.IndexEntry("Overview <i>", "html/04.html", "ran", "now", 1.25)]
    summary = _summary(paths.processed_dir)
    page = index_page.write_index(paths.reports_dir, entries, {"run": "now"}, summary, paths)
    return paths, page.read_text(encoding="utf-8")


def test_front_page_shows_what_the_corpus_covers(front: tuple[ProjectPaths, str]) -> None:
    _, page = front
    assert "3 releases from\n2 cities, reporting on\n2018–2022" in page
    assert '<a href="releases/qd-1.html">2020-04-08</a>' in page
    assert "2021-01-05 · news_report" in page and 'href="releases/qd-2.html"' not in page
    assert "&lt;b&gt;淄博市&lt;/b&gt;" in page and "<b>" not in page
    grid = page[page.index('class="periods"') :]
    qingdao = grid[grid.index("<td>Qingdao</td>") :].split("</tr>")[0]
    assert qingdao.count('class="num covered">1<') == 2  # 2019 and 2020 of 2018–2022


def test_headline_figures_are_signed_and_link_their_mentions(
    front: tuple[ProjectPaths, str],
) -> None:
    _, page = front
    headline = page[page.index('class="headline"') : page.index('id="validation"')]
    assert "▼ 13.5% down" in headline and "29,000 个" in headline and "29,000–30,000 个" in headline
    assert (
        '<a href="releases/qd-1.html#m3564-3569" title="qd-1:3564-3569">2020-04-08: 13.5%</a>'
        in headline
    )
    assert "2021-01-05" in headline and "releases/qd-2.html" not in headline  # no page: no link
    assert "grid cells (网格)" in headline and "legal_aid_cases" not in headline


def test_downloads_list_the_tables_this_run_has(front: tuple[ProjectPaths, str]) -> None:
    _, page = front
    downloads = page[page.index('id="downloads"') : page.index('id="reports"')]
    assert '<a href="../data/processed/panel.csv">panel.csv</a>' in downloads
    assert (
        '<a href="../data/processed/panel.dta">panel.dta</a> <span class="muted">(2.0 KB)</span>'
        in downloads
    )
    assert "panel.parquet" not in downloads and "data_dictionary.html" not in downloads


def test_report_titles_are_escaped(front: tuple[ProjectPaths, str]) -> None:
    _, page = front
    assert '<a href="html/04.html">Overview &lt;i&gt;</a>' in page and "1.2 s" in page


def test_run_json_records_commit_versions_inputs_parameters_and_timings(
    built: ProjectPaths,
) -> None:
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
