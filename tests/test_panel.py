"""build_panel on a throwaway project whose indicators_valid.csv holds real seed figures.

Until the corpus and validation steps produce ``indicators_valid.csv``, the table is written
here from figures located in the seed releases (see ``test_reconcile.seed_row``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.csvio import atomic_text_writer, write_csv_rows
from pingan_analysis.datasets import read_text_table
from pingan_analysis.exceptions import DataError
from pingan_analysis.panel import PANEL_TABLE_COLUMNS, build_panel, check_panel
from pingan_analysis.tables import INDICATORS_TABLE_COLUMNS, PANEL_COLUMNS
from test_reconcile import (
    BAOSHAN, LAIXI, LEGAL_SERVICES, NEWSPAPER, TRANSCRIPT, ZIBO, RELEASES_DIR, seed_row,
)


def _both_qingdao(context: str, text: str, value: float, indicator: str, **kwargs) -> list[dict]:
    return [seed_row(release, context, text, value, indicator, **kwargs)
            for release in (TRANSCRIPT, NEWSPAPER)]


def _lower(value: float, step: float) -> dict:
    return {"qualifier": "lower", "lower": value, "upper": value + step}


SEED_INDICATORS: list[dict] = [
    *LEGAL_SERVICES,
    # 000 and 003: "划分为2.9万多个基础网格,统一编制确定编码,配备5.8万多名专兼职网格员"
    *_both_qingdao("划分为2.9万多个基础网格", "2.9万多个", 29000, "grid_cells", stock=True,
                   **_lower(29000, 1000)),
    *_both_qingdao("配备5.8万多名专兼职网格员", "5.8万多名", 58000, "grid_workers", stock=True,
                   **_lower(58000, 1000)),
    # 000 and 003: "累计建成视频监控5.4万余处"
    *_both_qingdao("视频监控5.4万余处", "5.4万余处", 54000, "video_surveillance_points",
                   stock=True, **_lower(54000, 1000)),
    # 000: "设立联动调解组织217个,调解员464人"
    seed_row(TRANSCRIPT, "调解员464人", "464人", 464, "mediators", stock=True),
    # 000: "全市刑事警情同比下降13.5%" and, in the Q&A, "全年刑事警情下降13.5%"
    seed_row(TRANSCRIPT, "全市刑事警情同比下降13.5%", "13.5%", 13.5, "criminal_police_incidents",
             kind="change_pct", direction="down", unit="%"),
    seed_row(TRANSCRIPT, "全年刑事警情下降13.5%", "13.5%", 13.5, "criminal_police_incidents",
             kind="change_pct", direction="down", unit="%"),
    # 000: "行政拘留同比提高1.1倍"; "全市追回逃犯1328人,是上年同期的2倍"
    seed_row(TRANSCRIPT, "行政拘留同比提高1.1倍", "1.1倍", 1.1, "administrative_detentions",
             kind="change_multiple", direction="up", multiple_form="increase", unit="倍"),
    seed_row(TRANSCRIPT, "是上年同期的2倍", "2倍", 2, "fugitives_captured",
             kind="change_multiple", direction="up", multiple_form="ratio", unit="倍"),
    # 000: "2019年全年,全市行政机关负责人出庭应诉率72.5%"; 003: "去年10月达到100%" — read as the
    # 2019 rate, as an extractor that misses "10月" would: a conflict.
    seed_row(TRANSCRIPT, "出庭应诉率72.5%", "72.5%", 72.5, "official_court_appearance_rate",
             kind="percent", unit="%"),
    seed_row(NEWSPAPER, "去年10月达到100%", "100%", 100, "official_court_appearance_rate",
             kind="percent", unit="%"),
    # 001: "全市共划分网格48600个,配备专(兼)职网格员49702人"; "人民调解员11148名";
    # "接入市公共安全视频监控共享平台3.1万路"; "今年1至5月,全市刑事案件发案同比下降27.8%"
    seed_row(BAOSHAN, "全市共划分网格48600个", "48600个", 48600, "grid_cells", stock=True),
    seed_row(BAOSHAN, "网格员49702人", "49702人", 49702, "grid_workers", stock=True),
    seed_row(BAOSHAN, "人民调解员11148名", "11148名", 11148, "mediators", stock=True),
    seed_row(BAOSHAN, "视频监控共享平台3.1万路", "3.1万路", 31000, "video_surveillance_points",
             stock=True),
    seed_row(BAOSHAN, "刑事案件发案同比下降27.8%", "27.8%", 27.8, "criminal_cases_occurred",
             kind="change_pct", direction="down", period=("2022-01-01", "2022-05-31")),
    # 002: "将全市115个网格划分成红、黄、绿三个等级"; "全市刑事发案同比下降23.9%"
    seed_row(LAIXI, "将全市115个网格", "115个", 115, "grid_cells", stock=True),
    seed_row(LAIXI, "全市刑事发案同比下降23.9%", "23.9%", 23.9, "criminal_cases_occurred",
             kind="change_pct", direction="down"),
    # 002, the 2014 plan: "在115个社区服务中心建设综治室" — a target, not in the panel.
    seed_row(LAIXI, "在115个社区服务中心", "115个", 115, "governance_centres", modality="target",
             period=("2014-01-01", "2014-12-31")),
    # 004: "全市共配备网格员7600余人"; "立案数...分别下降36.01%、85.7%"
    seed_row(ZIBO, "全市共配备网格员7600余人", "7600余人", 7600, "grid_workers", stock=True,
             **_lower(7600, 100)),
    seed_row(ZIBO, "分别下降36.01%", "36.01%", 36.01, "criminal_cases_filed", kind="change_pct",
             direction="down"),
]
REPORTED_ROWS = 18
DERIVED_ROWS = 17


def write_indicators(processed_dir: Path, rows: list[dict]) -> None:
    """``indicators_valid.csv`` as the validation step writes it."""
    with atomic_text_writer(processed_dir / "indicators_valid.csv") as handle:
        write_csv_rows(handle, INDICATORS_TABLE_COLUMNS,
                       ([row[c] for c in INDICATORS_TABLE_COLUMNS] for row in rows))


def built(project: Path, rows: list[dict] = SEED_INDICATORS) -> pd.DataFrame:
    processed = project / "data" / "processed"
    write_indicators(processed, rows)
    return build_panel(ProjectPaths(project), processed)


def test_the_seed_panel(project: Path) -> None:
    panel = built(project)
    assert list(panel.columns) == list(PANEL_TABLE_COLUMNS)
    assert tuple(panel.columns[:len(PANEL_COLUMNS)]) == PANEL_COLUMNS
    assert len(panel) == REPORTED_ROWS + DERIVED_ROWS
    assert (panel["reference"] != "").sum() == DERIVED_ROWS - 4  # annualised rows use none
    assert sorted(panel["city_en"].unique()) == ["Baoshan", "Laixi", "Qingdao", "Zibo"]
    assert not panel.duplicated(["city_zh", "period_start", "period_end", "indicator", "kind"]).any()
    assert "governance_centres" not in set(panel["indicator"])


def test_the_conflict_is_kept_and_marked(project: Path) -> None:
    panel = built(project)
    conflicts = panel[panel["conflict"]]
    assert conflicts["indicator"].tolist() == ["official_court_appearance_rate"]
    row = conflicts.iloc[0]
    assert (row["lower"], row["upper"], row["n_sources"]) == (72.5, 100, 2)
    assert row["value"] == 72.5  # equally precise; the first release id wins


def test_every_panel_number_leads_back_to_its_characters(project: Path) -> None:
    panel = built(project)
    texts = {(r["release_id"], r["start"], r["end"]): r["text"] for r in SEED_INDICATORS}
    files = {r["release_id"]: r["doc"] for r in SEED_INDICATORS}
    for sources in panel["sources"]:
        for source in sources.split(";"):
            release_id, _, span = source.partition(":")
            start, end = map(int, span.split("-"))
            decoded = (RELEASES_DIR / files[release_id]).read_text(encoding="utf-8")
            assert decoded[start:end] == texts[(release_id, start, end)]


def test_derived_rows_carry_their_inputs(project: Path) -> None:
    panel = built(project).set_index(["city_en", "indicator"])
    rate = panel.loc[("Qingdao", "grid_workers_per_10k")]
    assert rate["release_ids"] == f"{TRANSCRIPT};{NEWSPAPER}" and rate["n_sources"] == 2
    assert rate["value"] == pytest.approx(58000 / 10071722 * 1e4)
    assert panel.loc[("Zibo", "grid_workers_per_10k"), "upper"] == pytest.approx(7700 / 4704138 * 1e4)
    laixi = panel.loc[("Laixi", "residents_per_grid")]
    assert laixi["value"] == pytest.approx(720103 / 115)
    assert "no 2013 year-end estimate" in laixi["note"]
    assert panel.loc[("Qingdao", "administrative_detentions"), "value"] == pytest.approx(110)
    assert panel.loc[("Qingdao", "fugitives_captured"), "value"] == pytest.approx(100)
    assert panel.loc[("Baoshan", "criminal_cases_occurred_annualised"), "value"] == pytest.approx(-27.8)
    assert panel.loc[("Zibo", "criminal_cases_filed"), "domain"] == "public_safety"


def test_a_city_missing_from_the_reference_keeps_its_reported_rows(project: Path) -> None:
    population = project / "data" / "raw" / "reference" / "population.csv"
    lines = population.read_text(encoding="utf-8").splitlines(keepends=True)
    population.write_text("".join(line for line in lines if not line.startswith("淄博市")),
                          encoding="utf-8")
    zibo = built(project).query("city_en == 'Zibo'")
    assert sorted(zibo["indicator"]) == [
        "criminal_cases_filed", "criminal_cases_filed_annualised", "grid_workers"]


def test_no_indicator_rows_make_an_empty_panel(project: Path) -> None:
    panel = built(project, [])
    assert panel.empty and list(panel.columns) == list(PANEL_TABLE_COLUMNS)
    header = (project / "data" / "processed" / "panel.csv").read_text(encoding="utf-8")
    assert header == ",".join(PANEL_TABLE_COLUMNS) + "\n"


def test_without_validated_indicators_the_step_says_what_to_run(project: Path) -> None:
    with pytest.raises(DataError, match="indicators_valid.csv") as error:
        build_panel(ProjectPaths(project), project / "data" / "processed")
    assert "pingan run" in str(error.value)


def test_a_panel_that_breaks_its_schema_is_not_written(project: Path) -> None:
    panel = built(project)
    broken = panel.copy()
    broken.loc[0, "value"] = broken.loc[0, "upper"] + 1  # outside its interval, no conflict
    with pytest.raises(DataError, match="value_within_common_interval"):
        check_panel(broken)


def test_the_panel_of_the_real_corpus(project: Path) -> None:
    """The whole chain on the seed releases: extraction and validation, then the panel."""
    from pingan_analysis.corpus import build_corpus_tables
    from pingan_analysis.validate import validate_tables

    paths = ProjectPaths(project)
    build_corpus_tables(paths, paths.processed_dir, jobs=1)
    validate_tables(paths, paths.processed_dir)
    panel = build_panel(paths, paths.processed_dir)
    valid = read_text_table(paths.processed_dir / "indicators_valid.csv")
    texts = {f"{r.release_id}:{r.start}-{r.end}": r.text for r in valid.itertuples()}
    assert set(panel["city_en"]) == {"Baoshan", "Laixi", "Qingdao", "Zibo"}
    assert {source for sources in panel["sources"] for source in sources.split(";")} <= set(texts)
    reported = panel[panel["reference"] == ""]
    assert (reported["n_sources"] == 2).any()  # Qingdao's two releases merge
    assert "grid_workers_per_10k" in set(panel["indicator"])
