"""Reading the manifest and adding releases: validated first, written atomically."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.manifest import add_release, add_releases_from_csv, read_manifest
from pingan_analysis.exceptions import DataError, UsageError
from pingan_analysis.registry import MANIFEST_COLUMNS

from conftest import MANIFEST, SEED_ROWS

TEXT = "莱西市2015年平安建设工作总结。全年共破获刑事案件2100余起。\n"


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path → sha256): equal digests mean nothing changed."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def paths(project: Path) -> ProjectPaths:
    return ProjectPaths(project)


@pytest.fixture
def new_text(tmp_path: Path) -> Path:
    path = tmp_path / "laixi2015.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


def test_read_manifest_gives_text_columns_in_contract_order(seed_release: dict[str, str]) -> None:
    manifest = read_manifest(MANIFEST)
    assert tuple(manifest.columns) == MANIFEST_COLUMNS
    row = manifest.set_index("release_id").loc[seed_release["release_id"]]
    assert row.to_dict() == {k: v for k, v in seed_release.items() if k != "release_id"}


def test_read_manifest_names_line_and_column(paths: ProjectPaths) -> None:
    text = paths.manifest.read_text(encoding="utf-8").replace(
        "2022-06-27,2012-11-08", "2022-02-30,2012-11-08"
    )
    paths.manifest.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_manifest(paths.manifest)
    assert "line 3, column published: '2022-02-30'" in caught.value.message
    assert "fix:" in caught.value.message


def test_add_release_fills_city_from_the_gazetteer_and_copies_bytes(
    paths: ProjectPaths, new_text: Path
) -> None:
    row = add_release(
        paths,
        new_text,
        {
            "city": "莱西市",
            "published": "2016-01-10",
            "period_start": "2015-01-01",
            "period_end": "2015-12-31",
        },
    )
    sha = hashlib.sha256(new_text.read_bytes()).hexdigest()
    assert row["release_id"] == f"laixi-2016-01-10-{sha[:8]}"
    assert (row["city_en"], row["province"], row["admin_level"]) == (
        "Laixi",
        "山东",
        "county-level city",
    )
    assert (paths.releases_dir / row["file"]).read_bytes() == new_text.read_bytes()
    manifest = read_manifest(paths.manifest)
    assert manifest.iloc[-1].to_dict() == row
    assert len(manifest) == len(SEED_ROWS) + 1


def test_a_new_city_takes_its_names_and_level_from_the_gazetteer(
    paths: ProjectPaths, new_text: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        row = add_release(paths, new_text, {"city": "即墨区", "published": "2016-01-10"})
    assert (row["city_en"], row["province"], row["admin_level"]) == (
        "Jimo District",
        "山东",
        "district",
    )
    assert row["release_id"].startswith("jimo-district-2016-01-10-")
    # no census row for 即墨区: the warning names the file and the columns to add
    assert (
        "即墨区 has no resident_population_census row in data/raw/reference/population.csv"
        in caplog.text
    )
    assert "pingan reference add" in caplog.text and "source_title" in caplog.text


def test_a_short_name_adds_to_the_existing_city_not_a_second_one(
    paths: ProjectPaths, new_text: Path
) -> None:
    row = add_release(paths, new_text, {"city": "青岛", "published": "2016-01-10"})
    assert (row["city_zh"], row["city_en"]) == ("青岛市", "Qingdao")
    assert set(read_manifest(paths.manifest)["city_zh"]) == {r["city_zh"] for r in SEED_ROWS}


@pytest.mark.parametrize(
    ("city", "slug"),
    [("六安", "lu-an"), ("西安", "xi-an"), ("长治", "changzhi"), ("单县", "shan-county")],
)
def test_release_ids_take_the_official_romanisation(
    paths: ProjectPaths, new_text: Path, city: str, slug: str
) -> None:
    row = add_release(paths, new_text, {"city": city, "published": "2016-01-10"})
    assert row["release_id"].startswith(f"{slug}-2016-01-10-")


def test_a_given_english_name_is_kept_but_the_id_is_official(
    paths: ProjectPaths, new_text: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        row = add_release(
            paths,
            new_text,
            {"city": "青岛市", "published": "2016-01-10", "city_en": "Tsingtao", "kind": "other"},
        )
    assert row["city_en"] == "Tsingtao" and row["release_id"].startswith("qingdao-")
    assert "'Tsingtao' kept" in caplog.text


def test_a_province_or_level_that_disagrees_with_the_gazetteer_is_refused(
    paths: ProjectPaths, new_text: Path
) -> None:
    before = tree_digest(paths.root / "data")
    with pytest.raises(DataError) as caught:
        add_release(
            paths,
            new_text,
            {
                "city": "青岛市",
                "published": "2016-01-10",
                "province": "江苏",
                "admin_level": "county",
            },
        )
    message = caught.value.message
    assert "--province '江苏': the gazetteer has '山东'" in message
    assert "--admin-level 'county': the gazetteer has 'prefecture'" in message
    assert str(new_text) in message and tree_digest(paths.root / "data") == before


def test_an_unknown_place_is_refused_with_did_you_mean(paths: ProjectPaths, new_text: Path) -> None:
    with pytest.raises(DataError) as caught:
        add_release(paths, new_text, {"city": "清岛市", "published": "2016-01-10"})
    assert "did you mean 青岛市" in caught.value.message


def test_a_place_the_gazetteer_lacks_needs_every_name_given(
    paths: ProjectPaths, new_text: Path, caplog: pytest.LogCaptureFixture
) -> None:
    names = {"city_en": "Xixian New Area", "province": "陕西", "admin_level": "district"}
    with caplog.at_level(logging.WARNING):
        row = add_release(paths, new_text, {"city": "西咸新区", "published": "2016-01-10", **names})
    assert {key: row[key] for key in names} == names and "not in the gazetteer" in caplog.text


@pytest.mark.parametrize(
    ("metadata", "named"),
    [
        ({"published": "2022-02-30"}, "--published: '2022-02-30'"),
        ({"published": "2999-01-01"}, "not_in_future"),
        ({"period_start": "2016-01-01", "period_end": "2015-01-01"}, "--period-end"),
        ({"kind": "memo"}, "--kind: 'memo'"),
    ],
)
def test_invalid_metadata_is_refused_and_nothing_changes(
    paths: ProjectPaths, new_text: Path, metadata: dict, named: str
) -> None:
    before = tree_digest(paths.root / "data")
    with pytest.raises(DataError) as caught:
        add_release(paths, new_text, {"city": "莱西市", "published": "2016-01-10", **metadata})
    assert named in caught.value.message and str(new_text) in caught.value.message
    assert tree_digest(paths.root / "data") == before


def test_duplicate_names_the_existing_release(paths: ProjectPaths) -> None:
    seed = SEED_ROWS[1]
    with pytest.raises(DataError, match=f"already in the corpus as release {seed['release_id']}"):
        add_release(
            paths, paths.releases_dir / seed["file"], {"city": "保山市", "published": "2022-06-28"}
        )


def test_missing_required_option_is_usage(paths: ProjectPaths, new_text: Path) -> None:
    with pytest.raises(UsageError, match="--published"):
        add_release(paths, new_text, {"city": "莱西市"})


def test_a_failure_while_writing_leaves_nothing(
    paths: ProjectPaths, new_text: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_digest(paths.root / "data")
    real_replace = os.replace

    def fail_on_manifest(source, target):
        if Path(target) == paths.manifest:
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_manifest)
    with pytest.raises(OSError):
        add_release(paths, new_text, {"city": "莱西市", "published": "2016-01-10"})
    assert tree_digest(paths.root / "data") == before


def write_batch(folder: Path, rows: list[str]) -> Path:
    (folder / "texts").mkdir()
    for number in range(len(rows)):
        (folder / "texts" / f"{number}.txt").write_text(
            f"第{number}份材料:网格{number + 10}个。\n", encoding="utf-8"
        )
    batch = folder / "batch.csv"
    batch.write_text(
        "file,city_zh,published,kind\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8"
    )
    return batch


def test_batch_adds_every_row(paths: ProjectPaths, tmp_path: Path) -> None:
    batch = write_batch(
        tmp_path, ["texts/0.txt,淄博市,2021-01-05,news_report", "texts/1.txt,保山市,2021-02-05,"]
    )
    added = add_releases_from_csv(paths, batch)
    assert [row["city_en"] for row in added] == ["Zibo", "Baoshan"]
    assert list(read_manifest(paths.manifest)["release_id"][-2:]) == [
        r["release_id"] for r in added
    ]


def test_batch_with_two_bad_rows_names_both_and_adds_none(
    paths: ProjectPaths, tmp_path: Path
) -> None:
    batch = write_batch(
        tmp_path,
        [
            "texts/0.txt,淄博市,2021-01-05,news_report",
            "texts/1.txt,保山市,2021-02-30,",
            "texts/0.txt,淄博市,2021-01-06,",
        ],
    )
    before = tree_digest(paths.root / "data")
    with pytest.raises(DataError) as caught:
        add_releases_from_csv(paths, batch)
    message = caught.value.message
    assert "2 of 3 rows refused" in message and "line 3:" in message and "line 4:" in message
    assert "'2021-02-30'" in message and "already in the corpus" in message
    assert tree_digest(paths.root / "data") == before


def test_a_province_given_tells_namesakes_apart(paths: ProjectPaths, new_text: Path) -> None:
    row = add_release(
        paths, new_text, {"city": "海州区", "province": "江苏", "published": "2016-01-10"}
    )
    assert (row["city_zh"], row["province"], row["admin_level"]) == ("海州区", "江苏", "district")
