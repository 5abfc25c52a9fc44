"""The Annotator widget: read a transcript turn by turn and tag moments with codes.

The front end (extension/widgets/annotator.ts, bundled into ``static/annotator.js``) draws the
turns and sends a ``toggle-code`` message for each click or key press. This class owns the data:
it writes each change to the store before it shows it, so a tag that is on screen is on disk.
"""

from __future__ import annotations

import getpass
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.codebook import Codebook

if TYPE_CHECKING:
    import pandas as pd

    from attune_jupyter.core.transcript import Transcript
    from attune_jupyter.store import Store

_STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)


def default_annotator_name() -> str:
    """The JupyterHub user when running on a hub, else the login name."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


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
        Where annotations are written; :func:`attune_jupyter.open_store` () when None.
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
    save_state = traitlets.Dict({"state": "idle", "message": ""}).tag(sync=True)

    def __init__(
        self,
        transcript: Transcript,
        codebook: Codebook | None = None,
        annotator: str | None = None,
        store: Store | None = None,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        from attune_jupyter.store import open_store

        self._transcript = transcript
        self._codebook = codebook if codebook is not None else Codebook.default()
        self._annotator = annotator or default_annotator_name()
        self._store = store if store is not None else open_store()
        self._turn_numbers = {turn.id: n for n, turn in enumerate(transcript.turns, start=1)}
        super().__init__(
            transcript=transcript.to_dict(),
            codes=_code_records(self._codebook),
            read_only=read_only,
            **kwargs,
        )
        self._refresh_records()
        self.on_msg(self._handle_message)

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

        Returns the new annotation, or None when one was removed.
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
            self.save_state = {"state": "error", "message": "This transcript is read-only."}
            return
        turn_id, code_id = str(content.get("turn_id", "")), str(content.get("code_id", ""))
        try:
            result = self.toggle(turn_id, code_id)
        except KeyError as error:
            self.save_state = {"state": "error", "message": f"Not saved: {error.args[0]}"}
            return
        except Exception as error:  # the store failed: say so, keep the page as it was
            log.exception("attune: saving an annotation failed")
            self.save_state = {
                "state": "error",
                "message": f"Not saved ({type(error).__name__}); your tag was not recorded.",
            }
            return
        label = self._codebook.code(code_id).label
        number = self._turn_numbers[turn_id]
        verb = "Added" if result is not None else "Removed"
        self.save_state = {"state": "saved", "message": f"{verb} {label} on turn {number}; saved."}

    # -- internals --------------------------------------------------------------------------

    def _own_annotation(self, turn_id: str, code_id: str) -> str | None:
        for record in self.annotation_records:
            if (
                record["turn_id"] == turn_id
                and record["code_id"] == code_id
                and record["annotator"] == self._annotator
            ):
                return str(record["id"])
        return None

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
