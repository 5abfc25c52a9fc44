"""The store interface: what every attune-jupyter persistence back end offers.

Widgets, REST handlers and analytics depend on :class:`Store` only, never on SQL, a file path or
an engine (architecture principle 4). Today :class:`attune_jupyter.store.sql.SqlStore` implements it
for SQLite and PostgreSQL; a course service reached over HTTP will implement it too, and can reuse
the frame builders and the error classes defined here so that callers see the same shapes.

The annotations frame
---------------------
:meth:`Store.annotations` returns one tidy frame, one row per *live* (not deleted) annotation:

=============== ======================== =====================================================
column          dtype                    meaning
=============== ======================== =====================================================
annotation_id   ``str``                  :attr:`Annotation.id`
transcript_id   ``str``                  transcript annotated
turn_id         ``str``                  turn annotated
span_start      ``Int64`` (nullable)     first character of the span, ``<NA>`` for a whole turn
span_end        ``Int64`` (nullable)     end of the span (exclusive), ``<NA>`` for a whole turn
code_id         ``str``                  codebook code applied
annotator       ``str``                  who made it
note            ``str``                  the annotator's free-text note (``""`` when none)
strength        ``Int64`` (nullable)     1 (slight) to 3 (strong), ``<NA>`` when not given
responds_to     ``str`` (nullable)       for a pair, the client turn ``turn_id`` answers
adjudicated     ``bool``                 whether this is the agreed code after a comparison
created         ``datetime64[ns, UTC]``  when the annotation was made
updated         ``datetime64[ns, UTC]``  when it was last changed (equals ``created`` at first)
=============== ======================== =====================================================

``str`` is pandas' default string dtype (pandas >= 3); it is used for every text column, including
in an empty frame, so that an empty result has exactly the columns and dtypes of a full one. Rows
are sorted by ``transcript_id``, ``created``, ``annotation_id`` (sorted in pandas, not in SQL, so
that the order does not depend on a database's collation) and the index is a fresh ``RangeIndex``.

The history frame
-----------------
:meth:`Store.history` returns one row per edit event, in the order the events were written:
``event_id`` (``int64``), ``annotation_id``, ``action`` (``"create"``, ``"update"`` or
``"delete"``), ``actor`` (who made the change), ``at`` (``datetime64[ns, UTC]``, when the store
wrote it), followed by the annotation *as it stood after the action* (for a delete: as it was when
deleted) in the columns of the annotations frame other than ``annotation_id``.

The transcripts frame
---------------------
:meth:`Store.transcripts` returns one row per registered transcript (see
:meth:`Store.register_transcript` and :meth:`Store.import_transcript`), sorted by
``transcript_id`` (in pandas), with a fresh ``RangeIndex``:

=============== ======================== =====================================================
column          dtype                    meaning
=============== ======================== =====================================================
transcript_id   ``str``                  the id annotations use for this transcript
fingerprint     ``str``                  the caller's fingerprint of the content registered first
turn_count      ``int64``                number of turns when registered
registered_at   ``datetime64[ns, UTC]``  when the store registered it
registered_by   ``str``                  who registered it
text_stored     ``bool``                 whether the store holds the text (it was imported)
=============== ======================== =====================================================

The audit frame
---------------
:meth:`Store.audit_events` returns one row per audit event, in the order they were written:
``event_id`` (``int64``), ``action`` (``"import_transcript"`` or ``"override_gate"``),
``transcript_id``, ``actor``, ``at`` (``datetime64[ns, UTC]``) and ``details`` (``object``: a dict;
for an override ``reason``, ``source``, ``fingerprint`` and ``findings``, the number of findings
per category; for an import ``source``, ``fingerprint`` and ``turn_count``). It never holds
transcript text or the text a finding matched.

The ratings frame
-----------------
:meth:`Store.ratings` returns the item scores of session ratings, one row per item rated or
commented on, sorted by ``transcript_id``, ``rater``, ``rubric_id`` and item position:

=============== ======================== =====================================================
column          dtype                    meaning
=============== ======================== =====================================================
rating_id       ``str``                  :attr:`SessionRating.id`
transcript_id   ``str``                  the session rated
rubric_id       ``str``                  the rubric
rubric_version  ``int64``                its version when rated
rater           ``str``                  who rated
item_id         ``str``                  the rubric item
score           ``Int64`` (nullable)     the level chosen; ``<NA>`` when not rated
comment         ``str``                  the comment on this item (``""`` when none)
overall_comment ``str``                  the comment on the whole session
updated         ``datetime64[ns, UTC]``  when the rating was last saved
=============== ======================== =====================================================

A rating with only an overall comment has no rows here; :meth:`Store.session_ratings` returns
whole :class:`SessionRating` records. :meth:`Store.rating_history` returns ``event_id``,
``rating_id``, ``action``, ``actor``, ``at`` and ``rating`` (the :class:`SessionRating` after the
action; for a delete, as it was).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Final, Literal, Self

import pandas as pd

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.rating import SessionRating
from attune_jupyter.core.transcript import Transcript

__all__ = [
    "ANNOTATION_COLUMNS",
    "AUDIT_COLUMNS",
    "FINGERPRINT_MAX_LENGTH",
    "HISTORY_COLUMNS",
    "RATING_COLUMNS",
    "RATING_HISTORY_COLUMNS",
    "TRANSCRIPT_COLUMNS",
    "Action",
    "AnnotationEvent",
    "AnnotationNotFoundError",
    "AuditAction",
    "AuditEvent",
    "ImportStatus",
    "RatingEvent",
    "RatingNotFoundError",
    "RegistrationStatus",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "TranscriptConflictError",
    "TranscriptNotFoundError",
    "TranscriptRegistration",
    "annotations_frame",
    "audit_frame",
    "history_frame",
    "rating_history_frame",
    "ratings_frame",
    "transcripts_frame",
]

Action = Literal["create", "update", "delete"]
"""The kinds of edit event recorded in the history."""

RegistrationStatus = Literal["new", "same", "changed"]
"""Outcome of :meth:`Store.register_transcript`."""

ImportStatus = Literal["imported", "unchanged"]
"""Outcome of :meth:`Store.import_transcript`."""

AuditAction = Literal["import_transcript", "override_gate"]
"""The kinds of audit event (see the audit frame)."""

FINGERPRINT_MAX_LENGTH: Final = 128
"""Longest fingerprint a store accepts: a digest, never the transcript text."""

ANNOTATION_COLUMNS: Final[tuple[str, ...]] = (
    "annotation_id",
    "transcript_id",
    "turn_id",
    "span_start",
    "span_end",
    "code_id",
    "annotator",
    "note",
    "strength",
    "responds_to",
    "adjudicated",
    "created",
    "updated",
)
"""Columns of the annotations frame, in order."""

HISTORY_COLUMNS: Final[tuple[str, ...]] = (
    "event_id",
    "annotation_id",
    "action",
    "actor",
    "at",
    *ANNOTATION_COLUMNS[1:],
)
"""Columns of the history frame, in order."""

TRANSCRIPT_COLUMNS: Final[tuple[str, ...]] = (
    "transcript_id",
    "fingerprint",
    "turn_count",
    "registered_at",
    "registered_by",
    "text_stored",
)
"""Columns of the transcripts frame, in order."""

AUDIT_COLUMNS: Final[tuple[str, ...]] = (
    "event_id",
    "action",
    "transcript_id",
    "actor",
    "at",
    "details",
)
"""Columns of the audit frame, in order."""

RATING_COLUMNS: Final[tuple[str, ...]] = (
    "rating_id",
    "transcript_id",
    "rubric_id",
    "rubric_version",
    "rater",
    "item_id",
    "score",
    "comment",
    "overall_comment",
    "updated",
)
"""Columns of the ratings frame, in order."""

RATING_HISTORY_COLUMNS: Final[tuple[str, ...]] = (
    "event_id",
    "rating_id",
    "action",
    "actor",
    "at",
    "rating",
)
"""Columns of the rating history frame, in order."""

_TIME_DTYPE: Final = "datetime64[ns, UTC]"
_ANNOTATION_DTYPES: Final[Mapping[str, str]] = {
    "annotation_id": "str",
    "transcript_id": "str",
    "turn_id": "str",
    "span_start": "Int64",
    "span_end": "Int64",
    "code_id": "str",
    "annotator": "str",
    "note": "str",
    "strength": "Int64",
    "responds_to": "str",
    "adjudicated": "bool",
    "created": _TIME_DTYPE,
    "updated": _TIME_DTYPE,
}
_HISTORY_DTYPES: Final[Mapping[str, str]] = {
    "event_id": "int64",
    "action": "str",
    "actor": "str",
    "at": _TIME_DTYPE,
    **_ANNOTATION_DTYPES,
}
_TRANSCRIPT_DTYPES: Final[Mapping[str, str]] = {
    "transcript_id": "str",
    "fingerprint": "str",
    "turn_count": "int64",
    "registered_at": _TIME_DTYPE,
    "registered_by": "str",
    "text_stored": "bool",
}
_RATING_DTYPES: Final[Mapping[str, str]] = {
    "rating_id": "str",
    "transcript_id": "str",
    "rubric_id": "str",
    "rubric_version": "int64",
    "rater": "str",
    "item_id": "str",
    "score": "Int64",
    "comment": "str",
    "overall_comment": "str",
    "updated": _TIME_DTYPE,
}
_RATING_HISTORY_DTYPES: Final[Mapping[str, str]] = {
    "event_id": "int64",
    "rating_id": "str",
    "action": "str",
    "actor": "str",
    "at": _TIME_DTYPE,
    "rating": "object",
}
_AUDIT_DTYPES: Final[Mapping[str, str]] = {
    "event_id": "int64",
    "action": "str",
    "transcript_id": "str",
    "actor": "str",
    "at": _TIME_DTYPE,
    "details": "object",
}


class StoreError(RuntimeError):
    """A store operation failed: missing or duplicate annotation, unreadable or newer database,
    lost connection.

    Messages name ids and (masked) store URLs only, never transcript text or notes.
    """


class AnnotationNotFoundError(StoreError, KeyError):
    """No live annotation has the id asked for. Also a :class:`KeyError`, like a missing key."""

    def __str__(self) -> str:
        # KeyError.__str__ would print the message quoted, as if it were a key.
        return RuntimeError.__str__(self)


class SchemaVersionError(StoreError):
    """The database was written by a newer attune-jupyter, or cannot be upgraded."""


class TranscriptNotFoundError(StoreError, KeyError):
    """The store holds no text for the transcript id asked for. Also a :class:`KeyError`."""

    def __str__(self) -> str:
        return RuntimeError.__str__(self)


class RatingNotFoundError(StoreError, KeyError):
    """No rating has the id asked for. Also a :class:`KeyError`."""

    def __str__(self) -> str:
        return RuntimeError.__str__(self)


class TranscriptConflictError(StoreError):
    """An import names a transcript id that the store already holds with different content."""


@dataclass(frozen=True)
class AnnotationEvent:
    """One entry of the append-only edit history.

    Parameters
    ----------
    event_id:
        Increasing number; gives the order in which the store wrote the events.
    annotation_id:
        The annotation changed.
    action:
        ``"create"``, ``"update"`` or ``"delete"``.
    actor:
        Who made the change (for a delete: the ``by`` argument; otherwise the annotator).
    at:
        When the store wrote the event (UTC, timezone-aware).
    state:
        The annotation's fields after the action, in the form of :meth:`Annotation.to_dict`.
    """

    event_id: int
    annotation_id: str
    action: Action
    actor: str
    at: datetime
    state: Mapping[str, Any]


@dataclass(frozen=True)
class TranscriptRegistration:
    """A transcript's entry in the store's registry, as returned by
    :meth:`Store.register_transcript`.

    Parameters
    ----------
    transcript_id:
        The id annotations use for the transcript.
    fingerprint:
        The caller's fingerprint (e.g. a SHA-256 hex digest) of the content registered first.
    turn_count:
        Number of turns when registered.
    registered_at:
        When the store registered it (UTC, timezone-aware).
    registered_by:
        Who registered it.
    status:
        ``"new"``: this call registered the transcript. ``"same"``: it was registered before with
        the same fingerprint. ``"changed"``: it was registered before with a *different*
        fingerprint; the other fields then describe that original registration, which is kept.
    """

    transcript_id: str
    fingerprint: str
    turn_count: int
    registered_at: datetime
    registered_by: str
    status: RegistrationStatus


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the append-only audit record (see the audit frame).

    Parameters
    ----------
    event_id:
        Increasing number; gives the order in which the store wrote the events.
    action:
        ``"import_transcript"`` or ``"override_gate"``.
    transcript_id:
        The transcript concerned.
    actor:
        Who did it.
    at:
        When the store wrote the event (UTC, timezone-aware).
    details:
        What the audit frame's ``details`` column holds for this action.
    """

    event_id: int
    action: AuditAction
    transcript_id: str
    actor: str
    at: datetime
    details: Mapping[str, Any]


