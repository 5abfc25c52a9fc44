"""How the widgets tell their view what happened to a change: the save state and the replies."""

from __future__ import annotations

from typing import Any


class EditRefused(ValueError):
    """A change that can never succeed as asked (an unknown turn or item, someone else's
    annotation, nothing to undo, ...): reported at once, never retried or kept."""


class SaveStateReports:
    """Mixin for a widget with a synced ``save_state`` trait and a view that sends requests.

    ``save_state`` is ``{state, message, seq, request_id}``; ``seq`` grows with every report, so
    the view hears each one even when the same message repeats (traitlets sends only changed
    values). A request from the view (one with a ``request_id``) also gets a ``reply`` message.
    """

    _reports: int = 0
    save_state: Any
    send: Any

    def _report(self, state: str, message: str, request: int | None) -> None:
        self._reports += 1
        self.save_state = {
            "state": state,
            "message": message,
            "seq": self._reports,
            "request_id": request,
        }

    def _report_and_reply(
        self, request: int | None, ok: bool, message: str, state: str, **details: Any
    ) -> None:
        self._report(state, message, request)
        if request is not None:
            self.send(
                {"type": "reply", "request_id": request, "ok": ok, **details, "message": message}
            )
