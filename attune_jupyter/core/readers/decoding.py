"""From the bytes of a transcript file to text every reader can parse.

This module owns the decisions about encodings, byte-order marks, line endings and what counts as
a binary file. Readers never see bytes: they get one ``str`` with ``"\\n"`` line endings and no
byte-order mark, so that line numbers in their error messages match what an editor shows.

Only UTF-8 (with or without a byte-order mark) is decoded for now. Other encodings belong in
:func:`_decode`: legacy code pages as fallbacks after UTF-8 fails, UTF-16 by its byte-order mark.
UTF-16 text is full of NUL bytes, so its detection must also replace the refusal of its
byte-order marks in :func:`_reject_binary`, which runs first.
"""

from __future__ import annotations

import codecs
import os

from attune_jupyter.core.transcript import TranscriptError

#: How many leading bytes the binary check looks at.
_SNIFF_BYTES = 8192

#: C0 control bytes that do not occur in text (tab, LF, VT, FF and CR do).
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}

#: Byte-order marks of encodings that are not supported yet.
_UNSUPPORTED_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def decode_transcript_bytes(data: bytes, path: str | os.PathLike[str] | None) -> str:
    """Decode the bytes of a transcript file into normalised text.

    Parameters
    ----------
    data:
        The whole file.
    path:
        The file the bytes came from, used only in error messages (None when there is no file).

    Returns
    -------
    str
        The text without a leading byte-order mark, with CRLF and lone CR line endings turned
        into LF (see :func:`normalise_text`).

    Raises
    ------
    TranscriptError
        When the bytes look like a binary file (a NUL byte anywhere, or control bytes other than
        tab, line breaks and form feed making up more than 1 in 20 of the first 8 KiB), start
        with a UTF-16 or UTF-32 byte-order mark, or are not valid UTF-8; the last names the line
        and byte offset of the first byte that cannot be decoded.
    """
    where = None if path is None else os.fspath(path)
    _reject_binary(data, where)
    return normalise_text(_decode(data, where))


def normalise_text(text: str) -> str:
    """Drop a leading byte-order mark and turn CRLF and lone CR line endings into LF.

    Only ``"\\n"`` separates lines afterwards; readers split on it alone (not with
    ``str.splitlines``, which also splits on form feeds and Unicode separators) so that their line
    numbers match an editor's.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _reject_binary(data: bytes, path: str | None) -> None:
    for bom in _UNSUPPORTED_BOMS:
        if data.startswith(bom):
            raise TranscriptError(
                "looks like UTF-16 or UTF-32 text (it starts with a byte-order mark); "
                "save the file as UTF-8",
                path,
            )
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if b"\x00" in data or controls * 20 > len(sample):
        raise TranscriptError("looks like a binary file, not a text transcript", path)


def _decode(data: bytes, path: str | None) -> str:
    # Further encodings go here: try them in a fixed order before reporting the UTF-8 error.
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = bom + error.start
        raise TranscriptError(
            f"is not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} cannot be "
            "decoded; save the file as UTF-8",
            path,
            _line_of_offset(data, offset),
        ) from None


def _line_of_offset(data: bytes, offset: int) -> int:
    """1-based line holding ``data[offset]``, counting LF, CRLF and lone CR as line breaks."""
    before = data[:offset]
    return 1 + before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")
