"""A release file that no manifest row names (a row deleted by hand) is reported, not dropped
in silence: its figures are in no table until it is added back or deleted."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pingan_analysis.config import ProjectPaths
from pingan_analysis.extract.build import build_corpus_tables, unlisted_release_files


def _drop_last_row(paths: ProjectPaths) -> str:
    """Delete the manifest's last row by hand, as a user editing the CSV would; return its file."""
    lines = paths.manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = lines[-1].split(",")[1]
    paths.manifest.write_text("".join(lines[:-1]), encoding="utf-8")
    return dropped


def test_a_file_no_row_names_is_listed(project: Path) -> None:
    paths = ProjectPaths(project)
    assert unlisted_release_files(paths) == []
    dropped = _drop_last_row(paths)
    (paths.releases_dir / ".~lock.x.txt#").write_text("an editor's lock file")
    assert unlisted_release_files(paths) == [dropped]


def test_the_corpus_step_warns_naming_the_file_and_the_fix(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    paths = ProjectPaths(project)
    dropped = _drop_last_row(paths)
    with caplog.at_level(logging.WARNING, logger="pingan_analysis.extract.build"):
        build_corpus_tables(paths, tmp_path / "out", jobs=1)
    [message] = [r.getMessage() for r in caplog.records if dropped in r.getMessage()]
    assert f"data/raw/releases/{dropped}" in message and "pingan add" in message
    assert dropped.removesuffix(".txt") not in (tmp_path / "out" / "corpus.csv").read_text(
        encoding="utf-8"
    )
