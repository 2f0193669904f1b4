"""A national corpus on one machine: a full `pingan run`, then one new release of one city.

Builds a synthetic project in a temporary folder: ``--cities`` cities (300 by default) with
``--releases`` releases each (10), the seed texts with the seed city's names replaced by the
synthetic city's (its full name and its short form), numbers shifted by the release's index so
no two texts are the same, and a population and land-area row per city in the reference table.
Cities are named from pairs of syllables (安宁市 Anning, 安平市 Anping, ...); everything is
deterministic: two runs build byte-identical projects.

Then it runs ``pingan run`` (all steps), adds one release to one city and runs again, and runs
once more with nothing changed. It prints each run's wall-clock and CPU time (the CPU of every
process the run started, kernels and workers included: on a shared machine the wall figure
varies, the CPU figure much less), the steps the new release reran, the peak memory (the
largest resident process, and the sum over the run's process tree sampled twice a second,
which counts shared pages once per process), and the time per stage; last, one line of JSON.

Run: ``.venv/bin/python benchmarks/national.py [--cities 300] [--releases 10] [--jobs N]
[--keep]``. Takes long at full size (see the README's Scale section): run it in the background.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED_RAW = REPO / "data" / "raw"
SYLLABLES = (
    ("安", "an"),
    ("宁", "ning"),
    ("平", "ping"),
    ("江", "jiang"),
    ("河", "he"),
    ("山", "shan"),
    ("阳", "yang"),
    ("东", "dong"),
    ("南", "nan"),
    ("西", "xi"),
    ("北", "bei"),
    ("兴", "xing"),
    ("丰", "feng"),
    ("林", "lin"),
    ("泉", "quan"),
    ("宜", "yi"),
    ("昌", "chang"),
    ("华", "hua"),
    ("定", "ding"),
    ("城", "cheng"),
)
PROVINCES = ("山东", "云南", "河南", "四川", "江苏", "湖南", "广东", "浙江")
FIRST_YEAR = 2012
_DIGIT_RUN = re.compile(r"(?<=[^\d.])\d{2,3}(?=[^\d.年月日])")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class City:
    zh: str
    en: str
    province: str

    @property
    def short(self) -> str:
        return self.zh.removesuffix("市")


@dataclass(frozen=True)
class Seed:
    text: str
    names: tuple[str, ...]
    kind: str


def cities(n: int) -> list[City]:
    """``n`` synthetic cities with distinct Chinese and English names."""
    found: list[City] = []
    seen: set[str] = set()
    for first_zh, first_en in SYLLABLES:
        for second_zh, second_en in SYLLABLES:
            en = (first_en + second_en).capitalize()
            if first_zh == second_zh or en in seen:
                continue
            seen.add(en)
            found.append(
                City(f"{first_zh}{second_zh}市", en, PROVINCES[len(found) % len(PROVINCES)])
            )
            if len(found) == n:
                return found
    raise SystemExit(f"at most {len(found)} synthetic city names; ask for fewer cities")


def seeds() -> list[Seed]:
    """The seed releases with the names of their city (full and short) and their kind."""
    with (SEED_RAW / "releases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Seed(
            (SEED_RAW / "releases" / row["file"]).read_text(encoding="utf-8"),
            (row["city_zh"], row["city_zh"].removesuffix("市")),
            row["kind"],
        )
        for row in rows
    ]


def release_text(seed: Seed, city: City, index: int) -> str:
    """A seed text as a release of ``city``: its names replaced, its numbers shifted."""
    text = seed.text
    for name, new in zip(seed.names, (city.zh, city.short), strict=True):
        text = text.replace(name, new)
    return _DIGIT_RUN.sub(lambda m: str(int(m.group()) + index), text)


def manifest_row(city: City, seed: Seed, text: str, index: int, number: int) -> dict[str, str]:
    year = FIRST_YEAR + index
    published = date(year + 1, 1, 10) + timedelta(days=number % 60)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    release_id = f"{city.en.lower()}-{published}-{sha256[:8]}"
    return {
        "release_id": release_id,
        "file": f"{release_id}.txt",
        "city_zh": city.zh,
        "city_en": city.en,
        "province": city.province,
        "admin_level": "prefecture",
        "published": str(published),
        "period_start": f"{year}-01-01",
        "period_end": f"{year}-12-31",
        "kind": seed.kind,
        "outlet": "",
        "title": f"{city.zh}{year}年平安建设工作情况",
        "source_url": "",
        "sha256": sha256,
        "note": "synthetic: benchmarks/national.py",
    }


def build_project(root: Path, n_cities: int, n_releases: int) -> list[City]:
    """The synthetic project at ``root``: releases, manifest, reference rows, notebooks."""
    releases = root / "data" / "raw" / "releases"
    releases.mkdir(parents=True)
    shutil.copytree(SEED_RAW / "reference", root / "data" / "raw" / "reference")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "data" / "processed").mkdir()
    (root / "reports").mkdir()
    all_seeds, made = seeds(), cities(n_cities)
    rows = []
    for number, city in enumerate(made):
        for index in range(n_releases):
            rows.append(_write_release(releases, city, all_seeds, index, number))
    _write_manifest(root / "data" / "raw" / "releases.csv", rows)
    _append_reference(root / "data" / "raw" / "reference" / "population.csv", made)
    return made


def add_release(root: Path, city: City, index: int, number: int) -> str:
    """One more release of ``city``, appended to the manifest; its release id."""
    row = _write_release(root / "data" / "raw" / "releases", city, seeds(), index, number)
    with (root / "data" / "raw" / "releases.csv").open("a", encoding="utf-8", newline="") as out:
        csv.DictWriter(out, fieldnames=list(row), lineterminator="\n").writerow(row)
    return row["release_id"]


def _write_release(
    folder: Path, city: City, all_seeds: list[Seed], index: int, number: int
) -> dict[str, str]:
    seed = all_seeds[(number + index) % len(all_seeds)]
    text = release_text(seed, city, index)
    row = manifest_row(city, seed, text, index, number)
    (folder / row["file"]).write_text(text, encoding="utf-8")
    return row


def _write_manifest(path: Path, rows: list[dict[str, str]]) -> None:
    with (SEED_RAW / "releases.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _append_reference(path: Path, made: list[City]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        for number, city in enumerate(made):
            base = {
                "city_zh": city.zh,
                "city_en": city.en,
                "province": city.province,
                "admin_level": "prefecture",
                "source_kind": "synthetic",
                "source_title": "benchmarks/national.py",
                "source_url": "",
                "note": "synthetic figure for the scale benchmark",
            }
            population = 1_000_000 + 37_219 * number
            area = 2_000 + 113 * number
            writer.writerow(
                {
                    **base,
                    "measure": "resident_population_census",
                    "as_of": "2020-11-01",
                    "value": population,
                    "unit": "persons",
                    "quote": f"全市常住人口为{population}人。",
                }
            )
            writer.writerow(
                {
                    **base,
                    "measure": "land_area_km2",
                    "as_of": "",
                    "value": area,
                    "unit": "km2",
                    "quote": f"总面积{area}平方公里",
                }
            )


class TreeMemory:
    """The largest summed resident memory of a process and its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb = pid, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_mb

    def _sample(self) -> None:
        while not self._done.wait(0.5):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(self.pid))


