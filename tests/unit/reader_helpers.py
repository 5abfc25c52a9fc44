"""Helpers the reader tests share: document builders for every format and error checks.

The builders write small, valid documents of each format so that a test can change one part of
one (a timing line, a header, the encoding) and check what the reader makes of it.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from attune_jupyter.core.readers import parse_transcript
from attune_jupyter.core.transcript import Transcript, TranscriptError

#: A phrase that must never appear in an error message: the readers never quote turn text.
SECRET = "my brother hurt me"

#: The shape most reader tests compare turns in.
TurnFields = tuple[str, str, str, str, float | None, float | None]


def turns_of(transcript: Transcript) -> list[TurnFields]:
    """(id, speaker, role, text, start, end) of every turn."""
    return [(t.id, t.speaker, t.role, t.text, t.start, t.end) for t in transcript]


def reader_error(text: str, format: str, source: str) -> TranscriptError:
    """The TranscriptError that parsing ``text`` raises; it must name ``source`` and not quote
    :data:`SECRET`."""
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text, format, source=source)
    assert SECRET not in str(caught.value)
    assert caught.value.path == source
    assert str(caught.value).startswith(source)
    return caught.value


# --- WebVTT and SubRip ---------------------------------------------------------------------------


def vtt(*cues: str) -> str:
    """A WebVTT file: the header, then the cues separated by blank lines."""
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt(*cues: str) -> str:
    """A SubRip file: the cues separated by blank lines."""
    return "\n\n".join(cues) + "\n"


# --- CHAT ----------------------------------------------------------------------------------------

#: The CHAT media bullet mark.
B = "\x15"
#: CHAT headers declaring a therapist (THE) and a client (CLI); tiers start on line 4.
HEAD = "@UTF8\n@Begin\n@Participants:\tTHE Therapist, CLI Client\n"


def chat(*lines: str, head: str = HEAD) -> str:
    """A CHAT file: ``head``, the lines, then ``@End``."""
    return head + "".join(f"{line}\n" for line in lines) + "@End\n"


# --- ELAN ----------------------------------------------------------------------------------------

#: Four aligned time slots, 0 to 3 seconds.
SLOTS: dict[str, int | None] = {"ts1": 0, "ts2": 1000, "ts3": 2000, "ts4": 3000}


def eaf(slots: dict[str, int | None], *tiers: str, prolog: str = "") -> str:
    """An ELAN document: slots on lines 4.., then the tiers (one element per line)."""
    slot_lines = "".join(
        f'<TIME_SLOT TIME_SLOT_ID="{slot}"'
        + ("" if value is None else f' TIME_VALUE="{value}"')
        + "/>\n"
        for slot, value in slots.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        '<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">\n<TIME_ORDER>\n'
        f"{slot_lines}</TIME_ORDER>\n" + "".join(tiers) + "</ANNOTATION_DOCUMENT>\n"
    )


def tier(tier_id: str, *annotations: str, participant: str | None = None, parent: str = "") -> str:
    """A TIER element on its own lines, holding ``annotations``."""
    attributes = f'TIER_ID="{tier_id}"'
    if participant is not None:
        attributes += f' PARTICIPANT="{participant}"'
    if parent:
        attributes += f' PARENT_REF="{parent}"'
    return f"<TIER {attributes}>\n" + "".join(annotations) + "</TIER>\n"


def aligned(annotation_id: str, ref1: str, ref2: str, value: str) -> str:
    """An ALIGNABLE_ANNOTATION on one line; ``value`` is XML (escape text yourself)."""
    return (
        f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{annotation_id}" '
        f'TIME_SLOT_REF1="{ref1}" TIME_SLOT_REF2="{ref2}">'
        f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n"
    )


def referring(annotation_id: str, refers_to: str, value: str) -> str:
    """A REF_ANNOTATION on one line."""
    return (
        f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{annotation_id}" '
        f'ANNOTATION_REF="{refers_to}">'
        f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>\n"
    )


# --- Word ----------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def paragraph(*runs: str) -> str:
    """A Word paragraph with one run per string (escaped here)."""
    return (
        "<w:p>"
        + "".join(f"<w:r><w:t xml:space='preserve'>{escape(r)}</w:t></w:r>" for r in runs)
        + "</w:p>"
    )


def docx(body: str, *, document: str | bytes | None = None) -> bytes:
    """A .docx file whose body is ``body`` (XML), or whose word/document.xml is ``document``."""
    xml = (
        document
        if document is not None
        else '<?xml version="1.0" encoding="UTF-8"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()
