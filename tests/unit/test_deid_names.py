"""The name screen's rules: unlisted names found through the English lexicon, names at the start
of a sentence, introductions, and traps that hold a name but name no person. Synthetic text."""

from __future__ import annotations

import pytest

from attune_jupyter.core import Transcript, Turn
from attune_jupyter.core.deid import deidentify, screen, screen_text
from attune_jupyter.core.deid.vocabulary import english_words, given_names, surnames

#: Names in none of the screen's lists (checked below), so only the lexicon rule can find them.
UNLISTED = ("Tarquin", "Ngaio", "Xochitl", "Dervla", "Eyerusalem", "Quilla")


def _names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the person names found, checking that offsets match the text."""
    found = []
    for f in screen_text(text, "t1"):
        assert text[f.start : f.end] == f.text
        if f.category == "person_name":
            found.append((f.start, f.end, f.text))
    return found


def _span(text: str, name: str) -> tuple[int, int, str]:
    start = text.index(name)
    return start, start + len(name), name


def test_the_unlisted_names_are_in_no_list() -> None:
    lists = given_names() | surnames() | english_words()
    assert not [name for name in UNLISTED if name.casefold() in lists]


def test_word_lists_load_and_are_case_folded() -> None:
    words = english_words()
    assert {"think", "thinks", "overreacting", "gonna", "hmm"} <= words
    assert "harry" not in words  # a given name whose ordinary sense is rare in talk
    assert "smith" in surnames()
    assert "priya" in given_names()
    assert all(w == w.casefold() for w in ("priya", "smith"))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Me and Tarquin used to go running together.", "Tarquin"),
        ("I stayed at Ngaio's place for a few nights.", "Ngaio"),
        ("I haven't spoken to Xochitl since the argument.", "Xochitl"),
        ("I asked Dervla Oyelaran to cover my shift.", "Dervla Oyelaran"),
        ("Hi, I'm Quilla, I'll be working with you today.", "Quilla"),
        ("Everyone calls me Eyerusalem.", "Eyerusalem"),
    ],
)
def test_unlisted_names_in_the_middle_of_a_sentence(text: str, name: str) -> None:
    assert _names(text) == [_span(text, name)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Tarquin thinks I'm overreacting, to be honest.", "Tarquin"),
        ("Ngaio's been texting me at night.", "Ngaio"),
        ("Xochitl, what do you make of that?", "Xochitl"),
        ("Dervla Oyelaran from work keeps texting me.", "Dervla Oyelaran"),
        ("Priya thinks I'm overreacting.", "Priya"),  # a listed name, not an English word
        ("Okay. Priya said no.", "Priya"),
        ("Hope thinks I'm overreacting.", "Hope"),  # listed, an English word, a verb of saying
    ],
)
def test_names_at_the_start_of_a_sentence(text: str, name: str) -> None:
    assert _names(text) == [_span(text, name)]


@pytest.mark.parametrize(
    "text",
    [
        "Tarquin.",  # a one-word sentence: no evidence that an unlisted word is a name
        "Hope is all I've got left, really.",
        "Grace before meals was a big thing in our house.",
        "Will power isn't the problem, it's the cravings.",
        "Mark my words, I'll be back to square one.",
        "Jack is a funny thing. I don't know.",
        "Sue you think it will get better?",
    ],
)
def test_ordinary_words_and_single_words_at_the_start_are_not_names(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Everyone calls me Dawn.", "Dawn"),  # an English word, after "calls me"
        ("Hi, I'm Dawn, I'll be working with you today.", "Dawn"),
        ("Hello, I am Dawn.", "Dawn"),
        ("Hello, this is Dawn from the clinic.", "Dawn"),
    ],
)
def test_introductions(text: str, name: str) -> None:
    assert _names(text) == [_span(text, name)]


@pytest.mark.parametrize(
    "text",
    [
        "I finished a bottle of Jack Daniel's on my own.",
        "I'm on Dr Pepper instead of beer now.",
        "We watched Harry Potter with the kids on Friday.",
        "I went to St Mary's for the scan.",
        "We sang Amazing Grace at the funeral.",
        "I buy my lunch at Marks and Spencer.",
        "I support Chelsea, so Saturday was a bad day.",
        "We went to the Royal Albert Hall.",
        "The kids still believe in Father Christmas.",
        "Mh-hmm. Yeah.",
        "Okay, Mh-hmm.",
        "Uh-huh, Mm-hmm.",
        "How has the Sertraline been since the dose went up?",
        "I've been on Wellbutrin and Chantix for months now.",
        "We order from Sainsbury's most nights.",
        "My mum has Alzheimer's and my dad has Parkinson's.",
        "I got A's and B's, and my GPs said OD-ing was a risk.",
        "And-and I-I think So-so, Wh-what.",
        "Mysel- I mean, I did it.",
        "We moved from Leeds to Auckland, then to Seattle.",
        "My family is from India, but I grew up in Jordan.",
        "It was on 3 Jun 2021.",
        "I did Tai Chi on Tuesday.",
        "[CLIENT] told [PERSON_1] about [NAME_2].",
        "Therapist: okay. Client: fine.",
    ],
)
def test_traps_are_not_names(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My daughter Chelsea moved out in May.", "Chelsea"),  # a place, but after a cue
        ("My friend Jun moved out.", "Jun"),  # a month abbreviation, but not by a number
        ("I stayed at Jun's place.", "Jun"),
        ("We asked Dr Okafor-Eze about it.", "Okafor-Eze"),
    ],
)
def test_names_that_look_like_traps(text: str, name: str) -> None:
    assert _names(text) == [_span(text, name)]


def test_an_unlisted_name_found_once_is_found_at_the_start_of_a_sentence_too() -> None:
    turns = [
        Turn("t1", "C", "client", "I haven't spoken to Tarquin since.", 0, 1),
        Turn("t2", "T", "therapist", "Tarquin.", 1, 2),
    ]
    found = screen(Transcript("s1", turns))
    assert [(f.turn_id, f.start, f.end, f.text) for f in found] == [
        ("t1", 20, 27, "Tarquin"),
        ("t2", 0, 7, "Tarquin"),
    ]


def test_allow_list_still_wins_over_the_lexicon_rule() -> None:
    assert screen_text("Me and Tarquin went.", "t1", allow=["tarquin"]) == []


# ------------------------------------------------------------------ one person, one tag


def _deidentified(*texts: str) -> list[str]:
    turns = [Turn(f"t{i}", "C", "client", text, i, i + 1) for i, text in enumerate(texts, 1)]
    transcript = Transcript("s1", turns)
    result = deidentify(transcript)
    assert screen(result) == []
    assert deidentify(result) == result
    return [turn.text for turn in result.turns]


def test_a_given_name_alone_gets_the_tag_of_the_full_name() -> None:
    assert _deidentified(
        "Hello, what brings you here today?",
        "Sure. I'm Rosalind Achterberg, I was referred by my GP.",
        "Thank you, Rosalind.",
    ) == [
        "Hello, what brings you here today?",
        "Sure. I'm [PERSON_1], I was referred by my GP.",
        "Thank you, [PERSON_1].",
    ]


def test_a_surname_after_a_title_and_a_possessive_get_the_tag_of_the_full_name() -> None:
    assert _deidentified(
        "My GP is Dr Ngaio Achterberg.",
        "Ms Achterberg told me to come. Dr Achterberg is kind.",
        "Ngaio's been good to me. ngaio knows, NGAIO, Ngaio’s notes.",
    ) == [
        "My GP is Dr [PERSON_1].",
        "Ms [PERSON_1] told me to come. Dr [PERSON_1] is kind.",
        "[PERSON_1]'s been good to me. ngaio knows, [PERSON_1], [PERSON_1]’s notes.",
    ]


def test_the_name_alone_may_come_before_the_full_name() -> None:
    assert _deidentified("Thanks, Rosalind.", "Rosalind Achterberg is my name.") == [
        "Thanks, [PERSON_1].",
        "[PERSON_1] is my name.",
    ]


def test_a_name_alone_shared_by_two_full_names_gets_its_own_tag() -> None:
    assert _deidentified(
        "My friends Sam Okoye and Sam Reyes came along.",
        "Thanks, Sam. And Dr Okoye? Mr Reyes?",
    ) == [
        "My friends [PERSON_1] and [PERSON_2] came along.",
        "Thanks, [PERSON_3]. And Dr [PERSON_1]? Mr [PERSON_2]?",
    ]


def test_a_given_name_shared_by_a_full_name_and_a_surname_is_not_merged_twice() -> None:
    # "Kwame" is the given name of one full name and the surname of another: two people
    assert _deidentified("I told Kwame Mensah and Ama Kwame.", "Thanks, Kwame.") == [
        "I told [PERSON_1] and [PERSON_2].",
        "Thanks, [PERSON_3].",
    ]


def test_different_people_keep_different_tags() -> None:
    assert _deidentified(
        "I'm Rosalind Achterberg.", "My sister Priya came too.", "Thank you, Rosalind and Priya."
    ) == [
        "I'm [PERSON_1].",
        "My sister [PERSON_2] came too.",
        "Thank you, [PERSON_1] and [PERSON_2].",
    ]
