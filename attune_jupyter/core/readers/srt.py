"""SubRip subtitles (``.srt``): the ``"srt"`` format.

A SubRip file is a sequence of numbered cues::

    1
    00:00:01,200 --> 00:00:04,800
    Therapist: Thanks for coming in today.

    2
    00:00:05,100 --> 00:00:08,000
    Client: Honestly, pretty rough.

Rules
-----
- Cues are separated by blank (or whitespace-only) lines. A cue is an optional cue number (a line
  of digits), a timing line ``hh:mm:ss,mmm --> hh:mm:ss,mmm`` (a full stop instead of the comma,
  fewer than three fraction digits, a missing hours field and position settings such as
  ``X1:10 X2:20 Y1:5 Y2:9`` after the end time are accepted), then text lines up to the next blank
  line. Cue numbers are not checked for order: tools renumber and merge files carelessly.
- Cue text lines are joined with one space. Formatting tags ``<i>``, ``<b>``, ``<u>``, ``<s>``,
  ``<font ...>`` (and their closing tags, in any case) and ASS override blocks such as
  ``{\\an8}`` or ``{\\i1}`` (a brace followed by a backslash) are removed; anything else in angle
  or curly brackets is kept as text, and so are character references such as ``&amp;`` (SubRip
  does not define them).
- A speaker label at the start of the cue text (the rule of
  :class:`~attune_jupyter.core.readers.plain_text.SpeakerLabelRule`, as in plain text and WebVTT)
  gives the speaker: ``Client: Hello``, and ``Client:Hello`` when the label is a role word, a key
  of ``roles`` or a label of an earlier cue.
- Consecutive cues with the same speaker merge into one turn: start of the first, end of the
  last, texts joined with one space. Cues that name no speaker stay one turn each, with the speaker
  ``""`` and, unless ``roles`` says otherwise, the role ``"other"`` (exactly as in WebVTT).
- Nothing is dropped: a malformed timing line, a cue that ends before it starts, a cue number or
  text without a timing line (a blank line inside cue text, say), or a timing line inside cue text
  (a missing blank line) raise :class:`~attune_jupyter.core.transcript.TranscriptError` with the
  line number. When a line counts as a timing line is decided by
  :mod:`attune_jupyter.core.readers.cues`. Messages may quote the digits of a timing line, never
  cue text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from attune_jupyter.core.readers.cues import (
    NumberedLine,
    blocks,
    looks_like_timing,
    timing_excerpt,
    timing_in_text,
)
from attune_jupyter.core.readers.plain_text import SpeakerLabelRule, clock_seconds
from attune_jupyter.core.readers.segments import Segment, transcript_from_segments
from attune_jupyter.core.transcript import Transcript, TranscriptError

__all__ = ["parse_srt"]

_EXPECTED_TIMING = "hh:mm:ss,mmm --> hh:mm:ss,mmm"

_TIMESTAMP = r"(?:(\d+):)?([0-5]\d):([0-5]\d)[,.](\d{1,3})"
_TIMING = re.compile(rf"{_TIMESTAMP}[ \t]*-->[ \t]*{_TIMESTAMP}(?:[ \t]+.*)?")
_CUE_NUMBER = re.compile(r"\d+")

#: Formatting tags SubRip players understand; removed from cue text.
_TAG = re.compile(r"</?[ibus][ \t]*>|<font(?:[ \t][^>]{0,200})?>|</font[ \t]*>", re.IGNORECASE)
#: ASS override blocks (``{\an8}``, ``{\i1}``, ``{\pos(10,20)}``); removed from cue text.
_OVERRIDE = re.compile(r"\{\\[^{}]{0,200}\}")
_SPACES = re.compile(r"[ \t]+")


def parse_srt(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read SubRip subtitles (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The subtitles, with ``"\\n"`` line endings and no byte-order mark (as
        :func:`~attune_jupyter.core.readers.decoding.normalise_text` returns them).
    roles:
        Speaker label -> role; its labels are also always accepted as speaker labels in cue text.
    id, source:
        Of the transcript; ``source`` is named in error messages.

    Raises
    ------
    TranscriptError
        With the line number, for a malformed timing line, a cue ending before it starts, a cue
        number or cue text without a timing line, or a timing line inside cue text; without one
        when there are no turns.
    """
    rule = SpeakerLabelRule.for_roles(roles)
    seen: set[str] = set()
    segments = [
        segment
        for cue in blocks(text.split("\n"))
        if (segment := _read_cue(cue, rule, seen, source)) is not None
    ]
    return transcript_from_segments(segments, joiner=" ", roles=roles, id=id, source=source)


def _read_cue(
    cue: list[NumberedLine], rule: SpeakerLabelRule, seen: set[str], source: str | None
) -> Segment | None:
    """The segment of one cue, None when it has no text; ``seen`` collects speaker labels."""
    timing_at = _timing_index(cue, source)
    start, end = _parse_timing(*cue[timing_at], source)
    text_lines = cue[timing_at + 1 :]
    for number, line in text_lines:
        if timing_in_text(line):
            raise TranscriptError(
                "a cue timing line inside cue text; is the blank line before it missing?",
                source,
                number,
            )
    said = _clean(" ".join(line.strip() for _, line in text_lines))
    speaker: str | None = None
    labelled = rule.split(said, seen)
    if labelled is not None:
        speaker, said = labelled
        seen.add(speaker.lower())
    return Segment(speaker, said, start, end) if said else None


def _timing_index(cue: list[NumberedLine], source: str | None) -> int:
    """0 or 1: where the timing line is (after an optional cue number)."""
    if looks_like_timing(cue[0][1]):
        return 0
    numbered = _CUE_NUMBER.fullmatch(cue[0][1].strip()) is not None
    if numbered and len(cue) > 1 and looks_like_timing(cue[1][1]):
        return 1
    if numbered:
        number = cue[1][0] if len(cue) > 1 else cue[0][0]
        reason = f"expected a cue timing line '{_EXPECTED_TIMING}' after the cue number"
    else:
        number = cue[0][0]
        reason = (
            f"text without a cue timing line '{_EXPECTED_TIMING}' before it; "
            "is there a blank line inside the cue text above?"
        )
    raise TranscriptError(reason, source, number)


def _parse_timing(number: int, line: str, source: str | None) -> tuple[float, float]:
    """Start and end seconds of a timing line."""
    match = _TIMING.fullmatch(line.strip())
    if match is None:
        raise TranscriptError(
            f"malformed cue timing line{timing_excerpt(line)}; expected '{_EXPECTED_TIMING}'",
            source,
            number,
        )
    groups = match.groups()
    start, end = clock_seconds(*groups[:4]), clock_seconds(*groups[4:])
    if end < start:
        raise TranscriptError(f"cue ends before it starts{timing_excerpt(line)}", source, number)
    return start, end


def _clean(raw: str) -> str:
    """Cue text without formatting tags and override blocks, with spaces collapsed."""
    return _SPACES.sub(" ", _OVERRIDE.sub("", _TAG.sub("", raw))).strip()
