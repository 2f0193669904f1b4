"""A city with nothing mapped, or a manifest row missing its optional fields, never stops a run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pingan_analysis.analysis import profile
from pingan_analysis.exceptions import DataError
from pingan_analysis.registry import INDICATORS_TABLE_COLUMNS


@pytest.fixture
def jinan_without_figures(tmp_path: Path) -> Path:
    """Processed tables where Jinan has a release but no validated figure."""
    row = dict.fromkeys(INDICATORS_TABLE_COLUMNS, "")
    row.update(
        release_id="qingdao-2020-04-08-7042e67b",
        city_en="Qingdao",
        city_zh="青岛市",
        start=0,
        end=3,
        text="15个",
        value=15,
        lower=15,
        upper=15,
        unit="个",
        kind="count",
        modality="reported",
        indicator="grid_cells",
        domain="grassroots_governance",
    )
    pd.DataFrame([row]).to_csv(tmp_path / "indicators_valid.csv", index=False)
    corpus = pd.DataFrame(
        {
            "release_id": ["qingdao-2020-04-08-7042e67b", "jinan-2021-01-05-0badc0de"],
            "file": ["q.txt", "j.txt"],
            "city_zh": ["青岛市", "济南市"],
            "city_en": ["Qingdao", "Jinan"],
            "published": ["2020-04-08", "2021-01-05"],
            "kind": ["transcript", ""],
            **{
                c: [1, 1]
                for c in (
                    "chars",
                    "kept_chars",
                    "repeat_chars",
                    "boilerplate_chars",
                    "paragraphs",
                    "dropped_blocks",
                    "mentions",
                    "indicator_mentions",
                )
            },
        }
    )
    corpus.to_csv(tmp_path / "corpus.csv", index=False)
    return tmp_path


def test_a_city_with_nothing_mapped_gets_an_empty_profile_that_says_so(
    jinan_without_figures: Path,
) -> None:
    figures = profile.city_figures("Jinan", jinan_without_figures)
    assert figures.empty
    header = profile.city_header(figures, "Jinan", jinan_without_figures)
    assert "<h2>Jinan (济南市)</h2>" in header and "0 reported figures" in header
    assert "jinan-2021-01-05-0badc0de" in header
    assert "No validated figures for this city" in header
    assert all(len(t) == 0 for t in profile.profile_by_domain(figures).values())


def test_a_city_outside_the_corpus_is_still_refused(jinan_without_figures: Path) -> None:
    with pytest.raises(DataError, match="Jinan, Qingdao"):
        profile.city_figures("Atlantis", jinan_without_figures)
