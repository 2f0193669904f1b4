"""Tables and charts of the corpus and its mentions, for notebooks 01 and 02.

Each function takes the folder of processed tables (``None``: the project's own
``data/processed``) so that a notebook runs the same by hand and in the pipeline's staging area.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from pingan_analysis.analysis import formatting as fmt
from pingan_analysis.analysis.figures import save_figure, set_theme
from pingan_analysis.analysis.tables import link
from pingan_analysis.datasets import processed_folder, read_text_table, typed
from pingan_analysis.links import release_href


def processed_table(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The registry table ``name`` of ``<processed_dir>`` (default: the project's
    ``data/processed``), typed."""
    return typed(read_text_table(processed_folder(processed_dir) / f"{name}.csv"), name)


def corpus_overview(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per release: size, what ingestion kept and dropped, mentions found."""
    corpus = processed_table("corpus", processed_dir)
    corpus["dropped_share"] = (corpus["repeat_chars"] + corpus["boilerplate_chars"]) / corpus[
        "chars"
    ]
    columns = [
        "release_id",
        "city_en",
        "published",
        "kind",
        "chars",
        "kept_chars",
        "repeat_chars",
        "boilerplate_chars",
        "dropped_share",
        "mentions",
        "indicator_mentions",
    ]
    return corpus[columns]


def dropped_blocks(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Every block ingestion dropped, with its reason and the first characters of its text."""
    return processed_table("dropped_blocks", processed_dir)


def dropped_by_reason(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Characters and blocks dropped per release and reason (repeated copy, page boilerplate)."""
    blocks = dropped_blocks(processed_dir)
    blocks["chars"] = blocks["end"] - blocks["start"]
    return blocks.groupby(["release_id", "reason"], as_index=False, observed=True).agg(
        blocks=("start", "size"), chars=("chars", "sum")
    )


def mention_counts(by: list[str], processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Mentions counted per the given columns (e.g. ``["release_id", "kind"]``), as a wide table."""
    mentions = processed_table("mentions", processed_dir)
    counts = mentions.groupby(by, observed=True, dropna=False).size()
    return counts.unstack(fill_value=0) if len(by) > 1 else counts.rename("mentions").to_frame()


def indicator_coverage(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Share of mentions mapped to a codebook indicator, per release."""
    mentions = processed_table("mentions", processed_dir)
    mapped = mentions["indicator"].notna()
    return (
        mentions.assign(mapped=mapped)
        .groupby("release_id", observed=True)
        .agg(mentions=("mapped", "size"), mapped=("mapped", "sum"))
        .assign(mapped_share=lambda t: t["mapped"] / t["mentions"])
    )


def plot_mentions_by_release(
    processed_dir: str | Path | None = None, figures_dir: str | Path | None = None
) -> plt.Figure:
    """Stacked bars of mentions per release and kind; saved as PNG and SVG when ``figures_dir`` is given."""
    mentions = processed_table("mentions", processed_dir)
    set_theme("whitegrid")
    figure, axes = plt.subplots(figsize=(10, 0.55 * mentions["release_id"].nunique() + 1.8))
    sns.histplot(
        data=mentions,
        y="release_id",
        hue="kind",
        multiple="stack",
        shrink=0.8,
        discrete=True,
        ax=axes,
    )
    axes.set(
        xlabel="quantities found (mentions, count)",
        ylabel="release",
        title="Quantities found per release, by kind",
    )
    legend = axes.get_legend()
    if legend is not None:  # beside the bars, never over them
        sns.move_legend(axes, "upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, title="kind")
    figure.tight_layout()
    save_figure(figure, "mentions_by_release", figures_dir)
    return figure


# --- the same tables for reading (notebooks 01 and 02) -------------------------------------------

RELEASE_HTML_COLUMNS: tuple[str, ...] = ("Release",)
NUMBER_COLUMNS: tuple[str, ...] = (
    "Characters",
    "Kept",
    "Repeats",
    "Boilerplate",
    "Dropped",
    "Mentions",
    "Mapped",
    "Blocks",
    "Share mapped",
)


def _release_link(release_id: str) -> str:
    return link(release_id, release_href(release_id), "the release as kept, every figure marked")


def corpus_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """:func:`corpus_overview` for reading: each release linked to its reader page."""
    o = corpus_overview(processed_dir)
    return pd.DataFrame(
        {
            "Release": o["release_id"].map(_release_link),
            "City": o["city_en"],
            "Published": [fmt.period(d, d).removeprefix("as of ") for d in o["published"]],
            "Kind": o["kind"].astype(str).str.replace("_", " "),
            "Characters": o["chars"].map(fmt.number),
            "Kept": o["kept_chars"].map(fmt.number),
            "Repeats": o["repeat_chars"].map(fmt.number),
            "Boilerplate": o["boilerplate_chars"].map(fmt.number),
            "Dropped": o["dropped_share"].map(fmt.share),
            "Mentions": o["mentions"].map(fmt.number),
            "Mapped": o["indicator_mentions"].map(fmt.number),
        }
    )


def dropped_by_reason_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """:func:`dropped_by_reason` for reading."""
    table = dropped_by_reason(processed_dir)
    return pd.DataFrame(
        {
            "Release": table["release_id"].map(_release_link),
            "Reason": table["reason"],
            "Blocks": table["blocks"].map(fmt.number),
            "Characters": table["chars"].map(fmt.number),
        }
    )


def dropped_blocks_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Every dropped block: release, reason, its characters and its first words on one line."""
    blocks = dropped_blocks(processed_dir)
    return pd.DataFrame(
        {
            "Release": blocks["release_id"].map(_release_link),
            "Reason": blocks["reason"],
            "Characters": [
                f"{fmt.number(s)}–{fmt.number(e)}"
                for s, e in zip(blocks["start"], blocks["end"], strict=True)
            ],
            "First words": [
                " ".join(str(p).replace("\\n", " ").split()) for p in blocks["preview"]
            ],
        }
    )


def mention_counts_table(by: list[str], processed_dir: str | Path | None = None) -> pd.DataFrame:
    """:func:`mention_counts` with its keys as columns, the counts with separators."""
    counts = mention_counts(by, processed_dir)
    table = counts.reset_index()
    table.columns = [str(c) for c in table.columns]
    for column in table.columns:
        if column not in by:
            table[column] = table[column].map(fmt.number)
    if "release_id" in table.columns:
        table["release_id"] = table["release_id"].map(_release_link)
        table = table.rename(columns={"release_id": "Release"})
    return table


def indicator_coverage_table(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """:func:`indicator_coverage` for reading."""
    table = indicator_coverage(processed_dir).reset_index()
    return pd.DataFrame(
        {
            "Release": table["release_id"].map(_release_link),
            "Mentions": table["mentions"].map(fmt.number),
            "Mapped": table["mapped"].map(fmt.number),
            "Share mapped": table["mapped_share"].map(fmt.share),
        }
    )
