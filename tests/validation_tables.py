"""Hand-made mentions and indicators tables over the seed releases, for the validation tests.

Each row of :data:`ROWS` is located in its release by searching for its text, so offsets are
real; a few rows carry one deliberate error each (``EXPECTED_*_FAILURES``). The Baoshan
"命案比峰值下降255%" row is the real-world impossible decline the issue names.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS, MENTIONS_TABLE_COLUMNS

BAOSHAN = "baoshan-2022-06-27-2f4f2efe"
LAIXI = "laixi-2014-01-01-6004b27d"
QINGDAO = "qingdao-2020-04-08-7042e67b"
TEN_YEARS = ("2012-11-08", "2022-05-31")
Y2013 = ("2013-01-01", "2013-12-31")
Y2014 = ("2014-01-01", "2014-12-31")

# (release, text searched for, value, unit, kind, indicator, period, extra fields)
ROWS: list[tuple[str, str, float, str, str, str, tuple[str, str], dict]] = [
    (BAOSHAN, "48600个", 48600, "个", "count", "grid_cells", ("2022-05-31",) * 2, {}),
    (BAOSHAN, "49702人", 49702, "人", "count", "", ("2022-05-31",) * 2, {}),
    (BAOSHAN, "255%", 255, "%", "change_pct", "homicide_cases", TEN_YEARS, {"direction": "down"}),
    (
        LAIXI,
        "2300余起",
        2300,
        "起",
        "count",
        "criminal_cases_solved",
        Y2013,
        {"qualifier": "lower", "lower": 2300, "upper": 2400},
    ),
    (LAIXI, "115个社区", 115, "个", "count", "governance_centres", Y2014, {"modality": "target"}),
    (LAIXI, "115个社区", 115, "个", "count", "governance_centres", Y2014, {}),
    (
        LAIXI,
        "23.9%",
        23.9,
        "%",
        "change_pct",
        "criminal_cases_occurred",
        Y2013,
        {"direction": "down"},
    ),
    (BAOSHAN, "48600个", 48600, "人", "count", "grid_cells", ("2022-05-31",) * 2, {}),
    (
        LAIXI,
        "2300余起",
        2300,
        "起",
        "count",
        "criminal_cases_solved",
        Y2013,
        {"qualifier": "lower", "lower": 2400, "upper": 2500},
    ),
    (LAIXI, "95%", 120, "%", "percent", "", Y2013, {}),
    (BAOSHAN, "48600个", 48600, "个", "count", "grid_cells", ("2022-05-31",) * 2, {"shift": 1}),
]
#: Row numbers (in both tables' own numbering) → the check that row must fail.
EXPECTED_MENTION_FAILURES: dict[int, str] = {
    2: "decline_at_most_100_pct",
    8: "value_within_interval",
    9: "percent_within_0_100",
    10: "text_matches_release",
}
#: Indicator rows (mentions with an indicator, renumbered) → the check they must fail.
EXPECTED_INDICATOR_FAILURES: dict[int, str] = {
    1: "decline_at_most_100_pct",
    4: "reported_period_before_published",
    6: "unit_fits_codebook",
    7: "value_within_interval",
    8: "text_matches_release",
}
TARGET_INDICATOR_ROW = 3


def manifest_rows(root: Path) -> dict[str, dict[str, str]]:
    with (root / "data/raw/releases.csv").open(encoding="utf-8", newline="") as handle:
        return {row["release_id"]: row for row in csv.DictReader(handle)}


def write_tables(root: Path, out_dir: Path) -> None:
    """Write mentions.csv and indicators.csv of :data:`ROWS` into ``out_dir``."""
    releases = manifest_rows(root)
    codebook = load_codebook()
    mentions, indicators = [], []
    for release_id, needle, value, unit, kind, indicator, period, extra in ROWS:
        release = releases[release_id]
        text = (root / "data/raw/releases" / release["file"]).read_text(encoding="utf-8")
        start = text.index(needle) + extra.get("shift", 0)
        number = needle.rstrip("社区")
        row = {
            "release_id": release_id,
            "doc": release["file"],
            "start": start,
            "end": start + len(number),
            "text": number,
            "value": float(value),
            "unit": unit,
            "qualifier": extra.get("qualifier", "exact"),
            "lower": extra.get("lower", value),
            "upper": extra.get("upper", value),
            "kind": kind,
            "direction": extra.get("direction", ""),
            "period_start": period[0],
            "period_end": period[1],
            "modality": extra.get("modality", "reported"),
            "indicator": indicator,
            "multiple_form": "",
            "subject": "",
            "corrected": "false",
        }
        mentions.append([row[column] for column in MENTIONS_TABLE_COLUMNS])
        if indicator:
            sentence = next(s for s in text.split("。") if needle in s) + "。"
            row.update(
                {
                    key: release[key]
                    for key in ("city_zh", "city_en", "province", "admin_level", "published")
                },
                domain=codebook.domain_of(indicator),
                sentence=sentence,
            )
            indicators.append([row[column] for column in INDICATORS_TABLE_COLUMNS])
    for name, header, rows in (
        ("mentions", MENTIONS_TABLE_COLUMNS, mentions),
        ("indicators", INDICATORS_TABLE_COLUMNS, indicators),
    ):
        with atomic_text_writer(out_dir / f"{name}.csv") as handle:
            write_csv_rows(handle, header, rows)
