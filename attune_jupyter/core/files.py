"""Small helpers shared by the project's file formats (transcripts, codebooks, rubrics)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "DuplicateFieldError",
    "FileFormatErrorType",
    "atomic_output",
    "check_output_target",
    "no_duplicate_fields",
    "parse_json_document",
    "read_utf8_text",
    "write_atomically",
]


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
    with atomic_output(path, overwrite=True) as temp, temp.open("xb") as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path in ``path``'s folder that becomes ``path`` if the block succeeds.

    Write the whole file to the yielded path inside the ``with`` block. When the block ends
    normally the file is synced to disk and takes ``path``'s name in one step (an existing file
    keeps its permissions); when it raises, the temporary file is removed and ``path`` is left
    as it was.

    Parameters
    ----------
    path:
        The file to create.
    overwrite:
        Replace ``path`` if it exists. When False, an existing ``path`` is never replaced, not
        even by one created while the block ran.

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is False (checked before the block runs and
        again, atomically, when the file is put in place).
    FileNotFoundError
        When ``path``'s folder does not exist.
    """
    target = Path(path)
    check_output_target(target, overwrite)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        yield temp
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        if overwrite:
            if target.exists():
                temp.chmod(target.stat().st_mode & 0o7777)
            temp.replace(target)
        else:
            _publish_new(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def check_output_target(target: Path, overwrite: bool) -> None:
    """Refuse a target in a missing folder, a folder, or an existing file unless ``overwrite``."""
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target}: the folder {target.parent} does not exist; create it")
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a folder; give a file name")
    if not overwrite and target.exists():
        raise FileExistsError(f"{target} already exists; pass overwrite=True to replace it")


def _publish_new(temp: Path, target: Path) -> None:
    """Give ``temp`` the name ``target`` unless ``target`` exists (atomically where possible)."""
    try:
        os.link(temp, target)  # fails if target exists: no window in which it could be replaced
    except FileExistsError:
        raise FileExistsError(
            f"{target} already exists; pass overwrite=True to replace it"
        ) from None
    except OSError:
        # A file system without hard links: check, then rename (a small race remains there).
        if target.exists():
            raise FileExistsError(
                f"{target} already exists; pass overwrite=True to replace it"
            ) from None
        temp.replace(target)


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


class FileFormatErrorType(Protocol):
    """The error class of a file format: ``(reason, source, where)``, e.g. CodebookError."""

    def __call__(
        self, reason: str, source: str | None = None, where: str | None = None
    ) -> Exception: ...


def read_utf8_text(path: str | os.PathLike[str], error: FileFormatErrorType) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped).

    Raises
    ------
    Exception
        ``error(...)`` naming the file and the first byte that is not UTF-8.
    OSError
        When the file cannot be read.
    """
    source = os.fspath(path)
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"not UTF-8 text (byte {exc.start} cannot be decoded); save the file as UTF-8", source
        ) from None


def parse_json_document(text: str, source: str | None, error: FileFormatErrorType) -> Any:
    """Parse JSON strictly: a field named twice, a number of over 4,300 digits or nesting too
    deep for the parser is ``error(...)`` too, never another exception.

    Raises
    ------
    Exception
        ``error(...)`` naming the source and, for a syntax error, its line and column.
    """
    try:
        return json.loads(text, object_pairs_hook=no_duplicate_fields)
    except json.JSONDecodeError as exc:
        raise error(
            f"not valid JSON: {exc.msg}", source, f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except DuplicateFieldError as exc:
        name = exc.name if len(exc.name) <= 40 else exc.name[:37] + "..."
        raise error(f"the field {name!r} appears twice in the same object", source) from None
    except (ValueError, RecursionError) as exc:
        raise error(f"not a JSON document this reader accepts ({exc})", source) from None
