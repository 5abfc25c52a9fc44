"""WebVTT captions as recording tools write them: the ``"webvtt"`` format.

Zoom writes the speaker as a label in the cue text (``Jane Doe: Hello``); Teams writes voice tags
(``<v Jane Doe>Hello</v>``, sometimes without the closing tag, with ``GUID/12-0`` cue identifiers).
Both, and cues that name no speaker, are read.

Rules
-----
- The first line must be ``WEBVTT`` (optionally followed by a space or tab and more text; a
  byte-order mark before it is removed when the text is decoded). Header lines after it, up to the
  first blank line, are metadata and are skipped.
- Blocks are separated by blank (or whitespace-only) lines. ``NOTE``, ``STYLE`` and ``REGION``
  blocks are skipped. Every other block is a cue: an optional identifier line (any text, such as
  ``12`` or ``6d1e.../12-0``), a timing line ``[hh:]mm:ss.mmm --> [hh:]mm:ss.mmm`` (cue settings
  may follow the end time), then text lines up to the next blank line.
- Cue text lines are joined with one space. Voice tags give the speaker (``<v.loud Jane>`` too);
  other cue tags (``<c>``, ``<i>``, ``<b>``, ``<u>``, ``<lang>``, ``<ruby>``, ``<rt>`` and
  ``<00:00:01.000>`` timestamps) are removed and character references (``&amp;``, ``&lt;``,
  ``&gt;``, ``&nbsp;``, ``&lrm;``, ``&rlm;``, ``&quot;``, ``&apos;`` and numeric ones) decoded.
  Anything else in angle brackets is kept as text. Without a voice tag, a speaker label at the
  start of the cue text (the rule of
  :class:`~attune_jupyter.core.readers.plain_text.SpeakerLabelRule`, as in plain text) gives the
  speaker: ``Client: Hello``, and ``Client:Hello`` when the label is a role word, a key of
  ``roles`` or a label of an earlier cue.
- Consecutive cues with the same speaker merge into one turn: start of the first, end of the
  last, texts joined with one space. Cues that name no speaker stay one turn each, with the speaker
  ``""`` (no name is invented that could clash with a participant's) and, unless ``roles`` says
  otherwise, the role ``"other"``.
- A malformed timing line, a cue that ends before it starts, cue text without a timing line, or a
  timing line inside cue text (a missing blank line) raise
  :class:`~attune_jupyter.core.transcript.TranscriptError` with the line number. A line counts as
  a timing line, well-formed or not, when it contains ``-->`` (where a timing line is expected) or
  starts with a timestamp-like run of digits holding at least one ``digits:digits`` group followed
  by an arrow (``00:01 -> 00:02``, ``1:02.000 --> ...``); cue text such as ``2->3 times a week``
  or ``from here --> there`` is text. Messages may quote the digits of a timing line, never cue
  text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

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

_EXPECTED_TIMING = "hh:mm:ss.mmm --> hh:mm:ss.mmm"

_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_SKIPPED_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
_TIMESTAMP = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"{_TIMESTAMP}[ \t]*-->[ \t]*{_TIMESTAMP}(?:[ \t]+.*)?")
#: Voice tags open (group 1: the speaker) or close a speaker's span.
_VOICE = re.compile(r"<v(?:\.[^\s>]{0,100})?(?:[ \t]+([^>]{0,200}))?>|</v>")
_CUE_TAG = re.compile(
    r"</?(?:c|i|b|u|lang|ruby|rt)(?:\.[^\s>]{0,100})?(?:[ \t][^>]{0,200})?>"
    r"|<(?:\d+:)?\d{2}:\d{2}\.\d{3}>"
)
_SPACES = re.compile(r"[ \t]+")
_REFERENCE = re.compile(
    r"&(amp|lt|gt|nbsp|lrm|rlm|quot|apos);|&#([0-9]{1,7});|&#[xX]([0-9a-fA-F]{1,6});"
)
_NAMED_REFERENCES = {
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "nbsp": "\u00a0",
    "lrm": "\u200e",
    "rlm": "\u200f",
    "quot": '"',
    "apos": "'",
}


def parse_webvtt(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read WebVTT captions (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The captions, with ``"\\n"`` line endings and no byte-order mark (as
        :func:`~attune_jupyter.core.readers.decoding.normalise_text` returns them).
    roles:
        Speaker label -> role; its labels are also always accepted as speaker labels in cue text.
    id, source:
        Of the transcript; ``source`` is named in error messages.

    Raises
    ------
    TranscriptError
        With the line number, for a missing ``WEBVTT`` header, a malformed timing line, a cue
        ending before it starts, or cue text without a timing line; without one when there are
        no turns.
    """
    lines = text.split("\n")
    if _HEADER.fullmatch(lines[0]) is None:
        raise TranscriptError(
            "missing WEBVTT header: the first line of a WebVTT file must be WEBVTT", source, 1
        )
    rule = SpeakerLabelRule.for_roles(roles)
    seen: set[str] = set()
    segments = [
        segment for cue in _cue_blocks(lines) for segment in _read_cue(cue, rule, seen, source)
    ]
    return transcript_from_segments(segments, joiner=" ", roles=roles, id=id, source=source)


