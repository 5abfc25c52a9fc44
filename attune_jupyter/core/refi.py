"""REFI-QDA interchange: codebooks and coded transcripts to and from qualitative-analysis programs.

REFI-QDA 1.5 (QDA-XML 1.0) is the exchange format that NVivo, ATLAS.ti, MAXQDA, QualCoder and
other qualitative-analysis programs read and write. This module owns attune-jupyter's side of it:

- :func:`export_qdc` writes a codebook as a ``.qdc`` file (namespace ``urn:QDA-XML:codebook:1.0``);
- :func:`export_qdpx` writes transcripts, their annotations and the codebook as a ``.qdpx``
  project (a zip holding ``project.qde``, namespace ``urn:QDA-XML:project:1.0``, which validates
  against the REFI-QDA ``Project.xsd``, and one ``sources/<guid>.txt`` per transcript);
- :func:`read_qdpx` reads a ``.qdpx`` project into plain values (:class:`RefiProject`), and
  :func:`import_qdpx` puts its transcripts and codings into a :class:`~attune_jupyter.store.Store`.

How a transcript becomes a source
---------------------------------
The plain text of a source has one line per turn, ``Speaker: text``, lines joined with ``"\\n"``.
A turn's own line endings (CRLF or CR) are first turned into ``"\\n"``; every offset then counts
code points (Python string indices) of that text, which is what REFI-QDA positions count. The
text is written as UTF-8 without a byte-order mark.

Each annotation becomes one ``PlainTextSelection`` with one ``Coding`` (``creatingUser``: the
annotator's ``User``; ``CodeRef``: the code):

- a whole-turn annotation covers the turn's text (not its speaker label);
- a span covers exactly its characters (offsets moved left by the carriage returns removed
  before it);
- a pair covers the therapist turn and says which client turn it answers in the selection's
  ``Description``.

The selection's ``Description`` holds the annotator's note (as plain text) followed by one line
that other programs show as text and :func:`read_qdpx` reads back, for example
``[attune-jupyter] response to turn 3; strength 2; adjudicated``. Codes carry their
definition, example, id, key and place in the codebook in their ``Description``; the speakers'
roles are a source variable (``attune-jupyter speaker roles``, JSON text). Every GUID is
derived from ids (UUID 5 in :data:`GUID_NAMESPACE`) and everything is sorted, so exporting the
same data twice gives the same bytes.

Reading back
------------
:func:`read_qdpx` reads each text source's plain text into turns with the project's text reader
(``parse_transcript(text, "text", roles=...)``): its line endings are normalised first (programs
that write CRLF are read correctly), then selection offsets are mapped to turns. A selection that
covers a turn's whole text becomes a whole-turn annotation (unless its description says it was a
span); a selection inside one turn becomes a span; characters of speaker labels and of the
line breaks between turns are not part of any turn. A selection that crosses turns is refused
with an error naming the selection's GUID, unless ``on_crossing="split"`` asks for one
annotation per turn it covers: attune-jupyter's moments are single turns, and silently cutting
one coding into several would change what a coder meant.

Codes of other programs get ids from their names (nested under their parent's id) and keys in a
fixed order: the keyboard's digits, lower-case letters, upper-case letters and punctuation first
(those the annotator does not reserve, about 85), then, for larger codebooks such as NVivo
projects with hundreds of codes, letters beyond ASCII in code-point order from U+00C0 (``À``,
``Á``, ``Â``, ...). An attune codebook needs one key per code; codes whose key a keyboard
cannot type are applied from the annotator's codebook panel, or re-keyed with
:meth:`Codebook.rekeyed <attune_jupyter.core.codebook.Codebook.rekeyed>`. Codes exported by
attune-jupyter keep their ids and keys.

Importing into a store
----------------------
:func:`import_qdpx` is made for the round trip: export a store's transcripts, code them in
another program, import the project back into the same store. A source whose name is a
transcript the store holds is matched to that transcript (same turns, speakers and text once
line endings are normalised) and its codings go onto the stored turns, their spans counted in
the stored text; a source whose text differs is refused, naming it. Annotation ids are the
codings' GUIDs, so codings the store already holds with the same content are skipped and
counted, and importing a file twice changes nothing; a GUID the store holds with other content
is refused, naming the GUID. Every check is made before the first write, so a refused file
leaves the store as it was.

:func:`export_qdpx` checks that every transcript reads back into the same turns. When one does
not (two consecutive turns of one speaker merge, blank lines or indentation inside a turn,
a line inside a turn that looks like a speaker label, a turn without text), it still writes the
file, which other programs read exactly, and warns with :class:`RefiRoundTripWarning` naming the
transcript and turn: importing that file back into attune-jupyter would give different turns.

Safety
------
:func:`read_qdpx` reads nothing from disk but the package: entries with absolute paths or ``..``
are refused, sizes and entry counts are capped, and XML with a document type declaration (the
way to declare entities, internal or external) is refused before anything is expanded. Errors
(:class:`RefiError`) name the package, the file inside it and the element. No function here logs
transcript text or notes.
"""

from __future__ import annotations

import json
import logging
import re
import string
import sys
import unicodedata
import uuid
import warnings
import zipfile
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Literal
from xml.etree import ElementTree
from xml.parsers import expat

import pandas as pd

from attune_jupyter.core.annotation import STRENGTHS, Annotation, annotations_from_frame, utc_now
from attune_jupyter.core.codebook import RESERVED_KEYS, Code, Codebook, CodebookError
from attune_jupyter.core.files import atomic_output
from attune_jupyter.core.readers import parse_transcript
from attune_jupyter.core.readers.decoding import MAX_TRANSCRIPT_BYTES, normalise_text
from attune_jupyter.core.transcript import ROLES, Transcript, TranscriptError

if TYPE_CHECKING:
    import os

    from attune_jupyter.store.base import Store

__all__ = [
    "CODEBOOK_NAMESPACE",
    "GUID_NAMESPACE",
    "PROJECT_NAMESPACE",
    "QdpxImport",
    "RefiCoding",
    "RefiError",
    "RefiProject",
    "RefiRoundTripWarning",
    "RefiSource",
    "code_guid",
    "export_qdc",
    "export_qdpx",
    "import_qdpx",
    "read_qdpx",
]

log = logging.getLogger(__name__)

PROJECT_NAMESPACE: Final = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE: Final = "urn:QDA-XML:codebook:1.0"

#: Namespace of the UUID 5 GUIDs this module derives from ids (fixed: changing it changes every
#: exported GUID).
GUID_NAMESPACE: Final = uuid.UUID("6b1e0c52-8f3f-5a7e-9d0c-2a4d1f3b7c91")

_ORIGIN: Final = "attune-jupyter"
_MARK: Final = "[attune-jupyter]"
_ROLES_VARIABLE: Final = "attune-jupyter speaker roles"
_DEFAULT_COLOUR: Final = "#808080"

#: Caps on what :func:`read_qdpx` reads from a package.
MAX_ENTRIES: Final = 100_000
MAX_PROJECT_BYTES: Final = 256 * 1024 * 1024
MAX_SOURCE_BYTES: Final = MAX_TRANSCRIPT_BYTES
MAX_PACKAGE_BYTES: Final = 2 * 1024 * 1024 * 1024
_MAX_XML_DEPTH: Final = 200

_SELECTION_MARK = re.compile(
    re.escape(_MARK)
    + r" (?P<shape>whole turn|span|response to turn (?P<turn>[1-9][0-9]*))"
    + r"(?:; strength (?P<strength>[1-9]))?(?P<adjudicated>; adjudicated)?"
)
_CODE_MARK = re.compile(
    re.escape(_MARK) + r" code id: (?P<id>\S+), key: (?P<key>\S)(?:, order: (?P<order>\d+))?"
)
_CODEBOOK_MARK = re.compile(
    re.escape(_MARK) + r" codebook (?P<id>\S+) version (?P<version>\S+): (?P<name>.+)"
)
_HEX_ID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FRACTION = re.compile(r"(\.\d{6})\d+")
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class RefiError(ValueError):
    """A REFI-QDA file cannot be read, or data cannot be written to one.

    The message names the package, the file inside it and the element (for example
    ``course.qdpx: project.qde: PlainTextSelection 0f8e...: endPosition 912 is past the end of
    the source text (804 characters)``), never transcript text or notes.

    Attributes
    ----------
    reason:
        What is wrong, without the location.
    source:
        The package (a path), or None.
    where:
        The file inside the package and the element, or None.
    """

    def __init__(self, reason: str, source: str | None = None, where: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.where = where
        super().__init__(": ".join(part for part in (source, where, reason) if part))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, self.source, self.where))


class RefiRoundTripWarning(UserWarning):
    """An exported transcript would not read back into the same turns (see :func:`export_qdpx`)."""


# --------------------------------------------------------------------------------------------
# GUIDs
# --------------------------------------------------------------------------------------------


