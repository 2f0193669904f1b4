"""Reconciliation of sources, on real figures of the seed releases (see ``seed_figures``)."""

from __future__ import annotations

import math

import pytest

from pingan_analysis.exceptions import DataError
from pingan_analysis.panel.reconcile import RECONCILED_COLUMNS, reconcile

from seed_figures import (
    BAOSHAN,
    LAIXI,
    LEGAL_SERVICES,
    NEWSPAPER,
    RELEASES_DIR,
    TRANSCRIPT,
    frame,
    only,
    seed_row,
)


def test_seed_row_points_at_the_real_characters() -> None:
    row = LEGAL_SERVICES[1]
    decoded = (RELEASES_DIR / row["doc"]).read_text(encoding="utf-8")
    assert decoded[row["start"] : row["end"]] == "32860件次"
    assert "全市实现了存、社区法律顾问全覆盖" in row["sentence"]


def test_transcript_and_newspaper_merge_to_the_most_precise_figure() -> None:
    panel = reconcile(frame(*LEGAL_SERVICES))
    row = only(panel, "legal_services_provided")
    assert (row["value"], row["lower"], row["upper"]) == (32860, 32860, 32860)
    assert row["unit"] == "件次"
    assert not row["conflict"]
    assert row["n_sources"] == 2
    assert row["release_ids"] == f"{TRANSCRIPT};{NEWSPAPER}"
    spans = row["sources"].split(";")
    assert len(spans) == 3 and spans[0].startswith(f"{TRANSCRIPT}:")
    assert f"{TRANSCRIPT}:{LEGAL_SERVICES[1]['start']}-{LEGAL_SERVICES[1]['end']}" in spans
    assert (row["city_zh"], row["city_en"], row["period_start"]) == (
        "青岛市",
        "Qingdao",
        "2019-01-01",
    )


def test_two_imprecise_sources_keep_their_common_interval() -> None:
    # "划分为2.9万多个基础网格" in both the transcript and the newspaper: 29000..30000.
    rows = [
        seed_row(
            release,
            "划分为2.9万多个基础网格",
            "2.9万多个",
            29000,
            "grid_cells",
            qualifier="lower",
            lower=29000,
            upper=30000,
            unit="个",
            stock=True,
        )
        for release in (TRANSCRIPT, NEWSPAPER)
    ]
    row = only(reconcile(frame(*rows)), "grid_cells")
    assert (row["value"], row["lower"], row["upper"]) == (29000, 29000, 30000)
    assert row["period_start"] == row["period_end"] == "2019-12-31"
    assert row["n_sources"] == 2 and not row["conflict"]


def test_the_value_stays_inside_the_intersection() -> None:
    # 000: "排查化解矛盾隐患1万多件(次)" allows [10000, 20000] and states 10000. A second source
    # saying "12000以上" (made up: no seed states it) narrows the facts to [12000, 20000]; the
    # stated 10000 is then impossible, and the value becomes the closest figure all allow.
    many = seed_row(
        TRANSCRIPT,
        "排查化解矛盾隐患1万多件",
        "1万多件",
        10000,
        "disputes_resolved",
        qualifier="lower",
        lower=10000,
        upper=20000,
    )
    above = {
        **many,
        "release_id": "made-up",
        "start": 0,
        "end": 6,
        "value": 12000.0,
        "lower": 12000.0,
        "upper": None,
    }
    row = only(reconcile(frame(many, above)), "disputes_resolved")
    assert not row["conflict"]
    assert (row["value"], row["lower"], row["upper"]) == (12000, 12000, 20000)
    assert row["release_ids"] == f"made-up;{TRANSCRIPT}"


