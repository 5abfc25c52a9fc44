"""A real JupyterLab for the browser tests and the browser benchmarks, and how Chromium is run.

Plain Python (no pytest), so that benchmarks/ can start the same server the tests use: loopback,
a token, a non-root base URL, its own settings, workspaces and runtime folders, and the store the
kernels open named by ``ATTUNE_STORE``.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class LabStartError(RuntimeError):
    """JupyterLab exited or did not answer; the message ends with the server log's tail."""


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    root_dir: Path
    store_path: Path
    log_path: Path

    def page_url(self, path: str) -> str:
        """A page of this lab, with a fresh workspace so no page sees another's open tabs."""
        return f"{self.url}{path}?token={self.token}&reset"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_lab(folder: Path, root_dir: Path, base_url: str) -> Iterator[Lab]:
    """Run JupyterLab on ``root_dir`` (which must exist), keeping its state under ``folder``."""
    store_path = folder / "attune.sqlite"
    token = secrets.token_hex(16)
    port = _free_port()
    env = {
        **os.environ,
        "ATTUNE_STORE": str(store_path),
        "JUPYTERLAB_SETTINGS_DIR": str(folder / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
    }
    # No "get notified about Jupyter news?" toast over the page.
    notification = folder / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    log_path = folder / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.base_url={base_url}",
                f"--ServerApp.root_dir={root_dir}",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            cwd=root_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}{base_url}"
    try:
        _wait_for_server(url, token, proc, log_path)
        yield Lab(url, token, root_dir, store_path, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for_server(url: str, token: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabStartError(
                f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            request = urllib.request.Request(
                f"{url}api/status", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise LabStartError(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-3000:]}")
