"""Reading transcript files: the format registry and the entry points that use it.

:func:`load_transcript` reads a file, :func:`parse_transcript_bytes` the bytes of one (for
files that are not on a local disk) and :func:`parse_transcript` already-decoded text. All of
them look the format up in a registry of :class:`TranscriptFormat` entries (name, file
extensions, decoder, parser), so a new format is one parser module plus one
:func:`register_format` call at the end of this module; the entry points do not change.

Every reader gives turn ids ``"t1"``, ``"t2"``, ... in order (the same file always gives the same
ids, which annotations rely on; the project's own JSON format keeps the ids it stored), and
:func:`load_transcripts` reads files that hold several transcripts (CSV, TSV) and whole folders.
Every reader never drops a line of text silently, and raises only
:class:`~attune_jupyter.core.transcript.TranscriptError` for bad input, including a ``format``
that is not the name of a registered format (a number, say): that message lists the supported
formats. Error messages name the file and line and never quote transcript text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from attune_jupyter.core.deid import NotAnonymizedError
from attune_jupyter.core.readers.chat import decode_chat_bytes, parse_chat
from attune_jupyter.core.readers.decoding import (
    MAX_TRANSCRIPT_BYTES,
    decode_transcript_bytes,
    normalise_text,
    read_transcript_file,
)
from attune_jupyter.core.readers.docx import decode_docx
from attune_jupyter.core.readers.elan import parse_elan
from attune_jupyter.core.readers.gate import CourseArgument, IdentifierGate, StoreArgument
from attune_jupyter.core.readers.json_format import parse_json
from attune_jupyter.core.readers.plain_text import parse_plain_text
from attune_jupyter.core.readers.reader_warnings import TranscriptWarning
from attune_jupyter.core.readers.srt import parse_srt
from attune_jupyter.core.readers.table import (
    TableColumns,
    only_transcript,
    parse_csv,
    parse_csv_transcript,
    parse_tsv,
    parse_tsv_transcript,
)
from attune_jupyter.core.readers.webvtt import parse_webvtt
from attune_jupyter.core.transcript import Transcript, TranscriptError

__all__ = [
    "MAX_TRANSCRIPT_BYTES",
    "TableColumns",
    "TranscriptFormat",
    "TranscriptLoadErrors",
    "TranscriptParser",
    "TranscriptWarning",
    "TranscriptsParser",
    "decode_transcript_bytes",
    "format_for_path",
    "load_transcript",
    "load_transcripts",
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


class TranscriptsParser(Protocol):
    """The parser of a format whose files may hold several transcripts (a table).

    ``id`` is the transcript id to use when the file does not name one (the file name without its
    extension); ``columns`` is the column mapping, None for the format's default.
    """

    def __call__(
        self,
        text: str,
        *,
        roles: Mapping[str, str] | None,
        columns: TableColumns | None,
        id: str,
        source: str | None,
    ) -> list[Transcript]: ...


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
    parse_all:
        For formats whose files may hold several transcripts (the tables ``csv`` and ``tsv``):
        text -> every transcript in it. :func:`load_transcripts` uses it, and
        :func:`load_transcript` accepts such a file when it holds exactly one transcript. None
        (the default) for one-transcript formats.
    """

    name: str
    extensions: tuple[str, ...]
    parse: TranscriptParser
    decode: Callable[[bytes, str | None], str] = decode_transcript_bytes
    parse_all: TranscriptsParser | None = None


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
    *,
    columns: TableColumns | None = None,
    max_bytes: int | None = None,
    screen: bool = True,
    allow: Iterable[str] = (),
    course: CourseArgument = None,
    override: str | None = None,
    store: StoreArgument = None,
    by: str | None = None,
) -> Transcript:
    """Read a transcript file, refusing one that still holds identifying details.

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
        Transcript id; by default the file name without its extension (for a table, the value of
        its transcript id column).
    columns:
        For a table (``csv``, ``tsv``): which columns hold what, see
        :class:`~attune_jupyter.core.readers.table.TableColumns`. Other formats ignore it.
    max_bytes:
        Files larger than this many bytes are refused before they are read; None (the default)
        for :data:`MAX_TRANSCRIPT_BYTES` (20 MB).
    screen:
        Check the text with :func:`~attune_jupyter.core.deid.screen` and refuse the transcript
        when it finds possible identifiers (the default). ``screen=False`` turns the gate off.
    allow:
        Words known to be safe (for example a teaching case's fictional names); not findings.
    course:
        The course settings whose allow-list adds to ``allow``: a
        :class:`~attune_jupyter.core.course.CourseSettings` or the path of a course file. By
        default the nearest ``attune-course.toml`` in the file's folder or above, if any; pass
        ``CourseSettings()`` to use none.
    override:
        The reason for loading a transcript the screen refuses, in your own words (for example
        "names are actors in a public demonstration video"). It is then loaded, and the override
        is recorded, with who and when, in ``store``'s audit record
        (:meth:`~attune_jupyter.store.Store.audit_events`).
    store:
        Where an override is recorded: a :class:`~attune_jupyter.store.Store`, a store location,
        or None for the default store (:func:`attune_jupyter.open_store`).
    by:
        Who overrides; by default the JupyterHub user or the login name.

    Returns
    -------
    Transcript
        With ``source`` set to the path as a string (``os.fspath(path)``).

    Raises
    ------
    TranscriptError
        When the format is unknown, not a string, or cannot be inferred (the message lists the
        supported ones), the file is missing, unreadable or larger than ``max_bytes``, its
        content is not a valid transcript, or it is a table holding several transcripts (read
        those with :func:`load_transcripts`).
    NotAnonymizedError
        A TranscriptError: the screen found possible identifiers (listed masked, never quoted)
        and there is no ``override``.
    ValueError
        When ``roles`` maps a label to something other than a role, ``max_bytes`` is not a
        positive integer, or ``override`` is blank or combined with ``screen=False``.
    CourseFileError
        A ValueError: the course file cannot be used (the message names the file and line).
    StoreError
        When an override cannot be recorded; the transcript is then not loaded either.

    Warns
    -----
    TranscriptWarning
        When the file is not UTF-8 and was read in a legacy encoding (Windows-1252), and for the
        problems a format's reader warns about.
    """
    source = os.fspath(path)
    gate = IdentifierGate.for_load(
        near=source,
        screen=screen,
        allow=allow,
        course=course,
        override=override,
        store=store,
        by=by,
    )
    if format is None or (isinstance(format, str) and not format):
        format = format_for_path(source)
    transcript_format = _format_named(format, source)
    data = read_transcript_file(source, max_bytes)
    transcript = _parse_bytes(
        data, transcript_format, source=source, roles=roles, id=id, columns=columns
    )
    gate.admit(transcript, source)
    return transcript


