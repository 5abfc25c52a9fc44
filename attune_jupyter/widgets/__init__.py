"""Notebook widgets (anywidget): per-notebook interactive work over the core and the store."""

from __future__ import annotations

from attune_jupyter.widgets.annotator import Annotator
from attune_jupyter.widgets.feedback import feedback_view
from attune_jupyter.widgets.rubric_form import RubricForm

__all__ = ["Annotator", "RubricForm", "feedback_view"]
