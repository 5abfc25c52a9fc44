"""Small helpers shared by the project's file formats (transcripts, codebooks, rubrics)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

__all__ = ["DuplicateFieldError", "no_duplicate_fields", "write_atomically"]


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers never see a half-written file.

    The bytes go to a temporary file in the same folder, are synced to disk, and the temporary
    file then replaces ``path`` in one step. An existing file keeps its permissions. On any
    error the temporary file is removed and ``path`` is left as it was.

    Raises
    ------
    OSError
        When the folder does not exist or cannot be written.
    """
    target = Path(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            temp.chmod(target.stat().st_mode & 0o7777)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class DuplicateFieldError(Exception):
    """A JSON object names the same field twice (``json`` would silently keep the last one)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def no_duplicate_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads` that raises :class:`DuplicateFieldError`."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise DuplicateFieldError(name)
        result[name] = value
    return result
