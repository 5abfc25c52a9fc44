"""Reading many transcripts at once: tables, folders, collected errors, the progress bar."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import attune_jupyter.core as core
from attune_jupyter.core.readers import (
    TableColumns,
    TranscriptLoadErrors,
    load_transcript,
    load_transcripts,
)
from attune_jupyter.core.transcript import TranscriptError

DATA = Path(__file__).parent.parent / "data" / "transcripts"
HEADER = "transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
VTT = "WEBVTT\n\n00:01.000 --> 00:02.000\nClient: hi\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_exported_from_the_core() -> None:
    assert core.load_transcripts is load_transcripts
    assert "load_transcripts" in core.__all__


def test_a_table_file_gives_all_its_transcripts(tmp_path: Path) -> None:
    path = write(tmp_path, "course.csv", HEADER + "s1,1,therapist,,hi\ns2,1,client,,yo\n")
    assert [t.id for t in load_transcripts(path)] == ["s1", "s2"]
    assert [t.id for t in load_transcripts(str(path), "csv")] == ["s1", "s2"]


def test_a_one_transcript_file_gives_a_list_of_one() -> None:
    (transcript,) = load_transcripts(DATA / "session_plain.txt")
    assert transcript == load_transcript(DATA / "session_plain.txt")
    (captions,) = load_transcripts(DATA / "zoom.vtt", format="webvtt")
    assert captions.id == "zoom"


def test_a_bad_single_file_raises_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="file not found") as caught:
        load_transcripts(tmp_path / "absent.csv")
    assert not isinstance(caught.value, TranscriptLoadErrors)


def good_and_bad_folder(folder: Path) -> None:
    write(folder, "a_session.txt", "Therapist: hello\nClient: hi\n")
    write(folder, "b_course.csv", HEADER + "s1,1,therapist,,hi\ns2,1,client,,yo\n")
    write(folder, "c_broken.txt", "no label here\n")
    write(folder, "d_captions.vtt", VTT)
    write(folder, "e_wrong.csv", "speaker,text\nTherapist,hi\n")
    write(folder, ".hidden.txt", "not even a transcript")
    write(folder, "notes.md", "# not a transcript")
    (folder / "sub").mkdir()
    write(folder / "sub", "deeper.txt", "Therapist: not read\n")


def test_a_folder_reads_every_supported_file_and_collects_the_errors(tmp_path: Path) -> None:
    good_and_bad_folder(tmp_path)
    with pytest.raises(TranscriptLoadErrors) as caught:
        load_transcripts(tmp_path)
    error = caught.value
    assert isinstance(error, TranscriptError)
    assert [t.id for t in error.loaded] == ["a_session", "s1", "s2", "d_captions"]
    assert [e.path for e in error.errors] == [
        str(tmp_path / "c_broken.txt"),
        str(tmp_path / "e_wrong.csv"),
    ]
    assert error.errors[0].line == 1
    assert error.path == str(tmp_path)
    message = str(error)
    assert message.startswith(f"{tmp_path}: 2 files could not be read; the 4 transcripts")
    for failed in error.errors:
        assert f"  - {failed}" in message
    assert "missing columns 'transcript_id'" in message


def test_the_collected_error_pickles(tmp_path: Path) -> None:
    good_and_bad_folder(tmp_path)
    with pytest.raises(TranscriptLoadErrors) as caught:
        load_transcripts(tmp_path)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value)
    assert copy.loaded == caught.value.loaded
    assert [str(e) for e in copy.errors] == [str(e) for e in caught.value.errors]


def test_a_folder_of_good_files_in_path_order(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "Client: second\n")
    write(tmp_path, "a.vtt", VTT)
    write(tmp_path, "c.tsv", HEADER.replace(",", "\t") + "t-3\t1\tclient\t\tthird\n")
    assert [t.id for t in load_transcripts(tmp_path, progress=False)] == ["a", "b", "t-3"]


def test_format_limits_a_folder_to_that_format(tmp_path: Path) -> None:
    good_and_bad_folder(tmp_path)
    assert [t.id for t in load_transcripts(tmp_path, "webvtt")] == ["d_captions"]
    with pytest.raises(TranscriptError, match="unknown format 'pages'"):
        load_transcripts(tmp_path, "pages")


def test_columns_reach_the_tables_of_a_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.csv", "who,said\nTherapist,hi\n")
    write(tmp_path, "b.txt", "Client: hello\n")
    columns = TableColumns(
        transcript_id=None, order=None, speaker="who", role=None, text="said", start=None
    )
    loaded = load_transcripts(tmp_path, columns=columns, progress=False)
    assert [(t.id, t[0].role) for t in loaded] == [("a", "therapist"), ("b", "client")]


def test_duplicate_ids_across_files_name_both_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", HEADER + "s1,1,therapist,,hi\n")
    write(tmp_path, "b.txt", "Client: hello\n")
    second = write(tmp_path, "s1.txt", "Client: hello\n")
    with pytest.raises(TranscriptLoadErrors) as caught:
        load_transcripts(tmp_path, progress=False)
    (error,) = caught.value.errors
    assert error.path == str(second)
    assert f"transcript id 's1' is also the id of a transcript in {first}" in error.reason
    assert [t.id for t in caught.value.loaded] == ["s1", "b"]


def test_a_folder_without_transcript_files_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", "nothing here")
    with pytest.raises(TranscriptError, match="the folder holds no transcript files"):
        load_transcripts(tmp_path)


def test_progress_false_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.txt", "Client: one\n")
    write(tmp_path, "b.txt", "Client: two\n")
    assert len(load_transcripts(tmp_path, progress=False)) == 2
    assert capsys.readouterr() == ("", "")


def test_progress_bar_by_default_for_several_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.txt", "Client: one\n")
    load_transcripts(tmp_path)
    assert capsys.readouterr() == ("", "")  # one file: no bar
    write(tmp_path, "b.txt", "Client: two\n")
    load_transcripts(tmp_path)
    assert "Reading transcripts" in capsys.readouterr().err
    write(tmp_path, "c.txt", "Client: three\n")
    load_transcripts(tmp_path / "a.txt", progress=True)
    assert capsys.readouterr() == ("", "")  # a single file has no bar to show
