"""The Annotator's Python side: traits the front end draws from, messages it answers, and the
store it writes to (a real SQLite file). Browser behaviour is in tests/ui."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import pytest

import attune_jupyter as aj
from attune_jupyter.store import Store
from tests.store_faults import accept_writes, refuse_writes
from tests.ts_interfaces import interface_keys

SESSION = Path(__file__).resolve().parents[2] / "example_notebooks" / "data" / "session_01.txt"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with aj.open_store(tmp_path / "annotations.sqlite") as opened:
        yield opened


@pytest.fixture
def annotator(store: Store) -> aj.Annotator:
    return aj.Annotator(aj.load_transcript(SESSION), annotator="supervisor-a", store=store)


_requests = iter(range(1, 1_000_000))


def send(widget: aj.Annotator, message: dict[str, Any]) -> None:
    """What the front end sends for one user action (``AnnotatorMessage`` in api-types.ts)."""
    widget._handle_message(widget, {"request_id": next(_requests), **message}, [])


def moment(
    turn_id: str,
    span: tuple[int, int] | None = None,
    responds_to: str | None = None,
) -> dict[str, Any]:
    start, end = span if span else (None, None)
    return {"turn_id": turn_id, "span_start": start, "span_end": end, "responds_to": responds_to}


def press(widget: aj.Annotator, turn_id: str, code_id: str, **where: Any) -> None:
    """The user presses a code's key with a turn (or a span of it, or a pair) selected."""
    send(widget, {"type": "toggle-code", "moment": moment(turn_id, **where), "code_id": code_id})


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
    annotator.retry_delays = (0.0, 0.0)
    store.close()  # every write now fails, as a vanished database would
    press(annotator, "t3", "attunement.warmth")
    assert annotator.save_state["state"] == "error"
    assert (
        "Not saved (StoreError): Add or remove Emotional resonance and warmth on turn 3"
        in (annotator.save_state["message"])
    )
    assert "The edit is kept" in annotator.save_state["message"]
    assert annotator.annotation_records == []
    assert [e["description"] for e in annotator.failed_edits] == [
        "Add or remove Emotional resonance and warmth on turn 3"
    ]


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
    annotator.retry_delays = (0.0, 0.0)
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


def test_a_span_a_pair_and_several_codes_on_one_moment(
    annotator: aj.Annotator, store: Store
) -> None:
    # t11: "So the evenings that used to be his are empty now, ..." -> "the evenings" is 3..15.
    press(annotator, "t11", "attunement.reflection", span=(3, 15))
    press(annotator, "t11", "attunement.warmth", span=(3, 15))
    # t9 answers t8: the apology after the client's rebuke.
    press(annotator, "t9", "attunement.courage", responds_to="t8")
    frame = store.annotations().sort_values("code_id", ignore_index=True)
    assert frame[["turn_id", "span_start", "span_end", "responds_to"]].astype(object).where(
        frame[["turn_id", "span_start", "span_end", "responds_to"]].notna(), None
    ).values.tolist() == [
        ["t9", None, None, "t8"],
        ["t11", 3, 15, None],
        ["t11", 3, 15, None],
    ]
    spans = [a for a in store.annotation_list() if a.turn_id == "t11"]
    assert spans[0].moment == spans[1].moment
    assert annotator.save_state["message"] == (
        "Added Courage on turn 9 (response to turn 8); saved."
    )
    records = {r["code_id"]: r for r in annotator.annotation_records}
    assert records["attunement.reflection"]["span_start"] == 3
    assert records["attunement.courage"]["responds_to"] == "t8"


def test_a_span_outside_the_turn_or_a_pair_with_a_later_turn_is_refused(
    annotator: aj.Annotator, store: Store
) -> None:
    length = len(aj.load_transcript(SESSION).turn("t11").text)
    press(annotator, "t11", "attunement.reflection", span=(3, length + 1))
    assert annotator.save_state["message"] == (
        f"Not saved: span 3..{length + 1} is not inside turn 11 (0..{length} characters)"
    )
    press(annotator, "t8", "attunement.courage", responds_to="t9")
    assert annotator.save_state["message"] == (
        "Not saved: a response pairs with an earlier turn: turn 9 does not come before turn 8"
    )
    assert store.annotations().empty
    assert annotator.failed_edits == []  # refused edits are not kept for a retry


