"""Cohort tables: the tidy frames an educator reads a course from, and their aggregates.

The store keeps annotations and ratings per transcript (:mod:`attune_jupyter.store.base`); it does
not know who the trainee was or which of their sessions a transcript is. A *sessions frame* says
so, and a *turns frame* gives each annotated turn its position and role. The functions here join
those four frames and aggregate them; every one takes frames and returns a new frame, so that
they work the same on a store's frames, on a synthetic cohort
(:mod:`attune_jupyter.core.synthetic_cohort`) and on frames an educator built by hand.

The turns frame (:func:`turns_frame`)
-------------------------------------
One row per turn, sorted by ``transcript_id`` and ``position``:

============== ========= ==========================================================
column         dtype     meaning
============== ========= ==========================================================
transcript_id  ``str``   the transcript
turn_id        ``str``   the turn, as annotations refer to it
position       ``int64`` 0-based place of the turn in its transcript
role           ``str``   ``"therapist"``, ``"client"`` or ``"other"``
n_chars        ``int64`` length of the turn's text in code points (span offsets count these)
============== ========= ==========================================================

It holds neither the turns' text nor the speakers' labels (which are often names): cohort tables
are shared with people who need not read the sessions. The role says who spoke.

The sessions frame (:func:`sessions_frame`)
-------------------------------------------
One row per transcript that belongs to the cohort, sorted by ``trainee`` and ``session``:
``transcript_id`` (``str``, unique), ``trainee`` (``str``), ``session`` (``int64``, the 1-based
number of the session among that trainee's, unique per trainee) and ``supervisor`` (``str``,
``<NA>`` when not known).

Counting conventions
--------------------
A *coded session* is a transcript together with one annotator who has at least one annotation in
it. Rates divide by the turns of the coded sessions, so when two supervisors coded a session its
turns count twice and the rate is the average coder's rate: adding a second coder never doubles a
rate. A session no one has coded yet is absent from code tables rather than shown as "no codes".
Adjudicated annotations (the agreed code recorded after comparing coders) are not anyone's own
coding and are left out of every count; :func:`annotation_records` keeps them, flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.rubric import Rubric
from attune_jupyter.core.transcript import Transcript

if TYPE_CHECKING:
    from attune_jupyter.store.base import Store

__all__ = [
    "CODE_RATE_KEYS",
    "SESSION_COLUMNS",
    "TURN_COLUMNS",
    "CohortData",
    "annotation_records",
    "calibration",
    "check_sessions",
    "code_rates",
    "item_scores",
    "load_cohort",
    "miti_scores",
    "progress",
    "require_columns",
    "sessions_frame",
    "therapist_turn_shares",
    "turns_frame",
]

TURN_COLUMNS: Final = ("transcript_id", "turn_id", "position", "role", "n_chars")
SESSION_COLUMNS: Final = ("transcript_id", "trainee", "session", "supervisor")

#: Columns :func:`code_rates` can group by. The first five describe a coded session (they set the
#: denominator); ``role`` narrows the turns counted; the last two only split the count.
CODE_RATE_KEYS: Final = (
    "trainee",
    "session",
    "transcript_id",
    "supervisor",
    "annotator",
    "role",
    "family",
    "code_id",
)
_UNIT_KEYS: Final = ("trainee", "session", "transcript_id", "supervisor", "annotator")
_CODE_KEYS: Final = ("family", "code_id")

Unassigned = Literal["raise", "drop"]


@dataclass(frozen=True)
class CohortData:
    """The four frames a cohort's tables are computed from (see the module docstring).

    Attributes
    ----------
    sessions, turns:
        The sessions and turns frames.
    annotations, ratings:
        The store's annotations and ratings frames (:mod:`attune_jupyter.store.base`).
    """

    sessions: pd.DataFrame
    turns: pd.DataFrame
    annotations: pd.DataFrame
    ratings: pd.DataFrame


def load_cohort(
    store: Store,
    *,
    sessions: pd.DataFrame | None = None,
    transcripts: Iterable[Transcript] = (),
) -> CohortData:
    """Read a cohort's frames from a store.

    Parameters
    ----------
    store:
        An open store.
    sessions:
        The sessions frame. By default it is read from the metadata (``trainee``, ``session``,
        ``supervisor``) of the transcripts the store holds the text of; see
        :func:`sessions_frame`.
    transcripts:
        Transcripts whose text the store does not hold (registered by an Annotator without being
        imported), so that their turns are known.

    Returns
    -------
    CohortData
        Only the annotations and ratings of the sessions' transcripts. The annotations keep
        their ``note`` column, the one free text in these frames: leave it out of what you share.

    Raises
    ------
    ValueError
        When a session's text is neither in the store nor given, or the sessions are not valid.
    """
    given = {t.id: t for t in transcripts}
    stored = store.transcripts()
    texts = set(stored.loc[stored["text_stored"], "transcript_id"])
    known = [given[i] if i in given else store.transcript(i) for i in sorted(texts)]
    known += [t for i, t in given.items() if i not in texts]
    checked = sessions_frame(known) if sessions is None else check_sessions(sessions)
    wanted = set(checked["transcript_id"])
    unknown = sorted(wanted - texts - set(given))
    if unknown:
        raise ValueError(
            f"load_cohort: the store does not hold the text of {len(unknown)} session(s) "
            f"({', '.join(map(repr, unknown[:3]))}{', ...' if len(unknown) > 3 else ''}), so "
            "their turns are unknown; import them (attune import) or pass them as transcripts="
        )
    turns = turns_frame(t for t in known if t.id in wanted)
    annotations = store.annotations()
    ratings = store.ratings()
    return CohortData(
        sessions=checked,
        turns=turns,
        annotations=annotations.loc[annotations["transcript_id"].isin(wanted)].reset_index(
            drop=True
        ),
        ratings=ratings.loc[ratings["transcript_id"].isin(wanted)].reset_index(drop=True),
    )


def require_columns(
    frame: pd.DataFrame,
    columns: Iterable[str],
    name: str,
    *,
    caller: str | None = None,
    hint: str | None = None,
) -> None:
    """Refuse a frame without the columns a function needs, naming the first one missing.

    ``name`` says which frame ("annotations", "ratings"...); ``caller`` prefixes the message
    with the function's name when it is not obvious from the traceback; ``hint`` ends it with
    what to do (for example which function builds the frame).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        prefix = f"{caller}: " if caller else ""
        suffix = f"; {hint}" if hint else ""
        raise ValueError(
            f"{prefix}the {name} frame has no column {missing[0]!r} "
            f"(it has: {', '.join(map(str, frame.columns))}){suffix}"
        )


