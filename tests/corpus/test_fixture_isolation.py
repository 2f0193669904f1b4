"""The tests run on tests/fixtures, so a user's own corpus cannot break `make test`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pingan_analysis.config import ProjectPaths
from pingan_analysis.corpus.manifest import add_release
from pingan_analysis.corpus.reference import add_reference_row

from conftest import RAW_DIR, REPO_ROOT

TESTS = REPO_ROOT / "tests"
#: A path to a ``data`` folder: from REPO_ROOT, or from a test file's ``parents[N]``.
DATA_PATH = re.compile(r"(REPO_ROOT|parents\[(\d)\])\s*/\s*[\"']data[\"'/]")


def _reads_checkout_data(path: Path, line: str) -> bool:
    if path.name == "test_unseen_set.py":
        # the project's own out-of-sample evaluation sets (data/annotations/unseen, heldout):
        # repository data a user does not extend, checked by this test where they are
        return False
    if "ProjectPaths(REPO_ROOT)" in line:  # the checkout as a project: its data/raw
        return True
    found = DATA_PATH.search(line)
    if not found:
        return False
    return found[2] is None or path.resolve().parents[int(found[2])] == REPO_ROOT


def test_no_test_reads_the_checkouts_data_folder() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if "fixtures" not in path.parts and path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _reads_checkout_data(path, line)
    ]
    assert offenders == []


def test_the_tests_pass_in_a_checkout_whose_corpus_a_user_extended(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(
        TESTS, checkout / "tests", ignore=shutil.ignore_patterns("__pycache__", ".hypothesis")
    )
    shutil.copytree(RAW_DIR, checkout / "data" / "raw")
    (checkout / "pytest.ini").write_text("[pytest]\npythonpath = tests\n", encoding="utf-8")
    # the user's own corpus: a new city's release (no kind), a reference row and a correction
    paths = ProjectPaths(checkout)
    text = tmp_path / "changzhi.txt"
    text.write_text("长治市2020年平安建设:全市划分网格3100个。\n", encoding="utf-8")
    row = add_release(paths, text, {"city": "长治", "published": "2021-01-20"})
    add_reference_row(
        paths,
        {
            "city": "长治市",
            "measure": "resident_population_census",
            "as_of": "2020-11-01",
            "value": "3180884",
            "source_kind": "test",
            "source_title": "a user's row",
            "quote": "常住人口3180884人",
        },
    )
    (paths.raw_dir / "corrections.csv").write_text(
        "release_id,start,end,field,value,reason,author,date\n"
        f"{row['release_id']},17,23,indicator,grid_cells,checked,RA,2026-12-01\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key != "PINGAN_PROJECT"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            "tests/corpus/test_manifest.py",
            "tests/test_schemas.py",
            "tests/corpus/test_reference.py",
            "-k",
            "read_manifest or batch_adds or seed_manifest or load_reference",
        ],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
