"""Notebooks for browser tests: write one into the test lab, open it and run every cell."""

from __future__ import annotations

import re
from collections.abc import Sequence

import nbformat
from playwright.sync_api import Page, expect

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
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def wait_until_idle(page: Page) -> None:
    """Wait for the kernel to finish the cells sent to it."""
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=120_000
    )