def _text(values: Iterable[object]) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def turns_frame(transcripts: Iterable[Transcript]) -> pd.DataFrame:
    """The turns frame (see the module docstring) of some transcripts.

    Raises
    ------
    ValueError
        When two transcripts have the same id.
    """
    ids: list[str] = []
    turn_ids: list[str] = []
    positions: list[int] = []
    roles: list[str] = []
    lengths: list[int] = []
    seen: set[str] = set()
    for transcript in transcripts:
        if transcript.id in seen:
            raise ValueError(f"transcript {transcript.id!r} is given twice")
        seen.add(transcript.id)
        for position, turn in enumerate(transcript.turns):
            ids.append(transcript.id)
            turn_ids.append(turn.id)
            positions.append(position)
            roles.append(turn.role)
            lengths.append(len(turn.text))
    frame = pd.DataFrame(
        {
            "transcript_id": _text(ids),
            "turn_id": _text(turn_ids),
            "position": pd.Series(positions, dtype="int64"),
            "role": _text(roles),
            "n_chars": pd.Series(lengths, dtype="int64"),
        }
    )
    return frame.sort_values(["transcript_id", "position"], kind="stable", ignore_index=True)


def sessions_frame(
    transcripts: Iterable[Transcript],
    *,
    trainee_key: str = "trainee",
    session_key: str = "session",
    supervisor_key: str = "supervisor",
) -> pd.DataFrame:
    """The sessions frame read from the transcripts' metadata.

    Transcripts loaded from a course folder carry their trainee and session number in their
    metadata (a JSON transcript's ``metadata`` object, for example). Transcripts without a
    trainee are left out, so a folder can also hold exercise transcripts.

    Parameters
    ----------
    transcripts:
        The transcripts.
    trainee_key, session_key, supervisor_key:
        The metadata keys to read.

    Raises
    ------
    ValueError
        When a transcript has a trainee but no whole session number >= 1 (naming the transcript
        and the key), or a trainee has two transcripts with the same session number.
    """
    rows: list[tuple[str, str, int, str | None]] = []
    for transcript in transcripts:
        meta = transcript.metadata
        trainee = meta.get(trainee_key)
        if trainee is None or trainee == "":
            continue
        session = meta.get(session_key)
        if isinstance(session, bool) or not isinstance(session, int) or session < 1:
            raise ValueError(
                f"transcript {transcript.id!r}: metadata {session_key!r} must be a whole number "
                f">= 1 (the trainee's session number), got {session!r}"
            )
        supervisor = meta.get(supervisor_key)
        rows.append(
            (
                transcript.id,
                str(trainee),
                session,
                None if supervisor in (None, "") else str(supervisor),
            )
        )
    frame = pd.DataFrame(
        {
            "transcript_id": _text(r[0] for r in rows),
            "trainee": _text(r[1] for r in rows),
            "session": pd.Series([r[2] for r in rows], dtype="int64"),
            "supervisor": _text(r[3] for r in rows),
        }
    )
    return check_sessions(frame)


