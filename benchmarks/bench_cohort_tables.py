"""Cohort tables and the agreement report on a large synthetic cohort, against hand-written pandas.

Issue 5's target: on 1,000,000 annotations and 100,000 ratings (250 trainees x 40 sessions), the
cohort tables and the agreement report take at most 2x the time of a hand-written pandas groupby
of the same tables, run in the same script; peak memory reported.

The baselines compute the same numbers with plain merges and groupbys and nothing else: no input
checks, no zero rows for codes nobody used, no documented dtypes or order. Times are the best of
REPEATS runs; peak memory is measured with tracemalloc in separate runs (it slows the code it
watches), as the peak above what was allocated before the call.

Usage: python benchmarks/bench_cohort_tables.py [--small]
"""

from __future__ import annotations

import sys
import time

import pandas as pd
from timing import best_of, peak_mb

from attune_jupyter.agreement import agreement_report
from attune_jupyter.core import cohort as tables
from attune_jupyter.core.synthetic_cohort import SyntheticCohort, synthetic_cohort

REPEATS = 3
#: Five rubric items x 2 raters x 10,000 sessions = 100,000 ratings.
ITEMS = ["compassion", "clarity", "connectedness", "courage", "curiosity"]


def _joined(c: SyntheticCohort) -> pd.DataFrame:
    joined = c.annotations.merge(
        c.sessions[["transcript_id", "trainee", "session"]], on="transcript_id"
    ).merge(c.turns[["transcript_id", "turn_id", "role"]], on=["transcript_id", "turn_id"])
    family = {code.id: c.codebook.family_of(code.id) for code in c.codebook}
    joined["family"] = joined["code_id"].map(family)
    return joined


def baseline_code_rates(c: SyntheticCohort) -> pd.DataFrame:
    joined = _joined(c)
    counts = joined.groupby(["trainee", "session", "role", "family"]).size().rename("count")
    units = joined[["transcript_id", "annotator"]].drop_duplicates()
    sizes = c.turns.groupby(["transcript_id", "role"]).size().rename("turns").reset_index()
    denominators = (
        units.merge(sizes, on="transcript_id")
        .merge(c.sessions, on="transcript_id")
        .groupby(["trainee", "session", "role"])["turns"]
        .sum()
    )
    frame = counts.reset_index().merge(
        denominators.reset_index(), on=["trainee", "session", "role"]
    )
    frame["per_100_turns"] = 100 * frame["count"] / frame["turns"]
    return frame


def baseline_shares(c: SyntheticCohort) -> pd.DataFrame:
    joined = _joined(c)
    therapist = joined[joined["role"] == "therapist"]
    coded = (
        therapist.drop_duplicates(["transcript_id", "annotator", "family", "turn_id"])
        .groupby(["transcript_id", "annotator", "family"])
        .size()
        .rename("coded_turns")
        .reset_index()
    )
    sizes = c.turns[c.turns["role"] == "therapist"].groupby("transcript_id").size().rename("n")
    coded = coded.merge(sizes.reset_index(), on="transcript_id")
    coded["share"] = coded["coded_turns"] / coded["n"]
    return coded


def baseline_progress(c: SyntheticCohort) -> pd.DataFrame:
    scores = c.ratings.merge(c.sessions, on="transcript_id")
    means = scores.groupby(["trainee", "item_id", "session"])["score"].agg(["mean", "count"])
    means = means.reset_index()
    means["change"] = means["mean"] - means.groupby(["trainee", "item_id"])["mean"].transform(
        "first"
    )
    return means


def baseline_calibration(c: SyntheticCohort) -> pd.DataFrame:
    scored = c.ratings.dropna(subset=["score"]).copy()
    scored["score"] = scored["score"].astype("float64")
    cell = scored.groupby(["transcript_id", "item_id"])["score"]
    total, count = cell.transform("sum"), cell.transform("count")
    scored["deviation"] = scored["score"] - (total - scored["score"]) / (count - 1)
    return (
        scored[count > 1].groupby(["rater", "item_id"])["deviation"].agg(["count", "mean", "std"])
    )


def baseline_item_scores(c: SyntheticCohort) -> pd.DataFrame:
    return c.ratings.merge(c.sessions, on="transcript_id")


def ours_tables(c: SyntheticCohort) -> None:
    tables.code_rates(c.annotations, c.turns, c.sessions, c.codebook)
    tables.therapist_turn_shares(c.annotations, c.turns, c.sessions, c.codebook)
    tables.item_scores(c.ratings, c.sessions)
    tables.progress(c.ratings, c.sessions)
    tables.calibration(c.ratings)


def baseline_tables(c: SyntheticCohort) -> None:
    baseline_code_rates(c)
    baseline_shares(c)
    baseline_item_scores(c)
    baseline_progress(c)
    baseline_calibration(c)


