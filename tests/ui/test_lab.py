"""End to end in a real JupyterLab: the example notebook's Annotator and the Transcript viewer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from attune_jupyter import Codebook, open_store

from .conftest import Lab
from .lab_notebooks import open_and_run_all, write_notebook

pytestmark = pytest.mark.browser

NOTEBOOK = "01_annotate_a_session.ipynb"


def test_annotate_a_turn_with_a_key_press_reaches_the_store(page: Page, lab: Lab) -> None:
    open_and_run_all(page, lab, NOTEBOOK)
    annotator = page.locator(".jp-attune-Annotator")
    expect(annotator).to_be_visible(timeout=120_000)
    turns = annotator.get_by_role("listbox", name="Transcript turns")
    options = turns.get_by_role("option")
    expect(options.first).to_be_visible()
    turn_count = options.count()
    assert turn_count >= 30

    # Turn 13, the therapist's open question about the quiet evenings: curiosity.
    code = Codebook.default().code("attunement.curiosity")
    target = options.nth(12)
    target.click()
    expect(target).to_have_attribute("aria-selected", "true")
    turn_id = target.get_attribute("data-turn-id")
    page.keyboard.press(code.key)

    expect(target.locator(".jp-attune-CodeChip", has_text=code.label)).to_be_visible()
    expect(annotator.get_by_role("status")).to_contain_text("saved")

    with open_store(str(lab.store_path)) as store:
        frame = store.annotations()
    mine = frame[(frame.turn_id == turn_id) & (frame.code_id == code.id)]
    assert len(mine) == 1, frame[["turn_id", "code_id", "annotator"]]

    # Arrow keys move the selection; the notebook's own shortcuts do not fire meanwhile.
    page.keyboard.press("ArrowDown")
    expect(options.nth(13)).to_have_attribute("aria-selected", "true")
    expect(target).to_have_attribute("aria-selected", "false")


def test_open_with_transcript_shows_turns_by_speaker(page: Page, lab: Lab) -> None:
    page.goto(lab.page_url("lab/tree/data"))
    item = page.locator(".jp-DirListing-item", has_text="session_02.vtt")
    expect(item).to_be_visible()
    item.click(button="right")
    # Lumino gives submenu entries no menuitem role, only aria-haspopup.
    page.locator(".lm-Menu-item[aria-haspopup='true']", has_text="Open With").hover()
    page.get_by_role("menuitem", name=re.compile(r"^Transcript$")).click()

    panel = page.locator(".jp-attune-TranscriptPanel")
    turns = panel.get_by_role("list", name="Transcript turns").get_by_role("listitem")
    expect(turns.first).to_be_visible()
    assert turns.count() >= 8
    expect(turns.first.locator(".jp-attune-Turn-speaker")).to_have_text(
        re.compile("Therapist|Client")
    )
    expect(panel.get_by_role("status")).to_contain_text("turns")
    roles = {turns.nth(i).get_attribute("data-role") for i in range(turns.count())}
    assert roles == {"therapist", "client"}


def test_transcript_text_is_shown_as_text_never_as_html(page: Page, lab: Lab) -> None:
    (lab.root_dir / "markup.txt").write_text(
        "Therapist: What did you write in the note?\n"
        'Client: It said <img src=x onerror="window.__attuneInjected = 1"> and <b>bold</b>\n',
        encoding="utf-8",
    )
    page.goto(lab.page_url("lab"))
    item = page.locator(".jp-DirListing-item", has_text="markup.txt")
    item.click(button="right")
    page.locator(".lm-Menu-item[aria-haspopup='true']", has_text="Open With").hover()
    page.get_by_role("menuitem", name=re.compile(r"^Transcript$")).click()

    turns = page.locator(".jp-attune-TranscriptPanel").get_by_role("listitem")
    expect(turns).to_have_count(2)
    client_text = turns.nth(1).locator(".jp-attune-Turn-text")
    expect(client_text).to_have_text(
        'It said <img src=x onerror="window.__attuneInjected = 1"> and <b>bold</b>'
    )
    assert client_text.locator("img, b").count() == 0
    assert page.evaluate("window.__attuneInjected") is None


def test_viewer_marks_possible_identifiers_and_says_what_they_are(page: Page, lab: Lab) -> None:
    # The emoji before the name checks that Python's code-point offsets land on the right text.
    (lab.root_dir / "intake.txt").write_text(
        "Therapist: Who can we call?\nClient: 😊 <b>Call</b> Aisha on 07700 900123, any time.\n",
        encoding="utf-8",
    )
    page.goto(lab.page_url("lab"))
    item = page.locator(".jp-DirListing-item", has_text="intake.txt")
    item.click(button="right")
    page.locator(".lm-Menu-item[aria-haspopup='true']", has_text="Open With").hover()
    page.get_by_role("menuitem", name=re.compile(r"^Transcript$")).click()

    panel = page.locator(".jp-attune-TranscriptPanel")
    notice = panel.get_by_role("note")
    expect(notice).to_contain_text("may still identify someone: 1 name, 1 phone number (turn t2")
    client_text = panel.get_by_role("listitem").nth(1).locator(".jp-attune-Turn-text")
    expect(client_text).to_have_text("😊 <b>Call</b> Aisha on 07700 900123, any time.")
    marks = client_text.locator("mark")
    expect(marks).to_have_text(["Aisha", "07700 900123"])
    assert marks.nth(1).get_attribute("data-category") == "phone"
    assert client_text.locator("b").count() == 0
    # A transcript without identifiers shows no notice.
    page.goto(lab.page_url("lab/tree/data"))
    page.locator(".jp-DirListing-item", has_text="session_02.vtt").click(button="right")
    page.locator(".lm-Menu-item[aria-haspopup='true']", has_text="Open With").hover()
    page.get_by_role("menuitem", name=re.compile(r"^Transcript$")).click()
    clean_panel = page.locator(".jp-attune-TranscriptPanel").last
    expect(clean_panel.get_by_role("status")).to_contain_text("turns")
    expect(clean_panel.locator(".jp-attune-TranscriptPanel-identifiers")).to_be_hidden()


MARKUP_CELL = """\
from attune_jupyter import Annotator, open_store
from attune_jupyter.core import parse_transcript

