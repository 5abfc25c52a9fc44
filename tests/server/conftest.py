"""pytest-jupyter's server fixtures (a real Jupyter server per test), for this folder only: its
autouse event-loop fixtures would otherwise clash with Playwright's loop in the browser tests."""

from pytest_jupyter.jupyter_server import *  # noqa: F403
