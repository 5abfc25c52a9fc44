"""Tables, schema version and migrations of the SQL store.

Owns the database layout shared by SQLite and PostgreSQL (one SQLAlchemy Core ``MetaData``), the
schema version written into every database (:data:`SCHEMA_VERSION`), and the upgrade path from
older versions (:data:`MIGRATIONS`).

Tables
------
``attune_meta``
    Key/value text pairs; ``schema_version`` holds the version as a decimal string.
``annotations``
    Current state: one row per live annotation. Deleting an annotation removes its row (the history
    keeps it), so that this table is exactly "what is true now" and every query of it is simple.
    Schema 4 added ``strength`` (1 to 3, or NULL), ``responds_to`` (for a pair, the client turn
    the annotated turn answers; a pair has no span) and ``adjudicated`` (the agreed code after a
    comparison of annotators).
``annotation_events``
    Append-only edit history: ``event_id`` (increasing, never reused), ``annotation_id``,
    ``action`` (create/update/delete), ``actor``, ``at`` (UTC) and ``payload``, the JSON text of the
    annotation after the action (for a delete: as it was). Rows are never updated or deleted.
    There is no foreign key to ``annotations``: the history outlives the annotation.
``transcripts``
    Registry of the content each transcript id names: ``transcript_id`` (primary key),
    ``fingerprint`` (the caller's digest of the content first registered, never the text),
    ``turn_count``, ``registered_at`` (UTC) and ``registered_by``. A row is written once and never
    changed. Annotations do not reference it (a transcript may be annotated before it is
    registered).
``transcript_texts`` (schema 2)
    The text of imported transcripts: ``transcript_id`` (primary key, a registered id),
    ``content`` (the transcript in the project's versioned JSON transcript format, see
    :mod:`attune_jupyter.core.readers.json_format`), ``stored_at`` (UTC) and ``stored_by``.
    Written once by an import, never changed: its fingerprint is the registry's.
``audit_events`` (schema 2)
    Append-only record of decisions about transcripts that a course may need to account for:
    ``event_id`` (increasing, never reused), ``action`` (``import_transcript`` or
    ``override_gate``), ``transcript_id``, ``actor``, ``at`` (UTC) and ``details`` (JSON text:
    for an override the reason, the source file and the number of findings per category, never
    the matched text). Rows are never updated or deleted.
``ratings`` (schema 3)
    Current state of session ratings, one row per rating: ``id`` (primary key), ``transcript_id``,
    ``rubric_id``, ``rubric_version``, ``rater``, ``overall_comment``, ``created``, ``updated``. A
    rater rates a session once per rubric (unique ``transcript_id, rubric_id, rater``); a
    re-rating updates that row.
``rating_items`` (schema 3)
    One row per item rated or commented on: ``rating_id`` (foreign key, deleted with its rating),
    ``item_id``, ``position`` (rubric order as saved), ``score`` (NULL when unrated, which is
    not the lowest score) and ``comment``.
``rating_events`` (schema 3)
    Append-only history of ratings, like ``annotation_events``: ``event_id``, ``rating_id``,
    ``action``, ``actor``, ``at`` and ``payload`` (the rating's JSON after the action).

Times are stored through :class:`UTCDateTime`: ``TIMESTAMP WITH TIME ZONE`` on PostgreSQL, ISO 8601
text with an explicit ``+00:00`` offset on SQLite (fixed width, so text order is time order). Both
give back timezone-aware UTC datetimes.

Versions and migrations
-----------------------
A database with none of these tables is created at :data:`SCHEMA_VERSION`. A database at a newer
version is refused (:func:`check_readable`) before anything is written. A database at an older
version is upgraded by :func:`ensure_schema`, which runs ``MIGRATIONS[v]`` (upgrading ``v`` to
``v + 1``) for every step, then records the new version, all in the caller's one transaction: either
every step applies or none does. To change the schema: edit the tables below, bump
:data:`SCHEMA_VERSION`, register the step from the previous version, and test that a migrated
database matches a freshly created one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateColumn
from sqlalchemy.types import TypeEngine

from attune_jupyter.store.base import FINGERPRINT_MAX_LENGTH, SchemaVersionError, StoreError

__all__ = [
    "AUDIT_ACTIONS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "UTCDateTime",
    "annotations_table",
    "audit_table",
    "check_readable",
    "ensure_schema",
    "events_table",
    "meta_table",
    "metadata",
    "rating_events_table",
    "rating_items_table",
    "ratings_table",
    "read_schema_version",
    "transcript_texts_table",
    "transcripts_table",
]

SCHEMA_VERSION: Final = 4
"""The schema version this attune-jupyter writes, and the newest it can read."""

Migration = Callable[[Connection], None]
"""An upgrade step: given a connection inside the upgrade transaction, change version v to v + 1."""

MIGRATIONS: dict[int, Migration] = {}
"""Upgrade steps by the version they upgrade *from* (filled in after the tables below)."""

_VERSION_KEY: Final = "schema_version"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime column that round-trips the same on SQLite and PostgreSQL.

    Binding a naive datetime raises :class:`ValueError`; other timezones are converted to UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    # Dialect-specific: SQLite has no time type, and SQLAlchemy's default SQLite format drops
    # the offset. Store fixed-width ISO 8601 with an explicit UTC offset instead.
    _SQLITE_FORMAT: Final = (
        "%(year)04d-%(month)02d-%(day)02dT%(hour)02d:%(minute)02d:%(second)02d"
        ".%(microsecond)06d+00:00"
    )
    _SQLITE_REGEXP: Final = re.compile(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)\+00:00")

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            stored_as = sqlite.DATETIME(  # type: ignore[no-untyped-call]
                storage_format=self._SQLITE_FORMAT, regexp=self._SQLITE_REGEXP
            )
            return dialect.type_descriptor(stored_as)
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; use a timezone-aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise StoreError(f"unexpected stored time of type {type(value).__name__}")
        if value.tzinfo is None:  # SQLite: the text was UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)  # PostgreSQL: in the session's time zone


metadata: Final = MetaData(
    # Named constraints make future ALTERs (and SQLite batch migrations) possible.
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta_table: Final = Table(
    "attune_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

annotations_table: Final = Table(
    "annotations",
    metadata,
    Column("id", String, primary_key=True),
    Column("transcript_id", String, nullable=False),
    Column("turn_id", String, nullable=False),
    Column("span_start", Integer, nullable=True),
    Column("span_end", Integer, nullable=True),
    Column("code_id", String, nullable=False),
    Column("annotator", String, nullable=False),
    Column("note", Text, nullable=False),
    Column("strength", Integer, nullable=True),
    Column("responds_to", String, nullable=True),
    Column("adjudicated", Boolean, nullable=False, server_default=false()),
    Column("created", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    CheckConstraint(
        "(span_start IS NULL AND span_end IS NULL) OR (span_start >= 0 AND span_end > span_start)",
        name="span",
    ),
    CheckConstraint("strength IS NULL OR strength BETWEEN 1 AND 3", name="strength"),
    CheckConstraint("responds_to IS NULL OR span_start IS NULL", name="pair_without_span"),
    Index(None, "transcript_id"),
    Index(None, "annotator"),
)

#: Columns the annotations table gained in schema 4 (strengths, pairs, adjudication).
_SCHEMA_4_ANNOTATION_COLUMNS: Final = ("strength", "responds_to", "adjudicated")


def _history_table(name: str, subject_id: str) -> Table:
    """An append-only edit history: one row per create, update or delete of one subject."""
    return Table(
        name,
        metadata,
        Column("event_id", Integer, primary_key=True, autoincrement=True),
        Column(subject_id, String, nullable=False),
        Column("action", String(16), nullable=False),
        Column("actor", String, nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("payload", Text, nullable=False),
        CheckConstraint("action IN ('create', 'update', 'delete')", name="action"),
        Index(None, subject_id),
        # Dialect-specific (ignored elsewhere): SQLite's AUTOINCREMENT keyword guarantees that
        # event ids are never reused; PostgreSQL's sequence already guarantees it.
        sqlite_autoincrement=True,
    )


events_table: Final = _history_table("annotation_events", "annotation_id")

transcripts_table: Final = Table(
    "transcripts",
    metadata,
    Column("transcript_id", String, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("turn_count", Integer, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("registered_by", String, nullable=False),
    CheckConstraint(
        f"length(fingerprint) BETWEEN 1 AND {FINGERPRINT_MAX_LENGTH}", name="fingerprint"
    ),
    CheckConstraint("turn_count >= 0", name="turn_count"),
)

transcript_texts_table: Final = Table(
    "transcript_texts",
    metadata,
    Column(
        "transcript_id",
        String,
        ForeignKey(transcripts_table.c.transcript_id),
        primary_key=True,
    ),
    Column("content", Text, nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
    Column("stored_by", String, nullable=False),
)

AUDIT_ACTIONS: Final = ("import_transcript", "override_gate")
"""What an audit event records: a transcript imported, or the identifier gate overridden."""

audit_table: Final = Table(
    "audit_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(32), nullable=False),
    Column("transcript_id", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("details", Text, nullable=False),
    CheckConstraint(
        "action IN (" + ", ".join(f"'{action}'" for action in AUDIT_ACTIONS) + ")", name="action"
    ),
    Index(None, "transcript_id"),
    sqlite_autoincrement=True,  # as for annotation_events: ids are never reused
)


def _add_transcript_texts_and_audit(conn: Connection) -> None:
    """Schema 1 -> 2: the imported transcripts' text and the audit record (new tables only)."""
    transcript_texts_table.create(conn)
    audit_table.create(conn)


