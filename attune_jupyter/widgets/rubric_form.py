"""The RubricForm widget: rate one session on a rubric's anchored scales.

The front end (extension/widgets/rubric_form/, bundled into ``static/rubric_form.js``) draws one
radio group per item and sends one message per change (``RubricFormMessage`` in
extension/widgets/rubric_form/types.ts). This class owns the data. Each change is applied to the
rating as the store holds it *now* (not to this widget's last snapshot, so two open forms of the
same rater do not overwrite each other) and written at once, with the rater, the session and the
store's clock. A write the store refuses is retried; when it still fails, the change is kept
(shown, and counted in ``unsaved``) until the store takes it on a retry or a later change.

Scores and summaries come from :class:`~attune_jupyter.core.rubric.Rubric`, so the form, reports
and analytics agree on what a rating says. Comments are never logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import anywidget
import traitlets

from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.rubric import Rubric, RubricItem, RubricSummary
from attune_jupyter.core.transcript import Transcript
from attune_jupyter.core.users import current_user
from attune_jupyter.store.base import StoreError
from attune_jupyter.widgets.annotator import shared_default_store
from attune_jupyter.widgets.reporting import EditRefused, SaveStateReports

if TYPE_CHECKING:
    from attune_jupyter.store import Store

__all__ = ["RubricForm"]

_STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)

#: Seconds to wait before each further attempt at a write the store refused.
RETRY_DELAYS: Final = (0.1, 0.4)

#: Score changes of one item closer together than this (seconds) are undone as one step, so
#: that moving through the levels with the arrow keys is undone in one go.
UNDO_MERGE_SECONDS: Final = 2.0

#: How many unrated item names a summary line lists before it says "and N more".
_NAMES_SHOWN: Final = 3

_Kind = Literal["score", "comment", "overall"]


@dataclass(frozen=True)
class _Edit:
    """One change to a rating: a score, an item comment, or the overall comment.

    ``value`` is the score (None: unrated) or the comment's text. The text is never put into a
    message or a log; :meth:`description` names the item and, for a score, the level.
    """

    kind: _Kind
    item_id: str | None
    value: int | str | None


@dataclass
class _UndoStep:
    """How to go back on one change: the edit that restores the value it replaced."""

    inverse: _Edit
    description: str
    at: float


class RubricForm(SaveStateReports, anywidget.AnyWidget):
    """Rate a session on a rubric: one anchored scale per item, comments, live summaries.

    Every level of an item is shown with its anchor (the rubric's short description of what that
    level looks like); choose one with a click, the arrow keys or its digit, and clear it with
    Delete or "Not rated". An unrated item is stored as unrated (score None), never as the
    lowest score. Each change is saved to the store at once; comments are saved when you leave
    the box, pause typing, press Ctrl+Enter or click Save. ``u`` undoes the last change and
    ``?`` lists every shortcut.

    Parameters
    ----------
    transcript_or_session:
        The session rated: a :class:`~attune_jupyter.core.transcript.Transcript`, or a
        transcript id.
    rubric:
        The rubric to rate on; :meth:`Rubric.default` when None.
    rater:
        Who is rating (or, with ``read_only``, whose rating to show); defaults to the JupyterHub
        user or the login name.
    store:
        Where ratings are kept. When None, the store :func:`attune_jupyter.open_store` () opens,
        shared by every widget that uses that location.
    read_only:
        Show the rater's rating (scores, anchors, comments, summary) without allowing changes,
        as a trainee reads a supervisor's rating.

    Raises
    ------
    ValueError
        When the session id or rater is empty, or the rater's stored rating of this session was
        made on another version of the rubric.
    """

    _esm = _STATIC / "rubric_form.js"
    _css = _STATIC / "rubric_form.css"

    rubric_record = traitlets.Dict().tag(sync=True)
    transcript_id = traitlets.Unicode(read_only=True).tag(sync=True)
    rater = traitlets.Unicode(read_only=True).tag(sync=True)
    read_only = traitlets.Bool(False).tag(sync=True)
    rating_record = traitlets.Dict().tag(sync=True)
    summary_record = traitlets.Dict().tag(sync=True)
    #: ``{state, message, seq, request_id}``; ``seq`` grows with every report, so the front end
    #: hears each one even when the same message repeats.
    save_state: traitlets.Dict[str, Any] = traitlets.Dict(
        {"state": "idle", "message": "", "seq": 0, "request_id": None}
    ).tag(sync=True)
    #: How many changes the store has not taken yet (kept for a retry); 0 when all are saved.
    unsaved = traitlets.Int(0).tag(sync=True)
    #: What ``u`` would undo, in words ("Compassion: 4"), or None.
    undo_label = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    #: Seconds to wait before each further attempt at a write the store refused.
    retry_delays: tuple[float, ...] = RETRY_DELAYS

    def __init__(
        self,
        transcript_or_session: Transcript | str,
        rubric: Rubric | None = None,
        rater: str | None = None,
        store: Store | None = None,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(transcript_or_session, Transcript):
            transcript_id = transcript_or_session.id
        elif isinstance(transcript_or_session, str) and transcript_or_session.strip():
            transcript_id = transcript_or_session
        else:
            raise ValueError(
                "transcript_or_session must be a Transcript or a transcript id (a non-empty "
                f"string), got {type(transcript_or_session).__name__}"
            )
        rater = current_user() if rater is None else rater
        if not isinstance(rater, str) or not rater.strip():
            raise ValueError("rater must be a non-empty name, such as 'supervisor-a'")
        self._rubric = rubric if rubric is not None else Rubric.default()
        if not isinstance(self._rubric, Rubric):
            raise ValueError(f"rubric must be a Rubric, got {type(self._rubric).__name__}")
        self._store = store if store is not None else shared_default_store()
        self._transcript_id = transcript_id
        self._rater = rater
        self._pending: list[_Edit] = []
        self._undo: list[_UndoStep] = []
        # Before the widget opens its comm, so that a refused form leaves nothing behind.
        self._saved: SessionRating | None = self._stored(refuse=ValueError)
        super().__init__(rubric_record=rubric_record(self._rubric), read_only=read_only, **kwargs)
        self.set_trait("transcript_id", transcript_id)
        self.set_trait("rater", rater)
        self._publish()
        if self._saved is None and read_only:
            self._report("idle", f"{rater} has not rated this session on this rubric yet.", None)
        elif self._saved is not None:
            saved_at = _when(self._saved, with_date=True)
            self._report("saved", f"Loaded {rater}'s rating, last saved {saved_at}.", None)
        self.on_msg(self._handle_message)

    # -- Python API -------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self._store

    @property
    def rubric(self) -> Rubric:
        return self._rubric

    @property
    def rating(self) -> SessionRating | None:
        """The rating as the form shows it (with any change the store has not taken yet, see
        ``unsaved``), or None before the first change."""
        return self._current()

    @property
    def summary(self) -> dict[str, float | None]:
        """The rubric's summary scores of the current rating, by summary id (None where not
        enough items are rated)."""
        return self._rubric.summarise(self._scores())

    @property
    def passes(self) -> bool | None:
        """Whether the current rating meets the rubric's pass rule; None when the rubric has
        none or an item is unrated."""
        return self._rubric.passes(self._as_rating())

    def set_score(self, item_id: str, score: int | None) -> SessionRating:
        """Score one item (None: not rated) and save; returns the rating as stored.

        Raises
        ------
        KeyError
            When the rubric has no such item (the message names it and suggests a close id).
        ValueError
            When the score is not one of the item's levels (the message names the item and the
            allowed levels).
        PermissionError
            When the form is read-only.
        attune_jupyter.StoreError
            When the store still refuses the write after retrying; the change is kept and shown,
            and :meth:`retry` (or the next change) saves it.
        """
        return self._change(self._score_edit(item_id, score))

    def set_comment(self, item_id: str, text: str) -> SessionRating:
        """Set the comment on one item ("" clears it) and save; see :meth:`set_score`."""
        return self._change(self._comment_edit(item_id, text))

    def set_overall_comment(self, text: str) -> SessionRating:
        """Set the comment on the session as a whole and save; see :meth:`set_score`."""
        return self._change(self._overall_edit(text))

    def undo(self) -> str:
        """Undo this form's last change; returns what was undone, in words.

        Raises
        ------
        ValueError
            When there is nothing to undo.
        """
        self._writable()
        if not self._undo:
            raise EditRefused("nothing to undo")
        step = self._undo.pop()
        self._save([*self._pending, step.inverse])
        return f"Undid \u201c{step.description}\u201d"

    def retry(self) -> SessionRating | None:
        """Save the changes the store refused before; returns the rating as stored.

        Raises
        ------
        attune_jupyter.StoreError
            When the store still refuses them (they stay kept).
        """
        if not self._pending:
            return self._saved
        return self._save(list(self._pending))

    def refresh(self) -> None:
        """Show the rating as the store holds it now (changes made elsewhere)."""
        self._saved = self._stored(refuse=ValueError)
        self._publish()

    def close(self) -> None:
        """Close the widget; a change the store has not taken yet is tried once more first."""
        if getattr(self, "_pending", None):  # None when __init__ refused its arguments
            try:
                self._save(list(self._pending), retries=())
            except Exception as error:  # keep closing; say so without the comment text
                log.error(
                    "attune: closing a rubric form with %d unsaved change(s) (%s)",
                    len(self._pending),
                    type(error).__name__,
                )
        super().close()

    def __repr__(self) -> str:
        scores = self._scores()
        rated = sum(1 for item in self._rubric.items if scores.get(item.id) is not None)
        mode = ", read_only=True" if self.read_only else ""
        return (
            f"RubricForm(session={self._transcript_id!r}, rubric={self._rubric.id!r} "
            f"v{self._rubric.version}, rater={self._rater!r}, "
            f"rated={rated}/{len(self._rubric)}{mode})"
        )

    # -- edits ------------------------------------------------------------------------------

    def _score_edit(self, item_id: str, score: object) -> _Edit:
        item = self._rubric.item(item_id)  # KeyError naming the item, with a hint
        if score is not None:
            if isinstance(score, bool) or not isinstance(score, int) or score not in item.scale:
                levels = f"{item.scale.minimum} to {item.scale.maximum}"
                raise ValueError(
                    f"item {item.id!r} ({item.label}): {score!r} is not one of its levels; "
                    f"use a whole number from {levels}, or None for not rated"
                )
            score = int(score)
        return _Edit("score", item.id, score)

    def _comment_edit(self, item_id: str, text: object) -> _Edit:
        item = self._rubric.item(item_id)
        if not isinstance(text, str):
            raise ValueError(f"item {item.id!r}: a comment must be text, got {type(text).__name__}")
        return _Edit("comment", item.id, text)

    def _overall_edit(self, text: object) -> _Edit:
        if not isinstance(text, str):
            raise ValueError(f"the overall comment must be text, got {type(text).__name__}")
        return _Edit("overall", None, text)

    def _change(self, edit: _Edit) -> SessionRating:
        self._writable()
        before = self._current()
        inverse = _inverse(edit, before)
        if inverse.value == edit.value:
            # Nothing changes (the same level again, an unchanged comment): nothing to write.
            current = before if before is not None else self._as_rating()
            if not self._pending:  # with kept changes, the error report stays
                self._report("saved", self._unchanged_message(edit), None)
            return current
        self._remember(edit, inverse)
        return self._save([*self._pending, edit])

    def _remember(self, edit: _Edit, inverse: _Edit) -> None:
        now = time.monotonic()
        last = self._undo[-1] if self._undo else None
        description = self._describe(edit)
        if (
            edit.kind == "score"
            and last is not None
            and last.inverse.kind == "score"
            and last.inverse.item_id == edit.item_id
            and now - last.at < UNDO_MERGE_SECONDS
        ):
            # One gesture (arrowing through levels): undo goes back to where it started.
            last.description, last.at = description, now
        else:
            self._undo.append(_UndoStep(inverse, description, now))

    def _save(
        self, edits: Sequence[_Edit], retries: tuple[float, ...] | None = None
    ) -> SessionRating:
        """Apply ``edits`` to the stored rating and write it; keep them when the store fails."""
        delays = self.retry_delays if retries is None else retries
        what = self._describe(edits[-1])
        try:
            stored = self._with_retries(lambda: self._write(edits), delays)
        except EditRefused as error:
            self._pending = []
            self._publish()
            self._report("error", f"Not saved: {error}", None)
            raise
        except Exception as error:  # the store failed every attempt: keep the changes
            self._pending = list(edits)
            log.error("attune: saving a rating failed (%s)", type(error).__name__)
            self._publish()
            count = len(self._pending)
            self._report(
                "error",
                f"Not saved ({type(error).__name__}): {what}"
                + (f" and {count - 1} earlier change(s)" if count > 1 else "")
                + ". Your changes are kept here; check that the store is reachable and "
                "writable, then Retry.",
                None,
            )
            if isinstance(error, StoreError):
                raise
            raise StoreError(f"saving the rating failed: {error}") from error
        self._pending = []
        self._saved = stored
        self._publish()
        self._report("saved", f"Saved {what} at {_when(stored)}.", None)
        return stored

    def _write(self, edits: Sequence[_Edit]) -> SessionRating:
        base = self._stored(refuse=EditRefused)
        rating = _applied(base or self._blank(), edits)
        return self._store.save_rating(rating)

    def _with_retries(
        self, action: Callable[[], SessionRating], delays: tuple[float, ...]
    ) -> SessionRating:
        for delay in (*delays, None):
            try:
                return action()
            except EditRefused:
                raise
            except StoreError:
                if delay is None:
                    raise
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _stored(self, refuse: type[ValueError]) -> SessionRating | None:
        """The rater's rating of this session on this rubric, as the store holds it now."""
        found = self._store.session_ratings(
            transcript_id=self._transcript_id, rater=self._rater, rubric_id=self._rubric.id
        )
        if not found:
            return None
        rating = found[0]
        if rating.rubric_version != self._rubric.version:
            raise refuse(
                f"{self._rater}'s rating of session {self._transcript_id!r} (rating {rating.id}) "
                f"was made on rubric {self._rubric.id!r} version {rating.rubric_version}, and "
                f"this form uses version {self._rubric.version}. Open it with that version of "
                "the rubric (Rubric.load(path)), or delete the old rating "
                "(store.delete_rating(id, by=...)) to rate again."
            )
        return rating

    def _blank(self) -> SessionRating:
        return SessionRating(
            transcript_id=self._transcript_id,
            rubric_id=self._rubric.id,
            rubric_version=self._rubric.version,
            rater=self._rater,
        )

    def _current(self) -> SessionRating | None:
        if not self._pending:
            return self._saved
        return _applied(self._saved or self._blank(), self._pending)

    def _as_rating(self) -> SessionRating:
        return self._current() or self._blank()

    def _scores(self) -> dict[str, int | None]:
        current = self._current()
        return {} if current is None else current.scores

    def _writable(self) -> None:
        if self.read_only:
            raise PermissionError(
                f"this form is read-only (it shows {self._rater}'s rating); create it without "
                "read_only=True to rate as yourself"
            )

    def _describe(self, edit: _Edit) -> str:
        """What a change does, in words: item label and level, never a comment's text."""
        if edit.kind == "overall":
            return "overall comment"
        label = self._label(edit.item_id)
        if edit.kind == "comment":
            return f"comment on {label}"
        return f"{label}: not rated" if edit.value is None else f"{label}: {edit.value}"

    def _unchanged_message(self, edit: _Edit) -> str:
        return f"No change: {self._describe(edit)} is already saved."

    def _label(self, item_id: str | None) -> str:
        if item_id is None or item_id not in self._rubric:
            return str(item_id)
        return self._rubric.item(item_id).label

    # -- front-end messages -----------------------------------------------------------------

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        request_id = content.get("request_id")
        request = request_id if isinstance(request_id, int) else None
        handlers: dict[str, Callable[[], str]] = {
            "set-score": lambda: self._apply_message(
                self._score_edit(str(content.get("item_id")), content.get("score"))
            ),
            "set-comment": lambda: self._apply_message(
                self._comment_edit(str(content.get("item_id")), content.get("comment"))
            ),
            "set-overall-comment": lambda: self._apply_message(
                self._overall_edit(content.get("comment"))
            ),
            "undo": lambda: f"{self.undo()}; saved.",
            "retry": self._retry_message,
        }
        handler = handlers.get(str(kind))
        if handler is None:
            return
        if self.read_only:
            self._reply(request, False, "This rating is read-only: nothing was changed.", "error")
            return
        try:
            message = handler()
        except (KeyError, ValueError) as error:
            # Will not succeed on retry: say why (ids and labels only, never a comment).
            reason = error.args[0] if error.args else type(error).__name__
            self._publish()
            self._reply(request, False, f"Not saved: {reason}", "error")
            return
        except StoreError:
            # Kept and reported by _save; answer the view so it stops waiting.
            self._reply(request, False, self.save_state["message"], "error")
            return
        self._reply(request, True, message, self.save_state["state"])

    def _apply_message(self, edit: _Edit) -> str:
        self._change(edit)
        return str(self.save_state["message"])

    def _retry_message(self) -> str:
        if not self._pending:
            return "Nothing to retry: every change is saved."
        count = len(self._pending)
        self.retry()
        return f"Saved {count} kept change(s)."

    def _reply(self, request: int | None, ok: bool, message: str, state: str) -> None:
        self._report_and_reply(request, ok, message, state)

    def _publish(self) -> None:
        """Send the current rating, its summary, what is unsaved and what undo would do."""
        current = self._current()
        self.rating_record = rating_record(self._rubric, current)
        self.summary_record = summary_record(self._rubric, self._as_rating())
        self.unsaved = len(self._pending)
        self.undo_label = self._undo[-1].description if self._undo else None