transcript = parse_transcript(
    "Therapist: What did the <b>letter</b> say?\\n"
    'Client: It said <img src=x onerror="window.__attuneInjected = 1"> and more.',
    "text",
    id="markup-check",
)
widget = Annotator(transcript, annotator="reviewer", store=open_store())
widget.add("t1", "attunement.curiosity", note="<script>window.__attuneInjected = 2</script>")
widget
"""


def test_annotator_shows_text_as_text_and_roles_apart(page: Page, lab: Lab) -> None:
    open_and_run_all(page, lab, write_notebook(lab, "markup_check.ipynb", [MARKUP_CELL]))

    turns = page.locator(".jp-attune-Annotator").get_by_role("option")
    expect(turns).to_have_count(2)
    expect(turns.nth(0).locator(".jp-attune-Turn-text")).to_have_text(
        "What did the <b>letter</b> say?"
    )
    expect(turns.nth(1).locator(".jp-attune-Turn-text")).to_have_text(
        'It said <img src=x onerror="window.__attuneInjected = 1"> and more.'
    )
    chip = turns.nth(0).locator(".jp-attune-CodeChip")
    expect(chip).to_have_attribute(
        "title", "reviewer: <script>window.__attuneInjected = 2</script>"
    )
    assert turns.locator(".jp-attune-Turn-text img, .jp-attune-Turn-text b, script").count() == 0
    assert page.evaluate("window.__attuneInjected") is None

    # Therapist and client turns are told apart by role, not only by their label.
    expect(turns.nth(0)).to_have_attribute("data-role", "therapist")
    expect(turns.nth(1)).to_have_attribute("data-role", "client")
    style = (
        "(node) => getComputedStyle(node).borderLeftColor + ' ' + getComputedStyle(node).marginLeft"
    )
    assert turns.nth(0).evaluate(style) != turns.nth(1).evaluate(style)
