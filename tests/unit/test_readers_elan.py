"""Reading ELAN (.eaf) annotation documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attune_jupyter.core.readers import (
    format_for_path,
    load_transcript,
    parse_transcript,
    parse_transcript_bytes,
    supported_formats,
)
from attune_jupyter.core.transcript import TranscriptError
from tests.unit.reader_helpers import (
    SECRET,
    SLOTS,
    aligned,
    eaf,
    reader_error,
    referring,
    tier,
    turns_of,
)

DATA = Path(__file__).parent.parent / "data" / "transcripts" / "elan"


def elan_error(text: str) -> TranscriptError:
    return reader_error(text, "elan", "s.eaf")


# --- the fixture ---------------------------------------------------------------------------------


def test_session_fixture() -> None:
    transcript = load_transcript(DATA / "session.eaf")
    assert transcript.id == "session"
    assert turns_of(transcript) == [
        (
            "t1",
            "Therapist",
            "therapist",
            "Thanks for coming in today. How has the week been?",
            1.2,
            6.0,
        ),
        (
            "t2",
            "Client",
            "client",
            "Honestly, pretty rough. I kept waking up around four in the morning.",
            6.5,
            11.5,
        ),
        ("t3", "Therapist", "therapist", "That sounds exhausting & lonely.", 12.0, 15.25),
        (
            "t4",
            "Client",
            "client",
            "Work, mostly. Deadlines <3 and my sister, I guess.",
            16.0,
            21.075,
        ),
    ]
    assert [dict(t.metadata) for t in transcript] == [
        {"T-comment": "warm greeting open question", "T-code": "OQ"},
        {},
        {},
        {},
    ]


def test_every_word_of_the_top_level_tiers_appears_in_the_output() -> None:
    text = (DATA / "session.eaf").read_text(encoding="utf-8")
    top = re.findall(r"<TIER (?:(?!PARENT_REF)[^>])*>(.*?)</TIER>", text, flags=re.DOTALL)
    values = [
        value.replace("&amp;", "&").replace("&lt;", "<")
        for body in top
        for value in re.findall(r"<ANNOTATION_VALUE>(.*?)</ANNOTATION_VALUE>", body, re.DOTALL)
    ]
    output = " ".join(t.text for t in load_transcript(DATA / "session.eaf")).split()
    assert sorted(output) == sorted(" ".join(values).split())
    assert len(output) > 30


# --- dispatch ------------------------------------------------------------------------------------


def test_elan_is_registered_by_name_and_extension(tmp_path: Path) -> None:
    assert supported_formats()["elan"] == (".eaf",)
    assert format_for_path("a/b/Session.EAF") == "elan"
    path = tmp_path / "week3.eaf"
    path.write_text(eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", "hi"))), encoding="utf-8")
    transcript = load_transcript(path)
    assert (transcript.id, transcript[0].speaker, transcript[0].text) == ("week3", "C", "hi")
    assert parse_transcript_bytes(path.read_bytes(), "ELAN")[0].end == 1.0
    assert load_transcript(path, roles={"C": "client"})[0].role == "client"


def test_bom_crlf_and_an_encoding_declaration() -> None:
    text = eaf(SLOTS, tier("Client", aligned("a1", "ts1", "ts2", "caf\u00e9")))
    text = text.replace("UTF-8", "ISO-8859-1")
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert parse_transcript_bytes(data, "elan")[0].text == "caf\u00e9"


# --- turns ---------------------------------------------------------------------------------------


def test_annotations_are_ordered_by_time_then_tier_and_same_speakers_merge() -> None:
    text = eaf(
        {"ts1": 0, "ts2": 1000, "ts3": 2000, "ts4": 3000, "ts5": 4000},
        tier(
            "T",
            aligned("a3", "ts3", "ts4", "three"),
            aligned("a1", "ts1", "ts2", "one"),
            participant="Therapist",
        ),
        tier("C", aligned("a2", "ts2", "ts3", "two"), participant="Client"),
        tier("C2", aligned("a4", "ts3", "ts5", "four"), participant="Client"),
        tier("Obs", aligned("a5", "ts4", "ts5", "five"), participant=" "),
    )
    assert turns_of(parse_transcript(text, "elan")) == [
        ("t1", "Therapist", "therapist", "one", 0.0, 1.0),
        ("t2", "Client", "client", "two", 1.0, 2.0),
        ("t3", "Therapist", "therapist", "three", 2.0, 3.0),
        ("t4", "Client", "client", "four", 2.0, 4.0),
        ("t5", "Obs", "other", "five", 3.0, 4.0),
    ]


def test_same_speaker_annotations_merge() -> None:
    text = eaf(
        SLOTS,
        tier(
            "C",
            aligned("a1", "ts1", "ts2", "one"),
            aligned("a2", "ts2", "ts3", "  "),
            aligned("a3", "ts3", "ts4", "two\n\t three"),
            participant="Client",
        ),
    )
    assert turns_of(parse_transcript(text, "elan")) == [
        ("t1", "Client", "client", "one two three", 0.0, 3.0)
    ]


def test_values_keep_markup_as_text_and_mixed_content() -> None:
    value = "a &lt;b&gt; &amp; &#233; <SPAN>c</SPAN> d"
    text = eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", value)))
    assert parse_transcript(text, "elan")[0].text == "a <b> & \u00e9 c d"


def test_dependent_tiers_are_metadata_not_turns() -> None:
    text = eaf(
        {**SLOTS, "ts9": None},
        tier("C", aligned("a1", "ts1", "ts2", "hola"), aligned("a2", "ts2", "ts3", "amigo")),
        tier("C-en", referring("r1", "a1", "hello"), referring("r2", "a2", "friend"), parent="C"),
        tier("C-note", referring("r3", "r2", "noun"), referring("r4", "zz", "lost"), parent="C-en"),
        tier("C-words", aligned("w1", "ts1", "ts9", "ho"), parent="C"),
        tier("C-loop", referring("r5", "r6", "x"), referring("r6", "r5", "y"), parent="C"),
    )
    transcript = parse_transcript(text, "elan")
    assert turns_of(transcript) == [("t1", "C", "client", "hola amigo", 0.0, 2.0)]
    assert transcript[0].metadata == {"C-en": "hello friend", "C-note": "noun"}


def test_roles_by_label() -> None:
    text = eaf(SLOTS, tier("Spk1", aligned("a1", "ts1", "ts2", "hi"), participant="Dr Jo"))
    assert parse_transcript(text, "elan", roles={"dr jo": "therapist"})[0].role == "therapist"
    with pytest.raises(ValueError, match="role must be one of"):
        parse_transcript(text, "elan", roles={"Dr Jo": "doctor"})


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", f"{SECRET} <b>"))), 10, "is not well"),
        (eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", f"{SECRET} &x;"))), 10, "is not well"),
        ("<ANNOTATION_DOCUMENT>", 1, "is not well-formed XML"),
        ("", 1, "is not well-formed XML"),
        (f"<?xml version='1.0'?>\n<OTHER>{SECRET}</OTHER>", 2, "not an ELAN document"),
        (
            eaf(SLOTS, prolog=f'<!DOCTYPE x [\n<!ENTITY a "{SECRET}">\n]>\n'),
            2,
            "DOCTYPE and ENTITY",
        ),
        (eaf(SLOTS, prolog='<!DOCTYPE x SYSTEM "file:///etc/passwd">\n'), 2, "DOCTYPE"),
        (
            eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", "x").replace("ts2", "ts22"))),
            10,
            "TIME_SLOT_REF2 names an unknown time slot 'ts22'",
        ),
        (
            eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", "x").replace("ts2", SECRET))),
            10,
            "TIME_SLOT_REF2 names an unknown time slot",
        ),
        (
            eaf(
                SLOTS,
                tier("C", aligned("a1", "ts1", "ts2", "x").replace(' TIME_SLOT_REF1="ts1"', "")),
            ),
            10,
            "an ALIGNABLE_ANNOTATION needs TIME_SLOT_REF1 and TIME_SLOT_REF2",
        ),
        (
            eaf({**SLOTS, "ts5": None}, tier("C", aligned("a1", "ts1", "ts5", "x"))),
            11,
            "TIME_SLOT_REF2 names a time slot 'ts5' without TIME_VALUE",
        ),
        (eaf(SLOTS, tier("C", aligned("a1", "ts2", "ts1", SECRET))), 10, "annotation ends before"),
        (eaf(SLOTS).replace('"ts3"', '"ts1"'), 6, "time slot 'ts1' is declared twice"),
        (eaf(SLOTS).replace('"ts3" TIME_VALUE="2000"', '"ts3" TIME_VALUE="2.5"'), 6, "time slot"),
        (eaf(SLOTS).replace('TIME_SLOT_ID="ts2" ', ""), 5, "a TIME_SLOT without TIME_SLOT_ID"),
        (eaf(SLOTS, "<TIER>\n</TIER>\n"), 9, "a TIER without TIER_ID"),
        (eaf(SLOTS, tier("C", referring("r1", "a1", SECRET))), 10, "a REF_ANNOTATION in a tier"),
    ],
)
def test_errors_name_the_line(text: str, line: int, reason: str) -> None:
    error = elan_error(text)
    assert (error.line, error.reason[: len(reason)]) == (line, reason)


def test_billion_laughs_is_refused_at_once() -> None:
    entities = '<!ENTITY lol "lol">\n' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n else "&lol;" * 10}">\n'
        for n in range(10)
    )
    text = eaf(
        SLOTS,
        tier("C", aligned("a1", "ts1", "ts2", "&lol9;")),
        prolog=f"<!DOCTYPE d [\n{entities}]>\n",
    )
    assert elan_error(text).reason.startswith("DOCTYPE and ENTITY")


@pytest.mark.parametrize(
    "text",
    [
        eaf(SLOTS),
        eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", " "))),
        eaf(SLOTS, tier("C", aligned("a1", "ts1", "ts2", "x"), parent="P")),
        eaf(SLOTS, tier("C", "<ANNOTATION><OTHER/></ANNOTATION>\n")),
    ],
)
def test_no_turns(text: str) -> None:
    error = elan_error(text)
    assert error.line is None
    assert error.reason.startswith("no turns")
