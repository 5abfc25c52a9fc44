"""Persistence of annotations behind one interface, :class:`Store`.

Open a store with :func:`open_store` and use only the :class:`Store` methods; never rely on the
engine or file behind it (architecture principle 4)::

    from attune_jupyter.store import open_store

    with open_store() as store:
        store.add_annotation(annotation)
        frame = store.annotations(transcript_id="t1")

Where the store lives
---------------------
``open_store(location)`` accepts a SQLite file path, a ``sqlite:///PATH`` URL, or a
``postgresql://`` / ``postgresql+psycopg://`` URL. Without a location it uses the environment
variable ``ATTUNE_STORE`` (same forms; an empty value counts as unset) and otherwise the file
``attune.sqlite`` in the current working folder. A relative path is resolved against the current
working folder when the store is opened; its folder must exist. A new SQLite file is created
readable by its owner only (mode ``0o600``). PostgreSQL needs the optional psycopg driver
(``pip install 'attune-jupyter[postgresql]'``).

Transcripts
-----------
Annotations key on ``(transcript_id, turn_id)``. Register the content an id names with
:meth:`Store.register_transcript` (passing a fingerprint you computed, never the text): it says
whether the id is ``"new"``, names the ``"same"`` content as before, or has ``"changed"`` (another
file with the same id, or an edited file), in which case the original registration is kept.

:meth:`Store.import_transcript` keeps a (screened) transcript's text in the store, so that a course
can share it, and :meth:`Store.transcript` gives it back. Imports and overrides of the identifier
gate (see :func:`attune_jupyter.load_transcript`'s ``override``) are written to an append-only
audit record, :meth:`Store.audit_events`: who, when, and why.

Session ratings
---------------
:meth:`Store.save_rating` keeps a :class:`~attune_jupyter.core.rating.SessionRating` (one rater,
one session, one rubric; saving a changed copy updates it) with an append-only history
(:meth:`Store.rating_history`); :meth:`Store.ratings` gives the item scores as a tidy frame.

The frames returned by :meth:`Store.annotations`, :meth:`Store.history` and
:meth:`Store.transcripts` are documented in
:mod:`attune_jupyter.store.base`; the tables and schema versions in
:mod:`attune_jupyter.store.schema`; SQLite durability and concurrency settings in
:mod:`attune_jupyter.store.sql`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from attune_jupyter.store.base import (
    ANNOTATION_COLUMNS,
    AUDIT_COLUMNS,
    FINGERPRINT_MAX_LENGTH,
    HISTORY_COLUMNS,
    RATING_COLUMNS,
    RATING_HISTORY_COLUMNS,
    TRANSCRIPT_COLUMNS,
    AnnotationEvent,
    AnnotationNotFoundError,
    AuditEvent,
    ImportStatus,
    RatingEvent,
    RatingNotFoundError,
    RegistrationStatus,
    SchemaVersionError,
    Store,
    StoreError,
    TranscriptConflictError,
    TranscriptNotFoundError,
    TranscriptRegistration,
    annotations_frame,
    audit_frame,
    history_frame,
    rating_history_frame,
    ratings_frame,
    transcripts_frame,
)
from attune_jupyter.store.schema import SCHEMA_VERSION
from attune_jupyter.store.sql import SqlStore, mask_url

__all__ = [
    "ANNOTATION_COLUMNS",
    "AUDIT_COLUMNS",
    "DEFAULT_STORE_FILE",
    "FINGERPRINT_MAX_LENGTH",
    "HISTORY_COLUMNS",
    "RATING_COLUMNS",
    "RATING_HISTORY_COLUMNS",
    "SCHEMA_VERSION",
    "STORE_ENV_VAR",
    "TRANSCRIPT_COLUMNS",
    "AnnotationEvent",
    "AnnotationNotFoundError",
    "AuditEvent",
    "ImportStatus",
    "RatingEvent",
    "RatingNotFoundError",
    "RegistrationStatus",
    "SchemaVersionError",
    "SqlStore",
    "Store",
    "StoreError",
    "TranscriptConflictError",
    "TranscriptNotFoundError",
    "TranscriptRegistration",
    "annotations_frame",
    "audit_frame",
    "default_store_location",
    "history_frame",
    "mask_url",
    "open_store",
    "rating_history_frame",
    "ratings_frame",
    "transcripts_frame",
]

STORE_ENV_VAR: Final = "ATTUNE_STORE"
"""Environment variable giving the store location when :func:`open_store` gets none."""

DEFAULT_STORE_FILE: Final = "attune.sqlite"
"""File (in the current working folder) used when neither a location nor the variable is given."""


def open_store(path_or_url: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating or upgrading if needed) the annotation store at a location.

    Parameters
    ----------
    path_or_url:
        A SQLite file path, ``sqlite:///PATH``, ``postgresql://...`` or
        ``postgresql+psycopg://...``. When None: the ``ATTUNE_STORE`` environment variable if set
        and not empty, else ``attune.sqlite`` in the current working folder.

    Returns
    -------
    Store
        An open store; close it, or use it as a context manager.

    Raises
    ------
    ValueError
        If the location has an unsupported URL scheme or cannot be parsed (the message names the
        scheme and the supported forms, and masks any password).
    SchemaVersionError
        If the database was written by a newer attune-jupyter; it is left untouched.
    StoreError
        If the folder of a SQLite file does not exist, the file cannot be created, the database
        cannot be opened, or (for PostgreSQL) the psycopg driver is not installed.
    """
    return SqlStore(default_store_location() if path_or_url is None else path_or_url)


def default_store_location() -> str:
    """Where :func:`open_store` () opens: ``$ATTUNE_STORE`` if set and not empty, else
    ``attune.sqlite`` in the current working folder (made absolute, so it names one file even if
    the working folder changes later)."""
    location = os.environ.get(STORE_ENV_VAR, "").strip() or DEFAULT_STORE_FILE
    if "://" in location:
        return location
    return str(Path(location).expanduser().absolute())
