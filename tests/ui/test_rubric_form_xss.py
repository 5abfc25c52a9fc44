"""End to end in a real JupyterLab: markup in every text of the RubricForm is shown as text and
never runs. A rubric whose title, groups, items, anchors and summaries are script-injection
payloads, and a stored rating whose rater, comments and overall comment are payloads too, are
shown editable and read-only; the test then draws the texts the form only draws on use (the
shortcut sheet, hints, saved-change and undo labels) and checks that nothing ran or was parsed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

import attune_jupyter as aj
from attune_jupyter.core.rubric import (
    Bands,
    PassRule,
    Rubric,
    RubricGroup,
    RubricItem,
    RubricSummary,
    Scale,
)

from .conftest import Lab
from .lab_notebooks import open_and_run_all, write_notebook
from .xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.browser

P = XSS_PAYLOADS
ITEMS = 11  # x 5 anchored levels = 55 anchors, one per payload
SESSION = "ui-rubric-form-xss"
RATER = P[23]  # <input autofocus onfocus=...>
GROUPS = (("g1", range(0, 4)), ("g2", range(4, 8)), ("g3", range(8, 11)))
INJECTED = "script, img, svg, iframe, object, embed, video, audio, a, form, input:not([type])"

# Markup that ran or was parsed would leave an element or an event-handler attribute behind.
PARSED_PAYLOADS = """() => {
    const found = [];
    for (const node of document.querySelectorAll('*')) {
        if (node.tagName === 'SCRIPT' && node.textContent.includes('__attuneXss')) {
            found.push('script: ' + node.textContent.slice(0, 80));
        }
        for (const attr of node.attributes) {
            const name = attr.name.toLowerCase();
            const handler = name.startsWith('on');
            const url = ['href', 'src', 'data', 'action', 'srcdoc', 'xlink:href'].includes(name);
            if ((handler || url) && attr.value.includes('__attuneXss')) {
                found.push(node.tagName + ' ' + attr.name + '=' + attr.value.slice(0, 80));
            }
        }
    }
    return found;
}"""


def _anchor(i: int, level: int) -> str:
    return P[5 * i + level - 1]


def _label(i: int) -> str:
    return P[5 * i + 1]


def _description(i: int) -> str:
    return P[5 * i + 3]


def _comment(i: int) -> str:
    return P[5 * i + 2]


def _score(i: int) -> int | None:
    return None if i == ITEMS - 1 else i % 5 + 1  # the last item is left unrated


def _rubric() -> Rubric:
    groups = [RubricGroup(group_id, P[40 + g], P[43 + g]) for g, (group_id, _) in enumerate(GROUPS)]
    items = [
        RubricItem(
            f"item-{i}",
            _label(i),
            _description(i),
            group_id,
            Scale(1, 5, {level: _anchor(i, level) for level in range(1, 6)}),
        )
        for group_id, members in GROUPS
        for i in members
    ]
    summaries = [
        RubricSummary(f"s-{group_id}", P[46 + g], "mean", group=group_id, bands=Bands(3, 4))
        for g, (group_id, _) in enumerate(GROUPS)
    ]
    summaries.append(
        RubricSummary("s-all", P[49], "total_if_complete", items=[f"item-{i}" for i in range(5)])
    )
    return Rubric(
        "xss-rubric",
        1,
        P[0],
        P[13],
        groups,
        items,
        summaries,
        PassRule(total_at_least=30, each_item_at_least=3),
    )


def _item(form: Locator, i: int) -> Locator:
    return form.locator(f".jp-attune-RubricForm-item[data-item-id='item-{i}']")


def test_markup_in_every_rubric_and_rating_text_is_shown_as_text(page: Page, lab: Lab) -> None:
    rubric = _rubric()
    assert sorted(level for item in rubric for level in item.scale.anchors.values()) == sorted(P)
    rubric_path = lab.root_dir / "xss_rubric.json"
    rubric.save(rubric_path)
    store_path = lab.root_dir / "ui-rubric-form-xss.sqlite"
    with aj.open_store(str(store_path)) as store:
        store.save_rating(
            aj.SessionRating(
                SESSION,
                rubric.id,
                rubric.version,
                RATER,
                items=tuple(
                    aj.ItemRating(f"item-{i}", _score(i), _comment(i)) for i in range(ITEMS)
                ),
                overall_comment=P[22],  # <div onclick=... style="position:fixed;inset:0">
            )
        )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    cell = (
        "import attune_jupyter as aj\n"
        "from IPython.display import display\n"
        f"rubric = aj.Rubric.load({str(rubric_path)!r})\n"
        f"store = aj.open_store({str(store_path)!r})\n"
        f"rater = {RATER!r}\n"
        f"display(aj.RubricForm({SESSION!r}, rubric=rubric, rater=rater, store=store))\n"
        f"display(aj.RubricForm({SESSION!r}, rubric=rubric, rater=rater, store=store, "
        "read_only=True))"
    )
    open_and_run_all(page, lab, write_notebook(lab, "rubric_form_xss.ipynb", [cell]))
    forms = page.locator(".jp-attune-RubricForm")
    expect(forms).to_have_count(2, timeout=120_000)
    editable = page.locator(".jp-attune-RubricForm:not(.jp-mod-readOnly)")
    read_only = page.locator(".jp-attune-RubricForm.jp-mod-readOnly")
    expect(editable).to_be_visible()
    expect(read_only).to_be_visible()

    for form in (editable, read_only):
        # Every anchor is there, each exactly its payload, character for character.
        anchors = form.locator(".jp-attune-RubricForm-anchor")
        expect(anchors).to_have_count(len(P))
        assert anchors.all_text_contents() == [
            _anchor(i, level) for _, members in GROUPS for i in members for level in range(1, 6)
        ]
        expect(form.locator(".jp-attune-RubricForm-title")).to_have_text(P[0])
        expect(form.locator(".jp-attune-RubricForm-description")).to_have_text(P[13])
        expect(form.locator(".jp-attune-RubricForm-meta")).to_contain_text(f"rater {RATER}")
        titles = form.locator(".jp-attune-RubricForm-group > .jp-attune-RubricForm-groupTitle")
        assert titles.all_text_contents() == [P[40], P[41], P[42]]
        descriptions = form.locator(".jp-attune-RubricForm-groupDescription")
        assert descriptions.all_text_contents() == [P[43], P[44], P[45]]
        for i in (0, 4, 10):
            expect(_item(form, i).locator(".jp-attune-RubricForm-itemLabel")).to_have_text(
                _label(i)
            )
            expect(_item(form, i).locator(".jp-attune-RubricForm-itemDescription")).to_have_text(
                _description(i)
            )
        summary = form.get_by_role("region", name="Summary")
        for label in (P[46], P[47], P[48], P[49]):
            expect(summary).to_contain_text(label)
        expect(summary).to_contain_text(f"not rated: {_label(10)}")  # the unrated item's name

    # Read-only: comments and the overall comment are text, markup and all.
    for i in range(ITEMS):
        expect(_item(read_only, i).locator(".jp-attune-RubricForm-commentText")).to_have_text(
            _comment(i)
        )
    overall_text = read_only.locator(".jp-attune-RubricForm-overall p")
    expect(overall_text).to_have_text(P[22])
    expect(read_only.get_by_role("status")).to_contain_text(f"Loaded {RATER}'s rating")
    # Editable: the boxes hold the payloads as their values.
    for i in (0, 5, 10):
        expect(_item(editable, i).locator("textarea")).to_have_value(_comment(i))
    expect(editable.locator("textarea.jp-mod-overall")).to_have_value(P[22])

    # Draw the texts the form draws on use: hover and focus, a hint naming an item, a saved
    # change and its undo label, a saved comment, the pass rule's verdict and the shortcut sheet.
    for form in (editable, read_only):
        form.locator(".jp-attune-RubricForm-title").hover()
        form.locator(".jp-attune-RubricForm-meta").hover()
        for i in (1, 6, 9):
            _item(form, i).locator(".jp-attune-RubricForm-itemLabel").hover()
            _item(form, i).locator(".jp-attune-RubricForm-anchor").nth(2).hover()
        overall = form.locator(".jp-attune-RubricForm-overall")
        overall.locator("p, textarea").first.hover()
    status = editable.get_by_role("status")
    first_level = _item(editable, 2).get_by_role("radio").nth(1)
    first_level.focus()
    page.keyboard.press("9")
    expect(status).to_contain_text(f"{_label(2)} has no level 9")
    _item(editable, 10).get_by_role("radio").nth(5).click()
    expect(status).to_contain_text(f"Saved {_label(10)}: 5")
    expect(editable.get_by_role("button", name="Undo")).to_contain_text(f"Undo: {_label(10)}: 5")
    expect(editable.get_by_role("region", name="Summary")).to_contain_text("does not pass")
    box = _item(editable, 0).locator("textarea")
    box.fill(P[35])  # "><script>...
    page.keyboard.press("Tab")
    expect(status).to_contain_text(f"Saved comment on {_label(0)}")
    expect(box).to_have_value(P[35])
    for form in (editable, read_only):
        form.get_by_role("button", name="Keyboard shortcuts (?)").click()
        expect(form.get_by_role("dialog", name="Keyboard shortcuts")).to_contain_text(
            "Show or hide this list"
        )
    page.wait_for_timeout(500)

    assert forms.locator(f":is({INJECTED})").count() == 0
    assert page.evaluate(PARSED_PAYLOADS) == []
    assert page.evaluate("window.__attuneXss") is None
    assert dialogs == []
    with aj.open_store(str(store_path)) as store:
        (rating,) = store.session_ratings(transcript_id=SESSION)
    assert rating.rater == RATER
    assert rating.item("item-0").comment == P[35]
    assert rating.item("item-10").score == 5
