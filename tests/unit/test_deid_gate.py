"""The de-identification gate in the loaders: a transcript that still identifies someone is
refused by default, with the findings masked; the gate can be opened only on purpose."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import attune_jupyter as aj
from attune_jupyter.core.readers import TranscriptLoadErrors

PLANTED = (
    "Therapist: How did the week go?\n"
    "Client: My sister Aisha rang from 07700 900123 and we argued again.\n"
)
CLEAN = "Therapist: How did the week go?\nClient: Long. I slept badly again.\n"


def test_a_transcript_with_identifiers_is_refused_with_masked_findings(tmp_path: Path) -> None:
    path = tmp_path / "week3.txt"
    path.write_text(PLANTED, encoding="utf-8")
    with pytest.raises(aj.NotAnonymizedError) as caught:
        aj.load_transcript(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 2 possible identifiers: ")
    assert {(f.turn_id, f.category) for f in caught.value.findings} == {
        ("t2", "person_name"),
        ("t2", "phone"),
    }
    assert "Aisha" not in message and "900123" not in message
    assert "screen=False" in message and "deidentify" in message
    assert isinstance(caught.value, aj.TranscriptError)
    assert isinstance(pickle.loads(pickle.dumps(caught.value)), aj.NotAnonymizedError)


def test_the_gate_opens_only_on_purpose(tmp_path: Path) -> None:
    path = tmp_path / "week3.txt"
    path.write_text(PLANTED, encoding="utf-8")
    assert len(aj.load_transcript(path, screen=False)) == 2
    with pytest.raises(aj.NotAnonymizedError) as caught:
        aj.load_transcript(path, allow=("Aisha",))  # the phone number is still there
    assert [f.category for f in caught.value.findings] == ["phone"]


def test_deidentified_text_passes_the_gate(tmp_path: Path) -> None:
    path = tmp_path / "week3.txt"
    path.write_text(PLANTED, encoding="utf-8")
    cleaned = aj.deidentify(aj.load_transcript(path, screen=False))
    assert "[PERSON_1]" in cleaned[1].text and "[PHONE]" in cleaned[1].text
    cleaned.save(tmp_path / "week3.json")
    assert aj.load_transcript(tmp_path / "week3.json")[1].text == cleaned[1].text


def test_a_folder_keeps_the_clean_files_and_reports_the_others(tmp_path: Path) -> None:
    (tmp_path / "a_clean.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "b_planted.txt").write_text(PLANTED, encoding="utf-8")
    with pytest.raises(TranscriptLoadErrors) as caught:
        aj.load_transcripts(tmp_path, progress=False)
    assert [t.id for t in caught.value.loaded] == ["a_clean"]
    (error,) = caught.value.errors
    assert isinstance(error, aj.NotAnonymizedError) and "b_planted.txt" in str(error)
    assert [t.id for t in aj.load_transcripts(tmp_path, progress=False, screen=False)] == [
        "a_clean",
        "b_planted",
    ]


def test_each_transcript_of_a_table_is_screened_on_its_own(tmp_path: Path) -> None:
    table = tmp_path / "cohort.csv"
    table.write_text(
        "transcript_id,utterance_id,interlocutor,utterance_text,timestamp\n"
        "s1,0,therapist,How are you?,00:00:01\n"
        "s1,1,client,Tired.,00:00:04\n"
        "s2,0,therapist,How are you?,00:00:01\n"
        "s2,1,client,Call me on 07700 900123 later.,00:00:05\n",
        encoding="utf-8",
    )
    with pytest.raises(TranscriptLoadErrors) as caught:
        aj.load_transcripts(table)
    assert [t.id for t in caught.value.loaded] == ["s1"]
    assert "cohort.csv (transcript s2)" in str(caught.value.errors[0])


def test_the_example_sessions_pass_the_gate() -> None:
    data = Path(__file__).resolve().parents[2] / "example_notebooks" / "data"
    assert len(aj.load_transcript(data / "session_01.txt")) == 50
    assert len(aj.load_transcript(data / "session_02.vtt")) == 14
