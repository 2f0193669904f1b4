"""The panel at a glance (notebook 04): which city reports which indicator, from how many
sources, where sources disagree, and every panel value linked to the mentions it rests on."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib import pyplot as plt

from pingan_analysis.analysis import formatting as fmt
from pingan_analysis.analysis.figures import SEQUENTIAL_MAP, set_theme
from pingan_analysis.analysis.tables import links
from pingan_analysis.corpus.codebook import Codebook
from pingan_analysis.links import parse_sources
from pingan_analysis.panel.derive import DERIVED_INDICATORS

#: The heat map shows indicators at least this many cities report: the ones a reader can compare.
MIN_CITIES_ON_MAP = 2
PANEL_HTML_COLUMNS: tuple[str, ...] = ("Sources",)


def coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Indicator × city: the number of panel rows (periods and kinds) each city reports."""
    return panel.groupby(["indicator", "city_en"]).size().unstack(fill_value=0).sort_index()


def sources_per_value(panel: pd.DataFrame) -> pd.DataFrame:
    """How many panel values rest on one, two, … releases, per city."""
    return panel.groupby(["city_en", "n_sources"]).size().unstack(fill_value=0)


def sources_per_value_table(panel: pd.DataFrame) -> pd.DataFrame:
    """:func:`sources_per_value` for reading: a city column, then "1 release", "2 releases", …"""
    table = sources_per_value(panel)
    table.columns = [fmt.plural(int(n), "release") for n in table.columns]
    return table.rename_axis("City").reset_index()


def conflicts(panel: pd.DataFrame) -> pd.DataFrame:
    """Panel rows whose sources' intervals do not overlap."""
    columns = [
        "city_en",
        "indicator",
        "kind",
        "period_start",
        "period_end",
        "value",
        "lower",
        "upper",
        "n_sources",
        "release_ids",
    ]
    return panel.loc[panel["conflict"].astype(bool), columns].reset_index(drop=True)


def on_map(panel: pd.DataFrame, min_cities: int = MIN_CITIES_ON_MAP) -> tuple[list[str], list[str]]:
    """(indicators on the heat map, indicators left out): on it, those ``min_cities`` or more
    cities report, most widely reported first; left out, the rest (one city's, not comparable)."""
    cities = (coverage(panel) > 0).sum(axis=1)
    shown = cities[cities >= min_cities].sort_values(ascending=False, kind="stable").index
    return list(shown), sorted(set(cities.index) - set(shown))


def coverage_caption(panel: pd.DataFrame, min_cities: int = MIN_CITIES_ON_MAP) -> str:
    """What the heat map shows and what it leaves out, and why (Markdown)."""
    shown, left = on_map(panel, min_cities)
    total = len(shown) + len(left)
    if not left:
        return f"The map shows all {fmt.plural(total, 'indicator')} of the panel."
    return (
        f"The map shows the {fmt.plural(len(shown), 'indicator')} that {min_cities} or more "
        f"cities report, of the panel's {total}: only those can be compared across cities. "
        f"The other {len(left)}, each reported by a single city, are left out of the map; "
        "every indicator, those included, is in the coverage table below."
    )


def plot_coverage(
    panel: pd.DataFrame, codebook: Codebook | None = None, min_cities: int = MIN_CITIES_ON_MAP
) -> plt.Figure:
    """Heat map of :func:`coverage` for the indicators of :func:`on_map`, labelled in English
    and Chinese; the title says how many indicators it leaves out."""
    shown, left = on_map(panel, min_cities)
    if not shown:  # one city, or no indicator shared: map everything rather than nothing
        shown, left = list(coverage(panel).index), []
    table = coverage(panel).loc[shown]
    table.index = [_label(indicator, codebook) for indicator in table.index]
    set_theme("white")
    figure, axes = plt.subplots(figsize=(1.3 * len(table.columns) + 6, 0.32 * len(table) + 1.8))
    # an indicator a city does not report is left blank, not coloured as a value
    sns.heatmap(
        table,
        mask=table == 0,
        cmap=SEQUENTIAL_MAP,
        annot=True,
        fmt="d",
        linewidths=0.5,
        linecolor="#dddddd",
        ax=axes,
        vmin=0,
        cbar_kws={
            "label": "panel rows (periods × kinds)",
            "shrink": 0.6,
            "ticks": range(0, int(table.to_numpy().max()) + 1),
        },
    )
    title = (
        f"Panel coverage: {fmt.plural(len(shown), 'indicator')} reported by {min_cities}+ cities"
    )
    if left:
        title += f" ({fmt.plural(len(left), 'single-city indicator')} not shown)"
    axes.set(xlabel="city (blank: not reported)", ylabel="indicator", title=title)
    figure.tight_layout()
    return figure


def _label(indicator: str, codebook: Codebook | None) -> str:
    if codebook is not None and indicator in codebook:
        return f"{indicator} {codebook[indicator].name_zh}"
    return indicator


def coverage_table(panel: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Every indicator: its names, domain, how many cities report it and rows per city."""
    table = coverage(panel)
    domains = panel.groupby("indicator")["domain"].first()
    out = pd.DataFrame(
        {
            "Indicator": table.index,
            "Name": [_names(i, codebook) for i in table.index],
            "Domain": [str(domains.get(i, "")) for i in table.index],
            "Cities": (table > 0).sum(axis=1).to_numpy(),
        }
    )
    for city in table.columns:
        out[city] = table[city].to_numpy()
    return out.sort_values(["Cities", "Indicator"], ascending=[False, True], kind="stable")


def _names(indicator: str, codebook: Codebook | None) -> str:
    if codebook is None or indicator not in codebook:
        return "derived in the panel" if indicator in DERIVED_INDICATORS else ""
    entry = codebook[indicator]
    return f"{entry.name_en} ({entry.name_zh})"


def panel_table(panel: pd.DataFrame) -> pd.DataFrame:
    """Every panel value as a reader reads it, linked to each mention it rests on."""
    rows = []
    for row in panel.sort_values(["city_en", "indicator", "period_end"], kind="stable").itertuples(
        index=False
    ):
        change = row.kind == "change_pct"
        refs = parse_sources(str(row.sources), where=f"panel.csv, {row.city_en} {row.indicator}")
        rows.append(
            {
                "City": f"{row.city_en} ({row.city_zh})",
                "Indicator": row.indicator,
                "Figure": fmt.change(row.value, row.unit)
                if change
                else fmt.quantity(row.value, row.unit),
                "Range allowed": fmt.interval(row.lower, row.upper, row.unit, signed_change=change),
                "Period": fmt.period(row.period_start, row.period_end),
                "Releases": int(row.n_sources),
                "Conflict": "yes" if bool(row.conflict) else "",
                "Sources": links([(ref.label, ref.href()) for ref in refs], "<br>"),
            }
        )
    return pd.DataFrame(rows)


def conflicts_table(panel: pd.DataFrame) -> pd.DataFrame:
    """:func:`panel_table` of the rows whose sources disagree."""
    return panel_table(panel[panel["conflict"].astype(bool)])
