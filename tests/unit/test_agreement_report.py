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
    MIN_CODED_UNITS,
    REPORT_COLUMNS,
    agreement_report,
    cohens_kappa,
    icc,
    krippendorff_alpha,
)
from attune_jupyter.core import Codebook, Rubric, Transcript, Turn
from attune_jupyter.core import agreement as core_agreement
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
            "note": "str",
        }
    )


def test_two_annotators_kappa_per_code_over_the_turns_both_coded() -> None:
    report = agreement_report(TWO_CODERS, TURNS, codebook=CODEBOOK)
    # ben coded a client turn (u2), so client turns are units too: s1's 8 turns.
    # Validation: both u1, u3 (a span and a whole turn agree); ana only u5; ben only u2;
    # neither u4, u6, u7, u8. p_o = 6/8, p_e = (3/8)^2 + (5/8)^2 = 34/64, so
    # kappa = (48/64 - 34/64) / (30/64) = 7/15.
    # Boundary: both u7; ben only u5; neither the other 6. p_o = 7/8,
    # p_e = (1/8)(2/8) + (7/8)(6/8) = 44/64, kappa = 12/20 = 0.6.
    # Four and two turns carry the codes: too few for an interval.
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
                    7 / 15,
                    NA,
                    NA,
                    8,
                    2,
                    "moderate",
                    "too few coded units (4)",
                ),
                (
                    "code",
                    BOUNDARY,
                    "Rigid boundary",
                    "kappa",
                    0.6,
                    NA,
                    NA,
                    8,
                    2,
                    "moderate",
                    "too few coded units (2)",
                ),
            ]
        ),
        atol=1e-12,
    )


def test_roles_restrict_the_units_to_the_therapist_turns() -> None:
    report = agreement_report(TWO_CODERS, TURNS, roles=("therapist",), codebook=CODEBOOK)
    # Validation over u1, u3, u5, u7: both u1, u3; ana only u5; neither u7.
    # p_o = 3/4, p_e = (3/4)(1/2) + (1/4)(1/2) = 1/2, kappa = 0.5. (ben's u2 is a client turn.)
    # Boundary: both u7; ben only u5; neither u1, u3. p_o = 3/4, p_e = 1/8 + 3/8, kappa = 0.5.
    assert report["value"].tolist() == pytest.approx([0.5, 0.5], abs=1e-12)
    assert report["n_units"].tolist() == [4, 4]
    assert report["note"].tolist() == ["too few coded units (3)", "too few coded units (2)"]
    # One role given as a name is that role.
    assert_frame_equal(
        report, agreement_report(TWO_CODERS, TURNS, roles="therapist", codebook=CODEBOOK)
    )


# Transcript s9, 40 turns (u1, u3, ..., u39 therapist): enough coded turns for intervals.
# Validation: both on u1-u9 (ben's u9 a span); ana only u11, u13; ben only u15.
# Boundary: both on u21-u27 (ana's u21 a pair answering u20); ana only u29; ben only u31, u33.
# Only therapist turns are coded, so the 20 client turns are no units by default.
LONG_TURNS = turns_frame([_transcript("s9", 40)])
LONG_TWO = annotations_frame(
    [
        *(_mark("s9", f"u{i}", VALIDATION, "ana") for i in (1, 3, 5, 7, 9, 11, 13)),
        *(_mark("s9", f"u{i}", VALIDATION, "ben") for i in (1, 3, 5, 7, 15)),
        _mark("s9", "u9", VALIDATION, "ben", **SPAN),
        _mark("s9", "u21", BOUNDARY, "ana", responds_to="u20"),
        *(_mark("s9", f"u{i}", BOUNDARY, "ana") for i in (23, 25, 27, 29)),
        *(_mark("s9", f"u{i}", BOUNDARY, "ben") for i in (21, 23, 25, 27, 31, 33)),
    ]
)


def _marked(turns: tuple[int, ...]) -> list[int]:
    """Per-turn labels over s9's therapist turns u1, u3, ..., u39."""
    return [int(i in turns) for i in range(1, 40, 2)]


