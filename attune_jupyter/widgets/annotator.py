"""The Annotator widget: read a transcript turn by turn and code its moments.

The front end (extension/widgets/annotator/, bundled into ``static/annotator.js``) draws the turns
and sends one message per user action (the ``AnnotatorMessage`` union in
extension/src/api-types.ts). This class owns the data: it writes each change to the store before
it reports it, so a code that is shown as saved is on disk. It keeps the undo history of this
widget's changes, retries a failed write, and keeps an edit the store still refuses (in
``failed_edits``) until the user retries or discards it.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final, TypeVar

import anywidget
import traitlets

from attune_jupyter.core.annotation import STRENGTHS, Annotation, Moment
from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.compare import CodeDisagreement, code_disagreements, compared_annotators
from attune_jupyter.core.transcript import TranscriptChangedWarning
from attune_jupyter.core.users import current_user
from attune_jupyter.store.base import AnnotationNotFoundError, StoreError
from attune_jupyter.widgets.reporting import EditRefused, SaveStateReports

if TYPE_CHECKING:
    import pandas as pd

    from attune_jupyter.core.transcript import Transcript
    from attune_jupyter.store import Store

_STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)

#: Seconds to wait before each further attempt at a write the store refused.
RETRY_DELAYS: Final = (0.1, 0.4)
MODES: Final = ("annotate", "compare")
_NOTHING_TO_UNDO: dict[str, str | None] = {"undo": None, "redo": None}

_Result = TypeVar("_Result")

#: Stores opened for widgets created without ``store=``, one per location, shared so that every
#: cell re-run does not open another connection pool.
_shared_stores: dict[str, Store] = {}


def shared_default_store() -> Store:
    """The store :func:`attune_jupyter.open_store` () opens, shared by the widgets."""
    from attune_jupyter.store import default_store_location, open_store

    location = default_store_location()
    store = _shared_stores.get(location)
    if store is None or store.closed:
        store = _shared_stores[location] = open_store(location)
    return store


_PAST: Final = {
    "Add": "Added",
    "Remove": "Removed",
    "Change": "Changed",
    "Delete": "Deleted",
    "Agree on": "Agreed on",
    "Withdraw agreed": "Withdrew agreed",
}


@dataclass
class _Change:
    """One undoable change: the annotation before and after (None: it did not exist)."""

    verb: str
    what: str
    before: Annotation | None
    after: Annotation | None

    @property
    def description(self) -> str:
        """What the change does, as an undo or redo button says it ("Add Warmth on turn 3")."""
        return f"{self.verb} {self.what}"

    @property
    def done(self) -> str:
        """What the change did, as the status line says it ("Added Warmth on turn 3")."""
        return f"{_PAST[self.verb]} {self.what}"


class Annotator(SaveStateReports, anywidget.AnyWidget):
    """Code the moments of a transcript with codes from a codebook.

    A moment is a whole turn, a span of characters in a turn, or a pair (a therapist's response
    with the client turn it answers); several codes can share one. Select a moment and press a
    code's key, or click the code; pressing it again removes your code. Every change is written
    to the store at once; ``u`` undoes and ``z`` redoes; ``?`` shows every shortcut.

    Parameters
    ----------
    transcript:
        The transcript to annotate (see :func:`attune_jupyter.load_transcript`).
    codebook:
        The codes to offer; the default codebook when None.
    annotator:
        Who is annotating; defaults to the JupyterHub user or the login name.
    store:
        Where annotations are written. When None, the store :func:`attune_jupyter.open_store` ()
        opens, shared by every widget that uses that location.
    read_only:
        Show the annotations without allowing changes (for trainees reading feedback).
    mode:
        ``"annotate"``, or ``"compare"`` to show annotators side by side and record agreed codes
        (see :meth:`compare`).
    annotators:
        Whose annotations to show. None shows everyone's.
    """

    _esm = _STATIC / "annotator.js"
    _css = _STATIC / "annotator.css"

    transcript = traitlets.Dict().tag(sync=True)
    codes = traitlets.List(traitlets.Dict()).tag(sync=True)
    annotation_records = traitlets.List(traitlets.Dict()).tag(sync=True)
    annotator = traitlets.Unicode(read_only=True).tag(sync=True)
    visible_annotators = traitlets.List(traitlets.Unicode()).tag(sync=True)
    mode = traitlets.Enum(MODES, default_value="annotate").tag(sync=True)
    selected_turn = traitlets.Unicode("").tag(sync=True)
    read_only = traitlets.Bool(False).tag(sync=True)
    #: ``{state, message, seq, request_id}``; ``seq`` grows with every report, so the front end
    #: hears each one even when the same message repeats (traitlets sends only changed values).
    save_state = traitlets.Dict({"state": "idle", "message": "", "seq": 0, "request_id": None}).tag(
        sync=True
    )
    failed_edits = traitlets.List(traitlets.Dict()).tag(sync=True)
    undo_state = traitlets.Dict(_NOTHING_TO_UNDO).tag(sync=True)
    strengths = traitlets.List(traitlets.Int(), default_value=list(STRENGTHS)).tag(sync=True)

    #: Seconds to wait before each further attempt at a write the store refused.
    retry_delays: tuple[float, ...] = RETRY_DELAYS

    def __init__(
        self,
        transcript: Transcript,
        codebook: Codebook | None = None,
        annotator: str | None = None,
        store: Store | None = None,
        read_only: bool = False,
        mode: str = "annotate",
        annotators: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self._transcript = transcript
        self._codebook = codebook if codebook is not None else Codebook.default()
        self._store = store if store is not None else shared_default_store()
        self._turn_numbers = {turn.id: n for n, turn in enumerate(transcript.turns, start=1)}
        self._turn_lengths = {turn.id: len(turn.text) for turn in transcript.turns}
        self._undo: list[_Change] = []
        self._redo: list[_Change] = []
        super().__init__(
            transcript=transcript.to_dict(),
            codes=_code_records(self._codebook),
            read_only=read_only,
            mode=mode,
            visible_annotators=list(annotators or []),
            **kwargs,
        )
        self.set_trait("annotator", annotator or current_user())
        self._refresh_records()
        self.on_msg(self._handle_message)
        self._check_registration()

    @classmethod
    def compare(
        cls,
        transcript: Transcript,
        annotators: Sequence[str] | None = None,
        codebook: Codebook | None = None,
        adjudicator: str | None = None,
        store: Store | None = None,
        read_only: bool = False,
    ) -> Annotator:
        """Show ``annotators`` side by side (everyone who coded the transcript when None),
        with their disagreements marked; agreed codes are recorded under ``adjudicator``
        (default: the current user)."""
        return cls(
            transcript,
            codebook=codebook,
            annotator=adjudicator,
            store=store,
            read_only=read_only,
            mode="compare",
            annotators=annotators,
        )

    # -- Python API -------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self._store

    @property
    def annotations(self) -> pd.DataFrame:
        """This transcript's annotations, by every annotator, as the store's tidy frame."""
        return self._store.annotations(transcript_id=self._transcript.id)

    @property
    def disagreements(self) -> list[CodeDisagreement]:
        """Turn-and-code pairs on which the compared annotators differ, in transcript order."""
        records = self._store.annotation_list(transcript_id=self._transcript.id)
        annotators = list(self.visible_annotators) or compared_annotators(records)
        return code_disagreements(records, annotators, [t.id for t in self._transcript.turns])

    def add(
        self,
        turn_id: str,
        code_id: str,
        note: str = "",
        strength: int | None = None,
        span: tuple[int, int] | None = None,
        responds_to: str | None = None,
    ) -> Annotation:
        """Code a moment, as if the user pressed the code's key; returns the stored record.

        ``span`` is ``(start, end)`` in characters of the turn's text; ``responds_to`` makes the
        moment a pair with that (earlier) client turn.

        Raises
        ------
        KeyError
            When the turn or the code does not exist.
        ValueError
            When the span, pair or strength is not valid for this transcript.
        """
        moment = self._checked_moment(turn_id, span, responds_to)
        self._codebook.code(code_id)
        annotation = self._new(moment, code_id, note=note, strength=strength)
        stored = self._store.add_annotation(annotation)
        self._done(_Change("Add", self._what(stored), None, stored))
        return stored

    def toggle(
        self,
        turn_id: str,
        code_id: str,
        span: tuple[int, int] | None = None,
        responds_to: str | None = None,
        strength: int | None = None,
    ) -> Annotation | None:
        """Add the code at the moment, or remove it when this annotator already gave it there.

        Returns the new annotation, or None when one was removed. The store, not this widget's
        last snapshot, decides which: another widget or process may have changed it meanwhile.
        """
        moment = self._checked_moment(turn_id, span, responds_to)
        return self._toggle(moment, code_id, strength=strength, adjudicated=False)

    def edit(
        self,
        annotation_id: str,
        *,
        note: str | None = None,
        strength: int | EllipsisType | None = ...,
        code_id: str | None = None,
    ) -> Annotation:
        """Change the note, strength (None clears it) or code of one of your annotations."""
        current = self._own(annotation_id)
        changes: dict[str, Any] = {}
        if note is not None:
            changes["note"] = note
        if strength is not ...:
            changes["strength"] = strength
        if code_id is not None:
            self._codebook.code(code_id)
            changes["code_id"] = code_id
        if not changes:
            return current
        stored = self._store.update_annotation(current.edited(**changes))
        self._done(_Change("Change", self._what(stored), current, stored))
        return stored

    def delete(self, annotation_id: str) -> None:
        """Delete one of your annotations (the store's history keeps it; undo brings it back)."""
        current = self._own(annotation_id)
        self._store.delete_annotation(current.id, by=self.annotator)
        self._done(_Change("Delete", self._what(current), current, None))

    def adjudicate(
        self,
        turn_id: str,
        code_id: str,
        span: tuple[int, int] | None = None,
        responds_to: str | None = None,
    ) -> Annotation | None:
        """Record ``code_id`` as the agreed code at the moment, or withdraw that agreement."""
        moment = self._checked_moment(turn_id, span, responds_to)
        return self._toggle(moment, code_id, strength=None, adjudicated=True)

    def undo(self) -> str:
        """Undo this widget's last change; returns what was undone, in words."""
        return self._step(self._undo, self._redo, backwards=True)

    def redo(self) -> str:
        """Redo the change last undone; returns what was redone, in words."""
        return self._step(self._redo, self._undo, backwards=False)

    # -- front-end messages -----------------------------------------------------------------

    def _handle_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        request_id = content.get("request_id")
        request = request_id if isinstance(request_id, int) else None
        if kind == "retry":
            self._retry_failed(request)
            return
        if kind == "discard-failed":
            count = len(self.failed_edits)
            self.failed_edits = []
            self._reply(request, True, None, f"Gave up {count} unsaved edit(s).", "idle")
            return
        handler = self._handlers().get(str(kind))
        if handler is None:
            return
        if self.read_only:
            self._reply(request, False, None, "This transcript is read-only.", "error")
            return
        self._run(handler, content, request)

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], tuple[Annotation | None, str]]]:
        return {
            "toggle-code": self._on_toggle,
            "adjudicate": self._on_adjudicate,
            "edit": self._on_edit,
            "delete": self._on_delete,
            "undo": lambda _content: (None, self.undo()),
            "redo": lambda _content: (None, self.redo()),
        }

    def _run(
        self,
        handler: Callable[[dict[str, Any]], tuple[Annotation | None, str]],
        content: dict[str, Any],
        request: int | None,
    ) -> bool:
        """Apply one message, retrying a store failure; keep the edit when it still fails."""
        try:
            annotation, message = self._with_retries(lambda: handler(content))
        except (EditRefused, KeyError, ValueError, AnnotationNotFoundError) as error:
            # Will not succeed on retry: say why (ids and code labels only, never a note).
            reason = error.args[0] if error.args else type(error).__name__
            self._reply(request, False, None, f"Not saved: {reason}", "error")
            self._try_refresh_records()
            return False
        except Exception as error:  # the store failed every attempt: keep the edit
            log.error(
                "attune: saving a %s message failed (%s)", content.get("type"), type(error).__name__
            )
            description = self._describe_message(content)
            kept = [e for e in self.failed_edits if e.get("request_id") != request]
            self.failed_edits = [
                *kept,
                {"request_id": request, "description": description, "message": content},
            ]
            self._reply(
                request,
                False,
                None,
                f"Not saved ({type(error).__name__}): {description}. The edit is kept; "
                "retry when the store is back.",
                "error",
            )
            self._try_refresh_records()
            return False
        self._reply(request, True, annotation.id if annotation else None, message, "saved")
        return True

    def _with_retries(self, action: Callable[[], _Result]) -> _Result:
        for delay in (*self.retry_delays, None):
            try:
                return action()
            except AnnotationNotFoundError:
                raise
            except StoreError:
                if delay is None:
                    raise
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _retry_failed(self, request: int | None) -> None:
        """Send the kept edits again, oldest first; stop at the first the store still refuses."""
        remaining = list(self.failed_edits)
        if not remaining:
            self._reply(request, True, None, "Nothing to retry.", "idle")
            return
        saved = 0
        while remaining:
            edit, rest = remaining[0], remaining[1:]
            self.failed_edits = rest  # _run puts it back (last) if the store refuses it again
            handler = self._handlers().get(str(edit["message"].get("type")))
            if handler is not None and self._run(handler, edit["message"], edit["request_id"]):
                saved += 1
            elif len(self.failed_edits) > len(rest):  # kept again: the store is still failing
                self.failed_edits = [edit, *rest]
                return
            remaining = rest
        self._reply(request, True, None, f"Saved {saved} kept edit(s).", "saved")

    def _on_toggle(self, content: dict[str, Any]) -> tuple[Annotation | None, str]:
        moment = self._moment_from(content.get("moment"))
        code_id = self._code_from(content.get("code_id"))
        strength = content.get("strength")
        result = self._toggle(moment, code_id, strength=strength, adjudicated=False)
        return result, self._last_message()

    def _on_adjudicate(self, content: dict[str, Any]) -> tuple[Annotation | None, str]:
        moment = self._moment_from(content.get("moment"))
        code_id = self._code_from(content.get("code_id"))
        result = self._toggle(moment, code_id, strength=None, adjudicated=True)
        return result, self._last_message()

    def _on_edit(self, content: dict[str, Any]) -> tuple[Annotation | None, str]:
        annotation_id = str(content.get("id", ""))
        note = content.get("note")
        if note is not None and not isinstance(note, str):
            raise EditRefused("a note must be text")
        code_id = content.get("code_id")
        if code_id is not None:
            code_id = self._code_from(code_id)
        strength: Any = content.get("strength", ...)
        stored = self.edit(annotation_id, note=note, strength=strength, code_id=code_id)
        return stored, self._last_message()

    def _on_delete(self, content: dict[str, Any]) -> tuple[Annotation | None, str]:
        self.delete(str(content.get("id", "")))
        return None, self._last_message()

    def _last_message(self) -> str:
        return f"{self._undo[-1].done}; saved." if self._undo else "Saved."

    # -- internals --------------------------------------------------------------------------

    def _toggle(
        self, moment: Moment, code_id: str, strength: Any, adjudicated: bool
    ) -> Annotation | None:
        self._codebook.code(code_id)
        for existing in self._store.annotation_list(self._transcript.id, self.annotator):
            if (
                existing.moment == moment
                and existing.code_id == code_id
                and existing.adjudicated == adjudicated
            ):
                self._store.delete_annotation(existing.id, by=self.annotator)
                verb = "Withdraw agreed" if adjudicated else "Remove"
                self._done(_Change(verb, self._what(existing), existing, None))
                return None
        annotation = self._new(moment, code_id, strength=strength, adjudicated=adjudicated)
        stored = self._store.add_annotation(annotation)
        verb = "Agree on" if adjudicated else "Add"
        self._done(_Change(verb, self._what(stored), None, stored))
        return stored

    def _new(
        self,
        moment: Moment,
        code_id: str,
        note: str = "",
        strength: Any = None,
        adjudicated: bool = False,
    ) -> Annotation:
        return Annotation(
            transcript_id=self._transcript.id,
            turn_id=moment.turn_id,
            span_start=moment.span_start,
            span_end=moment.span_end,
            responds_to=moment.responds_to,
            code_id=code_id,
            annotator=self.annotator,
            note=note,
            strength=strength,
            adjudicated=adjudicated,
        )

    def _done(self, change: _Change) -> None:
        self._undo.append(change)
        self._redo.clear()
        self._refresh_records()

    def _step(self, source: list[_Change], target: list[_Change], backwards: bool) -> str:
        if not source:
            raise EditRefused(f"nothing to {'undo' if backwards else 'redo'}")
        change = source[-1]
        start, end = (change.after, change.before) if backwards else (change.before, change.after)
        try:
            reached = self._move(start, end)
        except AnnotationNotFoundError:
            source.pop()
            self._refresh_records()
            raise EditRefused(
                f"cannot {'undo' if backwards else 'redo'} \u201c{change.description}\u201d: "
                "the annotation was changed elsewhere since"
            ) from None
        source.pop()
        if backwards:
            change.before = reached
        else:
            change.after = reached
        if start is None and end is not None and reached is not None:
            self._renumber(end.id, reached.id)
        target.append(change)
        self._refresh_records()
        return f"{'Undid' if backwards else 'Redid'} \u201c{change.description}\u201d"

    def _renumber(self, old_id: str, new_id: str) -> None:
        """Point every undo and redo step at a revived annotation's new id."""
        for change in (*self._undo, *self._redo):
            if change.before is not None and change.before.id == old_id:
                change.before = replace(change.before, id=new_id)
            if change.after is not None and change.after.id == old_id:
                change.after = replace(change.after, id=new_id)

    def _move(self, start: Annotation | None, end: Annotation | None) -> Annotation | None:
        """Make the store go from ``start`` to ``end``; returns the annotation now live."""
        if end is None:
            if start is not None:
                self._store.delete_annotation(start.id, by=self.annotator)
            return None
        if start is None:
            # Ids are never reused: bring the annotation back as a new one with the same content.
            revived = Annotation(
                transcript_id=end.transcript_id,
                turn_id=end.turn_id,
                span_start=end.span_start,
                span_end=end.span_end,
                responds_to=end.responds_to,
                code_id=end.code_id,
                annotator=end.annotator,
                note=end.note,
                strength=end.strength,
                adjudicated=end.adjudicated,
            )
            return self._store.add_annotation(revived)
        return self._store.update_annotation(start.edited(**_content(end)))

    def _own(self, annotation_id: str) -> Annotation:
        current = self._store.get_annotation(annotation_id)
        if current.transcript_id != self._transcript.id or current.annotator != self.annotator:
            raise EditRefused(
                f"annotation {annotation_id!r} is {current.annotator}'s; "
                f"you can change only your own ({self.annotator})"
            )
        return current

    def _checked_moment(
        self, turn_id: str, span: tuple[int, int] | None, responds_to: str | None
    ) -> Moment:
        if turn_id not in self._turn_numbers:
            raise KeyError(f"no turn {turn_id!r} in transcript {self._transcript.id!r}")
        start, end = span if span is not None else (None, None)
        if span is not None:
            length = self._turn_lengths[turn_id]
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
                raise ValueError(
                    f"span {start}..{end} is not inside turn {self._turn_numbers[turn_id]} "
                    f"(0..{length} characters)"
                )
        if responds_to is not None:
            if responds_to not in self._turn_numbers:
                raise KeyError(f"no turn {responds_to!r} to pair with")
            if self._turn_numbers[responds_to] >= self._turn_numbers[turn_id]:
                raise ValueError(
                    f"a response pairs with an earlier turn: turn "
                    f"{self._turn_numbers[responds_to]} does not come before turn "
                    f"{self._turn_numbers[turn_id]}"
                )
            if span is not None:
                raise ValueError("a pair is of whole turns: it cannot also have a span")
        return Moment(turn_id, start, end, responds_to)

    def _moment_from(self, value: object) -> Moment:
        if not isinstance(value, dict):
            raise EditRefused("the message has no moment")
        start, end = value.get("span_start"), value.get("span_end")
        span = None if start is None and end is None else (start, end)
        responds_to = value.get("responds_to")
        return self._checked_moment(
            str(value.get("turn_id", "")),
            span,  # type: ignore[arg-type]  # checked in _checked_moment
            None if responds_to is None else str(responds_to),
        )

    def _code_from(self, value: object) -> str:
        code_id = str(value)
        if code_id not in self._codebook:
            raise KeyError(f"no code {code_id!r} in the codebook")
        return code_id

    def _what(self, a: Annotation) -> str:
        label = self._codebook.code(a.code_id).label if a.code_id in self._codebook else a.code_id
        return f"{label} on {self._where(a.moment)}"

    def _where(self, moment: Moment) -> str:
        number = self._turn_numbers.get(moment.turn_id, moment.turn_id)
        if moment.responds_to is not None:
            answered = self._turn_numbers.get(moment.responds_to, moment.responds_to)
            return f"turn {number} (response to turn {answered})"
        if moment.span_start is not None:
            return f"turn {number}, characters {moment.span_start}\u2013{moment.span_end}"
        return f"turn {number}"

    def _describe_message(self, content: dict[str, Any]) -> str:
        """The edit a message asked for, in words (ids and labels only, never a note's text)."""
        kind = content.get("type")
        code_id = str(content.get("code_id", ""))
        label = self._codebook.code(code_id).label if code_id in self._codebook else code_id
        moment = content.get("moment")
        if isinstance(moment, dict):
            turn = self._turn_numbers.get(str(moment.get("turn_id")), moment.get("turn_id"))
            verb = "Agree on" if kind == "adjudicate" else "Add or remove"
            return f"{verb} {label} on turn {turn}"
        if kind in ("undo", "redo"):
            return f"{str(kind).capitalize()} the last change"
        return f"{str(kind).capitalize()} annotation {content.get('id', '')}"

    def _check_registration(self) -> None:
        """Record which transcript this id means; warn loudly when the store knows another."""
        registration = self._store.register_transcript(
            self._transcript.id,
            self._transcript.fingerprint(),
            len(self._transcript),
            by=self.annotator,
        )
        if registration.status != "changed":
            return
        message = (
            f"The store already holds a different transcript under the id "
            f"{self._transcript.id!r} (registered by {registration.registered_by} on "
            f"{registration.registered_at:%Y-%m-%d}, {registration.turn_count} turns). Codes are "
            f"kept per turn id, so they may now sit on other words. If this is another session, "
            f"load it with its own id: load_transcript(path, id='...')."
        )
        warnings.warn(message, TranscriptChangedWarning, stacklevel=3)
        self._report("error", message, None)

    def _reply(
        self, request: int | None, ok: bool, annotation_id: str | None, message: str, state: str
    ) -> None:
        self._report_and_reply(request, ok, message, state, annotation_id=annotation_id)

    def _try_refresh_records(self) -> None:
        try:
            self._refresh_records()
        except Exception as error:  # the store is unreachable: keep what is on screen
            log.error("attune: reloading annotations failed (%s)", type(error).__name__)

    def _refresh_records(self) -> None:
        records = self._store.annotation_list(transcript_id=self._transcript.id)
        self.annotation_records = [annotation_record(a) for a in records]
        undo_state: dict[str, str | None] = {
            "undo": self._undo[-1].description if self._undo else None,
            "redo": self._redo[-1].description if self._redo else None,
        }
        self.undo_state = undo_state

    def __repr__(self) -> str:
        return (
            f"Annotator(transcript={self._transcript.id!r}, turns={len(self._transcript)}, "
            f"annotator={self.annotator!r}, mode={self.mode!r}, "
            f"annotations={len(self.annotation_records)})"
        )


