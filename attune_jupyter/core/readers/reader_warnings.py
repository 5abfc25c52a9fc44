"""Warnings the readers give when a file was read but part of it looks wrong."""

from __future__ import annotations

import inspect
import os
import warnings
from pathlib import Path

__all__ = ["TranscriptWarning", "warn_from_reader"]

_PACKAGE_FOLDER = str(Path(__file__).parent) + os.sep


class TranscriptWarning(UserWarning):
    """A transcript file was read, but part of it looks wrong (a malformed or backwards time, a
    legacy encoding).

    The message names the file and the lines, so the file can be fixed; what was read is kept.
    """


def warn_from_reader(message: str) -> None:
    """Warn with ``message``, pointing at the caller's code rather than inside the readers."""
    warnings.warn(message, TranscriptWarning, stacklevel=_caller_stack_level())


def _caller_stack_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside the readers."""
    frame = inspect.currentframe()
    level = 0
    # Count this frame, warn_from_reader's and every other frame of the readers package:
    # stacklevel=1 is warn_from_reader, so the count is the stacklevel of the first frame outside.
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_FOLDER):
        frame = frame.f_back
        level += 1
    return max(level, 1)
