"""The `pingan` command: parses arguments and delegates to the library.

Only light modules are imported at the top: `pingan run` takes the project lock before any
heavy import, and an unchanged rerun must return in well under a second.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pingan_analysis import __version__
from pingan_analysis.config import project_paths
from pingan_analysis.exceptions import PinganError, UsageError

log = logging.getLogger("pingan_analysis")

ADD_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--city", "city", "the city's Chinese name, e.g. 青岛市 (required for a single file)"),
    ("--published", "published", "publication date, YYYY-MM-DD (required for a single file)"),
    ("--city-en", "city_en", "English name (default: the reference table, else pinyin)"),
    ("--province", "province", "province in Chinese, e.g. 山东"),
    ("--admin-level", "admin_level", "province, prefecture, county-level city, county or district"),
    ("--period-start", "period_start", "first day the release's figures cover, YYYY-MM-DD"),
    ("--period-end", "period_end", "last day the release's figures cover, YYYY-MM-DD"),
    ("--kind", "kind", "transcript, news_report, work_review, white_paper or other"),
    ("--title", "title", "the release's title"),
    ("--source-url", "source_url", "where the release was published"),
    ("--outlet", "outlet", "who published it"),
)


class _ArgumentParser(argparse.ArgumentParser):
    """Raises UsageError instead of exiting, so `main` returns the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, where=f"pingan {self.prog.partition(' ')[2]}".strip(),
                         fix=f"see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="pingan", description=(
        "Ping An (平安建设) releases into validated tables and shareable reports."))
    parser.add_argument("-v", "--verbose", action="store_true", help="more detail on stderr")
    parser.add_argument("--version", action="version", version=f"pingan {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    run = commands.add_parser("run", help="the whole chain into reports/ (skips unchanged steps)")
    run.add_argument("--force", action="store_true", help="rerun every step")
    run.add_argument("--jobs", type=_positive_int, default=None,
                     help="notebooks run at once (default: the machine's cores)")
    run.add_argument("--verbose", action="store_true", dest="run_verbose",
                     help="show papermill's cell progress")

    add = commands.add_parser("add", help="add a release (or a CSV of releases) to the corpus")
    add.add_argument("file", type=Path, help="a release text file, or a CSV with the manifest's columns")
    for flag, dest, text in ADD_OPTIONS:
        add.add_argument(flag, dest=dest, help=text)

    extract = commands.add_parser("extract", help="extract quantities from text files (no project needed)")
    extract.add_argument("files", type=Path, nargs="+", metavar="FILE")
    extract.add_argument("-o", "--output", type=Path, help="write the CSV here instead of stdout")
    extract.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                         help="the files' publication date (dates 十年来, 今年 … in bare files)")

    codebook = commands.add_parser("codebook", help="what the codebook does not cover yet")
    codebook_commands = codebook.add_subparsers(dest="codebook_command", required=True,
                                                parser_class=_ArgumentParser)
    unmapped = codebook_commands.add_parser(
        "unmapped", help="the most frequent subjects of the corpus's figures with no indicator")
    unmapped.add_argument("--top", type=_positive_int, default=30, help="how many (default 30)")

    commands.add_parser("validate", help="validate the manifest and every table; write the report")
    commands.add_parser("status", help="which steps are stale, and why")
    evaluate = commands.add_parser("evaluate", help="extraction against the hand-checked annotation")
    evaluate.add_argument("--details", action="store_true", help="list every miss and false positive")
    evaluate.add_argument("--sample", type=_positive_int, metavar="N",
                          help="list N figures given a non-core id, per set, to judge by hand")
    evaluate.add_argument("--set", action="append", metavar="NAME",
                          help="evaluate only this set (seeds, or a folder of data/annotations/); "
                               "repeatable; default: every set")
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return number


def _cmd_run(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline.lock import project_lock

    paths = project_paths()
    with project_lock(paths.state_dir):
        from pingan_analysis.pipeline import runner

        runner.run(paths, force=args.force, jobs=args.jobs, verbose=args.run_verbose,
                     progress=lambda line: print(line, flush=True))
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline import runner

    for step in runner.status(project_paths()):
        print(step)
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from pingan_analysis.corpus import manifest

    paths = project_paths()
    metadata = {dest: getattr(args, dest) for _, dest, _ in ADD_OPTIONS if getattr(args, dest)}
    if args.file.suffix.lower() == ".csv":
        if metadata:
            raise UsageError("options describe one release; a CSV describes its releases itself",
                             where="pingan add", fix="put the metadata in the CSV's columns")
        added = manifest.add_releases_from_csv(paths, args.file)
    else:
        missing = [flag for flag, dest, _ in ADD_OPTIONS[:2] if dest not in metadata]
        if missing:
            raise UsageError(f"missing {' and '.join(missing)}", where="pingan add",
                             fix="e.g. pingan add FILE --city 青岛市 --published 2020-04-08")
        added = [manifest.add_release(paths, args.file, metadata)]
    for row in added:
        print(f"added {row['release_id']} ({row['city_zh']}, {row['published']}) "
              f"as data/raw/releases/{row['file']}")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from pingan_analysis.extract.files import extract_to_csv

    extract_to_csv(args.files, args.output, args.published)
    return 0


def _cmd_codebook(args: argparse.Namespace) -> int:
    from pingan_analysis.corpus.codebook import unmapped_subjects

    paths = project_paths()
    for subject, count in unmapped_subjects(paths.processed_dir / "mentions.csv", args.top):
        print(f"{count:6d}  {subject}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from pingan_analysis.validate.report import validate_project

    result = validate_project(project_paths())
    print(result)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from pingan_analysis.extract.evaluate import (
        evaluate_named, format_sample, set_label, set_names)

    paths = project_paths()
    for name in args.set or set_names(paths):
        report = evaluate_named(paths, name)
        print(f"== {set_label(report.name)}")
        if args.sample:
            print(format_sample(report.sample_non_core(args.sample)))
        else:
            print(report.details() if args.details else report.format())
        print()
    return 0


COMMANDS = {
    "run": _cmd_run, "status": _cmd_status, "add": _cmd_add, "extract": _cmd_extract,
    "validate": _cmd_validate, "evaluate": _cmd_evaluate, "codebook": _cmd_codebook,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run `pingan` with ``argv`` (default: the process's arguments); return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                            format="pingan: %(levelname)s: %(message)s", stream=sys.stderr)
        return COMMANDS[args.command](args)
    except PinganError as error:
        print(f"pingan: error: {error.message}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # `pingan extract ... | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("pingan: interrupted", file=sys.stderr)
        return 130

