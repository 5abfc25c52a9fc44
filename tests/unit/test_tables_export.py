"""Exporting tidy frames to CSV, XLSX and Parquet (attune_jupyter.core.table_export).

Files are written for real under ``tmp_path`` and read back the way a user's tools read them:
CSV with the csv module, XLSX with openpyxl (the cell types Excel sees), Parquet with pandas.
Store frames come from a real SQLite store.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.table_export import EXPORT_FORMATS, export_frame, neutralise_formula
from attune_jupyter.core.transcript import Transcript, Turn
from attune_jupyter.store import open_store

RISKY = ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tlead", "\rline", '=HYPERLINK("x")']
SAFE = ["plain", "a=b", " =not first", "", "émoji 🙂 ok"]


def _mixed_frame() -> pd.DataFrame:
    """Every kind of column the project's frames have, with risky text and missing values."""
    return pd.DataFrame(
        {
            "note": pd.Series([*RISKY, *SAFE[:-2], None], dtype="str"),
            "count": pd.Series([-3, 0, 7, None, 12, -1, 5, 2, 9, 10, 11], dtype="Int64"),
            "turns": pd.Series(range(-5, 6), dtype="int64"),
            "share": [-0.25, 0.1, float("nan"), 1 / 3, 2.5e-8, 0.0, 1.0, 0.5, -1.5, 3.0, 4.0],
            "adjudicated": [True, False] * 5 + [True],
            "created": pd.to_datetime(
                ["2025-03-01T09:30:00.123456+01:00"] * 10 + [None], utc=True
            ).as_unit("ns"),
            "details": [
                {"reason": "=cmd", "n": 2},
                [1, 2],
                None,
                "@x",
                4,
                2.5,
                {},
                [],
                "a",
                "b",
                "c",
            ],
        }
    )


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# --------------------------------------------------------------------------------------------
# Formula neutralisation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", RISKY)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", SAFE)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise_formula(text) == text


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_csv_neutralises_text_and_keeps_numbers_as_numbers(tmp_path: Path) -> None:
    frame = _mixed_frame()
    path = export_frame(frame, tmp_path / "table.csv")

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so that Excel reads UTF-8"
    assert b"\r\n" in raw
    rows = _read_csv(path)
    assert rows[0] == list(frame.columns)
    body = rows[1:]
    assert len(body) == len(frame)
    notes = [row[0] for row in body]
    assert notes[: len(RISKY)] == ["'" + t for t in RISKY]
    assert notes[len(RISKY) :] == [*SAFE[:-2], ""]
    # Numbers stay numbers: a negative integer is not neutralised, missing values are empty.
    assert [row[1] for row in body][:4] == ["-3", "0", "7", ""]
    assert [row[2] for row in body][:2] == ["-5", "-4"]
    assert [float(row[3]) for row in body if row[3]] == [v for v in frame["share"] if v == v], (
        "floats read back exactly"
    )
    assert body[2][3] == ""
    assert [row[4] for row in body][:2] == ["True", "False"]
    assert body[0][5] == "2025-03-01T08:30:00.123456+00:00"
    assert body[-1][5] == ""
    assert body[0][6] == '{"n": 2, "reason": "=cmd"}'
    assert body[1][6] == "[1, 2]"
    assert body[3][6] == "'@x"
    assert body[4][6] == "4"


def test_csv_numbers_are_unquoted_and_risky_text_quoted_only_when_needed(tmp_path: Path) -> None:
    frame = pd.DataFrame({"item": pd.Series(["=A1,B1", "ok"], dtype="str"), "score": [-2.5, 3.0]})
    path = export_frame(frame, tmp_path / "t.csv")
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[1] == '"\'=A1,B1",-2.5'
    assert lines[2] == "ok,3.0"


def test_csv_neutralises_column_names(tmp_path: Path) -> None:
    frame = pd.DataFrame({"=cmd": [1], "ok": [2]})
    rows = _read_csv(export_frame(frame, tmp_path / "t.csv"))
    assert rows[0] == ["'=cmd", "ok"]


