"""A seeded synthetic cohort: trainees, supervisors, sessions, annotations and ratings.

Examples, tests and benchmarks need a course's worth of data that is safe to share: no real
session is in it, every sentence was written for this project, and the same seed always gives the
same cohort. :func:`synthetic_cohort` builds the frames of :mod:`attune_jupyter.core.cohort` and
the store (:mod:`attune_jupyter.store.base`) directly, vectorised, so that a cohort of 10,000
sessions and a million annotations takes seconds; :meth:`SyntheticCohort.transcripts` writes the
matching text only when asked.

How the data behave
-------------------
- Each trainee starts at their own skill and improves at their own pace over their sessions.
- A therapist turn is attuned, rigid, detached or plain; attuned turns grow more frequent and
  rigid or detached ones rarer as skill grows. The turn's words come from a bank of lines
  written for that kind of turn, so the text fits its codes.
- Each session is coded and rated by one or more supervisors (the trainee's own supervisor
  first). Supervisors miss some moments, sometimes pick a sibling code, now and then code a
  plain turn, and mark spans and client-therapist pairs as well as whole turns.
- Rubric scores follow the trainee's skill and the item's difficulty, shifted by each
  supervisor's own severity, with noise; risk items (higher means more of the risk) go the
  other way. A few items are left unrated.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from attune_jupyter.core.annotation import annotations_from_frame
from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.cohort import CohortData
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.rubric import Rubric
from attune_jupyter.core.transcript import Transcript, Turn

if TYPE_CHECKING:
    from attune_jupyter.store.base import Store

__all__ = ["SyntheticCohort", "synthetic_cohort"]

_START: Final = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)

# Lines written for this project. Each bank is one kind of turn; a turn's text is one line.
_CLIENT_LINES: Final = (
    "I keep thinking I should be coping better than this.",
    "Work has been a lot lately, and I'm not sleeping well.",
    "My sister says I'm overreacting, maybe she's right.",
    "I don't really know where to start today.",
    "It's hard to talk about, it still makes me angry.",
    "Some days are fine, and then something small sets me off.",
    "I tried what we talked about, but it didn't last.",
    "I felt really alone at the weekend.",
    "I'm worried this is just who I am now.",
    "Honestly I nearly cancelled today.",
)
_ATTUNED_LINES: Final = (
    "It sounds like you've been carrying this on your own for a while.",
    "That makes sense, given how tired you've been.",
    "I'm curious what that weekend was like for you.",
    "You came today even though part of you wanted to cancel. That matters.",
    "Let's stay with that anger for a moment, if that's all right.",
    "What would feel most useful to start with?",
    "It sounds like your sister's words stung.",
    "Can I check I've understood? The small things are the hardest.",
)
_RIGID_LINES: Final = (
    "We need to stick to the agenda, so let's move on to the worksheet.",
    "Our time is limited; we can't go into that today.",
    "The protocol says we cover sleep hygiene in this session.",
    "You should try to write down three positive things every evening.",
    "That's typical of this kind of presentation.",
)
_DETACHED_LINES: Final = (
    "Okay. Next question on the form.",
    "Noted. How many hours did you sleep on average?",
    "Cognitively, that is an overgeneralisation.",
    "Everyone feels like that sometimes.",
    "Right. Let's look at the scores.",
)
_PLAIN_LINES: Final = (
    "Thank you. Shall we look at the week as a whole?",
    "We have about ten minutes left today.",
    "Last time we talked about your routine at work.",
    "Let's agree on what you'd like to try before next time.",
)
_BANKS: Final = (_PLAIN_LINES, _ATTUNED_LINES, _RIGID_LINES, _DETACHED_LINES, _CLIENT_LINES)
_PLAIN, _ATTUNED, _RIGID, _DETACHED, _CLIENT = range(5)
_SPEAKER_OF_ROLE: Final = {"therapist": "Therapist", "client": "Client"}
_FAMILY_OF_KIND: Final = {_ATTUNED: "attunement", _RIGID: "rigidity", _DETACHED: "detachment"}


def _lines_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All lines, each line's length, and each bank's first index into them."""
    lines = [line for bank in _BANKS for line in bank]
    lengths = np.array([len(line) for line in lines], dtype=np.int64)
    offsets = np.cumsum([0, *(len(bank) for bank in _BANKS)])
    return np.array(lines, dtype=object), lengths, offsets


