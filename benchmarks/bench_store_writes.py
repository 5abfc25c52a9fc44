"""How long one annotation takes to reach the SQLite file, against bare sqlite3 in the same run.

Both sides commit each row on its own with the store's durability settings (WAL, synchronous=FULL),
so the ratio is the price of the store's layers (SQLAlchemy Core, BEGIN IMMEDIATE, the history row).

Usage: python benchmarks/bench_store_writes.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from attune_jupyter import Annotation, open_store


def bare_sqlite(path: Path, n: int) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE a (id TEXT PRIMARY KEY, transcript TEXT, turn TEXT, code TEXT, who TEXT)"
    )
    started = time.perf_counter()
    for i in range(n):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO a VALUES (?, 's1', ?, 'attunement', 'bench')", (f"id{i}", f"t{i}"))
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def attune_store(path: Path, n: int) -> float:
    with open_store(path) as store:
        started = time.perf_counter()
        for i in range(n):
            store.add_annotation(
                Annotation(transcript_id="s1", turn_id=f"t{i}", code_id="attunement", annotator="b")
            )
        return time.perf_counter() - started


def main(n: int = 500) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = bare_sqlite(Path(folder) / "bare.sqlite", n)
        ours = attune_store(Path(folder) / "store.sqlite", n)
    print(f"annotations written, one commit each: {n}")
    print(f"bare sqlite3:  {base / n * 1000:.2f} ms per write")
    print(f"attune store:  {ours / n * 1000:.2f} ms per write")
    print(f"ratio store / bare sqlite3: {ours / base:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
