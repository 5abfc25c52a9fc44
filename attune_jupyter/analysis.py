"""Cohort analytics for educators: tidy frames, their aggregates, a synthetic cohort and exports.

One import for the analysis work of a course::

    from attune_jupyter import analysis

    cohort = analysis.load_cohort(store)             # or analysis.synthetic_cohort(seed=1)
    analysis.code_rates(cohort.annotations, cohort.turns, cohort.sessions, codebook)
    analysis.progress(cohort.ratings, cohort.sessions)
    analysis.export_frame(table, "progress.xlsx")
    analysis.export_qdpx("course.qdpx", transcripts, cohort.annotations, codebook, ...)

The frames are documented in :mod:`attune_jupyter.core.cohort` (sessions, turns and the
aggregates) and :mod:`attune_jupyter.store.base` (annotations, ratings). Agreement statistics are
in :mod:`attune_jupyter.agreement`, plots in :mod:`attune_jupyter.plots`. Everything here is
framework-free and lives in :mod:`attune_jupyter.core`; this module only gathers it.
"""

from __future__ import annotations

from attune_jupyter.core.cohort import (
    CODE_RATE_KEYS,
    SESSION_COLUMNS,
    TURN_COLUMNS,
    CohortData,
    annotation_records,
    calibration,
    check_sessions,
    code_rates,
    item_scores,
    load_cohort,
    miti_scores,
    progress,
    sessions_frame,
    therapist_turn_shares,
    turns_frame,
)
from attune_jupyter.core.refi import (
    QdpxImport,
    RefiError,
    RefiProject,
    RefiRoundTripWarning,
    export_qdc,
    export_qdpx,
    import_qdpx,
    read_qdpx,
)
from attune_jupyter.core.synthetic_cohort import SyntheticCohort, synthetic_cohort
from attune_jupyter.core.table_export import EXPORT_FORMATS, export_frame

__all__ = [
    "CODE_RATE_KEYS",
    "EXPORT_FORMATS",
    "SESSION_COLUMNS",
    "TURN_COLUMNS",
    "CohortData",
    "QdpxImport",
    "RefiError",
    "RefiProject",
    "RefiRoundTripWarning",
    "SyntheticCohort",
    "annotation_records",
    "calibration",
    "check_sessions",
    "code_rates",
    "export_frame",
    "export_qdc",
    "export_qdpx",
    "import_qdpx",
    "item_scores",
    "load_cohort",
    "miti_scores",
    "progress",
    "read_qdpx",
    "sessions_frame",
    "synthetic_cohort",
    "therapist_turn_shares",
    "turns_frame",
]
