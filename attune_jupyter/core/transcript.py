"""Transcripts and turns: the unit every other part of attune-jupyter annotates.

A :class:`Transcript` is an ordered list of :class:`Turn` objects, one per contiguous stretch of
talk by one speaker. Readers (``attune_jupyter.core.readers``) build them from files; nothing here
knows about files, servers or widgets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import os

    import pandas as pd

Role = Literal["therapist", "client", "other"]
ROLES: tuple[Role, ...] = ("therapist", "client", "other")

#: Speaker labels (lower-cased, without trailing digits or punctuation) that imply a role.
_ROLE_WORDS: dict[str, Role] = {
    "therapist": "therapist",
    "counsellor": "therapist",
    "counselor": "therapist",
    "clinician": "therapist",
    "trainee": "therapist",
    "t": "therapist",
    "client": "client",
    "patient": "client",
    "c": "client",
}


class TranscriptError(ValueError):
    """A transcript file could not be read.

    The message names the file, the line (1-based, when one applies) and what is wrong, so that a
    supervisor can open the file and fix it.

    Attributes
    ----------
    path:
        The file that was being read, or None when reading from a string.
    line:
        1-based line number of the problem, or None when the problem is not tied to one line.
    reason:
        What is wrong, without the location prefix.
    """

    def __init__(self, reason: str, path: str | Path | None = None, line: int | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        self.line = line
        where = self.path or "<transcript>"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, self.path, self.line))


class TranscriptChangedWarning(UserWarning):
    """A store already holds a different transcript under this transcript's id."""


def infer_role(speaker: str, roles: Mapping[str, str] | None = None) -> Role:
    """Return the role a speaker label implies.

    ``roles`` (label -> role) wins over the built-in words. Labels such as ``"Therapist 2"`` or
    ``"CLIENT:"`` are matched without case, trailing numbers or punctuation.

    Raises
    ------
    ValueError
        When ``roles`` maps a label to something other than therapist, client or other.
    """
    if roles:
        if speaker in roles:
            return _checked_role(roles[speaker], speaker)
        lowered = {k.strip().lower(): v for k, v in roles.items()}
        if speaker.strip().lower() in lowered:
            return _checked_role(lowered[speaker.strip().lower()], speaker)
    key = speaker.strip().lower().rstrip(":.").strip()
    key = key.rstrip("0123456789 _-#").strip() or key
    return _ROLE_WORDS.get(key, "other")


def _checked_role(role: str, speaker: str) -> Role:
    checked = _ROLE_BY_NAME.get(role)
    if checked is None:
        raise ValueError(
            f"roles[{speaker!r}] is {role!r}; a role must be one of {', '.join(ROLES)}"
        )
    return checked


