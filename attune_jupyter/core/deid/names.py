"""Person names without a model: cues (titles, relatives, introductions, greetings) and a list.

Two sources of name spans:

* a cue right before a capitalised word: a title (``Dr Okafor``), a relative (``my sister
  Aisha``, ``my son, Kwame,``), an introduction (``my name is Lin``) or a greeting that ends at
  the name (``Thanks, Priya.``);
* a capitalised token from the built-in given-name list that is not at the start of a sentence
  (``I told Priya``), or that is but is followed by a capitalised surname (``Priya Sharma said``).

A name span runs on over following capitalised surnames, particles (``van der``, ``bin``) and
initials. Words in :data:`~attune_jupyter.core.deid.vocabulary.NEVER_NAMES` (weekdays, months,
holidays, languages, nationalities, countries, brands, role labels, 'God') and pseudonym tags in
square brackets are never names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from attune_jupyter.core.deid.vocabulary import (
    ABBREVIATIONS,
    COMMON_WORDS,
    KIN_WORDS,
    NEVER_NAMES,
    PARTICLES,
    TITLES,
    given_names,
    split_words,
)


def _upper_class() -> str:
    """A character class of upper- and title-case letters (Latin, Greek, Cyrillic and more)."""
    code_points = itertools.chain(range(0x41, 0x3000), range(0xA640, 0xA800), range(0xFF21, 0xFF3B))
    ranges: list[list[int]] = []
    for cp in code_points:
        ch = chr(cp)
        if ch.isupper() or ch.istitle():
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    parts = (f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)
    return "[" + "".join(parts) + "]"


_UPPER = _upper_class()
_AP = "['’]"
#: A word that may be a name: starts upper-case (or with al-/el-), may hold apostrophes, hyphens.
_TOKEN = rf"(?:(?:al|el|Al|El)[\-‐])?{_UPPER}\w*(?:['’\-‐]\w+)*"
_ANY_TOKEN = r"[^\W\d_]\w*(?:['’\-‐]\w+)*"  # noqa: S105 (a pattern, not a password)

#: Scans fast: the pattern starts with the character class; the look-behind after it checks that
#: the letter does not continue a word or open a ``[TAG]``, the look-ahead skips "I", "I'm".
_CAP_TOKEN = re.compile(
    rf"{_UPPER}(?<![\w'’\-‐\[].)(?!(?<=I)(?:['’][a-z]{{1,2}})?\b)\w*(?:['’\-‐]\w+)*"
)

_TITLE_CUES = split_words(
    "Mr Mrs Ms Miss Mx Dr Prof Professor Doctor Sir Dame Lady Lord Rev Revd Reverend Fr Father "
    "Sister Brother Pastor Imam Rabbi Sheikh Auntie Aunty Aunt Uncle Grandma Grandpa Granny "
    "Nana Nani Dadi Cousin Coach Nurse Officer Judge Señor Señora Herr Frau Monsieur Madame"
)
_RELATIVE_CUES = split_words(
    "sister brother son daughter mum mom mother dad father wife husband partner boyfriend "
    "girlfriend fiance fiancé fiancee fiancée friend cousin aunt auntie aunty uncle niece "
    "nephew grandson granddaughter grandmother grandfather grandma grandpa gran granny nan "
    "nana boss manager colleague coworker co-worker teacher tutor neighbour neighbor flatmate "
    "roommate housemate ex stepdad stepmum stepmom stepson stepdaughter stepbrother "
    "stepsister child kid baby twin carer caregiver therapist counsellor counselor doctor gp "
    "psychiatrist nurse worker mate pal sibling spouse parent sons daughters sisters "
    "brothers kids children mother-in-law father-in-law sister-in-law brother-in-law "
    "son-in-law daughter-in-law"
)
_RELATIVE_ADJECTIVES = split_words(
    "little big older younger elder eldest oldest youngest baby late twin step half ex best "
    "new old other middle social key"
)
_POSSESSIVES = split_words("my her his our their your")
_GREETINGS = split_words(
    "thanks thankyou hi hiya hello hey bye goodbye morning evening sorry welcome cheers dear "
    "okay ok well yes yeah no listen look right congratulations congrats"
)
_GREETINGS_TWO = frozenset(
    (
        "thank you",
        "good morning",
        "good afternoon",
        "good evening",
        "good night",
        "see you",
        "bless you",
    )
)
_INTRO = re.compile(
    rf"(?i:\b(?:my\s+name\s+is|my\s+name{_AP}s|name{_AP}s|call\s+me|I{_AP}m\s+called|"
    rf"I\s+am\s+called|they\s+call\s+me|known\s+as|I\s+go\s+by)\s+)({_ANY_TOKEN})"
)
_INTRO_HINTS = ("name", "call", "known as", "go by")
_EDGE_PUNCTUATION = ",;:\"'“”‘’()"
_PARTICLE = "|".join(p.replace(" ", r"\s") for p in PARTICLES)
_NEXT_PART = re.compile(
    rf" (?:(?P<initial>{_UPPER}\.)(?= )|(?:(?P<particle>{_PARTICLE}) )?(?P<word>{_TOKEN}))"
)
_BRACKET_TAG = re.compile(r"\[[^\[\]\n]{1,40}\]")

_NOT_A_NAME = NEVER_NAMES | TITLES | COMMON_WORDS | KIN_WORDS
_CONTRACTIONS = ("n't", "n’t", "'ll", "’ll", "'ve", "’ve", "'re", "’re", "'d", "’d", "'m", "’m")
_SENTENCE_END = ".!?…:;\n\r"
_SKIPPED_BEFORE = " \t\"'“‘’”«»()[]*-–—"


def _core(token: str) -> str:
    """The token without a possessive ``'s`` or a trailing apostrophe."""
    if len(token) > 3 and token[-2:] in ("'s", "’s"):
        return token[:-2]
    if len(token) > 1 and token[-1] in "'’":
        return token[:-1]
    return token


