"""The RubricForm's Python side: the traits the front end draws from, the messages it answers and
the store it writes to (a real SQLite file). Browser behaviour is in tests/ui."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anywidget
import pytest

import attune_jupyter as aj
from attune_jupyter.store import Store
from tests.store_faults import accept_writes, refuse_writes

TYPES = Path(__file__).resolve().parents[2] / "extension" / "widgets" / "rubric_form" / "types.ts"
SESSION = Path(__file__).resolve().parents[2] / "example_notebooks" / "data" / "session_01.txt"


def interface_keys(name: str) -> set[str]:
    """The property names of ``export interface NAME { ... }`` in the form's types.ts."""
    source = TYPES.read_text(encoding="utf-8")
    match = re.search(rf"export interface {name} \{{(.*?)\n\}}", source, re.S)
    assert match, f"{name} not found in {TYPES}"
    body = re.sub(r"/\*\*.*?\*/", "", match.group(1), flags=re.S)
    return set(re.findall(r"^\s*(\w+)\??:", body, re.M))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ratings.sqlite"


@pytest.fixture
def store(path: Path) -> Any:
    with aj.open_store(path) as opened:
        yield opened


@pytest.fixture
def form(store: Store) -> aj.RubricForm:
    return aj.RubricForm("session-7", rater="supervisor-a", store=store)


_requests = iter(range(1, 1_000_000))


def send(widget: aj.RubricForm, message: dict[str, Any]) -> list[dict[str, Any]]:
    """What the front end sends for one user action (``RubricFormMessage`` in types.ts);
    returns the replies the widget sent back."""
    replies: list[dict[str, Any]] = []
    widget.send = replies.append  # the comm to the view
    widget._handle_message(widget, {"request_id": next(_requests), **message}, [])
    return replies


def click(widget: aj.RubricForm, item_id: str, score: int | None) -> list[dict[str, Any]]:
    return send(widget, {"type": "set-score", "item_id": item_id, "score": score})


def shown(widget: aj.RubricForm, item_id: str) -> dict[str, Any]:
    """The item as the front end draws it."""
    items = widget.rating_record["items"]
    return next(item for item in items if item["item_id"] == item_id)


# -- traits ---------------------------------------------------------------------------------------


def test_synced_traits_mirror_the_typescript_model(form: aj.RubricForm) -> None:
    synced = {k for k in form.keys if not k.startswith("_")} - set(anywidget.AnyWidget().keys)
    assert synced == interface_keys("IRubricFormModel")
    assert set(form.save_state) == interface_keys("IFormSaveState")
    rubric = form.rubric_record
    assert set(rubric) == interface_keys("IRubricRecord")
    assert set(rubric["groups"][0]) == interface_keys("IGroupRecord")
    assert set(rubric["items"][0]) == interface_keys("IItemRecord")
    assert set(rubric["items"][0]["levels"][0]) == interface_keys("ILevelRecord")
    assert set(form.rating_record) == interface_keys("IRatingRecord")
    assert set(form.rating_record["items"][0]) == interface_keys("IItemRatingRecord")
    assert set(form.summary_record) == interface_keys("ISummaryRecord")
    assert set(form.summary_record["lines"][0]) == interface_keys("ISummaryLine")
    cts = aj.RubricForm("session-7", aj.Rubric.cts_r(), rater="supervisor-a", store=form.store)
    assert set(cts.summary_record["pass_rule"]) == interface_keys("IPassRecord")


def test_every_level_is_offered_with_its_anchor(form: aj.RubricForm) -> None:
    rubric = aj.Rubric.default()
    record = form.rubric_record
    assert record["anchored"] is True
    assert [g["label"] for g in record["groups"]] == [g.label for g in rubric.groups]
    compassion = record["items"][0]
    assert compassion["label"] == "Compassion"
    assert [level["level"] for level in compassion["levels"]] == [1, 2, 3, 4, 5]
    assert compassion["levels"][0]["anchor"] == rubric.item("compassion").scale.anchors[1]
    risks = [item for item in record["items"] if not item["higher_is_better"]]
    assert risks and all("higher means more of the risk" in i["scale_text"] for i in risks)


def test_published_instruments_show_numbers_without_anchors(store: Store) -> None:
    form = aj.RubricForm("session-7", aj.Rubric.cts_r(), rater="supervisor-a", store=store)
    assert form.rubric_record["anchored"] is False
    item = form.rubric_record["items"][0]
    assert [level["level"] for level in item["levels"]] == list(range(7))
    assert {level["anchor"] for level in item["levels"]} == {""}


