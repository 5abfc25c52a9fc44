"""Shaped identifiers added in the recall round: record values after a comma or with a letter
prefix, French and Romance street forms, continental postcodes before a town, dotted and slashed
phone numbers, date spans; and the gates that skip pattern families. All text is synthetic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune_jupyter.core import Transcript, Turn
from attune_jupyter.core.deid import deidentify, screen, screen_text
from attune_jupyter.core.deid import patterns as p
from attune_jupyter.core.deid.screening import SpanCache, _screen_all


def _found(text: str) -> list[tuple[str, str]]:
    """(category, matched text) of the findings other than names, offsets checked."""
    findings = screen_text(text, "t1")
    for f in findings:
        assert text[f.start : f.end] == f.text
    return [(f.category, f.text) for f in findings if f.category != "person_name"]


FOUND = [
    # record numbers: a comma between cue and value; a value whose first part has no digit
    ("They gave me a reference number, 2021-78430, for it.", "record_number", "2021-78430"),
    ("My membership number, ACC-4471-203, is on the card.", "record_number", "ACC-4471-203"),
    ("My policy number is CLM 675716.", "record_number", "CLM 675716"),
    ("The claim no. is PX 015887, they said.", "record_number", "PX 015887"),
    ("My client ID: 4829173K.", "record_number", "4829173K"),
    # a record cue says what a SIN-shaped value is; a national cue still wins over "ID"
    ("The court case number is 613 957 034.", "record_number", "613 957 034"),
    ("My national ID number is 12345678.", "national_id", "12345678"),
    ("My SIN is 046 454 286, from Canada.", "national_id", "046 454 286"),
    # French order: number, street word, name
    ("It's 58 rue Victor Hugo, SW1A 2TF.", "street_address", "58 rue Victor Hugo"),
    ("She moved to 114 rue de la Paix last year.", "street_address", "114 rue de la Paix"),
    ("We stayed at 3 bis rue d'Alésia.", "street_address", "3 bis rue d'Alésia"),
    ("Her flat: 7, boulevard Saint-Germain.", "street_address", "7, boulevard Saint-Germain"),
    ("Write to 10 place de la République.", "street_address", "10 place de la République"),
    # Spanish, Catalan, Portuguese, Italian order: street word, name, number
    ("It's Calle Sol 45, 6616 AB.", "street_address", "Calle Sol 45"),
    ("She lives at Calle de Alcalá, 12 now.", "street_address", "Calle de Alcalá, 12"),
    ("It's Avenida de la Constitución nº 5.", "street_address", "Avenida de la Constitución nº 5"),
    ("Carrer de Balmes 100 is the clinic.", "street_address", "Carrer de Balmes 100"),
    ("It's Rua da Prata, 80, in the centre.", "street_address", "Rua da Prata, 80"),
    ("We live at Via Roma 12 now.", "street_address", "Via Roma 12"),
    ("Corso Buenos Aires 10 is where she works.", "street_address", "Corso Buenos Aires 10"),
    # continental postcodes before a town, with or without a comma before them
    ("We're in 17280 Hamburg now.", "postcode", "17280"),
    ("He lives in 75008 Paris.", "postcode", "75008"),
    ("The address ends 1100-148 Lisboa.", "postcode", "1100-148"),
    ("Send it to 00-950 Warszawa.", "postcode", "00-950"),
    ("Hauptstraße 5, 10115 Berlin.", "postcode", "10115"),
    # phones: dotted, also at the end of a sentence; a slash after the area code
    ("The crisis team is on 06.71.99.29.45.", "phone", "06.71.99.29.45"),
    ("I wrote 04.43.30.58.57 on my hand.", "phone", "04.43.30.58.57"),
    ("The out-of-hours line is 040/5981962.", "phone", "040/5981962"),
    # dates: "The" at the start of a sentence belongs to the date; a final dot does not
    ("The 24th of March was the worst day.", "date", "The 24th of March"),
    ("I haven't had a drink since 13 Oct.", "date", "13 Oct"),
    ("It was on 13 Oct. 2021, I think.", "date", "13 Oct. 2021"),
    ("Since Sept. 5 I've been sober.", "date", "Sept. 5"),
]


@pytest.mark.parametrize(("text", "category", "expected"), FOUND)
def test_found_with_category_and_span(text: str, category: str, expected: str) -> None:
    assert (category, expected) in _found(text)


NOT_FOUND = [
    # a record word without a number, or with a year
    ("In my case 2019 was hard.", "record_number"),
    ("My case, 2019-2020, was hard.", "record_number"),
    ("The reference, 1995, is old.", "record_number"),
    ("Policy 2, 3 and 4 apply to me.", "record_number"),
    # a count after a street-like word; lower-case "via"; a street word with no number
    ("We went via Rome 3 times.", "street_address"),
    ("Via Zoom 3 people joined.", "street_address"),
    ("Plaza Hotel 5 nights, too much.", "street_address"),
    ("I went 2 times to the Place des Vosges.", "street_address"),
    ("I walked 3 km along the rue de Rivoli.", "street_address"),
    ("I had 3 Places to be.", "street_address"),
    ("There's only 1 place I feel safe.", "street_address"),
    ("It's the 1 route I'm sure of.", "street_address"),
    # a year before a town; a number before a currency or a lower-case word
    ("Back in 1995 Germany was different.", "postcode"),
    ("Since 1998 Paris has felt like home.", "postcode"),
    ("I paid 15000 Euros for it.", "postcode"),
    ("I wrote 90210 words.", "postcode"),
    ("I paid £15000 Cash.", "postcode"),
    # dotted dates and versions are not phones
    ("It was dated 01.02.2023 on the letter.", "phone"),
    ("Version 0.12.345.678 broke it.", "phone"),
    ("The form says 01/02/2023 10 times.", "phone"),
    ("That was at 10.30 in the morning.", "phone"),
]


@pytest.mark.parametrize(("text", "category"), NOT_FOUND)
def test_near_miss_not_found(text: str, category: str) -> None:
    assert [f for f in _found(text) if f[0] == category] == []


def test_dotted_date_stays_a_date() -> None:
    assert _found("It was dated 01.02.2023 on the letter.") == [("date", "01.02.2023")]


# ------------------------------------------------------------------------------------ gates


def _ungated(text: str) -> set[p.Span]:
    """Every pattern run on ``text``, as before the gates: what the gates must not change."""
    found: set[p.Span] = set()
    plain = [
        (p._EMAIL, "email", 0),
        (p._AGE, "age_over_89", 0),
        (p._AGE_AFTER_CUE, "age_over_89", 1),
        (p._AGE_DECADE, "age_over_89", 1),
        (p._STREET, "street_address", 0),
        (p._STREET_CONTINENTAL, "street_address", 0),
        (p._FR_STREET, "street_address", 0),
        (p._ROMANCE_STREET, "street_address", 0),
        (p._PO_BOX, "street_address", 0),
        (p._UK_POSTCODE, "postcode", 0),
        (p._CA_POSTCODE, "postcode", 0),
        (p._EU_POSTCODE, "postcode", 0),
        (p._US_ZIP, "postcode", 1),
        (p._ZIP4, "postcode", 0),
        (p._IPV4, "ip_address", 0),
        (p._NINO, "national_id", 0),
        (p._PHONE_NANP, "phone", 0),
        (p._PHONE_LOCAL, "phone", 0),
        (p._PHONE_IN, "phone", 0),
        (p._SSN, "national_id", 0),
        (p._AADHAAR, "national_id", 0),
    ]
    for pattern, category, group in plain:
        found.update(p._spans(pattern, text, category, group))  # type: ignore[arg-type]
    found.update(p._url_spans(text))
    found.update(p._date_word_spans(text))
    luhn = lambda m: p._luhn_ok(p._digits(m.group()))  # noqa: E731
    records = list(p._checked(p._RECORD_CUE, text, "record_number", p._id_value_ok(4), 1))
    nationals = list(p._checked(p._NATIONAL_CUE, text, "national_id", p._id_value_ok(5), 1))
    checked = [
        (p._NL_POSTCODE, "postcode", lambda m: m[1] not in p._NL_NOT_LETTERS, 0),
        (p._POSTCODE_CUE, "postcode", p._digits_between(1, 10, 1), 1),
        (p._DATE_NUMERIC, "date", p._numeric_date_ok, 0),
        (p._PHONE_INTL, "phone", p._digits_between(7, 15), 0),
        (p._PHONE_TRUNK, "phone", p._digits_between(9, 12), 0),
        (p._PHONE_CUE, "phone", p._digits_between(7, 15, 1), 1),
        (p._SIN, "national_id", luhn, 0),
        (p._CARD, "record_number", luhn, 0),
        (p._IBAN, "record_number", lambda m: p._iban_ok(m.group()), 0),
    ]
    for pattern, category, check, group in checked:
        found.update(p._checked(pattern, text, category, check, group))  # type: ignore[arg-type]
    if len(p._ASCII_DIGIT.findall(text)) >= 4:  # an IPv6 address needs digits (as before)
        found.update(p._checked(p._IPV6, text, "ip_address", p._ipv6_ok))
    found.update(records + nationals)
    return set(p._cue_decides(sorted(found), records, nationals))


_WORDS = """
5 12 93 101 1995 17280 0612345678 06.71.99.29.45 030/2207029 +44 020 7946 0958
rue Rue Victor Hugo de la d'Alésia bis Calle Mayor Via Roma nº Hauptstraße
Kerkstraat Berliner Straße Oak Street St Apt PO Box SW1A 1AA M1 1AE K1A 0B1
1012 AB NY Hamburg Paris people times reference number MRN CLM policy SSN SIN
zip postcode March Tuesday the The 3rd of Oct. 2021 03/04/2021 2021-03-04
192.168.1.20 fe80::1ff:fe23:4567:890a a@b.co www.example.com example.co.uk
ninety years old I'm she's turned nineties , . : - / # ID account is
"""
_FRAGMENTS = [
    *_WORDS.split(),
    "046 454 286",
    "123-45-6789",
    "4111 1111 1111 1111",
    "GB82 WEST 1234 5698 7654 32",
    "JK 12 34 56 A",
    "(555) 010-4477",
    "1100-148 Lisboa",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_FRAGMENTS), max_size=12),
    st.sampled_from([" ", "", ", ", " the "]),
)
def test_gates_skip_only_patterns_that_cannot_match(parts: list[str], glue: str) -> None:
    text = glue.join(parts)
    assert set(p.shaped_candidates(text)) == _ungated(text)


_SMALLEST = [
    "M1 1AE",
    "GIR 0AA",
    "K1A 0B1",
    "1012 AB",
    "7 Oak St",
    "Hauptstraße 5",
    "Keizersgracht 12",
    "Berliner Straße 1a",
    "5 rue Pasteur",
    "Via Roma 1",
    "C/ Mayor 3",
    "PO Box 4",
    "zip 1",
    "the third of March",
    "Tuesday the 4th",
    "March 3",
    "1/2/34",
    "1.2.3.4",
    "fe80::1",
    "she's 93",
    "95th birthday",
    "ninety years old",
    "in her nineties",
    "in his 90s",
    "MRN 1234",
    "SSN 12345",
    "AB 12 34 56 C",
    "555-0144",
    "+1 555 0144",
    "000 1234 5678",
    "98765 43210",
    "NY 10001",
    "10001-1234",
    "00-950 Warszawa",
    "114 55 Stockholm",
]


@pytest.mark.parametrize(
    "text", _SMALLEST + [text for text, _, _ in FOUND] + [text for text, _ in NOT_FOUND]
)
def test_gates_keep_the_smallest_matches(text: str) -> None:
    assert set(p.shaped_candidates(text)) == _ungated(text)


# ------------------------------------------------------------------------------- screening


def _transcript(*texts: str) -> Transcript:
    turns = [Turn(f"t{i}", "C", "client", text, i, i + 1) for i, text in enumerate(texts, 1)]
    return Transcript("s1", turns)


def test_repeated_text_is_screened_once_and_reported_for_each_turn() -> None:
    transcript = _transcript("Call 020 7946 0958.", "Mm-hmm.", "Call 020 7946 0958.")
    cache = SpanCache()
    found = _screen_all([(t.id, t.text) for t in transcript.turns], frozenset(), cache)
    assert [[(f.turn_id, f.category, f.text) for f in fs] for fs in found] == [
        [("t1", "phone", "020 7946 0958")],
        [],
        [("t3", "phone", "020 7946 0958")],
    ]
    assert set(cache.spans) == {"Call 020 7946 0958.", "Mm-hmm."}


def test_a_name_found_once_is_found_where_the_screen_alone_would_not() -> None:
    transcript = _transcript("Thanks, Priya.", "Priya thinks so too.", "No, Priya.")
    assert [(f.turn_id, f.text) for f in screen(transcript)] == [
        ("t1", "Priya"),
        ("t2", "Priya"),
        ("t3", "Priya"),
    ]


def test_deidentify_with_new_shapes_leaves_nothing() -> None:
    transcript = _transcript(
        "We live at 58 rue Victor Hugo, 75008 Paris.",
        "My policy number is CLM 675716.",
        "It's Calle Mayor 31, call 06.71.99.29.45.",
    )
    result = deidentify(transcript)
    assert [t.text for t in result.turns] == [
        "We live at [ADDRESS], [POSTCODE] Paris.",
        "My policy number is [RECORD_NUMBER].",
        "It's [ADDRESS], call [PHONE].",
    ]
    assert screen(result) == []
