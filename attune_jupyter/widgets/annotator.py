"""The Annotator widget: read a transcript turn by turn and tag moments with codes.

The front end (extension/widgets/annotator.ts, bundled into ``static/annotator.js``) draws the
turns and sends a ``toggle-code`` message for each click or key press. This class owns the data:
it writes each change to the store before it shows it, so a tag that is on screen is on disk.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.transcript import TranscriptChangedWarning
from attune_jupyter.core.users import current_user

if TYPE_CHECKING:
    import pandas as pd

    from attune_jupyter.core.transcript import Transcript
    from attune_jupyter.store import Store

_STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)

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


class Annotator(anywidget.AnyWidget):
    """Tag the moments of a transcript with codes from a codebook.

    Select a turn (click it, or move with the arrow keys or j/k) and press a code's key, or click
    the code's button. Pressing the same code again on the same turn removes your tag. Every change
    is written to the store at once.

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
    """

    _esm = _STATIC / "annotator.js"
    _css = _STATIC / "annotator.css"

    transcript = traitlets.Dict().tag(sync=True)
    codes = traitlets.List(traitlets.Dict()).tag(sync=True)
    annotation_records = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected_turn = traitlets.Unicode("").tag(sync=True)
    read_only = traitlets.Bool(False).tag(sync=True)
    #: ``{state, message, seq}``; ``seq`` grows with every report, so the front end hears each
    #: one even when the same message repeats (traitlets sends only changed values).
    save_state = traitlets.Dict({"state": "idle", "message": "", "seq": 0}).tag(sync=True)

    def __init__(
        self,
        transcript: Transcript,
        codebook: Codebook | None = None,
        annotator: str | None = None,
        store: Store | None = None,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        self._transcript = transcript
        self._codebook = codebook if codebook is not None else Codebook.default()
        self._annotator = annotator or current_user()
        self._store = store if store is not None else shared_default_store()
        self._turn_numbers = {turn.id: n for n, turn in enumerate(transcript.turns, start=1)}
        self._reports = 0
        super().__init__(
            transcript=transcript.to_dict(),
            codes=_code_records(self._codebook),
            read_only=read_only,
            **kwargs,
        )
        self._refresh_records()
        self.on_msg(self._handle_message)
        self._check_registration()

    # -- Python API -------------------------------------------------------------------------

    @property
    def annotator(self) -> str:
        """The name this widget writes annotations under."""
        return self._annotator

    @property
    def store(self) -> Store:
        return self._store

    @property
    def annotations(self) -> pd.DataFrame:
        """This transcript's annotations, by every annotator, as the store's tidy frame."""
        return self._store.annotations(transcript_id=self._transcript.id)

    def add(self, turn_id: str, code_id: str, note: str = "") -> Annotation:
        """Tag a whole turn with a code, as if the user pressed its key; returns the stored record.

        Raises
        ------
        KeyError
            When the turn or the code does not exist.
        """
        self._transcript.turn(turn_id)
        self._codebook.code(code_id)
        stored = self._store.add_annotation(
            Annotation(
                transcript_id=self._transcript.id,
                turn_id=turn_id,
                code_id=code_id,
                annotator=self._annotator,
                note=note,
            )
        )
        self._refresh_records()
        return stored

    def toggle(self, turn_id: str, code_id: str) -> Annotation | None:
        """Add the code to the turn, or remove it when this annotator already applied it.

        Returns the new annotation, or None when one was removed. The store, not this widget's
        last snapshot, decides which: another widget or process may have changed it meanwhile.
        """
        existing = self._own_annotation(turn_id, code_id)
        if existing is None:
            return self.add(turn_id, code_id)
        self._store.delete_annotation(existing, by=self._annotator)
        self._refresh_records()
        return None

    # -- front-end messages -----------------------------------------------------------------

    def _handle_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("type") != "toggle-code":
            return
        if self.read_only:
            self._report("error", "This transcript is read-only.")
            return
        turn_id, code_id = str(content.get("turn_id", "")), str(content.get("code_id", ""))
        if turn_id not in self._turn_numbers or code_id not in self._codebook:
            self._report("error", f"Not saved: no turn {turn_id!r} or no code {code_id!r}.")
            return
        try:
            result = self.toggle(turn_id, code_id)
        except Exception as error:  # the store failed: say so, and show what the store holds
            # Ids only: exception messages could carry a note's text.
            log.error("attune: saving %s on %s failed (%s)", code_id, turn_id, type(error).__name__)
            self._report("error", f"Not saved ({type(error).__name__}); the tag was not recorded.")
            self._try_refresh_records()
            return
        label = self._codebook.code(code_id).label
        verb = "Added" if result is not None else "Removed"
        self._report("saved", f"{verb} {label} on turn {self._turn_numbers[turn_id]}; saved.")

    def _check_registration(self) -> None:
        """Record which transcript this id means; warn loudly when the store knows another."""
        registration = self._store.register_transcript(
            self._transcript.id,
            self._transcript.fingerprint(),
            len(self._transcript),
            by=self._annotator,
        )
        if registration.status != "changed":
            return
        message = (
            f"The store already holds a different transcript under the id "
            f"{self._transcript.id!r} (registered by {registration.registered_by} on "
            f"{registration.registered_at:%Y-%m-%d}, {registration.turn_count} turns). Tags are "
            f"kept per turn id, so they may now sit on other words. If this is another session, "
            f"load it with its own id: load_transcript(path, id='...')."
        )
        warnings.warn(message, TranscriptChangedWarning, stacklevel=3)
        self._report("error", message)

    def _report(self, state: str, message: str) -> None:
        self._reports += 1
        self.save_state = {"state": state, "message": message, "seq": self._reports}

    # -- internals --------------------------------------------------------------------------

    def _own_annotation(self, turn_id: str, code_id: str) -> str | None:
        mine = self._store.annotations(transcript_id=self._transcript.id, annotator=self._annotator)
        match = mine[(mine["turn_id"] == turn_id) & (mine["code_id"] == code_id)]
        return None if match.empty else str(match["annotation_id"].iloc[0])

    def _try_refresh_records(self) -> None:
        try:
            self._refresh_records()
        except Exception as error:  # the store is unreachable: keep what is on screen
            log.error("attune: reloading annotations failed (%s)", type(error).__name__)

    def _refresh_records(self) -> None:
        frame = self.annotations
        self.annotation_records = [
            {
                "id": row.annotation_id,
                "turn_id": row.turn_id,
                "code_id": row.code_id,
                "annotator": row.annotator,
                "note": row.note or "",
            }
            for row in frame.itertuples(index=False)
        ]

    def __repr__(self) -> str:
        return (
            f"Annotator(transcript={self._transcript.id!r}, turns={len(self._transcript)}, "
            f"annotator={self._annotator!r}, annotations={len(self.annotation_records)})"
        )


def _code_records(codebook: Codebook) -> list[dict[str, Any]]:
    """The codes as the front end needs them (``ICodeRecord`` in annotator.ts)."""
    records = []
    for code in codebook.codes:
        family = codebook.family_of(code.id)
        records.append(
            {
                "id": code.id,
                "label": code.label,
                "key": code.key,
                "colour": code.colour,
                "family": family,
                "definition": code.definition,
                "depth": _depth(codebook, code.id),
            }
        )
    return records


def _depth(codebook: Codebook, code_id: str) -> int:
    depth, code = 0, codebook.code(code_id)
    while code.parent is not None:
        depth += 1
        code = codebook.code(code.parent)
    return depth