def test_csv_of_the_store_frames(tmp_path: Path) -> None:
    transcript = Transcript(
        "session-1",
        [
            Turn("t1", "Client", "client", "I slept badly."),
            Turn("t2", "Therapist", "therapist", "Hm."),
        ],
    )
    with open_store(tmp_path / "store.db") as store:
        store.import_transcript(transcript, "lead")
        store.add_annotation(
            Annotation("session-1", "t2", "detachment", "sup1", note="=too short", strength=2)
        )
        store.add_annotation(
            Annotation("session-1", "t2", "detachment.missed-cue", "sup1", span_start=0, span_end=2)
        )
        annotations = store.annotations()
        audit = store.audit_events()

    rows = _read_csv(export_frame(annotations, tmp_path / "annotations.csv"))
    header, body = rows[0], rows[1:]
    assert header == list(annotations.columns)
    by_column = [dict(zip(header, row, strict=True)) for row in body]
    assert [r["note"] for r in by_column] == ["'=too short", ""]
    assert [r["span_start"] for r in by_column] == ["", "0"]
    assert [r["strength"] for r in by_column] == ["2", ""]
    assert [r["responds_to"] for r in by_column] == ["", ""]
    assert all(r["created"].endswith("+00:00") for r in by_column)

    audit_rows = _read_csv(export_frame(audit, tmp_path / "audit.csv"))
    details = audit_rows[1][audit_rows[0].index("details")]
    assert details.startswith("{") and '"turn_count": 2' in details


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def test_xlsx_cells_have_the_types_excel_shows(tmp_path: Path) -> None:
    frame = _mixed_frame()
    path = export_frame(frame, tmp_path / "table.xlsx", sheet_name="cohort")

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["cohort"]
    sheet = book["cohort"]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header == ["note", "count", "turns", "share", "adjudicated", "created (UTC)", "details"]
    body = rows[1:]
    assert len(body) == len(frame)

    notes = [row[0] for row in body]
    for cell, text in zip(notes, RISKY, strict=False):
        assert cell.data_type == "s"
        # XML (inside XLSX) reads a carriage return back as a line feed.
        assert cell.value == "'" + text.replace("\r", "\n")
    assert notes[len(RISKY)].value == "plain"
    assert notes[-1].value is None

    counts = [row[1] for row in body]
    assert [c.value for c in counts[:4]] == [-3, 0, 7, None]
    assert all(c.data_type == "n" for c in counts)
    assert isinstance(counts[0].value, int)
    shares = [row[3] for row in body]
    assert shares[0].value == -0.25 and shares[0].data_type == "n"
    assert shares[2].value is None
    assert [row[4].value for row in body][:2] == [True, False]
    assert body[0][4].data_type == "b"

    created = body[0][5]
    assert created.is_date
    # UTC, without its zone, to the millisecond Excel keeps.
    assert created.value == datetime(2025, 3, 1, 8, 30, 0, 123000)
    assert body[-1][5].value is None
    assert body[0][6].value == '{"n": 2, "reason": "=cmd"}'
    assert body[3][6].value == "'@x"
    assert body[4][6].value == 4 and body[4][6].data_type == "n"


def test_xlsx_never_stores_a_formula_or_an_error_value(tmp_path: Path) -> None:
    frame = pd.DataFrame({"note": pd.Series(["=1+1", "#N/A", "#DIV/0!"], dtype="str")})
    sheet = openpyxl.load_workbook(export_frame(frame, tmp_path / "t.xlsx")).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert [c.value for c in cells] == ["'=1+1", "#N/A", "#DIV/0!"]


