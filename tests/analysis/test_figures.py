"""Figure helpers: the bundled CJK font draws Chinese after seaborn's theme; reproducible files."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import seaborn as sns
from matplotlib import font_manager
from matplotlib import pyplot as plt

from pingan_analysis.analysis import figures

matplotlib.use("Agg")


def test_city_labels_carry_both_names_unless_chinese_is_off() -> None:
    assert figures.city_label("Qingdao", "青岛市") == "Qingdao 青岛市"
    assert figures.city_label("Qingdao", "青岛市", chinese=False) == "Qingdao"
    assert figures.city_label("Atlantis", "") == "Atlantis"
    assert figures.use_chinese_labels(None) is True
    assert figures.use_chinese_labels(False) is False


def test_the_bundled_font_is_found_by_its_family_not_by_fallback() -> None:
    family = figures.cjk_font_name()
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert "noto_cjk_sans_otc" in str(path)


def test_chinese_draws_without_missing_glyphs_after_seaborns_theme(tmp_path: Path) -> None:
    sns.set_theme()  # resets the font list, as every notebook's theme does
    figures.set_theme("whitegrid")
    assert plt.rcParams["font.family"][-1] == figures.CJK_FAMILY
    figure, axes = plt.subplots()
    axes.set_title("青岛市 淄博市 保山市 莱西市: 刑事案件 ▼ 36.01% 下降")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        figure.savefig(tmp_path / "cjk.png")
    plt.close(figure)


def test_figures_are_saved_twice_and_reproducibly(tmp_path: Path) -> None:
    def draw() -> plt.Figure:
        figure, axes = plt.subplots()
        axes.plot([1, 2, 3], [3, 1, 2])
        axes.set_title("青岛市")
        return figure

    figures.set_theme()
    first = figures.save_figure(draw(), "line", tmp_path / "a")
    second = figures.save_figure(draw(), "line", tmp_path / "b")
    assert [p.name for p in first] == ["line.png", "line.svg"]
    assert first[0].read_bytes() == second[0].read_bytes()
    assert "<dc:date>" not in first[1].read_text(encoding="utf-8")
    assert figures.save_figure(draw(), "line", None) == []