def ours_report(c: SyntheticCohort) -> pd.DataFrame:
    return agreement_report(
        c.annotations,
        c.turns,
        c.ratings,
        codebook=c.codebook,
        rubric=c.rubric,
        roles=("therapist",),
    )


def baseline_report(c: SyntheticCohort) -> tuple[pd.Series, pd.Series]:
    """The report's numbers in vectorised pandas, for the cohort's design (two coders per
    session, rotating): per code, binary Krippendorff's alpha over therapist turns from the
    counts of turns both, one or neither coder marked; per item, the one-way ICC(1,1) over
    sessions from a groupby analysis of variance."""
    marks = c.annotations[["transcript_id", "turn_id", "annotator", "code_id"]].drop_duplicates()
    coders = marks[["transcript_id", "annotator"]].drop_duplicates()
    coders = coders.assign(bit=2 ** coders.groupby("transcript_id").cumcount())
    marks = marks.merge(coders, on=["transcript_id", "annotator"])
    therapist = c.turns.loc[c.turns["role"] == "therapist", ["transcript_id", "turn_id"]]
    marks = marks.merge(therapist, on=["transcript_id", "turn_id"])
    pattern = marks.groupby(["code_id", "transcript_id", "turn_id"])["bit"].sum()
    per_code = pattern.groupby(level="code_id").value_counts().unstack(fill_value=0)
    units = len(therapist.merge(coders[["transcript_id"]].drop_duplicates()))
    both = per_code.get(3, 0)
    one = per_code.get(1, 0) + per_code.get(2, 0)
    ones = 2 * both + one
    zeros = 2 * units - ones
    alpha = 1 - (2 * units - 1) * one / (ones * zeros)

    scores = c.ratings.dropna(subset=["score"]).astype({"score": "float64"})
    per_target = scores.groupby(["item_id", "transcript_id"])["score"]
    k = per_target.transform("count")
    scores = scores.loc[k == 2]
    per_target = scores.groupby(["item_id", "transcript_id"])["score"]
    target_mean = per_target.transform("mean")
    item_mean = scores.groupby("item_id")["score"].transform("mean")
    between = ((target_mean - item_mean) ** 2).groupby(scores["item_id"]).sum()
    within = ((scores["score"] - target_mean) ** 2).groupby(scores["item_id"]).sum()
    n = scores.groupby("item_id")["transcript_id"].nunique()
    msb = between / (n - 1)
    msw = within / n
    icc1 = (msb - msw) / (msb + msw)
    return alpha, icc1


def main(small: bool = False) -> None:
    size = dict(trainees=25, sessions=8) if small else dict(trainees=250, sessions=40)
    started = time.perf_counter()
    cohort = synthetic_cohort(**size, turns_per_session=170, items=ITEMS, seed=11)
    print(
        f"synthetic cohort: {len(cohort.sessions):,} sessions, {len(cohort.turns):,} turns, "
        f"{len(cohort.annotations):,} annotations, {len(cohort.ratings):,} ratings "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    rows = []
    for name, ours, baseline in (
        (
            "code rates",
            lambda: tables.code_rates(*_args(cohort)),
            lambda: baseline_code_rates(cohort),
        ),
        (
            "therapist-turn shares",
            lambda: tables.therapist_turn_shares(*_args(cohort)),
            lambda: baseline_shares(cohort),
        ),
        (
            "item scores",
            lambda: tables.item_scores(cohort.ratings, cohort.sessions),
            lambda: baseline_item_scores(cohort),
        ),
        (
            "progress",
            lambda: tables.progress(cohort.ratings, cohort.sessions),
            lambda: baseline_progress(cohort),
        ),
        (
            "calibration",
            lambda: tables.calibration(cohort.ratings),
            lambda: baseline_calibration(cohort),
        ),
        ("all cohort tables", lambda: ours_tables(cohort), lambda: baseline_tables(cohort)),
        ("agreement report", lambda: ours_report(cohort), lambda: baseline_report(cohort)),
    ):
        base_time = best_of(REPEATS, baseline)
        our_time = best_of(REPEATS, ours)
        rows.append((name, base_time, our_time, peak_mb(baseline), peak_mb(ours)))
    print(f"{'table':<24}{'baseline':>11}{'ours':>11}{'ratio':>8}{'peak MB base':>14}{'ours':>8}")
    for name, base_time, our_time, base_mb, our_mb in rows:
        print(
            f"{name:<24}{base_time:>10.3f}s{our_time:>10.3f}s{our_time / base_time:>7.2f}x"
            f"{base_mb:>14.0f}{our_mb:>8.0f}"
        )


def _args(c: SyntheticCohort) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, object]:
    return c.annotations, c.turns, c.sessions, c.codebook


if __name__ == "__main__":
    main(small="--small" in sys.argv)
