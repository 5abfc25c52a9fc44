"""Agreement statistics (attune_jupyter.agreement): published values, oracles, and bad input.

Every value in ../shared/reference/reliability.md is reproduced here to its printed precision.
The values the reference says to compute from the definitions are pinned twice: against the
figures the publications print (Krippendorff 2011; Shrout and Fleiss 1979, Table 4) and against
independent implementations (the GPL-3 `krippendorff` and `pingouin` packages, used here as test
oracles only; statsmodels and scikit-learn).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats import inter_rater

from attune_jupyter.agreement import (
    ICC_FORMS,
    cohens_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
    landis_koch_band,
)
from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.store.base import annotations_frame, ratings_frame

NA = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", worked examples A, B, C.
EXAMPLE_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
EXAMPLE_B = [list("aabbdcccedda"), list("babbbccceddd")]
EXAMPLE_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]
# The values Krippendorff (2011) prints for example C at each level.
EXAMPLE_C_ALPHAS = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}

# Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# SAS/STAT: rater 1 in rows, rater 2 in columns.
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]

# Shrout and Fleiss (1979), Table 2: 6 targets x 4 judges; Table 4 prints the six ICCs.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
SHROUT_FLEISS_TABLE_4 = [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]


def _long(matrix: Any) -> pd.DataFrame:
    """A wide targets x raters table as a long frame like the store's ratings."""
    rows = [
        {"transcript_id": f"s{i + 1}", "rater": f"judge-{j + 1}", "score": value}
        for i, row in enumerate(matrix)
        for j, value in enumerate(row)
    ]
    return pd.DataFrame(rows).astype({"transcript_id": "str", "rater": "str"})


