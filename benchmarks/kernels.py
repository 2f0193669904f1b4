"""Warm kernels against a fresh kernel per notebook: the city profiles of the seed corpus.

Runs notebook 06 (the city profile) for each city of the seed corpus, ``--repeat`` times over,
once with a fresh kernel per execution (papermill's default) and once in one warm kernel reset
between notebooks (the pipeline's ``pingan-warm`` engine), one after the other on one core, and
checks that both give the same outputs. Prints wall-clock and CPU time per execution (CPU of
this process and of the kernels); last, one line of JSON.

Run: ``.venv/bin/python benchmarks/kernels.py [--repeat 3]``. Works on a copy of the project's
data and notebooks under benchmarks/out/kernels (built with `pingan run` first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import papermill

from pingan_analysis.config import ProjectPaths
from pingan_analysis.pipeline.notebooks import WARM_ENGINE, KernelPool, QuietKernelManager
from pingan_analysis.pipeline.staging import live_tree
from pingan_analysis.pipeline.steps import notebook_steps

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = REPO / "benchmarks" / "out" / "kernels"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each city's profile")
    options = parser.parse_args()
    root = _built_project(OUT / "project")
    paths = ProjectPaths(root)
    steps = [s for s in notebook_steps(paths) if "city" in s.params]
    runs = [(step, n) for n in range(options.repeat) for step in steps]
    cold, cold_out = _timed(lambda: _execute(runs, paths, OUT / "cold", pool=None))
    pool = KernelPool(verbose=False)
    warm, warm_out = _timed(
        lambda: _finally_close(pool, lambda: _execute(runs, paths, OUT / "warm", pool))
    )
    same = cold_out == warm_out
    n = len(runs)
    figures = {
        "executions": n,
        "fresh_kernel": {"wall_s": round(cold[0] / n, 3), "cpu_s": round(cold[1] / n, 3)},
        "warm_kernel": {"wall_s": round(warm[0] / n, 3), "cpu_s": round(warm[1] / n, 3)},
        "cpu_saved_share": round(1 - warm[1] / cold[1], 3),
        "same_outputs": same,
    }
    print(f"{n} executions of notebook 06 ({len(steps)} cities x {options.repeat}), per execution:")
    for label, key in (("fresh kernel each", "fresh_kernel"), ("one warm kernel", "warm_kernel")):
        print(
            f"  {label:<18} {figures[key]['wall_s']:6.2f} s wall, "
            f"{figures[key]['cpu_s']:6.2f} s CPU"
        )
    print(f"  CPU saved: {figures['cpu_saved_share']:.0%}; same outputs: {same}")
    print(json.dumps(figures))


def _built_project(root: Path) -> Path:
    """The seed project under ``root``, brought up to date (kept between runs of this script)."""
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw", dirs_exist_ok=True)
    shutil.copytree(REPO / "notebooks", root / "notebooks", dirs_exist_ok=True)
    (root / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (root / "reports").mkdir(exist_ok=True)
    subprocess.run(
        [str(BIN / "pingan"), "run"],
        env={**os.environ, "PINGAN_PROJECT": str(root)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return root


def _execute(runs: list, paths: ProjectPaths, out: Path, pool: KernelPool | None) -> list:
    """Each (step, n) executed into ``out``; the code cells' outputs, for the comparison."""
    shutil.rmtree(out, ignore_errors=True)
    outputs = []
    for step, n in runs:
        work = out / f"{step.name}-{n}"
        work.mkdir(parents=True)
        parameters = {"processed_dir": str(live_tree(paths) / step.data), **step.params}
        engine = (
            {"engine_name": WARM_ENGINE, "kernels": pool}
            if pool
            else {"kernel_manager_class": QuietKernelManager}
        )
        nb = papermill.execute_notebook(
            str(step.notebook),
            str(work / "executed.ipynb"),
            parameters=parameters,
            progress_bar=False,
            resources={"metadata": {"path": str(work)}},
            **engine,
        )
        outputs.append([(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"])
    return outputs


def _finally_close(pool: KernelPool, work):  # type: ignore[no-untyped-def]
    try:
        return work()
    finally:
        pool.close()


def _timed(work):  # type: ignore[no-untyped-def]
    """(wall, CPU of this process and its finished children) of ``work()``, and its result."""

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    began, began_cpu = time.perf_counter(), cpu()
    result = work()
    return (time.perf_counter() - began, cpu() - began_cpu), result


if __name__ == "__main__":
    main()
