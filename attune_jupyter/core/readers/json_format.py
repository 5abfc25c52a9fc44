"""The project's own transcript file: versioned JSON, the ``"json"`` format.

This module owns the format (``"format": "attune-transcript"``, ``format_version`` 1): writing it
(:func:`save_transcript`, which :meth:`Transcript.save
<attune_jupyter.core.transcript.Transcript.save>` calls) and reading it (:func:`parse_json`, which
:func:`~attune_jupyter.core.readers.load_transcript` uses for ``.json`` files). A file looks like
this::

    {
     "format": "attune-transcript",
     "format_version": 1,
     "id": "session-04",
     "metadata": {"course": "PSY-501"},
     "turns": [
      {"id": "t1", "speaker": "Therapist", "role": "therapist",
       "text": "How has the week been?", "start": 1.2, "end": 4.8, "metadata": {}}
     ]
    }

Unlike the other formats, it stores a transcript as it is rather than describing a session, so
reading it gives back exactly what was saved: the transcript id, turn ids (not renumbered),
speakers, roles, text (line breaks, surrounding spaces and empty text included), times and
metadata. Stored roles are authoritative: the ``roles`` argument of the readers is ignored.

Rules when reading
------------------
- The top level is an object with exactly the fields ``format``, ``format_version``, ``id``,
  ``turns`` and, optionally, ``metadata`` (an object; ``{}`` when missing). Each turn is an object
  with exactly ``id``, ``speaker``, ``role`` and ``text`` (strings), and optionally ``start`` and
  ``end`` (numbers or null; null when missing) and ``metadata`` (an object; ``{}`` when missing).
  Unknown fields are errors, not ignored, so that nothing in a file is dropped silently.
- ``format_version`` newer than this version of attune-jupyter reads is refused with a request to
  upgrade.
- ``role`` is one of ``therapist``, ``client`` and ``other``; turn ids are unique. Times and
  metadata numbers are finite (no ``NaN`` or ``Infinity``), and no object repeats a key.
- Problems raise :class:`~attune_jupyter.core.transcript.TranscriptError`: JSON syntax errors
  with json's line number and the column; problems with the content naming the field, such as
  ``turns[3].role`` (``turns`` counted from 0). Messages never quote turn text or metadata.
- The stored ``id`` is the transcript's id unless the caller passes another one (see
  :func:`parse_json` for how that is told apart from the default id).

Transcripts with no turns are valid in this format (the other readers refuse them): a transcript
built in code may be empty, and saving it must not give a file that cannot be read back.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from attune_jupyter.core.files import write_atomically
from attune_jupyter.core.transcript import ROLES, Role, Transcript, TranscriptError, Turn

__all__ = ["FORMAT", "FORMAT_VERSION", "parse_json", "save_transcript", "transcript_json"]

#: Value of the ``format`` field that marks a transcript file.
FORMAT = "attune-transcript"

#: The file format version this module writes, and the newest it reads.
FORMAT_VERSION = 1

#: The id the entry points give a transcript read without a path and without ``id=``.
_DEFAULT_ID = "transcript"

_TOP_FIELDS = ("format", "format_version", "id", "metadata", "turns")
_TOP_REQUIRED = ("format", "format_version", "id", "turns")
_TURN_FIELDS = ("id", "speaker", "role", "text", "start", "end", "metadata")
_TURN_REQUIRED = ("id", "speaker", "role", "text")

_ROLE_BY_NAME: dict[str, Role] = {role: role for role in ROLES}


# --- writing -------------------------------------------------------------------------------------


def transcript_json(transcript: Transcript) -> str:
    """The text :func:`save_transcript` writes: indented UTF-8 JSON ending with a newline.

    Raises
    ------
    ValueError
        When a time is not a finite number or None, or a metadata value would not come back the
        same from JSON (see :func:`save_transcript`); the message names the turn and the key and
        never quotes the value.
    """
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": _string(transcript.id, "the transcript id"),
        "metadata": _plain(transcript.metadata, "the transcript's metadata"),
        "turns": [_turn_document(turn, index) for index, turn in enumerate(transcript.turns)],
    }
    text = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    # DEL is the one control character json leaves unescaped; escaped, a file of text full of it
    # is not mistaken for a binary file when read back. It can only occur inside strings.
    return text.replace("\x7f", "\\u007f")


def save_transcript(transcript: Transcript, path: str | os.PathLike[str]) -> None:
    """Write ``transcript`` to ``path`` in this format, atomically.

    The text goes to a temporary file in the same folder, which then replaces ``path`` in one
    step, so a reader never sees a half-written file; an existing file keeps its permissions.
    Loading the file gives back a transcript equal to this one, apart from ``source``.

    Metadata (of the transcript and of each turn) may hold None, booleans, finite numbers,
    strings, lists and mappings with string keys, nested to any depth. Anything else (tuples,
    sets, dates, non-string keys) would not come back the same, so it is refused rather than
    converted.

    Raises
    ------
    ValueError
        When a time is not a finite number or None, a metadata value is not one of the above, or a
        string cannot be written as UTF-8 (a lone surrogate); the message names the turn and the
        key. Nothing is written then.
    OSError
        When the folder does not exist or cannot be written.
    """
    write_atomically(path, transcript_json(transcript).encode("utf-8"))


def _turn_document(turn: Turn, index: int) -> dict[str, Any]:
    where = f"turn {index + 1}"
    if isinstance(turn.id, str):
        where = f"{where} (id {_quoted_id(turn.id)})"
    if turn.role not in ROLES:
        raise ValueError(f"{where}: the role is not one of {', '.join(ROLES)}")
    return {
        "id": _string(turn.id, f"turn {index + 1}: the id"),
        "speaker": _string(turn.speaker, f"{where}: the speaker"),
        "role": turn.role,
        "text": _string(turn.text, f"{where}: the text"),
        "start": _time(turn.start, f"{where}: start"),
        "end": _time(turn.end, f"{where}: end"),
        "metadata": _plain(turn.metadata, f"{where}: metadata"),
    }


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            f"{what} contains a lone surrogate character and cannot be written as UTF-8"
        ) from None
    return value


def _time(value: object, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number of seconds or None, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number of seconds")
    return float(value)


def _plain(value: object, where: str) -> Any:
    """A JSON-ready copy of a metadata value; ValueError naming ``where`` when there is none."""
    try:
        return _plain_value(value, where)
    except RecursionError:
        raise ValueError(f"{where} is nested too deeply to be saved") from None


def _plain_value(value: object, where: str) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: NaN and infinite numbers cannot be saved in JSON")
        return value
    if isinstance(value, str):
        return _string(value, where)
    if isinstance(value, list):
        return [_plain_value(item, f"{where}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(
                    f"{where}: a key is a {type(key).__name__}; JSON keys are strings, and it "
                    "would come back as a string"
                )
            _string(key, f"{where}: a key")
            plain[key] = _plain_value(item, f"{where}[{key!r}]")
        return plain
    raise ValueError(
        f"{where}: a {type(value).__name__} value cannot be saved in JSON (use None, booleans, "
        "numbers, strings, lists and dicts with string keys)"
    )


# --- reading -------------------------------------------------------------------------------------


class _BadConstantError(Exception):
    """json met NaN, Infinity or a number too large for a float."""


class _DuplicateKeyError(Exception):
    """An object repeats a key."""


def parse_json(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = _DEFAULT_ID,
    source: str | None = None,
) -> Transcript:
    """Read a transcript file of this format (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The file's text (``"\\n"`` line endings, as
        :func:`~attune_jupyter.core.readers.decoding.normalise_text` returns it).
    roles:
        Ignored: the roles stored with the turns are authoritative. Accepted so that this parser
        fits the registry of formats.
    id:
        The transcript id to use instead of the stored one. The default ids the entry points give
        (``"transcript"``, or the file name without its extension when ``source`` is a path) keep
        the stored id, since the registry does not tell an explicit ``id=`` from its default: so
        ``load_transcript("a.json", id="a")`` also keeps the stored id.
    source:
        Where the text came from, named in error messages and kept as the transcript's source.

    Raises
    ------
    TranscriptError
        For invalid JSON (with the line number), a missing or wrong ``format`` marker, a
        ``format_version`` newer than this version reads, or a missing, unknown or mistyped field,
        a role that is not one, or a repeated turn id (naming the field, such as ``turns[3].role``).
    """
    del roles  # stored roles are authoritative
    document = _load(text, source)
    if not isinstance(document, dict):
        raise TranscriptError(
            f"the top level must be a JSON object, got {_kind(document)}; "
            f'an attune-jupyter transcript file starts with {{"format": "{FORMAT}"',
            source,
        )
    _check_format(document, source)
    _check_fields(document, _TOP_FIELDS, _TOP_REQUIRED, "", source)
    stored_id = _field_string(document, "id", "id", source)
    metadata = _field_object(document, "metadata", "metadata", source)
    raw_turns = document["turns"]
    if not isinstance(raw_turns, list):
        _fail("turns", f"must be a list of turns, got {_kind(raw_turns)}", source)
    turns = [_read_turn(raw, f"turns[{n}]", source) for n, raw in enumerate(raw_turns)]
    first_at: dict[str, int] = {}
    for n, turn in enumerate(turns):
        if turn.id in first_at:
            _fail(
                f"turns[{n}].id",
                f"turn id {_quoted_id(turn.id)} is used already by turns[{first_at[turn.id]}]; "
                "turn ids must be unique",
                source,
            )
        first_at[turn.id] = n
    default_ids = {_DEFAULT_ID} if source is None else {_DEFAULT_ID, Path(source).stem}
    return Transcript(
        id=stored_id if id in default_ids else id, turns=turns, source=source, metadata=metadata
    )


def _load(text: str, source: str | None) -> Any:
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as error:
        raise TranscriptError(
            f"not valid JSON: {error.msg} (column {error.colno})", source, error.lineno
        ) from None
    except _DuplicateKeyError:
        raise TranscriptError(
            "not a valid transcript file: an object has the same key twice", source
        ) from None
    except _BadConstantError:
        raise TranscriptError(
            "not a valid transcript file: NaN, Infinity and numbers too large for a float are "
            "not allowed",
            source,
        ) from None
    except RecursionError:
        raise TranscriptError("not a valid transcript file: nested too deeply", source) from None
    except ValueError as error:  # for example an integer with more digits than Python converts
        raise TranscriptError(f"not a valid transcript file: {error}", source) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError
        result[key] = value
    return result


def _refuse_constant(name: str) -> NoReturn:
    raise _BadConstantError(name)


def _finite_float(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise _BadConstantError(digits[:20])
    return value


def _check_format(document: dict[str, Any], source: str | None) -> None:
    if document.get("format") != FORMAT:
        _fail(
            "format",
            f'missing or wrong; an attune-jupyter transcript file has "format": "{FORMAT}"',
            source,
        )
    if "format_version" not in document:
        _fail("format_version", "required field is missing", source)
    version = document["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("format_version", f"must be a whole number, got {_kind(version)}", source)
    if version > FORMAT_VERSION:
        _fail(
            "format_version",
            f"{version}: this file was written by a newer attune-jupyter; upgrade attune-jupyter "
            f"to read it (this version reads format_version {FORMAT_VERSION})",
            source,
        )
    if version < 1:
        _fail("format_version", f"{version} is not a valid format version", source)


def _check_fields(
    raw: dict[str, Any],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    prefix: str,
    source: str | None,
) -> None:
    for name in required:
        if name not in raw:
            _fail(f"{prefix}{name}", "required field is missing", source)
    for name in raw:
        if name not in allowed:
            _fail(
                f"{prefix}{_quoted_id(name)}",
                f"unknown field; the fields are {', '.join(allowed)}",
                source,
            )


def _read_turn(raw: object, where: str, source: str | None) -> Turn:
    if not isinstance(raw, dict):
        _fail(where, f"a turn must be a JSON object, got {_kind(raw)}", source)
    _check_fields(raw, _TURN_FIELDS, _TURN_REQUIRED, f"{where}.", source)
    role_name = raw["role"]
    role = _ROLE_BY_NAME.get(role_name) if isinstance(role_name, str) else None
    if role is None:
        _fail(f"{where}.role", f"must be one of {', '.join(ROLES)}, got {_kind(role_name)}", source)
    return Turn(
        id=_field_string(raw, "id", f"{where}.id", source),
        speaker=_field_string(raw, "speaker", f"{where}.speaker", source),
        role=role,
        text=_field_string(raw, "text", f"{where}.text", source),
        start=_field_time(raw, "start", f"{where}.start", source),
        end=_field_time(raw, "end", f"{where}.end", source),
        metadata=_field_object(raw, "metadata", f"{where}.metadata", source),
    )


def _field_string(raw: dict[str, Any], name: str, where: str, source: str | None) -> str:
    value = raw[name]
    if not isinstance(value, str):
        _fail(where, f"must be a string, got {_kind(value)}", source)
    return value


def _field_time(raw: dict[str, Any], name: str, where: str, source: str | None) -> float | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(where, f"must be a number of seconds or null, got {_kind(value)}", source)
    try:
        return float(value)
    except OverflowError:
        _fail(where, "is too large a number of seconds", source)


def _field_object(raw: dict[str, Any], name: str, where: str, source: str | None) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        _fail(where, f"must be an object, got {_kind(value)}", source)
    return value


def _fail(field: str, reason: str, source: str | None) -> NoReturn:
    raise TranscriptError(f"{field}: {reason}", source)


def _kind(value: object) -> str:
    """How a value would be described in JSON terms, never quoting a string (it may be text)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _quoted_id(value: str) -> str:
    """An id or field name for a message: quoted, and cut short (it is not meant to hold text)."""
    return repr(value if len(value) <= 40 else value[:40] + "...")