# ------------------------------------------------------------------------------------------------
# Applying changes
# ------------------------------------------------------------------------------------------------


def _inverse(edit: _Edit, rating: SessionRating | None) -> _Edit:
    """The edit that puts back what ``edit`` replaces in ``rating``."""
    if edit.kind == "overall":
        return _Edit("overall", None, rating.overall_comment if rating else "")
    assert edit.item_id is not None
    item = rating.item(edit.item_id) if rating else ItemRating(edit.item_id)
    return _Edit(edit.kind, edit.item_id, item.score if edit.kind == "score" else item.comment)


def _applied(rating: SessionRating, edits: Sequence[_Edit]) -> SessionRating:
    """``rating`` with ``edits`` made in order; items neither rated nor commented are left out."""
    items = {item.item_id: item for item in rating.items}
    overall = rating.overall_comment
    for edit in edits:
        if edit.kind == "overall":
            overall = str(edit.value)
            continue
        assert edit.item_id is not None
        old = items.get(edit.item_id, ItemRating(edit.item_id))
        if edit.kind == "score":
            score = edit.value if isinstance(edit.value, int) else None
            items[edit.item_id] = ItemRating(old.item_id, score, old.comment)
        else:
            items[edit.item_id] = ItemRating(old.item_id, old.score, str(edit.value))
    kept = [item for item in items.values() if item.score is not None or item.comment]
    return rating.with_items(kept, overall_comment=overall)


