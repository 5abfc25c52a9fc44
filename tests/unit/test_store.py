"""Behaviour of the annotation store: round trips, frames, history, schema versions, locations.

Every test uses a real SQLite file under ``tmp_path``. Tests taking the ``store`` fixture also run
against a real PostgreSQL server (the ``postgres_url`` fixture in tests/conftest.py: a throw-away
cluster, or ``ATTUNE_TEST_POSTGRES_URL``); its attune tables are dropped before each test.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import Connection, create_engine, event, text

import attune_jupyter
from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.transcript import Transcript, Turn
from attune_jupyter.store import (
    ANNOTATION_COLUMNS,
    AUDIT_COLUMNS,
    DEFAULT_STORE_FILE,
    FINGERPRINT_MAX_LENGTH,
    HISTORY_COLUMNS,
    RATING_COLUMNS,
    SCHEMA_VERSION,
    STORE_ENV_VAR,
    TRANSCRIPT_COLUMNS,
    AnnotationNotFoundError,
    RatingNotFoundError,
    SchemaVersionError,
    SqlStore,
    Store,
    StoreError,
    TranscriptConflictError,
    TranscriptNotFoundError,
    TranscriptRegistration,
    open_store,
    schema,
    sql,
)
from attune_jupyter.store.sql import _network_filesystem, mask_url, parse_store_url

T0 = datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=UTC)
NOTE = "Klientin weint — “זה קשה” 😢\nzweite Zeile"

ANNOTATION_DTYPES = {
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
    "created": "datetime64[ns, UTC]",
    "updated": "datetime64[ns, UTC]",
}


def make(**changes: Any) -> Annotation:
    values: dict[str, Any] = {
        "transcript_id": "t1",
        "turn_id": "turn-1",
        "code_id": "empathy",
        "annotator": "sup-a",
        "created": T0,
    }
    values.update(changes)
    return Annotation(**values)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        schema.metadata.drop_all(conn)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where a fresh store is: a SQLite file, or a PostgreSQL database without attune tables."""
    if request.param == "postgresql":
        postgres_url: str = request.getfixturevalue("postgres_url")
        _reset_postgres(postgres_url)
        return postgres_url
    return str(db_path)


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    with open_store(location) as opened:
        yield opened


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- round trips ---------------------------------------------------------------------------------


def test_every_field_round_trips(store: Store) -> None:
    whole_turn = make(note=NOTE, id="a-whole")
    span = make(span_start=0, span_end=7, note="", id="a-span", turn_id="turn-2")
    assert store.add_annotation(whole_turn) == whole_turn
    assert store.add_annotation(span) == span
    got = store.get_annotation("a-whole")
    assert got == whole_turn
    assert got.span_start is None and got.span_end is None
    assert got.note == NOTE
    assert got.created.tzinfo is not None and got.created.utcoffset() == timedelta(0)
    assert store.get_annotation("a-span") == span


def test_annotation_survives_reopening_the_file(db_path: Path) -> None:
    a = make(note=NOTE, span_start=3, span_end=9)
    with open_store(db_path) as store:
        store.add_annotation(a)
    with open_store(db_path) as store:
        assert store.get_annotation(a.id) == a


def test_times_in_other_zones_are_stored_as_utc(store: Store) -> None:
    plus_two = timezone(timedelta(hours=2))
    local = datetime(2024, 5, 1, 11, 30, tzinfo=plus_two)
    stored = store.add_annotation(make(created=local))
    assert stored.created == local and stored.created.tzinfo == UTC
    assert store.get_annotation(stored.id).created.tzinfo == UTC


# -- the annotations frame -----------------------------------------------------------------------


def test_frame_has_documented_columns_dtypes_and_order(store: Store) -> None:
    later = T0 + timedelta(minutes=5)
    rows = [
        make(id="c", transcript_id="t2", created=T0, responds_to="turn-0", adjudicated=True),
        make(id="b", transcript_id="t1", created=later, span_start=2, span_end=4, note=NOTE),
        make(id="z", transcript_id="t1", created=T0, strength=3),
        make(id="a", transcript_id="t1", created=T0),
    ]
    for a in rows:
        store.add_annotation(a)
    frame = store.annotations()
    expected = pd.DataFrame(
        {
            "annotation_id": pd.Series(["a", "z", "b", "c"], dtype="str"),
            "transcript_id": pd.Series(["t1", "t1", "t1", "t2"], dtype="str"),
            "turn_id": pd.Series(["turn-1"] * 4, dtype="str"),
            "span_start": pd.Series([None, None, 2, None], dtype="Int64"),
            "span_end": pd.Series([None, None, 4, None], dtype="Int64"),
            "code_id": pd.Series(["empathy"] * 4, dtype="str"),
            "annotator": pd.Series(["sup-a"] * 4, dtype="str"),
            "note": pd.Series(["", "", NOTE, ""], dtype="str"),
            "strength": pd.Series([None, 3, None, None], dtype="Int64"),
            "responds_to": pd.Series([None, None, None, "turn-0"], dtype="str"),
            "adjudicated": pd.Series([False, False, False, True], dtype="bool"),
            "created": pd.Series([T0, T0, later, T0]).astype("datetime64[ns, UTC]"),
            "updated": pd.Series([T0, T0, later, T0]).astype("datetime64[ns, UTC]"),
        }
    )
    assert tuple(frame.columns) == ANNOTATION_COLUMNS
    assert {k: str(v) for k, v in frame.dtypes.items()} == ANNOTATION_DTYPES
    assert_frame_equal(frame, expected)


def test_empty_store_gives_empty_frame_with_same_columns_and_dtypes(store: Store) -> None:
    empty = store.annotations()
    assert empty.empty
    assert tuple(empty.columns) == ANNOTATION_COLUMNS
    assert {k: str(v) for k, v in empty.dtypes.items()} == ANNOTATION_DTYPES
    store.add_annotation(make())
    assert_frame_equal(store.annotations().iloc[0:0], empty)
    assert_frame_equal(store.annotations(transcript_id="nowhere"), empty)


def test_filter_by_transcript_and_annotator(store: Store) -> None:
    store.add_annotation(make(id="1", transcript_id="t1", annotator="ann"))
    store.add_annotation(make(id="2", transcript_id="t1", annotator="bob"))
    store.add_annotation(make(id="3", transcript_id="t2", annotator="ann"))
    assert list(store.annotations(transcript_id="t1")["annotation_id"]) == ["1", "2"]
    assert list(store.annotations(annotator="ann")["annotation_id"]) == ["1", "3"]
    assert list(store.annotations(transcript_id="t2", annotator="ann")["annotation_id"]) == ["3"]
    assert store.annotations(transcript_id="t2", annotator="bob").empty


def test_frame_is_a_new_object_each_time(store: Store) -> None:
    store.add_annotation(make(id="1"))
    first = store.annotations()
    first.loc[0, "note"] = "changed by caller"
    assert store.annotations().loc[0, "note"] == ""


# -- updates, deletes and history ----------------------------------------------------------------


