"""Figures for a Chinese and an English audience: a CJK font that ships with the package's
dependencies, a colour-blind-safe theme, city labels in both languages, PNG and SVG output.

The CJK font is Noto Sans CJK SC from the ``noto-cjk-sans-otc`` wheel (SIL Open Font License
1.1, which allows redistribution), so Chinese names never show as boxes, whatever fonts the
machine has. ``font.family`` lists it after DejaVu Sans and matplotlib falls back to it glyph by glyph: Latin
text keeps DejaVu, Chinese text gets Noto. seaborn's ``set_theme`` resets the font list, so the
font is put back after every theme through :func:`set_theme`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from pingan_analysis.exceptions import PinganError

#: Characters a font must have for Chinese labels (city names and domain words of the corpus).
CJK_PROBE = "网格平安青岛市淄博莱西保山刑事案件"
#: The face of the bundled collection with simplified Chinese glyph shapes.
CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "DejaVu Sans"
#: seaborn's colour-blind-safe qualitative palette (Wong's), and a sequential map that stays
#: readable in every colour-vision deficiency and in greyscale.
PALETTE = "colorblind"
SEQUENTIAL_MAP = "cividis"


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register the bundled Noto Sans CJK collection with matplotlib; return its SC family.

    Raises :class:`PinganError` when the font is missing or lacks the probe characters (a broken
    install), rather than letting figures draw boxes.
    """
    from noto_cjk_sans_otc import FONT_PATH

    path = str(FONT_PATH)
    try:
        font_manager.fontManager.addfont(path)
        faces = [FT2Font(path, face_index=i) for i in range(FT2Font(path).num_faces)]
    except (OSError, RuntimeError) as error:
        raise PinganError(
            f"the CJK font {path} cannot be read: {error}",
            fix="reinstall the environment: make clean-env && make test",
        ) from error
    face = next((f for f in faces if f.family_name == CJK_FAMILY), None)
    if face is None or not all(ord(c) in face.get_charmap() for c in CJK_PROBE):
        raise PinganError(
            f"{path} has no {CJK_FAMILY} face with the characters {CJK_PROBE}",
            fix="reinstall the environment: make clean-env && make test",
        )
    return CJK_FAMILY


def set_theme(style: str = "whitegrid") -> None:
    """seaborn's theme with the colour-blind palette, then the fonts it resets put back."""
    sns.set_theme(style=style, palette=PALETTE)
    plt.rcParams["font.family"] = [LATIN_FAMILY, cjk_font_name()]
    plt.rcParams["axes.unicode_minus"] = True


def use_chinese_labels(requested: bool | None = None) -> bool:
    """Whether city labels carry their Chinese names too: yes unless ``False`` is asked for (the
    font always ships)."""
    cjk_font_name()
    return requested is not False


def city_label(city_en: str, city_zh: str, chinese: bool = True) -> str:
    """``Qingdao 青岛市``, or ``Qingdao`` when Chinese labels are off."""
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
