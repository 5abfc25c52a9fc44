"""Reading CHAT (.cha, TalkBank) transcripts."""

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
from tests.unit.reader_helpers import SECRET, B, chat, reader_error, turns_of

DATA = Path(__file__).parent.parent / "data" / "transcripts" / "chat"


def chat_error(text: str) -> TranscriptError:
    return reader_error(text, "chat", "s.cha")


# --- the fixture ---------------------------------------------------------------------------------


def test_session_fixture() -> None:
    transcript = load_transcript(DATA / "session.cha")
    assert transcript.id == "session"
    assert turns_of(transcript) == [
        ("t1", "Dana_Reyes", "therapist", "thanks for coming in today .", 1.2, 4.8),
        ("t2", "Dana_Reyes", "therapist", "how has the week been ?", 4.9, 6.0),
        (
            "t3",
            "CLI",
            "client",
            "honestly , pretty rough . I kept waking up around four in the morning and then "
            "I'd just lie there .",
            6.5,
            11.5,
        ),
        ("t4", "Dana_Reyes", "therapist", "that sounds exhausting [/] exhausting .", 12.0, 15.25),
        (
            "t5",
            "CLI",
            "client",
            "&-um work , mostly . deadlines and my sister , I guess .",
            None,
            None,
        ),
        ("t6", "INV", "other", "xxx .", None, None),
    ]
    assert [dict(t.metadata) for t in transcript] == [
        {"com": "leans forward"},
        {},
        {"mor": "adv|honest-LY cm|cm adv|pretty adj|rough .", "act": "looks down"},
        {},
        {},
        {},
    ]
    assert transcript.metadata == {
        "PID": "11312/a-00000000-1",
        "Languages": "eng",
        "Participants": "THE Dana_Reyes Therapist, CLI Client, INV Investigator",
        "ID": "eng|attune|THE|||||Therapist|||\neng|attune|CLI|||||Client|||",
        "Media": "session1, audio",
        "Comment": "synthetic session written for the tests\npause of about ten seconds",
    }


def test_every_word_of_the_main_tiers_appears_in_the_output() -> None:
    text = (DATA / "session.cha").read_text(encoding="utf-8")
    words: list[str] = []
    in_main = False
    for line in text.split("\n"):
        if line.startswith("*"):
            in_main = True
            line = line.split(":", 1)[1]
        elif not line.startswith("\t"):
            in_main = False
        if in_main:
            words += re.sub("\x15[^\x15]*\x15", " ", line).split()
    output = " ".join(t.text for t in load_transcript(DATA / "session.cha")).split()
    assert output == words
    assert len(words) > 40


def test_fixture_really_has_bullets() -> None:
    assert (DATA / "session.cha").read_bytes().count(b"\x15") == 8


# --- dispatch ------------------------------------------------------------------------------------


def test_chat_is_registered_by_name_and_extension(tmp_path: Path) -> None:
    assert supported_formats()["chat"] == (".cha",)
    assert format_for_path("a/b/Session.CHA") == "chat"
    path = tmp_path / "week3.cha"
    path.write_text(chat(f"*CLI:\thi . {B}0_10{B}"), encoding="utf-8")
    transcript = load_transcript(path)
    assert (transcript.id, transcript[0].speaker, transcript[0].text) == ("week3", "CLI", "hi .")
    assert parse_transcript_bytes(path.read_bytes(), "CHAT")[0].end == 0.01


def test_many_short_bulleted_utterances_are_not_taken_for_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "short.cha"
    lines = [f"*CLI:\tmm . {B}{n}_{n + 1}{B}" for n in range(200)]
    path.write_bytes(("\ufeff" + chat(*lines)).replace("\n", "\r\n").encode("utf-8"))
    assert len(load_transcript(path)) == 200


def test_legacy_encodings_keep_their_bullets_and_binary_files_are_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.cha"
    path.write_bytes(chat(f"*CLI:\tcaf\xe9 . {B}1000_2000{B}").encode("latin-1"))
    with pytest.warns(TranscriptWarning, match="line 4"):
        turn = load_transcript(path)[0]
    assert (turn.text, turn.start, turn.end) == ("caf\xe9 .", 1.0, 2.0)
    path.write_bytes(b"@Begin\n\x00\x01\x02")
    with pytest.raises(TranscriptError, match="binary"):
        load_transcript(path)


