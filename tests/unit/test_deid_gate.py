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


# -- the course file's allow-list ----------------------------------------------------------------

COURSE = """\
# Teaching cases for week 3: the names are fictional.
format_version = 1

[deid]
allow = ["Aisha", "07700 900123"]
"""


def test_a_course_file_above_the_transcript_allows_its_words(tmp_path: Path) -> None:
    (tmp_path / "attune-course.toml").write_text(COURSE, encoding="utf-8")
    week = tmp_path / "week3"
    week.mkdir()
    (week / "session.txt").write_text(PLANTED, encoding="utf-8")
    assert len(aj.load_transcript(week / "session.txt")) == 2
    assert [t.id for t in aj.load_transcripts(week, progress=False)] == ["session"]
    # Asked for no course: the gate refuses again.
    with pytest.raises(aj.NotAnonymizedError):
        aj.load_transcript(week / "session.txt", course=aj.CourseSettings())


def test_a_course_file_can_be_named_and_adds_to_allow(tmp_path: Path) -> None:
    course = tmp_path / "elsewhere.toml"
    course.write_text('format_version = 1\n[deid]\nallow = ["Aisha"]\n', encoding="utf-8")
    path = tmp_path / "session.txt"
    path.write_text(PLANTED, encoding="utf-8")
    with pytest.raises(aj.NotAnonymizedError) as caught:
        aj.load_transcript(path, course=course)
    assert [f.category for f in caught.value.findings] == ["phone"]
    assert len(aj.load_transcript(path, course=course, allow=["07700 900123"])) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('format_version = 1\n[deid]\nallow = ["Aisha",,]\n', "is not valid TOML: .*line 3"),
        ('format_version = 1\n[deid]\nalow = ["Aisha"]\n', "unknown key 'deid.alow'"),
        ("[deid]\nallow = []\n", "format_version must be a whole number"),
        ("format_version = 9\n", "format_version 9 is newer than this attune-jupyter reads"),
        ('format_version = 1\n[deid]\nallow = "Aisha"\n', "deid.allow must be a list"),
        ('format_version = 1\n[deid]\nallow = ["Aisha", 3]\n', r"deid.allow\[1\] must be"),
        ("format_version = 1\ndeid = 3\n", "deid must be a table"),
    ],
    ids=["syntax", "misspelt-key", "no-version", "newer", "not-a-list", "not-a-string", "scalar"],
)
def test_a_bad_course_file_is_refused_naming_file_and_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    course = tmp_path / "attune-course.toml"
    course.write_text(content, encoding="utf-8")
    (tmp_path / "session.txt").write_text(CLEAN, encoding="utf-8")
    with pytest.raises(aj.CourseFileError, match=f"^{course}: {message}"):
        aj.load_transcript(tmp_path / "session.txt")
    assert len(aj.load_transcript(tmp_path / "session.txt", screen=False)) == 2


# -- overriding the gate, on the record ----------------------------------------------------------


def test_an_override_loads_and_records_who_when_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "sup-okafor")
    path = tmp_path / "demo.txt"
    path.write_text(PLANTED, encoding="utf-8")
    store_file = tmp_path / "course.sqlite"
    reason = "Checked by hand: Aisha is a character in the published teaching video"
    transcript = aj.load_transcript(path, override=reason, store=store_file)
    assert len(transcript) == 2
    with aj.open_store(store_file) as store:
        audit = store.audit_events()
    assert audit[["action", "transcript_id", "actor"]].to_dict("records") == [
        {"action": "override_gate", "transcript_id": "demo", "actor": "sup-okafor"}
    ]
    details = audit.loc[0, "details"]
    assert details["reason"] == reason
    assert details["findings"] == {"person_name": 1, "phone": 1}
    assert details["source"] == str(path)
    assert "900123" not in str(details)


def test_an_override_of_a_clean_transcript_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "clean.txt"
    path.write_text(CLEAN, encoding="utf-8")
    with aj.open_store(tmp_path / "s.sqlite") as store:
        aj.load_transcript(path, override="just in case", store=store, by="sup-a")
        assert store.audit_events().empty
        assert not store.closed  # a store passed in is left open


def test_a_folder_override_records_each_transcript_it_lets_through(tmp_path: Path) -> None:
    folder = tmp_path / "week"
    folder.mkdir()
    (folder / "a.txt").write_text(PLANTED, encoding="utf-8")
    (folder / "b.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "c.txt").write_text(PLANTED.replace("Aisha", "Tomasz"), encoding="utf-8")
    with aj.open_store(tmp_path / "s.sqlite") as store:
        loaded = aj.load_transcripts(
            folder, progress=False, override="role-play", store=store, by="sup-a"
        )
        assert [t.id for t in loaded] == ["a", "b", "c"]
        assert store.audit_events()["transcript_id"].tolist() == ["a", "c"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"override": "  "}, "override must be the reason"),
        ({"override": "ok", "screen": False}, "override has no effect with screen=False"),
    ],
)
def test_an_override_needs_a_reason_and_the_screen(
    tmp_path: Path, arguments: dict[str, object], message: str
) -> None:
    path = tmp_path / "demo.txt"
    path.write_text(PLANTED, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        aj.load_transcript(path, store=tmp_path / "s.sqlite", **arguments)  # type: ignore[arg-type]
    assert not (tmp_path / "s.sqlite").exists()


def test_an_override_that_cannot_be_recorded_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / "demo.txt"
    path.write_text(PLANTED, encoding="utf-8")
    with pytest.raises(aj.StoreError, match=r"cannot open store .*missing does not exist"):
        aj.load_transcript(path, override="role-play", store=tmp_path / "missing" / "s.sqlite")
