"""What the de-identification screen reports: categories, findings and the loader's error.

A :class:`Finding` keeps the matched text so that :func:`~attune_jupyter.core.deid.deidentify`
can number names consistently, but every way it shows itself (``repr``, ``str``, the message of
:class:`NotAnonymizedError`) uses the masked form only: findings end up in logs, tracebacks and
saved notebook outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from attune_jupyter.core.transcript import TranscriptError

Category = Literal[
    "person_name",
    "phone",
    "email",
    "url",
    "ip_address",
    "national_id",
    "record_number",
    "street_address",
    "postcode",
    "date",
    "age_over_89",
]

#: Every category, in the order used for documentation.
CATEGORIES: tuple[Category, ...] = get_args(Category)

#: The tag :func:`~attune_jupyter.core.deid.deidentify` writes for each category other than
#: names (names get numbered tags, ``[PERSON_1]``, ``[PERSON_2]``, ...).
TAGS: dict[Category, str] = {
    "person_name": "[PERSON]",
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "url": "[URL]",
    "ip_address": "[IP_ADDRESS]",
    "national_id": "[NATIONAL_ID]",
    "record_number": "[RECORD_NUMBER]",
    "street_address": "[ADDRESS]",
    "postcode": "[POSTCODE]",
    "date": "[DATE]",
    "age_over_89": "[AGE_OVER_89]",
}

MASK = "•"


def mask_text(text: str, category: Category) -> str:
    """Return ``text`` masked for display.

    Names keep their first character (``'Priya'`` -> ``'P••••'``); everything else keeps only its
    punctuation and spacing, every letter and digit becoming ``•`` (``'+44 20 7946 0958'`` ->
    ``'+•• •• •••• ••••'``).
    """
    if not text:
        return text
    if category == "person_name":
        return text[0] + MASK * (len(text) - 1)
    return "".join(MASK if ch.isalnum() else ch for ch in text)


@dataclass(frozen=True, repr=False)
class Finding:
    """One possible identifier in one turn.

    Parameters
    ----------
    turn_id:
        Id of the turn the text is in.
    start, end:
        Character offsets in that turn's text, ``end`` exclusive: ``turn.text[start:end] == text``.
    category:
        What kind of identifier it looks like (see :data:`CATEGORIES`).
    text:
        The matched text. It is never shown: ``repr``, ``str`` and error messages use
        :attr:`masked`. Do not log it.
    """

    turn_id: str
    start: int
    end: int
    category: Category
    text: str = field(repr=False)

    @property
    def masked(self) -> str:
        """The matched text masked (see :func:`mask_text`); safe to show and log."""
        return mask_text(self.text, self.category)

    def __repr__(self) -> str:
        return (
            f"Finding(turn_id={self.turn_id!r}, start={self.start}, end={self.end}, "
            f"category={self.category!r}, masked={self.masked!r})"
        )

    def __str__(self) -> str:
        return f"{self.turn_id} {self.category} {self.masked!r}"


class NotAnonymizedError(TranscriptError):
    """A transcript still holds possible identifiers.

    The message lists turn, category and masked text for each finding (never the raw text), for
    example ``"session.txt: 2 possible identifiers: t4 person_name 'P••••', t9 phone
    '+•• •• •••• ••••'; de-identify it with attune_jupyter.deidentify(...), ..."``, followed by
    the other ways through the gate (``allow``, ``override``, ``screen=False``).

    Parameters
    ----------
    findings:
        What :func:`~attune_jupyter.core.deid.screen` found.
    source:
        The file (or other name) the transcript came from, for the message; None for
        ``<transcript>``.
    limit:
        At most this many findings are listed; the message says how many more there are.

    Attributes
    ----------
    findings:
        The findings, as given.
    source:
        As given.
    """

    def __init__(
        self, findings: Sequence[Finding], source: str | None = None, limit: int = 10
    ) -> None:
        self.findings: tuple[Finding, ...] = tuple(findings)
        self.source = source
        self.limit = limit
        # A TranscriptError, so that folder loading collects it with the other per-file errors.
        super().__init__(_error_reason(self.findings, limit), source)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.findings, self.source, self.limit))


def _error_reason(findings: Sequence[Finding], limit: int) -> str:
    count = len(findings)
    noun = "identifier" if count == 1 else "identifiers"
    listed = ", ".join(str(f) for f in findings[: max(limit, 0)])
    more = count - min(count, max(limit, 0))
    if more:
        listed = f"{listed} and {more} more" if listed else f"{more} not listed"
    return (
        f"{count} possible {noun}: {listed}; "
        "de-identify it with attune_jupyter.deidentify(...), accept known-safe words with "
        "allow=[...] or an attune-course.toml, load it anyway with override='<why>' (recorded "
        "in the store), or turn the gate off with screen=False"
    )
