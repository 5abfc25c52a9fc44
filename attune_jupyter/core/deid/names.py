"""Person names without a model: cues, name lists and an English lexicon.

Three sources of name spans:

* a cue right before a capitalised word: a title (``Dr Okafor``, ``Mme Moreau``), a relative
  (``my sister Aisha``, ``my son, Kwame,``, ``mon frère Karim``, ``meine Tochter Lena``), an
  introduction (``my name is Lin``, ``everyone calls me Dawn``, ``Hi, I'm Dawn``, ``je m'appelle
  Élise``, ``me llamo Lucía``, ``ich heiße Jonas``) or a greeting that ends at the name
  (``Thanks, Priya.``, ``Merci, Élodie.``);
* a capitalised token from the built-in given-name list: anywhere but at the start of a sentence
  (``I told Priya``); there too when it is not also an English word (``Priya thinks``) or when a
  surname follows (``Grace Okafor said``);
* a capitalised word that is not an English word (nor a place, medicine or brand of the lists):
  in the middle of a sentence (``Me and Tane``, ``at Tanvir's place``), or at the start of one when
  a lower-case word, a possessive, a comma or another capitalised word follows (``Jiwoo thinks``).
  This last rule (the lexicon rule) is off for text that is mostly not English
  (:func:`mostly_not_english`): "Bonjour", "Gracias" and "Danke" are not English words either.

A name span runs on over following capitalised surnames, particles (``van der``, ``bin``) and
initials. Words in :data:`~attune_jupyter.core.deid.vocabulary.NEVER_NAMES` (weekdays, months,
holidays, languages, nationalities, countries, brands, role labels, 'God'), backchannels
(``Mm-hmm``), pseudonym tags in square brackets, and names inside well-known phrases that name no
person (``Jack Daniel's``, ``Dr Pepper``, ``St Mary's``, ``Amazing Grace``) are never names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache

from attune_jupyter.core.deid.vocabulary import (
    ABBREVIATIONS,
    ADDRESS_AND_BLESSING,
    COMMON_WORDS,
    KIN_WORDS,
    MEDICINES,
    MONTH_NAMES,
    MORE_BRANDS,
    NEVER_NAMES,
    NOT_PERSON_PHRASES,
    PARTICLES,
    PLACE_PREFIXES,
    PLACES,
    TITLES,
    english_words,
    given_names,
    split_words,
    surnames,
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
    "Nana Nani Dadi Cousin Coach Nurse Officer Judge Señor Señora Herr Frau Monsieur Madame Mme "
    "Mlle Sra Srta Dra Señorita Doña Doktor"
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
    "son-in-law daughter-in-law "
    # French, Spanish and German ("mon frère Karim", "mi hermana Lucía", "meine Tochter Lena")
    "frère frere sœur soeur fils fille mari femme ami amie copain copine mère mere père pere "
    "oncle tante neveu nièce niece collègue voisin voisine hermano hermana hijo hija marido "
    "esposo esposa mujer novio novia amigo amiga madre padre tío tía primo prima jefe jefa "
    "vecino vecina bruder schwester sohn tochter mann freund freundin mutter vater onkel "
    "kollege kollegin nachbar nachbarin"
)
_RELATIVE_ADJECTIVES = split_words(
    "little big older younger elder eldest oldest youngest baby late twin step half ex best "
    "new old other middle social key petit petite grand grande pequeño pequeña kleiner kleine "
    "kleinen grosser grosse grossen älterer ältere älteren jüngerer jüngere jüngeren"
)
_POSSESSIVES = split_words(
    "my her his our their your mon ma mes son sa ses notre mi mis su sus nuestro nuestra mein "
    "meine meinem meinen meiner sein seine seinem seinen seiner ihr ihre ihrem ihren ihrer"
)
_GREETINGS = split_words(
    "thanks thankyou hi hiya hello hey bye goodbye morning evening sorry welcome cheers dear "
    "okay ok well yes yeah no listen look right congratulations congrats merci bonjour bonsoir "
    "salut coucou gracias hola buenas buenos adiós adios danke hallo tschüss servus ciao grazie"
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
    rf"(?i:\b(?:my\s+name\s+is|my\s+name{_AP}s|name{_AP}s|calls?\s+me|called\s+me|I{_AP}m\s+called|"
    rf"I\s+am\s+called|they\s+call\s+me|known\s+as|I\s+go\s+by|je\s+m{_AP}appelle|me\s+llamo|"
    rf"mi\s+nombre\s+es|ich\s+hei(?:ß|ss)e|mein\s+name\s+ist)\s+)({_ANY_TOKEN})"
)
_EDGE_PUNCTUATION = ",;:\"'“”‘’()"
_PARTICLE = "|".join(p.replace(" ", r"\s") for p in PARTICLES)
_NEXT_PART = re.compile(
    rf" (?:(?P<initial>{_UPPER}\.)(?= )|(?:(?P<particle>{_PARTICLE}) )?(?P<word>{_TOKEN}))"
)
_BRACKET_TAG = re.compile(r"\[[^\[\]\n]{1,40}\]")

_NOT_A_NAME = NEVER_NAMES | TITLES | COMMON_WORDS | KIN_WORDS
#: Capitalised words that are not English words but are not taken for names without a cue.
_NOT_UNKNOWN = (
    PLACES | MEDICINES | MORE_BRANDS | PLACE_PREFIXES | ABBREVIATIONS | ADDRESS_AND_BLESSING
)
_BACKCHANNEL_LETTERS = frozenset("mhnu-‐")
_SUFFIXES = ("'s", "'m", "'ve", "'ll", "'d", "'re", "n't", "s")
_HYPHENS = re.compile(r"[\-‐]")
_PREVIOUS_WORD = re.compile(r"(\S+) $")
_INTRO_BEFORE = frozenset(("i'm", "i’m", "am", "is", "it's", "it’s"))
_INTRO_GREETINGS = frozenset(("hi", "hello", "hey", "hiya", "morning", "afternoon", "evening"))


@cache
def _phrase_index() -> dict[str, tuple[tuple[str, int], ...]]:
    """Each word of :data:`NOT_PERSON_PHRASES` -> the phrases (case-folded) and its offset."""
    index: dict[str, list[tuple[str, int]]] = {}
    for phrase in NOT_PERSON_PHRASES:
        folded = phrase.casefold().replace("’", "'")
        for m in re.finditer(r"[^\W\d_][\w'.]*", folded):
            word = m.group().rstrip(".")
            index.setdefault(_core(word), []).append((folded, m.start()))
    return {word: tuple(entries) for word, entries in index.items()}


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


def _in_phrase(text: str, start: int, folded: str) -> bool:
    """Whether the word at ``start`` is part of a well-known phrase that names no person."""
    entries = _phrase_index().get(folded)
    if not entries:
        return False
    for phrase, offset in entries:
        begin = start - offset
        if begin < 0:
            continue
        end = begin + len(phrase)
        if text[begin:end].casefold().replace("’", "'") != phrase:
            continue
        if (begin == 0 or not text[begin - 1].isalnum()) and (
            end >= len(text) or not text[end].isalnum()
        ):
            return True
    return False


def _backchannel(folded: str) -> bool:
    """``Mm-hmm``, ``Mh-hmm``, ``Uh-huh``, ``Hm``: letters m, h, n, u only."""
    return set(folded) <= _BACKCHANNEL_LETTERS


def _known_word(folded: str, lexicon: frozenset[str]) -> bool:
    """Whether a case-folded word is an English word (or an inflection, stutter, contraction)."""
    word = folded.replace("’", "'")
    if word in lexicon or word in _NOT_A_NAME or word in _NOT_UNKNOWN:
        return True
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            base = word[: -len(suffix)]
            if base in lexicon or base in _NOT_A_NAME or base in _NOT_UNKNOWN or base == "i":
                return True
    if "-" in word or "‐" in word:
        parts = [p for p in _HYPHENS.split(word) if p]
        return bool(parts) and all(
            _known_word(p, lexicon) or (i + 1 < len(parts) and parts[i + 1].startswith(p))
            for i, p in enumerate(parts)
        )
    return False


def _acronym(word: str) -> bool:
    """A letter or an acronym, perhaps plural or with a suffix: "A's", "GPs", "OD-ing"."""
    for part in _HYPHENS.split(word):
        bare = part[:-2] if part[-2:] in ("'s", "’s") else part
        bare = bare[:-1] if bare[-1:] == "s" else bare
        if len(bare) <= 1 or bare.isupper():
            return True
    return False


def _name_like(word: str, allow: frozenset[str]) -> bool:
    """A capitalised word that could be a name (not a never-name, an acronym or a contraction)."""
    if not word or not (word[0].isupper() or word[:3].casefold() in ("al-", "el-")):
        return False
    if len(word) > 1 and word.isupper():
        return False
    if "_" in word or any(ch.isdigit() for ch in word):
        return False
    folded = word.casefold()
    if folded in _NOT_A_NAME or folded in allow or _backchannel(folded):
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
    ``"greeting"``, ``"introduction"``), or None."""
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
    if bare in _INTRO_BEFORE and len(words) >= 2:
        before = words[-2].casefold()
        if bare in ("am", "is"):  # "Hi, I am Dawn", "Hello, this is Dawn"
            if len(words) < 3 or before not in ("i", "this"):
                return None
            before = words[-3].casefold()
        if before.rstrip(",!.") in _INTRO_GREETINGS:
            return "introduction"
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


