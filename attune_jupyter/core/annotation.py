"""Annotations: a code applied to a moment of a transcript by one annotator.

A moment has one of three shapes: a whole turn, a span of characters inside a turn, or a pair (a
therapist's response together with the client turn it answers). Several codes on one moment are
several annotations that share the moment (see :attr:`Annotation.moment`).
"""

from __future__ import annotations

import numbers
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

#: The strengths an annotation can have, lowest first (None: not given).
STRENGTHS: Final = (1, 2, 3)
STRENGTH_LABELS: Final = {1: "slight", 2: "clear", 3: "strong"}


class Moment(NamedTuple):
    """Where an annotation sits: a turn, a span of it, or a response paired with a client turn."""

    turn_id: str
    span_start: int | None = None
    span_end: int | None = None
    responds_to: str | None = None

    @property
    def shape(self) -> str:
        """``"turn"``, ``"span"`` or ``"pair"``."""
        if self.responds_to is not None:
            return "pair"
        return "turn" if self.span_start is None else "span"


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (every stored time is UTC)."""
    return datetime.now(UTC)


def new_annotation_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Annotation:
    """A code applied to a turn, or to a character span inside a turn.

    Parameters
    ----------
    transcript_id, turn_id:
        The moment annotated.
    code_id:
        Id of a code in the codebook in use.
    annotator:
        Who made it (a user name or a pseudonymous id).
    span_start, span_end:
        Character offsets into the turn's text (end exclusive; Python string indices, so Unicode
        code points), or both None for the whole turn.
    note:
        Free text from the annotator; plain text, never HTML.
    strength:
        How strongly the moment shows the code, one of :data:`STRENGTHS`, or None when not given.
    responds_to:
        For a pair: the id of the client turn that ``turn_id`` (the therapist's response) answers.
        A pair is of whole turns, so it has no span.
    adjudicated:
        True for the code a supervisor recorded as agreed after comparing annotators.
    id:
        Unique id, generated when not given.
    created, updated:
        UTC times; set to now when not given.
    """

    transcript_id: str
    turn_id: str
    code_id: str
    annotator: str
    span_start: int | None = None
    span_end: int | None = None
    note: str = ""
    strength: int | None = None
    responds_to: str | None = None
    adjudicated: bool = False
    id: str = field(default_factory=new_annotation_id)
    created: datetime = field(default_factory=utc_now)
    updated: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("transcript_id", "turn_id", "code_id", "annotator"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"annotation {name} must be a non-empty string, got {value!r}")
        for name in ("span_start", "span_end"):
            value = getattr(self, name)
            if value is None or type(value) is int:
                continue
            # A numpy integer read from a frame is a whole number too; store it as a plain int
            # so that it serialises like one.
            if isinstance(value, numbers.Integral) and not isinstance(value, bool):
                object.__setattr__(self, name, int(value))
            else:
                raise ValueError(f"annotation {name} must be a whole number or None, got {value!r}")
        if (self.span_start is None) != (self.span_end is None):
            raise ValueError("annotation span_start and span_end must both be set or both be None")
        if (
            self.span_start is not None
            and self.span_end is not None
            and (self.span_start < 0 or self.span_end <= self.span_start)
        ):
            raise ValueError(
                f"annotation span {self.span_start}..{self.span_end} is empty or negative"
            )
        if self.strength is not None and (
            type(self.strength) is not int or self.strength not in STRENGTHS
        ):
            raise ValueError(
                f"annotation strength must be one of {', '.join(map(str, STRENGTHS))} or None, "
                f"got {self.strength!r}"
            )
        if self.responds_to is not None:
            if not isinstance(self.responds_to, str) or not self.responds_to.strip():
                raise ValueError("annotation responds_to must be a turn id or None")
            if self.responds_to == self.turn_id:
                raise ValueError("a pair needs two turns: responds_to is the annotated turn itself")
            if self.span_start is not None:
                raise ValueError("a pair is of whole turns: it cannot also have a span")
        if not isinstance(self.note, str):
            raise ValueError("annotation note must be text")
        if not isinstance(self.adjudicated, bool):
            raise ValueError("annotation adjudicated must be True or False")
        if self.created.tzinfo is None:
            raise ValueError("annotation created time must be timezone-aware (UTC)")
        if self.updated is None:
            object.__setattr__(self, "updated", self.created)

    @property
    def moment(self) -> Moment:
        """Where this annotation sits; annotations with equal moments code the same moment."""
        return Moment(self.turn_id, self.span_start, self.span_end, self.responds_to)

    def edited(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``updated`` set to now."""
        return replace(self, **changes, updated=utc_now())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as ISO 8601 strings)."""
        return {
            "id": self.id,
            "transcript_id": self.transcript_id,
            "turn_id": self.turn_id,
            "span_start": self.span_start,
            "span_end": self.span_end,
            "code_id": self.code_id,
            "annotator": self.annotator,
            "note": self.note,
            "strength": self.strength,
            "responds_to": self.responds_to,
            "adjudicated": self.adjudicated,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat() if self.updated else None,
        }


def annotations_from_frame(frame: pd.DataFrame) -> list[Annotation]:
    """The :class:`Annotation` records of an annotations frame (the store's, or one shaped like
    it), in the frame's order.

    Only ``annotation_id``, ``transcript_id``, ``turn_id``, ``code_id`` and ``annotator`` are
    required; other columns of the store's frame are read when present.

    Raises
    ------
    ValueError
        When a required column is missing, or a row is not a valid annotation.
    """
    # Imported here so that code using only the records (the widgets' key presses) does not
    # load pandas.
    import pandas

    missing = [
        c
        for c in ("annotation_id", "transcript_id", "turn_id", "code_id", "annotator")
        if c not in frame.columns
    ]
    if missing:
        raise ValueError(
            f"the annotations frame has no column {', '.join(map(repr, missing))}; pass the "
            "store's annotations frame (Store.annotations())"
        )

    def value(row: Mapping[str, Any], name: str, default: Any = None) -> Any:
        v = row.get(name, default)
        return None if v is None or v is pandas.NA or v is pandas.NaT or v != v else v

    def when(v: Any) -> datetime | None:
        return None if v is None else pandas.Timestamp(v).floor("us").to_pydatetime()

    result = []
    for record in frame.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        span_start, span_end = value(row, "span_start"), value(row, "span_end")
        created = when(value(row, "created")) or utc_now()
        strength = value(row, "strength")
        result.append(
            Annotation(
                transcript_id=str(row["transcript_id"]),
                turn_id=str(row["turn_id"]),
                code_id=str(row["code_id"]),
                annotator=str(row["annotator"]),
                span_start=None if span_start is None else int(span_start),
                span_end=None if span_end is None else int(span_end),
                note=value(row, "note") or "",
                strength=None if strength is None else int(strength),
                responds_to=value(row, "responds_to"),
                adjudicated=bool(value(row, "adjudicated") or False),
                id=str(row["annotation_id"]),
                created=created,
                updated=when(value(row, "updated")) or created,
            )
        )
    return result
