"""The screen and the rewrite: :func:`screen`, :func:`screen_text` and :func:`deidentify`."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

from attune_jupyter.core.deid.findings import TAGS, Category, Finding
from attune_jupyter.core.deid.names import mostly_not_english, name_spans
from attune_jupyter.core.deid.patterns import Span, shaped_candidates
from attune_jupyter.core.deid.vocabulary import TITLES
from attune_jupyter.core.transcript import Transcript

#: When two candidates of equal length cover the same text, the earlier category here wins.
_PRIORITY_ORDER: tuple[Category, ...] = (
    "email",
    "url",
    "ip_address",
    "national_id",
    "record_number",
    "date",
    "phone",
    "street_address",
    "postcode",
    "age_over_89",
    "person_name",
)
_PRIORITY: dict[Category, int] = {category: rank for rank, category in enumerate(_PRIORITY_ORDER)}
_PERSON_TAG = re.compile(r"\[PERSON_(\d{1,9})\]")
_MAX_PASSES = 4
_CHUNK = 2000  # characters; a chunk ends at the first line break after this many


def _allowed(allow: Iterable[str]) -> frozenset[str]:
    if isinstance(allow, str):
        raise TypeError("allow must be a collection of words, not one string")
    return frozenset(word.strip().casefold() for word in allow if word.strip())


def _resolve(candidates: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest first, then earliest, then by category priority."""
    if len(candidates) < 2:
        return candidates
    ordered = sorted(set(candidates), key=lambda c: (c[0] - c[1], c[0], _PRIORITY[c[2]]))
    starts: list[int] = []
    kept: list[Span] = []
    for start, end, category in ordered:
        i = bisect.bisect_right(starts, start)
        if i and kept[i - 1][1] > start:
            continue
        if i < len(kept) and kept[i][0] < end:
            continue
        starts.insert(i, start)
        kept.insert(i, (start, end, category))
    return kept


def screen_text(text: str, turn_id: str = "", *, allow: Iterable[str] = ()) -> list[Finding]:
    """Screen one text; see :func:`screen`. Whether it is mostly not English is judged on this
    text alone.

    Parameters
    ----------
    text:
        The text to screen.
    turn_id:
        Put into each finding's ``turn_id``.
    allow:
        Known-safe words, matched case-insensitively against whole tokens.

    Returns
    -------
    list of Finding
        Sorted by ``start``; never overlapping.
    """
    return _screen_all([(turn_id, text)], _allowed(allow))[0]


def _text_spans(
    text: str, allow: frozenset[str], lexicon_rule: bool = True
) -> tuple[list[Span], bool]:
    """The resolved finding spans of one text, before names found elsewhere are added, and
    whether any name candidate came from the lexicon rule alone (see :func:`_screen_all`)."""
    if not text:
        return [], False
    if len(text) > _CHUNK:
        candidates, lexical = _chunked_candidates(text, allow, lexicon_rule)
        return _resolve(candidates), lexical
    candidates = shaped_candidates(text)
    if allow and candidates:
        candidates = [s for s in candidates if text[s[0] : s[1]].casefold() not in allow]
    lexical = False
    for start, end, by_lexicon in name_spans(text, allow, lexicon_rule=lexicon_rule):
        candidates.append((start, end, "person_name"))
        lexical = lexical or by_lexicon
    return _resolve(candidates), lexical


