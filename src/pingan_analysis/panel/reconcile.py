"""Merge the reported figures of all sources into one row per city × period × indicator × kind.

DESIGN.md, table "panel": sources merge when city, indicator, kind and period agree. Each
figure is an interval (``lower``..``upper``, open ends empty); the merged row keeps

- ``value``: the figure of the most precise source, i.e. the narrowest interval (32860 over
  3.2万余); ties go to the plainer qualifier (exact, range, lower/upper, approx), then to the
  first release id and offset. Without a conflict the value is clipped into the intersection,
  so ``lower <= value <= upper`` always holds.
- ``lower``/``upper``: the intersection of the sources' intervals, what all of them allow.
- ``conflict``: the intervals of different releases do not overlap (figures of one release
  that differ are its sub-quantities, not a conflict; the release counts with their hull). Then no figure satisfies every source: ``value``
  stays the most precise source's figure and the interval is the hull of all intervals (the
  range the sources span), so a conflict widens rather than hides the uncertainty.
- ``n_sources``: distinct releases; ``release_ids``: those releases, sorted, ``;``-joined;
  ``sources``: every row merged, as ``release_id:start-end`` (character offsets into the
  release), so every panel number leads back to its exact characters.

Changes are signed first: a decline is negative and its interval flips ([-upper, -lower]);
``change_multiple`` rows become ``change_pct`` rows ("提高N倍" +N×100%, "是…的N倍" +(N−1)×100%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import PANEL_COLUMNS

MERGE_KEY: list[str] = ["city_zh", "period_start", "period_end", "indicator", "kind"]
RECONCILED_COLUMNS: tuple[str, ...] = (*PANEL_COLUMNS, "domain", "sources", "corrected")
TEXT_COLUMNS: tuple[str, ...] = (
    "release_id",
    "unit",
    "qualifier",
    "kind",
    "direction",
    "period_start",
    "period_end",
    "modality",
    "indicator",
    "multiple_form",
    "domain",
    "city_zh",
    "city_en",
    "province",
    "admin_level",
)
NUMBER_COLUMNS: tuple[str, ...] = ("value", "lower", "upper")
QUALIFIER_RANK: dict[str, int] = {"exact": 0, "range": 1, "lower": 2, "upper": 2, "approx": 3}
#: Percentage points a multiple N adds, as ``offset``: change_pct = (N + offset) × 100.
MULTIPLE_OFFSETS: dict[str, float] = {"increase": 0.0, "ratio": -1.0}


def reconcile(indicators: pd.DataFrame) -> pd.DataFrame:
    """Reported, indicator-mapped rows of the indicators table merged into panel rows.

    Returns :data:`RECONCILED_COLUMNS` (``reference`` empty: nothing is derived yet), sorted
    by the merge key.
    """
    figures = signed_changes(_reported(indicators))
    if figures.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in RECONCILED_COLUMNS})
    figures = _with_precision(figures)
    merged = _most_precise(figures).join(_spans(figures)).join(_provenance(figures))
    return _finish(merged.reset_index())


def _reported(indicators: pd.DataFrame) -> pd.DataFrame:
    """Achieved figures (not targets) that map to an indicator, with clean dtypes."""
    frame = indicators.copy()
    if "corrected" not in frame:
        frame["corrected"] = "false"
    frame["corrected"] = frame["corrected"].astype(str).str.lower()
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str)
    for column in NUMBER_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["start"] = pd.to_numeric(frame["start"]).astype(int)
    frame["end"] = pd.to_numeric(frame["end"]).astype(int)
    return frame[(frame["modality"] == "reported") & (frame["indicator"] != "")]


def signed_changes(figures: pd.DataFrame) -> pd.DataFrame:
    """Multiples turned into ``change_pct`` rows, then declines made negative."""
    return _sign_declines(_multiples_as_percent(figures))


def _multiples_as_percent(figures: pd.DataFrame) -> pd.DataFrame:
    multiple = figures["kind"] == "change_multiple"
    forms = figures.loc[multiple, "multiple_form"]
    unknown = forms[~forms.isin(list(MULTIPLE_OFFSETS))]
    if len(unknown):
        row = figures.loc[unknown.index[0]]
        raise DataError(
            f"change_multiple with multiple_form {row['multiple_form']!r}",
            where=f"{row['release_id']}:{row['start']}-{row['end']}",
            fix="multiple_form must be 'increase' (提高N倍) or 'ratio' (是…的N倍); re-run extraction",
        )
    offset = forms.map(MULTIPLE_OFFSETS).astype(float)
    out = figures.copy()
    for column in NUMBER_COLUMNS:
        out.loc[multiple, column] = (figures.loc[multiple, column] + offset) * 100
    out.loc[multiple, "kind"] = "change_pct"
    out.loc[multiple, "unit"] = "%"
    return out


def _sign_declines(figures: pd.DataFrame) -> pd.DataFrame:
    down = figures["direction"] == "down"
    out = figures.copy()
    out.loc[down, "value"] = -figures.loc[down, "value"]
    out.loc[down, "lower"] = -figures.loc[down, "upper"]
    out.loc[down, "upper"] = -figures.loc[down, "lower"]
    return out


def _with_precision(figures: pd.DataFrame) -> pd.DataFrame:
    """Closed interval ends (±inf for open), width, qualifier rank; most precise first."""
    lo = figures["lower"].fillna(-np.inf)
    hi = figures["upper"].fillna(np.inf)
    ranked = figures.assign(
        lo=lo,
        hi=hi,
        width=hi - lo,
        rank=figures["qualifier"].map(QUALIFIER_RANK).fillna(9),
        source=figures["release_id"]
        + ":"
        + figures["start"].astype(str)
        + "-"
        + figures["end"].astype(str),
    )
    return ranked.sort_values([*MERGE_KEY, "width", "rank", "release_id", "start"], kind="stable")


def _most_precise(figures: pd.DataFrame) -> pd.DataFrame:
    columns = ["value", "unit", "domain", "city_en", "province", "admin_level"]
    first = figures.drop_duplicates(MERGE_KEY, keep="first")
    return first.set_index(MERGE_KEY)[columns]


def _spans(figures: pd.DataFrame) -> pd.DataFrame:
    """Per group: the intersection of the sources (lo_max..hi_min) and the hull (lo_min..hi_max).

    A source is a release: figures of one release that differ are sub-quantities of it (1
    municipal and 10 district centres), not claims against each other: a release whose own
    intervals overlap counts with their intersection (one fact, stated more or less precisely),
    one whose intervals do not with their hull, and only different releases can conflict."""
    per_release = figures.groupby([*MERGE_KEY, "release_id"], sort=False).agg(
        lo_max=("lo", "max"), hi_min=("hi", "min"), lo_min=("lo", "min"), hi_max=("hi", "max")
    )
    apart = per_release["lo_max"] > per_release["hi_min"]
    per_release["lo"] = per_release["lo_min"].where(apart, per_release["lo_max"])
    per_release["hi"] = per_release["hi_max"].where(apart, per_release["hi_min"])
    sources = per_release.groupby(level=MERGE_KEY, sort=False)
    grouped = figures.groupby(MERGE_KEY, sort=False)
    return pd.DataFrame(
        {
            "lo_max": sources["lo"].max(),
            "hi_min": sources["hi"].min(),
            "lo_min": grouped["lo"].min(),
            "hi_max": grouped["hi"].max(),
        }
    )


def _provenance(figures: pd.DataFrame) -> pd.DataFrame:
    ordered = figures.sort_values([*MERGE_KEY, "release_id", "start"], kind="stable")
    grouped = ordered.groupby(MERGE_KEY, sort=False)
    return pd.DataFrame(
        {
            "n_sources": grouped["release_id"].nunique(),
            "release_ids": grouped["release_id"].agg(lambda ids: ";".join(sorted(set(ids)))),
            "sources": grouped["source"].agg(";".join),
            # true when data/raw/corrections.csv changed any source mention
            "corrected": grouped["corrected"].agg(lambda flags: bool((flags == "true").any())),
        }
    )


def _open(ends: pd.Series) -> pd.Series:
    """Infinite interval ends back to empty (open)."""
    return ends.where(np.isfinite(ends))


def _finish(merged: pd.DataFrame) -> pd.DataFrame:
    conflict = merged["lo_max"] > merged["hi_min"]
    lo = merged["lo_min"].where(conflict, merged["lo_max"])
    hi = merged["hi_max"].where(conflict, merged["hi_min"])
    clipped = merged["value"].clip(lower=lo, upper=hi)
    out = merged.assign(
        value=merged["value"].where(conflict, clipped),
        lower=_open(lo),
        upper=_open(hi),
        conflict=conflict.astype(bool),
        reference="",
        n_sources=merged["n_sources"].astype(int),
    )
    ordered = out.sort_values(MERGE_KEY, kind="stable")
    return ordered[list(RECONCILED_COLUMNS)].reset_index(drop=True)
