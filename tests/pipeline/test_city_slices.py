"""Per-city slices: each city's rows of a table, in order, and nothing of another city."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pingan_analysis.exceptions import DataError
from pingan_analysis.pipeline.city_slices import write_slices

ROWS = [
    ["release_id", "city_en", "sentence"],
    ["q-1", "Qingdao", "一句,带逗号"],
    ["z-1", "Zibo", "多行\n文本"],
    ["q-2", "Qingdao", "二"],
]


def _table(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "table.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_each_city_gets_its_rows_in_order_and_a_city_without_rows_the_header(
    tmp_path: Path,
) -> None:
    table = _table(tmp_path, ROWS)
    targets = {city: tmp_path / city / "table.csv" for city in ("Qingdao", "Zibo", "Jinan")}
    write_slices(table, targets)
    assert _read(targets["Qingdao"]) == [ROWS[0], ROWS[1], ROWS[3]]
    assert _read(targets["Zibo"]) == [ROWS[0], ROWS[2]]
    assert _read(targets["Jinan"]) == [ROWS[0]]


def test_another_citys_rows_leave_a_slice_byte_for_byte_as_it_was(tmp_path: Path) -> None:
    targets = {city: tmp_path / city / "table.csv" for city in ("Qingdao", "Zibo")}
    write_slices(_table(tmp_path, ROWS), targets)
    qingdao = targets["Qingdao"].read_bytes()
    write_slices(_table(tmp_path, [*ROWS, ["z-2", "Zibo", "新"]]), targets)
    assert targets["Qingdao"].read_bytes() == qingdao
    assert _read(targets["Zibo"])[-1] == ["z-2", "Zibo", "新"]


def test_a_table_without_a_city_column_is_refused_with_its_name(tmp_path: Path) -> None:
    table = _table(tmp_path, [["release_id", "value"], ["q-1", "3"]])
    with pytest.raises(DataError, match=r"table\.csv has no city_en column") as refused:
        write_slices(table, {"Qingdao": tmp_path / "q.csv"})
    assert "per_city" in refused.value.fix
