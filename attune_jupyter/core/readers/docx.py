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
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib

from attune_jupyter.core.readers.decoding import MAX_TRANSCRIPT_BYTES
from attune_jupyter.core.transcript import TranscriptError

__all__ = ["decode_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT = "word/document.xml"
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
#: What would split a paragraph into several lines of the text the plain-text rules read.
_LINE_BREAKS = re.compile(r"\r\n?|\n")


def _damaged_zip_errors() -> tuple[type[Exception], ...]:
    """What :mod:`zipfile` raises for a damaged archive besides ``BadZipFile``.

    A bad header gives ValueError (a negative seek, a name that is not UTF-8), NotImplementedError
    (an unknown version or compression method; a RuntimeError, as is a password request),
    EOFError, OSError or struct.error; bad compressed data gives zlib.error, lzma.LZMAError or
    OSError (bzip2).
    """
    errors: list[type[Exception]] = [
        zipfile.BadZipFile,
        OSError,
        EOFError,
        RuntimeError,
        ValueError,
        OverflowError,
        struct.error,
        zlib.error,
    ]
    try:
        import lzma
    except ImportError:  # a Python built without lzma: zipfile then refuses LZMA parts itself
        pass
    else:
        errors.append(lzma.LZMAError)
    return tuple(errors)


_DAMAGED_ZIP = _damaged_zip_errors()


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
    except _DAMAGED_ZIP:
        raise TranscriptError(
            "the Word document is damaged (its list of contents cannot be read)", source
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
        except _DAMAGED_ZIP as error:
            detail = str(error) or type(error).__name__
            raise TranscriptError(f"the Word document is damaged ({detail})", source) from None
    if _DTD.search(xml):
        raise TranscriptError("the Word document declares a DTD, which is refused", source)
    try:
        root = ET.fromstring(xml)  # noqa: S314 (DTDs are refused above, so nothing can expand)
    except ET.ParseError as error:
        raise TranscriptError(f"the Word document's XML is damaged ({error})", source) from None
    except (LookupError, ValueError):
        # expat hands an encoding it does not know itself to Python's codecs, which refuse an
        # unknown name (LookupError) or a multi-byte or non-text codec (ValueError).
        raise TranscriptError(
            "the Word document's XML is damaged (its XML declaration names an encoding that "
            "cannot be read; Word writes UTF-8)",
            source,
        ) from None
    body = root.find(f"{_W}body")
    if body is None:
        raise TranscriptError("the Word document has no body", source)
    in_tables = {id(p) for cell in body.iter(f"{_W}tc") for p in cell.iter(f"{_W}p")}
    return "\n".join(_paragraph_text(p) for p in body.iter(f"{_W}p") if id(p) not in in_tables)


def _paragraph_text(paragraph: ET.Element) -> str:
    """The text of one paragraph, on one line: a line break inside it (``<w:br/>``, or a line
    break character in a text run, which Word never writes) becomes a space, so that paragraph
    N stays line N."""
    parts: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
    return _LINE_BREAKS.sub(" ", "".join(parts))
