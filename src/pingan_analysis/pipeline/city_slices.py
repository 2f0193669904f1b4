"""The ``city_slices`` step: each table a per-city notebook reads, cut into one file per city.

A city's profile then reads only its own rows, and its step's key is the digest of those rows:
a release of another city leaves the slice byte for byte as it was, so the profile is skipped.
Rows keep their order and every column; a city without rows gets the header alone. Stdlib
only (``csv``): cutting a national table takes a second or two, with no pandas start-up.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import cast

from pingan_analysis.exceptions import DataError
from pingan_analysis.pipeline.steps import Step, StepContext, city_slice

CITY_COLUMN = "city_en"


def run_step(step: Step, ctx: StepContext) -> None:
    """Write ``processed/cities/<city>/<table>`` for every city and table the step names."""
    # the lists of names that ``slice_steps`` gives the step
    cities = [str(city) for city in cast("list[str]", step.params["cities"])]
    for table in cast("list[str]", step.params["tables"]):
        write_slices(
            ctx.tree / f"processed/{table}",
            {city: ctx.tree / city_slice(city, str(table)) for city in cities},
        )


def write_slices(table: Path, targets: dict[str, Path]) -> None:
    """Each city's rows of ``table`` (a CSV with a ``city_en`` column) into ``targets[city]``."""
    with table.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or CITY_COLUMN not in header:
            raise DataError(
                f"{table.name} has no {CITY_COLUMN} column, so it cannot be cut per city",
                where=str(table),
                fix='a per-city notebook ("per_city": true) may list among its inputs only '
                f"tables with a {CITY_COLUMN} column; read the others in a cross-city notebook",
            )
        column = header.index(CITY_COLUMN)
        rows: dict[str, list[list[str]]] = {city: [] for city in targets}
        for row in reader:
            city = row[column].strip() if column < len(row) else ""
            if city in rows:
                rows[city].append(row)
    for city, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows[city])
