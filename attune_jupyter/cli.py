"""The ``attune`` command: check transcripts for identifiers, import them into a store and
convert them, from a terminal or a course's own CI.

Every error is one clear line on stderr; exit codes: 0 all well, 1 identifiers found (``check``,
``import``), 2 a file, course file or store could not be read or written.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from attune_jupyter._version import __version__
from attune_jupyter.core.course import CourseFileError, CourseSettings, find_course_file
from attune_jupyter.core.deid import NotAnonymizedError, screen
from attune_jupyter.core.readers import TranscriptLoadErrors, load_transcripts
from attune_jupyter.core.transcript import Transcript, TranscriptError
from attune_jupyter.core.users import current_user

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("attune: interrupted", file=sys.stderr)
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attune",
        description="Check transcripts for identifying details, import them and convert them.",
    )
    parser.add_argument("--version", action="version", version=f"attune-jupyter {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="list possible identifiers in transcripts (exit 1 when there are any)",
        description=(
            "Screen transcripts for names, phone numbers, addresses, dates and other identifiers. "
            "Findings are printed masked. Exits 1 when any are found, so a course can run it in CI."
        ),
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    _add_gate_options(check)
    check.set_defaults(run=_check)

    import_ = commands.add_parser(
        "import",
        help="screen transcripts and keep them in a store (exit 1 when any is refused)",
        description=(
            "Read transcripts, refuse those that still hold identifiers (as 'check' finds them), "
            "and keep the others in the store, where courses and widgets can open them. "
            "Importing the same transcript again changes nothing; a different transcript under "
            "an id the store already holds is refused."
        ),
    )
    import_.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    import_.add_argument(
        "--store",
        metavar="URL",
        default=None,
        help=(
            "a SQLite file or postgresql:// URL (default: $ATTUNE_STORE, else attune.sqlite in "
            "the current folder)"
        ),
    )
    _add_gate_options(import_)
    import_.add_argument(
        "--override",
        metavar="REASON",
        help=(
            "import transcripts the screen refuses anyway, recording this reason, who and when "
            "in the store's audit record"
        ),
    )
    import_.add_argument(
        "--by", metavar="NAME", help="who imports (default: the JupyterHub user or login name)"
    )
    import_.set_defaults(run=_import)

    convert = commands.add_parser(
        "convert",
        help="convert transcripts to attune-jupyter's JSON format",
        description="Read transcripts in any supported format and write one JSON file each.",
    )
    convert.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    convert.add_argument("--to", choices=["json"], default="json", help="output format")
    convert.add_argument(
        "--output",
        "-o",
        type=Path,
        default=Path(),
        metavar="FOLDER",
        help="where to write the files (default: the current folder); existing files are kept",
    )
    convert.set_defaults(run=_convert)
    return parser


def _add_gate_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="WORD",
        help="a word known to be safe (repeatable), e.g. a fictional name in a teaching case",
    )
    command.add_argument(
        "--course",
        type=Path,
        metavar="FILE",
        help=(
            "a course file whose [deid] allow list adds to --allow (default: the nearest "
            "attune-course.toml in each PATH's folder or above)"
        ),
    )


def _course_for(path: Path, given: Path | None, read: dict[Path, CourseSettings]) -> CourseSettings:
    """The course settings for ``path``: the file given, or the one found. Each course file is
    read and announced on stderr once per run (``read`` holds those read so far)."""
    found = given if given is not None else find_course_file(path)
    if found is None:
        return CourseSettings()
    if found not in read:
        read[found] = settings = CourseSettings.load(found)
        words = len(settings.allow)
        print(f"attune: using {found} ({words} allowed word{'s' * (words != 1)})", file=sys.stderr)
    return read[found]


def _load(paths: Sequence[Path]) -> tuple[list[Transcript], int]:
    """Every transcript that loads, and how many files failed (each reported on stderr)."""
    loaded: list[Transcript] = []
    failures = 0
    for path in paths:
        try:
            loaded.extend(load_transcripts(path, progress=False, screen=False))
        except TranscriptLoadErrors as errors:
            loaded.extend(errors.loaded)
            failures += len(errors.errors)
            for error in errors.errors:
                print(f"attune: {error}", file=sys.stderr)
        except TranscriptError as error:
            failures += 1
            print(f"attune: {error}", file=sys.stderr)
    return loaded, failures


def _check(args: argparse.Namespace) -> int:
    try:
        read: dict[Path, CourseSettings] = {}
        courses = {path: _course_for(path, args.course, read) for path in args.paths}
    except CourseFileError as error:
        print(f"attune: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    found = 0
    checked = failures = 0
    for path, course in courses.items():
        transcripts, failed = _load([path])
        failures += failed
        checked += len(transcripts)
        found += _print_findings(transcripts, (*args.allow, *course.allow))
    summary = f"{checked} transcript{'s' * (checked != 1)} checked, {found} possible identifiers"
    print(summary, file=sys.stderr)
    if failures:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if found else EXIT_OK


def _print_findings(transcripts: Sequence[Transcript], allow: Sequence[str]) -> int:
    """Print each transcript's findings, masked; returns how many there were."""
    found = 0
    for transcript in transcripts:
        findings = screen(transcript, allow=allow)
        found += len(findings)
        for finding in findings:
            where = transcript.source or transcript.id
            print(f"{where}: {finding.turn_id} {finding.category} {finding.masked!r}")
    return found