def test_update_changes_updated_and_keeps_created(store: Store) -> None:
    original = store.add_annotation(make(note="first"))
    edited = original.edited(note="second", code_id="warmth", span_start=1, span_end=5)
    tampered = replace(edited, created=T0 + timedelta(days=3))
    before = datetime.now(UTC)
    stored = store.update_annotation(tampered)
    assert stored.created == original.created
    assert stored.updated is not None and stored.updated >= before
    assert store.get_annotation(original.id) == stored
    row = store.annotations().iloc[0]
    assert row["note"] == "second" and row["code_id"] == "warmth" and row["span_start"] == 1
    assert row["created"] == pd.Timestamp(T0)
    assert row["updated"] > row["created"]


def test_update_of_missing_annotation_is_a_key_error(store: Store) -> None:
    with pytest.raises(AnnotationNotFoundError, match="no annotation 'nope'") as info:
        store.update_annotation(make(id="nope"))
    assert isinstance(info.value, StoreError) and isinstance(info.value, KeyError)
    assert store.history().empty


@pytest.mark.parametrize("field", ["transcript_id", "annotator"])
def test_update_cannot_move_an_annotation(store: Store, field: str) -> None:
    a = store.add_annotation(make())
    with pytest.raises(StoreError, match=f"cannot change its {field}"):
        store.update_annotation(a.edited(**{field: "elsewhere"}))
    assert store.get_annotation(a.id) == a
    assert list(store.history()["action"]) == ["create"]


def test_delete_removes_annotation_but_history_keeps_it(store: Store) -> None:
    a = store.add_annotation(make(note=NOTE))
    keep = store.add_annotation(make(id="keep"))
    store.update_annotation(a.edited(note="edited"))
    store.delete_annotation(a.id, by="supervisor-x")
    assert list(store.annotations()["annotation_id"]) == ["keep"]
    with pytest.raises(AnnotationNotFoundError):
        store.get_annotation(a.id)
    history = store.history(a.id)
    assert list(history["action"]) == ["create", "update", "delete"]
    assert list(history["actor"]) == ["sup-a", "sup-a", "supervisor-x"]
    assert list(history["note"]) == [NOTE, "edited", "edited"]
    assert history["event_id"].is_monotonic_increasing
    assert list(store.history()["annotation_id"]) == [a.id, keep.id, a.id, a.id]
    with pytest.raises(AnnotationNotFoundError):
        store.delete_annotation(a.id, by="supervisor-x")


def test_history_frame_columns_and_dtypes(store: Store) -> None:
    empty = store.history()
    assert tuple(empty.columns) == HISTORY_COLUMNS
    a = store.add_annotation(make(span_start=1, span_end=2))
    full = store.history()
    assert tuple(full.columns) == HISTORY_COLUMNS
    expected = {
        **ANNOTATION_DTYPES,
        "event_id": "int64",
        "action": "str",
        "actor": "str",
        "at": "datetime64[ns, UTC]",
    }
    assert {k: str(v) for k, v in full.dtypes.items()} == expected
    assert {k: str(v) for k, v in empty.dtypes.items()} == expected
    row = full.iloc[0]
    assert (row["annotation_id"], row["action"], row["span_end"]) == (a.id, "create", 2)
    assert row["created"] == pd.Timestamp(T0)
    assert store.history("unknown").empty


def test_history_and_annotations_keep_whole_second_and_fractional_times(db_path: Path) -> None:
    # ISO text of a whole-second time has no fraction: the frames must read each time on its
    # own rather than guess one format from the first row.
    whole = datetime(2024, 5, 1, 9, 0, 0, tzinfo=UTC)
    with open_store(db_path) as store:
        store.add_annotation(make(id="a-whole", created=whole))
        store.add_annotation(make(id="a-fraction", created=T0))
    with open_store(db_path) as store:
        history = store.history()
        annotations = store.annotations()
    created = dict(zip(history["annotation_id"], history["created"], strict=True))
    assert created == {"a-whole": pd.Timestamp(whole), "a-fraction": pd.Timestamp(T0)}
    created = dict(zip(annotations["annotation_id"], annotations["created"], strict=True))
    assert created == {"a-whole": pd.Timestamp(whole), "a-fraction": pd.Timestamp(T0)}
    assert list(history["action"]) == ["create", "create"]
    assert history["at"].notna().all()


# -- bad data and atomicity ----------------------------------------------------------------------


def test_duplicate_id_is_refused_and_nothing_changes(store: Store) -> None:
    a = store.add_annotation(make(note="original"))
    with pytest.raises(StoreError, match="already in use"):
        store.add_annotation(make(id=a.id, note="intruder", transcript_id="t9"))
    assert store.get_annotation(a.id) == a
    assert len(store.annotations()) == 1
    assert list(store.history()["action"]) == ["create"]


def test_id_of_deleted_annotation_is_never_reused(store: Store) -> None:
    a = store.add_annotation(make())
    store.delete_annotation(a.id, by="sup-a")
    with pytest.raises(StoreError, match="deleted annotation"):
        store.add_annotation(make(id=a.id))
    assert store.annotations().empty


