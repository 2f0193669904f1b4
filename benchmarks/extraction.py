"""Extraction throughput and memory on one core: the seed corpus replicated to N MB.

Each copy of a seed text becomes its own document (so the repeated-copy filter of ingest keeps
it) and is varied slightly (its numbers shifted by the copy index) so no two are identical.
Documents stream through ingest and extraction one at a time (only that is timed); peak
resident memory (getrusage) is read at 10, 25 and 50 MB (or the checkpoints up to ``--mb``) to
show that it stays flat.

Throughput is UTF-8 input bytes per second, by the wall clock and by the process's CPU time
(``time.process_time``): on a machine busy with other work the wall figure drops, the CPU figure
does not, so report both.

With ``--jobs N`` (default: the machine's cores) the same corpus is then run again across N
worker processes, as the pipeline's corpus step does for a large corpus: the wall-clock figure
of the whole machine.

With ``--cli`` the same corpus is also written to files (one per document, in a temporary
folder) and run through the command a user runs, ``pingan extract -o mentions.csv FILE…``: its
CPU time (user + system, of the child process), its peak resident memory, and its rate beside
the in-process one (the command also starts up, decodes every file before extracting, and
writes the CSV).

Run: ``.venv/bin/python benchmarks/extraction.py [--mb 50] [--jobs N] [--cli] [--profile]``.
Prints figures, then one line of JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import cast

from pingan_analysis.corpus.codebook import load_codebook
from pingan_analysis.corpus.ingest import ingest, read_text
from pingan_analysis.extract.document import extract_document

RELEASES = Path(__file__).resolve().parents[1] / "data" / "raw" / "releases"
CHECKPOINTS_MB = (10, 25, 50)
_DIGIT_RUN = re.compile(r"(?<=[^\d.])\d{2,3}(?=[^\d.年月日])")


def corpus(megabytes: float) -> Iterator[tuple[str, str]]:
    """(name, text) documents, seed texts varied by copy index, until ``megabytes`` of UTF-8."""
    seeds = [(path.stem, read_text(path)) for path in sorted(RELEASES.glob("*.txt"))]
    budget, copy = megabytes * 1_000_000, 0
    while budget > 0:
        for name, text in seeds:
            varied = _DIGIT_RUN.sub(lambda m, copy=copy: str(int(m.group()) + copy % 7), text)
            budget -= len(varied.encode("utf-8"))
            yield f"{name}-{copy}", varied
            if budget <= 0:
                return
        copy += 1


def run(megabytes: float) -> dict[str, object]:
    codebook = load_codebook()
    checkpoints = [c for c in CHECKPOINTS_MB if c <= megabytes] or [megabytes]
    done_bytes, mentions, memory, seconds, cpu_seconds = 0, 0, {}, 0.0, 0.0
    for name, text in corpus(megabytes):
        began, began_cpu = time.perf_counter(), time.process_time()  # copies' making not timed
        mentions += sum(1 for _ in extract_document(ingest(text, name), codebook=codebook))
        seconds += time.perf_counter() - began
        cpu_seconds += time.process_time() - began_cpu
        done_bytes += len(text.encode("utf-8"))
        while checkpoints and done_bytes >= checkpoints[0] * 1_000_000:
            memory[checkpoints.pop(0)] = _max_rss_mb()
    return {
        "megabytes": round(done_bytes / 1e6, 2),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "mb_per_s": round(done_bytes / 1e6 / seconds, 3),
        "cpu_mb_per_s": round(done_bytes / 1e6 / cpu_seconds, 3),
        "mentions": mentions,
        "mentions_per_s": round(mentions / seconds),
        "peak_rss_mb_at": memory,
    }


def _count_mentions(document: tuple[str, str]) -> tuple[int, int]:
    """(UTF-8 bytes, mentions) of one document: the work a corpus-step process does."""
    name, text = document
    return len(text.encode("utf-8")), sum(1 for _ in extract_document(ingest(text, name)))


def run_parallel(megabytes: float, jobs: int) -> dict[str, object]:
    """The corpus across ``jobs`` processes; wall-clock throughput of the whole run."""
    documents = list(corpus(megabytes))
    began = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        counts = list(pool.map(_count_mentions, documents, chunksize=8))
    seconds = time.perf_counter() - began
    done_bytes = sum(size for size, _ in counts)
    return {
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "mb_per_s": round(done_bytes / 1e6 / seconds, 3),
        "mentions": sum(found for _, found in counts),
    }


#: The console script's entry point (``pingan`` = ``pingan_analysis.cli:main``), reporting its
#: peak resident memory when done. A child's getrusage peak would not do: the child is forked
#: from this process, whose peak Linux carries over into the child's through exec.
_CLI_CHILD = """
import sys
from pingan_analysis.cli import main
status = main(sys.argv[1:])
with open("/proc/self/status") as handle:
    peak_kib = next(line.split()[1] for line in handle if line.startswith("VmHWM:"))
