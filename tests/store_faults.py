"""Make a real SQLite store file refuse writes for a while, as a full disk or a lost share would.

A trigger inside the database aborts every insert into one table; the store's own code, its
retries and its error handling run unchanged. Used by the widgets' unit and browser tests.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_TRIGGER = "attune_test_refuse_writes"


def refuse_writes(path: Path, table: str) -> None:
    """From now on, every insert into ``table`` of the store at ``path`` fails."""
    con = sqlite3.connect(path)
    with con:
        con.execute(
            f"CREATE TRIGGER {_TRIGGER} BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    con.close()


def accept_writes(path: Path) -> None:
    """Undo :func:`refuse_writes`."""
    con = sqlite3.connect(path)
    with con:
        con.execute(f"DROP TRIGGER {_TRIGGER}")
    con.close()