def _name_like(word: str, allow: frozenset[str]) -> bool:
    """A capitalised word that could be a name (not a never-name, an acronym or a contraction)."""
    if not word or not (word[0].isupper() or word[:3].casefold() in ("al-", "el-")):
        return False
    if len(word) > 1 and word.isupper():
        return False
    if "_" in word or any(ch.isdigit() for ch in word):
        return False
    folded = word.casefold()
    if folded in _NOT_A_NAME or folded in allow:
        return False
    return not folded.endswith(_CONTRACTIONS)


def _is_given_name(word: str) -> bool:
    folded = word.casefold()
    names = given_names()
    if folded in names:
        return True
    parts = re.split(r"[\-‐]", word)  # Mary-Jane, Anne-Marie
    return len(parts) > 1 and parts[0].casefold() in names and all(p[:1].isupper() for p in parts)


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or the text)."""
    i = start - 1
    while i >= 0 and text[i] in _SKIPPED_BEFORE:
        i -= 1
    if i < 0:
        return True
    ch = text[i]
    if ch not in _SENTENCE_END:
        return False
    if ch != ".":
        return True
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:i]
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    return word.casefold() not in ABBREVIATIONS


def _extend(text: str, end: int, allow: frozenset[str]) -> int:
    """End of the name that starts before ``end``, run on over surnames, particles, initials."""
    for _ in range(4):
        m = _NEXT_PART.match(text, end)
        if m is None:
            break
        if m.group("initial"):
            end = m.end()
            continue
        word = m.group("word")
        core = _core(word)
        if not _name_like(core, allow) or sentence_initial(text, m.start("word")):
            break
        end = m.start("word") + len(core)
        if core != word:
            break
    return end


def _strip_trailing_initials(text: str, start: int, end: int) -> int:
    """Drop a dangling initial ("Dr J.") that :func:`_extend` took without a surname after it."""
    while end - start > 2 and text[end - 1] == "." and text[end - 3] == " ":
        end -= 3
    return end


def cue_before(text: str, start: int) -> str | None:
    """The kind of cue that ends right before ``start`` (``"title"``, ``"relative"``,
    ``"greeting"``), or None."""
    if start == 0 or not text[start - 1].isspace():
        return None
    words = text[max(0, start - 64) : start].split()
    if not words:
        return None
    last = words[-1]
    if last.rstrip(".") in _TITLE_CUES and last.count(".") <= 1:
        return "title"
    bare = last.rstrip(",").casefold()
    if last.endswith(".") or not bare:
        return None
    if bare in _GREETINGS or " ".join(w.casefold() for w in words[-2:]).rstrip(",") in (
        _GREETINGS_TWO
    ):
        return "greeting"
    if bare in _RELATIVE_CUES:
        i = len(words) - 2
        adjectives = 0
        while i >= 0 and adjectives < 3:
            word = words[i].strip(_EDGE_PUNCTUATION).casefold()
            if word in _POSSESSIVES:
                return "relative"
            if word not in _RELATIVE_ADJECTIVES and word not in _RELATIVE_CUES:
                return None
            adjectives += 1
            i -= 1
    return None


def _followed_by_punctuation(text: str, end: int) -> bool:
    rest = text[end : end + 3].lstrip(" ")
    return not rest or rest[0] in ".,!?;:…\n"


def name_candidates(text: str, allow: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Spans of possible person names in ``text`` (possibly overlapping)."""
    tags = [m.span() for m in _BRACKET_TAG.finditer(text)] if "[" in text else []
    names = given_names()
    for m in _CAP_TOKEN.finditer(text):
        token = m.group()
        word = _core(token) if token[-1] in "s'’" else token
        folded = word.casefold()
        if folded in _NOT_A_NAME or folded in allow:
            continue
        start = m.start()
        given = folded in names or (("-" in word or "‐" in word) and _is_given_name(word))
        cue = None
        if not given:
            if not _name_like(word, allow):
                continue
            cue = cue_before(text, start)
            if cue is None:
                continue
        if tags and any(lo <= start < hi for lo, hi in tags):
            continue
        word_end = start + len(word)
        if len(word) == 1 and text.startswith(". ", word_end):
            word_end += 1  # an initial: "Dr J. Smith"
        end = _extend(text, word_end, allow)
        if given and (end > word_end or not sentence_initial(text, start)):
            yield start, _strip_trailing_initials(text, start, end)
            continue
        if cue is None:
            cue = cue_before(text, start)
        if cue is None or (cue == "greeting" and not _followed_by_punctuation(text, end)):
            continue
        end = _strip_trailing_initials(text, start, end)
        if end > start + 1 or cue == "title":
            yield start, end

    lowered = text.lower()
    if any(hint in lowered for hint in _INTRO_HINTS):
        for m in _INTRO.finditer(text):
            start = m.start(1)
            word = _core(m.group(1))
            folded = word.casefold()
            if word[:1].isupper():
                if not _name_like(word, allow):
                    continue
            elif folded not in names or folded in allow:
                continue
            yield start, _extend(text, start + len(word), allow)