def _screened(
    found: Sequence[Transcript], file: str, gate: IdentifierGate
) -> tuple[list[Transcript], list[TranscriptError]]:
    """The transcripts that pass the gate, and one error for each that does not."""
    passed: list[Transcript] = []
    refused: list[TranscriptError] = []
    for transcript in found:
        where = file if len(found) == 1 else f"{file} (transcript {transcript.id})"
        try:
            gate.admit(transcript, where)
        except NotAnonymizedError as error:
            refused.append(error)
        else:
            passed.append(transcript)
    return passed, refused


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


class TranscriptLoadErrors(TranscriptError):
    """Some files of a folder could not be read by :func:`load_transcripts`; the others were.

    The message lists every file that failed with its own message.

    Attributes
    ----------
    errors:
        One :class:`~attune_jupyter.core.transcript.TranscriptError` per file that failed, in
        file order (each names its file and, where it applies, the line).
    loaded:
        The transcripts of the files that were read, in file order: usable as they are.
    path:
        The folder.
    """

    def __init__(
        self,
        errors: Sequence[TranscriptError],
        loaded: Sequence[Transcript],
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.errors = list(errors)
        self.loaded = list(loaded)
        files = "file" if len(self.errors) == 1 else "files"
        listed = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(
            f"{len(self.errors)} {files} could not be read; the {len(self.loaded)} transcripts "
            f"of the other files are in .loaded:\n{listed}",
            None if path is None else os.fspath(path),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors, self.loaded, self.path))