def test_xlsx_refuses_text_longer_than_a_cell(tmp_path: Path) -> None:
    frame = pd.DataFrame({"note": pd.Series(["ok", "x" * 40_000], dtype="str")})
    with pytest.raises(ValueError, match=r"column 'note', row 1: .*longer than an XLSX cell"):
        export_frame(frame, tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_xlsx_refuses_control_characters(tmp_path: Path) -> None:
    frame = pd.DataFrame({"note": ["fine", "bell\x07"]})
    with pytest.raises(ValueError, match=r"column 'note', row 1: the control character U\+0007"):
        export_frame(frame, tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", "a" * 32, "rates[1]", "a/b"])
def test_xlsx_refuses_sheet_names_excel_does_not_allow(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="sheet_name"):
        export_frame(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx", sheet_name=name)


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------


def test_parquet_round_trips_exactly_and_keeps_text_unaltered(tmp_path: Path) -> None:
    frame = _mixed_frame().drop(columns="details")
    path = export_frame(frame, tmp_path / "table.parquet")
    back = pd.read_parquet(path)
    assert_frame_equal(back, frame)
    assert back["note"].iloc[0] == "=1+1"


def test_parquet_of_the_store_frames(tmp_path: Path) -> None:
    transcript = Transcript("s", [Turn("t1", "Client", "client", "Hello")])
    with open_store(tmp_path / "store.db") as store:
        store.import_transcript(transcript, "lead")
        store.add_annotation(Annotation("s", "t1", "attunement", "sup1", note="-minus"))
        store.add_annotation(Annotation("s", "t1", "rigidity", "sup2", span_start=0, span_end=3))
        annotations = store.annotations()
        audit = store.audit_events()
    back = pd.read_parquet(export_frame(annotations, tmp_path / "annotations.parquet"))
    assert_frame_equal(back, annotations)

    back_audit = pd.read_parquet(export_frame(audit, tmp_path / "audit.parquet"))
    assert back_audit["details"].dtype == "str"
    assert [json.loads(v) for v in back_audit["details"]] == list(audit["details"])
    assert_frame_equal(back_audit.drop(columns="details"), audit.drop(columns="details"))


# --------------------------------------------------------------------------------------------
# Object columns: decimals and mixed values
# --------------------------------------------------------------------------------------------


def _decimal_frame() -> pd.DataFrame:
    """Decimals in object columns, as a database driver or a hand-made table gives them."""
    return pd.DataFrame(
        {
            "score": pd.Series(
                [Decimal("-1.5"), Decimal("2"), None, Decimal("1E+2"), Decimal("0.1")],
                dtype=object,
            ),
            "mixed": pd.Series([Decimal("-2.25"), 3, "=x", Decimal("NaN"), 4.5], dtype=object),
        }
    )


def test_decimals_in_object_columns_stay_numbers_in_csv(tmp_path: Path) -> None:
    path = export_frame(_decimal_frame(), tmp_path / "t.csv")
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[:6] == ["score,mixed", "-1.5,-2.25", "2,3", ",'=x", "1E+2,", "0.1,4.5"]
    rows = _read_csv(path)[1:]
    assert [float(row[0]) for row in rows if row[0]] == [-1.5, 2.0, 100.0, 0.1]


def test_decimals_in_object_columns_are_number_cells_in_xlsx(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(export_frame(_decimal_frame(), tmp_path / "t.xlsx")).active
    body = list(sheet.iter_rows(min_row=2))
    scores = [row[0] for row in body]
    assert [c.value for c in scores] == [-1.5, 2, None, 100, 0.1]
    assert all(c.data_type == "n" for c in scores)
    mixed = [row[1] for row in body]
    assert [c.value for c in mixed] == [-2.25, 3, "'=x", None, 4.5]
    assert [c.data_type for c in mixed] == ["n", "n", "s", "n", "n"]


def test_parquet_keeps_decimal_columns_and_writes_mixed_columns_as_text(tmp_path: Path) -> None:
    back = pd.read_parquet(export_frame(_decimal_frame(), tmp_path / "t.parquet"))
    assert back["score"].tolist()[:2] == [Decimal("-1.5"), Decimal("2")]
    assert back["score"].tolist()[2] is None
    assert back["score"].tolist()[3:] == [Decimal("100"), Decimal("0.1")]
    # One type per Parquet column: a column mixing numbers and text becomes text (documented).
    assert back["mixed"].dtype == "str"
    assert back["mixed"].tolist()[:3] == ["-2.25", "3", "=x"]
    assert pd.isna(back["mixed"].iloc[3])
    assert back["mixed"].iloc[4] == "4.5"


# --------------------------------------------------------------------------------------------
# Files: formats, overwriting, atomic writes
# --------------------------------------------------------------------------------------------


def test_unknown_suffix_names_the_suffix_and_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'\.txt'.*\.csv, \.xlsx, \.parquet"):
        export_frame(pd.DataFrame({"a": [1]}), tmp_path / "table.txt")
    with pytest.raises(ValueError, match="no suffix"):
        export_frame(pd.DataFrame({"a": [1]}), tmp_path / "table")
    with pytest.raises(ValueError, match=r"unknown format 'json'"):
        export_frame(pd.DataFrame({"a": [1]}), tmp_path / "t.csv", format="json")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
    assert set(EXPORT_FORMATS) == {".csv", ".xlsx", ".parquet"}


def test_format_can_be_given_and_suffix_case_is_ignored(tmp_path: Path) -> None:
    export_frame(pd.DataFrame({"a": [1]}), tmp_path / "table.txt", format="csv")
    assert _read_csv(tmp_path / "table.txt") == [["a"], ["1"]]
    export_frame(pd.DataFrame({"a": [1]}), tmp_path / "TABLE.XLSX")
    assert openpyxl.load_workbook(tmp_path / "TABLE.XLSX").active["A2"].value == 1


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_an_existing_file_is_not_replaced_without_overwrite(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"table{suffix}"
    target.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match=str(target)):
        export_frame(pd.DataFrame({"a": [1]}), target)
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]

    export_frame(pd.DataFrame({"a": [1]}), target, overwrite=True)
    assert target.read_bytes() != b"keep me"


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_frame(pd.DataFrame({"a": [1]}), tmp_path / "nowhere" / "t.csv")


def test_repeated_column_names_are_refused(tmp_path: Path) -> None:
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError, match="'a' appear more than once"):
        export_frame(frame, tmp_path / "t.csv")


class _Unprintable:
    """A value whose text cannot be made: the export fails when it reaches this row."""

    def __str__(self) -> str:
        raise RuntimeError("cannot show this value")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_failure_mid_way_leaves_no_file_and_no_temporary_file(
    tmp_path: Path, suffix: str
) -> None:
    rows = 120_001  # more than two chunks: the first ones are written before the failure
    frame = pd.DataFrame({"n": range(rows), "value": ["ok"] * (rows - 1) + [_Unprintable()]})
    target = tmp_path / f"big{suffix}"
    with pytest.raises(RuntimeError, match="cannot show this value"):
        export_frame(frame, target)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_overwrite_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    export_frame(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()
    frame = pd.DataFrame({"value": ["ok", _Unprintable()]})
    with pytest.raises(RuntimeError):
        export_frame(frame, target, overwrite=True)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_parquet_failure_leaves_nothing(tmp_path: Path) -> None:
    frame = pd.DataFrame({"value": [complex(1, 2)]})  # a type Parquet has no column for
    with pytest.raises(Exception, match="complex"):
        export_frame(frame, tmp_path / "t.parquet")
    assert list(tmp_path.iterdir()) == []


def test_empty_frames_keep_their_header(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="Int64")})
    assert _read_csv(export_frame(frame, tmp_path / "t.csv")) == [["a", "b"]]
    sheet = openpyxl.load_workbook(export_frame(frame, tmp_path / "t.xlsx")).active
    assert [c.value for c in next(sheet.iter_rows())] == ["a", "b"]
    assert_frame_equal(pd.read_parquet(export_frame(frame, tmp_path / "t.parquet")), frame)


def test_naive_datetimes_stay_without_zone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2025-01-02 03:04:05"])})
    assert _read_csv(export_frame(frame, tmp_path / "t.csv"))[1] == ["2025-01-02T03:04:05"]
    sheet = openpyxl.load_workbook(export_frame(frame, tmp_path / "t.xlsx")).active
    assert sheet["A1"].value == "at"
    assert sheet["A2"].value == datetime(2025, 1, 2, 3, 4, 5)
