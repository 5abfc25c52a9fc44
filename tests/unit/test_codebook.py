"""Tests for attune_jupyter.core.codebook: the default codebook, file validation, editing."""

from __future__ import annotations

import ast
import copy
import dataclasses
import json
import os
import pickle
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from attune_jupyter.core import codebook as codebook_module
from attune_jupyter.core.codebook import (
    FORMAT,
    FORMAT_VERSION,
    RESERVED_KEYS,
    Code,
    Codebook,
    CodebookError,
)

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "codebooks"

EXPECTED_SUBCODES = {
    "attunement": {
        "attunement.validation",
        "attunement.reflection",
        "attunement.warmth",
        "attunement.curiosity",
        "attunement.following-lead",
        "attunement.cultural-sensitivity",
        "attunement.clarity",
        "attunement.courage",
    },
    "rigidity": {
        "rigidity.boundary",
        "rigidity.scripted-response",
        "rigidity.pathologising-label",
        "rigidity.premature-advice",
        "rigidity.ignoring-lead",
        "rigidity.loss-of-individualisation",
    },
    "detachment": {
        "detachment.emotional-distance",
        "detachment.missed-cue",
        "detachment.jargon",
        "detachment.minimising",
        "detachment.excessive-objectivity",
        "detachment.transactional",
    },
}


def _relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _small_doc() -> dict[str, Any]:
    def code(id: str, key: str, parent: str | None) -> dict[str, Any]:
        return {
            "id": id,
            "label": id.title(),
            "definition": f"Definition of {id}.",
            "example": f"Example of {id}.",
            "colour": "#268436",
            "key": key,
            "parent": parent,
        }

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": "small",
        "name": "Small test codebook",
        "version": "1.0.0",
        "codes": [
            code("warm", "w", None),
            code("warm.validate", "1", "warm"),
            code("warm.reflect", "2", "warm"),
            code("cold", "c", None),
        ],
    }


# --------------------------------------------------------------------------------------------
# The default codebook
# --------------------------------------------------------------------------------------------


def test_default_codebook_has_three_families_with_keys() -> None:
    book = Codebook.default()
    assert [c.id for c in book.families()] == ["attunement", "rigidity", "detachment"]
    assert [c.key for c in book.families()] == ["a", "r", "d"]
    assert book.id == "attune-default"
    assert book.version == "1.0.0"


def test_default_codebook_has_all_twenty_subcodes() -> None:
    book = Codebook.default()
    assert len(book) == 23
    for family, expected in EXPECTED_SUBCODES.items():
        assert {c.id for c in book.children(family)} == expected
        for code_id in expected:
            assert book.family_of(code_id) == family
            assert book.children(code_id) == ()


def test_default_codebook_codes_are_complete() -> None:
    for code in Codebook.default():
        assert code.label.strip(), code.id
        assert code.definition.strip() and "\n" not in code.definition, code.id
        assert code.example.strip() and "\n" not in code.example, code.id
        assert code.colour.startswith("#") and len(code.colour) == 7, code.id
        int(code.colour[1:], 16)


def test_default_codebook_keys_are_unique_printable_and_not_reserved() -> None:
    keys = [c.key for c in Codebook.default()]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert len(key) == 1 and key.isprintable() and not key.isspace()
        assert key not in RESERVED_KEYS
    for reserved in "jknuz? v/":
        assert reserved in RESERVED_KEYS


def test_default_codebook_colours_read_on_light_and_dark_backgrounds() -> None:
    # 3:1 is the WCAG contrast for borders and badges; white is JupyterLab's light background,
    # #212121 the lighter of its dark-theme backgrounds.
    for code in Codebook.default():
        assert _contrast(code.colour, "#ffffff") >= 3, code.id
        assert _contrast(code.colour, "#212121") >= 3, code.id