MIGRATIONS[1] = _add_transcript_texts_and_audit

ratings_table: Final = Table(
    "ratings",
    metadata,
    Column("id", String, primary_key=True),
    Column("transcript_id", String, nullable=False),
    Column("rubric_id", String, nullable=False),
    Column("rubric_version", Integer, nullable=False),
    Column("rater", String, nullable=False),
    Column("overall_comment", Text, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    UniqueConstraint("transcript_id", "rubric_id", "rater"),
    Index(None, "rater"),
)

rating_items_table: Final = Table(
    "rating_items",
    metadata,
    Column(
        "rating_id",
        String,
        ForeignKey(ratings_table.c.id, ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("item_id", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("score", Integer, nullable=True),
    Column("comment", Text, nullable=False),
)

rating_events_table: Final = _history_table("rating_events", "rating_id")


def _add_ratings(conn: Connection) -> None:
    """Schema 2 -> 3: session ratings, their items and their history (new tables only)."""
    for table in (ratings_table, rating_items_table, rating_events_table):
        table.create(conn)


MIGRATIONS[2] = _add_ratings


def _add_annotation_strength_pairs_adjudication(conn: Connection) -> None:
    """Schema 3 -> 4: annotations gain ``strength``, ``responds_to`` and ``adjudicated``.

    Existing annotations keep every value; they get no strength, no pair and are not adjudicated.
    PostgreSQL adds the columns and checks in place. SQLite cannot add a CHECK constraint to an
    existing table, so there the table is rebuilt under its own name, exactly as a new store
    defines it, and the rows are copied across.
    """
    table = annotations_table
    if conn.dialect.name == "sqlite":
        old_name = "annotations_schema_3"
        for index in table.indexes:
            conn.execute(text(f"DROP INDEX {index.name}"))
        conn.execute(text(f"ALTER TABLE {table.name} RENAME TO {old_name}"))
        table.create(conn)
        new_columns = _SCHEMA_4_ANNOTATION_COLUMNS
        kept = ", ".join(c.name for c in table.columns if c.name not in new_columns)
        # Names only, all from the table definition above: nothing here comes from a user.
        copy = f"INSERT INTO {table.name} ({kept}) SELECT {kept} FROM {old_name}"  # noqa: S608
        conn.execute(text(copy))
        conn.execute(text(f"DROP TABLE {old_name}"))
        return
    for name in _SCHEMA_4_ANNOTATION_COLUMNS:
        column_ddl = CreateColumn(table.columns[name]).compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column_ddl}"))
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint) and constraint.name in (
            "ck_annotations_strength",
            "ck_annotations_pair_without_span",
        ):
            add = f"ADD CONSTRAINT {constraint.name} CHECK ({constraint.sqltext})"
            conn.execute(text(f"ALTER TABLE {table.name} {add}"))


MIGRATIONS[3] = _add_annotation_strength_pairs_adjudication

_ATTUNE_TABLES: Final = tuple(metadata.tables)
# Any constant; taken by PostgreSQL sessions that create or upgrade the schema.
_PG_SCHEMA_LOCK_KEY: Final = 0x61747475


def read_schema_version(conn: Connection) -> int | None:
    """The schema version recorded in the database, or None when it has no attune tables.

    Raises
    ------
    StoreError
        If the database has some attune tables but no readable version (it was not made by
        attune-jupyter, or it is damaged).
    """
    inspector = inspect(conn)
    if not inspector.has_table(meta_table.name):
        found = [name for name in _ATTUNE_TABLES if inspector.has_table(name)]
        if found:
            raise StoreError(
                f"the database has table(s) {', '.join(found)} but no {meta_table.name} table, "
                "so it was not made by attune-jupyter; use another database"
            )
        return None
    value = conn.execute(
        select(meta_table.c.value).where(meta_table.c.key == _VERSION_KEY)
    ).scalar_one_or_none()
    if value is not None and value.strip().isdigit():
        return int(value)
    raise StoreError(f"the database's {meta_table.name} table has no valid {_VERSION_KEY}")


def check_readable(version: int, where: str) -> None:
    """Refuse a database written by a newer attune-jupyter.

    Raises
    ------
    SchemaVersionError
        If ``version`` is newer than :data:`SCHEMA_VERSION`.
    """
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{where} was created by a newer attune-jupyter (schema {version}, this version "
            f"reads up to {SCHEMA_VERSION}); upgrade attune-jupyter"
        )


def ensure_schema(conn: Connection, where: str) -> int:
    """Create or upgrade the schema inside the caller's write transaction.

    Parameters
    ----------
    conn:
        A connection in a write transaction (on SQLite begun with ``BEGIN IMMEDIATE``, so no other
        process can create or upgrade the schema at the same time). The caller commits.
    where:
        The (masked) store URL, for messages.

    Returns
    -------
    int
        The schema version now in the database (:data:`SCHEMA_VERSION`).

    Raises
    ------
    SchemaVersionError
        If the database is newer, or an upgrade step is missing or fails; the caller's
        transaction then rolls back and the database is left as it was.
    StoreError
        If the database is not an attune-jupyter store.
    """
    if conn.dialect.name == "postgresql":
        # Dialect-specific: serialise schema creation/upgrade between PostgreSQL sessions (there
        # is no BEGIN IMMEDIATE); the lock is released at the end of this transaction.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK_KEY})
    version = read_schema_version(conn)
    if version is None:
        metadata.create_all(conn)
        conn.execute(insert(meta_table).values(key=_VERSION_KEY, value=str(SCHEMA_VERSION)))
        return SCHEMA_VERSION
    check_readable(version, where)
    for step in range(version, SCHEMA_VERSION):
        migration = MIGRATIONS.get(step)
        if migration is None:
            raise SchemaVersionError(
                f"{where} is at schema {version} and this attune-jupyter has no upgrade from "
                f"schema {step} to {step + 1}"
            )
        try:
            migration(conn)
        except Exception as exc:
            raise SchemaVersionError(
                f"upgrading {where} from schema {step} to {step + 1} failed "
                f"({type(exc).__name__}); the database is unchanged at schema {version}"
            ) from exc
    if version != SCHEMA_VERSION:
        conn.execute(
            update(meta_table)
            .where(meta_table.c.key == _VERSION_KEY)
            .values(value=str(SCHEMA_VERSION))
        )
    return SCHEMA_VERSION
