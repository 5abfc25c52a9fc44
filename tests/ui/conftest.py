"""A real JupyterLab with the installed extension, driven by Debian's headless Chromium.

The server runs as a subprocess on loopback with a token and a non-root base URL, on a temporary
copy of example_notebooks/ with its own SQLite store, so the tests never touch the checkout.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
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


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    root_dir: Path
    store_path: Path
    log_path: Path

    def page_url(self, path: str) -> str:
        """A page of this lab, with a fresh workspace so no test sees another's open tabs."""
        return f"{self.url}{path}?token={self.token}&reset"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run does)")
    base = tmp_path_factory.mktemp("lab")
    root_dir = base / "notebooks"
    shutil.copytree(
        ROOT / "example_notebooks", root_dir, ignore=shutil.ignore_patterns("*.sqlite*")
    )
    store_path = base / "attune.sqlite"
    token = secrets.token_hex(16)
    port = _free_port()
    base_url = "/attune-ui/"
    env = {
        **os.environ,
        "ATTUNE_STORE": str(store_path),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
    }
    # No "get notified about Jupyter news?" toast over the page.
    notification = base / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    log_path = base / "server.log"
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
        yield Lab(url=url, token=token, root_dir=root_dir, store_path=store_path, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        artifacts = ROOT / "tests" / "ui" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        shutil.copy(log_path, artifacts / "server.log")


def _wait_for_server(url: str, token: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            request = urllib.request.Request(
                f"{url}api/status", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: while Playwright's sync API is open, its event loop counts as running in this
    # thread, which would break the asyncio-based server tests that pytest runs later.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, lab: Lab, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    yield page
    failed = getattr(request.node, "rep_call", None)
    artifacts = ROOT / "tests" / "ui" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    # The last screen of every test, for a reviewer to look at; a trace only when it failed.
    page.screenshot(path=str(artifacts / f"{request.node.name}.png"))
    if failed is not None and failed.failed:
        # CI shows only what the run prints: the server's last words and the browser console.
        print("--- JupyterLab server log (last 60 lines) ---")
        print("\n".join(lab.log_path.read_text().splitlines()[-60:]))
        print("--- browser console ---")
        print("\n".join(console))
        context.tracing.stop(path=str(artifacts / f"{request.node.name}-trace.zip"))
    else:
        context.tracing.stop()
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
