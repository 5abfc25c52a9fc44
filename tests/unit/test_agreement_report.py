"""agreement_report: span annotations aligned to turns, per code and per rubric item.

The frames are built the way the store builds them (annotations_frame, ratings_frame, turns_frame)
from hand-made annotations whose kappas are worked out by hand in the comments.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from attune_jupyter.agreement import (
    REPORT_COLUMNS,
    agreement_report,
    cohens_kappa,
    icc,
    krippendorff_alpha,
)
from attune_jupyter.core import Codebook, Rubric, Transcript, Turn
from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.cohort import turns_frame
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.synthetic_cohort import synthetic_cohort
from attune_jupyter.store.base import annotations_frame, ratings_frame

CODEBOOK = Codebook.default()
RUBRIC = Rubric.default()
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NA = np.nan
VALIDATION = "attunement.validation"
BOUNDARY = "rigidity.boundary"


def _transcript(transcript_id: str, turns: int) -> Transcript:
    """Turns u1, u2, ... alternating therapist (odd) and client (even)."""
    return Transcript(
        transcript_id,
        tuple(
            Turn(
                f"u{i}",
                "Therapist" if i % 2 else "Client",
                "therapist" if i % 2 else "client",
                f"Line {i} of a made-up session, long enough for spans.",
            )
            for i in range(1, turns + 1)
        ),
    )


TURNS = turns_frame([_transcript("s1", 8), _transcript("s2", 4)])

_clock = iter(range(1000))


def _mark(transcript: str, turn: str, code: str, who: str, **shape: Any) -> Annotation:
    return Annotation(
        transcript_id=transcript,
        turn_id=turn,
        code_id=code,
        annotator=who,
        created=T0 + timedelta(seconds=next(_clock)),
        **shape,
    )


SPAN = {"span_start": 2, "span_end": 9}

# Transcript s1 (u1, u3, u5, u7 therapist; u2, u4, u6, u8 client):
#   ana: validation on u1 (whole turn), u3 (span), u5 (pair answering u4); boundary on u7.
#   ben: validation on u1 (span), u3 (whole turn, twice: a span too), u2 (a client turn);
#        boundary on u5 and u7 (span).
# Transcript s2: only ana coded it, so it is no unit of agreement.
# sam's adjudicated annotation is the agreed code, not a third coder.
TWO_CODERS = annotations_frame(
    [
        _mark("s1", "u1", VALIDATION, "ana"),
        _mark("s1", "u3", VALIDATION, "ana", **SPAN),
        _mark("s1", "u5", VALIDATION, "ana", responds_to="u4"),
        _mark("s1", "u7", BOUNDARY, "ana"),
        _mark("s1", "u1", VALIDATION, "ben", **SPAN),
        _mark("s1", "u3", VALIDATION, "ben"),
        _mark("s1", "u3", VALIDATION, "ben", span_start=0, span_end=4),
        _mark("s1", "u2", VALIDATION, "ben"),
        _mark("s1", "u5", BOUNDARY, "ben"),
        _mark("s1", "u7", BOUNDARY, "ben", **SPAN),
        _mark("s2", "u1", VALIDATION, "ana"),
        _mark("s2", "u3", BOUNDARY, "ana"),
        _mark("s1", "u3", VALIDATION, "sam", adjudicated=True),
    ]
)


def _kappa(table: list[list[int]]) -> tuple[float, float, float]:
    result = cohens_kappa(table)
    return result.kappa, result.ci_low, result.ci_high


def _expected(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    return frame.astype(
        {
            "kind": "str",
            "id": "str",
            "label": "str",
            "statistic": "str",
            "value": "float64",
            "ci_low": "float64",
            "ci_high": "float64",
            "n_units": "int64",
            "n_raters": "int64",
            "band": "str",
        }
    )


def test_two_annotators_kappa_per_code_over_the_turns_both_coded() -> None:
    report = agreement_report(TWO_CODERS, TURNS, codebook=CODEBOOK)
    # Validation over s1's 8 turns: both u1, u3 (a span and a whole turn agree); ana only u5;
    # ben only u2; neither u4, u6, u7, u8. p_o = 6/8, p_e = (3/8)^2 + (5/8)^2 = 34/64, so
    # kappa = (48/64 - 34/64) / (30/64) = 7/15.
    validation = [[4, 1], [1, 2]]
    # Boundary: both u7; ben only u5; neither the other 6. p_o = 7/8,
    # p_e = (1/8)(2/8) + (7/8)(6/8) = 44/64, kappa = 12/20 = 0.6.
    boundary = [[6, 1], [0, 1]]
    assert report["value"].tolist() == pytest.approx([7 / 15, 0.6], abs=1e-12)
    assert_frame_equal(
        report,
        _expected(
            [
                (
                    "code",
                    VALIDATION,
                    "Validating a feeling",
                    "kappa",
                    *_kappa(validation),
                    8,
                    2,
                    "moderate",
                ),
                ("code", BOUNDARY, "Rigid boundary", "kappa", *_kappa(boundary), 8, 2, "moderate"),
            ]
        ),
    )


def test_roles_restrict_the_units_to_the_therapist_turns() -> None:
    report = agreement_report(TWO_CODERS, TURNS, roles=("therapist",), codebook=CODEBOOK)
    # Validation over u1, u3, u5, u7: both u1, u3; ana only u5; neither u7.
    # p_o = 3/4, p_e = (3/4)(1/2) + (1/4)(1/2) = 1/2, kappa = 0.5. (ben's u2 is a client turn.)
    # Boundary: both u7; ben only u5; neither u1, u3. p_o = 3/4, p_e = 1/8 + 3/8, kappa = 0.5.
    assert report["value"].tolist() == pytest.approx([0.5, 0.5], abs=1e-12)
    assert report["n_units"].tolist() == [4, 4]
    assert report["ci_low"].tolist() == pytest.approx(
        [_kappa([[1, 0], [1, 2]])[1], _kappa([[2, 1], [0, 1]])[1]]
    )


def test_the_report_equals_kappa_of_the_aligned_turns() -> None:
    # The same numbers from per-turn labels written out by hand (s1's turns u1..u8).
    ana = {VALIDATION: [1, 0, 1, 0, 1, 0, 0, 0], BOUNDARY: [0, 0, 0, 0, 0, 0, 1, 0]}
    ben = {VALIDATION: [1, 1, 1, 0, 0, 0, 0, 0], BOUNDARY: [0, 0, 0, 0, 1, 0, 1, 0]}
    report = agreement_report(TWO_CODERS, TURNS).set_index("id")
    for code in (VALIDATION, BOUNDARY):
        by_hand = cohens_kappa(ana[code], ben[code])
        row = report.loc[code]
        assert (row["value"], row["ci_low"], row["ci_high"]) == pytest.approx(
            (by_hand.kappa, by_hand.ci_low, by_hand.ci_high), abs=1e-12
        )


def test_without_a_codebook_codes_are_sorted_and_labelled_by_id() -> None:
    report = agreement_report(TWO_CODERS, TURNS)
    assert report["id"].tolist() == [VALIDATION, BOUNDARY]
    assert report["label"].tolist() == [VALIDATION, BOUNDARY]


def test_codes_chosen_in_order_and_an_unused_code_has_no_value() -> None:
    report = agreement_report(
        TWO_CODERS, TURNS, codes=[BOUNDARY, "detachment.jargon"], codebook=CODEBOOK
    )
    assert report["id"].tolist() == [BOUNDARY, "detachment.jargon"]
    assert report["value"].iloc[0] == pytest.approx(0.6)
    # Nobody used jargon: both coders said "no" everywhere, kappa is undefined.
    assert math.isnan(report["value"].iloc[1]) and pd.isna(report["band"].iloc[1])


THREE_CODERS = pd.concat(
    [
        TWO_CODERS,
        annotations_frame(
            [
                _mark("s1", "u1", VALIDATION, "cy"),
                _mark("s1", "u5", VALIDATION, "cy", **SPAN),
                _mark("s1", "u7", BOUNDARY, "cy"),
                _mark("s2", "u3", BOUNDARY, "cy"),
            ]
        ),
    ],
    ignore_index=True,
)


def test_three_annotators_alpha_per_code() -> None:
    report = agreement_report(THREE_CODERS, TURNS, codebook=CODEBOOK)
    # Coders x turns, NaN where a coder did not code the transcript: s1 (u1..u8) all three;
    # s2 (u1..u4) ana and cy only.
    validation = [
        [1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0],
        [1, 1, 1, 0, 0, 0, 0, 0, NA, NA, NA, NA],
        [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    ]
    boundary = [
        [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1, 0, 1, 0, NA, NA, NA, NA],
        [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0],
    ]
    for row, data in zip(report.itertuples(), (validation, boundary), strict=True):
        assert row.statistic == "alpha"
        assert row.value == pytest.approx(krippendorff_alpha(data).alpha, abs=1e-12)
        assert row.value == pytest.approx(
            krippendorff.alpha(data, level_of_measurement="nominal"), abs=1e-12
        )
        assert row.ci_low < row.value < row.ci_high
        assert (row.n_units, row.n_raters) == (12, 3)
    # The bootstrap interval has a fixed seed: the same report twice is the same report.
    assert_frame_equal(report, agreement_report(THREE_CODERS, TURNS, codebook=CODEBOOK))


def test_choosing_two_of_three_annotators_gives_kappa() -> None:
    chosen = agreement_report(THREE_CODERS, TURNS, annotators=["ana", "ben"])
    assert_frame_equal(chosen, agreement_report(TWO_CODERS, TURNS))


def _rating(transcript: str, rater: str, scores: dict[str, int | None]) -> SessionRating:
    return SessionRating(
        transcript_id=transcript,
        rubric_id=RUBRIC.id,
        rubric_version=RUBRIC.version,
        rater=rater,
        items=tuple(ItemRating(item, score) for item, score in scores.items()),
        updated=T0,
    )


# Two raters, five sessions; kim left clarity unrated on s5, and s6 has sam's rating only.
CROSSED = ratings_frame(
    [
        _rating("s1", "sam", {"compassion": 2, "clarity": 3}),
        _rating("s1", "kim", {"compassion": 3, "clarity": 3}),
        _rating("s2", "sam", {"compassion": 4, "clarity": 4}),
        _rating("s2", "kim", {"compassion": 4, "clarity": 2}),
        _rating("s3", "sam", {"compassion": 5, "clarity": 4}),
        _rating("s3", "kim", {"compassion": 4, "clarity": 5}),
        _rating("s4", "sam", {"compassion": 1, "clarity": 2}),
        _rating("s4", "kim", {"compassion": 2, "clarity": 1}),
        _rating("s5", "sam", {"compassion": 3, "clarity": 5}),
        _rating("s5", "kim", {"compassion": 3, "clarity": None}),
        _rating("s6", "sam", {"compassion": 4, "clarity": 4}),
    ]
)


def _icc_row(frame: pd.DataFrame, form: int) -> tuple[float, float, float]:
    table = icc(frame, targets="transcript_id", raters="rater", ratings="score", nan_policy="omit")
    row = table.iloc[form]
    return float(row["icc"]), float(row["ci_low"]), float(row["ci_high"])


def test_items_icc_2_1_over_the_sessions_every_rater_scored() -> None:
    report = agreement_report(ratings=CROSSED, rubric=RUBRIC)
    compassion = CROSSED.loc[CROSSED["item_id"] == "compassion"]
    clarity = CROSSED.loc[CROSSED["item_id"] == "clarity"]
    expected = _expected(
        [
            (
                "item",
                "compassion",
                "Compassion",
                "icc2_1",
                *_icc_row(compassion, 1),
                5,
                2,
                "almost perfect",
            ),
            ("item", "clarity", "Clarity", "icc2_1", *_icc_row(clarity, 1), 4, 2, "moderate"),
        ]
    )
    assert expected["value"].round(3).tolist() == [0.806, 0.591]
    assert_frame_equal(report, expected)


def test_raters_who_take_turns_get_the_one_way_icc() -> None:
    # Three supervisors, each session rated by two of them in turn: no session has all three,
    # so the two-way model does not apply; ICC(1,1) treats each session's two scores alike.
    pairs = [("sam", "kim"), ("kim", "lee"), ("lee", "sam")] * 3
    scores = [(2, 3), (4, 4), (5, 4), (1, 2), (3, 3), (4, 5), (2, 2), (5, 5), (3, 1)]
    ratings = ratings_frame(
        [
            _rating(f"s{i}", who, {"compassion": score})
            for i, (names, values) in enumerate(zip(pairs, scores, strict=True))
            for who, score in zip(names, values, strict=True)
        ]
    )
    report = agreement_report(ratings=ratings)
    wide = np.array(scores, dtype=float)
    expected = icc(wide).iloc[0]
    row = report.iloc[0]
    assert row["statistic"] == "icc1_1"
    assert (row["value"], row["ci_low"], row["ci_high"]) == pytest.approx(
        (expected["icc"], expected["ci_low"], expected["ci_high"]), abs=1e-12
    )
    assert (row["n_units"], row["n_raters"]) == (9, 3)


def test_codes_and_items_together_codes_first() -> None:
    report = agreement_report(TWO_CODERS, TURNS, CROSSED, codebook=CODEBOOK, rubric=RUBRIC)
    assert report["kind"].tolist() == ["code", "code", "item", "item"]
    assert_frame_equal(
        report.iloc[:2].reset_index(drop=True),
        agreement_report(TWO_CODERS, TURNS, codebook=CODEBOOK),
    )
    assert_frame_equal(
        report.iloc[2:].reset_index(drop=True), agreement_report(ratings=CROSSED, rubric=RUBRIC)
    )


def test_a_synthetic_cohort_report_has_the_documented_shape() -> None:
    cohort = synthetic_cohort(trainees=4, sessions=3, turns_per_session=30, seed=5)
    report = agreement_report(
        cohort.annotations,
        cohort.turns,
        cohort.ratings,
        roles=("therapist",),
        codebook=cohort.codebook,
        rubric=cohort.rubric,
    )
    assert list(report.columns) == list(REPORT_COLUMNS)
    assert [str(t) for t in report.dtypes] == [
        "str",
        "str",
        "str",
        "str",
        "float64",
        "float64",
        "float64",
        "int64",
        "int64",
        "str",
    ]
    assert isinstance(report.index, pd.RangeIndex)
    codes = report.loc[report["kind"] == "code"]
    # Three supervisors take turns in pairs: alpha; 12 sessions x 15 therapist turns.
    assert set(codes["statistic"]) == {"alpha"} and set(codes["n_units"]) == {180}
    used = [c.id for c in cohort.codebook if c.id in set(cohort.annotations["code_id"])]
    assert codes["id"].tolist() == used
    items = report.loc[report["kind"] == "item"]
    assert items["id"].tolist() == [item.id for item in cohort.rubric.items]
    assert set(items["statistic"]) == {"icc1_1"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give annotations"),
        ({"annotations": TWO_CODERS}, r"needs the turns frame \(turns=...\)"),
        (
            {"annotations": TWO_CODERS.loc[TWO_CODERS["annotator"] == "ana"], "turns": TURNS},
            r"at least two annotators; found 1 \('ana'\).*annotations=None",
        ),
        (
            {"annotations": TWO_CODERS, "turns": TURNS, "annotators": ["ana", "bne"]},
            r"annotator 'bne' has no annotations here \(present: 'ana', 'ben'\)",
        ),
        (
            {"annotations": TWO_CODERS, "turns": TURNS, "roles": ["supervisor"]},
            "roles must name some of therapist, client, other",
        ),
        (
            {"annotations": TWO_CODERS, "turns": TURNS.loc[TURNS["turn_id"] != "u7"]},
            r"annotation '.*' is on turn 'u7' of transcript 's1', which the turns frame",
        ),
        (
            {"annotations": TWO_CODERS, "turns": TURNS.drop(columns="role"), "roles": ["client"]},
            r"the turns frame has no column 'role'",
        ),
        (
            {
                "annotations": TWO_CODERS,
                "turns": TURNS,
                "codes": ["attunement.nonsense"],
                "codebook": CODEBOOK,
            },
            "codes names 'attunement.nonsense', which is not in the codebook",
        ),
        (
            {"ratings": CROSSED.loc[CROSSED["rater"] == "sam"]},
            r"at least two raters; found 1 \('sam'\).*ratings=None",
        ),
        (
            {"ratings": pd.concat([CROSSED, CROSSED.assign(rubric_id="miti-4.2.1")])},
            r"on 2 rubrics \('attune-default', 'miti-4.2.1'\); pass rubric=",
        ),
        (
            {"ratings": pd.concat([CROSSED, CROSSED.iloc[[0]]])},
            "rater 'kim' scored item 'compassion' of transcript 's1' twice",
        ),
        ({"ratings": CROSSED.drop(columns="score")}, "the ratings frame has no column 'score'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        agreement_report(**kwargs)


def test_a_code_outside_the_codebook_is_refused() -> None:
    odd = pd.concat(
        [TWO_CODERS, annotations_frame([_mark("s1", "u1", "my.own-code", "ana")])],
        ignore_index=True,
    )
    with pytest.raises(ValueError, match=r"code 'my\.own-code' is not in the codebook"):
        agreement_report(odd, TURNS, codebook=CODEBOOK)
