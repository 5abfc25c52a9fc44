"""Reading transcripts: decoding bytes, the format registry, the entry points, plain text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import attune_jupyter.core.readers as readers
from attune_jupyter.core.readers import (
    TranscriptFormat,
    decode_transcript_bytes,
    format_for_path,
    load_transcript,
    parse_transcript,
    parse_transcript_bytes,
    register_format,
    supported_formats,
)
from attune_jupyter.core.readers.plain_text import SpeakerLabelRule, parse_plain_text
from attune_jupyter.core.transcript import Transcript, TranscriptError
from tests.unit.reader_helpers import SECRET, reader_error

DATA = Path(__file__).parent.parent / "data" / "transcripts"


def turns_of(transcript: Transcript) -> list[tuple[str, str, str, str, float | None]]:
    return [(t.id, t.speaker, t.role, t.text, t.start) for t in transcript]


def text_error(text: str) -> TranscriptError:
    return reader_error(text, "text", "session.txt")


# --- decoding ------------------------------------------------------------------------------------


def test_decode_utf8_without_and_with_bom() -> None:
    text = "Therapist: café\n"
    assert decode_transcript_bytes(text.encode(), "a.txt") == text
    assert decode_transcript_bytes(b"\xef\xbb\xbf" + text.encode(), "a.txt") == text


@pytest.mark.parametrize(
    "data",
    [b"A: one\r\nB: two\r\n", b"A: one\rB: two\r", b"A: one\r\nB: two\rC\n"],
    ids=["crlf", "lone-cr", "mixed"],
)
def test_decode_normalises_line_endings_to_lf(data: bytes) -> None:
    decoded = decode_transcript_bytes(data, "a.txt")
    assert "\r" not in decoded
    assert decoded.split("\n")[:2] == ["A: one", "B: two"]


def test_decode_keeps_other_separators_inside_lines() -> None:
    # Form feeds and Unicode line separators are not line breaks for the readers.
    text = "A: one\x0ctwo\u2028three\n"
    assert decode_transcript_bytes(text.encode(), None) == text


@pytest.mark.parametrize(
    "data",
    [
        b"Therapist: hi\x00 there",
        b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
        bytes(range(1, 9)) * 10 + b"Therapist: hello",
    ],
    ids=["nul", "zip", "control-bytes"],
)
def test_decode_rejects_binary_files(data: bytes) -> None:
    with pytest.raises(TranscriptError, match="looks like a binary file") as caught:
        decode_transcript_bytes(data, "recording.txt")
    assert caught.value.path == "recording.txt"


def test_decode_tolerates_a_stray_control_byte() -> None:
    text = "Therapist: " + "word " * 40 + "\x1a"
    assert decode_transcript_bytes(text.encode(), None) == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_reads_utf16_with_a_byte_order_mark(codec: str) -> None:
    # More cases in test_readers_encodings.py.
    assert decode_transcript_bytes("\ufeffA: hi\r\n".encode(codec), "a.txt") == "A: hi\n"


@pytest.mark.parametrize(
    ("data", "line", "offset"),
    [
        (b"A: caf\xc3\xa9\nB: caf\xe9 ok\n", 2, 15),
        (b"A: \xc3\xa9\r\nB: fine\r\nC: \xff", 3, 19),
        (b"A: \xc3\xa9\rB: \xc3", 2, 9),
        (b"\xef\xbb\xbfA: \x80", 1, 6),
    ],
    ids=["lf", "crlf", "cr-and-truncated", "after-bom"],
)
def test_decode_names_line_and_byte_offset_of_bad_utf8(data: bytes, line: int, offset: int) -> None:
    # Damaged UTF-8 (a UTF-8 byte-order mark, or as much valid UTF-8 as bad bytes) is refused;
    # bytes that are only plausible Windows-1252 are read with a warning (test_readers_encodings).
    with pytest.raises(TranscriptError) as caught:
        decode_transcript_bytes(data, "a.txt")
    error = caught.value
    assert error.line == line
    assert f"byte offset {offset}" in error.reason
    assert f"0x{data[offset]:02x}" in error.reason
    assert str(error).startswith(f"a.txt, line {line}: is not valid UTF-8")


def test_decode_error_does_not_quote_the_text() -> None:
    with pytest.raises(TranscriptError) as caught:
        decode_transcript_bytes(f"Client: {SECRET} é ".encode() + b"\xff", "a.txt")
    assert SECRET not in str(caught.value)
    with pytest.warns(UserWarning) as warned:
        decode_transcript_bytes(f"Client: {SECRET} \xff".encode("latin-1"), "a.txt")
    assert all(SECRET not in str(warning.message) for warning in warned)


# --- the registry and the entry points -----------------------------------------------------------


def test_supported_formats_and_extensions() -> None:
    formats = supported_formats()
    assert formats["text"] == (".txt",) and formats["webvtt"] == (".vtt",)
    assert {"srt", "json", "csv", "tsv"} <= set(formats)
    assert format_for_path("a/b/session.TXT") == "text"
    assert format_for_path(Path("call.vtt")) == "webvtt"


def test_load_infers_format_from_extension(tmp_path: Path) -> None:
    (tmp_path / "s1.TXT").write_text("Therapist: hello\n", encoding="utf-8")
    (tmp_path / "s2.vtt").write_text(
        "WEBVTT\n\n00:01.000 --> 00:02.000\nClient: hi\n", encoding="utf-8"
    )
    assert load_transcript(tmp_path / "s1.TXT")[0].speaker == "Therapist"
    assert load_transcript(str(tmp_path / "s2.vtt"))[0].role == "client"


def test_load_sets_id_from_stem_and_source_from_path(tmp_path: Path) -> None:
    path = tmp_path / "week-3.session.txt"
    path.write_text("Therapist: hello\n", encoding="utf-8")
    transcript = load_transcript(path)
    assert transcript.id == "week-3.session"
    assert transcript.source == str(path)
    assert load_transcript(path, id="s-17").id == "s-17"


def test_load_with_explicit_format_ignores_extension(tmp_path: Path) -> None:
    path = tmp_path / "captions.log"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n", encoding="utf-8")
    assert load_transcript(path, format="webvtt")[0].text == "hello"
    assert load_transcript(path, format="WebVTT")[0].text == "hello"
    with pytest.raises(TranscriptError, match="line 1: text before the first speaker label"):
        load_transcript(path, format="text")


def test_unknown_extension_names_file_and_lists_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.odt"
    path.write_bytes(b"Therapist: hi")
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "'.odt'" in message
    assert "text (.txt)" in message
    assert "webvtt (.vtt)" in message


def test_unknown_format_lists_formats(tmp_path: Path) -> None:
    with pytest.raises(
        TranscriptError, match=r"unknown format 'odt'; supported formats: .*text \(\.txt\)"
    ):
        load_transcript(tmp_path / "a.txt", format="odt")
    with pytest.raises(TranscriptError, match="unknown format 'pages'") as caught:
        parse_transcript("Therapist: hi", "pages", source="upload")
    assert caught.value.path == "upload"


@pytest.mark.parametrize("bad_format", [5, 0, False, b"text", ["text"]])
def test_a_format_that_is_not_a_string_is_a_transcript_error(
    tmp_path: Path, bad_format: Any
) -> None:
    path = tmp_path / "session.txt"
    path.write_text("Therapist: hello\n", encoding="utf-8")
    listed = "text (.txt), tsv (.tsv), webvtt (.vtt)"
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path, format=bad_format)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: format must be a format name (a string), not ")
    assert listed in str(caught.value)
    with pytest.raises(TranscriptError, match=re.escape(listed)) as caught:
        parse_transcript("Therapist: hello", bad_format, source="upload")
    assert caught.value.path == "upload"
    with pytest.raises(TranscriptError, match=re.escape(listed)) as caught:
        parse_transcript_bytes(b"Therapist: hello", bad_format, path="course/a.txt")
    assert caught.value.path == "course/a.txt"


def test_missing_file_is_a_transcript_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.txt"
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)
    assert not isinstance(caught.value, FileNotFoundError)
    assert str(caught.value) == f"{path}: file not found"


def test_directory_is_a_transcript_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(TranscriptError, match="is a directory"):
        load_transcript(folder)


def test_load_reports_decoding_errors_with_the_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xef\xbb\xbfTherapist: hi\nClient: \xff\n")
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)


def test_parse_transcript_accepts_crlf_and_bom() -> None:
    transcript = parse_transcript("\ufeffTherapist: one\r\ntwo\rClient: three", "text", id="x")
    assert turns_of(transcript) == [
        ("t1", "Therapist", "therapist", "one\ntwo", None),
        ("t2", "Client", "client", "three", None),
    ]
    assert transcript.id == "x"
    assert transcript.source is None


def test_parse_transcript_bytes_matches_load(tmp_path: Path) -> None:
    data = (DATA / "teams.vtt").read_bytes()
    from_bytes = parse_transcript_bytes(data, "webvtt", path="course/teams.vtt")
    assert from_bytes.id == "teams"
    assert from_bytes.source == "course/teams.vtt"
    assert from_bytes.turns == load_transcript(DATA / "teams.vtt", screen=False).turns
    assert parse_transcript_bytes(b"A: hi", "text").id == "transcript"


def test_roles_mapping_reaches_the_reader_and_bad_roles_are_value_errors() -> None:
    transcript = parse_transcript("Ana: hi\nBo: hello", "text", roles={"ana": "therapist"})
    assert [t.role for t in transcript] == ["therapist", "other"]
    with pytest.raises(ValueError, match="role must be one of"):
        parse_transcript("Ana: hi", "text", roles={"Ana": "supervisor"})


def test_a_registered_format_is_used_without_touching_the_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_FORMATS", dict(readers._FORMATS))
    monkeypatch.setattr(readers, "_EXTENSIONS", dict(readers._EXTENSIONS))

    def upper_decode(data: bytes, source: str | None) -> str:
        return data.decode("ascii").upper()

    register_format(TranscriptFormat("shout", (".shout",), parse_plain_text, upper_decode))
    path = tmp_path / "a.shout"
    path.write_bytes(b"therapist: hi")
    assert turns_of(load_transcript(path)) == [("t1", "THERAPIST", "therapist", "HI", None)]
    with pytest.raises(TranscriptError, match=r"shout \(\.shout\)"):
        load_transcript("x.pdf")


@pytest.mark.parametrize(
    "transcript_format",
    [
        TranscriptFormat("text", (".text",), parse_plain_text),
        TranscriptFormat("plain", (".txt",), parse_plain_text),
        TranscriptFormat("Plain", (".plain",), parse_plain_text),
        TranscriptFormat("plain", ("plain",), parse_plain_text),
    ],
    ids=["name-taken", "extension-taken", "upper-case-name", "no-dot"],
)
def test_register_format_refuses_clashes_and_bad_names(
    transcript_format: TranscriptFormat,
) -> None:
    before = supported_formats()
    with pytest.raises(ValueError):
        register_format(transcript_format)
    assert supported_formats() == before


# --- speaker-labelled plain text -----------------------------------------------------------------


def test_plain_fixture() -> None:
    transcript = load_transcript(DATA / "session_plain.txt")
    assert turns_of(transcript) == [
        (
            "t1",
            "Therapist",
            "therapist",
            "Last time we talked about your sleep.\nHow has it been since then?",
            None,
        ),
        (
            "t2",
            "Client",
            "client",
            "A bit better. I tried the wind-down routine.\n"
            "Note the time: I was in bed before eleven most nights.\n"
            "At 10:30 I start to feel calm now.",
            None,
        ),
        ("t3", "Therapist", "therapist", "That is a real change. What helped most?", None),
        ("t4", "Client", "client", "Putting the phone in the kitchen.", None),
    ]
    assert all(t.end is None for t in transcript)


def test_stamped_fixture() -> None:
    transcript = load_transcript(DATA / "session_stamped.txt")
    assert turns_of(transcript) == [
        (
            "t1",
            "Therapist",
            "therapist",
            "Good morning. What would you like to focus on today?",
            2.0,
        ),
        (
            "t2",
            "Client",
            "client",
            "I'm not sure. Things at home have been tense.\n"
            "My partner and I keep arguing about small things.",
            7.0,
        ),
        ("t3", "Therapist", "therapist", "Small things that add up?", 15.5),
        (
            "t4",
            "Client",
            "client",
            "Yes: the dishes, the bills, who picks up the kids.\nIt never stops.",
            62.0,
        ),
    ]
    assert all(t.end is None for t in transcript)


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [
        ("[00:00:09]", 9.0),
        ("[01:02:03]", 3723.0),
        ("[1:02:03]", 3723.0),
        ("[02:03]", 123.0),
        ("[75:00]", 4500.0),
        ("[00:00:01.250]", 1.25),
        ("[00:00:01.5]", 1.5),
        ("[00:01.007]", 1.007),
    ],
)
def test_time_stamp_forms(stamp: str, seconds: float) -> None:
    (turn,) = parse_transcript(f"{stamp} Client: hi", "text")
    assert turn.start == seconds
    assert turn.end is None
    assert turn.text == "hi"


def test_stamp_needs_no_space_before_the_label() -> None:
    assert parse_transcript("[00:05]Client: hi", "text")[0].start == 5.0


@pytest.mark.parametrize(
    "stamp", ["[00:61]", "[00:00:99]", "[00:75:00]", "[1:2:3]", "[00:00:01,5]"]
)
def test_malformed_stamp_names_the_line(stamp: str) -> None:
    error = text_error(f"Therapist: hi\n\n{stamp} Client: {SECRET}")
    assert error.line == 3
    assert "malformed time stamp" in error.reason
    assert SECRET not in str(error)


def test_brackets_that_are_not_stamps_are_text() -> None:
    (turn,) = parse_transcript("Client: hi\n[laughs] ok\n[1] see note", "text")
    assert turn.text == "hi\n[laughs] ok\n[1] see note"


def test_stamp_without_label_is_an_error() -> None:
    error = text_error(f"Therapist: hi\n[00:00:05] {SECRET}")
    assert error.line == 2
    assert "time stamp must be followed by a speaker label" in error.reason
    assert SECRET not in str(error)


def test_text_before_first_label_is_an_error() -> None:
    error = text_error(f"\n\n{SECRET}\nTherapist: hi")
    assert error.line == 3
    assert error.reason.startswith("text before the first speaker label")
    assert SECRET not in str(error)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "Therapist:\nClient:   \n"])
def test_no_turns_is_an_error(text: str) -> None:
    error = text_error(text)
    assert error.reason.startswith("no turns")
    assert error.line is None


def test_continuation_lines_join_with_newline_and_blank_lines_are_ignored() -> None:
    (turn,) = parse_transcript("Client:   first  \n\n   second\n\n\nthird  ", "text")
    assert turn.text == "first\nsecond\nthird"


def test_label_alone_on_its_line_takes_the_text_below() -> None:
    (turn,) = parse_transcript("THERAPIST:\nHow are you?", "text")
    assert (turn.speaker, turn.role, turn.text) == ("THERAPIST", "therapist", "How are you?")


def test_consecutive_lines_of_one_speaker_merge() -> None:
    transcript = parse_transcript("[00:01] T: a\n[00:02] T: b\nC: c\nT: d\nT: e\nt: f", "text")
    assert turns_of(transcript) == [
        ("t1", "T", "therapist", "a\nb", 1.0),
        ("t2", "C", "client", "c", None),
        ("t3", "T", "therapist", "d\ne", None),
        ("t4", "t", "therapist", "f", None),
    ]


def test_merged_turn_starts_at_the_first_known_stamp() -> None:
    (turn,) = parse_transcript("Client: a\n[00:09] Client: b\n[00:12] Client: c", "text")
    assert turn.start == 9.0


def test_a_label_with_no_text_between_turns_is_left_out() -> None:
    transcript = parse_transcript("A: one\nB:\nA: two", "text")
    assert turns_of(transcript) == [("t1", "A", "other", "one\ntwo", None)]


def test_turn_ids_are_stable() -> None:
    text = (DATA / "session_plain.txt").read_text(encoding="utf-8")
    first, second = parse_transcript(text, "text"), parse_transcript(text, "text")
    assert [t.id for t in first] == ["t1", "t2", "t3", "t4"]
    assert first.turns == second.turns


@pytest.mark.parametrize(
    "label",
    [
        "Therapist",
        "CLIENT",
        "T",
        "Speaker 1",
        "SPEAKER_01",
        "client a",
        "Dr Jane Smith",
        "Dr. J. Smith",
        "Ms O'Hara",
        "Interviewer (female)",
        "Élise",
        "Anyway",
        "A" * 40,
        "One Two Three Four",
    ],
)
def test_speaker_labels_accepted(label: str) -> None:
    assert SpeakerLabelRule().split(f"{label}: hello") == (label, "hello")


@pytest.mark.parametrize(
    "line",
    [
        "Note the time: 5pm",
        "I told her: no way",
        "Well, then: fine",
        "Really? Yes: fine",
        "At 10:30 I left",
        "10: ten",
        "2nd speaker: hi",
        "see http: thing",
        "https://example.org",
        "Speaker 1:no space",
        "Note:this",
        "Anyway:so",
        "Dr Jane Smith:hi",
        "C:\\Users\\me",
        "Client://example",
        "T:/tmp",
        ": empty label",
        "A" * 41 + ": too long",
        "One Two Three Four Five: too many words",
        '"Quoted": no',
    ],
)
def test_speaker_labels_rejected(line: str) -> None:
    assert SpeakerLabelRule().split(line) is None


@pytest.mark.parametrize(
    ("line", "label", "rest"),
    [
        ("Client:Not great.", "Client", "Not great."),
        ("THERAPIST:hi", "THERAPIST", "hi"),
        ("patient:hi", "patient", "hi"),
        ("Counsellor 2:hi", "Counsellor 2", "hi"),
        ("T:hi", "T", "hi"),
        ("c:hi", "c", "hi"),
        ("Client :Yes: fine", "Client", "Yes: fine"),
    ],
)
def test_role_words_are_labels_without_a_space_after_the_colon(
    line: str, label: str, rest: str
) -> None:
    assert SpeakerLabelRule().split(line) == (label, rest)


def test_labels_seen_before_or_named_in_roles_need_no_space() -> None:
    assert SpeakerLabelRule().split("Note:this") is None
    assert SpeakerLabelRule().split("Note:this", {"note"}) == ("Note", "this")
    assert SpeakerLabelRule.for_roles({"Ana": "client"}).split("ana:hi") == ("ana", "hi")
    assert SpeakerLabelRule().split("Note://x", {"note"}) is None


def test_unspaced_role_label_starts_a_turn() -> None:
    text = "Therapist: How are you?\nClient:Not great.\nTherapist: Tell me more."
    transcript = parse_transcript(text, "text")
    assert turns_of(transcript) == [
        ("t1", "Therapist", "therapist", "How are you?", None),
        ("t2", "Client", "client", "Not great.", None),
        ("t3", "Therapist", "therapist", "Tell me more.", None),
    ]
    assert [t.role for t in transcript].count("client") == 1


def test_unspaced_label_used_earlier_in_the_file_starts_a_turn() -> None:
    text = "Ana: hi\nBo: hello\n[00:07]Ana:again\nBo:yes"
    assert turns_of(parse_transcript(text, "text")) == [
        ("t1", "Ana", "other", "hi", None),
        ("t2", "Bo", "other", "hello", None),
        ("t3", "Ana", "other", "again", 7.0),
        ("t4", "Bo", "other", "yes", None),
    ]
    transcript = parse_transcript("Ana:hi\nBo: yo", "text", roles={"ana": "therapist"})
    assert [(t.speaker, t.role, t.text) for t in transcript] == [
        ("Ana", "therapist", "hi"),
        ("Bo", "other", "yo"),
    ]


def test_an_unspaced_label_must_be_used_before_not_after() -> None:
    error = text_error("Ana:hi\nAna: hello")
    assert error.line == 1
    assert error.reason.startswith("text before the first speaker label")


def test_unspaced_colons_that_are_not_labels_stay_text() -> None:
    text = (
        "Client: fine\n10:30 is when\nhttps://example.org\nNote:this\nC:\\Users\\me\n"
        "Client://x\nClient:Yes"
    )
    (turn,) = parse_transcript(text, "text")
    assert turn.speaker == "Client"
    assert turn.text == (
        "fine\n10:30 is when\nhttps://example.org\nNote:this\nC:\\Users\\me\nClient://x\nYes"
    )


def test_labels_named_in_roles_are_always_labels() -> None:
    text = "Dr van Dijk: hello\nclient of the week: hi"
    roles = {"dr van dijk": "therapist", "Client of the week": "client"}
    transcript = parse_transcript(text, "text", roles=roles)
    assert [(t.speaker, t.role) for t in transcript] == [
        ("Dr van Dijk", "therapist"),
        ("client of the week", "client"),
    ]
    assert text_error(text).line == 1


def test_first_colon_ends_the_label() -> None:
    (turn,) = parse_transcript("Client : Yes: the dishes", "text")
    assert (turn.speaker, turn.text) == ("Client", "Yes: the dishes")


@pytest.mark.parametrize("name", ["session_plain.txt", "session_stamped.txt"])
def test_every_word_of_plain_text_survives(name: str) -> None:
    raw = (DATA / name).read_text(encoding="utf-8")
    said = [re.sub(r"^(\[[\d:.]+\] )?(Therapist|Client): ", "", line) for line in raw.split("\n")]
    expected = " ".join(said).split()
    assert " ".join(t.text for t in load_transcript(DATA / name)).split() == expected
