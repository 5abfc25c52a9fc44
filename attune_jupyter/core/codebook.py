"""Codebooks: the codes a supervisor applies to moments of a transcript.

This module owns the codebook file format (``"format": "attune-codebook"``, ``format_version`` 1),
its validation, the packaged default codebook and immutable editing. A codebook is a flat list of
codes in file order; a code with ``parent: null`` is a family (attunement, rigidity and detachment
in the default codebook) and any other code hangs below its parent, to any depth.

Everything here is plain Python on plain data: no server, widget or database is involved, and
every editing helper returns a new :class:`Codebook`.

A codebook file looks like this (two codes shown)::

    {
      "format": "attune-codebook",
      "format_version": 1,
      "id": "attune-default",
      "name": "Attune default codebook",
      "version": "1.0.0",
      "codes": [
        {"id": "attunement", "label": "Attunement", "definition": "...", "example": "...",
         "colour": "#268436", "key": "a", "parent": null},
        {"id": "attunement.validation", "label": "Validating a feeling", "definition": "...",
         "example": "...", "colour": "#3e9f35", "key": "1", "parent": "attunement"}
      ]
    }
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from os import PathLike
from types import MappingProxyType
from typing import Any, NoReturn

from attune_jupyter.core.files import parse_json_document, read_utf8_text, write_atomically

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "RESERVED_KEYS",
    "Code",
    "Codebook",
    "CodebookError",
]

#: Value of the ``format`` field that marks a codebook file.
FORMAT = "attune-codebook"

#: The file format version this module writes, and the newest it reads.
FORMAT_VERSION = 1

#: Keys the annotator keeps for itself, with the reason shown when a codebook tries to use one.
#: The annotator's own commands (extension/widgets/annotator/) use them, so no code may.
RESERVED_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "j": "j/k move between turns",
        "k": "j/k move between turns",
        "n": "n adds a note to the current moment",
        "u": "u undoes the last change",
        "z": "z redoes the last undone change",
        "?": "? shows the keyboard help",
        " ": "space selects the current turn",
        "v": "v pairs a therapist turn with the client turn it answers",
        "/": "/ searches the transcript",
    }
)

_PACKAGE = "attune_jupyter.core"
_DEFAULT_FILE = ("data", "default_codebook.json")

_TOP_FIELDS = ("format", "format_version", "id", "name", "version", "codes")
_CODE_FIELDS = ("id", "label", "definition", "example", "colour", "key", "parent")

_ID_RE = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")

#: Upgrades of older file formats: ``_UPGRADES[n]`` turns a ``format_version`` *n* document into
#: a ``format_version`` *n + 1* one (it may return a new dict or change the one it is given).
#: When FORMAT_VERSION is raised, add the step from the previous version here.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class CodebookError(ValueError):
    """A codebook (a file, a dict or an edit) is not valid.

    The message says where the problem is (the file, then the field, such as ``codes[3].key``) and
    what is wrong, so that a supervisor can open the file and fix it.

    Attributes
    ----------
    reason:
        What is wrong, without the location.
    source:
        The file or object concerned (a path as given, or a description such as
        ``"codebook 'attune-default'"``), or None.
    where:
        The field (``"codes[3].key"``) or the position in the file (``"line 4, column 9"``), or
        None when the problem concerns the whole document.
    """

    def __init__(self, reason: str, source: str | None = None, where: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.where = where
        parts = [source or "<codebook>"]
        if where:
            parts.append(where)
        parts.append(reason)
        super().__init__(": ".join(parts))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, self.source, self.where))


# --------------------------------------------------------------------------------------------
# Field rules, shared by Code (built in Python) and Codebook.from_dict (built from a file)
# --------------------------------------------------------------------------------------------


def _kind(value: object) -> str:
    """How a value would be described in JSON terms, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _id_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_kind(value)}"
    if not _ID_RE.fullmatch(value):
        return (
            f"{value!r} is not a valid id: use lower-case letters and digits, joined by '.', '-' "
            "or '_' (for example 'attunement.validation')"
        )
    return None


def _line_problem(value: object, *, allow_empty: bool = False) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_kind(value)}"
    if not allow_empty and not value.strip():
        return "must not be empty"
    if "\n" in value or "\r" in value:
        return "must be a single line (no line breaks)"
    return None


