"""City profiles (notebook 06) and the panel overview (notebook 04) on small tables of real figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.analysis import overview, profile
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS

# Real figures: Qingdao's 2019 transcript ("全市共打掉涉黑社会性质组织15个") and Laixi's 2013 review
# ("全市刑事发案同比下降23.9%"), plus a sentence carrying markup, which must stay text.
QINGDAO = {
    "release_id": "qingdao-2020-04-08-7042e67b",
    "city_zh": "青岛市",
    "city_en": "Qingdao",
    "province": "山东",
    "admin_level": "prefecture",
    "published": "2020-04-08",
}
LAIXI = {
    "release_id": "laixi-2014-01-01-6004b27d",
    "city_zh": "莱西市",
    "city_en": "Laixi",
    "province": "山东",
    "admin_level": "county-level city",
    "published": "2014-01-01",
}


def _figure(
    release: dict,
    start: int,
    text: str,
    value: float,
    unit: str,
    kind: str,
    indicator: str,
    domain: str,
    sentence: str,
    lower: float | None = None,
    upper: float | None = None,
    direction: str = "",
    modality: str = "reported",
    period: tuple[str, str] = ("2019-01-01", "2019-12-31"),
) -> dict:
    row = dict.fromkeys(INDICATORS_TABLE_COLUMNS, "")
    row.update(
        release,
        doc=f"{release['release_id']}.txt",
        start=start,
        end=start + len(text),
        text=text,
        value=value,
        unit=unit,
        qualifier="exact" if lower is None else "lower",
        lower=value if lower is None else lower,
        upper=value if upper is None else upper,
        kind=kind,
        direction=direction,
        period_start=period[0],
        period_end=period[1],
        modality=modality,
        indicator=indicator,
        domain=domain,
        sentence=sentence,
    )
    return row


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    rows = [
        _figure(
            QINGDAO,
            1520,
            "15个",
            15,
            "个",
            "count",
            "gang_organizations_dismantled",
            "anti_gang",
            "全市共打掉涉黑社会性质组织15个、涉恶犯罪集团48个",
        ),
        _figure(
            QINGDAO,
            4000,
            "2.9万多个",
            29000,
            "个",
            "count",
            "grid_cells",
            "grassroots_governance",
            "划分网格2.9万多个<script>alert(1)</script>",
            lower=29000,
            upper=30000,
        ),
        _figure(
            LAIXI,
            300,
            "23.9%",
            23.9,
            "%",
            "change_pct",
            "criminal_cases_occurred",
            "public_safety",
            "全市刑事发案同比下降23.9%。",
            direction="down",
            period=("2013-01-01", "2013-12-31"),
        ),
    ]
    pd.DataFrame(rows, columns=list(INDICATORS_TABLE_COLUMNS)).to_csv(
        tmp_path / "indicators_valid.csv", index=False
    )
    return tmp_path


def test_city_figures_are_the_citys_rows_with_codebook_names(processed: Path) -> None:
    figures = profile.city_figures("Qingdao", processed)
    assert list(figures["indicator"]) == ["gang_organizations_dismantled", "grid_cells"]
    assert figures.set_index("indicator").loc["grid_cells", "name_zh"] == "网格"
    table = profile.profile_table(figures).set_index("Indicator")
    assert table["Range allowed"].tolist() == ["exact", "29,000–30,000个"]
    assert table["Figure"].tolist() == ["15个", "29,000个"]


def test_a_decline_reads_as_a_decline(processed: Path) -> None:
    figures = profile.city_figures("Laixi", processed)
    assert figures["signed_value"].tolist() == [-23.9]
    row = profile.profile_table(figures).iloc[0]
    assert row["Figure"] == "▼ 23.9% 下降"
    assert "23.9%" in row["Sentence"] and "<b>23.9%</b>" in row["Sentence"]


def test_every_figure_links_to_its_characters(processed: Path) -> None:
    table = profile.profile_table(profile.city_figures("Qingdao", processed))
    assert (
        '<a href="../releases/qingdao-2020-04-08-7042e67b.html#m4000-4006"'
        in table["As written"].iloc[1]
    )


def test_profile_has_all_six_domains_in_order_even_when_empty(processed: Path) -> None:
    tables = profile.profile_by_domain(profile.city_figures("Laixi", processed))
    assert list(tables) == list(profile.DOMAIN_TITLES.values())
    assert [len(t) for t in tables.values()] == [0, 0, 0, 1, 0, 0]
    assert tables["Public safety (公共安全)"].loc[0, "Period"] == "2013"


def test_targets_stand_apart_from_achievements(processed: Path) -> None:
    rows = pd.read_csv(processed / "indicators_valid.csv")
    target = rows.iloc[[0]].assign(modality="target", start=9000, end=9003)
    pd.concat([rows, target]).to_csv(processed / "indicators_valid.csv", index=False)
    figures = profile.city_figures("Qingdao", processed)
    assert len(profile.targets(figures)) == 1
    assert sum(len(t) for t in profile.profile_by_domain(figures).values()) == 2
    assert "1 target</p>" in profile.city_header(figures)


def test_release_markup_stays_text_in_the_profiles_html(processed: Path) -> None:
    tables = profile.profile_by_domain(profile.city_figures("Qingdao", processed))
    rendered = tables["Grassroots governance (基层治理)"]["Sentence"].iloc[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<script>" not in rendered


def test_an_unknown_city_is_refused_naming_the_known_ones(processed: Path) -> None:
    with pytest.raises(DataError, match="Laixi, Qingdao"):
        profile.city_figures("Atlantis", processed)


def test_header_counts_figures_indicators_and_targets(processed: Path) -> None:
    header = profile.city_header(profile.city_figures("Qingdao", processed))
    assert "<h2>Qingdao (青岛市)</h2>" in header
    assert "1 release (" in header and "2 reported figures on 2 indicators · 0 targets" in header


def test_headline_figures_are_signed_with_every_source(panel_with_sources: pd.DataFrame) -> None:
    table = profile.headline_figures(panel_with_sources, "Zibo")
    assert table["Figure"].tolist() == ["▼ 36.01% 下降"]
    assert table["Sources"].iloc[0].count("<a href=") == 2
    assert "#m10-16" in table["Sources"].iloc[0] and "#m40-46" in table["Sources"].iloc[0]


def test_timeline_only_for_indicators_with_several_periods(
    panel_with_sources: pd.DataFrame,
) -> None:
    rows = profile.timeline_rows(panel_with_sources, "Zibo")
    assert set(rows["indicator"]) == {"grid_workers"}
    assert profile.plot_timeline(panel_with_sources, "Zibo") is not None
    assert profile.plot_timeline(panel_with_sources.iloc[:1], "Zibo") is None
    assert profile.timeline_stem("Xi'an") == "timeline_xi_an"


@pytest.fixture
def panel_with_sources() -> pd.DataFrame:
    panel = _panel()
    change = panel.iloc[[2]].assign(
        indicator="criminal_cases_filed",
        kind="change_pct",
        value=-36.01,
        lower=-36.01,
        upper=-36.01,
        unit="%",
        sources="zibo-2022-10-14-aaaa:10-16; zibo-2022-10-14-bbbb:40-46",
    )
    panel = panel.assign(unit="人", sources="z:1-2")
    return pd.concat([panel, change], ignore_index=True)


def _panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city_en": ["Qingdao", "Qingdao", "Zibo", "Zibo"],
            "indicator": ["grid_cells", "grid_workers", "grid_workers", "grid_workers"],
            "kind": ["count"] * 4,
            "period_start": ["2019-12-31", "2019-12-31", "2022-10-14", "2016-12-31"],
            "period_end": ["2019-12-31", "2019-12-31", "2022-10-14", "2016-12-31"],
            "value": [29000.0, 30000.0, 12000.0, 9000.0],
            "lower": [29000.0, 30000.0, 12000.0, 9000.0],
            "upper": [30000.0, 30000.0, 12000.0, 9000.0],
            "n_sources": [2, 1, 1, 1],
            "release_ids": ["a;b", "a", "z", "z"],
            "conflict": [False, True, False, False],
        }
    )


def test_coverage_counts_rows_per_indicator_and_city() -> None:
    table = overview.coverage(_panel())
    assert table.loc["grid_workers", "Zibo"] == 2
    assert table.loc["grid_cells", "Zibo"] == 0


def test_sources_per_value_and_conflicts() -> None:
    assert overview.sources_per_value(_panel()).loc["Qingdao"].to_dict() == {1: 1, 2: 1}
    conflicts = overview.conflicts(_panel())
    assert (
        list(conflicts["indicator"]) == ["grid_workers"]
        and conflicts.loc[0, "city_en"] == "Qingdao"
    )


def test_coverage_heat_map_shows_shared_indicators_and_says_what_it_leaves_out() -> None:
    figure = overview.plot_coverage(_panel())
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["grid_workers"]
    assert "(1 single-city indicator not shown)" in figure.axes[0].get_title()
    caption = overview.coverage_caption(_panel())
    assert "1 indicator that 2 or more cities report, of the panel's 2" in caption
    assert set(overview.coverage_table(_panel().assign(domain="x"))["Indicator"]) == {
        "grid_workers",
        "grid_cells",
    }


def test_the_panel_table_links_every_value_and_signs_changes(
    panel_with_sources: pd.DataFrame,
) -> None:
    panel = panel_with_sources.assign(city_zh="市", domain="")
    table = overview.panel_table(panel)
    assert len(table) == len(panel)
    assert table["Sources"].str.contains('<a href="../releases/').all()
    assert "▼ 36.01% 下降" in table["Figure"].tolist()
    assert overview.sources_per_value_table(panel).columns.tolist() == [
        "City",
        "1 release",
        "2 releases",
    ]