def test_a_new_form_is_unrated_and_says_incomplete(form: aj.RubricForm, store: Store) -> None:
    assert form.rating is None
    assert form.rating_record["id"] is None
    assert {item["score"] for item in form.rating_record["items"]} == {None}
    assert form.summary_record["complete"] is False
    assert form.summary_record["status"].startswith("Incomplete: 0 of 16 items rated")
    assert form.summary == {"qualities": None, "safety": None, "risks": None, "balance": None}
    assert store.session_ratings() == []  # opening a form writes nothing


# -- saving ---------------------------------------------------------------------------------------


def test_a_click_is_stored_at_once_with_rater_session_and_time(
    form: aj.RubricForm, path: Path
) -> None:
    replies = click(form, "compassion", 4)
    assert replies[-1]["ok"] is True
    assert form.save_state["state"] == "saved"
    assert form.save_state["message"].startswith("Saved Compassion: 4 at ")
    assert shown(form, "compassion")["score"] == 4
    # Another connection to the same file sees it: it is on disk.
    with aj.open_store(path) as reopened:
        (rating,) = reopened.session_ratings()
    assert (rating.transcript_id, rating.rater, rating.rubric_id) == (
        "session-7",
        "supervisor-a",
        "attune-default",
    )
    assert rating.scores == {"compassion": 4}
    assert rating.updated is not None and rating.updated.tzinfo is not None
    assert form.rating is not None and form.rating.id == rating.id


def test_unrated_is_stored_as_none_not_as_the_lowest_level(
    form: aj.RubricForm, store: Store
) -> None:
    click(form, "clarity", 1)
    assert store.session_ratings()[0].scores == {"clarity": 1}
    assert form.summary["qualities"] == 1.0
    click(form, "clarity", None)  # "Not rated", or Delete
    assert shown(form, "clarity")["score"] is None
    (rating,) = store.session_ratings()
    assert rating.item("clarity").score is None
    assert form.summary["qualities"] is None
    assert form.summary_record["lines"][0]["text"] == "incomplete: no items rated yet"
    assert form.save_state["message"].startswith("Saved Clarity: not rated")


def test_comments_and_overall_comment_are_saved(form: aj.RubricForm, store: Store) -> None:
    send(form, {"type": "set-comment", "item_id": "courage", "comment": "Named the pattern."})
    send(form, {"type": "set-overall-comment", "comment": "Warm; slow down at the end."})
    (rating,) = store.session_ratings()
    assert rating.item("courage").comment == "Named the pattern."
    assert rating.item("courage").score is None  # a comment does not rate the item
    assert rating.overall_comment == "Warm; slow down at the end."
    assert shown(form, "courage")["comment"] == "Named the pattern."
    assert form.rating_record["overall_comment"] == "Warm; slow down at the end."
    # The status names the item, never the comment's text.
    assert form.save_state["message"].startswith("Saved overall comment at")
    assert "Warm" not in form.save_state["message"]


def test_rerunning_the_cell_continues_the_rating(form: aj.RubricForm, store: Store) -> None:
    form.set_score("compassion", 3)
    form.set_comment("compassion", "Kind at the start.")
    again = aj.RubricForm("session-7", rater="supervisor-a", store=store)
    assert shown(again, "compassion") == {
        "item_id": "compassion",
        "score": 3,
        "comment": "Kind at the start.",
    }
    assert again.save_state["message"].startswith("Loaded supervisor-a's rating, last saved")
    again.set_score("curiosity", 5)
    (rating,) = store.session_ratings()  # one rating, changed in place
    assert rating.scores == {"compassion": 3, "curiosity": 5}
    assert list(store.rating_history(rating.id)["action"]) == ["create", "update", "update"]


def test_two_open_forms_of_one_rater_do_not_overwrite_each_other(store: Store) -> None:
    first = aj.RubricForm("session-7", rater="supervisor-a", store=store)
    second = aj.RubricForm("session-7", rater="supervisor-a", store=store)  # another cell
    click(first, "compassion", 2)
    click(second, "courage", 4)  # made before second heard of the first's change
    assert store.session_ratings()[0].scores == {"compassion": 2, "courage": 4}
    assert second.rating is not None and second.rating.scores == {"compassion": 2, "courage": 4}