@dataclass(frozen=True)
class RatingEvent:
    """One entry of the append-only history of ratings.

    Parameters
    ----------
    event_id:
        Increasing number; gives the order in which the store wrote the events.
    action:
        ``"create"``, ``"update"`` or ``"delete"``.
    actor:
        Who made the change.
    at:
        When the store wrote the event (UTC).
    rating:
        The rating after the action (for a delete: as it was).
    """

    event_id: int
    action: Action
    actor: str
    at: datetime
    rating: SessionRating


class Store(abc.ABC):
    """Where annotations live, and the history of every change to them.

    Every write (:meth:`add_annotation`, :meth:`update_annotation`, :meth:`delete_annotation`,
    :meth:`register_transcript`, :meth:`import_transcript`, :meth:`import_coded`,
    :meth:`record_gate_override`) is
    committed durably before the method returns, together with its
    history event if any. Implementations are safe to use from several threads. A
    store is a context manager that closes itself.

    Raises
    ------
    StoreError
        From any method, when the operation cannot be done; nothing is half-written.
    """

    @property
    @abc.abstractmethod
    def url(self) -> str:
        """Where the store lives, as a URL with any password masked (safe to show and log)."""

    @property
    @abc.abstractmethod
    def schema_version(self) -> int:
        """The schema version of the open database."""

    @abc.abstractmethod
    def add_annotation(self, a: Annotation) -> Annotation:
        """Save a new annotation and record a ``create`` event.

        Parameters
        ----------
        a:
            The annotation; its ``id`` must never have been used in this store (not even by an
            annotation since deleted), so that an id's history describes a single annotation.

        Returns
        -------
        Annotation
            The annotation as stored (times converted to UTC).

        Raises
        ------
        StoreError
            If the id is already in use or was used before.
        """

    @abc.abstractmethod
    def update_annotation(self, a: Annotation) -> Annotation:
        """Replace the annotation with id ``a.id`` and record an ``update`` event.

        ``turn_id``, the span, ``code_id`` and ``note`` may change. ``created`` is kept from the
        stored annotation and ``updated`` is set to the time of the write, whatever ``a`` says.

        Returns
        -------
        Annotation
            The annotation as stored.

        Raises
        ------
        AnnotationNotFoundError
            If no live annotation has that id.
        StoreError
            If ``transcript_id`` or ``annotator`` differ from the stored annotation (an
            annotation never moves to another transcript or another annotator: delete it and add
            a new one).
        """

    @abc.abstractmethod
    def delete_annotation(self, annotation_id: str, by: str) -> None:
        """Delete a live annotation and record a ``delete`` event by ``by``.

        The annotation disappears from :meth:`annotations` and :meth:`get_annotation`; its
        history stays.

        Raises
        ------
        AnnotationNotFoundError
            If no live annotation has that id.
        """

    @abc.abstractmethod
    def get_annotation(self, annotation_id: str) -> Annotation:
        """The live annotation with this id.

        Raises
        ------
        AnnotationNotFoundError
            If no live annotation has that id.
        """

    @abc.abstractmethod
    def annotations(
        self, transcript_id: str | None = None, annotator: str | None = None
    ) -> pd.DataFrame:
        """Live annotations as the tidy frame described in this module's docstring.

        Parameters
        ----------
        transcript_id, annotator:
            When given, keep only the annotations of this transcript and/or this annotator.
        """

    @abc.abstractmethod
    def annotation_list(
        self, transcript_id: str | None = None, annotator: str | None = None
    ) -> list[Annotation]:
        """Live annotations as :class:`Annotation` objects, in the frame's row order.

        For code that needs the records rather than a table (widgets answering a key press):
        it skips building the frame. The filters are those of :meth:`annotations`.
        """

    @abc.abstractmethod
    def history(self, annotation_id: str | None = None) -> pd.DataFrame:
        """Edit events as the history frame described in this module's docstring.

        Parameters
        ----------
        annotation_id:
            When given, only the events of this annotation (an empty frame if it has none).
        """

    @abc.abstractmethod
    def register_transcript(
        self, transcript_id: str, fingerprint: str, turn_count: int, by: str
    ) -> TranscriptRegistration:
        """Register the content behind a transcript id, or compare it with the registered one.

        Annotations key on ``(transcript_id, turn_id)``; the registry tells a caller when an id
        now names different content (another file of the same name, or the file was edited), so
        that annotations do not silently attach to the wrong turns. The store compares
        fingerprints only: computing them is the caller's job, and no transcript text is stored.

        Parameters
        ----------
        transcript_id:
            The id annotations use for the transcript.
        fingerprint:
            A digest of the transcript's content, at most :data:`FINGERPRINT_MAX_LENGTH`
            printable ASCII characters without spaces (never the text itself).
        turn_count:
            Number of turns (``>= 0``); informational, not compared.
        by:
            Who registers it.

        Returns
        -------
        TranscriptRegistration
            With status ``"new"`` when this call registered the id (the registration as stored,
            ``registered_at`` by the store's clock); otherwise the registration stored earlier,
            unchanged, with status ``"same"`` (equal fingerprint) or ``"changed"`` (different
            fingerprint: the original is kept, never overwritten; the caller decides what to tell
            the user). When several callers register a new id at once, exactly one gets ``"new"``
            and the others are compared with its registration.

        Raises
        ------
        ValueError
            If an argument is empty, negative or not a plausible fingerprint.
        """

    @abc.abstractmethod
    def transcripts(self) -> pd.DataFrame:
        """Registered transcripts as the transcripts frame described in this module's docstring."""

    @abc.abstractmethod
    def import_transcript(
        self, transcript: Transcript, by: str, *, source: str | None = None
    ) -> ImportStatus:
        """Keep a transcript's text in the store, registered under its id, with an audit event.

        The caller screens it first (the ``attune import`` command and
        :func:`attune_jupyter.core.readers.load_transcripts` do): the store keeps what it is given.

        Parameters
        ----------
        transcript:
            The transcript; its :meth:`~attune_jupyter.core.transcript.Transcript.fingerprint` is
            registered.
        by:
            Who imports it.
        source:
            Where it was read from (a file name), for the audit record; by default
            ``transcript.source``.

        Returns
        -------
        ImportStatus
            ``"imported"`` when the text was stored now (also for an id registered earlier, by an
            Annotator, with the same content); ``"unchanged"`` when the store already held it.

        Raises
        ------
        TranscriptConflictError
            When the id is registered with different content; nothing is written.
        """

    @abc.abstractmethod
    def import_coded(
        self,
        transcripts: Sequence[Transcript],
        annotations: Sequence[Annotation],
        by: str,
        *,
        sources: Sequence[str | None] | None = None,
    ) -> list[Annotation]:
        """Import transcripts and add new annotations to them, all or nothing.

        For bringing coding in from elsewhere (a REFI-QDA project): everything is written in one
        transaction, so a failure part-way (a conflict, an id already used, a lost connection)
        leaves the store exactly as it was.

        Parameters
        ----------
        transcripts:
            As for :meth:`import_transcript`; one already held with the same content is left
            as it is.
        annotations:
            New annotations, as for :meth:`add_annotation`.
        by:
            Who imports, for the audit record.
        sources:
            Where each transcript was read from (one per transcript), for the audit record.

        Returns
        -------
        list[Annotation]
            The annotations as stored, in the order given.

        Raises
        ------
        TranscriptConflictError
            When an id is registered with different content; nothing is written.
        StoreError
            When an annotation id is already used, or the database fails; nothing is written.
        """

    @abc.abstractmethod
    def transcript(self, transcript_id: str) -> Transcript:
        """The text of an imported transcript, exactly as it was imported.

        Raises
        ------
        TranscriptNotFoundError
            When no transcript with that id was imported.
        """

    @abc.abstractmethod
    def record_gate_override(
        self,
        transcript: Transcript,
        *,
        reason: str,
        findings: Mapping[str, int],
        by: str,
        source: str | None = None,
    ) -> AuditEvent:
        """Record that ``by`` loaded a transcript the identifier gate refused, and why.

        Parameters
        ----------
        transcript:
            The transcript let through (only its id and fingerprint are kept).
        reason:
            Why (non-blank), in the user's words.
        findings:
            Number of findings per category (never the matched text).
        by:
            Who overrode the gate.
        source:
            Where it was read from; by default ``transcript.source``.

        Returns
        -------
        AuditEvent
            As stored.

        Raises
        ------
        ValueError
            When ``reason`` or ``by`` is blank or ``findings`` is not counts per category.
        """

    @abc.abstractmethod
    def audit_events(self, transcript_id: str | None = None) -> pd.DataFrame:
        """The audit record as the audit frame described in this module's docstring.

        Parameters
        ----------
        transcript_id:
            When given, only that transcript's events.
        """

    @abc.abstractmethod
    def save_rating(self, rating: SessionRating) -> SessionRating:
        """Create a session rating, or replace the stored one with the same id.

        A rater rates a session once per rubric: to change a rating, save a changed copy of it
        (:meth:`SessionRating.with_items`). The store does not check scores against the rubric
        (:meth:`~attune_jupyter.core.rubric.Rubric.check_rating` does) so that ratings made on an
        older rubric version stay readable.

        Returns
        -------
        SessionRating
            As stored: ``created`` kept from the first save, ``updated`` by the store's clock.

        Raises
        ------
        StoreError
            When the rater already has another rating of this session on this rubric, or an
            update would change the session, rubric or rater.
        """

    @abc.abstractmethod
    def get_rating(self, rating_id: str) -> SessionRating:
        """The stored rating with this id.

        Raises
        ------
        RatingNotFoundError
            When there is none.
        """

    @abc.abstractmethod
    def delete_rating(self, rating_id: str, by: str) -> None:
        """Delete a rating; the history keeps it.

        Raises
        ------
        RatingNotFoundError
            When there is none.
        """

    @abc.abstractmethod
    def session_ratings(
        self,
        transcript_id: str | None = None,
        rater: str | None = None,
        rubric_id: str | None = None,
    ) -> list[SessionRating]:
        """Whole ratings matching every filter given, sorted like the ratings frame."""

    @abc.abstractmethod
    def ratings(
        self,
        transcript_id: str | None = None,
        rater: str | None = None,
        rubric_id: str | None = None,
    ) -> pd.DataFrame:
        """Item scores as the ratings frame described in this module's docstring."""

    @abc.abstractmethod
    def rating_history(self, rating_id: str | None = None) -> pd.DataFrame:
        """Rating events as the rating history frame described in this module's docstring."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections. Idempotent; any later call other than ``close`` raises."""

    @property
    @abc.abstractmethod
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    dtypes: Mapping[str, str],
    sort_by: list[str],
) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for name in columns:
        values = [row[name] for row in rows]
        dtype = dtypes[name]
        if dtype == _TIME_DTYPE:
            # utc=True converts aware datetimes and ISO strings alike; format="ISO8601" reads each
            # string on its own (without it pandas guesses one format from the first value and
            # fails when whole seconds and fractions are mixed); as_unit fixes the resolution
            # (pandas >= 3 would otherwise infer microseconds from datetime objects).
            times = pd.Series(values, dtype=object)
            data[name] = pd.to_datetime(times, utc=True, format="ISO8601").dt.as_unit("ns")
        else:
            data[name] = pd.Series(values, dtype=dtype)
    frame = pd.DataFrame(data, columns=list(columns))
    return frame.sort_values(sort_by, kind="stable", ignore_index=True)