def _previous_word(text: str, start: int) -> tuple[int, str] | None:
    """The word right before ``start`` when one space separates them, with its start."""
    m = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
    if m is None:
        return None
    return m.start(1), m.group(1)


def _not_a_person_here(text: str, start: int, folded: str, cued: bool) -> bool:
    """Whether the name-like word at ``start`` names no person here: inside a well-known phrase
    (``Jack Daniel's``), after a place prefix (``St Mary's``), or, without a cue, after a
    capitalised English word in the middle of a sentence (``Amazing Grace``, ``Royal Albert``)
    unless it is a known surname."""
    if _in_phrase(text, start, folded):
        return True
    if cued:
        return False
    previous = _previous_word(text, start)
    if previous is None:
        return False
    at, word = previous
    if not word[:1].isupper():
        return False
    bare = word.casefold()
    if bare in PLACE_PREFIXES:
        return True
    if not word.isalpha() or bare not in english_words() or bare in given_names():
        return False
    if bare in _NOT_A_NAME or bare in _RELATIVE_CUES_FOLDED or bare in _GREETINGS_FOLDED:
        return False
    return not sentence_initial(text, at) and folded not in surnames()


_RELATIVE_CUES_FOLDED = frozenset(w.casefold() for w in _RELATIVE_CUES)
_GREETINGS_FOLDED = frozenset(w.casefold() for w in _GREETINGS)


