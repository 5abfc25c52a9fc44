"""Who is working: the name written into annotations and audit records."""

from __future__ import annotations

import getpass
import os

__all__ = ["current_user"]


def current_user() -> str:
    """The JupyterHub user when running on a hub, else the login name."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