def annotations_frame(annotations: Iterable[Annotation]) -> pd.DataFrame:
    """Build the annotations frame (see the module docstring) from annotations.

    Parameters
    ----------
    annotations:
        Live annotations, in any order.

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`ANNOTATION_COLUMNS`, sorted; empty but fully typed when there
        are no annotations.
    """
    rows = []
    for a in annotations:
        row = a.to_dict()
        row["annotation_id"] = row.pop("id")
        row["created"] = a.created
        row["updated"] = a.updated
        rows.append(row)
    return _frame(
        rows,
        ANNOTATION_COLUMNS,
        _ANNOTATION_DTYPES,
        ["transcript_id", "created", "annotation_id"],
    )


def history_frame(events: Iterable[AnnotationEvent]) -> pd.DataFrame:
    """Build the history frame (see the module docstring) from events.

    Parameters
    ----------
    events:
        History events, in any order.

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`HISTORY_COLUMNS`, sorted by ``event_id``.
    """
    rows = []
    for e in events:
        row: dict[str, Any] = {name: e.state.get(name) for name in ANNOTATION_COLUMNS[1:]}
        # Events written before schema 4 have no adjudicated flag: none was adjudicated then.
        row["adjudicated"] = bool(e.state.get("adjudicated", False))
        row.update(
            event_id=e.event_id,
            annotation_id=e.annotation_id,
            action=e.action,
            actor=e.actor,
            at=e.at,
        )
        rows.append(row)
    return _frame(rows, HISTORY_COLUMNS, _HISTORY_DTYPES, ["event_id"])


