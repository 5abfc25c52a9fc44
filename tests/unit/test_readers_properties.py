"""Properties every reader has, checked for every format with one set of parametrised tests.

- Any bytes in a file, and any text, give a well-formed transcript or a TranscriptError naming the
  file, never another exception, and within a deadline (hypothesis ``deadline``; large repetitive
  inputs, which would show a quadratic blow-up, have an explicit time limit).
- A generated valid document of the format keeps every word, with the right speakers, roles and
  times: nothing is dropped silently.
- A transcript read from such a document, saved with :meth:`Transcript.save` and loaded again,
  comes back exactly.

Each format is described once by a :class:`FormatSpec` (its steering fragments, a valid-document
generator, what else its transcripts guarantee); the per-format test files keep what is specific
to one format.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from attune_jupyter.core.readers import (
    load_transcript,
    load_transcripts,
    parse_transcript,
    supported_formats,
)
from attune_jupyter.core.readers.json_format import transcript_json
from attune_jupyter.core.transcript import ROLES, Transcript, TranscriptError, Turn, infer_role
from tests.unit.reader_helpers import (
    HEAD,
    SLOTS,
    B,
    W,
    aligned,
    chat,
    docx,
    eaf,
    paragraph,
    tier,
)

#: Per-example time limit: generous for a slow CI machine, far below what a quadratic blow-up on
#: these input sizes would take.
DEADLINE = timedelta(seconds=1)
#: Time limit for reading one large repetitive input (about a megabyte).
LARGE_INPUT_SECONDS = 5.0

#: (speaker, role, text, start, end) of a turn.
TurnTuple = tuple[str, str, str, float | None, float | None]


# --- what the generated valid documents are made of ----------------------------------------------

SPEAKERS = ["Therapist", "Client", "T", "C", "Speaker 2", "Dr Ng", "client a", "Ms O'Hara", "Élise"]
ROLE_MAPS: list[dict[str, str] | None] = [None, {"Dr Ng": "therapist", "Élise": "client"}]

plain_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzé0123456789&'.,?!-<>;", min_size=1, max_size=8
)


def _could_be_a_label(before_colon: str) -> bool:
    """Whether ``x:y`` at the start of a line would rightly be read as the speaker label ``x``.

    Role words (``t:0``, ``client:x``) and labels used before in the file count as labels even
    without a space after the colon; the generated documents use such words only as text.
    """
    lowered = before_colon.lower()
    return infer_role(before_colon) != "other" or lowered in {s.lower() for s in SPEAKERS}


word = plain_word | st.tuples(plain_word, plain_word).filter(
    lambda parts: not _could_be_a_label(parts[0])
).map(":".join)
line_words = st.lists(word, min_size=1, max_size=6)
#: Words without markup characters, for the formats whose tags would be read as markup.
caption_word = st.text(alphabet="abcxyz0123456789é&'.,?!-;", min_size=1, max_size=8)


@dataclass(frozen=True)
class Said:
    """One labelled line (and its continuation lines) or one cue of a generated document."""

    speaker: str | None
    lines: list[list[str]]
    start_ms: int | None = None
    end_ms: int | None = None


def merged_turns(said: list[Said], roles: dict[str, str] | None, joiner: str) -> list[TurnTuple]:
    """The turns a merging reader must produce: consecutive same-speaker pieces merge (None
    never does); a turn starts at its first known start and ends at its last known end."""
    turns: list[TurnTuple] = []
    keyed = groupby(enumerate(said), key=lambda item: item[1].speaker or f"\0{item[0]}")
    for _, items in keyed:
        group = [piece for _, piece in items]
        speaker = group[0].speaker or ""
        lines = [" ".join(words) for piece in group for words in piece.lines if words]
        starts = [p.start_ms / 1000 for p in group if p.start_ms is not None]
        ends = [p.end_ms / 1000 for p in group if p.end_ms is not None]
        turns.append(
            (
                speaker,
                infer_role(speaker, roles),
                joiner.join(lines),
                starts[0] if starts else None,
                ends[-1] if ends else None,
            )
        )
    return turns


def words_of(said: list[Said]) -> list[str]:
    return [w for piece in said for words in piece.lines for w in words]


def clock(ms: int, *, hours: bool, comma: bool = False) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, millis = divmod(rest, 1000)
    mark = "," if comma else "."
    return (
        f"{h:02d}:{m:02d}:{s:02d}{mark}{millis:03d}"
        if hours or h
        else f"{m:02d}:{s:02d}{mark}{millis:03d}"
    )


@dataclass(frozen=True)
class Document:
    """A generated valid document and what reading it must give."""

    data: bytes
    #: The turns exactly; None when only the words (and ids) are checked.
    turns: list[TurnTuple] | None
    #: Every word written in the document's turn text, in order.
    words: list[str]
    roles: dict[str, str] | None = None
    #: The turn ids; None for t1, t2, ... (every format but json numbers its turns).
    ids: list[str] | None = None
    #: The transcript id; None for the file name without its extension.
    id: str | None = None


# --- plain text and Word -------------------------------------------------------------------------


@st.composite
def labelled_lines(draw: st.DrawFn) -> tuple[list[str], list[Said]]:
    """Lines of a speaker-labelled document (plain-text rules) and what they say."""
    pieces = draw(
        st.lists(
            st.builds(
                Said,
                speaker=st.sampled_from(SPEAKERS),
                lines=st.tuples(st.lists(word, max_size=6), st.lists(line_words, max_size=3))
                .filter(lambda parts: bool(parts[0] or parts[1]))
                .map(lambda parts: [parts[0], *parts[1]]),
                start_ms=st.none() | st.integers(0, 36_000_000).map(lambda ms: ms - ms % 1000),
            ),
            min_size=1,
            max_size=12,
        )
    )
    out: list[str] = []
    used: set[str] = set()
    for piece in pieces:
        stamp = ""
        if piece.start_ms is not None:
            stamp = f"[{clock(piece.start_ms, hours=draw(st.booleans()))[:-4]}] "
        indent = draw(st.sampled_from(["", " ", "\t"]))
        assert piece.speaker is not None
        # A role word or a label used before needs no space after its colon.
        unambiguous = infer_role(piece.speaker) != "other" or piece.speaker in used
        colon = draw(st.sampled_from([": ", ":"])) if unambiguous else ": "
        used.add(piece.speaker)
        out.append(f"{indent}{stamp}{piece.speaker}{colon}{' '.join(piece.lines[0])}")
        out += [indent + " ".join(words) for words in piece.lines[1:]]
        out += [""] * draw(st.integers(0, 2))
    return out, pieces


@st.composite
def text_documents(draw: st.DrawFn) -> Document:
    lines, pieces = draw(labelled_lines())
    roles = draw(st.sampled_from(ROLE_MAPS))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return Document(
        bom + ending.join(lines).encode("utf-8"),
        merged_turns(pieces, roles, "\n"),
        words_of(pieces),
        roles,
    )


@st.composite
def docx_documents(draw: st.DrawFn) -> Document:
    lines, pieces = draw(labelled_lines())
    roles = draw(st.sampled_from(ROLE_MAPS))
    # A paragraph's text may come in several runs.
    body = "".join(
        paragraph(*(part for part in (line[:cut], line[cut:]) if part))
        if line
        else draw(st.sampled_from(["<w:p/>", "<w:p></w:p>"]))
        for line in lines
        for cut in [draw(st.integers(0, len(line)))]
    )
    return Document(docx(body), merged_turns(pieces, roles, "\n"), words_of(pieces), roles)


@st.composite
def docx_unicode_documents(draw: st.DrawFn) -> Document:
    """Paragraphs ``Client: <any text>``: every word kept, whatever the characters."""
    texts = draw(
        st.lists(
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1,
                max_size=40,
            ).filter(str.strip),
            min_size=1,
            max_size=6,
        )
    )
    body = "".join(paragraph(f"Client: {text}") for text in texts)
    return Document(docx(body), None, " ".join(t.strip() for t in texts).split())


# --- captions ------------------------------------------------------------------------------------


@st.composite
def vtt_cue_text(draw: st.DrawFn, piece: Said, style: str) -> str:
    wrap = st.sampled_from(["{}", "<i>{}</i>", "<c.yellow>{}</c>", "<b>{}</b>"])
    lines = [" ".join(draw(wrap).format(escape(w)) for w in words) for words in piece.lines]
    text = "\n".join(lines)
    if piece.speaker is None:
        return text
    if style == "teams" or (style == "mixed" and draw(st.booleans())):
        tag = draw(st.sampled_from(["<v {}>", "<v.loud {}>"])).format(piece.speaker)
        return tag + text + draw(st.sampled_from(["</v>", ""]))
    if infer_role(piece.speaker) != "other" and draw(st.booleans()):
        return f"{piece.speaker}:{text}"
    return f"{piece.speaker}: {text}"


@st.composite
def vtt_documents(draw: st.DrawFn) -> Document:
    style = draw(st.sampled_from(["zoom", "teams", "none", "mixed"]))
    speaker = st.none() if style == "none" else st.sampled_from(SPEAKERS)
    count = draw(st.integers(1, 10))
    pieces: list[Said] = []
    blocks = [draw(st.sampled_from(["WEBVTT", "WEBVTT - synthetic", "WEBVTT\nKind: captions"]))]
    start = 0
    for number in range(count):
        start += draw(st.integers(0, 5000))
        piece = Said(
            speaker=draw(speaker if style != "mixed" else st.none() | speaker),
            lines=draw(st.lists(line_words, min_size=1, max_size=3)),
            start_ms=start,
            end_ms=start + draw(st.integers(0, 8000)),
        )
        pieces.append(piece)
        if draw(st.booleans()):
            blocks.append("NOTE " + " ".join(draw(line_words)))
        identifier = draw(
            st.sampled_from(
                ["", f"{number + 1}\n", f"3f2a9c1e-7b4d-4e0a-9c61-2d8f5b7a1e03/{number}-0\n"]
            )
        )
        hours = draw(st.booleans())
        timing = (
            f"{clock(piece.start_ms or 0, hours=hours)} --> {clock(piece.end_ms or 0, hours=hours)}"
        )
        if draw(st.booleans()):
            timing += " align:start position:10%"
        blocks.append(f"{identifier}{timing}\n{draw(vtt_cue_text(piece, style))}")
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    roles = draw(st.sampled_from(ROLE_MAPS))
    return Document(
        bom + (ending * 2).join(blocks).replace("\n", ending).encode("utf-8"),
        merged_turns(pieces, roles, " "),
        words_of(pieces),
        roles,
    )


@st.composite
def srt_documents(draw: st.DrawFn) -> Document:
    pieces: list[Said] = []
    blocks: list[str] = []
    start = 0
    for number in range(draw(st.integers(1, 10))):
        start += draw(st.integers(0, 5000))
        piece = Said(
            speaker=draw(st.none() | st.sampled_from(SPEAKERS)),
            lines=draw(
                st.lists(st.lists(caption_word, min_size=1, max_size=5), min_size=1, max_size=3)
            ),
            start_ms=start,
            end_ms=start + draw(st.integers(0, 8000)),
        )
        pieces.append(piece)
        wrap = st.sampled_from(["{}", "<i>{}</i>", "<b>{}</b>", "<font color=red>{}</font>"])
        lines = [" ".join(draw(wrap).format(w) for w in words) for words in piece.lines]
        if piece.speaker is not None:
            lines[0] = f"{piece.speaker}: {lines[0]}"
        hours = draw(st.booleans())
        number_line = draw(st.sampled_from(["", f"{number + 1}\n"]))
        timing = (
            f"{clock(piece.start_ms or 0, hours=hours, comma=True)} --> "
            f"{clock(piece.end_ms or 0, hours=hours, comma=True)}"
        )
        blocks.append(f"{number_line}{timing}\n" + "\n".join(lines))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    roles = draw(st.sampled_from(ROLE_MAPS))
    return Document(
        (ending * 2).join(blocks).replace("\n", ending).encode("utf-8"),
        merged_turns(pieces, roles, " "),
        words_of(pieces),
        roles,
    )


# --- tables --------------------------------------------------------------------------------------

TABLE_HEADER = ["transcript_id", "utterance_id", "interlocutor", "timestamp", "utterance_text"]
table_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30
).filter(str.strip) | st.sampled_from(["one\ntwo", 'say "hi"', "a,b", "a\tb", "é [laughs]"])


def table_cell(cell: str, delimiter: str) -> str:
    if delimiter == "," or any(c in cell for c in '"\n\r\t'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def table_documents(draw: st.DrawFn, delimiter: str) -> Document:
    """One transcript (one id) of rows in order; every row is one turn (rows never merge)."""
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(["therapist", "client"]), st.none() | st.integers(0, 600)),
            min_size=1,
            max_size=12,
        )
    )
    # Times that never go backwards (backwards ones are kept with a warning); None for no time.
    clock_seconds = 0
    for n, (role, step) in enumerate(rows):
        if step is not None:
            clock_seconds += step
            rows[n] = (role, clock_seconds)
    texts = [draw(table_text) for _ in rows]
    lines = [delimiter.join(TABLE_HEADER)]
    turns: list[TurnTuple] = []
    for order, ((role, seconds), said) in enumerate(zip(rows, texts, strict=True)):
        stamp = "" if seconds is None else f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
        stamp += "" if seconds is None else f"{seconds % 60:02d}"
        cells = ["s1", str(order), role, stamp, said]
        lines.append(delimiter.join(table_cell(cell, delimiter) for cell in cells))
        start = None if seconds is None else float(seconds)
        turns.append((role.capitalize(), role, said.strip(), start, None))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return Document(
        (ending.join(lines) + ending).encode("utf-8"),
        turns,
        " ".join(texts).split(),
        id="s1",
    )


# --- the project's JSON --------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)
json_metadata = st.dictionaries(st.text(), json_values, max_size=4)
times = st.none() | st.floats(allow_nan=False, allow_infinity=False)
#: Any transcript Transcript.save accepts: ids, text and metadata of every kind, empty included.
transcripts = st.builds(
    Transcript,
    id=st.text(),
    turns=st.lists(
        st.builds(
            Turn,
            id=st.text(),
            speaker=st.text(),
            role=st.sampled_from(ROLES),
            text=st.text() | st.text(alphabet="ab \n\r\t\x7f\u2028\ufeff", max_size=20),
            start=times,
            end=times,
            metadata=json_metadata,
        ),
        max_size=6,
        unique_by=lambda turn: turn.id,
    ),
    metadata=json_metadata,
)


def json_document(transcript: Transcript) -> Document:
    return Document(
        transcript_json(transcript).encode("utf-8"),
        [(t.speaker, t.role, t.text, t.start, t.end) for t in transcript],
        " ".join(t.text for t in transcript).split(),
        ids=[t.id for t in transcript],
        id=transcript.id,
    )


# --- CHAT and ELAN -------------------------------------------------------------------------------

CHAT_CODES = {"THE": "therapist", "CLI": "client"}


@st.composite
def chat_documents(draw: st.DrawFn) -> Document:
    """Main tiers with continuation lines and media bullets; utterances never merge in CHAT."""
    utterances = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(CHAT_CODES)),
                st.lists(
                    st.lists(
                        st.text(alphabet="abcxyz0123456789é&'.,?!-;[]/+", min_size=1, max_size=8),
                        min_size=1,
                        max_size=5,
                    ),
                    min_size=1,
                    max_size=3,
                ),
                st.booleans(),
            ),
            min_size=1,
            max_size=12,
        )
    )
    lines = []
    turns: list[TurnTuple] = []
    words: list[str] = []
    for n, (code, pieces, timed) in enumerate(utterances):
        body = "\n\t".join(" ".join(piece) for piece in pieces)
        bullet = f" {B}{n * 1000}_{n * 1000 + 500}{B}" if timed else ""
        lines.append(f"*{code}:\t{body}{bullet}")
        said = [w for piece in pieces for w in piece]
        words += said
        start, end = (n, n + 0.5) if timed else (None, None)
        turns.append((code, CHAT_CODES[code], " ".join(said), start, end))
    return Document(chat(*lines).encode("utf-8"), turns, words)


@st.composite
def elan_documents(draw: st.DrawFn) -> Document:
    """Two tiers (one per speaker); annotations in time order merge per speaker."""
    annotations = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["Therapist", "Client"]),
                st.lists(
                    st.text(alphabet="abcxyz0123456789é&<>'\".,?!-;", min_size=1, max_size=8),
                    min_size=1,
                    max_size=5,
                ),
            ),
            min_size=1,
            max_size=12,
        )
    )
    slots: dict[str, int | None] = {f"ts{n}": n * 100 for n in range(len(annotations) + 1)}
    by_speaker: dict[str, list[str]] = {"Therapist": [], "Client": []}
    pieces = []
    for n, (speaker, words) in enumerate(annotations):
        by_speaker[speaker].append(
            aligned(f"a{n}", f"ts{n}", f"ts{n + 1}", escape(" ".join(words)))
        )
        pieces.append(Said(speaker, [words], n * 100, n * 100 + 100))
    text = eaf(slots, *(tier(s, *a, participant=s) for s, a in by_speaker.items()))
    return Document(text.encode("utf-8"), merged_turns(pieces, None, " "), words_of(pieces))


# --- any input: fragments that steer generated text into each reader's interesting paths ---------

CAPTION_FRAGMENTS = [
    "\n", "\n\n", "\r\n", "\r", " ", "\t", "-->", " --> ", "->", "00:00:01.000", "00:02.500",
    "00:00:0", "12:61", ",000", "<", ">", "Client: ", "Therapist:", ":", "word", "9", "\ufeff",
    "\x00", "é",
]  # fmt: skip
TEXT_FRAGMENTS = [
    *CAPTION_FRAGMENTS, "WEBVTT", "WEBVTT\n\n", "<v ", "<v.loud A>", "<v Client>", "</v>", "<v>",
    "<c.x>", "</c>", "<i>", "<ruby>", "<rt>", "<00:00:01.000>", "&amp;", "&nbsp;", "&#", "&#x",
    "&#0;", "&#xD800;", "&#99999999;", ";", "NOTE", "STYLE", "REGION",
    "\n\n1\n00:00:03.000 --> 00:00:04.000 line:0\n", "\nClient: ", "Speaker 1: ",
    "Note the time: ", "[00:01]", "[00:00:01.5]", "[99:99]", "[", "]", "\u2028", "\x0c",
]  # fmt: skip
SRT_FRAGMENTS = [
    *CAPTION_FRAGMENTS, "1\n", "00:00:01,000", "00:01,0", "99:99:99,999", ",", "<i>", "</i>",
    "<font color=x>", "</font>", "{\\an8}", "{", "}",
]  # fmt: skip
TABLE_FRAGMENTS = [
    ",".join(TABLE_HEADER) + "\n", "\t".join(TABLE_HEADER) + "\n", "transcript_id",
    "utterance_text", ",", "\t", "\n", "\r\n", "\r", '"', '""', " ", "a", "1", "client",
    "therapist", "00:00:01", "00:09:025", "n/a", "nan", "\x0c", "\u2028", "é",
]  # fmt: skip
JSON_FRAGMENTS = [
    "{", "}", "[", "]", ",", ":", '"', '"format"', '"attune-transcript"', '"format_version"', "1",
    "2", '"id"', '"turns"', '"role"', '"client"', '"text"', '"start"', "null", "true", "1e999",
    "NaN", "\n", " ", "\\u0000", "\\",
]  # fmt: skip
CHAT_FRAGMENTS = [
    "@UTF8\n", "@Begin\n", "@End\n", "@Participants:\tCLI Client, THE Jo Therapist\n",
    "@Comment:\t", "*CLI:\t", "*THE:\t", "*MOT:\t", "%mor:\t", "%com:", "\n\t", "\n", "\r\n", " ",
    "\t", "\x15", "\x151_2\x15", "\x152_1\x15", '%snd:"a"_', "_", ":", ",", "@", "*", "%", "word",
    ".", "\ufeff", "\x00", "é",
]  # fmt: skip
ELAN_FRAGMENTS = [
    '<?xml version="1.0"?>', "<ANNOTATION_DOCUMENT>", "</ANNOTATION_DOCUMENT>", "<TIME_ORDER>",
    "</TIME_ORDER>", '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="10"/>',
    '<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="5"/>', '<TIME_SLOT TIME_SLOT_ID="ts3"/>',
    '<TIER TIER_ID="A" PARTICIPANT="Client">', '<TIER TIER_ID="B" PARENT_REF="A">', "</TIER>",
    "<ANNOTATION>", "</ANNOTATION>",
    '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts1">',
    '<ALIGNABLE_ANNOTATION TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">', "</ALIGNABLE_ANNOTATION>",
    '<REF_ANNOTATION ANNOTATION_ID="r1" ANNOTATION_REF="a1">', "</REF_ANNOTATION>",
    "<ANNOTATION_VALUE>", "</ANNOTATION_VALUE>", "<!DOCTYPE", "<!ENTITY", "&amp;", "&", "<", ">",
    "\n", " ", "word", "\ufeff", "\x00", "é",
]  # fmt: skip
DOCX_FRAGMENTS = [
    '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="utf-7"?>',
    '<?xml version="1.0" encoding="nonexistent"?>', '<?xml version="1.0" encoding="utf-16"?>',
    f'<w:document xmlns:w="{W}">', "</w:document>", "<w:body>", "</w:body>", "<w:p>", "</w:p>",
    "<w:p/>", "<w:r>", "</w:r>", "<w:t>", "<w:t xml:space='preserve'>", "</w:t>", "<w:tab/>",
    "<w:br/>", "<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>", "<w:del>", "</w:del>",
    "<w:delText>", "</w:delText>", "&#13;", "&#10;", "&amp;", "<!DOCTYPE", "<", ">", "Client: ",
    "[00:01] ", "[99:99] ", "Therapist:", "\n", " ", "word", "é",
]  # fmt: skip


def fragment_text(fragments: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(fragments) | st.text(max_size=4), max_size=80).map("".join)


# --- the formats ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatSpec:
    """What the properties need to know about one format."""

    name: str
    extension: str
    fragments: list[str]
    #: The start of a valid document, so that generated text gets past the first check.
    opening: str
    #: Generated valid documents and what they must read as.
    documents: st.SearchStrategy[Document]
    #: Large inputs (label -> text), each read within LARGE_INPUT_SECONDS.
    large: dict[str, Callable[[], str]]
    #: Whether consecutive turns never share a speaker label (the format merges them).
    merges: bool = True
    #: Whether the format stores transcripts as they are (ids, empty text, no turns) rather than
    #: numbering the turns of a session it describes.
    stores: bool = False
    #: Whether a file may hold several transcripts (read with load_transcripts).
    many: bool = False
    #: Whether parse_transcript reads text of this format (not for binary formats).
    text: bool = True
    #: What else every transcript of the format guarantees.
    check: Callable[[Transcript], None] = field(default=lambda transcript: None)


def repeated(opening: str, *pieces: str, times: int = 40_000) -> dict[str, Callable[[], str]]:
    return {repr(piece)[1:-1][:12]: (lambda p=piece: opening + p * times) for piece in pieces}


def timed_in_order(transcript: Transcript) -> None:
    for turn in transcript:
        assert turn.start is not None and turn.end is not None, turn.id
        assert turn.start <= turn.end, turn.id


def chat_check(transcript: Transcript) -> None:
    for turn in transcript:
        assert B not in turn.text
        assert (turn.start is None) == (turn.end is None)
        assert turn.start is None or turn.end is None or turn.start <= turn.end


def table_check(transcript: Transcript) -> None:
    assert transcript.id
    assert all(isinstance(v, str) for t in transcript for v in t.metadata.values())


VTT_OPENING = "WEBVTT\n\n00:01.000 --> 00:02.000\n"
SRT_OPENING = "1\n00:00:01,000 --> 00:00:02,000\n"
CSV_OPENING = ",".join(TABLE_HEADER) + "\ns1,1,client,00:00:01,"
DOCX_OPENING = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p>'
CAPTION_PIECES = ("<v ", "<c.", "[1:", "1:1", "a: ", "&#", "<v a", "0" * 30 + "-", "Client: x\n")

SPECS = {
    spec.name: spec
    for spec in [
        FormatSpec(
            "text",
            ".txt",
            TEXT_FRAGMENTS,
            "Therapist: hello\n",
            text_documents(),
            repeated("Client: hi\n", *CAPTION_PIECES, " \n", "[00:01] C: x\n"),
        ),
        FormatSpec(
            "webvtt",
            ".vtt",
            TEXT_FRAGMENTS,
            VTT_OPENING,
            vtt_documents(),
            repeated(VTT_OPENING, *CAPTION_PIECES, " \n"),
        ),
        FormatSpec(
            "srt",
            ".srt",
            SRT_FRAGMENTS,
            SRT_OPENING,
            srt_documents(),
            repeated(SRT_OPENING, "<i", "{\\", "1:1", "Client: x\n", "0" * 30 + "-", "<font "),
            check=timed_in_order,
        ),
        FormatSpec(
            "csv",
            ".csv",
            TABLE_FRAGMENTS,
            CSV_OPENING,
            table_documents(","),
            {
                **repeated(CSV_OPENING, '"', "x,", "\n", times=100_000),
                "rows": lambda: CSV_OPENING + "x\n" + "s1,1,client,00:00:01,x\n" * 40_000,
                "open quote": lambda: CSV_OPENING + '"' + "x\n" * 100_000,
            },
            merges=False,
            many=True,
            check=table_check,
        ),
        FormatSpec(
            "tsv",
            ".tsv",
            TABLE_FRAGMENTS,
            CSV_OPENING.replace(",", "\t"),
            table_documents("\t"),
            {
                **repeated(CSV_OPENING.replace(",", "\t"), '"', "x\t", "\n", times=100_000),
                "rows": lambda: "\t".join(TABLE_HEADER) + "\n" + "s1\t1\tclient\t\tx\n" * 40_000,
            },
            merges=False,
            many=True,
            check=table_check,
        ),
        FormatSpec(
            "json",
            ".json",
            JSON_FRAGMENTS,
            transcript_json(Transcript("s", [Turn("t1", "C", "client", "hi")]))[:-30],
            transcripts.map(json_document),
            {
                "nesting": lambda: "[" * 100_000 + "]" * 100_000,
                "long text": lambda: transcript_json(
                    Transcript("s", [Turn("t1", "C", "client", "x " * 500_000)])
                ),
                "many turns": lambda: json.dumps(
                    {
                        "format": "attune-transcript",
                        "format_version": 1,
                        "id": "s",
                        "turns": [
                            {"id": str(n), "speaker": "C", "role": "client", "text": "x"}
                            for n in range(20_000)
                        ],
                    }
                ),
                "huge integer": lambda: '{"format": ' + "9" * 100_000 + "}",
            },
            merges=False,
            stores=True,
        ),
        FormatSpec(
            "chat",
            ".cha",
            CHAT_FRAGMENTS,
            HEAD,
            chat_documents(),
            repeated(
                HEAD + "*CLI:\tx\n",
                B,
                f"{B}1_",
                "*CLI:\tx\n",
                "\tx\n",
                "%com:\tx\n",
                "@Comment:\tx\n",
            ),
            merges=False,
            check=chat_check,
        ),
        FormatSpec(
            "elan",
            ".eaf",
            ELAN_FRAGMENTS,
            eaf(SLOTS),
            elan_documents(),
            {
                "annotations": lambda: eaf(
                    SLOTS,
                    tier("C", aligned("a", "ts1", "ts2", "x") * 20_000, participant="Client"),
                ),
                "tiers": lambda: eaf(SLOTS, "<TIER>" * 50_000),
                "nesting": lambda: "<a>" * 100_000,
            },
            check=timed_in_order,
        ),
        FormatSpec(
            "docx",
            ".docx",
            DOCX_FRAGMENTS,
            DOCX_OPENING,
            docx_documents() | docx_unicode_documents(),
            {
                "paragraphs": lambda: (
                    DOCX_OPENING
                    + "</w:p>"
                    + paragraph("Client: x") * 40_000
                    + "</w:body></w:document>"
                ),
                "nesting": lambda: DOCX_OPENING + "<w:r>" * 100_000,
                "runs": lambda: DOCX_OPENING + "<w:r><w:t>a: </w:t></w:r>" * 40_000,
            },
            text=False,
        ),
    ]
}
FORMATS = sorted(SPECS)
TEXT_FORMATS = [name for name in FORMATS if SPECS[name].text]


def test_every_registered_format_has_a_spec() -> None:
    assert sorted(supported_formats()) == FORMATS
    assert {name: SPECS[name].extension for name in FORMATS} == {
        name: extensions[0] for name, extensions in supported_formats().items()
    }


def any_text(spec: FormatSpec) -> st.SearchStrategy[str]:
    fragments = fragment_text(spec.fragments)
    return st.text(max_size=2000) | fragments | fragments.map(spec.opening.__add__)


def any_bytes(spec: FormatSpec) -> st.SearchStrategy[bytes]:
    """Random bytes, byte-order marks before random bytes, and generated text in UTF-8 (with
    and without a byte-order mark) and in a legacy encoding; for Word, also zips of it."""
    text = any_text(spec)
    boms = st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
    found = (
        st.binary(max_size=3000)
        | st.tuples(boms, st.binary(max_size=2000)).map(b"".join)
        | text.map(lambda t: t.encode("utf-8", "surrogatepass"))
        | text.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass"))
        | text.map(lambda t: t.encode("cp1252", "ignore"))
    )
    if spec.name == "docx":
        xml = text.map(lambda t: t.encode("utf-8", "surrogatepass"))
        found = found | xml.map(lambda body: docx("", document=body))
    # A valid document cut off, or with generated text spliced in, at a random point.
    at = st.integers(0, 4000)
    found = found | st.tuples(spec.documents, at).map(lambda parts: parts[0].data[: parts[1]])
    return found | st.tuples(spec.documents, at, text).map(
        lambda parts: (
            parts[0].data[: parts[1]]
            + parts[2].encode("utf-8", "surrogatepass")
            + parts[0].data[parts[1] :]
        )
    )


def check_transcript(spec: FormatSpec, transcript: Transcript) -> None:
    """What every transcript the format reads must be like."""
    for turn in transcript:
        assert turn.role in ROLES
    if spec.stores:
        assert len({t.id for t in transcript}) == len(transcript)
    else:
        assert len(transcript) > 0
        assert [t.id for t in transcript] == [f"t{n}" for n in range(1, len(transcript) + 1)]
        for turn in transcript:
            assert turn.text
            assert turn.text == turn.text.strip()
    if spec.merges:
        for before, after in zip(transcript.turns, transcript.turns[1:], strict=False):
            assert not (before.speaker and before.speaker == after.speaker)
    spec.check(transcript)


def read_file(spec: FormatSpec, path: Path) -> list[Transcript]:
    """Every transcript of the file, or the TranscriptError reading it, checked."""
    if spec.many:
        return load_transcripts(path, screen=False, progress=False)
    return [load_transcript(path, screen=False)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("transcripts")


# Legacy-encoded bytes are read with a TranscriptWarning; only exceptions matter here. Any other
# warning fails the test (the test configuration turns warnings into errors).
@pytest.mark.filterwarnings("ignore::attune_jupyter.core.readers.TranscriptWarning")
@pytest.mark.parametrize("format", FORMATS)
@settings(max_examples=150, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_file_gives_a_transcript_or_a_transcript_error_naming_it(
    scratch: Path, format: str, data: st.DataObject
) -> None:
    spec = SPECS[format]
    path = scratch / f"session{spec.extension}"
    path.write_bytes(data.draw(any_bytes(spec), label="bytes"))
    try:
        found = read_file(spec, path)
    except TranscriptError as error:
        assert error.reason
        assert error.path == str(path)
        event("TranscriptError: " + " ".join(error.reason.split()[:3]))
        return
    event("transcript")
    assert found
    for transcript in found:
        check_transcript(spec, transcript)


@pytest.mark.filterwarnings("ignore::attune_jupyter.core.readers.TranscriptWarning")
@pytest.mark.parametrize("format", TEXT_FORMATS)
@settings(max_examples=150, deadline=DEADLINE)
@given(data=st.data())
def test_any_text_gives_a_transcript_or_a_transcript_error(
    format: str, data: st.DataObject
) -> None:
    spec = SPECS[format]
    text = data.draw(any_text(spec), label="text")
    source = f"session{spec.extension}"
    try:
        transcript = parse_transcript(text, format, source=source)
    except TranscriptError as error:
        assert error.reason
        assert error.path == source
        event("TranscriptError: " + " ".join(error.reason.split()[:3]))
        return
    event("transcript")
    check_transcript(spec, transcript)


LARGE = [(name, label) for name in FORMATS for label in SPECS[name].large]


@pytest.mark.filterwarnings("ignore::attune_jupyter.core.readers.TranscriptWarning")
@pytest.mark.parametrize(("format", "label"), LARGE, ids=[f"{f}-{label}" for f, label in LARGE])
def test_large_repetitive_input_is_read_in_bounded_time(
    tmp_path: Path, format: str, label: str
) -> None:
    spec = SPECS[format]
    text = spec.large[label]()
    path = tmp_path / f"large{spec.extension}"
    path.write_bytes(docx("", document=text) if format == "docx" else text.encode("utf-8"))
    began = time.perf_counter()
    try:
        for transcript in read_file(spec, path):
            check_transcript(spec, transcript)
    except TranscriptError as error:
        assert error.path == str(path)
    assert time.perf_counter() - began < LARGE_INPUT_SECONDS


# --- valid documents -----------------------------------------------------------------------------


def read_document(spec: FormatSpec, document: Document, folder: Path) -> Transcript:
    path = folder / f"session{spec.extension}"
    path.write_bytes(document.data)
    return load_transcript(path, roles=document.roles, screen=False)


@pytest.mark.parametrize("format", FORMATS)
@settings(max_examples=100, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_documents_keep_every_word_speaker_role_and_time(
    scratch: Path, format: str, data: st.DataObject
) -> None:
    spec = SPECS[format]
    document = data.draw(spec.documents, label="document")
    transcript = read_document(spec, document, scratch)
    if document.turns is not None:
        turns = [(t.speaker, t.role, t.text, t.start, t.end) for t in transcript]
        assert turns == document.turns
    assert " ".join(t.text for t in transcript).split() == document.words
    ids = document.ids or [f"t{n}" for n in range(1, len(transcript) + 1)]
    assert [t.id for t in transcript] == ids
    assert transcript.id == (document.id if document.id is not None else "session")
    check_transcript(spec, transcript)


@pytest.mark.parametrize("format", FORMATS)
@settings(max_examples=50, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parse_save_load_round_trips_exactly(
    scratch: Path, format: str, data: st.DataObject
) -> None:
    spec = SPECS[format]
    transcript = read_document(spec, data.draw(spec.documents, label="document"), scratch)
    saved = scratch / "saved.json"
    transcript.save(saved)
    loaded = load_transcript(saved, screen=False)
    assert (loaded.id, loaded.turns, loaded.metadata) == (
        transcript.id,
        transcript.turns,
        transcript.metadata,
    )
    assert loaded.source == str(saved)
    assert transcript_json(loaded) == saved.read_text(encoding="utf-8")
