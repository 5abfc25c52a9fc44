"""The `attune` command as a course author runs it: exit codes, masked output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import attune_jupyter as aj

PLANTED = (
    "Therapist: Good to see you again.\n"
    "Client: Dr Okonkwo said to call her on +44 20 7946 0958 before my appointment.\n"
)
CLEAN = "Therapist: How was the week?\nClient: Long, but I slept better.\n"


def attune(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "attune_jupyter.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "planted.txt").write_text(PLANTED, encoding="utf-8")
    return folder


def test_check_a_clean_file_exits_0(sessions: Path) -> None:
    done = attune("check", str(sessions / "clean.txt"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "1 transcript checked, 0 possible identifiers" in done.stderr


def test_check_prints_masked_findings_and_exits_1(sessions: Path) -> None:
    done = attune("check", str(sessions / "planted.txt"))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(" t2 person_name " in line for line in lines), lines
    assert any(" t2 phone " in line for line in lines), lines
    output = done.stdout + done.stderr
    assert "Okonkwo" not in output and "7946" not in output


def test_allow_accepts_a_known_safe_word(sessions: Path) -> None:
    done = attune("check", "--allow", "Okonkwo", str(sessions / "planted.txt"))
    assert done.returncode == 1  # the phone number is still there
    assert "person_name" not in done.stdout and "phone" in done.stdout


def test_a_bad_file_is_one_line_and_the_others_are_still_checked(sessions: Path) -> None:
    (sessions / "broken.vtt").write_text("00:00:01.000 --> 00:00:02.000\nClient: hi\n")
    done = attune("check", str(sessions))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("attune: ")]
    assert len(errors) == 1 and "broken.vtt" in errors[0] and "line 1" in errors[0]
    assert "2 transcripts checked" in done.stderr
    assert "phone" in done.stdout


def test_check_uses_the_course_file_above_the_transcripts(sessions: Path) -> None:
    course = sessions.parent / "attune-course.toml"
    course.write_text(
        'format_version = 1\n[deid]\nallow = ["Okonkwo", "+44 20 7946 0958"]\n', encoding="utf-8"
    )
    done = attune("check", str(sessions))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"using {course} (2 allowed words)" in done.stderr
    # Two paths under one course file: it is read and announced once.
    done = attune("check", str(sessions / "clean.txt"), str(sessions / "planted.txt"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.count(f"using {course}") == 1
    course.write_text("format_version = 1\n[deid]\nallow = [\n", encoding="utf-8")
    done = attune("check", str(sessions))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"attune: {course}: is not valid TOML")


def test_import_keeps_clean_transcripts_and_refuses_the_others(
    sessions: Path, tmp_path: Path
) -> None:
    store_file = tmp_path / "course.sqlite"
    done = attune("import", str(sessions), "--store", str(store_file), "--by", "sup-a")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == ["imported clean (2 turns)"]
    assert "planted.txt: 2 possible identifiers" in done.stderr
    assert "Okonkwo" not in done.stderr + done.stdout
    with aj.open_store(store_file) as store:
        assert store.transcript("clean").turns == aj.load_transcript(sessions / "clean.txt").turns
        assert store.transcripts()["transcript_id"].tolist() == ["clean"]
    again = attune("import", str(sessions / "clean.txt"), "--store", str(store_file))
    assert again.returncode == 0
    assert again.stdout.splitlines() == ["unchanged clean (2 turns)"]


def test_import_with_an_override_records_the_reason(sessions: Path, tmp_path: Path) -> None:
    store_file = tmp_path / "course.sqlite"
    reason = "Actors in the published demonstration video; checked by hand"
    done = attune(
        "import", str(sessions / "planted.txt"), "--store", str(store_file),
        "--override", reason, "--by", "sup-b",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["imported planted (2 turns)"]
    with aj.open_store(store_file) as store:
        audit = store.audit_events()
    assert audit["action"].tolist() == ["override_gate", "import_transcript"]
    assert audit["actor"].tolist() == ["sup-b", "sup-b"]
    assert audit.loc[0, "details"]["reason"] == reason


def test_import_of_a_different_transcript_under_a_known_id_is_refused(
    sessions: Path, tmp_path: Path
) -> None:
    store_file = tmp_path / "course.sqlite"
    assert attune("import", str(sessions / "clean.txt"), "--store", str(store_file)).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "clean.txt").write_text("Therapist: Hello.\nClient: Hi.\n", encoding="utf-8")
    done = attune("import", str(other / "clean.txt"), "--store", str(store_file))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()[1:]
    assert "already holds a different transcript with id 'clean'" in line


def test_import_into_a_store_that_cannot_be_opened_is_one_line(
    sessions: Path, tmp_path: Path
) -> None:
    done = attune("import", str(sessions), "--store", str(tmp_path / "no" / "s.sqlite"))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("attune: cannot open store") and "does not exist" in line


def test_convert_writes_json_that_loads_back(sessions: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = attune("convert", str(sessions / "clean.txt"), "--to", "json", "-o", str(out))
    assert done.returncode == 0, done.stderr
    written = out / "clean.json"
    assert done.stdout.strip() == str(written)
    assert json.loads(written.read_text())["format"] == "attune-transcript"
    original = aj.load_transcript(sessions / "clean.txt")
    assert aj.load_transcript(written).to_dict() == original.to_dict()
    # Running it again keeps the existing file and says so.
    before = written.read_bytes()
    again = attune("convert", str(sessions / "clean.txt"), "-o", str(out))
    assert again.returncode == 2 and "exists; not overwritten" in again.stderr
    assert written.read_bytes() == before


def test_convert_never_writes_outside_the_output_folder(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    transcript = aj.Transcript("../../escape", [aj.Turn("t1", "Client", "client", "hi")])
    transcript.save(source)
    out = tmp_path / "out"
    out.mkdir()
    done = attune("convert", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    (written,) = out.iterdir()  # one file, inside the output folder, with no path separator
    assert written.name.endswith("escape.json") and "/" not in written.name
    assert not (tmp_path.parent / "escape.json").exists()


@pytest.mark.parametrize("command", ["check", "import", "convert"])
def test_every_subcommand_has_help(command: str) -> None:
    done = attune(command, "--help")
    assert done.returncode == 0
    assert "usage: attune " + command in done.stdout
    assert "PATH" in done.stdout


def test_no_command_is_a_usage_error() -> None:
    done = attune()
    assert done.returncode == 2
    assert "usage: attune" in done.stderr


def test_the_attune_script_is_installed() -> None:
    script = Path(sys.executable).parent / "attune"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == f"attune-jupyter {aj.__version__}"
