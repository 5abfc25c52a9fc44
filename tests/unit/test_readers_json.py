"""The attune-jupyter transcript JSON format: Transcript.save and the "json" reader."""

from __future__ import annotations

import json
import math
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from attune_jupyter.core.readers import (
    format_for_path,
    load_transcript,
    parse_transcript,
    parse_transcript_bytes,
    supported_formats,
)
from attune_jupyter.core.readers.json_format import FORMAT, FORMAT_VERSION
from attune_jupyter.core.transcript import Transcript, TranscriptError, Turn
from tests.unit.reader_helpers import SECRET, reader_error


def session() -> Transcript:
    return Transcript(
        id="session-04",
        turns=[
            Turn("t1", "Therapist", "therapist", "How has the week been?", 1.2, 4.8),
            Turn(
                "t2",
                "Jordan Lee",
                "client",
                f"  Long.\nI kept waking up at four.\r\n{SECRET}  ",
                5.0,
                None,
                {"labels": ["rupture", {"kind": "withdrawal", "score": 2}], "note": None},
            ),
            Turn("intro", "", "other", "", None, None, {"x": -0.0, "big": 10**30}),
            Turn("t2b", "Dr Ng", "therapist", "Ça va ? 😊\u2028\x7f\x00\t", 0, 3),
        ],
        source="somewhere.txt",
        metadata={"course": "PSY-501", "week": 4, "nested": {"a": [1, 2.5, True, None]}},
    )


def document(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": "s1",
        "metadata": {},
        "turns": [
            {
                "id": "t1",
                "speaker": "Therapist",
                "role": "therapist",
                "text": "hello",
                "start": 1.0,
                "end": 2.0,
                "metadata": {},
            },
            {
                "id": "t2",
                "speaker": "Client",
                "role": "client",
                "text": SECRET,
                "start": None,
                "end": None,
                "metadata": {"k": SECRET},
            },
        ],
    }
    doc.update(changes)
    return doc


def json_error(text: str) -> TranscriptError:
    return reader_error(text, "json", "s.json")


def doc_error(doc: object) -> TranscriptError:
    return json_error(json.dumps(doc, indent=1))


def fields_of(transcript: Transcript) -> tuple[Any, ...]:
    return (transcript.id, transcript.turns, dict(transcript.metadata))


# --- saving and loading --------------------------------------------------------------------------


def test_save_then_load_gives_the_same_transcript(tmp_path: Path) -> None:
    original = session()
    path = tmp_path / "saved.json"
    original.save(path)
    loaded = load_transcript(path, screen=False)
    assert fields_of(loaded) == fields_of(original)
    assert loaded.source == str(path)
    assert [t.id for t in loaded] == ["t1", "t2", "intro", "t2b"]
    assert loaded.fingerprint() == original.fingerprint()
    assert math.copysign(1, loaded[2].metadata["x"]) == -1
    assert isinstance(loaded[3].start, float)
    # Saving what was loaded reproduces the file byte for byte.
    again = tmp_path / "again.json"
    loaded.save(again)
    assert again.read_bytes() == path.read_bytes()


