"""Reading transcript files: the format registry and the entry points that use it.

:func:`load_transcript` reads a file, :func:`parse_transcript_bytes` the bytes of one (for
files that are not on a local disk) and :func:`parse_transcript` already-decoded text. All of
them look the format up in a registry of :class:`TranscriptFormat` entries (name, file
extensions, decoder, parser), so a new format is one parser module plus one
:func:`register_format` call at the end of this module; the entry points do not change.

Every reader gives turn ids ``"t1"``, ``"t2"``, ... in order (the same file always gives the same
ids, which annotations rely on), never drops a line of text silently, and raises only
:class:`~attune_jupyter.core.transcript.TranscriptError` for bad input, including a ``format``
that is not the name of a registered format (a number, say): that message lists the supported
formats. Error messages name the file and line and never quote transcript text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from attune_jupyter.core.readers.decoding import decode_transcript_bytes, normalise_text
from attune_jupyter.core.readers.plain_text import parse_plain_text
from attune_jupyter.core.readers.webvtt import parse_webvtt
from attune_jupyter.core.transcript import Transcript, TranscriptError

__all__ = [
    "TranscriptFormat",
    "TranscriptParser",
    "decode_transcript_bytes",
    "format_for_path",
    "load_transcript",
    "parse_transcript",
    "parse_transcript_bytes",
    "register_format",
    "supported_formats",
]


class TranscriptParser(Protocol):
    """What a format's parser looks like: normalised text in, transcript out."""

    def __call__(
        self,
        text: str,
        *,
        roles: Mapping[str, str] | None,
        id: str,
        source: str | None,
    ) -> Transcript: ...


@dataclass(frozen=True)
class TranscriptFormat:
    """One transcript format the readers understand.

    Parameters
    ----------
    name:
        What users pass as ``format`` (lower case), for example ``"webvtt"``.
    extensions:
        File extensions (lower case, with the dot) that imply this format.
    parse:
        Turns text (``"\\n"`` line endings, no byte-order mark) into a transcript.
    decode:
        Turns the bytes of a file into that text; text formats keep the default. A binary format
        (such as DOCX) supplies its own.
    """

    name: str
    extensions: tuple[str, ...]
    parse: TranscriptParser
    decode: Callable[[bytes, str | None], str] = decode_transcript_bytes


_FORMATS: dict[str, TranscriptFormat] = {}
_EXTENSIONS: dict[str, str] = {}


def register_format(transcript_format: TranscriptFormat) -> None:
    """Make a format available to :func:`load_transcript` and :func:`parse_transcript`.

    Raises
    ------
    ValueError
        When the name or an extension is not lower case, an extension does not start with a dot,
        or the name or an extension is taken already (programming errors).
    """
    name, extensions = transcript_format.name, transcript_format.extensions
    if name != name.lower() or any(e != e.lower() or not e.startswith(".") for e in extensions):
        raise ValueError(f"format {name!r}: use lower case, and extensions such as '.vtt'")
    if name in _FORMATS:
        raise ValueError(f"transcript format {name!r} is registered already")
    for extension in extensions:
        if extension in _EXTENSIONS:
            raise ValueError(
                f"extension {extension!r} belongs to format {_EXTENSIONS[extension]!r}"
            )
    _FORMATS[name] = transcript_format
    _EXTENSIONS.update(dict.fromkeys(extensions, name))