def test_failure_after_first_statement_rolls_back_the_whole_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The annotation row is inserted, then the event insert fails in the database itself."""

    def bad_record(conn: Connection, action: str, state: Annotation, **kw: Any) -> None:
        conn.execute(
            schema.events_table.insert().values(
                annotation_id=state.id, action="bogus", actor="x", at=T0, payload="{}"
            )
        )

    monkeypatch.setattr(SqlStore, "_record", staticmethod(bad_record))
    with pytest.raises(StoreError, match="could not add an annotation"):
        store.add_annotation(make(id="half"))
    monkeypatch.undo()
    assert store.annotations().empty
    assert store.history().empty
    with pytest.raises(AnnotationNotFoundError):
        store.get_annotation("half")
    store.add_annotation(make(id="half"))  # the id was never used
    assert len(store.annotations()) == 1


def test_failed_update_and_delete_leave_the_annotation_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = store.add_annotation(make(note="kept"))

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated crash between statements")

    monkeypatch.setattr(SqlStore, "_record", staticmethod(boom))
    with pytest.raises(RuntimeError):
        store.update_annotation(a.edited(note="lost"))
    with pytest.raises(RuntimeError):
        store.delete_annotation(a.id, by="x")
    monkeypatch.undo()
    assert store.get_annotation(a.id) == a
    assert list(store.history()["action"]) == ["create"]


def test_wrong_argument_types_are_refused(store: Store) -> None:
    with pytest.raises(TypeError):
        store.add_annotation({"id": "x"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="by must be"):
        store.delete_annotation("x", by="")


def test_logs_and_errors_never_contain_notes(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "SECRET-NOTE-TEXT the client said"
    caplog.set_level(logging.DEBUG)
    a = store.add_annotation(make(note=secret))
    store.update_annotation(a.edited(note=secret + " again"))
    with pytest.raises(StoreError) as info:
        store.add_annotation(make(id=a.id, note=secret))
    store.delete_annotation(a.id, by="sup")
    assert "SECRET" not in caplog.text
    assert "SECRET" not in str(info.value)


# -- transcript registry -------------------------------------------------------------------------

FP_A = "sha256:" + "a" * 64
FP_B = "sha256:" + "b" * 64

TRANSCRIPT_DTYPES = {
    "transcript_id": "str",
    "fingerprint": "str",
    "turn_count": "int64",
    "registered_at": "datetime64[ns, UTC]",
    "registered_by": "str",
    "text_stored": "bool",
}


def test_register_transcript_new_same_changed(store: Store) -> None:
    before = datetime.now(UTC)
    first = store.register_transcript("session", FP_A, 12, by="sup-a")
    after = datetime.now(UTC)
    assert isinstance(first, TranscriptRegistration)
    assert (first.transcript_id, first.fingerprint, first.turn_count) == ("session", FP_A, 12)
    assert (first.registered_by, first.status) == ("sup-a", "new")
    assert before <= first.registered_at <= after
    assert first.registered_at.utcoffset() == timedelta(0)

    again = store.register_transcript("session", FP_A, 12, by="sup-b")
    assert again == replace(first, status="same")  # the original registrar and time

    edited = store.register_transcript("session", FP_B, 14, by="sup-b")
    assert edited == replace(first, status="changed")  # the original, not the new content

    # The original was kept: it is still "same", the edited content still "changed".
    assert store.register_transcript("session", FP_A, 12, by="sup-c").status == "same"
    assert store.register_transcript("session", FP_B, 14, by="sup-c").status == "changed"
    frame = store.transcripts()
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["fingerprint"], row["turn_count"], row["registered_by"]) == (FP_A, 12, "sup-a")
    assert row["registered_at"] == pd.Timestamp(first.registered_at)


def test_transcripts_are_registered_independently(store: Store) -> None:
    assert store.register_transcript("a/session", FP_A, 3, by="sup").status == "new"
    assert store.register_transcript("b/session", FP_B, 3, by="sup").status == "new"
    assert store.register_transcript("b/session", FP_B, 3, by="sup").status == "same"
    assert store.register_transcript("a/session", FP_B, 3, by="sup").status == "changed"
    assert list(store.transcripts()["fingerprint"]) == [FP_A, FP_B]


def test_same_fingerprint_is_same_whatever_the_turn_count(store: Store) -> None:
    store.register_transcript("t1", FP_A, 5, by="sup")
    same = store.register_transcript("t1", FP_A, 6, by="sup")
    assert (same.status, same.turn_count) == ("same", 5)


def test_transcripts_frame_columns_dtypes_and_order(store: Store) -> None:
    empty = store.transcripts()
    assert empty.empty
    assert tuple(empty.columns) == TRANSCRIPT_COLUMNS
    assert {k: str(v) for k, v in empty.dtypes.items()} == TRANSCRIPT_DTYPES
    registered = [
        store.register_transcript(tid, fp, turns, by=who)
        for tid, fp, turns, who in [
            ("t2", FP_A, 0, "sup-b"),
            ("T10", FP_B, 40, "sup-a"),
            ("t10", FP_A, 7, "sup-a"),
        ]
    ]
    frame = store.transcripts()
    by_id = {r.transcript_id: r for r in registered}
    order = ["T10", "t10", "t2"]  # sorted in pandas (code point order), whatever the collation
    expected = pd.DataFrame(
        {
            "transcript_id": pd.Series(order, dtype="str"),
            "fingerprint": pd.Series([by_id[t].fingerprint for t in order], dtype="str"),
            "turn_count": pd.Series([by_id[t].turn_count for t in order], dtype="int64"),
            "registered_at": pd.Series([by_id[t].registered_at for t in order]).astype(
                "datetime64[ns, UTC]"
            ),
            "registered_by": pd.Series([by_id[t].registered_by for t in order], dtype="str"),
            "text_stored": pd.Series([False] * 3, dtype="bool"),
        }
    )
    assert_frame_equal(frame, expected)
    frame.loc[0, "fingerprint"] = "changed by caller"
    assert store.transcripts().loc[0, "fingerprint"] == FP_B


def test_registration_survives_reopening_the_file(db_path: Path) -> None:
    with open_store(db_path) as store:
        first = store.register_transcript("t1", FP_A, 3, by="sup")
    with open_store(db_path) as store:
        assert store.register_transcript("t1", FP_B, 3, by="x") == replace(first, status="changed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", FP_A, 1, "sup"), "transcript_id must be"),
        (("t1", "", 1, "sup"), "fingerprint must be"),
        (("t1", "sha256 abc", 1, "sup"), "fingerprint must be"),
        (("t1", "x" * (FINGERPRINT_MAX_LENGTH + 1), 1, "sup"), "fingerprint must be"),
        (("t1", "Therapist: how are you?\nClient: fine", 1, "sup"), "fingerprint must be"),
        (("t1", "ähnlich", 1, "sup"), "fingerprint must be"),
        (("t1", FP_A, -1, "sup"), "turn_count must be"),
        (("t1", FP_A, True, "sup"), "turn_count must be"),
        (("t1", FP_A, "3", "sup"), "turn_count must be"),
        (("t1", FP_A, 1, ""), "by must be"),
    ],
)
def test_register_refuses_bad_arguments(store: Store, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        store.register_transcript(*args)
    assert "how are you" not in str(info.value)  # text passed by mistake is not repeated
    assert store.transcripts().empty


def test_longest_fingerprint_is_accepted(store: Store) -> None:
    longest = "f" * FINGERPRINT_MAX_LENGTH
    assert store.register_transcript("t1", longest, 1, by="sup").status == "new"
    assert store.transcripts().loc[0, "fingerprint"] == longest


def test_registration_that_loses_the_race_gets_the_winners_registration(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read misses a registration committed meanwhile (as it can on PostgreSQL)."""
    winner = store.register_transcript("t1", FP_A, 3, by="sup-a")
    real = SqlStore._select_transcript
    reads: list[TranscriptRegistration | None] = []

    def stale_first_read(conn: Connection, transcript_id: str, fingerprint: str) -> Any:
        found = real(conn, transcript_id, fingerprint) if reads else None
        reads.append(found)
        return found

    monkeypatch.setattr(SqlStore, "_select_transcript", staticmethod(stale_first_read))
    loser = store.register_transcript("t1", FP_B, 9, by="sup-b")
    assert len(reads) == 2  # the insert failed on the primary key, and it read again
    assert loser == replace(winner, status="changed")
    monkeypatch.undo()
    assert len(store.transcripts()) == 1
    # The transaction ended cleanly: the store still writes.
    assert store.register_transcript("t2", FP_B, 1, by="sup-b").status == "new"
    store.add_annotation(make())


def _check_agreement(results: list[TranscriptRegistration], store: Store) -> None:
    """Exactly one caller registered; the others (each with its own fingerprint) got that
    registration, as "changed"; it is the one stored."""
    winners = [r for r in results if r.status == "new"]
    assert len(winners) == 1, results
    (winner,) = winners
    assert sorted(r.status for r in results) == ["changed"] * (len(results) - 1) + ["new"]
    for r in results:
        assert replace(r, status="new") == winner
    stored = store.transcripts()
    stored = stored[stored["transcript_id"] == winner.transcript_id]
    assert list(stored["fingerprint"]) == [winner.fingerprint]


