"""Course settings kept next to a course's transcripts, in ``attune-course.toml``.

A course author puts one file at the top of the course folder, for example::

    # attune-jupyter course settings
    format_version = 1

    [deid]
    # Fictional names of the teaching cases: the identifier screen does not report them.
    allow = ["Fields", "Mrs Smith", "Kettering"]

:func:`~attune_jupyter.core.readers.load_transcript`, :func:`load_transcripts` and ``attune check``
find it on their own: the nearest ``attune-course.toml`` in the transcript's folder or a folder
above it. The file is versioned (``format_version``); a newer version is refused rather than half
understood, and every error names the file and the line or the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "COURSE_FILE_NAME",
    "COURSE_FORMAT_VERSION",
    "CourseFileError",
    "CourseSettings",
    "find_course_file",
]

COURSE_FILE_NAME: Final = "attune-course.toml"
"""The name a course settings file has; looked for in a transcript's folder and those above."""

COURSE_FORMAT_VERSION: Final = 1
"""The newest course file version this attune-jupyter reads."""

_MAX_COURSE_FILE_BYTES: Final = 1_000_000
_KNOWN_KEYS: Final = {"": {"format_version", "deid"}, "deid": {"allow"}}


class CourseFileError(ValueError):
    """A course file cannot be used: unreadable, not TOML, or a key with the wrong kind of value.

    The message starts with the file's path and names the line (TOML syntax) or the key.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.reason))


@dataclass(frozen=True)
class CourseSettings:
    """What a course file says.

    Parameters
    ----------
    path:
        The file read, or None for settings built in code.
    allow:
        Words and names the identifier screen accepts as safe in this course's transcripts.
    """

    path: str | None = None
    allow: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CourseSettings:
        """Read and check a course file.

        Raises
        ------
        CourseFileError
            When the file cannot be read, is not valid TOML (the message gives the line), has a
            newer ``format_version``, or a key holds the wrong kind of value or is unknown.
        """
        where = os.fspath(path)
        try:
            data = Path(where).read_bytes()
        except OSError as error:
            raise CourseFileError(where, f"cannot be read ({error.strerror or error})") from None
        return cls.parse(data, where)

    @classmethod
    def parse(cls, data: bytes, where: str) -> CourseSettings:
        """Check the bytes of a course file (for files read through Jupyter's contents manager).

        Raises
        ------
        CourseFileError
            As :meth:`load`, naming ``where``.
        """
        if len(data) > _MAX_COURSE_FILE_BYTES:
            raise CourseFileError(where, "is larger than 1 MB; a course file holds settings only")
        try:
            document = tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise CourseFileError(where, "is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as error:
            raise CourseFileError(where, f"is not valid TOML: {error}") from None
        _check_keys(document, where)
        version = document.get("format_version")
        if type(version) is not int or version < 1:
            raise CourseFileError(where, "format_version must be a whole number such as 1")
        if version > COURSE_FORMAT_VERSION:
            raise CourseFileError(
                where,
                f"format_version {version} is newer than this attune-jupyter reads "
                f"({COURSE_FORMAT_VERSION}); upgrade attune-jupyter",
            )
        deid = document.get("deid", {})
        if not isinstance(deid, Mapping):
            raise CourseFileError(where, "deid must be a table ([deid])")
        allow = deid.get("allow", [])
        if not isinstance(allow, list):
            raise CourseFileError(where, 'deid.allow must be a list of words, e.g. ["Fields"]')
        for index, word in enumerate(allow):
            if not isinstance(word, str) or not word.strip():
                raise CourseFileError(where, f"deid.allow[{index}] must be a non-empty string")
        return cls(path=where, allow=tuple(word.strip() for word in allow))


def _check_keys(document: Mapping[str, Any], where: str) -> None:
    """Refuse unknown keys: a misspelt ``alow`` must not silently allow nothing."""
    for table, known in _KNOWN_KEYS.items():
        section = document if not table else document.get(table, {})
        if not isinstance(section, Mapping):
            continue
        for key in section:
            if key not in known:
                name = f"{table}.{key}" if table else key
                expected = ", ".join(sorted(f"{table}.{k}" if table else k for k in known))
                raise CourseFileError(where, f"unknown key {name!r} (known: {expected})")


def find_course_file(start: str | os.PathLike[str]) -> Path | None:
    """The nearest :data:`COURSE_FILE_NAME` in ``start`` (a file's folder, or a folder) or above.

    Returns None when there is none up to the filesystem root.
    """
    here = Path(start).absolute()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / COURSE_FILE_NAME
        if candidate.is_file():
            return candidate
    return None
