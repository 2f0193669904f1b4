"""How fast `pingan run` is: a forced full run against a plain loop, and an unchanged rerun.

The plain loop is what one would write by hand over the same notebooks (per-city ones once per
city, the same parameters): `papermill` then `jupyter nbconvert --to html`, one after the other.
The forced run also does the data steps; the loop does not (it reads their outputs).
Usage: ``.venv/bin/python benchmarks/pipeline.py [--jobs N] [--repeat N]``. Works on a copy
of the project's data and notebooks under benchmarks/out/. Prints figures; last line JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = REPO / "benchmarks" / "out" / "pipeline"


def main() -> None:
    options = _options()
    root = _fresh_project(OUT / "project")
    env = {**os.environ, "PINGAN_PROJECT": str(root)}
    jobs = ["--jobs", str(options.jobs)] if options.jobs else []
    pingan = [str(BIN / "pingan"), "run", *jobs]
    _timed(pingan, env)  # builds data/processed for the plain loop
    forced = min(_timed([*pingan, "--force"], env) for _ in range(options.repeat))
    runs = _notebook_runs(root)
    loop = min(_plain_loop(runs, root, env) for _ in range(options.repeat))
    _timed(pingan, env)  # catches up with any source edited meanwhile, so the next are unchanged
    unchanged = [_timed(pingan, env) for _ in range(5)]
    figures = {
        "notebook_runs": len(runs),
        "jobs": options.jobs or os.cpu_count(),
        "cores": os.cpu_count(),
        "full_run_s": round(forced, 2),
        "plain_loop_s": round(loop, 2),
        "full_over_loop": round(forced / loop, 3),
        "unchanged_rerun_s": round(statistics.median(unchanged), 3),
        "unchanged_rerun_max_s": round(max(unchanged), 3),
    }
    print(
        f"notebook executions:        {figures['notebook_runs']} (jobs {figures['jobs']}, "
        f"{figures['cores']} cores)"
    )
    print(f"pingan run --force:         {forced:7.2f} s (data steps included)")
    print(f"papermill + nbconvert loop: {loop:7.2f} s (notebooks only)")
    print(f"full run / plain loop:      {figures['full_over_loop']:7.3f}")
    print(
        f"unchanged `pingan run`:     {figures['unchanged_rerun_s']:7.3f} s "
        f"(median of 5, max {figures['unchanged_rerun_max_s']:.3f} s)"
    )
    print(json.dumps(figures))


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="pingan run --jobs (default: cores)")
    parser.add_argument("--repeat", type=int, default=1, help="best of N for the long runs")
    return parser.parse_args()


def _fresh_project(root: Path) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    return root


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _notebook_runs(root: Path) -> list[tuple[Path, str, dict[str, str]]]:
    """(notebook, output name, extra parameters) for every execution the pipeline makes."""
    sys.path.insert(0, str(REPO / "src"))
    from pingan_analysis.config import ProjectPaths
    from pingan_analysis.pipeline.steps import notebook_steps

    return [
        (s.notebook, s.name, {k: str(v) for k, v in s.params.items()})
        for s in notebook_steps(ProjectPaths(root))
    ]


def _plain_loop(
    runs: list[tuple[Path, str, dict[str, str]]], root: Path, env: dict[str, str]
) -> float:
    out = OUT / "loop"
    shutil.rmtree(out, ignore_errors=True)
    (out / "figures").mkdir(parents=True)
    started = time.perf_counter()
    for notebook, name, params in runs:
        executed = out / f"{name}.ipynb"
        parameters = {
            "processed_dir": str(root / "data" / "processed"),
            "figures_dir": str(out / "figures"),
            **params,
        }
        flags = [arg for k, v in parameters.items() for arg in ("-p", k, v)]
        subprocess.run(
            [str(BIN / "papermill"), "--no-progress-bar", str(notebook), str(executed), *flags],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
            env=env,
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