def check_sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    """Check a sessions frame and return it with the documented dtypes, columns and order.

    Raises
    ------
    ValueError
        When a column is missing, a transcript appears twice, a session number is not a whole
        number >= 1, or a trainee has two transcripts with the same session number; the message
        names the transcript.
    """
    require_columns(sessions, SESSION_COLUMNS[:3], "sessions")
    frame = sessions.loc[:, [c for c in SESSION_COLUMNS if c in sessions.columns]].copy()
    if "supervisor" not in frame.columns:
        frame["supervisor"] = pd.Series(pd.NA, index=frame.index, dtype="str")
    numbers = pd.to_numeric(frame["session"], errors="coerce")
    bad = numbers.isna() | (numbers < 1) | (numbers != np.floor(numbers.fillna(0)))
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise ValueError(
            f"sessions frame: transcript {row['transcript_id']!r} has session "
            f"{row['session']!r}; session numbers are whole numbers >= 1"
        )
    frame["session"] = numbers.astype("int64")
    for column in ("transcript_id", "trainee", "supervisor"):
        frame[column] = frame[column].astype("str")
    twice = frame["transcript_id"].duplicated()
    if twice.any():
        raise ValueError(
            f"sessions frame: transcript {frame.loc[twice, 'transcript_id'].iloc[0]!r} "
            "appears twice; each transcript is one session"
        )
    clash = frame.duplicated(["trainee", "session"], keep=False)
    if clash.any():
        rows = frame.loc[clash].sort_values("transcript_id").iloc[:2]
        raise ValueError(
            f"sessions frame: trainee {rows['trainee'].iloc[0]!r} has two transcripts numbered "
            f"session {int(rows['session'].iloc[0])} ({rows['transcript_id'].iloc[0]!r} and "
            f"{rows['transcript_id'].iloc[1]!r})"
        )
    frame = frame.loc[:, list(SESSION_COLUMNS)]
    return frame.sort_values(["trainee", "session"], kind="stable", ignore_index=True)


def _families(codes: pd.Series, codebook: Codebook | None) -> pd.Series:
    unique = pd.unique(codes)
    if codebook is None:
        return pd.Series(pd.NA, index=codes.index, dtype="str")
    unknown = [c for c in unique if c not in codebook]
    if unknown:
        raise ValueError(
            f"code {unknown[0]!r} is not in the codebook {codebook.id!r}; pass the codebook the "
            "annotations were made with"
        )
    family = {code: codebook.family_of(code) for code in unique}
    return codes.map(family).astype("str")