def test_the_report_equals_kappa_of_the_aligned_turns() -> None:
    # The same numbers from per-turn labels written out by hand (s9's therapist turns).
    ana = {VALIDATION: _marked((1, 3, 5, 7, 9, 11, 13)), BOUNDARY: _marked((21, 23, 25, 27, 29))}
    ben = {VALIDATION: _marked((1, 3, 5, 7, 9, 15)), BOUNDARY: _marked((21, 23, 25, 27, 31, 33))}
    report = agreement_report(LONG_TWO, LONG_TURNS).set_index("id")
    for code in (VALIDATION, BOUNDARY):
        by_hand = cohens_kappa(ana[code], ben[code])
        row = report.loc[code]
        assert (row["value"], row["ci_low"], row["ci_high"]) == pytest.approx(
            (by_hand.kappa, by_hand.ci_low, by_hand.ci_high), abs=1e-12
        )
        assert row["ci_low"] < row["value"] < row["ci_high"]
        assert (row["n_units"], row["n_raters"]) == (20, 2) and pd.isna(row["note"])


def test_client_turns_no_one_coded_do_not_inflate_agreement() -> None:
    default = agreement_report(LONG_TWO, LONG_TURNS).set_index("id")
    every_turn = agreement_report(LONG_TWO, LONG_TURNS, roles="all").set_index("id")
    therapist = agreement_report(LONG_TWO, LONG_TURNS, roles=("therapist",)).set_index("id")
    assert_frame_equal(default, therapist)
    assert default["n_units"].tolist() == [20, 20]
    assert every_turn["n_units"].tolist() == [40, 40]
    # Counting the 20 uncoded client turns as agreement makes agreement look better.
    assert (every_turn["value"] > default["value"]).all()
    by_hand = cohens_kappa(
        _marked((1, 3, 5, 7, 9, 11, 13)) + [0] * 20, _marked((1, 3, 5, 7, 9, 15)) + [0] * 20
    )
    assert every_turn.loc[VALIDATION, "value"] == pytest.approx(by_hand.kappa, abs=1e-12)


def test_roles_all_needs_no_role_column_and_the_default_says_it_does() -> None:
    without_roles = LONG_TURNS.drop(columns="role")
    report = agreement_report(LONG_TWO, without_roles, roles="all")
    assert report["n_units"].tolist() == [40, 40]
    with pytest.raises(ValueError, match=r"no column 'role'.*pass roles='all'"):
        agreement_report(LONG_TWO, without_roles)


def test_a_kappa_interval_never_goes_above_1() -> None:
    # Boundary on 20 therapist turns: both 6, ana only 1, neither 13. The Wald interval is
    # 0.671 to 1.102 before clipping; kappa cannot exceed 1.
    marks = annotations_frame(
        [
            *(_mark("s9", f"u{i}", BOUNDARY, "ana") for i in (1, 3, 5, 7, 9, 11, 13)),
            *(_mark("s9", f"u{i}", BOUNDARY, "ben") for i in (1, 3, 5, 7, 9, 11)),
        ]
    )
    row = agreement_report(marks, LONG_TURNS).iloc[0]
    assert row["value"] == pytest.approx(39 / 44, abs=1e-12)
    assert row["ci_high"] == 1.0
    assert row["ci_low"] == pytest.approx(cohens_kappa([[13, 0], [1, 6]]).ci_low, abs=1e-12)
    assert row["ci_low"] == pytest.approx(0.6707, abs=1e-4)


def test_a_code_on_one_agreed_turn_has_its_value_but_no_interval() -> None:
    # Both coders marked boundary on u21 and nowhere else: kappa 1, but one turn says little.
    one_turn = pd.concat(
        [
            LONG_TWO.loc[LONG_TWO["code_id"] == VALIDATION],
            annotations_frame(
                [_mark("s9", "u21", BOUNDARY, "ana"), _mark("s9", "u21", BOUNDARY, "ben")]
            ),
        ],
        ignore_index=True,
    )
    report = agreement_report(one_turn, LONG_TURNS).set_index("id")
    row = report.loc[BOUNDARY]
    assert row["value"] == 1.0 and row["band"] == "almost perfect"
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert row["note"] == "too few coded units (1)"
    # Validation, on 8 turns, keeps its interval.
    assert not math.isnan(report.loc[VALIDATION, "ci_low"])
    assert MIN_CODED_UNITS == 5


