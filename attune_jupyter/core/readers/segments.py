"""Turning what a reader found (segments) into the turns of a transcript.

Every reader cuts its source into :class:`Segment` objects, one per labelled line, cue or row, and
hands them to :func:`transcript_from_segments`. That function alone decides how segments merge into
turns, how turns are numbered and how roles are assigned, so that every format follows the same
rules:

- segments without text are left out (they hold nothing to annotate);
- consecutive segments with the same speaker label merge into one turn; segments without a speaker
  label never merge;
- turn ids are ``"t1"``, ``"t2"``, ... in order, so the same file always gives the same ids;
- a turn's start is the first known start of its segments and its end the last known end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from attune_jupyter.core.transcript import Transcript, TranscriptError, Turn, infer_role


@dataclass(frozen=True)
class Segment:
    """A stretch of talk as a reader found it, before merging into turns.

    Parameters
    ----------
    speaker:
        The speaker label as written, or None when the source names no speaker. Unlabelled turns
        get the speaker ``""`` (and the role ``infer_role("", roles)``, by default ``"other"``).
    text:
        What was said, already cleaned by the reader.
    start, end:
        Times in seconds, or None.
    """

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None


def transcript_from_segments(
    segments: Iterable[Segment],
    *,
    joiner: str,
    roles: Mapping[str, str] | None,
    id: str,
    source: str | None,
) -> Transcript:
    """Merge segments into numbered turns and return the transcript.

    Parameters
    ----------
    segments:
        In source order.
    joiner:
        Put between the texts of merged segments (readers choose ``" "`` or ``"\\n"``).
    roles:
        Speaker label -> role, passed to :func:`~attune_jupyter.core.transcript.infer_role`.
    id, source:
        Of the transcript.

    Raises
    ------
    TranscriptError
        When no segment has text.
    """
    groups = _group_by_speaker(s for s in segments if s.text)
    if not groups:
        raise TranscriptError("no turns: the file contains no transcript text", source)
    turns = [_merge(f"t{n}", group, joiner, roles) for n, group in enumerate(groups, start=1)]
    return Transcript(id=id, turns=turns, source=source)


def _group_by_speaker(segments: Iterable[Segment]) -> list[list[Segment]]:
    groups: list[list[Segment]] = []
    for segment in segments:
        if groups and segment.speaker is not None and segment.speaker == groups[-1][0].speaker:
            groups[-1].append(segment)
        else:
            groups.append([segment])
    return groups


def _merge(
    turn_id: str, group: Sequence[Segment], joiner: str, roles: Mapping[str, str] | None
) -> Turn:
    speaker = group[0].speaker or ""
    starts = [s.start for s in group if s.start is not None]
    ends = [s.end for s in group if s.end is not None]
    return Turn(
        id=turn_id,
        speaker=speaker,
        role=infer_role(speaker, roles),
        text=joiner.join(s.text for s in group),
        start=starts[0] if starts else None,
        end=ends[-1] if ends else None,
    )