def _assigned(
    frame: pd.DataFrame, sessions: pd.DataFrame, what: str, unassigned: Unassigned
) -> pd.DataFrame:
    if unassigned not in ("raise", "drop"):
        raise ValueError(f"unassigned must be 'raise' or 'drop', got {unassigned!r}")
    merged = frame.merge(
        sessions, on="transcript_id", how="left", validate="many_to_one", sort=False
    )
    outside = merged["trainee"].isna()
    if outside.any():
        if unassigned == "raise":
            transcript = merged.loc[outside, "transcript_id"].iloc[0]
            raise ValueError(
                f"{what} of transcript {transcript!r}, which is not in the sessions frame; add it "
                "there, or pass unassigned='drop' to leave such transcripts out"
            )
        merged = merged.loc[~outside]
    return merged


def annotation_records(
    annotations: pd.DataFrame,
    turns: pd.DataFrame,
    sessions: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    unassigned: Unassigned = "raise",
) -> pd.DataFrame:
    """The annotations frame with each annotation's trainee, session, turn role and code family.

    Parameters
    ----------
    annotations:
        The store's annotations frame (:mod:`attune_jupyter.store.base`), or any frame with at
        least ``transcript_id``, ``turn_id``, ``code_id`` and ``annotator``.
    turns, sessions:
        The turns and sessions frames (module docstring).
    codebook:
        The codebook the codes belong to; gives ``family`` (the top-level code's id). Without
        it ``family`` is ``<NA>``.
    unassigned:
        ``"raise"`` (default) refuses annotations of transcripts missing from ``sessions``;
        ``"drop"`` leaves them out.

    Returns
    -------
    pandas.DataFrame
        The annotation columns followed by ``trainee``, ``session``, ``supervisor``,
        ``position``, ``role`` and ``family``; sorted by trainee, session, annotator, position,
        then the store's order.

    Raises
    ------
    ValueError
        When a column is missing, a code is not in the codebook, an annotation's transcript is
        not in ``sessions`` (with ``unassigned="raise"``), or an annotation names a turn the
        turns frame does not have (naming the annotation).
    """
    records = _joined_records(annotations, turns, sessions, codebook, unassigned)
    return records.sort_values(
        ["trainee", "session", "annotator", "position"], kind="stable", ignore_index=True
    )


def _joined_records(
    annotations: pd.DataFrame,
    turns: pd.DataFrame,
    sessions: pd.DataFrame,
    codebook: Codebook | None,
    unassigned: Unassigned,
) -> pd.DataFrame:
    """:func:`annotation_records` in no particular order, for the aggregates."""
    require_columns(
        annotations, ("transcript_id", "turn_id", "code_id", "annotator"), "annotations"
    )
    require_columns(turns, ("transcript_id", "turn_id", "position", "role"), "turns")
    checked = check_sessions(sessions)
    merged = _assigned(annotations, checked, "an annotation", unassigned)
    merged = merged.merge(
        turns.loc[:, ["transcript_id", "turn_id", "position", "role"]],
        on=["transcript_id", "turn_id"],
        how="left",
        validate="many_to_one",
        sort=False,
    )
    lost = merged["position"].isna()
    if lost.any():
        row = merged.loc[lost].iloc[0]
        label = row["annotation_id"] if "annotation_id" in merged.columns else "an annotation"
        raise ValueError(
            f"annotation {label!r} is on turn {row['turn_id']!r} of transcript "
            f"{row['transcript_id']!r}, which the turns frame does not have"
        )
    merged["position"] = merged["position"].astype("int64")
    merged["family"] = _families(merged["code_id"], codebook)
    return merged


def _own_coding(annotations: pd.DataFrame) -> pd.DataFrame:
    """Leave out adjudicated annotations: they record the agreed code after a comparison, not
    anyone's own coding, and would count a moment twice."""
    if "adjudicated" not in annotations.columns:
        return annotations
    return annotations.loc[~annotations["adjudicated"].fillna(False).astype(bool)]


def _coded_units(records: pd.DataFrame, turns: pd.DataFrame, role_split: bool) -> pd.DataFrame:
    """One row per coded session (transcript, annotator) and, when asked, per turn role."""
    units = records.loc[:, [*_UNIT_KEYS]].drop_duplicates(["transcript_id", "annotator"])
    keys = ["transcript_id", "role"] if role_split else ["transcript_id"]
    sizes = turns.groupby(keys, sort=False, observed=True).size().rename("turns").reset_index()
    return units.merge(sizes, on="transcript_id", how="inner", sort=False)