def test_default_codebook_colours_follow_family_hues() -> None:
    def dominant(colour: str) -> str:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        if g > r and g > b:
            return "green"
        if r > b and r >= g:
            return "orange"
        return "blue"

    hue = {"attunement": "green", "rigidity": "orange", "detachment": "blue"}
    book = Codebook.default()
    for code in book:
        assert dominant(code.colour) == hue[book.family_of(code.id)], code.id
    assert len({c.colour for c in book}) == len(book)


def test_default_is_read_once_and_is_a_value() -> None:
    assert Codebook.default() is Codebook.default()
    with pytest.raises(dataclasses.FrozenInstanceError):
        Codebook.default().name = "changed"  # type: ignore[misc]


def test_packaged_file_is_found_through_importlib_resources() -> None:
    resource = resources.files("attune_jupyter.core") / "data" / "default_codebook.json"
    assert resource.is_file()
    assert Codebook.from_json(resource.read_text(encoding="utf-8")) == Codebook.default()


def test_default_codebook_loads_from_a_zipped_package(tmp_path: Path) -> None:
    """Codebook.default() must not depend on a source checkout: import the module from a zip."""
    package = Path(codebook_module.__file__).parent
    archive = tmp_path / "packaged.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("attune_jupyter/__init__.py", "")
        zf.writestr("attune_jupyter/core/__init__.py", "")
        zf.write(package / "codebook.py", "attune_jupyter/core/codebook.py")
        zf.write(package / "files.py", "attune_jupyter/core/files.py")
        zf.write(
            package / "data" / "default_codebook.json",
            "attune_jupyter/core/data/default_codebook.json",
        )
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from attune_jupyter.core import codebook as m;"
        "assert m.__file__.startswith(sys.argv[1]), m.__file__;"
        "b = m.Codebook.default(); print(b.id, len(b))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-W", "error", "-c", script, str(archive)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["attune-default", "23"]


def test_packaged_file_is_in_canonical_form() -> None:
    """The packaged file is exactly what save() writes, so edits of it diff cleanly."""
    resource = resources.files("attune_jupyter.core") / "data" / "default_codebook.json"
    assert Codebook.default().to_json() == resource.read_text(encoding="utf-8")


def test_codebook_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(codebook_module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            # The shared file helpers are standard-library only themselves (checked below).
            and node.module != "attune_jupyter.core.files"
        ):
            imported.add(node.module.split(".")[0])
    assert imported - {"__future__"} <= set(sys.stdlib_module_names)
    helpers = ast.parse((Path(codebook_module.__file__).parent / "files.py").read_text("utf-8"))
    for node in ast.walk(helpers):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] in {*sys.stdlib_module_names, "__future__"}
        elif isinstance(node, ast.Import):
            assert all(a.name.split(".")[0] in sys.stdlib_module_names for a in node.names)


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def test_lookups() -> None:
    book = Codebook.default()
    assert book.code("attunement.validation").key == "1"
    by_key = book.by_key("a")
    assert by_key is not None and by_key.id == "attunement"
    assert book.by_key("j") is None
    assert book.by_key("A") is None  # keys are case-sensitive
    assert book.family_of("rigidity") == "rigidity"
    assert "detachment.jargon" in book
    assert "nope" not in book
    assert ["attunement"] not in book
    assert [c.id for c in book][:2] == ["attunement", "attunement.validation"]
    assert repr(book) == "Codebook(id='attune-default', version='1.0.0', codes=23)"


def test_unknown_code_gives_a_clear_key_error() -> None:
    book = Codebook.default()
    with pytest.raises(
        KeyError, match=r"has no code 'attunement\.curiousity'.*'attunement\.curiosity'"
    ):
        book.code("attunement.curiousity")
    with pytest.raises(KeyError, match="has no code 'x'"):
        book.children("x")
    with pytest.raises(KeyError, match="has no code 'x'"):
        book.family_of("x")