def _content(a: Annotation) -> dict[str, Any]:
    """The fields of an annotation that an edit (or its undo) may change."""
    return {
        "turn_id": a.turn_id,
        "span_start": a.span_start,
        "span_end": a.span_end,
        "responds_to": a.responds_to,
        "code_id": a.code_id,
        "note": a.note,
        "strength": a.strength,
        "adjudicated": a.adjudicated,
    }


def annotation_record(a: Annotation) -> dict[str, Any]:
    """An annotation as the front end needs it (``IAnnotationRecord`` in api-types.ts)."""
    return {
        "id": a.id,
        "turn_id": a.turn_id,
        "span_start": a.span_start,
        "span_end": a.span_end,
        "responds_to": a.responds_to,
        "code_id": a.code_id,
        "annotator": a.annotator,
        "note": a.note,
        "strength": a.strength,
        "adjudicated": a.adjudicated,
        "updated": a.updated.isoformat() if a.updated else a.created.isoformat(),
    }


def _code_records(codebook: Codebook) -> list[dict[str, Any]]:
    """The codes as the front end needs them (``ICodeRecord`` in api-types.ts)."""
    return [
        {
            "id": code.id,
            "label": code.label,
            "key": code.key,
            "colour": code.colour,
            "family": codebook.family_of(code.id),
            "parent": code.parent,
            "definition": code.definition,
            "depth": _depth(codebook, code.id),
        }
        for code in codebook.codes
    ]


def _depth(codebook: Codebook, code_id: str) -> int:
    depth, code = 0, codebook.code(code_id)
    while code.parent is not None:
        depth += 1
        code = codebook.code(code.parent)
    return depth
