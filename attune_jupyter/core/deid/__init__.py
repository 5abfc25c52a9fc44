"""De-identification: an offline, deterministic screen for identifiers in transcript text.

:func:`screen` reports :class:`Finding` objects for the HIPAA Safe Harbor categories that occur
in talk (names, phone numbers, e-mail addresses, URLs, IP addresses, national ids, record numbers,
street addresses, postcodes, dates more specific than a year, ages over 89); :func:`deidentify`
returns a new transcript with each finding replaced by a tag such as ``[PERSON_1]`` or
``[PHONE]``; :class:`NotAnonymizedError` is what a loader raises when the screen finds something.

Only the standard library: precompiled regular expressions and word lists, no model, no network.
Speaker labels are not screened (see :func:`screen`).
"""

from __future__ import annotations

from attune_jupyter.core.deid.findings import (
    CATEGORIES,
    TAGS,
    Category,
    Finding,
    NotAnonymizedError,
    mask_text,
)
from attune_jupyter.core.deid.screening import deidentify, screen, screen_text

__all__ = [
    "CATEGORIES",
    "TAGS",
    "Category",
    "Finding",
    "NotAnonymizedError",
    "deidentify",
    "mask_text",
    "screen",
    "screen_text",
]
