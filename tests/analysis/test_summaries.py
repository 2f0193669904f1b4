"""Corpus and mention summaries (notebooks 01 and 02) on the tables of the real seed corpus."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from pingan_analysis.analysis import summaries
from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import DataError
from pingan_analysis.extract.build import build_corpus_tables

from conftest import FIXTURE_PROJECT

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("processed")
    build_corpus_tables(ProjectPaths(FIXTURE_PROJECT), folder)
    return folder


def test_overview_shows_what_ingestion_dropped_per_release(processed: Path) -> None:
    overview = summaries.corpus_overview(processed).set_index("city_en")
    transcript = overview[overview["kind"] == "transcript"].iloc[0]
    # the Qingdao transcript holds its text twice: about half of it is a repeat
    assert transcript["repeat_chars"] / transcript["chars"] == pytest.approx(0.5, abs=0.05)
    assert overview.loc["Laixi", "dropped_share"] == 0
    assert (overview["kept_chars"] <= overview["chars"]).all()


def test_dropped_by_reason_sums_the_blocks(processed: Path) -> None:
    table = summaries.dropped_by_reason(processed)
    blocks = summaries.dropped_blocks(processed)
    assert table["chars"].sum() == (blocks["end"] - blocks["start"]).sum()
    assert set(table["reason"]) == {"repeat", "boilerplate"}


def test_mention_counts_add_up_to_the_mentions_table(processed: Path) -> None:
    wide = summaries.mention_counts(["release_id", "kind"], processed)
    by_unit = summaries.mention_counts(["unit"], processed)
    total = len(summaries.processed_table("mentions", processed))
    assert wide.to_numpy().sum() == by_unit["mentions"].sum() == total
    coverage = summaries.indicator_coverage(processed)
    assert coverage["mentions"].sum() == total
    assert ((coverage["mapped_share"] >= 0) & (coverage["mapped_share"] <= 1)).all()


def test_the_chart_is_saved_as_png_and_svg(processed: Path, tmp_path: Path) -> None:
    figure = summaries.plot_mentions_by_release(processed, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mentions_by_release.png",
        "mentions_by_release.svg",
    ]
    assert len(figure.axes[0].get_yticklabels()) == 5


def test_a_missing_table_says_to_build_the_tables_first(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="pingan run"):
        summaries.corpus_overview(tmp_path)


def test_the_reading_tables_link_releases_and_format_numbers(processed: Path) -> None:
    table = summaries.corpus_table(processed)
    overview = summaries.corpus_overview(processed)
    assert len(table) == len(overview)
    assert table["Release"].str.startswith('<a href="../releases/').all()
    assert table["Characters"].tolist() == [f"{n:,}" for n in overview["chars"]]
    assert table["Published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    blocks = summaries.dropped_blocks_table(processed)
    assert not blocks["First words"].str.contains(r"\\n|\n", regex=True).any()
    counts = summaries.mention_counts_table(["release_id", "kind"], processed)
    assert "Release" in counts.columns and "count" in counts.columns


def test_the_legend_sits_beside_the_bars(processed: Path) -> None:
    figure = summaries.plot_mentions_by_release(processed)
    figure.canvas.draw()
    axes = figure.axes[0]
    legend = axes.get_legend().get_window_extent()
    assert legend.x0 >= axes.get_window_extent().x1