def code_rates(
    annotations: pd.DataFrame,
    turns: pd.DataFrame,
    sessions: pd.DataFrame,
    codebook: Codebook | None = None,
    by: Sequence[str] = ("trainee", "session", "role", "family"),
    *,
    annotators: Iterable[str] | None = None,
    unassigned: Unassigned = "raise",
) -> pd.DataFrame:
    """How often codes were used: counts and rates per 100 turns, by any of :data:`CODE_RATE_KEYS`.

    Parameters
    ----------
    annotations, turns, sessions, codebook:
        As for :func:`annotation_records`; the codebook is needed to group by ``family``, and
        its families (or codes) give the rows of codes nobody used.
    by:
        The columns of the result before the counts. ``role`` counts annotations by the role of
        the annotated turn and divides by that role's turns.
    annotators:
        Count only these annotators' annotations (the supervisors, say, leaving self-ratings
        out). A session counts as coded only by annotators kept.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``count`` (``int64``: annotations), ``turns`` (``int64``: turns of
        the coded sessions in the group, see the module docstring) and ``per_100_turns``
        (``float64``). Every group of coded sessions has a row for every family or code (of the
        codebook when given, else those used), with 0 when none was coded; sorted by ``by``.

    Raises
    ------
    ValueError
        For an unknown or repeated ``by`` column, ``family`` without a codebook, and the cases
        of :func:`annotation_records`.
    """
    keys = list(by)
    unknown = [k for k in keys if k not in CODE_RATE_KEYS]
    if unknown or len(set(keys)) != len(keys) or not keys:
        raise ValueError(
            f"by must name distinct columns among {', '.join(CODE_RATE_KEYS)}; got {keys!r}"
        )
    if "family" in keys and codebook is None:
        raise ValueError("grouping by family needs the codebook the annotations were made with")
    records = _joined_records(_own_coding(annotations), turns, sessions, codebook, unassigned)
    if annotators is not None:
        records = records.loc[records["annotator"].isin(list(annotators))]
    role_split = "role" in keys
    unit_keys = [k for k in keys if k in _UNIT_KEYS or k == "role"]
    code_keys = [k for k in keys if k in _CODE_KEYS]

    units = _coded_units(records, turns, role_split)
    if unit_keys:
        denominators = units.groupby(unit_keys, sort=False, observed=True)["turns"].sum()
        groups = denominators.reset_index()
    else:
        groups = pd.DataFrame({"turns": [int(units["turns"].sum())]})
    if code_keys:
        categories = _code_categories(records, code_keys, codebook)
        groups = groups.merge(categories, how="cross")
    counts = records.groupby(keys, sort=False, observed=True).size().rename("count").reset_index()
    frame = groups.merge(counts, on=keys, how="left", sort=False)
    frame["count"] = frame["count"].fillna(0).astype("int64")
    frame["turns"] = frame["turns"].astype("int64")
    frame["per_100_turns"] = (100.0 * frame["count"] / frame["turns"]).astype("float64")
    frame = frame.loc[:, [*keys, "count", "turns", "per_100_turns"]]
    return frame.sort_values(keys, kind="stable", ignore_index=True)


def _code_categories(
    records: pd.DataFrame, code_keys: list[str], codebook: Codebook | None
) -> pd.DataFrame:
    if codebook is not None:
        pairs = [(code.id, codebook.family_of(code.id)) for code in codebook]
        known = pd.DataFrame(
            {"code_id": _text(p[0] for p in pairs), "family": _text(p[1] for p in pairs)}
        )
        if code_keys == ["family"]:
            known = pd.DataFrame({"family": _text(c.id for c in codebook.families())})
        return known.loc[:, code_keys].drop_duplicates(ignore_index=True)
    return records.loc[:, code_keys].drop_duplicates(ignore_index=True)


