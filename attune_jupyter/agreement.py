"""Agreement statistics: do supervisors code and rate alike?

Cohen's and Fleiss' kappa, Krippendorff's alpha, the six intraclass correlations of Shrout and
Fleiss, the Landis-Koch bands, and :func:`agreement_report`, which aligns span annotations to turns
and reports agreement per code and per rubric item. Each works on plain arrays and on the store's
long frames (name the columns: ``units=``, ``coders=``, ``values=``; for ``icc``, ``targets=``,
``raters=``, ``ratings=``). The implementation is :mod:`attune_jupyter.core.agreement`; this
module is its public face.

Example
-------
>>> import pandas as pd
>>> from attune_jupyter.agreement import cohens_kappa, krippendorff_alpha
>>> round(cohens_kappa([[0, 4, 1], [0, 8, 0], [0, 1, 5]]).kappa, 4)
0.4842
>>> scores = pd.DataFrame(
...     {"session": ["s1", "s1", "s2", "s2", "s3", "s3"], "rater": ["ana", "ben"] * 3,
...      "score": [2, 3, 4, 4, 5, 5]}
... )
>>> round(krippendorff_alpha(scores, "interval", units="session", coders="rater",
...                          values="score").alpha, 3)
0.878
"""

from __future__ import annotations

from attune_jupyter.core.agreement import (
    ICC_FORMS,
    LANDIS_KOCH_BANDS,
    MIN_CODED_UNITS,
    REPORT_COLUMNS,
    AlphaResult,
    FleissKappaResult,
    KappaResult,
    agreement_report,
    cohens_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
    landis_koch_band,
)

__all__ = [
    "ICC_FORMS",
    "LANDIS_KOCH_BANDS",
    "MIN_CODED_UNITS",
    "REPORT_COLUMNS",
    "AlphaResult",
    "FleissKappaResult",
    "KappaResult",
    "agreement_report",
    "cohens_kappa",
    "fleiss_kappa",
    "icc",
    "krippendorff_alpha",
    "landis_koch_band",
]