def test_strength_note_and_code_are_edited_and_undone(
    annotator: aj.Annotator, store: Store
) -> None:
    press(annotator, "t13", "attunement.curiosity")
    annotation_id = annotator.annotation_records[0]["id"]
    send(annotator, {"type": "edit", "id": annotation_id, "strength": 3})
    send(annotator, {"type": "edit", "id": annotation_id, "note": "Opens the quiet up."})
    assert annotator.save_state["message"] == "Changed Curiosity on turn 13; saved."
    stored = store.get_annotation(annotation_id)
    assert (stored.strength, stored.note) == (3, "Opens the quiet up.")
    assert annotator.undo_state == {"undo": "Change Curiosity on turn 13", "redo": None}

    send(annotator, {"type": "undo"})
    assert store.get_annotation(annotation_id).note == ""
    assert store.get_annotation(annotation_id).strength == 3
    assert annotator.save_state["message"] == "Undid \u201cChange Curiosity on turn 13\u201d"
    assert annotator.undo_state["redo"] == "Change Curiosity on turn 13"
    send(annotator, {"type": "redo"})
    assert store.get_annotation(annotation_id).note == "Opens the quiet up."

    send(annotator, {"type": "edit", "id": annotation_id, "strength": None})
    assert store.get_annotation(annotation_id).strength is None
    send(annotator, {"type": "edit", "id": annotation_id, "code_id": "attunement.warmth"})
    assert store.get_annotation(annotation_id).code_id == "attunement.warmth"
    assert annotator.save_state["message"] == (
        "Changed Emotional resonance and warmth on turn 13; saved."
    )
    send(annotator, {"type": "edit", "id": annotation_id, "strength": 7})
    assert annotator.save_state["state"] == "error"
    assert "strength must be one of 1, 2, 3 or None" in annotator.save_state["message"]


def test_undo_and_redo_walk_back_adds_and_deletes(annotator: aj.Annotator, store: Store) -> None:
    press(annotator, "t5", "rigidity.premature-advice")
    press(annotator, "t7", "detachment.missed-cue")
    missed = next(r for r in annotator.annotation_records if r["turn_id"] == "t7")
    send(annotator, {"type": "delete", "id": missed["id"]})
    assert annotator.save_state["message"] == "Deleted Missed emotional cue on turn 7; saved."
    assert list(store.annotations()["turn_id"]) == ["t5"]

    send(annotator, {"type": "undo"})  # the delete: the code is back (under a new id)
    assert sorted(store.annotations()["turn_id"]) == ["t5", "t7"]
    send(annotator, {"type": "undo"})  # the add of t7
    send(annotator, {"type": "undo"})  # the add of t5
    assert store.annotations().empty
    send(annotator, {"type": "undo"})
    assert annotator.save_state["message"] == "Not saved: nothing to undo"
    send(annotator, {"type": "redo"})
    send(annotator, {"type": "redo"})
    assert sorted(store.annotations()["turn_id"]) == ["t5", "t7"]
    # A new change after undoing drops what could have been redone.
    send(annotator, {"type": "undo"})
    press(annotator, "t3", "attunement.warmth")
    assert annotator.undo_state["redo"] is None
    # The history tells the whole story.
    assert list(store.history()["action"]).count("delete") == 4


