"""A corpus of malformed files for every reader: each gives a clear TranscriptError.

For every format (text, webvtt, srt, csv, tsv, json, chat, elan, docx) the table below holds files
that are empty, hold only a header, are cut off mid-file, have a bad time, are in the wrong
encoding, are binary, or are larger than the size limit. Each is written to a file and read with
:func:`~attune_jupyter.core.readers.load_transcript`; the error must name the file, name the line
where the problem sits on one (``line=None`` in the table: the problem belongs to no one line, such
as an empty file), and never quote the transcript text (every file holds :data:`SECRET`).

Where a format defines a problem as something to warn about rather than refuse (a file in a
legacy encoding, a time a table cannot read), the second table checks that the file is read with a
:class:`~attune_jupyter.core.readers.TranscriptWarning` naming the file and the line, and that the
text comes through correctly.
"""

from __future__ import annotations

import json
import random
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from attune_jupyter.core.readers import MAX_TRANSCRIPT_BYTES, TranscriptWarning, load_transcript
from attune_jupyter.core.readers.json_format import transcript_json
from attune_jupyter.core.transcript import Transcript, TranscriptError, Turn
from tests.unit.reader_helpers import (
    SECRET,
    SLOTS,
    B,
    W,
    aligned,
    chat,
    docx,
    eaf,
    paragraph,
    tier,
)

EXTENSIONS = {
    "text": ".txt",
    "webvtt": ".vtt",
    "srt": ".srt",
    "csv": ".csv",
    "tsv": ".tsv",
    "json": ".json",
    "chat": ".cha",
    "elan": ".eaf",
    "docx": ".docx",
}

# --- one valid document per format (line numbers in comments are those the cases rely on) -------

TEXT = f"[00:00:01] Therapist: How was the week?\nClient: {SECRET}, honestly.\n"  # lines 1-2
VTT = (
    "WEBVTT\n\n"  # 1-2
    "1\n00:00:01.000 --> 00:00:02.000\n<v Therapist>How was the week?\n\n"  # 3-6
    f"2\n00:00:03.000 --> 00:00:04.000\n<v Client>{SECRET}, honestly.\n"  # 7-9
)
SRT = (
    "1\n00:00:01,000 --> 00:00:02,000\nTherapist: How was the week?\n\n"  # 1-4
    f"2\n00:00:03,000 --> 00:00:04,000\nClient: {SECRET}, honestly.\n"  # 5-7
)
HEADER = "transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
CSV = (
    HEADER  # 1
    + "s1,1,therapist,00:00:01,How was the week?\n"  # 2
    + f's1,2,client,00:00:03,"{SECRET}, honestly."\n'  # 3
)
TSV = CSV.replace(",", "\t").replace(f'"{SECRET}\t honestly."', f"{SECRET}, honestly.")
JSON = transcript_json(
    Transcript(
        "s1",
        [
            Turn("t1", "Therapist", "therapist", "How was the week?", 1.0, 2.0),
            Turn("t2", "Client", "client", f"{SECRET}, honestly.", 3.0, 4.0),
        ],
    )
)
CHAT = chat(
    f"*THE:\tHow was the week? {B}1000_2000{B}",  # 4
    f"*CLI:\t{SECRET} , honestly . {B}3000_4000{B}",  # 5
)
ELAN = eaf(
    SLOTS,  # slots on lines 4-7
    tier("T", aligned("a1", "ts1", "ts2", "How was the week?"), participant="Therapist"),  # 9-11
    tier("C", aligned("a2", "ts3", "ts4", f"{SECRET}, honestly."), participant="Client"),  # 12-14
)
DOCX_BODY = paragraph("[00:00:01] Therapist: How was the week?") + paragraph(
    f"Client: {SECRET}, honestly."
)

VALID: dict[str, str] = {
    "text": TEXT,
    "webvtt": VTT,
    "srt": SRT,
    "csv": CSV,
    "tsv": TSV,
    "json": JSON,
    "chat": CHAT,
    "elan": ELAN,
}

#: The first bytes of a PNG image: a signature, then an IHDR chunk.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
#: Random bytes, the same on every run.
RANDOM = random.Random(20240601).randbytes(4096)
#: The size limit the oversized cases use, instead of writing a 20 MB file.
SMALL_LIMIT = 64