# ------------------------------------------------------------------------------------------------
# What the front end draws (IRubricRecord, IRatingRecord, ISummaryRecord in types.ts)
# ------------------------------------------------------------------------------------------------


def rubric_record(rubric: Rubric) -> dict[str, Any]:
    """A rubric as the form draws it (``IRubricRecord``)."""
    return {
        "id": rubric.id,
        "version": rubric.version,
        "title": rubric.title,
        "description": rubric.description,
        "groups": [group.to_dict() for group in rubric.groups],
        "items": [_item_record(item) for item in rubric.items],
        "anchored": any(item.scale.anchors for item in rubric.items),
    }


def _item_record(item: RubricItem) -> dict[str, Any]:
    scale = item.scale
    return {
        "id": item.id,
        "label": item.label,
        "description": item.description,
        "group": item.group,
        "minimum": scale.minimum,
        "maximum": scale.maximum,
        "higher_is_better": scale.higher_is_better,
        "scale_text": scale.describe(),
        "levels": [
            {"level": level, "anchor": scale.anchors.get(level, "")} for level in scale.levels
        ],
    }


def rating_record(rubric: Rubric, rating: SessionRating | None) -> dict[str, Any]:
    """A rating as the form draws it (``IRatingRecord``): every rubric item, unrated ones with
    score None."""
    items = [
        {"item_id": item.id, "score": None, "comment": ""}
        if rating is None
        else {
            "item_id": item.id,
            "score": rating.item(item.id).score,
            "comment": rating.item(item.id).comment,
        }
        for item in rubric.items
    ]
    return {
        "id": rating.id if rating else None,
        "items": items,
        "overall_comment": rating.overall_comment if rating else "",
        "updated": rating.updated.isoformat() if rating and rating.updated else None,
    }


