"""Compare annotators on one transcript: which codes each gave to each turn, and where they differ.

The comparison is per turn and code: an annotator "coded turn t with c" when any of their
annotations with code c sits on turn t, as the whole turn, a span of it, or a pair answered by it.
This is what a supervisor sees side by side in the Annotator's compare mode; agreement statistics
(kappa, alpha) belong to the analysis package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from attune_jupyter.core.annotation import Annotation


@dataclass(frozen=True)
class CodeDisagreement:
    """A code that some of the compared annotators gave a turn and the others did not."""

    turn_id: str
    code_id: str
    coded_by: tuple[str, ...]
    not_coded_by: tuple[str, ...]
    #: The adjudicated (agreed) decision for this turn and code: True when an agreed annotation
    #: with this code sits on the turn, else False (not yet adjudicated, or adjudicated away).
    agreed: bool = False


def compared_annotators(annotations: Iterable[Annotation]) -> list[str]:
    """Everyone with an annotation that is not an adjudication, in name order."""
    return sorted({a.annotator for a in annotations if not a.adjudicated})


def code_disagreements(
    annotations: Iterable[Annotation],
    annotators: Sequence[str],
    turn_order: Sequence[str] = (),
) -> list[CodeDisagreement]:
    """The turn-and-code pairs on which ``annotators`` differ.

    Parameters
    ----------
    annotations:
        Annotations of one transcript (any annotators; others than ``annotators`` are ignored,
        adjudicated ones set :attr:`CodeDisagreement.agreed`).
    annotators:
        Whom to compare; at least two.
    turn_order:
        The transcript's turn ids in order, to sort the result as the transcript reads; turns
        not listed come after, by id.

    Raises
    ------
    ValueError
        With fewer than two distinct annotators.
    """
    compared = list(dict.fromkeys(annotators))
    if len(compared) < 2:
        raise ValueError(f"comparing needs at least two annotators, got {compared!r}")
    coded: dict[tuple[str, str], set[str]] = {}
    agreed: set[tuple[str, str]] = set()
    for a in annotations:
        key = (a.turn_id, a.code_id)
        if a.adjudicated:
            agreed.add(key)
        elif a.annotator in compared:
            coded.setdefault(key, set()).add(a.annotator)
    position = {turn_id: n for n, turn_id in enumerate(turn_order)}
    result = [
        CodeDisagreement(
            turn_id=turn_id,
            code_id=code_id,
            coded_by=tuple(name for name in compared if name in by),
            not_coded_by=tuple(name for name in compared if name not in by),
            agreed=(turn_id, code_id) in agreed,
        )
        for (turn_id, code_id), by in coded.items()
        if len(by) < len(compared)
    ]
    result.sort(key=lambda d: (position.get(d.turn_id, len(position)), d.turn_id, d.code_id))
    return result
