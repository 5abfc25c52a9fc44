"""The REST API's JSON keys are mirrored by TypeScript interfaces; keep the two in step.
(The server tests check the handlers' replies against the same interfaces.)"""

from __future__ import annotations

from attune_jupyter.core import Transcript, Turn
from tests.ts_interfaces import interface_keys


def test_turn_keys_match_typescript() -> None:
    turn = Turn(id="t1", speaker="Client", role="client", text="hi", start=1.0, end=2.0)
    assert set(turn.to_dict()) == interface_keys("ITurn")


def test_transcript_keys_match_typescript() -> None:
    transcript = Transcript("s1", [Turn(id="t1", speaker="Client", role="client", text="hi")])
    assert set(transcript.to_dict()) == interface_keys("ITranscript")


def test_the_reader_finds_every_key() -> None:
    assert interface_keys("IErrorReply") == {"message", "reason", "line"}
