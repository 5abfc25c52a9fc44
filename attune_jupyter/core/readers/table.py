"""Tables with one row per utterance: the ``"csv"`` and ``"tsv"`` formats.

Corpora and spreadsheet exports keep transcripts as tables, often many sessions in one file. The
defaults of :class:`TableColumns` read the layout of the AnnoMI corpus with no options::

    transcript_id,mi_quality,...,utterance_id,interlocutor,timestamp,utterance_text,...
    0,high,...,0,therapist,00:00:13,Thanks for filling it out. ...

Rules
-----
- The first line is the header naming the columns (names are compared after trimming surrounding
  whitespace; an empty name becomes ``"Unnamed: <position>"``, as in pandas). Cells follow the
  usual quoting rules (``"..."`` with ``""`` for a quote), so a quoted cell may hold the delimiter
  or line breaks; an embedded line break in a text cell is kept. Every column the mapping names
  must exist; set a mapping field to None to go without that column.
- Each row is one turn. Rows go to the transcript named by their ``transcript_id`` cell (as a
  string, trimmed: AnnoMI gives ``"0"`` ... ``"133"``); transcripts come in the order their first
  row appears. Within a transcript rows are sorted by the number in the ``order`` column (a stable
  sort: equal numbers keep file order). Turn ids are ``"t1"``, ``"t2"``, ... in that order, as in
  the other readers.
- Consecutive rows by the same speaker are *not* merged, unlike consecutive lines or cues of the
  other formats: a table row is the unit the corpus labelled (AnnoMI codes every utterance with its
  own ``main_therapist_behaviour`` or ``client_talk_type``), so merging would have to drop or blur
  those labels, and turns would no longer match rows one to one.
- ``speaker`` names the speaker-label column. Without one, the speaker label is the role cell
  capitalised (``therapist`` -> ``"Therapist"``). A role cell that says ``therapist``, ``client``
  or ``other`` (any case) gives that role; any other value goes through
  :func:`~attune_jupyter.core.transcript.infer_role` with ``roles`` (so ``counsellor`` is a
  therapist and ``roles`` can map ``"interviewer"``). Without a role column the role comes from
  the speaker label, as in the other formats.
- Times (``start``, ``end``) may be written ``HH:MM:SS``, ``MM:SS``, ``HH:MM:SS.fff``,
  ``MM:SS.fff`` or as seconds (``75``, ``75.25``). An empty cell means no time. A cell that is not
  a time (AnnoMI has ``00:09:025``) becomes None and a :class:`TranscriptWarning` names the file
  and its lines (one warning per file). Times that go backwards within a transcript are kept, with
  one warning per transcript naming the first such line.
- Metadata: every turn's ``metadata`` holds the ``order`` cell under its column name (so a turn can
  be joined back to its source row) and the label columns: with ``labels=None`` every column the
  mapping does not use (AnnoMI: ``mi_quality``, ``video_title``, ``video_url``, ``topic``,
  ``main_therapist_behaviour``, ``client_talk_type``). Metadata cells are strings kept exactly as
  written: ``n/a`` stays the string ``"n/a"``, an empty cell stays ``""`` and surrounding spaces
  are kept. Turn text is trimmed of surrounding whitespace; speaker, role, id and order cells are
  trimmed too.
- Nothing is dropped silently: a row whose text cell is empty, without a transcript id, or whose
  order is not a number, a row with more cells than the header, or broken quoting raise
  :class:`~attune_jupyter.core.transcript.TranscriptError` with the line number (1-based, counting
  the header and the lines of multi-line cells). Only rows whose cells are all empty are skipped.
  Messages name columns and lines and never quote transcript text (a header cell longer than 40
  characters or 3 words, which may be text of a file without a header, is shown by its length).

Speed: the file is split into cells by :func:`pandas.read_csv` (all cells as strings, no NA
conversion); line numbers are worked out only when a message needs one. The rest works a column
at a time (each distinct role or time cell is read once, HH:MM:SS times with numpy, transcripts
whose rows are together and in order are slices), builds turns without re-checking what was
checked, and pauses the cyclic garbage collector while it makes them: AnnoMI (9,699 rows) reads
in under 3 times what a bare ``pandas.read_csv`` of the file takes (``benchmarks/``).
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import io
import itertools
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from attune_jupyter.core.readers.reader_warnings import warn_from_reader
from attune_jupyter.core.transcript import (
    ROLES,
    Role,
    Transcript,
    TranscriptError,
    _checked_transcript,
    _checked_turns,
    infer_role,
)

__all__ = [
    "TableColumns",
    "parse_csv",
    "parse_csv_transcript",
    "parse_table",
    "parse_tsv",
    "parse_tsv_transcript",
]

#: How many line numbers a warning about malformed times lists.
_LISTED_LINES = 10
#: Longest header cell (characters, words) quoted in a message; longer ones may be text.
_SHOWN_NAME_CHARS = 40
_SHOWN_NAME_WORDS = 3

_HOURS_MINUTES_SECONDS = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?")
_MINUTES_SECONDS = re.compile(r"(\d{1,3}):([0-5]\d)(?:\.(\d{1,3}))?")
_SECONDS = re.compile(r"\d+(?:\.\d*)?|\.\d+")
#: Cell text that is safe to quote in a warning: digits and time punctuation only.
_QUOTABLE_TIME = re.compile(r"[\d:.,]{1,20}")
#: pandas' tokenizer errors: a 1-based row number, or a 0-based one.
_PANDAS_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PANDAS_EOF = re.compile(r"EOF inside string starting at row (\d+)")

_ROLE_NAMES: dict[str, Role] = {role: role for role in ROLES}

_Cell = TypeVar("_Cell")
#: Whole numbers up to this size are exact as floats (order cells are compared as floats).
_EXACT_FLOAT_INT = 2**53


def _take(column: Sequence[_Cell], rows: Sequence[int]) -> Sequence[_Cell]:
    """The cells of ``column`` in ``rows``: a slice when ``rows`` is a range (contiguous rows)."""
    if isinstance(rows, range) and rows.step == 1:
        return column[rows.start : rows.stop]
    return list(map(column.__getitem__, rows))


def _joined(parts: Sequence[Sequence[int]]) -> Sequence[int]:
    """The rows of ``parts`` one after another: one range when they are ranges end to end."""
    ranges = [part for part in parts if isinstance(part, range) and part.step == 1]
    if (
        ranges
        and len(ranges) == len(parts)
        and all(before.stop == after.start for before, after in itertools.pairwise(ranges))
    ):
        return range(ranges[0].start, ranges[-1].stop)
    return list(itertools.chain.from_iterable(parts))


def _dict_maker(names: Sequence[str]) -> Callable[..., dict[str, Any]]:
    """A function of ``len(names)`` arguments returning ``{names[0]: first, ...}``.

    It builds the dict with one dict display, about twice as fast as ``dict(zip(names, cells))``
    (which grows the dict as it goes), like the code ``collections.namedtuple`` generates. The
    generated source holds only the identifiers ``_k<n>`` and ``_v<n>``: the names (which come
    from the file) are passed as values, never written into code.
    """
    keys = ", ".join(f"_k{n}" for n in range(len(names)))
    values = ", ".join(f"_v{n}" for n in range(len(names)))
    items = ", ".join(f"_k{n}: _v{n}" for n in range(len(names)))
    source = "\n".join(
        [
            f"def outer({keys}):",
            f"    def make({values}):",
            f"        return {{{items}}}",
            "    return make",
        ]
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 (generated from identifiers only; see above)
    make: Callable[..., dict[str, Any]] = namespace["outer"](*names)
    return make


def _turn_ids(count: int) -> list[str]:
    """``["t1", ..., "t<count>"]``; the strings are made once and shared."""
    while count >= len(_TURN_IDS):
        _TURN_IDS.extend(f"t{n}" for n in range(len(_TURN_IDS), 2 * len(_TURN_IDS)))
    return _TURN_IDS[1 : count + 1]


_TURN_IDS = [f"t{n}" for n in range(1024)]


@dataclass(frozen=True)
class TableColumns:
    """Which columns of a table hold what. The defaults read the AnnoMI corpus.

    Parameters
    ----------
    transcript_id:
        Column naming the transcript a row belongs to. None: the whole file is one transcript,
        whose id is the file name without its extension (or the ``id`` given to the reader).
    order:
        Column with a number giving the order of rows within a transcript. None: file order.
    speaker:
        Column with the speaker label. None: the role cell, capitalised.
    role:
        Column with the role (``therapist``, ``client``, ``other`` or a word
        :func:`~attune_jupyter.core.transcript.infer_role` understands). None: the role is
        inferred from the speaker label. ``speaker`` and ``role`` cannot both be None.
    text:
        Column with what was said.
    start:
        Column with the start time. None: turns have no start time.
    labels:
        Columns kept as turn metadata. None: every column the fields above do not name.
    end:
        Column with the end time. None (the default): turns have no end time.

    Raises
    ------
    ValueError
        When ``speaker`` and ``role`` are both None, a name is empty, or ``labels`` names a column
        used by another field.
    TypeError
        When a name is not a string, or ``labels`` is a single string instead of a sequence.
    """

    transcript_id: str | None = "transcript_id"
    order: str | None = "utterance_id"
    speaker: str | None = None
    role: str | None = "interlocutor"
    text: str = "utterance_text"
    start: str | None = "timestamp"
    labels: tuple[str, ...] | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "labels" or (value is None and field.name != "text"):
                continue
            if not isinstance(value, str):
                raise TypeError(f"TableColumns.{field.name} must be a column name (a string)")
            if not value.strip():
                raise ValueError(f"TableColumns.{field.name} must not be empty")
        if self.speaker is None and self.role is None:
            raise ValueError("TableColumns needs a speaker column, a role column or both")
        if self.labels is not None:
            if isinstance(self.labels, str) or not isinstance(self.labels, Iterable):
                raise TypeError(
                    "TableColumns.labels must be a sequence of column names, such as ('topic',)"
                )
            labels = tuple(self.labels)
            if not all(isinstance(label, str) for label in labels):
                raise TypeError("TableColumns.labels must hold column names (strings)")
            used = set(self.mapped().values())
            clashes = sorted(label.strip() for label in labels if label.strip() in used)
            if clashes:
                raise ValueError(
                    f"TableColumns.labels names {', '.join(map(repr, clashes))}, which another "
                    "field uses already"
                )
            object.__setattr__(self, "labels", labels)

    def mapped(self) -> dict[str, str]:
        """Field name -> column name, for every field except ``labels`` that names a column."""
        names = {
            "transcript_id": self.transcript_id,
            "order": self.order,
            "speaker": self.speaker,
            "role": self.role,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }
        return {field: name.strip() for field, name in names.items() if name is not None}


def parse_csv(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    columns: TableColumns | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> list[Transcript]:
    """Read every transcript of a comma-separated table (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The table, with ``"\\n"`` line endings (as
        :func:`~attune_jupyter.core.readers.decoding.normalise_text` returns it).
    roles:
        Label -> role for role cells that are not role names, or (without a role column) for
        speaker labels; see :func:`~attune_jupyter.core.transcript.infer_role`.
    columns:
        The column mapping; by default the AnnoMI layout.
    id:
        The transcript id when ``columns.transcript_id`` is None.
    source:
        Where the text came from, named in messages and kept as each transcript's source.

    Returns
    -------
    list of Transcript
        In the order their first rows appear.

    Raises
    ------
    TranscriptError
        For a missing column, a bad row or broken quoting (see the module docstring).
    ValueError
        When ``roles`` maps a label to something other than a role.
    """
    return parse_table(text, delimiter=",", roles=roles, columns=columns, id=id, source=source)


def parse_tsv(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    columns: TableColumns | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> list[Transcript]:
    """Read every transcript of a tab-separated table; as :func:`parse_csv` otherwise."""
    return parse_table(text, delimiter="\t", roles=roles, columns=columns, id=id, source=source)


def parse_csv_transcript(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read a comma-separated table that holds exactly one transcript (default columns).

    Raises
    ------
    TranscriptError
        As :func:`parse_csv`, and when the table holds several transcripts: the message says to
        call :func:`~attune_jupyter.core.readers.load_transcripts`.
    """
    return only_transcript(parse_csv(text, roles=roles, id=id, source=source), source)


def parse_tsv_transcript(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read a tab-separated table that holds exactly one transcript; see
    :func:`parse_csv_transcript`."""
    return only_transcript(parse_tsv(text, roles=roles, id=id, source=source), source)


def only_transcript(transcripts: Sequence[Transcript], source: str | None) -> Transcript:
    """The one transcript of a table file; a TranscriptError pointing to load_transcripts if not."""
    if len(transcripts) != 1:
        ids = ", ".join(repr(t.id) for t in transcripts[:5])
        more = ", ..." if len(transcripts) > 5 else ""
        raise TranscriptError(
            f"holds {len(transcripts)} transcripts ({ids}{more}); read them all with "
            "load_transcripts(...), or give the transcript id column as None to read the file "
            "as one transcript",
            source,
        )
    return transcripts[0]


def parse_table(
    text: str,
    *,
    delimiter: str,
    roles: Mapping[str, str] | None = None,
    columns: TableColumns | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> list[Transcript]:
    """Read every transcript of a table whose cells are separated by ``delimiter``.

    See :func:`parse_csv` for the parameters; :func:`parse_csv` and :func:`parse_tsv` call this.
    """
    if columns is None:
        columns = TableColumns()
    elif not isinstance(columns, TableColumns):
        raise TypeError(f"columns must be a TableColumns, not {type(columns).__name__}")
    with _collector_paused():
        # The cells are let go before the collector runs again: it need not look at them.
        table = _Table(_read_cells(text, delimiter, source), columns, roles, id, source, delimiter)
        found = table.transcripts()
        del table
    return found


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a table becomes transcripts.

    Reading AnnoMI makes some 30,000 dicts and turns that stay alive. Each 700 of them would
    start a collection, and every tenth of those a larger one that can reach every object of the
    process (pandas' included): that took a third of the reading time. These objects form no
    reference cycles, so nothing is left for the collector to find; it runs again as usual
    afterwards. Only a collector that was running is paused, and it is restarted even when
    reading fails.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parse_time(cell: str) -> float | None:
    """Seconds from ``HH:MM:SS``, ``MM:SS``, either with ``.fff``, or a number of seconds.

    Returns None for anything else (including an empty cell); callers decide whether to warn.
    """
    cell = cell.strip()
    if (clock := _HOURS_MINUTES_SECONDS.fullmatch(cell)) is not None:
        hours, minutes, seconds, fraction = clock.groups()
    elif (clock := _MINUTES_SECONDS.fullmatch(cell)) is not None:
        hours = None
        minutes, seconds, fraction = clock.groups()
    elif _SECONDS.fullmatch(cell) is not None:
        value = float(cell)
        return value if math.isfinite(value) else None
    else:
        return None
    millis = int((fraction or "").ljust(3, "0"))
    total = (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)) * 1000 + millis
    return total / 1000


def _clock_times(cells: list[str]) -> dict[str, float]:
    """Seconds for the cells written exactly ``HH:MM:SS`` (ASCII digits, minutes and seconds
    under 60), worked out with numpy for all of them at once; other cells are left out.

    Gives what :func:`parse_time` gives for those cells.
    """
    import numpy as np

    clocks = [cell for cell in cells if len(cell) == 8]
    if not clocks:
        return {}
    # Each cell as 8 code points; digits become 0-9 and ":" 10.
    codes = np.array(clocks, dtype="<U8").view(np.uint32).reshape(-1, 8).astype(np.int64) - 48
    digits = codes[:, [0, 1, 3, 4, 6, 7]]
    valid = (
        ((digits >= 0) & (digits <= 9)).all(axis=1)
        & (codes[:, 2] == 10)
        & (codes[:, 5] == 10)
        & (codes[:, 3] <= 5)
        & (codes[:, 6] <= 5)
    )
    seconds = digits @ np.array([36000, 3600, 600, 60, 10, 1], dtype=np.int64)
    return {
        cell: float(value)
        for cell, value, ok in zip(clocks, seconds.tolist(), valid.tolist(), strict=True)
        if ok
    }


def _read_cells(text: str, delimiter: str, source: str | None) -> list[list[str]]:
    """The cells of the table, column by column; row 0 of each column is the header cell."""
    import pandas as pd

    if not text or text.isspace():
        raise TranscriptError("the file is empty; a table needs a header row", source)
    if text.startswith("\n"):
        raise TranscriptError("line 1 is empty; the first line must name the columns", source, 1)
    try:
        # Bytes, read in one chunk: pandas would otherwise encode the text piece by piece.
        frame = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            encoding="utf-8",
            low_memory=False,
            sep=delimiter,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            quotechar='"',
            doublequote=True,
        )
    except pd.errors.EmptyDataError:
        raise TranscriptError("the file is empty; a table needs a header row", source) from None
    except (pd.errors.ParserError, ValueError, OverflowError) as error:
        raise _tokenizer_error(str(error), text, delimiter, source) from None
    # With dtype=object and na_filter=False every cell is a str (a missing cell an empty one).
    cells: list[list[str]] = [column.tolist() for column in frame.to_numpy().T]
    return cells


def _tokenizer_error(
    message: str, text: str, delimiter: str, source: str | None
) -> TranscriptError:
    """A TranscriptError with the line, from an error message of pandas' tokenizer."""
    if (fields := _PANDAS_FIELDS.search(message)) is not None:
        expected, row, seen = (int(group) for group in fields.groups())
        return TranscriptError(
            f"this row has {seen} cells but the header has {expected}; quote cells that hold "
            f"the delimiter ({_delimiter_name(delimiter)})",
            source,
            _physical_line(text, delimiter, row - 1),
        )
    if (eof := _PANDAS_EOF.search(message)) is not None:
        return TranscriptError(
            'a quoted cell starting on this row is never closed (a missing ")',
            source,
            _physical_line(text, delimiter, int(eof.group(1))),
        )
    return TranscriptError("is not a well-formed table (the cells cannot be split)", source)


def _physical_line(text: str, delimiter: str, row: int) -> int | None:
    """1-based line on which 0-based row ``row`` starts (rows as pandas counts them), or None."""
    import csv

    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    line = 1
    try:
        for index, _ in enumerate(reader):
            if index == row:
                return line
            line = reader.line_num + 1
    except csv.Error:
        return None
    return line if row >= 0 else None


def _shown_name(name: str) -> str:
    """A header cell for a message: quoted when it looks like a column name.

    A file without a header row has transcript text where the names should be; a cell longer
    than 40 characters or of more than 3 words is shown by its length only.
    """
    if len(name) <= _SHOWN_NAME_CHARS and len(name.split()) <= _SHOWN_NAME_WORDS:
        return repr(name)
    return f"({len(name)} characters)"


def _delimiter_name(delimiter: str) -> str:
    return "a tab" if delimiter == "\t" else f"{delimiter!r}"


class _Table:
    """One table being turned into transcripts (holds what the steps share)."""

    def __init__(
        self,
        cells: list[list[str]],
        columns: TableColumns,
        roles: Mapping[str, str] | None,
        default_id: str,
        source: str | None,
        delimiter: str,
    ) -> None:
        self.cells = cells
        self.columns = columns
        self.roles = roles
        self.default_id = default_id
        self.source = source
        self.delimiter = delimiter
        self.header = self._header()
        self.index = self._column_indexes()
        #: Rows holding line breaks, and the running total of breaks up to each of them.
        self._breaks: tuple[list[int], list[int]] | None = None

    # --- structure -------------------------------------------------------------------------------

    def _header(self) -> list[str]:
        names = [
            cell.strip() or f"Unnamed: {position}"
            for position, cell in enumerate(column[0] for column in self.cells)
        ]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise TranscriptError(
                    f"the header names the column {_shown_name(name)} twice; column names must "
                    "differ",
                    self.source,
                    1,
                )
            seen.add(name)
        return names

    def _column_indexes(self) -> dict[str, int]:
        position = {name: k for k, name in enumerate(self.header)}
        wanted = dict(self.columns.mapped())
        for label in self.columns.labels or ():
            wanted[f"labels[{label.strip()!r}]"] = label.strip()
        missing = [name for name in dict.fromkeys(wanted.values()) if name not in position]
        if missing:
            present = ", ".join(_shown_name(name) for name in self.header[:40])
            if len(self.header) > 40:
                present += f", ... ({len(self.header)} columns)"
            hint = ""
            if len(self.header) == 1 and ("\t" in self.header[0] or ";" in self.header[0]):
                hint = (
                    "; the header looks separated by another character than "
                    f"{_delimiter_name(self.delimiter)}: is the format right (csv or tsv)?"
                )
            elif self.columns == TableColumns():
                hint = "; name the columns with columns=TableColumns(...)"
            plural = "s" if len(missing) > 1 else ""
            raise TranscriptError(
                f"missing column{plural} {', '.join(repr(name) for name in missing)}; "
                f"the columns are {present}{hint}",
                self.source,
                1,
            )
        return {field: position[name] for field, name in wanted.items()}

    def line_of(self, row: int) -> int:
        """1-based line on which row ``row`` starts (row 0 is the header).

        A row takes one line plus one for every line break inside its cells, so the start of a
        row is its index plus one plus the line breaks inside the rows before it.
        """
        if self._breaks is None:
            breaks = self._line_breaks_in_cells()
            rows = sorted(breaks)
            totals = list(itertools.accumulate(breaks[k] for k in rows))
            self._breaks = (rows, totals)
        rows, totals = self._breaks
        before = bisect.bisect_left(rows, row)
        return row + 1 + (totals[before - 1] if before else 0)

    def _line_breaks_in_cells(self) -> dict[int, int]:
        """Row -> how many line breaks its cells hold, for the rows whose cells hold any."""
        breaks: dict[int, int] = {}
        for column in self.cells:
            if "\n" in "\x1f".join(column):
                holding = map(operator.contains, column, itertools.repeat("\n"))
                for row in itertools.compress(range(len(column)), holding):
                    breaks[row] = breaks.get(row, 0) + column[row].count("\n")
        return breaks

    def _blank_row(self, row: int) -> bool:
        return all(not column[row].strip() for column in self.cells)

    # --- rows to transcripts ---------------------------------------------------------------------

    def transcripts(self) -> list[Transcript]:
        # Work column by column (map, slices, a cache per distinct cell) rather than row by row:
        # AnnoMI has 9,699 rows but 133 transcripts, 2 roles and ~1,700 distinct time stamps.
        texts = list(map(str.strip, self.cells[self.index["text"]]))
        groups = self._rows_by_transcript(texts)
        if not groups:
            raise TranscriptError("no turns: the table has a header but no rows", self.source)
        speakers, roles = self._speakers_and_roles()
        starts = self._times("start")
        ends = self._times("end")
        metadata = self._metadata()
        keys = self._order_keys()
        ordered = []
        for transcript_id, rows in groups:
            in_order = self._ordered(rows, keys)
            self._warn_if_backwards(transcript_id, in_order, starts)
            ordered.append(in_order)
        # Every turn of the table in one pass, then a slice for each transcript.
        every = _joined(ordered)
        turns = _checked_turns(
            list(itertools.chain.from_iterable(_turn_ids(len(rows)) for rows in ordered)),
            _take(speakers, every),
            _take(roles, every),
            _take(texts, every),
            _take(starts, every),
            _take(ends, every),
            _take(metadata, every),
        )
        found = []
        start = 0
        for (transcript_id, _), rows in zip(groups, ordered, strict=True):
            # Turn ids t1, t2, ... are unique and every role came from ROLES or infer_role.
            found.append(
                _checked_transcript(transcript_id, turns[start : start + len(rows)], self.source)
            )
            start += len(rows)
        return found

    def _rows_by_transcript(self, texts: list[str]) -> list[tuple[str, Sequence[int]]]:
        """(transcript id, its data rows) in first-appearance order; rows index the columns.

        ``texts`` holds the trimmed text cells. Usually (AnnoMI) no text cell is empty and each
        transcript's rows are contiguous: then the rows are ranges, found a run at a time.
        """
        try:
            texts.index("", 1)
        except ValueError:
            pass
        else:  # an empty text cell: a blank row to skip, or an error naming its line
            return self._rows_by_transcript_row_by_row(texts)
        id_column = self.index.get("transcript_id")
        if id_column is None:
            return [(self.default_id, range(1, len(texts)))] if len(texts) > 1 else []
        runs: list[tuple[str, range]] = []
        start = 1
        for cell, run in itertools.groupby(itertools.islice(self.cells[id_column], 1, None)):
            stop = start + len(list(run))
            runs.append((cell.strip(), range(start, stop)))
            start = stop
        for transcript_id, rows in runs:
            if not transcript_id:
                raise self._empty_id_error(rows[0])
        if len({transcript_id for transcript_id, _ in runs}) < len(runs):
            # A transcript's rows are not together (or its id cells differ in spaces).
            return self._rows_by_transcript_row_by_row(texts)
        return list(runs)

    def _rows_by_transcript_row_by_row(self, texts: list[str]) -> list[tuple[str, Sequence[int]]]:
        """As :meth:`_rows_by_transcript`, for any table (rows as lists)."""
        id_column = self.index.get("transcript_id")
        ids = self.cells[id_column] if id_column is not None else None
        text_name = self.columns.mapped()["text"]
        groups: dict[str, list[int]] = {}
        for row in range(1, len(texts)):
            if not texts[row]:
                if self._blank_row(row):
                    continue
                raise TranscriptError(
                    f"the text cell (column {text_name!r}) is empty; every row must hold what "
                    "was said (delete the row if it holds nothing)",
                    self.source,
                    self.line_of(row),
                )
            transcript_id = self.default_id if ids is None else ids[row].strip()
            if not transcript_id:
                raise self._empty_id_error(row)
            group = groups.get(transcript_id)
            if group is None:
                groups[transcript_id] = [row]
            else:
                group.append(row)
        return list(groups.items())

    def _empty_id_error(self, row: int) -> TranscriptError:
        return TranscriptError(
            f"the transcript id cell (column {self.columns.mapped()['transcript_id']!r}) is empty",
            self.source,
            self.line_of(row),
        )

    def _order_keys(self) -> list[float] | None:
        """The number in the order cell of every row (0 for the header), or None when there is
        no order column or some cell is not a finite number (then :meth:`_ordered` finds it)."""
        order_column = self.index.get("order")
        if order_column is None:
            return None
        cells = self.cells[order_column]
        try:
            # int() reads whole numbers (AnnoMI's) about twice as fast as float(), to the same
            # values and order as long as they are exact as floats.
            whole: list[float] = [0, *map(int, itertools.islice(cells, 1, None))]
        except ValueError:
            pass
        else:
            if min(whole) >= -_EXACT_FLOAT_INT and max(whole) <= _EXACT_FLOAT_INT:
                return whole
        try:
            keys = [0.0, *map(float, itertools.islice(cells, 1, None))]
        except ValueError:
            return None
        return keys if all(map(math.isfinite, keys)) else None

    def _ordered(self, rows: Sequence[int], keys: list[float] | None) -> Sequence[int]:
        """``rows`` sorted by their order cells (stably), or as they are without an order column.

        ``keys`` is what :meth:`_order_keys` returned.
        """
        order_column = self.index.get("order")
        if order_column is None:
            return rows
        if keys is None:
            return self._ordered_row_by_row(rows, order_column)
        if isinstance(rows, range):
            in_file = keys[rows.start : rows.stop]
            if all(map(operator.le, in_file, itertools.islice(in_file, 1, None))):
                return rows  # already in order, as in AnnoMI
        return sorted(rows, key=keys.__getitem__)

    def _ordered_row_by_row(self, rows: Sequence[int], order_column: int) -> list[int]:
        """As :meth:`_ordered`, raising a TranscriptError at the first cell that is no number."""
        cells = self.cells[order_column]
        keys: dict[int, float] = {}
        for row in rows:
            try:
                key = float(cells[row])
            except ValueError:
                key = math.nan
            if not math.isfinite(key):
                raise TranscriptError(
                    f"the order cell (column {self.columns.mapped()['order']!r}) is not a number",
                    self.source,
                    self.line_of(row),
                )
            keys[row] = key
        return sorted(rows, key=keys.__getitem__)

    def _speakers_and_roles(self) -> tuple[list[str], list[Role]]:
        """The speaker and the role of every row (indexed as the columns; the header's unused)."""
        speaker_column = self.index.get("speaker")
        role_column = self.index.get("role")
        speaker_cells = self.cells[speaker_column] if speaker_column is not None else None
        role_cells = self.cells[role_column] if role_column is not None else None
        # Each distinct cell (or pair of cells) is worked out once, in the order rows give them.
        keys: list[Any]
        if role_cells is None:
            assert speaker_cells is not None  # TableColumns needs a speaker or a role column
            keys = speaker_cells
            pairs = {cell: self._speaker_and_role(cell, None) for cell in dict.fromkeys(keys)}
        elif speaker_cells is None:
            keys = role_cells
            pairs = {cell: self._speaker_and_role(None, cell) for cell in dict.fromkeys(keys)}
        else:
            keys = list(zip(speaker_cells, role_cells))  # noqa: B905 (columns of equal length)
            pairs = {key: self._speaker_and_role(*key) for key in dict.fromkeys(keys)}
        speaker_of = {key: pair[0] for key, pair in pairs.items()}
        role_of = {key: pair[1] for key, pair in pairs.items()}
        return list(map(speaker_of.__getitem__, keys)), list(map(role_of.__getitem__, keys))

    def _speaker_and_role(self, speaker: str | None, role_cell: str | None) -> tuple[str, Role]:
        if role_cell is None:
            label = (speaker or "").strip()
            return label, infer_role(label, self.roles)
        role_text = role_cell.strip()
        role = _ROLE_NAMES.get(role_text.lower()) or infer_role(role_text, self.roles)
        label = role_text.capitalize() if speaker is None else speaker.strip()
        return label, role

    def _times(self, field: str) -> list[float | None]:
        column = self.index.get(field)
        rows = len(self.cells[0])
        if column is None:
            return [None] * rows
        cells = self.cells[column]
        # Sessions share many stamps (every one starts near 00:00:00): parse each once, and the
        # HH:MM:SS ones (all but one of AnnoMI's) all at once.
        distinct = list(dict.fromkeys(itertools.islice(cells, 1, None)))
        known: dict[str, float | None] = dict(_clock_times(distinct))
        if len(known) < len(distinct):
            known.update((cell, parse_time(cell)) for cell in distinct if cell not in known)
        times: list[float | None] = [None]  # the header row
        times.extend(map(known.__getitem__, itertools.islice(cells, 1, None)))
        malformed_cells = {
            cell
            for cell, seconds in known.items()
            if seconds is None and cell and not cell.isspace()
        }
        if malformed_cells:
            flagged = itertools.compress(range(rows), map(malformed_cells.__contains__, cells))
            malformed = [(row, cells[row].strip()) for row in flagged if row]
            self._warn_malformed_times(self.columns.mapped()[field], malformed)
        return times

    def _metadata(self) -> list[dict[str, str]]:
        mapped = self.columns.mapped()
        if self.columns.labels is None:
            used = set(mapped.values())
            names = [name for name in self.header if name not in used]
        else:
            names = [label.strip() for label in self.columns.labels]
        if "order" in mapped:
            names.insert(0, mapped["order"])
        positions = {name: k for k, name in enumerate(self.header)}
        kept = [self.cells[positions[name]] for name in names]
        if not names:
            return [{} for _ in self.cells[0]]
        return list(map(_dict_maker(names), *kept))

    # --- warnings --------------------------------------------------------------------------------

    def _warn_malformed_times(self, column: str, malformed: list[tuple[int, str]]) -> None:
        listed = []
        for row, cell in malformed[:_LISTED_LINES]:
            shown = f" ({cell!r})" if _QUOTABLE_TIME.fullmatch(cell) else ""
            listed.append(f"{self.line_of(row)}{shown}")
        count = len(malformed)
        more = f" (the first {_LISTED_LINES} of {count})" if count > _LISTED_LINES else ""
        cells = "cell is" if count == 1 else f"{count} cells are"
        lines = "line" if count == 1 else "lines"
        warn_from_reader(
            f"{self.source or '<transcript>'}: {cells} not a time in column {column!r}, "
            f"read as no time: {lines} {', '.join(listed)}{more}; write HH:MM:SS, MM:SS, "
            "HH:MM:SS.fff or seconds"
        )

    def _warn_if_backwards(
        self, transcript_id: str, ordered: Sequence[int], starts: list[float | None]
    ) -> None:
        present = [start for start in _take(starts, ordered) if start is not None]
        if all(map(operator.le, present, itertools.islice(present, 1, None))):
            return  # never backwards: the usual case, checked without a loop over rows
        previous = None
        for row in ordered:
            start = starts[row]
            if start is None:
                continue
            if previous is not None and start < previous:
                warn_from_reader(
                    f"{self.source or '<transcript>'}, line {self.line_of(row)}: the start time "
                    f"goes backwards in transcript {transcript_id!r} (kept as written; later "
                    "lines of this transcript are not checked)"
                )
                return
            previous = start
