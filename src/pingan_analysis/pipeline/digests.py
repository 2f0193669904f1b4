"""Content keys: what a step read, as digests, so a rerun can tell what changed.

A step's key is a flat mapping ``label -> sha256`` of everything it depends on: its code (the
package source, the lock file, a notebook's cells without outputs), its parameters and each
input file. Comparing two mappings gives both the answer (stale or not) and the reasons.
Stdlib only: an unchanged ``pingan run`` computes these and stops, without heavy imports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pingan_analysis

MISSING = "missing"
PACKAGE_DIR = Path(pingan_analysis.__file__).resolve().parent
#: The lock file of the environment the package was installed from (an editable checkout).
CHECKOUT_LOCK = PACKAGE_DIR.parents[1] / "uv.lock"
#: The labels of :func:`code_digests` in every step's key.
CODE_LABELS = ("package source", "uv.lock")
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, or :data:`MISSING`."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return MISSING
    return digest.hexdigest()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_under(folder: Path) -> list[Path]:
    """Every regular file below a folder, sorted, skipping hidden names and caches."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts
        )
    )


def source_digests(sources: Iterable[Path], root: Path) -> dict[str, str]:
    """Digests of files and of every file below folders, labelled by path relative to ``root``."""
    out: dict[str, str] = {}
    for source in sources:
        files = files_under(source) if source.is_dir() else [source]
        for path in files:
            out[label(path, root)] = file_digest(path)
    return out


def package_digest() -> str:
    """One digest of the installed package's source and data files."""
    digest = hashlib.sha256()
    for path in files_under(PACKAGE_DIR):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(file_digest(path).encode())
    return digest.hexdigest()


def code_digests(root: Path) -> dict[str, str]:
    """The code every step depends on: the package's source and the lock file."""
    return dict(zip(CODE_LABELS, (package_digest(), lock_file_digest(root)), strict=True))


def lock_file_digest(root: Path) -> str:
    """Digest of ``uv.lock``: the project's own, else the one of the checkout the package runs from."""
    own = root / "uv.lock"
    return file_digest(own if own.is_file() else CHECKOUT_LOCK)


def notebook_digest(path: Path) -> str:
    """Digest of a notebook's cells and the metadata that matter, ignoring outputs and counts."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return MISSING
    cells = [
        [
            cell.get("cell_type"),
            _joined(cell.get("source", "")),
            sorted(cell.get("metadata", {}).get("tags", [])),
        ]
        for cell in nb.get("cells", [])
    ]
    meta = nb.get("metadata", {})
    kept = {
        "cells": cells,
        "kernel": meta.get("kernelspec", {}).get("name"),
        "pingan": meta.get("pingan"),
    }
    return text_digest(json.dumps(kept, sort_keys=True, ensure_ascii=False))


def params_digest(params: Mapping[str, object]) -> str:
    return text_digest(json.dumps(params, sort_keys=True, ensure_ascii=False, default=str))


def changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """Why ``new`` differs from ``old``: one phrase per added, removed or changed label."""
    reasons = [f"{name} is new" for name in new if name not in old]
    reasons += [f"{name} is gone" for name in old if name not in new]
    reasons += [
        f"{name} is missing" if new[name] == MISSING else f"{name} changed"
        for name in new
        if name in old and old[name] != new[name]
    ]
    return reasons


def short(digest: str) -> str:
    return digest[:10]


def _joined(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def label(path: Path, root: Path) -> str:
    """A path as keys name it: relative to the project root where it is below it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