def _guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def code_guid(code_id: str) -> str:
    """The GUID a code gets in every export."""
    return _guid("code", code_id)


def _user_guid(name: str) -> str:
    return _guid("user", name)


def _source_guid(transcript_id: str) -> str:
    return _guid("source", transcript_id)


def _coding_guid(annotation_id: str) -> str:
    """An annotation id that is a UUID (hex, as attune makes them) is the coding's GUID; any
    other id is hashed. Importing names the annotation after the coding's GUID, so a re-export
    gives the same GUID again."""
    if _HEX_ID.fullmatch(annotation_id):
        return str(uuid.UUID(annotation_id))
    return _guid("annotation", annotation_id)


def _selection_guid(coding: str) -> str:
    return _guid("selection", coding)


_VARIABLE_GUID: Final = _guid("variable", _ROLES_VARIABLE)


# --------------------------------------------------------------------------------------------
# Writing XML (a small deterministic writer: attribute order as given, "\r" kept as &#13;)
# --------------------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    text: str | None = None

    def add(self, tag: str, *attrs: tuple[str, str], text: str | None = None) -> _Node:
        child = _Node(tag, list(attrs), [], text)
        self.children.append(child)
        return child


def _xml_safe(value: str, what: str) -> str:
    """``value`` unchanged, or ValueError naming ``what`` when XML 1.0 cannot hold it."""
    match = _XML_ILLEGAL.search(value)
    if match is not None:
        raise ValueError(
            f"{what} contains the character U+{ord(match.group()):04X}, which XML cannot hold; "
            "remove it before exporting"
        )
    return value


def _escape_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _serialise(root: _Node) -> bytes:
    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']

    def write(node: _Node, depth: int) -> None:
        pad = "  " * depth
        attrs = "".join(f' {name}="{_escape_attr(value)}"' for name, value in node.attrs)
        if node.text is not None:
            out.append(f"{pad}<{node.tag}{attrs}>{_escape_text(node.text)}</{node.tag}>\n")
        elif not node.children:
            out.append(f"{pad}<{node.tag}{attrs}/>\n")
        else:
            out.append(f"{pad}<{node.tag}{attrs}>\n")
            for child in node.children:
                write(child, depth + 1)
            out.append(f"{pad}</{node.tag}>\n")

    write(root, 0)
    return "".join(out).encode("utf-8")


def _xml_datetime(value: datetime) -> str:
    value = value.astimezone(UTC)
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------
# Codebooks
# --------------------------------------------------------------------------------------------


def _code_description(code: Code, order: int) -> str:
    lines = [code.definition]
    if code.example:
        lines.append(f"Example: {code.example}")
    lines.append(f"{_MARK} code id: {code.id}, key: {code.key}, order: {order}")
    return "\n".join(lines)


def _codes_node(codebook: Codebook) -> _Node:
    codes = _Node("Codes")
    order = {code.id: n for n, code in enumerate(codebook.codes, start=1)}

    def add(parent: _Node, code: Code) -> None:
        what = f"code {code.id!r}"
        node = parent.add(
            "Code",
            ("guid", code_guid(code.id)),
            ("name", _xml_safe(code.label, f"the label of {what}")),
            ("isCodable", "true"),
            ("color", code.colour),
        )
        description = _code_description(code, order[code.id])
        node.add("Description", text=_xml_safe(description, f"the text of {what}"))
        for child in codebook.children(code.id):
            add(node, child)

    for family in codebook.families():
        add(codes, family)
    return codes