def _chunked_candidates(
    text: str, allow: frozenset[str], lexicon_rule: bool
) -> tuple[list[Span], bool]:
    candidates: list[Span] = []
    lexical = False
    for offset, chunk in _chunks(text):
        candidates.extend(
            (offset + start, offset + end, category)
            for start, end, category in shaped_candidates(chunk)
            if chunk[start:end].casefold() not in allow
        )
        for start, end, by_lexicon in name_spans(chunk, allow, lexicon_rule=lexicon_rule):
            candidates.append((offset + start, offset + end, "person_name"))
            lexical = lexical or by_lexicon
    return candidates, lexical


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Long texts in pieces of whole lines, so that the substring gates stay selective."""
    if len(text) <= _CHUNK:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start + _CHUNK)
        end = len(text) if end < 0 else end + 1
        yield start, text[start:end]
        start = end


def screen(transcript: Transcript, *, allow: Iterable[str] = ()) -> list[Finding]:
    """Find what may identify someone in a transcript's turn text, offline and deterministically.

    The screen looks for the HIPAA Safe Harbor identifiers that occur in talk: person names,
    phone numbers, e-mail addresses, URLs, IP addresses, national ids (SSN, NHS, National
    Insurance, SIN, Aadhaar, ...), record and account numbers, street addresses, postcodes,
    dates more specific than a year, and ages over 89. It uses precompiled patterns and word
    lists, not a model: expect misses (lower-case names, names missing from the list at the start
    of a sentence, cities) and some false alarms (capitalised words that are also names). It is a
    screen to stop accidents, not a guarantee of anonymity.

    A capitalised word that is not an English word is taken for a name. When the transcript's
    text as a whole is mostly not English (French, Spanish, German, ...: fewer than 60% of its
    lower-case words are English words), that rule is off for the whole transcript, so that
    "Bonjour", "Gracias" or "Danke" are not names; titles, relatives, introductions, greetings,
    the given-name list and all the structured patterns still apply.

    Speaker labels are not screened, only turn text: readers keep labels as written, and whether a
    label such as ``"Priya"`` should block loading is the caller's decision.

    Parameters
    ----------
    transcript:
        The transcript to screen.
    allow:
        Known-safe words (``("Hope", "Grace")``), matched case-insensitively against whole tokens
        and whole findings: they are never reported.

    Returns
    -------
    list of Finding
        Sorted by turn order, then ``start``. Where matches overlap, the longest wins.
    """
    items = [(turn.id, turn.text) for turn in transcript.turns]
    return [f for found in _screen_all(items, _allowed(allow)) for f in found]


class SpanCache:
    """Resolved spans per distinct text, kept from one :func:`deidentify` pass to the next."""

    __slots__ = ("lexical", "spans", "without_lexicon")

    def __init__(self) -> None:
        #: With the lexicon rule on.
        self.spans: dict[str, list[Span]] = {}
        #: The texts where the lexicon rule alone found a name candidate.
        self.lexical: set[str] = set()
        #: With the lexicon rule off, for texts in ``lexical`` of a mostly non-English transcript.
        self.without_lexicon: dict[str, list[Span]] = {}


def _screen_all(
    items: list[tuple[str, str]],
    allow: frozenset[str],
    cache: SpanCache | None = None,
) -> list[list[Finding]]:
    """Findings per ``(turn id, text)``; a name found anywhere is then found everywhere.

    A capitalised occurrence of a name found elsewhere in the transcript is a name too, even at
    the start of a sentence where the screen alone would not report it ("Priya's late." after
    "Thanks, Priya.").

    The lexicon rule is judged for all the texts together: only when it found something is the
    language measured (:func:`~attune_jupyter.core.deid.names.mostly_not_english`), and when the
    texts are mostly not English, the texts where it found something are screened again without
    it. So a short turn of a French transcript ("Merci, Karim.") is judged by the whole.

    Each distinct text is screened once: talk repeats itself ("Mm-hmm.", "Yeah."), and
    :func:`deidentify` passes ``cache`` from one pass to the next, where most turns are unchanged.
    """
    cache = SpanCache() if cache is None else cache
    spans_of = cache.spans
    all_spans: list[list[Span]] = []
    for _, text in items:
        spans = spans_of.get(text)
        if spans is None:
            spans, lexical = _text_spans(text, allow)
            spans_of[text] = spans
            if lexical:
                cache.lexical.add(text)
        all_spans.append(spans)
    by_lexicon = cache.lexical
    if (
        by_lexicon
        and any(text in by_lexicon for _, text in items)
        and mostly_not_english("\n".join(text for _, text in items))
    ):
        without = cache.without_lexicon
        for i, (_, text) in enumerate(items):
            if text in by_lexicon:
                if text not in without:
                    without[text] = _text_spans(text, allow, lexicon_rule=False)[0]
                all_spans[i] = without[text]
    per_turn = [
        [Finding(turn_id, s, e, c, text[s:e]) for s, e, c in spans]
        for (turn_id, text), spans in zip(items, all_spans, strict=True)
    ]
    pattern = _other_occurrences(items, per_turn)
    if pattern is None:
        return per_turn
    result: list[list[Finding]] = []
    for (turn_id, text), found in zip(items, per_turn, strict=True):
        extra = [
            m.span()
            for m in pattern.finditer(text)
            if m.start() == 0 or not _NAME_BEFORE.match(text, m.start() - 1)
        ]
        if extra:
            candidates: list[Span] = [(f.start, f.end, f.category) for f in found]
            candidates.extend((start, end, "person_name") for start, end in extra)
            found = [
                Finding(turn_id, start, end, category, text[start:end])
                for start, end, category in _resolve(candidates)
            ]
        result.append(found)
    return result


def _other_occurrences(
    items: list[tuple[str, str]], per_turn: list[list[Finding]]
) -> re.Pattern[str] | None:
    """The pattern of the found names that occur more often than they were found, if any.

    Counting in the case-folded, space-normalised text is a cheap upper bound on what the pattern
    could add; most transcripts name each person only where the screen already found them, and
    then no pattern is compiled or run.
    """
    found = Counter(_name_key(f.text) for fs in per_turn for f in fs if f.category == "person_name")
    if not found:
        return None
    everything = " ".join(" ".join(text for _, text in items).casefold().split())
    more = frozenset(key for key, n in found.items() if everything.count(key) > n)
    return _known_names_pattern(more) if more else None


_NAME_BEFORE = re.compile(r"[\w\[\-'’]")


def _known_names_pattern(known: frozenset[str]) -> re.Pattern[str]:
    """Capitalised occurrences of the known names, otherwise ignoring case.

    Each alternative starts with a literal upper-case letter (no look-behind first), so the
    regular expression engine can skip quickly to candidate positions.
    """
    alternatives = []
    for name in sorted(known, key=len, reverse=True):
        words = [re.escape(word) for word in name.split()]
        head = re.escape(name[0].upper())
        rest = r"\s+".join(f"(?i:{word})" if word else "" for word in [words[0][1:], *words[1:]])
        alternatives.append(head + rest)
    return re.compile("(?:" + "|".join(alternatives) + r")(?![\w\-])")


def _name_key(text: str) -> str:
    return " ".join(text.casefold().split())


class _People:
    """Who a name found by the screen refers to, for :func:`deidentify`: a name alone ("Rosalind",
    "Achterberg" after "Ms") that is the first or the last word of exactly one full name found in
    the transcript ("Rosalind Achterberg") is that person; of two or more ("Sam Okoye", "Sam
    Reyes"), it stays a person of its own."""

    __slots__ = ("_by_part", "_full")

    def __init__(self) -> None:
        self._full: set[str] = set()
        self._by_part: dict[str, set[str]] = {}

    def add(self, names: Iterable[str]) -> None:
        for name in names:
            key = _identity(name)
            words = key.split()
            if len(words) > 1 and key not in self._full:
                self._full.add(key)
                self._by_part.setdefault(words[0], set()).add(key)
                self._by_part.setdefault(words[-1], set()).add(key)

    def key(self, name: str) -> str:
        key = _identity(name)
        if " " not in key:
            full = self._by_part.get(key)
            if full is not None and len(full) == 1:
                return next(iter(full))
        return key


def _identity(name: str) -> str:
    """The name case-folded, without titles before it or a possessive after it."""
    words = name.casefold().replace("’", "'").split()
    while len(words) > 1 and words[0].rstrip(".") in TITLES:
        words.pop(0)
    if words and len(words[-1]) > 3 and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    return " ".join(w.rstrip("'") for w in words)


def deidentify(transcript: Transcript, *, allow: Iterable[str] = ()) -> Transcript:
    """Return a new transcript with every finding of :func:`screen` replaced by a tag.

    Person names become ``[PERSON_1]``, ``[PERSON_2]``, ... numbered in order of first appearance
    across the whole transcript; the same name (ignoring case, spacing, titles and a possessive
    ``'s``) always gets the same number, and so does a given name or surname used alone
    ("Rosalind", "Ms Achterberg") when it belongs to exactly one full name found in the transcript
    ("Rosalind Achterberg"); when it belongs to two ("Sam Okoye", "Sam Reyes"), it gets a number
    of its own. Numbering starts after any ``[PERSON_n]`` already in the text. Other findings
    become ``[PHONE]``, ``[EMAIL]``, ``[URL]``, ``[IP_ADDRESS]``, ``[NATIONAL_ID]``,
    ``[RECORD_NUMBER]``, ``[ADDRESS]``, ``[POSTCODE]``, ``[DATE]`` or ``[AGE_OVER_89]``. Ids,
    speakers, roles, times and metadata are kept; speaker labels are not changed (see
    :func:`screen`).

    The screen is run again on the result (at most a few times) until it finds nothing, so
    ``screen(deidentify(t), allow=allow) == []`` and ``deidentify`` is idempotent.

    Parameters
    ----------
    transcript:
        The transcript to rewrite; it is not changed.
    allow:
        Known-safe words, as for :func:`screen`.
    """
    allowed = _allowed(allow)
    numbers: dict[str, int] = {}
    people = _People()
    highest = 0
    for turn in transcript.turns:
        for m in _PERSON_TAG.finditer(turn.text):
            highest = max(highest, int(m.group(1)))
    texts = {turn.id: turn.text for turn in transcript.turns}
    cache = SpanCache()
    for _ in range(_MAX_PASSES):
        items = list(texts.items())
        screened = _screen_all(items, allowed, cache)
        if not any(screened):
            break
        people.add(f.text for findings in screened for f in findings if f.category == "person_name")
        for (turn_id, text), findings in zip(items, screened, strict=True):
            tags: list[str] = []
            for f in findings:
                if f.category == "person_name":
                    key = people.key(f.text)
                    if key not in numbers:
                        highest += 1
                        numbers[key] = highest
                    tags.append(f"[PERSON_{numbers[key]}]")
                else:
                    tags.append(TAGS[f.category])
            for f, tag in zip(reversed(findings), reversed(tags), strict=True):
                text = text[: f.start] + tag + text[f.end :]
            if findings:
                texts[turn_id] = text
    turns = [replace(turn, text=texts[turn.id]) for turn in transcript.turns]
    return Transcript(transcript.id, turns, source=transcript.source, metadata=transcript.metadata)
