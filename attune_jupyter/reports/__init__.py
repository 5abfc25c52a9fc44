"""Reports that leave the notebook: self-contained files a trainee can read, keep and print.

:func:`feedback_report` writes a session's feedback (the supervisor's moments, notes, strengths
and ratings) as one HTML file; :func:`feedback_html` gives the same page as a string. Nothing here
imports Jupyter: reports can be made from scripts, the command line or a course service.
"""

from __future__ import annotations

from attune_jupyter.reports.feedback import feedback_html, feedback_report

__all__ = ["feedback_html", "feedback_report"]
