"""The seeded synthetic cohort: reproducible, shaped like the store's frames, and behaving like
a course (trainees improve, supervisors differ), so that examples and benchmarks show something
real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from attune_jupyter.core import Rubric
from attune_jupyter.core.cohort import (
    calibration,
    load_cohort,
    progress,
    sessions_frame,
    therapist_turn_shares,
    turns_frame,
)
from attune_jupyter.core.synthetic_cohort import SyntheticCohort, synthetic_cohort
from attune_jupyter.store import open_store
from attune_jupyter.store.base import annotations_frame, ratings_frame


@pytest.fixture(scope="module")
def cohort() -> SyntheticCohort:
    return synthetic_cohort(trainees=10, sessions=8, supervisors=4, seed=7)


def test_the_same_seed_gives_the_same_cohort(cohort: SyntheticCohort) -> None:
    again = synthetic_cohort(trainees=10, sessions=8, supervisors=4, seed=7)
    for name in ("sessions", "turns", "annotations", "ratings"):
        assert_frame_equal(getattr(cohort, name), getattr(again, name))
    other = synthetic_cohort(trainees=10, sessions=8, supervisors=4, seed=8)
    assert not other.annotations["code_id"].equals(cohort.annotations["code_id"])


def test_frames_have_exactly_the_store_columns_and_dtypes(cohort: SyntheticCohort) -> None:
    assert cohort.annotations.dtypes.to_dict() == annotations_frame([]).dtypes.to_dict()
    assert cohort.ratings.dtypes.to_dict() == ratings_frame([]).dtypes.to_dict()
    assert cohort.annotations["annotation_id"].is_unique


def test_sizes_follow_the_parameters(cohort: SyntheticCohort) -> None:
    assert len(cohort.sessions) == 80
    assert len(cohort.turns) == 80 * 40
    assert len(cohort.ratings) == 80 * 2 * len(Rubric.default().items)
    assert cohort.annotations.groupby("transcript_id")["annotator"].nunique().eq(2).all()
    assert set(cohort.annotations["annotator"]) == set(cohort.supervisors)


def test_every_pair_of_supervisors_codes_some_sessions_together(cohort: SyntheticCohort) -> None:
    pairs = {
        tuple(sorted(group))
        for group in cohort.annotations.groupby("transcript_id")["annotator"].unique()
    }
    assert len(pairs) == 6  # 4 supervisors: every pair meets


@pytest.mark.parametrize(("supervisors", "coders"), [(6, 3), (4, 4), (5, 2), (2, 2)])
def test_no_supervisor_codes_or_rates_a_session_twice(supervisors: int, coders: int) -> None:
    cohort = synthetic_cohort(
        trainees=7, sessions=9, supervisors=supervisors, coders_per_session=coders, seed=1
    )
    assert not cohort.ratings.duplicated(["transcript_id", "rater", "item_id"]).any()
    per_session = cohort.ratings.groupby("transcript_id")["rater"].nunique()
    assert per_session.eq(coders).all()


def test_annotations_are_valid_moments_on_therapist_turns(cohort: SyntheticCohort) -> None:
    merged = cohort.annotations.merge(cohort.turns, on=["transcript_id", "turn_id"])
    assert len(merged) == len(cohort.annotations)
    assert set(merged["role"]) == {"therapist"}
    assert all(code in cohort.codebook for code in merged["code_id"].unique())
    spans = merged.loc[merged["span_start"].notna()]
    assert len(spans) > 0
    assert (spans["span_start"] >= 0).all()
    assert (spans["span_end"] <= spans["n_chars"]).all()
    assert (spans["span_end"] > spans["span_start"]).all()
    pairs = merged.loc[merged["responds_to"].notna()]
    assert len(pairs) > 0
    answered = pairs.merge(
        cohort.turns,
        left_on=["transcript_id", "responds_to"],
        right_on=["transcript_id", "turn_id"],
        suffixes=("", "_answered"),
    )
    assert set(answered["role_answered"]) == {"client"}
    assert (answered["position_answered"] == answered["position"] - 1).all()


def test_transcripts_match_the_turns_frame_and_carry_their_session(cohort: SyntheticCohort) -> None:
    transcripts = list(cohort.transcripts())
    assert_frame_equal(turns_frame(transcripts), cohort.turns)
    assert_frame_equal(sessions_frame(transcripts), cohort.sessions)
    first = cohort.transcript("trainee-001-s01")
    assert first.turns[0].role == "therapist"
    assert first.metadata["synthetic"] is True
    with pytest.raises(KeyError, match="no transcript 'nobody'"):
        cohort.transcript("nobody")


def test_trainees_improve_over_their_sessions() -> None:
    cohort = synthetic_cohort(trainees=30, sessions=6, seed=1)
    table = progress(cohort.ratings, cohort.sessions)
    positive = table.loc[table["item_id"] == "compassion"]
    last = positive.loc[positive["session"] == 6, "change"].mean()
    assert last > 0.5
    risk = table.loc[table["item_id"] == "emotional-detachment"]
    assert risk.loc[risk["session"] == 6, "change"].mean() < -0.5
    shares = therapist_turn_shares(
        cohort.annotations, cohort.turns, cohort.sessions, cohort.codebook
    )
    by_session = shares.groupby(["family", "session"])["share"].mean()
    assert by_session["attunement"][6] > by_session["attunement"][1] + 0.15
    assert by_session["detachment"][6] < by_session["detachment"][1] - 0.05


def test_supervisors_differ_in_severity() -> None:
    cohort = synthetic_cohort(trainees=30, sessions=6, supervisors=4, seed=2)
    table = calibration(cohort.ratings)
    per_rater = table.groupby("rater")["mean_deviation"].mean()
    assert per_rater.max() - per_rater.min() > 0.3


def test_some_items_are_left_unrated_and_scores_stay_on_the_scale(cohort: SyntheticCohort) -> None:
    scores = cohort.ratings["score"]
    assert 0 < scores.isna().mean() < 0.1
    assert scores.dropna().between(1, 5).all()


def test_a_subset_of_items_and_another_rubric() -> None:
    cts = Rubric.cts_r()
    cohort = synthetic_cohort(trainees=2, sessions=2, items=[cts.items[0].id], rubric=cts)
    assert set(cohort.ratings["item_id"]) == {cts.items[0].id}
    assert cohort.ratings["score"].dropna().between(0, 6).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trainees": 0}, "trainees must be a whole number >= 1"),
        ({"turns_per_session": 1}, "turns_per_session must be a whole number >= 2"),
        ({"supervisors": 2, "coders_per_session": 3}, "cannot exceed supervisors"),
        ({"sessions": True}, "sessions must be a whole number"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        synthetic_cohort(**kwargs)  # type: ignore[arg-type]


def test_an_unknown_item_is_named() -> None:
    with pytest.raises(KeyError, match="no item 'warmth-of-tea'"):
        synthetic_cohort(items=["warmth-of-tea"])


def test_write_to_a_real_store_and_read_it_back(tmp_path: Path) -> None:
    cohort = synthetic_cohort(trainees=2, sessions=2, turns_per_session=10, seed=3)
    with open_store(tmp_path / "cohort.db") as store:
        cohort.write_to(store)
        loaded = load_cohort(store)
    assert_frame_equal(loaded.sessions, cohort.sessions)
    assert_frame_equal(loaded.turns, cohort.turns)
    columns = ["annotation_id", "transcript_id", "turn_id", "span_start", "span_end", "code_id"]
    assert_frame_equal(
        loaded.annotations[[*columns, "annotator", "strength", "responds_to"]],
        cohort.annotations[[*columns, "annotator", "strength", "responds_to"]],
    )
    keys = ["rating_id", "transcript_id", "rater", "item_id", "score"]
    assert_frame_equal(
        loaded.ratings[keys].reset_index(drop=True), cohort.ratings[keys], check_like=False
    )
    assert np.array_equal(loaded.ratings["score"].isna(), cohort.ratings["score"].isna())
    pd.testing.assert_series_equal(loaded.ratings["score"], cohort.ratings["score"])