def test_a_code_one_coder_never_used_has_no_zero_width_interval() -> None:
    # ana marked boundary on 6 turns, ben on none: kappa is 0 with a standard error of exactly
    # 0, which would print as the interval [0, 0].
    marks = pd.concat(
        [
            LONG_TWO.loc[LONG_TWO["code_id"] == VALIDATION],
            annotations_frame(
                [_mark("s9", f"u{i}", BOUNDARY, "ana") for i in (21, 23, 25, 27, 29, 31)]
            ),
        ],
        ignore_index=True,
    )
    row = agreement_report(marks, LONG_TURNS).set_index("id").loc[BOUNDARY]
    assert row["value"] == 0.0
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert row["note"] == "'ben' never used this code: no interval"


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
        assert (row.n_units, row.n_raters) == (12, 3)
    # Validation is on 5 turns (s1 u1, u2, u3, u5; s2 u1): an interval. Boundary on 3: none.
    validation_row, boundary_row = report.iloc[0], report.iloc[1]
    assert validation_row["ci_low"] < validation_row["value"] < validation_row["ci_high"]
    assert pd.isna(validation_row["note"])
    assert math.isnan(boundary_row["ci_low"]) and math.isnan(boundary_row["ci_high"])
    assert boundary_row["note"] == "too few coded units (3)"
    # The bootstrap interval has a fixed seed: the same report twice is the same report.
    assert_frame_equal(report, agreement_report(THREE_CODERS, TURNS, codebook=CODEBOOK))


def _three_coders_one_rare_code(turns: int) -> pd.DataFrame:
    """ana, ben and cy code every therapist turn of s9 with validation, alike on most; boundary
    only on u21, by ana and ben (the reviewer's rare code)."""
    rng = np.random.default_rng(4)
    therapist = [f"u{i}" for i in range(1, turns + 1, 2)]
    truth = rng.random(len(therapist)) < 0.4
    marks = [
        _mark("s9", turn, VALIDATION, who)
        for who in ("ana", "ben", "cy")
        for turn, yes in zip(therapist, truth ^ (rng.random(len(therapist)) < 0.1), strict=True)
        if yes
    ]
    marks += [_mark("s9", "u21", BOUNDARY, "ana"), _mark("s9", "u21", BOUNDARY, "ben")]
    return annotations_frame(marks)


def test_alpha_of_a_code_one_turn_received_has_no_interval() -> None:
    marks = _three_coders_one_rare_code(120)
    report = agreement_report(marks, turns_frame([_transcript("s9", 120)])).set_index("id")
    row = report.loc[BOUNDARY]
    assert row["statistic"] == "alpha" and row["n_units"] == 60
    assert row["value"] == pytest.approx(
        krippendorff_alpha([[int(i == 10) for i in range(60)]] * 2 + [[0] * 60]).alpha,
        abs=1e-12,
    )
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert row["note"] == "too few coded units (1)"
    assert report.loc[VALIDATION, "ci_low"] < report.loc[VALIDATION, "ci_high"]


def test_a_bootstrap_where_many_resamples_lack_the_code_gives_no_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the minimum of coded turns, the bootstrap alone must refuse the rare code: about
    # 37% of resamples of 60 turns miss u21 (alpha undefined). Dropping them gave the falsely
    # precise 0.4976 to 0.4997 the review found.
    monkeypatch.setattr(core_agreement, "MIN_CODED_UNITS", 1)
    marks = _three_coders_one_rare_code(120)
    row = agreement_report(marks, turns_frame([_transcript("s9", 120)])).set_index("id")
    rare = row.loc[BOUNDARY]
    assert math.isnan(rare["ci_low"]) and math.isnan(rare["ci_high"])
    assert rare["note"].startswith("no interval: ") and rare["note"].endswith(
        "% of bootstrap resamples had no variation"
    )
    share = int(rare["note"].removeprefix("no interval: ").split("%")[0])
    assert 30 <= share <= 45
    assert pd.isna(row.loc[VALIDATION, "note"])


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
                None,
            ),
            (
                "item",
                "clarity",
                "Clarity",
                "icc2_1",
                *_icc_row(clarity, 1),
                4,
                2,
                "moderate",
                None,
            ),
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
    assert pd.isna(row["note"])


def _ratings_of(matrix: np.ndarray, raters: list[str]) -> pd.DataFrame:
    """The store's ratings frame of compassion scores, sessions x raters, NaN for unrated."""
    return ratings_frame(
        [
            _rating(f"s{i + 1:02d}", rater, {"compassion": int(score)})
            for i, row in enumerate(matrix)
            for rater, score in zip(raters, row, strict=True)
            if not np.isnan(score)
        ]
    )