def test_other_raters_and_rubrics_are_separate(form: aj.RubricForm, store: Store) -> None:
    form.set_score("compassion", 5)
    other = aj.RubricForm("session-7", rater="supervisor-b", store=store)
    assert other.rating is None
    miti = aj.RubricForm("session-7", aj.Rubric.miti(), rater="supervisor-a", store=store)
    assert miti.rating is None
    miti.set_score("empathy", 4)
    assert len(store.session_ratings(transcript_id="session-7", rater="supervisor-a")) == 2


def test_a_transcript_object_is_rated_by_its_id(store: Store) -> None:
    transcript = aj.load_transcript(SESSION)
    form = aj.RubricForm(transcript, rater="supervisor-a", store=store)
    form.set_score("emotional-safety", 4)
    assert store.session_ratings()[0].transcript_id == transcript.id


# -- validation -----------------------------------------------------------------------------------


def test_unknown_items_and_off_scale_scores_are_refused_clearly(
    form: aj.RubricForm, store: Store
) -> None:
    with pytest.raises(KeyError, match=r"no item 'compasion' \(did you mean 'compassion'\?\)"):
        form.set_score("compasion", 3)
    with pytest.raises(ValueError, match=r"item 'compassion' \(Compassion\): 6 is not one") as e:
        form.set_score("compassion", 6)
    assert "from 1 to 5, or None for not rated" in str(e.value)
    for bad in (0, 2.5, "3", True):
        with pytest.raises(ValueError, match="use a whole number from 1 to 5"):
            form.set_score("compassion", bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="comment must be text"):
        form.set_comment("compassion", 3)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no item 'nope'"):
        form.set_comment("nope", "text")
    assert store.session_ratings() == []


def test_a_refused_message_is_reported_and_nothing_is_written(
    form: aj.RubricForm, store: Store
) -> None:
    replies = click(form, "compassion", 9)
    assert replies[-1]["ok"] is False
    assert form.save_state["state"] == "error"
    assert form.save_state["message"].startswith("Not saved: item 'compassion' (Compassion): 9")
    replies = send(form, {"type": "set-score", "item_id": "nope", "score": 1})
    assert "no item 'nope'" in replies[-1]["message"]
    assert store.session_ratings() == []
    assert form.unsaved == 0  # nothing to retry: it can never succeed


def test_a_rating_on_another_rubric_version_is_not_mixed_up(store: Store) -> None:
    old = aj.SessionRating("session-7", "attune-default", 1, "supervisor-a")
    store.save_rating(old.with_items([aj.ItemRating("compassion", 2)]))
    data = aj.Rubric.default().to_dict()
    newer = aj.Rubric.from_dict({**data, "version": 2})
    with pytest.raises(ValueError, match="was made on rubric 'attune-default' version 1, and"):
        aj.RubricForm("session-7", newer, rater="supervisor-a", store=store)


def test_bad_arguments_are_named(store: Store) -> None:
    with pytest.raises(ValueError, match="transcript_or_session must be a Transcript or"):
        aj.RubricForm("  ", store=store)
    with pytest.raises(ValueError, match="rater must be a non-empty name"):
        aj.RubricForm("session-7", rater="", store=store)


# -- summary --------------------------------------------------------------------------------------


def test_the_summary_follows_every_change(form: aj.RubricForm) -> None:
    click(form, "compassion", 4)
    click(form, "clarity", 2)
    line = form.summary_record["lines"][0]
    assert line["label"] == "Therapist qualities (mean)"
    assert line["value"] == 3.0
    assert line["text"] == "3.00; incomplete: 2 of 6 items rated"
    assert form.summary_record["status"].startswith("Incomplete: 2 of 16 items rated")
    for item in aj.Rubric.default().items:
        form.set_score(item.id, 3)
    assert form.summary_record["complete"] is True
    assert form.summary_record["status"] == "Complete: all 16 items rated."
    assert form.summary_record["lines"][0]["text"] == "3.00"


