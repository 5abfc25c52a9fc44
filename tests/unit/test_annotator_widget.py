"""The Annotator's Python side: traits the front end draws from, messages it answers, and the
store it writes to (a real SQLite file). Browser behaviour is in tests/ui."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import pytest

import attune_jupyter as aj
from attune_jupyter.store import Store
from tests.ts_interfaces import interface_keys

SESSION = Path(__file__).resolve().parents[2] / "example_notebooks" / "data" / "session_01.txt"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with aj.open_store(tmp_path / "annotations.sqlite") as opened:
        yield opened


@pytest.fixture
def annotator(store: Store) -> aj.Annotator:
    return aj.Annotator(aj.load_transcript(SESSION), annotator="supervisor-a", store=store)


def press(widget: aj.Annotator, turn_id: str, code_id: str) -> None:
    """What the front end sends when the user presses a code's key on a selected turn."""
    widget._handle_message(
        widget, {"type": "toggle-code", "turn_id": turn_id, "code_id": code_id}, []
    )


def test_synced_traits_mirror_the_typescript_model(annotator: aj.Annotator) -> None:
    # anywidget's own traits (_esm, _css, ...) are not part of the model the view reads.
    synced = {k for k in annotator.keys if not k.startswith("_")} - set(anywidget.AnyWidget().keys)
    assert synced == interface_keys("IAnnotatorModel")
    assert set(annotator.save_state) == interface_keys("ISaveState")


def test_traits_carry_what_the_front_end_draws(annotator: aj.Annotator) -> None:
    assert len(annotator.transcript["turns"]) == 50
    assert set(annotator.transcript["turns"][0]) == interface_keys("ITurn")
    codes = {c["id"]: c for c in annotator.codes}
    assert set(next(iter(codes.values()))) == interface_keys("ICodeRecord")
    assert codes["attunement"]["depth"] == 0 and codes["attunement.curiosity"]["depth"] == 1
    assert codes["attunement.curiosity"]["family"] == "attunement"
    assert len({c["key"] for c in annotator.codes}) == len(annotator.codes)
    assert annotator.annotation_records == []


def test_key_press_is_stored_at_once_and_shown(annotator: aj.Annotator, store: Store) -> None:
    press(annotator, "t13", "attunement.curiosity")
    # In the store before the reply, under this annotator.
    frame = store.annotations()
    assert list(frame[["turn_id", "code_id", "annotator"]].itertuples(index=False, name=None)) == [
        ("t13", "attunement.curiosity", "supervisor-a")
    ]
    assert [(r["turn_id"], r["code_id"]) for r in annotator.annotation_records] == [
        ("t13", "attunement.curiosity")
    ]
    assert set(annotator.annotation_records[0]) == interface_keys("IAnnotationRecord")
    assert annotator.save_state["state"] == "saved"
    assert annotator.save_state["message"] == "Added Curiosity on turn 13; saved."
    assert len(annotator.annotations) == 1


def test_pressing_the_same_key_again_removes_the_tag_but_keeps_history(
    annotator: aj.Annotator, store: Store
) -> None:
    press(annotator, "t7", "detachment.missed-cue")
    press(annotator, "t7", "detachment.missed-cue")
    assert annotator.annotation_records == []
    assert store.annotations().empty
    assert list(store.history()["action"]) == ["create", "delete"]
    assert annotator.save_state["message"] == "Removed Missed emotional cue on turn 7; saved."


