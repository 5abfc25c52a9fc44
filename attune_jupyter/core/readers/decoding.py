"""From a transcript file to text every reader can parse.

This module owns the decisions about file size, encodings, byte-order marks, line endings and
what counts as a binary file. Readers never see bytes: they get one ``str`` with ``"\\n"`` line
endings and no byte-order mark, so that line numbers in their error messages match what an editor
shows.

Encodings, in the order they are tried:

- a byte-order mark names the encoding: UTF-8, UTF-16 LE or BE (Teams exports), UTF-32 LE or BE;
- otherwise UTF-8;
- otherwise a legacy single-byte encoding, Windows-1252 (cp1252) or, when a byte is undefined in
  it, Latin-1 (ISO-8859-1), with a
  :class:`~attune_jupyter.core.readers.reader_warnings.TranscriptWarning` naming the file and
  the encoding assumed. A file with a UTF-8 byte-order mark, or one where the valid UTF-8
  sequences are at least as many as the invalid bytes, is damaged UTF-8 rather than a legacy
  file: it is refused naming the line and byte offset of the first bad byte.

The binary check runs on the decoded text (UTF-16 is full of NUL bytes): a NUL character anywhere,
or too many control characters near the start, refuses the file.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from attune_jupyter.core.readers.reader_warnings import warn_from_reader
from attune_jupyter.core.transcript import TranscriptError

__all__ = [
    "MAX_TRANSCRIPT_BYTES",
    "decode_transcript_bytes",
    "normalise_text",
    "read_transcript_file",
]

#: The default size limit of :func:`read_transcript_file` (and so of ``load_transcript``), in
#: bytes. A transcript of a long session is well under 1 MB.
MAX_TRANSCRIPT_BYTES = 20_000_000

#: How many leading characters the binary check looks at.
_SNIFF_CHARS = 8192

#: C0 control characters that do not occur in text (tab, LF, VT, FF and CR do), and DEL.
_CONTROL_CHARS = frozenset(chr(code) for code in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])

#: Byte-order mark -> (codec, name in messages). UTF-32 first: its LE mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian)"),
)

#: Legacy encodings tried after UTF-8, in order, with their names in the warning. Latin-1 decodes
#: every byte, so the list always ends in a decoded text.
_LEGACY = (("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1 (ISO-8859-1)"))


def read_transcript_file(path: str | os.PathLike[str], max_bytes: int | None = None) -> bytes:
    """The bytes of a transcript file, refusing one larger than ``max_bytes`` before reading it.

    Parameters
    ----------
    path:
        The file.
    max_bytes:
        The size limit in bytes; None for :data:`MAX_TRANSCRIPT_BYTES`.

    Raises
    ------
    TranscriptError
        When the file is missing, a directory, unreadable, or larger than the limit (the size is
        checked before anything is read, and no more than the limit is ever read, so a huge file
        or an endless device is refused at once).
    ValueError
        When ``max_bytes`` is not a positive integer.
    """
    limit = _size_limit(max_bytes)
    source = os.fspath(path)
    try:
        with Path(source).open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > limit:
                raise _too_large(size, limit, source)
            data = file.read(limit + 1)
    except FileNotFoundError:
        raise TranscriptError("file not found", source) from None
    except IsADirectoryError:
        raise TranscriptError("is a directory, not a transcript file", source) from None
    except OSError as error:
        raise TranscriptError(f"cannot be read ({error.strerror or 'error'})", source) from None
    if len(data) > limit:  # grew since the check, or a device whose size is not known
        raise _too_large(None, limit, source)
    return data


def decode_transcript_bytes(data: bytes, path: str | os.PathLike[str] | None) -> str:
    """Decode the bytes of a transcript file into normalised text.

    Parameters
    ----------
    data:
        The whole file.
    path:
        The file the bytes came from, used only in messages (None when there is no file).

    Returns
    -------
    str
        The text without a leading byte-order mark, with CRLF and lone CR line endings turned
        into LF (see :func:`normalise_text`).

    Raises
    ------
    TranscriptError
        When the text holds a NUL character (the message names its line) or control characters
        other than tab, line breaks and form feed make up more than 1 in 20 of its first 8192
        characters (a binary file); or the bytes are not valid in the encoding their byte-order
        mark names, or are damaged UTF-8 (see the module docs): the message names the line and
        byte offset of the first byte that cannot be decoded.

    Warns
    -----
    TranscriptWarning
        When the bytes are not UTF-8 and were read in a legacy encoding; the message names the
        file, the first byte that is not UTF-8 and the encoding assumed.
    """
    where = None if path is None else os.fspath(path)
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _decode_strict(data, len(bom), codec, name, where)
            return _checked(normalise_text(text), data, where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _decode_legacy_with_warning(data, error.start, where)
    return _checked(normalise_text(text), data, where)


def normalise_text(text: str) -> str:
    """Drop a leading byte-order mark and turn CRLF and lone CR line endings into LF.

    Only ``"\\n"`` separates lines afterwards; readers split on it alone (not with
    ``str.splitlines``, which also splits on form feeds and Unicode separators) so that their line
    numbers match an editor's.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _size_limit(max_bytes: int | None) -> int:
    if max_bytes is None:
        return MAX_TRANSCRIPT_BYTES
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive number of bytes or None, not {max_bytes!r}")
    return max_bytes