def transcripts_frame(
    registrations: Iterable[TranscriptRegistration], text_stored: Iterable[str] = ()
) -> pd.DataFrame:
    """Build the transcripts frame (see the module docstring) from registrations.

    Parameters
    ----------
    registrations:
        Stored registrations, in any order (their ``status`` is not a column).
    text_stored:
        Ids of the transcripts whose text the store holds.

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`TRANSCRIPT_COLUMNS`, sorted by ``transcript_id``; empty but fully
        typed when there are none.
    """
    stored = frozenset(text_stored)
    rows = [
        {
            "transcript_id": r.transcript_id,
            "fingerprint": r.fingerprint,
            "turn_count": r.turn_count,
            "registered_at": r.registered_at,
            "registered_by": r.registered_by,
            "text_stored": r.transcript_id in stored,
        }
        for r in registrations
    ]
    return _frame(rows, TRANSCRIPT_COLUMNS, _TRANSCRIPT_DTYPES, ["transcript_id"])


def audit_frame(events: Iterable[AuditEvent]) -> pd.DataFrame:
    """Build the audit frame (see the module docstring) from events, sorted by ``event_id``."""
    rows = [
        {
            "event_id": e.event_id,
            "action": e.action,
            "transcript_id": e.transcript_id,
            "actor": e.actor,
            "at": e.at,
            "details": dict(e.details),
        }
        for e in events
    ]
    return _frame(rows, AUDIT_COLUMNS, _AUDIT_DTYPES, ["event_id"])


