"""Rubrics: the anchored scales on which a rater scores a whole session.

This module owns the rubric file format (``"format": "attune-rubric"``, ``format_version`` 1), its
validation, the rubrics packaged with attune-jupyter and what a rubric says about a
:class:`~attune_jupyter.core.rating.SessionRating`: whether it fits (:meth:`Rubric.check_rating`),
its summary scores (:meth:`Rubric.summary`) and, where the rubric has a pass rule, whether it
passes (:meth:`Rubric.passes`).

A rubric has groups of items; each item is scored on its own :class:`Scale` of whole numbers,
whose levels may each carry an anchor (a short description of what that level looks like in the
session). Some items measure a risk, so that a higher score is worse (``higher_is_better:
false``); summaries never mix such items with the others, and pass rules only apply to rubrics
without them.

Packaged rubrics: :meth:`Rubric.default` (the project's own rubric, every level anchored) and the
structure of three published instruments (:meth:`Rubric.miti`, :meth:`Rubric.fis`,
:meth:`Rubric.cts_r`): item names, scales, summaries and pass rules only, never their manuals'
text, which raters need to consult for the level descriptions.

A rubric file looks like this (one group, one item shown)::

    {
      "format": "attune-rubric",
      "format_version": 1,
      "id": "attune-default",
      "version": 1,
      "title": "Attune session rubric",
      "description": "...",
      "groups": [{"id": "qualities", "label": "Therapist qualities", "description": "..."}],
      "items": [
        {"id": "compassion", "label": "Compassion", "description": "...", "group": "qualities",
         "scale": {"minimum": 1, "maximum": 5, "higher_is_better": true,
                   "anchors": {"1": "...", "2": "...", "3": "...", "4": "...", "5": "..."}}}
      ],
      "summaries": [
        {"id": "qualities", "label": "Therapist qualities", "method": "mean", "group": "qualities"}
      ],
      "pass_rule": null
    }

A summary covers either a ``group`` or a list of ``items`` (ids), never both, and may carry
``"bands": {"fair": 3, "good": 4}``. Its ``method`` is one of

``mean``
    the mean of the items rated; None when none is (a partly rated session still gets a score).
``mean_if_complete``
    the mean when every item is rated, else None (for instruments whose summary is defined on
    all its items, such as the MITI technical and relational scores).
``total_if_complete``
    the sum when every item is rated, else None (a partial total would read as a low score).

A pass rule is ``{"total_at_least": 36, "each_item_at_least": 2}`` (either may be left out).
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import numbers
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from os import PathLike
from statistics import fmean
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

from attune_jupyter.core.files import parse_json_document, read_utf8_text, write_atomically
from attune_jupyter.core.rating import SessionRating

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_LEVELS",
    "SUMMARY_METHODS",
    "Band",
    "Bands",
    "PassRule",
    "Rubric",
    "RubricError",
    "RubricGroup",
    "RubricItem",
    "RubricSummary",
    "Scale",
    "SummaryMethod",
]

#: Value of the ``format`` field that marks a rubric file.
FORMAT: Final = "attune-rubric"

#: The file format version this module writes, and the newest it reads.
FORMAT_VERSION: Final = 1

#: Most levels a scale may have (0-100 is the widest useful one); a rating form lists them all.
MAX_LEVELS: Final = 101

#: How a summary combines its items' scores (see the module docstring).
SummaryMethod = Literal["mean", "mean_if_complete", "total_if_complete"]
SUMMARY_METHODS: Final[tuple[SummaryMethod, ...]] = get_args(SummaryMethod)

#: Where a summary score stands against its thresholds.
Band = Literal["below fair", "fair", "good"]

_PACKAGE = "attune_jupyter.core"
_DATA = "data"

_TOP_FIELDS = (
    "format",
    "format_version",
    "id",
    "version",
    "title",
    "description",
    "groups",
    "items",
    "summaries",
    "pass_rule",
)
_GROUP_FIELDS = ("id", "label", "description")
_ITEM_FIELDS = ("id", "label", "description", "group", "scale")
_SCALE_FIELDS = ("minimum", "maximum", "higher_is_better", "anchors")
_SUMMARY_FIELDS = ("id", "label", "method", "group", "items", "bands")
_SUMMARY_REQUIRED = ("id", "label", "method")
_BANDS_FIELDS = ("fair", "good")
_PASS_FIELDS = ("total_at_least", "each_item_at_least")

_ID_RE = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_LEVEL_RE = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")

#: Upgrades of older file formats: ``_UPGRADES[n]`` turns a ``format_version`` *n* document into
#: a ``format_version`` *n + 1* one. When FORMAT_VERSION is raised, add the step from the previous
#: version here.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class RubricError(ValueError):
    """A rubric (a file, a dict, an object) is not valid, or a rating does not fit a rubric.

    The message says where the problem is (the file, then the field, such as
    ``items[3].scale.anchors``; or the rating, then the item) and what is wrong, so that an
    educator can open the file and fix it.

    Attributes
    ----------
    reason:
        What is wrong, without the location.
    source:
        The file or object concerned (a path as given, or a description such as
        ``"rubric 'attune-default' version 1"``), or None.
    where:
        The field (``"items[3].scale.anchors"``), the item of a rating (``"item 'empathy'"``) or
        the position in the file (``"line 4, column 9"``); None for the whole document.
    """

    def __init__(self, reason: str, source: str | None = None, where: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.where = where
        parts = [source or "<rubric>"]
        if where:
            parts.append(where)
        parts.append(reason)
        super().__init__(": ".join(parts))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, self.source, self.where))


# --------------------------------------------------------------------------------------------
# Field rules (each returns the reason a value is not valid, or None)
# --------------------------------------------------------------------------------------------


def _kind(value: object) -> str:
    """How a value would be described in JSON terms, for messages; never very long."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return f"a number ({value})" if abs(value) < 10**18 else "a very large number"
    if isinstance(value, float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({_short(value)})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_score(value: object) -> bool:
    """A whole number as a score may come: an int, or a NumPy integer read from a frame."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _id_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_kind(value)}"
    if not _ID_RE.fullmatch(value):
        return (
            f"{_short(value)} is not a valid id: use lower-case letters and digits, joined by "
            "'.', '-' or '_' (for example 'warmth-within-professionalism')"
        )
    return None


def _line_problem(value: object, *, allow_empty: bool = False) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_kind(value)}"
    if not allow_empty and not value.strip():
        return "must not be empty"
    if "\n" in value or "\r" in value:
        return "must be a single line (no line breaks)"
    return None


def _text_problem(value: object) -> str | None:
    return None if isinstance(value, str) else f"must be a string, got {_kind(value)}"


def _check(rules: Mapping[str, Callable[[object], str | None]], obj: object) -> None:
    """Apply field rules to the attributes of ``obj``; raise at the first broken one."""
    for name, rule in rules.items():
        reason = rule(getattr(obj, name))
        if reason is not None:
            raise RubricError(reason, where=name)


def _relocated(error: RubricError, source: str | None, prefix: str) -> RubricError:
    """The same problem, reported at ``prefix`` (a field path) inside ``source``."""
    where = prefix if error.where is None else f"{prefix}.{error.where}"
    return RubricError(error.reason, source, where)


def _unknown_field(name: object, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(str(name), list(known), n=1)
    suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
    return f"unknown field {_short(str(name))}{suffix}"


def _hint(name: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


# --------------------------------------------------------------------------------------------
# Parts of a rubric
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """The whole-number levels an item is scored on, with an anchor for some or all of them.

    Parameters
    ----------
    minimum, maximum:
        The lowest and highest level (``minimum < maximum``, at most :data:`MAX_LEVELS` levels).
    anchors:
        Level -> a short description of what that level looks like in the session. A rubric
        written for this project anchors every level; a published instrument's structure ships
        without anchors, since their wording belongs to the instrument's manual.
    higher_is_better:
        False for an item that measures a risk, where a higher score means more of the risk.

    Raises
    ------
    RubricError
        When a field is not valid (the message names it).
    """

    minimum: int
    maximum: int
    anchors: Mapping[int, str] = field(default_factory=dict, hash=False)
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        for name in ("minimum", "maximum"):
            value = getattr(self, name)
            if not _is_int(value):
                raise RubricError(f"must be a whole number, got {_kind(value)}", where=name)
        if self.maximum <= self.minimum:
            raise RubricError(
                f"must be greater than the minimum ({self.minimum}); a scale needs two levels",
                where="maximum",
            )
        if self.maximum - self.minimum + 1 > MAX_LEVELS:
            raise RubricError(
                f"the scale {self.minimum}-{self.maximum} has more than {MAX_LEVELS} levels",
                where="maximum",
            )
        if not isinstance(self.higher_is_better, bool):
            raise RubricError(
                f"must be true or false, got {_kind(self.higher_is_better)}",
                where="higher_is_better",
            )
        if not isinstance(self.anchors, Mapping):
            raise RubricError(
                f"must map levels to descriptions, got {_kind(self.anchors)}", where="anchors"
            )
        for level, text in self.anchors.items():
            if not _is_int(level):
                raise RubricError(f"level {level!r} is not a whole number", where="anchors")
            if not self.minimum <= level <= self.maximum:
                raise RubricError(
                    f"level {level} is not on the scale {self.minimum}-{self.maximum}",
                    where="anchors",
                )
            reason = _line_problem(text)
            if reason is not None:
                raise RubricError(f"the anchor of level {level} {reason}", where="anchors")
        object.__setattr__(self, "anchors", MappingProxyType(dict(sorted(self.anchors.items()))))

    def __reduce__(self) -> tuple[Any, ...]:
        # The read-only anchors view cannot be pickled; rebuild it from a plain dict.
        return (Scale, (self.minimum, self.maximum, dict(self.anchors), self.higher_is_better))

    @property
    def levels(self) -> range:
        """Every level, lowest first."""
        return range(self.minimum, self.maximum + 1)

    def __contains__(self, score: object) -> bool:
        if not isinstance(score, numbers.Integral) or isinstance(score, bool):
            return False
        return self.minimum <= int(score) <= self.maximum

    def describe(self) -> str:
        """``"1-5"``, or ``"1-5, higher means more of the risk"``, for messages and forms."""
        span = f"{self.minimum}-{self.maximum}"
        return span if self.higher_is_better else f"{span}, higher means more of the risk"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the fields in file order (anchor levels as strings)."""
        return {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "higher_is_better": self.higher_is_better,
            "anchors": {str(level): text for level, text in self.anchors.items()},
        }


@dataclass(frozen=True)
class RubricGroup:
    """A heading under which items are shown, such as "Therapist qualities".

    Raises
    ------
    RubricError
        When a field is not valid.
    """

    id: str
    label: str
    description: str = ""

    def __post_init__(self) -> None:
        _check(_GROUP_RULES, self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the fields in file order."""
        return {"id": self.id, "label": self.label, "description": self.description}


_GROUP_RULES: Mapping[str, Callable[[object], str | None]] = {
    "id": _id_problem,
    "label": _line_problem,
    "description": lambda v: _line_problem(v, allow_empty=True),
}


@dataclass(frozen=True)
class RubricItem:
    """One thing the rater scores, such as compassion.

    Parameters
    ----------
    id:
        Stable identifier that ratings refer to (lower-case letters and digits joined by ``.``,
        ``-`` or ``_``).
    label:
        Short name shown on the rating form.
    description:
        One line saying what the item looks at (may be empty).
    group:
        Id of the :class:`RubricGroup` the item is shown under.
    scale:
        The levels it is scored on.

    Raises
    ------
    RubricError
        When a field is not valid on its own (checks that need the rest of the rubric are made
        by :class:`Rubric`).
    """

    id: str
    label: str
    description: str
    group: str
    scale: Scale

    def __post_init__(self) -> None:
        _check(_ITEM_RULES, self)
        if not isinstance(self.scale, Scale):
            raise RubricError(f"must be a Scale, got {_kind(self.scale)}", where="scale")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the fields in file order."""
        return {
            "id": self.id,
            "label": self.label,
            "description": self.description,
            "group": self.group,
            "scale": self.scale.to_dict(),
        }


_ITEM_RULES: Mapping[str, Callable[[object], str | None]] = {
    **_GROUP_RULES,
    "group": _id_problem,
}


@dataclass(frozen=True)
class Bands:
    """Thresholds that place a summary score in a band: below fair, fair (>= ``fair``) or good
    (>= ``good``), as published instruments report their summaries.

    Raises
    ------
    RubricError
        When a threshold is not a finite number or ``fair`` is above ``good``.
    """

    fair: float
    good: float

    def __post_init__(self) -> None:
        for name in _BANDS_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise RubricError(f"must be a number, got {_kind(value)}", where=name)
            if not math.isfinite(value):
                raise RubricError(f"must be a finite number, got {value!r}", where=name)
        if self.fair > self.good:
            raise RubricError(
                f"the fair threshold ({self.fair}) must not be above the good one ({self.good})",
                where="fair",
            )

    def of(self, value: float | None) -> Band | None:
        """The band of ``value``; None when the value is None (nothing to place)."""
        if value is None:
            return None
        if value >= self.good:
            return "good"
        if value >= self.fair:
            return "fair"
        return "below fair"

    def to_dict(self) -> dict[str, Any]:
        return {"fair": self.fair, "good": self.good}


@dataclass(frozen=True)
class RubricSummary:
    """A score computed from several items, such as the mean of a group.

    Parameters
    ----------
    id, label:
        Identifier and display name.
    method:
        One of :data:`SUMMARY_METHODS` (see the module docstring).
    group:
        The group whose items are summarised; or None, and then ``items`` lists them.
    items:
        Ids of the items summarised, when ``group`` is None.
    bands:
        Thresholds for "fair" and "good", or None.

    Raises
    ------
    RubricError
        When a field is not valid, or both or neither of ``group`` and ``items`` are given.
    """

    id: str
    label: str
    method: SummaryMethod
    group: str | None = None
    items: tuple[str, ...] = ()
    bands: Bands | None = None

    def __post_init__(self) -> None:
        _check({"id": _id_problem, "label": _line_problem}, self)
        if self.method not in SUMMARY_METHODS:
            shown = _kind(self.method) if not isinstance(self.method, str) else _short(self.method)
            raise RubricError(
                f"{shown} is not a summary method; use one of {', '.join(SUMMARY_METHODS)}",
                where="method",
            )
        if not isinstance(self.items, Sequence) or isinstance(self.items, str):
            raise RubricError(f"must be a list of item ids, got {_kind(self.items)}", where="items")
        object.__setattr__(self, "items", tuple(self.items))
        if self.group is None and not self.items:
            raise RubricError("give either a group or a non-empty list of items", where="items")
        if self.group is not None:
            if self.items:
                raise RubricError("give either a group or a list of items, not both", where="items")
            reason = _id_problem(self.group)
            if reason is not None:
                raise RubricError(reason, where="group")
        seen: set[str] = set()
        for j, item_id in enumerate(self.items):
            reason = _id_problem(item_id)
            if reason is None and item_id in seen:
                reason = f"{item_id!r} is listed twice"
            if reason is not None:
                raise RubricError(reason, where=f"items[{j}]")
            seen.add(item_id)
        if self.bands is not None and not isinstance(self.bands, Bands):
            raise RubricError(f"must be Bands or null, got {_kind(self.bands)}", where="bands")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``group`` or ``items``, and ``bands`` only when set."""
        data: dict[str, Any] = {"id": self.id, "label": self.label, "method": self.method}
        if self.group is not None:
            data["group"] = self.group
        else:
            data["items"] = list(self.items)
        if self.bands is not None:
            data["bands"] = self.bands.to_dict()
        return data


@dataclass(frozen=True)
class PassRule:
    """When a fully rated session passes: a minimum total, a minimum on every item, or both.

    Raises
    ------
    RubricError
        When a threshold is not a whole number, or neither is given.
    """

    total_at_least: int | None = None
    each_item_at_least: int | None = None

    def __post_init__(self) -> None:
        for name in _PASS_FIELDS:
            value = getattr(self, name)
            if value is not None and not _is_int(value):
                raise RubricError(f"must be a whole number or null, got {_kind(value)}", where=name)
        if self.total_at_least is None and self.each_item_at_least is None:
            raise RubricError("give total_at_least, each_item_at_least or both")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with only the thresholds that are set."""
        return {
            name: getattr(self, name) for name in _PASS_FIELDS if getattr(self, name) is not None
        }


# --------------------------------------------------------------------------------------------
# Rubric
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rubric:
    """A validated, versioned rubric; immutable.

    Parameters
    ----------
    id:
        Identifier that ratings refer to, for example ``"attune-default"``.
    version:
        The rubric's own edition, a whole number >= 1 that ratings record; raise it when items
        or scales change, so that old ratings are not read against new scales. (This is not the
        file format version, :data:`FORMAT_VERSION`.)
    title:
        Name shown on the rating form.
    description:
        What the rubric is for and how to use it (may be empty, may span lines).
    groups:
        The headings, in display order; each has at least one item.
    items:
        The items, in display order.
    summaries:
        Scores computed from items (:meth:`summary`).
    pass_rule:
        When a session passes (:meth:`passes`), or None.
    source:
        Where the rubric was read from, used in messages; not part of equality.

    Raises
    ------
    RubricError
        When a field is invalid, ids repeat, an item names a missing group, a group has no item,
        a summary names a missing group or item or mixes risk items with the others, or a pass
        rule cannot be met or is set on a rubric with risk items.
    """

    id: str
    version: int
    title: str
    description: str
    groups: tuple[RubricGroup, ...]
    items: tuple[RubricItem, ...]
    summaries: tuple[RubricSummary, ...] = ()
    pass_rule: PassRule | None = None
    source: str | None = field(default=None, compare=False)
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __init__(
        self,
        id: str,
        version: int,
        title: str,
        description: str,
        groups: Iterable[RubricGroup],
        items: Iterable[RubricItem],
        summaries: Iterable[RubricSummary] = (),
        pass_rule: PassRule | None = None,
        source: str | None = None,
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "groups", tuple(groups))
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "summaries", tuple(summaries))
        object.__setattr__(self, "pass_rule", pass_rule)
        object.__setattr__(self, "source", source)
        self._validate()

    # -- validation ------------------------------------------------------------------------

    def _error_source(self) -> str:
        if self.source is not None:
            return self.source
        if isinstance(self.id, str) and _ID_RE.fullmatch(self.id):
            return f"rubric {self.id!r}"
        return "<rubric>"

    def _validate(self) -> None:
        source = self._error_source()

        def fail(reason: str, where: str | None = None) -> RubricError:
            return RubricError(reason, source, where)

        reason = _id_problem(self.id)
        if reason is not None:
            raise fail(reason, "id")
        if not _is_int(self.version) or self.version < 1:
            raise fail(f"must be a whole number >= 1, got {_kind(self.version)}", "version")
        for name, rule in (("title", _line_problem), ("description", _text_problem)):
            reason = rule(getattr(self, name))
            if reason is not None:
                raise fail(reason, name)

        if not self.groups:
            raise fail("a rubric needs at least one group", "groups")
        groups: dict[str, int] = {}
        for i, group in enumerate(self.groups):
            if not isinstance(group, RubricGroup):
                raise fail(f"must be a RubricGroup, got {_kind(group)}", f"groups[{i}]")
            if group.id in groups:
                raise fail(
                    f"{group.id!r} is already the id of groups[{groups[group.id]}]; ids must be "
                    "unique",
                    f"groups[{i}].id",
                )
            groups[group.id] = i

        if not self.items:
            raise fail("a rubric needs at least one item", "items")
        index: dict[str, int] = {}
        for i, item in enumerate(self.items):
            if not isinstance(item, RubricItem):
                raise fail(f"must be a RubricItem, got {_kind(item)}", f"items[{i}]")
            if item.id in index:
                raise fail(
                    f"{item.id!r} is already the id of items[{index[item.id]}]; ids must be unique",
                    f"items[{i}].id",
                )
            index[item.id] = i
            if item.group not in groups:
                raise fail(
                    f"no group has the id {item.group!r}{_hint(item.group, groups)}",
                    f"items[{i}].group",
                )
        object.__setattr__(self, "_index", index)
        used = {item.group for item in self.items}
        for i, group in enumerate(self.groups):
            if group.id not in used:
                raise fail(f"group {group.id!r} has no items", f"groups[{i}]")

        seen: dict[str, int] = {}
        for i, summary in enumerate(self.summaries):
            where = f"summaries[{i}]"
            if not isinstance(summary, RubricSummary):
                raise fail(f"must be a RubricSummary, got {_kind(summary)}", where)
            if summary.id in seen:
                raise fail(
                    f"{summary.id!r} is already the id of summaries[{seen[summary.id]}]; ids "
                    "must be unique",
                    f"{where}.id",
                )
            seen[summary.id] = i
            if summary.group is not None and summary.group not in groups:
                raise fail(
                    f"no group has the id {summary.group!r}{_hint(summary.group, groups)}",
                    f"{where}.group",
                )
            for j, item_id in enumerate(summary.items):
                if item_id not in index:
                    raise fail(
                        f"no item has the id {item_id!r}{_hint(item_id, index)}",
                        f"{where}.items[{j}]",
                    )
            directions = {item.scale.higher_is_better for item in self._summarised(summary)}
            if len(directions) > 1:
                raise fail(
                    "mixes items where higher is better with risk items (higher means more of "
                    "the risk); summarise them separately",
                    f"{where}.{'items' if summary.group is None else 'group'}",
                )
            if summary.bands is not None and directions == {False}:
                raise fail(
                    "bands (fair/good thresholds) are for summaries where higher is better",
                    f"{where}.bands",
                )

        pass_rule = self.pass_rule
        if pass_rule is not None:
            if not isinstance(pass_rule, PassRule):
                raise fail(f"must be a PassRule or null, got {_kind(pass_rule)}", "pass_rule")
            risky = [item.id for item in self.items if not item.scale.higher_is_better]
            if risky:
                raise fail(
                    f"a pass rule needs every item to count higher as better; {risky[0]!r} "
                    "measures a risk",
                    "pass_rule",
                )
            lowest = sum(item.scale.minimum for item in self.items)
            highest = sum(item.scale.maximum for item in self.items)
            total = pass_rule.total_at_least
            if total is not None and not lowest < total <= highest:
                raise fail(
                    f"{total} cannot decide anything: totals on this rubric run from {lowest} "
                    f"to {highest}",
                    "pass_rule.total_at_least",
                )
            each = pass_rule.each_item_at_least
            if each is not None:
                for item in self.items:
                    if each not in item.scale:
                        raise fail(
                            f"{each} is not on the scale of item {item.id!r} "
                            f"({item.scale.describe()})",
                            "pass_rule.each_item_at_least",
                        )

    def _summarised(self, summary: RubricSummary) -> tuple[RubricItem, ...]:
        if summary.group is not None:
            return self.items_in(summary.group)
        return tuple(self.items[self._index[item_id]] for item_id in summary.items)

    # -- packaged rubrics ------------------------------------------------------------------

    @classmethod
    def default(cls) -> Rubric:
        """The project's rubric: therapist qualities, safety, risks of over-professionalisation
        (higher means more risk) and balance, 1-5 with every level anchored.

        Read once per process from the package data, like every packaged rubric.
        """
        return _packaged("rubric_default.json")

    @classmethod
    def miti(cls) -> Rubric:
        """The four MITI 4.2.1 global ratings (1-5) with the technical and relational summaries
        and their fair/good thresholds. Behaviour counts are in :mod:`attune_jupyter.core.miti`.
        """
        return _packaged("rubric_miti_4_2_1.json")

    @classmethod
    def fis(cls) -> Rubric:
        """The eight items of the Facilitative Interpersonal Skills rating (1-5) and their mean."""
        return _packaged("rubric_fis.json")

    @classmethod
    def cts_r(cls) -> Rubric:
        """The twelve items of the revised Cognitive Therapy Scale (0-6), their total and the
        common pass rule (total >= 36 and no item below 2)."""
        return _packaged("rubric_cts_r.json")

    # -- reading and writing ---------------------------------------------------------------

    @classmethod
    def load(cls, path: str | PathLike[str]) -> Rubric:
        """Read and validate a rubric file.

        Parameters
        ----------
        path:
            A UTF-8 JSON file in the ``attune-rubric`` format. Files in an older
            ``format_version`` are upgraded in memory; the file itself is not changed.

        Raises
        ------
        RubricError
            When the file is not valid; the message names the file and the field.
        OSError
            When the file cannot be read.
        """
        source = str(path)
        text = read_utf8_text(path, RubricError)
        return cls.from_json(text, source=source)

    @classmethod
    def from_json(cls, text: str, source: str | None = None) -> Rubric:
        """Parse and validate the JSON text of a rubric file.

        Raises
        ------
        RubricError
            When the text is not JSON (the message gives line and column) or not a valid rubric.
        """
        data = parse_json_document(text, source, RubricError)
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: object, source: str | None = None) -> Rubric:
        """Build a rubric from the parsed JSON of a rubric file.

        Parameters
        ----------
        data:
            The document, as :func:`json.load` returns it.
        source:
            Where it came from, for messages (a path, or a description); None gives
            ``<rubric>``.

        Raises
        ------
        RubricError
            When the document is not a valid rubric, is in a newer format than this version of
            attune-jupyter reads, or in an older one it cannot upgrade.
        """
        if not isinstance(data, Mapping):
            raise RubricError(f"the top level must be a JSON object, got {_kind(data)}", source)
        doc = _upgraded(dict(data), source)
        _check_fields(doc, _TOP_FIELDS, _TOP_FIELDS, source, "")

        groups = []
        for i, entry in enumerate(_list(doc["groups"], "groups", source)):
            where = f"groups[{i}]"
            values = _fields(entry, _GROUP_FIELDS, source, where)
            groups.append(_construct(RubricGroup, values, source, where))
        items = []
        for i, entry in enumerate(_list(doc["items"], "items", source)):
            where = f"items[{i}]"
            values = _fields(entry, _ITEM_FIELDS, source, where)
            values["scale"] = _scale_from(values["scale"], source, f"{where}.scale")
            items.append(_construct(RubricItem, values, source, where))
        summaries = []
        for i, entry in enumerate(_list(doc["summaries"], "summaries", source)):
            where = f"summaries[{i}]"
            values = _fields(entry, _SUMMARY_FIELDS, source, where, required=_SUMMARY_REQUIRED)
            if "items" in values:
                values["items"] = tuple(_list(values["items"], f"{where}.items", source))
            if values.get("bands") is not None:
                bands = _fields(values["bands"], _BANDS_FIELDS, source, f"{where}.bands")
                values["bands"] = _construct(Bands, bands, source, f"{where}.bands")
            summaries.append(_construct(RubricSummary, values, source, where))
        pass_rule = None
        if doc["pass_rule"] is not None:
            rule = _fields(doc["pass_rule"], _PASS_FIELDS, source, "pass_rule", required=())
            pass_rule = _construct(PassRule, rule, source, "pass_rule")

        return cls(
            doc["id"],
            doc["version"],
            doc["title"],
            doc["description"],
            groups,
            items,
            summaries,
            pass_rule,
            source=source,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form in the current file format, fields in file order."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "groups": [group.to_dict() for group in self.groups],
            "items": [item.to_dict() for item in self.items],
            "summaries": [summary.to_dict() for summary in self.summaries],
            "pass_rule": None if self.pass_rule is None else self.pass_rule.to_dict(),
        }

    def to_json(self) -> str:
        """The text :meth:`save` writes: indented UTF-8 JSON ending with a newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | PathLike[str]) -> None:
        """Write the rubric to ``path`` atomically.

        The text goes to a temporary file in the same folder, which then replaces ``path`` in one
        step, so readers never see a half-written rubric. An existing file keeps its
        permissions. Loading the saved file gives a rubric equal to this one.

        Raises
        ------
        OSError
            When the folder does not exist or cannot be written.
        """
        write_atomically(path, self.to_json().encode("utf-8"))

    # -- looking things up -----------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Rubric(id={self.id!r}, version={self.version}, items={len(self.items)})"

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[RubricItem]:
        return iter(self.items)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self._index

    def item(self, item_id: str) -> RubricItem:
        """Return the item with this id.

        Raises
        ------
        KeyError
            When there is no such item; the message suggests a close id when there is one.
        """
        try:
            return self.items[self._index[item_id]]
        except (KeyError, TypeError):
            suffix = _hint(str(item_id), self._index)
            raise KeyError(f"rubric {self.id!r} has no item {item_id!r}{suffix}") from None

    def group(self, group_id: str) -> RubricGroup:
        """Return the group with this id.

        Raises
        ------
        KeyError
            When there is no such group.
        """
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(f"rubric {self.id!r} has no group {group_id!r}")

    def items_in(self, group_id: str) -> tuple[RubricItem, ...]:
        """The items of one group, in rubric order (empty for an unknown group)."""
        return tuple(item for item in self.items if item.group == group_id)

    def summary_items(self, summary_id: str) -> tuple[RubricItem, ...]:
        """The items a summary combines, in rubric order for a group, as listed otherwise.

        Raises
        ------
        KeyError
            When there is no such summary.
        """
        return self._summarised(self._summary(summary_id))

    def _summary(self, summary_id: str) -> RubricSummary:
        for summary in self.summaries:
            if summary.id == summary_id:
                return summary
        raise KeyError(f"rubric {self.id!r} has no summary {summary_id!r}")

    # -- ratings ---------------------------------------------------------------------------

    def check_rating(self, rating: SessionRating) -> None:
        """Check that a rating was made on this rubric and every score is on its item's scale.

        An unrated item (score None) is always fine.

        Raises
        ------
        RubricError
            When the rating is on another rubric or version, names an item the rubric does not
            have, or gives a score outside the item's scale; the message names the rating, the
            item and the score.
        """
        source = f"rating {rating.id}"
        if rating.rubric_id != self.id or rating.rubric_version != self.version:
            raise RubricError(
                f"made on rubric {rating.rubric_id!r} version {rating.rubric_version}, not on "
                f"{self.id!r} version {self.version}",
                source,
                "rubric_id" if rating.rubric_id != self.id else "rubric_version",
            )
        self.check_scores(rating.scores, source)

    def check_scores(self, scores: Mapping[str, int | None], source: str | None = None) -> None:
        """Check scores given as item id -> score (None for unrated) against this rubric.

        This is :meth:`check_rating` without the rating record, for scores that come from
        elsewhere (a spreadsheet, :func:`attune_jupyter.core.miti.miti_summary`).

        Raises
        ------
        RubricError
            When an item is unknown or a score is not a whole number on the item's scale; the
            message names the item and the score.
        """
        source = source or self._error_source()
        for item_id, score in scores.items():
            where = f"item {item_id!r}"
            if score is None:
                shown = "unrated"
            else:
                shown = f"score {score}" if _is_score(score) else f"score {_kind(score)}"
            if item_id not in self._index:
                raise RubricError(
                    f"rubric {self.id!r} version {self.version} has no such item "
                    f"({shown}){_hint(str(item_id), self._index)}",
                    source,
                    where,
                )
            scale = self.items[self._index[item_id]].scale
            if score is not None and score not in scale:
                reason = (
                    f"score {score} is off the item's scale ({scale.describe()})"
                    if _is_score(score)
                    else f"the score must be a whole number or None (unrated), got {_kind(score)}"
                )
                raise RubricError(reason, source, where)

    def summarise(self, scores: Mapping[str, int | None]) -> dict[str, float | None]:
        """The summary scores of item id -> score (None or absent for unrated).

        :meth:`summary` for scores that do not come in a :class:`SessionRating`.

        Raises
        ------
        RubricError
            When the scores do not fit the rubric (:meth:`check_scores`).
        """
        self.check_scores(scores)
        plain = {item_id: None if s is None else int(s) for item_id, s in scores.items()}
        return {
            summary.id: _combine(
                summary.method, [plain.get(item.id) for item in self._summarised(summary)]
            )
            for summary in self.summaries
        }

    def summary(self, rating: SessionRating) -> dict[str, float | None]:
        """The summary scores of a rating, by summary id in rubric order.

        A summary whose items are not rated (enough, for the ``_if_complete`` methods) is None,
        which is not the same as a low score. Risk items are never mixed with the others, so a
        rubric's risk group has a summary of its own.

        Raises
        ------
        RubricError
            When the rating does not fit the rubric (:meth:`check_rating`).
        """
        self.check_rating(rating)
        return self.summarise(rating.scores)

    def summary_bands(self, rating: SessionRating) -> dict[str, Band | None]:
        """The band ("below fair", "fair", "good") of each summary that has thresholds; None
        where that summary is None.

        Raises
        ------
        RubricError
            When the rating does not fit the rubric (:meth:`check_rating`).
        """
        values = self.summary(rating)
        return {s.id: s.bands.of(values[s.id]) for s in self.summaries if s.bands is not None}

    def passes(self, rating: SessionRating) -> bool | None:
        """Whether a rating meets the rubric's pass rule.

        Returns
        -------
        bool or None
            None when the rubric has no pass rule, or when any item is unrated (a pass or fail
            on part of the rubric would be a guess).

        Raises
        ------
        RubricError
            When the rating does not fit the rubric (:meth:`check_rating`).
        """
        self.check_rating(rating)
        rule = self.pass_rule
        if rule is None:
            return None
        scores = [rating.scores.get(item.id) for item in self.items]
        rated = [score for score in scores if score is not None]
        if len(rated) < len(scores):
            return None
        if rule.total_at_least is not None and sum(rated) < rule.total_at_least:
            return False
        return rule.each_item_at_least is None or min(rated) >= rule.each_item_at_least


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _combine(method: SummaryMethod, scores: Sequence[int | None]) -> float | None:
    """Apply a summary method to the scores of its items (None for unrated)."""
    rated = [score for score in scores if score is not None]
    if not rated or (method != "mean" and len(rated) < len(scores)):
        return None
    if method == "total_if_complete":
        return sum(rated)
    return fmean(rated)


def _check_fields(
    doc: Mapping[str, Any],
    known: Sequence[str],
    required: Sequence[str],
    source: str | None,
    where: str,
) -> None:
    prefix = f"{where}." if where else ""
    for name in doc:
        if name not in known:
            raise RubricError(_unknown_field(name, known), source, f"{prefix}{name}")
    for name in required:
        if name not in doc:
            raise RubricError("required field is missing", source, f"{prefix}{name}")


def _fields(
    entry: object,
    known: Sequence[str],
    source: str | None,
    where: str,
    required: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The fields of one JSON object, after refusing unknown and missing ones."""
    if not isinstance(entry, Mapping):
        raise RubricError(f"must be an object, got {_kind(entry)}", source, where)
    _check_fields(entry, known, known if required is None else required, source, where)
    return dict(entry)


