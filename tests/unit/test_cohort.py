"""Cohort tables (attune_jupyter.core.cohort): hand-built frames with values worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from attune_jupyter.core import Codebook, Rubric, Transcript, Turn
from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.cohort import (
    annotation_records,
    calibration,
    check_sessions,
    code_rates,
    item_scores,
    load_cohort,
    miti_scores,
    progress,
    sessions_frame,
    therapist_turn_shares,
    turns_frame,
)
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.store import open_store
from attune_jupyter.store.base import annotations_frame, ratings_frame

CODEBOOK = Codebook.default()
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _transcript(transcript_id: str, roles: str, **metadata: object) -> Transcript:
    """A synthetic transcript: one turn per letter of roles (t = therapist, c = client)."""
    turns = tuple(
        Turn(
            f"u{i + 1}",
            "Therapist" if r == "t" else "Client",
            "therapist" if r == "t" else "client",
            f"Line {i + 1} of a made-up session.",
        )
        for i, r in enumerate(roles)
    )
    return Transcript(transcript_id, turns, metadata=metadata)


TRANSCRIPTS = (
    _transcript("ana-1", "tctctctc", trainee="ana", session=1, supervisor="sam"),
    _transcript("ana-2", "tctctc", trainee="ana", session=2, supervisor="sam"),
    _transcript("ben-1", "tctc", trainee="ben", session=1),
)


def _annotation(
    transcript_id: str, turn_id: str, code_id: str, annotator: str, **extra: object
) -> Annotation:
    return Annotation(
        transcript_id=transcript_id,
        turn_id=turn_id,
        code_id=code_id,
        annotator=annotator,
        created=T0,
        **extra,  # type: ignore[arg-type]
    )


ANNOTATIONS = annotations_frame(
    [
        _annotation("ana-1", "u1", "attunement.validation", "sam"),
        _annotation("ana-1", "u1", "attunement.reflection", "sam", span_start=0, span_end=4),
        _annotation("ana-1", "u3", "rigidity.scripted-response", "sam"),
        _annotation("ana-1", "u2", "detachment.missed-cue", "sam"),
        _annotation("ana-1", "u3", "attunement.curiosity", "kim", responds_to="u2"),
        _annotation("ana-2", "u5", "detachment.emotional-distance", "sam"),
        _annotation("ben-1", "u1", "attunement.warmth", "kim"),
    ]
)


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return turns_frame(TRANSCRIPTS)


@pytest.fixture(scope="module")
def sessions() -> pd.DataFrame:
    return sessions_frame(TRANSCRIPTS)


def test_codes_used_here_are_in_the_default_codebook() -> None:
    for code in ANNOTATIONS["code_id"]:
        assert code in CODEBOOK


def test_turns_frame_has_positions_roles_and_lengths_but_no_text(turns: pd.DataFrame) -> None:
    assert list(turns.columns) == [
        "transcript_id",
        "turn_id",
        "position",
        "role",
        "n_chars",
    ]
    first = turns.iloc[0]
    assert (first["transcript_id"], first["turn_id"], first["position"]) == ("ana-1", "u1", 0)
    assert first["n_chars"] == len("Line 1 of a made-up session.")
    assert len(turns) == 8 + 6 + 4
    assert str(turns["transcript_id"].dtype) == "str"
    assert turns["position"].dtype == "int64"


def test_turns_frame_refuses_a_transcript_given_twice() -> None:
    with pytest.raises(ValueError, match="'ana-1' is given twice"):
        turns_frame([TRANSCRIPTS[0], TRANSCRIPTS[0]])


def test_sessions_frame_reads_trainee_and_session_from_metadata(sessions: pd.DataFrame) -> None:
    expected = pd.DataFrame(
        {
            "transcript_id": pd.Series(["ana-1", "ana-2", "ben-1"], dtype="str"),
            "trainee": pd.Series(["ana", "ana", "ben"], dtype="str"),
            "session": pd.Series([1, 2, 1], dtype="int64"),
            "supervisor": pd.Series(["sam", "sam", None], dtype="str"),
        }
    )
    assert_frame_equal(sessions, expected)


def test_sessions_frame_leaves_out_transcripts_without_a_trainee() -> None:
    exercise = _transcript("exercise", "tc")
    assert list(sessions_frame([*TRANSCRIPTS, exercise])["transcript_id"]) == [
        "ana-1",
        "ana-2",
        "ben-1",
    ]


@pytest.mark.parametrize("session", [0, "2", 1.5, True, None])
def test_sessions_frame_names_the_transcript_with_a_bad_session_number(session: object) -> None:
    bad = _transcript("odd", "tc", trainee="ana", session=session)
    with pytest.raises(ValueError, match=r"transcript 'odd': metadata 'session' must be a whole"):
        sessions_frame([bad])


def test_check_sessions_names_two_transcripts_with_the_same_session_number() -> None:
    frame = pd.DataFrame(
        {"transcript_id": ["a", "b"], "trainee": ["ana", "ana"], "session": [1, 1]}
    )
    with pytest.raises(ValueError, match=r"trainee 'ana' has two .* session 1 \('a' and 'b'\)"):
        check_sessions(frame)


def test_check_sessions_refuses_a_transcript_twice_and_a_missing_column() -> None:
    twice = pd.DataFrame({"transcript_id": ["a", "a"], "trainee": ["x", "y"], "session": [1, 2]})
    with pytest.raises(ValueError, match="'a' appears twice"):
        check_sessions(twice)
    with pytest.raises(ValueError, match="no column 'session'"):
        check_sessions(twice.drop(columns="session"))


def test_annotation_records_add_trainee_session_role_position_and_family(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    records = annotation_records(ANNOTATIONS, turns, sessions, CODEBOOK)
    row = records.loc[records["code_id"] == "detachment.missed-cue"].iloc[0]
    assert (row["trainee"], row["session"], row["role"], row["position"], row["family"]) == (
        "ana",
        1,
        "client",
        1,
        "detachment",
    )
    assert len(records) == len(ANNOTATIONS)
    assert list(
        records[["trainee", "session", "annotator"]]
        .drop_duplicates()
        .itertuples(index=False, name=None)
    ) == [("ana", 1, "kim"), ("ana", 1, "sam"), ("ana", 2, "sam"), ("ben", 1, "kim")]


def test_annotation_records_refuse_or_drop_transcripts_outside_the_cohort(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    only_ana = sessions.loc[sessions["trainee"] == "ana"]
    with pytest.raises(ValueError, match="transcript 'ben-1', which is not in the sessions frame"):
        annotation_records(ANNOTATIONS, turns, only_ana, CODEBOOK)
    kept = annotation_records(ANNOTATIONS, turns, only_ana, CODEBOOK, unassigned="drop")
    assert set(kept["transcript_id"]) == {"ana-1", "ana-2"}


def test_annotation_records_name_an_annotation_on_a_missing_turn(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    stray = annotations_frame([_annotation("ana-1", "u99", "attunement", "sam", id="a-stray")])
    with pytest.raises(ValueError, match="annotation 'a-stray' is on turn 'u99'"):
        annotation_records(stray, turns, sessions, CODEBOOK)


def test_annotation_records_name_a_code_outside_the_codebook(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    odd = annotations_frame([_annotation("ana-1", "u1", "miti.question", "sam")])
    with pytest.raises(ValueError, match=r"code 'miti\.question' is not in the codebook"):
        annotation_records(odd, turns, sessions, CODEBOOK)


def test_code_rates_by_trainee_and_family_count_per_100_coded_turns(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    rates = code_rates(ANNOTATIONS, turns, sessions, CODEBOOK, by=("trainee", "family"))
    # ana's coded sessions: ana-1 by sam (8 turns), ana-1 by kim (8), ana-2 by sam (6) = 22.
    # ben: ben-1 by kim (4 turns).
    expected = pd.DataFrame(
        {
            "trainee": pd.Series(["ana"] * 3 + ["ben"] * 3, dtype="str"),
            "family": pd.Series(["attunement", "detachment", "rigidity"] * 2, dtype="str"),
            "count": pd.Series([3, 2, 1, 1, 0, 0], dtype="int64"),
            "turns": pd.Series([22, 22, 22, 4, 4, 4], dtype="int64"),
            "per_100_turns": [300 / 22, 200 / 22, 100 / 22, 25.0, 0.0, 0.0],
        }
    )
    assert_frame_equal(rates, expected)


def test_code_rates_by_role_divide_by_that_roles_turns(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    rates = code_rates(
        ANNOTATIONS, turns, sessions, CODEBOOK, by=("transcript_id", "annotator", "role")
    )
    row = rates.set_index(["transcript_id", "annotator", "role"]).loc[("ana-1", "sam")]
    # sam on ana-1: three therapist-turn codes over 4 therapist turns; one client code over 4.
    assert row.loc["therapist", "count"] == 3
    assert row.loc["therapist", "per_100_turns"] == 75.0
    assert row.loc["client", "count"] == 1
    assert row.loc["client", "turns"] == 4


def test_code_rates_for_chosen_annotators_only(turns: pd.DataFrame, sessions: pd.DataFrame) -> None:
    rates = code_rates(
        ANNOTATIONS, turns, sessions, CODEBOOK, by=("trainee", "family"), annotators=["kim"]
    )
    ana = rates.loc[rates["trainee"] == "ana"].set_index("family")
    assert ana["count"].to_dict() == {"attunement": 1, "detachment": 0, "rigidity": 0}
    assert set(ana["turns"]) == {8}


def test_code_rates_list_every_code_of_the_codebook_with_zeros(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    rates = code_rates(ANNOTATIONS, turns, sessions, CODEBOOK, by=("trainee", "code_id"))
    assert len(rates) == 2 * len(CODEBOOK)
    assert rates["count"].sum() == len(ANNOTATIONS)


@pytest.mark.parametrize(
    ("by", "message"),
    [
        (("trainee", "mood"), "distinct columns"),
        (("trainee", "trainee"), "distinct columns"),
        ((), "distinct columns"),
    ],
)
def test_code_rates_refuse_bad_groupings(
    turns: pd.DataFrame, sessions: pd.DataFrame, by: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        code_rates(ANNOTATIONS, turns, sessions, CODEBOOK, by=by)


def test_code_rates_by_family_need_a_codebook(turns: pd.DataFrame, sessions: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="needs the codebook"):
        code_rates(ANNOTATIONS, turns, sessions, None)


def test_therapist_turn_shares_count_each_turn_once_per_family(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    shares = therapist_turn_shares(ANNOTATIONS, turns, sessions, CODEBOOK)
    sam = shares.loc[(shares["transcript_id"] == "ana-1") & (shares["annotator"] == "sam")]
    # u1 has two attunement codes (one whole turn, one span): one attuned turn of 4.
    # u3 is rigid. The detachment code is on a client turn, so it does not count.
    assert sam.set_index("family")["coded_turns"].to_dict() == {
        "attunement": 1,
        "rigidity": 1,
        "detachment": 0,
    }
    assert set(sam["therapist_turns"]) == {4}
    assert sam.set_index("family")["share"].to_dict() == {
        "attunement": 0.25,
        "rigidity": 0.25,
        "detachment": 0.0,
    }
    assert len(shares) == 4 * 3  # four coded sessions x three families


def test_therapist_turn_shares_refuse_a_sub_code_as_family(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    with pytest.raises(ValueError, match=r"'attunement\.warmth' is not a family"):
        therapist_turn_shares(
            ANNOTATIONS, turns, sessions, CODEBOOK, families=["attunement.warmth"]
        )


def _rating(transcript_id: str, rater: str, scores: dict[str, int | None]) -> SessionRating:
    return SessionRating(
        transcript_id=transcript_id,
        rubric_id="attune-default",
        rubric_version=1,
        rater=rater,
        items=tuple(ItemRating(item, score) for item, score in scores.items()),
        updated=T0,
    )


RATINGS = ratings_frame(
    [
        _rating("ana-1", "sam", {"compassion": 2, "clarity": 3}),
        _rating("ana-1", "kim", {"compassion": 3, "clarity": None}),
        _rating("ana-2", "sam", {"compassion": 4, "clarity": 4}),
        _rating("ana-2", "kim", {"compassion": 4, "clarity": 2}),
        _rating("ben-1", "kim", {"compassion": 5}),
    ]
)


def test_item_scores_are_by_trainee_session_and_rater(sessions: pd.DataFrame) -> None:
    scores = item_scores(RATINGS, sessions, rubric=Rubric.default())
    assert list(scores.columns) == [
        "trainee",
        "session",
        "transcript_id",
        "rater",
        "rubric_id",
        "item_id",
        "score",
    ]
    assert list(scores.itertuples(index=False, name=None))[:4] == [
        ("ana", 1, "ana-1", "kim", "attune-default", "compassion", 3.0),
        ("ana", 1, "ana-1", "kim", "attune-default", "clarity", pd.NA),
        ("ana", 1, "ana-1", "sam", "attune-default", "compassion", 2.0),
        ("ana", 1, "ana-1", "sam", "attune-default", "clarity", 3.0),
    ]
    assert str(scores["score"].dtype) == "Float64"


def test_progress_averages_raters_and_measures_change_from_the_first_session(
    sessions: pd.DataFrame,
) -> None:
    table = progress(RATINGS, sessions, rubric=Rubric.default())
    expected = pd.DataFrame(
        {
            "trainee": pd.Series(["ana", "ana", "ana", "ana", "ben"], dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * 5, dtype="str"),
            "item_id": pd.Series(
                ["compassion", "compassion", "clarity", "clarity", "compassion"], dtype="str"
            ),
            "session": pd.Series([1, 2, 1, 2, 1], dtype="int64"),
            "mean_score": [2.5, 4.0, 3.0, 3.0, 5.0],
            "n_raters": pd.Series([2, 2, 1, 2, 1], dtype="int64"),
            "change": [0.0, 1.5, 0.0, 0.0, 0.0],
        }
    )
    assert_frame_equal(table, expected)


def test_progress_for_chosen_raters(sessions: pd.DataFrame) -> None:
    table = progress(RATINGS, sessions, raters=["sam"])
    assert table["n_raters"].eq(1).all()
    assert table.loc[table["item_id"] == "compassion", "change"].tolist() == [0.0, 2.0]


def test_calibration_compares_each_rater_with_the_others() -> None:
    table = calibration(RATINGS, rubric=Rubric.default())
    # compassion: ana-1 sam 2 vs kim 3; ana-2 both 4. kim: +1 and 0; sam: -1 and 0.
    # clarity: only ana-2 has two scores (sam 4, kim 2). ben-1 has one rater: not compared.
    expected = pd.DataFrame(
        {
            "rater": pd.Series(["kim", "kim", "sam", "sam"], dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * 4, dtype="str"),
            "item_id": pd.Series(["compassion", "clarity"] * 2, dtype="str"),
            "n": pd.Series([2, 1, 2, 1], dtype="int64"),
            "mean_deviation": [0.5, -2.0, -0.5, 2.0],
            "sd": [0.5**0.5, float("nan"), 0.5**0.5, float("nan")],
        }
    )
    assert_frame_equal(table, expected)


def test_miti_scores_combine_behaviour_counts_with_the_same_persons_globals() -> None:
    session = _transcript("mi-1", "tctctc", trainee="ana", session=3)
    sessions = sessions_frame([session])
    codes = annotations_frame(
        [
            _annotation("mi-1", "u1", "miti.question", "sam"),
            _annotation("mi-1", "u3", "miti.question", "sam"),
            _annotation("mi-1", "u5", "miti.complex-reflection", "sam"),
            _annotation("mi-1", "u3", "miti.simple-reflection", "sam"),
        ]
    )
    globals_ = ratings_frame(
        [
            SessionRating(
                transcript_id="mi-1",
                rubric_id="miti-4.2.1",
                rubric_version=Rubric.miti().version,
                rater="sam",
                items=(
                    ItemRating("cultivating-change-talk", 4),
                    ItemRating("softening-sustain-talk", 3),
                    ItemRating("partnership", 4),
                    ItemRating("empathy", 4),
                ),
                updated=T0,
            )
        ]
    )
    table = miti_scores(codes, globals_, sessions).set_index("summary")
    assert table.loc["technical", "value"] == 3.5
    assert table.loc["technical", "band"] == "fair"
    assert table.loc["relational", "value"] == 4.0
    assert table.loc["reflection_to_question", "value"] == 1.0
    assert table.loc["percent_complex_reflections", "value"] == 50.0
    assert table.loc["percent_complex_reflections", "band"] == "good"
    assert set(table["coder"]) == {"sam"}


def test_miti_scores_are_empty_without_miti_codes(sessions: pd.DataFrame) -> None:
    assert miti_scores(ANNOTATIONS, RATINGS, sessions).empty


def test_load_cohort_reads_a_real_store(tmp_path: Path, sessions: pd.DataFrame) -> None:
    path = tmp_path / "cohort.db"
    with open_store(path) as store:
        for transcript in TRANSCRIPTS:
            store.import_transcript(transcript, by="educator")
        outside = _transcript("exercise", "tc")
        store.import_transcript(outside, by="educator")
        for annotation in [*ANNOTATIONS.itertuples(index=False)]:
            store.add_annotation(
                Annotation(
                    transcript_id=annotation.transcript_id,
                    turn_id=annotation.turn_id,
                    code_id=annotation.code_id,
                    annotator=annotation.annotator,
                    span_start=None if pd.isna(annotation.span_start) else annotation.span_start,
                    span_end=None if pd.isna(annotation.span_end) else annotation.span_end,
                    responds_to=None if pd.isna(annotation.responds_to) else annotation.responds_to,
                )
            )
        store.add_annotation(_annotation("exercise", "u1", "attunement", "trainee-x"))
        cohort = load_cohort(store)
    assert_frame_equal(cohort.sessions, sessions)
    assert_frame_equal(cohort.turns, turns_frame(TRANSCRIPTS))
    assert len(cohort.annotations) == len(ANNOTATIONS)  # the exercise is not a session
    rates = code_rates(
        cohort.annotations, cohort.turns, cohort.sessions, CODEBOOK, by=("trainee", "family")
    )
    assert rates["count"].tolist() == [3, 2, 1, 1, 0, 0]


def test_adjudicated_annotations_are_not_counted_as_coding(
    turns: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    agreed = annotations_frame(
        [
            _annotation("ben-1", "u3", "detachment.jargon", "kim"),
            _annotation("ben-1", "u3", "detachment.jargon", "kim", adjudicated=True),
        ]
    )
    rates = code_rates(agreed, turns, sessions, CODEBOOK, by=("trainee", "family"))
    assert rates.set_index("family")["count"]["detachment"] == 1
    assert rates.set_index("family")["per_100_turns"]["detachment"] == 25.0
    shares = therapist_turn_shares(agreed, turns, sessions, CODEBOOK)
    assert shares.set_index("family")["coded_turns"]["detachment"] == 1
    flags = annotation_records(agreed, turns, sessions, CODEBOOK)["adjudicated"]
    assert sorted(flags) == [False, True]


def test_turns_frame_leaves_out_speaker_labels() -> None:
    named = Transcript("named", (Turn("u1", "Dr Jane Example", "therapist", "Hello."),))
    frame = turns_frame([named])
    assert "Dr Jane Example" not in frame.to_string()
    assert frame["role"].tolist() == ["therapist"]


def test_load_cohort_names_sessions_whose_text_the_store_lacks(
    tmp_path: Path, sessions: pd.DataFrame
) -> None:
    with open_store(tmp_path / "cohort.db") as store:
        store.import_transcript(TRANSCRIPTS[0], by="educator")
        with pytest.raises(ValueError, match=r"does not hold the text of 2 session\(s\)"):
            load_cohort(store, sessions=sessions)
        cohort = load_cohort(store, sessions=sessions, transcripts=TRANSCRIPTS[1:])
    assert len(cohort.turns) == 8 + 6 + 4
