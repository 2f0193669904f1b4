"""The `pingan` command: parses arguments and delegates to the library.

Only light modules are imported at the top: `pingan run` takes the project lock before any
heavy import, and an unchanged rerun must return in well under a second.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

from pingan_analysis import __version__
from pingan_analysis.config import ProjectPaths, project_paths
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

REFERENCE_OPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "--city",
        "city",
        "the place, e.g. 长治市 (names, province and level come from the gazetteer)",
    ),
    (
        "--measure",
        "measure",
        "resident_population_census, resident_population_year_end or land_area_km2",
    ),
    ("--as-of", "as_of", "date the figure holds for, YYYY-MM-DD (2020-11-01 for the census)"),
    ("--value", "value", "the figure in base units: persons, or km2"),
    (
        "--source-kind",
        "source_kind",
        "e.g. official bulletin, reprint of official bulletin, encyclopedia",
    ),
    ("--source-title", "source_title", "the source's title"),
    ("--source-url", "source_url", "where the source is"),
    ("--quote", "quote", "the sentence the figure was read from"),
    ("--note", "note", "caveats, other figures"),
    ("--city-en", "city_en", "English name (default: the official romanisation)"),
)


class _ArgumentParser(argparse.ArgumentParser):
    """Raises UsageError instead of exiting, so `main` returns the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(
            message,
            where=f"pingan {self.prog.partition(' ')[2]}".strip(),
            fix=f"see `{self.prog} --help`",
        )


def _dash_hint(argv: Sequence[str]) -> str | None:
    """A file name that starts with '-' reads as an option: say how to give it."""
    for word in argv:
        if (
            word.startswith("-")
            and not word.startswith("--")
            and len(word) > 2
            and Path(word).exists()
        ):
            return (
                f"{word} is a file whose name starts with '-': write `-- {word}` "
                f"(after the options) or `./{word}`"
            )
    return None


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so it unwinds like Ctrl-C: staging cleaned,
    temporary files removed, the lock released, the last good outputs unchanged."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="pingan",
        description=("Ping An (平安建设) releases into validated tables and shareable reports."),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more detail on stderr")
    parser.add_argument("--version", action="version", version=f"pingan {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    run = commands.add_parser("run", help="the whole chain into reports/ (skips unchanged steps)")
    run.add_argument("--force", action="store_true", help="rerun every step")
    run.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="notebooks run at once (default: the machine's cores)",
    )
    run.add_argument(
        "--verbose", action="store_true", dest="run_verbose", help="show papermill's cell progress"
    )

    add = commands.add_parser("add", help="add a release (or a CSV of releases) to the corpus")
    add.add_argument(
        "file", type=Path, help="a release text file, or a CSV with the manifest's columns"
    )
    for flag, dest, text in ADD_OPTIONS:
        add.add_argument(flag, dest=dest, help=text)

    extract = commands.add_parser(
        "extract", help="extract quantities from text files (no project needed)"
    )
    extract.add_argument("files", type=Path, nargs="+", metavar="FILE")
    extract.add_argument("-o", "--output", type=Path, help="write the CSV here instead of stdout")
    extract.add_argument(
        "--published",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the files' publication date (dates 十年来, 今年 … in bare files)",
    )

    codebook = commands.add_parser("codebook", help="what the codebook does not cover yet")
    codebook_commands = codebook.add_subparsers(
        dest="codebook_command", required=True, parser_class=_ArgumentParser
    )
    unmapped = codebook_commands.add_parser(
        "unmapped", help="the most frequent subjects of the corpus's figures with no indicator"
    )
    unmapped.add_argument("--top", type=_positive_int, default=30, help="how many (default 30)")

    reference = commands.add_parser("reference", help="the reference table (population, area)")
    reference_commands = reference.add_subparsers(
        dest="reference_command", required=True, parser_class=_ArgumentParser
    )
    reference_add = reference_commands.add_parser(
        "add", help="append one sourced row to data/raw/reference/population.csv"
    )
    for flag, dest, text in REFERENCE_OPTIONS:
        reference_add.add_argument(flag, dest=dest, help=text)
    reference_commands.add_parser("missing", help="the corpus's cities without a census population")

    review = commands.add_parser("review", help="write a release's review sheet (CSV for Excel)")
    review.add_argument("release_id", help="the release, as in data/raw/releases.csv")
    review.add_argument("-o", "--output", type=Path, help="default: reviews/RELEASE_ID.csv")
    corrections = commands.add_parser("corrections", help="data/raw/corrections.csv")
    corrections_commands = corrections.add_subparsers(
        dest="corrections_command", required=True, parser_class=_ArgumentParser
    )
    load = corrections_commands.add_parser("load", help="add a filled review sheet's corrections")
    load.add_argument("sheet", type=Path)

    commands.add_parser("validate", help="validate the manifest and every table; write the report")
    commands.add_parser("status", help="which steps are stale, and why")
    evaluate = commands.add_parser(
        "evaluate", help="extraction against the hand-checked annotation"
    )
    evaluate.add_argument(
        "--details", action="store_true", help="list every miss and false positive"
    )
    evaluate.add_argument(
        "--sample",
        type=_positive_int,
        metavar="N",
        help="list N figures given a non-core id, per set, to judge by hand",
    )
    evaluate.add_argument(
        "--set",
        action="append",
        metavar="NAME",
        help="evaluate only this set (seeds, or a folder of data/annotations/); "
        "repeatable; default: every set",
    )
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
    with project_lock(paths.state_dir, "pingan run"):
        from pingan_analysis.pipeline import runner

        runner.run(
            paths,
            force=args.force,
            jobs=args.jobs,
            verbose=args.run_verbose,
            progress=lambda line: print(line, flush=True),
        )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline import runner

    for step in runner.status(project_paths()):
        print(step)
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline.lock import raw_data_lock

    paths = project_paths()
    with raw_data_lock(paths, "pingan add"):
        return _add(paths, args)