def test_undo_of_a_change_made_elsewhere_since_is_refused(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    here = aj.Annotator(transcript, annotator="supervisor-a", store=store)
    there = aj.Annotator(transcript, annotator="supervisor-a", store=store)
    press(here, "t5", "rigidity.premature-advice")
    press(there, "t5", "rigidity.premature-advice")  # removed in another cell
    send(here, {"type": "undo"})
    assert here.save_state["message"] == (
        "Not saved: cannot undo \u201cAdd Premature advice on turn 5\u201d: "
        "the annotation was changed elsewhere since"
    )
    assert store.annotations().empty


def test_only_your_own_annotations_can_be_edited_or_deleted(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    a = aj.Annotator(transcript, annotator="supervisor-a", store=store)
    b = aj.Annotator(transcript, annotator="supervisor-b", store=store)
    press(a, "t5", "rigidity.premature-advice")
    theirs = a.annotation_records[0]["id"]
    send(b, {"type": "delete", "id": theirs})
    assert b.save_state["message"] == (
        f"Not saved: annotation '{theirs}' is supervisor-a's; you can change only your own "
        "(supervisor-b)"
    )
    send(b, {"type": "edit", "id": theirs, "note": "hmm"})
    assert b.save_state["state"] == "error"
    assert store.get_annotation(theirs).note == ""


def test_a_failed_save_is_retried_kept_and_saved_on_retry(tmp_path: Path) -> None:
    path = tmp_path / "flaky.sqlite"
    with aj.open_store(path) as store:
        widget = aj.Annotator(aj.load_transcript(SESSION), annotator="sup", store=store)
        widget.retry_delays = (0.01, 0.01)
        replies: list[dict[str, Any]] = []
        widget.send = replies.append  # type: ignore[method-assign]  # the comm to the view
        refuse_writes(path, "annotations")
        press(widget, "t13", "attunement.curiosity")
        press(widget, "t15", "attunement.validation")
        assert widget.save_state["state"] == "error"
        assert [e["description"] for e in widget.failed_edits] == [
            "Add or remove Curiosity on turn 13",
            "Add or remove Validating a feeling on turn 15",
        ]
        assert [r["ok"] for r in replies] == [False, False]
        # Three attempts each: the history has no trace, the store no row.
        assert store.annotations().empty

        send(widget, {"type": "retry"})  # still broken: both kept, in order
        assert len(widget.failed_edits) == 2
        assert widget.failed_edits[0]["description"].endswith("turn 13")

        accept_writes(path)
        send(widget, {"type": "retry"})
        assert widget.failed_edits == []
        assert widget.save_state == {**widget.save_state, "state": "saved"}
        assert widget.save_state["message"] == "Saved 2 kept edit(s)."
        assert sorted(store.annotations()["turn_id"]) == ["t13", "t15"]
        assert replies[-1]["ok"] is True


def test_kept_edits_can_be_given_up(tmp_path: Path) -> None:
    path = tmp_path / "flaky.sqlite"
    with aj.open_store(path) as store:
        widget = aj.Annotator(aj.load_transcript(SESSION), annotator="sup", store=store)
        widget.retry_delays = ()
        refuse_writes(path, "annotations")
        press(widget, "t13", "attunement.curiosity")
        send(widget, {"type": "discard-failed"})
        assert widget.failed_edits == []
        assert widget.save_state["message"] == "Gave up 1 unsaved edit(s)."


def test_compare_mode_shows_disagreements_and_records_the_agreed_code(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    a = aj.Annotator(transcript, annotator="supervisor-a", store=store)
    b = aj.Annotator(transcript, annotator="supervisor-b", store=store)
    a.add("t5", "rigidity.premature-advice")
    b.add("t5", "rigidity.premature-advice")
    a.add("t7", "detachment.missed-cue")
    b.add("t7", "detachment.minimising", span=(0, 5))
    curator = aj.Annotator.compare(transcript, adjudicator="lead", store=store)
    assert curator.mode == "compare"
    assert [(d.turn_id, d.code_id, d.coded_by, d.agreed) for d in curator.disagreements] == [
        ("t7", "detachment.minimising", ("supervisor-b",), False),
        ("t7", "detachment.missed-cue", ("supervisor-a",), False),
    ]
    send(
        curator,
        {"type": "adjudicate", "moment": moment("t7"), "code_id": "detachment.missed-cue"},
    )
    assert curator.save_state["message"] == "Agreed on Missed emotional cue on turn 7; saved."
    agreed = store.annotations(annotator="lead")
    assert agreed[["turn_id", "code_id", "adjudicated"]].values.tolist() == [
        ["t7", "detachment.missed-cue", True]
    ]
    assert [d.agreed for d in curator.disagreements] == [False, True]
    # The adjudicator is not one of the compared annotators.
    assert {d.coded_by for d in curator.disagreements} == {("supervisor-b",), ("supervisor-a",)}


def test_compare_can_name_whom_to_compare(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    for name in ("a", "b", "c"):
        aj.Annotator(transcript, annotator=name, store=store).add("t5", "rigidity.boundary")
    aj.Annotator(transcript, annotator="c", store=store).add("t9", "attunement.courage")
    chosen = aj.Annotator.compare(transcript, annotators=["a", "b"], store=store)
    assert chosen.visible_annotators == ["a", "b"]
    assert chosen.disagreements == []
    everyone = aj.Annotator.compare(transcript, store=store)
    assert [d.not_coded_by for d in everyone.disagreements] == [("a", "b")]


def test_read_only_refuses_every_kind_of_change(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    aj.Annotator(transcript, annotator="sup", store=store).add("t5", "rigidity.boundary")
    trainee = aj.Annotator(transcript, annotator="sup", store=store, read_only=True)
    target = trainee.annotation_records[0]["id"]
    for message in (
        {"type": "delete", "id": target},
        {"type": "edit", "id": target, "note": "x"},
        {"type": "undo"},
        {"type": "adjudicate", "moment": moment("t5"), "code_id": "rigidity.boundary"},
    ):
        send(trainee, message)
        assert trainee.save_state["message"] == "This transcript is read-only."
    assert len(store.annotations()) == 1


def test_feedback_view_shows_one_supervisors_work_and_allows_no_change(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    aj.Annotator(transcript, annotator="supervisor-a", store=store).add(
        "t9", "attunement.courage", note="Owned the miss."
    )
    aj.Annotator(transcript, annotator="supervisor-b", store=store).add("t5", "rigidity.boundary")
    aj.RubricForm(transcript, rater="supervisor-a", store=store).set_score("compassion", 4)
    view = aj.feedback_view(transcript, "supervisor-a", store=store)
    moments, rating = view.children
    assert isinstance(moments, aj.Annotator) and isinstance(rating, aj.RubricForm)
    assert moments.read_only and rating.read_only
    assert moments.visible_annotators == ["supervisor-a"]
    assert rating.rating is not None and rating.rating.scores["compassion"] == 4
    send(moments, {"type": "delete", "id": moments.annotation_records[0]["id"]})
    assert moments.save_state["message"] == "This transcript is read-only."
    with pytest.raises(PermissionError):
        rating.set_score("compassion", 1)
    assert len(store.annotations()) == 2
