"""Speaker-labelled plain text (the ``"text"`` format) and the speaker-label rule formats share.

A transcript in this format is a sequence of lines such as::

    [00:01:05] Therapist: How has the week been?
    Client: Long. I kept waking up at four.
    And then lying there.

Rules
-----
- A line that starts with a speaker label (see :class:`SpeakerLabelRule`) starts a segment; an
  optional time stamp ``[hh:mm:ss]``, ``[mm:ss]`` or ``[hh:mm:ss.mmm]`` before the label gives its
  start. A label is normally followed by whitespace (``Client: Not great.``); ``Client:Not great.``
  counts too when the label is unambiguous: a role word such as ``Client`` or ``T``, a label named
  in ``roles``, or a label used earlier in the file, and the text after the colon does not start
  with ``/`` or ``\\``. Otherwise (``10:30``, ``https://...``, ``C:\\Users``, ``Note:this``) the
  line is text. Turns have no end time (``end`` is None): the next turn's start is not evidence
  of when this one stopped.
- A line without a label continues the segment above it. Lines of a turn are joined with ``"\\n"``
  so that nothing of the layout inside a turn is lost; surrounding whitespace is trimmed.
- Blank lines mean nothing: they neither end a turn nor appear in its text.
- Consecutive lines with the same speaker label merge into one turn (as consecutive cues do in
  WebVTT); turn ids are ``t1``, ``t2``, ... in order.
- Nothing is dropped: text before the first label, a time stamp without a label after it, or a
  malformed time stamp raise :class:`~attune_jupyter.core.transcript.TranscriptError` with the line.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from attune_jupyter.core.readers.segments import Segment, transcript_from_segments
from attune_jupyter.core.transcript import Transcript, TranscriptError, infer_role

#: Longest speaker label, in characters and in words.
MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 4

#: Characters that mark a sentence, not a name.
_SENTENCE_PUNCTUATION = frozenset(',;!?"\u201c\u201d')

#: Digits in brackets at the start of a line: a time stamp when they hold a colon.
_STAMP = re.compile(r"\[(\d[\d:.,]*)\]")
_HOURS_MINUTES_SECONDS = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?")
_MINUTES_SECONDS = re.compile(r"(\d{1,3}):([0-5]\d)(?:\.(\d{1,3}))?")


@dataclass(frozen=True)
class SpeakerLabelRule:
    """Decides whether a line starts with a speaker label such as ``Therapist:``.

    A speaker label is the text before the first colon of a line when

    - the colon is followed by whitespace or ends the line, or the label is *unambiguous* (see
      below) and the text after the colon does not start with ``/`` or ``\\``;
    - it is 1 to 40 characters and at most 4 words long, and starts with a letter;
    - it contains neither ``http`` nor sentence punctuation (``, ; ! ? "``);
    - no word after the first starts with a lower-case letter, except words of one or two
      characters. ``Speaker 1``, ``client a``, ``Dr Jane Smith`` and ``Ms O'Hara`` are labels;
      ``Note the time`` (in ``Note the time: 5pm``) and ``I told her`` are not.

    A label is unambiguous when it is a role word that
    :func:`~attune_jupyter.core.transcript.infer_role` recognises (``Therapist``, ``client``,
    ``Counsellor 2``, ``T``, ``C``, ...), a key of ``roles``, or a label already used earlier in the
    same file (passed as ``seen``). So ``Client:Not great.`` starts a client turn, while ``10:30``,
    ``https://example.org``, ``C:\\Users`` and ``Note:this`` (unless ``Note`` was a label before)
    stay text.

    Labels that are keys of the ``roles`` mapping (compared without case) are always labels, even
    when they break these rules: that is the way to declare a name such as ``Dr van Dijk``. A
    single word before a colon and a space (``Anyway: ...``) is taken as a label; it then shows up
    as a speaker, where a reviewer sees it, rather than being merged silently into the turn above.

    Parameters
    ----------
    known:
        Lower-cased labels that are always accepted.
    """

    known: frozenset[str] = frozenset()

    @classmethod
    def for_roles(cls, roles: Mapping[str, str] | None) -> SpeakerLabelRule:
        """The rule that also accepts every label named in ``roles``."""
        return cls(frozenset(label.strip().lower() for label in roles or ()))

    def split(self, line: str, seen: Collection[str] = ()) -> tuple[str, str] | None:
        """Return ``(label, rest of the line)`` when ``line`` starts with a label, else None.

        ``line`` should already be stripped; the label and the rest are stripped too. ``seen``
        holds the lower-cased labels read earlier from the same file: a reader adds each label
        this method returns, so that a label written with a space once is recognised without one
        later.
        """
        colon = line.find(":")
        if colon < 1:
            return None
        label, after = line[:colon].strip(), line[colon + 1 :]
        spaced = not after or after[0].isspace()
        if not spaced and (after[0] in "/\\" or not self._unambiguous(label, seen)):
            return None
        if not self.accepts(label):
            return None
        return label, after.strip()

    def accepts(self, label: str) -> bool:
        """Whether ``label`` (without its colon) is a speaker label."""
        if label and label.lower() in self.known:
            return True
        words = label.split()
        return (
            0 < len(label) <= MAX_LABEL_CHARS
            and len(words) <= MAX_LABEL_WORDS
            and label[0].isalpha()
            and "http" not in label.lower()
            and not _SENTENCE_PUNCTUATION.intersection(label)
            and not any(len(word) > 2 and word[0].islower() for word in words[1:])
        )

    def _unambiguous(self, label: str, seen: Collection[str]) -> bool:
        """Whether ``label`` may be a label without whitespace after its colon."""
        lowered = label.lower()
        if lowered in self.known or lowered in seen:
            return True
        # The one-letter role words (T, C) count only bare: "t 0:0" is more likely text.
        word = lowered.rstrip("0123456789 _-#").strip()
        return infer_role(label) != "other" and (len(word) > 1 or lowered == word)


def parse_plain_text(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read speaker-labelled plain text (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The transcript, with ``"\\n"`` line endings (as
        :func:`~attune_jupyter.core.readers.decoding.normalise_text` returns it).
    roles:
        Speaker label -> role; its labels are also always accepted as speaker labels.
    id, source:
        Of the transcript; ``source`` is named in error messages.

    Raises
    ------
    TranscriptError
        With the line number, for text before the first speaker label, a time stamp not followed
        by a label, or a malformed time stamp; without one when there are no turns.
    """
    segments = _read_segments(text, SpeakerLabelRule.for_roles(roles), source)
    return transcript_from_segments(segments, joiner="\n", roles=roles, id=id, source=source)


def _read_segments(text: str, rule: SpeakerLabelRule, source: str | None) -> list[Segment]:
    opened: list[tuple[str, float | None, list[str]]] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        start, rest = _split_stamp(line, number, source)
        labelled = rule.split(rest, seen)
        if labelled is not None:
            speaker, said = labelled
            seen.add(speaker.lower())
            opened.append((speaker, start, [said] if said else []))
        elif start is not None:
            raise TranscriptError(
                "a time stamp must be followed by a speaker label", source, number
            )
        elif not opened:
            raise TranscriptError(
                "text before the first speaker label; start the line with a label such as "
                "'Therapist:'",
                source,
                number,
            )
        else:
            opened[-1][2].append(rest)
    return [Segment(speaker, "\n".join(lines), start) for speaker, start, lines in opened]


def _split_stamp(line: str, number: int, source: str | None) -> tuple[float | None, str]:
    """Split a leading ``[hh:mm:ss]`` stamp off ``line``: ``(seconds or None, rest)``."""
    match = _STAMP.match(line)
    if match is None or ":" not in match.group(1):
        return None, line
    body = match.group(1)
    if (clock := _HOURS_MINUTES_SECONDS.fullmatch(body)) is not None:
        seconds = clock_seconds(*clock.groups())
    elif (clock := _MINUTES_SECONDS.fullmatch(body)) is not None:
        seconds = clock_seconds(None, *clock.groups())
    else:
        raise TranscriptError(
            f"malformed time stamp [{body[:20]}]; write [hh:mm:ss], [mm:ss] or [hh:mm:ss.mmm]",
            source,
            number,
        )
    return seconds, line[match.end() :].lstrip()


def clock_seconds(
    hours: str | None, minutes: str, seconds: str, fraction: str | None = None
) -> float:
    """Seconds from the digit groups of a clock time; ``fraction`` holds up to 3 digits."""
    millis = int((fraction or "").ljust(3, "0")[:3])
    total = (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)) * 1000 + millis
    return total / 1000
