"""Properties of the readers: any input gives a transcript or a TranscriptError, in bounded time,
and valid documents keep every word with the right speakers and roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from attune_jupyter.core.readers import load_transcript, parse_transcript, parse_transcript_bytes
from attune_jupyter.core.transcript import ROLES, Transcript, TranscriptError, infer_role

#: Per-example time limit: generous for a slow CI machine, far below what a quadratic blow-up on
#: these input sizes would take.
DEADLINE = timedelta(seconds=1)

#: Pieces that steer generated text into the readers' interesting paths.
FRAGMENTS = [
    "WEBVTT",
    "WEBVTT\n\n",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "-->",
    " --> ",
    "->",
    "00:00:01.000",
    "00:02.500",
    "00:00:0",
    "12:61",
    ",000",
    "<v ",
    "<v.loud A>",
    "<v Client>",
    "</v>",
    "<v>",
    "<c.x>",
    "</c>",
    "<i>",
    "<ruby>",
    "<rt>",
    "<00:00:01.000>",
    "<",
    ">",
    "&amp;",
    "&nbsp;",
    "&#",
    "&#x",
    "&#0;",
    "&#xD800;",
    "&#99999999;",
    ";",
    "NOTE",
    "STYLE",
    "REGION",
    "\n\n1\n00:00:03.000 --> 00:00:04.000 line:0\n",
    "\nClient: ",
    "Therapist:",
    "Client: ",
    "Speaker 1: ",
    "Note the time: ",
    ":",
    "[00:01]",
    "[00:00:01.5]",
    "[99:99]",
    "[",
    "]",
    "word",
    "9",
    "\ufeff",
    "\x00",
    "é",
    "\u2028",
    "\x0c",
]

fragment_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=80).map("".join)
#: Text that starts like a valid document of the format more often than chance would have it.
VALID_OPENINGS = {"text": "Therapist: hello\n", "webvtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n"}


def any_text(format: str) -> st.SearchStrategy[str]:
    opening = VALID_OPENINGS[format]
    return st.text(max_size=2000) | fragment_text | fragment_text.map(opening.__add__)


def any_bytes(format: str) -> st.SearchStrategy[bytes]:
    return (
        st.binary(max_size=3000)
        | any_text(format).map(lambda text: text.encode("utf-8", "surrogatepass"))
        | any_text(format).map(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass"))
    )


formats = st.sampled_from(sorted(VALID_OPENINGS))


def check_transcript_or_error(read: Callable[[], Transcript]) -> None:
    """``read()`` returns a well-formed transcript or raises TranscriptError; nothing else."""
    try:
        transcript = read()
    except TranscriptError as error:
        assert error.reason
        event("TranscriptError: " + " ".join(error.reason.split()[:3]))
        return
    event("transcript")
    assert len(transcript) > 0
    assert [t.id for t in transcript] == [f"t{n}" for n in range(1, len(transcript) + 1)]
    for turn in transcript:
        assert turn.text
        assert turn.text == turn.text.strip()
        assert turn.role in ROLES
    for before, after in zip(transcript.turns, transcript.turns[1:], strict=False):
        assert not (before.speaker and before.speaker == after.speaker)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("transcripts")


# Legacy-encoded bytes are read with a TranscriptWarning; only exceptions matter here.
@pytest.mark.filterwarnings("ignore::attune_jupyter.core.readers.TranscriptWarning")
@settings(max_examples=300, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(case=formats.flatmap(lambda format: st.tuples(st.just(format), any_bytes(format))))
def test_any_file_gives_a_transcript_or_a_transcript_error(
    scratch: Path, case: tuple[str, bytes]
) -> None:
    format, data = case
    path = scratch / ("session.txt" if format == "text" else "session.vtt")
    path.write_bytes(data)
    check_transcript_or_error(lambda: load_transcript(path))


@settings(max_examples=400, deadline=DEADLINE)
@given(case=formats.flatmap(lambda format: st.tuples(st.just(format), any_text(format))))
def test_any_text_gives_a_transcript_or_a_transcript_error(case: tuple[str, str]) -> None:
    format, text = case
    check_transcript_or_error(lambda: parse_transcript(text, format))


@settings(max_examples=10, deadline=timedelta(seconds=3))
@given(
    piece=st.sampled_from(
        ["<v ", "<c.", "[1:", "1:1", "a: ", "&#", "<v a", "0" * 30 + "-", "Client: x\n", " \n"]
    ),
    format=formats,
)
def test_large_repetitive_input_is_read_in_bounded_time(piece: str, format: str) -> None:
    opening = "Client: hi\n" if format == "text" else "WEBVTT\n\n00:01.000 --> 00:02.000\n"
    text = opening + piece * 40_000
    check_transcript_or_error(lambda: parse_transcript(text, format))


# --- valid documents -----------------------------------------------------------------------------

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


@dataclass(frozen=True)
class Said:
    """One labelled line (and its continuation lines) or one cue of a generated document."""

    speaker: str | None
    lines: list[list[str]]
    start_ms: int | None = None
    end_ms: int | None = None


def expected_turns(
    said: list[Said], roles: dict[str, str] | None, joiner: str
) -> list[tuple[str, str, str, float | None, float | None]]:
    """The turns a reader must produce: consecutive same-speaker pieces merge (None never does)."""
    turns: list[tuple[str, str, str, float | None, float | None]] = []
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


def actual_turns(
    transcript: Transcript,
) -> list[tuple[str, str, str, float | None, float | None]]:
    assert [t.id for t in transcript] == [f"t{n}" for n in range(1, len(transcript) + 1)]
    return [(t.speaker, t.role, t.text, t.start, t.end) for t in transcript]


def clock(ms: int, *, hours: bool) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, millis = divmod(rest, 1000)
    return (
        f"{h:02d}:{m:02d}:{s:02d}.{millis:03d}" if hours or h else f"{m:02d}:{s:02d}.{millis:03d}"
    )


@st.composite
def plain_documents(draw: st.DrawFn) -> tuple[str, list[Said]]:
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
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return ending.join(out), pieces


@settings(max_examples=200, deadline=DEADLINE)
@given(document=plain_documents(), roles=st.sampled_from(ROLE_MAPS))
def test_valid_plain_text_keeps_every_word_speaker_and_role(
    document: tuple[str, list[Said]], roles: dict[str, str] | None
) -> None:
    text, pieces = document
    transcript = parse_transcript(text, "text", roles=roles)
    assert actual_turns(transcript) == expected_turns(pieces, roles, "\n")
    assert " ".join(t.text for t in transcript).split() == [
        w for piece in pieces for words in piece.lines for w in words
    ]


def escape(word: str) -> str:
    return word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def vtt_documents(draw: st.DrawFn) -> tuple[bytes, list[Said]]:
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
        blocks.append(f"{identifier}{timing}\n{draw(cue_text(piece, style))}")
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + (ending * 2).join(blocks).replace("\n", ending).encode("utf-8"), pieces


@st.composite
def cue_text(draw: st.DrawFn, piece: Said, style: str) -> str:
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


@settings(max_examples=200, deadline=DEADLINE)
@given(document=vtt_documents(), roles=st.sampled_from(ROLE_MAPS))
def test_valid_webvtt_keeps_every_word_speaker_role_and_time(
    document: tuple[bytes, list[Said]], roles: dict[str, str] | None
) -> None:
    data, pieces = document
    transcript = parse_transcript_bytes(data, "webvtt", path="call.vtt", roles=roles)
    assert actual_turns(transcript) == expected_turns(pieces, roles, " ")
    assert " ".join(t.text for t in transcript).split() == [
        w for piece in pieces for words in piece.lines for w in words
    ]
