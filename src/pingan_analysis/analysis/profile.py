"""A city's profile: every validated indicator figure of the city, domain by domain, with its
interval, period and the sentence it came from (notebook 06, run once per city)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pingan_analysis.corpus.codebook import DOMAINS, Codebook, load_codebook
from pingan_analysis.config import project_paths
from pingan_analysis.escaping import markdown_text
from pingan_analysis.exceptions import DataError, UsageError
from pingan_analysis.analysis.summaries import processed_table
from pingan_analysis.datasets import processed_folder

DOMAIN_TITLES: dict[str, str] = {
    "political_security": "Political security (政治安全)",
    "anti_gang": "Anti-gang campaign (扫黑除恶)",
    "grassroots_governance": "Grassroots governance (基层治理)",
    "public_safety": "Public safety (公共安全)",
    "petitions_stability": "Petitions and stability (信访维稳)",
    "serving_development": "Serving development: law, courts, legal services (服务发展)",
}
PROFILE_COLUMNS: tuple[str, ...] = (
    "indicator", "name_en", "name_zh", "kind", "text", "value", "interval", "unit", "period",
    "modality", "sentence", "release_id", "span",
)


def city_figures(city_en: str, processed_dir: str | Path | None = None,
                 codebook: Codebook | None = None) -> pd.DataFrame:
    """The city's validated indicator mentions, with the codebook's names, in reading order.

    A city of the corpus with no validated figure (nothing in its releases maps to an
    indicator) has an empty profile, not an error: one such city must not stop every run.
    A city that is not in the corpus at all is refused.
    """
    rows = processed_table("indicators_valid", processed_dir)
    with_figures = set(rows["city_en"].dropna().astype(str))
    if city_en not in with_figures:
        known = sorted(with_figures | _corpus_cities(processed_dir))
        if city_en not in known:
            raise DataError(f"the city {city_en!r} is not in the corpus",
                            fix=f"use one of the corpus's cities: {', '.join(known)}")
    book = codebook or load_codebook(_project_codebook())
    rows = rows[rows["city_en"] == city_en].copy()
    rows["name_en"] = rows["indicator"].map(lambda i: book[i].name_en if i in book else "")
    rows["name_zh"] = rows["indicator"].map(lambda i: book[i].name_zh if i in book else "")
    rows["interval"] = [_interval(lo, hi) for lo, hi in zip(rows["lower"], rows["upper"])]
    rows["period"] = [_period(s, e) for s, e in zip(rows["period_start"], rows["period_end"])]
    rows["span"] = [f"{s}–{e}" for s, e in zip(rows["start"], rows["end"])]
    return rows.sort_values(["domain", "indicator", "release_id", "start"], kind="stable")


def profile_by_domain(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The figures split into the six domains, in the releases' own order of the six battles."""
    return {DOMAIN_TITLES[domain]: figures.loc[figures["domain"] == domain, list(PROFILE_COLUMNS)]
            .reset_index(drop=True) for domain in DOMAINS}


def city_header(figures: pd.DataFrame, city_en: str | None = None,
                processed_dir: str | Path | None = None) -> dict[str, object]:
    """Who and what the profile covers: names, province, releases, indicators, periods.

    For a city without figures (give ``city_en``) the names and releases come from the corpus table.
    """
    if len(figures):
        first, releases = figures.iloc[0], figures["release_id"]
    else:
        corpus = processed_table("corpus", processed_dir)
        own = corpus[corpus["city_en"] == city_en]
        if own.empty:
            raise DataError(f"the city {city_en!r} is not in the corpus",
                            fix="give the English name of a city of data/raw/releases.csv")
        # corpus.csv has no province or level: those stay empty
        first = own.iloc[0].reindex(["city_en", "city_zh", "province", "admin_level"])
        releases = own["release_id"]
    return {
        "city": f"{first['city_en']} ({first['city_zh']})",
        "province": "" if pd.isna(first["province"]) else first["province"],
        "admin_level": "" if pd.isna(first["admin_level"]) else first["admin_level"],
        "releases": ", ".join(sorted(str(r) for r in releases.unique())),
        "figures": len(figures),
        "indicators": figures["indicator"].nunique(),
        "targets": int((figures["modality"] == "target").sum()),
    }


def city_heading(header: dict[str, object]) -> str:
    """The profile's Markdown heading, every name in it escaped; a note when there are no figures."""
    heading = f"## {markdown_text(header['city'])}"
    if not header["figures"]:
        heading += ("\n\n_No validated figures for this city: nothing in its releases maps to an "
                    "indicator of the codebook (see the validation report)._")
    return heading


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


def _interval(lower: float, upper: float) -> str:
    if pd.isna(lower) and pd.isna(upper):
        return "open"
    if lower == upper:
        return "exact"
    low = "…" if pd.isna(lower) else f"{lower:,.15g}"
    high = "…" if pd.isna(upper) else f"{upper:,.15g}"
    return f"[{low}, {high}]"


def _period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``2019-01-01 – 2019-12-31``, ``as of 2019-12-31`` for a stock, ``… – 2019-12-31`` for a
    running total whose start is not stated."""
    if pd.isna(start) and pd.isna(end):
        return "unknown"
    if start == end:
        return f"as of {end:%Y-%m-%d}"
    first = "…" if pd.isna(start) else f"{start:%Y-%m-%d}"
    last = "…" if pd.isna(end) else f"{end:%Y-%m-%d}"
    return f"{first} – {last}"