def test_saved_file_layout(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    session().save(str(path))
    data = path.read_bytes()
    assert data.endswith(b"}\n")
    assert "Ça va ? 😊".encode() in data  # ensure_ascii=False
    assert b"\x7f" not in data and b"\\u007f" in data
    doc = json.loads(data)
    assert list(doc) == ["format", "format_version", "id", "metadata", "turns"]
    assert (doc["format"], doc["format_version"], doc["id"]) == (
        "attune-transcript",
        1,
        "session-04",
    )
    assert list(doc["turns"][0]) == ["id", "speaker", "role", "text", "start", "end", "metadata"]
    assert data.decode().splitlines()[1] == ' "format": "attune-transcript",'


def test_save_replaces_an_existing_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    session().save(path)
    assert load_transcript(path, screen=False).id == "session-04"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_save_to_a_missing_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        session().save(tmp_path / "missing" / "s.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("metadata", "named"),
    [
        ({"when": date(2024, 1, 2)}, "turn 2 (id 't2'): metadata['when']: a date value"),
        ({"pair": (1, 2)}, "turn 2 (id 't2'): metadata['pair']: a tuple value"),
        ({"tags": {"a"}}, "metadata['tags']: a set value"),
        ({"deep": {"list": [1, object()]}}, "metadata['deep']['list'][1]: a object value"),
        ({"deep": {3: "x"}}, "metadata['deep']: a key is a int"),
        ({"score": math.nan}, "metadata['score']: NaN and infinite numbers"),
        ({"score": math.inf}, "metadata['score']: NaN and infinite numbers"),
        ({"text": "\ud800"}, "metadata['text'] contains a lone surrogate"),
    ],
)
def test_metadata_that_would_not_come_back_the_same_is_refused(
    tmp_path: Path, metadata: dict[Any, Any], named: str
) -> None:
    transcript = Transcript(
        "s",
        [
            Turn("t1", "Client", "client", "fine"),
            Turn("t2", "Client", "client", SECRET, metadata=metadata),
        ],
    )
    path = tmp_path / "s.json"
    path.write_text("previous", encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        transcript.save(path)
    assert named in str(caught.value)
    assert SECRET not in str(caught.value)
    assert not isinstance(caught.value, TranscriptError)
    assert path.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_transcript_metadata_is_checked_too(tmp_path: Path) -> None:
    transcript = Transcript("s", [Turn("t1", "C", "client", "x")], metadata={"d": date.today()})
    with pytest.raises(ValueError, match=r"the transcript's metadata\['d'\]: a date value"):
        transcript.save(tmp_path / "s.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1.0", True])
def test_bad_times_are_refused(tmp_path: Path, bad: Any) -> None:
    transcript = Transcript("s", [Turn("t1", "C", "client", "x", start=0.0, end=bad)])
    with pytest.raises(ValueError, match=r"turn 1 \(id 't1'\): end must be"):
        transcript.save(tmp_path / "s.json")
    assert list(tmp_path.iterdir()) == []


def test_lone_surrogate_in_text_is_refused(tmp_path: Path) -> None:
    transcript = Transcript("s", [Turn("t1", "C", "client", "a\udc80b")])
    with pytest.raises(ValueError, match=r"turn 1 \(id 't1'\): the text contains a lone surrogate"):
        transcript.save(tmp_path / "s.json")


def test_an_empty_transcript_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    Transcript("empty", []).save(path)
    assert fields_of(load_transcript(path)) == ("empty", (), {})


def test_mappings_other_than_dict_are_saved_as_objects(tmp_path: Path) -> None:
    from types import MappingProxyType

    transcript = Transcript(
        "s", [Turn("t1", "C", "client", "x", metadata=MappingProxyType({"a": 1}))]
    )
    transcript.save(tmp_path / "s.json")
    assert load_transcript(tmp_path / "s.json")[0].metadata == {"a": 1}


# --- dispatch, ids and roles ---------------------------------------------------------------------


def test_json_is_registered_by_name_and_extension(tmp_path: Path) -> None:
    assert supported_formats()["json"] == (".json",)
    assert format_for_path("x/Y.JSON") == "json"
    path = tmp_path / "file-stem.json"
    session().save(path)
    assert load_transcript(path, screen=False).id == "session-04"
    assert load_transcript(path, format="json", screen=False).id == "session-04"
    assert parse_transcript_bytes(path.read_bytes(), "json", path=path).id == "session-04"
    assert parse_transcript(path.read_text(encoding="utf-8"), "json").id == "session-04"


def test_an_explicit_id_wins_over_the_stored_one(tmp_path: Path) -> None:
    path = tmp_path / "file-stem.json"
    session().save(path)
    assert load_transcript(path, id="other", screen=False).id == "other"
    assert parse_transcript(path.read_text(encoding="utf-8"), "json", id="x").id == "x"
    # The registry does not say whether id= was passed; the file stem counts as the default.
    assert load_transcript(path, id="file-stem", screen=False).id == "session-04"


def test_roles_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    session().save(path)
    loaded = load_transcript(
        path, roles={"Therapist": "client", "Jordan Lee": "bogus"}, screen=False
    )
    assert [t.role for t in loaded] == ["therapist", "client", "other", "therapist"]


def test_a_json_file_of_another_kind_is_not_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "dark"}\n', encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)
    assert caught.value.reason.startswith("format: missing or wrong")


