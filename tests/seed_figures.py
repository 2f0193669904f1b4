"""Indicator rows built from real figures of the seed releases, shared by the reconcile, derive,
panel, datasets and export tests.

``seed_row`` builds an indicators-table row from a figure as it stands in a seed release: it
finds the figure in the file (so ``start``/``end`` are the real offsets), and takes the city and
reporting period from the manifest. ``SEED_INDICATORS`` is a small ``indicators_valid.csv`` of
such rows, and ``built`` builds the panel of a project from it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.panel.build import build_panel
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS

from conftest import RELEASES_DIR, SEED_ROWS

TRANSCRIPT = "qingdao-2020-04-08-7042e67b"
NEWSPAPER = "qingdao-2020-04-15-1ebbc326"
BAOSHAN = "baoshan-2022-06-27-2f4f2efe"
LAIXI = "laixi-2014-01-01-6004b27d"
ZIBO = "zibo-2022-10-14-b179115e"
CODEBOOK = load_codebook()


def _sentence(decoded: str, start: int, end: int) -> str:
    left = max(decoded.rfind(mark, 0, start) for mark in "。\n") + 1
    ends = [i for i in (decoded.find(mark, end) for mark in "。\n") if i >= 0]
    return decoded[left : min(ends) + 1 if ends else len(decoded)].strip()


def seed_row(
    release_id: str,
    context: str,
    text: str,
    value: float,
    indicator: str,
    *,
    kind: str = "count",
    qualifier: str = "exact",
    lower: float | None = None,
    upper: float | None = None,
    direction: str = "",
    multiple_form: str = "",
    period: tuple[str, str] | None = None,
    stock: bool = False,
    unit: str = "",
    modality: str = "reported",
) -> dict:
    """An indicators-table row for ``text`` at its first occurrence inside ``context``; the
    domain comes from the packaged codebook."""
    release = next(row for row in SEED_ROWS if row["release_id"] == release_id)
    decoded = (RELEASES_DIR / release["file"]).read_text(encoding="utf-8-sig")
    start = decoded.index(context) + context.index(text)
    end = start + len(text)
    if period is None:
        as_of = release["period_end"]
        period = (as_of, as_of) if stock else (release["period_start"], as_of)
    if qualifier == "exact":
        lower = upper = value
    row = {
        "release_id": release_id,
        "doc": release["file"],
        "start": start,
        "end": end,
        "text": decoded[start:end],
        "value": value,
        "unit": unit,
        "qualifier": qualifier,
        "lower": lower,
        "upper": upper,
        "kind": kind,
        "direction": direction,
        "period_start": period[0],
        "period_end": period[1],
        "modality": modality,
        "indicator": indicator,
        "multiple_form": multiple_form,
        "subject": "",
        "domain": CODEBOOK.domain_of(indicator) if indicator in CODEBOOK else "",
        "published": release["published"],
        "sentence": _sentence(decoded, start, end),
        "corrected": "false",
        **{key: release[key] for key in ("city_zh", "city_en", "province", "admin_level")},
    }
    return {column: row[column] for column in INDICATORS_TABLE_COLUMNS}


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(INDICATORS_TABLE_COLUMNS))


def only(panel: pd.DataFrame, indicator: str, kind: str | None = None) -> pd.Series:
    chosen = panel[(panel["indicator"] == indicator) & ((panel["kind"] == kind) if kind else True)]
    assert len(chosen) == 1, chosen
    return chosen.iloc[0]


# 000 (transcript, Q&A): "为群众提供法律服务事项32860件次"; 000 (speech): "为群众提供法律服务事项3.2万余次";
# 003 (newspaper): "为群众提供法律服务事项3.2万多次".
LEGAL_SERVICES = (
    seed_row(
        TRANSCRIPT,
        "法律服务事项3.2万余次",
        "3.2万余次",
        32000,
        "legal_services_provided",
        qualifier="lower",
        lower=32000,
        upper=33000,
        unit="次",
    ),
    seed_row(
        TRANSCRIPT,
        "法律服务事项32860件次",
        "32860件次",
        32860,
        "legal_services_provided",
        unit="件次",
    ),
    seed_row(
        NEWSPAPER,
        "法律服务事项3.2万多次",
        "3.2万多次",
        32000,
        "legal_services_provided",
        qualifier="lower",
        lower=32000,
        upper=33000,
        unit="次",
    ),
)


def _both_qingdao(context: str, text: str, value: float, indicator: str, **kwargs) -> list[dict]:
    return [
        seed_row(release, context, text, value, indicator, **kwargs)
        for release in (TRANSCRIPT, NEWSPAPER)
    ]


def _lower(value: float, step: float) -> dict:
    return {"qualifier": "lower", "lower": value, "upper": value + step}


SEED_INDICATORS: list[dict] = [
    *LEGAL_SERVICES,
    # 000 and 003: "划分为2.9万多个基础网格,统一编制确定编码,配备5.8万多名专兼职网格员"
    *_both_qingdao(
        "划分为2.9万多个基础网格",
        "2.9万多个",
        29000,
        "grid_cells",
        stock=True,
        **_lower(29000, 1000),
    ),
    *_both_qingdao(
        "配备5.8万多名专兼职网格员",
        "5.8万多名",
        58000,
        "grid_workers",
        stock=True,
        **_lower(58000, 1000),
    ),
    # 000 and 003: "累计建成视频监控5.4万余处"
    *_both_qingdao(
        "视频监控5.4万余处",
        "5.4万余处",
        54000,
        "video_surveillance_points",
        stock=True,
        **_lower(54000, 1000),
    ),
    # 000: "设立联动调解组织217个,调解员464人"
    seed_row(TRANSCRIPT, "调解员464人", "464人", 464, "mediators", stock=True),
    # 000: "全市刑事警情同比下降13.5%" and, in the Q&A, "全年刑事警情下降13.5%"
    seed_row(
        TRANSCRIPT,
        "全市刑事警情同比下降13.5%",
        "13.5%",
        13.5,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    ),
    seed_row(
        TRANSCRIPT,
        "全年刑事警情下降13.5%",
        "13.5%",
        13.5,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    ),
    # 000: "行政拘留同比提高1.1倍"; "全市追回逃犯1328人,是上年同期的2倍"
    seed_row(
        TRANSCRIPT,
        "行政拘留同比提高1.1倍",
        "1.1倍",
        1.1,
        "administrative_detentions",
        kind="change_multiple",
        direction="up",
        multiple_form="increase",
        unit="倍",
    ),
    seed_row(
        TRANSCRIPT,
        "是上年同期的2倍",
        "2倍",
        2,
        "fugitives_captured",
        kind="change_multiple",
        direction="up",
        multiple_form="ratio",
        unit="倍",
    ),
    # 000: "2019年全年,全市行政机关负责人出庭应诉率72.5%"; 003: "去年10月达到100%" — read as the
    # 2019 rate, as an extractor that misses "10月" would: a conflict.
    seed_row(
        TRANSCRIPT,
        "出庭应诉率72.5%",
        "72.5%",
        72.5,
        "official_court_appearance_rate",
        kind="percent",
        unit="%",
    ),
    seed_row(
        NEWSPAPER,
        "去年10月达到100%",
        "100%",
        100,
        "official_court_appearance_rate",
        kind="percent",
        unit="%",
    ),
    # 001: "全市共划分网格48600个,配备专(兼)职网格员49702人"; "人民调解员11148名";
    # "接入市公共安全视频监控共享平台3.1万路"; "今年1至5月,全市刑事案件发案同比下降27.8%"
    seed_row(BAOSHAN, "全市共划分网格48600个", "48600个", 48600, "grid_cells", stock=True),
    seed_row(BAOSHAN, "网格员49702人", "49702人", 49702, "grid_workers", stock=True),
    seed_row(BAOSHAN, "人民调解员11148名", "11148名", 11148, "mediators", stock=True),
    seed_row(
        BAOSHAN,
        "视频监控共享平台3.1万路",
        "3.1万路",
        31000,
        "video_surveillance_points",
        stock=True,
    ),
    seed_row(
        BAOSHAN,
        "刑事案件发案同比下降27.8%",
        "27.8%",
        27.8,
        "criminal_cases_occurred",
        kind="change_pct",
        direction="down",
        period=("2022-01-01", "2022-05-31"),
    ),
    # 002: "将全市115个网格划分成红、黄、绿三个等级"; "全市刑事发案同比下降23.9%"
    seed_row(LAIXI, "将全市115个网格", "115个", 115, "grid_cells", stock=True),
    seed_row(
        LAIXI,
        "全市刑事发案同比下降23.9%",
        "23.9%",
        23.9,
        "criminal_cases_occurred",
        kind="change_pct",
        direction="down",
    ),
    # 002, the 2014 plan: "在115个社区服务中心建设综治室" — a target, not in the panel.
    seed_row(
        LAIXI,
        "在115个社区服务中心",
        "115个",
        115,
        "governance_centres",
        modality="target",
        period=("2014-01-01", "2014-12-31"),
    ),
    # 004: "全市共配备网格员7600余人"; "立案数...分别下降36.01%、85.7%"
    seed_row(
        ZIBO,
        "全市共配备网格员7600余人",
        "7600余人",
        7600,
        "grid_workers",
        stock=True,
        **_lower(7600, 100),
    ),
    seed_row(
        ZIBO,
        "分别下降36.01%",
        "36.01%",
        36.01,
        "criminal_cases_filed",
        kind="change_pct",
        direction="down",
    ),
]
REPORTED_ROWS = 18
DERIVED_ROWS = 17


def write_indicators(processed_dir: Path, rows: list[dict]) -> None:
    """``indicators_valid.csv`` as the validation step writes it."""
    with atomic_text_writer(processed_dir / "indicators_valid.csv") as handle:
        write_csv_rows(
            handle,
            INDICATORS_TABLE_COLUMNS,
            ([row[c] for c in INDICATORS_TABLE_COLUMNS] for row in rows),
        )


def built(project: Path, rows: list[dict] = SEED_INDICATORS) -> pd.DataFrame:
    processed = project / "data" / "processed"
    write_indicators(processed, rows)
    return build_panel(ProjectPaths(project), processed)