@dataclass(frozen=True)
class SyntheticCohort(CohortData):
    """A generated cohort: the four tidy frames plus the codebook and rubric they use.

    Attributes
    ----------
    sessions, turns, annotations, ratings:
        As in :class:`~attune_jupyter.core.cohort.CohortData`; the annotations and ratings
        frames have exactly the store's columns and dtypes.
    codebook, rubric:
        What the annotations and ratings were made with.
    supervisors:
        The supervisors' names.
    """

    codebook: Codebook
    rubric: Rubric
    supervisors: tuple[str, ...]
    _line_of_turn: np.ndarray = field(repr=False)

    def transcript(self, transcript_id: str) -> Transcript:
        """The text of one session, built from the line banks (its turns match ``turns``).

        Raises
        ------
        KeyError
            When the cohort has no such transcript.
        """
        rows = np.flatnonzero(self.turns["transcript_id"].to_numpy() == transcript_id)
        if len(rows) == 0:
            raise KeyError(f"the synthetic cohort has no transcript {transcript_id!r}")
        return self._build(transcript_id, rows)

    def transcripts(self) -> Iterator[Transcript]:
        """Every session's transcript, in the sessions frame's order."""
        bounds = self.turns.groupby("transcript_id", sort=False).indices
        for transcript_id in self.sessions["transcript_id"]:
            yield self._build(transcript_id, np.asarray(bounds[transcript_id]))

    def _build(self, transcript_id: str, rows: np.ndarray) -> Transcript:
        lines, _, _ = _lines_table()
        session = self.sessions.loc[self.sessions["transcript_id"] == transcript_id].iloc[0]
        turns = self.turns.iloc[rows]
        return Transcript(
            transcript_id,
            tuple(
                Turn(turn_id, _SPEAKER_OF_ROLE[role], role, lines[line])
                for turn_id, role, line in zip(
                    turns["turn_id"],
                    turns["role"],
                    self._line_of_turn[rows],
                    strict=True,
                )
            ),
            source="synthetic cohort",
            metadata={
                "trainee": session["trainee"],
                "session": int(session["session"]),
                "supervisor": session["supervisor"],
                "synthetic": True,
            },
        )

    def write_to(self, store: Store, *, by: str = "educator") -> None:
        """Put the whole cohort into a store: transcripts, annotations and ratings.

        Parameters
        ----------
        store:
            An open store (for example ``attune_jupyter.open_store(path)``).
        by:
            Who imports the transcripts, for the store's audit record.

        Meant for examples and tests: it writes one record at a time, so keep the cohort to a
        few thousand annotations.
        """
        for transcript in self.transcripts():
            store.import_transcript(transcript, by=by)
        for annotation in annotations_from_frame(self.annotations):
            store.add_annotation(annotation)
        scores: dict[tuple[str, str, str], list[ItemRating]] = {}
        for row in self.ratings.to_dict("records"):
            key = (str(row["rating_id"]), str(row["transcript_id"]), str(row["rater"]))
            scores.setdefault(key, []).append(
                ItemRating(str(row["item_id"]), _optional_int(row["score"]))
            )
        for (rating_id, transcript_id, rater), items in scores.items():
            store.save_rating(
                SessionRating(
                    transcript_id=transcript_id,
                    rubric_id=self.rubric.id,
                    rubric_version=self.rubric.version,
                    rater=rater,
                    items=tuple(items),
                    id=rating_id,
                )
            )