def _pingouin(frame: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        # pingouin calls a pandas API that pandas 3.1 deprecates; not ours to fix.
        warnings.simplefilter("ignore")
        return pingouin.intraclass_corr(frame, "transcript_id", "rater", "score")


@pytest.fixture
def full_precision_pingouin() -> Iterator[None]:
    """pingouin rounds its intervals to 2 decimals unless told otherwise."""
    saved = pingouin.options.get("round.column.CI95")
    pingouin.options["round.column.CI95"] = None
    yield
    pingouin.options["round.column.CI95"] = saved


# --------------------------------------------------------------------------------------------
# Published values
# --------------------------------------------------------------------------------------------


def test_krippendorff_example_a_binary() -> None:
    result = krippendorff_alpha(EXAMPLE_A)
    assert round(result.alpha, 3) == 0.095
    assert (result.n_units, result.n_coders, result.n_values) == (10, 2, 20)


def test_krippendorff_example_b_nominal_labels() -> None:
    assert round(krippendorff_alpha(EXAMPLE_B, "nominal").alpha, 3) == 0.692


@pytest.mark.parametrize("level", list(EXAMPLE_C_ALPHAS))
def test_krippendorff_example_c_every_level(level: str) -> None:
    result = krippendorff_alpha(EXAMPLE_C, level)  # type: ignore[arg-type]
    assert round(result.alpha, 3) == EXAMPLE_C_ALPHAS[level]
    oracle = krippendorff.alpha(EXAMPLE_C, level_of_measurement=level)
    assert result.alpha == pytest.approx(oracle, abs=1e-12)
    # Unit 11 has one value only, so it is not pairable; all four coders have pairable values.
    assert (result.n_units, result.n_coders, result.n_values) == (11, 4, 40)


def test_krippendorff_example_c_as_ordered_labels() -> None:
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    labels = [[None if math.isnan(v) else names[int(v)] for v in row] for row in EXAMPLE_C]
    domain = list(names.values())
    assert round(krippendorff_alpha(labels, "ordinal", value_domain=domain).alpha, 3) == 0.815
    assert round(krippendorff_alpha(labels, "nominal").alpha, 3) == 0.743


def test_krippendorff_example_c_as_a_frame_with_nullable_integers() -> None:
    frame = pd.DataFrame(EXAMPLE_C, index=["c1", "c2", "c3", "c4"]).astype("Int64")
    assert round(krippendorff_alpha(frame, "interval").alpha, 3) == 0.849


def test_fleiss_kappa_wikipedia_example() -> None:
    result = fleiss_kappa(FLEISS_TABLE)
    assert round(result.kappa, 3) == 0.210
    assert (result.n_subjects, result.n_raters, result.n_categories) == (10, 14, 5)
    # Wikipedia's intermediate values: P-bar = 0.378, P-bar-e = 0.213.
    assert round(result.observed_agreement, 3) == 0.378
    assert round(result.expected_agreement, 3) == 0.213


def test_cohens_kappa_sas_example_from_the_table() -> None:
    result = cohens_kappa(SAS_TABLE)
    assert round(result.kappa, 4) == 0.4842
    assert round(result.se, 4) == 0.1380
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (0.2137, 0.7547)
    assert result.n == 19


def test_cohens_kappa_sas_example_from_labels() -> None:
    table = np.array(SAS_TABLE)
    first = [i for i in range(3) for j in range(3) for _ in range(table[i, j])]
    second = [j for i in range(3) for j in range(3) for _ in range(table[i, j])]
    names = ["low", "mid", "high"]
    result = cohens_kappa([names[i] for i in first], [names[j] for j in second], categories=names)
    assert (round(result.kappa, 4), round(result.se, 4)) == (0.4842, 0.1380)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (0.2137, 0.7547)


def test_shrout_fleiss_table_4() -> None:
    table = icc(SHROUT_FLEISS)
    assert table["form"].tolist() == list(ICC_FORMS)
    assert [round(v, 2) for v in table["icc"]] == SHROUT_FLEISS_TABLE_4


@pytest.mark.usefixtures("full_precision_pingouin")
def test_shrout_fleiss_against_pingouin_every_column() -> None:
    ours = icc(_long(SHROUT_FLEISS), targets="transcript_id", raters="rater", ratings="score")
    oracle = _pingouin(_long(SHROUT_FLEISS))
    _assert_same_as_pingouin(ours, oracle)
    assert ours["n_targets"].tolist() == [6] * 6
    assert ours["n_raters"].tolist() == [4] * 6
    assert ours["description"].iloc[4] == (
        "two-way random effects, absolute agreement, mean of 4 raters"
    )


def _assert_same_as_pingouin(ours: pd.DataFrame, oracle: pd.DataFrame) -> None:
    np.testing.assert_allclose(ours["icc"], oracle["ICC"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours["f"], oracle["F"], rtol=1e-10)
    np.testing.assert_allclose(ours["p_value"], oracle["pval"], rtol=1e-8, atol=1e-300)
    assert ours["df1"].tolist() == [int(v) for v in np.broadcast_to(oracle["df1"], 6)]
    assert ours["df2"].tolist() == [int(v) for v in oracle["df2"]]
    bounds = np.vstack(oracle["CI95"].to_numpy())
    np.testing.assert_allclose(ours["ci_low"], bounds[:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["ci_high"], bounds[:, 1], rtol=0, atol=1e-9)


# --------------------------------------------------------------------------------------------
# Oracles on random data
# --------------------------------------------------------------------------------------------


def _agreeing_labels(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    truth = rng.integers(0, k, n)
    first = np.where(rng.random(n) < 0.7, truth, rng.integers(0, k, n))
    second = np.where(rng.random(n) < 0.6, truth, rng.integers(0, k, n))
    return first, second


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohens_kappa_matches_statsmodels_and_sklearn(seed: int, weights: Any) -> None:
    rng = np.random.default_rng(seed)
    first, second = _agreeing_labels(rng, 200, 5)
    result = cohens_kappa(first, second, weights=weights, categories=range(5))
    assert result.kappa == pytest.approx(
        cohen_kappa_score(first, second, weights=weights, labels=list(range(5))), abs=1e-12
    )
    table = np.zeros((5, 5))
    np.add.at(table, (first, second), 1)
    oracle = inter_rater.cohens_kappa(table, wt=weights)
    assert result.kappa == pytest.approx(oracle.kappa, abs=1e-12)
    assert result.se == pytest.approx(oracle.std_kappa, rel=1e-12)
    assert result.se_null == pytest.approx(oracle.std_kappa0, rel=1e-12)
    assert result.ci_low == pytest.approx(oracle.kappa_low, rel=1e-12)
    assert result.ci_high == pytest.approx(oracle.kappa_upp, rel=1e-12)
    assert result.p_value == pytest.approx(oracle.pvalue_two_sided, rel=1e-9)


def test_weighted_kappa_of_the_sas_table() -> None:
    # SAS reports for this table the weighted kappa (Cicchetti-Allison weights) 0.4701, ASE
    # 0.1457.
    result = cohens_kappa(SAS_TABLE, weights="linear")
    assert (round(result.kappa, 4), round(result.se, 4)) == (0.4701, 0.1457)


def test_a_wider_interval_for_a_higher_confidence_level() -> None:
    at_95 = cohens_kappa(SAS_TABLE)
    at_99 = cohens_kappa(SAS_TABLE, alpha=0.01)
    assert at_99.ci_low < at_95.ci_low and at_99.ci_high > at_95.ci_high
    assert at_99.ci_high - at_99.kappa == pytest.approx(2.5758293 * at_99.se, rel=1e-7)


def _random_reliability(
    rng: np.random.Generator, coders: int, units: int, values: int, missing: float
) -> np.ndarray:
    truth = rng.integers(1, values + 1, units)
    data = np.tile(truth, (coders, 1)).astype(float)
    off = rng.random(data.shape) < 0.35
    data[off] = rng.integers(1, values + 1, int(off.sum()))
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_the_krippendorff_package(seed: int, level: Any) -> None:
    rng = np.random.default_rng(seed)
    data = _random_reliability(rng, coders=2 + seed, units=300, values=7, missing=0.3)
    ours = krippendorff_alpha(data, level).alpha
    assert ours == pytest.approx(krippendorff.alpha(data, level_of_measurement=level), abs=1e-10)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_with_unused_values_in_the_domain(level: Any) -> None:
    rng = np.random.default_rng(7)
    data = _random_reliability(rng, coders=3, units=100, values=4, missing=0.2)
    domain = [1, 2, 3, 4, 5, 6]
    ours = krippendorff_alpha(data, level, value_domain=domain).alpha
    oracle = krippendorff.alpha(data, level_of_measurement=level, value_domain=domain)
    assert ours == pytest.approx(oracle, abs=1e-10)


def _alpha_from_the_definition(data: np.ndarray, level: str) -> float:
    """Krippendorff's alpha by its pairwise definition, one unit at a time (slow, plain)."""
    units = [col[~np.isnan(col)] for col in data.T]
    units = [u for u in units if len(u) >= 2]
    pooled = np.concatenate(units)
    values, counts = np.unique(pooled, return_counts=True)
    midrank = dict(zip(values, np.cumsum(counts) - counts / 2, strict=True))

    def delta(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if level == "interval":
            return (x - y) ** 2
        if level == "ordinal":
            rx, ry = np.vectorize(midrank.get)(x), np.vectorize(midrank.get)(y)
            return (rx - ry) ** 2
        total = x + y
        return np.where(total == 0, 0.0, (x - y) / np.where(total == 0, 1, total)) ** 2

    n = len(pooled)
    observed = sum(delta(u[:, None], u[None, :]).sum() / (len(u) - 1) for u in units) / n
    expected = delta(pooled[:, None], pooled[None, :]).sum() / (n * (n - 1))
    return float(1 - observed / expected)


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_alpha_with_thousands_of_distinct_values(level: str) -> None:
    # Continuous measurements: more distinct values than the dense path takes.
    rng = np.random.default_rng(3)
    truth = rng.gamma(4.0, 2.0, 1200)
    data = truth + rng.normal(0.0, 1.0, (3, 1200))
    data = np.abs(data)
    data[rng.random(data.shape) < 0.2] = np.nan
    assert len(np.unique(data[~np.isnan(data)])) > 2048
    ours = krippendorff_alpha(data, level).alpha  # type: ignore[arg-type]
    assert ours == pytest.approx(_alpha_from_the_definition(data, level), abs=1e-9)


def test_alpha_of_string_labels_with_missing_values_matches_the_package() -> None:
    rng = np.random.default_rng(11)
    data = _random_reliability(rng, coders=4, units=200, values=4, missing=0.25)
    labels = np.where(
        np.isnan(data),
        None,
        np.array(["w", "x", "y", "z", "?"])[np.nan_to_num(data, nan=5).astype(int) - 1],
    ).astype(object)
    ours = krippendorff_alpha(labels).alpha
    assert ours == pytest.approx(krippendorff.alpha(data, level_of_measurement="nominal"))
    # A NumPy string array cannot hold NaN: its "nan" cells are missing values.
    as_text = np.where(np.isnan(data), np.nan, data).astype(str)
    assert krippendorff_alpha(as_text).alpha == pytest.approx(ours)


def _random_ratings(rng: np.random.Generator, targets: int, raters: int) -> np.ndarray:
    quality = rng.normal(0, 1.0, targets)[:, None]
    severity = rng.normal(0, 0.5, raters)[None, :]
    return np.round(3 + quality + severity + rng.normal(0, 0.7, (targets, raters)))


@pytest.mark.usefixtures("full_precision_pingouin")
@pytest.mark.parametrize(("seed", "targets", "raters"), [(0, 20, 2), (1, 30, 3), (2, 8, 5)])
def test_icc_matches_pingouin_on_random_ratings(seed: int, targets: int, raters: int) -> None:
    matrix = _random_ratings(np.random.default_rng(seed), targets, raters)
    ours = icc(_long(matrix), targets="transcript_id", raters="rater", ratings="score")
    _assert_same_as_pingouin(ours, _pingouin(_long(matrix)))


def test_icc_of_a_wide_frame_equals_that_of_the_long_one() -> None:
    wide = pd.DataFrame(SHROUT_FLEISS, columns=["a", "b", "c", "d"])
    long = _long(SHROUT_FLEISS)
    assert_frame_equal(
        icc(wide), icc(long, targets="transcript_id", raters="rater", ratings="score")
    )


def test_icc_intervals_follow_alpha() -> None:
    at_90 = icc(SHROUT_FLEISS, alpha=0.10)
    at_95 = icc(SHROUT_FLEISS)
    assert (at_90["ci_low"] > at_95["ci_low"]).all()
    assert (at_90["ci_high"] < at_95["ci_high"]).all()


def test_icc_result_dtypes() -> None:
    table = icc(SHROUT_FLEISS)
    assert_series_equal(
        table.dtypes,
        pd.Series(
            {
                "form": "str",
                "description": "str",
                "icc": "float64",
                "f": "float64",
                "df1": "int64",
                "df2": "int64",
                "p_value": "float64",
                "ci_low": "float64",
                "ci_high": "float64",
                "n_targets": "int64",
                "n_raters": "int64",
            }
        ).map(pd.api.types.pandas_dtype),
    )


# --------------------------------------------------------------------------------------------
# Edge cases the literature leaves undefined
# --------------------------------------------------------------------------------------------


def test_kappa_is_nan_without_a_warning_when_both_coders_used_one_category() -> None:
    result = cohens_kappa(["yes"] * 5, ["yes"] * 5)
    assert math.isnan(result.kappa) and math.isnan(result.ci_low)
    assert result.n == 5 and result.expected_agreement == 1.0


def test_perfect_agreement_gives_kappa_1_with_a_zero_width_interval() -> None:
    result = cohens_kappa([1, 2, 3, 1], [1, 2, 3, 1])
    assert result.kappa == 1.0
    assert result.ci_low == pytest.approx(1.0) and result.ci_high == pytest.approx(1.0)


def test_a_kappa_interval_is_clipped_to_minus_1_to_1() -> None:
    # 18 agreed "1"s, one agreed "0", one disagreement: kappa 0.643, Wald interval 0.006 to
    # 1.280 before clipping.
    result = cohens_kappa([1] * 18 + [0, 0], [1] * 18 + [0, 1])
    oracle = inter_rater.cohens_kappa(np.array([[1, 1], [0, 18]]))
    assert result.kappa == pytest.approx(0.6428571, abs=1e-7)
    assert result.ci_low == pytest.approx(oracle.kappa_low, rel=1e-12)
    assert oracle.kappa_upp > 1.2 and result.ci_high == 1.0
    # Far below agreement, the interval stops at -1.
    worst = cohens_kappa([0, 1] * 3, [1, 0] * 3, alpha=0.001)
    assert worst.kappa == -1.0 and worst.ci_low == -1.0


def test_kappa_of_a_coder_who_used_one_category_has_a_zero_standard_error() -> None:
    # kappa is 0 whatever the other coder did, and the Fleiss-Cohen-Everitt variance is exactly
    # 0, as statsmodels (and SAS, same formula) report: the interval has no width. The test of
    # "no agreement beyond chance" is undefined (0 / 0), not a p-value of 1.
    result = cohens_kappa([True, False, True], [True, True, True])
    with warnings.catch_warnings():
        # statsmodels takes the square root of a variance of -3e-16 (rounding noise around 0).
        warnings.simplefilter("ignore", RuntimeWarning)
        oracle = inter_rater.cohens_kappa(np.array([[0, 1], [0, 2]]))
    assert result.kappa == 0.0 and oracle.kappa == 0.0
    assert result.se == 0.0 and oracle.var_kappa == pytest.approx(0.0, abs=1e-12)
    assert (result.ci_low, result.ci_high) == (0.0, 0.0)
    assert result.se_null == 0.0
    assert math.isnan(result.z) and math.isnan(result.p_value)


def test_kappa_of_labels_with_missing_values_omitted() -> None:
    result = cohens_kappa(["a", "b", None, "a"], ["a", "b", "b", np.nan], nan_policy="omit")
    assert result.n == 2 and result.kappa == 1.0


def test_kappa_of_two_frame_columns_with_nullable_dtypes() -> None:
    frame = pd.DataFrame(
        {
            "sam": ["warm", "cold", None, "warm", "cold"],
            "kim": ["warm", "cold", "cold", None, "warm"],
            "sam_score": [3, 1, None, 3, 1],
            "kim_score": [3, 1, 1, None, 3],
        },
        index=[10, 11, 12, 13, 14],
    ).astype({"sam": "str", "kim": "str", "sam_score": "Int64", "kim_score": "Int64"})
    labels = cohens_kappa(frame["sam"], frame["kim"], nan_policy="omit")
    scores = cohens_kappa(frame["sam_score"], frame["kim_score"], nan_policy="omit")
    # Kept: units 10, 11 and 14 (12 and 13 have a missing label).
    by_hand = cohens_kappa(["warm", "cold", "cold"], ["warm", "cold", "warm"])
    assert labels.n == scores.n == 3
    assert labels.kappa == pytest.approx(by_hand.kappa) == scores.kappa
    with pytest.raises(ValueError, match=r"a\[2\] is missing"):
        cohens_kappa(frame["sam"], frame["kim"])


def test_alpha_is_nan_when_no_unit_has_two_values() -> None:
    result = krippendorff_alpha([[1, NA, 2], [NA, 3, NA]])
    assert math.isnan(result.alpha) and result.n_units == 0


def test_alpha_is_nan_when_every_pairable_value_is_the_same() -> None:
    # No variation: expected disagreement is 0 and alpha undefined (Krippendorff 2011).
    result = krippendorff_alpha([[2, 2, 2, 5], [2, 2, 2, NA]], "interval")
    assert math.isnan(result.alpha)
    assert result.expected_disagreement == 0.0 and result.n_units == 3


def test_fleiss_kappa_is_nan_when_every_rating_is_one_category() -> None:
    assert math.isnan(fleiss_kappa([[3, 0], [3, 0]]).kappa)


def test_icc_of_raters_in_perfect_agreement() -> None:
    table = icc([[1, 1], [2, 2], [4, 4]])
    assert table["icc"].tolist() == [1.0] * 6
    assert table["ci_low"].tolist() == [1.0] * 6 and table["ci_high"].tolist() == [1.0] * 6


def test_an_undefined_icc_has_no_interval_rather_than_minus_infinity() -> None:
    # Every target got the same scores (1 then 2): no variation between targets, so the mean
    # square between them is 0 and ICC(1,k), ICC(3,1), ICC(3,k) are 0 / 0.
    table = icc([[1, 2], [1, 2], [1, 2]]).set_index("form")
    for form in ("ICC(1,k)", "ICC(3,1)", "ICC(3,k)"):
        assert math.isnan(table.loc[form, "icc"])
        assert math.isnan(table.loc[form, "ci_low"]) and math.isnan(table.loc[form, "ci_high"])
    bounds = table[["ci_low", "ci_high"]].to_numpy()
    assert not np.isinf(bounds).any()
    assert (bounds[~np.isnan(bounds)] <= 1).all()


def test_icc_omits_incomplete_targets() -> None:
    frame = _long(SHROUT_FLEISS)
    extra = pd.DataFrame(
        {"transcript_id": ["s7", "s7"], "rater": ["judge-1", "judge-2"], "score": [3.0, 4.0]}
    )
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.loc[frame["transcript_id"].eq("s2") & frame["rater"].eq("judge-3"), "score"] = NA
    table = icc(frame, targets="transcript_id", raters="rater", ratings="score", nan_policy="omit")
    complete = frame.loc[~frame["transcript_id"].isin(["s2", "s7"])]
    expected = icc(complete, targets="transcript_id", raters="rater", ratings="score")
    assert_frame_equal(table, expected)
    assert table["n_targets"].iloc[0] == 5


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.3, "poor"),
        (-1e-9, "poor"),
        (0.0, "slight"),
        (0.2, "slight"),
        (0.2001, "fair"),
        (0.4, "fair"),
        (0.41, "moderate"),
        (0.6, "moderate"),
        (0.61, "substantial"),
        (0.8, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(value: float, band: str) -> None:
    assert landis_koch_band(value) == band


def test_landis_koch_band_of_nan_and_of_a_series() -> None:
    assert landis_koch_band(math.nan) is None
    bands = landis_koch_band(pd.Series([0.5, NA, 0.9], index=[3, 4, 5]))
    assert_series_equal(
        bands, pd.Series(["moderate", pd.NA, "almost perfect"], index=[3, 4, 5], dtype="str")
    )


# --------------------------------------------------------------------------------------------
# Bad input: the message names the field, row or cell, and what to do
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cohens_kappa([1, 2, 3], [1, 2]), "a has 3 labels and b has 2"),
        (lambda: cohens_kappa([1, None, 3], [1, 2, 3]), r"a\[1\] is missing.*nan_policy='omit'"),
        (lambda: cohens_kappa([1, 2, 3], [1, 2, np.nan]), r"b\[2\] is missing"),
        (lambda: cohens_kappa([1, 2, 7], [1, 2, 3], categories=[1, 2, 3]), "label 7 is not one"),
        (
            lambda: cohens_kappa(["lo", "hi"], ["hi", "hi"], weights="linear"),
            r"no order; pass categories=\[...\]",
        ),
        (lambda: cohens_kappa([1, 2], [1, 2], weights="cubic"), "weights must be None"),
        (lambda: cohens_kappa([1, 2, 3]), "square agreement table as a"),
        (lambda: cohens_kappa([[1, 2, 3], [4, 5, 6]]), r"must be square.*got 2 x 3"),
        (lambda: cohens_kappa([[1, -2], [3, 4]]), r"row 0, column 1 holds -2"),
        (lambda: cohens_kappa([[1, 2.5], [3, 4]]), r"row 0, column 1 holds 2.5"),
        (lambda: cohens_kappa([[0, 0], [0, 0]]), "table is empty"),
        (lambda: cohens_kappa([1], [1], alpha=5), "alpha must be a number between 0 and 1"),
        (lambda: cohens_kappa([1], [1], nan_policy="drop"), "nan_policy must be"),
        (lambda: fleiss_kappa([[2, 1], [1, 1], [3, 0]]), r"row 1 has 2 ratings but most rows"),
        (lambda: fleiss_kappa([[1, 0], [0, 1]]), "at least 2 raters per subject"),
        (lambda: fleiss_kappa([[1, 1], [2, -0.5]]), r"row 1, column 1 holds -0.5"),
        (lambda: fleiss_kappa([[1, 1], [1, NA]]), r"row 1, column 1 holds nan"),
        (lambda: fleiss_kappa([1, 2, 3]), "two-dimensional"),
        (lambda: krippendorff_alpha([[1, 2, 3]]), r"1 coder\(s\) \(rows\)"),
        (lambda: krippendorff_alpha([1, 2, 3]), "coders x units"),
        (lambda: krippendorff_alpha(EXAMPLE_C, "fuzzy"), "level must be"),  # type: ignore[arg-type]
        (
            lambda: krippendorff_alpha(EXAMPLE_B, "interval"),
            r"interval data must be numbers; found labels such as 'a' \(coder 0, unit 0\)",
        ),
        (lambda: krippendorff_alpha(EXAMPLE_B, "ordinal"), "ordinal labels need their order"),
        (
            lambda: krippendorff_alpha([[1, 2], [1, "x"]], "interval"),
            r"found labels such as 'x' \(coder 1, unit 1\)",
        ),
        (
            lambda: krippendorff_alpha(EXAMPLE_C, value_domain=[1, 2, 3, 4]),
            r"5 \(coder 1, unit 9\) is not in value_domain",
        ),
        (
            lambda: krippendorff_alpha([[1, -2], [1, 2]], "ratio"),
            r"cannot be negative, got -2 \(coder 0, unit 1\); use level='interval'",
        ),
        (
            lambda: icc(_long(SHROUT_FLEISS), targets="transcript_id", raters="rater"),
            "give all of targets, raters and ratings",
        ),
        (
            lambda: icc(_long(SHROUT_FLEISS), targets="session", raters="rater", ratings="score"),
            r"targets='session' is not a column",
        ),
        (lambda: icc([[1, 2]]), r"1 target\(s\).*at least 2"),
        (lambda: icc([[1], [2]]), r"1 rater\(s\)"),
        (lambda: icc([[1, 2], [3, "high"]]), r"rater \(column\) 1: row 1 holds 'high'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_fleiss_kappa_names_the_subject_by_its_label() -> None:
    table = pd.DataFrame([[2, 1], [1, 1], [3, 0]], index=["intake", "week-2", "week-3"])
    with pytest.raises(ValueError, match=r"row 1 \('week-2'\) has 2 ratings"):
        fleiss_kappa(table)


def test_krippendorff_alpha_names_coder_and_unit_by_their_labels() -> None:
    frame = pd.DataFrame([[1, 2], [1, 9]], index=["sam", "kim"], columns=["t1", "t2"])
    with pytest.raises(ValueError, match=r"9 \(coder 'kim', unit 't2'\) is not in value_domain"):
        krippendorff_alpha(frame, value_domain=[1, 2, 3])


def test_icc_names_the_target_and_rater_of_a_missing_rating() -> None:
    frame = _long(SHROUT_FLEISS)
    frame = frame.loc[~(frame["transcript_id"].eq("s4") & frame["rater"].eq("judge-2"))]
    with pytest.raises(
        ValueError, match=r"target 's4' has no rating by rater 'judge-2'.*nan_policy='omit'"
    ):
        icc(frame, targets="transcript_id", raters="rater", ratings="score")


def test_icc_names_a_target_rated_twice_by_one_rater() -> None:
    frame = _long(SHROUT_FLEISS)
    frame = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"target 's2' has two ratings by rater 'judge-2'"):
        icc(frame, targets="transcript_id", raters="rater", ratings="score")


def test_icc_with_too_few_complete_targets_says_how_many_were_left_out() -> None:
    frame = _long([[1, 2], [3, NA], [NA, 4]])
    with pytest.raises(ValueError, match=r"1 target\(s\).*after leaving out 2 incomplete"):
        icc(frame, targets="transcript_id", raters="rater", ratings="score", nan_policy="omit")


def test_landis_koch_refuses_a_value_above_1() -> None:
    with pytest.raises(ValueError, match="at most 1"):
        landis_koch_band(1.2)


# --------------------------------------------------------------------------------------------
# Long frames: the store's ratings and annotations
# --------------------------------------------------------------------------------------------

T0 = pd.Timestamp("2026-03-02 10:00", tz="UTC").to_pydatetime()

# Three raters score compassion and clarity on six sessions (sessions x raters); kim left
# clarity unrated on s6.
COMPASSION = [[2, 3, 2], [4, 4, 5], [5, 4, 5], [1, 2, 1], [3, 3, 4], [4, 5, 4]]
CLARITY = [[3, 3, 2], [4, 2, 4], [4, 5, 5], [2, 1, 2], [5, 5, 4], [3, NA, 3]]
RATERS = ["kim", "lee", "sam"]


def _store_ratings() -> pd.DataFrame:
    return ratings_frame(
        [
            SessionRating(
                transcript_id=f"s{i + 1}",
                rubric_id="attune-default",
                rubric_version=1,
                rater=rater,
                items=(
                    ItemRating("compassion", COMPASSION[i][j]),
                    ItemRating(
                        "clarity", None if math.isnan(CLARITY[i][j]) else int(CLARITY[i][j])
                    ),
                ),
                updated=T0,
            )
            for i in range(6)
            for j, rater in enumerate(RATERS)
        ]
    )


def _item(ratings: pd.DataFrame, item: str) -> pd.DataFrame:
    return ratings.loc[ratings["item_id"] == item]


LONG = {"units": "transcript_id", "coders": "rater", "values": "score"}


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_of_the_store_ratings_frame(level: Any) -> None:
    ratings = _store_ratings()
    for item, wide in (("compassion", COMPASSION), ("clarity", CLARITY)):
        ours = krippendorff_alpha(_item(ratings, item), level, **LONG)
        coders_by_units = np.array(wide, dtype=float).T
        assert ours == krippendorff_alpha(coders_by_units, level)
        assert ours.alpha == pytest.approx(
            krippendorff.alpha(coders_by_units, level_of_measurement=level), abs=1e-12
        )
        assert ours.n_coders == 3


def test_weighted_kappa_of_two_raters_in_the_store_ratings_frame() -> None:
    ratings = _store_ratings()
    two = _item(ratings, "compassion").loc[lambda f: f["rater"].isin(["kim", "sam"])]
    ours = cohens_kappa(two, weights="quadratic", categories=[1, 2, 3, 4, 5], **LONG)
    by_hand = cohens_kappa(
        [row[0] for row in COMPASSION],
        [row[2] for row in COMPASSION],
        weights="quadratic",
        categories=[1, 2, 3, 4, 5],
    )
    assert ours == by_hand
    assert ours.kappa == pytest.approx(
        cohen_kappa_score(
            [row[0] for row in COMPASSION],
            [row[2] for row in COMPASSION],
            weights="quadratic",
            labels=[1, 2, 3, 4, 5],
        )
    )
    # lee has no clarity score for s6: refused by default, left out on request.
    pair = _item(ratings, "clarity").loc[lambda f: f["rater"].isin(["kim", "lee"])]
    with pytest.raises(
        ValueError, match=r"unit 's6' has no value from coder 'lee'; pass nan_policy='omit'"
    ):
        cohens_kappa(pair, **LONG)
    omitted = cohens_kappa(pair, nan_policy="omit", **LONG)
    assert omitted.n == 5
    assert omitted.kappa == pytest.approx(
        cohens_kappa([r[0] for r in CLARITY[:5]], [r[1] for r in CLARITY[:5]]).kappa
    )
    # Labels keep their type: the store's scores are whole numbers.
    assert omitted.categories == (1, 2, 3, 4, 5)


def test_fleiss_kappa_of_the_store_ratings_frame() -> None:
    ratings = _item(_store_ratings(), "compassion")
    ours = fleiss_kappa(ratings, **LONG)
    counts, _ = inter_rater.aggregate_raters(np.array(COMPASSION))
    assert ours == fleiss_kappa(counts)
    assert ours.kappa == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-12)
    assert (ours.n_subjects, ours.n_raters, ours.n_categories) == (6, 3, 5)
    # s6 has two clarity scores, the others three: the message names the session.
    with pytest.raises(ValueError, match=r"row 5 \('s6'\) has 2 ratings but most rows have 3"):
        fleiss_kappa(_item(_store_ratings(), "clarity"), **LONG)


def _annotation(turn: str, code: str, who: str, transcript: str = "s1") -> Annotation:
    return Annotation(transcript, turn, code, who, created=T0)


# Each supervisor's one code per turn: the family of the moment.
FAMILIES = {
    "ana": ["attunement", "attunement", "rigidity", "detachment", "attunement", "rigidity"],
    "ben": ["attunement", "rigidity", "rigidity", "detachment", "attunement", "attunement"],
}


def _family_annotations() -> pd.DataFrame:
    frame = annotations_frame(
        [
            _annotation(f"u{t + 1}", f"{family}.example", who, f"s{t % 2 + 1}")
            for who, families in FAMILIES.items()
            for t, family in enumerate(families)
        ]
    )
    frame["family"] = frame["code_id"].str.split(".").str[0]
    return frame


def test_kappa_and_alpha_of_an_annotations_derived_frame() -> None:
    frame = _family_annotations()
    keys = {"units": ["transcript_id", "turn_id"], "coders": "annotator", "values": "family"}
    # Units sort by transcript then turn: s1 u1, u3, u5; s2 u2, u4, u6.
    order = [0, 2, 4, 1, 3, 5]
    ana = [FAMILIES["ana"][i] for i in order]
    ben = [FAMILIES["ben"][i] for i in order]
    assert cohens_kappa(frame, **keys) == cohens_kappa(ana, ben)
    assert krippendorff_alpha(frame, **keys).alpha == pytest.approx(
        krippendorff_alpha([ana, ben]).alpha, abs=1e-12
    )
    assert fleiss_kappa(frame, **keys).kappa == pytest.approx(
        fleiss_kappa(pd.crosstab(pd.Series(range(6)).repeat(2), np.ravel([ana, ben], "F"))).kappa,
        abs=1e-12,
    )


def test_long_frames_with_a_unit_coded_twice_are_refused_naming_it() -> None:
    frame = _family_annotations()
    again = frame.loc[frame["annotator"].eq("ana") & frame["turn_id"].eq("u3")]
    twice = pd.concat([frame, again.assign(family="detachment")], ignore_index=True)
    keys = {"units": ["transcript_id", "turn_id"], "coders": "annotator", "values": "family"}
    for statistic in (cohens_kappa, fleiss_kappa, krippendorff_alpha):
        with pytest.raises(
            ValueError,
            match=r"coder 'ana' has two rows for unit \('s1', 'u3'\); give one value per unit",
        ):
            statistic(twice, **keys)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda r: krippendorff_alpha(r, units="session", coders="rater", values="score"),
            r"krippendorff_alpha: units='session' is not a column of the frame \(it has: ",
        ),
        (
            lambda r: cohens_kappa(r, units="transcript_id", coders="who", values="score"),
            r"cohens_kappa: coders='who' is not a column",
        ),
        (
            lambda r: fleiss_kappa(r, units="transcript_id", coders="rater", values="points"),
            r"fleiss_kappa: values='points' is not a column",
        ),
        (
            lambda r: krippendorff_alpha(r, units="transcript_id", coders="rater"),
            "give all of units, coders and values",
        ),
        (
            lambda r: krippendorff_alpha(r.to_numpy(), **LONG),
            "name columns of a long DataFrame.*got ndarray",
        ),
        (
            lambda r: cohens_kappa(r, **LONG),
            r"compares two coders; the frame has 3 \('kim', 'lee', 'sam'\)",
        ),
        (
            lambda r: cohens_kappa(r, [1, 2], **LONG),
            "a long frame .* or two label sequences, not both",
        ),
        (
            lambda r: krippendorff_alpha(r.loc[r["rater"] == "kim"], **LONG),
            r"the frame has 1 coder\(s\) \('kim'\); agreement needs at least 2",
        ),
        (
            lambda r: krippendorff_alpha(r.assign(rater=r["rater"].where(r.index != 3)), **LONG),
            r"column 'rater' is missing a value in row 3",
        ),
    ],
)
def test_bad_long_frames_are_refused_with_a_clear_message(call: Any, message: str) -> None:
    ratings = _item(_store_ratings(), "compassion").reset_index(drop=True)
    with pytest.raises(ValueError, match=message):
        call(ratings)
