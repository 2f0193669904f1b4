"""Deterministic CSV writing and atomic replacement."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingan_analysis.csvio import (
    atomic_text_writer,
    excel_cell,
    format_cell,
    plain_cell,
    read_csv_text,
    write_bytes_atomic,
    write_csv_rows,
    write_temporary,
)
from pingan_analysis.exceptions import DataError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (29000.0, "29000"),
        (1174000000.0, "1174000000"),
        (13.5, "13.5"),
        (0.1 + 0.2, "0.3"),
        (float("nan"), ""),
        (True, "true"),
        (7, "7"),
        ("2.9万多个", "2.9万多个"),
    ],
)
def test_format_cell(value: object, expected: str) -> None:
    assert format_cell(value) == expected


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_formatted_floats_read_back_to_the_same_value_to_15_digits(value: float) -> None:
    assert float(format_cell(value)) == pytest.approx(value, rel=1e-14, abs=1e-300)


def test_rows_are_written_with_newline_endings_and_quoting(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with atomic_text_writer(target) as handle:
        count = write_csv_rows(handle, ("a", "b"), [("x,y", 1.0), ("第一行\n第二行", None)])
    assert count == 2
    assert target.read_bytes() == 'a,b\n"x,y",1\n"第一行\n第二行",\n'.encode()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("last good\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_text_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "last good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_dev_null_is_written_directly_not_replaced() -> None:
    with atomic_text_writer(Path(os.devnull)) as handle:
        handle.write("discarded")
    assert Path(os.devnull).is_char_device()


def test_a_pipe_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with atomic_text_writer(fifo) as handle:
        write_csv_rows(handle, ("a",), [("网格",)])
    reader.join(timeout=10)
    assert received == ["a\n网格\n".encode()]
    assert fifo.is_fifo()


def test_a_temporary_is_written_beside_its_target_which_stays_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "releases.csv"
    target.write_bytes(b"old\n")
    temporary = write_temporary(target, b"new\n")
    assert temporary.parent == tmp_path and temporary.read_bytes() == b"new\n"
    assert target.read_bytes() == b"old\n"
    os.replace(temporary, target)
    assert target.read_bytes() == b"new\n" and list(tmp_path.iterdir()) == [target]


def test_the_text_reader_keeps_each_rows_line_and_refuses_a_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,4\n', encoding="utf-8")
    table = read_csv_text(path, ("a", "b"))
    assert table.frame.to_dict("records") == [{"a": "1", "b": "two\nlines"}, {"a": "3", "b": "4"}]
    assert table.lines == [2, 5]
    with pytest.raises(DataError, match=r"lacks column.*c"):
        read_csv_text(path, ("a", "b", "c"))


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_take_the_users_umask_not_0600(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        with atomic_text_writer(tmp_path / "table.csv") as handle:
            handle.write("a\n")
        write_bytes_atomic(tmp_path / "blob.bin", b"x")
    finally:
        os.umask(previous)
    for name in ("table.csv", "blob.bin"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


@given(st.text(max_size=20))
def test_excel_cells_are_inert_and_read_back_unchanged(text: str) -> None:
    safe = excel_cell(text)
    assert plain_cell(safe) == text
    if safe.startswith(("=", "+", "-", "@", "\t", "\r")):
        assert float(safe) == float(text)  # only plain numbers keep a formula-like start