def test_concurrent_registration_from_threads_agrees(location: str) -> None:
    """Each thread has its own store (engine and connections), as separate processes would."""
    workers, rounds = 6, 5
    stores = [open_store(location) for _ in range(workers)]
    try:
        barrier = threading.Barrier(workers, timeout=60)

        def work(n: int) -> list[TranscriptRegistration]:
            out = []
            for r in range(rounds):
                barrier.wait()
                out.append(stores[n].register_transcript(f"t{r}", f"fp-{n}", n, by=f"w{n}"))
            return out

        with ThreadPoolExecutor(max_workers=workers) as pool:
            per_worker = [f.result() for f in [pool.submit(work, n) for n in range(workers)]]
        for r in range(rounds):
            _check_agreement([results[r] for results in per_worker], stores[0])
        assert len(stores[0].transcripts()) == rounds
    finally:
        for opened in stores:
            opened.close()


def test_postgres_sessions_that_both_read_first_agree(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Force the interleaving: both sessions read "not registered" before either inserts.

    (On SQLite this interleaving cannot happen: BEGIN IMMEDIATE serialises the transactions.)
    """
    _reset_postgres(postgres_url)
    real = SqlStore._select_transcript
    both_read = threading.Barrier(2, timeout=30)
    waited = threading.local()
    reads: list[str] = []

    def read_then_wait(conn: Connection, transcript_id: str, fingerprint: str) -> Any:
        found = real(conn, transcript_id, fingerprint)
        reads.append(fingerprint)
        if not getattr(waited, "done", False):
            waited.done = True
            both_read.wait()
        return found

    monkeypatch.setattr(SqlStore, "_select_transcript", staticmethod(read_then_wait))
    stores = [open_store(postgres_url) for _ in range(2)]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(s.register_transcript, "t1", f"fp-{n}", n, f"w{n}")
                for n, s in enumerate(stores)
            ]
            results = [f.result() for f in futures]
        assert len(reads) == 3  # the loser read again after its insert failed
        _check_agreement(results, stores[0])
    finally:
        for opened in stores:
            opened.close()


REGISTER_MANY = """
    import json, sys
    from attune_jupyter.store import open_store

    location, name = sys.argv[1], sys.argv[2]
    assert sys.stdin.readline() == "go\\n"
    with open_store(location) as store:  # the processes also race to create the schema
        out = [store.register_transcript(f"t{i}", f"fp-{name}", i, name) for i in range(30)]
    print(json.dumps([[r.transcript_id, r.fingerprint, r.registered_by, r.status] for r in out]))
"""


def test_concurrent_registration_from_processes_agrees(location: str) -> None:
    env = dict(os.environ)
    root = str(Path(attune_jupyter.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    children = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(REGISTER_MANY), location, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("p1", "p2")
    ]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    p1, p2 = (json.loads(out) for out, _ in outputs)
    with open_store(location) as store:
        stored = store.transcripts().set_index("transcript_id")
        assert len(stored) == 30
        for a, b in zip(p1, p2, strict=True):
            assert a[0] == b[0]
            assert sorted([a[3], b[3]]) == ["changed", "new"]
            winner = a if a[3] == "new" else b
            assert a[1] == b[1] == winner[1] == stored.loc[a[0], "fingerprint"]
            assert a[2] == b[2] == stored.loc[a[0], "registered_by"]


# -- store lifecycle, threads ---------------------------------------------------------------------


def test_closed_store_refuses_work_and_close_is_idempotent(db_path: Path) -> None:
    store = open_store(db_path)
    with store:
        assert store.schema_version == SCHEMA_VERSION
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.annotations()
    with pytest.raises(StoreError, match="closed"):
        store.add_annotation(make())
    assert "closed" in repr(store)


def test_threads_can_share_one_store(db_path: Path) -> None:
    with open_store(db_path) as store:

        def work(worker: int) -> None:
            for i in range(40):
                a = store.add_annotation(make(id=f"w{worker}-{i}", annotator=f"w{worker}"))
                store.update_annotation(a.edited(note=f"n{i}"))
                store.annotations(annotator=f"w{worker}")

        with ThreadPoolExecutor(max_workers=6) as pool:
            for future in [pool.submit(work, n) for n in range(6)]:
                future.result()  # re-raises any error from the thread
        assert len(store.annotations()) == 240
        assert len(store.history()) == 480


# -- schema versions and migrations --------------------------------------------------------------


def _set_version(path: Path, version: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE attune_meta SET value = ? WHERE key = 'schema_version'", (version,))
    con.close()


#: Tables added after schema 1, children first. Schemas 2 and 3 only added tables.
LATER_TABLES = (
    "audit_events",
    "transcript_texts",
    "rating_events",
    "rating_items",
    "ratings",
)


#: The annotations table as schemas 1 to 3 created it on SQLite (sqlite_master's text).
SCHEMA_1_ANNOTATIONS_DDL = (
    "CREATE TABLE annotations (\n\tid VARCHAR NOT NULL, \n\ttranscript_id VARCHAR NOT NULL, "
    "\n\tturn_id VARCHAR NOT NULL, \n\tspan_start INTEGER, \n\tspan_end INTEGER, "
    "\n\tcode_id VARCHAR NOT NULL, \n\tannotator VARCHAR NOT NULL, \n\tnote TEXT NOT NULL, "
    "\n\tcreated DATETIME NOT NULL, \n\tupdated DATETIME NOT NULL, "
    "\n\tCONSTRAINT pk_annotations PRIMARY KEY (id), \n\tCONSTRAINT ck_annotations_span CHECK "
    "((span_start IS NULL AND span_end IS NULL) OR (span_start >= 0 AND span_end > span_start))"
    "\n)"
)
SCHEMA_1_ANNOTATION_COLUMNS = (
    "id, transcript_id, turn_id, span_start, span_end, code_id, annotator, note, created, updated"
)
#: Annotation columns added by schema 4.
LATER_ANNOTATION_COLUMNS = ("strength", "responds_to", "adjudicated")


def make_schema_1_store(path: Path) -> None:
    """Turn ``path`` (new, or a store) into a store file as attune-jupyter 0.1 (schema 1) wrote
    it, keeping its annotations and registrations."""
    with open_store(path):
        pass
    con = sqlite3.connect(path)
    with con:
        for table in LATER_TABLES:
            con.execute(f"DROP TABLE {table}")
        con.execute("ALTER TABLE annotations RENAME TO annotations_now")
        con.execute("DROP INDEX ix_annotations_transcript_id")
        con.execute("DROP INDEX ix_annotations_annotator")
        con.execute(SCHEMA_1_ANNOTATIONS_DDL)
        con.execute("CREATE INDEX ix_annotations_transcript_id ON annotations (transcript_id)")
        con.execute("CREATE INDEX ix_annotations_annotator ON annotations (annotator)")
        con.execute(
            f"INSERT INTO annotations ({SCHEMA_1_ANNOTATION_COLUMNS}) "
            f"SELECT {SCHEMA_1_ANNOTATION_COLUMNS} FROM annotations_now"
        )
        con.execute("DROP TABLE annotations_now")
        con.execute("UPDATE attune_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def sqlite_tables(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    con.close()
    return dict(rows)


def test_new_file_records_the_schema_version(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
    con = sqlite3.connect(db_path)
    rows = con.execute("SELECT key, value FROM attune_meta").fetchall()
    con.close()
    assert rows == [("schema_version", "4")]


def test_schema_1_file_is_upgraded_to_what_a_new_file_has(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    with open_store(old) as store:
        a = store.add_annotation(make())
        store.register_transcript("t1", "f" * 64, 3, by="sup-a")
    make_schema_1_store(old)
    assert "transcript_texts" not in sqlite_tables(old)
    with open_store(old) as store:
        assert store.schema_version == 4
        assert store.get_annotation(a.id) == a
        assert store.transcripts()["transcript_id"].tolist() == ["t1"]
        assert store.audit_events().empty
    with open_store(tmp_path / "new.sqlite"):
        pass
    assert sqlite_tables(old) == sqlite_tables(tmp_path / "new.sqlite")


def test_schema_1_postgres_database_is_upgraded(postgres_url: str) -> None:
    _reset_postgres(postgres_url)
    with open_store(postgres_url) as store:
        a = store.add_annotation(make())
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for table in LATER_TABLES:
            conn.execute(text(f"DROP TABLE {table}"))
        for column in LATER_ANNOTATION_COLUMNS:
            conn.execute(text(f"ALTER TABLE annotations DROP COLUMN {column}"))
        conn.execute(text("UPDATE attune_meta SET value = '1'"))
    with open_store(postgres_url) as store:
        assert store.schema_version == 4
        assert store.get_annotation(a.id) == a
        assert store.audit_events().empty
    with engine.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
        )
        version = conn.execute(text("SELECT value FROM attune_meta")).scalar_one()
    engine.dispose()
    assert set(schema.metadata.tables) <= tables
    assert version == "4"


def test_existing_empty_file_is_initialised(db_path: Path) -> None:
    db_path.touch()
    with open_store(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.annotations().empty


def test_newer_database_is_refused_and_left_untouched(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_annotation(make())
    _set_version(db_path, "7")
    before = file_digest(db_path)
    with pytest.raises(SchemaVersionError) as info:
        open_store(db_path)
    assert str(info.value) == (
        f"sqlite:///{db_path} was created by a newer attune-jupyter (schema 7, this version "
        f"reads up to {SCHEMA_VERSION}); upgrade attune-jupyter"
    )
    assert file_digest(db_path) == before
    assert not Path(f"{db_path}-wal").exists()


def test_database_of_someone_else_is_refused(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE annotations (x)")
    con.close()
    with pytest.raises(StoreError, match="not made by attune-jupyter"):
        open_store(db_path)


def test_file_that_is_not_sqlite_gives_store_error(db_path: Path) -> None:
    db_path.write_text("just some text, not a database\n" * 100)
    with pytest.raises(StoreError, match="could not open the store"):
        open_store(db_path)


def test_migrations_run_in_order_in_one_transaction(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db_path) as store:
        a = store.add_annotation(make())
    make_schema_1_store(db_path)
    ran: list[int] = []
    real = dict(schema.MIGRATIONS)

    def step(version: int) -> Callable[[Connection], None]:
        def migrate(conn: Connection) -> None:
            ran.append(version)
            real[version](conn)

        return migrate

    def v4_to_v5(conn: Connection) -> None:  # a future upgrade
        ran.append(4)
        conn.execute(text("CREATE TABLE attune_test_extra (x INTEGER)"))
        conn.execute(text("INSERT INTO attune_test_extra (x) VALUES (5)"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 5)
    monkeypatch.setattr(schema, "MIGRATIONS", {1: step(1), 2: step(2), 3: step(3), 4: v4_to_v5})
    with open_store(db_path) as store:
        assert store.schema_version == 5
        assert store.get_annotation(a.id) == a
    assert ran == [1, 2, 3, 4]
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT value FROM attune_meta").fetchall() == [("5",)]
    assert con.execute("SELECT x FROM attune_test_extra").fetchall() == [(5,)]
    con.close()


def test_failing_migration_leaves_database_unchanged(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_schema_1_store(db_path)
    before = sqlite_tables(db_path)

    def v3_to_v4(conn: Connection) -> None:
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 4)
    monkeypatch.setitem(schema.MIGRATIONS, 3, v3_to_v4)
    with pytest.raises(SchemaVersionError, match="from schema 3 to 4 failed"):
        open_store(db_path)
    assert sqlite_tables(db_path) == before  # the real steps 1 -> 3 were rolled back too
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT value FROM attune_meta").fetchall() == [("1",)]
    con.close()


def test_missing_migration_step_is_reported(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_schema_1_store(db_path)
    monkeypatch.setattr(schema, "MIGRATIONS", {})
    with pytest.raises(SchemaVersionError, match="no upgrade from schema 1 to 2"):
        open_store(db_path)


# -- locations -----------------------------------------------------------------------------------


def test_plain_path_and_sqlite_url_open_the_same_file(db_path: Path) -> None:
    with open_store(db_path) as store:
        a = store.add_annotation(make())
        assert store.url == f"sqlite:///{db_path}"
    with open_store(f"sqlite:///{db_path}") as store:
        assert store.get_annotation(a.id) == a


def test_relative_paths_resolve_against_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    with open_store("sub/rel.sqlite") as store:
        assert store.url == f"sqlite:///{tmp_path / 'sub' / 'rel.sqlite'}"
    with open_store("sqlite:///sub/rel2.sqlite") as store:
        assert store.url == f"sqlite:///{tmp_path / 'sub' / 'rel2.sqlite'}"
    assert (tmp_path / "sub" / "rel.sqlite").exists()
    assert (tmp_path / "sub" / "rel2.sqlite").exists()


def test_default_location_and_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STORE_ENV_VAR, raising=False)
    with open_store() as store:
        assert store.url == f"sqlite:///{tmp_path / DEFAULT_STORE_FILE}"
    assert (tmp_path / "attune.sqlite").exists()
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "from-env.sqlite"))
    with open_store() as store:
        assert store.url == f"sqlite:///{tmp_path / 'from-env.sqlite'}"
    monkeypatch.setenv(STORE_ENV_VAR, "")
    with open_store() as store:
        assert store.url.endswith(f"/{DEFAULT_STORE_FILE}")
    monkeypatch.setenv(STORE_ENV_VAR, "mysql://u:pw@h/db")
    with pytest.raises(ValueError, match="'mysql'"):
        open_store()


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("mysql://alice:hunter2@db.example/x", "unsupported store URL scheme 'mysql'"),
        ("https://alice:hunter2@course.example/api", "unsupported store URL scheme 'https'"),
        ("postgresql+psycopg2://alice:hunter2@h/x", "'postgresql\\+psycopg2'"),
        ("postgresql://alice:hunter2@h:notaport/x", "cannot parse store URL"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("sqlite://alice:hunter2@host/x.db", "local file only"),
    ],
)
def test_bad_locations_give_clear_value_errors(location: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        open_store(location)
    assert "hunter2" not in str(info.value)
    assert info.value.__cause__ is None or "hunter2" not in str(info.value.__cause__)
    if "scheme" in message:
        assert "supported: a file path, sqlite:///PATH, postgresql://" in str(info.value)


def test_missing_folder_and_folder_path_give_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "x.sqlite")
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_postgres_urls_use_psycopg_and_mask_passwords() -> None:
    url = parse_store_url("postgresql://alice:hunter2@db.example:5433/course")
    assert url.drivername == "postgresql+psycopg"
    assert url.password == "hunter2"
    assert "hunter2" not in repr(url)
    assert parse_store_url("postgresql+psycopg://a@h/c").drivername == "postgresql+psycopg"
    assert mask_url("postgresql://alice:hunter2@h/c") == "postgresql://alice:***@h/c"


@pytest.mark.parametrize(
    "location",
    ["postgresql://alice:hunter2@127.0.0.1:1/course", "postgresql+psycopg://alice:hunter2@h/c"],
)
def test_missing_postgres_driver_says_how_to_install_it(
    location: str, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails
    with pytest.raises(StoreError) as info:
        open_store(location)
    assert str(info.value) == (
        "PostgreSQL needs the psycopg driver: pip install 'attune-jupyter[postgresql]'"
    )
    assert isinstance(info.value.__cause__, ImportError)
    with open_store(db_path) as store:  # SQLite needs no driver
        store.add_annotation(make())


def test_unreachable_postgres_error_hides_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://alice:hunter2@127.0.0.1:1/course?connect_timeout=2")
    assert "hunter2" not in str(info.value)
    assert "alice:***@127.0.0.1:1" in str(info.value)


# -- SQLite specifics ----------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_durable_settings(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_annotation(make())
        assert isinstance(store, SqlStore)
        with store._engine.connect() as conn:  # the store's own pooled connection
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "synchronous": 2,  # FULL
            "busy_timeout": 10000,
            "foreign_keys": 1,
        }
    con = sqlite3.connect(db_path)  # the mode is recorded in the file itself
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()


def test_writes_begin_immediate_and_reads_deferred(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert isinstance(store, SqlStore)
        statements: list[str] = []

        @event.listens_for(store._engine, "before_cursor_execute")
        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.startswith("BEGIN"):
                statements.append(statement)

        a = store.add_annotation(make())
        store.update_annotation(a.edited(note="x"))
        store.delete_annotation(a.id, by="sup")
        store.annotations()
    assert statements == ["BEGIN IMMEDIATE"] * 3 + ["BEGIN"]


def test_writer_waits_for_another_writer_instead_of_failing(db_path: Path) -> None:
    with open_store(db_path) as store:
        blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        release = threading.Timer(1.0, blocker.execute, args=("COMMIT",))
        release.start()
        started = time.monotonic()
        store.add_annotation(make())
        waited = time.monotonic() - started
        release.join()
        blocker.close()
        assert waited >= 0.5
        assert len(store.annotations()) == 1


def _mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask() -> Iterator[Any]:
    """Set the process umask for the test; restored afterwards."""
    saved = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(saved)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o000, 0o077, 0o277], ids="umask{:03o}".format)
def test_new_sqlite_file_and_its_wal_and_shm_are_private(
    db_path: Path, umask: Any, mask: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    umask(mask)
    seen: list[int] = []
    real_connect = sqlite3.dbapi2.connect

    def spy(database: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(_mode(database))  # fails if SQLite would have created the file itself
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3.dbapi2, "connect", spy)
    with open_store(db_path) as store:
        store.add_annotation(make())
        store.register_transcript("t1", FP_A, 1, by="sup")
        assert seen and set(seen) == {0o600}  # already private when SQLite first opened it
        for name in (db_path, f"{db_path}-wal", f"{db_path}-shm"):
            assert _mode(name) == 0o600, name
    assert _mode(db_path) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("existing_mode", [0o644, 0o660])
def test_mode_of_an_existing_file_is_left_alone(
    db_path: Path, existing_mode: int, umask: Any
) -> None:
    db_path.touch()
    db_path.chmod(existing_mode)
    with open_store(db_path) as store:
        store.add_annotation(make())
        assert _mode(db_path) == existing_mode
        assert _mode(f"{db_path}-wal") == existing_mode  # SQLite follows the main file
    with open_store(db_path) as store:
        assert len(store.annotations()) == 1
    assert _mode(db_path) == existing_mode


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks and file modes")
def test_store_through_a_dangling_symlink_is_created_private(tmp_path: Path, umask: Any) -> None:
    target = tmp_path / "real.sqlite"
    link = tmp_path / "link.sqlite"
    link.symlink_to(target)
    with open_store(link) as store:
        store.add_annotation(make())
    assert link.is_symlink()
    assert _mode(target) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_store_file_that_cannot_be_created_gives_store_error(tmp_path: Path) -> None:
    link = tmp_path / "link.sqlite"
    link.symlink_to(tmp_path / "missing-folder" / "x.sqlite")
    with pytest.raises(StoreError, match=r"cannot create store .*link\.sqlite"):
        open_store(link)


MOUNTINFO = """\
22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw
40 22 0:35 / /home rw,relatime - nfs4 server:/export/home rw,vers=4.2
41 40 0:36 / /home/local\\040disk rw,relatime - ext4 /dev/sdb1 rw
"""


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("/home/jovyan/work", "nfs4"),
        ("/home", "nfs4"),
        ("/home/local disk/x", None),
        ("/homeless", None),
        ("/tmp", None),
    ],
)
def test_network_filesystems_are_recognised(folder: str, expected: str | None) -> None:
    assert _network_filesystem(Path(folder), MOUNTINFO) == expected


def test_store_on_network_filesystem_logs_a_warning(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sql, "_network_filesystem", lambda path: "nfs4")
    with caplog.at_level(logging.WARNING, logger="attune_jupyter.store"), open_store(db_path):
        pass
    assert "network filesystem (nfs4)" in caplog.text


# -- imported transcripts and the audit record ---------------------------------------------------


def sample_transcript(text: str = "I can't sleep.\r\nNot since the move.") -> Transcript:
    return Transcript(
        "session-07",
        [
            Turn("t1", "T", "therapist", "What brings you here — today?", 0.0, 4.5),
            Turn("t2", "Klient", "client", text, 4.5, None, {"label": "change", "n": 3}),
            Turn("t3", "T", "therapist", "Mm. 😔 «Tell me more».", None, None),
        ],
        source="/course/week-1/session-07.vtt",
        metadata={"course": "MI-101", "nested": {"a": [1, 2.5, None]}},
    )


def test_imported_transcript_comes_back_exactly(store: Store) -> None:
    original = sample_transcript()
    assert store.import_transcript(original, by="sup-a") == "imported"
    back = store.transcript("session-07")
    assert (back.id, back.turns, back.metadata) == (original.id, original.turns, original.metadata)
    frame = store.transcripts()
    assert frame[["transcript_id", "turn_count", "registered_by", "text_stored"]].to_dict(
        "records"
    ) == [
        {
            "transcript_id": "session-07",
            "turn_count": 3,
            "registered_by": "sup-a",
            "text_stored": True,
        }
    ]
    audit = store.audit_events()
    assert audit[["action", "transcript_id", "actor"]].to_dict("records") == [
        {"action": "import_transcript", "transcript_id": "session-07", "actor": "sup-a"}
    ]
    assert audit.loc[0, "details"] == {
        "source": "/course/week-1/session-07.vtt",
        "fingerprint": original.fingerprint(),
        "turn_count": 3,
    }


def test_importing_the_same_transcript_again_changes_nothing(store: Store) -> None:
    assert store.import_transcript(sample_transcript(), by="sup-a") == "imported"
    assert store.import_transcript(sample_transcript(), by="sup-b") == "unchanged"
    assert len(store.audit_events()) == 1
    assert store.transcripts()["registered_by"].tolist() == ["sup-a"]


def test_transcript_registered_by_an_annotator_can_then_be_imported(store: Store) -> None:
    original = sample_transcript()
    store.register_transcript(original.id, original.fingerprint(), len(original), by="sup-a")
    assert store.transcripts()["text_stored"].tolist() == [False]
    assert store.import_transcript(original, by="sup-b") == "imported"
    assert store.transcript(original.id).turns == original.turns


def test_import_of_different_content_under_a_known_id_is_refused(store: Store) -> None:
    store.import_transcript(sample_transcript(), by="sup-a")
    edited = sample_transcript("I sleep fine now.")
    with pytest.raises(TranscriptConflictError) as info:
        store.import_transcript(edited, by="sup-b")
    message = str(info.value)
    assert "'session-07'" in message and "sup-a" in message and "nothing was imported" in message
    assert "sleep" not in message
    assert store.transcript("session-07").turns == sample_transcript().turns
    assert len(store.audit_events()) == 1


def test_missing_transcript_is_a_key_error_naming_it(store: Store) -> None:
    store.register_transcript("only-registered", "f" * 64, 3, by="sup-a")
    for missing in ("nowhere", "only-registered"):
        with pytest.raises(TranscriptNotFoundError, match=repr(missing)) as info:
            store.transcript(missing)
        assert isinstance(info.value, KeyError)


def test_tampered_stored_text_is_reported_not_returned(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.import_transcript(sample_transcript(), by="sup-a")
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE transcript_texts SET content = replace(content, 'sleep', 'SLEEP')")
    con.close()
    with open_store(db_path) as store, pytest.raises(StoreError, match="does not match"):
        store.transcript("session-07")


def test_gate_override_is_recorded_with_who_when_and_why(store: Store) -> None:
    transcript = sample_transcript()
    before = datetime.now(UTC)
    event = store.record_gate_override(
        transcript,
        reason="  Names are actors in a published demonstration video  ",
        findings={"person_name": 2, "date": 1},
        by="sup-a",
    )
    audit = store.audit_events(transcript_id="session-07")
    assert list(audit.columns) == list(AUDIT_COLUMNS)
    assert [str(t) for t in audit.dtypes] == [
        "int64",
        "str",
        "str",
        "str",
        "datetime64[ns, UTC]",
        "object",
    ]
    row = audit.loc[0]
    assert (row["action"], row["actor"]) == ("override_gate", "sup-a")
    assert before <= row["at"].to_pydatetime() <= datetime.now(UTC)
    assert row["details"] == {
        "reason": "Names are actors in a published demonstration video",
        "source": "/course/week-1/session-07.vtt",
        "fingerprint": transcript.fingerprint(),
        "findings": {"person_name": 2, "date": 1},
    }
    assert event.event_id == row["event_id"] and event.details == row["details"]
    assert store.audit_events(transcript_id="another").empty


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "   "}, "needs a reason"),
        ({"by": ""}, "by must be"),
        ({"findings": {"person_name": -1}}, "numbers of findings"),
        ({"findings": {"person_name": True}}, "numbers of findings"),
    ],
)
def test_gate_override_needs_a_reason_an_actor_and_counts(
    store: Store, changes: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"reason": "why", "findings": {"person_name": 1}, "by": "sup-a"}
    arguments.update(changes)
    with pytest.raises(ValueError, match=message):
        store.record_gate_override(sample_transcript(), **arguments)
    assert store.audit_events().empty


# -- session ratings -----------------------------------------------------------------------------


def make_rating(**changes: Any) -> SessionRating:
    values: dict[str, Any] = {
        "transcript_id": "session-07",
        "rubric_id": "attune-default",
        "rubric_version": 1,
        "rater": "sup-a",
        "items": (
            ItemRating("compassion", 4, "Stayed with the grief — “זה קשה” 😢"),
            ItemRating("clarity", None, "Could not tell from the transcript"),
            ItemRating("courage", 1),
        ),
        "overall_comment": "Warm, but ended on the clock.\nSecond line.",
        "created": T0,
    }
    values.update(changes)
    return SessionRating(**values)


def test_rating_round_trips_with_unrated_items_and_comments(store: Store) -> None:
    saved = store.save_rating(make_rating())
    back = store.get_rating(saved.id)
    assert back == saved
    assert back.scores == {"compassion": 4, "clarity": None, "courage": 1}
    assert back.item("clarity").comment == "Could not tell from the transcript"
    assert back.item("not-listed") == ItemRating("not-listed")


def test_ratings_frame_is_one_row_per_item_with_documented_dtypes(store: Store) -> None:
    assert list(store.ratings().columns) == list(RATING_COLUMNS)
    saved = store.save_rating(make_rating())
    store.save_rating(make_rating(rater="sup-b", items=(ItemRating("courage", 3),)))
    frame = store.ratings(transcript_id="session-07")
    assert [str(t) for t in frame.dtypes] == [
        "str", "str", "str", "int64", "str", "str", "Int64", "str", "str", "datetime64[ns, UTC]",
    ]  # fmt: skip
    assert frame[["rater", "item_id"]].values.tolist() == [
        ["sup-a", "compassion"],
        ["sup-a", "clarity"],
        ["sup-a", "courage"],
        ["sup-b", "courage"],
    ]
    assert frame["score"].isna().tolist() == [False, True, False, False]
    assert store.ratings(rater="sup-b")["score"].tolist() == [3]
    assert store.ratings(rubric_id="other").empty
    assert (frame["rating_id"] == saved.id).sum() == 3


def test_saving_a_changed_copy_updates_and_history_keeps_both(store: Store) -> None:
    first = store.save_rating(make_rating())
    changed = first.with_items(
        [ItemRating("compassion", 5), ItemRating("clarity", 3)], overall_comment="Revised."
    )
    second = store.save_rating(changed)
    assert second.created == first.created and second.updated >= first.updated
    assert store.get_rating(first.id).scores == {"compassion": 5, "clarity": 3}
    assert len(store.ratings()) == 2  # the "courage" row went with the update
    history = store.rating_history(first.id)
    assert history["action"].tolist() == ["create", "update"]
    assert history.loc[0, "rating"].scores == {"compassion": 4, "clarity": None, "courage": 1}
    assert history.loc[1, "rating"].overall_comment == "Revised."


def test_a_rater_rates_a_session_once_per_rubric(store: Store) -> None:
    store.save_rating(make_rating())
    with pytest.raises(StoreError, match="sup-a has already rated transcript 'session-07'"):
        store.save_rating(make_rating())  # a new id for the same rater, session and rubric
    store.save_rating(make_rating(rubric_id="miti-4.2.1"))  # another rubric is fine
    assert len(store.session_ratings()) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("transcript_id", "other"), ("rater", "sup-z"), ("rubric_id", "fis")],
)
def test_an_update_cannot_move_a_rating(store: Store, field: str, value: str) -> None:
    saved = store.save_rating(make_rating())
    with pytest.raises(StoreError, match=f"cannot change its {field}"):
        store.save_rating(replace(saved, **{field: value}))
    assert store.get_rating(saved.id) == saved


def test_deleted_rating_is_gone_but_kept_in_history_and_its_id_not_reused(store: Store) -> None:
    saved = store.save_rating(make_rating())
    store.delete_rating(saved.id, by="educator")
    with pytest.raises(RatingNotFoundError, match=saved.id) as info:
        store.get_rating(saved.id)
    assert isinstance(info.value, KeyError)
    assert store.ratings().empty and store.session_ratings() == []
    history = store.rating_history()
    assert history["action"].tolist() == ["create", "delete"]
    assert history["actor"].tolist() == ["sup-a", "educator"]
    with pytest.raises(StoreError, match="never reused"):
        store.save_rating(saved)
    with pytest.raises(RatingNotFoundError):
        store.delete_rating(saved.id, by="educator")


def test_a_rating_with_only_an_overall_comment_is_kept(store: Store) -> None:
    saved = store.save_rating(make_rating(items=(), overall_comment="Too short to rate."))
    assert store.ratings().empty
    (only,) = store.session_ratings(transcript_id="session-07")
    assert only == saved and only.overall_comment == "Too short to rate."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rater": " "}, "rater must be a non-empty string"),
        ({"rubric_version": 0}, "rubric_version must be a whole number"),
        ({"items": (ItemRating("a", 1), ItemRating("a", 2))}, "item 'a' twice"),
    ],
)
def test_bad_ratings_are_refused_before_the_store(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_rating(**changes)


def test_item_scores_must_be_whole_numbers_or_unrated() -> None:
    with pytest.raises(ValueError, match="item clarity: score must be a whole number or None"):
        ItemRating("clarity", 3.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="score must be a whole number"):
        ItemRating("clarity", True)


def test_strength_pair_and_adjudication_round_trip_with_history(store: Store) -> None:
    pair = store.add_annotation(make(turn_id="t4", responds_to="t3", strength=2, note=NOTE))
    assert store.get_annotation(pair.id) == pair
    weaker = store.update_annotation(pair.edited(strength=1))
    assert store.get_annotation(pair.id).strength == 1 == weaker.strength
    agreed = store.add_annotation(make(turn_id="t4", responds_to="t3", adjudicated=True))
    frame = store.annotations()
    assert frame.set_index("annotation_id").loc[agreed.id, "adjudicated"]
    assert frame.set_index("annotation_id").loc[pair.id, "responds_to"] == "t3"
    history = store.history(pair.id)
    assert history["strength"].tolist() == [2, 1]
    assert history["responds_to"].tolist() == ["t3", "t3"]


def test_the_database_refuses_a_strength_the_model_would_refuse(db_path: Path) -> None:
    with open_store(db_path) as store:
        a = store.add_annotation(make())
    con = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="ck_annotations_strength"):
        con.execute("UPDATE annotations SET strength = 4 WHERE id = ?", (a.id,))
    with pytest.raises(sqlite3.IntegrityError, match="ck_annotations_pair_without_span"):
        con.execute(
            "UPDATE annotations SET responds_to = 't0', span_start = 0, span_end = 2 WHERE id = ?",
            (a.id,),
        )
    con.close()


def test_schema_3_annotations_upgrade_with_no_strength_pair_or_adjudication(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.sqlite"
    with open_store(old) as store:
        span = store.add_annotation(make(span_start=1, span_end=5, note=NOTE))
        store.add_annotation(make(turn_id="turn-2"))
    make_schema_1_store(old)
    with open_store(old) as store:
        frame = store.annotations()
        assert store.get_annotation(span.id) == span
    assert frame["strength"].isna().all()
    assert frame["responds_to"].isna().all()
    assert not frame["adjudicated"].any()
    assert len(frame) == 2


def test_annotation_list_gives_the_frames_records_in_its_order(store: Store) -> None:
    later = T0 + timedelta(minutes=1)
    store.add_annotation(make(id="b", created=later))
    store.add_annotation(make(id="a", created=later))
    store.add_annotation(make(id="c", created=T0, annotator="sup-b"))
    store.add_annotation(make(id="d", transcript_id="t0", created=later))
    assert [a.id for a in store.annotation_list()] == ["d", "c", "a", "b"]
    assert [a.id for a in store.annotation_list("t1", "sup-a")] == ["a", "b"]
    assert store.annotation_list()[0] == store.get_annotation("d")


def test_import_coded_writes_transcripts_and_annotations_together(store: Store) -> None:
    first = sample_transcript()
    second = Transcript("session-b", (Turn("u1", "Client", "client", "Fine, thanks."),))
    annotation = Annotation("session-b", "u1", "attunement", "sup-a", span_start=0, span_end=4)
    stored = store.import_coded([first, second], [annotation], "lead", sources=["a.txt", None])
    assert [a.id for a in stored] == [annotation.id]
    assert set(store.transcripts()["transcript_id"]) == {first.id, "session-b"}
    assert store.annotations()["annotation_id"].tolist() == [annotation.id]
    audit = store.audit_events()
    assert audit["action"].tolist() == ["import_transcript", "import_transcript"]
    assert audit["details"].iloc[0]["source"] == "a.txt"


def test_import_coded_writes_nothing_when_a_late_step_fails(store: Store) -> None:
    # The last annotation reuses an id: the transcripts and earlier annotations are not kept.
    held = store.add_annotation(Annotation("elsewhere", "u1", "attunement", "sup-a"))
    before = (store.transcripts(), store.annotations(), store.audit_events(), store.history())
    transcript = sample_transcript()
    fresh = Annotation(transcript.id, "t1", "attunement", "sup-a")
    reused = Annotation(transcript.id, "t1", "rigidity", "sup-b", id=held.id)
    with pytest.raises(StoreError, match="already in use"):
        store.import_coded([transcript], [fresh, reused], "lead")
    after = (store.transcripts(), store.annotations(), store.audit_events(), store.history())
    for earlier, later in zip(before, after, strict=True):
        assert_frame_equal(earlier, later)


def test_import_coded_refuses_a_conflicting_transcript_untouched(store: Store) -> None:
    store.import_transcript(sample_transcript(), "lead")
    before = (store.transcripts(), store.annotations(), store.audit_events())
    other = Transcript("new-one", (Turn("u1", "Client", "client", "Hello."),))
    changed = sample_transcript("Different words now.")
    with pytest.raises(TranscriptConflictError, match="nothing was imported"):
        store.import_coded([other, changed], [], "lead")
    after = (store.transcripts(), store.annotations(), store.audit_events())
    for earlier, later in zip(before, after, strict=True):
        assert_frame_equal(earlier, later)