def test_nesting_depth_is_unrestricted() -> None:
    book = Codebook.load(FIXTURES / "custom_nested.json")
    leaf = "presence.pacing.silence.after-tears"
    assert book.family_of(leaf) == "presence"
    assert [c.id for c in book.children("presence.pacing")] == ["presence.pacing.silence"]
    assert [c.id for c in book.families()] == ["presence", "distance"]
    assert book.by_key("P") is not None and book.by_key("p") is not None
    assert book.code("distance").key == "é"
    assert book.source == str(FIXTURES / "custom_nested.json")


def test_available_keys_skip_used_and_reserved_keys() -> None:
    free = Codebook.default().available_keys()
    assert "9" in free and "0" in free and "A" in free
    for taken in "ar1d":
        assert taken not in free
    assert not set(free) & set(RESERVED_KEYS)


# --------------------------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "copy.json"
    Codebook.default().save(target)
    loaded = Codebook.load(target)
    assert loaded == Codebook.default()
    assert loaded.source == str(target)
    packaged = resources.files("attune_jupyter.core") / "data" / "default_codebook.json"
    assert target.read_bytes() == packaged.read_bytes()


def test_saving_a_loaded_file_reproduces_it(tmp_path: Path) -> None:
    original = FIXTURES / "custom_nested.json"
    target = tmp_path / "again.json"
    Codebook.load(original).save(target)
    assert target.read_bytes() == original.read_bytes()
    assert Codebook.load(target).code("presence").colour == "#2E7D32"


def test_dict_round_trip() -> None:
    doc = _small_doc()
    book = Codebook.from_dict(copy.deepcopy(doc))
    assert book.to_dict() == doc
    assert Codebook.from_dict(book.to_dict()) == book


def test_save_replaces_atomically_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "book.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    Codebook.default().save(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert Codebook.load(target) == Codebook.default()
    assert [p.name for p in tmp_path.iterdir()] == ["book.json"]


