"""The installed package as JupyterLab sees it: the prebuilt labextension and the server extension
are enabled and OK, and all carry the one version from extension/package.json."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import attune_jupyter

ROOT = Path(__file__).resolve().parents[2]


def _jupyter(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, timeout=120
    )
    # Both list commands print to stderr; strip colours.
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)


def test_labextension_is_enabled_and_ok() -> None:
    version = json.loads((ROOT / "extension" / "package.json").read_text())["version"]
    out = _jupyter("labextension", "list")
    assert re.search(
        rf"attune-jupyter v{re.escape(version)} enabled OK \(python, attune-jupyter\)", out
    ), out


def test_server_extension_is_enabled_and_ok() -> None:
    out = _jupyter("server", "extension", "list")
    assert re.search(r"attune_jupyter enabled", out), out
    assert re.search(r"attune_jupyter \S+ OK", out), out


def test_one_version_everywhere() -> None:
    source = json.loads((ROOT / "extension" / "package.json").read_text())["version"]
    built = json.loads(
        (Path(attune_jupyter.__file__).parent / "labextension" / "package.json").read_text()
    )["version"]
    assert attune_jupyter.__version__ == source == built
