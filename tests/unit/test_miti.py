"""Tests for attune_jupyter.core.miti: behaviour codes, counting them, MITI summary scores."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.codebook import RESERVED_KEYS, Codebook
from attune_jupyter.core.miti import (
    AFFIRM,
    BEHAVIOURS,
    COMPLEX_REFLECTION,
    CONFRONT,
    EMPHASISING_AUTONOMY,
    GIVING_INFORMATION,
    PERSUADE,
    PERSUADE_WITH_PERMISSION,
    QUESTION,
    SEEKING_COLLABORATION,
    SIMPLE_REFLECTION,
    SUMMARY_NAMES,
    SummaryScore,
    count_behaviours,
    miti_codebook,
    miti_summary,
)
from attune_jupyter.core.rubric import Rubric, RubricError
from attune_jupyter.store.base import annotations_frame

GLOBALS = {
    "cultivating-change-talk": 4,
    "softening-sustain-talk": 3,
    "partnership": 5,
    "empathy": 4,
}


# --------------------------------------------------------------------------------------------
# The behaviour codebook
# --------------------------------------------------------------------------------------------


def test_codebook_has_the_ten_behaviour_codes() -> None:
    book = miti_codebook()
    assert isinstance(book, Codebook)
    assert [code.id for code in book] == list(BEHAVIOURS)
    assert [code.label for code in book] == [
        "Giving information",
        "Persuade",
        "Persuade with permission",
        "Question",
        "Simple reflection",
        "Complex reflection",
        "Affirm",
        "Seeking collaboration",
        "Emphasising autonomy",
        "Confront",
    ]
    assert all(code.parent is None for code in book)  # flat: every code is counted
    assert not {code.key for code in book} & set(RESERVED_KEYS)
    assert len({code.key for code in book}) == 10
    assert len({code.colour for code in book}) == 10
    assert miti_codebook() is book


def test_codebook_saves_and_loads_as_a_codebook_file(tmp_path: Path) -> None:
    path = tmp_path / "miti.json"
    miti_codebook().save(path)
    assert Codebook.load(path) == miti_codebook()


def test_codebook_code_ids_do_not_clash_with_the_default_codebook() -> None:
    assert not set(BEHAVIOURS) & {code.id for code in Codebook.default()}


# --------------------------------------------------------------------------------------------
# Summary scores
# --------------------------------------------------------------------------------------------


def test_summary_with_hand_computed_values() -> None:
    counts = {
        GIVING_INFORMATION: 7,
        PERSUADE: 2,
        PERSUADE_WITH_PERMISSION: 1,
        QUESTION: 5,
        SIMPLE_REFLECTION: 6,
        COMPLEX_REFLECTION: 4,
        AFFIRM: 1,
        SEEKING_COLLABORATION: 2,
        EMPHASISING_AUTONOMY: 1,
        CONFRONT: 1,
    }
    result = miti_summary(GLOBALS, counts)
    assert list(result) == list(SUMMARY_NAMES)
    assert result == {
        "technical": SummaryScore(3.5, "fair"),  # (4 + 3) / 2
        "relational": SummaryScore(4.5, "good"),  # (5 + 4) / 2
        "reflection_to_question": SummaryScore(2.0, "good"),  # (6 + 4) / 5
        "percent_complex_reflections": SummaryScore(40.0, "fair"),  # 100 * 4 / 10
        "mi_adherent": SummaryScore(4, None),  # 2 + 1 + 1
        "mi_non_adherent": SummaryScore(3, None),  # 2 + 1
    }


def test_zero_denominators_give_none_never_an_error() -> None:
    result = miti_summary(GLOBALS, {QUESTION: 0, SIMPLE_REFLECTION: 0, COMPLEX_REFLECTION: 0})
    assert result["reflection_to_question"] == SummaryScore(None, None)
    assert result["percent_complex_reflections"] == SummaryScore(None, None)
    assert result["mi_adherent"] == SummaryScore(0, None)
    # Reflections but no question: R:Q is undefined, %CR is not.
    result = miti_summary({}, {SIMPLE_REFLECTION: 3, COMPLEX_REFLECTION: 1})
    assert result["reflection_to_question"] == SummaryScore(None, None)
    assert result["percent_complex_reflections"] == SummaryScore(25.0, "below fair")


@pytest.mark.parametrize(
    ("sr", "cr", "q", "rq_band", "cr_band"),
    [
        (1, 0, 2, "below fair", "below fair"),  # R:Q 0.5, %CR 0
        (3, 2, 5, "fair", "fair"),  # R:Q 1.0, %CR 40 exactly
        (6, 3, 5, "fair", "below fair"),  # R:Q 1.8, %CR 33.3
        (1, 1, 1, "good", "good"),  # R:Q 2.0, %CR 50 exactly
    ],
)
def test_ratio_bands_at_and_around_the_thresholds(
    sr: int, cr: int, q: int, rq_band: str, cr_band: str
) -> None:
    result = miti_summary({}, {SIMPLE_REFLECTION: sr, COMPLEX_REFLECTION: cr, QUESTION: q})
    assert result["reflection_to_question"].band == rq_band
    assert result["percent_complex_reflections"].band == cr_band


@pytest.mark.parametrize(
    ("scores", "technical", "relational"),
    [
        ((2, 3, 3, 4), ("below fair", 2.5), ("fair", 3.5)),
        ((3, 3, 3, 3), ("fair", 3.0), ("below fair", 3.0)),
        ((4, 4, 4, 4), ("good", 4.0), ("good", 4.0)),
        ((5, None, 4, None), (None, None), (None, None)),  # a summary needs both its globals
    ],
)
def test_global_summaries_and_their_bands(
    scores: tuple[int | None, ...],
    technical: tuple[str | None, float | None],
    relational: tuple[str | None, float | None],
) -> None:
    result = miti_summary(dict(zip(GLOBALS, scores, strict=True)), {})
    assert (result["technical"].band, result["technical"].value) == technical
    assert (result["relational"].band, result["relational"].value) == relational


def test_global_summaries_follow_the_packaged_rubric() -> None:
    # One source for the thresholds: the MITI rubric file.
    bands = {s.id: s.bands for s in Rubric.miti().summaries}
    assert {k: (b.fair, b.good) for k, b in bands.items() if b is not None} == {
        "technical": (3, 4),
        "relational": (3.5, 4),
    }


def test_bad_globals_raise_a_rubric_error_naming_them() -> None:
    with pytest.raises(RubricError) as info:
        miti_summary({"empathy": 6}, {})
    assert str(info.value) == (
        "MITI global ratings: item 'empathy': score 6 is off the item's scale (1-5)"
    )
    with pytest.raises(RubricError, match=r"item 'empathie'.*did you mean 'empathy'"):
        miti_summary({"empathie": 4}, {})


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"question": 3}, "'question' is not a behaviour code"),
        ({QUESTION: -1}, "whole number >= 0, got -1"),
        ({QUESTION: 2.0}, "whole number >= 0, got 2.0"),
        ({QUESTION: True}, "whole number >= 0, got True"),
    ],
)
def test_bad_counts_raise_value_error(counts: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        miti_summary({}, counts)


def test_numpy_counts_and_scores_are_accepted() -> None:
    result = miti_summary(
        {"partnership": np.int64(4), "empathy": np.int64(5)},
        {QUESTION: np.int64(2), SIMPLE_REFLECTION: np.int64(3)},
    )
    assert result["relational"] == SummaryScore(4.5, "good")
    assert result["reflection_to_question"] == SummaryScore(1.5, "fair")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(list(GLOBALS)), st.none() | st.integers(1, 5)),
    st.dictionaries(st.sampled_from(BEHAVIOURS), st.integers(0, 10_000)),
)
def test_summary_never_fails_on_valid_input(
    globals: dict[str, int | None], counts: dict[str, int]
) -> None:
    result = miti_summary(globals, counts)
    assert list(result) == list(SUMMARY_NAMES)
    for score in result.values():
        assert (score.value is None) <= (score.band is None)
    pct = result["percent_complex_reflections"].value
    assert pct is None or 0 <= pct <= 100


# --------------------------------------------------------------------------------------------
# Counting behaviour codes in an annotations frame
# --------------------------------------------------------------------------------------------


def _annotations(*rows: tuple[str, str, str]) -> pd.DataFrame:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return annotations_frame(
        Annotation(transcript, f"turn-{i}", code, annotator, created=start + timedelta(seconds=i))
        for i, (transcript, code, annotator) in enumerate(rows)
    )


def test_counts_per_transcript_with_zeros_and_other_codes_ignored() -> None:
    frame = _annotations(
        ("t2", QUESTION, "ann"),
        ("t1", QUESTION, "ann"),
        ("t1", QUESTION, "ann"),
        ("t1", COMPLEX_REFLECTION, "ann"),
        ("t1", "attunement.validation", "ann"),  # a default-codebook code: not counted
        ("t3", "detachment.jargon", "ann"),  # no MITI code at all: not a MITI-coded session
    )
    counts = count_behaviours(frame)
    assert list(counts.columns) == ["transcript_id", "code_id", "count"]
    assert counts["transcript_id"].tolist() == ["t1"] * 10 + ["t2"] * 10
    assert counts["code_id"].tolist() == list(BEHAVIOURS) * 2
    t1 = counts[counts["transcript_id"] == "t1"]
    assert dict(zip(t1["code_id"], t1["count"], strict=True)) == {
        **dict.fromkeys(BEHAVIOURS, 0),
        QUESTION: 2,
        COMPLEX_REFLECTION: 1,
    }
    assert counts["count"].dtype == "int64"
    assert counts["transcript_id"].dtype == pd.Series(["x"], dtype="str").dtype
    assert counts.index.equals(pd.RangeIndex(20))


def test_counts_per_coder() -> None:
    frame = _annotations(
        ("t1", AFFIRM, "coder-b"),
        ("t1", AFFIRM, "coder-a"),
        ("t1", AFFIRM, "coder-a"),
    )
    counts = count_behaviours(frame, by=("transcript_id", "annotator"))
    affirm = counts[counts["code_id"] == AFFIRM]
    expected = pd.DataFrame(
        {
            "transcript_id": pd.Series(["t1", "t1"], dtype="str"),
            "annotator": pd.Series(["coder-a", "coder-b"], dtype="str"),
            "code_id": pd.Series([AFFIRM, AFFIRM], dtype="str"),
            "count": pd.Series([2, 1], dtype="int64"),
        }
    )
    pd.testing.assert_frame_equal(affirm.reset_index(drop=True), expected)


def test_counts_of_an_empty_frame() -> None:
    counts = count_behaviours(_annotations())
    assert counts.empty
    assert list(counts.columns) == ["transcript_id", "code_id", "count"]
    assert counts["count"].dtype == "int64"


def test_counts_need_the_columns() -> None:
    with pytest.raises(ValueError, match="no column 'code_id'"):
        count_behaviours(pd.DataFrame({"transcript_id": ["t1"]}))
    with pytest.raises(ValueError, match="no column 'annotator'"):
        count_behaviours(
            pd.DataFrame({"transcript_id": ["t1"], "code_id": [QUESTION]}), by=["annotator"]
        )
    with pytest.raises(ValueError, match="at least one column"):
        count_behaviours(_annotations(), by=())


def test_counts_feed_the_summary() -> None:
    frame = _annotations(
        ("t1", QUESTION, "a"),
        ("t1", SIMPLE_REFLECTION, "a"),
        ("t1", COMPLEX_REFLECTION, "a"),
        ("t1", PERSUADE, "a"),
    )
    counts = count_behaviours(frame)
    result = miti_summary(GLOBALS, dict(zip(counts["code_id"], counts["count"], strict=True)))
    assert result["reflection_to_question"] == SummaryScore(2.0, "good")
    assert result["percent_complex_reflections"] == SummaryScore(50.0, "good")
    assert result["mi_non_adherent"] == SummaryScore(1, None)


def test_miti_module_imports_no_framework() -> None:
    code = (
        "import json, sys\nimport attune_jupyter.core.miti as m\nm.miti_codebook()\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}
    forbidden = {"jupyter_server", "tornado", "ipywidgets", "anywidget", "matplotlib", "traitlets"}
    assert not loaded & forbidden
