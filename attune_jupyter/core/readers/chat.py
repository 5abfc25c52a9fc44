"""CHAT transcripts (``.cha``, TalkBank and CHILDES): the ``"chat"`` format.

A CHAT file is a list of headers (``@``), main tiers (``*``, one utterance each) and dependent
tiers (``%``, about the main tier above them)::

    @UTF8
    @Begin
    @Languages:\teng
    @Participants:\tTHE Dana Therapist, CLI Client
    *THE:\thow has the week been ? \\x151200_4800\\x15
    %com:\tleans forward
    *CLI:\thonestly , pretty rough .
    @End

Rules
-----
- ``@Begin`` must come before the first tier (``@UTF8``, ``@PID`` and other headers may come
  before it); ``@UTF8``, ``@Begin`` and ``@End`` are structural. A missing ``@End`` is accepted,
  but anything other than blank lines after it is an error. Blank lines are skipped everywhere.
- A line starting with a tab (or spaces) continues the header or tier above it; the pieces are
  joined with one space.
- ``@Participants`` declares the speakers: comma-separated entries ``CODE [Name] Role``. A turn's
  speaker label is the participant's name when given (as written, underscores included), else
  the code; participants sharing a name are labelled with their codes. A turn's role is, in this
  order: ``roles[code]``, ``roles[label]`` (keys matched as by
  :func:`~attune_jupyter.core.transcript.infer_role`), then the role word of the entry through
  ``infer_role`` (``Therapist``, ``Clinician``, ``Counselor`` -> therapist; ``Client``,
  ``Patient`` -> client; ``Target_Child``, ``Mother``, ``Investigator``, ... -> other).
- Every other header is kept in the transcript's ``metadata`` under its name (``"Languages"``,
  ``"ID"``, ``"Media"``, ``"Comment"``, ...) as a string, ``""`` for headers without a value such
  as ``@Blank``. A header that occurs more than once (``@ID``, ``@Comment``) has its values joined
  with ``"\\n"`` in file order.
- Each main tier ``*CODE:<tab>text`` is one turn, **even when the same speaker has several in a
  row**: CHAT utterances are the unit of analysis (and of MLU and similar measures), so they are
  not merged as captions are. The text is kept as transcribed, CHAT codes included (``[/]``,
  ``&-uh``, ``xxx``, the terminator ``.``), with runs of spaces and tabs collapsed.
- Media bullets ``\\x15start_end\\x15`` (milliseconds; the older form
  ``\\x15%snd:"file"_start_end\\x15`` too) are removed from the text and give the turn's start
  and end in seconds: the start of its first bullet and the end of its last. A main tier left
  without text (a bullet alone) gives no turn.
- Dependent tiers ``%name:<tab>value`` (``%mor``, ``%gra``, ``%com``, ``%act``, ...) are kept
  verbatim in the turn's ``metadata`` under the tier name without ``%`` (``"mor"``, ``"com"``);
  the same tier twice in one utterance gives the values joined with ``"\\n"``.
- Errors (:class:`~attune_jupyter.core.transcript.TranscriptError`, with the line number): a
  missing ``@Begin``, a malformed header, main tier or dependent tier, a main tier whose speaker
  code ``@Participants`` does not declare, a participant declared twice, a malformed media bullet
  (or one that ends before it starts), a dependent tier before any main tier, text outside tiers
  (a line starting with none of ``@ * %`` or a tab) or after ``@End``; and, without a line, a
  file without turns. Messages may quote a speaker code, never transcript text.

The media bullets are control characters (``0x15``) that the shared binary-file check would count
against a file full of short utterances, so the format has its own decoder,
:func:`decode_chat_bytes`, that exempts them and otherwise decodes as every text format does.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from attune_jupyter.core.readers.decoding import decode_transcript_bytes
from attune_jupyter.core.transcript import Role, Transcript, TranscriptError, Turn, infer_role

__all__ = ["decode_chat_bytes", "parse_chat"]

_BULLET_MARK = "\x15"
_CODE = r"[A-Za-z0-9_'+\-]{1,32}"
_MAIN = re.compile(rf"\*({_CODE}):[ \t]*(.*)")
_DEPENDENT = re.compile(r"%([A-Za-z0-9_\-]{1,32}):[ \t]*(.*)")
_PARTICIPANT_CODE = re.compile(_CODE)
#: What is between two bullet marks: ``start_end`` in milliseconds, optionally after the file
#: name of the older ``%snd:"file"_`` form.
_BULLET_BODY = re.compile(r'(?:%[A-Za-z]{1,10}:"[^"\x15]{0,500}"_)?(\d{1,12})_(\d{1,12})')
_SPACES = re.compile(r"[ \t]+")
#: Headers that shape the file rather than describe it: not kept as metadata.
_STRUCTURAL = frozenset({"utf8", "begin", "end"})
#: Byte-order marks of encodings in which a 0x15 byte is not a character of its own.
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def decode_chat_bytes(data: bytes, path: str | None) -> str:
    """Decode a CHAT file as :func:`~attune_jupyter.core.readers.decoding.decode_transcript_bytes`
    does, except that media bullet marks (``0x15``) do not count as binary content.

    In a file without a UTF-16 or UTF-32 byte-order mark (CHAT files are UTF-8), each mark is
    swapped for a printable ASCII byte the file does not contain before decoding and swapped back
    after: one byte for one byte, the same character in UTF-8 and the legacy encodings, so the
    decoded text, line numbers and byte offsets in messages are those of the file.

    Raises
    ------
    TranscriptError
        As ``decode_transcript_bytes``.

    Warns
    -----
    TranscriptWarning
        As ``decode_transcript_bytes``.
    """
    sentinel = _absent_ascii(data) if b"\x15" in data else None
    if sentinel is None or data.startswith(_WIDE_BOMS):
        return decode_transcript_bytes(data, path)
    text = decode_transcript_bytes(data.replace(b"\x15", bytes([sentinel])), path)
    return text.replace(chr(sentinel), _BULLET_MARK)


def _absent_ascii(data: bytes) -> int | None:
    """A printable ASCII byte (not a space) that ``data`` does not contain, if there is one."""
    present = set(data)
    return next((byte for byte in range(0x21, 0x7F) if byte not in present), None)


def parse_chat(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read a CHAT transcript (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The file, with ``"\\n"`` line endings and no byte-order mark.
    roles:
        Speaker code or speaker label -> role; wins over the roles in ``@Participants``.
    id, source:
        Of the transcript; ``source`` is named in error messages.

    Raises
    ------
    TranscriptError
        With the line number, for the mistakes listed in the module docstring; without one when
        there are no turns.
    ValueError
        When ``roles`` maps a code or label to something other than a role.
    """
    reader = _ChatReader(roles, source)
    for entry in _entries(text.split("\n"), source):
        reader.read(entry)
    return reader.transcript(id)