print(int(peak_kib) / 1024, file=sys.stderr)
sys.exit(status)
"""


def run_cli(megabytes: float) -> dict[str, object]:
    """``pingan extract`` over the corpus written to files: the child's CPU time and peak memory
    (Linux: read from ``/proc``)."""
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for name, text in corpus(megabytes):
            path = Path(folder) / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        output = Path(folder) / "mentions.csv"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", _CLI_CHILD, "extract", "-o", str(output), *files],
            check=True,
            stderr=subprocess.PIPE,
            text=True,
        )
        seconds = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        done_bytes = sum(Path(f).stat().st_size for f in files)
        with output.open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1  # a mention's cells hold no line break
    cpu_seconds = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {
        "files": len(files),
        "megabytes": round(done_bytes / 1e6, 2),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "cpu_mb_per_s": round(done_bytes / 1e6 / cpu_seconds, 3),
        "rows": rows,
        "peak_rss_mb": round(float(child.stderr.split()[-1]), 1),
    }


def _max_rss_mb() -> float:
    """Peak resident memory of the process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def profile(megabytes: float) -> None:
    """cProfile of a short run: where the time goes, by function (own time)."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [list(extract_document(ingest(t, n))) for n, t in corpus(megabytes)])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of text to process")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes for the whole-machine figure (1: skip it)",
    )
    parser.add_argument(
        "--cli", action="store_true", help="also time `pingan extract` over the corpus as files"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 2 MB first")
    args = parser.parse_args()
    if args.profile:
        profile(2.0)
    figures = run(args.mb)
    print(
        f"processed {figures['megabytes']} MB in {figures['seconds']} s wall, "
        f"{figures['cpu_seconds']} s CPU: {figures['mb_per_s']} MB/s wall, "
        f"{figures['cpu_mb_per_s']} MB/s CPU, {figures['mentions']} mentions, "
        f"{figures['mentions_per_s']} mentions/s wall"
    )
    for mark, peak in figures["peak_rss_mb_at"].items():
        print(f"peak resident memory after {mark} MB: {peak:.1f} MB")
    if args.jobs > 1:
        figures["parallel"] = run_parallel(args.mb, args.jobs)
        print(
            f"across {args.jobs} processes: {figures['parallel']['mb_per_s']} MB/s wall "
            f"({figures['parallel']['seconds']} s, {figures['parallel']['mentions']} mentions)"
        )
    if args.cli:
        cli = run_cli(args.mb)
        rate = cast(float, cli["cpu_mb_per_s"]) / cast(float, figures["cpu_mb_per_s"])
        cli["rate_of_benchmark"] = round(rate, 3)
        figures["cli"] = cli
        print(
            f"pingan extract over {cli['files']} files ({cli['megabytes']} MB): "
            f"{cli['cpu_seconds']} s CPU, {cli['cpu_mb_per_s']} MB/s CPU "
            f"({cli['rate_of_benchmark']:.0%} of the in-process rate), {cli['rows']} rows, "
            f"peak resident memory {cli['peak_rss_mb']} MB"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
