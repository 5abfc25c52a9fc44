"""End to end in a real JupyterLab: rating a session with the RubricForm, by mouse and keyboard,
and reading a supervisor's rating read-only. Each test rates a session id of its own."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Locator, Page, expect

import attune_jupyter as aj
from tests.store_faults import accept_writes, refuse_writes

from .conftest import Lab
from .lab_notebooks import open_and_run_all, write_notebook

pytestmark = pytest.mark.browser

_HIT = "window.__attuneXss=(window.__attuneXss||0)+1"
MARKUP_COMMENT = f"Said <b>no</b> twice <img src=x onerror={_HIT}>"


def _stored(lab: Lab, session: str) -> aj.SessionRating:
    with aj.open_store(str(lab.store_path)) as store:
        (rating,) = store.session_ratings(transcript_id=session)
    return rating


def _item(form: Locator, label: str) -> Locator:
    return form.locator(".jp-attune-RubricForm-item").filter(
        has=form.page.get_by_role("radiogroup", name=label, exact=True)
    )


def test_rate_by_click_and_keyboard_with_comments_and_a_live_summary(page: Page, lab: Lab) -> None:
    session = "ui-rubric-form-rate"
    write_notebook(
        lab,
        "rubric_form_rate.ipynb",
        [
            "import attune_jupyter as aj\n"
            f"form = aj.RubricForm({session!r}, rater='supervisor-ui')\n"
            "form",
        ],
    )
    open_and_run_all(page, lab, "rubric_form_rate.ipynb")
    form = page.locator(".jp-attune-RubricForm")
    expect(form).to_be_visible(timeout=120_000)
    status = form.get_by_role("status")
    summary = form.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("Incomplete: 0 of 16 items rated")

    # Every level is offered with its anchor; nothing is chosen yet.
    compassion = form.get_by_role("radiogroup", name="Compassion", exact=True)
    expect(compassion.get_by_role("radio")).to_have_count(6)  # "Not rated" and 1-5
    anchor = aj.Rubric.default().item("compassion").scale.anchors[1]
    lowest = compassion.get_by_role("radio", name="Compassion: level 1 of 5")
    expect(lowest).to_contain_text(anchor)
    expect(compassion.get_by_role("radio", name="Compassion: not rated")).to_have_attribute(
        "aria-checked", "true"
    )

    # By click: the lowest level.
    lowest.click()
    expect(lowest).to_have_attribute("aria-checked", "true")
    expect(status).to_contain_text("Saved Compassion: 1")
    assert _stored(lab, session).scores == {"compassion": 1}

    # Unrated and lowest look different, in words and in the edge of the item.
    rated_item, unrated_item = _item(form, "Compassion"), _item(form, "Clarity")
    expect(rated_item.locator(".jp-attune-RubricForm-current")).to_have_text("Score 1 of 5")
    expect(unrated_item.locator(".jp-attune-RubricForm-current")).to_have_text("Not rated")
    edge = "node => getComputedStyle(node).borderLeftStyle"
    assert rated_item.evaluate(edge) == "solid"
    assert unrated_item.evaluate(edge) == "dashed"

    # By keyboard: arrows move and choose, digits pick, Delete clears.
    clarity = form.get_by_role("radiogroup", name="Clarity", exact=True)
    not_rated = clarity.get_by_role("radio", name="Clarity: not rated")
    not_rated.focus()
    page.keyboard.press("ArrowRight")
    level_1 = clarity.get_by_role("radio", name="Clarity: level 1 of 5")
    expect(level_1).to_have_attribute("aria-checked", "true")
    expect(level_1).to_be_focused()
    page.keyboard.press("4")
    level_4 = clarity.get_by_role("radio", name="Clarity: level 4 of 5")
    expect(level_4).to_have_attribute("aria-checked", "true")
    expect(status).to_contain_text("Saved Clarity: 4")
    page.keyboard.press("Delete")
    expect(not_rated).to_have_attribute("aria-checked", "true")
    expect(status).to_contain_text("Saved Clarity: not rated")
    assert _stored(lab, session).item("clarity").score is None
    page.keyboard.press("3")
    expect(status).to_contain_text("Saved Clarity: 3")
    # The digits went to the form, not to the notebook (which would turn the cell into a heading).
    expect(page.locator(".jp-Notebook .jp-MarkdownCell")).to_have_count(0)

    # The summary followed each change.
    expect(summary).to_contain_text("Incomplete: 2 of 16 items rated")
    expect(summary.locator("td[data-summary-id='qualities']")).to_have_text(
        "2.00; incomplete: 2 of 6 items rated"
    )

    # A comment is saved when the rater leaves the box; the overall one with Ctrl+Enter.
    box = form.get_by_role("textbox", name="Comment on Compassion")
    box.fill("Rushed past the tears at turn 12.")
    expect(status).to_contain_text("Comment not saved yet")
    page.keyboard.press("Tab")
    expect(status).to_contain_text("Saved comment on Compassion")
    overall = form.get_by_role("textbox", name="Overall comment")
    overall.fill("Warm start; slow down when the client cries.")
    overall.press("Control+Enter")
    expect(status).to_contain_text("Saved overall comment")
    rating = _stored(lab, session)
    assert rating.rater == "supervisor-ui"
    assert rating.scores == {"compassion": 1, "clarity": 3}
    assert rating.item("compassion").comment == "Rushed past the tears at turn 12."
    assert rating.overall_comment == "Warm start; slow down when the client cries."

    # u undoes the last change (outside a comment box).
    lowest.focus()
    page.keyboard.press("u")
    expect(status).to_have_text("Undid \u201coverall comment\u201d; saved.")
    expect(overall).to_have_value("")
    assert _stored(lab, session).overall_comment == ""

    # ? lists the shortcuts; Esc closes the list.
    page.keyboard.press("?")
    help_sheet = form.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_sheet).to_contain_text("Not rated (clears the score)")
    page.keyboard.press("Escape")
    expect(help_sheet).to_be_hidden()


def test_read_only_shows_a_supervisors_rating_but_cannot_change_it(page: Page, lab: Lab) -> None:
    session = "ui-rubric-form-read-only"
    with aj.open_store(str(lab.store_path)) as store:
        store.save_rating(
            aj.SessionRating(
                session,
                "attune-default",
                1,
                "supervisor-ro",
                items=(aj.ItemRating("compassion", 2, MARKUP_COMMENT),),
                overall_comment="Keep the warmth; <script>alert(1)</script> is just text.",
            )
        )
    write_notebook(
        lab,
        "rubric_form_read_only.ipynb",
        [
            "import attune_jupyter as aj\n"
            f"aj.RubricForm({session!r}, rater='supervisor-ro', read_only=True)",
        ],
    )
    open_and_run_all(page, lab, "rubric_form_read_only.ipynb")
    form = page.locator(".jp-attune-RubricForm")
    expect(form).to_be_visible(timeout=120_000)
    expect(form).to_contain_text("Read-only")

    compassion = form.get_by_role("radiogroup", name="Compassion", exact=True)
    chosen = compassion.get_by_role("radio", name="Compassion: level 2 of 5")
    expect(chosen).to_have_attribute("aria-checked", "true")
    expect(chosen).to_have_attribute("aria-disabled", "true")
    expect(compassion).to_have_attribute("aria-readonly", "true")
    anchor = aj.Rubric.default().item("compassion").scale.anchors[2]
    expect(chosen).to_contain_text(anchor)
    # Comments are shown as text, markup and all; nothing in them runs.
    expect(form.get_by_label("Comment on Compassion")).to_have_text(MARKUP_COMMENT)
    expect(form).to_contain_text("<script>alert(1)</script> is just text.")
    expect(form.get_by_role("region", name="Summary")).to_contain_text("2.00")

    # No control is enabled: no comment boxes, no undo, and neither clicks nor keys change it.
    expect(form.get_by_role("textbox")).to_have_count(0)
    expect(form.get_by_role("button", name="Undo")).to_have_count(0)
    highest = compassion.get_by_role("radio", name="Compassion: level 5 of 5")
    expect(highest).to_be_disabled()
    highest.click(force=True)  # a click anyway changes nothing
    chosen.focus()
    page.keyboard.press("4")
    page.keyboard.press("Delete")
    expect(chosen).to_have_attribute("aria-checked", "true")
    expect(form.locator(".jp-attune-RubricForm-item[data-score='2']")).to_have_count(1)
    assert page.evaluate("window.__attuneXss") is None
    rating = _stored(lab, session)
    assert rating.scores == {"compassion": 2}
    assert rating.item("compassion").comment == MARKUP_COMMENT


def test_a_refused_save_is_kept_and_retried_and_a_comment_is_saved_on_close(
    page: Page, lab: Lab
) -> None:
    session = "ui-rubric-form-flaky"
    path = lab.root_dir / "rubric_form_flaky.sqlite"
    write_notebook(
        lab,
        "rubric_form_flaky.ipynb",
        [
            "import attune_jupyter as aj\n"
            f"store = aj.open_store({str(path)!r})\n"
            f"form = aj.RubricForm({session!r}, rater='supervisor-ui', store=store)\n"
            "form.retry_delays = ()\n"
            "form",
        ],
    )
    open_and_run_all(page, lab, "rubric_form_flaky.ipynb")
    form = page.locator(".jp-attune-RubricForm")
    expect(form).to_be_visible(timeout=120_000)
    status = form.get_by_role("status")

    refuse_writes(path, "rating_events")
    level_3 = form.get_by_role("radio", name="Courage: level 3 of 5")
    level_3.click()
    expect(status).to_contain_text("Not saved (StoreError): Courage: 3.")
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("1 change is not saved")
    expect(level_3).to_have_attribute("aria-checked", "true")  # the edit is kept on screen

    accept_writes(path)
    alert.get_by_role("button", name="Retry").click()
    expect(status).to_have_text("Saved 1 kept change(s).")
    expect(alert).to_be_hidden()
    with aj.open_store(path) as store:
        assert store.session_ratings()[0].scores == {"courage": 3}

    # A comment still being written is sent when the form goes away (here: outputs cleared).
    form.get_by_role("textbox", name="Comment on Courage").fill("Stayed with the anger.")
    expect(status).to_contain_text("Comment not saved yet")
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    expect(form).to_have_count(0)
    deadline = time.monotonic() + 30
    comment = ""
    while time.monotonic() < deadline and not comment:
        with aj.open_store(path) as store:
            comment = store.session_ratings()[0].item("courage").comment
        time.sleep(0.2)
    assert comment == "Stayed with the anger."