@dataclass
class _Entry:
    """A header or tier with its continuation lines: (line number, text) pieces."""

    pieces: list[tuple[int, str]]

    @property
    def line(self) -> int:
        return self.pieces[0][0]

    @property
    def first(self) -> str:
        return self.pieces[0][1]


@dataclass
class _Participant:
    code: str
    label: str
    role_word: str


@dataclass
class _Utterance:
    speaker: str
    role: Role
    text: str
    start: float | None
    end: float | None
    tiers: dict[str, list[str]] = field(default_factory=dict)


def _entries(lines: list[str], source: str | None) -> Iterator[_Entry]:
    """Headers and tiers with their continuation lines, in file order."""
    current: _Entry | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if current is None:
                raise _outside_tiers(source, number)
            current.pieces.append((number, line.strip()))
            continue
        if line[0] not in "@*%":
            raise _outside_tiers(source, number)
        if current is not None:
            yield current
        current = _Entry([(number, line.rstrip())])
    if current is not None:
        yield current


def _outside_tiers(source: str | None, number: int) -> TranscriptError:
    return TranscriptError(
        "text outside tiers: a line must start with '@' (header), '*' (main tier), "
        "'%' (dependent tier) or a tab (continuing the line above)",
        source,
        number,
    )


class _ChatReader:
    """Reads entries one by one, keeping what the file has declared so far."""

    def __init__(self, roles: Mapping[str, str] | None, source: str | None) -> None:
        self.roles = roles
        self.source = source
        self.begun = False
        self.ended_at: int | None = None
        self.participants: dict[str, _Participant] = {}
        self.headers: dict[str, list[str]] = {}
        self.utterances: list[_Utterance] = []
        self.last: _Utterance | None = None

    def read(self, entry: _Entry) -> None:
        if self.ended_at is not None:
            raise TranscriptError("text after @End", self.source, entry.line)
        kind = entry.first[0]
        if kind == "@":
            self._header(entry)
            return
        if not self.begun:
            raise TranscriptError(
                "missing @Begin: a CHAT file starts with @UTF8 and @Begin before any tier",
                self.source,
                entry.line,
            )
        if kind == "*":
            self._main_tier(entry)
        else:
            self._dependent_tier(entry)

    def transcript(self, id: str) -> Transcript:
        if not self.begun:
            raise TranscriptError(
                "missing @Begin: a CHAT file starts with @UTF8 and @Begin", self.source, 1
            )
        kept = [u for u in self.utterances if u.text]
        if not kept:
            raise TranscriptError("no turns: the file contains no transcript text", self.source)
        turns = [
            Turn(
                id=f"t{n}",
                speaker=u.speaker,
                role=u.role,
                text=u.text,
                start=u.start,
                end=u.end,
                metadata={name: "\n".join(values) for name, values in u.tiers.items()},
            )
            for n, u in enumerate(kept, start=1)
        ]
        metadata = {name: "\n".join(values) for name, values in self.headers.items()}
        return Transcript(id=id, turns=turns, source=self.source, metadata=metadata)

    # --- headers ---------------------------------------------------------------------------------

    def _header(self, entry: _Entry) -> None:
        name, _, value = entry.first[1:].partition(":")
        name = name.strip()
        if not name or "\x15" in name:
            raise TranscriptError(
                "malformed header; expected '@Name:<tab>value' or '@Name'", self.source, entry.line
            )
        value = " ".join([value.strip(), *(piece for _, piece in entry.pieces[1:])]).strip()
        key = name.lower()
        if key == "begin":
            self.begun = True
        elif key == "end":
            self.ended_at = entry.line
        elif key == "participants":
            self._participants(value, entry.line)
        if key not in _STRUCTURAL:
            self.headers.setdefault(name, []).append(value)

    def _participants(self, value: str, line: int) -> None:
        declared: list[tuple[str, str | None, str]] = []
        for part in value.split(","):
            words = part.split()
            if not words:
                continue
            code = words[0]
            if _PARTICIPANT_CODE.fullmatch(code) is None:
                raise TranscriptError(
                    "malformed @Participants entry; expected 'CODE Name Role' or 'CODE Role'",
                    self.source,
                    line,
                )
            if code in self.participants or any(code == c for c, _, _ in declared):
                raise TranscriptError(f"participant {code!r} is declared twice", self.source, line)
            name = " ".join(words[1:-1]) or None
            role_word = words[-1] if len(words) > 1 else ""
            declared.append((code, name, role_word))
        codes = {code for code, _, _ in declared} | set(self.participants)
        taken = codes | {p.label for p in self.participants.values()}
        names = [name for _, name, _ in declared if name is not None]
        for code, name, role_word in declared:
            unique = name is not None and names.count(name) == 1 and name not in taken
            label = name if unique and name is not None else code
            self.participants[code] = _Participant(code, label, role_word)

    # --- tiers -----------------------------------------------------------------------------------

    def _main_tier(self, entry: _Entry) -> None:
        match = _MAIN.fullmatch(entry.first)
        if match is None:
            raise TranscriptError(
                "malformed main tier; expected '*CODE:<tab>text'", self.source, entry.line
            )
        code = match.group(1)
        participant = self.participants.get(code)
        if participant is None:
            raise TranscriptError(
                f"speaker code {code!r} is not declared in @Participants", self.source, entry.line
            )
        pieces = [(entry.line, match.group(2)), *entry.pieces[1:]]
        words: list[str] = []
        start: float | None = None
        end: float | None = None
        for number, piece in pieces:
            said, times = self._without_bullets(piece, number)
            words.append(said)
            if times:
                start = times[0][0] if start is None else start
                end = times[-1][1]
        text = _SPACES.sub(" ", " ".join(words)).strip()
        self.last = _Utterance(participant.label, self._role(participant), text, start, end)
        self.utterances.append(self.last)

    def _dependent_tier(self, entry: _Entry) -> None:
        match = _DEPENDENT.fullmatch(entry.first)
        if match is None:
            raise TranscriptError(
                "malformed dependent tier; expected '%name:<tab>value'", self.source, entry.line
            )
        if self.last is None:
            raise TranscriptError(
                "a dependent tier before any main tier (text outside tiers)",
                self.source,
                entry.line,
            )
        value = " ".join([match.group(2).strip(), *(piece for _, piece in entry.pieces[1:])])
        self.last.tiers.setdefault(match.group(1), []).append(value.strip())

    def _without_bullets(self, piece: str, number: int) -> tuple[str, list[tuple[float, float]]]:
        """The text of one line without its media bullets, and the bullets' times."""
        if _BULLET_MARK not in piece:
            return piece, []
        parts = piece.split(_BULLET_MARK)
        if len(parts) % 2 == 0:
            raise TranscriptError(
                "malformed media bullet: an unpaired bullet mark (0x15)", self.source, number
            )
        times = []
        for body in parts[1::2]:
            match = _BULLET_BODY.fullmatch(body)
            if match is None:
                raise TranscriptError(
                    "malformed media bullet; expected start_end in milliseconds between two "
                    "bullet marks (0x15)",
                    self.source,
                    number,
                )
            start, end = int(match.group(1)), int(match.group(2))
            if end < start:
                raise TranscriptError(
                    f"media bullet ends before it starts ({start}_{end})", self.source, number
                )
            times.append((start / 1000, end / 1000))
        return " ".join(parts[0::2]), times

    def _role(self, participant: _Participant) -> Role:
        if self.roles:
            lowered = {key.strip().lower() for key in self.roles}
            for key in (participant.code, participant.label):
                if key in self.roles or key.strip().lower() in lowered:
                    return infer_role(key, self.roles)
        return infer_role(participant.role_word)