def summary_record(rubric: Rubric, rating: SessionRating) -> dict[str, Any]:
    """The rubric's summaries of a rating, in words (``ISummaryRecord``)."""
    scores = rating.scores
    unrated = [item for item in rubric.items if scores.get(item.id) is None]
    values = rubric.summary(rating)
    lines = []
    for summary in rubric.summaries:
        value = values[summary.id]
        band = summary.bands.of(value) if summary.bands is not None else None
        lines.append(
            {
                "id": summary.id,
                "label": summary.label,
                "value": value,
                "band": band,
                "text": _summary_text(rubric, summary, value, band, scores),
            }
        )
    total = len(rubric.items)
    rated = total - len(unrated)
    status = (
        f"Complete: all {total} items rated."
        if not unrated
        else f"Incomplete: {rated} of {total} items rated; not rated: {_names(unrated)}."
    )
    return {
        "complete": not unrated,
        "rated": rated,
        "total": total,
        "status": status,
        "lines": lines,
        "pass_rule": _pass_record(rubric, rating),
    }


def _summary_text(
    rubric: Rubric,
    summary: RubricSummary,
    value: float | None,
    band: str | None,
    scores: dict[str, int | None],
) -> str:
    items = rubric.summary_items(summary.id)
    missing = [item for item in items if scores.get(item.id) is None]
    if value is None:
        if summary.method == "mean" or len(missing) == len(items):
            return "incomplete: no items rated yet"
        return f"incomplete: rate {_names(missing)}"
    shown = f"{value:g}" if summary.method == "total_if_complete" else f"{value:.2f}"
    if summary.method == "total_if_complete":
        shown = f"{shown} of {sum(item.scale.maximum for item in items)}"
    if band is not None:
        shown = f"{shown} ({band})"
    if missing:
        shown = f"{shown}; incomplete: {len(items) - len(missing)} of {len(items)} items rated"
    return shown


