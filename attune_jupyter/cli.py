"""The ``attune`` command: check transcripts for identifiers and convert them, from a terminal or
a course's own CI.

Every error is one clear line on stderr; exit codes: 0 all well, 1 identifiers found (``check``),
2 a file could not be read or written.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from attune_jupyter._version import __version__
from attune_jupyter.core.deid import screen
from attune_jupyter.core.readers import TranscriptLoadErrors, load_transcripts
from attune_jupyter.core.transcript import Transcript, TranscriptError

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
        description="Check transcripts for identifying details and convert them.",
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
    check.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="WORD",
        help="a word known to be safe (repeatable), e.g. a fictional name in a teaching case",
    )
    check.set_defaults(run=_check)

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
    transcripts, failures = _load(args.paths)
    found = 0
    for transcript in transcripts:
        findings = screen(transcript, allow=tuple(args.allow))
        found += len(findings)
        for finding in findings:
            where = transcript.source or transcript.id
            print(f"{where}: {finding.turn_id} {finding.category} {finding.masked!r}")
    checked = len(transcripts)
    summary = f"{checked} transcript{'s' * (checked != 1)} checked, {found} possible identifiers"
    print(summary, file=sys.stderr)
    if failures:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if found else EXIT_OK


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
