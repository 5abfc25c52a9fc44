"""Session-wide test settings that must also reach the notebooks nbval runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Notebooks (nbval) open the default store; keep it out of the checkout. Kernels inherit
    # this process's environment.
    if "ATTUNE_STORE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="attune-tests-")
        os.environ["ATTUNE_STORE"] = str(Path(folder) / "notebooks.sqlite")