def _pass_record(rubric: Rubric, rating: SessionRating) -> dict[str, Any] | None:
    rule = rubric.pass_rule
    if rule is None:
        return None
    parts = []
    if rule.total_at_least is not None:
        parts.append(f"total at least {rule.total_at_least}")
    if rule.each_item_at_least is not None:
        parts.append(f"every item at least {rule.each_item_at_least}")
    result = rubric.passes(rating)
    scores = rating.scores
    if result is None:
        text = "incomplete: decided when every item is rated"
    elif result:
        text = "passes"
    else:
        reasons = []
        total = sum(score for score in scores.values() if score is not None)
        if rule.total_at_least is not None and total < rule.total_at_least:
            reasons.append(f"total {total} is below {rule.total_at_least}")
        if rule.each_item_at_least is not None:
            low = [
                item
                for item in rubric.items
                if (scores.get(item.id) or 0) < rule.each_item_at_least
            ]
            if low:
                reasons.append(f"below {rule.each_item_at_least}: {_names(low)}")
        text = "does not pass: " + "; ".join(reasons)
    return {"rule": "Pass rule: " + " and ".join(parts), "result": result, "text": text}


def _names(items: Sequence[RubricItem]) -> str:
    labels = [item.label for item in items]
    if len(labels) <= _NAMES_SHOWN:
        return ", ".join(labels)
    return f"{', '.join(labels[:_NAMES_SHOWN])} and {len(labels) - _NAMES_SHOWN} more"


def _when(rating: SessionRating, with_date: bool = False) -> str:
    """When a rating was last saved, in the kernel's local time."""
    stamp = (rating.updated or rating.created).astimezone()
    return f"{stamp:%Y-%m-%d %H:%M}" if with_date else f"{stamp:%H:%M:%S}"
