"""Writing tidy frames to files an educator can open: CSV, XLSX (Excel) and Parquet.

:func:`export_frame` writes any of the project's frames (annotations, ratings, cohort tables,
agreement reports, the audit record) to one of three formats, chosen from the file suffix:

``.csv``
    UTF-8 with a byte-order mark (so that Excel reads accents and emoji correctly), comma
    separated, ``\\r\\n`` line endings (RFC 4180), a header row of column names. Numbers are
    written unquoted (floats as the shortest text that reads back as the same float), missing
    values (``NaN``, ``<NA>``, ``NaT``, ``None``) as empty fields, booleans as ``True`` /
    ``False``, datetimes as ISO 8601 text with their UTC offset (``2025-03-01T09:30:00+00:00``;
    a datetime column without a timezone is written without one).
``.xlsx``
    One sheet (``sheet_name``) with a header row. Integer and float columns become number
    cells, booleans boolean cells and datetimes date cells. An XLSX cell cannot hold a timezone,
    so timezone-aware datetimes are converted to UTC and written without it (Excel keeps them to
    the millisecond), and their header says so: ``created`` becomes ``created (UTC)``. XLSX
    keeps text as XML, which turns a carriage return inside a text into a line feed. Excel keeps
    about 15 significant digits, so integers beyond 2**53 lose precision there (use CSV or
    Parquet for such ids).
``.parquet``
    Written with pyarrow; reading it back with :func:`pandas.read_parquet` gives a frame equal
    to the one written (same columns, dtypes and text, a fresh ``RangeIndex``). Text is written
    exactly as it is, *without* the formula neutralisation below: Parquet files are read by
    programs (pandas, R, DuckDB, Spark), never opened by spreadsheet programs, and altering text
    there would corrupt data for no protection.

Spreadsheet formula neutralisation (CSV and XLSX)
-------------------------------------------------
A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(tab and carriage return can lead to the same), so a note such as ``=HYPERLINK(...)`` could run
when an educator opens an export. Following the OWASP advice on CSV injection, every *text*
cell, column names included, that starts with one of ``=  +  -  @  \\t  \\r`` is written with a
leading apostrophe (``'=1+1``), which spreadsheets show as text. Cells of numeric columns are
numbers, never text, so ``-3`` in an integer column stays the number -3. Infinite floats have no
spreadsheet number, so they are written as the text ``inf`` / ``'-inf``.

Other values
------------
Columns of ``object`` dtype are converted cell by cell. Numbers in them stay numbers: Python and
NumPy integers and floats, and :class:`decimal.Decimal` values (CSV writes a decimal's exact
digits, such as ``-1.5`` or ``1E+2``; XLSX stores it as a number cell, which Excel keeps to about
15 significant digits; a decimal NaN is an empty cell and an infinite one the text ``inf`` /
``'-inf``). Dicts or lists (the audit frame's ``details``) are written as JSON text (keys
sorted); records with a ``to_dict()`` method (the rating history's ``rating``) as the JSON of
that dict; other values as their text, neutralised like any text. Categorical columns are
written as their values. The index is not written: the project's frames have a plain
``RangeIndex`` (call ``reset_index()`` first to keep another index as columns).

Parquet needs one type per column, so an ``object`` column that mixes kinds of values is written
as a text column: a column holding the numbers ``4`` and ``2.5`` next to the text ``"a"``
reads back as the texts ``"4"``, ``"2.5"`` and ``"a"`` (dicts and lists as their JSON text,
decimals as their digits). An ``object`` column of text only, or of finite decimals only
(written as a Parquet decimal column and read back as :class:`decimal.Decimal` values), keeps
its values; convert a mixed column to one type first to keep its numbers as numbers.

Every write is atomic: the file is written to a temporary file in the same folder, which then
takes the target's name in one step; on any error nothing is left behind (no partial file, no
temporary file) and an existing file is unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import json
import math
import numbers
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from attune_jupyter.core.files import atomic_output, check_output_target

__all__ = [
    "EXPORT_FORMATS",
    "FORMULA_PREFIXES",
    "ExportFormat",
    "export_frame",
    "neutralise_formula",
]

ExportFormat = Literal["csv", "xlsx", "parquet"]

#: Formats :func:`export_frame` writes, by file suffix.
EXPORT_FORMATS: Final[dict[str, ExportFormat]] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
}

#: First characters that make a spreadsheet treat a text cell as a formula (OWASP).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

#: Rows converted and written at a time (bounds memory on large frames).
_CHUNK_ROWS: Final = 50_000

#: Limits of the XLSX format.
_XLSX_MAX_ROWS: Final = 1_048_576
_XLSX_MAX_COLUMNS: Final = 16_384
_XLSX_MAX_CELL_CHARS: Final = 32_767

#: Characters XML 1.0 (hence XLSX) cannot hold.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PREFIX_SET: Final = frozenset(FORMULA_PREFIXES)
_SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")

#: Texts openpyxl would otherwise store as Excel error values rather than text.
_XLSX_ERROR_TEXTS: Final = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
)


def neutralise_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Text starting with one of :data:`FORMULA_PREFIXES` gets the apostrophe; other text is
    returned unchanged.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_frame(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    format: ExportFormat | None = None,
    overwrite: bool = False,
    sheet_name: str = "data",
) -> Path:
    """Write a frame to a CSV, XLSX or Parquet file (see the module docstring for the rules).

    Parameters
    ----------
    frame:
        Any frame; its index is not written.
    path:
        The file to create. Its folder must exist.
    format:
        ``"csv"``, ``"xlsx"`` or ``"parquet"``; by default from the suffix of ``path``
        (``.csv``, ``.xlsx``, ``.parquet``, in any letter case).
    overwrite:
        Replace an existing file. By default an existing file is never replaced.
    sheet_name:
        Name of the sheet in an XLSX file (at most 31 characters, none of ``[ ] : * ? / \\``).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        When the suffix or ``format`` is not one of the formats (the message names it and lists
        the choices), column names repeat, the sheet name is not valid, or the frame does not
        fit an XLSX sheet (too many rows or columns, a text longer than an XLSX cell holds or a
        control character XLSX cannot hold: the message names the column and row). Nothing is
        written then.
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        When the folder of ``path`` does not exist.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"export_frame needs a pandas DataFrame, got {type(frame).__name__}")
    target = Path(path)
    chosen = _chosen_format(target, format)
    names = [str(name) for name in frame.columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"{target}: column names must be unique; {', '.join(map(repr, repeated))} appear "
            "more than once (rename them first)"
        )
    if chosen == "xlsx":
        _check_sheet_name(sheet_name)
        _check_xlsx_size(frame, target)
    check_output_target(target, overwrite)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}[chosen]
    with atomic_output(target, overwrite=overwrite) as temp:
        writer(frame, temp, target, sheet_name)
    return target


