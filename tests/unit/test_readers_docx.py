"""Word (.docx) transcripts: paragraphs become lines, then the plain-text rules apply."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune_jupyter.core.readers import load_transcript, parse_transcript_bytes
from attune_jupyter.core.transcript import TranscriptError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def paragraph(*runs: str) -> str:
    return (
        "<w:p>"
        + "".join(f"<w:r><w:t xml:space='preserve'>{escape(r)}</w:t></w:r>" for r in runs)
        + "</w:p>"
    )


def docx(body: str, *, document: str | None = None) -> bytes:
    xml = (
        document
        or '<?xml version="1.0" encoding="UTF-8"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


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


@settings(max_examples=150, deadline=2000)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_only_raise_transcript_error(data: bytes) -> None:
    with contextlib.suppress(TranscriptError):
        parse_transcript_bytes(data, "docx", path="x.docx")


@settings(max_examples=100, deadline=2000)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            min_size=1,
            max_size=40,
        ).filter(str.strip),
        min_size=1,
        max_size=6,
    )
)
def test_every_word_of_labelled_paragraphs_is_kept(texts: list[str]) -> None:
    body = "".join(paragraph(f"Client: {text}") for text in texts)
    transcript = parse_transcript_bytes(docx(body), "docx")
    kept = " ".join(t.text for t in transcript).split()
    assert kept == " ".join(t.strip() for t in texts).split()
