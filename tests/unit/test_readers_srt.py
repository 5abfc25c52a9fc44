"""Reading SubRip (.srt) subtitles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attune_jupyter.core.readers import (
    TranscriptWarning,
    format_for_path,
    load_transcript,
    parse_transcript,
    parse_transcript_bytes,
    supported_formats,
)
from attune_jupyter.core.transcript import TranscriptError
from tests.unit.reader_helpers import SECRET, reader_error, srt, turns_of

DATA = Path(__file__).parent.parent / "data" / "transcripts" / "srt"


def srt_error(text: str) -> TranscriptError:
    return reader_error(text, "srt", "call.srt")


# --- the fixtures --------------------------------------------------------------------------------


def test_session_fixture() -> None:
    transcript = load_transcript(DATA / "session.srt")
    assert transcript.id == "session"
    assert transcript.source == str(DATA / "session.srt")
    assert turns_of(transcript) == [
        (
            "t1",
            "Therapist",
            "therapist",
            "Thanks for coming in today. How has the week been?",
            1.2,
            4.8,
        ),
        (
            "t2",
            "Client",
            "client",
            "Honestly, pretty rough. I kept waking up around four in the morning, "
            "and then I'd just lie there.",
            5.1,
            11.5,
        ),
        (
            "t3",
            "Therapist",
            "therapist",
            "That sounds exhausting. What goes through your mind then?",
            12.0,
            15.25,
        ),
        (
            "t4",
            "Client",
            "client",
            "Work, mostly. Deadlines & the 2->3 reports a week. And my sister, I guess.",
            16.0,
            62.075,
        ),
    ]


def test_unlabelled_fixture_really_has_bom_and_crlf() -> None:
    # Guards the fixture against editors and git settings that would quietly normalise it.
    data = (DATA / "unlabelled.srt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf1\r\n")
    assert data.count(b"\r\n") == data.count(b"\n")


def test_unlabelled_fixture() -> None:
    assert turns_of(load_transcript(DATA / "unlabelled.srt")) == [
        ("t1", "", "other", "Good to see you again.", 0.5, 3.0),
        (
            "t2",
            "",
            "other",
            "- Where would you like to start? - I don't know. Maybe {the thing} with <again>.",
            3.4,
            7.9,
        ),
        ("t3", "", "other", "Take your time.", 3610.0, 3612.5),
    ]


@pytest.mark.parametrize("name", ["session.srt", "unlabelled.srt"])
def test_every_word_of_cue_text_appears_in_the_output(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    words = []
    for block in text.split("\n\n"):
        lines = block.strip().split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        assert timing is not None
        for line in lines[timing + 1 :]:
            plain = re.sub(r"</?(i|b|u|font)\b[^>]*>|\{\\[^}]*\}", "", line, flags=re.IGNORECASE)
            words += re.sub(r"^(Therapist|Client): ?", "", plain).split()
    output = " ".join(t.text for t in load_transcript(DATA / name)).split()
    assert output == words
    assert len(words) > 20


# --- dispatch ------------------------------------------------------------------------------------


def test_srt_is_registered_by_name_and_extension(tmp_path: Path) -> None:
    assert supported_formats()["srt"] == (".srt",)
    assert format_for_path("a/b/Session.SRT") == "srt"
    path = tmp_path / "week3.SRT"
    path.write_text(srt("1\n00:00:01,000 --> 00:00:02,000\nClient: hi"), encoding="utf-8")
    transcript = load_transcript(path)
    assert (transcript.id, transcript[0].speaker, transcript[0].text) == ("week3", "Client", "hi")
    assert load_transcript(path, id="x").id == "x"
    assert parse_transcript_bytes(path.read_bytes(), "SRT")[0].text == "hi"


def test_format_argument_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "captions.txt"
    path.write_text(srt("1\n00:00:01,000 --> 00:00:02,000\nhello"), encoding="utf-8")
    assert load_transcript(path, format="srt")[0].text == "hello"


# --- cues and timing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "start", "end"),
    [
        ("00:00:01,000 --> 00:00:02,500", 1.0, 2.5),
        ("00:00:01.000 --> 00:00:02.500", 1.0, 2.5),
        ("00:00:01,000-->00:00:02,500", 1.0, 2.5),
        ("00:00:01,000\t-->  00:00:02,500", 1.0, 2.5),
        ("01:02:03,004 --> 101:00:00,000", 3723.004, 363600.0),
        ("00:00:01,5 --> 00:00:02,25", 1.5, 2.25),
        ("00:01,000 --> 00:02,000", 1.0, 2.0),
        ("00:00:01,000 --> 00:00:02,000 X1:40 X2:600 Y1:20 Y2:50", 1.0, 2.0),
        ("  00:00:01,000 --> 00:00:01,000  ", 1.0, 1.0),
    ],
)
def test_timing_forms(timing: str, start: float, end: float) -> None:
    turn = parse_transcript(srt(f"1\n{timing}\nhello"), "srt")[0]
    assert (turn.start, turn.end) == (start, end)


def test_cue_numbers_are_optional_and_not_checked() -> None:
    text = srt(
        "00:00:01,000 --> 00:00:02,000\none",
        "7\n00:00:03,000 --> 00:00:04,000\ntwo",
        "  3  \n00:00:05,000 --> 00:00:06,000\nthree",
    )
    assert [t.text for t in parse_transcript(text, "srt")] == ["one", "two", "three"]


def test_blank_lines_may_hold_whitespace_and_file_may_lack_final_newline() -> None:
    text = (
        "\n \n1\n00:00:01,000 --> 00:00:02,000\nhello\n \t\n2\n00:00:03,000 --> 00:00:04,000\nyou"
    )
    assert [t.text for t in parse_transcript(text, "srt")] == ["hello", "you"]


def test_crlf_bom_and_lone_cr_line_endings() -> None:
    body = "1\n00:00:01,000 --> 00:00:02,000\nClient: hi\n\n2\n00:00:03,000 --> 00:00:04,000\nyo"
    for text in ("\ufeff" + body.replace("\n", "\r\n"), body.replace("\n", "\r")):
        assert [t.text for t in parse_transcript(text, "srt")] == ["hi", "yo"]
    bad = body.replace("00:00:03,000 -->", "00:00:05,000 -->").replace("\n", "\r\n")
    assert srt_error(bad).line == 6


def test_multi_line_cue_text_is_joined_with_a_space() -> None:
    text = srt("1\n00:00:01,000 --> 00:00:02,000\n  first   line \nsecond\tline\n\tthird")
    assert parse_transcript(text, "srt")[0].text == "first line second line third"


def test_cues_without_text_are_left_out_without_breaking_a_turn() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nClient: one",
        "2\n00:00:02,000 --> 00:00:03,000",
        "3\n00:00:03,000 --> 00:00:04,000\n<i></i> {\\an8}",
        "4\n00:00:04,000 --> 00:00:05,000\nClient: two",
    )
    assert turns_of(parse_transcript(text, "srt")) == [
        ("t1", "Client", "client", "one two", 1.0, 5.0)
    ]


# --- tags ----------------------------------------------------------------------------------------


def test_formatting_tags_are_removed() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\n"
        '<i>one</i> <B>two</B> <u>three</u> <s>four</s> <font color="#ff0000">five</font> '
        "<FONT face='Arial' size=\"3\">six</FONT> <i >seven</i > wo<b>r</b>d"
    )
    assert parse_transcript(text, "srt")[0].text == "one two three four five six seven word"


def test_ass_override_blocks_are_removed() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}top {\\i1}slanted{\\i0} {\\pos(10,20)}here"
    )
    assert parse_transcript(text, "srt")[0].text == "top slanted here"


@pytest.mark.parametrize(
    "kept",
    [
        "a <b",
        "x < y > z",
        "<again>",
        "<v Client>",
        "<c.red>",
        "<br>",
        "{the thing}",
        "{an8}",
        "&amp; &lt;",
        "<fontish>",
        "\\N",
    ],
)
def test_other_brackets_and_references_are_kept_as_text(kept: str) -> None:
    text = srt(f"1\n00:00:01,000 --> 00:00:02,000\nsay {kept} now")
    assert parse_transcript(text, "srt")[0].text == f"say {kept} now"


# --- speakers ------------------------------------------------------------------------------------


def test_same_speaker_cues_merge_but_not_across_another_speaker() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nTherapist: a",
        "2\n00:00:02,000 --> 00:00:03,000\nTherapist: b",
        "3\n00:00:03,000 --> 00:00:04,000\nClient: c",
        "4\n00:00:04,000 --> 00:00:05,000\nTherapist: d",
        "5\n00:00:05,000 --> 00:00:06,000\nTHERAPIST: e",
    )
    assert turns_of(parse_transcript(text, "srt")) == [
        ("t1", "Therapist", "therapist", "a b", 1.0, 3.0),
        ("t2", "Client", "client", "c", 3.0, 4.0),
        ("t3", "Therapist", "therapist", "d", 4.0, 5.0),
        ("t4", "THERAPIST", "therapist", "e", 5.0, 6.0),
    ]


def test_unlabelled_cues_stay_one_turn_each() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nHello.",
        "2\n00:00:02,000 --> 00:00:03,000\nHi.",
        "3\n00:00:03,000 --> 00:00:04,000\nClient: so",
        "4\n00:00:04,000 --> 00:00:05,000\nwell",
    )
    assert turns_of(parse_transcript(text, "srt")) == [
        ("t1", "", "other", "Hello.", 1.0, 2.0),
        ("t2", "", "other", "Hi.", 2.0, 3.0),
        ("t3", "Client", "client", "so", 3.0, 4.0),
        ("t4", "", "other", "well", 4.0, 5.0),
    ]


def test_label_only_at_the_start_of_the_cue_text() -> None:
    text = srt("1\n00:00:01,000 --> 00:00:02,000\nTherapist: how?\nClient: fine")
    assert turns_of(parse_transcript(text, "srt")) == [
        ("t1", "Therapist", "therapist", "how? Client: fine", 1.0, 2.0)
    ]


def test_labels_follow_the_speaker_label_rule() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nSpeaker 1: hi",
        "2\n00:00:02,000 --> 00:00:03,000\nNote the time: 5pm",
        "3\n00:00:03,000 --> 00:00:04,000\n10:30 is fine",
        "4\n00:00:04,000 --> 00:00:05,000\nhttps://example.org is it",
    )
    assert [(t.speaker, t.text) for t in parse_transcript(text, "srt")] == [
        ("Speaker 1", "hi"),
        ("", "Note the time: 5pm"),
        ("", "10:30 is fine"),
        ("", "https://example.org is it"),
    ]


def test_an_unspaced_label_needs_a_role_word_roles_or_an_earlier_cue() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nJo:early",
        "2\n00:00:02,000 --> 00:00:03,000\nClient:fine",
        "3\n00:00:03,000 --> 00:00:04,000\nJo: spaced",
        "4\n00:00:04,000 --> 00:00:05,000\nClient: more",
        "5\n00:00:05,000 --> 00:00:06,000\nJo:later",
        "6\n00:00:06,000 --> 00:00:07,000\nSam:x",
    )
    assert [(t.speaker, t.text) for t in parse_transcript(text, "srt")] == [
        ("", "Jo:early"),
        ("Client", "fine"),
        ("Jo", "spaced"),
        ("Client", "more"),
        ("Jo", "later"),
        ("", "Sam:x"),
    ]
    with_roles = parse_transcript(text, "srt", roles={"sam": "client"})
    assert (with_roles[-1].speaker, with_roles[-1].role) == ("Sam", "client")


def test_roles_name_speakers_and_declare_labels() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nDr van Dijk: welcome",
        "2\n00:00:02,000 --> 00:00:03,000\nAlex: thanks",
    )
    transcript = parse_transcript(text, "srt", roles={"Dr van Dijk": "therapist", "Alex": "client"})
    assert [(t.speaker, t.role) for t in transcript] == [
        ("Dr van Dijk", "therapist"),
        ("Alex", "client"),
    ]
    with pytest.raises(ValueError, match="role must be one of"):
        parse_transcript(text, "srt", roles={"Alex": "patient"})


def test_tags_around_a_label_do_not_hide_it() -> None:
    text = srt("1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Client:</i> it was <b>hard</b>")
    assert turns_of(parse_transcript(text, "srt")) == [
        ("t1", "Client", "client", "it was hard", 1.0, 2.0)
    ]


def test_a_label_without_text_gives_no_turn() -> None:
    text = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nClient:",
        "2\n00:00:02,000 --> 00:00:03,000\nTherapist: go on",
    )
    assert [t.speaker for t in parse_transcript(text, "srt")] == ["Therapist"]


def test_turn_ids_are_stable() -> None:
    text = (DATA / "session.srt").read_text(encoding="utf-8")
    first, second = parse_transcript(text, "srt"), parse_transcript(text, "srt")
    assert [t.id for t in first] == ["t1", "t2", "t3", "t4"]
    assert first == second


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "quoted"),
    [
        ("00:00:01,000 -> 00:00:02,000", "'00:00:01,000 -> 00:00:02,000'"),
        ("00:00:01 --> 00:00:02", "'00:00:01 --> 00:00:02'"),
        ("00:00:01,0000 --> 00:00:02,000", "'00:00:01,0000 --> 00:00:02,000'"),
        ("00:00:61,000 --> 00:01:02,000", "'00:00:61,000 --> 00:01:02,000'"),
        ("00:00:01;000 --> 00:00:02,000", "'00:00:01'"),
        (f"00:00:01,000 --> {SECRET}", "'00:00:01,000 -->'"),
        (f"--> 00:00:02,000 {SECRET}", "'--> 00:00:02,000'"),
        (f"{SECRET} --> 00:00:02,000", ""),
    ],
)
def test_malformed_timing_names_the_line(timing: str, quoted: str) -> None:
    error = srt_error(srt("1\n00:00:00,000 --> 00:00:01,000\nok", f"2\n{timing}\nhello"))
    assert error.line == 6
    assert error.reason.startswith("malformed cue timing line")
    assert quoted in error.reason
    assert "hh:mm:ss,mmm --> hh:mm:ss,mmm" in error.reason


def test_malformed_timing_without_a_cue_number() -> None:
    error = srt_error(srt("00:00:01,000 --> 00:00:0x,000\nhello"))
    assert (error.line, error.reason.startswith("malformed cue timing line")) == (1, True)


def test_cue_ending_before_it_starts() -> None:
    error = srt_error(
        srt("1\n00:00:01,000 --> 00:00:02,000\na", "2\n00:00:05,000 --> 00:00:04,999\nb")
    )
    assert error.line == 6
    assert error.reason == "cue ends before it starts '00:00:05,000 --> 00:00:04,999'"


def test_text_without_a_timing_line() -> None:
    # A blank line inside cue text: the part after it has no timing line.
    error = srt_error(srt("1\n00:00:01,000 --> 00:00:02,000\nfirst part", f"{SECRET}\nmore"))
    assert error.line == 5
    assert error.reason.startswith("text without a cue timing line")


def test_text_before_a_timing_line_is_not_a_cue_number() -> None:
    error = srt_error(srt(f"{SECRET}\n00:00:01,000 --> 00:00:02,000\nhi"))
    assert error.line == 1
    assert error.reason.startswith("text without a cue timing line")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n", 5),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\nhello there\n", 6),
        ("12\n\n00:00:01,000 --> 00:00:02,000\nhi\n", 1),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", 1),
    ],
)
def test_cue_number_or_header_without_a_timing_line(text: str, line: int) -> None:
    error = srt_error(text)
    assert error.line == line
    assert "timing line" in error.reason


@pytest.mark.parametrize(
    "line",
    ["00:00:03,000 --> 00:00:04,000", "00:00:03,000 -> 00:00:04,000", "1:02,000 --> x"],
)
def test_timing_line_inside_cue_text(line: str) -> None:
    error = srt_error(f"1\n00:00:01,000 --> 00:00:02,000\n{SECRET}\n2\n{line}\nmore\n")
    assert error.line == 5
    assert "blank line before it missing" in error.reason


@pytest.mark.parametrize("line", ["2->3 times a week", "from here --> there", "12 -> 13", "1:2"])
def test_arrows_and_numbers_in_cue_text_are_text(line: str) -> None:
    text = srt(f"1\n00:00:01,000 --> 00:00:02,000\nsay\n{line}")
    assert parse_transcript(text, "srt")[0].text == f"say {line}"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n  \n",
        "1\n00:00:01,000 --> 00:00:02,000\n",
        "1\n00:00:01,000 --> 00:00:02,000\n<i></i>",
    ],
)
def test_no_turns(text: str) -> None:
    error = srt_error(text)
    assert error.line is None
    assert error.reason.startswith("no turns")


def test_non_utf8_files_are_read_as_cp1252_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.srt"
    path.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\ncaf\xe9\n")
    with pytest.warns(TranscriptWarning, match="line 3: not UTF-8"):
        transcript = load_transcript(path)
    assert transcript[0].text == "café"
