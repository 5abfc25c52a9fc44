"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.postgres_cluster import server_bin, throwaway_cluster


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL database for the store tests.

    ``ATTUNE_TEST_POSTGRES_URL`` names one to use; otherwise a throw-away cluster is started from
    Debian's server binaries (``make install`` installs them).
    """
    given = os.environ.get("ATTUNE_TEST_POSTGRES_URL", "")
    if given:
        yield given
        return
    if server_bin() is None:
        # A failure, not a skip: the PostgreSQL store must not go untested unnoticed.
        pytest.fail("PostgreSQL server binaries are missing: run `make system-deps`")
    with throwaway_cluster() as url:
        yield url
