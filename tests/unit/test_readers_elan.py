"""Reading ELAN (.eaf) annotation documents."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_jupyter.core.readers import (
    TranscriptWarning,
    format_for_path,
    load_transcript,
    parse_transcript,
    parse_transcript_bytes,
    supported_formats,
)
from attune_jupyter.core.transcript import ROLES, Transcript, TranscriptError

DATA = Path(__file__).parent.parent / "data" / "transcripts" / "elan"

#: A phrase that must never appear in an error message.
SECRET = "my brother hurt me"


def eaf(slots: dict[str, int | None], *tiers: str, prolog: str = "") -> str:
    """A document: slots on lines 4.., then the tiers (one element per line)."""
    slot_lines = "".join(
        f'<TIME_SLOT TIME_SLOT_ID="{slot}"'
        + ("" if value is None else f' TIME_VALUE="{value}"')
        + "/>\n"
        for slot, value in slots.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        '<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">\n<TIME_ORDER>\n'
        f"{slot_lines}</TIME_ORDER>\n" + "".join(tiers) + "</ANNOTATION_DOCUMENT>\n"
    )


def tier(tier_id: str, *annotations: str, participant: str | None = None, parent: str = "") -> str:
    attributes = f'TIER_ID="{tier_id}"'
    if participant is not None:
        attributes += f' PARTICIPANT="{participant}"'
    if parent:
        attributes += f' PARENT_REF="{parent}"'
    return f"<TIER {attributes}>\n" + "".join(annotations) + "</TIER>\n"


def aligned(annotation_id: str, ref1: str, ref2: str, value: str) -> str:
    return (
        f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{annotation_id}" '
        f'TIME_SLOT_REF1="{ref1}" TIME_SLOT_REF2="{ref2}">'
        f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n"
    )


def referring(annotation_id: str, refers_to: str, value: str) -> str:
    return (
        f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{annotation_id}" '
        f'ANNOTATION_REF="{refers_to}">'
        f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>\n"
    )


SLOTS: dict[str, int | None] = {"ts1": 0, "ts2": 1000, "ts3": 2000, "ts4": 3000}


def turns_of(
    transcript: Transcript,
) -> list[tuple[str, str, str, str, float | None, float | None]]:
    return [(t.id, t.speaker, t.role, t.text, t.start, t.end) for t in transcript]


def elan_error(text: str) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text, "elan", source="s.eaf")
    assert SECRET not in str(caught.value)
    assert caught.value.path == "s.eaf"
    return caught.value


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


# --- any input -----------------------------------------------------------------------------------

FRAGMENTS = [
    '<?xml version="1.0"?>',
    "<ANNOTATION_DOCUMENT>",
    "</ANNOTATION_DOCUMENT>",
    "<TIME_ORDER>",
    "</TIME_ORDER>",
    '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="10"/>',
    '<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="5"/>',
    '<TIME_SLOT TIME_SLOT_ID="ts3"/>',
    '<TIER TIER_ID="A" PARTICIPANT="Client">',
    '<TIER TIER_ID="B" PARENT_REF="A">',
    "</TIER>",
    "<ANNOTATION>",
    "</ANNOTATION>",
    '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts1">',
    '<ALIGNABLE_ANNOTATION TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">',
    "</ALIGNABLE_ANNOTATION>",
    '<REF_ANNOTATION ANNOTATION_ID="r1" ANNOTATION_REF="a1">',
    "</REF_ANNOTATION>",
    "<ANNOTATION_VALUE>",
    "</ANNOTATION_VALUE>",
    "<!DOCTYPE",
    "<!ENTITY",
    "&amp;",
    "&",
    "<",
    ">",
    "\n",
    " ",
    "word",
    "\ufeff",
    "\x00",
    "é",
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=60).map("".join)
any_text = st.text(max_size=1500) | fragment_text | fragment_text.map(eaf(SLOTS).__add__)


def check(transcript_or_error: Transcript | TranscriptError) -> None:
    if isinstance(transcript_or_error, TranscriptError):
        assert transcript_or_error.reason
        return
    transcript = transcript_or_error
    assert [t.id for t in transcript] == [f"t{n}" for n in range(1, len(transcript) + 1)]
    for turn in transcript:
        assert turn.text
        assert turn.text == turn.text.strip()
        assert turn.role in ROLES
        assert turn.start is not None and turn.end is not None and turn.start <= turn.end


def read_text(text: str) -> Transcript | TranscriptError:
    try:
        return parse_transcript(text, "elan")
    except TranscriptError as error:
        return error


@settings(max_examples=300, deadline=timedelta(seconds=1))
@given(text=any_text)
def test_any_text_gives_a_transcript_or_a_transcript_error(text: str) -> None:
    check(read_text(text))


@settings(
    max_examples=200, deadline=timedelta(seconds=1), suppress_health_check=[HealthCheck.too_slow]
)
@given(
    data=st.binary(max_size=2000) | any_text.map(lambda text: text.encode("utf-8", "surrogatepass"))
)
def test_any_bytes_give_a_transcript_or_a_transcript_error(data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TranscriptWarning)  # arbitrary bytes are rarely UTF-8
        try:
            result: Transcript | TranscriptError = parse_transcript_bytes(
                data, "elan", path="x.eaf"
            )
        except TranscriptError as error:
            result = error
    check(result)


@settings(max_examples=200, deadline=timedelta(seconds=1))
@given(
    annotations=st.lists(
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
def test_every_generated_word_is_kept_in_order(annotations: list[tuple[str, list[str]]]) -> None:
    slots: dict[str, int | None] = {f"ts{n}": n * 100 for n in range(len(annotations) + 1)}
    by_speaker: dict[str, list[str]] = {"Therapist": [], "Client": []}
    for n, (speaker, words) in enumerate(annotations):
        by_speaker[speaker].append(
            aligned(f"a{n}", f"ts{n}", f"ts{n + 1}", escape(" ".join(words)))
        )
    text = eaf(slots, *(tier(s, *a, participant=s) for s, a in by_speaker.items()))
    transcript = parse_transcript(text, "elan")
    assert " ".join(t.text for t in transcript).split() == [w for _, ws in annotations for w in ws]
    assert [t.speaker for t in transcript] == [
        s for n, (s, _) in enumerate(annotations) if n == 0 or annotations[n - 1][0] != s
    ]


def test_large_repetitive_input_is_read_in_bounded_time() -> None:
    many = aligned("a", "ts1", "ts2", "x") * 20_000
    check(read_text(eaf(SLOTS, tier("C", many, participant="Client"))))
    check(read_text(eaf(SLOTS, "<TIER>" * 50_000)))
    check(read_text("<a>" * 100_000))