def _too_large(size: int | None, limit: int, source: str) -> TranscriptError:
    what = "the file is larger than that" if size is None else f"the file is {size:,} bytes"
    return TranscriptError(
        f"{what}; transcripts larger than {limit:,} bytes are refused "
        "(pass a larger max_bytes=... to read it)",
        source,
    )


def _checked(text: str, data: bytes, path: str | None) -> str:
    """``text`` (normalised), or a TranscriptError when it looks like a binary file."""
    nul = text.find("\x00")
    if nul >= 0:
        hint = ""
        if _looks_like_utf16_without_bom(data):
            hint = (
                "; it looks like UTF-16 without a byte-order mark: save it as UTF-8 "
                "(or as UTF-16 with a byte-order mark)"
            )
        raise TranscriptError(
            f"looks like a binary file, not a text transcript (it holds a NUL character){hint}",
            path,
            text.count("\n", 0, nul) + 1,
        )
    sample = text[:_SNIFF_CHARS]
    controls = sum(1 for char in sample if char in _CONTROL_CHARS)
    if controls * 20 > len(sample):
        raise TranscriptError("looks like a binary file, not a text transcript", path)
    return text


def _decode_strict(data: bytes, start: int, codec: str, name: str, path: str | None) -> str:
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as error:
        raise _not_valid(data, start, start + error.start, codec, name, path) from None


def _decode_legacy_with_warning(data: bytes, first_bad: int, where: str | None) -> str:
    """``data``, not UTF-8 from byte ``first_bad`` on, in a legacy encoding, with a warning."""
    text, name = _decode_legacy(data)
    text = _checked(normalise_text(text), data, where)
    if _looks_like_damaged_utf8(data):
        raise _not_valid(data, 0, first_bad, "utf-8", "UTF-8", where)
    line = _line_of_offset(data, 0, first_bad, "latin-1")
    warn_from_reader(
        f"{where or '<transcript>'}, line {line}: not UTF-8 (byte 0x{data[first_bad]:02x} at "
        f"byte offset {first_bad}); read as {name}. Save it as UTF-8 to be sure"
    )
    return text


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """``data`` decoded in the first legacy encoding that can, and that encoding's name."""
    for codec, name in _LEGACY[:-1]:
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    codec, name = _LEGACY[-1]
    return data.decode(codec), name


def _looks_like_damaged_utf8(data: bytes) -> bool:
    """Whether valid multi-byte UTF-8 sequences are at least as many as the invalid stretches."""
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return valid > 0 and valid >= invalid


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    """Whether NUL bytes fill the even or the odd positions, as in mostly-ASCII UTF-16."""
    sample = data[: 2 * _SNIFF_CHARS]
    half = len(sample) // 2
    if half < 2 or len(data) % 2:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) * 10 >= half * 9 and min(even, odd) * 10 <= half


def _not_valid(
    data: bytes, start: int, offset: int, codec: str, name: str, path: str | None
) -> TranscriptError:
    return TranscriptError(
        f"is not valid {name}: byte 0x{data[offset]:02x} at byte offset {offset} cannot be "
        f"decoded; save the file as UTF-8",
        path,
        _line_of_offset(data, start, offset, codec),
    )


def _line_of_offset(data: bytes, start: int, offset: int, codec: str) -> int:
    """1-based line holding ``data[offset]`` in text decoded from ``data[start:]`` with ``codec``.

    LF, CRLF and lone CR count as line breaks.
    """
    before = normalise_text(data[start:offset].decode(codec, "replace"))
    return 1 + before.count("\n")