def _tree_rss_mb(root: int) -> float:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
        stack += children.get(pid, [])
    return total / 2**20


@dataclass(frozen=True)
class Timed:
    wall_s: float
    cpu_s: float
    tree_peak_mb: float


def timed_run(root: Path, jobs: int | None) -> Timed:
    """``pingan run`` on the project, with its wall and CPU time and its memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    command = [str(BIN / "pingan"), "run", *(["--jobs", str(jobs)] if jobs else [])]
    process = subprocess.Popen(
        command,
        env={**os.environ, "PINGAN_PROJECT": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    memory = TreeMemory(process.pid)
    _, errors = process.communicate()
    peak = memory.stop()
    wall = time.perf_counter() - began
    if process.returncode:
        raise SystemExit(f"pingan run failed ({process.returncode}):\n{errors}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(round(wall, 2), round(cpu, 2), round(peak, 1))


def stage_times(root: Path) -> dict[str, dict[str, float]]:
    """Seconds per stage of the last run, from reports/run.json: each data step, the city
    slices, the cross-city notebooks and the city profiles (summed, with their count)."""
    steps = json.loads((root / "reports" / "run.json").read_text(encoding="utf-8"))["steps"]
    stages: dict[str, dict[str, float]] = {}
    for name, step in steps.items():
        if step["status"] != "ran":
            continue
        stage = (
            "city profiles"
            if "city" in step["parameters"]
            else name
            if not name[:2].isdigit()
            else "cross-city notebooks"
        )
        entry = stages.setdefault(stage, {"steps": 0, "seconds": 0.0})
        entry["steps"] += 1
        entry["seconds"] = round(entry["seconds"] + step["seconds"], 2)
    return stages


def ran(root: Path) -> list[str]:
    steps = json.loads((root / "reports" / "run.json").read_text(encoding="utf-8"))["steps"]
    return [name for name, step in steps.items() if step["status"] == "ran"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=300)
    parser.add_argument("--releases", type=int, default=10, help="releases per city")
    parser.add_argument("--jobs", type=int, default=None, help="pingan run --jobs (default: cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pingan-national-")) / "project"
    try:
        figures = _benchmark(root, options)
    finally:
        if not options.keep:
            shutil.rmtree(root.parent, ignore_errors=True)
    print(json.dumps(figures))


def _benchmark(root: Path, options: argparse.Namespace) -> dict[str, object]:
    made = build_project(root, options.cities, options.releases)
    corpus_mb = sum(p.stat().st_size for p in (root / "data/raw/releases").iterdir()) / 1e6
    print(
        f"project: {root} ({len(made)} cities x {options.releases} releases, "
        f"{corpus_mb:.1f} MB of text; jobs {options.jobs or os.cpu_count()}, "
        f"{os.cpu_count()} cores)"
    )
    full = timed_run(root, options.jobs)
    full_stages = stage_times(root)
    print(
        f"full run:        {full.wall_s:8.1f} s wall, {full.cpu_s:8.1f} s CPU, "
        f"process tree peak {full.tree_peak_mb:.0f} MB"
    )
    _print_stages(full_stages)
    city = made[len(made) // 2]
    release_id = add_release(root, city, options.releases, made.index(city))
    one = timed_run(root, options.jobs)
    rerun = ran(root)
    print(f"one new release ({release_id}):")
    print(
        f"                 {one.wall_s:8.1f} s wall, {one.cpu_s:8.1f} s CPU, "
        f"process tree peak {one.tree_peak_mb:.0f} MB; {len(rerun)} steps rerun:"
    )
    print("                 " + ", ".join(rerun))
    one_stages = stage_times(root)
    _print_stages(one_stages)
    unchanged = timed_run(root, options.jobs)
    print(f"unchanged run:   {unchanged.wall_s:8.2f} s wall, {unchanged.cpu_s:8.2f} s CPU")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest process: {largest:.0f} MB resident at its peak")
    return {
        "cities": len(made),
        "releases_per_city": options.releases,
        "corpus_mb": round(corpus_mb, 1),
        "jobs": options.jobs or os.cpu_count(),
        "cores": os.cpu_count(),
        "full_run": {**full.__dict__, "stages": full_stages},
        "one_release": {**one.__dict__, "steps_rerun": rerun, "stages": one_stages},
        "unchanged_run": unchanged.__dict__,
        "largest_process_mb": round(largest, 1),
    }


def _print_stages(stages: dict[str, dict[str, float]]) -> None:
    for name, entry in stages.items():
        count = f" ({entry['steps']:.0f} steps)" if entry["steps"] > 1 else ""
        print(f"    {name + count:<32} {entry['seconds']:8.1f} s")


if __name__ == "__main__":
    main()