def test_another_annotators_tag_is_shown_and_not_removed(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    a = aj.Annotator(transcript, annotator="supervisor-a", store=store)
    press(a, "t5", "rigidity.premature-advice")
    b = aj.Annotator(transcript, annotator="supervisor-b", store=store)
    assert [r["annotator"] for r in b.annotation_records] == ["supervisor-a"]
    press(b, "t5", "rigidity.premature-advice")  # b adds their own; a's stays
    assert sorted(store.annotations()["annotator"]) == ["supervisor-a", "supervisor-b"]


def test_unknown_turn_or_code_is_reported_and_nothing_is_written(
    annotator: aj.Annotator, store: Store
) -> None:
    press(annotator, "t999", "attunement.curiosity")
    assert annotator.save_state["state"] == "error"
    assert "t999" in annotator.save_state["message"]
    press(annotator, "t1", "no.such-code")
    assert annotator.save_state["state"] == "error"
    assert store.annotations().empty


def test_read_only_refuses_changes(store: Store) -> None:
    widget = aj.Annotator(
        aj.load_transcript(SESSION), annotator="trainee", store=store, read_only=True
    )
    press(widget, "t1", "attunement.clarity")
    assert widget.save_state["state"] == "error"
    assert store.annotations().empty


def test_a_failing_store_is_reported_not_hidden(annotator: aj.Annotator, store: Store) -> None:
    store.close()  # every write now fails, as a vanished database would
    press(annotator, "t3", "attunement.warmth")
    assert annotator.save_state["state"] == "error"
    assert "not recorded" in annotator.save_state["message"]
    assert annotator.annotation_records == []


def test_python_api_add_validates_and_notes(annotator: aj.Annotator) -> None:
    stored = annotator.add("t11", "attunement.reflection", note="Empty evenings, filled with work.")
    assert stored.note == "Empty evenings, filled with work."
    assert annotator.annotation_records[0]["note"] == stored.note
    with pytest.raises(KeyError):
        annotator.add("t11", "attunement.nope")
    with pytest.raises(KeyError):
        annotator.add("t0", "attunement.reflection")


def test_repr_shows_no_transcript_text(annotator: aj.Annotator) -> None:
    text = repr(annotator)
    assert "session_01" in text and "turns=50" in text
    assert "come in" not in text


def test_default_store_follows_attune_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_STORE", str(tmp_path / "from-env.sqlite"))
    widget = aj.Annotator(aj.load_transcript(SESSION), annotator="a")
    press(widget, "t1", "attunement.clarity")
    widget.store.close()
    with aj.open_store(tmp_path / "from-env.sqlite") as reopened:
        assert len(reopened.annotations()) == 1


def test_every_report_reaches_the_front_end_even_when_repeated(
    annotator: aj.Annotator, store: Store
) -> None:
    reports: list[dict[str, Any]] = []
    annotator.observe(lambda change: reports.append(change["new"]), names="save_state")
    store.close()
    press(annotator, "t3", "attunement.warmth")
    press(annotator, "t3", "attunement.warmth")
    assert [r["state"] for r in reports] == ["error", "error"]
    assert reports[0]["message"] == reports[1]["message"]
    assert reports[1]["seq"] > reports[0]["seq"]


def test_toggle_asks_the_store_not_a_stale_snapshot(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    first = aj.Annotator(transcript, annotator="supervisor-a", store=store)
    second = aj.Annotator(transcript, annotator="supervisor-a", store=store)  # another cell
    press(first, "t9", "attunement.following-lead")
    press(second, "t9", "attunement.following-lead")  # the same person undoes it elsewhere
    assert store.annotations().empty
    assert second.save_state["message"].startswith("Removed")


def test_widgets_without_a_store_share_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_STORE", str(tmp_path / "shared.sqlite"))
    transcript = aj.load_transcript(SESSION)
    first, second = aj.Annotator(transcript, annotator="a"), aj.Annotator(transcript, annotator="a")
    assert first.store is second.store
    first.store.close()
    third = aj.Annotator(transcript, annotator="a")  # a closed shared store is replaced
    assert not third.store.closed
    third.store.close()


def test_a_different_transcript_under_the_same_id_is_flagged(tmp_path: Path, store: Store) -> None:
    aj.Annotator(aj.load_transcript(SESSION), annotator="supervisor-a", store=store)
    other = tmp_path / "week2" / "session_01.txt"  # same file name, another session
    other.parent.mkdir()
    other.write_text("Therapist: A different session.\nClient: With other words.\n")
    with pytest.warns(aj.TranscriptChangedWarning, match="different transcript under the id"):
        widget = aj.Annotator(aj.load_transcript(other), annotator="supervisor-a", store=store)
    assert widget.save_state["state"] == "error"
    assert "load_transcript(path, id=" in widget.save_state["message"]
    # The same file again is not flagged, and the first registration is kept.
    aj.Annotator(aj.load_transcript(SESSION), annotator="supervisor-b", store=store)
    assert list(store.transcripts()["registered_by"]) == ["supervisor-a"]
    # Its own id keeps the second session apart.
    apart = aj.Annotator(aj.load_transcript(other, id="week2-session_01"), store=store)
    assert apart.save_state["state"] == "idle"
