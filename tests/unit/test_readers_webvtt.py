"""Reading WebVTT captions as Zoom, Teams and other recording tools write them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from attune_jupyter.core.readers import load_transcript, parse_transcript
from attune_jupyter.core.transcript import TranscriptError
from tests.unit.reader_helpers import SECRET, reader_error, turns_of, vtt

DATA = Path(__file__).parent.parent / "data" / "transcripts"

TEAMS_ROLES = {"Jordan Lee": "therapist", "Casey Morgan": "client"}


def vtt_error(text: str) -> TranscriptError:
    return reader_error(text, "webvtt", "call.vtt")


# --- the fixtures --------------------------------------------------------------------------------


def test_zoom_fixture() -> None:
    assert turns_of(load_transcript(DATA / "zoom.vtt")) == [
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
            "Honestly, pretty rough. I kept waking up around four in the morning. "
            "And then I just lie there & worry.",
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
        ("t4", "Client", "client", "Work, mostly. Deadlines.", 16.0, 18.0),
    ]


def test_teams_fixture_really_has_bom_crlf_and_guid_ids() -> None:
    # Guards the fixture against editors and git settings that would quietly normalise it.
    data = (DATA / "teams.vtt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfWEBVTT\r\n")
    assert data.count(b"\r\n") == data.count(b"\n")
    assert re.search(rb"^[0-9a-f-]{36}/\d+-0\r$", data, re.MULTILINE)


def test_teams_fixture() -> None:
    transcript = load_transcript(DATA / "teams.vtt", roles=TEAMS_ROLES, screen=False)
    assert turns_of(transcript) == [
        (
            "t1",
            "Jordan Lee",
            "therapist",
            "Hi Casey, good to see you again. Where would you like to start today?",
            0.5,
            5.4,
        ),
        (
            "t2",
            "Casey Morgan",
            "client",
            "I don't know. Maybe the thing with my sister <again>. Sorry, it's hard to say.",
            6.0,
            12.0,
        ),
        ("t3", "Jordan Lee", "therapist", "Take your time.\u00a0There is no rush.", 12.5, 15.0),
    ]
    assert transcript.id == "teams"


@pytest.mark.parametrize("name", ["zoom.vtt", "teams.vtt"])
def test_every_word_of_cue_text_appears_in_the_output(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8-sig")
    words = []
    for block in text.split("\n\n"):
        lines = block.strip().split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        for line in lines[timing + 1 :] if timing is not None else []:
            plain = html.unescape(re.sub(r"<[^>]*>", "", line))
            words += re.sub(r"^(Therapist|Client): ", "", plain).split()
    output = " ".join(t.text for t in load_transcript(DATA / name, screen=False)).split()
    assert output == words
    assert len(words) > 30


# --- header and blocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\nWEBVTT\n",
        "WEBVTTX\n",
        "webvtt\n",
        " WEBVTT\n",
        f"{SECRET}\n\n00:01.000 --> 00:02.000\nhi",
    ],
)
def test_missing_header(text: str) -> None:
    error = vtt_error(text)
    assert error.line == 1
    assert error.reason.startswith("missing WEBVTT header")


def test_header_forms_and_metadata_lines() -> None:
    for header in ("WEBVTT", "WEBVTT - Session 4", "WEBVTT\tx", "\ufeffWEBVTT"):
        text = f"{header}\nKind: captions\nLanguage: en\n\n00:01.000 --> 00:02.000\nhi\n"
        assert parse_transcript(text, "webvtt")[0].text == "hi"


def test_cue_right_after_the_header_line() -> None:
    text = "WEBVTT\n1\n00:01.000 --> 00:02.000\nhello\n\n00:03.000 --> 00:04.000\nthere"
    assert [t.text for t in parse_transcript(text, "webvtt")] == ["hello", "there"]


def test_note_style_and_region_blocks_are_skipped() -> None:
    text = vtt(
        "STYLE\n::cue { color: red }",
        "REGION\nid:left width:40%",
        f"NOTE\n{SECRET}\nmore notes",
        "NOTE one-line note",
        "00:01.000 --> 00:02.000\nhello",
        "NOTE\tafter a cue",
    )
    assert [t.text for t in parse_transcript(text, "webvtt")] == ["hello"]


def test_blank_lines_may_hold_whitespace_and_file_may_lack_final_newline() -> None:
    text = "WEBVTT\n \n00:01.000 --> 00:02.000\nA: hi\n\t\n00:03.000 --> 00:04.000\nB: yo"
    assert [t.speaker for t in parse_transcript(text, "webvtt")] == ["A", "B"]


def test_no_cues_is_no_turns() -> None:
    for text in ("WEBVTT\n", vtt("NOTE only"), vtt("1\n00:01.000 --> 00:02.000")):
        assert vtt_error(text).reason.startswith("no turns")


# --- timing lines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "start", "end"),
    [
        ("00:00:01.000 --> 00:00:02.500", 1.0, 2.5),
        ("01:02.003 --> 01:04.000", 62.003, 64.0),
        ("1:00:00.000 --> 1:00:01.000", 3600.0, 3601.0),
        ("100:00:00.000 --> 100:00:01.000", 360000.0, 360001.0),
        ("00:00:01.000 --> 00:00:02.000 align:start position:10% line:0", 1.0, 2.0),
        ("00:00:01.000-->00:00:02.000", 1.0, 2.0),
        ("  00:00:01.000 --> 00:00:01.000  ", 1.0, 1.0),
    ],
)
def test_timing_forms(timing: str, start: float, end: float) -> None:
    (turn,) = parse_transcript(vtt(f"{timing}\nhello"), "webvtt")
    assert (turn.start, turn.end) == (start, end)


@pytest.mark.parametrize(
    ("timing", "quoted"),
    [
        ("00:01 -> 00:02", "'00:01 -> 00:02'"),
        ("00:00:01,000 --> 00:00:02,000", "'00:00:01,000 --> 00:00:02,000'"),
        ("00:00:01.000 --> 00:00:02", "'00:00:01.000 --> 00:00:02'"),
        ("00:00:61.000 --> 00:01:02.000", "'00:00:61.000 --> 00:01:02.000'"),
        ("00:00:01.0 --> 00:00:02.0", "'00:00:01.0 --> 00:00:02.0'"),
        ("00:00:01.000 --> 00:00:02.000align:start", "'00:00:01.000 --> 00:00:02.000'"),
        (f"00:00:01.000 --> {SECRET}", "'00:00:01.000 -->'"),
        (f"{SECRET} --> later", ""),
    ],
)
def test_malformed_timing_names_the_line(timing: str, quoted: str) -> None:
    error = vtt_error(vtt("00:00.000 --> 00:01.000\nfine", f"7\n{timing}\n{SECRET}"))
    assert error.line == 7
    assert error.reason.startswith(f"malformed cue timing line{' ' if quoted else ''}{quoted};")


def test_cue_ending_before_it_starts() -> None:
    error = vtt_error(vtt(f"00:00:05.000 --> 00:00:04.999\n{SECRET}"))
    assert error.line == 3
    assert error.reason == "cue ends before it starts '00:00:05.000 --> 00:00:04.999'"


def test_cue_text_without_timing_line() -> None:
    error = vtt_error(vtt("00:01.000 --> 00:02.000\nfine", f"12\n{SECRET}\nmore"))
    assert error.line == 7
    assert error.reason.startswith("expected a cue timing line")
    assert vtt_error(vtt(SECRET)).line == 3


def test_timing_line_inside_cue_text() -> None:
    text = vtt(f"1\n00:01.000 --> 00:02.000\n{SECRET}\n2\n00:03.000 --> 00:04.000\nmore")
    error = vtt_error(text)
    assert error.line == 7
    assert "blank line before it missing" in error.reason


def test_arrow_inside_cue_text_is_text() -> None:
    (turn,) = parse_transcript(vtt("00:01.000 --> 00:02.000\nfrom here --> there"), "webvtt")
    assert turn.text == "from here --> there"


@pytest.mark.parametrize(
    "line",
    ["2->3 times a week", "2 -> 3 times", "1.5 --> 2 hours", "10 --> 12", "3,4 -> 5", "12-> 13:00"],
)
def test_numbers_and_arrows_without_a_clock_time_are_cue_text(line: str) -> None:
    text = vtt(f"00:01.000 --> 00:02.000\nClient: I go\n{line}")
    (turn,) = parse_transcript(text, "webvtt")
    assert (turn.speaker, turn.text) == ("Client", f"I go {line}")


@pytest.mark.parametrize(
    "line", ["00:01 -> 00:02", "1:02.000 --> 1:03.000", "0:5->", "12:30->13:00 we meet"]
)
def test_clock_times_before_an_arrow_are_a_timing_line_inside_cue_text(line: str) -> None:
    error = vtt_error(vtt(f"00:01.000 --> 00:02.000\n{SECRET}\n{line}"))
    assert error.line == 5
    assert "blank line before it missing" in error.reason


# --- cue text ------------------------------------------------------------------------------------


def test_multi_line_cue_text_is_joined_with_a_space() -> None:
    (turn,) = parse_transcript(
        vtt("00:01.000 --> 00:02.000\n  Client: one  \ntwo\nthree"), "webvtt"
    )
    assert (turn.speaker, turn.text) == ("Client", "one two three")


def test_cue_tags_are_removed() -> None:
    cue = (
        "<c.yellow.bg_blue>one</c> <i>two</i> <b>three</b> <u>four</u> <lang en-GB>five</lang> "
        "<ruby>six<rt>seven</rt></ruby> eight<00:00:01.500> nine<01:02.000>"
    )
    (turn,) = parse_transcript(vtt(f"00:01.000 --> 00:02.000\n{cue}"), "webvtt")
    assert turn.text == "one two three four five sixseven eight nine"


def test_other_angle_brackets_are_kept_as_text() -> None:
    (turn,) = parse_transcript(vtt("00:01.000 --> 00:02.000\nI <3 it <not a tag>"), "webvtt")
    assert turn.text == "I <3 it <not a tag>"


def test_character_references_are_decoded() -> None:
    cue = (
        "a &amp; b &lt;c&gt; d&nbsp;e &lrm;f&rlm; &quot;g&quot; &apos;h&apos; "
        "&#233; &#x263A; &#0; &#xD800; &#1114112; &bogus; AT&T"
    )
    (turn,) = parse_transcript(vtt(f"00:01.000 --> 00:02.000\n{cue}"), "webvtt")
    assert (
        turn.text
        == "a & b <c> d\u00a0e \u200ef\u200f \"g\" 'h' é ☺ &#0; &#xD800; &#1114112; &bogus; AT&T"
    )


def test_escaped_tags_are_text_not_tags() -> None:
    (turn,) = parse_transcript(vtt("00:01.000 --> 00:02.000\n&lt;i&gt;x&lt;/i&gt;"), "webvtt")
    assert turn.text == "<i>x</i>"


# --- speakers ------------------------------------------------------------------------------------


def test_voice_tags_with_and_without_closing_tag_and_class() -> None:
    text = vtt(
        "00:01.000 --> 00:02.000\n<v Jordan Lee>one</v>",
        "00:03.000 --> 00:04.000\n<v.loud.fast Casey Morgan>two",
        "00:05.000 --> 00:06.000\n<v   Jordan Lee  >three",
    )
    transcript = parse_transcript(text, "webvtt", roles=TEAMS_ROLES)
    assert turns_of(transcript) == [
        ("t1", "Jordan Lee", "therapist", "one", 1.0, 2.0),
        ("t2", "Casey Morgan", "client", "two", 3.0, 4.0),
        ("t3", "Jordan Lee", "therapist", "three", 5.0, 6.0),
    ]


def test_several_voices_in_one_cue() -> None:
    text = vtt("00:01.000 --> 00:02.000\n<v T>How are you?</v> <v C>Fine.</v> after")
    assert turns_of(parse_transcript(text, "webvtt")) == [
        ("t1", "T", "therapist", "How are you?", 1.0, 2.0),
        ("t2", "C", "client", "Fine.", 1.0, 2.0),
        ("t3", "", "other", "after", 1.0, 2.0),
    ]


def test_voice_tag_wins_over_a_colon_in_the_text() -> None:
    (turn,) = parse_transcript(vtt("00:01.000 --> 00:02.000\n<v Client>Note: it"), "webvtt")
    assert (turn.speaker, turn.text) == ("Client", "Note: it")


def test_voice_tag_without_a_name_is_unlabelled() -> None:
    (turn,) = parse_transcript(vtt("00:01.000 --> 00:02.000\n<v>hello</v>"), "webvtt")
    assert (turn.speaker, turn.role, turn.text) == ("", "other", "hello")


def test_zoom_labels_follow_the_speaker_label_rule() -> None:
    text = vtt(
        "00:01.000 --> 00:02.000\nNote the time: 5pm",
        "00:03.000 --> 00:04.000\nDr Ana Ruiz: At 10:30 then",
    )
    assert [(t.speaker, t.text) for t in parse_transcript(text, "webvtt")] == [
        ("", "Note the time: 5pm"),
        ("Dr Ana Ruiz", "At 10:30 then"),
    ]


def test_zoom_labels_without_a_space_follow_the_speaker_label_rule() -> None:
    text = vtt(
        "00:01.000 --> 00:02.000\nTherapist: How are you?",
        "00:03.000 --> 00:04.000\nClient:Not great.",
        "00:05.000 --> 00:06.000\nDr Ana Ruiz: Tell me more.",
        "00:07.000 --> 00:08.000\nDr Ana Ruiz:What happened?",
        "00:09.000 --> 00:10.000\nNote:this",
        "00:11.000 --> 00:12.000\nhttps://example.org",
    )
    assert turns_of(parse_transcript(text, "webvtt")) == [
        ("t1", "Therapist", "therapist", "How are you?", 1.0, 2.0),
        ("t2", "Client", "client", "Not great.", 3.0, 4.0),
        ("t3", "Dr Ana Ruiz", "other", "Tell me more. What happened?", 5.0, 8.0),
        ("t4", "", "other", "Note:this", 9.0, 10.0),
        ("t5", "", "other", "https://example.org", 11.0, 12.0),
    ]


def test_an_unspaced_zoom_label_must_be_used_in_an_earlier_cue() -> None:
    text = vtt("00:01.000 --> 00:02.000\nAna:hi", "00:03.000 --> 00:04.000\nAna: hello")
    assert [(t.speaker, t.text) for t in parse_transcript(text, "webvtt")] == [
        ("", "Ana:hi"),
        ("Ana", "hello"),
    ]
    (turn,) = parse_transcript(
        vtt("00:01.000 --> 00:02.000\nana:hi"), "webvtt", roles={"Ana": "client"}
    )
    assert (turn.speaker, turn.role, turn.text) == ("ana", "client", "hi")


def test_roles_labels_count_as_zoom_labels() -> None:
    text = vtt("00:01.000 --> 00:02.000\ndr van dijk: hello")
    (turn,) = parse_transcript(text, "webvtt", roles={"Dr van Dijk": "therapist"})
    assert (turn.speaker, turn.role, turn.text) == ("dr van dijk", "therapist", "hello")


def test_unlabelled_cues_stay_one_turn_each() -> None:
    text = vtt("00:01.000 --> 00:02.000\none", "00:02.000 --> 00:03.000\ntwo")
    assert turns_of(parse_transcript(text, "webvtt")) == [
        ("t1", "", "other", "one", 1.0, 2.0),
        ("t2", "", "other", "two", 2.0, 3.0),
    ]


def test_same_speaker_cues_merge_but_not_across_another_speaker() -> None:
    text = vtt(
        "00:01.000 --> 00:02.000\nClient: one",
        "00:02.500 --> 00:03.000\n<v Client>two</v>",
        "00:04.000 --> 00:05.000\nTherapist: three",
        "00:06.000 --> 00:07.000\nClient: four",
        "00:07.000 --> 00:08.000\nclient: five",
    )
    assert turns_of(parse_transcript(text, "webvtt")) == [
        ("t1", "Client", "client", "one two", 1.0, 3.0),
        ("t2", "Therapist", "therapist", "three", 4.0, 5.0),
        ("t3", "Client", "client", "four", 6.0, 7.0),
        ("t4", "client", "client", "five", 7.0, 8.0),
    ]


def test_empty_cues_are_left_out_without_breaking_a_turn() -> None:
    text = vtt(
        "00:01.000 --> 00:02.000\nClient: one",
        "00:02.000 --> 00:03.000\n<i></i>",
        "00:03.000 --> 00:04.000\nClient: two",
    )
    assert turns_of(parse_transcript(text, "webvtt")) == [
        ("t1", "Client", "client", "one two", 1.0, 4.0)
    ]


def test_turn_ids_are_stable() -> None:
    first = load_transcript(DATA / "teams.vtt", screen=False)
    second = parse_transcript((DATA / "teams.vtt").read_text(encoding="utf-8"), "webvtt")
    assert [t.id for t in first] == ["t1", "t2", "t3"]
    assert first.turns == second.turns