_ROLE_BY_NAME: dict[str, Role] = {role: role for role in ROLES}


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's contiguous talk.

    Parameters
    ----------
    id:
        Stable identifier within the transcript (the same file always gives the same ids).
    speaker:
        The speaker label as written in the source.
    role:
        ``"therapist"``, ``"client"`` or ``"other"``.
    text:
        What was said, as plain text.
    start, end:
        Times in seconds from the start of the session, or None when the source has none.
    metadata:
        Source-specific extras (for example label columns of a corpus); never used for display.
    """

    id: str
    speaker: str
    role: Role
    text: str
    start: float | None = None
    end: float | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"turn {self.id}: role {self.role!r} is not one of {', '.join(ROLES)}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, the shape the REST API and the widgets use."""
        return {
            "id": self.id,
            "speaker": self.speaker,
            "role": self.role,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Transcript:
    """An ordered sequence of turns from one session.

    Parameters
    ----------
    id:
        Identifier of the session transcript; annotations refer to it.
    turns:
        The turns, in the order they were spoken. Turn ids must be unique.
    source:
        Where it was read from (a path), for messages; None when built in code.
    metadata:
        Extras carried from the source.
    """

    id: str
    turns: tuple[Turn, ...]
    source: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        id: str,
        turns: Sequence[Turn],
        source: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "turns", tuple(turns))
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "metadata", dict(metadata or {}))
        seen: set[str] = set()
        for turn in self.turns:
            if turn.id in seen:
                raise ValueError(f"transcript {id}: turn id {turn.id!r} occurs twice")
            seen.add(turn.id)

    def __len__(self) -> int:
        return len(self.turns)

    def __iter__(self) -> Iterator[Turn]:
        return iter(self.turns)

    def __getitem__(self, index: int) -> Turn:
        return self.turns[index]

    def __repr__(self) -> str:
        # No turn text and no speaker labels (exports often carry real names): reprs end up in
        # logs and saved notebook outputs.
        by_role = {role: sum(t.role == role for t in self.turns) for role in ROLES}
        roles = ", ".join(f"{role}={count}" for role, count in by_role.items() if count)
        return f"Transcript(id={self.id!r}, turns={len(self)}, {roles})"

    def turn(self, turn_id: str) -> Turn:
        """Return the turn with this id.

        Raises
        ------
        KeyError
            When the transcript has no such turn.
        """
        for t in self.turns:
            if t.id == turn_id:
                return t
        raise KeyError(f"transcript {self.id} has no turn {turn_id!r}")

    def to_frame(self) -> pd.DataFrame:
        """One row per turn: ``turn_id, speaker, role, start, end, text`` plus metadata columns."""
        import pandas as pd

        rows = []
        for t in self.turns:
            row: dict[str, Any] = {
                "transcript_id": self.id,
                "turn_id": t.id,
                "speaker": t.speaker,
                "role": t.role,
                "start": t.start,
                "end": t.end,
                "text": t.text,
            }
            for k, v in t.metadata.items():
                row.setdefault(k, v)
            rows.append(row)
        columns = ["transcript_id", "turn_id", "speaker", "role", "start", "end", "text"]
        frame = pd.DataFrame(rows, columns=None if rows else columns)
        frame["start"] = frame["start"].astype("float64")
        frame["end"] = frame["end"].astype("float64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, the shape the REST API and the widgets use."""
        return {"id": self.id, "turns": [t.to_dict() for t in self.turns]}

    def fingerprint(self) -> str:
        """A digest of the turns' ids, speakers, roles and text (not of times or metadata).

        Annotations point at ``(transcript id, turn id)``; a store compares fingerprints to notice
        when one id is used for two different transcripts, or a file changed after it was
        annotated, so that tags never land on other words unnoticed.
        """
        digest = hashlib.sha256()
        for turn in self.turns:
            for part in (turn.id, turn.speaker, turn.role, turn.text):
                digest.update(part.encode("utf-8"))
                digest.update(b"\x1f")
            digest.update(b"\x1e")
        return f"sha256:{digest.hexdigest()}"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the transcript to ``path`` as attune-jupyter transcript JSON, atomically.

        The file is in the ``"json"`` format of :mod:`attune_jupyter.core.readers.json_format`:
        :func:`~attune_jupyter.core.readers.load_transcript` reads it back (for a ``.json`` path)
        as a transcript equal to this one, with the same id, turn ids, speakers, roles, text,
        times and metadata (only ``source`` becomes the path). The text goes to a temporary file
        in the same folder that then replaces ``path``, so a reader never sees half a file.

        Raises
        ------
        ValueError
            When a time is not a finite number or None, or a metadata value would not come back
            the same from JSON (a tuple, a set, a date, a non-string key, NaN, ...): the message
            names the turn and the key. Nothing is written then.
        OSError
            When the folder does not exist or cannot be written.
        """
        from attune_jupyter.core.readers.json_format import save_transcript

        save_transcript(self, path)


# --- fast construction for readers ----------------------------------------------------------------
#
# A table of 10,000 rows becomes 10,000 turns. The __init__ of a frozen dataclass sets each field
# through object.__setattr__ and then validates, which took longer than the rest of reading.
# Readers whose values are checked already build turns here instead: as instances of a plain
# class with the same slots (stored with ordinary, fast attribute assignment) whose class is then
# set to Turn, which Python allows between classes of the same layout. The result is a Turn like
# any other (same type, fields, equality, repr, pickling, dataclasses.replace).


class _TurnUnderConstruction:
    """Turn's slots without its frozen ``__setattr__``; only :func:`_checked_turns` makes these."""

    __slots__ = Turn.__slots__

    def __init__(
        self,
        id: str,
        speaker: str,
        role: Role,
        text: str,
        start: float | None,
        end: float | None,
        metadata: Mapping[str, Any],
    ) -> None:
        self.id = id
        self.speaker = speaker
        self.role = role
        self.text = text
        self.start = start
        self.end = end
        self.metadata = metadata


_new_instance = object.__new__
_set_attribute = object.__setattr__


def _checked_turns(
    ids: Sequence[str],
    speakers: Sequence[str],
    roles: Sequence[Role],
    texts: Sequence[str],
    starts: Sequence[float | None],
    ends: Sequence[float | None],
    metadata: Sequence[Mapping[str, Any]],
) -> tuple[Turn, ...]:
    """Turns from parallel columns of values a reader has checked, without per-field validation.

    The caller guarantees what ``Turn.__init__`` would check: every role is one of :data:`ROLES`.
    The columns must have equal lengths (the shortest one decides otherwise).
    """
    turns = list(map(_TurnUnderConstruction, ids, speakers, roles, texts, starts, ends, metadata))
    for turn in turns:
        turn.__class__ = Turn  # type: ignore[assignment]  # same slots: a Turn from now on
    return tuple(turns)  # type: ignore[arg-type]


def _checked_transcript(id: str, turns: tuple[Turn, ...], source: str | None) -> Transcript:
    """A transcript whose turn ids the caller guarantees unique (no metadata), built directly."""
    transcript = _new_instance(Transcript)
    _set_attribute(
        transcript, "__dict__", {"id": id, "turns": turns, "source": source, "metadata": {}}
    )
    return transcript
