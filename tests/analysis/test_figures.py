"""Figure helpers: Chinese labels only with a real CJK font, reproducible PNG and SVG files."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from matplotlib import pyplot as plt

from pingan_analysis.analysis import figures

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _fresh_font_cache() -> None:
    figures.cjk_font_name.cache_clear()
    yield
    figures.cjk_font_name.cache_clear()


def test_city_labels_are_pinyin_unless_chinese_is_on() -> None:
    assert figures.city_label("Qingdao", "青岛市") == "Qingdao"
    assert figures.city_label("Qingdao", "青岛市", chinese=True) == "Qingdao 青岛市"
    assert figures.city_label("Atlantis", "", chinese=True) == "Atlantis"


def test_chinese_labels_are_refused_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(figures, "cjk_font_name", lambda: None)
    assert figures.use_chinese_labels(True) is False
    assert "no CJK font" in caplog.text
    assert figures.use_chinese_labels(None) is False


def test_chinese_labels_put_the_cjk_font_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figures, "cjk_font_name", lambda: "Some CJK Sans")
    monkeypatch.setitem(plt.rcParams, "font.sans-serif", ["DejaVu Sans"])
    assert figures.use_chinese_labels(True) is True
    assert plt.rcParams["font.sans-serif"][0] == "Some CJK Sans"
    assert figures.use_chinese_labels(False) is False


def test_the_font_probe_finds_no_cjk_in_a_latin_only_font_list(monkeypatch: pytest.MonkeyPatch) -> None:
    latin = [entry for entry in figures.font_manager.fontManager.ttflist if "DejaVu" in entry.name]
    monkeypatch.setattr(figures.font_manager.fontManager, "ttflist", latin)
    assert figures.cjk_font_name() is None


def test_figures_are_saved_twice_and_reproducibly(tmp_path: Path) -> None:
    def draw() -> plt.Figure:
        figure, axes = plt.subplots()
        axes.plot([1, 2, 3], [3, 1, 2])
        return figure

    first = figures.save_figure(draw(), "line", tmp_path / "a")
    second = figures.save_figure(draw(), "line", tmp_path / "b")
    assert [p.name for p in first] == ["line.png", "line.svg"]
    assert first[0].read_bytes() == second[0].read_bytes()
    assert "<dc:date>" not in first[1].read_text(encoding="utf-8")
    assert figures.save_figure(draw(), "line", None) == []