def test_cts_r_total_and_pass_rule_say_incomplete_until_every_item_is_rated(
    store: Store,
) -> None:
    rubric = aj.Rubric.cts_r()
    form = aj.RubricForm("session-7", rubric, rater="supervisor-a", store=store)
    pass_rule = form.summary_record["pass_rule"]
    assert pass_rule["rule"] == "Pass rule: total at least 36 and every item at least 2"
    assert pass_rule["result"] is None and pass_rule["text"].startswith("incomplete")
    for item in rubric.items[:-1]:
        form.set_score(item.id, 4)
    assert form.summary_record["lines"][0]["text"].startswith("incomplete: rate ")
    assert form.passes is None
    form.set_score(rubric.items[-1].id, 1)
    assert form.summary_record["lines"][0]["text"] == "45 of 72"
    assert form.summary_record["pass_rule"]["result"] is False
    assert form.summary_record["pass_rule"]["text"] == (
        f"does not pass: below 2: {rubric.items[-1].label}"
    )
    form.set_score(rubric.items[-1].id, 2)
    assert form.passes is True
    assert form.summary_record["pass_rule"]["text"] == "passes"


def test_miti_bands_are_shown(store: Store) -> None:
    form = aj.RubricForm("session-7", aj.Rubric.miti(), rater="supervisor-a", store=store)
    form.set_score("partnership", 4)
    form.set_score("empathy", 5)
    relational = form.summary_record["lines"][1]
    assert (relational["value"], relational["band"], relational["text"]) == (
        4.5,
        "good",
        "4.50 (good)",
    )
    technical = form.summary_record["lines"][0]
    assert technical["value"] is None
    assert technical["text"] == "incomplete: no items rated yet"
    form.set_score("cultivating-change-talk", 2)
    assert form.summary_record["lines"][0]["text"] == "incomplete: rate Softening sustain talk"


# -- undo -----------------------------------------------------------------------------------------


def test_undo_puts_back_the_last_change(form: aj.RubricForm, store: Store) -> None:
    form.set_score("compassion", 4)
    form.set_comment("compassion", "Good.")
    assert form.undo_label == "comment on Compassion"
    send(form, {"type": "undo"})
    assert shown(form, "compassion") == {"item_id": "compassion", "score": 4, "comment": ""}
    assert store.session_ratings()[0].item("compassion").comment == ""
    assert form.undo_label == "Compassion: 4"
    assert form.undo() == "Undid \u201cCompassion: 4\u201d"
    assert store.session_ratings()[0].scores == {}
    assert form.undo_label is None
    replies = send(form, {"type": "undo"})
    assert replies[-1]["ok"] is False and "nothing to undo" in replies[-1]["message"]


def test_arrowing_through_levels_is_undone_in_one_step(form: aj.RubricForm) -> None:
    form.set_score("courage", 3)
    form.set_score("curiosity", 1)
    for level in (2, 3, 4):  # arrow keys: each level is chosen, and saved, on the way
        click(form, "curiosity", level)
    assert form.undo_label == "Curiosity: 4"
    form.undo()
    assert form.rating is not None and form.rating.scores == {"courage": 3}


def test_the_same_level_again_writes_nothing(form: aj.RubricForm, store: Store) -> None:
    click(form, "warmth-within-professionalism", 3)
    click(form, "warmth-within-professionalism", 3)
    assert (
        form.save_state["message"]
        == "No change: Warmth within professionalism: 3 is already saved."
    )
    assert list(store.rating_history()["action"]) == ["create"]


# -- read-only ------------------------------------------------------------------------------------


def test_read_only_shows_the_rating_and_refuses_changes(store: Store) -> None:
    supervisor = aj.RubricForm("session-7", rater="supervisor-a", store=store)
    supervisor.set_score("compassion", 2)
    supervisor.set_comment("compassion", "Rushed past the tears.")
    trainee_view = aj.RubricForm("session-7", rater="supervisor-a", store=store, read_only=True)
    assert trainee_view.read_only is True
    assert shown(trainee_view, "compassion")["comment"] == "Rushed past the tears."
    assert trainee_view.summary["qualities"] == 2.0
    with pytest.raises(PermissionError, match=r"read-only \(it shows supervisor-a's rating\)"):
        trainee_view.set_score("compassion", 5)
    with pytest.raises(PermissionError):
        trainee_view.set_overall_comment("mine")
    for message in (
        {"type": "set-score", "item_id": "compassion", "score": 5},
        {"type": "set-comment", "item_id": "compassion", "comment": "x"},
        {"type": "undo"},
    ):
        replies = send(trainee_view, message)
        assert replies[-1]["ok"] is False
        assert trainee_view.save_state["message"] == (
            "This rating is read-only: nothing was changed."
        )
    (rating,) = store.session_ratings()
    assert rating.scores == {"compassion": 2}
    assert rating.item("compassion").comment == "Rushed past the tears."