def _add(paths: ProjectPaths, args: argparse.Namespace) -> int:
    from pingan_analysis.corpus import manifest

    metadata = {dest: getattr(args, dest) for _, dest, _ in ADD_OPTIONS if getattr(args, dest)}
    if args.file.suffix.lower() == ".csv":
        if metadata:
            raise UsageError(
                "options describe one release; a CSV describes its releases itself",
                where="pingan add",
                fix="put the metadata in the CSV's columns",
            )
        added = manifest.add_releases_from_csv(paths, args.file)
    else:
        missing = [flag for flag, dest, _ in ADD_OPTIONS[:2] if dest not in metadata]
        if missing:
            raise UsageError(
                f"missing {' and '.join(missing)}",
                where="pingan add",
                fix="e.g. pingan add FILE --city 青岛市 --published 2020-04-08",
            )
        added = [manifest.add_release(paths, args.file, metadata)]
    for row in added:
        print(
            f"added {row['release_id']} ({row['city_zh']}, {row['published']}) "
            f"as data/raw/releases/{row['file']}"
        )
    return 0


def _cmd_reference(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline.lock import project_lock

    paths = project_paths()
    from pingan_analysis.corpus import reference

    if args.reference_command == "missing":
        from pingan_analysis.corpus.manifest import read_manifest

        missing = reference.cities_without_population(
            read_manifest(paths.manifest), reference.load_reference(paths.population)
        )
        for row in missing.itertuples():
            print(f"{row.city_zh} ({row.city_en}, {row.releases} releases): {row.reason}")
        if len(missing):
            print(reference.REFERENCE_HINT)
        return 0
    fields = {dest: getattr(args, dest) for _, dest, _ in REFERENCE_OPTIONS if getattr(args, dest)}
    with project_lock(paths.state_dir):
        row = reference.add_reference_row(paths, fields)
    print(
        f"added {row['city_zh']} {row['measure']} {row['as_of']} = {row['value']} {row['unit']} "
        "to data/raw/reference/population.csv"
    )
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline.lock import project_lock

    paths = project_paths()
    with project_lock(paths.state_dir):
        from pingan_analysis.extract.review import write_review_sheet

        sheet = write_review_sheet(paths, args.release_id, args.output)
    print(
        f"wrote {sheet}: fill field, new_value, reason and author on the rows to correct, "
        f"then `pingan corrections load {sheet}`"
    )
    return 0


def _cmd_corrections(args: argparse.Namespace) -> int:
    from pingan_analysis.pipeline.lock import project_lock

    paths = project_paths()
    with project_lock(paths.state_dir):
        from pingan_analysis.extract.review import load_review_sheet

        loaded = load_review_sheet(paths, args.sheet)
    print(
        f"loaded {len(loaded)} corrections into data/raw/corrections.csv; `pingan run` applies them"
    )
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from pingan_analysis.extract.files import extract_to_csv, refuse_output_over_inputs

    if args.output is not None:  # before the heavy imports extraction needs
        refuse_output_over_inputs(args.output, args.files)

    extract_to_csv(args.files, args.output, args.published)
    return 0


def _cmd_codebook(args: argparse.Namespace) -> int:
    from pingan_analysis.corpus.codebook import unmapped_subjects

    paths = project_paths()
    for subject, count in unmapped_subjects(paths.processed_dir / "mentions.csv", args.top):
        print(f"{count:6d}  {subject}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from pingan_analysis.extract.corrections import REPORT_FILE, unmatched_messages
    from pingan_analysis.pipeline.lock import project_lock

    paths = project_paths()
    with project_lock(paths.state_dir, "pingan validate"):
        from pingan_analysis.validate.report import validate_project

        result = validate_project(paths)
    print(result)
    for message in unmatched_messages(paths.processed_dir / REPORT_FILE):
        print(f"warning: {message}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from pingan_analysis.extract.evaluate import evaluate_named, format_sample, set_label, set_names

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
    "run": _cmd_run,
    "status": _cmd_status,
    "add": _cmd_add,
    "reference": _cmd_reference,
    "review": _cmd_review,
    "corrections": _cmd_corrections,
    "extract": _cmd_extract,
    "validate": _cmd_validate,
    "evaluate": _cmd_evaluate,
    "codebook": _cmd_codebook,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run `pingan` with ``argv`` (default: the process's arguments); return the exit code.

    Every failure ends in a message, not a traceback: the package's own errors, the operating
    system's (a file that cannot be read, a full disk), Ctrl-C and SIGTERM.
    """
    previous = _handle_sigterm()
    try:
        args = _parsed(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="pingan: %(levelname)s: %(message)s",
            stream=sys.stderr,
        )
        return COMMANDS[args.command](args)
    except PinganError as error:
        print(f"pingan: error: {error.message}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # `pingan extract ... | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Terminated:
        print("pingan: terminated (SIGTERM); nothing half-written was kept", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("pingan: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"pingan: error: {_os_error_message(error)}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _parsed(argv: Sequence[str] | None) -> argparse.Namespace:
    try:
        return build_parser().parse_args(argv)
    except UsageError as error:
        hint = _dash_hint(sys.argv[1:] if argv is None else argv)
        if hint is None:
            raise
        raise UsageError(error.problem, where=error.where, fix=hint) from None


def _handle_sigterm() -> Callable[[int, FrameType | None], Any] | int | None:
    """SIGTERM raises :class:`Terminated` from now on (main thread only); returns the old handler."""
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: leave signals alone
        return None


FIXES = {
    errno.EACCES: "check the file's permissions (e.g. chmod u+r, or run as its owner)",
    errno.EPERM: "check the file's permissions (e.g. chmod u+r, or run as its owner)",
    errno.ENOSPC: "free some disk space, then run the command again",
    errno.EDQUOT: "free some disk space (you are over quota), then run the command again",
    errno.EISDIR: "give a file, not a folder",
    errno.ENOENT: "check the path; a file or folder was removed while the command ran",
    errno.EROFS: "the file system is read-only: work in a writable copy of the project",
}


def _os_error_message(error: OSError) -> str:
    """An operating-system error as the package's errors read: where, what, fix."""
    where = f"{error.filename}: " if error.filename else ""
    what = error.strerror or str(error)
    fix = FIXES.get(error.errno or 0, "check the path and the disk, then run the command again")
    return f"{where}{what}\n  fix: {fix}"
