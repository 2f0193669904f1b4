"""A city's profile: what its releases report, as a story a co-author can read (notebook 06).

The profile leads with the city's headline figures (every change and rate of the panel, signed
and worded, with their sources), then a timeline where the panel holds several periods of an
indicator, then every validated figure domain by domain with the sentence it came from, and the
city's targets (plans, goals) apart from what it reports as achieved. Every figure links to its
characters in the release's reader page.

Mention values are unsigned with a ``direction``; the profile signs them the way the panel does
(:func:`pingan_analysis.panel.reconcile.signed_changes`), so a fall always reads as a fall.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pingan_analysis.analysis import formatting as fmt
from pingan_analysis.analysis.figures import set_theme
from pingan_analysis.analysis.summaries import processed_table
from pingan_analysis.analysis.tables import link, links, marked
from pingan_analysis.config import project_paths
from pingan_analysis.corpus.codebook import DOMAINS, Codebook, load_codebook
from pingan_analysis.datasets import processed_folder
from pingan_analysis.escaping import html_text
from pingan_analysis.exceptions import DataError, UsageError
from pingan_analysis.links import mention_href, parse_sources, release_href
from pingan_analysis.panel.reconcile import signed_changes
from pingan_analysis.pipeline.steps import slug

DOMAIN_TITLES: dict[str, str] = {
    "political_security": "Political security (政治安全)",
    "anti_gang": "Anti-gang campaign (扫黑除恶)",
    "grassroots_governance": "Grassroots governance (基层治理)",
    "public_safety": "Public safety (公共安全)",
    "petitions_stability": "Petitions and stability (信访维稳)",
    "serving_development": "Serving development: law, courts, legal services (服务发展)",
}
#: Columns of a profile table, as the reader sees them.
PROFILE_COLUMNS: tuple[str, ...] = (
    "Indicator",
    "Figure",
    "Range allowed",
    "Period",
    "As written",
    "Sentence",
)
PROFILE_HTML_COLUMNS: tuple[str, ...] = ("As written", "Sentence")
#: Room for the sentence, so it reads as a line rather than a column of characters.
PROFILE_WIDTHS: dict[str, str] = {
    "Indicator": "20%",
    "Figure": "11%",
    "Range allowed": "11%",
    "Period": "11%",
    "As written": "9%",
    "Sentence": "38%",
}
HEADLINE_COLUMNS: tuple[str, ...] = ("Indicator", "Figure", "Range allowed", "Period", "Sources")
#: Panel kinds that make a headline: outcomes (changes) and rates, rather than raw counts.
HEADLINE_KINDS: tuple[str, ...] = ("change_pct", "percent")


def city_figures(
    city_en: str, processed_dir: str | Path | None = None, codebook: Codebook | None = None
) -> pd.DataFrame:
    """The city's validated indicator mentions, signed, with the codebook's names, in reading order.

    ``signed_value``/``signed_lower``/``signed_upper`` are the figure as the panel holds it (a
    decline negative, a multiple as a percent change); ``value``, ``text`` stay as written.
    A city of the corpus with no validated figure (nothing in its releases maps to an
    indicator) has an empty profile, not an error: one such city must not stop every run.
    A city that is not in the corpus at all is refused.
    """
    rows = processed_table("indicators_valid", processed_dir)
    with_figures = set(rows["city_en"].dropna().astype(str))
    if city_en not in with_figures:
        known = sorted(with_figures | _corpus_cities(processed_dir))
        if city_en not in known:
            raise DataError(
                f"the city {city_en!r} is not in the corpus",
                fix=f"use one of the corpus's cities: {', '.join(known)}",
            )
    book = codebook or load_codebook(_project_codebook())
    rows = rows[rows["city_en"] == city_en].copy()
    rows["name_en"] = rows["indicator"].map(lambda i: book[i].name_en if i in book else "")
    rows["name_zh"] = rows["indicator"].map(lambda i: book[i].name_zh if i in book else "")
    signed = signed_changes(_as_floats(rows))
    rows["signed_value"], rows["signed_lower"], rows["signed_upper"] = (
        signed["value"],
        signed["lower"],
        signed["upper"],
    )
    rows["signed_kind"], rows["signed_unit"] = signed["kind"], signed["unit"]
    return rows.sort_values(["domain", "indicator", "release_id", "start"], kind="stable")


def _as_floats(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    for column in ("value", "lower", "upper"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in ("direction", "multiple_form", "kind", "unit"):
        out[column] = out[column].astype(object).fillna("").astype(str)
    return out


def figure_text(
    value: object, lower: object, upper: object, unit: object, kind: str
) -> tuple[str, str]:
    """(figure, range) as the reader sees them: a change signed and worded, else value and unit."""
    if kind == "change_pct":
        return fmt.change(value, unit), fmt.interval(lower, upper, unit, signed_change=True)
    return fmt.quantity(value, unit), fmt.interval(lower, upper, unit)


def _indicator_name(name_en: str, name_zh: str, indicator: str) -> str:
    if name_en:
        return f"{name_en} ({name_zh})" if name_zh else name_en
    return indicator


def profile_table(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per figure, formatted: names, the signed figure, its range and period, the text
    as written (linked to its characters) and the sentence around it."""
    rows = []
    for row in figures.itertuples(index=False):
        figure, allowed = figure_text(
            row.signed_value, row.signed_lower, row.signed_upper, row.signed_unit, row.signed_kind
        )
        href = mention_href(row.release_id, int(row.start), int(row.end))
        rows.append(
            {
                "Indicator": _indicator_name(row.name_en, row.name_zh, row.indicator),
                "Figure": figure,
                "Range allowed": allowed,
                "Period": fmt.period(row.period_start, row.period_end),
                "As written": link(
                    str(row.text), href, f"{row.release_id}, characters {row.start}–{row.end}"
                ),
                "Sentence": marked(*fmt.excerpt(str(row.sentence), str(row.text))),
            }
        )
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS))