def supported_formats() -> dict[str, tuple[str, ...]]:
    """Format name -> its file extensions, for every registered format, sorted by name."""
    return {name: _FORMATS[name].extensions for name in sorted(_FORMATS)}


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The name of the format a file's extension implies (``.vtt`` -> ``"webvtt"``).

    Raises
    ------
    TranscriptError
        When no registered format has that extension; the message lists the supported ones.
    """
    suffix = Path(path).suffix
    name = _EXTENSIONS.get(suffix.lower())
    if name is None:
        raise TranscriptError(
            f"cannot tell the transcript format from the extension {suffix or '(none)'!r}; "
            f"pass format=... ({_supported_text()})",
            os.fspath(path),
        )
    return name


def load_transcript(
    path: str | os.PathLike[str],
    format: str | None = None,
    roles: Mapping[str, str] | None = None,
    id: str | None = None,
) -> Transcript:
    """Read a transcript file.

    Parameters
    ----------
    path:
        The file.
    format:
        A registered format name (``"text"``, ``"webvtt"``, ...); by default inferred from the
        file extension (``.txt`` -> ``"text"``, ``.vtt`` -> ``"webvtt"``).
    roles:
        Speaker label -> ``"therapist"``, ``"client"`` or ``"other"``; labels not in it get the
        role :func:`~attune_jupyter.core.transcript.infer_role` gives them.
    id:
        Transcript id; by default the file name without its extension.

    Returns
    -------
    Transcript
        With ``source`` set to the path as a string (``os.fspath(path)``).

    Raises
    ------
    TranscriptError
        When the format is unknown, not a string, or cannot be inferred (the message lists the
        supported ones), the file is missing or unreadable, or its content is not a valid
        transcript.
    ValueError
        When ``roles`` maps a label to something other than a role.
    """
    source = os.fspath(path)
    if format is None or (isinstance(format, str) and not format):
        format = format_for_path(source)
    transcript_format = _format_named(format, source)
    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        raise TranscriptError("file not found", source) from None
    except IsADirectoryError:
        raise TranscriptError("is a directory, not a transcript file", source) from None
    except OSError as error:
        raise TranscriptError(f"cannot be read ({error.strerror or 'error'})", source) from None
    return _parse_bytes(data, transcript_format, source=source, roles=roles, id=id)


def parse_transcript_bytes(
    data: bytes,
    format: str,
    *,
    path: str | os.PathLike[str] | None = None,
    roles: Mapping[str, str] | None = None,
    id: str | None = None,
) -> Transcript:
    """Read a transcript from the bytes of a file (for files that are not on a local disk).

    Parameters
    ----------
    data:
        The whole file.
    format:
        A registered format name (see :func:`format_for_path`).
    path:
        Where the bytes came from: named in error messages, kept as the transcript's source and,
        by default, giving its id.
    roles:
        As for :func:`load_transcript`.
    id:
        Transcript id; by default the file name without its extension, or ``"transcript"``.

    Raises
    ------
    TranscriptError
        When the format is unknown or not a string (the message lists the supported ones), or the
        bytes are not a valid transcript.
    ValueError
        When ``roles`` maps a label to something other than a role.
    """
    source = None if path is None else os.fspath(path)
    return _parse_bytes(data, _format_named(format, source), source=source, roles=roles, id=id)


def parse_transcript(
    text: str,
    format: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read a transcript from text that is already decoded.

    Parameters
    ----------
    text:
        The transcript. CRLF and lone CR line endings and a leading byte-order mark are
        accepted.
    format:
        A registered format name (``"text"``, ``"webvtt"``, ...).
    roles:
        As for :func:`load_transcript`.
    id:
        Transcript id.
    source:
        Where the text came from, named in error messages and kept as the transcript's source.

    Raises
    ------
    TranscriptError
        When the format is unknown or not a string (the message lists the supported ones), or the
        text is not a valid transcript.
    ValueError
        When ``roles`` maps a label to something other than a role.
    """
    transcript_format = _format_named(format, source)
    return transcript_format.parse(normalise_text(text), roles=roles, id=id, source=source)


def _parse_bytes(
    data: bytes,
    transcript_format: TranscriptFormat,
    *,
    source: str | None,
    roles: Mapping[str, str] | None,
    id: str | None,
) -> Transcript:
    if id is None:
        id = "transcript" if source is None else Path(source).stem
    text = transcript_format.decode(data, source)
    return transcript_format.parse(text, roles=roles, id=id, source=source)


def _format_named(name: object, source: str | None) -> TranscriptFormat:
    """The registered format called ``name``; a TranscriptError naming ``source`` if none is."""
    if not isinstance(name, str):
        raise TranscriptError(
            f"format must be a format name (a string), not {type(name).__name__}; "
            f"{_supported_text()}",
            source,
        )
    found = _FORMATS.get(name.strip().lower())
    if found is None:
        raise TranscriptError(f"unknown format {name!r}; {_supported_text()}", source)
    return found


def _supported_text() -> str:
    listed = ", ".join(
        f"{name} ({', '.join(extensions)})" for name, extensions in supported_formats().items()
    )
    return f"supported formats: {listed}"


register_format(TranscriptFormat("text", (".txt",), parse_plain_text))
register_format(TranscriptFormat("webvtt", (".vtt",), parse_webvtt))