#: Verbs of saying and thinking, whose subject is a person: "Hope thinks", "Grace said".
_PERSON_VERB = re.compile(
    r"(?:['’]s)? (?:thinks|thought|says|said|told|tells|asked|asks|reckons|reckoned|texted|"
    r"texts|messaged|rang|phoned|emailed|replied|promised|admitted|insisted|believes|"
    r"believed|wants|wanted|knows|knew|keeps|kept|went|came|lives|lived|works|worked)\b"
)


def _next_to_a_number(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 4) : start]
    after = text[end : end + 4]
    return any(ch.isdigit() for ch in before + after)


def _opens_a_name(text: str, end: int) -> bool:
    """After a sentence-initial word: a lower-case word, a possessive or a comma follows."""
    rest = text[end : end + 3]
    if rest[:2] in ("'s", "’s") or rest[:1] == ",":
        return True
    return len(rest) > 1 and rest[0] == " " and rest[1].islower()


def name_candidates(
    text: str, allow: frozenset[str], *, lexicon_rule: bool = True
) -> Iterator[tuple[int, int]]:
    """Spans of possible person names in ``text`` (possibly overlapping).

    With ``lexicon_rule=False`` a capitalised word that is not an English word is no longer a
    name for that reason alone (see :func:`mostly_not_english`); cues and the given-name list
    still find names.
    """
    for start, end, _ in name_spans(text, allow, lexicon_rule=lexicon_rule):
        yield start, end