def _chosen_format(target: Path, format: str | None) -> ExportFormat:
    choices = ", ".join(EXPORT_FORMATS)
    if format is not None:
        for value in EXPORT_FORMATS.values():
            if format == value:
                return value
        names = ", ".join(repr(v) for v in EXPORT_FORMATS.values())
        raise ValueError(f"{target}: unknown format {format!r}; choose one of {names}")
    suffix = target.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        shown = repr(target.suffix) if target.suffix else "no suffix"
        raise ValueError(
            f"{target}: cannot tell the format from {shown}; use one of {choices} "
            "(or pass format=...)"
        )
    return EXPORT_FORMATS[suffix]


def _check_sheet_name(name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"sheet_name must be a non-empty string, got {name!r}")
    if len(name) > 31:
        raise ValueError(f"sheet_name {name!r} is longer than the 31 characters Excel allows")
    bad = sorted(_SHEET_NAME_FORBIDDEN.intersection(name))
    if bad or name.startswith("'") or name.endswith("'"):
        shown = " ".join(bad) if bad else "'"
        raise ValueError(f"sheet_name {name!r} contains {shown}, which Excel does not allow")


def _check_xlsx_size(frame: pd.DataFrame, target: Path) -> None:
    if len(frame) + 1 > _XLSX_MAX_ROWS:
        raise ValueError(
            f"{target}: {len(frame):,} rows do not fit an XLSX sheet (at most "
            f"{_XLSX_MAX_ROWS - 1:,} below the header); export to .csv or .parquet"
        )
    if frame.shape[1] > _XLSX_MAX_COLUMNS:
        raise ValueError(
            f"{target}: {frame.shape[1]:,} columns do not fit an XLSX sheet (at most "
            f"{_XLSX_MAX_COLUMNS:,}); export to .csv or .parquet"
        )


# --------------------------------------------------------------------------------------------
# Turning a column into cells
# --------------------------------------------------------------------------------------------

