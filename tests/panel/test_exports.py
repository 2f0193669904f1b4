"""The panel files (csv, Excel csv, parquet, dta) and datapackage.json."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

import pingan_analysis
from pingan_analysis.config import DEFAULT_CODEBOOK
from pingan_analysis.datasets import load_panel
from pingan_analysis.panel.derive import DERIVED_INDICATORS
from pingan_analysis.panel.exports import RESOURCES, STATA_BOOLEAN_LABELS, csv_bytes, datapackage
from pingan_analysis.registry import (
    CORPUS_COLUMNS,
    CORRECTION_REPORT_COLUMNS,
    DROPPED_COLUMNS,
    FAILURE_COLUMNS,
    INDICATORS_TABLE_COLUMNS,
    MENTIONS_TABLE_COLUMNS,
    PANEL,
    PANEL_TABLE_COLUMNS,
    STATA_LABEL_LENGTH,
    VALID_INDICATORS_COLUMNS,
)

from conftest import REPO_ROOT
from seed_figures import built

PANEL_FILES = ("panel.csv", "panel_excel.csv", "panel.parquet", "panel.dta", "datapackage.json")
FRICTIONLESS_TYPES = {"string", "number", "integer", "boolean", "date"}


def test_csv_parquet_and_stata_hold_the_same_panel(processed: Path) -> None:
    from_csv = load_panel(processed)
    from_parquet = pd.read_parquet(processed / "panel.parquet")
    dates = ["period_start", "period_end"]
    pd.testing.assert_frame_equal(from_parquet.drop(columns=dates), from_csv.drop(columns=dates))
    for date in dates:
        assert (
            pd.to_datetime(from_parquet[date]).tolist()
            == from_csv[date].astype("datetime64[ns]").tolist()
        )
    from_stata = pd.read_stata(processed / "panel.dta")
    assert list(from_stata.columns) == list(PANEL_TABLE_COLUMNS)
    assert from_stata["city_zh"].tolist() == from_csv["city_zh"].astype(str).tolist()
    assert (from_stata["conflict"] == "true").tolist() == from_csv["conflict"].tolist()
    assert from_stata["kind"].astype(str).tolist() == from_csv["kind"].astype(str).tolist()
    pd.testing.assert_series_equal(from_stata["value"], from_csv["value"], check_names=False)
    pd.testing.assert_series_equal(
        from_stata["period_end"],
        from_csv["period_end"].astype("datetime64[s]"),
        check_names=False,
        check_dtype=False,
    )
    assert from_stata["sources"].str.len().max() > 80  # long text survives (strL)


def test_parquet_has_dates_and_the_registry_descriptions(processed: Path) -> None:
    schema = pq.read_schema(processed / "panel.parquet")
    assert schema.names == list(PANEL_TABLE_COLUMNS)
    assert str(schema.field("period_end").type) == "date32[day]"
    assert str(schema.field("n_sources").type) == "int64"
    for column in PANEL.columns:
        metadata = schema.field(column.name).metadata
        assert metadata[b"description"].decode("utf-8") == column.description
        assert metadata[b"label"].decode("utf-8") == column.label


def test_stata_variables_and_categorical_values_are_labelled(processed: Path) -> None:
    with pd.io.stata.StataReader(processed / "panel.dta") as reader:
        labels = reader.variable_labels()
        value_labels = reader.value_labels()
        assert reader.data_label == "pingan-analysis panel"
    assert labels == {column.name: column.label for column in PANEL.columns}
    assert all(
        0 < len(label) <= STATA_LABEL_LENGTH and not label.endswith("…")
        for label in labels.values()
    )
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]{0,31}", name) for name in labels)
    categorical = [column for column in PANEL.columns if column.allowed is not None]
    assert categorical and all(
        sorted(value_labels[column.name].values()) == sorted(column.allowed)
        for column in categorical
    )
    assert value_labels["conflict"] == STATA_BOOLEAN_LABELS


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


def _write_header(path: Path, columns: tuple[str, ...]) -> None:
    path.write_text(",".join(columns) + "\n", encoding="utf-8")


def test_the_datapackage_describes_every_column_of_every_table(processed: Path) -> None:
    for name, columns in [
        ("mentions.csv", MENTIONS_TABLE_COLUMNS),
        ("indicators.csv", INDICATORS_TABLE_COLUMNS),
        ("validation_failures.csv", FAILURE_COLUMNS),
        ("corpus.csv", CORPUS_COLUMNS),
        ("dropped_blocks.csv", DROPPED_COLUMNS),
        ("corrections_report.csv", CORRECTION_REPORT_COLUMNS),
        ("indicators_valid.csv", VALID_INDICATORS_COLUMNS),
    ]:
        _write_header(processed / name, columns)
    package = datapackage(processed, DEFAULT_CODEBOOK)
    resources = {resource["path"]: resource for resource in package["resources"]}
    assert set(resources) == {r.path for r in RESOURCES} | {"panel.parquet", "panel.dta"}
    for table in RESOURCES:
        resource = resources[table.path]
        header = pd.read_csv(processed / table.path, nrows=0, encoding="utf-8-sig").columns
        fields = resource["schema"]["fields"]
        assert [field["name"] for field in fields] == list(header)
        assert all(
            field["type"] in FRICTIONLESS_TYPES
            and field["description"]
            and field["description"] != "(not yet described)"
            for field in fields
        )
        assert set(resource["schema"].get("primaryKey", [])) <= set(header)
    for resource in resources.values():
        data = (processed / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"])
    assert resources["panel_excel.csv"]["encoding"] == "utf-8"  # a standard name; BOM or not
    assert resources["panel_excel.csv"]["dialect"]["lineTerminator"] == "\r\n"
    assert resources["panel.csv"]["dialect"]["lineTerminator"] == "\n"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_the_frictionless_library_accepts_the_built_package(processed: Path) -> None:
    report = frictionless.validate(str(processed / "datapackage.json"))
    errors = [error.message for task in report.tasks for error in task.errors]
    assert report.valid, errors[:5]
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    checked = {task.name for task in report.tasks}
    assert checked == {resource["name"] for resource in package["resources"]}
    assert {"panel", "panel-excel", "indicators-valid", "panel-parquet"} <= checked


def test_frictionless_finds_a_cell_that_breaks_the_declaration(processed: Path) -> None:
    panel = processed / "panel.csv"
    panel.write_text(
        panel.read_text(encoding="utf-8").replace(",false,", ",maybe,", 1), encoding="utf-8"
    )
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:  # the file changed: only its content is judged here
        resource.pop("hash"), resource.pop("bytes")
    (processed / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(processed / "datapackage.json"))
    errors = [error for task in report.tasks for error in task.errors]
    assert not report.valid
    assert any(error.type == "type-error" and "conflict" in error.message for error in errors)


def test_the_datapackage_lists_the_codebook_and_derived_indicators(processed: Path) -> None:
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    ids = [indicator["id"] for indicator in package["indicators"]]
    assert {"grid_workers", "criminal_police_incidents", "mediators"} <= set(ids)
    assert ids[-len(DERIVED_INDICATORS) :] == list(DERIVED_INDICATORS)
    assert len(ids) == len(set(ids))
    panel_ids = set(pd.read_csv(processed / "panel.csv")["indicator"])
    assert panel_ids <= set(ids)


def test_an_undescribed_column_is_described_as_such(
    processed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write_header(processed / "corpus.csv", (*CORPUS_COLUMNS, "new_column"))
    built(processed.parents[1])
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    corpus = next(r for r in package["resources"] if r["name"] == "corpus")
    assert corpus["schema"]["fields"][-1]["description"] == "(not yet described)"
    assert "new_column" in caplog.text


def test_citation_and_package_versions_agree(processed: Path) -> None:
    citation = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license", "abstract", "keywords"} <= set(
        citation
    )
    assert citation["version"] == pingan_analysis.__version__ == package["version"]
    assert citation["license"] == "MIT"
    assert citation["authors"] == [{"name": "pingan-analysis contributors"}]


def test_formula_cells_are_neutralised_in_the_excel_csv_only() -> None:
    text = pd.DataFrame(
        {
            "city_en": ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(A1)", "Qingdao"],
            "value": ["-13.5", "2", "-1+2", "3"],
        }
    )
    plain = csv_bytes(text).decode("utf-8")
    excel = csv_bytes(text, excel=True).decode("utf-8-sig")
    assert '"=HYPERLINK(""http://x"",""y"")"' in plain and "\n+cmd," in plain
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in excel
    assert "\r\n'+cmd,2" in excel and "\r\n'@SUM(A1),'-1+2" in excel
    assert "-13.5" in excel and "'-13.5" not in excel  # a signed number stays a number
