"""ELAN annotation documents (``.eaf``): the ``"elan"`` format.

An EAF file is XML: time slots in milliseconds, then one tier per speaker holding time-aligned
annotations, and dependent tiers (translations, comments, glosses) pointing at them::

    <ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">
      <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1200"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="4800"/>
      </TIME_ORDER>
      <TIER TIER_ID="T" PARTICIPANT="Therapist">
        <ANNOTATION>
          <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
            <ANNOTATION_VALUE>How has the week been?</ANNOTATION_VALUE>
          </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
      </TIER>
    </ANNOTATION_DOCUMENT>

Rules
-----
- The root element must be ``ANNOTATION_DOCUMENT``. Document type declarations (``<!DOCTYPE``,
  and with them ``<!ENTITY``) are refused before anything in them is read, so entity expansion
  ("billion laughs") and external entities cannot happen; ELAN never writes them. The bytes are
  decoded as those of every text format are (:mod:`attune_jupyter.core.readers.decoding`; ELAN
  writes UTF-8), so an ``encoding`` in the XML declaration is not consulted.
- Turns come from the ``ALIGNABLE_ANNOTATION`` elements of top-level tiers (tiers without
  ``PARENT_REF``). The speaker label is the tier's ``PARTICIPANT`` attribute, or its ``TIER_ID``
  when that is missing or blank; roles come from
  :func:`~attune_jupyter.core.transcript.infer_role` (``roles`` keyed by label wins).
- Start and end are the ``TIME_VALUE`` (milliseconds) of ``TIME_SLOT_REF1`` and
  ``TIME_SLOT_REF2``, in seconds. Annotations are ordered by start time, then tier order, then
  document order; consecutive annotations of the same speaker then merge into one turn (start of
  the first, end of the last, texts joined with one space), exactly as WebVTT cues do (see
  :mod:`attune_jupyter.core.readers.segments`). Runs of XML whitespace in a value collapse to one
  space; annotations with empty values give no turn.
- Dependent tiers (with ``PARENT_REF``) are layers about the turns, not turns. The value of each
  of their ``REF_ANNOTATION`` elements is kept in the ``metadata`` of the turn holding the
  top-level annotation it refers to (following chains of references), under the dependent tier's
  ``TIER_ID``; several values for one turn and tier are joined with one space. Time-aligned
  annotations of dependent tiers (time subdivisions) and references that lead nowhere are not
  read.
- Errors (:class:`~attune_jupyter.core.transcript.TranscriptError`, with the line number): XML
  that is not well-formed, a DOCTYPE or ENTITY declaration, another root element, a time slot
  without an id, repeated, or with a ``TIME_VALUE`` that is not whole milliseconds, a tier
  without ``TIER_ID``, a top-level annotation without both time slot references, naming an
  unknown time slot or one without a time value, ending before it starts, or a
  ``REF_ANNOTATION`` in a top-level tier; and, without a line, a document without turns.
  Messages may quote ids (of slots, tiers) that look like ids, never annotation values.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NoReturn
from xml.parsers import expat

from attune_jupyter.core.readers.segments import Segment, transcript_from_segments
from attune_jupyter.core.transcript import Transcript, TranscriptError

__all__ = ["parse_elan"]

_WHOLE_MS = re.compile(r"[0-9]{1,15}")
_QUOTABLE_ID = re.compile(r"[\w.\-]{1,40}")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
#: How many references a dependent annotation may follow up to its top-level annotation.
_MAX_CHAIN = 64


@dataclass(frozen=True)
class _Annotation:
    """A top-level alignable annotation."""

    start: float
    end: float
    tier: int
    order: int
    speaker: str
    text: str
    annotation_id: str | None


def parse_elan(
    text: str,
    *,
    roles: Mapping[str, str] | None = None,
    id: str = "transcript",
    source: str | None = None,
) -> Transcript:
    """Read an ELAN annotation document (see the module docstring for the rules).

    Parameters
    ----------
    text:
        The document, with ``"\\n"`` line endings and no byte-order mark.
    roles:
        Speaker label -> role.
    id, source:
        Of the transcript; ``source`` is named in error messages.

    Raises
    ------
    TranscriptError
        With the line number, for the mistakes listed in the module docstring; without one when
        there are no turns.
    ValueError
        When ``roles`` maps a label to something other than a role.
    """
    root, lines = _parse_xml(text, source)
    if root.tag != "ANNOTATION_DOCUMENT":
        raise TranscriptError(
            "not an ELAN document: the root element must be ANNOTATION_DOCUMENT",
            source,
            lines.get(root),
        )
    reader = _ElanReader(lines, source)
    slots = reader.time_slots(root)
    annotations: list[_Annotation] = []
    references: dict[str, tuple[str, str, str]] = {}
    for index, tier in enumerate(root.iterfind("TIER")):
        tier_id = tier.get("TIER_ID")
        if tier_id is None:
            raise TranscriptError("a TIER without TIER_ID", source, lines.get(tier))
        if tier.get("PARENT_REF") is None:
            speaker = (tier.get("PARTICIPANT") or "").strip() or tier_id
            annotations += reader.top_level(tier, index, speaker, slots, len(annotations))
        else:
            references.update(reader.references(tier, tier_id))
    annotations.sort(key=lambda a: (a.start, a.tier, a.order))
    said = [a for a in annotations if a.text]
    transcript = transcript_from_segments(
        (Segment(a.speaker, a.text, a.start, a.end) for a in said),
        joiner=" ",
        roles=roles,
        id=id,
        source=source,
    )
    return _with_dependent_values(transcript, said, references)


def _parse_xml(text: str, source: str | None) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The element tree of ``text`` and the line of every element's start tag.

    Expat drives an ElementTree builder directly (rather than through ``ET.fromstring``) so that
    elements get line numbers and document type declarations can be refused as they start.
    """
    parser = expat.ParserCreate(encoding="UTF-8")
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def end(tag: str) -> None:
        builder.end(tag)

    def refuse(*_: object) -> NoReturn:
        raise TranscriptError(
            "DOCTYPE and ENTITY declarations are not accepted in ELAN files",
            source,
            parser.CurrentLineNumber,
        )

    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(text.encode("utf-8", "surrogatepass"), True)
    except expat.ExpatError as error:
        raise TranscriptError(
            f"is not well-formed XML: {expat.ErrorString(error.code)}", source, error.lineno
        ) from None
    return builder.close(), lines


