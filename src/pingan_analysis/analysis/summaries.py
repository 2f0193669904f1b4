"""Tables and charts of the corpus and its mentions, for notebooks 01 and 02.

Each function takes the folder of processed tables (``None``: the project's own
``data/processed``) so that a notebook runs the same by hand and in the pipeline's staging area.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from pingan_analysis.analysis.figures import save_figure
from pingan_analysis.datasets import processed_folder, read_text_table, typed


def processed_table(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The registry table ``name`` of ``<processed_dir>`` (default: the project's
    ``data/processed``), typed."""
    return typed(read_text_table(processed_folder(processed_dir) / f"{name}.csv"), name)


def corpus_overview(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per release: size, what ingestion kept and dropped, mentions found."""
    corpus = processed_table("corpus", processed_dir)
    corpus["dropped_share"] = (corpus["repeat_chars"] + corpus["boilerplate_chars"]) / corpus["chars"]
    columns = ["release_id", "city_en", "published", "kind", "chars", "kept_chars", "repeat_chars",
               "boilerplate_chars", "dropped_share", "mentions", "indicator_mentions"]
    return corpus[columns]


def dropped_blocks(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Every block ingestion dropped, with its reason and the first characters of its text."""
    return processed_table("dropped_blocks", processed_dir)


def dropped_by_reason(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Characters and blocks dropped per release and reason (repeated copy, page boilerplate)."""
    blocks = dropped_blocks(processed_dir)
    blocks["chars"] = blocks["end"] - blocks["start"]
    return (blocks.groupby(["release_id", "reason"], as_index=False, observed=True)
            .agg(blocks=("start", "size"), chars=("chars", "sum")))


def mention_counts(by: list[str], processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Mentions counted per the given columns (e.g. ``["release_id", "kind"]``), as a wide table."""
    mentions = processed_table("mentions", processed_dir)
    counts = mentions.groupby(by, observed=True, dropna=False).size()
    return counts.unstack(fill_value=0) if len(by) > 1 else counts.rename("mentions").to_frame()


def indicator_coverage(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Share of mentions mapped to a codebook indicator, per release."""
    mentions = processed_table("mentions", processed_dir)
    mapped = mentions["indicator"].notna()
    return (mentions.assign(mapped=mapped).groupby("release_id", observed=True)
            .agg(mentions=("mapped", "size"), mapped=("mapped", "sum"))
            .assign(mapped_share=lambda t: t["mapped"] / t["mentions"]))


def plot_mentions_by_release(processed_dir: str | Path | None = None,
                             figures_dir: str | Path | None = None) -> plt.Figure:
    """Stacked bars of mentions per release and kind; saved as PNG and SVG when ``figures_dir`` is given."""
    mentions = processed_table("mentions", processed_dir)
    sns.set_theme(style="whitegrid")
    figure, axes = plt.subplots(figsize=(9, 4))
    sns.histplot(data=mentions, y="release_id", hue="kind", multiple="stack", shrink=0.8,
                 discrete=True, ax=axes)
    axes.set(xlabel="mentions", ylabel="release", title="Quantities found per release, by kind")
    figure.tight_layout()
    save_figure(figure, "mentions_by_release", figures_dir)
    return figure