def test_intervals_of_two_releases_that_do_not_overlap_are_a_conflict() -> None:
    # 000: "全市刑事警情同比下降21%" and a second release saying 13.5% of the same quantity
    # (made up: the newspaper does not): they cannot both be true.
    context = "全市刑事警情同比下降21%,全年刑事警情下降13.5%"
    since_september = seed_row(
        TRANSCRIPT,
        context,
        "21%",
        21,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    whole_year = seed_row(
        TRANSCRIPT,
        context,
        "13.5%",
        13.5,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    other = {**whole_year, "release_id": "made-up"}
    row = only(reconcile(frame(since_september, other)), "criminal_police_incidents")
    assert row["conflict"]
    assert (row["lower"], row["upper"]) == (-21, -13.5)  # the hull of both claims
    assert row["value"] == -13.5  # equally precise: the first release id (made-up) wins
    assert row["n_sources"] == 2


def test_different_figures_of_one_release_are_sub_quantities_not_a_conflict() -> None:
    # 000: "2019年9月以来,全市刑事警情同比下降21%,全年刑事警情下降13.5%": two quantities of one
    # release under one key (the period phrase of the first missed) are not two sources at odds.
    context = "全市刑事警情同比下降21%,全年刑事警情下降13.5%"
    since_september = seed_row(
        TRANSCRIPT,
        context,
        "21%",
        21,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    whole_year = seed_row(
        TRANSCRIPT,
        context,
        "13.5%",
        13.5,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    row = only(reconcile(frame(since_september, whole_year)), "criminal_police_incidents")
    assert not row["conflict"]
    assert (row["lower"], row["upper"]) == (-21, -13.5)  # the release's figures span this
    assert row["n_sources"] == 1 and len(row["sources"].split(";")) == 2


def test_the_same_figure_twice_in_one_release_is_one_source() -> None:
    # 000: "全市刑事警情同比下降13.5%" (speech) and "全年刑事警情下降13.5%" (Q&A).
    speech = seed_row(
        TRANSCRIPT,
        "全市刑事警情同比下降13.5%",
        "13.5%",
        13.5,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    answer = seed_row(
        TRANSCRIPT,
        "全年刑事警情下降13.5%",
        "13.5%",
        13.5,
        "criminal_police_incidents",
        kind="change_pct",
        direction="down",
        unit="%",
    )
    row = only(reconcile(frame(speech, answer)), "criminal_police_incidents")
    assert (row["value"], row["lower"], row["upper"]) == (-13.5, -13.5, -13.5)
    assert row["n_sources"] == 1 and not row["conflict"]


def test_a_decline_with_an_open_interval_flips() -> None:
    # A decline "近30%" is [open, 30] before signing; signed it is [-30, open).
    near = seed_row(
        LAIXI,
        "全市刑事发案同比下降23.9%",
        "23.9%",
        30,
        "criminal_cases_occurred",
        kind="change_pct",
        qualifier="upper",
        lower=None,
        upper=30,
        direction="down",
    )
    row = only(reconcile(frame(near)), "criminal_cases_occurred")
    assert row["value"] == -30 and row["lower"] == -30 and math.isnan(row["upper"])


@pytest.mark.parametrize(
    ("context", "text", "value", "form", "indicator", "expected"),
    [
        # 000: "刑事打击同比提高58%,行政拘留同比提高1.1倍": +110%.
        ("行政拘留同比提高1.1倍", "1.1倍", 1.1, "increase", "administrative_detentions", 110.0),
        # 000: "全市追回逃犯1328人,是上年同期的2倍": +100%.
        ("是上年同期的2倍", "2倍", 2.0, "ratio", "fugitives_captured", 100.0),
    ],
)
def test_multiples_become_percent_changes(
    context: str, text: str, value: float, form: str, indicator: str, expected: float
) -> None:
    row = seed_row(
        TRANSCRIPT,
        context,
        text,
        value,
        indicator,
        kind="change_multiple",
        direction="up",
        multiple_form=form,
        unit="倍",
    )
    merged = only(reconcile(frame(row)), indicator)
    assert merged["kind"] == "change_pct" and merged["unit"] == "%"
    assert merged["value"] == pytest.approx(expected)
    assert merged["lower"] == pytest.approx(expected) and merged["upper"] == pytest.approx(expected)


def test_a_multiple_without_its_form_is_refused() -> None:
    row = seed_row(
        TRANSCRIPT,
        "行政拘留同比提高1.1倍",
        "1.1倍",
        1.1,
        "administrative_detentions",
        kind="change_multiple",
        direction="up",
    )
    with pytest.raises(DataError, match=f"{TRANSCRIPT}:{row['start']}-{row['end']}"):
        reconcile(frame(row))


def test_targets_and_unmapped_figures_stay_out() -> None:
    # 002 (the 2014 plan): "总投资额5.7亿元的...“天网”工程" is a target, not an achieved figure.
    target = seed_row(
        LAIXI,
        "总投资额5.7亿元",
        "5.7亿元",
        5.7e8,
        "security_tech_investment",
        kind="amount",
        modality="target",
    )
    unmapped = seed_row(LAIXI, "对全市970名市镇村三级综治干部", "970名", 970, "")
    assert reconcile(frame(target, unmapped)).empty


def test_cities_periods_and_kinds_do_not_merge() -> None:
    # 保山: "全市共划分网格48600个"; 青岛: "2.9万多个基础网格"; 莱西 2013: "全市115个网格".
    rows = [
        seed_row(BAOSHAN, "全市共划分网格48600个", "48600个", 48600, "grid_cells", stock=True),
        seed_row(
            TRANSCRIPT,
            "划分为2.9万多个基础网格",
            "2.9万多个",
            29000,
            "grid_cells",
            qualifier="lower",
            lower=29000,
            upper=30000,
            stock=True,
        ),
        seed_row(LAIXI, "将全市115个网格", "115个", 115, "grid_cells", stock=True),
    ]
    panel = reconcile(frame(*rows))
    assert list(panel.columns) == list(RECONCILED_COLUMNS)
    assert sorted(panel["city_zh"]) == ["保山市", "莱西市", "青岛市"]
    assert panel["n_sources"].tolist() == [1, 1, 1]
    assert panel["reference"].eq("").all()


@pytest.mark.parametrize(
    ("kind", "direction", "expected"),
    [
        ("score", "", 98.61),
        ("change_score", "up", 98.61),
        ("change_score", "down", -98.61),
    ],
)
def test_scores_are_levels_and_changes_in_points_are_signed(
    kind: str, direction: str, expected: float
) -> None:
    # A score (安全指数91.3分) is a level not bounded by 100; a change in points (下降2.4分) is
    # signed like change_pp. The seeds hold no score, so a seed figure is restated as one.
    row = seed_row(
        BAOSHAN,
        "满意度98.61%",
        "98.61%",
        98.61,
        "public_security_satisfaction",
        kind=kind,
        direction=direction,
        unit="分",
    )
    merged = only(reconcile(frame(row)), "public_security_satisfaction", kind)
    assert (merged["unit"], merged["value"]) == ("分", pytest.approx(expected))
    assert merged["lower"] == pytest.approx(expected) == merged["upper"]
