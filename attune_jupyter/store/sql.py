"""The SQL implementation of :class:`~attune_jupyter.store.base.Store`: SQLite and PostgreSQL.

One SQLAlchemy Core code path serves both engines; the few engine-specific settings live in
:func:`_configure_sqlite` (and in :mod:`attune_jupyter.store.schema`), each commented as such.

SQLite
------
Every connection runs with:

``PRAGMA busy_timeout = 10000``
    A writer waits up to 10 s for another writer (another thread, kernel or server) instead of
    failing at once with "database is locked".
``PRAGMA synchronous = FULL``
    Every commit is fsynced before it returns. ``NORMAL`` (the usual WAL setting) survives a crash
    of the process but may lose the last commits on power loss or an OS crash; annotations are
    promised to be written when made, so we pay the extra fsync per commit.
``PRAGMA foreign_keys = ON``
    SQLite leaves foreign keys unchecked unless told (for future tables; none yet).

and the database is switched to ``journal_mode = WAL`` once when opened (the mode is stored in the
file): readers never block the writer and the writer never blocks readers.

A new store file is created by the store itself, readable and writable by its owner only (mode
``0o600``, whatever the umask), before SQLite opens it: supervisors' notes are clinical material and
shared hosts have other users. SQLite gives the ``-wal`` and ``-shm`` files it creates the main
file's mode. The mode of an existing file is never changed.

pysqlite's own transaction handling is switched off (``isolation_level = None``) and SQLAlchemy's
``begin`` event emits ``BEGIN IMMEDIATE`` for writes and a plain (deferred) ``BEGIN`` for reads.
A write transaction reads before it writes (does the id exist?); begun as deferred it would hold a
read snapshot and fail at once with "database is locked" when another process wrote meanwhile,
whatever the busy timeout. ``BEGIN IMMEDIATE`` takes the write lock first, waiting as long as the
busy timeout. (This is the recipe of SQLAlchemy's SQLite documentation, "Enabling Non-Legacy SQLite
Transactional Modes", for all Python versions.)

Threads
-------
The engine keeps a pool of connections (``QueuePool``, SQLAlchemy's default for a SQLite file, with
``check_same_thread=False``). Each store method checks out a connection for exactly one transaction
and returns it, so two threads (a tornado handler and a widget callback) never share a connection
at the same time; SQLite's locking with the busy timeout orders their writes as it does between
processes. No Python-level lock is needed.

Never put a SQLite store on a network filesystem (JupyterHub home folders often are NFS): locking
there is unreliable. Opening one logs a warning; use PostgreSQL for shared data.

PostgreSQL
----------
Reached through the psycopg 3 driver, an optional dependency (``attune-jupyter[postgresql]``);
without it, opening a ``postgresql://`` store raises :class:`StoreError` saying how to install it.

Transcript registration
-----------------------
:meth:`SqlStore.register_transcript` reads, then inserts if the id is new, in one write
transaction. On SQLite, ``BEGIN IMMEDIATE`` serialises it with every other writer. On PostgreSQL two
sessions can both read "not registered"; the insert of the later one then waits for the earlier
one to commit and fails on the primary key inside a savepoint, and the later one reads and compares
with the earlier registration instead. Either way every caller sees the one stored registration.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import pandas as pd
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    Row,
    create_engine,
    delete,
    event,
    exc,
    insert,
    make_url,
    select,
    update,
)

from attune_jupyter.core.annotation import Annotation, utc_now
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.readers.json_format import parse_json, transcript_json
from attune_jupyter.core.transcript import Transcript, TranscriptError
from attune_jupyter.store import schema
from attune_jupyter.store.base import (
    FINGERPRINT_MAX_LENGTH,
    Action,
    AnnotationEvent,
    AnnotationNotFoundError,
    AuditAction,
    AuditEvent,
    ImportStatus,
    RatingEvent,
    RatingNotFoundError,
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

__all__ = ["BUSY_TIMEOUT_SECONDS", "SUPPORTED_LOCATIONS", "SqlStore", "mask_url", "parse_store_url"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS: Final = 10.0
"""How long a SQLite writer waits for another writer before failing."""

SUPPORTED_LOCATIONS: Final = (
    "a file path",
    "sqlite:///PATH",
    "postgresql://USER:PASSWORD@HOST/DB",
    "postgresql+psycopg://USER:PASSWORD@HOST/DB",
)
"""The forms of store location that :func:`parse_store_url` accepts, for messages."""

_SQLITE_DRIVERS: Final = frozenset({"sqlite", "sqlite+pysqlite"})
_POSTGRES_DRIVERS: Final = frozenset({"postgresql", "postgresql+psycopg"})
_URL_PREFIX: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_URL_PASSWORD: Final = re.compile(r"(://[^:/@]*:)[^@]*@")
_NETWORK_FILESYSTEMS: Final = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "lustre", "fuse.sshfs", "9p"}
)
# Execution option marking a write transaction; read by the SQLite ``begin`` listener.
_WRITE_OPTION: Final = "attune_write"
_STORE_FILE_MODE: Final = 0o600
_POSTGRES_DRIVER_MISSING: Final = (
    "PostgreSQL needs the psycopg driver: pip install 'attune-jupyter[postgresql]'"
)
# A digest: printable ASCII without spaces (so never a transcript's text).
_FINGERPRINT: Final = re.compile(rf"[!-~]{{1,{FINGERPRINT_MAX_LENGTH}}}")


def mask_url(location: str) -> str:
    """``location`` with the password of any ``scheme://user:password@`` part replaced by ``***``.

    Works on strings that are not valid URLs too, so it is safe for error messages.
    """
    return _URL_PASSWORD.sub(r"\1***@", location)


def _unsupported(scheme: str, location: str) -> ValueError:
    return ValueError(
        f"unsupported store URL scheme {scheme!r} in {mask_url(location)!r}; "
        f"supported: {', '.join(SUPPORTED_LOCATIONS)}"
    )


def parse_store_url(location: str | os.PathLike[str]) -> URL:
    """Turn a file path or a database URL into the SQLAlchemy URL the store connects to.

    Parameters
    ----------
    location:
        A SQLite file path (relative paths are resolved against the current working folder, ``~``
        is expanded), a ``sqlite:///PATH`` URL, or a ``postgresql://`` or
        ``postgresql+psycopg://`` URL (both use the psycopg 3 driver).

    Returns
    -------
    sqlalchemy.URL
        ``sqlite:///ABSOLUTE-PATH`` or ``postgresql+psycopg://...``.

    Raises
    ------
    ValueError
        For another scheme, an unparsable URL or an in-memory SQLite database. Messages mask
        passwords.
    StoreError
        If the SQLite file's folder does not exist or the path is a folder.
    """
    text = os.fspath(location)
    if not isinstance(text, str):
        raise TypeError(f"store location must be a str or path, not {type(text).__name__}")
    match = _URL_PREFIX.match(text)
    if match is None:
        return _sqlite_url(Path(text))
    scheme = match.group(1).lower()
    if scheme not in _SQLITE_DRIVERS | _POSTGRES_DRIVERS:
        raise _unsupported(scheme, text)
    try:
        url = make_url(text)
    except (exc.ArgumentError, ValueError):
        # SQLAlchemy's message may repeat the URL with its password.
        raise ValueError(f"cannot parse store URL {mask_url(text)!r}") from None
    if scheme in _POSTGRES_DRIVERS:
        return url.set(drivername="postgresql+psycopg")
    if url.host or url.port or url.username or url.password or url.query:
        raise ValueError(
            f"a sqlite URL names a local file only (sqlite:///PATH), got {mask_url(text)!r}"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise ValueError(
            "an in-memory SQLite store would lose every annotation; give a file path "
            f"(sqlite:///PATH), got {mask_url(text)!r}"
        )
    return _sqlite_url(Path(url.database))


def _sqlite_url(path: Path) -> URL:
    path = path.expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    path = Path(os.path.normpath(path))
    if path.is_dir():
        raise StoreError(f"cannot open store {path}: it is a folder, not a file")
    if not path.parent.is_dir():
        raise StoreError(f"cannot open store {path}: folder {path.parent} does not exist")
    return URL.create("sqlite", database=str(path))


def _create_private_file(path: Path) -> None:
    """Create the SQLite file ``path`` with mode 0o600 if it does not exist yet.

    An existing file (or whatever a symlink points to) is left as it is. Another process creating
    the file at the same moment is fine: only one creates it, neither widens its mode.

    Raises
    ------
    StoreError
        If the file cannot be created (e.g. no permission to write in its folder).
    """
    target = Path(os.path.realpath(path))  # a dangling symlink: create its target
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _STORE_FILE_MODE)
    except FileExistsError:
        return
    except OSError as error:
        raise StoreError(f"cannot create store {path}: {error.strerror}") from error
    try:
        if hasattr(os, "fchmod"):  # POSIX: exactly 0o600, even under a umask that removes bits
            os.fchmod(fd, _STORE_FILE_MODE)
    finally:
        os.close(fd)


def _require_postgres_driver() -> None:
    """Import psycopg, or say how to install it.

    Raises
    ------
    StoreError
        If psycopg cannot be imported (not installed, or without a usable libpq).
    """
    try:
        importlib.import_module("psycopg")
    except ImportError as error:
        raise StoreError(_POSTGRES_DRIVER_MISSING) from error


def _network_filesystem(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the network filesystem holding ``path``, if Linux says it is on one.

    ``mountinfo`` is the text of ``/proc/self/mountinfo``, read when not given.
    """
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            return None
    best, best_type = "", None
    target = str(path)
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        if " - " not in line or len(fields) < 5:
            continue
        mount_point = fields[4].replace("\\040", " ")
        fs_type = line.split(" - ", 1)[1].split(" ", 1)[0]
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return best_type if best_type in _NETWORK_FILESYSTEMS else None


