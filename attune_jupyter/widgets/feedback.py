"""The trainee's view of a session's feedback: the supervisor's moments and rating, read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets

from attune_jupyter.core.rubric import Rubric
from attune_jupyter.widgets.annotator import Annotator, shared_default_store
from attune_jupyter.widgets.rubric_form import RubricForm

if TYPE_CHECKING:
    from attune_jupyter.core.codebook import Codebook
    from attune_jupyter.core.transcript import Transcript
    from attune_jupyter.store import Store


def feedback_view(
    transcript: Transcript,
    supervisor: str,
    store: Store | None = None,
    rubric: Rubric | None = None,
    codebook: Codebook | None = None,
) -> ipywidgets.VBox:
    """Show ``supervisor``'s moments, notes and rating of a session, with nothing editable.

    The moments come first (the read-only Annotator, showing only ``supervisor``'s codes), then
    the rating on ``rubric`` (the default rubric when None). For a file to keep or print, see
    :func:`attune_jupyter.feedback_report`.
    """
    store = store if store is not None else shared_default_store()
    moments = Annotator(
        transcript,
        codebook=codebook,
        annotator=supervisor,
        store=store,
        read_only=True,
        annotators=[supervisor],
    )
    rating = RubricForm(
        transcript,
        rubric=rubric if rubric is not None else Rubric.default(),
        rater=supervisor,
        store=store,
        read_only=True,
    )
    return ipywidgets.VBox([moments, rating])