def test_a_file_using_every_printable_character_still_reads_its_bullets() -> None:
    every = "".join(chr(c) for c in range(0x21, 0x7F)).replace("%", "")
    data = chat(f"*CLI:\t{every} . {B}1000_2000{B}", f"*CLI:\tmm . {B}2000_3000{B}").encode()
    turns = parse_transcript_bytes(data, "chat")
    assert (turns[0].text, turns[0].start, turns[1].end) == (f"{every} .", 1.0, 3.0)


# --- tiers ---------------------------------------------------------------------------------------


def test_same_speaker_utterances_stay_separate_turns() -> None:
    text = chat("*CLI:\tone .", "*CLI:\ttwo .", "*THE:\tthree .", "*THE:\tfour .")
    assert [(t.id, t.speaker, t.text) for t in parse_transcript(text, "chat")] == [
        ("t1", "CLI", "one ."),
        ("t2", "CLI", "two ."),
        ("t3", "THE", "three ."),
        ("t4", "THE", "four ."),
    ]


def test_continuation_lines_and_spaces() -> None:
    text = chat("*CLI:  first   part\n\tsecond\tpart\n    third part .")
    assert parse_transcript(text, "chat")[0].text == "first part second part third part ."


def test_bullets_give_times_and_are_removed() -> None:
    text = chat(
        f"*CLI:\tone {B}1000_2000{B} two\n\tthree . {B}2500_4000{B}",
        f'*THE:\tok . {B}%snd:"session1"_5000_6125{B}',
        f"*CLI:\t{B}7000_8000{B}",
        "*CLI:\tno time .",
    )
    assert turns_of(parse_transcript(text, "chat")) == [
        ("t1", "CLI", "client", "one two three .", 1.0, 4.0),
        ("t2", "THE", "therapist", "ok .", 5.0, 6.125),
        ("t3", "CLI", "client", "no time .", None, None),
    ]


def test_dependent_tiers_are_turn_metadata() -> None:
    text = chat(
        "*CLI:\tyes .",
        "%mor:\tco|yes .\n\tmore",
        "%com:\tfirst",
        "%com:\tsecond",
        "%xcod:\tCT",
        "*THE:\tgood .",
    )
    transcript = parse_transcript(text, "chat")
    assert transcript[0].metadata == {"mor": "co|yes . more", "com": "first\nsecond", "xcod": "CT"}
    assert transcript[1].metadata == {}


def test_headers_are_transcript_metadata() -> None:
    text = (
        "@UTF8\n@Font:\tCAfont\n@Begin\n@Participants:\tCLI\n\tClient\n@Blank\n"
        "*CLI:\thi .\n@Comment:\tone\n@New Episode\n*CLI:\tagain .\n@End\n"
    )
    transcript = parse_transcript(text, "chat")
    assert transcript.metadata == {
        "Font": "CAfont",
        "Participants": "CLI Client",
        "Blank": "",
        "Comment": "one",
        "New Episode": "",
    }
    assert transcript[0].role == "client"


def test_blank_lines_and_a_missing_end_are_accepted() -> None:
    text = "@Begin\n\n@Participants:\tCLI Client\n\n*CLI:\thi .\n   \n"
    assert parse_transcript(text, "chat")[0].text == "hi ."
    assert parse_transcript(text.replace("@Begin", "@UTF8\n@PID:\tx\n@Begin"), "chat")


# --- speakers and roles --------------------------------------------------------------------------


def test_participant_labels_and_roles() -> None:
    head = (
        "@Begin\n@Participants:\tTHE Dana Therapist, CLN Clinician, CSL Counselor, "
        "PAT Sam Patient, CLI Client, CHI Target_Child, INV Investigator, MOT Mother\n"
    )
    codes = ["THE", "CLN", "CSL", "PAT", "CLI", "CHI", "INV", "MOT"]
    text = chat(*(f"*{code}:\tx ." for code in codes), head=head)
    assert [(t.speaker, t.role) for t in parse_transcript(text, "chat")] == [
        ("Dana", "therapist"),
        ("CLN", "therapist"),
        ("CSL", "therapist"),
        ("Sam", "client"),
        ("CLI", "client"),
        ("CHI", "other"),
        ("INV", "other"),
        ("MOT", "other"),
    ]


