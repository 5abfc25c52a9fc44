"""Session ratings: one rater's scores of one session on the items of one rubric.

A :class:`SessionRating` is the record the rubric form saves and the store keeps. It holds
scores as they were given; whether they fit the rubric (known items, scores on the item's scale)
is the rubric's job (:meth:`attune_jupyter.core.rubric.Rubric.check_rating`), so that a rating
made on an older version of a rubric can still be read after the rubric changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from attune_jupyter.core.annotation import new_annotation_id, utc_now

__all__ = ["ItemRating", "SessionRating"]


@dataclass(frozen=True)
class ItemRating:
    """The rating of one rubric item.

    Parameters
    ----------
    item_id:
        The rubric item's id.
    score:
        The level chosen, or None when the item is not rated yet (not the same as the lowest
        score, which is a judgement).
    comment:
        The rater's comment on this item; plain text, never HTML.
    """

    item_id: str
    score: int | None = None
    comment: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.item_id, str) or not self.item_id.strip():
            raise ValueError(f"item_id must be a non-empty string, got {self.item_id!r}")
        if self.score is not None and type(self.score) is not int:
            raise ValueError(
                f"item {self.item_id}: score must be a whole number or None, got {self.score!r}"
            )
        if not isinstance(self.comment, str):
            raise ValueError(f"item {self.item_id}: comment must be text")

    def to_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "score": self.score, "comment": self.comment}


@dataclass(frozen=True)
class SessionRating:
    """One rater's rating of one session (transcript) on one rubric.

    Parameters
    ----------
    transcript_id:
        The session rated.
    rubric_id, rubric_version:
        The rubric used and its version, so that scores are read against the right scales.
    rater:
        Who rated (a supervisor, or the trainee rating themself).
    items:
        One :class:`ItemRating` per item rated or commented on, in rubric order; items left
        out are unrated. Item ids are unique.
    overall_comment:
        The rater's comment on the session as a whole.
    id:
        Unique id, generated when not given.
    created, updated:
        UTC times; set to now when not given.
    """

    transcript_id: str
    rubric_id: str
    rubric_version: int
    rater: str
    items: tuple[ItemRating, ...] = ()
    overall_comment: str = ""
    id: str = field(default_factory=new_annotation_id)
    created: datetime = field(default_factory=utc_now)
    updated: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("transcript_id", "rubric_id", "rater", "id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"rating {name} must be a non-empty string, got {value!r}")
        if type(self.rubric_version) is not int or self.rubric_version < 1:
            raise ValueError("rating rubric_version must be a whole number >= 1")
        items = tuple(self.items)
        if not all(isinstance(item, ItemRating) for item in items):
            raise ValueError("rating items must be ItemRating objects")
        seen: set[str] = set()
        for item in items:
            if item.item_id in seen:
                raise ValueError(f"rating has item {item.item_id!r} twice")
            seen.add(item.item_id)
        object.__setattr__(self, "items", items)
        if not isinstance(self.overall_comment, str):
            raise ValueError("rating overall_comment must be text")
        if self.created.tzinfo is None:
            raise ValueError("rating created time must be timezone-aware (UTC)")
        if self.updated is None:
            object.__setattr__(self, "updated", self.created)

    @property
    def scores(self) -> dict[str, int | None]:
        """Item id -> score (None for an item listed but not rated)."""
        return {item.item_id: item.score for item in self.items}

    def item(self, item_id: str) -> ItemRating:
        """The rating of one item; an unrated :class:`ItemRating` when the item is not listed."""
        for item in self.items:
            if item.item_id == item_id:
                return item
        return ItemRating(item_id)

    def with_items(self, items: Iterable[ItemRating], **changes: Any) -> SessionRating:
        """A copy with these items (and other ``changes``) and ``updated`` set to now."""
        return replace(self, items=tuple(items), **changes, updated=utc_now())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as ISO 8601 strings)."""
        return {
            "id": self.id,
            "transcript_id": self.transcript_id,
            "rubric_id": self.rubric_id,
            "rubric_version": self.rubric_version,
            "rater": self.rater,
            "items": [item.to_dict() for item in self.items],
            "overall_comment": self.overall_comment,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat() if self.updated else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionRating:
        """The inverse of :meth:`to_dict`.

        Raises
        ------
        ValueError
            When a field is missing or of the wrong kind (the message names it).
        """
        try:
            return cls(
                id=data["id"],
                transcript_id=data["transcript_id"],
                rubric_id=data["rubric_id"],
                rubric_version=data["rubric_version"],
                rater=data["rater"],
                items=tuple(
                    ItemRating(item["item_id"], item.get("score"), item.get("comment", ""))
                    for item in data.get("items", ())
                ),
                overall_comment=data.get("overall_comment", ""),
                created=datetime.fromisoformat(data["created"]),
                updated=datetime.fromisoformat(data["updated"]) if data.get("updated") else None,
            )
        except KeyError as missing:
            raise ValueError(f"rating field {missing.args[0]!r} is missing") from None
        except (TypeError, AttributeError) as error:
            raise ValueError(f"rating is malformed ({error})") from None