def _import(args: argparse.Namespace) -> int:
    from attune_jupyter.store import StoreError, open_store

    by = args.by or current_user()
    refused = failures = 0
    courses: dict[Path, CourseSettings] = {}
    try:
        with open_store(args.store) as store:
            print(f"attune: importing into {store.url}", file=sys.stderr)
            for path in args.paths:
                loaded: list[Transcript] = []
                try:
                    loaded = load_transcripts(
                        path,
                        progress=None if sys.stderr.isatty() else False,
                        allow=args.allow,
                        course=_course_for(path, args.course, courses),
                        override=args.override,
                        store=store,
                        by=by,
                    )
                except TranscriptLoadErrors as errors:
                    loaded = errors.loaded
                    for error in errors.errors:
                        refused += isinstance(error, NotAnonymizedError)
                        failures += not isinstance(error, NotAnonymizedError)
                        print(f"attune: {error}", file=sys.stderr)
                except TranscriptError as error:
                    failures += 1
                    print(f"attune: {error}", file=sys.stderr)
                for transcript in loaded:
                    try:
                        status = store.import_transcript(transcript, by, source=transcript.source)
                    except StoreError as error:
                        failures += 1
                        print(f"attune: {transcript.source}: {error}", file=sys.stderr)
                        continue
                    turns = len(transcript)
                    print(f"{status} {transcript.id} ({turns} turn{'s' * (turns != 1)})")
    except (StoreError, CourseFileError, ValueError) as error:
        print(f"attune: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if failures:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if refused else EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    transcripts, failures = _load(args.paths)
    if not args.output.is_dir():
        print(f"attune: {args.output}: not a folder", file=sys.stderr)
        return EXIT_UNREADABLE
    for transcript in transcripts:
        target = args.output / f"{_file_stem(transcript.id)}.json"
        if target.exists():
            print(f"attune: {target}: exists; not overwritten", file=sys.stderr)
            failures += 1
            continue
        try:
            transcript.save(target)
        except OSError as error:
            print(f"attune: {target}: {error.strerror or error}", file=sys.stderr)
            failures += 1
            continue
        print(target)
    return EXIT_UNREADABLE if failures else EXIT_OK


def _file_stem(transcript_id: str) -> str:
    """A file name for a transcript id that cannot leave the output folder (no ``/``, no ``..``)."""
    stem = re.sub(r"[^\w.-]", "_", transcript_id).strip(".")
    return stem or "transcript"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