def _configure_sqlite(engine: Engine) -> None:
    """Dialect-specific: per-connection PRAGMAs and BEGIN IMMEDIATE for writes (see module doc)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Stop pysqlite from emitting BEGIN (and COMMIT before DDL) itself: _on_begin does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = bool(conn.get_execution_options().get(_WRITE_OPTION, False))
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _enable_wal(engine: Engine, where: str) -> None:
    """Dialect-specific: put the SQLite file in WAL mode (outside any transaction)."""
    with engine.connect() as conn:
        # The raw DBAPI connection: through SQLAlchemy the PRAGMA would run inside our BEGIN,
        # where SQLite refuses to change the journal mode.
        raw = conn.connection.dbapi_connection
        if raw is None:  # pragma: no cover - a checked-out connection always has one
            raise StoreError(f"cannot open store {where}: no connection")
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            row = cursor.fetchone()
        finally:
            cursor.close()
    mode = str(row[0]).lower() if row else "unknown"
    if mode != "wal":
        raise StoreError(
            f"cannot open store {where}: SQLite could not switch it to WAL mode (mode is "
            f"{mode!r}); is it on a filesystem without shared-memory support?"
        )


def _db_error(action: str, where: str, error: exc.SQLAlchemyError) -> StoreError:
    # Only the driver's message: with hide_parameters=True it never carries values, and the
    # SQL statement text is noise for a user.
    orig = getattr(error, "orig", None)
    detail = f"{type(orig).__name__}: {orig}" if orig is not None else type(error).__name__
    return StoreError(f"could not {action} in {where}: {detail}")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _annotation_values(a: Annotation) -> dict[str, Any]:
    return {
        "id": a.id,
        "transcript_id": a.transcript_id,
        "turn_id": a.turn_id,
        "span_start": a.span_start,
        "span_end": a.span_end,
        "code_id": a.code_id,
        "annotator": a.annotator,
        "note": a.note,
        "strength": a.strength,
        "responds_to": a.responds_to,
        "adjudicated": a.adjudicated,
        "created": a.created,
        "updated": a.updated,
    }


def _annotation_from_row(row: Row[Any]) -> Annotation:
    m = row._mapping
    return Annotation(
        id=m["id"],
        transcript_id=m["transcript_id"],
        turn_id=m["turn_id"],
        span_start=m["span_start"],
        span_end=m["span_end"],
        code_id=m["code_id"],
        annotator=m["annotator"],
        note=m["note"],
        strength=m["strength"],
        responds_to=m["responds_to"],
        adjudicated=bool(m["adjudicated"]),
        created=m["created"],
        updated=m["updated"],
    )


def _check_id(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _check_fingerprint(value: object) -> str:
    if not isinstance(value, str) or _FINGERPRINT.fullmatch(value) is None:
        # The value is not repeated: it might be text the caller passed by mistake.
        raise ValueError(
            f"fingerprint must be a digest of 1 to {FINGERPRINT_MAX_LENGTH} printable ASCII "
            "characters without spaces (never the transcript text)"
        )
    return value


def _check_turn_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"turn_count must be an int >= 0, got {value!r}")
    return value


def _registration_from_row(row: Row[Any], fingerprint: str) -> TranscriptRegistration:
    """The stored registration, with its status relative to ``fingerprint``."""
    m = row._mapping
    return TranscriptRegistration(
        transcript_id=m["transcript_id"],
        fingerprint=m["fingerprint"],
        turn_count=m["turn_count"],
        registered_at=m["registered_at"],
        registered_by=m["registered_by"],
        status="same" if m["fingerprint"] == fingerprint else "changed",
    )


class SqlStore(Store):
    """A :class:`~attune_jupyter.store.base.Store` in a SQLite file or a PostgreSQL database.

    Most code should call :func:`attune_jupyter.store.open_store` rather than this class.

    Parameters
    ----------
    location:
        Anything :func:`parse_store_url` accepts, or a ready :class:`sqlalchemy.URL`.

    Raises
    ------
    ValueError
        For an unsupported or unparsable location.
    SchemaVersionError
        If the database was written by a newer attune-jupyter (nothing is changed) or cannot be
        upgraded (nothing is changed either).
    StoreError
        If the database cannot be opened or created.
    """

    def __init__(self, location: str | os.PathLike[str] | URL) -> None:
        if isinstance(location, URL):  # checked like any other location
            location = location.render_as_string(hide_password=False)
        url = parse_store_url(location)
        self._url = url.render_as_string(hide_password=True)
        self._closed = False
        self._close_lock = threading.Lock()
        is_sqlite = url.get_backend_name() == "sqlite"
        if is_sqlite and url.database:
            fs_type = _network_filesystem(Path(url.database).parent)
            if fs_type:
                log.warning(
                    "store %s is on a network filesystem (%s): SQLite locking is unreliable there "
                    "and annotations may be lost; use a local disk or PostgreSQL",
                    self._url,
                    fs_type,
                )
            _create_private_file(Path(url.database))
        if not is_sqlite:
            _require_postgres_driver()
        self._engine = create_engine(
            url,
            hide_parameters=True,  # error messages and logs never carry notes or other values
            # Generic but only useful for a server: drop connections it has closed meanwhile.
            pool_pre_ping=not is_sqlite,
        )
        if is_sqlite:
            _configure_sqlite(self._engine)
        self._writer = self._engine.execution_options(**{_WRITE_OPTION: True})
        try:
            self._schema_version = self._open_schema(is_sqlite)
        except BaseException:
            self._engine.dispose()
            raise
        log.info("opened annotation store %s (schema %d)", self._url, self._schema_version)

    def _open_schema(self, is_sqlite: bool) -> int:
        try:
            # First a read-only look, so that a newer database is refused before anything
            # (even the journal mode) is written.
            with self._engine.connect() as conn:
                version = schema.read_schema_version(conn)
            if version is not None:
                schema.check_readable(version, self._url)
            if is_sqlite:
                _enable_wal(self._engine, self._url)
            with self._writer.begin() as conn:
                return schema.ensure_schema(conn, self._url)
        except exc.SQLAlchemyError as error:
            raise _db_error("open the store", self._url, error) from error

    # -- Store interface ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._url

    @property
    def schema_version(self) -> int:
        return self._schema_version

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"schema {self._schema_version}"
        return f"<SqlStore {self._url} ({state})>"

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._engine.dispose()

    def add_annotation(self, a: Annotation) -> Annotation:
        if not isinstance(a, Annotation):
            raise TypeError(f"expected an Annotation, got {type(a).__name__}")
        with self._write("add an annotation") as conn:
            stored = self._add_annotation_in(conn, a)
        log.debug("added annotation %s to transcript %s", stored.id, stored.transcript_id)
        return stored

    def _add_annotation_in(self, conn: Connection, a: Annotation) -> Annotation:
        """Insert a new annotation and its create event within ``conn``'s transaction."""
        updated = a.updated if a.updated is not None else a.created
        stored = replace(a, created=_utc(a.created), updated=_utc(updated))
        if self._id_used(conn, stored.id):
            live = self._select_live(conn, stored.id, lock=False) is not None
            raise StoreError(
                f"annotation id {stored.id!r} "
                + ("is already in use" if live else "belonged to a deleted annotation")
                + f" in {self._url}; annotation ids are never reused"
            )
        conn.execute(insert(schema.annotations_table).values(_annotation_values(stored)))
        self._record(conn, "create", stored, actor=stored.annotator, at=utc_now())
        return stored

    def update_annotation(self, a: Annotation) -> Annotation:
        if not isinstance(a, Annotation):
            raise TypeError(f"expected an Annotation, got {type(a).__name__}")
        with self._write("update an annotation") as conn:
            current = self._select_live(conn, a.id, lock=True)
            if current is None:
                raise self._not_found(a.id)
            for name in ("transcript_id", "annotator"):
                if getattr(a, name) != getattr(current, name):
                    raise StoreError(
                        f"annotation {a.id!r} cannot change its {name}; "
                        "delete it and add a new annotation instead"
                    )
            # The store's clock decides `updated`; never before the previous value.
            at = max(utc_now(), cast(datetime, current.updated))
            stored = replace(a, created=current.created, updated=at)
            values = _annotation_values(stored)
            del values["id"], values["created"]
            conn.execute(
                update(schema.annotations_table)
                .where(schema.annotations_table.c.id == a.id)
                .values(values)
            )
            self._record(conn, "update", stored, actor=stored.annotator, at=at)
        log.debug("updated annotation %s", stored.id)
        return stored

    def delete_annotation(self, annotation_id: str, by: str) -> None:
        _check_id(annotation_id, "annotation_id")
        _check_id(by, "by")
        with self._write("delete an annotation") as conn:
            current = self._select_live(conn, annotation_id, lock=True)
            if current is None:
                raise self._not_found(annotation_id)
            conn.execute(
                delete(schema.annotations_table).where(
                    schema.annotations_table.c.id == annotation_id
                )
            )
            self._record(conn, "delete", current, actor=by, at=utc_now())
        log.debug("deleted annotation %s", annotation_id)

    def get_annotation(self, annotation_id: str) -> Annotation:
        _check_id(annotation_id, "annotation_id")
        with self._read("read an annotation") as conn:
            found = self._select_live(conn, annotation_id, lock=False)
        if found is None:
            raise self._not_found(annotation_id)
        return found

    def annotations(
        self, transcript_id: str | None = None, annotator: str | None = None
    ) -> pd.DataFrame:
        return annotations_frame(self.annotation_list(transcript_id, annotator))

    def annotation_list(
        self, transcript_id: str | None = None, annotator: str | None = None
    ) -> list[Annotation]:
        query = select(schema.annotations_table)
        if transcript_id is not None:
            query = query.where(
                schema.annotations_table.c.transcript_id
                == _check_id(transcript_id, "transcript_id")
            )
        if annotator is not None:
            query = query.where(
                schema.annotations_table.c.annotator == _check_id(annotator, "annotator")
            )
        with self._read("read annotations") as conn:
            rows = conn.execute(query).all()
        found = [_annotation_from_row(row) for row in rows]
        found.sort(key=lambda a: (a.transcript_id, a.created, a.id))
        return found

    def history(self, annotation_id: str | None = None) -> pd.DataFrame:
        events = schema.events_table
        query = select(events).order_by(events.c.event_id)
        if annotation_id is not None:
            query = query.where(events.c.annotation_id == _check_id(annotation_id, "annotation_id"))
        with self._read("read the history") as conn:
            rows = conn.execute(query).all()
        return history_frame(
            AnnotationEvent(
                event_id=row.event_id,
                annotation_id=row.annotation_id,
                action=row.action,
                actor=row.actor,
                at=row.at,
                state=json.loads(row.payload),
            )
            for row in rows
        )

    def register_transcript(
        self, transcript_id: str, fingerprint: str, turn_count: int, by: str
    ) -> TranscriptRegistration:
        _check_id(transcript_id, "transcript_id")
        _check_fingerprint(fingerprint)
        _check_turn_count(turn_count)
        _check_id(by, "by")
        with self._write("register a transcript") as conn:
            found = self._register(conn, transcript_id, fingerprint, turn_count, by)
        log.debug("registered transcript %s: %s", transcript_id, found.status)
        return found

    def transcripts(self) -> pd.DataFrame:
        texts = schema.transcript_texts_table
        with self._read("read the transcripts") as conn:
            rows = conn.execute(select(schema.transcripts_table)).all()
            stored = conn.execute(select(texts.c.transcript_id)).scalars().all()
        return transcripts_frame(
            (_registration_from_row(row, row.fingerprint) for row in rows), stored
        )

    def import_transcript(
        self, transcript: Transcript, by: str, *, source: str | None = None
    ) -> ImportStatus:
        _check_id(by, "by")
        with self._write("import a transcript") as conn:
            status = self._import_transcript_in(conn, transcript, by, source)
        if status == "imported":
            log.info("imported transcript %s (%d turns)", transcript.id, len(transcript))
        return status

    def import_coded(
        self,
        transcripts: Sequence[Transcript],
        annotations: Sequence[Annotation],
        by: str,
        *,
        sources: Sequence[str | None] | None = None,
    ) -> list[Annotation]:
        _check_id(by, "by")
        if sources is not None and len(sources) != len(transcripts):
            raise ValueError("import_coded: give one source per transcript, or none")
        for a in annotations:
            if not isinstance(a, Annotation):
                raise TypeError(f"expected an Annotation, got {type(a).__name__}")
        with self._write("import transcripts with their annotations") as conn:
            for i, transcript in enumerate(transcripts):
                source = None if sources is None else sources[i]
                self._import_transcript_in(conn, transcript, by, source)
            stored = [self._add_annotation_in(conn, a) for a in annotations]
        log.info(
            "imported %d transcripts with %d annotations in one transaction",
            len(transcripts),
            len(stored),
        )
        return stored

    def _import_transcript_in(
        self, conn: Connection, transcript: Transcript, by: str, source: str | None
    ) -> ImportStatus:
        """Store a transcript's text and its audit event within ``conn``'s transaction."""
        if not isinstance(transcript, Transcript):
            raise TypeError(f"transcript must be a Transcript, not {type(transcript).__name__}")
        fingerprint = transcript.fingerprint()
        content = transcript_json(transcript)
        texts = schema.transcript_texts_table
        registered = self._register(conn, transcript.id, fingerprint, len(transcript), by)
        if registered.status == "changed":
            raise TranscriptConflictError(
                f"{self._url} already holds a different transcript with id "
                f"{transcript.id!r} (registered by {registered.registered_by} on "
                f"{registered.registered_at:%Y-%m-%d}); nothing was imported. Give this one "
                "another id (rename the file) if it is a different session"
            )
        held = conn.execute(
            select(texts.c.transcript_id).where(texts.c.transcript_id == transcript.id)
        ).first()
        if held is not None:
            return "unchanged"
        try:
            with conn.begin_nested():  # PostgreSQL: a concurrent import of the same id
                conn.execute(
                    insert(texts).values(
                        transcript_id=transcript.id,
                        content=content,
                        stored_at=utc_now(),
                        stored_by=by,
                    )
                )
        except exc.IntegrityError:
            return "unchanged"  # the registry already showed the content is the same
        details = {
            "source": transcript.source if source is None else source,
            "fingerprint": fingerprint,
            "turn_count": len(transcript),
        }
        self._audit(conn, "import_transcript", transcript.id, by, details)
        return "imported"

    def transcript(self, transcript_id: str) -> Transcript:
        _check_id(transcript_id, "transcript_id")
        texts, registry = schema.transcript_texts_table, schema.transcripts_table
        query = (
            select(texts.c.content, registry.c.fingerprint)
            .join(registry, registry.c.transcript_id == texts.c.transcript_id)
            .where(texts.c.transcript_id == transcript_id)
        )
        with self._read("read a transcript") as conn:
            row = conn.execute(query).first()
        if row is None:
            raise TranscriptNotFoundError(
                f"{self._url} holds no imported transcript {transcript_id!r}"
            )
        where = f"{self._url} (transcript {transcript_id})"
        try:
            found = parse_json(row.content, source=where)
        except TranscriptError as error:
            damaged = f"the stored text of transcript {transcript_id!r} is damaged"
            raise StoreError(damaged) from error
        if found.fingerprint() != row.fingerprint:
            raise StoreError(
                f"the stored text of transcript {transcript_id!r} does not match its registered "
                f"fingerprint in {self._url}; the database was changed outside attune-jupyter"
            )
        return found

    def record_gate_override(
        self,
        transcript: Transcript,
        *,
        reason: str,
        findings: Mapping[str, int],
        by: str,
        source: str | None = None,
    ) -> AuditEvent:
        if not isinstance(transcript, Transcript):
            raise TypeError(f"transcript must be a Transcript, not {type(transcript).__name__}")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("an override needs a reason: say why this transcript may be loaded")
        _check_id(by, "by")
        counts: dict[str, int] = {}
        for category, count in findings.items():
            if not isinstance(category, str) or type(count) is not int or count < 0:
                raise ValueError("findings must map categories to numbers of findings")
            counts[category] = count
        details = {
            "reason": reason.strip(),
            "source": transcript.source if source is None else source,
            "fingerprint": transcript.fingerprint(),
            "findings": counts,
        }
        with self._write("record a gate override") as conn:
            event = self._audit(conn, "override_gate", transcript.id, by, details)
        log.info("recorded a gate override for transcript %s by %s", transcript.id, by)
        return event

    def audit_events(self, transcript_id: str | None = None) -> pd.DataFrame:
        table = schema.audit_table
        query = select(table).order_by(table.c.event_id)
        if transcript_id is not None:
            query = query.where(table.c.transcript_id == _check_id(transcript_id, "transcript_id"))
        with self._read("read the audit record") as conn:
            rows = conn.execute(query).all()
        return audit_frame(
            AuditEvent(
                event_id=row.event_id,
                action=row.action,
                transcript_id=row.transcript_id,
                actor=row.actor,
                at=row.at,
                details=json.loads(row.details),
            )
            for row in rows
        )

    # -- session ratings ---------------------------------------------------------------------

    def save_rating(self, rating: SessionRating) -> SessionRating:
        if not isinstance(rating, SessionRating):
            raise TypeError(f"expected a SessionRating, got {type(rating).__name__}")
        ratings = schema.ratings_table
        with self._write("save a rating") as conn:
            current = self._select_rating(conn, rating.id, lock=True)
            if current is None:
                other = conn.execute(
                    select(ratings.c.id).where(
                        ratings.c.transcript_id == rating.transcript_id,
                        ratings.c.rubric_id == rating.rubric_id,
                        ratings.c.rater == rating.rater,
                    )
                ).first()
                if other is not None:
                    raise StoreError(
                        f"{rating.rater} has already rated transcript {rating.transcript_id!r} on "
                        f"rubric {rating.rubric_id!r} (rating {other.id!r}); change that rating "
                        "instead of adding a second one"
                    )
                if self._rating_id_used(conn, rating.id):
                    raise StoreError(
                        f"rating id {rating.id!r} belonged to a deleted rating in {self._url}; "
                        "rating ids are never reused"
                    )
                at = utc_now()
                stored = replace(rating, created=_utc(rating.created), updated=at)
                conn.execute(insert(ratings).values(self._rating_values(stored)))
                action: Action = "create"
            else:
                for name in ("transcript_id", "rubric_id", "rater"):
                    if getattr(rating, name) != getattr(current, name):
                        raise StoreError(
                            f"rating {rating.id!r} cannot change its {name}; "
                            "delete it and save a new rating instead"
                        )
                at = max(utc_now(), cast(datetime, current.updated))
                stored = replace(rating, created=current.created, updated=at)
                values = self._rating_values(stored)
                del values["id"], values["created"]
                conn.execute(update(ratings).where(ratings.c.id == rating.id).values(values))
                conn.execute(
                    delete(schema.rating_items_table).where(
                        schema.rating_items_table.c.rating_id == rating.id
                    )
                )
                action = "update"
            if stored.items:
                conn.execute(
                    insert(schema.rating_items_table),
                    [
                        {
                            "rating_id": stored.id,
                            "item_id": item.item_id,
                            "position": position,
                            "score": item.score,
                            "comment": item.comment,
                        }
                        for position, item in enumerate(stored.items)
                    ],
                )
            self._record_rating(conn, action, stored, actor=stored.rater, at=at)
        log.debug("saved rating %s of transcript %s", stored.id, stored.transcript_id)
        return stored

    def get_rating(self, rating_id: str) -> SessionRating:
        _check_id(rating_id, "rating_id")
        with self._read("read a rating") as conn:
            found = self._select_rating(conn, rating_id, lock=False)
        if found is None:
            raise RatingNotFoundError(f"no rating {rating_id!r} in {self._url}")
        return found

    def delete_rating(self, rating_id: str, by: str) -> None:
        _check_id(rating_id, "rating_id")
        _check_id(by, "by")
        with self._write("delete a rating") as conn:
            current = self._select_rating(conn, rating_id, lock=True)
            if current is None:
                raise RatingNotFoundError(f"no rating {rating_id!r} in {self._url}")
            # Items first: the cascade is not relied on (SQLite needs foreign_keys=ON for it).
            conn.execute(
                delete(schema.rating_items_table).where(
                    schema.rating_items_table.c.rating_id == rating_id
                )
            )
            conn.execute(delete(schema.ratings_table).where(schema.ratings_table.c.id == rating_id))
            self._record_rating(conn, "delete", current, actor=by, at=utc_now())
        log.debug("deleted rating %s", rating_id)

    def session_ratings(
        self,
        transcript_id: str | None = None,
        rater: str | None = None,
        rubric_id: str | None = None,
    ) -> list[SessionRating]:
        ratings, items = schema.ratings_table, schema.rating_items_table
        query = select(ratings)
        for column, value, name in (
            (ratings.c.transcript_id, transcript_id, "transcript_id"),
            (ratings.c.rater, rater, "rater"),
            (ratings.c.rubric_id, rubric_id, "rubric_id"),
        ):
            if value is not None:
                query = query.where(column == _check_id(value, name))
        with self._read("read ratings") as conn:
            rows = conn.execute(query).all()
            ids = [row.id for row in rows]
            item_rows = (
                conn.execute(
                    select(items).where(items.c.rating_id.in_(ids)).order_by(items.c.position)
                ).all()
                if ids
                else []
            )
        by_rating: dict[str, list[ItemRating]] = {}
        for item in item_rows:
            by_rating.setdefault(item.rating_id, []).append(
                ItemRating(item.item_id, item.score, item.comment)
            )
        found = [self._rating_from_row(row, by_rating.get(row.id, [])) for row in rows]
        return sorted(found, key=lambda r: (r.transcript_id, r.rater, r.rubric_id))

    def ratings(
        self,
        transcript_id: str | None = None,
        rater: str | None = None,
        rubric_id: str | None = None,
    ) -> pd.DataFrame:
        return ratings_frame(self.session_ratings(transcript_id, rater, rubric_id))

    def rating_history(self, rating_id: str | None = None) -> pd.DataFrame:
        events = schema.rating_events_table
        query = select(events).order_by(events.c.event_id)
        if rating_id is not None:
            query = query.where(events.c.rating_id == _check_id(rating_id, "rating_id"))
        with self._read("read the rating history") as conn:
            rows = conn.execute(query).all()
        return rating_history_frame(
            RatingEvent(
                event_id=row.event_id,
                action=row.action,
                actor=row.actor,
                at=row.at,
                rating=SessionRating.from_dict(json.loads(row.payload)),
            )
            for row in rows
        )

    @staticmethod
    def _rating_values(rating: SessionRating) -> dict[str, Any]:
        return {
            "id": rating.id,
            "transcript_id": rating.transcript_id,
            "rubric_id": rating.rubric_id,
            "rubric_version": rating.rubric_version,
            "rater": rating.rater,
            "overall_comment": rating.overall_comment,
            "created": rating.created,
            "updated": rating.updated,
        }

    @staticmethod
    def _rating_from_row(row: Row[Any], items: list[ItemRating]) -> SessionRating:
        return SessionRating(
            id=row.id,
            transcript_id=row.transcript_id,
            rubric_id=row.rubric_id,
            rubric_version=row.rubric_version,
            rater=row.rater,
            items=tuple(items),
            overall_comment=row.overall_comment,
            created=row.created,
            updated=row.updated,
        )

    def _select_rating(
        self, conn: Connection, rating_id: str, *, lock: bool
    ) -> SessionRating | None:
        ratings, items = schema.ratings_table, schema.rating_items_table
        query = select(ratings).where(ratings.c.id == rating_id)
        if lock:
            query = query.with_for_update()  # PostgreSQL; SQLite holds the write lock already
        row = conn.execute(query).first()
        if row is None:
            return None
        item_rows = conn.execute(
            select(items).where(items.c.rating_id == rating_id).order_by(items.c.position)
        ).all()
        found = [ItemRating(item.item_id, item.score, item.comment) for item in item_rows]
        return self._rating_from_row(row, found)

    @staticmethod
    def _rating_id_used(conn: Connection, rating_id: str) -> bool:
        events = schema.rating_events_table
        query = select(events.c.event_id).where(events.c.rating_id == rating_id).limit(1)
        return conn.execute(query).first() is not None

    @staticmethod
    def _record_rating(
        conn: Connection, action: Action, rating: SessionRating, *, actor: str, at: datetime
    ) -> None:
        payload = json.dumps(rating.to_dict(), ensure_ascii=False, sort_keys=True)
        conn.execute(
            insert(schema.rating_events_table).values(
                rating_id=rating.id, action=action, actor=actor, at=at, payload=payload
            )
        )

    # -- helpers -----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self._url} is closed")

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        """A connection in a read transaction (deferred BEGIN on SQLite), rolled back at the end."""
        self._check_open()
        try:
            with self._engine.connect() as conn:
                yield conn
        except exc.SQLAlchemyError as error:
            raise _db_error(action, self._url, error) from error

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        """A connection in a write transaction, committed when the block ends without error.

        On SQLite it begins with BEGIN IMMEDIATE; on any error it rolls back, so nothing is
        half-written. The commit (fsynced on SQLite) has happened when the block is left.
        """
        self._check_open()
        try:
            with self._writer.begin() as conn:
                yield conn
        except exc.SQLAlchemyError as error:
            raise _db_error(action, self._url, error) from error

    def _not_found(self, annotation_id: str) -> AnnotationNotFoundError:
        return AnnotationNotFoundError(f"no annotation {annotation_id!r} in {self._url}")

    @staticmethod
    def _select_live(conn: Connection, annotation_id: str, *, lock: bool) -> Annotation | None:
        query = select(schema.annotations_table).where(
            schema.annotations_table.c.id == annotation_id
        )
        if lock:
            # PostgreSQL: lock the row for this read-then-write transaction. SQLite's compiler
            # ignores FOR UPDATE; BEGIN IMMEDIATE already holds the database's write lock.
            query = query.with_for_update()
        row = conn.execute(query).first()
        return _annotation_from_row(row) if row is not None else None

    @staticmethod
    def _select_transcript(
        conn: Connection, transcript_id: str, fingerprint: str
    ) -> TranscriptRegistration | None:
        """The stored registration of ``transcript_id`` compared with ``fingerprint``, if any."""
        table = schema.transcripts_table
        row = conn.execute(select(table).where(table.c.transcript_id == transcript_id)).first()
        return _registration_from_row(row, fingerprint) if row is not None else None

    @staticmethod
    def _id_used(conn: Connection, annotation_id: str) -> bool:
        events = schema.events_table
        query = select(events.c.event_id).where(events.c.annotation_id == annotation_id).limit(1)
        return conn.execute(query).first() is not None

    def _register(
        self, conn: Connection, transcript_id: str, fingerprint: str, turn_count: int, by: str
    ) -> TranscriptRegistration:
        """Register inside the caller's write transaction; see :meth:`register_transcript`."""
        found = self._select_transcript(conn, transcript_id, fingerprint)
        if found is None:
            new = TranscriptRegistration(
                transcript_id=transcript_id,
                fingerprint=fingerprint,
                turn_count=turn_count,
                registered_at=utc_now(),
                registered_by=by,
                status="new",
            )
            try:
                # The savepoint keeps the transaction usable if the insert fails.
                with conn.begin_nested():
                    conn.execute(
                        insert(schema.transcripts_table).values(
                            transcript_id=new.transcript_id,
                            fingerprint=new.fingerprint,
                            turn_count=new.turn_count,
                            registered_at=new.registered_at,
                            registered_by=new.registered_by,
                        )
                    )
            except exc.IntegrityError:
                # PostgreSQL: another session registered the id after our read and has
                # committed (our insert waited for it). Compare with its registration.
                found = self._select_transcript(conn, transcript_id, fingerprint)
                if found is None:  # not a duplicate id after all
                    raise
            else:
                found = new
        return found

    @staticmethod
    def _audit(
        conn: Connection,
        action: AuditAction,
        transcript_id: str,
        actor: str,
        details: Mapping[str, Any],
    ) -> AuditEvent:
        at = utc_now()
        result = conn.execute(
            insert(schema.audit_table).values(
                action=action,
                transcript_id=transcript_id,
                actor=actor,
                at=at,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True),
            )
        )
        (event_id,) = result.inserted_primary_key or (None,)
        return AuditEvent(
            event_id=int(event_id or 0),
            action=action,
            transcript_id=transcript_id,
            actor=actor,
            at=at,
            details=details,
        )

    @staticmethod
    def _record(
        conn: Connection, action: Action, state: Annotation, *, actor: str, at: datetime
    ) -> None:
        payload = json.dumps(state.to_dict(), ensure_ascii=False, sort_keys=True)
        conn.execute(
            insert(schema.events_table).values(
                annotation_id=state.id, action=action, actor=actor, at=at, payload=payload
            )
        )
