"""Reader pages: the release text as decoded, every mention highlighted and anchored, escaped."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.config import ProjectPaths
from pingan_analysis.extract.build import build_corpus_tables
from pingan_analysis.pipeline.reader_pages import anchor, blocks, write_reader_pages
from pingan_analysis.pipeline.steps import data_steps
from pingan_analysis.registry import MANIFEST_COLUMNS
from pingan_analysis.validate.run import validate_tables

from conftest import FIXTURE_PROJECT

TEXT = (
    "<b>青岛市</b>2019年刑事警情下降13.5%,全市共划分网格2.9万多个。\r\n"
    "<script>alert(1)</script>命案比峰值下降255%。\r\n"
    "全市共划分网格2.9万多个,配备专职网格员5800名。\r\n"
    "全市共划分网格2.9万多个,配备专职网格员5800名。\r\n"
)
SHA256 = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
RELEASE_ID = f"qingdao-2020-01-10-{SHA256[:8]}"


class _Page(HTMLParser):
    """A reader page's anchors, the text of its release-text element and its mention data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.anchor_text: dict[str, str] = {}
        self.classes: dict[str, str] = {}
        self.text, self.data, self.dropped_titles = "", "", []
        self._depth = 0  # inside div.release-text: element depth
        self._open: list[str | None] = []
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if "id" in attr:
            self.ids.append(attr["id"] or "")
        if self._depth:
            self._depth += 1
            mention = attr.get("id") if tag == "a" else None
            self._open.append(mention)
            if mention:
                self.anchor_text[mention] = ""
                self.classes[mention] = attr.get("class") or ""
            if "dropped" in (attr.get("class") or "").split():
                self.dropped_titles.append(attr.get("title") or "")
        elif tag == "div" and attr.get("class") == "release-text":
            self._depth = 1
        self._in_data = attr.get("id") == "mention-data"

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1
            if self._open:
                self._open.pop()
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data += data
        if not self._depth:
            return
        if self._open and any(self._open) and self._open[-1] is not None:
            self.anchor_text[self._open[-1]] += data
        # the reason labels of dropped blocks are not release text
        if not self.dropped_titles or not data.startswith("dropped: "):
            self.text += data


def _make_project(root: Path, source_url: str = "javascript:alert(1)") -> ProjectPaths:
    paths = ProjectPaths(root)
    shutil.copytree(FIXTURE_PROJECT / "data" / "raw" / "reference", paths.reference_dir)
    paths.releases_dir.mkdir(parents=True)
    (paths.releases_dir / f"{RELEASE_ID}.txt").write_bytes(TEXT.encode("utf-8"))
    row = dict.fromkeys(MANIFEST_COLUMNS, "")
    row.update(
        release_id=RELEASE_ID,
        file=f"{RELEASE_ID}.txt",
        city_zh="青岛市",
        city_en="Qingdao",
        province="山东",
        admin_level="prefecture",
        published="2020-01-10",
        period_start="2019-01-01",
        period_end="2019-12-31",
        kind="news_report",
        title="测试 <i>标题</i>",
        source_url=source_url,
        sha256=SHA256,
    )
    with paths.manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    paths.processed_dir.mkdir(parents=True)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    validate_tables(paths, paths.processed_dir)
    return paths


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    return _make_project(tmp_path_factory.mktemp("reader") / "project")


def _page(paths: ProjectPaths, out: Path) -> tuple[str, _Page]:
    [page] = write_reader_pages(paths, paths.processed_dir, out)
    assert page == out / f"{RELEASE_ID}.html"
    html = page.read_bytes().decode("utf-8")  # line ends untouched
    parsed = _Page()
    parsed.feed(html)
    return html, parsed


