"""Word documents (``.docx``) holding a speaker-labelled transcript, as clinics often keep them.

The document's paragraphs become lines (paragraph N is line N in messages, empty paragraphs
included), then the plain-text rules apply: ``Speaker: text`` paragraphs, an optional
``[hh:mm:ss]`` stamp, unlabelled paragraphs continuing the turn above. Tables, headers, footers,
comments and tracked deletions are not read; tracked insertions are (they are in the text Word
shows). The XML is read with the standard library after refusing DTDs, so entity tricks cannot
expand it, and a part larger than the size limit is refused before it is decompressed.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

from attune_jupyter.core.readers.decoding import MAX_TRANSCRIPT_BYTES
from attune_jupyter.core.transcript import TranscriptError

__all__ = ["decode_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT = "word/document.xml"
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def decode_docx(data: bytes, source: str | None) -> str:
    """The text of a Word document's body, one line per paragraph.

    Raises
    ------
    TranscriptError
        When the bytes are not a Word document, or its body cannot be read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TranscriptError(
            "not a Word (.docx) document: the file is not a zip archive", source
        ) from None
    with archive:
        try:
            info = archive.getinfo(_DOCUMENT)
        except KeyError:
            raise TranscriptError(
                f"not a Word (.docx) document: it has no {_DOCUMENT}", source
            ) from None
        if info.file_size > MAX_TRANSCRIPT_BYTES:
            raise TranscriptError(
                f"the document body unpacks to {info.file_size:,} bytes; transcripts larger "
                f"than {MAX_TRANSCRIPT_BYTES:,} bytes are refused",
                source,
            )
        try:
            xml = archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
            raise TranscriptError(f"the Word document is damaged ({error})", source) from None
    if _DTD.search(xml):
        raise TranscriptError("the Word document declares a DTD, which is refused", source)
    try:
        root = ET.fromstring(xml)  # noqa: S314 (DTDs are refused above, so nothing can expand)
    except ET.ParseError as error:
        raise TranscriptError(f"the Word document's XML is damaged ({error})", source) from None
    body = root.find(f"{_W}body")
    if body is None:
        raise TranscriptError("the Word document has no body", source)
    in_tables = {id(p) for cell in body.iter(f"{_W}tc") for p in cell.iter(f"{_W}p")}
    return "\n".join(_paragraph_text(p) for p in body.iter(f"{_W}p") if id(p) not in in_tables)


def _paragraph_text(paragraph: ET.Element) -> str:
    parts: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
    return "".join(parts)