Cell = str | int | float | decimal.Decimal | bool | dt.datetime | dt.date | None
_Converter = Callable[[pd.Series], list[Cell]]


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _json_text(value: object) -> str:
    """JSON text of a dict, list or record (keys sorted, non-ASCII kept)."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, dict | list | tuple):
        value = to_dict()
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    return isinstance(value, float) and math.isnan(value)


def _non_finite_text(value: float) -> str:
    return "inf" if value > 0 else "'-inf"


class _Cells:
    """Converts the columns of one frame to cells for one format (CSV or XLSX)."""

    def __init__(self, fmt: Literal["csv", "xlsx"], target: Path) -> None:
        self.fmt = fmt
        self.target = target

    # -- per column ------------------------------------------------------------------------

    def converter(self, series: pd.Series) -> _Converter:
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            return lambda s: self._objects(s.name, s.astype(object), s.index)
        if pd.api.types.is_bool_dtype(dtype):
            return self._bools
        if pd.api.types.is_integer_dtype(dtype):
            return self._ints
        if pd.api.types.is_float_dtype(dtype):
            return self._floats
        if isinstance(dtype, pd.DatetimeTZDtype):
            return self._aware_datetimes
        if pd.api.types.is_datetime64_dtype(dtype):
            return self._naive_datetimes
        if pd.api.types.is_timedelta64_dtype(dtype):
            return self._timedeltas
        if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
            return self._strings
        return lambda s: self._objects(s.name, s, s.index)

    def header(self, frame: pd.DataFrame) -> list[str]:
        names = []
        for name, dtype in zip(frame.columns, frame.dtypes, strict=True):
            text = str(name)
            if self.fmt == "xlsx" and isinstance(dtype, pd.DatetimeTZDtype):
                text += " (UTC)"
            names.append(self._text(text, "the header", None))
        return names

    @staticmethod
    def _bools(s: pd.Series) -> list[Cell]:
        return [None if _is_missing(v) else bool(v) for v in s.tolist()]

    @staticmethod
    def _ints(s: pd.Series) -> list[Cell]:
        return [None if _is_missing(v) else int(v) for v in s.tolist()]

    @staticmethod
    def _floats(s: pd.Series) -> list[Cell]:
        cells: list[Cell] = []
        for v in s.tolist():
            if _is_missing(v):
                cells.append(None)
            elif math.isinf(v):
                cells.append(_non_finite_text(v))
            else:
                cells.append(float(v))
        return cells

    def _aware_datetimes(self, s: pd.Series) -> list[Cell]:
        if self.fmt == "csv":
            return [None if v is pd.NaT else v.isoformat() for v in s.tolist()]
        naive = s.dt.tz_convert("UTC").dt.tz_localize(None)
        return self._naive_datetimes(naive)

    def _naive_datetimes(self, s: pd.Series) -> list[Cell]:
        if self.fmt == "csv":
            return [None if v is pd.NaT else v.isoformat() for v in s.tolist()]
        return [None if v is pd.NaT else v.floor("us").to_pydatetime() for v in s.tolist()]

    def _timedeltas(self, s: pd.Series) -> list[Cell]:
        return [
            None if v is pd.NaT else self._text(v.isoformat(), s.name, i)
            for i, v in zip(s.index, s.tolist(), strict=True)
        ]

    def _strings(self, s: pd.Series) -> list[Cell]:
        values: list[Cell] = [None if _is_missing(v) else v for v in s.astype(object).tolist()]
        if self.fmt == "xlsx":
            for row, value in zip(s.index, values, strict=True):
                if isinstance(value, str) and (
                    len(value) >= _XLSX_MAX_CELL_CHARS or _XML_ILLEGAL.search(value)
                ):
                    self._check_xlsx_text(value, s.name, row)
        return [
            neutralise_formula(v) if isinstance(v, str) and v[:1] in _PREFIX_SET else v
            for v in values
        ]

    def _objects(self, name: object, s: pd.Series, index: pd.Index) -> list[Cell]:
        return [self._object(v, name, i) for i, v in zip(index, s.tolist(), strict=True)]

    # -- per cell (object columns) ---------------------------------------------------------

    def _object(self, value: object, column: object, row: object) -> Cell:
        if _is_missing(value):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else _non_finite_text(value)
        if isinstance(value, decimal.Decimal):
            return self._decimal(value)
        if isinstance(value, numbers.Real) and not isinstance(value, numbers.Rational):
            as_float = float(value)
            return as_float if math.isfinite(as_float) else _non_finite_text(as_float)
        if isinstance(value, str):
            return self._text(value, column, row)
        if isinstance(value, pd.Timestamp | dt.datetime):
            stamp = pd.Timestamp(value)
            if self.fmt == "csv":
                return stamp.isoformat()
            if stamp.tzinfo is not None:
                stamp = stamp.tz_convert("UTC").tz_localize(None)
            return stamp.floor("us").to_pydatetime()
        if isinstance(value, dt.date):
            return value.isoformat() if self.fmt == "csv" else value
        if isinstance(value, pd.Timedelta | dt.timedelta):
            return self._text(pd.Timedelta(value).isoformat(), column, row)
        if isinstance(value, dict | list | tuple | set | frozenset) or callable(
            getattr(value, "to_dict", None)
        ):
            return self._text(_json_text(value), column, row)
        return self._text(str(value), column, row)

    def _decimal(self, value: decimal.Decimal) -> Cell:
        """A decimal (not NaN: that is missing) as a number: exact in CSV (``str`` of a decimal
        is a number spreadsheets read, ``-1.5`` or ``1E+2``, never text to neutralise), a float
        in XLSX."""
        if self.fmt == "csv" and value.is_finite():
            return value
        as_float = float(value)  # beyond a float's range: infinite, like an infinite decimal
        return as_float if math.isfinite(as_float) else _non_finite_text(as_float)

    def _text(self, text: str, column: object, row: object) -> str:
        if self.fmt == "xlsx":
            self._check_xlsx_text(text, column, row)
        return neutralise_formula(text)

    def _check_xlsx_text(self, text: str, column: object, row: object) -> None:
        where = f"column {column!r}" + ("" if row is None else f", row {row}")
        if len(text) >= _XLSX_MAX_CELL_CHARS:  # the apostrophe may add one
            raise ValueError(
                f"{self.target}: {where}: a text of {len(text):,} characters is longer than an "
                f"XLSX cell holds ({_XLSX_MAX_CELL_CHARS:,}); export to .csv or .parquet"
            )
        match = _XML_ILLEGAL.search(text)
        if match is not None:
            raise ValueError(
                f"{self.target}: {where}: the control character U+{ord(match.group()):04X} "
                "cannot be stored in XLSX; export to .csv or .parquet, or remove it"
            )


def _chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), _CHUNK_ROWS):
        yield frame.iloc[start : start + _CHUNK_ROWS]


def _rows(frame: pd.DataFrame, cells: _Cells) -> Iterator[Sequence[Cell]]:
    """The frame's rows as cells, converted one chunk at a time."""
    converters = [cells.converter(frame.iloc[:, i]) for i in range(frame.shape[1])]
    for chunk in _chunks(frame):
        columns = [convert(chunk.iloc[:, i]) for i, convert in enumerate(converters)]
        yield from zip(*columns, strict=True) if columns else ([] for _ in range(len(chunk)))


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _write_csv(frame: pd.DataFrame, temp: Path, target: Path, sheet_name: str) -> None:
    cells = _Cells("csv", target)
    with temp.open("x", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(cells.header(frame))
        writer.writerows(_rows(frame, cells))


def _write_xlsx(frame: pd.DataFrame, temp: Path, target: Path, sheet_name: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    cells = _Cells("xlsx", target)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_name)
    sheet.freeze_panes = "A2"
    try:
        sheet.append(cells.header(frame))
        for row in _rows(frame, cells):
            if any(isinstance(v, str) and v in _XLSX_ERROR_TEXTS for v in row):
                sheet.append([_xlsx_text_cell(sheet, v, WriteOnlyCell) for v in row])
            else:
                sheet.append(row)
    except BaseException:
        # openpyxl streams the sheet to a file of its own; finish and save the book (into the
        # temporary file, which atomic_output removes) so that nothing of it is left behind.
        with contextlib.suppress(Exception):
            book.save(temp)
        raise
    book.save(temp)


def _xlsx_text_cell(sheet: object, value: object, cell_type: Callable[..., object]) -> object:
    """``value``, or a text cell for texts openpyxl would otherwise store as error values."""
    if isinstance(value, str) and value in _XLSX_ERROR_TEXTS:
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"  # type: ignore[attr-defined]
        return cell
    return value


def _write_parquet(frame: pd.DataFrame, temp: Path, target: Path, sheet_name: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    prepared = frame.copy(deep=False)
    prepared.columns = [str(name) for name in frame.columns]
    for name in prepared.columns:
        column = prepared[name]
        if column.dtype == object and not _all_text(column) and not _all_decimal(column):
            prepared[name] = pd.Series(
                [None if _is_missing(v) else _parquet_text(v) for v in column.tolist()],
                index=column.index,
                dtype="str",
            )
    table = pa.Table.from_pandas(prepared, preserve_index=False)
    pq.write_table(table, temp)


def _all_text(column: pd.Series) -> bool:
    return all(isinstance(v, str) or _is_missing(v) for v in column.tolist())


def _all_decimal(column: pd.Series) -> bool:
    """True when pyarrow can write the column as decimals: finite decimals and missing values
    (a decimal NaN is missing)."""
    values = [v for v in column.tolist() if not _is_missing(v)]
    return bool(values) and all(isinstance(v, decimal.Decimal) and v.is_finite() for v in values)


def _parquet_text(value: object) -> str:
    """A cell of a mixed ``object`` column as text (see the module docstring)."""
    if isinstance(value, str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    return _json_text(value)