def test_an_occasional_third_rater_does_not_shrink_the_item() -> None:
    # The reviewer's case: A and B rate 50 sessions, C joins on two of them. ICC(2,1) on the
    # sessions all three rated would rest on 2 sessions; A and B over all 50 use the most data.
    rng = np.random.default_rng(12)
    quality = rng.normal(3, 1, 50)
    scores = np.round(quality[:, None] + rng.normal(0, 0.6, (50, 3))).clip(1, 5)
    scores[2:, 2] = np.nan
    report = agreement_report(ratings=_ratings_of(scores, ["A", "B", "C"]))
    row = report.iloc[0]
    expected = icc(scores[:, :2]).iloc[1]
    assert row["statistic"] == "icc2_1"
    assert (row["n_units"], row["n_raters"]) == (50, 2)
    assert (row["value"], row["ci_low"], row["ci_high"]) == pytest.approx(
        (expected["icc"], expected["ci_low"], expected["ci_high"]), abs=1e-12
    )
    assert pd.isna(row["note"])


def test_a_core_panel_with_rotating_members_keeps_the_core() -> None:
    # A, B, C rate all 20 sessions; D joins them on 7, E on 7 and F with G on 6. No session
    # was rated by exactly A, B and C, but those three over 20 sessions (60 scores) hold more
    # than any other crossed design (A, B, C, D: 28) or the one-way design (14 sessions with 4
    # scores: 56).
    rng = np.random.default_rng(3)
    quality = rng.normal(3, 1, 20)
    scores = np.round(quality[:, None] + rng.normal(0, 0.6, (20, 7))).clip(1, 5)
    scores[7:, 3] = np.nan  # D: s01-s07
    scores[list(range(7)) + list(range(14, 20)), 4] = np.nan  # E: s08-s14
    scores[:14, 5:] = np.nan  # F, G: s15-s20
    row = agreement_report(ratings=_ratings_of(scores, list("ABCDEFG"))).iloc[0]
    expected = icc(scores[:, :3]).iloc[1]
    assert (row["statistic"], row["n_units"], row["n_raters"]) == ("icc2_1", 20, 3)
    assert row["value"] == pytest.approx(expected["icc"], abs=1e-12)


def test_the_one_way_design_wins_when_it_uses_more_scores() -> None:
    # Every session rated by 4 of 5 raters, a different one missing each time: the one-way
    # ICC(1,1) over all 20 sessions (80 scores) uses more than any crossed block.
    rng = np.random.default_rng(5)
    scores = np.round(rng.normal(3, 1, 20)[:, None] + rng.normal(0, 0.6, (20, 5))).clip(1, 5)
    scores[np.arange(20), np.arange(20) % 5] = np.nan
    row = agreement_report(ratings=_ratings_of(scores, list("ABCDE"))).iloc[0]
    packed = np.sort(scores, axis=1)[:, :4]
    assert (row["statistic"], row["n_units"], row["n_raters"]) == ("icc1_1", 20, 5)
    assert row["value"] == pytest.approx(icc(packed).iloc[0]["icc"], abs=1e-12)


def test_an_item_says_how_many_sessions_were_left_out() -> None:
    # A, B and C rate 10 sessions; A and D two more. {A, B, C} x 10 sessions (30 scores) is
    # the design with the most scores; the two A-D sessions are left out, and the note says so.
    rng = np.random.default_rng(8)
    quality = rng.normal(3, 1, 12)
    scores = np.round(quality[:, None] + rng.normal(0, 0.6, (12, 4))).clip(1, 5)
    scores[:10, 3] = np.nan
    scores[10:, 1:3] = np.nan
    row = agreement_report(ratings=_ratings_of(scores, ["A", "B", "C", "D"])).iloc[0]
    assert (row["statistic"], row["n_units"], row["n_raters"]) == ("icc2_1", 10, 3)
    assert row["value"] == pytest.approx(icc(scores[:10, :3]).iloc[1]["icc"], abs=1e-12)
    assert row["note"] == "2 of 12 sessions with 2 or more scores left out"


def test_an_item_without_two_sessions_to_compare_says_why() -> None:
    # Only s01 has two scores; s02 and s03 have one each.
    lonely = np.array([[2, 3, NA], [4, NA, NA], [NA, 1, NA]])
    row = agreement_report(ratings=_ratings_of(lonely, ["A", "B", "C"])).iloc[0]
    assert math.isnan(row["value"]) and math.isnan(row["ci_low"]) and pd.isna(row["band"])
    assert row["note"] == "fewer than 2 sessions scored by 2 or more raters"


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
