"""Annotations: a code applied to a moment of a transcript by one annotator."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any


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
        Character offsets into the turn's text (end exclusive), or both None for the whole turn.
    note:
        Free text from the annotator; plain text, never HTML.
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
    id: str = field(default_factory=new_annotation_id)
    created: datetime = field(default_factory=utc_now)
    updated: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("transcript_id", "turn_id", "code_id", "annotator"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"annotation {name} must be a non-empty string, got {value!r}")
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
        if self.created.tzinfo is None:
            raise ValueError("annotation created time must be timezone-aware (UTC)")
        if self.updated is None:
            object.__setattr__(self, "updated", self.created)

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
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat() if self.updated else None,
        }