class _ElanReader:
    """Reads the parts of a document, naming the line of the element at fault."""

    def __init__(self, lines: Mapping[ET.Element, int], source: str | None) -> None:
        self.lines = lines
        self.source = source

    def error(self, reason: str, element: ET.Element) -> TranscriptError:
        return TranscriptError(reason, self.source, self.lines.get(element))

    def time_slots(self, root: ET.Element) -> dict[str, int | None]:
        """Time slot id -> milliseconds (None for an unaligned slot)."""
        slots: dict[str, int | None] = {}
        for slot in root.iterfind("TIME_ORDER/TIME_SLOT"):
            slot_id = slot.get("TIME_SLOT_ID")
            if slot_id is None:
                raise self.error("a TIME_SLOT without TIME_SLOT_ID", slot)
            if slot_id in slots:
                raise self.error(f"time slot{_quoted(slot_id)} is declared twice", slot)
            value = slot.get("TIME_VALUE")
            if value is not None and _WHOLE_MS.fullmatch(value.strip()) is None:
                raise self.error(
                    f"time slot{_quoted(slot_id)}: TIME_VALUE must be whole milliseconds", slot
                )
            slots[slot_id] = None if value is None else int(value)
        return slots

    def top_level(
        self,
        tier: ET.Element,
        index: int,
        speaker: str,
        slots: Mapping[str, int | None],
        order: int,
    ) -> list[_Annotation]:
        """The alignable annotations of a top-level tier."""
        found: list[_Annotation] = []
        for annotation in tier.iterfind("ANNOTATION/*"):
            if annotation.tag == "REF_ANNOTATION":
                raise self.error(
                    "a REF_ANNOTATION in a tier without PARENT_REF (a top-level tier)", annotation
                )
            if annotation.tag != "ALIGNABLE_ANNOTATION":
                continue
            start, end = (
                self._time(annotation, slots, attribute)
                for attribute in ("TIME_SLOT_REF1", "TIME_SLOT_REF2")
            )
            if end < start:
                raise self.error("annotation ends before it starts", annotation)
            found.append(
                _Annotation(
                    start=start / 1000,
                    end=end / 1000,
                    tier=index,
                    order=order + len(found),
                    speaker=speaker,
                    text=_value(annotation),
                    annotation_id=annotation.get("ANNOTATION_ID"),
                )
            )
        return found

    def references(self, tier: ET.Element, tier_id: str) -> dict[str, tuple[str, str, str]]:
        """Annotation id -> (referred annotation id, tier id, value) for a dependent tier."""
        found: dict[str, tuple[str, str, str]] = {}
        for annotation in tier.iterfind("ANNOTATION/REF_ANNOTATION"):
            annotation_id = annotation.get("ANNOTATION_ID")
            refers_to = annotation.get("ANNOTATION_REF")
            if annotation_id is not None and refers_to is not None:
                found[annotation_id] = (refers_to, tier_id, _value(annotation))
        return found

    def _time(self, annotation: ET.Element, slots: Mapping[str, int | None], attribute: str) -> int:
        slot_id = annotation.get(attribute)
        if slot_id is None:
            raise self.error(
                "an ALIGNABLE_ANNOTATION needs TIME_SLOT_REF1 and TIME_SLOT_REF2", annotation
            )
        if slot_id not in slots:
            raise self.error(
                f"{attribute} names an unknown time slot{_quoted(slot_id)}", annotation
            )
        value = slots[slot_id]
        if value is None:
            raise self.error(
                f"{attribute} names a time slot{_quoted(slot_id)} without TIME_VALUE", annotation
            )
        return value