def _list(value: object, where: str, source: str | None) -> list[Any]:
    if not isinstance(value, list):
        raise RubricError(f"must be a list, got {_kind(value)}", source, where)
    return value


def _construct(
    kind: Callable[..., Any], values: Mapping[str, Any], source: str | None, where: str
) -> Any:
    try:
        return kind(**values)
    except RubricError as error:
        raise _relocated(error, source, where) from None


def _scale_from(entry: object, source: str | None, where: str) -> Scale:
    values = _fields(entry, _SCALE_FIELDS, source, where)
    anchors = values["anchors"]
    if not isinstance(anchors, Mapping):
        raise RubricError(
            f"must map levels to descriptions, got {_kind(anchors)}", source, f"{where}.anchors"
        )
    levels: dict[int, Any] = {}
    for key, text in anchors.items():
        if not isinstance(key, str) or not _LEVEL_RE.fullmatch(key):
            raise RubricError(
                f"{_short(str(key))} is not a level: levels are whole numbers written as digits, "
                'such as "1"',
                source,
                f"{where}.anchors",
            )
        levels[int(key)] = text
    values["anchors"] = levels
    scale: Scale = _construct(Scale, values, source, where)
    return scale


def _upgraded(doc: dict[str, Any], source: str | None) -> dict[str, Any]:
    """Check the format marker and version; bring an older document up to FORMAT_VERSION."""
    if "format" not in doc:
        raise RubricError(
            f'required field is missing; a rubric file starts with "format": "{FORMAT}"',
            source,
            "format",
        )
    if doc["format"] != FORMAT:
        raise RubricError(
            f"expected {FORMAT!r}, got {_kind(doc['format'])}; this is not a rubric file",
            source,
            "format",
        )
    if "format_version" not in doc:
        raise RubricError("required field is missing", source, "format_version")
    version = doc["format_version"]
    if not _is_int(version):
        raise RubricError(f"must be a whole number, got {_kind(version)}", source, "format_version")
    shown = str(version) if abs(version) < 10**18 else "a very large number"
    if version > FORMAT_VERSION:
        raise RubricError(
            f"{shown} was written by a newer attune-jupyter; upgrade attune-jupyter to "
            f"read this file (this version reads format_version {FORMAT_VERSION} and older)",
            source,
            "format_version",
        )
    if version < FORMAT_VERSION:
        doc = copy.deepcopy(doc)  # upgrade steps may change nested objects; not the caller's
    while version < FORMAT_VERSION:
        step = _UPGRADES.get(version)
        if step is None:
            raise RubricError(
                f"{shown} is not a rubric format this attune-jupyter knows how to "
                f"upgrade (it reads format_version {FORMAT_VERSION})",
                source,
                "format_version",
            )
        doc = step(doc)
        version += 1
        doc["format_version"] = version
    return doc


@cache
def _packaged(name: str) -> Rubric:
    text = resources.files(_PACKAGE).joinpath(_DATA, name).read_text(encoding="utf-8")
    return Rubric.from_json(text, source=f"{_PACKAGE.replace('.', '/')}/{_DATA}/{name}")
