"""Report tables: static ones whole and without index, long ones paged with every row, offline."""

from __future__ import annotations

import re

import pandas as pd

from pingan_analysis.analysis import tables


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "City": [f"城市<{i}>" for i in range(n)],
            "Sources": [
                tables.link(f"r @{i}", f"../releases/r.html#m{i}-{i + 1}") for i in range(n)
            ],
        }
    )


def test_a_short_table_is_static_whole_escaped_and_without_index() -> None:
    rendered = tables.table(_frame(3), title="T", html_columns=("Sources",)).as_raw_html()
    assert rendered.count('<a href="../releases/r.html#m') == 3
    assert "城市&lt;2&gt;" in rendered and "城市<2>" not in rendered
    assert not re.search(r">\s*0\s*</t[dh]>", rendered), "no index column"
    again = tables.table(_frame(3), title="T", html_columns=("Sources",)).as_raw_html()
    assert again == rendered, "the same HTML on every run"


def test_a_long_table_keeps_every_row_says_its_count_and_loads_nothing() -> None:
    frame = _frame(tables.STATIC_ROWS + 40)
    rendered = tables.table(frame, title="Panel", html_columns=("Sources",)).data
    assert f"Panel ({len(frame):,} rows)" in rendered
    for i in range(len(frame)):
        assert f"#m{i}-{i + 1}" in rendered
    assert "&lt;64&gt;" in rendered and "<64>" not in rendered
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?://""", rendered)


def test_bullets_are_escaped_text() -> None:
    rendered = tables.bullets(["a < b", "c"]).data
    assert rendered == "<ul><li>a &lt; b</li><li>c</li></ul>"
