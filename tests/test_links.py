"""Links from report numbers to reader-page anchors, and the panel's sources cell read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.exceptions import DataError
from pingan_analysis.links import (
    SourceRef,
    format_sources,
    mention_href,
    parse_sources,
    release_href,
)

release_ids = st.from_regex(
    r"[a-z]{2,10}-20[0-9]{2}-[01][0-9]-[0-3][0-9]-[0-9a-f]{8}", fullmatch=True
)
spans = st.tuples(st.integers(0, 10**6), st.integers(0, 10**4)).map(lambda t: (t[0], t[0] + t[1]))
refs = st.builds(lambda rid, span: SourceRef(rid, *span), release_ids, spans)


def test_href_from_the_notebook_reports_and_from_the_index() -> None:
    assert mention_href("zibo-2021-01-20-abcd1234", 10, 17) == (
        "../releases/zibo-2021-01-20-abcd1234.html#m10-17"
    )
    assert mention_href("zibo-2021-01-20-abcd1234", 10, 17, from_dir="") == (
        "releases/zibo-2021-01-20-abcd1234.html#m10-17"
    )


def test_a_source_label_drops_the_content_hash() -> None:
    assert SourceRef("qingdao-2020-04-08-7042e67b", 1563, 1569).label == "qingdao-2020-04-08 @1563"
    assert SourceRef("my-release", 5, 9).label == "my-release @5"


def test_release_href_is_the_page_without_anchor() -> None:
    assert release_href("laixi-2014-01-01-6004b27d") == "../releases/laixi-2014-01-01-6004b27d.html"
    assert (
        release_href("laixi-2014-01-01-6004b27d", "") == "releases/laixi-2014-01-01-6004b27d.html"
    )


@pytest.mark.parametrize("args", [("x", 5, 4), ("x", -1, 3), ("", 1, 2), ("../x", 1, 2)])
def test_href_refuses_what_could_not_be_an_anchor(args: tuple) -> None:
    with pytest.raises(ValueError):
        mention_href(*args)


def test_href_refuses_an_unknown_folder() -> None:
    with pytest.raises(ValueError, match="from_dir"):
        mention_href("x", 1, 2, from_dir="notebooks")


@given(st.lists(refs, max_size=6), st.sampled_from([";", "; ", " ;  "]))
def test_sources_round_trip(items: list[SourceRef], separator: str) -> None:
    cell = separator.join(f"{r.release_id}:{r.start}-{r.end}" for r in items)
    assert parse_sources(cell) == items
    assert parse_sources(format_sources(items)) == items


@pytest.mark.parametrize("cell", ["qingdao-2020:12", "qingdao:a-b", "qingdao:9-3", "12-14"])
def test_malformed_sources_name_the_item(cell: str) -> None:
    with pytest.raises(DataError, match=r"panel\.csv row 4") as caught:
        parse_sources(f"ok-1:1-2; {cell}", where="panel.csv row 4")
    assert repr(cell) in caught.value.problem


def test_every_source_of_the_built_panel_parses_into_its_release(processed: Path) -> None:
    panel = pd.read_csv(processed / "panel.csv", dtype=str, keep_default_na=False)
    assert len(panel)
    for row in panel.itertuples():
        found = parse_sources(row.sources)
        assert found, f"panel row {row.Index} has no source"
        assert {ref.release_id for ref in found} <= set(row.release_ids.split(";"))
        for ref in found:
            assert ref.href().endswith(f"/{ref.release_id}.html#m{ref.start}-{ref.end}")
