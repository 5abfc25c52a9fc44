"""The framework-free core: transcripts and their readers, codebooks, annotations.

Nothing under ``attune_jupyter.core`` imports jupyter_server, tornado, ipywidgets, anywidget or
matplotlib (tests/unit/test_core_isolation.py checks it), so it can be used from scripts, the
command line, the server and the widgets alike.
"""

from __future__ import annotations

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.codebook import Code, Codebook, CodebookError
from attune_jupyter.core.course import CourseFileError, CourseSettings
from attune_jupyter.core.deid import Finding, NotAnonymizedError, deidentify, screen
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.readers import (
    TranscriptLoadErrors,
    load_transcript,
    load_transcripts,
    parse_transcript,
)
from attune_jupyter.core.rubric import Rubric, RubricError, RubricItem, Scale
from attune_jupyter.core.transcript import (
    ROLES,
    Role,
    Transcript,
    TranscriptChangedWarning,
    TranscriptError,
    Turn,
    infer_role,
)

__all__ = [
    "ROLES",
    "Annotation",
    "Code",
    "Codebook",
    "CodebookError",
    "CourseFileError",
    "CourseSettings",
    "Finding",
    "ItemRating",
    "NotAnonymizedError",
    "Role",
    "Rubric",
    "RubricError",
    "RubricItem",
    "Scale",
    "SessionRating",
    "Transcript",
    "TranscriptChangedWarning",
    "TranscriptError",
    "TranscriptLoadErrors",
    "Turn",
    "deidentify",
    "infer_role",
    "load_transcript",
    "load_transcripts",
    "parse_transcript",
    "screen",
]