def test_read_only_without_a_rating_says_so(store: Store) -> None:
    view = aj.RubricForm("session-7", rater="supervisor-z", store=store, read_only=True)
    assert view.save_state["message"] == (
        "supervisor-z has not rated this session on this rubric yet."
    )
    assert view.rating is None


# -- a failing store ------------------------------------------------------------------------------


def test_a_closed_store_is_reported_and_the_edit_kept(form: aj.RubricForm, store: Store) -> None:
    form.retry_delays = (0.0, 0.0)
    store.close()  # every write now fails, as a vanished database would
    replies = click(form, "compassion", 5)
    assert replies[-1]["ok"] is False
    assert form.save_state["state"] == "error"
    assert form.save_state["message"].startswith("Not saved (StoreError): Compassion: 5.")
    assert "Your changes are kept here" in form.save_state["message"]
    assert shown(form, "compassion")["score"] == 5  # still shown, not dropped
    assert form.unsaved == 1
    assert form.summary["qualities"] == 5.0


def test_a_failed_save_is_retried_kept_and_saved_on_retry(path: Path) -> None:
    with aj.open_store(path) as store:
        form = aj.RubricForm("session-7", rater="supervisor-a", store=store)
        form.retry_delays = (0.01, 0.01)
        form.set_score("compassion", 3)
        refuse_writes(path, "rating_events")
        click(form, "compassion", 4)
        send(form, {"type": "set-comment", "item_id": "clarity", "comment": "Plan was clear."})
        assert form.save_state["state"] == "error"
        assert form.save_state["message"].startswith(
            "Not saved (StoreError): comment on Clarity and 1 earlier change(s)."
        )
        assert form.unsaved == 2
        assert shown(form, "clarity")["comment"] == "Plan was clear."
        assert store.session_ratings()[0].scores == {"compassion": 3}  # nothing half-written

        replies = send(form, {"type": "retry"})  # still broken: still kept
        assert replies[-1]["ok"] is False
        assert form.unsaved == 2

        accept_writes(path)
        replies = send(form, {"type": "retry"})
        assert replies[-1] == {**replies[-1], "ok": True, "message": "Saved 2 kept change(s)."}
        assert form.unsaved == 0
        assert form.save_state["state"] == "saved"
        (rating,) = store.session_ratings()
        assert rating.scores == {"compassion": 4, "clarity": None}
        assert rating.item("clarity").comment == "Plan was clear."


def test_the_python_api_raises_on_a_failing_store_and_keeps_the_edit(path: Path) -> None:
    with aj.open_store(path) as store:
        form = aj.RubricForm("session-7", rater="supervisor-a", store=store)
        form.retry_delays = ()
        refuse_writes(path, "rating_events")
        with pytest.raises(aj.StoreError):
            form.set_overall_comment("Kept while the disk is full.")
        assert form.rating is not None
        assert form.rating.overall_comment == "Kept while the disk is full."
        accept_writes(path)
        form.set_score("courage", 2)  # the next change carries the kept one with it
        (rating,) = store.session_ratings()
        assert rating.overall_comment == "Kept while the disk is full."
        assert rating.scores == {"courage": 2}
        assert form.retry() == rating


def test_closing_tries_a_kept_edit_once_more(path: Path) -> None:
    with aj.open_store(path) as store:
        form = aj.RubricForm("session-7", rater="supervisor-a", store=store)
        form.retry_delays = ()
        refuse_writes(path, "rating_events")
        click(form, "compassion", 4)
        accept_writes(path)
        form.close()
        assert store.session_ratings()[0].scores == {"compassion": 4}


def test_repr_shows_no_comment_text(form: aj.RubricForm) -> None:
    form.set_score("compassion", 3)
    form.set_comment("compassion", "Private remark about the client.")
    text = repr(form)
    assert text == (
        "RubricForm(session='session-7', rubric='attune-default' v1, rater='supervisor-a', "
        "rated=1/16)"
    )


def test_default_store_and_rater(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_STORE", str(tmp_path / "from-env.sqlite"))
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-supervisor")
    form = aj.RubricForm("session-7")
    assert form.rater == "hub-supervisor"
    form.set_score("compassion", 4)
    form.store.close()
    with aj.open_store(tmp_path / "from-env.sqlite") as reopened:
        assert reopened.session_ratings()[0].rater == "hub-supervisor"
