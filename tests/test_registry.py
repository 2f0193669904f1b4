"""The registry declares every table once, and exactly the columns the project writes and reads.

In the spirit of PUDL's ``test_defined_fields_are_used``: the seed corpus is built through the
real steps (corpus, validate, panel) and every table found — in ``data/processed``, the raw
tables, the output of ``pingan extract`` — must be a declared table with exactly its declared
columns, and every declared column must turn up in some table.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from pathlib import Path

import frictionless
import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.dictionary import registry_markdown
from pingan_analysis.extract.build import build_corpus_tables
from pingan_analysis.extract.files import extract_to_csv
from pingan_analysis.extract.mention import Mention
from pingan_analysis.panel.build import build_panel
from pingan_analysis.panel.exports import RESOURCES
from pingan_analysis.registry import FIELDS, MENTION_COLUMNS, STATA_LABEL_LENGTH, TABLES, Column
from pingan_analysis.validate.run import validate_tables

from conftest import FIXTURE_PROJECT, SEED_ROWS

#: Declared tables the seed project has no file of, and why.
NOT_IN_THE_SEED: dict[str, str] = {
    "corrections": "a project has a corrections file only once a researcher fixes a mention",
}


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The seed corpus built through the corpus, validation and panel steps."""
    root = tmp_path_factory.mktemp("registry") / "project"
    shutil.copytree(FIXTURE_PROJECT / "data" / "raw", root / "data" / "raw")
    paths = ProjectPaths(root)
    processed = paths.processed_dir
    build_corpus_tables(paths, processed, jobs=1)
    validate_tables(paths, processed)
    build_panel(paths, processed)
    extract_to_csv([paths.releases_dir / SEED_ROWS[0]["file"]], root / "extract.csv")
    return paths


def _header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(next(csv.reader(handle)))


def _found_tables(paths: ProjectPaths) -> dict[str, tuple[str, ...]]:
    """Every table the build holds, by the registry table it must be: file → header."""
    by_file = {resource.path: resource.table.name for resource in RESOURCES}
    found = {}
    for path in sorted(paths.processed_dir.glob("*.csv")):
        assert path.name in by_file, f"{path.name} is written but no registry table declares it"
        found[path.name] = (by_file[path.name], _header(path))
    found["releases.csv"] = ("manifest", _header(paths.manifest))
    found["population.csv"] = ("reference", _header(paths.population))
    found["extract.csv"] = ("extract", _header(paths.root / "extract.csv"))
    return found


def test_every_table_written_or_read_is_declared_with_its_columns(seed_build: ProjectPaths) -> None:
    for file, (table, header) in _found_tables(seed_build).items():
        declared = TABLES[table].names
        undeclared = [column for column in header if column not in declared]
        assert not undeclared, f"{file}: columns {undeclared} are not declared in table {table}"
        assert header == declared, f"{file}: the columns are not in the declared order"


def test_every_declared_table_and_column_is_used(seed_build: ProjectPaths) -> None:
    found = _found_tables(seed_build).values()
    used_tables = {table for table, _ in found}
    assert used_tables | set(NOT_IN_THE_SEED) == set(TABLES)
    used_columns = {column for _, header in found for column in header}
    declared = {
        c.name for name, t in TABLES.items() if name not in NOT_IN_THE_SEED for c in t.columns
    }
    assert declared - used_columns == set(), "declared but never written"
    shared = {column.name for table in TABLES.values() for column in table.columns}
    assert set(FIELDS) - shared == set(), "shared columns no table uses"


def test_the_frictionless_library_accepts_the_seed_build(seed_build: ProjectPaths) -> None:
    report = frictionless.validate(str(seed_build.processed_dir / "datapackage.json"))
    assert report.valid, [error.message for task in report.tasks for error in task.errors][:5]
    assert {task.name for task in report.tasks} >= {resource.name for resource in RESOURCES}


def test_the_extractor_record_has_the_extract_columns() -> None:
    assert Mention._fields == MENTION_COLUMNS


def test_labels_are_declared_short_never_cut() -> None:
    for table in TABLES.values():
        for column in table.columns:
            assert 0 < len(column.label) <= STATA_LABEL_LENGTH
            assert not column.label.endswith(("…", "..."))
    column = TABLES["panel"].column("sources")
    with pytest.raises(ValueError, match="label"):
        replace(column, label="x" * (STATA_LABEL_LENGTH + 1))
    with pytest.raises(ValueError, match="type"):
        Column("n", "float", "a number", "a number")


def test_the_data_dictionary_has_a_section_per_table_and_a_row_per_column() -> None:
    markdown = registry_markdown()
    for table in TABLES.values():
        section = markdown.split(f"## {table.name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"`{table.file}`" in section
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert [row.split("`")[1] for row in rows] == list(table.names)
    assert "| `qualifier` | string, required |  | `exact`, `lower`," in markdown
