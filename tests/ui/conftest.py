"""A real JupyterLab with the installed extension, driven by Debian's headless Chromium.

The server runs as a subprocess on loopback with a token and a non-root base URL, on a temporary
copy of example_notebooks/ with its own SQLite store, so the tests never touch the checkout.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .jupyterlab_server import CHROMIUM, CHROMIUM_FLAGS, Lab, LabStartError, running_lab

__all__ = ["Lab"]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run does)")
    base = tmp_path_factory.mktemp("lab")
    root_dir = base / "notebooks"
    shutil.copytree(
        ROOT / "example_notebooks", root_dir, ignore=shutil.ignore_patterns("*.sqlite*")
    )
    try:
        with running_lab(base, root_dir, "/attune-ui/") as running:
            yield running
    except LabStartError as error:
        pytest.fail(str(error))
    finally:
        artifacts = ROOT / "tests" / "ui" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        if (base / "server.log").exists():
            shutil.copy(base / "server.log", artifacts / "server.log")


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