def therapist_turn_shares(
    annotations: pd.DataFrame,
    turns: pd.DataFrame,
    sessions: pd.DataFrame,
    codebook: Codebook,
    *,
    families: Iterable[str] | None = None,
    annotators: Iterable[str] | None = None,
    unassigned: Unassigned = "raise",
) -> pd.DataFrame:
    """The share of therapist turns each coder coded with each family, per coded session.

    With the default codebook this is the share of the trainee's turns found attuned, rigid or
    detached. A turn counts once per family however many of the family's codes, spans or pairs
    it has.

    Parameters
    ----------
    families:
        Family ids to report (default: all of the codebook's families, in its order).
    annotators:
        Keep only these annotators.

    Returns
    -------
    pandas.DataFrame
        ``trainee``, ``session``, ``transcript_id``, ``annotator``, ``family``, ``coded_turns``
        (``int64``), ``therapist_turns`` (``int64``) and ``share`` (``float64``, 0 to 1; NaN for
        a transcript with no therapist turn). Sorted by trainee, session, annotator and family
        in the codebook's order.
    """
    wanted = [c.id for c in codebook.families()] if families is None else list(families)
    for family in wanted:
        if family not in codebook or codebook.family_of(family) != family:
            raise ValueError(
                f"{family!r} is not a family of the codebook {codebook.id!r} (its families: "
                f"{', '.join(c.id for c in codebook.families())})"
            )
    records = _joined_records(_own_coding(annotations), turns, sessions, codebook, unassigned)
    if annotators is not None:
        records = records.loc[records["annotator"].isin(list(annotators))]
    units = records.loc[:, [*_UNIT_KEYS]].drop_duplicates(["transcript_id", "annotator"])
    therapist = turns.loc[turns["role"] == "therapist"]
    sizes = therapist.groupby("transcript_id", sort=False).size().rename("therapist_turns")
    units = units.merge(sizes.reset_index(), on="transcript_id", how="left", sort=False)
    units["therapist_turns"] = units["therapist_turns"].fillna(0).astype("int64")
    order = pd.DataFrame({"family": _text(wanted), "_order": np.arange(len(wanted))})
    grid = units.merge(order, how="cross")
    coded = records.loc[records["role"] == "therapist"]
    coded = coded.drop_duplicates(["transcript_id", "annotator", "family", "turn_id"])
    counts = coded.groupby(["transcript_id", "annotator", "family"], sort=False).size()
    grid = grid.merge(
        counts.rename("coded_turns").reset_index(),
        on=["transcript_id", "annotator", "family"],
        how="left",
        sort=False,
    )
    grid["coded_turns"] = grid["coded_turns"].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = grid["coded_turns"] / grid["therapist_turns"].where(grid["therapist_turns"] > 0)
    grid["share"] = share.astype("float64")
    grid = grid.sort_values(["trainee", "session", "annotator", "_order"], kind="stable")
    columns = [
        "trainee",
        "session",
        "transcript_id",
        "annotator",
        "family",
        "coded_turns",
        "therapist_turns",
        "share",
    ]
    return grid.loc[:, columns].reset_index(drop=True)


def item_scores(
    ratings: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    rubric: Rubric | str | None = None,
    unassigned: Unassigned = "raise",
) -> pd.DataFrame:
    """Rubric item scores by trainee x session x rater: the ratings frame joined to the sessions.

    Parameters
    ----------
    ratings:
        The store's ratings frame, or a frame with ``transcript_id``, ``rubric_id``, ``rater``,
        ``item_id`` and ``score``.
    sessions:
        The sessions frame.
    rubric:
        Keep only ratings on this rubric (a :class:`Rubric` or its id). Items then follow the
        rubric's order.

    Returns
    -------
    pandas.DataFrame
        ``trainee``, ``session``, ``transcript_id``, ``rater``, ``rubric_id``, ``item_id`` and
        ``score`` (``Float64``; ``<NA>`` when the item was left unrated), sorted by trainee,
        session, rater, rubric and item order.
    """
    require_columns(ratings, ("transcript_id", "rubric_id", "rater", "item_id", "score"), "ratings")
    frame = ratings.loc[:, ["transcript_id", "rater", "rubric_id", "item_id", "score"]]
    rubric_id = rubric.id if isinstance(rubric, Rubric) else rubric
    if rubric_id is not None:
        frame = frame.loc[frame["rubric_id"] == rubric_id]
    frame = frame.assign(_order=np.arange(len(frame)))
    if isinstance(rubric, Rubric):
        position = {item.id: i for i, item in enumerate(rubric.items)}
        frame["_order"] = frame["item_id"].map(position).fillna(len(position)).astype("int64")
    merged = _assigned(frame, check_sessions(sessions), "a rating", unassigned)
    merged["score"] = merged["score"].astype("Float64")
    merged = merged.sort_values(
        ["trainee", "session", "rater", "rubric_id", "_order"], kind="stable", ignore_index=True
    )
    return merged.loc[
        :, ["trainee", "session", "transcript_id", "rater", "rubric_id", "item_id", "score"]
    ]