def profile_by_domain(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The achieved figures (targets apart, see :func:`targets`) in the six domains, in the
    releases' own order of the six battles; a domain with no figure has an empty table."""
    reported = figures[figures["modality"] != "target"]
    return {
        DOMAIN_TITLES[domain]: profile_table(reported[reported["domain"] == domain])
        for domain in DOMAINS
    }


def targets(figures: pd.DataFrame) -> pd.DataFrame:
    """The city's targets (力争, 目标, a plan for next year): what it means to do, not what it did."""
    return profile_table(figures[figures["modality"] == "target"])


def city_panel(panel: pd.DataFrame, city_en: str) -> pd.DataFrame:
    """The city's panel rows (reported and derived), in indicator and period order."""
    rows = panel[panel["city_en"] == city_en]
    return rows.sort_values(["indicator", "kind", "period_end", "period_start"], kind="stable")


def headline_figures(
    panel: pd.DataFrame, city_en: str, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Every change and rate of the city's panel (latest period first), each with links to all
    the mentions it rests on."""
    book = codebook or load_codebook(_project_codebook())
    rows = city_panel(panel, city_en)
    rows = rows[rows["kind"].isin(HEADLINE_KINDS)]
    rows = rows.sort_values(
        ["kind", "indicator", "period_end"], ascending=[True, True, False], kind="stable"
    )
    out = []
    for row in rows.itertuples(index=False):
        entry = book.get(row.indicator)
        figure, allowed = figure_text(row.value, row.lower, row.upper, row.unit, row.kind)
        refs = parse_sources(str(row.sources), where=f"panel.csv, {city_en} {row.indicator}")
        out.append(
            {
                "Indicator": _indicator_name(entry.name_en, entry.name_zh, row.indicator)
                if entry
                else _derived_name(row.indicator, getattr(row, "measure", "")),
                "Figure": figure,
                "Range allowed": allowed,
                "Period": fmt.period(row.period_start, row.period_end),
                "Sources": links([(ref.label, ref.href()) for ref in refs], "<br>"),
            }
        )
    return pd.DataFrame(out, columns=list(HEADLINE_COLUMNS))


def _derived_name(indicator: str, measure: object) -> str:
    """A derived row's name: its id in words, with the crime measure it annualises."""
    words = indicator.replace("_", " ")
    return f"{words} ({measure})" if isinstance(measure, str) and measure else words


def timeline_rows(panel: pd.DataFrame, city_en: str) -> pd.DataFrame:
    """The city's panel rows of the indicators (and kinds) reported for two or more periods."""
    rows = city_panel(panel, city_en)
    periods = rows.groupby(["indicator", "kind"])["period_end"].transform(
        lambda ends: ends.astype(str).nunique()
    )
    return rows[periods >= 2]


def timeline_stem(city_en: str) -> str:
    """The timeline figure's file stem, named like the city's report (``timeline_xi_an``)."""
    return f"timeline_{slug(city_en)}"


def plot_timeline(panel: pd.DataFrame, city_en: str) -> plt.Figure | None:
    """Each indicator with several periods on its own line: a bar from the period's start to its
    end (a dot for a stock), labelled with the figure; ``None`` when there is no such indicator."""
    rows = timeline_rows(panel, city_en)
    if rows.empty:
        return None
    set_theme("whitegrid")
    labels = [f"{i} ({k})" for i, k in zip(rows["indicator"], rows["kind"], strict=True)]
    order = list(dict.fromkeys(labels))
    figure, axes = plt.subplots(figsize=(10, 0.8 * len(order) + 1.6))
    seen: dict[str, int] = {}
    for label, row in zip(labels, rows.itertuples(index=False), strict=True):
        # periods of one indicator on lanes of their own, so overlapping periods stay apart
        lane = seen[label] = seen.get(label, -1) + 1
        y = order.index(label) + 0.22 * lane - 0.22
        start, end = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
        if pd.isna(start) or start == end:
            axes.plot([end], [y], "o", color="#0072B2")
        else:
            axes.plot(
                [start, end],
                [y, y],
                "-",
                color="#0072B2",
                linewidth=4,
                alpha=0.7,
                solid_capstyle="butt",
            )
        text = figure_text(row.value, row.lower, row.upper, row.unit, row.kind)[0]
        axes.annotate(text, (end, y), textcoords="offset points", xytext=(4, -3), fontsize=8)
    axes.set_yticks(np.arange(len(order)), order)
    axes.invert_yaxis()
    axes.set(
        xlabel="period the figure covers (calendar date)",
        ylabel="",
        title=f"{city_en}: indicators reported for several periods",
    )
    axes.margins(x=0.12)
    figure.tight_layout()
    return figure


def city_header(
    figures: pd.DataFrame, city_en: str | None = None, processed_dir: str | Path | None = None
) -> str:
    """Who and what the profile covers, as HTML with every name escaped.

    For a city without figures (give ``city_en``) the names and releases come from the corpus
    table, and the header says there is nothing to show and why.
    """
    if len(figures):
        first, releases = figures.iloc[0], sorted(figures["release_id"].unique())
        place = "".join(
            f"{html_text(value)} · "
            for value in (first["province"], first["admin_level"])
            if pd.notna(value) and value
        )
    else:
        corpus = processed_table("corpus", processed_dir)
        own = corpus[corpus["city_en"] == city_en]
        if own.empty:
            raise DataError(
                f"the city {city_en!r} is not in the corpus",
                fix="give the English name of a city of data/raw/releases.csv",
            )
        first, releases = own.iloc[0], sorted(str(r) for r in own["release_id"].unique())
        place = ""  # corpus.csv has no province or level
    n_targets = int((figures["modality"] == "target").sum())
    reported = len(figures) - n_targets
    release_links = links([(rid, release_href(rid)) for rid in releases], ", ")
    header = (
        f"<h2>{html_text(first['city_en'])} ({html_text(first['city_zh'])})</h2>"
        f"<p>{place}{fmt.plural(len(releases), 'release')} ({release_links}) · "
        f"{fmt.plural(reported, 'reported figure')} on "
        f"{fmt.plural(figures['indicator'].nunique(), 'indicator')} · "
        f"{fmt.plural(n_targets, 'target')}</p>"
    )
    if not len(figures):
        header += (
            "<p><em>No validated figures for this city: nothing in its releases maps to "
            "an indicator of the codebook (see the validation report).</em></p>"
        )
    return header


def _corpus_cities(processed_dir: str | Path | None) -> set[str]:
    """The cities of the corpus table (every release's, with figures or not), if it was built."""
    if not (processed_folder(processed_dir) / "corpus.csv").is_file():
        return set()
    return set(processed_table("corpus", processed_dir)["city_en"].dropna().astype(str))


def _project_codebook() -> Path | None:
    """The project's codebook when a project is found, else ``None`` (the packaged one)."""
    try:
        return project_paths().codebook
    except UsageError:
        return None
