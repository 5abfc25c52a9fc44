"""The annotation record: moments of three shapes, strengths, pairs and adjudicated codes."""

from __future__ import annotations

from typing import Any

import pytest

from attune_jupyter.core.annotation import STRENGTHS, Annotation, Moment


def make(**changes: Any) -> Annotation:
    fields: dict[str, Any] = {
        "transcript_id": "s1",
        "turn_id": "t4",
        "code_id": "attunement.warmth",
        "annotator": "sup-a",
    }
    return Annotation(**{**fields, **changes})


def test_a_moment_is_a_turn_a_span_or_a_pair() -> None:
    assert make().moment == Moment("t4")
    assert make().moment.shape == "turn"
    assert make(span_start=3, span_end=9).moment == Moment("t4", 3, 9)
    assert make(span_start=3, span_end=9).moment.shape == "span"
    assert make(responds_to="t3").moment == Moment("t4", responds_to="t3")
    assert make(responds_to="t3").moment.shape == "pair"


def test_codes_on_the_same_moment_share_it() -> None:
    warm = make(span_start=0, span_end=5)
    curious = make(span_start=0, span_end=5, code_id="attunement.curiosity")
    assert warm.moment == curious.moment
    assert warm.id != curious.id


@pytest.mark.parametrize("strength", [*STRENGTHS, None])
def test_strengths_one_to_three_or_none_are_kept(strength: int | None) -> None:
    assert make(strength=strength).strength == strength


@pytest.mark.parametrize("strength", [0, 4, -1, True, 2.0, "2"])
def test_other_strengths_are_refused_naming_the_allowed_values(strength: object) -> None:
    with pytest.raises(ValueError, match=r"strength must be one of 1, 2, 3 or None, got"):
        make(strength=strength)


def test_a_pair_needs_two_different_whole_turns() -> None:
    with pytest.raises(ValueError, match="a pair needs two turns"):
        make(responds_to="t4")
    with pytest.raises(ValueError, match="a pair is of whole turns"):
        make(responds_to="t3", span_start=0, span_end=4)
    with pytest.raises(ValueError, match="responds_to must be a turn id"):
        make(responds_to=" ")


def test_adjudicated_must_be_a_bool() -> None:
    assert make().adjudicated is False
    assert make(adjudicated=True).adjudicated is True
    with pytest.raises(ValueError, match="adjudicated must be True or False"):
        make(adjudicated=1)


def test_to_dict_carries_the_new_fields() -> None:
    record = make(strength=2, responds_to="t3", adjudicated=True, note="met the worry").to_dict()
    assert (record["strength"], record["responds_to"], record["adjudicated"]) == (2, "t3", True)
    assert record["note"] == "met the worry"


def test_comparing_needs_two_annotators() -> None:
    from attune_jupyter.core.compare import code_disagreements

    with pytest.raises(ValueError, match="at least two annotators, got \\['a'\\]"):
        code_disagreements([make(annotator="a")], ["a", "a"])


def test_numpy_integer_offsets_become_plain_ints() -> None:
    # Offsets read from a frame are numpy integers; the store serialises them as JSON.
    import numpy as np

    a = Annotation("t", "u1", "attunement", "sam", span_start=np.int64(2), span_end=np.int32(5))
    assert (type(a.span_start), type(a.span_end)) == (int, int)
    assert a.to_dict()["span_start"] == 2


@pytest.mark.parametrize("bad", [1.5, "3", True])
def test_offsets_that_are_not_whole_numbers_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="span_start must be a whole number"):
        Annotation("t", "u1", "attunement", "sam", span_start=bad, span_end=9)  # type: ignore[arg-type]
