"""Notebooks for browser tests: write one into the test lab, open it and run every cell."""

from __future__ import annotations

import re
from collections.abc import Sequence

import nbformat
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import Lab


def write_notebook(lab: Lab, name: str, cells: Sequence[str]) -> str:
    """Write a notebook of code ``cells`` into the lab's root; returns its name for opening."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, lab.root_dir / name)
    return name


def open_and_run_all(page: Page, lab: Lab, notebook: str) -> None:
    """Open ``notebook`` in the lab and run all its cells, as a user would from the Run menu."""
    page.goto(lab.page_url(f"lab/tree/{notebook}"))
    expect(page.get_by_role("tab", name=re.compile(re.escape(notebook)))).to_be_visible()
    # Wait for the kernel to be idle before running, as a user would.
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=90_000
    )
    run_all_cells(page, notebook)


def run_all_cells(page: Page, notebook: str) -> None:
    """Run all cells of the open ``notebook`` from the Run menu, making sure the run started."""
    first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
    for _attempt in range(3):
        _dismiss_dialog(page)
        try:
            page.get_by_role("menuitem", name="Run", exact=True).click(timeout=20_000)
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=20_000)
        except PlaywrightTimeoutError:
            continue  # something covered the menu: close it and try again
        # Now and then (seen once in CI, on a busy machine) the command arrives before the
        # notebook panel is ready and nothing runs: the first cell's prompt stays "[ ]:". Queued
        # or run cells show "[*]:" or "[1]:" at once, so only a run that never started is redone.
        try:
            expect(first_prompt).not_to_have_text("[ ]:", timeout=10_000)
        except AssertionError:
            continue
        return
    raise AssertionError(f"Run All Cells did not start {notebook} after 3 attempts")


def _dismiss_dialog(page: Page) -> None:
    """Close a modal dialog that would swallow the clicks on the menu, saying which it was.

    Once in CI, on a machine busy with other work, a JupyterLab dialog covered the page when the
    notebook opened and Run All Cells waited a minute behind it. Its title is printed (it shows
    in the test report when the test fails) and Escape, which cancels, closes it.
    """
    dialog = page.locator(".jp-Dialog")
    if dialog.count() == 0 or not dialog.first.is_visible():
        return
    print(f"closing a JupyterLab dialog: {dialog.first.inner_text()[:300]!r}")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0, timeout=10_000)


def wait_until_idle(page: Page) -> None:
    """Wait for the kernel to finish the cells sent to it."""
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=120_000
    )