def _check_path_suffix(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        shown = repr(path.suffix) if path.suffix else "no suffix"
        raise ValueError(f"{path}: a REFI-QDA file of this kind ends with {suffix}, not {shown}")


def export_qdc(
    codebook: Codebook, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write a codebook as a REFI-QDA codebook exchange file (``.qdc``).

    The XML is a ``CodeBook`` element (namespace ``urn:QDA-XML:codebook:1.0``) holding ``Codes``:
    one ``Code`` (``guid``, ``name`` = label, ``isCodable``, ``color``) per code, with codes
    nested below their family, in codebook order. A code's ``Description`` holds its definition,
    its example (``Example: ...``) and a last line with its attune id, key and place in the
    codebook. GUIDs are derived
    from code ids, so exporting the same codebook twice gives identical files and another program
    sees a re-exported code as the same code.

    Parameters
    ----------
    codebook:
        The codebook (it must have at least one code).
    path:
        The file to create, ending in ``.qdc``; its folder must exist.
    overwrite:
        Replace an existing file. By default an existing file is never replaced.

    Returns
    -------
    pathlib.Path
        The file written (atomically: a temporary file in the same folder takes its name).

    Raises
    ------
    ValueError
        When the suffix is not ``.qdc``, the codebook has no codes, or a label or text holds a
        control character XML cannot hold.
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    _check_path_suffix(target, ".qdc")
    if not codebook.codes:
        raise ValueError(f"{target}: codebook {codebook.id!r} has no codes to export")
    root = _Node("CodeBook", [("xmlns", CODEBOOK_NAMESPACE), ("origin", _ORIGIN)])
    root.children.append(_codes_node(codebook))
    data = _serialise(root)
    with atomic_output(target, overwrite=overwrite) as temp:
        temp.write_bytes(data)
    return target


# --------------------------------------------------------------------------------------------
# Sources: the plain text of a transcript and where each turn's text sits in it
# --------------------------------------------------------------------------------------------


def _normalised_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _SourceLayout:
    text: str
    extents: tuple[tuple[int, int], ...]  # (start, end) of each turn's text in ``text``
    positions: Mapping[str, int]  # turn id -> index


def _layout(transcript: Transcript) -> _SourceLayout:
    lines: list[str] = []
    extents: list[tuple[int, int]] = []
    position = 0
    for turn in transcript.turns:
        prefix = f"{turn.speaker}: "
        text = _normalised_newlines(turn.text)
        start = position + len(prefix)
        extents.append((start, start + len(text)))
        line = prefix + text
        lines.append(line)
        position += len(line) + 1
    return _SourceLayout(
        "\n".join(lines),
        tuple(extents),
        {turn.id: i for i, turn in enumerate(transcript.turns)},
    )


def _speaker_roles(transcript: Transcript) -> dict[str, str]:
    roles: dict[str, str] = {}
    for turn in transcript.turns:
        roles.setdefault(turn.speaker, turn.role)
    return dict(sorted(roles.items()))


def _round_trip_problem(transcript: Transcript, text: str, roles: Mapping[str, str]) -> str | None:
    """Why ``text`` would not read back into ``transcript``'s turns, or None when it would."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            back = parse_transcript(text, "text", roles=dict(roles) or None, id=transcript.id)
    except TranscriptError as exc:
        return f"the text reader refuses its text ({exc.reason})"
    if len(back.turns) != len(transcript.turns):
        n = len(back.turns)
        return f"it would read back as {n} turn{'' if n == 1 else 's'} instead of {len(transcript)}"
    for i, (turn, read) in enumerate(zip(transcript.turns, back.turns, strict=True), start=1):
        if turn.speaker != read.speaker:
            return f"turn {i} ({turn.id!r}) would read back with another speaker label"
        if turn.role != read.role:
            return f"turn {i} ({turn.id!r}) would read back with the role {read.role!r}"
        if _normalised_newlines(turn.text) != read.text:
            return f"turn {i} ({turn.id!r}) would read back with other text"
    return None


# --------------------------------------------------------------------------------------------
# Exporting a project
# --------------------------------------------------------------------------------------------


def _annotation_list(annotations: pd.DataFrame | Iterable[Annotation]) -> list[Annotation]:
    if isinstance(annotations, pd.DataFrame):
        return annotations_from_frame(annotations)
    result = list(annotations)
    for a in result:
        if not isinstance(a, Annotation):
            raise TypeError(f"annotations must be Annotation objects, got {type(a).__name__}")
    return result


def _transcript_map(
    transcripts: Iterable[Transcript] | Mapping[str, Transcript],
) -> dict[str, Transcript]:
    items = transcripts.values() if isinstance(transcripts, Mapping) else transcripts
    result: dict[str, Transcript] = {}
    for t in items:
        if not isinstance(t, Transcript):
            raise TypeError(f"transcripts must be Transcript objects, got {type(t).__name__}")
        if t.id in result:
            raise ValueError(f"transcript id {t.id!r} is given twice")
        result[t.id] = t
    return result


def _selection_mark(a: Annotation, layout: _SourceLayout) -> str:
    if a.responds_to is not None:
        parts = [f"response to turn {layout.positions[a.responds_to] + 1}"]
    else:
        parts = ["whole turn" if a.span_start is None else "span"]
    if a.strength is not None:
        parts.append(f"strength {a.strength}")
    if a.adjudicated:
        parts.append("adjudicated")
    return f"{_MARK} " + "; ".join(parts)


def _selection_offsets(
    a: Annotation, transcript: Transcript, layout: _SourceLayout
) -> tuple[int, int]:
    what = f"annotation {a.id!r}"
    if a.turn_id not in layout.positions:
        raise ValueError(f"{what}: transcript {transcript.id!r} has no turn {a.turn_id!r}")
    if a.responds_to is not None and a.responds_to not in layout.positions:
        raise ValueError(
            f"{what}: responds to turn {a.responds_to!r}, which transcript {transcript.id!r} "
            "does not have"
        )
    index = layout.positions[a.turn_id]
    start, end = layout.extents[index]
    if a.span_start is None or a.span_end is None:
        return start, end
    raw = transcript.turns[index].text
    if a.span_end > len(raw):
        raise ValueError(
            f"{what}: its span ends at {a.span_end}, past the end of turn {a.turn_id!r} "
            f"({len(raw)} characters)"
        )
    carriage_returns = [m.start() for m in re.finditer("\r\n", raw)]
    span_start = a.span_start - bisect_left(carriage_returns, a.span_start)
    span_end = a.span_end - bisect_left(carriage_returns, a.span_end)
    if span_end <= span_start:
        raise ValueError(f"{what}: its span covers only a line break")
    return start + span_start, start + span_end


def _project_xml(
    project_name: str,
    created_by: str,
    transcripts: Mapping[str, Transcript],
    layouts: Mapping[str, _SourceLayout],
    annotations: Sequence[Annotation],
    codebook: Codebook,
) -> bytes:
    users = sorted({a.annotator for a in annotations} | {created_by})
    root = _Node(
        "Project",
        [
            ("xmlns", PROJECT_NAMESPACE),
            ("name", _xml_safe(project_name, "project_name")),
            ("origin", _ORIGIN),
            ("creatingUserGUID", _user_guid(created_by)),
        ],
    )
    users_node = root.add("Users")
    for name in users:
        users_node.add(
            "User", ("guid", _user_guid(name)), ("name", _xml_safe(name, f"user {name!r}"))
        )
    if codebook.codes:
        root.add("CodeBook").children.append(_codes_node(codebook))
    variable = root.add("Variables").add(
        "Variable",
        ("guid", _VARIABLE_GUID),
        ("name", _ROLES_VARIABLE),
        ("typeOfVariable", "Text"),
    )
    variable.add(
        "Description",
        text="The role of each speaker of the transcript (therapist, client or other), as JSON.",
    )

    by_transcript: dict[str, list[Annotation]] = {}
    for a in annotations:
        by_transcript.setdefault(a.transcript_id, []).append(a)
    if transcripts:
        sources = root.add("Sources")
    for transcript_id in sorted(transcripts):
        transcript, layout = transcripts[transcript_id], layouts[transcript_id]
        guid = _source_guid(transcript_id)
        source = sources.add(
            "TextSource",
            ("guid", guid),
            ("name", _xml_safe(transcript_id, f"transcript id {transcript_id!r}")),
            ("plainTextPath", f"internal://{guid}.txt"),
        )
        selections = []
        for a in by_transcript.get(transcript_id, []):
            start, end = _selection_offsets(a, transcript, layout)
            coding = _coding_guid(a.id)
            selections.append((start, end, a.annotator, a.code_id, coding, a))
        selections.sort(key=lambda s: s[:5])
        for start, end, annotator, code_id, coding, a in selections:
            what = f"annotation {a.id!r}"
            selection = source.add(
                "PlainTextSelection",
                ("guid", _selection_guid(coding)),
                ("startPosition", str(start)),
                ("endPosition", str(end)),
                ("creatingUser", _user_guid(annotator)),
                ("creationDateTime", _xml_datetime(a.created)),
                ("modifiedDateTime", _xml_datetime(a.updated or a.created)),
            )
            mark = _selection_mark(a, layout)
            note = _xml_safe(a.note, f"the note of {what}")
            selection.add("Description", text=f"{note}\n{mark}" if note else mark)
            coding_node = selection.add(
                "Coding",
                ("guid", coding),
                ("creatingUser", _user_guid(annotator)),
                ("creationDateTime", _xml_datetime(a.created)),
            )
            coding_node.add("CodeRef", ("targetGUID", code_guid(code_id)))
        roles = json.dumps(_speaker_roles(transcript), ensure_ascii=False, sort_keys=True)
        value = source.add("VariableValue")
        value.add("VariableRef", ("targetGUID", _VARIABLE_GUID))
        value.add(
            "TextValue", text=_xml_safe(roles, f"a speaker label of transcript {transcript_id!r}")
        )
    root.add(
        "Description",
        text=(
            f"Exported by attune-jupyter.\n"
            f"{_MARK} codebook {codebook.id} version {codebook.version}: "
            f"{_xml_safe(codebook.name, 'the codebook name')}"
        ),
    )
    return _serialise(root)


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def export_qdpx(
    path: str | os.PathLike[str],
    transcripts: Iterable[Transcript] | Mapping[str, Transcript],
    annotations: pd.DataFrame | Iterable[Annotation],
    codebook: Codebook,
    *,
    project_name: str,
    created_by: str,
    overwrite: bool = False,
) -> Path:
    """Write transcripts and their annotations as a REFI-QDA project (``.qdpx``).

    The package holds ``project.qde`` (QDA-XML, valid against the REFI-QDA 1.5 ``Project.xsd``)
    and ``sources/<guid>.txt``, one plain-text source per transcript (see the module docstring
    for how turns, spans, pairs and notes are written). It contains one ``User`` per annotator
    (plus ``created_by``), the codebook, one ``TextSource`` per transcript and one
    ``PlainTextSelection`` with one ``Coding`` per annotation. The output is deterministic:
    the same data gives the same bytes.

    Parameters
    ----------
    path:
        The file to create, ending in ``.qdpx``; its folder must exist.
    transcripts:
        The transcripts (or a mapping id -> transcript), each exported as a source, with or
        without annotations.
    annotations:
        The store's annotations frame (:meth:`Store.annotations`) or :class:`Annotation`
        objects. Each must belong to one of ``transcripts`` and use a code of ``codebook``.
    codebook:
        The codebook the annotations use.
    project_name:
        Name of the project shown by other programs.
    created_by:
        Who exports it (the project's creating user).
    overwrite:
        Replace an existing file. By default an existing file is never replaced.

    Returns
    -------
    pathlib.Path
        The file written (atomically: nothing is left behind when an error occurs).

    Raises
    ------
    ValueError
        When the suffix is not ``.qdpx``, an annotation names a transcript not given, a turn or
        code that does not exist or a span outside its turn (the message names the annotation),
        or a text holds a control character XML cannot hold.
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.

    Warns
    -----
    RefiRoundTripWarning
        For each transcript whose exported text would not read back into the same turns (the
        file is still right for other programs; see the module docstring).
    """
    target = Path(path)
    _check_path_suffix(target, ".qdpx")
    for name, value in (("project_name", project_name), ("created_by", created_by)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    by_id = _transcript_map(transcripts)
    items = _annotation_list(annotations)
    for a in items:
        if a.transcript_id not in by_id:
            raise ValueError(
                f"annotation {a.id!r} belongs to transcript {a.transcript_id!r}, which is not "
                "among the transcripts given; pass it too, or leave its annotations out"
            )
        if a.code_id not in codebook:
            raise ValueError(
                f"annotation {a.id!r} uses the code {a.code_id!r}, which codebook "
                f"{codebook.id!r} does not have; pass the codebook the annotations were made with"
            )
    codings = [_coding_guid(a.id) for a in items]
    if len(set(codings)) != len(codings):
        raise ValueError("two annotations have the same id; annotation ids must be unique")

    layouts = {tid: _layout(t) for tid, t in by_id.items()}
    for tid in sorted(by_id):
        roles = _speaker_roles(by_id[tid])
        problem = _round_trip_problem(by_id[tid], layouts[tid].text, roles)
        if problem is not None:
            warnings.warn(
                f"transcript {tid!r}: {problem}; other programs read this export exactly, but "
                "importing it back into attune-jupyter would give different turns",
                RefiRoundTripWarning,
                stacklevel=2,
            )
    xml = _project_xml(project_name, created_by, by_id, layouts, items, codebook)
    texts: list[tuple[str, bytes]] = []
    for tid in sorted(by_id):
        try:
            data = layouts[tid].text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                f"transcript {tid!r} contains a lone surrogate character that UTF-8 cannot hold"
            ) from None
        texts.append((f"sources/{_source_guid(tid)}.txt", data))
    with atomic_output(target, overwrite=overwrite) as temp, zipfile.ZipFile(temp, "x") as archive:
        _zip_entry(archive, "project.qde", xml)
        for name, data in sorted(texts):
            _zip_entry(archive, name, data)
    log.debug("exported %d transcripts and %d annotations to REFI-QDA", len(by_id), len(items))
    return target


# --------------------------------------------------------------------------------------------
# Reading: what a project holds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefiSource:
    """A text source of a project, read into turns.

    Attributes
    ----------
    guid:
        The source's GUID.
    name:
        Its name; the transcript id on import.
    text:
        The plain text, line endings normalised to ``"\\n"`` (selection offsets count its code
        points).
    transcript:
        The text read with the project's text reader (turn ids ``t1``, ``t2``, ...).
    roles:
        Speaker label -> role recorded by attune-jupyter, empty for other programs' files (roles
        then come from the speaker labels).
    turn_extents:
        ``(start, end)`` of each turn's text in :attr:`text` (the first and past-the-last
        character that belongs to the turn).
    """

    guid: str
    name: str
    text: str
    transcript: Transcript
    roles: Mapping[str, str]
    turn_extents: tuple[tuple[int, int], ...]
    _pieces: tuple[tuple[tuple[int, int, int], ...], ...] = field(repr=False, compare=False)
    _ends: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ends", tuple(end for _, end in self.turn_extents))

    def turn_offset(self, turn_index: int, position: int) -> int:
        """The first character of turn ``turn_index`` at or after ``position`` of :attr:`text`
        (the turn's length when none is)."""
        pieces = self._pieces[turn_index]
        for k, (source_start, turn_start, length) in enumerate(pieces):
            if position <= source_start:
                return turn_start
            if position < source_start + length:
                return turn_start + position - source_start
            if k + 1 < len(pieces) and position <= source_start + length:
                return turn_start + length  # the "\n" joining two lines of the turn
        return len(self.transcript.turns[turn_index].text)


@dataclass(frozen=True)
class RefiCoding:
    """One code applied to one selection of a text source.

    Attributes
    ----------
    source_guid, selection_guid, coding_guid:
        GUIDs of the source, the ``PlainTextSelection`` and the ``Coding``.
    start, end:
        The selection's offsets in the source's :attr:`RefiSource.text`.
    code_id:
        The code, as in :attr:`RefiProject.codebook`.
    user:
        The coding's user (or the selection's when the coding names none), None when neither.
    note:
        The selection's description without attune-jupyter's last line.
    shape:
        ``"turn"``, ``"span"`` or ``"pair"`` as attune-jupyter recorded it, None for other
        programs' selections.
    responds_to_turn:
        For a pair, the 1-based number of the turn it answers.
    strength, adjudicated:
        As recorded by attune-jupyter (None and False otherwise).
    created, updated:
        The coding's (or selection's) times, None when the file has none.
    """

    source_guid: str
    selection_guid: str
    coding_guid: str
    start: int
    end: int
    code_id: str
    user: str | None
    note: str
    shape: Literal["turn", "span", "pair"] | None
    responds_to_turn: int | None
    strength: int | None
    adjudicated: bool
    created: datetime | None
    updated: datetime | None


@dataclass(frozen=True)
class RefiProject:
    """What :func:`read_qdpx` found in a project: plain values, nothing written anywhere.

    Attributes
    ----------
    name:
        The project's name.
    codebook:
        Its codebook. Codes exported by attune-jupyter keep their ids, keys, definitions and
        examples; other programs' codes get ids from their names and keys in the order the
        module docstring gives (beyond the keyboard's keys for codebooks of more than about
        85 codes).
    users:
        User GUID -> name.
    sources:
        The text sources, in file order.
    codings:
        Every coding of a text selection, in file order.
    skipped:
        What was not read, one sentence each (sources that are not plain text, codings of a
        whole source).
    """

    name: str
    codebook: Codebook
    users: Mapping[str, str]
    sources: tuple[RefiSource, ...]
    codings: tuple[RefiCoding, ...]
    skipped: tuple[str, ...] = ()
    origin: str | None = None
    package: str | None = None

    @property
    def codings_by_user(self) -> dict[str | None, tuple[RefiCoding, ...]]:
        """The codings grouped by user name (None: codings without a user), names sorted."""
        groups: dict[str | None, list[RefiCoding]] = {}
        for coding in self.codings:
            groups.setdefault(coding.user, []).append(coding)
        ordered = sorted(groups, key=lambda name: (name is None, name or ""))
        return {name: tuple(groups[name]) for name in ordered}

    def transcripts(self) -> list[Transcript]:
        """The sources' transcripts, in file order (ids are source names)."""
        return [source.transcript for source in self.sources]

    def annotations(
        self,
        *,
        default_annotator: str | None = None,
        on_crossing: Literal["error", "split"] = "error",
    ) -> list[Annotation]:
        """The codings as annotations of :meth:`transcripts` (see the module docstring).

        Annotation ids are the codings' GUIDs (32 hex digits), so importing the same file twice
        is noticed, and a re-export gives the same GUIDs.

        Parameters
        ----------
        default_annotator:
            The annotator of codings that name no user.
        on_crossing:
            ``"error"`` (default) refuses a selection that covers text of several turns;
            ``"split"`` makes one annotation per turn it covers.

        Raises
        ------
        RefiError
            Naming the selection's GUID, when a selection crosses turns (and ``on_crossing`` is
            ``"error"``), covers no turn's text, is marked as a pair but does not cover a whole
            turn or names a turn that does not exist, or a coding has no user and no
            ``default_annotator`` was given.
        """
        if on_crossing not in ("error", "split"):
            raise ValueError(f"on_crossing must be 'error' or 'split', not {on_crossing!r}")
        sources = {source.guid: source for source in self.sources}
        result: list[Annotation] = []
        for coding in self.codings:
            result.extend(
                _coding_annotations(
                    coding, sources[coding.source_guid], default_annotator, on_crossing, self
                )
            )
        return result


def _selection_error(project: RefiProject, coding: RefiCoding, reason: str) -> RefiError:
    return RefiError(
        reason, project.package, f"project.qde: PlainTextSelection {coding.selection_guid}"
    )


def _coding_annotations(
    coding: RefiCoding,
    source: RefiSource,
    default_annotator: str | None,
    on_crossing: str,
    project: RefiProject,
) -> list[Annotation]:
    annotator = coding.user or default_annotator
    if not annotator:
        raise _selection_error(
            project, coding, f"coding {coding.coding_guid} names no user; pass an annotator"
        )
    turns = source.transcript.turns
    covered: list[tuple[int, int, int]] = []  # (turn index, start, end) in the turn's text
    first = bisect_left(source._ends, coding.start + 1)
    for index in range(first, len(turns)):
        extent_start, _ = source.turn_extents[index]
        if extent_start >= coding.end:
            break
        start = source.turn_offset(index, coding.start)
        end = source.turn_offset(index, coding.end)
        if start < end:
            covered.append((index, start, end))
    if not covered:
        raise _selection_error(
            project,
            coding,
            f"characters {coding.start}..{coding.end} of source {source.name!r} hold no turn's "
            "text (only speaker labels or line breaks)",
        )
    if len(covered) > 1 and on_crossing == "error":
        numbers = ", ".join(str(index + 1) for index, _, _ in covered)
        raise _selection_error(
            project,
            coding,
            f"it crosses turns {numbers} of source {source.name!r}; attune-jupyter moments are "
            "single turns: split it in the other program, or import with on_crossing='split'",
        )
    created = coding.created or utc_now()
    updated = coding.updated or created
    result = []
    for part, (index, start, end) in enumerate(covered):
        whole = start == 0 and end == len(turns[index].text)
        responds_to = None
        span: tuple[int | None, int | None] = (start, end)
        if coding.shape == "pair" and len(covered) == 1:
            number = coding.responds_to_turn or 0
            if not whole or not 1 <= number <= len(turns) or number - 1 == index:
                raise _selection_error(
                    project,
                    coding,
                    f"it is marked as a response to turn {number}, but that turn does not exist "
                    "or the selection is not one whole turn",
                )
            responds_to = turns[number - 1].id
            span = (None, None)
        elif whole and coding.shape != "span":
            span = (None, None)
        annotation_id = (
            uuid.UUID(coding.coding_guid).hex
            if part == 0
            else uuid.uuid5(GUID_NAMESPACE, f"part:{coding.coding_guid}:{part}").hex
        )
        result.append(
            Annotation(
                transcript_id=source.transcript.id,
                turn_id=turns[index].id,
                code_id=coding.code_id,
                annotator=annotator,
                span_start=span[0],
                span_end=span[1],
                note=coding.note,
                strength=coding.strength,
                responds_to=responds_to,
                adjudicated=coding.adjudicated,
                id=annotation_id,
                created=created,
                updated=updated,
            )
        )
    return result


# --------------------------------------------------------------------------------------------
# Reading: the package and its XML, safely
# --------------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the XML parser's callbacks; turned into a RefiError."""


def _parse_xml(data: bytes) -> ElementTree.Element:
    """Parse XML with expat, refusing any document type declaration (hence any entity)."""
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0

    def name(raw: str) -> str:
        namespace, _, local = raw.rpartition(" ")
        return f"{{{namespace}}}{local}" if namespace else local

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > _MAX_XML_DEPTH:
            raise _Refused(f"elements nest deeper than {_MAX_XML_DEPTH} levels")
        builder.start(name(tag), {name(k): v for k, v in attrs.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(name(tag))

    def refuse_doctype(*args: object) -> None:
        raise _Refused("it has a document type declaration (<!DOCTYPE>), which is refused")

    def refuse_entity(*args: object) -> int:
        raise _Refused("it refers to an external entity, which is refused")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.ExternalEntityRefHandler = refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    parser.Parse(data, True)
    return builder.close()


def _qualified(local: str) -> str:
    return f"{{{PROJECT_NAMESPACE}}}{local}"


def _children(element: ElementTree.Element, local: str) -> list[ElementTree.Element]:
    return element.findall(_qualified(local))


def _child_text(element: ElementTree.Element, local: str) -> str:
    child = element.find(_qualified(local))
    return "" if child is None or child.text is None else child.text


class _Reader:
    """Reads one ``.qdpx`` package; every error names the package, the member and the element."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.total = 0
        self.skipped: list[str] = []
        self.coding_guids: set[str] = set()

    def error(self, reason: str, where: str | None = None) -> RefiError:
        return RefiError(reason, str(self.path), where)

    # -- the package -----------------------------------------------------------------------

    def check_entries(self) -> dict[str, zipfile.ZipInfo]:
        infos = self.archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise self.error(f"it holds {len(infos):,} files; at most {MAX_ENTRIES:,} are read")
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            unix = name.replace("\\", "/")
            if unix.startswith("/") or re.match(r"[A-Za-z]:", unix) or ".." in unix.split("/"):
                raise self.error(
                    "the package holds a file with an absolute path or '..' in its name; it is "
                    "refused",
                    f"entry {name[:200]!r}",
                )
            if unix in entries:
                raise self.error(
                    "the package holds two files of this name", f"entry {name[:200]!r}"
                )
            entries[unix] = info
        return entries

    def member(self, info: zipfile.ZipInfo, cap: int) -> bytes:
        where = info.filename
        if info.flag_bits & 0x1:
            raise self.error("the file is encrypted; export the project without a password", where)
        if info.file_size > cap:
            raise self.error(f"the file is larger than {cap:,} bytes; it is not read", where)
        try:
            with self.archive.open(info) as handle:
                data = _read_capped(handle, cap)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise self.error(f"the file cannot be unpacked ({exc})", where) from None
        if data is None:
            raise self.error(f"the file is larger than {cap:,} bytes; it is not read", where)
        self.total += len(data)
        if self.total > MAX_PACKAGE_BYTES:
            raise self.error(f"the package unpacks to more than {MAX_PACKAGE_BYTES:,} bytes")
        return data

    def project_entry(self, entries: Mapping[str, zipfile.ZipInfo]) -> zipfile.ZipInfo:
        if "project.qde" in entries:
            return entries["project.qde"]
        candidates = [n for n in entries if "/" not in n and n.lower().endswith(".qde")]
        if len(candidates) == 1:
            return entries[candidates[0]]
        raise self.error("no project.qde inside; is this a REFI-QDA project (.qdpx)?")

    # -- the project -----------------------------------------------------------------------

    def read(self) -> RefiProject:
        entries = self.check_entries()
        info = self.project_entry(entries)
        member = info.filename
        try:
            root = _parse_xml(self.member(info, MAX_PROJECT_BYTES))
        except _Refused as exc:
            raise self.error(str(exc), member) from None
        except expat.ExpatError as exc:
            raise self.error(
                f"not well-formed XML ({expat.ErrorString(exc.code)})",
                f"{member}: line {exc.lineno}, column {exc.offset}",
            ) from None
        if root.tag != _qualified("Project"):
            raise self.error(
                f"the root element is {root.tag!r}, not Project in the namespace "
                f"{PROJECT_NAMESPACE}",
                member,
            )
        name = root.get("name") or self.path.stem
        users = self.users(root, member)
        codebook, codes = self.codebook(root, member, name)
        roles_guids = {
            v.get("guid", "")
            for v in root.findall(f"{_qualified('Variables')}/{_qualified('Variable')}")
            if v.get("name") == _ROLES_VARIABLE
        }
        sources: list[RefiSource] = []
        codings: list[RefiCoding] = []
        names: dict[str, str] = {}
        for sources_node in _children(root, "Sources"):
            for element in sources_node:
                kind = element.tag.rpartition("}")[2]
                guid = element.get("guid", "")
                if kind != "TextSource":
                    self.skipped.append(
                        f"{kind} {element.get('name', guid)!r} ({guid}): not a text source"
                    )
                    continue
                source = self.source(element, entries, member, roles_guids)
                if source is None:
                    continue
                if source.name in names:
                    raise self.error(
                        f"two text sources are named {source.name!r} ({names[source.name]} and "
                        f"{source.guid}); transcript ids must be unique: rename one",
                        member,
                    )
                names[source.name] = source.guid
                sources.append(source)
                codings.extend(self.codings(element, source, users, codes, member))
        return RefiProject(
            name=name,
            codebook=codebook,
            users=users,
            sources=tuple(sources),
            codings=tuple(codings),
            skipped=tuple(self.skipped),
            origin=root.get("origin"),
            package=str(self.path),
        )

    def users(self, root: ElementTree.Element, member: str) -> dict[str, str]:
        users: dict[str, str] = {}
        for element in root.findall(f"{_qualified('Users')}/{_qualified('User')}"):
            guid = self.guid(element, f"{member}: User")
            users[guid] = element.get("name") or element.get("id") or guid
        return users

    def guid(self, element: ElementTree.Element, where: str) -> str:
        guid = element.get("guid")
        if not guid:
            raise self.error("the guid attribute is missing", where)
        key = guid.strip().strip("{}").lower()
        if not _GUID.fullmatch(key):
            raise self.error(f"guid {guid[:60]!r} is not a GUID", where)
        return key

    # -- codebook --------------------------------------------------------------------------

    def codebook(
        self, root: ElementTree.Element, member: str, project_name: str
    ) -> tuple[Codebook, dict[str, str]]:
        found: list[tuple[ElementTree.Element, str | None, str]] = []  # element, parent, guid

        def walk(element: ElementTree.Element, parent: str | None) -> None:
            for code in _children(element, "Code"):
                guid = self.guid(code, f"{member}: Code {code.get('name', '')[:60]!r}")
                if guid in {g for _, _, g in found}:
                    raise self.error("two codes have this guid", f"{member}: Code {guid}")
                found.append((code, parent, guid))
                walk(code, guid)

        for codes in root.findall(f"{_qualified('CodeBook')}/{_qualified('Codes')}"):
            walk(codes, None)
        marks: dict[str, re.Match[str] | None] = {}
        for code, _, guid in found:
            lines = _child_text(code, "Description").split("\n")
            marks[guid] = _CODE_MARK.fullmatch(lines[-1])
        taken_ids = {m["id"] for m in marks.values() if m is not None}
        taken_keys = {m["key"] for m in marks.values() if m is not None}
        free_keys = _spare_keys(taken_keys)
        ids: dict[str, str] = {}
        made: list[Code] = []
        for code, parent, guid in found:
            where = f"{member}: Code {guid}"
            mark = marks[guid]
            label = " ".join((code.get("name") or "").split())
            if not label:
                raise self.error("the code has no name", where)
            description = _child_text(code, "Description").split("\n")
            example = ""
            if mark is not None:  # written by export_qdc / export_qdpx: definition, example, mark
                description = description[:-1]
                if len(description) == 2 and description[1].startswith("Example: "):
                    example = description.pop()[len("Example: ") :]
            definition = " ".join(" ".join(description).split()) or label
            if mark is not None:
                code_id, key = mark["id"], mark["key"]
            else:
                base = _slug(label)
                if parent is not None:
                    base = f"{ids[parent]}.{base}"
                code_id, n = base, 1
                while code_id in taken_ids:
                    n += 1
                    code_id = f"{base}-{n}"
                spare = next(free_keys, None)
                if spare is None:  # beyond any real codebook: ~130,000 letters
                    raise self.error(
                        f"the codebook has more codes than an attune codebook has keys "
                        f"({len(found)} codes)",
                        where,
                    )
                key = spare
            taken_ids.add(code_id)
            ids[guid] = code_id
            try:
                made.append(
                    Code(
                        id=code_id,
                        label=label,
                        definition=definition,
                        example=" ".join(example.split()),
                        colour=_colour(code.get("color")),
                        key=key,
                        parent=None if parent is None else ids[parent],
                    )
                )
            except CodebookError as exc:
                raise self.error(exc.reason, f"{where}: {exc.where}") from None
        orders = [m["order"] if m is not None else None for m in marks.values()]
        if made and all(orders):
            # Written by attune-jupyter: give the codes back their codebook order (the tree
            # above lists them family by family).
            position = {code.id: int(o or 0) for code, o in zip(made, orders, strict=True)}
            made.sort(key=lambda code: position[code.id])
        codebook_id, version, book_name = _slug(project_name), "1.0.0", project_name
        for line in _child_text(root, "Description").split("\n"):
            if (m := _CODEBOOK_MARK.fullmatch(line)) is not None:
                codebook_id, version, book_name = m["id"], m["version"], m["name"]
        try:
            return (
                Codebook(codebook_id, " ".join(book_name.split()) or codebook_id, version, made),
                ids,
            )
        except CodebookError as exc:
            raise self.error(exc.reason, f"{member}: CodeBook: {exc.where or ''}") from None

    # -- sources ---------------------------------------------------------------------------

    def source(
        self,
        element: ElementTree.Element,
        entries: Mapping[str, zipfile.ZipInfo],
        member: str,
        roles_guids: set[str],
    ) -> RefiSource | None:
        guid = self.guid(element, f"{member}: TextSource")
        name = element.get("name") or guid
        where = f"{member}: TextSource {guid}"
        content = element.find(_qualified("PlainTextContent"))
        path = element.get("plainTextPath")
        if content is not None:
            raw = content.text or ""
            text_where = where
        elif path:
            text_where = self.source_member(path, where)
            info = entries.get(text_where)
            if info is None:
                raise self.error(f"its text file {text_where!r} is not in the package", where)
            data = self.member(info, MAX_SOURCE_BYTES)
            try:
                raw = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise self.error(
                    f"not UTF-8 text (byte {exc.start} cannot be decoded)", text_where
                ) from None
        else:
            self.skipped.append(f"TextSource {name!r} ({guid}): no plain text in the package")
            return None
        text = normalise_text(raw)
        roles = self.roles(element, roles_guids, where)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                transcript = parse_transcript(
                    text, "text", roles=dict(roles) or None, id=name, source=text_where
                )
        except TranscriptError as exc:
            raise self.error(
                f"its text is not 'Speaker: text' lines ({exc.reason}"
                + (f", line {exc.line}" if exc.line else "")
                + ")",
                where,
            ) from None
        pieces, extents = _align(text, transcript)
        return RefiSource(guid, name, text, transcript, roles, extents, pieces)

    def source_member(self, path: str, where: str) -> str:
        scheme, _, rest = path.partition("://")
        if scheme != "internal":
            raise self.error(
                f"its text is at {path[:200]!r}, outside the package; export the project with "
                "its sources inside",
                where,
            )
        if not rest or "/" in rest or "\\" in rest or rest in (".", ".."):
            raise self.error(f"plainTextPath {path[:200]!r} is not a file name", where)
        return f"sources/{rest}"

    def roles(
        self, element: ElementTree.Element, roles_guids: set[str], where: str
    ) -> dict[str, str]:
        for value in _children(element, "VariableValue"):
            ref = value.find(_qualified("VariableRef"))
            if ref is None or (ref.get("targetGUID") or "").strip("{}").lower() not in roles_guids:
                continue
            try:
                roles = json.loads(_child_text(value, "TextValue"))
            except ValueError:
                roles = None
            if not isinstance(roles, dict) or not all(
                isinstance(k, str) and v in ROLES for k, v in roles.items()
            ):
                raise self.error(
                    f"the variable {_ROLES_VARIABLE!r} is not JSON mapping speakers to "
                    f"{', '.join(ROLES)}",
                    where,
                )
            return roles
        return {}

    # -- codings ---------------------------------------------------------------------------

    def codings(
        self,
        element: ElementTree.Element,
        source: RefiSource,
        users: Mapping[str, str],
        codes: Mapping[str, str],
        member: str,
    ) -> Iterator[RefiCoding]:
        if _children(element, "Coding"):
            self.skipped.append(
                f"TextSource {source.name!r} ({source.guid}): codings of the whole source"
            )
        for selection in _children(element, "PlainTextSelection"):
            guid = self.guid(selection, f"{member}: PlainTextSelection")
            where = f"{member}: PlainTextSelection {guid}"
            start = self.position(selection, "startPosition", where)
            end = self.position(selection, "endPosition", where)
            if end < start:
                raise self.error(f"endPosition {end} is before startPosition {start}", where)
            if end > len(source.text):
                raise self.error(
                    f"endPosition {end} is past the end of the source text "
                    f"({len(source.text)} characters)",
                    where,
                )
            description = _child_text(selection, "Description")
            note, _, last = description.rpartition("\n")
            mark = _SELECTION_MARK.fullmatch(last)
            if mark is None:
                note = description
            shape: Literal["turn", "span", "pair"] | None = None
            responds_to = strength = None
            adjudicated = False
            if mark is not None:
                shape = (
                    "pair" if mark["turn"] else "turn" if mark["shape"] == "whole turn" else "span"
                )
                responds_to = int(mark["turn"]) if mark["turn"] else None
                strength = int(mark["strength"]) if mark["strength"] else None
                if strength is not None and strength not in STRENGTHS:
                    raise self.error(f"strength {strength} is not one of 1, 2, 3", where)
                adjudicated = mark["adjudicated"] is not None
            selection_user = self.user_ref(selection, users, where)
            selection_created = self.when(selection, "creationDateTime", where)
            updated = self.when(selection, "modifiedDateTime", where)
            for coding in _children(selection, "Coding"):
                coding_guid = self.guid(coding, f"{where}: Coding")
                coding_where = f"{where}: Coding {coding_guid}"
                if coding_guid in self.coding_guids:
                    # Annotations are named after their codings: two of one name cannot both
                    # be imported, and choosing one would drop the other unnoticed.
                    raise self.error(
                        "another Coding of the project has the same guid; every coding needs "
                        "its own GUID (the file was damaged or edited by hand)",
                        coding_where,
                    )
                self.coding_guids.add(coding_guid)
                ref = coding.find(_qualified("CodeRef"))
                target = "" if ref is None else (ref.get("targetGUID") or "").strip("{}").lower()
                if target not in codes:
                    raise self.error(
                        "its CodeRef names no code of the project's codebook", coding_where
                    )
                created = self.when(coding, "creationDateTime", coding_where) or selection_created
                yield RefiCoding(
                    source_guid=source.guid,
                    selection_guid=guid,
                    coding_guid=coding_guid,
                    start=start,
                    end=end,
                    code_id=codes[target],
                    user=self.user_ref(coding, users, coding_where) or selection_user,
                    note=note,
                    shape=shape,
                    responds_to_turn=responds_to,
                    strength=strength,
                    adjudicated=adjudicated,
                    created=created,
                    updated=updated or created,
                )

    def position(self, element: ElementTree.Element, name: str, where: str) -> int:
        value = element.get(name)
        if value is None or not value.strip().isdigit():
            raise self.error(f"{name} {value!r} is not a whole number of 0 or more", where)
        return int(value)

    def user_ref(
        self, element: ElementTree.Element, users: Mapping[str, str], where: str
    ) -> str | None:
        guid = element.get("creatingUser")
        if not guid:
            return None
        key = guid.strip("{}").lower()
        if key not in users:
            raise self.error(f"creatingUser {guid} is not one of the project's users", where)
        return users[key]

    def when(self, element: ElementTree.Element, name: str, where: str) -> datetime | None:
        value = element.get(name)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
        except ValueError:
            raise self.error(f"{name} {value[:40]!r} is not a date and time", where) from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


_KEY_CANDIDATES: Final = (
    string.digits + string.ascii_lowercase + string.ascii_uppercase + string.punctuation
)

#: Where the keys beyond the keyboard's start (U+00C0, "À").
_FIRST_EXTRA_KEY: Final = 0xC0


def _spare_keys(taken: set[str]) -> Iterator[str]:
    """Keys for the codes of other programs' codebooks, in the order they are given out.

    First the keyboard's digits, lower-case letters, upper-case letters and punctuation (not
    taken, not reserved by the annotator): about 85 keys. Codebooks with more codes (NVivo
    projects often have hundreds) go on with letters beyond ASCII, in code-point order from
    U+00C0: ``À Á Â ... ÿ Ā ā ...``, then other alphabets (letters whose NFC form is
    themselves, so that a key never changes when text is normalised). Many keyboards cannot
    type those: such codes are applied from the annotator's codebook panel, or given other keys
    with :meth:`Codebook.rekeyed <attune_jupyter.core.codebook.Codebook.rekeyed>`.
    """
    for key in _KEY_CANDIDATES:
        if key not in taken and key not in RESERVED_KEYS:
            yield key
    for point in range(_FIRST_EXTRA_KEY, sys.maxunicode + 1):
        key = chr(point)
        if (
            key.isalpha()
            and key.isprintable()
            and unicodedata.normalize("NFC", key) == key
            and key not in taken
            and key not in RESERVED_KEYS
        ):
            yield key


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "code"


def _colour(value: str | None) -> str:
    if value is None:
        return _DEFAULT_COLOUR
    value = value.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:]).lower()
    return _DEFAULT_COLOUR


def _read_capped(handle: IO[bytes], cap: int) -> bytes | None:
    data = handle.read(cap + 1)
    return None if len(data) > cap else data


def _align(
    text: str, transcript: Transcript
) -> tuple[tuple[tuple[tuple[int, int, int], ...], ...], tuple[tuple[int, int], ...]]:
    """Where each line of each turn's text sits in ``text``.

    The text reader keeps each non-blank line of the source stripped (without its speaker label
    and time stamp) and joins a turn's lines with ``"\\n"``, so each line of a turn's text is
    the end of the next source line whose stripped text ends with it. Returns, per turn, its
    pieces ``(start in text, start in the turn's text, length)`` and its extent ``(start, end)``.
    """
    lines = text.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    next_line = 0
    pieces: list[tuple[tuple[int, int, int], ...]] = []
    extents: list[tuple[int, int]] = []
    for turn in transcript.turns:
        turn_pieces: list[tuple[int, int, int]] = []
        offset = 0
        for wanted in turn.text.split("\n"):
            start = line_starts[next_line - 1] + len(lines[next_line - 1]) if next_line else 0
            while next_line < len(lines):
                raw = lines[next_line]
                next_line += 1
                stripped = raw.strip()
                if stripped and stripped.endswith(wanted):
                    lead = len(raw) - len(raw.lstrip())
                    start = line_starts[next_line - 1] + lead + len(stripped) - len(wanted)
                    break
            turn_pieces.append((start, offset, len(wanted)))
            offset += len(wanted) + 1
        pieces.append(tuple(turn_pieces))
        extents.append((turn_pieces[0][0], turn_pieces[-1][0] + turn_pieces[-1][2]))
    return tuple(pieces), tuple(extents)


def read_qdpx(path: str | os.PathLike[str]) -> RefiProject:
    """Read a REFI-QDA project (``.qdpx``) into plain values, without writing anything.

    Text sources are read as ``Speaker: text`` lines into turns (see the module docstring);
    other kinds of source (PDF, pictures, audio, video) are listed in
    :attr:`RefiProject.skipped`.

    Raises
    ------
    RefiError
        When the file is not a zip, has unsafe entry names, is too large, its XML is not
        well-formed or has a document type declaration, or an element is not valid (two codes
        or two codings with one GUID, among others): the message names the file inside the
        package and the element.
    OSError
        When the file cannot be read.
    """
    target = Path(path)
    try:
        archive = zipfile.ZipFile(target)
    except zipfile.BadZipFile:
        raise RefiError("not a REFI-QDA project: it is not a zip package", str(target)) from None
    with archive:
        project = _Reader(target, archive).read()
    log.debug(
        "read a REFI-QDA project: %d sources, %d codings",
        len(project.sources),
        len(project.codings),
    )
    return project


# --------------------------------------------------------------------------------------------
# Importing into a store
# --------------------------------------------------------------------------------------------


#: How many annotation ids :func:`import_qdpx` looks up one by one in the store's history;
#: beyond this it reads the whole history once.
_HISTORY_LOOKUPS: Final = 100

#: The fields compared to decide whether a coding is "already there" (times are not: other
#: programs rewrite them).
_COMPARED: Final = (
    ("transcript", ("transcript_id",)),
    ("turn", ("turn_id",)),
    ("span", ("span_start", "span_end")),
    ("code", ("code_id",)),
    ("annotator", ("annotator",)),
    ("note", ("note",)),
    ("strength", ("strength",)),
    ("pair", ("responds_to",)),
    ("adjudication", ("adjudicated",)),
)


@dataclass(frozen=True)
class QdpxImport:
    """What :func:`import_qdpx` did.

    Attributes
    ----------
    project:
        The project as read (its codebook is :attr:`codebook`).
    transcript_ids:
        The file's transcripts, in file order: imported now, or already in the store (their
        codings then went onto the stored turns).
    annotations:
        The annotations added now, as stored.
    already_there:
        Ids of the codings not added because the store already holds them with the same
        content (the file, or the project it was exported from, was imported before or came
        from this store), in file order.
    deleted_in_store:
        Ids of the codings whose annotation was deleted in the store (with the same content):
        not brought back.
    """

    project: RefiProject
    transcript_ids: tuple[str, ...]
    annotations: tuple[Annotation, ...]
    already_there: tuple[str, ...] = ()
    deleted_in_store: tuple[str, ...] = ()

    @property
    def codebook(self) -> Codebook:
        """The project's codebook; the imported annotations use its code ids."""
        return self.project.codebook

    @property
    def added(self) -> int:
        """How many annotations were added."""
        return len(self.annotations)

    @property
    def skipped(self) -> int:
        """How many codings were not added: already there, or deleted in the store."""
        return len(self.already_there) + len(self.deleted_in_store)

    def summary(self) -> str:
        """One sentence saying what was imported, for example ``"2 transcripts: 5 codings
        added, 3 already in the store"``."""
        n = len(self.transcript_ids)
        parts = [f"{self.added} coding{'' if self.added == 1 else 's'} added"]
        if self.already_there:
            parts.append(f"{len(self.already_there)} already in the store")
        if self.deleted_in_store:
            parts.append(f"{len(self.deleted_in_store)} deleted in the store (not brought back)")
        return f"{n} transcript{'' if n == 1 else 's'}: " + ", ".join(parts)


@dataclass(frozen=True)
class _Placement:
    """Where the turns of a source are in the stored transcript of the same id."""

    stored: Transcript
    turn_ids: Mapping[str, str]  # turn id as read (t1, t2, ...) -> the stored turn's id


def _text_difference(read: Transcript, stored: Transcript) -> str | None:
    """How the turns read from a source differ from a stored transcript (speakers and text,
    line endings normalised), without quoting either; None when they match."""
    if len(read.turns) != len(stored.turns):
        return f"it has {len(read.turns)} turns, the stored transcript {len(stored.turns)}"
    for number, (mine, theirs) in enumerate(zip(read.turns, stored.turns, strict=True), 1):
        if mine.speaker != theirs.speaker:
            return f"turn {number} has another speaker label"
        if mine.text != _normalised_newlines(theirs.text):
            return f"the text of turn {number} differs"
    return None


def _stored_offset(text: str, position: int) -> int:
    """The code point of ``text`` (which may hold CRLF) at ``position`` of its normalised form
    (every CRLF one ``"\\n"``; a lone CR stays one character)."""
    shift = 0
    for match in re.finditer("\r\n", text):
        if match.start() - shift >= position:  # where this line break is once normalised
            break
        shift += 1
    return position + shift


def _placed(
    a: Annotation, coding: RefiCoding, placement: _Placement, read: Transcript, package: str
) -> Annotation:
    """``a`` (made on the turns as read) on the stored transcript's turns and text."""
    turn = placement.stored.turn(placement.turn_ids[a.turn_id])
    responds_to = None if a.responds_to is None else placement.turn_ids[a.responds_to]
    if a.span_start is None or a.span_end is None:
        return replace(a, turn_id=turn.id, responds_to=responds_to)
    start = _stored_offset(turn.text, a.span_start)
    end = _stored_offset(turn.text, a.span_end)
    covered = read.turn(a.turn_id).text[a.span_start : a.span_end]
    if not (0 <= start < end <= len(turn.text)) or (
        _normalised_newlines(turn.text[start:end]) != covered
    ):
        raise RefiError(
            f"its span does not cover the same characters of the stored transcript "
            f"{a.transcript_id!r}; nothing was imported",
            package,
            f"project.qde: PlainTextSelection {coding.selection_guid}",
        )
    return replace(a, turn_id=turn.id, responds_to=responds_to, span_start=start, span_end=end)


def _normalised_offset(text: str, position: int) -> int:
    """Where ``position`` of ``text`` is once every CRLF is one ``"\\n"`` (a position between
    the CR and the LF is where the line break is, as :func:`export_qdpx` counts it)."""
    crlf = [match.start() for match in re.finditer("\r\n", text)]
    return position - bisect_left(crlf, position)


def _differences(mine: Annotation, held: Annotation, turn_text: str | None) -> list[str]:
    """What differs between two annotations (field names, never values). ``turn_text`` is the
    stored text of ``mine``'s turn, when the store holds it: spans are compared as
    :func:`export_qdpx` writes them (counted in the normalised text)."""
    found = []
    for what, names in _COMPARED:
        for name in names:
            ours, theirs = getattr(mine, name), getattr(held, name)
            if name == "note":
                ours, theirs = _normalised_newlines(ours), _normalised_newlines(theirs)
            elif name.startswith("span_") and turn_text is not None and None not in (ours, theirs):
                ours = _normalised_offset(turn_text, ours)
                theirs = _normalised_offset(turn_text, theirs)
            if ours != theirs:
                found.append(what)
                break
    return found


def _held_annotations(
    store: Store, annotations: Sequence[Annotation]
) -> tuple[dict[str, Annotation], set[str]]:
    """The store's annotations with the ids of ``annotations``: id -> the live annotation or,
    for a deleted one, its last state; and the ids that were deleted."""
    wanted = {a.id for a in annotations}
    held: dict[str, Annotation] = {}
    for transcript_id in dict.fromkeys(a.transcript_id for a in annotations):
        for live in store.annotation_list(transcript_id=transcript_id):
            if live.id in wanted:
                held[live.id] = live
    unknown = sorted(wanted.difference(held))
    if not unknown:
        return held, set()
    if len(unknown) <= _HISTORY_LOOKUPS:
        frames = [store.history(annotation_id) for annotation_id in unknown]
        history = pd.concat(frames, ignore_index=True)
    else:
        history = store.history()
        history = history.loc[history["annotation_id"].isin(unknown)]
    if history.empty:
        return held, set()
    history = history.sort_values("event_id", kind="stable")
    last = history.drop_duplicates("annotation_id", keep="last")
    for state in annotations_from_frame(last):
        held[state.id] = state
    deleted = set(last.loc[last["action"] == "delete", "annotation_id"])
    return held, deleted


def import_qdpx(
    path: str | os.PathLike[str],
    store: Store,
    *,
    by: str,
    on_crossing: Literal["error", "split"] = "error",
) -> QdpxImport:
    """Import a REFI-QDA project's transcripts and codings into a store.

    Each text source becomes a transcript (its id is the source's name; its turns are read from
    the text as ``Speaker: text`` lines) and each coding of a text selection an annotation (see
    :meth:`RefiProject.annotations`), named after the coding's GUID. The codebook is returned,
    not stored: save it where the course keeps its codebooks.

    A file exported from this store (or from another store holding the same transcripts) comes
    back into it: export, code in NVivo, ATLAS.ti, MAXQDA or QualCoder, import. When the store
    already holds a transcript with a source's name, the source's text must be that
    transcript's text (the same number of turns, the same speakers, the same text once line
    endings are normalised); the codings then go onto the stored transcript's turns, their
    spans counted in the stored text (a CRLF inside a turn is two characters there). Codings
    already in the store (an annotation with the coding's GUID and the same moment, code,
    annotator, note, strength and adjudication) are not added again: importing a file twice
    changes nothing the second time. The result says how many were added and skipped.

    Everything is checked before the first write, so a refused file leaves the store as it was:
    the package and its XML, every GUID (no two codings may share one), every selection, each
    source against the transcript the store holds under its name, and each coding against an
    annotation the store holds under its GUID. The transcripts and annotations are then written
    in one transaction (:meth:`Store.import_coded`), so a failure while writing leaves nothing
    behind either.

    Parameters
    ----------
    path:
        The ``.qdpx`` file.
    store:
        Where to import.
    by:
        Who imports (recorded in the store's audit record; also the annotator of codings that
        name no user).
    on_crossing:
        What to do with a selection that crosses turns (see :meth:`RefiProject.annotations`).

    Returns
    -------
    QdpxImport
        The project read, the transcript ids, the annotations added as stored, and the ids of
        the codings skipped (:meth:`QdpxImport.summary` says it in one sentence).

    Raises
    ------
    RefiError
        When the file cannot be read, two codings share a GUID, or a selection cannot be mapped
        to a turn (the message names the file inside the package and the element).
    attune_jupyter.store.TranscriptConflictError
        When the store holds a transcript with a source's name and the source's text differs
        from it (the message names the source and how it differs, never the text).
    attune_jupyter.store.StoreError
        When the store holds an annotation with a coding's GUID but other content, or the
        store fails.
    """
    from attune_jupyter.store.base import StoreError, TranscriptConflictError

    if not isinstance(by, str) or not by.strip():
        raise ValueError(f"by must be a non-empty string, got {by!r}")
    if on_crossing not in ("error", "split"):
        raise ValueError(f"on_crossing must be 'error' or 'split', not {on_crossing!r}")
    # 1. The file: package, XML, GUIDs (also of codings), offsets, codes and users.
    project = read_qdpx(path)
    package = project.package or str(path)
    # 2. Every selection as annotations of the turns read from its source.
    sources = {source.guid: source for source in project.sources}
    made = [
        (coding, a)
        for coding in project.codings
        for a in _coding_annotations(coding, sources[coding.source_guid], by, on_crossing, project)
    ]
    first_coding: dict[str, RefiCoding] = {}
    for coding, a in made:
        other = first_coding.setdefault(a.id, coding)
        if other is not coding:
            raise _selection_error(
                project,
                coding,
                f"coding {coding.coding_guid} would make annotation {a.id}, which coding "
                f"{other.coding_guid} makes too; nothing was imported",
            )
    # 3. Each source against what the store holds under its name.
    registered = store.transcripts()
    known = {
        row.transcript_id: (row.fingerprint, bool(row.text_stored))
        for row in registered.itertuples(index=False)
    }
    to_import: list[RefiSource] = []
    placements: dict[str, _Placement] = {}
    for source in project.sources:
        read = source.transcript
        if source.name not in known:
            to_import.append(source)
            continue
        fingerprint, text_stored = known[source.name]
        where = f"{package}: source {source.name!r} ({source.guid})"
        if not text_stored:
            if fingerprint != read.fingerprint():
                raise TranscriptConflictError(
                    f"{where}: the store has registered a transcript {source.name!r} with other "
                    "content and does not hold its text, so the codings cannot be placed on its "
                    "turns; nothing was imported. Import that transcript's file first, or rename "
                    "the source in the other program to import it as a new transcript"
                )
            to_import.append(source)  # the same content: the store keeps its text now
            continue
        stored = store.transcript(source.name)
        problem = _text_difference(read, stored)
        if problem is not None:
            raise TranscriptConflictError(
                f"{where}: the store already holds a transcript {source.name!r}, and the text of "
                f"this source differs from it ({problem}); its codings cannot be placed on the "
                "stored turns, and nothing was imported. If the text was edited in the other "
                "program, import the file into another store; if it is another session, rename "
                "the source there so that it becomes a new transcript"
            )
        turn_ids = {m.id: t.id for m, t in zip(read.turns, stored.turns, strict=True)}
        placements[source.name] = _Placement(stored, turn_ids)
    by_name = {source.name: source for source in project.sources}
    annotations: list[tuple[RefiCoding, Annotation]] = []
    for coding, a in made:
        placement = placements.get(a.transcript_id)
        if placement is not None:
            a = _placed(a, coding, placement, by_name[a.transcript_id].transcript, package)
        annotations.append((coding, a))
    # 4. Each coding against an annotation the store holds under its GUID.
    held, deleted = _held_annotations(store, [a for _, a in annotations])
    new: list[Annotation] = []
    already: list[str] = []
    gone: list[str] = []
    for coding, a in annotations:
        existing = held.get(a.id)
        if existing is None:
            new.append(a)
            continue
        placement = placements.get(a.transcript_id)
        turn_text = None if placement is None else placement.stored.turn(a.turn_id).text
        differences = _differences(a, existing, turn_text)
        if differences:
            state = "a deleted annotation" if a.id in deleted else "an annotation"
            raise StoreError(
                f"{package}: coding {coding.coding_guid}: the store holds {state} with this "
                f"GUID ({a.id}) but another {', '.join(differences)}; the file and the store "
                "disagree about this coding, and nothing was imported. Remove or redo the "
                "coding in the other program (or export the store again to start from its "
                "current annotations), then import again"
            )
        (gone if a.id in deleted else already).append(a.id)

    # Every check has passed: write.
    name = Path(path).name
    # One transaction: a failure here (a concurrent writer, a lost connection) writes nothing.
    stored_annotations = tuple(
        store.import_coded(
            [source.transcript for source in to_import],
            new,
            by,
            sources=[f"{name}:{source.guid}" for source in to_import],
        )
    )
    result = QdpxImport(
        project,
        tuple(source.name for source in project.sources),
        stored_annotations,
        tuple(already),
        tuple(gone),
    )
    log.info(
        "imported a REFI-QDA project: %d transcripts (%d new), %d annotations added, "
        "%d already in the store, %d deleted in the store",
        len(result.transcript_ids),
        len(to_import),
        result.added,
        len(already),
        len(gone),
    )
    return result