def _optional_int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def synthetic_cohort(
    *,
    trainees: int = 12,
    sessions: int = 6,
    supervisors: int = 3,
    turns_per_session: int = 40,
    coders_per_session: int = 2,
    items: Sequence[str] | None = None,
    codebook: Codebook | None = None,
    rubric: Rubric | None = None,
    seed: int = 0,
) -> SyntheticCohort:
    """Generate a cohort (see the module docstring for how the data behave).

    Parameters
    ----------
    trainees, sessions:
        How many trainees, and how many sessions each has.
    supervisors:
        How many supervisors share the cohort (trainees are assigned to them in turn).
    turns_per_session:
        Turns in each session, alternating therapist and client (therapist first).
    coders_per_session:
        How many supervisors code and rate each session (at most ``supervisors``).
    items:
        Rate only these rubric items (default: all of the rubric's).
    codebook, rubric:
        Default: the project's codebook and rubric. The codebook must have the families
        ``attunement``, ``rigidity`` and ``detachment``, each with sub-codes.
    seed:
        The same seed gives the same cohort.

    Raises
    ------
    ValueError
        For a count below 1 (or below 2 turns), more coders than supervisors, or a codebook
        without the three families.
    KeyError
        For an item the rubric does not have.
    """
    for name, value, least in (
        ("trainees", trainees, 1),
        ("sessions", sessions, 1),
        ("supervisors", supervisors, 1),
        ("turns_per_session", turns_per_session, 2),
        ("coders_per_session", coders_per_session, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    if coders_per_session > supervisors:
        raise ValueError(
            f"coders_per_session ({coders_per_session}) cannot exceed supervisors ({supervisors})"
        )
    codebook = codebook or Codebook.default()
    rubric = rubric or Rubric.default()
    children = {}
    for family in _FAMILY_OF_KIND.values():
        if family not in codebook or not codebook.children(family):
            raise ValueError(
                f"the codebook {codebook.id!r} needs a family {family!r} with sub-codes"
            )
        children[family] = [c.id for c in codebook.children(family)]
    rated = list(items) if items is not None else [item.id for item in rubric.items]
    for item_id in rated:
        rubric.item(item_id)  # raises KeyError naming the item

    rng = np.random.default_rng(seed)
    n_sessions = trainees * sessions
    trainee_names = np.array([f"trainee-{i + 1:03d}" for i in range(trainees)], dtype=object)
    supervisor_names = tuple(f"supervisor-{_letters(i)}" for i in range(supervisors))

    # Who codes each session: the trainee's supervisor, then others in turn. The others rotate
    # over the sessions so that every pair of supervisors meets, and never repeat in a session.
    trainee_of = np.repeat(np.arange(trainees), sessions)
    number_of = np.tile(np.arange(1, sessions + 1), trainees)
    primary = trainee_of % supervisors
    offset = (number_of - 1) % max(supervisors - 1, 1)
    coder_ids = np.stack(
        [primary]
        + [
            (primary + 1 + (offset + k - 1) % (supervisors - 1)) % supervisors
            for k in range(1, coders_per_session)
        ],
        axis=1,
    )
    transcript_ids = np.array(
        [f"{trainee_names[t]}-s{n:02d}" for t, n in zip(trainee_of, number_of, strict=True)],
        dtype=object,
    )
    sessions_frame = pd.DataFrame(
        {
            "transcript_id": pd.Series(transcript_ids, dtype="str"),
            "trainee": pd.Series(trainee_names[trainee_of], dtype="str"),
            "session": pd.Series(number_of, dtype="int64"),
            "supervisor": pd.Series(np.array(supervisor_names, dtype=object)[primary], dtype="str"),
        }
    )

    # Skill: a starting level and a pace per trainee; growth over the course.
    start = rng.normal(-0.6, 0.5, trainees)
    pace = rng.normal(1.2, 0.4, trainees)
    course = (number_of - 1) / max(sessions - 1, 1)
    skill = start[trainee_of] + pace[trainee_of] * course

    # Turns.
    n_turns = n_sessions * turns_per_session
    session_of_turn = np.repeat(np.arange(n_sessions), turns_per_session)
    position = np.tile(np.arange(turns_per_session), n_sessions)
    therapist = position % 2 == 0
    weights = np.stack(
        [
            np.ones(n_sessions),
            np.exp(0.2 + 1.1 * skill),
            np.exp(-1.0 - 0.9 * skill),
            np.exp(-1.0 - 0.9 * skill),
        ],
        axis=1,
    )
    weights /= weights.sum(axis=1, keepdims=True)
    draw = rng.random(n_turns)
    cumulative = np.cumsum(weights, axis=1)[session_of_turn]
    kind = (draw[:, None] > cumulative[:, :-1]).sum(axis=1)
    kind = np.where(therapist, kind, _CLIENT)
    _, lengths, offsets = _lines_table()
    bank_sizes = np.diff(offsets)
    line = offsets[kind] + (rng.random(n_turns) * bank_sizes[kind]).astype(np.int64)
    n_chars = lengths[line]
    turn_ids = np.char.add("t", (position + 1).astype(str)).astype(object)
    turns = pd.DataFrame(
        {
            "transcript_id": pd.Series(transcript_ids[session_of_turn], dtype="str"),
            "turn_id": pd.Series(turn_ids, dtype="str"),
            "position": pd.Series(position, dtype="int64"),
            "role": pd.Series(np.where(therapist, "therapist", "client"), dtype="str"),
            "n_chars": pd.Series(n_chars, dtype="int64"),
        }
    )

    annotations = _annotations(
        rng,
        kind=kind,
        therapist=therapist,
        session_of_turn=session_of_turn,
        position=position,
        n_chars=n_chars,
        transcript_ids=transcript_ids,
        turn_ids=turn_ids,
        coder_ids=coder_ids,
        supervisor_names=supervisor_names,
        children=children,
        skill=skill,
        number_of=number_of,
    )
    ratings = _ratings(
        rng,
        rubric=rubric,
        rated=rated,
        skill=skill,
        coder_ids=coder_ids,
        transcript_ids=transcript_ids,
        supervisor_names=supervisor_names,
        number_of=number_of,
    )
    return SyntheticCohort(
        sessions=sessions_frame.sort_values(["trainee", "session"], ignore_index=True),
        turns=turns,
        annotations=annotations,
        ratings=ratings,
        codebook=codebook,
        rubric=rubric,
        supervisors=supervisor_names,
        _line_of_turn=line,
    )


def _letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa": short distinct names for any number of supervisors."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("a") + rest) + name
    return name


def _session_times(number_of: np.ndarray, session: np.ndarray, position: np.ndarray) -> pd.Series:
    """A weekly session date, and one second per turn within the session."""
    days = (number_of[session] - 1) * 7
    seconds = days.astype(np.int64) * 86_400 + position.astype(np.int64)
    base = pd.Timestamp(_START).as_unit("ns")
    return pd.Series(base + pd.to_timedelta(seconds, unit="s"), dtype="datetime64[ns, UTC]")


def _annotations(
    rng: np.random.Generator,
    *,
    kind: np.ndarray,
    therapist: np.ndarray,
    session_of_turn: np.ndarray,
    position: np.ndarray,
    n_chars: np.ndarray,
    transcript_ids: np.ndarray,
    turn_ids: np.ndarray,
    coder_ids: np.ndarray,
    supervisor_names: tuple[str, ...],
    children: dict[str, list[str]],
    skill: np.ndarray,
    number_of: np.ndarray,
) -> pd.DataFrame:
    families = list(_FAMILY_OF_KIND.values())
    n_coders = coder_ids.shape[1]
    sensitivity = rng.uniform(0.7, 0.92, len(supervisor_names))
    false_alarm = rng.uniform(0.02, 0.06, len(supervisor_names))
    # The code each coded turn "really" shows: a sub-code of its family.
    true_family = np.select([kind == k for k in _FAMILY_OF_KIND], list(range(3)), default=-1)
    sub_draw = rng.random(len(kind))

    pieces: list[dict[str, np.ndarray]] = []
    for slot in range(n_coders):
        coder = coder_ids[session_of_turn, slot]
        seen = rng.random(len(kind)) < sensitivity[coder]
        alarm = rng.random(len(kind)) < false_alarm[coder]
        coded_family = np.where(
            (true_family >= 0) & seen,
            true_family,
            np.where((true_family < 0) & alarm, rng.integers(0, 3, len(kind)), -1),
        )
        keep = therapist & (coded_family >= 0)
        rows = np.flatnonzero(keep)
        family = coded_family[rows]
        # Mostly the same sub-code as the other coders, sometimes a sibling.
        same = rng.random(len(rows)) < 0.8
        own_draw = np.where(same, sub_draw[rows], rng.random(len(rows)))
        code = np.empty(len(rows), dtype=object)
        for f, name in enumerate(families):
            here = family == f
            options = np.array(children[name], dtype=object)
            code[here] = options[(own_draw[here] * len(options)).astype(np.int64)]
        shape = rng.random(len(rows))
        is_span = shape < 0.3
        is_pair = (shape >= 0.3) & (shape < 0.4) & (position[rows] > 0)
        length = n_chars[rows]
        span_start = (rng.random(len(rows)) * (length // 2)).astype(np.int64)
        span_end = (
            span_start + 1 + (rng.random(len(rows)) * (length - span_start - 1)).astype(np.int64)
        )
        strength_draw = rng.random(len(rows)) + 0.15 * skill[session_of_turn[rows]]
        strength = np.clip((strength_draw * 3).astype(np.int64) + 1, 1, 3)
        pieces.append(
            {
                "row": rows,
                "coder": coder[rows],
                "code": code,
                "is_span": is_span,
                "is_pair": is_pair,
                "span_start": span_start,
                "span_end": span_end,
                "strength": strength,
                "with_strength": rng.random(len(rows)) < 0.6,
            }
        )
    merged = {key: np.concatenate([p[key] for p in pieces]) for key in pieces[0]}
    order = np.lexsort((merged["coder"], merged["row"]))
    merged = {key: value[order] for key, value in merged.items()}
    rows = merged["row"]
    count = len(rows)
    span_start = pd.array(np.where(merged["is_span"], merged["span_start"], 0), dtype="Int64")
    span_end = pd.array(np.where(merged["is_span"], merged["span_end"], 0), dtype="Int64")
    span_start[~merged["is_span"]] = pd.NA
    span_end[~merged["is_span"]] = pd.NA
    strength = pd.array(merged["strength"], dtype="Int64")
    strength[~merged["with_strength"]] = pd.NA
    responds = np.where(merged["is_pair"], np.maximum(rows - 1, 0), -1)
    responds_to = pd.Series(turn_ids[responds], dtype="str").where(pd.Series(responds >= 0))
    created = _session_times(number_of, session_of_turn[rows], position[rows])
    ids = np.char.add("syn-", np.char.zfill(np.arange(1, count + 1).astype(str), 7))
    return pd.DataFrame(
        {
            "annotation_id": pd.Series(ids.astype(object), dtype="str"),
            "transcript_id": pd.Series(transcript_ids[session_of_turn[rows]], dtype="str"),
            "turn_id": pd.Series(turn_ids[rows], dtype="str"),
            "span_start": span_start,
            "span_end": span_end,
            "code_id": pd.Series(merged["code"], dtype="str"),
            "annotator": pd.Series(
                np.array(supervisor_names, dtype=object)[merged["coder"]], dtype="str"
            ),
            "note": pd.Series([""] * count, dtype="str"),
            "strength": strength,
            "responds_to": responds_to,
            "adjudicated": pd.Series(np.zeros(count, dtype=bool)),
            "created": created,
            "updated": created.copy(),
        }
    )


def _ratings(
    rng: np.random.Generator,
    *,
    rubric: Rubric,
    rated: list[str],
    skill: np.ndarray,
    coder_ids: np.ndarray,
    transcript_ids: np.ndarray,
    supervisor_names: tuple[str, ...],
    number_of: np.ndarray,
) -> pd.DataFrame:
    n_sessions, n_raters = coder_ids.shape
    severity = rng.normal(0.0, 0.35, len(supervisor_names))
    difficulty = rng.normal(0.0, 0.4, len(rated))
    scales = [rubric.item(item_id).scale for item_id in rated]
    low = np.array([s.minimum for s in scales], dtype=np.float64)
    high = np.array([s.maximum for s in scales], dtype=np.float64)
    direction = np.array([1.0 if s.higher_is_better else -1.0 for s in scales])
    session = np.repeat(np.arange(n_sessions), n_raters * len(rated))
    slot = np.tile(np.repeat(np.arange(n_raters), len(rated)), n_sessions)
    item = np.tile(np.arange(len(rated)), n_sessions * n_raters)
    rater = coder_ids[session, slot]
    latent = direction[item] * (skill[session] - difficulty[item]) - severity[rater]
    latent = latent + rng.normal(0.0, 0.45, len(session))
    middle = (low[item] + high[item]) / 2
    score = np.clip(np.rint(middle + latent * (high[item] - low[item]) / 4), low[item], high[item])
    scores = pd.array(score.astype(np.int64), dtype="Int64")
    scores[rng.random(len(session)) < 0.03] = pd.NA
    rating_ids = np.char.add(
        np.char.add("syn-rating-", np.char.zfill(session.astype(str), 6)),
        np.char.add("-", slot.astype(str)),
    )
    updated = _session_times(number_of, session, np.full(len(session), 3600))
    count = len(session)
    frame = pd.DataFrame(
        {
            "rating_id": pd.Series(rating_ids.astype(object), dtype="str"),
            "transcript_id": pd.Series(transcript_ids[session], dtype="str"),
            "rubric_id": pd.Series([rubric.id] * count, dtype="str"),
            "rubric_version": pd.Series(np.full(count, rubric.version), dtype="int64"),
            "rater": pd.Series(np.array(supervisor_names, dtype=object)[rater], dtype="str"),
            "item_id": pd.Series(np.array(rated, dtype=object)[item], dtype="str"),
            "score": scores,
            "comment": pd.Series([""] * count, dtype="str"),
            "overall_comment": pd.Series([""] * count, dtype="str"),
            "updated": updated,
        }
    )
    # The store's order: transcript, then rater, then the rubric's item order.
    return frame.sort_values(["transcript_id", "rater"], kind="stable", ignore_index=True)
