"""Figures: city labels, a CJK font only when one is really installed, saving as PNG and SVG.

Labels are English with pinyin city names by default. Chinese labels are used only when a font
that has the characters is present, so a figure never shows boxes in place of characters.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

log = logging.getLogger(__name__)

#: Characters a font must have for Chinese labels (city names and domain words of the corpus).
CJK_PROBE = "网格平安青岛市"


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """The family name of an installed font that has the probe characters, or ``None``."""
    from matplotlib.ft2font import FT2Font

    for entry in font_manager.fontManager.ttflist:
        try:
            charmap = FT2Font(entry.fname).get_charmap()
        except (OSError, RuntimeError):
            continue
        if all(ord(character) in charmap for character in CJK_PROBE):
            return entry.name
    return None


def use_chinese_labels(requested: bool | None = None) -> bool:
    """Whether to label in Chinese: as requested, but never without a CJK font."""
    font = cjk_font_name()
    if requested and font is None:
        log.warning("no CJK font installed: labels stay in English (pinyin)")
    if requested is None or font is None:
        return False
    if requested:
        plt.rcParams["font.sans-serif"] = [font, *plt.rcParams["font.sans-serif"]]
    return requested


def city_label(city_en: str, city_zh: str, chinese: bool = False) -> str:
    """``Qingdao``, or ``Qingdao 青岛市`` when Chinese labels are on."""
    return f"{city_en} {city_zh}" if chinese and city_zh else city_en


def save_figure(figure: plt.Figure, stem: str, figures_dir: str | Path | None) -> list[Path]:
    """Save ``figure`` as ``<stem>.png`` and ``<stem>.svg`` in ``figures_dir`` (nothing when ``None``).

    Metadata that carries the time or the software version is left out, so reruns give the same files.
    """
    if figures_dir is None:
        return []
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, metadata in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        path = folder / f"{stem}.{suffix}"
        figure.savefig(path, dpi=120, bbox_inches="tight", metadata=metadata)
        written.append(path)
    return written