#: ``line`` in a case: the message names some line, which one depends on the bytes.
SOME_LINE = -1


@dataclass(frozen=True)
class Malformed:
    """One malformed file and the error it must give."""

    format: str
    case: str
    data: bytes
    #: The line the error must name; None when no line applies; SOME_LINE for any line.
    line: int | None
    #: Text the reason must contain.
    reason: str
    max_bytes: int | None = None

    @property
    def id(self) -> str:
        return f"{self.format}-{self.case}"


def cut(text: str, before: str) -> bytes:
    """``text`` up to (not including) the first occurrence of ``before``: a truncated file."""
    assert before in text
    return text[: text.index(before)].encode("utf-8")


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def nul_at_line(text: str, line: int) -> bytes:
    """``text`` with a NUL byte in the middle of line ``line``."""
    lines = text.split("\n")
    middle = len(lines[line - 1]) // 2
    lines[line - 1] = lines[line - 1][:middle] + "\x00" + lines[line - 1][middle:]
    return "\n".join(lines).encode("utf-8")


def common_cases(format: str) -> list[Malformed]:
    """The cases every text format shares: the wrong encoding, binary files, the size limit."""
    text = VALID[format]
    binary_reason = "looks like a binary file"
    return [
        Malformed(
            format,
            "utf16_without_bom",
            text.encode("utf-16-le"),
            1,
            "looks like UTF-16 without a byte-order mark",
        ),
        Malformed(
            format,
            "utf16be_without_bom",
            text.encode("utf-16-be"),
            1,
            "looks like UTF-16 without a byte-order mark",
        ),
        Malformed(
            format,
            "damaged_utf8",
            text.replace("honestly", "honéstly").encode("utf-8").replace(b"\xc3\xa9", b"\xc3")
            + "… café\n".encode(),
            text.count("\n", 0, text.index("honestly")) + 1,
            "is not valid UTF-8",
        ),
        Malformed(
            format,
            "bad_bytes_after_utf8_bom",
            b"\xef\xbb\xbf" + text.encode("utf-8").replace(b"honestly", b"hon\xffstly"),
            text.count("\n", 0, text.index("honestly")) + 1,
            "is not valid UTF-8",
        ),
        Malformed(
            format,
            "binary_nul",
            nul_at_line(text, text.count("\n", 0, text.index(SECRET)) + 1),
            text.count("\n", 0, text.index(SECRET)) + 1,
            binary_reason,
        ),
        Malformed(format, "binary_png", PNG, 3, binary_reason),
        Malformed(format, "binary_random", RANDOM, SOME_LINE, binary_reason),
        Malformed(
            format,
            "binary_controls",
            bytes(range(1, 9)) * 40 + text.encode("utf-8"),
            None,
            binary_reason,
        ),
        Malformed(
            format,
            "oversized",
            (text * 4).encode("utf-8"),
            None,
            f"larger than {SMALL_LIMIT} bytes are refused",
            max_bytes=SMALL_LIMIT,
        ),
    ]


