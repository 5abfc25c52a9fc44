"""Agreement statistics: how alike coders code moments and raters score sessions.

Each statistic takes plain arrays and the store's frames alike, and returns plain numbers (frozen
dataclasses) or a tidy frame. A long frame (one row per unit and coder, like the store's ratings
frame) is read through keyword column names: ``cohens_kappa(frame, units="transcript_id",
coders="rater", values="score")``, and the same for :func:`fleiss_kappa` and
:func:`krippendorff_alpha` (``icc`` names them ``targets``, ``raters``, ``ratings``).

- :func:`cohens_kappa`: two coders, nominal or ordered categories (weighted), with the asymptotic
  standard error and confidence interval.
- :func:`fleiss_kappa`: any fixed number of raters per subject, from subjects x categories counts.
- :func:`krippendorff_alpha`: any number of coders, missing values allowed, nominal, ordinal,
  interval or ratio data; computed here, vectorised (value-by-unit counts, then the coincidence
  matrix by matrix products).
- :func:`icc`: the six intraclass correlations of Shrout and Fleiss (1979), with F tests and
  confidence intervals (McGraw and Wong 1996).
- :func:`agreement_report`: per code (kappa or alpha over turns) and per rubric item (ICC), with
  the Landis-Koch band (:func:`landis_koch_band`).

Aligning span annotations to turns
----------------------------------
Supervisors mark whole turns, character spans inside turns, and client-therapist pairs. Counting
agreement over characters would let the long stretches that nobody coded count as agreement, so
:func:`agreement_report` first aligns every annotation to its turn: a coder *coded turn t with
code c* when any of their annotations with code c sits on t (the whole turn, a span of it, or a
pair answered by it, since a pair's ``turn_id`` is the therapist's response). The units are the
turns of the transcripts each coder coded: a coder who has at least one annotation in a transcript
said "not c" of every turn of it they did not code with c; a coder with no annotation in a
transcript did not code it, and their value there is missing. Only turns of the roles the coders
annotated count (by default): when supervisors code therapist turns only, the client turns would
otherwise all "agree" on "not coded". Adjudicated annotations (the agreed code after a
comparison) are consensus, not a coder's own judgement, and are left out.

Intervals that would mislead
----------------------------
Every interval stays within the range of its statistic (kappa's Wald interval is clipped to
[-1, 1], ICC bounds to at most 1). In the report, a code that fewer than
:data:`MIN_CODED_UNITS` turns received has its value but no interval, with a ``note`` saying
why: the formulas would otherwise give a rare code a narrow interval it has not earned.

Reference values (Krippendorff 2011, Fleiss' kappa on Wikipedia, SAS/STAT, Shrout and Fleiss
1979) are reproduced in ``tests/unit/test_agreement.py``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse, stats
from statsmodels.stats import inter_rater

from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.cohort import require_columns
from attune_jupyter.core.rubric import Rubric
from attune_jupyter.core.transcript import ROLES

__all__ = [
    "ICC_FORMS",
    "LANDIS_KOCH_BANDS",
    "MIN_CODED_UNITS",
    "REPORT_COLUMNS",
    "AlphaResult",
    "FleissKappaResult",
    "KappaResult",
    "agreement_report",
    "cohens_kappa",
    "fleiss_kappa",
    "icc",
    "krippendorff_alpha",
    "landis_koch_band",
]

Weights = Literal["linear", "quadratic"]
Level = Literal["nominal", "ordinal", "interval", "ratio"]
NanPolicy = Literal["raise", "omit"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LANDIS_KOCH_BANDS: Final = (
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.00, "almost perfect"),
)
"""Upper bounds (inclusive) of the Landis and Koch (1977) bands; below 0 is ``"poor"``."""

ICC_FORMS: Final = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")
"""The rows of :func:`icc`, in order (Shrout and Fleiss's names, ``k`` the number of raters)."""

REPORT_COLUMNS: Final = (
    "kind",
    "id",
    "label",
    "statistic",
    "value",
    "ci_low",
    "ci_high",
    "n_units",
    "n_raters",
    "band",
    "note",
)
"""Columns of :func:`agreement_report`, in order."""

MIN_CODED_UNITS: Final = 5
"""Fewest units (turns) that some annotator marked with a code for :func:`agreement_report` to
give that code an interval: with fewer, the value is reported but the interval is NaN and the
``note`` says why (a handful of marked turns cannot say how precise the value is)."""

_LEVELS: Final = ("nominal", "ordinal", "interval", "ratio")
_WEIGHTS: Final = (None, "linear", "quadratic")
_NAN_POLICIES: Final = ("raise", "omit")
#: krippendorff_alpha keeps the units x values counts and the coincidence matrix dense up to
#: this many cells and this many distinct values, sparse beyond.
_DENSE_CELLS: Final = 30_000_000
_DENSE_VALUES: Final = 2048
#: Bootstrap resamples for the alpha intervals of agreement_report, and their seed.
_BOOTSTRAP: Final = 2000
_SEED: Final = 20260511
#: Largest share of bootstrap resamples without variation (alpha undefined) that still gives an
#: interval: dropping more would leave only the resamples that happen to look precise.
_BOOTSTRAP_MAX_UNDEFINED: Final = 0.01
#: A variance below this is rounding noise around an exact 0.
_NOISE: Final = 1e-14


# --------------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------------


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(
            f"alpha must be a number between 0 and 1 (0.05 gives 95% intervals), got {alpha!r}"
        )
    return float(alpha)


def _check_nan_policy(nan_policy: str) -> None:
    if nan_policy not in _NAN_POLICIES:
        raise ValueError(f"nan_policy must be 'raise' or 'omit', got {nan_policy!r}")


def _z(alpha: float) -> float:
    return float(stats.norm.isf(alpha / 2))


def _label_of(index: pd.Index, position: int) -> str:
    """How a message names row ``position``: its label when the rows have labels."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return f"row {position}"
    return f"row {position} ({index[position]!r})"


# --------------------------------------------------------------------------------------------
# Long frames: one row per unit and coder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Long:
    """A long frame laid out units x coders: ``cells[u, c]`` the value coder c gave unit u."""

    cells: npt.NDArray[Any]
    units: pd.Index
    coders: pd.Index
    numeric: bool


def _long_requested(
    caller: str,
    data: Any,
    units: str | Sequence[str] | None,
    coders: str | None,
    values: str | None,
) -> bool:
    """Whether ``data`` is to be read as a long frame, refusing a half-given request."""
    given = [name for name in (units, coders, values) if name is not None]
    if not given:
        return False
    if len(given) != 3:
        raise ValueError(
            f"{caller}: give all of units, coders and values (the long frame's columns), or "
            "none of them"
        )
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"{caller}: units, coders and values name columns of a long DataFrame (one row per "
            f"unit and coder); got {type(data).__name__}"
        )
    return True


def _long_frame(
    caller: str,
    frame: pd.DataFrame,
    units: str | Sequence[str],
    coders: str,
    values: str,
    *,
    as_numbers: bool,
) -> _Long:
    """Lay a long frame out as units x coders, refusing missing columns and repeated pairs.

    ``units`` may name several columns (``["transcript_id", "turn_id"]``): a unit is then one
    combination of them. A missing value (NaN, None, ``<NA>``) in ``values`` is a coder who gave
    that unit no value. Units and coders come sorted. With ``as_numbers``, numeric values come
    as floats (NaN where missing); otherwise as they are (None where missing).
    """
    unit_columns = [units] if isinstance(units, str) else list(units)
    if not unit_columns:
        raise ValueError(f"{caller}: units names no column")
    named = [*(("units", c) for c in unit_columns), ("coders", coders), ("values", values)]
    for keyword, column in named:
        if column not in frame.columns:
            raise ValueError(
                f"{caller}: {keyword}={column!r} is not a column of the frame (it has: "
                f"{', '.join(map(str, frame.columns))})"
            )
    for column in (*unit_columns, coders):
        empty = frame[column].isna().to_numpy()
        if empty.any():
            at = int(np.flatnonzero(empty)[0])
            raise ValueError(
                f"{caller}: column {column!r} is missing a value in {_label_of(frame.index, at)}"
            )
    unit_keys: pd.Series | pd.MultiIndex = (
        frame[unit_columns[0]]
        if len(unit_columns) == 1
        else pd.MultiIndex.from_frame(frame[unit_columns])
    )
    unit_codes, unit_names = pd.factorize(unit_keys, sort=True)
    unit_index = pd.Index(unit_names)
    coder_codes, coder_names = pd.factorize(frame[coders], sort=True)
    n_units, n_coders = len(unit_index), len(coder_names)
    cells = unit_codes.astype(np.int64) * n_coders + coder_codes
    twice = pd.Index(cells).duplicated()
    if twice.any():
        at = int(np.flatnonzero(twice)[0])
        raise ValueError(
            f"{caller}: coder {coder_names[coder_codes[at]]!r} has two rows for unit "
            f"{unit_index[unit_codes[at]]!r}; give one value per unit and coder"
        )
    raw = frame[values]
    numeric = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
    layout: npt.NDArray[Any]
    if numeric and as_numbers:
        layout = np.full(n_units * n_coders, np.nan)
        layout[cells] = raw.to_numpy(np.float64, na_value=np.nan)
    else:
        layout = np.full(n_units * n_coders, None, dtype=object)
        labels = np.array(raw.to_numpy(dtype=object), dtype=object, copy=True)
        labels[pd.isna(raw).to_numpy()] = None
        layout[cells] = labels
    return _Long(
        cells=layout.reshape(n_units, n_coders),
        units=unit_index,
        coders=pd.Index(coder_names),
        numeric=numeric,
    )


# --------------------------------------------------------------------------------------------
# Landis and Koch
# --------------------------------------------------------------------------------------------


@overload
def landis_koch_band(value: float | None) -> str | None: ...


@overload
def landis_koch_band(value: pd.Series | npt.ArrayLike) -> pd.Series: ...


def landis_koch_band(value: Any) -> str | pd.Series | None:
    """The Landis and Koch (1977) band of an agreement coefficient.

    ``"poor"`` below 0, ``"slight"`` up to 0.20, ``"fair"`` up to 0.40, ``"moderate"`` up to
    0.60, ``"substantial"`` up to 0.80 and ``"almost perfect"`` up to 1. The published ranges
    (0.00-0.20, 0.21-0.40, ...) leave gaps between them; here a value on a bound belongs to the
    band below it and anything above a bound to the band above (0.40 is fair, 0.401 moderate).

    Parameters
    ----------
    value:
        A kappa, alpha or ICC; or an array or Series of them.

    Returns
    -------
    str or None or pandas.Series
        The band, ``None`` for NaN; for an array or Series, a Series of dtype ``str`` with
        ``<NA>`` for NaN.

    Raises
    ------
    ValueError
        For a value above 1 (no agreement coefficient exceeds 1) or that is not a number.
    """
    if value is None or isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, bool):
            raise ValueError(f"an agreement value must be a number, got {value!r}")
        return _bands(np.array([np.nan if value is None else value], dtype=np.float64))[0]
    index = value.index if isinstance(value, pd.Series) else None
    try:
        numbers = np.asarray(
            pd.Series(value, dtype="Float64").to_numpy(np.float64, na_value=np.nan)
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"agreement values must be numbers: {error}") from None
    return pd.Series(_bands(numbers), index=index, dtype="str")


def _bands(values: FloatArray) -> list[str | None]:
    bad = values > 1 + 1e-9
    if bad.any():
        raise ValueError(
            f"{_shown(values[bad][0])} is not an agreement coefficient: kappa, alpha and ICC "
            "are at most 1"
        )
    names = np.array(["poor", *(name for _, name in LANDIS_KOCH_BANDS)], dtype=object)
    edges = np.array([0.0, *(bound for bound, _ in LANDIS_KOCH_BANDS[:-1])])
    # side="left": a value equal to an upper bound stays in the lower band; 0 is "slight".
    position = np.searchsorted(edges, values, side="left")
    position = np.where(values == 0, 1, position)
    return [None if math.isnan(v) else str(names[p]) for v, p in zip(values, position, strict=True)]


# --------------------------------------------------------------------------------------------
# Cohen's kappa
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa of two coders, with its asymptotic standard error and interval.

    Attributes
    ----------
    kappa:
        The (weighted) kappa; NaN when both coders used a single category, so that chance
        agreement is complete and kappa is undefined.
    se:
        The asymptotic standard error (Fleiss, Cohen and Everitt 1969; the ``ASE`` SAS and
        statsmodels report), used for the interval. It is exactly 0 in two cases, as in SAS and
        statsmodels: perfect agreement (kappa 1), and a coder who used a single category
        (kappa is then 0 whatever the other coder did). The interval then has no width, which
        says nothing about precision: look at ``n`` and the table.
    ci_low, ci_high:
        The Wald interval ``kappa -/+ z * se`` (``z`` the normal quantile for the requested
        level), clipped to [-1, 1], the range of kappa: near 1 with few units the unclipped
        interval would claim values above 1.
    se_null, z, p_value:
        The standard error under "no agreement beyond chance", the test statistic
        ``kappa / se_null`` and its two-sided p-value; ``z`` and ``p_value`` are NaN when
        ``se_null`` is 0 (a coder used a single category).
    observed_agreement, expected_agreement:
        The (weighted) share of agreement observed and expected by chance.
    n:
        Pairs of labels compared.
    weights:
        ``None``, ``"linear"`` or ``"quadratic"``.
    categories:
        The categories, in the order of the table's rows and columns (weights count steps in
        this order).
    alpha:
        1 minus the confidence level of the interval.
    """

    kappa: float
    se: float
    ci_low: float
    ci_high: float
    se_null: float
    z: float
    p_value: float
    observed_agreement: float
    expected_agreement: float
    n: int
    weights: str | None
    categories: tuple[Hashable, ...]
    alpha: float

    def __float__(self) -> float:
        return self.kappa


def cohens_kappa(
    a: Any,
    b: Any = None,
    *,
    weights: Weights | None = None,
    categories: Sequence[Hashable] | None = None,
    alpha: float = 0.05,
    nan_policy: NanPolicy = "raise",
    units: str | Sequence[str] | None = None,
    coders: str | None = None,
    values: str | None = None,
) -> KappaResult:
    """Cohen's kappa of two coders: from their labels, a long frame, or their agreement table.

    Parameters
    ----------
    a, b:
        Two sequences of labels of equal length, one per coder, position i of both being the
        same unit (lists, arrays, Series: numbers, strings or booleans). Or ``a`` alone: a
        square agreement table (array or DataFrame) of counts, rows the first coder's
        categories and columns the second's, in the same order. Or ``a`` alone, a long
        DataFrame with one row per unit and coder, read through ``units``, ``coders`` and
        ``values``.
    weights:
        ``None`` for kappa, ``"linear"`` (Cicchetti-Allison) or ``"quadratic"`` (Fleiss-Cohen)
        for weighted kappa. Weights count the steps between categories in their order, as
        statsmodels, scikit-learn and SAS (with equally spaced scores) do.
    categories:
        All categories, in order; by default the labels seen, sorted. Needed for weighted
        kappa of labels that are not numbers (their order cannot be guessed), and to count
        categories nobody used. With a table, the names of its rows.
    alpha:
        1 minus the confidence level (0.05 gives a 95% interval).
    nan_policy:
        What a missing label (None, NaN, ``<NA>``) does: ``"raise"`` (default) refuses it,
        naming the position; ``"omit"`` leaves out each pair with a missing label (``n``
        counts the pairs kept). In a long frame, a unit one coder gave no value (no row, or a
        missing value) is a missing label.
    units, coders, values:
        The columns of a long frame ``a`` (the store's ratings frame of one rubric item, for
        example, with ``units="transcript_id", coders="rater", values="score"``): the unit
        (one column or several, such as ``["transcript_id", "turn_id"]``), the coder (exactly
        two coders), and the label. Coders are taken in sorted order, the first as ``a``.

    Returns
    -------
    KappaResult

    Raises
    ------
    ValueError
        For sequences of different lengths, a missing label (with ``nan_policy="raise"``), a
        label outside ``categories``, no pair left, weighted kappa of unordered labels, a
        table that is not square or holds a negative, missing or fractional count (naming the
        cell), or a long frame without a column named, with a coder giving one unit two rows,
        or with other than two coders.

    Notes
    -----
    The statistics are statsmodels' :func:`statsmodels.stats.inter_rater.cohens_kappa`; this
    function builds the table, checks the input and handles the degenerate tables (kappa is
    NaN, with no warning, when chance agreement is complete).
    """
    alpha = _check_alpha(alpha)
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    _check_nan_policy(nan_policy)
    if _long_requested("cohens_kappa", a, units, coders, values):
        if b is not None:
            raise ValueError(
                "cohens_kappa: give a long frame (with units, coders and values) or two label "
                "sequences, not both"
            )
        assert units is not None and coders is not None and values is not None
        first, second = _two_coders_of(a, units, coders, values, nan_policy)
        table, names = _table_of_labels(first, second, categories, weights, "raise")
    elif b is None:
        table, names = _agreement_table(a, categories)
    else:
        table, names = _table_of_labels(a, b, categories, weights, nan_policy)
    return _kappa_of_table(table, names, weights, alpha)


def _two_coders_of(
    frame: pd.DataFrame, units: str | Sequence[str], coders: str, values: str, nan_policy: str
) -> tuple[pd.Series, pd.Series]:
    """The two coders' labels of the units both labelled, from a long frame."""
    long = _long_frame("cohens_kappa", frame, units, coders, values, as_numbers=False)
    if len(long.coders) != 2:
        raise ValueError(
            f"cohens_kappa: Cohen's kappa compares two coders; the frame has "
            f"{len(long.coders)} ({', '.join(map(repr, long.coders))}). Keep two coders' rows, "
            "or use krippendorff_alpha or fleiss_kappa"
        )
    missing = pd.isna(pd.DataFrame(long.cells)).to_numpy()
    if missing.any() and nan_policy == "raise":
        at = np.argwhere(missing)[0]
        raise ValueError(
            f"cohens_kappa: unit {long.units[at[0]]!r} has no value from coder "
            f"{long.coders[at[1]]!r}; pass nan_policy='omit' to leave out the units one coder "
            "did not label"
        )
    both = ~missing.any(axis=1)
    return pd.Series(long.cells[both, 0]), pd.Series(long.cells[both, 1])


def _agreement_table(
    a: Any, categories: Sequence[Hashable] | None
) -> tuple[FloatArray, tuple[Hashable, ...]]:
    if isinstance(a, pd.DataFrame):
        frame = a
    else:
        array = np.asarray(a, dtype=object)
        if array.ndim != 2:
            raise ValueError(
                "cohens_kappa: give two label sequences (a and b), or one square agreement "
                f"table as a; a has {array.ndim} dimension(s) and b is missing"
            )
        frame = pd.DataFrame(array)
    rows, columns = frame.shape
    if rows != columns or rows == 0:
        raise ValueError(
            f"cohens_kappa: the agreement table must be square (one row and one column per "
            f"category), got {rows} x {columns}"
        )
    if isinstance(a, pd.DataFrame) and not frame.index.equals(frame.columns):
        raise ValueError(
            "cohens_kappa: the agreement table's rows and columns must name the same "
            f"categories in the same order; rows {list(frame.index)!r}, columns "
            f"{list(frame.columns)!r}"
        )
    table = _counts(frame, "cohens_kappa: the agreement table")
    if categories is not None:
        names = tuple(categories)
        if len(names) != rows:
            raise ValueError(
                f"cohens_kappa: {len(names)} categories given for a {rows} x {rows} table"
            )
    elif isinstance(a, pd.DataFrame):
        names = tuple(frame.index)
    else:
        names = tuple(range(rows))
    return table, names


def _counts(frame: pd.DataFrame, what: str) -> FloatArray:
    """The cells of ``frame`` as float counts, or an error naming the first bad cell."""
    values = np.empty(frame.shape, dtype=np.float64)
    for j, column in enumerate(frame.columns):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        values[:, j] = numbers.to_numpy(np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i, j = (int(x[0]) for x in np.nonzero(bad))
        raise ValueError(
            f"{what}: {_label_of(frame.index, i)}, column {frame.columns[j]!r} holds "
            f"{frame.iat[i, j]!r}; counts must be whole numbers >= 0"
        )
    return values


def _labels(values: Any, name: str) -> pd.Series:
    if isinstance(values, pd.Series):
        series = values.reset_index(drop=True)
    else:
        array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
        if array.ndim != 1:
            raise ValueError(
                f"cohens_kappa: {name} must be a sequence of labels, got an array of shape "
                f"{array.shape}"
            )
        series = pd.Series(array)
    return series


def _ordered_categories(
    seen: Sequence[Hashable], categories: Sequence[Hashable] | None, need_order: bool, who: str
) -> tuple[Hashable, ...]:
    if categories is not None:
        return tuple(categories)
    numeric = all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v in seen
    )
    if need_order and not numeric:
        raise ValueError(
            f"{who}: labels that are not numbers have no order; pass categories=[...] listing "
            "them from lowest to highest"
        )
    try:
        return tuple(sorted(seen))  # type: ignore[type-var]
    except TypeError:
        return tuple(seen)


def _table_of_labels(
    a: Any,
    b: Any,
    categories: Sequence[Hashable] | None,
    weights: Weights | None,
    nan_policy: NanPolicy,
) -> tuple[FloatArray, tuple[Hashable, ...]]:
    first, second = _labels(a, "a"), _labels(b, "b")
    if len(first) != len(second):
        raise ValueError(
            f"cohens_kappa: a has {len(first)} labels and b has {len(second)}; give one label "
            "per unit from each coder"
        )
    missing = (first.isna() | second.isna()).to_numpy()
    if missing.any():
        if nan_policy == "raise":
            at = int(np.flatnonzero(missing)[0])
            which = "a" if pd.isna(first.iloc[at]) else "b"
            raise ValueError(
                f"cohens_kappa: {which}[{at}] is missing; pass nan_policy='omit' to leave out "
                "the pairs with a missing label"
            )
        first, second = first[~missing], second[~missing]
    if len(first) == 0:
        raise ValueError("cohens_kappa: no pair of labels to compare")
    codes, uniques = pd.factorize(pd.concat([first, second], ignore_index=True), sort=False)
    seen = list(uniques)
    names = _ordered_categories(seen, categories, weights is not None, "weighted kappa")
    index = pd.Index(names)
    if not index.is_unique:
        raise ValueError(f"cohens_kappa: categories repeat: {list(names)!r}")
    where = index.get_indexer(pd.Index(seen))
    if (where < 0).any():
        label = seen[int(np.flatnonzero(where < 0)[0])]
        raise ValueError(
            f"cohens_kappa: the label {label!r} is not one of the categories {list(names)!r}"
        )
    mapped = where[codes]
    k = len(names)
    half = len(first)
    cells = mapped[:half] * k + mapped[half:]
    table = np.bincount(cells, minlength=k * k).reshape(k, k).astype(np.float64)
    return table, names


def _kappa_of_table(
    table: FloatArray, names: tuple[Hashable, ...], weights: Weights | None, alpha: float
) -> KappaResult:
    n = float(table.sum())
    if n == 0:
        raise ValueError("cohens_kappa: the agreement table is empty (all counts are 0)")
    k = table.shape[0]
    probs = table / n
    row, col = probs.sum(axis=1), probs.sum(axis=0)
    if weights is None:
        disagreement = 1.0 - np.eye(k)
    else:
        steps = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / max(k - 1, 1)
        disagreement = steps if weights == "linear" else steps**2
    observed = 1.0 - float((disagreement * probs).sum())
    expected = 1.0 - float((disagreement * np.outer(row, col)).sum())
    nan = math.nan
    if k < 2 or expected >= 1.0 - 1e-12:
        return KappaResult(
            nan, nan, nan, nan, nan, nan, nan, observed, expected, int(n), weights, names, alpha
        )
    with np.errstate(all="ignore"):
        result = inter_rater.cohens_kappa(table, wt=weights)
    kappa = float(result.kappa)
    se = _standard_error(float(result.var_kappa))
    se_null = _standard_error(float(result.var_kappa0))
    half = _z(alpha) * se
    if se_null > 0:
        z = kappa / se_null
        p_value = float(2 * stats.norm.sf(abs(z)))
    else:
        z, p_value = nan, nan
    return KappaResult(
        kappa=kappa,
        se=se,
        ci_low=max(kappa - half, -1.0),
        ci_high=min(kappa + half, 1.0),
        se_null=se_null,
        z=z,
        p_value=p_value,
        observed_agreement=observed,
        expected_agreement=expected,
        n=int(n),
        weights=weights,
        categories=names,
        alpha=alpha,
    )


def _standard_error(variance: float) -> float:
    """The square root of a variance, 0 for a variance that is rounding noise around 0."""
    return math.sqrt(variance) if variance > _NOISE else 0.0


# --------------------------------------------------------------------------------------------
# Fleiss' kappa
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleissKappaResult:
    """Fleiss' kappa of subjects each rated by the same number of raters.

    Attributes
    ----------
    kappa:
        Fleiss' kappa; NaN when every rating fell in one category (chance agreement is
        complete).
    observed_agreement:
        The mean share of agreeing rater pairs per subject (Fleiss's P-bar).
    expected_agreement:
        The agreement expected by chance from the categories' overall shares (P-bar-e).
    n_subjects, n_raters, n_categories:
        The table's rows, ratings per row and columns.
    """

    kappa: float
    observed_agreement: float
    expected_agreement: float
    n_subjects: int
    n_raters: int
    n_categories: int

    def __float__(self) -> float:
        return self.kappa


def fleiss_kappa(
    counts: Any,
    *,
    units: str | Sequence[str] | None = None,
    coders: str | None = None,
    values: str | None = None,
) -> FleissKappaResult:
    """Fleiss' kappa from a subjects x categories table of counts, or from a long frame.

    Parameters
    ----------
    counts:
        One row per subject, one column per category; each cell the number of raters who put
        that subject in that category (an array or a DataFrame, whose row labels then name the
        subjects in messages). Every row must add up to the same number of raters, at least 2.
        To build it from subjects x raters labels, see
        :func:`statsmodels.stats.inter_rater.aggregate_raters`. Or a long DataFrame with one
        row per subject and coder, read through ``units``, ``coders`` and ``values``.
    units, coders, values:
        The columns of a long frame ``counts``: the subject (one column or several), the
        coder, and the category. A row with a missing category is no rating. The counts are
        then the number of coders per subject and category; every subject still needs the same
        number of ratings.

    Returns
    -------
    FleissKappaResult

    Raises
    ------
    ValueError
        When the table is not two-dimensional or empty, or a row holds a missing, negative or
        fractional count, has fewer than 2 ratings, or adds up to a different number of
        ratings than the other rows (naming the row); or a long frame lacks a column named or
        has two rows for one subject and coder.
    """
    if _long_requested("fleiss_kappa", counts, units, coders, values):
        assert units is not None and coders is not None and values is not None
        frame = _counts_of_long(counts, units, coders, values)
    elif isinstance(counts, pd.DataFrame):
        frame = counts
    else:
        frame = pd.DataFrame(_two_dimensional(counts))
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError("fleiss_kappa: the table has no subject (row) or no category (column)")
    table = _counts(frame, "fleiss_kappa")
    totals = table.sum(axis=1)
    sizes, occurrences = np.unique(totals, return_counts=True)
    usual = float(sizes[np.argmax(occurrences)])
    odd = totals != usual
    if odd.any():
        i = int(np.flatnonzero(odd)[0])
        raise ValueError(
            f"fleiss_kappa: {_label_of(frame.index, i)} has {totals[i]:g} ratings but most rows "
            f"have {usual:g}; every subject needs the same number of raters"
        )
    if usual < 2:
        raise ValueError(
            f"fleiss_kappa: each row has {usual:g} rating(s); agreement needs at least 2 raters "
            "per subject"
        )
    shares = table.sum(axis=0) / table.sum()
    expected = float((shares**2).sum())
    observed = float(((table**2).sum(axis=1) - usual).mean() / (usual * (usual - 1)))
    if expected >= 1.0 - 1e-12:
        kappa = math.nan
    else:
        kappa = float(inter_rater.fleiss_kappa(table, method="fleiss"))
    return FleissKappaResult(
        kappa=kappa,
        observed_agreement=observed,
        expected_agreement=expected,
        n_subjects=int(table.shape[0]),
        n_raters=int(usual),
        n_categories=int(table.shape[1]),
    )


def _counts_of_long(
    frame: pd.DataFrame, units: str | Sequence[str], coders: str, values: str
) -> pd.DataFrame:
    """Subjects x categories counts of a long frame, rows named by subject."""
    long = _long_frame("fleiss_kappa", frame, units, coders, values, as_numbers=False)
    present = ~pd.isna(pd.DataFrame(long.cells)).to_numpy()
    rated = present.any(axis=1)
    unit_of, _ = np.nonzero(present)
    labels = pd.Series(long.cells[present])
    category, names = pd.factorize(labels, sort=False)
    try:
        order = np.argsort(np.asarray(names, dtype=object), kind="stable")
    except TypeError:
        order = np.arange(len(names))
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    rows = np.flatnonzero(rated)
    row_of = np.full(len(long.units), -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    table = np.zeros((len(rows), len(names)), dtype=np.int64)
    np.add.at(table, (row_of[unit_of], position[category]), 1)
    return pd.DataFrame(
        table, index=long.units[rows], columns=pd.Index(np.asarray(names, dtype=object)[order])
    )


def _two_dimensional(data: Any) -> npt.NDArray[Any]:
    array = np.asarray(data, dtype=object)
    if array.ndim != 2:
        raise ValueError(f"expected a two-dimensional table, got {array.ndim} dimension(s)")
    return array


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha and what it was computed from.

    Attributes
    ----------
    alpha:
        ``1 - observed_disagreement / expected_disagreement``; NaN when it is undefined: no
        unit has two values (nothing to compare), or all pairable values are the same (no
        variation, so expected disagreement is 0).
    level:
        ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
    observed_disagreement, expected_disagreement:
        Krippendorff's D_o and D_e.
    n_units:
        Units with at least two values (pairable units).
    n_coders:
        Coders with at least one value in a pairable unit.
    n_values:
        Pairable values (Krippendorff's n..).
    """

    alpha: float
    level: str
    observed_disagreement: float
    expected_disagreement: float
    n_units: int
    n_coders: int
    n_values: int

    def __float__(self) -> float:
        return self.alpha


def krippendorff_alpha(
    reliability_data: Any,
    level: Level = "nominal",
    value_domain: Sequence[Any] | None = None,
    *,
    units: str | Sequence[str] | None = None,
    coders: str | None = None,
    values: str | None = None,
) -> AlphaResult:
    """Krippendorff's alpha of any number of coders, with missing values.

    Parameters
    ----------
    reliability_data:
        Coders x units: one row per coder, one column per unit, NaN (or None, ``<NA>``) where a
        coder gave the unit no value. A numeric array, an array or nested list of labels
        (numbers, strings, booleans), or a DataFrame with coders as rows (``frame.T`` turns a
        units x coders frame round). Or a long DataFrame with one row per unit and coder, read
        through ``units``, ``coders`` and ``values``.
    level:
        The level of measurement, which sets the difference function: ``"nominal"`` (any two
        different values differ by 1), ``"ordinal"`` (by how many values lie between them),
        ``"interval"`` (squared difference) or ``"ratio"`` (squared difference relative to the
        sum; values must be >= 0).
    value_domain:
        The values a unit can take. For ``"ordinal"`` it gives their order, and is required
        when the values are labels rather than numbers. A value in the data outside the
        domain is an error. Values of the domain nobody used change nothing.
    units, coders, values:
        The columns of a long frame ``reliability_data`` (the store's ratings frame of one
        rubric item, with ``units="transcript_id", coders="rater", values="score"``, for
        example): the unit (one column or several, such as ``["transcript_id", "turn_id"]``),
        the coder, and the value. A unit a coder has no row for, or a missing value, is a
        missing value.

    Returns
    -------
    AlphaResult

    Raises
    ------
    ValueError
        For an unknown level, data that are not two-dimensional, fewer than two coders
        (rows), labels at the interval or ratio level, ordinal labels without
        ``value_domain``, a value outside ``value_domain``, or a negative value at the ratio
        level (naming the coder and unit); or a long frame lacking a column named, or with two
        rows for one unit and coder.

    Notes
    -----
    Computed from the value-by-unit counts ``n[u, c]`` (how many coders gave unit u value c):
    the coincidence matrix is ``o = N^T W N - diag(N^T w)`` with ``w[u] = 1 / (m_u - 1)`` for
    the ``m_u >= 2`` values of unit u, a matrix product over units; ``D_o`` and ``D_e`` weight
    ``o`` and the marginals' expected coincidences by the squared difference function of the
    level (Krippendorff 2011). The counts are a dense matrix for small value sets and a sparse
    one when units x values would be large.
    """
    if level not in _LEVELS:
        raise ValueError(
            f"level must be 'nominal', 'ordinal', 'interval' or 'ratio', got {level!r}"
        )
    if _long_requested("krippendorff_alpha", reliability_data, units, coders, values):
        assert units is not None and coders is not None and values is not None
        long = _long_frame(
            "krippendorff_alpha", reliability_data, units, coders, values, as_numbers=True
        )
        if len(long.coders) < 2:
            raise ValueError(
                f"krippendorff_alpha: the frame has {len(long.coders)} coder(s) "
                f"({', '.join(map(repr, long.coders)) or 'none'}); agreement needs at least 2"
            )
        data, coder_names, unit_names = long.cells.T, long.coders, long.units
    else:
        data, coder_names, unit_names = _reliability_matrix(reliability_data)
    codes, numbers = _value_codes(data, level, value_domain, coder_names, unit_names)
    return _alpha(codes, numbers, level)


def _reliability_matrix(data: Any) -> tuple[npt.NDArray[Any], pd.Index, pd.Index]:
    if isinstance(data, pd.DataFrame):
        frame = data
        numeric = all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes)
        if numeric and not any(pd.api.types.is_bool_dtype(t) for t in frame.dtypes):
            array = frame.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            array = frame.to_numpy(dtype=object)
        rows, columns = frame.index, frame.columns
    else:
        array = np.asarray(data)
        if not isinstance(data, np.ndarray) and array.dtype.kind in "US":
            # NumPy turns nested lists that mix numbers and labels (or NaN and labels) into
            # text: keep each value as given.
            array = np.asarray(data, dtype=object)
        elif array.dtype.kind in "US":
            # A NumPy string array cannot hold NaN: np.asarray turned the missing values into
            # the text "nan".
            objects = array.astype(object)
            objects[array == array.dtype.type("nan")] = None
            array = objects
        elif array.dtype.kind not in "fiu":
            array = np.asarray(data, dtype=object)
        rows, columns = pd.RangeIndex(array.shape[0]), None
    if array.ndim != 2:
        raise ValueError(
            "krippendorff_alpha: reliability data must be coders x units (two-dimensional), "
            f"got {array.ndim} dimension(s)"
        )
    if array.shape[0] < 2:
        raise ValueError(
            f"krippendorff_alpha: the reliability data have {array.shape[0]} coder(s) (rows); "
            "agreement needs at least 2 (pass coders as rows and units as columns)"
        )
    units = pd.RangeIndex(array.shape[1]) if columns is None else columns
    return array, rows, units


def _shown(value: Any) -> str:
    """A value as a message shows it: plain Python, whole floats without ".0"."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value)


def _where(codes: IntArray, wanted: int, coders: pd.Index, units: pd.Index) -> str:
    """Which coder and unit first gave the value with code ``wanted``, for messages."""
    i, j = divmod(int(np.flatnonzero(codes.ravel() == wanted)[0]), codes.shape[1])
    coder = f"coder {i}" if isinstance(coders, pd.RangeIndex) else f"coder {coders[i]!r}"
    unit = f"unit {j}" if isinstance(units, pd.RangeIndex) else f"unit {units[j]!r}"
    return f"{coder}, {unit}"


def _value_codes(
    data: npt.NDArray[Any],
    level: Level,
    value_domain: Sequence[Any] | None,
    coders: pd.Index,
    units: pd.Index,
) -> tuple[IntArray, FloatArray | None]:
    """Each cell's value index (-1 where missing), and the values as numbers when they are.

    Numbers are indexed in ascending order, or in ``value_domain``'s order when given; labels in
    ``value_domain``'s order, or in order of appearance (nominal data need no order).
    """
    flat_codes, uniques = pd.factorize(data.ravel(), sort=False)
    codes: IntArray = np.asarray(flat_codes, dtype=np.int64).reshape(data.shape)
    found = np.asarray(uniques, dtype=object if data.dtype.kind not in "fiu" else None)
    numbers = _as_numbers(found)
    if numbers is None:
        if level in ("interval", "ratio"):
            label = _first_label(found)
            raise ValueError(
                f"krippendorff_alpha: {level} data must be numbers; found labels such as "
                f"{_shown(found[label])} ({_where(codes, label, coders, units)})"
            )
        if value_domain is None and level == "ordinal":
            raise ValueError(
                "krippendorff_alpha: ordinal labels need their order; pass "
                "value_domain=[...] listing the values from lowest to highest"
            )
    elif level == "ratio" and (numbers < 0).any():
        bad = int(np.flatnonzero(numbers < 0)[0])
        raise ValueError(
            f"krippendorff_alpha: ratio data cannot be negative, got {_shown(numbers[bad])} "
            f"({_where(codes, bad, coders, units)}); use level='interval'"
        )
    if value_domain is not None:
        domain = pd.Index(list(value_domain), dtype=object if numbers is None else None)
        if not domain.is_unique:
            raise ValueError(f"krippendorff_alpha: value_domain repeats a value: {list(domain)!r}")
        if numbers is not None:
            try:
                values = domain.to_numpy(dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    "krippendorff_alpha: the data are numbers but value_domain is not: "
                    f"{list(domain)!r}"
                ) from None
            position = pd.Index(values).get_indexer(numbers)
        else:
            values = None
            position = domain.get_indexer(pd.Index(found, dtype=object))
        if (position < 0).any():
            bad = int(np.flatnonzero(position < 0)[0])
            where = _where(codes, bad, coders, units)
            raise ValueError(
                f"krippendorff_alpha: {_shown(found[bad])} ({where}) is not in value_domain "
                f"{list(domain)!r}"
            )
        return _renumbered(codes, position), values
    if numbers is None:
        return codes, None
    order = np.argsort(numbers, kind="stable")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return _renumbered(codes, position), numbers[order]


def _renumbered(codes: IntArray, position: npt.NDArray[np.integer[Any]]) -> IntArray:
    """``codes`` with each value index i replaced by ``position[i]``; -1 stays -1."""
    table = np.append(np.asarray(position, dtype=np.int64), -1)
    return table[codes]


def _is_number(value: Any) -> bool:
    """Whether a value is a number (booleans are labels)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _as_numbers(labels: npt.NDArray[Any]) -> FloatArray | None:
    """The labels as floats when every one is a number (booleans stay labels)."""
    if labels.dtype.kind in "fiu":
        return labels.astype(np.float64)
    if all(_is_number(v) for v in labels):
        return labels.astype(np.float64)
    return None


def _first_label(found: npt.NDArray[Any]) -> int:
    """The index of the first value that is not a number (the one a message should name)."""
    return next(i for i, v in enumerate(found) if not _is_number(v))


def _alpha(codes: IntArray, values: FloatArray | None, level: Level) -> AlphaResult:
    """Alpha from the coders x units matrix of value indexes (-1 where missing)."""
    present = codes >= 0
    m = present.sum(axis=0)
    pairable = m >= 2
    n_units = int(pairable.sum())
    n_coders = int(present[:, pairable].any(axis=1).sum())
    if n_units == 0:
        nan = math.nan
        return AlphaResult(nan, level, nan, nan, 0, n_coders, 0)
    n_values = len(values) if values is not None else int(codes.max()) + 1
    weight = np.zeros(len(m), dtype=np.float64)
    weight[pairable] = 1.0 / (m[pairable] - 1.0)
    o = _coincidences(codes, weight, n_values)
    return _alpha_of_coincidences(o, values, level, n_units, n_coders)


def _coincidences(
    codes: IntArray, weight: FloatArray, n_values: int
) -> FloatArray | sparse.csr_array:
    """Krippendorff's coincidence matrix o (values x values) by matrix products over units.

    ``o = N^T W N - diag(N^T w)``: N the units x values counts, W = diag(w) the weight
    1 / (m_u - 1) of each pairable unit (0 for the others). N is dense for small value sets
    (one bincount over all cells, the missing ones in an extra column), sparse otherwise.
    """
    n_units = codes.shape[1]
    if n_values <= _DENSE_VALUES and n_units * (n_values + 1) <= _DENSE_CELLS:
        width = n_values + 1
        cells = codes + (1 + width * np.arange(n_units, dtype=np.int64))
        counts = np.bincount(cells.ravel(), minlength=n_units * width)
        matrix = counts.reshape(n_units, width)[:, 1:].astype(np.float64)
        weighted = matrix * weight[:, None]
        o = weighted.T @ matrix
        o[np.diag_indices(n_values)] -= weighted.sum(axis=0)
        return np.asarray(o, dtype=np.float64)
    keep = (codes >= 0) & (weight > 0)[None, :]
    _, unit = np.nonzero(keep)
    code = codes[keep]
    ones = np.ones(len(unit), dtype=np.float64)
    counts_sparse = sparse.csr_array((ones, (unit, code)), shape=(n_units, n_values))
    weighted_sparse = sparse.csr_array(counts_sparse.multiply(weight[:, None]))
    product = sparse.csr_array(weighted_sparse.T @ counts_sparse)
    diagonal = np.asarray(weighted_sparse.sum(axis=0)).ravel()
    return sparse.csr_array(product - sparse.diags_array(diagonal))


def _alpha_of_coincidences(
    o: FloatArray | sparse.csr_array,
    values: FloatArray | None,
    level: Level,
    n_units: int,
    n_coders: int,
) -> AlphaResult:
    if isinstance(o, np.ndarray):
        marginals = o.sum(axis=1)
        rows, cols = np.nonzero(o)
        weights = o[rows, cols]
    else:
        marginals = np.asarray(o.sum(axis=1)).ravel()
        coo = o.tocoo()
        rows, cols, weights = (
            coo.row.astype(np.int64),
            coo.col.astype(np.int64),
            np.asarray(coo.data, dtype=np.float64),
        )
    n = float(marginals.sum())
    points = _metric_points(level, values, marginals)
    observed_sum = float((weights * _difference(level, points, rows, cols)).sum())
    expected_sum = _expected_sum(level, points, marginals)
    observed = observed_sum / n
    expected = expected_sum / (n * (n - 1))
    alpha = 1.0 - observed / expected if expected > 0 else math.nan
    return AlphaResult(
        alpha=alpha,
        level=level,
        observed_disagreement=observed,
        expected_disagreement=expected,
        n_units=n_units,
        n_coders=n_coders,
        n_values=round(n),
    )


def _metric_points(level: Level, values: FloatArray | None, marginals: FloatArray) -> FloatArray:
    """Where each value sits for the difference function.

    Interval and ratio data sit at their value. An ordinal value's difference from another is
    the number of pairable values between them, counting each end's own values half
    (Krippendorff 2011): that is the distance between their mid-ranks, so ordinal values sit
    at their mid-rank ``cumsum(n)[c] - n[c] / 2``. Nominal values are only equal or not.
    """
    if level == "ordinal":
        return np.cumsum(marginals) - marginals / 2.0
    if level in ("interval", "ratio"):
        assert values is not None
        return values
    return np.arange(len(marginals), dtype=np.float64)


def _difference(level: Level, points: FloatArray, rows: IntArray, cols: IntArray) -> FloatArray:
    """The squared difference delta^2 of the value pairs (rows[i], cols[i])."""
    if level == "nominal":
        return np.asarray(rows != cols, dtype=np.float64)
    first, second = points[rows], points[cols]
    if level == "ratio":
        total = first + second
        ratio = np.divide(first - second, total, out=np.zeros_like(total), where=total != 0)
        return np.asarray(ratio**2, dtype=np.float64)
    return np.asarray((first - second) ** 2, dtype=np.float64)


def _expected_sum(level: Level, points: FloatArray, marginals: FloatArray) -> float:
    """The sum over value pairs of n_c * n_k * delta^2(c, k)."""
    n = marginals.sum()
    if level == "nominal":
        return float(n * n - (marginals**2).sum())
    if level in ("ordinal", "interval"):
        # sum_ck n_c n_k (x_c - x_k)^2 = 2 (n sum n x^2 - (sum n x)^2), centred for accuracy.
        centre = float((marginals * points).sum() / n) if n else 0.0
        shifted = points - centre
        return float(2.0 * (n * (marginals * shifted**2).sum() - (marginals * shifted).sum() ** 2))
    used = np.flatnonzero(marginals)
    total = 0.0
    block = max(1, 4_000_000 // max(len(used), 1))
    columns = used.astype(np.int64)
    for start in range(0, len(used), block):
        rows = used[start : start + block].astype(np.int64)
        grid_rows = np.repeat(rows, len(columns))
        grid_cols = np.tile(columns, len(rows))
        delta = _difference(level, points, grid_rows, grid_cols).reshape(len(rows), len(columns))
        total += float(marginals[rows] @ delta @ marginals[columns])
    return total


# --------------------------------------------------------------------------------------------
# Intraclass correlation
# --------------------------------------------------------------------------------------------

_ICC_DESCRIPTIONS: Final = (
    "one-way random effects, absolute agreement, single rater",
    "two-way random effects, absolute agreement, single rater",
    "two-way mixed effects, consistency, single rater",
    "one-way random effects, absolute agreement, mean of {k} raters",
    "two-way random effects, absolute agreement, mean of {k} raters",
    "two-way mixed effects, consistency, mean of {k} raters",
)


def icc(
    frame: Any,
    targets: str | None = None,
    raters: str | None = None,
    ratings: str | None = None,
    *,
    alpha: float = 0.05,
    nan_policy: NanPolicy = "raise",
) -> pd.DataFrame:
    """The six intraclass correlations of Shrout and Fleiss (1979), with confidence intervals.

    Parameters
    ----------
    frame:
        A long frame with one row per rating (the store's ratings frame of one rubric item,
        for example, with ``targets="transcript_id", raters="rater", ratings="score"``); or,
        when ``targets``, ``raters`` and ``ratings`` are all None, a wide table (array or
        DataFrame) with one row per target and one column per rater.
    targets, raters, ratings:
        The long frame's columns naming the rated target (a session), the rater, and the score.
    alpha:
        1 minus the confidence level (0.05 gives 95% intervals).
    nan_policy:
        The forms need every target rated by every rater. ``"raise"`` (default) refuses a
        target with a missing rating, naming it and the rater; ``"omit"`` leaves such targets
        out.

    Returns
    -------
    pandas.DataFrame
        One row per form, in the order of :data:`ICC_FORMS`: ``form``, ``description``,
        ``icc``, ``f`` (the F statistic of the form's test that the ICC is 0), ``df1``,
        ``df2`` (``int64``), ``p_value``, ``ci_low``, ``ci_high`` (``float64``),
        ``n_targets`` and ``n_raters`` (``int64``). ICC(1,*) treat the raters of each target
        as a random sample (one-way model); ICC(2,*) generalise to other raters (two-way
        random, absolute agreement); ICC(3,*) concern these raters only (two-way mixed,
        consistency). The ``k`` forms are the reliability of the mean of the k raters.
        A form that is undefined (for example when every target got the same scores, so the
        mean square between targets is 0) has ``icc``, ``ci_low`` and ``ci_high`` NaN. Interval
        bounds never exceed 1, the largest value an ICC can take.

    Raises
    ------
    ValueError
        For a missing column, a rating that is not a number, a target rated twice by one
        rater, a missing rating (with ``nan_policy="raise"``), or fewer than 2 targets or
        raters left.

    Notes
    -----
    Mean squares of the two-way analysis of variance without replication; the intervals of
    ICC(1,*) and ICC(3,*) are exact F intervals, those of ICC(2,*) use Satterthwaite's
    approximate degrees of freedom (Shrout and Fleiss 1979; McGraw and Wong 1996), as
    pingouin and R's ``psych::ICC`` do.
    """
    alpha = _check_alpha(alpha)
    _check_nan_policy(nan_policy)
    given = [name for name in (targets, raters, ratings) if name is not None]
    if given and len(given) != 3:
        raise ValueError(
            "icc: give all of targets, raters and ratings (the long frame's columns), or none "
            "of them for a wide targets x raters table"
        )
    if given:
        assert targets is not None and raters is not None and ratings is not None
        matrix, target_names, rater_names = _wide_ratings(frame, targets, raters, ratings)
    else:
        matrix, target_names, rater_names = _wide_table(frame)
    complete = ~np.isnan(matrix).any(axis=1)
    if not complete.all():
        if nan_policy == "raise":
            i = int(np.flatnonzero(~complete)[0])
            j = int(np.flatnonzero(np.isnan(matrix[i]))[0])
            raise ValueError(
                f"icc: target {target_names[i]!r} has no rating by rater {rater_names[j]!r}; "
                "every target needs a rating from every rater (pass nan_policy='omit' to leave "
                "such targets out)"
            )
        matrix = matrix[complete]
    n, k = matrix.shape
    if k < 2:
        raise ValueError(f"icc: {k} rater(s); intraclass correlation needs at least 2")
    if n < 2:
        left_out = int((~complete).sum())
        extra = f" after leaving out {left_out} incomplete target(s)" if left_out else ""
        raise ValueError(
            f"icc: {n} target(s) with a rating from every rater{extra}; intraclass "
            "correlation needs at least 2"
        )
    return _icc_table(matrix, alpha)


def _wide_ratings(
    frame: Any, targets: str, raters: str, ratings: str
) -> tuple[FloatArray, list[Any], list[Any]]:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError("icc: targets, raters and ratings name columns of a DataFrame")
    for name, column in (("targets", targets), ("raters", raters), ("ratings", ratings)):
        if column not in frame.columns:
            raise ValueError(
                f"icc: {name}={column!r} is not a column of the frame (it has: "
                f"{', '.join(map(str, frame.columns))})"
            )
    scores = _numeric_column(frame[ratings], f"icc: column {ratings!r}")
    for column in (targets, raters):
        if frame[column].isna().any():
            at = int(np.flatnonzero(frame[column].isna().to_numpy())[0])
            raise ValueError(f"icc: column {column!r} is missing a value in row {at}")
    target_codes, target_names = pd.factorize(frame[targets], sort=True)
    rater_codes, rater_names = pd.factorize(frame[raters], sort=True)
    n, k = len(target_names), len(rater_names)
    cells = target_codes.astype(np.int64) * k + rater_codes
    twice = pd.Series(cells).duplicated().to_numpy()
    if twice.any():
        at = int(np.flatnonzero(twice)[0])
        raise ValueError(
            f"icc: target {target_names[target_codes[at]]!r} has two ratings by rater "
            f"{rater_names[rater_codes[at]]!r}; give one rating per target and rater"
        )
    matrix = np.full(n * k, np.nan)
    matrix[cells] = scores
    return matrix.reshape(n, k), list(target_names), list(rater_names)


def _numeric_column(values: pd.Series, what: str) -> FloatArray:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna()
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{what}: row {at} holds {values.iloc[at]!r}, which is not a number")
    return np.asarray(numbers.to_numpy(np.float64, na_value=np.nan), dtype=np.float64)


def _wide_table(frame: Any) -> tuple[FloatArray, list[Any], list[Any]]:
    table = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(_two_dimensional(frame))
    matrix = np.empty(table.shape, dtype=np.float64)
    for j, column in enumerate(table.columns):
        matrix[:, j] = _numeric_column(table[column], f"icc: rater (column) {column!r}")
    return matrix, list(table.index), list(table.columns)


def _icc_table(matrix: FloatArray, alpha: float) -> pd.DataFrame:
    n, k = matrix.shape
    grand = matrix.mean()
    ss_targets = k * ((matrix.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((matrix.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((matrix - grand) ** 2).sum()
    ss_error = max(ss_total - ss_targets - ss_raters, 0.0)
    df_targets, df_raters = n - 1, k - 1
    df_error, df_within = (n - 1) * (k - 1), n * (k - 1)
    msr = ss_targets / df_targets
    msc = ss_raters / df_raters
    mse = ss_error / df_error
    msw = (ss_raters + ss_error) / df_within
    upper = 1 - alpha / 2
    rows: list[tuple[float, float, int, int, float, float]] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        # One-way: ICC(1,1) and ICC(1,k).
        f1 = np.float64(msr) / np.float64(msw)
        f1_low = f1 / stats.f.ppf(upper, df_targets, df_within)
        f1_high = f1 * stats.f.ppf(upper, df_within, df_targets)
        icc1 = (msr - msw) / (msr + (k - 1) * msw) if msr + (k - 1) * msw else math.nan
        # Two-way: F of targets against the residual, for ICC(2,*) and ICC(3,*).
        f3 = np.float64(msr) / np.float64(mse)
        f3_low = f3 / stats.f.ppf(upper, df_targets, df_error)
        f3_high = f3 * stats.f.ppf(upper, df_error, df_targets)
        denominator2 = msr + (k - 1) * mse + k * (msc - mse) / n
        icc2 = (msr - mse) / denominator2 if denominator2 else math.nan
        icc3 = (msr - mse) / (msr + (k - 1) * mse) if msr + (k - 1) * mse else math.nan
        icc1k = (msr - msw) / msr if msr else math.nan
        icc2k = (msr - mse) / (msr + (msc - mse) / n) if msr + (msc - mse) / n else math.nan
        icc3k = (msr - mse) / msr if msr else math.nan
        p1 = float(stats.f.sf(f1, df_targets, df_within))
        p3 = float(stats.f.sf(f3, df_targets, df_error))
        low1, high1 = _single(f1_low, k), _single(f1_high, k)
        low3, high3 = _single(f3_low, k), _single(f3_high, k)
        low2, high2 = _icc2_interval(icc2, msr, msc, mse, n, k, upper)
        rows = [
            (icc1, float(f1), df_targets, df_within, low1, high1),
            (icc2, float(f3), df_targets, df_error, low2, high2),
            (icc3, float(f3), df_targets, df_error, low3, high3),
            (icc1k, float(f1), df_targets, df_within, *_average(f1_low, f1_high)),
            (
                icc2k,
                float(f3),
                df_targets,
                df_error,
                _spearman_brown(low2, k),
                _spearman_brown(high2, k),
            ),
            (icc3k, float(f3), df_targets, df_error, *_average(f3_low, f3_high)),
        ]
    p_values = [p1, p3, p3, p1, p3, p3]
    values = np.array([float(r[0]) for r in rows])
    # An undefined ICC has no interval (not -inf); no ICC exceeds 1, nor does its interval.
    defined = np.isfinite(values)
    lows, highs = (
        np.where(defined & np.isfinite(bound), np.minimum(bound, 1.0), np.nan)
        for bound in (np.array([float(r[4]) for r in rows]), np.array([float(r[5]) for r in rows]))
    )
    return pd.DataFrame(
        {
            "form": pd.Series(ICC_FORMS, dtype="str"),
            "description": pd.Series([d.format(k=k) for d in _ICC_DESCRIPTIONS], dtype="str"),
            "icc": pd.Series(values, dtype="float64"),
            "f": pd.Series([r[1] for r in rows], dtype="float64"),
            "df1": pd.Series([r[2] for r in rows], dtype="int64"),
            "df2": pd.Series([r[3] for r in rows], dtype="int64"),
            "p_value": pd.Series(p_values, dtype="float64"),
            "ci_low": pd.Series(lows, dtype="float64"),
            "ci_high": pd.Series(highs, dtype="float64"),
            "n_targets": pd.Series([n] * 6, dtype="int64"),
            "n_raters": pd.Series([k] * 6, dtype="int64"),
        }
    )


def _single(f_bound: float, k: int) -> float:
    """A single-rater ICC bound from an F bound: (F - 1) / (F + k - 1); 1 when F is infinite."""
    if math.isinf(f_bound):
        return 1.0
    return float((f_bound - 1) / (f_bound + k - 1))


def _average(f_low: float, f_high: float) -> tuple[float, float]:
    """Bounds of a mean-of-k ICC from F bounds: 1 - 1 / F."""
    return float(1 - 1 / f_low), float(1 - 1 / f_high)


def _spearman_brown(value: float, k: int) -> float:
    """The reliability of the mean of k raters from a single rater's."""
    return float(k * value / (1 + (k - 1) * value)) if not math.isnan(value) else math.nan


def _icc2_interval(
    value: float, msr: float, msc: float, mse: float, n: int, k: int, upper: float
) -> tuple[float, float]:
    """McGraw and Wong's (1996) interval of ICC(A,1) = Shrout and Fleiss's ICC(2,1)."""
    if math.isnan(value) or value >= 1 or mse == 0:
        return (1.0, 1.0) if value == 1 else (math.nan, math.nan)
    a = k * value / (n * (1 - value))
    b = 1 + k * value * (n - 1) / (n * (1 - value))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    f_low = float(stats.f.ppf(upper, n - 1, v))
    f_high = float(stats.f.ppf(upper, v, n - 1))
    low = n * (msr - f_low * mse) / (f_low * (k * msc + (k * n - k - n) * mse) + n * msr)
    high = n * (f_high * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_high * msr)
    return float(low), float(high)


# --------------------------------------------------------------------------------------------
# The agreement report
# --------------------------------------------------------------------------------------------

#: One row of the report: value, ci_low, ci_high, n_units, n_raters, note.
_Row = tuple[float, float, float, int, int, str | None]


def agreement_report(
    annotations: pd.DataFrame | None = None,
    turns: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    *,
    annotators: Iterable[str] | None = None,
    raters: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    roles: Iterable[str] | str | None = None,
    rubric: Rubric | str | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Agreement per code (over turns) and per rubric item (over sessions), with bands.

    Parameters
    ----------
    annotations, turns:
        The store's annotations frame and the turns frame
        (:func:`attune_jupyter.core.cohort.turns_frame`) of the transcripts annotated. Spans and
        pairs are aligned to turns first (module docstring), so uncoded text never counts as
        agreement.
    ratings:
        The store's ratings frame.
    annotators:
        Compare only these annotators (default: everyone with an annotation that is not an
        adjudication).
    raters:
        Compare only these raters.
    codes:
        Report these codes, in this order (default: the codes used, in the codebook's order,
        else sorted).
    roles:
        Which turns are units. By default (``None``) the turns of the roles that received at
        least one annotation from the annotators compared: when supervisors code only
        therapist turns, client turns (which no one would ever code, and so would all
        "agree") are left out; this needs the turns frame's ``role`` column. A list such as
        ``("therapist",)`` (or one role name) counts only turns of those roles; ``"all"``
        counts every turn.
    rubric:
        Report only ratings on this rubric (a :class:`Rubric` gives item labels and order).
        Needed when the ratings are on several rubrics.
    codebook:
        Gives code labels and order, and checks that every code is in it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REPORT_COLUMNS`: ``kind`` (``"code"`` or ``"item"``), ``id``, ``label``,
        ``statistic``, ``value``, ``ci_low``, ``ci_high`` (``float64``; NaN when not
        computable), ``n_units`` and ``n_raters`` (``int64``), ``band``
        (:func:`landis_koch_band`, ``<NA>`` for NaN) and ``note`` (``str``: why a value or an
        interval is missing, or which data were left out; ``<NA>`` when there is nothing to
        say). Codes first, then items.

        *Codes.* Each code is a yes/no variable over turns. With exactly two annotators,
        ``statistic`` is ``"kappa"`` (Cohen's, over the turns of the transcripts both coded,
        with its 95% asymptotic interval, clipped to [-1, 1]); with more, ``"alpha"``
        (Krippendorff's nominal alpha over the turns of the transcripts at least two coded,
        with a 95% percentile bootstrap interval resampling turns, 2,000 resamples, fixed seed,
        so the same data give the same report). ``n_units`` counts those turns,
        ``n_raters`` the annotators compared. A code no one used on them has no variation:
        value NaN. Both intervals treat turns as independent; turns of one session are not
        quite, so read them as a lower bound on the uncertainty.

        Rare codes get no interval: when fewer than :data:`MIN_CODED_UNITS` (5) turns were
        marked with the code by anyone (or fewer than 5 turns were left unmarked by someone),
        the value is reported but ``ci_low`` and ``ci_high`` are NaN and ``note`` says
        ``"too few coded units (n)"``: a handful of turns cannot show how precise the value
        is, and the formulas would claim they do (a kappa of 1 with a zero-width interval
        from one agreed turn). For the same reason kappa has no interval when one annotator
        never used the code (kappa is 0 and its standard error exactly 0), and alpha none when
        more than 1% of the bootstrap resamples have no variation (the rest would overstate
        the precision).

        *Items.* ICC over sessions (targets) x raters, with its 95% interval, on the design
        that uses the most scores. ``"icc2_1"``: the two-way ICC(2,1) on the set of raters (at
        least two) and the sessions all of them scored that together hold the most scores
        (ties: more sessions, then more raters); an occasional extra rater on a few sessions
        is left out rather than shrinking the item to those sessions. ``"icc1_1"``: the one-way
        ICC(1,1), which treats each session's raters as interchangeable, over the sessions
        with the most common number of scores (at least 2); chosen when it uses more scores,
        as when each session is rated by two of several supervisors in turn. ``n_units``
        counts the sessions used and ``n_raters`` the raters among them; ``note`` says how
        many sessions with two or more scores were left out. Unscored items are missing.

    Raises
    ------
    ValueError
        When nothing is given, a frame lacks a column, annotations come without turns, an
        annotation is on a turn the turns frame does not have, a code is not in the codebook,
        an annotator or rater named is absent, a role is unknown, there are fewer than two
        annotators (or raters) to compare, or the ratings are on several rubrics and no
        ``rubric`` is given.
    """
    if annotations is None and ratings is None:
        raise ValueError(
            "agreement_report: give annotations (with turns) for agreement per code, ratings "
            "for agreement per rubric item, or both"
        )
    parts: list[pd.DataFrame] = []
    if annotations is not None:
        if turns is None:
            raise ValueError(
                "agreement_report: agreement per code needs the turns frame (turns=...), the "
                "units annotations are aligned to"
            )
        parts.append(_code_rows(annotations, turns, annotators, codes, roles, codebook))
    if ratings is not None:
        parts.append(_item_rows(ratings, raters, rubric))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    frame["band"] = landis_koch_band(frame["value"])
    return frame.loc[:, list(REPORT_COLUMNS)].reset_index(drop=True)


def _rows(
    kind: str,
    ids: Sequence[str],
    labels: Sequence[str],
    statistics: Sequence[str],
    values: Sequence[_Row],
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Series([kind] * len(ids), dtype="str"),
            "id": pd.Series(list(ids), dtype="str"),
            "label": pd.Series(list(labels), dtype="str"),
            "statistic": pd.Series(list(statistics), dtype="str"),
            "value": pd.Series([v[0] for v in values], dtype="float64"),
            "ci_low": pd.Series([v[1] for v in values], dtype="float64"),
            "ci_high": pd.Series([v[2] for v in values], dtype="float64"),
            "n_units": pd.Series([v[3] for v in values], dtype="int64"),
            "n_raters": pd.Series([v[4] for v in values], dtype="int64"),
            "note": pd.Series([v[5] for v in values], dtype="str"),
        }
    )


def _selected(present: pd.Series, wanted: Iterable[str] | None, who: str, plural: str) -> list[str]:
    """The names to compare: ``wanted`` (each must be present) or every name present."""
    names = sorted(pd.unique(present.dropna()).tolist())
    if wanted is None:
        return names
    chosen = list(dict.fromkeys(wanted))
    absent = [name for name in chosen if name not in set(names)]
    if absent:
        raise ValueError(
            f"agreement_report: {who} {absent[0]!r} has no {plural} here (present: "
            f"{', '.join(map(repr, names)) or 'none'})"
        )
    return chosen


def _code_rows(
    annotations: pd.DataFrame,
    turns: pd.DataFrame,
    annotators: Iterable[str] | None,
    codes: Iterable[str] | None,
    roles: Iterable[str] | str | None,
    codebook: Codebook | None,
) -> pd.DataFrame:
    require_columns(
        annotations,
        ("transcript_id", "turn_id", "code_id", "annotator"),
        "annotations",
        caller="agreement_report",
    )
    wanted_roles = _roles(roles)
    if roles is None and "role" not in turns.columns:
        raise ValueError(
            "agreement_report: the turns frame has no column 'role', which the default "
            "roles=None needs to keep the roles that were annotated; add the column (see "
            "turns_frame) or pass roles='all' to count every turn"
        )
    require_columns(
        turns,
        ("transcript_id", "turn_id", *(("role",) if wanted_roles is not None else ())),
        "turns",
        caller="agreement_report",
    )
    own = annotations
    if "adjudicated" in own.columns:
        own = own.loc[~own["adjudicated"].fillna(False).astype(bool)]
    names = _selected(own["annotator"], annotators, "annotator", "annotations")
    if len(names) < 2:
        raise ValueError(
            "agreement_report: agreement per code needs annotations by at least two annotators; "
            f"found {len(names)} ({', '.join(map(repr, names)) or 'none'}). Pass "
            "annotations=None to report rubric items only."
        )
    own = own.loc[own["annotator"].isin(names)]
    code_ids = _code_list(own["code_id"], codes, codebook)
    labels = [
        codebook.code(c).label if codebook is not None and c in codebook else c for c in code_ids
    ]

    unit_of, transcript_of_unit, n_transcripts = _units(own, turns)
    if roles is None:
        # The roles annotated: the roles of the turns the annotations sit on.
        wanted_roles = pd.unique(turns["role"].to_numpy()[unit_of]).tolist()
    if wanted_roles is None:
        role_ok = np.ones(len(turns), dtype=bool)
    else:
        role_ok = turns["role"].isin(wanted_roles).to_numpy(dtype=bool)
    n_turns, n_coders = len(transcript_of_unit), len(names)
    coder_of = pd.Index(names).get_indexer(pd.Index(own["annotator"])).astype(np.int64)
    code_of = pd.Index(code_ids).get_indexer(pd.Index(own["code_id"])).astype(np.int64)
    # Who coded which transcript: at least one annotation (of any code) in it.
    coded = np.zeros((n_transcripts, n_coders), dtype=bool)
    coded[transcript_of_unit[unit_of], coder_of] = True
    # A unit is a turn of a wanted role in a transcript at least two of them coded.
    m = coded[transcript_of_unit].sum(axis=1)
    usable = role_ok & (m >= 2)
    n_units = int(usable.sum())
    n_compared = int(coded[np.unique(transcript_of_unit[usable])].any(axis=0).sum())

    # One mark per code, unit and coder, however many spans or pairs say so.
    keep = (code_of >= 0) & usable[unit_of]
    triples = pd.unique((code_of[keep] * n_turns + unit_of[keep]) * n_coders + coder_of[keep])
    pairs, coder = np.divmod(np.asarray(triples, dtype=np.int64), n_coders)
    # yes[i]: how many coders gave code code_of_pair[i] to unit unit_of_pair[i] (sorted by code).
    keys, yes = np.unique(pairs, return_counts=True)
    code_of_pair, unit_of_pair = np.divmod(keys, n_turns)
    n_codes = len(code_ids)
    nan = math.nan
    values: list[_Row] = []
    if n_units == 0:
        empty: _Row = (nan, nan, nan, 0, n_compared, "no turn coded by two annotators")
        statistic = "kappa" if n_coders == 2 else "alpha"
        return _rows("code", code_ids, labels, [statistic] * n_codes, [empty] * n_codes)
    if n_coders == 2:
        marks = np.bincount(pairs // n_turns * 2 + coder, minlength=2 * n_codes).reshape(-1, 2)
        both = np.bincount(code_of_pair[yes == 2], minlength=n_codes)
        for c in range(n_codes):
            only_first, only_second = marks[c, 0] - both[c], marks[c, 1] - both[c]
            neither = n_units - only_first - only_second - both[c]
            table = np.array([[neither, only_second], [only_first, both[c]]], dtype=np.float64)
            result = _kappa_of_table(table, (False, True), None, 0.05)
            marked = int(only_first + only_second + both[c])
            note = _rare_code_note(marked, n_units - int(both[c]))
            for j in range(2) if note is None else ():
                # One coder's labels do not vary: kappa is 0 and its standard error exactly 0.
                if marks[c, j] == 0:
                    note = f"{names[j]!r} never used this code: no interval"
                elif marks[c, j] == n_units:
                    note = f"{names[j]!r} marked every turn with this code: no interval"
                if note is not None:
                    break
            value, low, high = result.kappa, result.ci_low, result.ci_high
            if note is not None:
                low, high = nan, nan
            values.append((value, low, high, n_units, n_compared, note))
        return _rows("code", code_ids, labels, ["kappa"] * n_codes, values)
    bounds = np.searchsorted(code_of_pair, np.arange(n_codes + 1))
    m_usable = m[usable]
    rng = np.random.default_rng(_SEED)
    for c in range(n_codes):
        here = slice(bounds[c], bounds[c + 1])
        m_yes = m[unit_of_pair[here]]
        marked = bounds[c + 1] - bounds[c]
        everyone = int((yes[here] == m_yes).sum())
        note = _rare_code_note(int(marked), n_units - everyone)
        # Every code with a value draws its resamples, even one that gets no interval, so that
        # the other codes' intervals do not depend on whether a rare code has one.
        value, low, high, undefined = _binary_alpha_with_interval(yes[here], m_yes, m_usable, rng)
        if note is None and undefined > _BOOTSTRAP_MAX_UNDEFINED:
            note = f"no interval: {undefined:.0%} of bootstrap resamples had no variation"
        if note is not None:
            low, high = nan, nan
        values.append((value, low, high, n_units, n_compared, note))
    return _rows("code", code_ids, labels, ["alpha"] * n_codes, values)


def _rare_code_note(marked: int, unmarked: int) -> str | None:
    """Why a code gets no interval: too few turns marked (or left unmarked) with it.

    ``marked``: units some coder marked with the code; ``unmarked``: units some coder did not.
    """
    if marked == 0:
        return "no annotator used this code on these turns"
    if unmarked == 0:
        return "every annotator marked every turn with this code"
    if marked < MIN_CODED_UNITS:
        return f"too few coded units ({marked})"
    if unmarked < MIN_CODED_UNITS:
        return f"too few turns left uncoded ({unmarked})"
    return None


def _roles(roles: Iterable[str] | str | None) -> list[str] | None:
    """The roles asked for; None for every turn (``"all"``) and for the default (decided
    later, from the annotations)."""
    if roles is None or (isinstance(roles, str) and roles == "all"):
        return None
    chosen = [roles] if isinstance(roles, str) else list(roles)
    unknown = [r for r in chosen if r not in ROLES]
    if unknown or not chosen:
        raise ValueError(
            f"agreement_report: roles must name some of {', '.join(ROLES)} (or be 'all'); got "
            f"{chosen!r}"
        )
    return chosen


def _units(annotations: pd.DataFrame, turns: pd.DataFrame) -> tuple[IntArray, IntArray, int]:
    """Each annotation's unit (turn) index, each unit's transcript index, and the number of
    transcripts."""
    n_turns = len(turns)
    transcripts, transcript_names = pd.factorize(
        pd.concat([turns["transcript_id"], annotations["transcript_id"]], ignore_index=True)
    )
    turn_codes, turn_names = pd.factorize(
        pd.concat([turns["turn_id"], annotations["turn_id"]], ignore_index=True)
    )
    keys = transcripts.astype(np.int64) * len(turn_names) + turn_codes
    turn_keys = pd.Index(keys[:n_turns])
    if not turn_keys.is_unique:
        at = int(np.flatnonzero(turn_keys.duplicated())[0])
        raise ValueError(
            f"agreement_report: the turns frame lists turn {turns['turn_id'].iloc[at]!r} of "
            f"transcript {turns['transcript_id'].iloc[at]!r} twice"
        )
    unit_of = turn_keys.get_indexer(keys[n_turns:]).astype(np.int64)
    lost = unit_of < 0
    if lost.any():
        at = int(np.flatnonzero(lost)[0])
        row = annotations.iloc[at]
        label = (
            f"annotation {row['annotation_id']!r}" if "annotation_id" in row else "an annotation"
        )
        raise ValueError(
            f"agreement_report: {label} is on turn {row['turn_id']!r} of transcript "
            f"{row['transcript_id']!r}, which the turns frame does not have"
        )
    transcript_of_unit = transcripts[:n_turns].astype(np.int64)
    return unit_of, transcript_of_unit, len(transcript_names)


def _code_list(
    used: pd.Series, codes: Iterable[str] | None, codebook: Codebook | None
) -> list[str]:
    present = pd.unique(used.dropna()).tolist()
    if codebook is not None:
        unknown = [c for c in present if c not in codebook]
        if unknown:
            raise ValueError(
                f"agreement_report: code {unknown[0]!r} is not in the codebook {codebook.id!r}; "
                "pass the codebook the annotations were made with"
            )
    if codes is not None:
        chosen = list(dict.fromkeys(codes))
        if codebook is not None:
            unknown = [c for c in chosen if c not in codebook]
            if unknown:
                raise ValueError(
                    f"agreement_report: codes names {unknown[0]!r}, which is not in the "
                    f"codebook {codebook.id!r}"
                )
        return chosen
    if codebook is not None:
        wanted = set(present)
        return [code.id for code in codebook if code.id in wanted]
    return sorted(present)


def _binary_alpha(yes: IntArray, m_yes: IntArray, n: float) -> float:
    """Nominal alpha of a yes/no variable from the units where someone said yes."""
    n_yes = float(yes.sum())
    n_no = n - n_yes
    if n_yes == 0 or n_no == 0:
        return math.nan
    o_yes_no = float((yes * (m_yes - yes) / (m_yes - 1.0)).sum())
    return 1.0 - (n - 1.0) * o_yes_no / (n_yes * n_no)


def _binary_alpha_with_interval(
    yes: IntArray, m_yes: IntArray, m_units: IntArray, rng: np.random.Generator
) -> tuple[float, float, float, float]:
    """Alpha of a yes/no code, a percentile bootstrap interval resampling units, and the share
    of resamples in which alpha was undefined (no variation), left out of the interval.

    A unit matters only through its pattern (values m_u, yes n_1u), and there are few patterns,
    so resampling units is drawing pattern counts from a multinomial: exact and fast.
    """
    n = float(m_units.sum())
    value = _binary_alpha(yes, m_yes, n)
    if math.isnan(value):
        return value, math.nan, math.nan, math.nan
    size = int(m_units.max()) + 1
    pattern = np.bincount(m_yes * size + yes, minlength=size * size)
    # Units where nobody said yes: pattern (m, 0).
    pattern[np.arange(size) * size] = np.bincount(m_units, minlength=size) - np.bincount(
        m_yes, minlength=size
    )
    used = np.flatnonzero(pattern)
    m_p, yes_p = used // size, used % size
    draws = rng.multinomial(len(m_units), pattern[used] / len(m_units), size=_BOOTSTRAP)
    n_b = draws @ m_p.astype(np.float64)
    yes_b = draws @ yes_p.astype(np.float64)
    o_b = draws @ (yes_p * (m_p - yes_p) / (m_p - 1.0))
    no_b = n_b - yes_b
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 - (n_b - 1.0) * o_b / (yes_b * no_b)
    defined = np.isfinite(alphas)
    undefined = 1.0 - float(defined.mean())
    if not defined.any():
        return value, math.nan, math.nan, undefined
    low, high = np.quantile(alphas[defined], [0.025, 0.975])
    return value, float(low), float(high), undefined


def _item_rows(
    ratings: pd.DataFrame, raters: Iterable[str] | None, rubric: Rubric | str | None
) -> pd.DataFrame:
    require_columns(
        ratings,
        ("transcript_id", "rubric_id", "rater", "item_id", "score"),
        "ratings",
        caller="agreement_report",
    )
    frame = ratings
    rubric_id = rubric.id if isinstance(rubric, Rubric) else rubric
    if rubric_id is not None:
        frame = frame.loc[frame["rubric_id"] == rubric_id]
    else:
        rubrics = sorted(pd.unique(frame["rubric_id"].dropna()).tolist())
        if len(rubrics) > 1:
            raise ValueError(
                f"agreement_report: the ratings are on {len(rubrics)} rubrics "
                f"({', '.join(map(repr, rubrics))}); pass rubric=... to choose one"
            )
    names = _selected(frame["rater"], raters, "rater", "ratings")
    if len(names) < 2:
        raise ValueError(
            "agreement_report: agreement per rubric item needs ratings by at least two raters; "
            f"found {len(names)} ({', '.join(map(repr, names)) or 'none'}). Pass ratings=None "
            "to report codes only."
        )
    frame = frame.loc[frame["rater"].isin(names) & frame["score"].notna()]
    items = list(pd.unique(frame["item_id"]))
    if isinstance(rubric, Rubric):
        position = {item.id: i for i, item in enumerate(rubric.items)}
        items.sort(key=lambda i: (position.get(i, len(position)), i))
        labels = [rubric.item(i).label if i in rubric else i for i in items]
    else:
        labels = list(items)
    item_index = pd.Index(items).get_indexer(frame["item_id"])
    targets, _ = pd.factorize(frame["transcript_id"])
    who, rater_names = pd.factorize(frame["rater"], sort=True)
    scores = _numeric_column(frame["score"], "agreement_report: the ratings' column 'score'")
    n_targets = int(targets.max()) + 1 if len(targets) else 0
    cell = (item_index.astype(np.int64) * max(n_targets, 1) + targets) * len(rater_names) + who
    twice = pd.Index(cell).duplicated()
    if twice.any():
        at = int(np.flatnonzero(twice)[0])
        raise ValueError(
            f"agreement_report: rater {frame['rater'].iloc[at]!r} scored item "
            f"{frame['item_id'].iloc[at]!r} of transcript {frame['transcript_id'].iloc[at]!r} "
            "twice"
        )
    values: list[_Row] = []
    statistics: list[str] = []
    order = np.argsort(item_index, kind="stable")
    bounds = np.searchsorted(item_index[order], np.arange(len(items) + 1))
    for i in range(len(items)):
        rows = order[bounds[i] : bounds[i + 1]]
        statistic, value = _item_icc(targets[rows], who[rows], scores[rows])
        statistics.append(statistic)
        values.append(value)
    return _rows(
        "item", [str(i) for i in items], [str(label) for label in labels], statistics, values
    )


def _item_icc(
    targets: npt.NDArray[np.intp], raters: npt.NDArray[np.intp], scores: FloatArray
) -> tuple[str, _Row]:
    """The ICC of one item on the design that uses the most scores (agreement_report)."""
    target_ids, target_index = np.unique(targets, return_inverse=True)
    rater_ids, rater_index = np.unique(raters, return_inverse=True)
    matrix = np.full((len(target_ids), len(rater_ids)), np.nan)
    matrix[target_index, rater_index] = scores
    present = ~np.isnan(matrix)
    counts = present.sum(axis=1)
    compared = counts >= 2
    n_compared = int(compared.sum())
    nan = math.nan

    # Two-way: the largest block of raters x sessions with every score present.
    crossed = _largest_crossed_block(present)
    two_way_scores = int(crossed[0].sum() * crossed[1].sum()) if crossed is not None else 0
    # One-way: the sessions with the most common number of scores (the larger on a tie).
    sizes, how_often = np.unique(counts[compared], return_counts=True)
    one_way_scores, size = 0, 0
    if len(sizes) and how_often.max() >= 2:
        size = int(sizes[np.flatnonzero(how_often == how_often.max())[-1]])
        one_way_scores = size * int(how_often.max())

    if crossed is not None and two_way_scores >= one_way_scores:
        sessions, chosen_raters = crossed
        table = _icc_table(matrix[np.ix_(sessions, chosen_raters)], 0.05)
        row = table.iloc[1]
        used = int(sessions.sum())
        return "icc2_1", (
            float(row["icc"]),
            float(row["ci_low"]),
            float(row["ci_high"]),
            used,
            int(chosen_raters.sum()),
            _left_out_note(used, n_compared),
        )
    if one_way_scores:
        chosen = counts == size
        picked = matrix[chosen]
        # One-way: each target's scores in any order (rater identity plays no part).
        packed = np.sort(picked, axis=1)[:, :size]
        table = _icc_table(packed, 0.05)
        row = table.iloc[0]
        used = int(chosen.sum())
        return "icc1_1", (
            float(row["icc"]),
            float(row["ci_low"]),
            float(row["ci_high"]),
            used,
            int((~np.isnan(picked)).any(axis=0).sum()),
            _left_out_note(used, n_compared),
        )
    note = "fewer than 2 sessions scored by 2 or more raters"
    return "icc2_1", (nan, nan, nan, n_compared, int(present.any(axis=0).sum()), note)


def _left_out_note(used: int, compared: int) -> str | None:
    if used == compared:
        return None
    return f"{compared - used} of {compared} sessions with 2 or more scores left out"


#: Rater sets _largest_crossed_block tries at most (beyond the raters' pairs and the sets of
#: raters that scored a session): intersections of those sets are added until this many.
_MAX_RATER_SETS: Final = 2048


def _largest_crossed_block(
    present: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]] | None:
    """The sessions and the raters (at least 2 of each) of the complete block with the most
    scores: a set of raters and the sessions every one of them scored. Ties go to more
    sessions, then more raters, then raters earlier in order.

    The best set of raters is the intersection of the rater sets of the sessions it covers, so
    the candidates are the sets of raters that scored a session, their intersections, and
    every pair of raters (which covers the common case cheaply however many sets there are).
    """
    k = present.shape[1]
    rows = present[present.sum(axis=1) >= 2]
    if len(rows) < 2:
        return None
    patterns, pattern_counts = _unique_rows(rows)
    first, second = np.triu_indices(k, 1)
    pairs = np.zeros((len(first), k), dtype=bool)
    pairs[np.arange(len(first)), first] = True
    pairs[np.arange(len(first)), second] = True
    candidates, _ = _unique_rows(np.vstack([patterns, pairs]))
    frontier = patterns
    while len(frontier) and len(candidates) < _MAX_RATER_SETS:
        budget = max(1, _MAX_RATER_SETS // max(len(patterns), 1))
        meets = (frontier[:budget, None, :] & patterns[None, :, :]).reshape(-1, k)
        meets, _ = _unique_rows(meets[meets.sum(axis=1) >= 2])
        known = {row.tobytes() for row in candidates}
        fresh = np.array([row.tobytes() not in known for row in meets], dtype=bool)
        frontier = meets[fresh]
        candidates = np.vstack([candidates, frontier])
    sizes = candidates.sum(axis=1)
    # covers[p, c]: pattern p holds every rater of candidate c.
    covers = (patterns.astype(np.float32) @ candidates.T.astype(np.float32)) == sizes[None, :]
    sessions = pattern_counts @ covers
    scores = sessions * sizes
    ok = sessions >= 2
    if not ok.any():
        return None
    # Highest scores, then sessions, then raters; then raters earliest in order.
    order = np.lexsort((*candidates.T[::-1], sizes, sessions, scores))
    order = order[ok[order]]
    best: npt.NDArray[np.bool_] = candidates[order[-1]]
    sessions_of_best = np.asarray(present[:, best].all(axis=1), dtype=bool)
    return sessions_of_best, best


def _unique_rows(
    rows: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.bool_], IntArray]:
    """The distinct rows of a boolean matrix and how often each occurs (rows in a fixed order).

    Up to 62 columns a row is a bit mask, and the masks are unique integers: much faster than
    ``np.unique(axis=0)``, which the wider case uses.
    """
    k = rows.shape[1]
    if k > 62:
        found, counts = np.unique(rows, axis=0, return_counts=True)
        return np.asarray(found, dtype=bool), np.asarray(counts, dtype=np.int64)
    bits = np.left_shift(np.int64(1), np.arange(k, dtype=np.int64))
    masks, counts = np.unique(rows.astype(np.int64) @ bits, return_counts=True)
    decoded = (masks[:, None] & bits[None, :]) != 0
    return decoded, np.asarray(counts, dtype=np.int64)