def name_spans(
    text: str, allow: frozenset[str], *, lexicon_rule: bool = True
) -> Iterator[tuple[int, int, bool]]:
    """:func:`name_candidates` with, for each span, whether only the lexicon rule found it."""
    tags = [m.span() for m in _BRACKET_TAG.finditer(text)] if "[" in text else []
    names = given_names()
    lexicon = english_words()
    for m in _CAP_TOKEN.finditer(text):
        token = m.group()
        word = _core(token) if token[-1] in "s'’" else token
        folded = word.casefold()
        if folded in _NOT_A_NAME or folded in allow:
            continue
        start = m.start()
        if folded in MONTH_NAMES and _next_to_a_number(text, start, start + len(word)):
            continue  # "3 Jun 2021"
        given = folded in names or (("-" in word or "‐" in word) and _is_given_name(word))
        unknown = False
        cue = None
        if not given:
            if not _name_like(word, allow):
                continue
            unknown = (
                lexicon_rule
                and not _known_word(folded, lexicon)
                and not _acronym(word)
                and not text.startswith("-", m.end())  # a word broken off: "Mysel-"
            )
            if not unknown:
                cue = cue_before(text, start)
                if cue is None:
                    continue
        if tags and any(lo <= start < hi for lo, hi in tags):
            continue
        word_end = start + len(word)
        if len(word) == 1 and text.startswith(". ", word_end):
            word_end += 1  # an initial: "Dr J. Smith"
        end = _extend(text, word_end, allow)
        if given or unknown:
            if not sentence_initial(text, start):
                found = True
            elif end > word_end:
                found = True  # "Priya Sharma said", "Yousef Rahimi from work"
            elif given and folded in lexicon:
                # "Hope is all I've got", "Grace before meals"; but "Hope thinks I'm ..."
                found = _PERSON_VERB.match(text, word_end) is not None
            else:
                found = given or _opens_a_name(text, word_end)
            if found and not _not_a_person_here(text, start, folded, cued=False):
                yield start, _strip_trailing_initials(text, start, end), not given
                continue
        if cue is None:
            cue = cue_before(text, start)
        if cue is None or (cue == "greeting" and not _followed_by_punctuation(text, end)):
            continue
        if _not_a_person_here(text, start, folded, cued=True):
            continue
        end = _strip_trailing_initials(text, start, end)
        if end > start + 1 or cue == "title":
            yield start, end, False

    lowered = text.lower()
    if (  # the words of _INTRO, written out: faster than any() over a tuple
        "name" in lowered
        or "call" in lowered
        or "known as" in lowered
        or "go by" in lowered
        or "appelle" in lowered
        or "llamo" in lowered
        or "nombre" in lowered
        or "heiße" in lowered
        or "heisse" in lowered
    ):
        for m in _INTRO.finditer(text):
            start = m.start(1)
            word = _core(m.group(1))
            folded = word.casefold()
            if word[:1].isupper():
                if not _name_like(word, allow):
                    continue
            elif folded not in names or folded in allow:
                continue
            yield start, _extend(text, start + len(word), allow), False


#: Lower-case words of three letters or more, not part of a contraction, a hyphenated word, an
#: e-mail address or a URL: the words whose share in the English word list tells the language.
_LOWER_WORD = re.compile(r"(?<![\w'’\-‐./@])[^\W\d_]{3,}(?![\w'’\-‐@/]|\.\w)")
#: A text is mostly not English when fewer than this share of its lower-case words are English
#: words. Measured (benchmarks/README.md): English transcripts 0.97-1.00 (AnnoMI-simple, lowest
#: 0.972) and 0.965-1.00 (the generated set); English turns of 5 words or more never below 0.7
#: (AnnoMI) or 0.8 (generated); French, Spanish, German, Italian, Portuguese and Dutch therapy
#: dialogues 0.00-0.20 as a whole and at most 0.43 per turn of 5 words or more.
ENGLISH_SHARE = 0.6
#: Fewer lower-case words than this are too few to judge: the text is taken as English.
MIN_WORDS = 5


def mostly_not_english(text: str) -> bool:
    """Whether ``text`` has enough lower-case words to judge and most are not English words.

    Then the lexicon rule (a capitalised word that is not an English word is a name) is switched
    off for it: in a French, Spanish or German session "Bonjour", "Gracias" and "Danke" at the
    start of a sentence are not English words, but not names either.
    """
    lexicon = english_words()
    words = known = 0
    for word in _LOWER_WORD.findall(text):
        if word.islower():
            words += 1
            known += word in lexicon
    return words >= MIN_WORDS and known < ENGLISH_SHARE * words