def _value(annotation: ET.Element) -> str:
    value = annotation.find("ANNOTATION_VALUE")
    text = "" if value is None else "".join(value.itertext())
    return _XML_SPACE.sub(" ", text).strip()


def _quoted(identifier: str) -> str:
    """`` 'ts3'`` for an id that looks like one, ``""`` for anything else."""
    return f" {identifier!r}" if _QUOTABLE_ID.fullmatch(identifier) else ""


def _with_dependent_values(
    transcript: Transcript,
    said: list[_Annotation],
    references: Mapping[str, tuple[str, str, str]],
) -> Transcript:
    """The transcript with dependent-tier values in the metadata of the turns they are about."""
    if not references:
        return transcript
    # transcript_from_segments merges consecutive segments of one speaker; ELAN speakers are
    # never None, so grouping by speaker gives the same turns.
    turn_of: dict[str, int] = {}
    groups = itertools.groupby(said, key=lambda a: a.speaker)
    for index, (_, group) in enumerate(groups):
        for annotation in group:
            if annotation.annotation_id is not None:
                turn_of[annotation.annotation_id] = index
    values: list[dict[str, list[str]]] = [{} for _ in transcript.turns]
    for refers_to, tier_id, value in references.values():
        target = refers_to
        for _ in range(_MAX_CHAIN):
            if target not in references:
                break
            target = references[target][0]
        if target in turn_of and value:
            values[turn_of[target]].setdefault(tier_id, []).append(value)
    turns = [
        replace(turn, metadata={tier: " ".join(v) for tier, v in found.items()}) if found else turn
        for turn, found in zip(transcript.turns, values, strict=True)
    ]
    return Transcript(transcript.id, turns, source=transcript.source)