def test_roles_override_by_code_or_label() -> None:
    head = "@Begin\n@Participants:\tCHI Alex Target_Child, INV Investigator, MOT Mother\n"
    text = chat("*CHI:\ta .", "*INV:\tb .", "*MOT:\tc .", head=head)
    transcript = parse_transcript(
        text, "chat", roles={"chi": "client", "alex": "other", "INV": "therapist"}
    )
    assert [(t.speaker, t.role) for t in transcript] == [
        ("Alex", "client"),
        ("INV", "therapist"),
        ("MOT", "other"),
    ]
    assert parse_transcript(text, "chat", roles={"Alex": "client"})[0].role == "client"
    with pytest.raises(ValueError, match="role must be one of"):
        parse_transcript(text, "chat", roles={"MOT": "mother"})


def test_a_shared_name_falls_back_to_codes() -> None:
    head = "@Begin\n@Participants:\tCHI Alex Target_Child, BRO Alex Brother, MOT CHI Mother\n"
    text = chat("*CHI:\ta .", "*BRO:\tb .", "*MOT:\tc .", head=head)
    assert [t.speaker for t in parse_transcript(text, "chat")] == ["CHI", "BRO", "MOT"]


def test_names_with_several_words() -> None:
    head = "@Begin\n@Participants:\tTHE Dr van Dijk Therapist\n"
    assert parse_transcript(chat("*THE:\thi .", head=head), "chat")[0].speaker == "Dr van Dijk"


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (f"@UTF8\n@Participants:\tCLI Client\n*CLI:\t{SECRET}\n", 3, "missing @Begin"),
        ("@UTF8\n@Participants:\tCLI Client\n@End\n", 1, "missing @Begin"),
        ("", 1, "missing @Begin"),
        (chat(f"*CLI:\tok .\n*MOT:\t{SECRET}"), 5, "speaker code 'MOT' is not declared"),
        (chat(f"*CLI:\t{SECRET} {B}12_x{B}"), 4, "malformed media bullet"),
        (chat(f"*CLI:\tok .\n\t{SECRET} {B}12_15"), 5, "malformed media bullet: an unpaired"),
        (chat(f"*CLI:\t{SECRET} {B}2000_1000{B}"), 4, "media bullet ends before it starts"),
        (chat(f"*CLI:\tok .\n{SECRET}"), 5, "text outside tiers"),
        (f"\t{SECRET}\n" + chat("*CLI:\tok ."), 1, "text outside tiers"),
        (chat(f"%com:\t{SECRET}", "*CLI:\tok ."), 4, "a dependent tier before any main tier"),
        (chat(f"*CLI {SECRET}"), 4, "malformed main tier"),
        (chat(f"*CLI:\tok .\n%com {SECRET}"), 5, "malformed dependent tier"),
        (chat("*CLI:\tok .") + f"*CLI:\t{SECRET}\n", 6, "text after @End"),
        (chat("*CLI:\tok .", "@:\tx"), 5, "malformed header"),
        (
            "@Begin\n@Participants:\tCLI Client, CLI Child\n*CLI:\tok .\n",
            2,
            "participant 'CLI' is declared twice",
        ),
        ("@Begin\n@Participants:\tC:I Client\n", 2, "malformed @Participants entry"),
    ],
)
def test_errors_name_the_line(text: str, line: int, reason: str) -> None:
    error = chat_error(text)
    assert (error.line, error.reason[: len(reason)]) == (line, reason)


@pytest.mark.parametrize("text", [chat(), chat(f"*CLI:\t{B}0_1{B}"), "@Begin\n@End\n"])
def test_no_turns(text: str) -> None:
    error = chat_error(text)
    assert error.line is None
    assert error.reason.startswith("no turns")
