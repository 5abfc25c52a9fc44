"""Transcript, Turn and role inference: the model every reader builds."""

from __future__ import annotations

import pandas as pd
import pytest

from attune_jupyter.core import Transcript, Turn, infer_role


def _transcript() -> Transcript:
    return Transcript(
        "s1",
        [
            Turn(id="t1", speaker="Dr Jane Roe", role="therapist", text="How are you?", start=1.5),
            Turn(id="t2", speaker="John Doe", role="client", text="Tired.", start=4.0, end=5.0),
            Turn(id="t3", speaker="John Doe", role="client", text="Very tired."),
        ],
    )


def test_repr_names_no_speaker_and_no_text() -> None:
    assert repr(_transcript()) == "Transcript(id='s1', turns=3, therapist=1, client=2)"


def test_to_frame_has_the_documented_columns_in_turn_order() -> None:
    frame = _transcript().to_frame()
    assert list(frame.columns[:7]) == [
        "transcript_id", "turn_id", "speaker", "role", "start", "end", "text",
    ]  # fmt: skip
    assert list(frame["turn_id"]) == ["t1", "t2", "t3"]
    assert frame["start"].dtype == "float64"
    assert pd.isna(frame.loc[2, "start"]) and frame.loc[1, "end"] == 5.0


def test_turn_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="turn id 't1' occurs twice"):
        Transcript("s1", [Turn("t1", "A", "other", "x"), Turn("t1", "B", "other", "y")])


def test_turn_lookup_names_the_transcript() -> None:
    assert _transcript().turn("t2").text == "Tired."
    with pytest.raises(KeyError, match="s1 has no turn 't9'"):
        _transcript().turn("t9")


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Therapist", "therapist"), ("COUNSELLOR:", "therapist"), ("Counselor 2", "therapist"),
        ("clinician", "therapist"), ("Trainee", "therapist"), ("T", "therapist"),
        ("Client", "client"), ("patient", "client"), ("C", "client"), ("Client 1", "client"),
        ("Interpreter", "other"), ("Dr Roe", "other"),
    ],
)  # fmt: skip
def test_roles_follow_the_label(label: str, role: str) -> None:
    assert infer_role(label) == role


def test_a_roles_mapping_wins_and_is_checked() -> None:
    assert infer_role("Dr Roe", {"Dr Roe": "therapist"}) == "therapist"
    assert infer_role("dr roe", {"Dr Roe": "therapist"}) == "therapist"
    assert infer_role("Client", {"Client": "other"}) == "other"
    with pytest.raises(ValueError, match="a role must be one of therapist, client, other"):
        infer_role("Dr Roe", {"Dr Roe": "supervisor"})


def test_turns_built_by_readers_equal_turns_built_by_hand() -> None:
    import copy
    import pickle
    from dataclasses import fields, replace

    from attune_jupyter.core.transcript import _checked_transcript, _checked_turns

    by_hand = (
        Turn("t1", "Dr Jane Roe", "therapist", "How are you?", 1.5, None, {"code": "Q"}),
        Turn("t2", "John Doe", "client", "Tired.", 4.0, 5.0),
    )
    columns = [[getattr(turn, f.name) for turn in by_hand] for f in fields(Turn)]
    built = _checked_turns(*columns)
    assert built == by_hand
    assert [type(turn) for turn in built] == [Turn, Turn]
    # Every field is set (the builder must follow Turn when a field is added).
    assert [repr(turn) for turn in built] == [repr(turn) for turn in by_hand]
    for turn in built:
        assert pickle.loads(pickle.dumps(turn)) == turn
        assert copy.deepcopy(turn) == turn
        assert replace(turn, text="changed").text == "changed"
        with pytest.raises(AttributeError):
            turn.text = "changed"  # type: ignore[misc]
    transcript = _checked_transcript("s1", built, "s1.csv")
    assert transcript == Transcript("s1", list(by_hand), source="s1.csv")
    assert transcript.metadata == {} and transcript.turn("t2").end == 5.0


def test_turns_are_small_frozen_objects() -> None:
    turn = Turn("t1", "A", "other", "x")
    assert not hasattr(turn, "__dict__")
    assert turn.metadata == {} and turn.metadata is not Turn("t2", "B", "other", "y").metadata
    with pytest.raises(ValueError, match="role 'boss' is not one of"):
        Turn("t1", "A", "boss", "x")  # type: ignore[arg-type]
