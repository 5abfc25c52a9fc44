"""Persistence of annotations behind one interface, :class:`Store`.

Open a store with :func:`open_store` and use only the :class:`Store` methods; never rely on the
engine or file behind it (architecture principle 4)::

    from attune_jupyter.store import open_store

    with open_store() as store:
        store.add_annotation(annotation)
        frame = store.annotations(transcript_id="t1")

Where the store lives
---------------------
``open_store(location)`` accepts a SQLite file path, a ``sqlite:///PATH`` URL, or a
``postgresql://`` / ``postgresql+psycopg://`` URL. Without a location it uses the environment
variable ``ATTUNE_STORE`` (same forms; an empty value counts as unset) and otherwise the file
``attune.sqlite`` in the current working folder. A relative path is resolved against the current
working folder when the store is opened; its folder must exist.

The frames returned by :meth:`Store.annotations` and :meth:`Store.history` are documented in
:mod:`attune_jupyter.store.base`; the tables and schema versions in
:mod:`attune_jupyter.store.schema`; SQLite durability and concurrency settings in
:mod:`attune_jupyter.store.sql`.
"""

from __future__ import annotations

import os
from typing import Final

from attune_jupyter.store.base import (
    ANNOTATION_COLUMNS,
    HISTORY_COLUMNS,
    AnnotationEvent,
    AnnotationNotFoundError,
    SchemaVersionError,
    Store,
    StoreError,
    annotations_frame,
    history_frame,
)
from attune_jupyter.store.schema import SCHEMA_VERSION
from attune_jupyter.store.sql import SqlStore, mask_url

__all__ = [
    "ANNOTATION_COLUMNS",
    "DEFAULT_STORE_FILE",
    "HISTORY_COLUMNS",
    "SCHEMA_VERSION",
    "STORE_ENV_VAR",
    "AnnotationEvent",
    "AnnotationNotFoundError",
    "SchemaVersionError",
    "SqlStore",
    "Store",
    "StoreError",
    "annotations_frame",
    "history_frame",
    "mask_url",
    "open_store",
]

STORE_ENV_VAR: Final = "ATTUNE_STORE"
"""Environment variable giving the store location when :func:`open_store` gets none."""

DEFAULT_STORE_FILE: Final = "attune.sqlite"
"""File (in the current working folder) used when neither a location nor the variable is given."""


def open_store(path_or_url: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating or upgrading if needed) the annotation store at a location.

    Parameters
    ----------
    path_or_url:
        A SQLite file path, ``sqlite:///PATH``, ``postgresql://...`` or
        ``postgresql+psycopg://...``. When None: the ``ATTUNE_STORE`` environment variable if set
        and not empty, else ``attune.sqlite`` in the current working folder.

    Returns
    -------
    Store
        An open store; close it, or use it as a context manager.

    Raises
    ------
    ValueError
        If the location has an unsupported URL scheme or cannot be parsed (the message names the
        scheme and the supported forms, and masks any password).
    SchemaVersionError
        If the database was written by a newer attune-jupyter; it is left untouched.
    StoreError
        If the folder of a SQLite file does not exist, or the database cannot be opened.
    """
    if path_or_url is None:
        path_or_url = os.environ.get(STORE_ENV_VAR, "").strip() or DEFAULT_STORE_FILE
    return SqlStore(path_or_url)
