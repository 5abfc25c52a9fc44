"""Reading transcript files in other encodings than UTF-8, and the size limit on files."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune_jupyter.core.readers import (
    MAX_TRANSCRIPT_BYTES,
    TableColumns,
    TranscriptLoadErrors,
    TranscriptWarning,
    decode_transcript_bytes,
    load_transcript,
    load_transcripts,
)
from attune_jupyter.core.readers.decoding import normalise_text, read_transcript_file
from attune_jupyter.core.transcript import Transcript, TranscriptError
from tests.unit.reader_helpers import SECRET

#: A Teams-like WebVTT export (Teams writes UTF-16 with a byte-order mark and CRLF line endings).
TEAMS_VTT = (
    "\ufeffWEBVTT\r\n"
    "\r\n"
    "3f2a9c1e-7b4d-4e0a-9c61-2d8f5b7a1e03/12-0\r\n"
    "00:00:01.000 --> 00:00:04.500\r\n"
    "<v Dr Ng>Bonjour, Élise. How was the week?</v>\r\n"
    "\r\n"
    "3f2a9c1e-7b4d-4e0a-9c61-2d8f5b7a1e03/13-0\r\n"
    "00:00:05.000 --> 00:00:09.000\r\n"
    "<v Client>“Better” — I slept café-free 😊</v>\r\n"
)


def turns_of(transcript: Transcript) -> list[tuple[str, str, str, float | None, float | None]]:
    return [(t.speaker, t.role, t.text, t.start, t.end) for t in transcript]


# --- byte-order marks ----------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_teams_vtt_with_a_byte_order_mark_reads_like_utf8(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "teams.vtt"
    path.write_bytes(TEAMS_VTT.encode(codec))
    transcript = load_transcript(path, roles={"Dr Ng": "therapist"}, screen=False)
    assert turns_of(transcript) == [
        ("Dr Ng", "therapist", "Bonjour, Élise. How was the week?", 1.0, 4.5),
        ("Client", "client", "“Better” — I slept café-free 😊", 5.0, 9.0),
    ]
    expected = TEAMS_VTT[1:].replace("\r\n", "\n")
    assert decode_transcript_bytes(TEAMS_VTT.encode(codec), path) == expected


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_line_endings_are_normalised(codec: str, ending: str) -> None:
    data = ending.join(["\ufeffTherapist: one", "two", "Client: three", ""]).encode(codec)
    assert decode_transcript_bytes(data, "a.txt") == "Therapist: one\ntwo\nClient: three\n"


@pytest.mark.parametrize(
    ("data", "name", "line", "offset"),
    [
        (b"\xff\xfeA\x00\n\x00B\x00\n\x00C", "UTF-16 (little-endian)", 3, 10),
        (b"\xfe\xff\x00A\x00\r\x00\n\xdc\x00", "UTF-16 (big-endian)", 2, 8),
        (b"\xff\xfe\x00\x00A\x00\x00\x00\x00\x00\x11\x00", "UTF-32 (little-endian)", 1, 8),
    ],
    ids=["odd-length", "lone-surrogate", "beyond-unicode"],
)
def test_invalid_bytes_after_a_byte_order_mark_name_line_and_offset(
    data: bytes, name: str, line: int, offset: int
) -> None:
    with pytest.raises(TranscriptError) as caught:
        decode_transcript_bytes(data, "a.txt")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"a.txt, line {line}: is not valid {name}: byte 0x")
    assert f"at byte offset {offset} cannot be decoded; save the file as UTF-8" in str(caught.value)


def test_nul_inside_utf16_text_is_an_error_with_its_line() -> None:
    data = "\ufeffTherapist: hi\r\nClient: a\x00b\r\n".encode("utf-16-le")
    with pytest.raises(TranscriptError, match="looks like a binary file") as caught:
        decode_transcript_bytes(data, "a.txt")
    assert caught.value.line == 2


def test_utf16_without_a_byte_order_mark_is_named() -> None:
    data = "Therapist: hi\r\nClient: hello\r\n".encode("utf-16-le")
    with pytest.raises(TranscriptError, match="UTF-16 without a byte-order mark") as caught:
        decode_transcript_bytes(data, "a.txt")
    assert caught.value.line == 1


# --- NUL and binary files ------------------------------------------------------------------------


def test_nul_in_utf8_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "session.txt"
    path.write_bytes(f"Therapist: hi\r\nClient: é\r\nTherapist: {SECRET}\x00\r\n".encode())
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)
    assert (caught.value.path, caught.value.line) == (str(path), 3)
    assert str(caught.value).startswith(f"{path}, line 3: looks like a binary file")
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(128, 256)) * 4,
        b"Therapist: caf\xe9\x00",
    ],
    ids=["all-bytes", "png", "nul-in-cp1252"],
)
def test_binary_that_is_not_utf8_is_refused_without_a_warning(data: bytes) -> None:
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        with pytest.raises(TranscriptError, match="looks like a binary file"):
            decode_transcript_bytes(data, "a.txt")
    assert warned == []


# --- legacy single-byte encodings ----------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_cp1252_is_read_with_a_warning(tmp_path: Path, ending: str) -> None:
    text = ending.join(
        ["Therapist: “How was the café?”", "Client: It’s fine… really – déjà vu", ""]
    )
    path = tmp_path / "session.txt"
    path.write_bytes(text.encode("cp1252"))
    message = (
        f"{path}, line 1: not UTF-8 (byte 0x93 at byte offset 11); read as Windows-1252 "
        "(cp1252). Save it as UTF-8 to be sure"
    )
    with pytest.warns(TranscriptWarning, match=f"^{re.escape(message)}$") as warned:
        transcript = load_transcript(path, screen=False)
    assert len(warned) == 1
    assert warned[0].filename == __file__  # points at the caller, not at the readers
    assert [(t.speaker, t.text) for t in transcript] == [
        ("Therapist", "“How was the café?”"),
        ("Client", "It’s fine… really – déjà vu"),
    ]


def test_the_warning_names_the_line_of_the_first_byte_that_is_not_utf8() -> None:
    data = "Therapist: hi\r\nClient: ok\r\nTherapist: née\r\n".encode("cp1252")
    with pytest.warns(TranscriptWarning, match=r"^<transcript>, line 3: not UTF-8 \(byte 0xe9"):
        assert decode_transcript_bytes(data, None).endswith("née\n")


def test_bytes_undefined_in_cp1252_fall_back_to_latin1() -> None:
    data = b"Client: caf\xe9 \x81\n"
    latin1 = r"read as Latin-1 \(ISO-8859-1\)\. Save it as UTF-8"
    with pytest.warns(TranscriptWarning, match=latin1):
        assert decode_transcript_bytes(data, "a.txt") == "Client: café \x81\n"


def test_a_cp1252_table_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "sessions.csv"
    path.write_bytes("transcript_id,speaker,text\ns1,Therapist,Ça va?\n".encode("cp1252"))
    columns = TableColumns(order=None, speaker="speaker", role=None, text="text", start=None)
    with pytest.warns(TranscriptWarning, match="read as Windows-1252"):
        (transcript,) = load_transcripts(path, columns=columns, screen=False)
    assert transcript[0].text == "Ça va?"


def test_damaged_utf8_is_refused_rather_than_read_as_cp1252() -> None:
    data = "Therapist: café, déjà vu\nClient: ".encode() + b"\xe9\n"
    with pytest.raises(TranscriptError, match=r"line 2: is not valid UTF-8: byte 0xe9"):
        decode_transcript_bytes(data, "a.txt")


# --- the size limit ------------------------------------------------------------------------------


def test_the_default_limit_is_20_mb() -> None:
    assert MAX_TRANSCRIPT_BYTES == 20_000_000


def test_a_file_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"Therapist: " + b"word " * 400_000)  # 2,000,011 bytes
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path, max_bytes=1_000_000)
    assert str(caught.value) == (
        f"{path}: the file is 2,000,011 bytes; transcripts larger than 1,000,000 bytes are "
        "refused (pass a larger max_bytes=... to read it)"
    )
    with pytest.raises(TranscriptError, match="larger than 1,000,000 bytes"):
        load_transcripts(path, max_bytes=1_000_000)
    assert len(load_transcript(path, max_bytes=2_000_011)) == 1


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.vtt"
    with path.open("wb") as file:
        file.truncate(3_000_000_000)
    with pytest.raises(TranscriptError, match=r"the file is 3,000,000,000 bytes; .* 20,000,000"):
        load_transcript(path)
    with pytest.raises(TranscriptError, match="3,000,000,000 bytes"):
        load_transcripts(path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_file_of_unknown_size_is_read_no_further_than_the_limit() -> None:
    with pytest.raises(TranscriptError, match=r"the file is larger than that; .* 1,000 bytes"):
        read_transcript_file("/dev/zero", max_bytes=1_000)


def test_a_folder_reads_the_files_under_the_limit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Therapist: hello\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Client: " + "word " * 1000 + "\n", encoding="utf-8")
    with pytest.raises(TranscriptLoadErrors) as caught:
        load_transcripts(tmp_path, max_bytes=1000, progress=False)
    assert [t.id for t in caught.value.loaded] == ["a"]
    (error,) = caught.value.errors
    assert error.path == str(tmp_path / "b.txt")
    assert "the file is 5,009 bytes" in str(error)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10", True])
def test_a_bad_limit_is_a_value_error(tmp_path: Path, bad: object) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Therapist: hello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="max_bytes must be a positive number of bytes"):
        load_transcript(path, max_bytes=bad)  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=2000)
    | st.tuples(
        st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]),
        st.binary(max_size=2000),
    ).map(b"".join)
    | st.text(max_size=500).map(lambda text: text.encode("cp1252", "ignore")),
)
def test_any_bytes_decode_to_normalised_text_or_a_transcript_error(data: bytes) -> None:
    # What the readers make of the text: test_readers_properties.py.
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            text = decode_transcript_bytes(data, "a.txt")
        except TranscriptError as error:
            assert error.reason
            assert error.path == "a.txt"
        else:
            assert "\r" not in text and "\x00" not in text
            assert not text.startswith("\ufeff")
    assert all(issubclass(warning.category, TranscriptWarning) for warning in warned)


text_without_controls = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r"),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(
    text=text_without_controls,
    codec=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]),
)
def test_text_with_a_byte_order_mark_round_trips(text: str, codec: str) -> None:
    assert decode_transcript_bytes(("\ufeff" + text).encode(codec), None) == normalise_text(text)