def progress(
    ratings: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    rubric: Rubric | str | None = None,
    raters: Iterable[str] | None = None,
    unassigned: Unassigned = "raise",
) -> pd.DataFrame:
    """Each trainee's score on each item, session after session.

    Parameters
    ----------
    ratings, sessions, rubric:
        As for :func:`item_scores`.
    raters:
        Average only these raters (for example the supervisors, leaving self-ratings out).

    Returns
    -------
    pandas.DataFrame
        ``trainee``, ``rubric_id``, ``item_id``, ``session``, ``mean_score`` (``float64``: mean
        of the raters' scores), ``n_raters`` (``int64``: raters who scored it) and ``change``
        (``float64``: ``mean_score`` minus the trainee's first scored session on that item).
        Sessions where nobody scored the item have no row. Sorted by trainee, rubric, item order
        and session.
    """
    scores = item_scores(ratings, sessions, rubric=rubric, unassigned=unassigned)
    if raters is not None:
        scores = scores.loc[scores["rater"].isin(list(raters))]
    scores = scores.loc[scores["score"].notna()]
    order = scores.drop_duplicates(["rubric_id", "item_id"]).reset_index(drop=True)
    order = order.loc[:, ["rubric_id", "item_id"]].assign(_order=np.arange(len(order)))
    keys = ["trainee", "rubric_id", "item_id", "session"]
    grouped = scores.groupby(keys, sort=False, observed=True)["score"]
    frame = grouped.agg(["mean", "count"]).reset_index()
    frame = frame.merge(order, on=["rubric_id", "item_id"], how="left", sort=False)
    frame = frame.sort_values(["trainee", "_order", "session"], kind="stable", ignore_index=True)
    frame["mean_score"] = frame["mean"].astype("float64")
    frame["n_raters"] = frame["count"].astype("int64")
    first = frame.groupby(["trainee", "rubric_id", "item_id"], sort=False)["mean_score"]
    frame["change"] = (frame["mean_score"] - first.transform("first")).astype("float64")
    return frame.loc[:, [*keys, "mean_score", "n_raters", "change"]]


def calibration(ratings: pd.DataFrame, *, rubric: Rubric | str | None = None) -> pd.DataFrame:
    """How far each rater scores from the others: mean deviation from consensus, per item.

    The consensus for a rater's score is the mean of the *other* raters' scores of the same
    session and item, so a rater is never compared with themself. Sessions that only one rater
    scored on an item do not count.

    Returns
    -------
    pandas.DataFrame
        ``rater``, ``rubric_id``, ``item_id``, ``n`` (``int64``: scores compared),
        ``mean_deviation`` (``float64``: positive means more generous than the others) and
        ``sd`` (``float64``, NaN for a single comparison); sorted by rater, rubric and item
        order.
    """
    require_columns(ratings, ("transcript_id", "rubric_id", "rater", "item_id", "score"), "ratings")
    frame = ratings.loc[:, ["transcript_id", "rater", "rubric_id", "item_id", "score"]]
    rubric_id = rubric.id if isinstance(rubric, Rubric) else rubric
    if rubric_id is not None:
        frame = frame.loc[frame["rubric_id"] == rubric_id]
    order = frame.drop_duplicates(["rubric_id", "item_id"]).loc[:, ["rubric_id", "item_id"]]
    if isinstance(rubric, Rubric):
        position = {item.id: i for i, item in enumerate(rubric.items)}
        order = order.assign(_order=order["item_id"].map(position).fillna(len(position)))
    else:
        order = order.assign(_order=np.arange(len(order)))
    scored = frame.loc[frame["score"].notna()].copy()
    scored["score"] = scored["score"].astype("float64")
    cell = ["transcript_id", "rubric_id", "item_id"]
    total = scored.groupby(cell, sort=False)["score"].transform("sum")
    count = scored.groupby(cell, sort=False)["score"].transform("count")
    others = count - 1
    scored["deviation"] = scored["score"] - (total - scored["score"]) / others.where(others > 0)
    scored = scored.loc[others > 0]
    grouped = scored.groupby(["rater", "rubric_id", "item_id"], sort=False)["deviation"]
    result = grouped.agg(["count", "mean", "std"]).reset_index()
    result = result.merge(order, on=["rubric_id", "item_id"], how="left", sort=False)
    result = result.sort_values(["rater", "_order"], kind="stable", ignore_index=True)
    return pd.DataFrame(
        {
            "rater": result["rater"].astype("str"),
            "rubric_id": result["rubric_id"].astype("str"),
            "item_id": result["item_id"].astype("str"),
            "n": result["count"].astype("int64"),
            "mean_deviation": result["mean"].astype("float64"),
            "sd": result["std"].astype("float64"),
        }
    )