def load_transcripts(
    path_or_folder: str | os.PathLike[str],
    format: str | None = None,
    *,
    roles: Mapping[str, str] | None = None,
    columns: TableColumns | None = None,
    progress: bool | None = None,
    max_bytes: int | None = None,
    screen: bool = True,
    allow: Iterable[str] = (),
    course: CourseArgument = None,
    override: str | None = None,
    store: StoreArgument = None,
    by: str | None = None,
) -> list[Transcript]:
    """Read every transcript of a file or of a folder of files.

    Parameters
    ----------
    path_or_folder:
        A table file (all its transcripts), a file of a one-transcript format (a list of one), or
        a folder: every file in it (not in subfolders) whose extension a registered format
        claims, in order of path, skipping hidden files (names starting with ``.``).
    format:
        A registered format name. For a file, as in :func:`load_transcript`; for a folder, only
        the files with that format's extensions are read. By default every supported file.
    roles:
        As for :func:`load_transcript`.
    columns:
        The column mapping for table files (see
        :class:`~attune_jupyter.core.readers.table.TableColumns`); other formats ignore it.
    progress:
        Show a progress bar (``tqdm.auto``: a widget in notebooks, text on stderr elsewhere)
        while reading a folder. None (the default): shown when there is more than one file.
    max_bytes:
        As for :func:`load_transcript`; in a folder, a larger file is one of the files that
        could not be read.
    screen, allow, course, override, store, by:
        The identifier gate, as for :func:`load_transcript`; every transcript passes it. A
        transcript it refuses is one of the files that could not be read (with its findings);
        with ``override``, every transcript let through by it is recorded.

    Returns
    -------
    list of Transcript
        File by file in path order; within a table, in the order of their first rows. Ids are
        unique: the id of a one-transcript file is its name without extension, the ids of a
        table come from its transcript id column.

    Raises
    ------
    TranscriptError
        For a single file: as :func:`load_transcript`. For a folder: when it cannot be listed or
        holds no supported file.
    TranscriptLoadErrors
        For a folder where some files could not be read, or hold a transcript id that an earlier
        file holds too (the message names both files): after reading every file. ``.errors``
        has one TranscriptError per failed file, ``.loaded`` the transcripts of the others.
    ValueError
        When ``roles`` maps a label to something other than a role.
    """
    source = os.fspath(path_or_folder)
    gate = IdentifierGate.for_load(
        near=source,
        screen=screen,
        allow=allow,
        course=course,
        override=override,
        store=store,
        by=by,
    )
    if not Path(source).is_dir():
        if format is None or (isinstance(format, str) and not format):
            format = format_for_path(source)
        found = _load_all(source, _format_named(format, source), roles, columns, max_bytes)
        passed, refused = _screened(found, source, gate)
        if refused:
            raise TranscriptLoadErrors(refused, passed, source)
        return passed
    files = _transcript_files(source, format)
    from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]

    show = len(files) > 1 if progress is None else bool(progress)
    loaded: list[Transcript] = []
    errors: list[TranscriptError] = []
    origin: dict[str, str] = {}
    for file, transcript_format in tqdm(
        files, desc="Reading transcripts", unit="file", disable=not show
    ):
        try:
            found = _load_all(file, transcript_format, roles, columns, max_bytes)
            _check_unique_ids(found, file, origin)
        except TranscriptError as error:
            errors.append(error)
            continue
        origin.update((transcript.id, file) for transcript in found)
        passed, refused = _screened(found, file, gate)
        loaded.extend(passed)
        errors.extend(refused)
    if errors:
        raise TranscriptLoadErrors(errors, loaded, source)
    return loaded