def test_failed_save_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "book.json"
    target.write_text("old", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        Codebook.default().save(target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.json"]


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    target = tmp_path / "bom.json"
    target.write_bytes(b"\xef\xbb\xbf" + Codebook.default().to_json().encode("utf-8"))
    assert Codebook.load(target) == Codebook.default()


def test_older_format_goes_through_the_upgrade_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_v0(doc: dict[str, Any]) -> dict[str, Any]:
        for code in doc["codes"]:
            code["colour"] = code.pop("color")
        return doc

    monkeypatch.setitem(codebook_module._UPGRADES, 0, from_v0)
    doc = _small_doc()
    doc["format_version"] = 0
    for code in doc["codes"]:
        code["color"] = code.pop("colour")
    book = Codebook.from_dict(doc, source="old.json")
    assert book == Codebook.from_dict(_small_doc())
    assert "color" in doc["codes"][0] and doc["format_version"] == 0  # caller's dict untouched
    assert book.to_dict()["format_version"] == FORMAT_VERSION


# --------------------------------------------------------------------------------------------
# Invalid files
# --------------------------------------------------------------------------------------------


def test_syntax_error_reports_line_and_column() -> None:
    path = FIXTURES / "syntax_error.json"
    with pytest.raises(CodebookError) as info:
        Codebook.load(path)
    assert str(info.value) == (f"{path}: line 4, column 3: not valid JSON: Expecting ',' delimiter")
    assert info.value.where == "line 4, column 3"


def test_reserved_key_message_names_file_field_and_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my.json").write_bytes((FIXTURES / "reserved_key.json").read_bytes())
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CodebookError) as info:
        Codebook.load("my.json")
    assert str(info.value) == (
        "my.json: codes[3].key: 'j' is reserved for the annotator (j/k move between turns)"
    )
    assert info.value.source == "my.json"
    assert info.value.where == "codes[3].key"


def test_newer_format_is_refused() -> None:
    path = FIXTURES / "newer_format.json"
    with pytest.raises(CodebookError, match="written by a newer attune-jupyter; upgrade") as info:
        Codebook.load(path)
    assert str(info.value).startswith(f"{path}: format_version: 2 ")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets ``codes.1.key``-style paths (or deletes them when value is ...)."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        index: Any = int(last) if last.isdigit() else last
        if value is ...:
            del target[index]
        else:
            target[index] = value

    return mutate


INVALID: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("format missing", _set("format", ...), "format: required field is missing; a codebook"),
    (
        "wrong format",
        _set("format", "attune-rubric"),
        "format: expected 'attune-codebook', got a string ('attune-rubric'); this is not a",
    ),
    (
        "unknown old format",
        _set("format_version", 0),
        "format_version: 0 is not a codebook format this attune-jupyter knows how to upgrade",
    ),
    (
        "format_version as text",
        _set("format_version", "1"),
        "format_version: must be a whole number, got a string ('1')",
    ),
    ("format_version true", _set("format_version", True), "format_version: must be a whole number"),
    (
        "unknown top-level field",
        _set("codez", []),
        "codez: unknown field 'codez' (did you mean 'codes'?)",
    ),
    ("missing codes", _set("codes", ...), "codes: required field is missing"),
    ("codes not a list", _set("codes", {}), "codes: must be a list of codes, got an object"),
    ("code not an object", _set("codes.2", "warm.x"), "codes[2]: must be an object, got a string"),
    ("missing key", _set("codes.1.key", ...), "codes[1].key: required field is missing"),
    (
        "American spelling",
        lambda d: d["codes"][0].update(color=d["codes"][0].pop("colour")),
        "codes[0].color: unknown field 'color' (did you mean 'colour'?)",
    ),
    (
        "bad id",
        _set("codes.3.id", "Cold Code"),
        "codes[3].id: 'Cold Code' is not a valid id: use lower-case letters and digits",
    ),
    ("empty name", _set("name", "  "), "name: must not be empty"),
    ("version as number", _set("version", 1.0), "version: must be a string, got a number (1.0)"),
    ("empty label", _set("codes.1.label", ""), "codes[1].label: must not be empty"),
    (
        "multi-line definition",
        _set("codes.1.definition", "one\ntwo"),
        "codes[1].definition: must be a single line (no line breaks)",
    ),
    ("example null", _set("codes.1.example", None), "codes[1].example: must be a string, got null"),
    (
        "colour name",
        _set("codes.2.colour", "green"),
        "codes[2].colour: 'green' is not a hex colour of the form '#rrggbb'",
    ),
    (
        "short colour",
        _set("codes.2.colour", "#2a3"),
        "codes[2].colour: '#2a3' is not a hex colour",
    ),
    ("key as number", _set("codes.1.key", 1), "codes[1].key: must be a string of one character"),
    (
        "two-letter key",
        _set("codes.1.key", "ab"),
        "codes[1].key: 'ab' must be exactly one character",
    ),
    (
        "space key",
        _set("codes.1.key", " "),
        "codes[1].key: ' ' is reserved for the annotator (space selects the current turn)",
    ),
    (
        "question mark key",
        _set("codes.2.key", "?"),
        "codes[2].key: '?' is reserved for the annotator",
    ),
    ("tab key", _set("codes.1.key", "\t"), "codes[1].key: '\\t' is not a printable character"),
    (
        "duplicate id",
        _set("codes.2.id", "warm.validate"),
        "codes[2].id: 'warm.validate' is already the id of codes[1]; ids must be unique",
    ),
    (
        "duplicate key",
        _set("codes.3.key", "w"),
        "codes[3].key: 'w' is already the key of 'warm' (codes[0]); keys must be unique",
    ),
    (
        "missing parent",
        _set("codes.1.parent", "wram"),
        "codes[1].parent: no code has the id 'wram' (did you mean 'warm'?)",
    ),
    (
        "parent not a string",
        _set("codes.1.parent", 0),
        "codes[1].parent: must be the id of another code or null, got a number (0)",
    ),
    (
        "self parent",
        _set("codes.3.parent", "cold"),
        "codes[3].parent: parents form a cycle (cold -> cold)",
    ),
    (
        "two-code cycle",
        _set("codes.0.parent", "warm.reflect"),
        "codes[0].parent: parents form a cycle (warm -> warm.reflect -> warm)",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_file_is_rejected_with_a_clear_message(
    mutate: Callable[[dict[str, Any]], None],
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = _small_doc()
    mutate(doc)
    (tmp_path / "my.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CodebookError) as info:
        Codebook.load("my.json")
    assert str(info.value).startswith(f"my.json: {expected}")
    assert isinstance(info.value, ValueError)


def test_cycle_is_reported_at_its_first_member_in_the_file() -> None:
    doc = _small_doc()
    doc["codes"][3]["parent"] = "warm.reflect"  # hangs from the cycle without being in it
    doc["codes"][1]["parent"] = "warm.reflect"
    doc["codes"][2]["parent"] = "warm.validate"
    doc["codes"].insert(0, doc["codes"].pop())  # checked first, so the walk starts outside
    with pytest.raises(CodebookError) as info:
        Codebook.from_dict(doc, source="c.json")
    assert str(info.value).startswith(
        "c.json: codes[2].parent: parents form a cycle "
        "(warm.validate -> warm.reflect -> warm.validate)"
    )


def test_deep_nesting_is_checked_quickly() -> None:
    codes = [Code("c0", "C0", "Root.", "", "#268436", chr(0x4E00))]
    codes += [
        Code(f"c{i}", f"C{i}", "Deeper.", "", "#268436", chr(0x4E00 + i), f"c{i - 1}")
        for i in range(1, 3000)
    ]
    book = Codebook("deep", "Deep", "1", reversed(codes))
    assert book.family_of("c2999") == "c0"


def test_keys_are_case_sensitive() -> None:
    doc = _small_doc()
    doc["codes"][3]["key"] = "W"
    book = Codebook.from_dict(doc)
    assert book.by_key("W") == book.code("cold")
    assert book.by_key("w") == book.code("warm")


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    target = tmp_path / "list.json"
    target.write_text("[]", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"list\.json: the top level must be a JSON object"):
        Codebook.load(target)


def test_duplicate_json_field_is_rejected() -> None:
    text = json.dumps(_small_doc())[:-1] + ', "name": "again"}'
    with pytest.raises(CodebookError, match="the field 'name' appears twice"):
        Codebook.from_json(text, source="dup.json")


def test_non_utf8_file_is_rejected(tmp_path: Path) -> None:
    target = tmp_path / "latin1.json"
    target.write_bytes(json.dumps(_small_doc()).replace("Small", "Sm\u00e5ll").encode("latin-1"))
    with pytest.raises(CodebookError, match=r"latin1\.json: not UTF-8 text"):
        Codebook.load(target)


def test_from_dict_without_source_says_codebook() -> None:
    doc = _small_doc()
    doc["codes"][1]["key"] = "k"
    with pytest.raises(CodebookError) as info:
        Codebook.from_dict(doc)
    assert str(info.value) == (
        "<codebook>: codes[1].key: 'k' is reserved for the annotator (j/k move between turns)"
    )


def test_codebook_pickles_and_copies() -> None:
    book = Codebook.load(FIXTURES / "custom_nested.json")
    for again in (pickle.loads(pickle.dumps(book)), copy.deepcopy(book)):
        assert again == book
        assert again.family_of("presence.pacing.silence.after-tears") == "presence"


def test_codebook_error_pickles() -> None:
    error = CodebookError("bad", "my.json", "codes[0].key")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) == "my.json: codes[0].key: bad"


# --------------------------------------------------------------------------------------------
# Building and editing
# --------------------------------------------------------------------------------------------


def _code(id: str, key: str, parent: str | None = None) -> Code:
    return Code(id, id.title(), f"Definition of {id}.", "", "#1e87d1", key, parent)


def test_code_checks_its_own_fields() -> None:
    with pytest.raises(CodebookError, match=r"^code 'x': key: 'z' is reserved for the annotator"):
        _code("x", "z")
    with pytest.raises(CodebookError, match=r"^code 'x': colour: "):
        Code("x", "X", "Def.", "", "blue", "x")


def test_with_code_adds_at_the_end_and_leaves_the_original() -> None:
    book = Codebook.default()
    humour = _code("attunement.humour", "9", "attunement")
    edited = book.with_code(humour)
    assert edited.codes[-1] == humour
    assert edited.family_of("attunement.humour") == "attunement"
    assert "attunement.humour" not in book
    assert len(book) == 23 and len(edited) == 24
    assert edited.source is None


def test_with_code_replaces_in_place() -> None:
    book = Codebook.default()
    old = book.code("detachment.jargon")
    new = dataclasses.replace(old, definition="Uses words the client would not use.")
    edited = book.with_code(new)
    assert edited.codes.index(new) == book.codes.index(old)
    assert edited.code("detachment.jargon").definition == "Uses words the client would not use."


def test_with_code_refuses_a_key_in_use() -> None:
    with pytest.raises(CodebookError, match=r"codes\[23\]\.key: '1' is already the key of"):
        Codebook.default().with_code(_code("attunement.humour", "1", "attunement"))


def test_renamed_and_rekeyed() -> None:
    book = Codebook.default().renamed("rigidity", "Protocol over person").rekeyed("rigidity", "R")
    assert book.code("rigidity").label == "Protocol over person"
    assert book.by_key("R") == book.code("rigidity")
    assert book.by_key("r") is None
    assert Codebook.default().code("rigidity").label == "Rigidity"
    with pytest.raises(CodebookError, match=r"'u' is reserved for the annotator"):
        book.rekeyed("rigidity", "u")
    with pytest.raises(CodebookError, match=r"'a' is already the key of 'attunement'"):
        book.rekeyed("rigidity", "a")
    with pytest.raises(CodebookError, match="must not be empty"):
        book.renamed("rigidity", " ")
    with pytest.raises(KeyError, match="has no code 'nope'"):
        book.renamed("nope", "Nope")


def test_nested_moves_a_code_and_refuses_cycles() -> None:
    book = Codebook.default().nested("attunement.courage", "attunement.warmth")
    assert [c.id for c in book.children("attunement.warmth")] == ["attunement.courage"]
    assert book.family_of("attunement.courage") == "attunement"
    promoted = book.nested("attunement.courage", None)
    assert "attunement.courage" in {c.id for c in promoted.families()}
    with pytest.raises(CodebookError, match="parents form a cycle"):
        book.nested("attunement", "attunement.courage")
    with pytest.raises(CodebookError, match="no code has the id 'missing'"):
        book.nested("attunement.courage", "missing")


def test_without_removes_leaves_and_refuses_codes_with_children() -> None:
    book = Codebook.default()
    smaller = book.without("detachment.jargon")
    assert "detachment.jargon" not in smaller and len(smaller) == 22
    assert smaller.by_key("h") is None
    with pytest.raises(CodebookError, match=r"cannot remove 'detachment' while it has child codes"):
        book.without("detachment")
    with pytest.raises(KeyError):
        book.without("nope")


def test_empty_codebook_can_be_built_up() -> None:
    book = Codebook("mine", "My codebook", "0.1.0", [])
    assert book.families() == () and len(book) == 0
    book = book.with_code(_code("warm", "w")).with_code(_code("warm.tone", "t", "warm"))
    assert book.family_of("warm.tone") == "warm"
    bumped = dataclasses.replace(book, version="0.2.0")
    assert bumped.version == "0.2.0" and bumped.codes == book.codes
    assert hash(book) == hash(Codebook.from_dict(book.to_dict()))
