"""The panel files (csv, Excel csv, parquet, dta) and datapackage.json."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import REPO_ROOT
from pingan_analysis.extract.build import CORPUS_COLUMNS, DROPPED_COLUMNS
from pingan_analysis.datasets import load_panel
from pingan_analysis.panel.derive import DERIVED_INDICATORS
from pingan_analysis.config import DEFAULT_CODEBOOK
from pingan_analysis.panel.exports import (
    CORPUS_FIELDS, DROPPED_FIELDS, FAILURE_FIELDS, INDICATOR_FIELDS, MENTION_FIELDS, PANEL_FIELDS,
    STATA_LABEL_LENGTH, TABLES, csv_bytes, datapackage, stata_label,
)
from pingan_analysis.panel.build import PANEL_TABLE_COLUMNS
from pingan_analysis.registry import (
    FAILURE_COLUMNS, INDICATORS_TABLE_COLUMNS, MENTIONS_TABLE_COLUMNS,
)
from seed_figures import built

PANEL_FILES = ("panel.csv", "panel_excel.csv", "panel.parquet", "panel.dta", "datapackage.json")
FRICTIONLESS_TYPES = {"string", "number", "integer", "boolean", "date"}


def test_csv_parquet_and_stata_hold_the_same_panel(processed: Path) -> None:
    from_csv = load_panel(processed)
    from_parquet = pd.read_parquet(processed / "panel.parquet")
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    from_stata = pd.read_stata(processed / "panel.dta")
    assert list(from_stata.columns) == list(PANEL_TABLE_COLUMNS)
    assert from_stata["city_zh"].tolist() == from_csv["city_zh"].astype(str).tolist()
    assert from_stata["conflict"].astype(bool).tolist() == from_csv["conflict"].tolist()
    pd.testing.assert_series_equal(from_stata["value"], from_csv["value"], check_names=False)
    pd.testing.assert_series_equal(from_stata["period_end"], from_csv["period_end"].astype(
        "datetime64[s]"), check_names=False, check_dtype=False)
    assert from_stata["sources"].str.len().max() > 80  # long text survives (strL)


def test_stata_variables_are_labelled(processed: Path) -> None:
    with pd.io.stata.StataReader(processed / "panel.dta") as reader:
        labels = reader.variable_labels()
        assert reader.data_label == "pingan-analysis panel"
    assert set(labels) == set(PANEL_TABLE_COLUMNS)
    assert all(0 < len(label) <= STATA_LABEL_LENGTH for label in labels.values())
    assert labels["conflict"] == stata_label("conflict")
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]{0,31}", name) for name in labels)


def test_the_excel_csv_is_the_csv_with_bom_and_crlf(processed: Path) -> None:
    plain = (processed / "panel.csv").read_bytes()
    excel = (processed / "panel_excel.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf") and b"\r\n" not in plain
    assert excel.startswith(b"\xef\xbb\xbf")
    assert excel[3:].replace(b"\r\n", b"\n") == plain
    assert "青岛市" in plain.decode("utf-8")


def test_numbers_are_written_compactly(processed: Path) -> None:
    text = (processed / "panel.csv").read_text(encoding="utf-8")
    assert ",32860,32860,32860,件次," in text  # no trailing .0
    assert ",false," in text and ",true," in text


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path) -> None:
    first = {name: (project / "data" / "processed" / name) for name in PANEL_FILES}
    built(project)
    before = {name: path.read_bytes() for name, path in first.items()}
    other = tmp_path / "other"
    shutil.copytree(project / "data" / "raw", other / "data" / "raw")
    (other / "data" / "processed").mkdir()
    built(other)
    built(project)  # again, over its own files
    for name, data in before.items():
        assert (other / "data" / "processed" / name).read_bytes() == data, name
        assert first[name].read_bytes() == data, name
    assert not list((project / "data" / "processed").glob(".*.tmp"))


def test_the_field_descriptions_cover_the_table_contracts() -> None:
    assert list(MENTION_FIELDS) == list(MENTIONS_TABLE_COLUMNS)
    assert set(INDICATOR_FIELDS) == set(INDICATORS_TABLE_COLUMNS)
    assert list(FAILURE_FIELDS) == list(FAILURE_COLUMNS)
    assert list(CORPUS_FIELDS) == list(CORPUS_COLUMNS)
    assert list(DROPPED_FIELDS) == list(DROPPED_COLUMNS)
    assert list(PANEL_FIELDS) == list(PANEL_TABLE_COLUMNS)


def _write_header(path: Path, columns: tuple[str, ...]) -> None:
    path.write_text(",".join(columns) + "\n", encoding="utf-8")


def test_the_datapackage_describes_every_column_of_every_table(processed: Path) -> None:
    for name, columns in [("mentions.csv", MENTIONS_TABLE_COLUMNS),
                          ("indicators.csv", INDICATORS_TABLE_COLUMNS),
                          ("validation_failures.csv", FAILURE_COLUMNS),
                          ("corpus.csv", CORPUS_COLUMNS), ("dropped_blocks.csv", DROPPED_COLUMNS),
                          # as the validation step writes it: with its is_target flag
                          ("indicators_valid.csv", (*INDICATORS_TABLE_COLUMNS, "is_target"))]:
        _write_header(processed / name, columns)
    package = datapackage(processed, DEFAULT_CODEBOOK)
    resources = {resource["path"]: resource for resource in package["resources"]}
    assert set(resources) == {table.path for table in TABLES} | {"panel.parquet", "panel.dta"}
    for table in TABLES:
        resource = resources[table.path]
        header = pd.read_csv(processed / table.path, nrows=0, encoding=table.encoding).columns
        fields = resource["schema"]["fields"]
        assert [field["name"] for field in fields] == list(header)
        assert all(field["type"] in FRICTIONLESS_TYPES and field["description"]
                   and field["description"] != "(not yet described)" for field in fields)
        assert set(resource["schema"].get("primaryKey", [])) <= set(header)
    for resource in resources.values():
        data = (processed / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"])
    assert resources["panel_excel.csv"]["encoding"] == "utf-8-sig"
    assert resources["panel.csv"]["dialect"]["lineTerminator"] == "\n"


def test_the_datapackage_lists_the_codebook_and_derived_indicators(processed: Path) -> None:
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    ids = [indicator["id"] for indicator in package["indicators"]]
    assert {"grid_workers", "criminal_police_incidents", "mediators"} <= set(ids)
    assert ids[-len(DERIVED_INDICATORS):] == list(DERIVED_INDICATORS)
    assert len(ids) == len(set(ids))
    panel_ids = set(pd.read_csv(processed / "panel.csv")["indicator"])
    assert panel_ids <= set(ids)


def test_an_undescribed_column_is_described_as_such(processed: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    _write_header(processed / "corpus.csv", (*CORPUS_COLUMNS, "new_column"))
    built(processed.parents[1])
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    corpus = next(r for r in package["resources"] if r["name"] == "corpus")
    assert corpus["schema"]["fields"][-1]["description"] == "(not yet described)"
    assert "new_column" in caplog.text


def test_citation_and_package_versions_agree(processed: Path) -> None:
    citation = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license", "abstract", "keywords"} <= set(citation)
    assert citation["version"] == project["version"] == package["version"]
    assert citation["license"] == "MIT"
    assert citation["authors"] == [{"name": "pingan-analysis contributors"}]


def test_formula_cells_are_neutralised_in_the_excel_csv_only() -> None:
    text = pd.DataFrame({"city_en": ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(A1)", "Qingdao"],
                         "value": ["-13.5", "2", "-1+2", "3"]})
    plain = csv_bytes(text).decode("utf-8")
    excel = csv_bytes(text, excel=True).decode("utf-8-sig")
    assert '"=HYPERLINK(""http://x"",""y"")"' in plain and "\n+cmd," in plain
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in excel
    assert "\r\n'+cmd,2" in excel and "\r\n'@SUM(A1),'-1+2" in excel
    assert "-13.5" in excel and "'-13.5" not in excel  # a signed number stays a number