def _transcript_files(folder: str, format: object) -> list[tuple[str, TranscriptFormat]]:
    """The readable files of ``folder`` with their formats, sorted by path."""
    wanted = None
    if format is not None and not (isinstance(format, str) and not format):
        wanted = _format_named(format, folder)
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError as error:
        raise TranscriptError(f"cannot be listed ({error.strerror or 'error'})", folder) from None
    files = []
    for entry in entries:
        name = _EXTENSIONS.get(entry.suffix.lower())
        if name is None or entry.name.startswith(".") or not entry.is_file():
            continue
        if wanted is None or name == wanted.name:
            files.append((os.fspath(entry), _FORMATS[name]))
    if not files:
        which = _supported_text() if wanted is None else f"format {wanted.name}"
        raise TranscriptError(f"the folder holds no transcript files ({which})", folder)
    return files


def _load_all(
    source: str,
    transcript_format: TranscriptFormat,
    roles: Mapping[str, str] | None,
    columns: TableColumns | None,
    max_bytes: int | None,
) -> list[Transcript]:
    """Every transcript of one file."""
    data = read_transcript_file(source, max_bytes)
    if transcript_format.parse_all is None:
        return [_parse_bytes(data, transcript_format, source=source, roles=roles, id=None)]
    text = transcript_format.decode(data, source)
    return transcript_format.parse_all(
        text, roles=roles, columns=columns, id=Path(source).stem, source=source
    )


def _check_unique_ids(found: Sequence[Transcript], file: str, origin: Mapping[str, str]) -> None:
    """A TranscriptError naming both files when ``file`` repeats an id read from another."""
    clashes = [transcript.id for transcript in found if transcript.id in origin]
    if clashes:
        ids = ", ".join(repr(transcript_id) for transcript_id in clashes[:5])
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        others = ", ".join(sorted({origin[transcript_id] for transcript_id in clashes}))
        raise TranscriptError(
            f"transcript id {ids}{more} is also the id of a transcript in {others}; ids must be "
            "unique (rename one of the files, or change the ids in the table)",
            file,
        )


def _parse_bytes(
    data: bytes,
    transcript_format: TranscriptFormat,
    *,
    source: str | None,
    roles: Mapping[str, str] | None,
    id: str | None,
    columns: TableColumns | None = None,
) -> Transcript:
    default_id = "transcript" if source is None else Path(source).stem
    text = transcript_format.decode(data, source)
    if transcript_format.parse_all is not None:
        # A table names its transcripts; an id given by the caller still wins.
        found = transcript_format.parse_all(
            text, roles=roles, columns=columns, id=default_id if id is None else id, source=source
        )
        only = only_transcript(found, source)
        if id is None or only.id == id:
            return only
        return Transcript(id, only.turns, source=only.source, metadata=only.metadata)
    return transcript_format.parse(
        text, roles=roles, id=default_id if id is None else id, source=source
    )


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
register_format(TranscriptFormat("csv", (".csv",), parse_csv_transcript, parse_all=parse_csv))
register_format(TranscriptFormat("tsv", (".tsv",), parse_tsv_transcript, parse_all=parse_tsv))
register_format(TranscriptFormat("srt", (".srt",), parse_srt))
register_format(TranscriptFormat("json", (".json",), parse_json))
register_format(TranscriptFormat("chat", (".cha",), parse_chat, decode=decode_chat_bytes))
register_format(TranscriptFormat("elan", (".eaf",), parse_elan))
register_format(TranscriptFormat("docx", (".docx",), parse_plain_text, decode=decode_docx))