def _cue_blocks(lines: list[str]) -> Iterator[list[NumberedLine]]:
    """The blocks after the header that are not NOTE, STYLE or REGION blocks."""
    cue_blocks = blocks(lines)
    header = next(cue_blocks)[1:]
    if any(looks_like_timing(line) for _, line in header):
        # No blank line after the header: the lines after WEBVTT already are a cue.
        yield header
    for block in cue_blocks:
        if _SKIPPED_BLOCK.fullmatch(block[0][1].strip()) is None:
            yield block


def _read_cue(
    cue: list[NumberedLine], rule: SpeakerLabelRule, seen: set[str], source: str | None
) -> list[Segment]:
    """The segments of one cue; ``seen`` collects the speaker labels of the file's cue texts."""
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
    cue_text = " ".join(line.strip() for _, line in text_lines)
    return [Segment(speaker, said, start, end) for speaker, said in _speakers(cue_text, rule, seen)]


def _timing_index(cue: list[NumberedLine], source: str | None) -> int:
    """0 or 1: where the timing line is (after an optional identifier line)."""
    for index in (0, 1):
        if index < len(cue) and looks_like_timing(cue[index][1]):
            return index
    number = cue[1][0] if len(cue) > 1 else cue[0][0]
    raise TranscriptError(
        f"expected a cue timing line '{_EXPECTED_TIMING}'; cue text must follow one",
        source,
        number,
    )


def _parse_timing(number: int, line: str, source: str | None) -> tuple[float, float]:
    """Start and end seconds of a timing line."""
    match = _TIMING.fullmatch(line.strip())
    if match is None:
        raise TranscriptError(
            f"malformed cue timing line{timing_excerpt(line)}; expected '{_EXPECTED_TIMING}' "
            "(hours optional, a full stop before the milliseconds)",
            source,
            number,
        )
    groups = match.groups()
    start, end = clock_seconds(*groups[:4]), clock_seconds(*groups[4:])
    if end < start:
        raise TranscriptError(f"cue ends before it starts{timing_excerpt(line)}", source, number)
    return start, end


def _speakers(
    cue_text: str, rule: SpeakerLabelRule, seen: set[str]
) -> list[tuple[str | None, str]]:
    """Split cue text at voice tags into ``(speaker or None, clean text)`` pieces with text.

    Speaker labels found in the text are added to ``seen`` (see :meth:`SpeakerLabelRule.split`).
    """
    pieces: list[tuple[str | None, str]] = []
    voice: str | None = None
    position = 0
    for tag in _VOICE.finditer(cue_text):
        pieces.append((voice, cue_text[position : tag.start()]))
        voice = _clean(tag.group(1) or "") or None
        position = tag.end()
    pieces.append((voice, cue_text[position:]))

    spoken: list[tuple[str | None, str]] = []
    for speaker, raw in pieces:
        said = _clean(raw)
        labelled = rule.split(said, seen) if speaker is None else None
        if labelled is not None:
            speaker, said = labelled
            seen.add(speaker.lower())
        if said:
            spoken.append((speaker, said))
    return spoken


def _clean(raw: str) -> str:
    """Cue text without cue tags, with character references decoded and spaces collapsed."""
    text = _SPACES.sub(" ", _CUE_TAG.sub("", raw))
    return _REFERENCE.sub(_decode_reference, text).strip()


def _decode_reference(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _NAMED_REFERENCES[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return match.group(0)
