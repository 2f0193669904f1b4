"""No user action loses raw data: one writer at a time, and no output lands on data/raw/."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pingan_analysis.cli import main
from pingan_analysis.config import ProjectPaths
from pingan_analysis.exceptions import LockHeldError
from pingan_analysis.pipeline.lock import project_lock, raw_data_lock

from conftest import seed_path
from pipeline_fakes import lock_held_elsewhere
from validation_tables import write_tables

NEW_TEXT = "济南市2020年刑事警情同比下降13.5%，破获电信网络诈骗案件1200起。\n"


def _digest_of_raw(root: Path) -> dict[str, str]:
    raw = root / "data" / "raw"
    return {
        str(p.relative_to(raw)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(raw.rglob("*"))
        if p.is_file()
    }


def _release(tmp_path: Path, name: str, text: str = NEW_TEXT) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_add_is_refused_while_a_run_holds_the_lock(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest_of_raw(project)
    with lock_held_elsewhere(project / ".pingan") as holder:
        code = main(
            [
                "add",
                str(_release(tmp_path, "j.txt")),
                "--city",
                "济南市",
                "--published",
                "2021-01-05",
            ]
        )
    assert code == 1
    err = capsys.readouterr().err
    assert "holds the project lock" in err and f"process {holder.pid}" in err
    assert _digest_of_raw(project) == before


def test_two_adds_at_once_never_lose_a_row(project: Path, tmp_path: Path) -> None:
    """Each add that says "added" has its row in the manifest; the other is refused, not lost."""
    files = [
        _release(tmp_path, f"r{i}.txt", NEW_TEXT.replace("1200", str(1200 + i))) for i in range(2)
    ]
    env = {**os.environ, "PINGAN_PROJECT": str(project)}
    processes = [
        subprocess.Popen(
            [
                str(Path(sys.executable).with_name("pingan")),
                "add",
                str(f),
                "--city",
                "济南市",
                "--published",
                f"2021-01-0{i + 5}",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, f in enumerate(files)
    ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in processes]
    manifest = (project / "data/raw/releases.csv").read_text(encoding="utf-8")
    for out, err, code in results:
        if code == 0:
            release_id = out.split()[1]
            assert (
                release_id in manifest
                and (project / "data/raw/releases" / f"{release_id}.txt").is_file()
            )
        else:
            assert code == 1 and "holds the project lock" in err, err
    assert sum(code == 0 for *_, code in results) >= 1


def test_the_lock_survives_deleting_pingan_mid_run(tmp_path: Path) -> None:
    state = tmp_path / ".pingan"
    with lock_held_elsewhere(state):
        shutil.rmtree(state)
        with pytest.raises(LockHeldError), project_lock(state):
            pytest.fail("a second holder got the lock after .pingan/ was deleted")


def test_raw_data_lock_is_the_run_lock_and_names_its_command(tmp_path: Path) -> None:
    paths = ProjectPaths(tmp_path)
    code = (
        "import sys; from pathlib import Path\n"
        "from pingan_analysis.pipeline.lock import project_lock\n"
        "from pingan_analysis.exceptions import LockHeldError\n"
        "try:\n    with project_lock(Path(sys.argv[1])): pass\n"
        "except LockHeldError as e:\n    print(e.problem); sys.exit(3)\n"
    )
    with raw_data_lock(paths, "pingan add"):
        refused = subprocess.run(
            [sys.executable, "-c", code, str(paths.state_dir)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert refused.returncode == 3 and "another `pingan add`" in refused.stdout


@pytest.mark.parametrize(
    "target", ["data/raw/releases.csv", "data/raw/new.csv", "data/raw/releases/x.csv", "data/raw"]
)
def test_extract_never_writes_into_data_raw(
    project: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest_of_raw(project)
    assert main(["extract", str(seed_path("Zibo")), "-o", str(project / target)]) == 1
    assert "inside the project's raw data" in capsys.readouterr().err
    assert _digest_of_raw(project) == before


def test_extract_refuses_a_link_into_data_raw_and_its_own_input(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("PINGAN_PROJECT")
    monkeypatch.chdir(tmp_path)  # outside the project: the link's target is what counts
    (tmp_path / "link").symlink_to(project / "data" / "raw")
    before = _digest_of_raw(project)
    assert main(["extract", str(seed_path("Zibo")), "-o", "link/releases.csv"]) == 1
    assert "inside the project's raw data" in capsys.readouterr().err
    own = _release(tmp_path, "own.txt")
    assert main(["extract", str(own), "-o", str(own)]) == 1
    assert "one of the input files" in capsys.readouterr().err
    assert own.read_text(encoding="utf-8") == NEW_TEXT and _digest_of_raw(project) == before


def test_validate_writes_only_its_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = ProjectPaths(project)
    write_tables(project, paths.processed_dir)
    before = {p.name: p.read_bytes() for p in paths.processed_dir.iterdir()}
    assert main(["validate"]) == 0
    assert {p.name: p.read_bytes() for p in paths.processed_dir.iterdir()} == before
    assert (paths.reports_dir / "validation.html").is_file()
    assert not [p for p in paths.state_dir.iterdir() if p.name.startswith("validate-")]
    assert "quarantined" in capsys.readouterr().out


def test_validate_is_refused_while_a_run_holds_the_lock(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tables(project, project / "data" / "processed")
    with lock_held_elsewhere(project / ".pingan"):
        assert main(["validate"]) == 1
    assert "holds the project lock" in capsys.readouterr().err
    assert not (project / "reports" / "validation.html").exists()
