"""Validation results for reading: a summary table, checks in words, failures linked to mentions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.analysis import validation_view
from pingan_analysis.config import ProjectPaths
from pingan_analysis.extract.build import build_corpus_tables
from pingan_analysis.validate.run import validate_tables

from conftest import FIXTURE_PROJECT


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("validated")
    build_corpus_tables(ProjectPaths(FIXTURE_PROJECT), folder)
    validate_tables(ProjectPaths(FIXTURE_PROJECT), folder)
    return folder


def test_the_summary_is_a_table_not_a_dict(validated: Path) -> None:
    table = validation_view.summary_table(validated)
    assert table.shape == (4, 2)
    assert table["Count"].str.fullmatch(r"[\d,]+").all()


def test_every_failure_of_a_mention_links_to_its_characters(validated: Path) -> None:
    failures = pd.read_csv(validated / "validation_failures.csv")
    table = validation_view.failures_table(validated)
    assert len(table) == len(failures)
    mentions = pd.read_csv(validated / "mentions.csv")
    indicators = pd.read_csv(validated / "indicators.csv")
    for failure, shown in zip(failures.itertuples(), table.itertuples(), strict=True):
        if failure.table not in validation_view.MENTION_TABLES:
            continue
        row = (mentions if failure.table == "mentions" else indicators).iloc[failure.row]
        assert f'#m{row.start}-{row.end}"' in shown.Figure
        assert f"<b>{row.text}</b>" in shown.Sentence


def test_quarantine_is_the_indicator_failures(validated: Path) -> None:
    table = validation_view.quarantined_table(validated)
    assert (table["Table"] == "indicators").all()
    assert validation_view.conflicts_table(validated).empty  # the panel is not built here