CASES: list[Malformed] = [
    # --- text ---
    Malformed("text", "empty", b"", None, "no turns"),
    Malformed("text", "whitespace_only", b"\n \n\t\n", None, "no turns"),
    Malformed("text", "header_only", b"[00:00:01] Therapist:\nClient:\n", None, "no turns"),
    Malformed(
        "text",
        "truncated_mid_character",
        utf8(TEXT.replace("How", "Ça va? How") + "Client: café").removesuffix(b"\xa9"),
        3,
        "is not valid UTF-8",
    ),
    Malformed(
        "text",
        "bad_timing",
        utf8(TEXT.replace("Client:", "[00:61] Client:")),
        2,
        "malformed time stamp",
    ),
    Malformed("text", "stamp_without_label", utf8(TEXT + "[00:00:09]\n"), 3, "must be followed by"),
    *common_cases("text"),
    # --- webvtt ---
    Malformed("webvtt", "empty", b"", 1, "missing WEBVTT header"),
    Malformed("webvtt", "header_only", b"WEBVTT\n", None, "no turns"),
    Malformed("webvtt", "truncated", cut(VTT, "3.000 -->"), 8, "cue timing line"),
    Malformed("webvtt", "truncated_after_number", cut(VTT, "00:00:03.000"), 7, "timing line"),
    Malformed(
        "webvtt",
        "bad_timing",
        utf8(VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:03,000 --> 00:00:04,000")),
        8,
        "malformed cue timing line",
    ),
    Malformed(
        "webvtt",
        "backwards_timing",
        utf8(VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:05.000 --> 00:00:04.000")),
        8,
        "cue ends before it starts",
    ),
    Malformed(
        "webvtt",
        "missing_header",
        utf8(VTT.replace("WEBVTT", f"Client: {SECRET}")),
        1,
        "missing WEBVTT header",
    ),
    *common_cases("webvtt"),
    # --- srt ---
    Malformed("srt", "empty", b"", None, "no turns"),
    Malformed("srt", "header_only", b"1\n", 1, "timing line"),
    Malformed("srt", "truncated", cut(SRT, "3,000 -->"), 6, "cue timing line"),
    Malformed(
        "srt",
        "bad_timing",
        utf8(SRT.replace("00:00:03,000 --> 00:00:04,000", "00:00:03,000 --> 00:00:0x,000")),
        6,
        "malformed cue timing line",
    ),
    Malformed(
        "srt",
        "backwards_timing",
        utf8(SRT.replace("00:00:03,000 --> 00:00:04,000", "00:00:05,000 --> 00:00:04,000")),
        6,
        "cue ends before it starts",
    ),
    *common_cases("srt"),
    # --- csv ---
    Malformed("csv", "empty", b"", None, "needs a header row"),
    Malformed("csv", "header_only", utf8(HEADER), None, "no rows"),
    Malformed("csv", "truncated_in_quotes", cut(CSV, ', honestly."'), 3, "quote"),
    Malformed("csv", "truncated_mid_row", cut(CSV, "00:00:03"), 3, "empty"),
    Malformed("csv", "missing_columns", utf8(f"text\n{SECRET}\n"), 1, "missing columns"),
    *common_cases("csv"),
    # --- tsv ---
    Malformed("tsv", "empty", b"", None, "needs a header row"),
    Malformed("tsv", "header_only", utf8(HEADER.replace(",", "\t")), None, "no rows"),
    Malformed("tsv", "truncated_mid_row", cut(TSV, "00:00:03"), 3, "empty"),
    Malformed("tsv", "csv_read_as_tsv", utf8(CSV), 1, "missing columns"),
    *common_cases("tsv"),
    # --- json ---
    Malformed("json", "empty", b"", 1, "not valid JSON"),
    Malformed(
        "json",
        "header_only",
        utf8('{"format": "attune-transcript", "format_version": 1}'),
        None,
        "missing",
    ),
    Malformed("json", "truncated", cut(JSON, '"Client"'), 18, "not valid JSON"),
    Malformed(
        "json",
        "bad_timing",
        utf8(JSON.replace('"start": 3.0', '"start": "00:03"')),
        None,
        "turns[1].start",
    ),
    Malformed(
        "json", "nan_timing", utf8(JSON.replace('"start": 3.0', '"start": NaN')), None, "NaN"
    ),
    Malformed("json", "not_a_transcript", utf8(json.dumps({"turns": []})), None, "format"),
    *common_cases("json"),
    # --- chat ---
    Malformed("chat", "empty", b"", 1, "missing @Begin"),
    Malformed("chat", "header_only", utf8(chat()), None, "no turns"),
    Malformed("chat", "truncated", cut(CHAT, "_4000"), 5, "unpaired bullet"),
    Malformed(
        "chat",
        "bad_timing",
        utf8(CHAT.replace("3000_4000", "3000_4x00")),
        5,
        "malformed media bullet",
    ),
    Malformed(
        "chat",
        "backwards_timing",
        utf8(CHAT.replace("3000_4000", "5000_4000")),
        5,
        "media bullet ends before it starts",
    ),
    *common_cases("chat"),
    # --- elan ---
    Malformed("elan", "empty", b"", 1, "not well-formed XML"),
    Malformed("elan", "header_only", utf8(eaf(SLOTS)), None, "no turns"),
    Malformed("elan", "truncated", cut(ELAN, "honestly"), 13, "not well-formed XML"),
    Malformed(
        "elan",
        "bad_timing",
        utf8(ELAN.replace('TIME_VALUE="2000"', 'TIME_VALUE="2.5"')),
        6,
        "time slot",
    ),
    Malformed(
        "elan",
        "backwards_timing",
        utf8(ELAN.replace('"ts3" TIME_SLOT_REF2="ts4"', '"ts4" TIME_SLOT_REF2="ts3"')),
        13,
        "annotation ends before it starts",
    ),
    *common_cases("elan"),
    # --- docx ---
    Malformed("docx", "empty", b"", None, "not a zip archive"),
    Malformed("docx", "header_only", docx(""), None, "no turns"),
    Malformed(
        "docx",
        "no_document",
        docx("", document="").replace(b"word/document.xml", b"word/documenX.xml"),
        None,
        "no word/document.xml",
    ),
    Malformed("docx", "truncated", docx(DOCX_BODY)[:-40], None, "not a zip archive"),
    Malformed(
        "docx",
        "truncated_xml",
        docx("", document=f'<w:document xmlns:w="{W}"><w:body>{DOCX_BODY}'),
        None,
        "XML is damaged",
    ),
    Malformed(
        "docx",
        "bad_timing",
        docx(DOCX_BODY.replace("[00:00:01]", "[00:61]")),
        1,
        "malformed time stamp",
    ),
    Malformed(
        "docx",
        "wrong_encoding",
        docx(
            "",
            document=(
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<w:document xmlns:w="{W}">'
                f"<w:body>{paragraph('Client: café ' + SECRET)}</w:body></w:document>"
            ).encode("cp1252"),
        ),
        None,
        "XML is damaged",
    ),
    Malformed("docx", "binary_nul", b"\x00" * 512, None, "not a zip archive"),
    Malformed("docx", "binary_png", PNG, None, "not a zip archive"),
    Malformed("docx", "binary_random", RANDOM, None, "not a zip archive"),
    Malformed("docx", "binary_body", docx("", document=RANDOM), None, "XML is damaged"),
    Malformed("docx", "plain_text", utf8(TEXT), None, "not a zip archive"),
    Malformed(
        "docx",
        "oversized",
        docx(DOCX_BODY * 4),
        None,
        f"larger than {SMALL_LIMIT} bytes are refused",
        max_bytes=SMALL_LIMIT,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_malformed_file_gives_a_clear_error(tmp_path: Path, case: Malformed) -> None:
    path = tmp_path / f"session{EXTENSIONS[case.format]}"
    path.write_bytes(case.data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused outright: no "read as cp1252" warning first
        with pytest.raises(TranscriptError) as caught:
            load_transcript(path, max_bytes=case.max_bytes, screen=False)
    error = caught.value
    message = str(error)
    assert type(error) is TranscriptError
    assert error.path == str(path)
    assert message.startswith(f"{path}")
    if case.line is None:
        assert error.line is None, message
        assert message.startswith(f"{path}: ")
    elif case.line == SOME_LINE:
        assert error.line is not None and error.line >= 1, message
        assert message.startswith(f"{path}, line {error.line}: ")
    else:
        assert error.line == case.line, message
        assert message.startswith(f"{path}, line {case.line}: ")
    assert case.reason in error.reason, message
    assert SECRET not in message and "brother" not in message and "honestly" not in message


def test_an_oversized_word_body_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # A zip bomb: a small .docx whose body unpacks past the limit (it compresses 1000 to 1).
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx("", document=b" " * (MAX_TRANSCRIPT_BYTES + 1)))
    assert path.stat().st_size < 100_000
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path, screen=False)
    assert caught.value.path == str(path) and caught.value.line is None
    assert "unpacks to 20,000,001 bytes" in caught.value.reason


# --- read, with a warning naming the file and the line -------------------------------------------


@dataclass(frozen=True)
class ReadWithWarning:
    """A flawed file the format reads, warning about the flaw, and the file it must read like."""

    format: str
    case: str
    data: bytes
    #: The line the warning names.
    line: int
    #: Text the warning must contain.
    warning: str
    #: A file without the flaw, whose transcript this one's must equal (with ``changes`` made).
    same_as: bytes
    #: Turn index -> (field, value) this file's transcript has instead of same_as's.
    changes: dict[int, tuple[str, object]] | None = None

    @property
    def id(self) -> str:
        return f"{self.format}-{self.case}"


def legacy_cases(format: str) -> list[ReadWithWarning]:
    """A file in Windows-1252 or Latin-1 reads like its UTF-8 twin, with a warning."""
    text = VALID[format].replace("honestly", "honestly, café")
    line = text.count("\n", 0, text.index("café")) + 1
    return [
        ReadWithWarning(
            format,
            "cp1252",
            text.replace("café", "café – “fine”").encode("cp1252"),
            line,
            "read as Windows-1252 (cp1252)",
            text.replace("café", "café – “fine”").encode("utf-8"),
        ),
        ReadWithWarning(
            format,
            "latin1",
            text.replace("café", "café\x81").encode("latin-1"),
            line,
            "read as Latin-1 (ISO-8859-1)",
            text.replace("café", "café\x81").encode("utf-8"),
        ),
    ]


READ_CASES: list[ReadWithWarning] = [
    *(case for format in VALID for case in legacy_cases(format)),
    *(
        ReadWithWarning(
            format,
            "bad_timing",
            utf8(VALID[format].replace("00:00:03", "00:09:025")),
            3,
            "cell is not a time in column 'timestamp', read as no time: line 3",
            utf8(VALID[format]),
            {1: ("start", None)},
        )
        for format in ("csv", "tsv")
    ),
    *(
        ReadWithWarning(
            format,
            "backwards_timing",
            utf8(VALID[format].replace("00:00:03", "00:00:00")),
            3,
            "the start time goes backwards",
            utf8(VALID[format]),
            {1: ("start", 0.0)},
        )
        for format in ("csv", "tsv")
    ),
]


@pytest.mark.parametrize("case", READ_CASES, ids=[case.id for case in READ_CASES])
def test_flawed_file_is_read_with_a_warning_naming_file_and_line(
    tmp_path: Path, case: ReadWithWarning
) -> None:
    (tmp_path / "flawed").mkdir()
    (tmp_path / "clean").mkdir()
    path = tmp_path / "flawed" / f"session{EXTENSIONS[case.format]}"
    clean = tmp_path / "clean" / path.name
    path.write_bytes(case.data)
    clean.write_bytes(case.same_as)
    with pytest.warns(TranscriptWarning) as warned:
        transcript = load_transcript(path, screen=False)
    assert len(warned) == 1
    message = str(warned[0].message)
    assert message.startswith(f"{path}"), message
    assert f"line {case.line}" in message and case.warning in message, message
    assert SECRET not in message and "honestly" not in message
    expected = list(load_transcript(clean, screen=False).turns)
    for index, (name, value) in (case.changes or {}).items():
        expected[index] = replace(expected[index], **{name: value})
    assert list(transcript.turns) == expected


QUESTION = ["How", "was", "the", "week?"]


@pytest.mark.parametrize(
    ("format", "data", "words"),
    [
        ("text", utf8(TEXT.removesuffix(" honestly.\n")), [*QUESTION, *f"{SECRET},".split()]),
        ("webvtt", utf8(VTT.removesuffix(" honestly.\n")), [*QUESTION, *f"{SECRET},".split()]),
        ("srt", utf8(SRT.removesuffix(" honestly.\n")), [*QUESTION, *f"{SECRET},".split()]),
        (
            "chat",
            utf8(CHAT.removesuffix("@End\n")),
            [*QUESTION, *SECRET.split(), ",", "honestly", "."],
        ),
    ],
    ids=["text", "webvtt", "srt", "chat"],
)
def test_a_file_cut_off_between_words_keeps_every_word_that_is_there(
    tmp_path: Path, format: str, data: bytes, words: list[str]
) -> None:
    # Truncation these formats cannot tell from a shorter file (a CHAT file may lack @End):
    # what is there is read, word for word.
    path = tmp_path / f"session{EXTENSIONS[format]}"
    path.write_bytes(data)
    assert " ".join(t.text for t in load_transcript(path, screen=False)).split() == words