# --- reading: optional fields --------------------------------------------------------------------


def test_optional_fields_default_to_null_and_empty() -> None:
    doc = document()
    del doc["metadata"]
    for turn in doc["turns"]:
        del turn["start"], turn["end"], turn["metadata"]
    transcript = parse_transcript(json.dumps(doc), "json")
    assert transcript.metadata == {}
    assert [(t.start, t.end, t.metadata) for t in transcript] == [(None, None, {})] * 2


def test_whole_number_times_are_read_as_floats() -> None:
    doc = document()
    doc["turns"][0]["start"] = 3
    turn = parse_transcript(json.dumps(doc), "json")[0]
    assert (turn.start, type(turn.start)) == (3.0, float)


def test_crlf_and_bom_are_accepted() -> None:
    text = "\ufeff" + json.dumps(document(), indent=1).replace("\n", "\r\n")
    assert parse_transcript(text, "json")[1].text == SECRET


# --- reading: errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("{\n", 2),
        # json reports where it expected the comma: the start of the next field.
        ('{\n "format": "attune-transcript",\n "id": "x"\n "turns": []\n}', 4),
        (f'{{\n "format": "attune-transcript",\n\n "id": {SECRET}\n}}', 4),
        ('{\n "text": "a\tb"\n}', 2),
        ("[1, 2,]", 1),
    ],
)
def test_json_syntax_errors_give_the_line(text: str, line: int) -> None:
    error = json_error(text)
    assert error.line == line
    assert error.reason.startswith("not valid JSON: ")
    assert "(column " in error.reason


@pytest.mark.parametrize("top", [[], "x", 3, None, True])
def test_the_top_level_must_be_an_object(top: object) -> None:
    error = doc_error(top)
    assert error.reason.startswith("the top level must be a JSON object")
    assert error.line is None


@pytest.mark.parametrize("marker", [None, "attune-codebook", "Attune-Transcript", 1])
def test_missing_or_wrong_format_marker(marker: object) -> None:
    doc = document(format=marker)
    if marker is None:
        del doc["format"]
    error = doc_error(doc)
    assert error.reason.startswith("format: missing or wrong")
    assert '"format": "attune-transcript"' in error.reason


def test_a_newer_format_version_asks_for_an_upgrade() -> None:
    error = doc_error(document(format_version=2))
    assert error.reason.startswith("format_version: 2: this file was written by a newer")
    assert "upgrade attune-jupyter" in error.reason


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        ("1", "format_version: must be a whole number, got a string"),
        (1.0, "format_version: must be a whole number, got a number"),
        (True, "format_version: must be a whole number, got true/false"),
        (None, "format_version: must be a whole number, got null"),
        (0, "format_version: 0 is not a valid format version"),
        (-3, "format_version: -3 is not a valid format version"),
    ],
)
def test_bad_format_versions(version: object, reason: str) -> None:
    assert doc_error(document(format_version=version)).reason == reason


def test_missing_format_version() -> None:
    doc = document()
    del doc["format_version"]
    assert doc_error(doc).reason == "format_version: required field is missing"


@pytest.mark.parametrize("field", ["id", "turns"])
def test_missing_top_level_fields(field: str) -> None:
    doc = document()
    del doc[field]
    assert doc_error(doc).reason == f"{field}: required field is missing"