def _text_problem(value: object) -> str | None:
    return _line_problem(value)


def _example_problem(value: object) -> str | None:
    return _line_problem(value, allow_empty=True)


def _colour_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_kind(value)}"
    if not _COLOUR_RE.fullmatch(value):
        return f"{value!r} is not a hex colour of the form '#rrggbb' (for example '#268436')"
    return None


def _key_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string of one character, got {_kind(value)}"
    if len(value) != 1:
        return f"{value!r} must be exactly one character"
    if value in RESERVED_KEYS:
        return f"{value!r} is reserved for the annotator ({RESERVED_KEYS[value]})"
    if not value.isprintable() or value.isspace():
        return f"{value!r} is not a printable character"
    return None


def _parent_problem(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"must be the id of another code or null, got {_kind(value)}"
    return None


_CODE_RULES: dict[str, Callable[[object], str | None]] = {
    "id": _id_problem,
    "label": _text_problem,
    "definition": _text_problem,
    "example": _example_problem,
    "colour": _colour_problem,
    "key": _key_problem,
    "parent": _parent_problem,
}


_HEADER_RULES: dict[str, Callable[[object], str | None]] = {
    "id": _id_problem,
    "name": _text_problem,
    "version": _text_problem,
}


def _first_code_problem(values: Mapping[str, object]) -> tuple[str, str] | None:
    """The first ``(field, reason)`` that makes these code fields invalid, or None."""
    for name, rule in _CODE_RULES.items():
        reason = rule(values[name])
        if reason is not None:
            return name, reason
    return None


def _unknown_field(name: object, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(str(name), list(known), n=1)
    suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
    return f"unknown field {name!r}{suffix}"


# --------------------------------------------------------------------------------------------
# Code
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Parameters
    ----------
    id:
        Stable identifier that annotations refer to: lower-case letters and digits joined by
        ``.``, ``-`` or ``_`` (for example ``"attunement.validation"``).
    label:
        Short name shown to annotators.
    definition:
        One line saying what the code marks.
    example:
        A short, made-up therapist line that illustrates the code (may be empty).
    colour:
        Hex colour ``"#rrggbb"`` used for the border and badge of annotated moments.
    key:
        The single printable character that applies the code in the annotator; not one of
        :data:`RESERVED_KEYS`.
    parent:
        Id of the code this one sits under, or None for a family (top-level) code.

    Raises
    ------
    CodebookError
        When a field is not valid on its own (checks that need the other codes are made by
        :class:`Codebook`).
    """

    id: str
    label: str
    definition: str
    example: str
    colour: str
    key: str
    parent: str | None = None

    def __post_init__(self) -> None:
        problem = _first_code_problem({name: getattr(self, name) for name in _CODE_FIELDS})
        if problem is not None:
            name, reason = problem
            raise CodebookError(reason, source=f"code {self.id!r}", where=name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the fields in file order."""
        return {name: getattr(self, name) for name in _CODE_FIELDS}


# --------------------------------------------------------------------------------------------
# Codebook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codebook:
    """An ordered, validated set of codes; immutable.

    Parameters
    ----------
    id:
        Identifier of the codebook (same rules as a code id), for example ``"attune-default"``.
    name:
        Human-readable name.
    version:
        The codebook's own edition, for example ``"1.0.0"``; bump it when the codes change.
        (This is not the file format version, which is :data:`FORMAT_VERSION`.)
    codes:
        The codes in file order.
    source:
        Where the codebook was read from, used in messages; not part of equality.

    Raises
    ------
    CodebookError
        When a field is invalid, two codes share an id or a key, a parent does not exist, or
        parents form a cycle.

    Notes
    -----
    Editing helpers (:meth:`with_code`, :meth:`renamed`, :meth:`rekeyed`, :meth:`nested`,
    :meth:`without`) return new codebooks and never change this one. To change the name or the
    edition use :func:`dataclasses.replace`, for example ``replace(book, version="1.1.0")``.
    """

    id: str
    name: str
    version: str
    codes: tuple[Code, ...]
    source: str | None = field(default=None, compare=False)
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _keys: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _children: Mapping[str | None, tuple[int, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __init__(
        self,
        id: str,
        name: str,
        version: str,
        codes: Iterable[Code],
        source: str | None = None,
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "codes", tuple(codes))
        object.__setattr__(self, "source", source)
        self._validate()

    # -- validation ------------------------------------------------------------------------

    def _error_source(self) -> str:
        if self.source is not None:
            return self.source
        if isinstance(self.id, str) and _ID_RE.fullmatch(self.id):
            return f"codebook {self.id!r}"
        return "<codebook>"

    def _validate(self) -> None:
        source = self._error_source()
        for name, rule in _HEADER_RULES.items():
            reason = rule(getattr(self, name))
            if reason is not None:
                raise CodebookError(reason, source, name)

        index: dict[str, int] = {}
        keys: dict[str, int] = {}
        for i, code in enumerate(self.codes):
            if not isinstance(code, Code):
                raise CodebookError(f"must be a Code, got {_kind(code)}", source, f"codes[{i}]")
            if code.id in index:
                j = index[code.id]
                raise CodebookError(
                    f"{code.id!r} is already the id of codes[{j}]; ids must be unique",
                    source,
                    f"codes[{i}].id",
                )
            index[code.id] = i
            if code.key in keys:
                j = keys[code.key]
                raise CodebookError(
                    f"{code.key!r} is already the key of {self.codes[j].id!r} (codes[{j}]); "
                    "keys must be unique",
                    source,
                    f"codes[{i}].key",
                )
            keys[code.key] = i

        children: dict[str | None, list[int]] = {None: []}
        for i, code in enumerate(self.codes):
            if code.parent is not None and code.parent not in index:
                hint = difflib.get_close_matches(code.parent, list(index), n=1)
                suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise CodebookError(
                    f"no code has the id {code.parent!r}{suffix}", source, f"codes[{i}].parent"
                )
            children.setdefault(code.parent, []).append(i)

        rooted: set[str] = set()  # ids whose chain of parents is known to end at a family
        for code in self.codes:
            chain = {code.id: None}  # an ordered set
            parent = code.parent
            while parent is not None and parent not in rooted:
                if parent in chain:
                    _raise_cycle([*chain][[*chain].index(parent) :], index, source)
                chain[parent] = None
                parent = self.codes[index[parent]].parent
            rooted.update(chain)

        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_keys", keys)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    # -- reading and writing ---------------------------------------------------------------

    @classmethod
    def default(cls) -> Codebook:
        """The codebook packaged with attune-jupyter (attunement, rigidity, detachment).

        It is read once per process from the package data with :mod:`importlib.resources`, so it
        works from an installed wheel or a zip as well as from a source checkout.
        """
        return _default_codebook()

    @classmethod
    def load(cls, path: str | PathLike[str]) -> Codebook:
        """Read and validate a codebook file.

        Parameters
        ----------
        path:
            A UTF-8 JSON file in the ``attune-codebook`` format. Files in an older
            ``format_version`` are upgraded in memory; the file itself is not changed.

        Raises
        ------
        CodebookError
            When the file is not valid; the message names the file and the field.
        OSError
            When the file cannot be read.
        """
        source = str(path)
        text = read_utf8_text(path, CodebookError)
        return cls.from_json(text, source=source)

    @classmethod
    def from_json(cls, text: str, source: str | None = None) -> Codebook:
        """Parse and validate the JSON text of a codebook file.

        Raises
        ------
        CodebookError
            When the text is not JSON (the message gives line and column) or not a valid
            codebook.
        """
        data = parse_json_document(text, source, CodebookError)
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: object, source: str | None = None) -> Codebook:
        """Build a codebook from the parsed JSON of a codebook file.

        Parameters
        ----------
        data:
            The document, as :func:`json.load` returns it.
        source:
            Where it came from, for messages (a path, or a description); None gives
            ``<codebook>``.

        Raises
        ------
        CodebookError
            When the document is not a valid codebook, is in a newer format than this version of
            attune-jupyter reads, or in an older one it cannot upgrade.
        """
        if not isinstance(data, Mapping):
            raise CodebookError(f"the top level must be a JSON object, got {_kind(data)}", source)
        doc = _upgraded(dict(data), source)

        for name in doc:
            if name not in _TOP_FIELDS:
                raise CodebookError(_unknown_field(name, _TOP_FIELDS), source, name)
        for name in _TOP_FIELDS:
            if name not in doc:
                raise CodebookError("required field is missing", source, name)
        if not isinstance(doc["codes"], list):
            raise CodebookError(
                f"must be a list of codes, got {_kind(doc['codes'])}", source, "codes"
            )

        codes: list[Code] = []
        for i, item in enumerate(doc["codes"]):
            where = f"codes[{i}]"
            if not isinstance(item, Mapping):
                raise CodebookError(f"must be an object, got {_kind(item)}", source, where)
            for name in item:
                if name not in _CODE_FIELDS:
                    raise CodebookError(
                        _unknown_field(name, _CODE_FIELDS), source, f"{where}.{name}"
                    )
            for name in _CODE_FIELDS:
                if name not in item:
                    raise CodebookError("required field is missing", source, f"{where}.{name}")
            problem = _first_code_problem(item)
            if problem is not None:
                name, reason = problem
                raise CodebookError(reason, source, f"{where}.{name}")
            codes.append(Code(**{name: item[name] for name in _CODE_FIELDS}))

        return cls(doc["id"], doc["name"], doc["version"], codes, source=source)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form in the current file format, fields in file order."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "codes": [code.to_dict() for code in self.codes],
        }

    def to_json(self) -> str:
        """The text :meth:`save` writes: indented UTF-8 JSON ending with a newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | PathLike[str]) -> None:
        """Write the codebook to ``path`` atomically.

        The text goes to a temporary file in the same folder, which then replaces ``path`` in one
        step, so readers never see a half-written codebook. An existing file keeps its
        permissions. Loading the saved file gives a codebook equal to this one, and saving a
        loaded file reproduces it byte for byte when it was written by this method.

        Raises
        ------
        OSError
            When the folder does not exist or cannot be written.
        """
        write_atomically(path, self.to_json().encode("utf-8"))

    # -- looking codes up ------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Codebook(id={self.id!r}, version={self.version!r}, codes={len(self.codes)})"

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return isinstance(code_id, str) and code_id in self._index

    def code(self, code_id: str) -> Code:
        """Return the code with this id.

        Raises
        ------
        KeyError
            When there is no such code; the message suggests a close id when there is one.
        """
        try:
            return self.codes[self._index[code_id]]
        except (KeyError, TypeError):
            hint = difflib.get_close_matches(str(code_id), list(self._index), n=1)
            suffix = f"; did you mean {hint[0]!r}?" if hint else ""
            raise KeyError(f"codebook {self.id!r} has no code {code_id!r}{suffix}") from None

    def by_key(self, key: str) -> Code | None:
        """The code bound to this key (case-sensitive), or None when no code uses it."""
        i = self._keys.get(key)
        return None if i is None else self.codes[i]

    def families(self) -> tuple[Code, ...]:
        """The top-level codes (those without a parent), in file order."""
        return tuple(self.codes[i] for i in self._children[None])

    def children(self, code_id: str) -> tuple[Code, ...]:
        """The codes directly below ``code_id``, in file order.

        Raises
        ------
        KeyError
            When there is no such code.
        """
        self.code(code_id)
        return tuple(self.codes[i] for i in self._children.get(code_id, ()))

    def family_of(self, code_id: str) -> str:
        """The id of the top-level code above ``code_id`` (a family code is its own family).

        Raises
        ------
        KeyError
            When there is no such code.
        """
        code = self.code(code_id)
        while code.parent is not None:
            code = self.code(code.parent)
        return code.id

    def available_keys(self) -> tuple[str, ...]:
        """Keys a new code could use: digits, letters and punctuation not taken or reserved."""
        candidates = string.digits + string.ascii_lowercase + string.ascii_uppercase
        candidates += string.punctuation
        return tuple(k for k in candidates if k not in self._keys and k not in RESERVED_KEYS)

    # -- editing (each returns a new codebook) ---------------------------------------------

    def _with_codes(self, codes: Iterable[Code]) -> Codebook:
        return Codebook(self.id, self.name, self.version, codes)

    def with_code(self, code: Code) -> Codebook:
        """A copy with ``code`` added at the end, or replacing the code that has its id.

        Replacing keeps the code's position; it can change any field, including the parent.

        Raises
        ------
        CodebookError
            When the result would be invalid (a key already in use, a missing parent, a cycle).
        """
        if code.id in self._index:
            codes = list(self.codes)
            codes[self._index[code.id]] = code
            return self._with_codes(codes)
        return self._with_codes([*self.codes, code])

    def _edited(self, code_id: str, **changes: Any) -> Codebook:
        old = self.code(code_id)
        values = old.to_dict()
        values.update(changes)
        return self.with_code(Code(**values))

    def renamed(self, code_id: str, label: str) -> Codebook:
        """A copy in which the code ``code_id`` has a new label (its id is unchanged).

        Raises
        ------
        KeyError
            When there is no such code.
        CodebookError
            When the label is empty or spans several lines.
        """
        return self._edited(code_id, label=label)

    def rekeyed(self, code_id: str, key: str) -> Codebook:
        """A copy in which the code ``code_id`` is applied with ``key``.

        Raises
        ------
        KeyError
            When there is no such code.
        CodebookError
            When the key is reserved, not one printable character, or used by another code.
        """
        return self._edited(code_id, key=key)

    def nested(self, code_id: str, parent: str | None) -> Codebook:
        """A copy in which the code ``code_id`` sits under ``parent`` (None makes it a family).

        Raises
        ------
        KeyError
            When there is no such code.
        CodebookError
            When ``parent`` does not exist or the move would create a cycle.
        """
        return self._edited(code_id, parent=parent)

    def without(self, code_id: str) -> Codebook:
        """A copy without the code ``code_id``.

        Annotations that use the removed id are not touched; the caller decides what happens to
        them.

        Raises
        ------
        KeyError
            When there is no such code.
        CodebookError
            When the code has child codes: move or remove them first.
        """
        self.code(code_id)
        kids = self.children(code_id)
        if kids:
            names = ", ".join(repr(k.id) for k in kids)
            raise CodebookError(
                f"cannot remove {code_id!r} while it has child codes ({names}); "
                "move or remove them first",
                self._error_source(),
            )
        return self._with_codes(c for c in self.codes if c.id != code_id)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _raise_cycle(members: list[str], index: Mapping[str, int], source: str) -> NoReturn:
    """Report a cycle of parents at the member that comes first in the file."""
    first = min(range(len(members)), key=lambda m: index[members[m]])
    loop = [*members[first:], *members[:first], members[first]]
    raise CodebookError(
        f"parents form a cycle ({' -> '.join(loop)}); every chain of parents must end at a "
        "family code whose parent is null",
        source,
        f"codes[{index[members[first]]}].parent",
    )


def _upgraded(doc: dict[str, Any], source: str | None) -> dict[str, Any]:
    """Check the format marker and version; bring an older document up to FORMAT_VERSION."""
    if "format" not in doc:
        raise CodebookError(
            f'required field is missing; a codebook file starts with "format": "{FORMAT}"',
            source,
            "format",
        )
    if doc["format"] != FORMAT:
        raise CodebookError(
            f"expected {FORMAT!r}, got {_kind(doc['format'])}; this is not a codebook file",
            source,
            "format",
        )
    if "format_version" not in doc:
        raise CodebookError("required field is missing", source, "format_version")
    version = doc["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise CodebookError(
            f"must be a whole number, got {_kind(version)}", source, "format_version"
        )
    if version > FORMAT_VERSION:
        raise CodebookError(
            f"{version} was written by a newer attune-jupyter; upgrade attune-jupyter to read "
            f"this file (this version reads format_version {FORMAT_VERSION} and older)",
            source,
            "format_version",
        )
    if version < FORMAT_VERSION:
        doc = copy.deepcopy(doc)  # upgrade steps may change nested objects; not the caller's
    while version < FORMAT_VERSION:
        step = _UPGRADES.get(version)
        if step is None:
            raise CodebookError(
                f"{version} is not a codebook format this attune-jupyter knows how to upgrade "
                f"(it reads format_version {FORMAT_VERSION})",
                source,
                "format_version",
            )
        doc = step(doc)
        version += 1
        doc["format_version"] = version
    return doc


@cache
def _default_codebook() -> Codebook:
    resource = resources.files(_PACKAGE)
    for part in _DEFAULT_FILE:
        resource = resource / part
    text = resource.read_text(encoding="utf-8")
    return Codebook.from_json(text, source="/".join((_PACKAGE.replace(".", "/"), *_DEFAULT_FILE)))
