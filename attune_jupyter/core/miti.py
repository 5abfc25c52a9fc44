"""MITI 4.2.1 (Motivational Interviewing Treatment Integrity): behaviour codes and summary scores.

The instrument has two parts. Its four global ratings are a rubric (:meth:`Rubric.miti`); its ten
behaviour counts are made by annotating the therapist's utterances with the codes of
:func:`miti_codebook` and counting them (:func:`count_behaviours`). :func:`miti_summary` turns
both into the instrument's summary scores with their fair/good bands.

Only the structure ships: code names, formulas and thresholds. The code definitions here are
one-line descriptions written for this project; coders need the instrument's manual for the
actual coding rules.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Final, NamedTuple

import pandas as pd

from attune_jupyter.core.codebook import Code, Codebook
from attune_jupyter.core.rubric import Band, Bands, Rubric

__all__ = [
    "AFFIRM",
    "BEHAVIOURS",
    "COMPLEX_REFLECTION",
    "CONFRONT",
    "EMPHASISING_AUTONOMY",
    "GIVING_INFORMATION",
    "PERCENT_CR_BANDS",
    "PERSUADE",
    "PERSUADE_WITH_PERMISSION",
    "QUESTION",
    "RQ_BANDS",
    "SEEKING_COLLABORATION",
    "SIMPLE_REFLECTION",
    "SUMMARY_NAMES",
    "SummaryScore",
    "count_behaviours",
    "miti_codebook",
    "miti_summary",
]

GIVING_INFORMATION: Final = "miti.giving-information"
PERSUADE: Final = "miti.persuade"
PERSUADE_WITH_PERMISSION: Final = "miti.persuade-with-permission"
QUESTION: Final = "miti.question"
SIMPLE_REFLECTION: Final = "miti.simple-reflection"
COMPLEX_REFLECTION: Final = "miti.complex-reflection"
AFFIRM: Final = "miti.affirm"
SEEKING_COLLABORATION: Final = "miti.seeking-collaboration"
EMPHASISING_AUTONOMY: Final = "miti.emphasising-autonomy"
CONFRONT: Final = "miti.confront"

#: The behaviour code ids, in the codebook's order.
BEHAVIOURS: Final[tuple[str, ...]] = (
    GIVING_INFORMATION,
    PERSUADE,
    PERSUADE_WITH_PERMISSION,
    QUESTION,
    SIMPLE_REFLECTION,
    COMPLEX_REFLECTION,
    AFFIRM,
    SEEKING_COLLABORATION,
    EMPHASISING_AUTONOMY,
    CONFRONT,
)

#: Reflection-to-question ratio: fair from 1, good from 2.
RQ_BANDS: Final = Bands(fair=1, good=2)

#: Percent complex reflections: fair from 40, good from 50.
PERCENT_CR_BANDS: Final = Bands(fair=40, good=50)

#: The keys of :func:`miti_summary`'s result, in order.
SUMMARY_NAMES: Final[tuple[str, ...]] = (
    "technical",
    "relational",
    "reflection_to_question",
    "percent_complex_reflections",
    "mi_adherent",
    "mi_non_adherent",
)

# label, definition, example, colour, key. Definitions and examples are the project's own.
_CODES: Final[Mapping[str, tuple[str, str, str, str, str]]] = {
    GIVING_INFORMATION: (
        "Giving information",
        "Offers facts, feedback or an explanation without pressing the client to change.",
        "The group meets on Tuesdays and lasts about an hour.",
        "#4c78a8",
        "g",
    ),
    PERSUADE: (
        "Persuade",
        "Tries to change the client's view or behaviour by argument, advice or warning, unasked.",
        "You really need to cut down before it starts to affect your health.",
        "#e45756",
        "p",
    ),
    PERSUADE_WITH_PERMISSION: (
        "Persuade with permission",
        "Offers advice or a view after asking, or while making clear the client may disagree.",
        "Could I tell you what has helped others? It may not fit you at all.",
        "#f58518",
        "w",
    ),
    QUESTION: (
        "Question",
        "Asks the client for information, a reflection or an opinion.",
        "What would you like to be different a year from now?",
        "#72b7b2",
        "q",
    ),
    SIMPLE_REFLECTION: (
        "Simple reflection",
        "Gives back what the client said, adding little or no meaning.",
        "You feel stuck at the moment.",
        "#54a24b",
        "s",
    ),
    COMPLEX_REFLECTION: (
        "Complex reflection",
        "Gives back what the client said while adding meaning, emphasis or an unspoken feeling.",
        "Part of you wants this change, and part of you is afraid of what it would cost.",
        "#2e7d32",
        "c",
    ),
    AFFIRM: (
        "Affirm",
        "Says something genuinely positive about the client's strengths, efforts or values.",
        "You kept going to work through all of that; that took determination.",
        "#b279a2",
        "a",
    ),
    SEEKING_COLLABORATION: (
        "Seeking collaboration",
        "Invites the client's ideas, consent or a shared decision about the work.",
        "How would you like to use our time today?",
        "#9d755d",
        "l",
    ),
    EMPHASISING_AUTONOMY: (
        "Emphasising autonomy",
        "Makes clear that the choices and the control belong to the client.",
        "Whether and when you make that change is your decision.",
        "#eeca3b",
        "e",
    ),
    CONFRONT: (
        "Confront",
        "Argues with, criticises or shames the client, or doubts their honesty or ability.",
        "You say you want to stop, but you clearly aren't trying.",
        "#7f0000",
        "x",
    ),
}


class SummaryScore(NamedTuple):
    """One summary score and its band (None when the score has no thresholds or no value)."""

    value: float | None
    band: Band | None


@cache
def miti_codebook() -> Codebook:
    """The ten MITI 4.2.1 behaviour codes as an annotation codebook (flat: no families).

    Code ids are the constants of this module (``miti.question`` and so on); each has its own
    key so that a coder can code utterance by utterance from the keyboard.
    """
    codes = [
        Code(code_id, label, definition, example, colour, key)
        for code_id, (label, definition, example, colour, key) in _CODES.items()
    ]
    return Codebook("miti-4.2.1-behaviours", "MITI 4.2.1 behaviour counts", "1.0.0", codes)


def miti_summary(
    globals: Mapping[str, int | None], behaviour_counts: Mapping[str, int]
) -> dict[str, SummaryScore]:
    """The MITI 4.2.1 summary scores of one session.

    Parameters
    ----------
    globals:
        Global rating item id (the items of :meth:`Rubric.miti`) -> score 1-5, or None or
        absent when not rated.
    behaviour_counts:
        Behaviour code id (:data:`BEHAVIOURS`) -> how many times it was coded; an absent code
        counts 0, as in the frame :func:`count_behaviours` returns.

    Returns
    -------
    dict
        :data:`SUMMARY_NAMES` -> :class:`SummaryScore`:

        ``technical``, ``relational``
            Means of the first two and of the last two globals (None unless both are rated),
            banded fair / good from 3 / 4 and 3.5 / 4.
        ``reflection_to_question``
            (simple + complex reflections) / questions, banded from 1 / 2.
        ``percent_complex_reflections``
            100 * complex / (simple + complex reflections), banded from 40 / 50.
        ``mi_adherent``, ``mi_non_adherent``
            seeking collaboration + affirm + emphasising autonomy, and persuade + confront
            (counts, no bands).

        A ratio whose denominator is 0 is None, with the band None.

    Raises
    ------
    RubricError
        When a global id is unknown or a score is not on the 1-5 scale.
    ValueError
        When a behaviour code id is unknown or a count is not a whole number >= 0.
    """
    rubric = Rubric.miti()
    rubric.check_scores(globals, source="MITI global ratings")
    counts = _checked_counts(behaviour_counts)
    values = rubric.summarise(globals)
    result = {
        summary.id: SummaryScore(values[summary.id], _band(summary.bands, values[summary.id]))
        for summary in rubric.summaries
    }
    reflections = counts[SIMPLE_REFLECTION] + counts[COMPLEX_REFLECTION]
    rq = _ratio(reflections, counts[QUESTION])
    percent_cr = _ratio(100 * counts[COMPLEX_REFLECTION], reflections)
    result["reflection_to_question"] = SummaryScore(rq, RQ_BANDS.of(rq))
    result["percent_complex_reflections"] = SummaryScore(
        percent_cr, PERCENT_CR_BANDS.of(percent_cr)
    )
    adherent = counts[SEEKING_COLLABORATION] + counts[AFFIRM] + counts[EMPHASISING_AUTONOMY]
    result["mi_adherent"] = SummaryScore(adherent, None)
    result["mi_non_adherent"] = SummaryScore(counts[PERSUADE] + counts[CONFRONT], None)
    return {name: result[name] for name in SUMMARY_NAMES}


def count_behaviours(
    annotations: pd.DataFrame, by: Sequence[str] = ("transcript_id",)
) -> pd.DataFrame:
    """Count the MITI behaviour codes in an annotations frame.

    Parameters
    ----------
    annotations:
        A frame with a ``code_id`` column and the ``by`` columns, such as the store's
        annotations frame (:mod:`attune_jupyter.store.base`). Rows with other codes are ignored.
    by:
        The columns that identify one coded session. The default counts per transcript; when
        several coders coded the same transcripts pass ``("transcript_id", "annotator")``, or
        their codes are added together.

    Returns
    -------
    pandas.DataFrame
        A new tidy frame with the ``by`` columns, ``code_id`` and ``count`` (``int64``): one row
        for each of the ten codes of every session with at least one MITI code (so a code not
        used there counts 0), sorted by the ``by`` columns and then in :data:`BEHAVIOURS` order,
        with a fresh ``RangeIndex``. Text columns are of the ``str`` dtype.

    Raises
    ------
    ValueError
        When ``by`` is empty or a column is missing.
    """
    keys = list(by)
    if not keys:
        raise ValueError("count_behaviours needs at least one column in by, such as transcript_id")
    missing = [name for name in (*keys, "code_id") if name not in annotations.columns]
    if missing:
        raise ValueError(f"the annotations frame has no column {missing[0]!r}")
    coded = annotations.loc[annotations["code_id"].isin(BEHAVIOURS), [*keys, "code_id"]]
    sizes = coded.groupby([*keys, "code_id"], sort=False).size().to_dict()
    sessions = coded[keys].drop_duplicates().sort_values(keys, kind="stable")
    rows = [
        (*session, code, int(sizes.get((*session, code), 0)))
        for session in sessions.itertuples(index=False, name=None)
        for code in BEHAVIOURS
    ]
    columns = [*keys, "code_id", "count"]
    data = {
        name: pd.Series([row[i] for row in rows], dtype="int64" if name == "count" else "str")
        for i, name in enumerate(columns)
    }
    return pd.DataFrame(data, columns=columns)


def _checked_counts(behaviour_counts: Mapping[str, int]) -> dict[str, int]:
    counts = dict.fromkeys(BEHAVIOURS, 0)
    for code, count in behaviour_counts.items():
        if code not in counts:
            raise ValueError(
                f"MITI behaviour counts: {code!r} is not a behaviour code (use one of "
                f"{', '.join(BEHAVIOURS)})"
            )
        if not isinstance(count, numbers.Integral) or isinstance(count, bool) or count < 0:
            raise ValueError(
                f"MITI behaviour counts: {code!r}: the count must be a whole number >= 0, "
                f"got {count!r}"
            )
        counts[code] = int(count)
    return counts


def _ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def _band(bands: Bands | None, value: float | None) -> Band | None:
    return None if bands is None else bands.of(value)
