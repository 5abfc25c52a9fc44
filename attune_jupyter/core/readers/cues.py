"""What caption formats built from timed cues (SubRip, WebVTT) share: blocks and timing lines.

Caption files are runs of non-blank lines ("blocks") separated by blank lines; a cue's block
holds a timing line ``start --> end`` and the cue text. This module owns how a file is cut into
numbered blocks and when a line counts as a timing line, well-formed or not, so that every caption
reader reports the same mistakes (a missing blank line, a mistyped arrow) the same way.

A line counts as a timing line when it contains ``-->`` (where a timing line is expected) or
starts with a timestamp-like run of digits holding at least one ``digits:digits`` group followed
by an arrow (``00:01 -> 00:02``, ``1:02,000 --> ...``). Cue text such as ``2->3 times a week`` or
``from here --> there`` (after the timing line) is text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["NumberedLine", "blocks", "looks_like_timing", "timing_excerpt", "timing_in_text"]

#: A line of the file with its 1-based line number.
NumberedLine = tuple[int, str]

#: What a timing line starts with, well-formed or not: digits, colons, full stops and commas with
#: at least one ``digits:digits`` group, then an arrow. ``2->3 times a week`` is not one.
_TIMING_SHAPE = re.compile(r"(?=[\d:.,]*?\d:\d)\d[\d:.,]*[ \t]*-+>")
#: The leading part of a timing line that is safe to quote in a message: digits and arrows.
_TIMING_EXCERPT = re.compile(r"[\d:.,\-> \t]*")


def blocks(lines: list[str]) -> Iterator[list[NumberedLine]]:
    """Runs of non-blank (not whitespace-only) lines, with their 1-based line numbers."""
    block: list[NumberedLine] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def looks_like_timing(line: str) -> bool:
    """Whether ``line``, where a timing line is expected, is meant as one (well-formed or not)."""
    return "-->" in line or timing_in_text(line)


def timing_in_text(line: str) -> bool:
    """Whether a line of cue text starts like a timing line (a blank line before it is missing)."""
    return _TIMING_SHAPE.match(line.strip()) is not None


def timing_excerpt(timing_line: str) -> str:
    """The digits-and-arrows start of a timing line, quoted with a leading space, or ``""``.

    Error messages use it to show which timing is wrong without ever quoting cue text.
    """
    match = _TIMING_EXCERPT.match(timing_line.strip())
    quoted = match.group(0)[:40].strip() if match else ""
    return f" '{quoted}'" if quoted else ""