def ratings_frame(ratings: Iterable[SessionRating]) -> pd.DataFrame:
    """Build the ratings frame (see the module docstring) from whole ratings."""
    rows = []
    for r in ratings:
        for position, item in enumerate(r.items):
            rows.append(
                {
                    "rating_id": r.id,
                    "transcript_id": r.transcript_id,
                    "rubric_id": r.rubric_id,
                    "rubric_version": r.rubric_version,
                    "rater": r.rater,
                    "item_id": item.item_id,
                    "score": item.score,
                    "comment": item.comment,
                    "overall_comment": r.overall_comment,
                    "updated": r.updated,
                    "_position": position,
                }
            )
    frame = _frame(
        rows,
        (*RATING_COLUMNS, "_position"),
        {**_RATING_DTYPES, "_position": "int64"},
        ["transcript_id", "rater", "rubric_id", "_position"],
    )
    return frame.drop(columns="_position")


def rating_history_frame(events: Iterable[RatingEvent]) -> pd.DataFrame:
    """Build the rating history frame (see the module docstring), sorted by ``event_id``."""
    rows = [
        {
            "event_id": e.event_id,
            "rating_id": e.rating.id,
            "action": e.action,
            "actor": e.actor,
            "at": e.at,
            "rating": e.rating,
        }
        for e in events
    ]
    return _frame(rows, RATING_HISTORY_COLUMNS, _RATING_HISTORY_DTYPES, ["event_id"])