def _mentions(paths: ProjectPaths) -> list[dict[str, str]]:
    with (paths.processed_dir / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_mention_is_anchored_once_on_its_own_characters(
    paths: ProjectPaths, tmp_path: Path
) -> None:
    _, page = _page(paths, tmp_path)
    mentions = _mentions(paths)
    assert len(mentions) >= 5
    for m in mentions:
        key = anchor(int(m["start"]), int(m["end"]))
        assert page.ids.count(key) == 1
        assert page.anchor_text[key] == m["text"] == TEXT[int(m["start"]) : int(m["end"])]


def test_the_text_is_shown_whole_and_escaped(paths: ProjectPaths, tmp_path: Path) -> None:
    html, page = _page(paths, tmp_path)
    assert page.text == TEXT  # line ends too: the offsets count them
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    assert "<b>" not in html and "&lt;i&gt;标题&lt;/i&gt;" in html
    assert 'href="javascript:' not in html  # only http(s) addresses become links
    assert "<script src" not in html and "http://" not in html and "https://" not in html


def test_dropped_blocks_are_greyed_with_their_reason(paths: ProjectPaths, tmp_path: Path) -> None:
    _, page = _page(paths, tmp_path)
    with (paths.processed_dir / "dropped_blocks.csv").open(encoding="utf-8") as handle:
        reasons = [row["reason"] for row in csv.DictReader(handle)]
    assert "repeat" in reasons
    assert len(page.dropped_titles) == len(reasons)
    assert any("repeated copy" in title for title in page.dropped_titles)


def test_a_quarantined_figure_is_marked_with_its_check(paths: ProjectPaths, tmp_path: Path) -> None:
    _, page = _page(paths, tmp_path)
    data = {m["id"]: m for m in json.loads(page.data)}
    [bad] = [m for m in _mentions(paths) if m["text"] == "255%"]
    key = anchor(int(bad["start"]), int(bad["end"]))
    assert "quarantined" in page.classes[key].split()
    fields = dict(map(tuple, data[key]["fields"]))
    assert fields["validation"].startswith("quarantined")
    assert "decline_at_most_100_pct" in fields["failure"]
    good = next(m for m in _mentions(paths) if m["text"] == "13.5%")
    good_fields = dict(map(tuple, data[anchor(int(good["start"]), int(good["end"]))]["fields"]))
    assert good_fields["validation"] == "passed every check"
    assert good_fields["direction"] == "▼ down" and good_fields["kind"] == "change_pct"
    assert "subject" in good_fields and good_fields["corrected"] == "no"


def test_subject_and_corrections_show_when_the_tables_have_them(
    paths: ProjectPaths, tmp_path: Path
) -> None:
    project = tmp_path / "copy"
    shutil.copytree(paths.root, project)
    copy = ProjectPaths(project)
    rows = _mentions(copy)
    for row in rows:
        row["subject"] = "专职网格员" if row["text"] == "5800名" else ""
        row["corrected"] = "true" if row["text"] == "5800名" else "false"
    with (copy.processed_dir / "mentions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    target = next(r for r in rows if r["text"] == "5800名")
    (copy.raw_dir / "corrections.csv").write_text(
        "release_id,start,end,field,value,reason,author,date\n"
        f"{RELEASE_ID},{target['start']},{target['end']},indicator,grid_workers_full_time,"
        "专职 <i>only</i>,Li,2024-05-01\n",
        encoding="utf-8",
    )
    html, page = _page(copy, tmp_path / "out")
    key = anchor(int(target["start"]), int(target["end"]))
    fields = dict(map(tuple, {m["id"]: m for m in json.loads(page.data)}[key]["fields"]))
    assert fields["subject"] == "专职网格员" and fields["corrected"] == "yes"
    assert (
        fields["correction"]
        == "indicator set to grid_workers_full_time: 专职 <i>only</i> (Li, 2024-05-01)"
    )
    assert "corrected" in page.classes[key].split()
    assert "<i>only" not in html  # the JSON is escaped for HTML too


def test_pages_of_removed_releases_are_deleted(paths: ProjectPaths, tmp_path: Path) -> None:
    (tmp_path / "gone-2020-01-01-00000000.html").write_text("old", encoding="utf-8")
    _page(paths, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{RELEASE_ID}.html"]


def test_the_step_writes_one_page_per_release(paths: ProjectPaths) -> None:
    [step] = [s for s in data_steps(paths) if s.name == "reader_pages"]
    assert step.writes == (f"reports/releases/{RELEASE_ID}.html",)
    assert set(step.reads) >= {
        "processed/mentions.csv",
        "processed/dropped_blocks.csv",
        "processed/validation_failures.csv",
    }


_spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=12)


@given(text=st.text(min_size=1, max_size=60), mention_spans=_spans, dropped_spans=_spans)
def test_blocks_keep_every_character_and_anchor_every_mention_once(
    text: str, mention_spans: list[tuple[int, int]], dropped_spans: list[tuple[int, int]]
) -> None:
    mentions = [
        {"start": s, "end": min(s + n, len(text)), "id": anchor(s, min(s + n, len(text)))}
        for s, n in mention_spans
        if s < len(text)
    ]
    mentions = list({m["id"]: m for m in mentions}.values())
    dropped = [{"start": s, "end": s + n, "reason": "repeat"} for s, n in dropped_spans]
    cut = blocks(text, mentions, dropped)
    assert "".join(p.text for b in cut for p in b.pieces) == text
    anchors = [p.mention["id"] for b in cut for p in b.pieces if p.mention and p.first]
    anchors += [hidden for b in cut for p in b.pieces for hidden in p.also]
    assert sorted(anchors) == sorted(m["id"] for m in mentions)
    at = 0
    for b in cut:
        for p in b.pieces:
            if p.mention:  # a highlighted piece lies inside its mention's span
                assert p.mention["start"] <= at and at + len(p.text) <= p.mention["end"]
            at += len(p.text)