@pytest.mark.parametrize("field", ["id", "speaker", "role", "text"])
def test_missing_turn_fields_are_named(field: str) -> None:
    doc = document()
    del doc["turns"][1][field]
    assert doc_error(doc).reason == f"turns[1].{field}: required field is missing"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": 5}, "id: must be a string, got a number"),
        ({"metadata": []}, "metadata: must be an object, got a list"),
        ({"metadata": None}, "metadata: must be an object, got null"),
        ({"turns": {}}, "turns: must be a list of turns, got an object"),
        ({"turns": [SECRET]}, "turns[0]: a turn must be a JSON object, got a string"),
        ({"notes": SECRET}, "'notes': unknown field; the fields are"),
    ],
)
def test_mistyped_and_unknown_top_level_fields(change: dict[str, Any], reason: str) -> None:
    assert doc_error(document(**change)).reason.startswith(reason)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("id", None, "turns[1].id: must be a string, got null"),
        ("speaker", ["a"], "turns[1].speaker: must be a string, got a list"),
        ("text", 7, "turns[1].text: must be a string, got a number"),
        ("role", "patient", "turns[1].role: must be one of therapist, client, other, got a string"),
        ("role", "Client", "turns[1].role: must be one of therapist, client, other, got a string"),
        ("role", None, "turns[1].role: must be one of therapist, client, other, got null"),
        ("start", "1.5", "turns[1].start: must be a number of seconds or null, got a string"),
        ("end", False, "turns[1].end: must be a number of seconds or null, got true/false"),
        ("start", 10**400, "turns[1].start: is too large a number of seconds"),
        ("metadata", SECRET, "turns[1].metadata: must be an object, got a string"),
        ("words", [], "turns[1].'words': unknown field; the fields are id, speaker, role"),
    ],
)
def test_mistyped_and_unknown_turn_fields_are_named(field: str, value: Any, reason: str) -> None:
    doc = document()
    doc["turns"][1][field] = value
    error = doc_error(doc)
    assert error.reason.startswith(reason)
    assert error.line is None


def test_duplicate_turn_ids() -> None:
    doc = document()
    doc["turns"].append(dict(doc["turns"][0], text="again"))
    error = doc_error(doc)
    assert error.reason == (
        "turns[2].id: turn id 't1' is used already by turns[0]; turn ids must be unique"
    )


def test_a_repeated_key_is_an_error_not_a_silent_overwrite() -> None:
    text = json.dumps(document(), indent=1).replace('"text": "hello"', '"text": "a", "text": "b"')
    assert "the same key twice" in json_error(text).reason


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
def test_nan_infinity_and_overflowing_numbers_are_refused(number: str) -> None:
    text = json.dumps(document(), indent=1).replace('"start": 1.0', f'"start": {number}')
    assert "NaN, Infinity" in json_error(text).reason


def test_deep_nesting_and_huge_integers_are_transcript_errors() -> None:
    assert "nested too deeply" in json_error("[" * 100_000 + "]" * 100_000).reason
    doc = json.dumps(document(metadata={"n": 1})).replace('"n": 1', '"n": ' + "9" * 5000)
    assert json_error(doc).reason.startswith("not a valid transcript file")


def test_binary_file_is_a_transcript_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{"format": "\x00"}')
    with pytest.raises(TranscriptError):
        load_transcript(path)


# --- saving, continued --------------------------------------------------------------------------


def test_file_written_by_save_has_no_temporary_left_over(tmp_path: Path) -> None:
    for _ in range(3):
        session().save(tmp_path / "s.json")
    assert os.listdir(tmp_path) == ["s.json"]


def test_text_full_of_control_characters_is_not_mistaken_for_binary(tmp_path: Path) -> None:
    transcript = Transcript("s", [Turn("t1", "C", "client", "\x7f" * 500 + "\x01\x1f" * 100)])
    transcript.save(tmp_path / "s.json")
    assert load_transcript(tmp_path / "s.json")[0].text == transcript[0].text
