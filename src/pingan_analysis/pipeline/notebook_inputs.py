"""What a notebook reads, found in its code: so a user's own notebook reruns when its data change.

A notebook declares its processed inputs in its metadata (``"pingan": {"inputs": [...]}``). A
user's own notebook (``notebooks/07_mine.ipynb``) often declares nothing, and would then never
rerun when the panel changes. So the code cells are read too (parsed, never run): the calls
of the public loaders (``load_panel()``, ``load_indicators(valid_only=False)``,
``processed_table("corpus")``, ``load_manifest()``, ``load_reference()``) and string
literals naming a processed file (``"data/processed/panel.csv"``). What is found is added to
the notebook's inputs; a processed read its metadata does not declare is reported, as OWID's
etl refuses undeclared dependencies (here the run goes on, with the read counted). Stdlib only.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

log = logging.getLogger(__name__)

#: Loader → the processed file it reads (``load_indicators`` with ``valid_only=False``: indicators.csv).
PROCESSED_LOADERS: Mapping[str, str] = {
    "load_panel": "panel.csv",
    "load_mentions": "mentions.csv",
    "load_indicators": "indicators_valid.csv",
}
#: Loader → the raw input it reads.
RAW_LOADERS: Mapping[str, str] = {"load_manifest": "manifest", "load_reference": "reference"}
TABLE_LOADER = "processed_table"


@dataclass(frozen=True)
class NotebookReads:
    """Reads found in a notebook's code: processed file names, and raw inputs by kind."""

    processed: tuple[str, ...]
    raw: tuple[str, ...]


def inferred_reads(nb: Mapping, known: Iterable[str]) -> NotebookReads:
    """The reads of the code cells of ``nb`` (a notebook's JSON); ``known``: the processed
    file names the data steps write, which a string literal may name."""
    known = frozenset(known)
    processed: dict[str, None] = {}
    raw: dict[str, None] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        tree = _parsed("".join(cell.get("source", "")))
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Call):
                name = _called(node)
                if name in PROCESSED_LOADERS:
                    processed[_loader_file(name, node)] = None
                elif name in RAW_LOADERS:
                    raw[RAW_LOADERS[name]] = None
                elif name == TABLE_LOADER and node.args and _text(node.args[0]):
                    processed[f"{_text(node.args[0])}.csv"] = None
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                base = PurePosixPath(node.value.replace("\\", "/")).name
                if base in known:
                    processed[base] = None
    return NotebookReads(tuple(processed), tuple(raw))


def report_undeclared(notebook: str, declared: Iterable[str], found: NotebookReads) -> list[str]:
    """Warn of processed reads the metadata does not declare (or of a notebook with no known
    input at all); return the undeclared names."""
    declared = list(declared)
    missing = [name for name in found.processed if name not in declared]
    if missing:
        log.warning(
            "%s reads %s but its metadata does not declare %s: counted as inputs, so it "
            "reruns when they change; declare them in the notebook's metadata "
            '("pingan": {"inputs": %s})',
            notebook,
            ", ".join(missing),
            "it" if len(missing) == 1 else "them",
            str(list(dict.fromkeys([*declared, *missing]))).replace("'", '"'),
        )
    elif not declared and not found.processed and not found.raw:
        log.warning(
            "%s declares no inputs and reads no table through the loaders: it reruns "
            "only when the notebook itself changes; declare what it reads in its "
            'metadata ("pingan": {"inputs": ["panel.csv"]})',
            notebook,
        )
    return missing


def _parsed(source: str) -> ast.AST | None:
    """The cell's code; IPython magics and shell lines (``%``, ``!``) left out."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _loader_file(name: str, node: ast.Call) -> str:
    if name == "load_indicators":
        valid_only = next((k.value for k in node.keywords if k.arg == "valid_only"), None)
        if len(node.args) > 1:
            valid_only = node.args[1]
        if isinstance(valid_only, ast.Constant) and valid_only.value is False:
            return "indicators.csv"
    return PROCESSED_LOADERS[name]


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