def miti_scores(
    annotations: pd.DataFrame,
    ratings: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    unassigned: Unassigned = "raise",
) -> pd.DataFrame:
    """MITI 4.2.1 summary scores of every session coded with MITI behaviour codes.

    Behaviour counts come from each coder's MITI annotations; the global ratings from the same
    person's rating on :meth:`Rubric.miti` of that session, when there is one (otherwise the
    technical and relational scores are ``<NA>``).

    Returns
    -------
    pandas.DataFrame
        ``trainee``, ``session``, ``transcript_id``, ``coder``, ``summary`` (the names of
        :data:`attune_jupyter.core.miti.SUMMARY_NAMES`, in that order), ``value``
        (``Float64``) and ``band`` (``str``: ``"below fair"``, ``"fair"``, ``"good"`` or
        ``<NA>``); sorted by trainee, session and coder. Empty when no session has MITI codes.
    """
    from attune_jupyter.core.miti import SUMMARY_NAMES, count_behaviours, miti_summary

    require_columns(annotations, ("transcript_id", "code_id", "annotator"), "annotations")
    require_columns(ratings, ("transcript_id", "rubric_id", "rater", "item_id", "score"), "ratings")
    checked = check_sessions(sessions)
    counts = count_behaviours(_own_coding(annotations), by=("transcript_id", "annotator"))
    counts = _assigned(counts, checked, "a MITI behaviour code", unassigned)
    miti_id = Rubric.miti().id
    globals_ = ratings.loc[ratings["rubric_id"] == miti_id]
    global_scores: dict[tuple[str, str], dict[str, int | None]] = {}
    for transcript_id, rater, item_id, score in globals_.loc[
        :, ["transcript_id", "rater", "item_id", "score"]
    ].itertuples(index=False, name=None):
        global_scores.setdefault((transcript_id, rater), {})[item_id] = (
            None if pd.isna(score) else int(score)
        )
    rows: list[tuple[str, int, str, str, str, float | None, str | None]] = []
    for key, group in counts.groupby(["transcript_id", "annotator"], sort=False):
        transcript_id, coder = str(key[0]), str(key[1])
        behaviour = dict(zip(group["code_id"], group["count"].astype(int), strict=True))
        summary = miti_summary(global_scores.get((transcript_id, coder), {}), behaviour)
        first = group.iloc[0]
        for name in SUMMARY_NAMES:
            value, band = summary[name]
            rows.append(
                (
                    str(first["trainee"]),
                    int(first["session"]),
                    transcript_id,
                    coder,
                    name,
                    None if value is None else float(value),
                    band,
                )
            )
    frame = pd.DataFrame(
        {
            "trainee": _text(r[0] for r in rows),
            "session": pd.Series([r[1] for r in rows], dtype="int64"),
            "transcript_id": _text(r[2] for r in rows),
            "coder": _text(r[3] for r in rows),
            "summary": _text(r[4] for r in rows),
            "value": pd.Series([r[5] for r in rows], dtype="Float64"),
            "band": _text(r[6] for r in rows),
        }
    )
    return frame.sort_values(["trainee", "session", "coder"], kind="stable", ignore_index=True)
