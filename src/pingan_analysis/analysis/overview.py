"""The panel at a glance: which city reports which indicator, from how many sources, in conflict or not."""
from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib import pyplot as plt


def coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Indicator × city: the number of panel rows (periods and kinds) each city reports."""
    return (panel.groupby(["indicator", "city_en"]).size().unstack(fill_value=0)
            .sort_index())


def sources_per_value(panel: pd.DataFrame) -> pd.DataFrame:
    """How many panel values rest on one, two, … releases, per city."""
    return panel.groupby(["city_en", "n_sources"]).size().unstack(fill_value=0)


def conflicts(panel: pd.DataFrame) -> pd.DataFrame:
    """Panel rows whose sources' intervals do not overlap."""
    columns = ["city_en", "indicator", "kind", "period_start", "period_end", "value", "lower",
               "upper", "n_sources", "release_ids"]
    return panel.loc[panel["conflict"].astype(bool), columns].reset_index(drop=True)


def plot_coverage(panel: pd.DataFrame, max_indicators: int = 60) -> plt.Figure:
    """Heat map of :func:`coverage`, the most widely reported indicators first."""
    table = coverage(panel)
    order = (table > 0).sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_indicators]
    table = table.loc[order]
    sns.set_theme(style="white")
    figure, axes = plt.subplots(figsize=(1.2 * len(table.columns) + 4, 0.28 * len(table) + 1.5))
    sns.heatmap(table, cmap="Blues", annot=True, fmt="d", cbar=False, linewidths=0.5, ax=axes)
    axes.set(xlabel="city", ylabel="indicator", title="Panel coverage: rows per city and indicator")
    figure.tight_layout()
    return figure
