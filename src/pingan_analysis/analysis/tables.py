"""Tables for reading: great_tables for short static ones, itables (offline) for long ones.

Why two libraries: great_tables lays out a table for print, with a title, column labels, notes
and no index column, as plain HTML and CSS (nothing to load); itables gives a long table paging,
sorting and search through DataTables, which it can embed in the notebook itself
(``connected=False``), so an exported report still loads nothing from the network. A table of
at most :data:`STATIC_ROWS` rows is static; a longer one pages, and says how many rows it has,
rather than being cut.

Cells are text the caller formatted (:mod:`pingan_analysis.analysis.formatting`). Plain cells are
escaped by the libraries; the columns named in ``html_columns`` hold HTML the caller built from
escaped text (links to the reader pages), passed through as it is.
"""

from __future__ import annotations

import hashlib
import html

import pandas as pd
from great_tables import GT
from IPython.display import HTML

#: Longest table shown whole; longer tables page (with their row count) in an interactive table.
STATIC_ROWS = 25
PAGE_LENGTH = 15


def link(label: str, href: str, title: str = "") -> str:
    """An HTML link with escaped label, address and title (for an ``html_columns`` cell)."""
    tip = f' title="{html.escape(title)}"' if title else ""
    return f'<a href="{html.escape(href)}"{tip}>{html.escape(label)}</a>'


def links(items: list[tuple[str, str]], separator: str = " · ") -> str:
    """Several :func:`link` cells joined: ``[(label, href), ...]``."""
    return separator.join(link(label, href) for label, href in items)


def marked(before: str, figure: str, after: str) -> str:
    """A sentence excerpt as HTML with its figure in bold, every part escaped."""
    return f"{html.escape(before)}<b>{html.escape(figure)}</b>{html.escape(after)}"


def bullets(items: list[str]) -> HTML:
    """Sentences as an HTML list, escaped, set as running text (not a monospace dump)."""
    return HTML("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")


def _table_id(frame: pd.DataFrame, title: str) -> str:
    """A stable element id, so the same table renders to the same HTML on every run."""
    digest = hashlib.sha256((title + "|" + "|".join(map(str, frame.columns))).encode()).hexdigest()
    return f"t{digest[:10]}"


def static_table(
    frame: pd.DataFrame,
    *,
    title: str = "",
    subtitle: str = "",
    html_columns: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    right_align: tuple[str, ...] = (),
    widths: dict[str, str] | None = None,
) -> GT:
    """A great_tables table of ``frame`` (every row, no index), text left- and numbers
    right-aligned as ``right_align`` names them; ``widths`` as CSS widths by column."""
    frame = frame.reset_index(drop=True).fillna("")
    table_id = _table_id(frame, title)
    # long words (indicator ids) wrap in their cell instead of being cut off at its edge
    table = GT(frame, id=table_id).opt_css(
        f"#{table_id} .gt_row {{ overflow-wrap: break-word; white-space: normal; }}"
    )
    if title or subtitle:
        table = table.tab_header(title=title, subtitle=subtitle or None)
    present = [c for c in html_columns if c in frame.columns]
    if present:
        table = table.fmt(lambda value: str(value), columns=present)
    table = table.cols_align("left")
    numeric = [c for c in right_align if c in frame.columns]
    if numeric:
        table = table.cols_align("right", columns=numeric)
    if widths:
        table = table.cols_width({c: w for c, w in widths.items() if c in frame.columns})
    for note in notes:
        table = table.tab_source_note(note)
    return table.tab_options(table_font_size="14px", table_width="100%")


def offline_mode() -> None:
    """Embed DataTables in the notebook once, so long tables work offline and in exported HTML."""
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)


def long_table(
    frame: pd.DataFrame,
    *,
    title: str,
    html_columns: tuple[str, ...] = (),
    right_align: tuple[str, ...] = (),
) -> HTML:
    """An interactive table (pages of :data:`PAGE_LENGTH`, sortable, searchable) with every row;
    call :func:`offline_mode` first in the notebook."""
    from itables import to_html_datatable

    frame = frame.reset_index(drop=True).fillna("")
    plain = [c for c in frame.columns if c not in html_columns]
    shown = frame.copy()
    for column in plain:
        shown[column] = shown[column].map(lambda value: html.escape(str(value)))
    numeric = [list(frame.columns).index(c) for c in right_align if c in frame.columns]
    body = to_html_datatable(
        shown,
        caption=title,
        connected=False,
        allow_html=True,
        showIndex=False,
        maxBytes=0,
        pageLength=PAGE_LENGTH,
        lengthMenu=[PAGE_LENGTH, 50, 100, -1],
        classes="display compact",
        columnDefs=[
            {"className": "dt-right", "targets": numeric},
            {"className": "dt-left", "targets": "_all"},
        ],
        table_id=_table_id(frame, title),
        display_logo_when_loading=False,
    )
    return HTML(body)


def table(
    frame: pd.DataFrame,
    *,
    title: str = "",
    subtitle: str = "",
    html_columns: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    right_align: tuple[str, ...] = (),
    widths: dict[str, str] | None = None,
) -> GT | HTML:
    """:func:`static_table` up to :data:`STATIC_ROWS` rows, else :func:`long_table` (every row,
    paged, its count shown); the notes then follow as text."""
    if len(frame) <= STATIC_ROWS:
        return static_table(
            frame,
            title=title,
            subtitle=subtitle,
            html_columns=html_columns,
            notes=notes,
            right_align=right_align,
            widths=widths,
        )
    caption = f"{title} ({len(frame):,} rows)" if title else f"{len(frame):,} rows"
    interactive = long_table(
        frame, title=caption, html_columns=html_columns, right_align=right_align
    )
    if not notes and not subtitle:
        return interactive
    extra = "".join(f"<p>{html.escape(n)}</p>" for n in (subtitle, *notes) if n)
    return HTML(interactive.data + extra)
