"""The data dictionary, rendered from the registry: Markdown, one section per table.

``registry_markdown()`` is what the documentation site shows as the data dictionary; it reads
only :mod:`pingan_analysis.registry`, so a table's description never drifts from its code.
"""

from __future__ import annotations

from pingan_analysis.registry import TABLES, Column, Table


def registry_markdown(tables: dict[str, Table] = TABLES, level: int = 2) -> str:
    """Every table as a Markdown section (heading at ``level``): its file, description, key,
    and a table of its columns (type, unit, allowed values, description), in file order."""
    return "\n".join(table_markdown(table, level) for table in tables.values())


def table_markdown(table: Table, level: int = 2) -> str:
    key = ", ".join(f"`{name}`" for name in table.primary_key) or "none"
    lines = [
        f"{'#' * level} {table.name}",
        "",
        table.description,
        "",
        f"- File: `{table.file}`",
        f"- Primary key: {key}",
        "",
        "| column | type | unit | allowed values | description |",
        "|---|---|---|---|---|",
        *(_row(column) for column in table.columns),
        "",
    ]
    return "\n".join(lines)


def _row(column: Column) -> str:
    allowed = ", ".join(f"`{value}`" for value in column.allowed) if column.allowed else ""
    kind = (
        column.type
        + (", required" if column.required else "")
        + (", unique" if column.unique else "")
    )
    cells = (f"`{column.name}`", kind, column.unit, allowed, column.description)
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
