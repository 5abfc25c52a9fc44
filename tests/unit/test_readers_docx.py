"""Word (.docx) transcripts: paragraphs become lines, then the plain-text rules apply."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from attune_jupyter.core.readers import load_transcript, parse_transcript_bytes
from attune_jupyter.core.transcript import TranscriptError
from tests.unit.reader_helpers import W, docx, paragraph


def test_paragraphs_are_turns_and_runs_join(tmp_path: Path) -> None:
    body = (
        paragraph("[00:00:05] Therapist: ", "What brings you ", "in today?")
        + paragraph("Client: Work, mostly.")
        + paragraph("And sleep.")  # continues the client's turn
        + "<w:p/>"
        + paragraph("Therapist: Tell me about the sleep.")
    )
    path = tmp_path / "session.docx"
    path.write_bytes(docx(body))
    transcript = load_transcript(path)
    assert [(t.speaker, t.role, t.text, t.start) for t in transcript] == [
        ("Therapist", "therapist", "What brings you in today?", 5.0),
        ("Client", "client", "Work, mostly.\nAnd sleep.", None),
        ("Therapist", "therapist", "Tell me about the sleep.", None),
    ]
    assert transcript.id == "session"


def test_tables_and_deleted_text_are_not_read() -> None:
    body = (
        paragraph("Therapist: Hello.")
        + f"<w:tbl><w:tr><w:tc>{paragraph('Client: inside a table')}</w:tc></w:tr></w:tbl>"
        + "<w:p><w:del><w:r><w:delText>Client: deleted words</w:delText></w:r></w:del>"
        + "<w:ins><w:r><w:t>Client: inserted words</w:t></w:r></w:ins></w:p>"
    )
    transcript = parse_transcript_bytes(docx(body), "docx")
    assert [t.text for t in transcript] == ["Hello.", "inserted words"]


def test_text_before_the_first_label_names_the_paragraph() -> None:
    body = paragraph("Session notes") + paragraph("Therapist: Hello.")
    with pytest.raises(TranscriptError) as caught:
        parse_transcript_bytes(docx(body), "docx", path="intake.docx")
    assert caught.value.line == 1 and "intake.docx, line 1" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Therapist: not a zip", "not a zip archive"),
        (docx("")[:50], "not a zip archive"),  # a truncated download
    ],
)
def test_not_a_word_document(data: bytes, message: str) -> None:
    with pytest.raises(TranscriptError, match=message):
        parse_transcript_bytes(data, "docx", path="x.docx")


def test_a_zip_without_a_body_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(TranscriptError, match=r"no word/document\.xml"):
        parse_transcript_bytes(buffer.getvalue(), "docx", path="x.docx")


def test_entity_expansion_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Client: &b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    with pytest.raises(TranscriptError, match="DTD"):
        parse_transcript_bytes(docx("", document=bomb), "docx", path="x.docx")


def test_damaged_xml_is_a_transcript_error() -> None:
    with pytest.raises(TranscriptError, match="XML is damaged"):
        parse_transcript_bytes(docx("", document="<w:document"), "docx", path="x.docx")


@pytest.mark.parametrize("encoding", ["nonexistent", "utf-7", "utf-32", "idna", "rot13"])
def test_an_xml_declaration_naming_an_unreadable_encoding_is_a_transcript_error(
    encoding: str,
) -> None:
    # expat hands unknown encodings to Python's codecs, which raised LookupError or ValueError.
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?><w:document xmlns:w="{W}">'
        f"<w:body>{paragraph('Client: hi')}</w:body></w:document>"
    )
    with pytest.raises(TranscriptError) as caught:
        parse_transcript_bytes(docx("", document=document.encode()), "docx", path="x.docx")
    assert caught.value.path == "x.docx"
    assert "names an encoding that cannot be read" in caught.value.reason


def test_a_line_break_inside_a_paragraph_keeps_paragraph_n_on_line_n() -> None:
    body = (
        paragraph("Therapist: one\ntwo", "\r\nthree")
        + "<w:p><w:r><w:t>four&#13;five&#13;&#10;six</w:t><w:br/><w:t>seven</w:t></w:r></w:p>"
    )
    transcript = parse_transcript_bytes(docx(body), "docx")
    assert [t.text for t in transcript] == ["one two three\nfour five six seven"]
    with pytest.raises(TranscriptError) as caught:
        parse_transcript_bytes(docx(body + paragraph("[00:61] Client: x")), "docx", path="x.docx")
    assert caught.value.line == 3


def small_zip(method: int) -> bytes:
    """A zip holding a small word/document.xml, the same bytes on every run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("word/document.xml", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = method
        archive.writestr(info, b"<a>" + b"x" * 40 + b"</a>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("method", "offset", "byte"),
    [
        (zipfile.ZIP_DEFLATED, 28, 57),
        (zipfile.ZIP_DEFLATED, 29, 174),
        (zipfile.ZIP_DEFLATED, 139, 66),
        (zipfile.ZIP_LZMA, 60, 154),
        (zipfile.ZIP_LZMA, 87, 43),
    ],
    ids=[
        "zlib-error",
        "eof-error",
        "negative-seek-value-error",
        "lzma-error",
        "unknown-method-not-implemented-error",
    ],
)
def test_a_damaged_zip_is_a_transcript_error(method: int, offset: int, byte: int) -> None:
    # zipfile raises these (named in the ids, with this Python's zlib) rather than BadZipFile.
    data = bytearray(small_zip(method))
    data[offset] = byte
    with pytest.raises(TranscriptError, match="the Word document is damaged") as caught:
        parse_transcript_bytes(bytes(data), "docx", path="x.docx")
    assert caught.value.path == "x.docx"


def test_a_zip_whose_list_of_contents_cannot_be_decoded_is_a_transcript_error() -> None:
    # A central directory entry flagged UTF-8 whose name is not: UnicodeDecodeError in zipfile.
    data = bytearray(small_zip(zipfile.ZIP_DEFLATED))
    entry = data.find(b"PK\x01\x02")
    data[entry + 9] |= 0x08
    data[entry + 46] = 0xB1
    with pytest.raises(TranscriptError, match="list of contents cannot be read"):
        parse_transcript_bytes(bytes(data), "docx", path="x.docx")
