"""Faults of the machine and of the process: a message, nothing half-written, the next run works.

Tests run as root here, so an unreadable file is simulated (``open`` raising PermissionError,
or a folder where a file should be) rather than made with chmod.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pingan_analysis.cli import main
from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import ResourceError
from pingan_analysis.pipeline import runner, staging

from pipeline_fakes import STARTED, add_release, built, fake_plan, snapshot  # noqa: F401 (fixture)

TESTS = Path(__file__).resolve().parents[1]

SLOW_RUN = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import pipeline_fakes
from pingan_analysis.pipeline import digests, runner
from pingan_analysis.pipeline.steps import Step

def slow_step(step, ctx):
    (ctx.tree.processed / "validation_summary.json").write_text("half-written")
    (ctx.paths.state_dir / pipeline_fakes.STARTED).touch()
    time.sleep(2)

digests.package_digest = lambda: pipeline_fakes.FROZEN_PACKAGE
def plan(paths):
    steps = pipeline_fakes.fake_data_steps(paths)
    steps[1] = Step("summary", "__main__:slow_step", reads=steps[1].reads, writes=steps[1].writes)
    return steps
runner.build_plan = plan
from pingan_analysis.cli import main
sys.exit(main(["run"]))
"""


def _staging_folders(paths: ProjectPaths) -> list[Path]:
    root = staging.staging_root(paths)
    return sorted(root.iterdir()) if root.is_dir() else []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_is_handled_like_ctrl_c(built: ProjectPaths, signum: int) -> None:
    add_release(built)
    before = snapshot(built)
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, str(built.root), str(TESTS)],
        env={**os.environ, "PINGAN_PROJECT": str(built.root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (built.state_dir / STARTED).exists():
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.05)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == (143 if signum == signal.SIGTERM else 130)
    assert ("terminated" if signum == signal.SIGTERM else "interrupted") in err
    assert "Traceback" not in err
    assert snapshot(built) == before and _staging_folders(built) == []
    assert runner.run(built, plan=fake_plan(built), progress=lambda line: None).committed


def test_a_full_disk_during_the_staging_copy_cleans_up_and_says_so(
    built: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(built)
    copies: list[str] = []
    real_copy = shutil.copy2

    def fill_up(source: str, target: str) -> None:
        copies.append(source)
        if len(copies) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), target)
        real_copy(source, target)

    monkeypatch.setattr(shutil, "copy2", fill_up)
    with pytest.raises(ResourceError, match="the disk is full") as refused:
        runner.run(built, plan=fake_plan(built), force=True, progress=lambda line: None)
    assert len(copies) == 2  # stopped at the first failure, not one error per remaining file
    assert "free some disk space" in refused.value.fix and len(refused.value.message) < 600
    assert _staging_folders(built) == [] and snapshot(built) == before
    monkeypatch.setattr(shutil, "copy2", real_copy)
    assert runner.run(
        built, plan=fake_plan(built), force=True, progress=lambda line: None
    ).committed


def test_an_unreadable_release_is_a_message_for_status_and_run(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    release = next((project / "data/raw/releases").glob("*.txt"))
    real_open = Path.open

    def refusing_open(self: Path, *args: object, **kwargs: object):
        if self.name == release.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    for command in (["status"], ["run"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert release.name in err and "Permission denied" in err and "permissions" in err
        assert "Traceback" not in err
    assert not (project / "data/processed/mentions.csv").exists()


def test_a_folder_in_place_of_a_release_is_refused_by_add(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "release.txt"
    folder.mkdir()
    assert main(["add", str(folder), "--city", "济南市", "--published", "2021-01-05"]) == 1
    assert "cannot read the file" in capsys.readouterr().err


def test_a_file_named_like_an_option_gets_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("-dash.txt").write_text("全市刑事发案下降13.5%。\n", encoding="utf-8")
    assert main(["add", "-dash.txt"]) == 2
    err = capsys.readouterr().err
    assert "-- -dash.txt" in err and "./-dash.txt" in err
    assert main(["extract", "--", "-dash.txt"]) == 0
    assert "13.5%" in capsys.readouterr().out
