"""attune-jupyter: annotate, rate and discuss therapy-training session transcripts in JupyterLab.

The names below are the public API. Widgets and the server extension are imported lazily, so
``import attune_jupyter`` (and ``attune_jupyter.core``) stays free of Jupyter, widget and plotting
libraries: scripts, the command line and the course service can use the core on their own.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from attune_jupyter._version import __version__
from attune_jupyter.core import (
    Annotation,
    Code,
    Codebook,
    CodebookError,
    CourseFileError,
    CourseSettings,
    Finding,
    ItemRating,
    NotAnonymizedError,
    Rubric,
    RubricError,
    RubricItem,
    Scale,
    SessionRating,
    Transcript,
    TranscriptChangedWarning,
    TranscriptError,
    TranscriptLoadErrors,
    Turn,
    deidentify,
    load_transcript,
    load_transcripts,
    screen,
)

if TYPE_CHECKING:
    from attune_jupyter import agreement, analysis, plots
    from attune_jupyter.analysis import (
        export_frame,
        export_qdc,
        export_qdpx,
        import_qdpx,
        read_qdpx,
        synthetic_cohort,
    )
    from attune_jupyter.reports import feedback_html, feedback_report
    from attune_jupyter.store import Store, StoreError
    from attune_jupyter.widgets import Annotator, RubricForm, feedback_view

__all__ = [
    "Annotation",
    "Annotator",
    "Code",
    "Codebook",
    "CodebookError",
    "CourseFileError",
    "CourseSettings",
    "Finding",
    "ItemRating",
    "NotAnonymizedError",
    "Rubric",
    "RubricError",
    "RubricForm",
    "RubricItem",
    "Scale",
    "SessionRating",
    "Store",
    "StoreError",
    "Transcript",
    "TranscriptChangedWarning",
    "TranscriptError",
    "TranscriptLoadErrors",
    "Turn",
    "__version__",
    "agreement",
    "analysis",
    "deidentify",
    "export_frame",
    "export_qdc",
    "export_qdpx",
    "feedback_html",
    "feedback_report",
    "feedback_view",
    "import_qdpx",
    "load_transcript",
    "load_transcripts",
    "open_store",
    "plots",
    "read_qdpx",
    "screen",
    "synthetic_cohort",
]

_LAZY = {
    "Annotator": "attune_jupyter.widgets",
    "RubricForm": "attune_jupyter.widgets",
    "feedback_html": "attune_jupyter.reports",
    "feedback_report": "attune_jupyter.reports",
    "feedback_view": "attune_jupyter.widgets",
    "Store": "attune_jupyter.store",
    "StoreError": "attune_jupyter.store",
    "export_frame": "attune_jupyter.analysis",
    "export_qdc": "attune_jupyter.analysis",
    "export_qdpx": "attune_jupyter.analysis",
    "import_qdpx": "attune_jupyter.analysis",
    "read_qdpx": "attune_jupyter.analysis",
    "synthetic_cohort": "attune_jupyter.analysis",
}
#: Submodules reachable as attributes (``aj.analysis``) without importing them first; each is
#: imported on first use, so ``import attune_jupyter`` stays light.
_SUBMODULES = frozenset({"agreement", "analysis", "plots"})


def __getattr__(name: str) -> Any:
    if name in _LAZY or name in _SUBMODULES:
        import importlib

        if name in _SUBMODULES:
            return importlib.import_module(f"attune_jupyter.{name}")
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'attune_jupyter' has no attribute {name!r}")


def open_store(path_or_url: str | os.PathLike[str] | None = None) -> Store:
    """Open the annotation store (a SQLite file by default).

    See :func:`attune_jupyter.store.open_store` for the locations it accepts.
    """
    from attune_jupyter.store import open_store as _open_store

    return _open_store(path_or_url)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "attune-jupyter"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from attune_jupyter.server.app import AttuneServerApp

    return [{"module": "attune_jupyter", "app": AttuneServerApp}]
