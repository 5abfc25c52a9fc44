"""The identifier gate that :func:`load_transcript` and :func:`load_transcripts` pass every
transcript through.

By default a transcript in which :func:`~attune_jupyter.core.deid.screen` finds a possible
identifier is refused with :class:`~attune_jupyter.core.deid.NotAnonymizedError`. Three ways
through, from the narrowest to the widest:

* ``allow``: words known to be safe (a teaching case's fictional names), from the caller and from
  the course file (``attune-course.toml``, see :mod:`attune_jupyter.core.course`);
* ``override="reason"``: load it anyway, and record who, when and why in the store's audit record
  (a supervisor who has checked a demonstration transcript by hand);
* ``screen=False``: no gate at all (reading a corpus for research, in code the user controls).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from attune_jupyter.core.course import CourseSettings, find_course_file
from attune_jupyter.core.deid import NotAnonymizedError, screen
from attune_jupyter.core.transcript import Transcript
from attune_jupyter.core.users import current_user

if TYPE_CHECKING:
    from attune_jupyter.store import Store

__all__ = ["CourseArgument", "IdentifierGate", "StoreArgument"]

log = logging.getLogger(__name__)

CourseArgument = CourseSettings | str | os.PathLike[str] | None
"""A course for the gate: settings, a course file, or None to find ``attune-course.toml``."""

StoreArgument = Any  # Store | str | os.PathLike[str] | None (a Store is imported lazily)


@dataclass(frozen=True)
class IdentifierGate:
    """What one load call lets through; build it with :meth:`for_load`."""

    enabled: bool
    allow: tuple[str, ...] = ()
    course_file: str | None = None
    override: str | None = None
    store: StoreArgument = None
    by: str | None = None

    @classmethod
    def for_load(
        cls,
        *,
        near: str,
        screen: bool,
        allow: Iterable[str],
        course: CourseArgument,
        override: str | None,
        store: StoreArgument,
        by: str | None,
    ) -> IdentifierGate:
        """Check a load call's gate arguments and read its course file.

        Parameters
        ----------
        near:
            The file or folder being loaded: the course file is looked for there and above.

        Raises
        ------
        ValueError
            When ``allow`` is one string, ``override`` is not a non-blank string, or is combined
            with ``screen=False``.
        CourseFileError
            When the course file (given or found) cannot be used.
        """
        if isinstance(allow, str):
            raise TypeError("allow must be a collection of words, not one string")
        if override is not None and (not isinstance(override, str) or not override.strip()):
            raise ValueError("override must be the reason for loading anyway, in a few words")
        if not screen:
            if override is not None:
                raise ValueError("override has no effect with screen=False; pass only one")
            return cls(enabled=False)
        if isinstance(course, CourseSettings):
            settings = course
        else:
            found = find_course_file(near) if course is None else course
            settings = CourseSettings() if found is None else CourseSettings.load(found)
        return cls(
            enabled=True,
            allow=(*allow, *settings.allow),
            course_file=settings.path,
            override=override.strip() if override is not None else None,
            store=store,
            by=by,
        )

    def admit(self, transcript: Transcript, where: str) -> None:
        """Let ``transcript`` through, or raise.

        With an override, a transcript with findings is let through and the override recorded in
        the store's audit record (the store is opened here if the gate was given a location).

        Raises
        ------
        NotAnonymizedError
            When the screen finds something and there is no override.
        StoreError
            When an override cannot be recorded: then the transcript is not let through either.
        """
        if not self.enabled:
            return
        findings = screen(transcript, allow=self.allow)
        if not findings:
            return
        if self.override is None:
            raise NotAnonymizedError(findings, where)
        counts: Counter[str] = Counter(finding.category for finding in findings)
        by = self.by or current_user()
        with _opened(self.store) as store:
            store.record_gate_override(
                transcript, reason=self.override, findings=dict(counts), by=by, source=where
            )
        log.info(
            "identifier gate overridden for transcript %s by %s (%d findings)",
            transcript.id,
            by,
            len(findings),
        )


@contextmanager
def _opened(store: StoreArgument) -> Iterator[Store]:
    """The store to record in: the one given (left open), or one opened here and closed after."""
    from attune_jupyter.store import Store, open_store

    if isinstance(store, Store):
        yield store
        return
    with open_store(store) as opened:
        yield opened
