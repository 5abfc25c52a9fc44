"""The de-identification screen: categories, names, masking, deidentify. All text is synthetic."""

from __future__ import annotations

import itertools
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_jupyter.core import Transcript, Turn
from attune_jupyter.core.deid import (
    CATEGORIES,
    Finding,
    NotAnonymizedError,
    deidentify,
    mask_text,
    screen,
    screen_text,
)


def _found(text: str, *, allow: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(category, matched text) pairs, checking that offsets point at the matched text."""
    findings = screen_text(text, "t1", allow=allow)
    for f in findings:
        assert text[f.start : f.end] == f.text
    return [(f.category, f.text) for f in findings]


def _transcript(*texts: str) -> Transcript:
    return Transcript(
        "s1",
        [
            Turn(f"t{i}", "T" if i % 2 else "C", "therapist" if i % 2 else "client", text, i, i + 1)
            for i, text in enumerate(texts, start=1)
        ],
        source="session.txt",
    )


# ------------------------------------------------------------------------- shaped categories

POSITIVE = {
    "phone": [
        ("Ring me on +44 20 7946 0958 tonight.", "+44 20 7946 0958"),
        ("My cell is (555) 010-4477 I think.", "(555) 010-4477"),
        ("The Dutch one is +31 6 12345678.", "+31 6 12345678"),
        ("Her mobile, +91 98765 43210, is off.", "+91 98765 43210"),
        ("Try 020 7946 0958 after five.", "020 7946 0958"),
        ("It's 555-0144 at the office.", "555-0144"),
        ("Use +1 555 010 4477 for the helpline.", "+1 555 010 4477"),
        ("Text 07700 900123 if late.", "07700 900123"),
    ],
    "email": [
        ("Write to priya.s@example.com please.", "priya.s@example.com"),
        ("kwame+notes@mail.example.org", "kwame+notes@mail.example.org"),
        ("it's a_b-c@example.co.uk, yes", "a_b-c@example.co.uk"),
        ("Send it to FATIMA@EXAMPLE.NET.", "FATIMA@EXAMPLE.NET"),
        ("contact: j.o@example.io", "j.o@example.io"),
    ],
    "url": [
        ("Look at https://example.org/my-blog?id=3.", "https://example.org/my-blog?id=3"),
        ("My page is www.example.com/ana.", "www.example.com/ana"),
        ("it's on example.co.uk/profile, honestly", "example.co.uk/profile"),
        ("See http://10.0.0.5:8080/x for it", "http://10.0.0.5:8080/x"),
        ("my-site.net is where I post", "my-site.net"),
    ],
    "ip_address": [
        ("The router was 192.168.1.20 at home.", "192.168.1.20"),
        ("It logged 10.0.0.255 twice.", "10.0.0.255"),
        ("from 8.8.4.4, apparently", "8.8.4.4"),
        ("address fe80::1ff:fe23:4567:890a on the laptop", "fe80::1ff:fe23:4567:890a"),
        ("and 2001:db8::8a2e:370:7334 too", "2001:db8::8a2e:370:7334"),
    ],
    "national_id": [
        ("My SSN is 123-45-6789, sadly.", "123-45-6789"),
        ("NHS number 943 476 5919 on the letter.", "943 476 5919"),
        ("National Insurance JK 12 34 56 A was printed.", "JK 12 34 56 A"),
        ("my social insurance number is 046 454 286", "046 454 286"),
        ("the BSN is 123456782.", "123456782"),
        ("passport number 502135326 expired", "502135326"),
    ],
    "record_number": [
        ("Her MRN 123456 was on the wristband.", "123456"),
        ("The account number 12345678 is closed.", "12345678"),
        ("policy no. AB-778812 covers it", "AB-778812"),
        ("Card 4111 1111 1111 1111 was declined.", "4111 1111 1111 1111"),
        ("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32"),
        ("medical record number: 00417733", "00417733"),
    ],
    "street_address": [
        ("I live at 42 Elm Street now.", "42 Elm Street"),
        ("It's 7B Wellington Road, near the park.", "7B Wellington Road"),
        ("We moved to 1600 Pennsylvania Avenue.", "1600 Pennsylvania Avenue"),
        ("She's at Keizersgracht 123 these days.", "Keizersgracht 123"),
        ("Hauptstraße 5 was the old flat.", "Hauptstraße 5"),
        ("Write to PO Box 4471 instead.", "PO Box 4471"),
    ],
    "postcode": [
        ("The postcode is SW1A 1AA I think.", "SW1A 1AA"),
        ("It was M1 1AE in those days.", "M1 1AE"),
        ("Ottawa, K1A 0B1, by the river.", "K1A 0B1"),
        ("Amsterdam 1012 AB, near the station.", "1012 AB"),
        ("Springfield, IL 62704 was home.", "62704"),
        ("Hauptstraße 5, 10115 Berlin.", "10115"),
        ("The zip is 90210-1234 apparently.", "90210-1234"),
        ("my zip code is 30301", "30301"),
    ],
    "date": [
        ("It happened on 3 March 2021.", "3 March 2021"),
        ("Since March 3rd I've felt it.", "March 3rd"),
        ("The form says 03/04/2021.", "03/04/2021"),
        ("Logged as 2021-03-04 by the clinic.", "2021-03-04"),
        ("It was last Tuesday the 4th.", "last Tuesday the 4th"),
        ("the third of March was hard", "the third of March"),
        ("Born on the 14th of July, 1990.", "the 14th of July, 1990"),
        ("By March 2021 it was over.", "March 2021"),
    ],
    "age_over_89": [
        ("Honestly, I'm 93 and tired.", "93"),
        ("Gran is 94 years old now.", "94"),
        ("He's ninety-two years old.", "ninety-two"),
        ("my 91-year-old neighbour", "91"),
        ("She turned 100 last spring.", "100"),
        ("her 95th birthday party", "95th"),
        ("grandad, in his late nineties, still walks", "nineties"),
    ],
}

NEGATIVE = {
    "phone": [
        "I slept 7 hours and walked 10000 steps.",
        "In 2021 we had 3 sessions.",
        "My score was 24/30 on the test.",
        "The ratio was 1.2345 or so.",
        "Room 101 on floor 3.",
        "It cost 1,200,000 over 12 years.",
    ],
    "email": [
        "I was @ home all day.",
        "We met at 5 @ the cafe.",
        "email me sometime",
        "the @ sign confuses her",
        "user@localhost is not real",
    ],
    "url": [
        "e.g. when I feel low, i.e. mornings.",
        "It ended. Com- no, I mean it ended.",
        "I said so.Then she left.",
        "Version 3.2 of the app.",
        "the dot com bubble",
    ],
    "ip_address": [
        "Version 1.2.3 of the app.",
        "It was 256.1.1.1 in the example, which is invalid.",
        "At 10:30 we met.",
        "pi is 3.14159.",
        "the score went 1.0.0 to 2.0.0",
    ],
    "national_id": [
        "I have 123 45 cats.",
        "The years 1990-1995 were hard.",
        "She's 34 and he's 36.",
        "We scored 10 20 30 40.",
        "Page 123-45 of the book.",
    ],
    "record_number": [
        "My account of the evening is different.",
        "In reference to 2019, I was fine.",
        "The ID 12 is short.",
        "I had 4 cards.",
        "account for 3 things",
    ],
    "street_address": [
        "I walked 3 miles down the road.",
        "There were 2 people in the street.",
        "We took 5 steps on the way.",
        "She had 12 Places to be.",
        "Route 66 is long.",
    ],
    "postcode": [
        "In 1990 BC things were different.",
        "I have 5 kids and 2 jobs.",
        "The 2020 US election.",
        "I wrote 90210 words.",
        "It took 1234 tries.",
        "Grade A1 in maths.",
    ],
    "date": [
        "In 2021 things changed.",
        "In March I felt better.",
        "On Tuesday we talked.",
        "May I ask something?",
        "3/4 of the time I'm fine.",
        "Version 1.2.34 came out.",
        "It was 45 minutes.",
    ],
    "age_over_89": [
        "I'm 93 percent sure.",
        "She's 45 years old.",
        "I ran 95 km in total.",
        "It took 90 minutes.",
        "in the nineties music was better",
        "I'm 90% there.",
    ],
}


@pytest.mark.parametrize(
    ("category", "text", "expected"),
    [(c, text, expected) for c, pairs in POSITIVE.items() for text, expected in pairs],
)
def test_each_category_is_found_with_exact_offsets(category: str, text: str, expected: str) -> None:
    assert (category, expected) in _found(text)


@pytest.mark.parametrize(
    ("category", "text"), [(c, text) for c, texts in NEGATIVE.items() for text in texts]
)
def test_each_category_has_no_false_alarm_on_ordinary_text(category: str, text: str) -> None:
    assert [found for found in _found(text) if found[0] == category] == []


def test_every_category_has_tests() -> None:
    assert set(POSITIVE) | {"person_name"} == set(CATEGORIES)
    assert all(len(POSITIVE[c]) >= 5 and len(NEGATIVE[c]) >= 5 for c in POSITIVE)


# ----------------------------------------------------------------------------------- names

NAMES = [
    ("I spoke to Mr Okafor about it.", "Okafor"),
    ("Dr. Nguyen-Tran said to rest.", "Nguyen-Tran"),
    ("Prof Chidi Okonkwo came too.", "Chidi Okonkwo"),
    ("Mrs. Kowalczyk from next door.", "Kowalczyk"),
    ("I asked Ms O'Brien first.", "O'Brien"),
    ("Then Mx Lindqvist arrived.", "Lindqvist"),
    ("we saw Dr J. Smith at the clinic", "J. Smith"),
    ("my sister Aisha phoned.", "Aisha"),
    ("and my son, Kwame, was upset.", "Kwame"),
    ("my younger brother Tuan cried.", "Tuan"),
    ("her husband Dmitri left.", "Dmitri"),
    ("my best friend Zorblax knows.", "Zorblax"),
    ("my name is Xochitl, by the way.", "Xochitl"),
    ("hi, my name is priya", "priya"),
    ("Honestly I'm Siobhan, not Sian.", "Siobhan"),
    ("Thanks, Priya.", "Priya"),
    ("Hi Tendai!", "Tendai"),
    ("Good morning, Oluwaseun.", "Oluwaseun"),
    ("so I told Mei about it", "Mei"),
    ("and Ingrid agreed with Bogdan", "Ingrid"),
    ("then Yusuf and Ayesha left", "Yusuf"),
    ("I miss Haruto a lot.", "Haruto"),
    ("she texted Guadalupe again", "Guadalupe"),
    ("Kwame Mensah was late.", "Kwame Mensah"),
    ("we met Fatima al-Hassan there", "Fatima al-Hassan"),
    ("and Pieter van der Berg too", "Pieter van der Berg"),
    ("I know Svetlana's view", "Svetlana"),
    ("and Ngozi Okafor-Eze called", "Ngozi Okafor-Eze"),
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_names_from_many_cultures_with_cues_and_the_list(text: str, name: str) -> None:
    assert ("person_name", name) in _found(text)


NEVER = [
    "[CLIENT] said that [THERAPIST] was late.",
    "I told [NAME_1] and [PERSON_2] about it.",
    "Therapist: okay. Client: fine.",
    "The Therapist and the Client agreed.",
    "We talk on Monday and Friday.",
    "It was better in March and in December.",
    "At Christmas and Easter, and for Eid, Diwali and Hanukkah, and Thanksgiving.",
    "She speaks English, Hindi, Arabic and Swahili.",
    "He is Nigerian, she is Polish, they are Brazilian.",
    "We went to Kenya, then Japan, then Germany.",
    "I saw it on Google, then on Zoom and Teams, on my iPhone, then Facebook.",
    "Thank God, honestly. Oh my God.",
    "Thanks, God.",
    "Thank you, Doctor.",
    "I told Mum and Dad.",
    "Sorry, Therapist.",
    "Well, Okay.",
    "my sister said no",
    "My sister, who is older, called.",
    "my son Monday came",
]


@pytest.mark.parametrize("text", NEVER)
def test_never_names(text: str) -> None:
    assert [f for f in _found(text) if f[0] == "person_name"] == []


def test_allow_list_is_case_insensitive_and_whole_token() -> None:
    text = "I have hope that Hope will come, and Grace too. my sister Hope says so."
    assert ("person_name", "Hope") in _found(text)
    found = _found(text, allow=("hope",))
    assert all(name != "Hope" for _, name in found)
    assert ("person_name", "Grace") in found
    assert ("person_name", "Grace") not in _found(text, allow=("Hope", "GRACE"))
    # exact token: allowing "Hop" does not allow "Hope"
    assert ("person_name", "Hope") in _found(text, allow=("Hop",))
    # other categories: a whole finding may be allowed
    assert _found("call 555-0144 now", allow=("555-0144",)) == []


def test_allow_must_be_a_collection() -> None:
    with pytest.raises(TypeError, match="collection"):
        screen_text("x", allow="Hope")


# --------------------------------------------------------------------------------- masking

SECRET = "Call Priya Sharma on +44 20 7946 0958 or priya@example.com; MRN 123456."


def test_masked_forms() -> None:
    assert mask_text("Priya", "person_name") == "P••••"
    assert mask_text("+44 20 7946 0958", "phone") == "+•• •• •••• ••••"
    assert mask_text("priya@example.com", "email") == "•••••@•••••••.•••"
    assert mask_text("", "date") == ""


def test_raw_text_never_in_repr_str_or_message() -> None:
    findings = screen_text(SECRET, "t4")
    assert {f.category for f in findings} >= {"person_name", "phone", "email", "record_number"}
    error = NotAnonymizedError(findings, source="session.txt")
    shown = [repr(findings), str(findings), str(error), repr(error), *map(str, findings)]
    for raw in ("Priya", "Sharma", "7946", "0958", "example", "123456"):
        assert all(raw not in s for s in shown), raw
    assert "t4 person_name 'P•••••••••••'" in str(error)
    assert repr(findings[0]) == (
        "Finding(turn_id='t4', start=5, end=17, category='person_name', masked='P•••••••••••')"
    )


def test_error_message_format_limit_and_pickle() -> None:
    findings = screen(_transcript("Thanks, Priya.", "ok", "+44 20 7946 0958 is mine"))
    error = NotAnonymizedError(findings, source="session.txt")
    assert str(error) == (
        "session.txt: 2 possible identifiers: t1 person_name 'P••••', t3 phone "
        "'+•• •• •••• ••••'; de-identify it with attune_jupyter.deidentify(...), accept "
        "known-safe words with allow=[...] or an attune-course.toml, load it anyway with "
        "override='<why>' (recorded in the store), or turn the gate off with screen=False"
    )
    assert isinstance(error, ValueError) and error.findings == tuple(findings)
    short = NotAnonymizedError(findings, limit=1)
    assert str(short).startswith(
        "<transcript>: 2 possible identifiers: t1 person_name 'P••••' and 1 more;"
    )
    one = NotAnonymizedError(findings[:1])
    assert "1 possible identifier:" in str(one)
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.findings == error.findings


def test_finding_is_frozen() -> None:
    finding = Finding("t1", 0, 5, "person_name", "Priya")
    with pytest.raises(AttributeError):
        finding.start = 1  # type: ignore[misc]


# ---------------------------------------------------------------------- screen and ordering


def test_screen_sorts_by_turn_then_start_and_resolves_overlaps_longest_first() -> None:
    transcript = _transcript(
        "On 3 March 2021 I called 555-0144.",
        "Nothing here.",
        "My sister Aisha Khan, born 12/05/1931, lives at 42 Elm Street.",
    )
    findings = screen(transcript)
    keys = [(f.turn_id, f.start) for f in findings]
    order = {"t1": 0, "t2": 1, "t3": 2}
    assert keys == sorted(keys, key=lambda k: (order[k[0]], k[1]))
    assert [(f.turn_id, f.category, f.text) for f in findings] == [
        ("t1", "date", "3 March 2021"),
        ("t1", "phone", "555-0144"),
        ("t3", "person_name", "Aisha Khan"),
        ("t3", "date", "12/05/1931"),
        ("t3", "street_address", "42 Elm Street"),
    ]
    for a, b in itertools.pairwise(findings):
        assert a.turn_id != b.turn_id or a.end <= b.start


def test_longest_match_wins_over_a_contained_one() -> None:
    # "Tuesday the 4th of March" contains "4th of March"; the longer date is kept.
    assert _found("It was Tuesday the 4th of March.") == [("date", "Tuesday the 4th of March")]


def test_speaker_labels_are_not_screened() -> None:
    transcript = Transcript("s", [Turn("t1", "Priya Sharma", "client", "I feel fine.")])
    assert screen(transcript) == []


# ------------------------------------------------------------------------------ deidentify


def test_deidentify_tags_consistently_and_keeps_everything_else() -> None:
    transcript = _transcript(
        "Thanks, Priya. Did Dr Okafor call?",
        "Mr Okafor did. priya said my email is p@example.com and I'm 93.",
        "Priya's brother Kwame rang PRIYA on 07700 900123 on 3 March.",
    )
    result = deidentify(transcript)
    assert [t.text for t in result] == [
        "Thanks, [PERSON_1]. Did Dr [PERSON_2] call?",
        "Mr [PERSON_2] did. priya said my email is [EMAIL] and I'm [AGE_OVER_89].",
        "[PERSON_1]'s brother [PERSON_3] rang [PERSON_1] on [PHONE] on [DATE].",
    ]
    assert [(t.id, t.speaker, t.role, t.start, t.end) for t in result] == [
        (t.id, t.speaker, t.role, t.start, t.end) for t in transcript
    ]
    assert (result.id, result.source) == (transcript.id, transcript.source)
    assert transcript.turns[0].text == "Thanks, Priya. Did Dr Okafor call?"  # unchanged
    assert screen(result) == []
    assert deidentify(result) == result


def test_deidentify_every_category_tag() -> None:
    text = " ".join(expected_text for pairs in POSITIVE.values() for expected_text, _ in pairs)
    result = deidentify(_transcript(text))
    assert screen(result) == []
    for tag in (
        "[PHONE]", "[EMAIL]", "[URL]", "[IP_ADDRESS]", "[NATIONAL_ID]", "[RECORD_NUMBER]",
        "[ADDRESS]", "[POSTCODE]", "[DATE]", "[AGE_OVER_89]",
    ):  # fmt: skip
        assert tag in result.turns[0].text


def test_deidentify_numbers_after_existing_person_tags() -> None:
    result = deidentify(_transcript("[PERSON_1] told Priya about it."))
    assert result.turns[0].text == "[PERSON_1] told [PERSON_2] about it."


def test_deidentify_respects_allow() -> None:
    result = deidentify(_transcript("I told Hope and Priya."), allow=("Hope",))
    assert result.turns[0].text == "I told Hope and [PERSON_1]."
    assert screen(result, allow=("Hope",)) == []


# ------------------------------------------------------------------------------ properties

_FILLER = [
    "I don't know, it's been hard.",
    "What was that like for you?",
    "Well, I felt angry and then tired.",
    "Mm. Tell me more about that.",
    "On Tuesday I went back to work.",
    "It makes sense that you feel that way.",
    "My mum says I should let it go.",
]
_PLANTED = [
    "I told Priya about it.",
    "My sister Aisha was there.",
    "Dr Okafor rang me.",
    "Call me on +44 20 7946 0958.",
    "My email is kwame@example.org.",
    "It was on 3 March 2021.",
    "My MRN 123456 is on the form.",
    "I live at 42 Elm Street, M1 1AE.",
    "My gran is 94 years old.",
    "The router is 192.168.1.20.",
    "SSN 123-45-6789.",
    "Thanks, Tendai.",
    "See www.example.com/me for it.",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.sampled_from(_FILLER + _PLANTED), min_size=1, max_size=6).map(" ".join),
        min_size=1,
        max_size=8,
    )
)
def test_property_deidentify_removes_planted_identifiers(texts: list[str]) -> None:
    transcript = _transcript(*texts)
    result = deidentify(transcript)
    assert screen(result) == []
    assert deidentify(result) == result
    joined = " ".join(t.text for t in result)
    for raw in ("Priya", "Aisha", "Okafor", "7946", "kwame@", "2021", "123456", "Elm", "Tendai"):
        assert raw not in joined


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200
) | st.lists(
    st.sampled_from(
        [*_FILLER, *_PLANTED, "Mr", "my", "sister", "[", "]", "PERSON_1", ".", ",", " ", "\n",
         "Ø", "İ", "ǅ", "0", "9", "+", "-", "/", "@", ":", "'s", "’", "al-", "93", "ninety"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=3))
def test_property_arbitrary_text_never_raises_and_offsets_are_exact(texts: list[str]) -> None:
    transcript = _transcript(*texts)
    findings = screen(transcript)
    for f in findings:
        assert transcript.turn(f.turn_id).text[f.start : f.end] == f.text
        assert f.start < f.end
        assert f.category in CATEGORIES
    assert screen(deidentify(transcript)) == []
