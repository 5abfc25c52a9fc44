"""The Annotator's front end in a real JupyterLab: keyboard coding, spans, pairs, compare mode,
read-only, filters and search, and a store that refuses writes. Every edit is checked in the
store file the notebook writes to.

Each test writes its own notebook, with its own store file and transcript id. The dialogue is
synthetic, written for these tests.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from attune_jupyter import Annotation, Codebook, open_store
from tests.store_faults import accept_writes, refuse_writes

from .conftest import Lab
from .lab_notebooks import open_and_run_all, write_notebook
from .xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.browser

CODEBOOK = Codebook.default()
CURIOSITY = CODEBOOK.code("attunement.curiosity")
REFLECTION = CODEBOOK.code("attunement.reflection")
VALIDATION = CODEBOOK.code("attunement.validation")
MISSED_CUE = CODEBOOK.code("detachment.missed-cue")
ADVICE = CODEBOOK.code("rigidity.premature-advice")
CLARITY = CODEBOOK.code("attunement.clarity")

TURNS = [
    ("Therapist", "Welcome back. How has the week been for you?"),
    ("Client", "😊 Honestly, I felt so alone after the move, really alone."),
    ("Therapist", "🙂 That sounds really lonely. Tell me more about the evenings."),
    ("Client", "The evenings are the worst. I just sit and scroll."),
    ("Therapist", "Have you tried joining a club? Many people find that helps."),
    ("Client", "I suppose. I don't know anyone there though."),
    ("Therapist", "It makes sense that it feels hard to start again somewhere new."),
    ("Client", "Yes. It does."),
]
DIALOGUE = "".join(f"{speaker}: {text}\n" for speaker, text in TURNS)
#: "felt so alone" in turn 2, in code points (after the emoji), as Python counts.
SPAN_START = TURNS[1][1].index("felt so alone")
SPAN_END = SPAN_START + len("felt so alone")


def text_of(turn_id: str) -> str:
    return TURNS[int(turn_id[1:]) - 1][1]


def notebook(
    lab: Lab,
    name: str,
    transcript_id: str,
    *,
    seed: str = "",
    widget: str = 'Annotator(transcript, annotator="supervisor", store=store)',
) -> tuple[str, Path]:
    """A notebook that shows an Annotator over DIALOGUE, writing to its own store file."""
    store_path = lab.root_dir / f"{transcript_id}.sqlite"
    cell = (
        "from attune_jupyter import Annotation, Annotator, open_store\n"
        "from attune_jupyter.core import parse_transcript\n\n"
        f"transcript = parse_transcript({DIALOGUE!r}, 'text', id={transcript_id!r})\n"
        f"store = open_store({str(store_path)!r})\n"
        f"{seed}\n"
        f"widget = {widget}\n"
        "widget\n"
    )
    return write_notebook(lab, name, [cell]), store_path


def seed_lines(records: list[tuple[str, str, str, dict[str, object]]]) -> str:
    """Notebook code adding (annotator, turn, code, extra fields) through the store API."""
    return "\n".join(
        f"store.add_annotation(Annotation(transcript_id=transcript.id, turn_id={turn!r}, "
        f"code_id={code!r}, annotator={who!r}"
        + "".join(f", {key}={value!r}" for key, value in extra.items())
        + "))"
        for who, turn, code, extra in records
    )


def stored(path: Path, transcript_id: str) -> list[Annotation]:
    with open_store(str(path)) as store:
        return store.annotation_list(transcript_id=transcript_id)


def wait_for_store(
    path: Path,
    transcript_id: str,
    check: Callable[[list[Annotation]], bool],
    timeout: float = 15.0,
) -> list[Annotation]:
    """Poll the store file until ``check`` holds; fail with what it holds otherwise."""
    deadline = time.monotonic() + timeout
    rows = stored(path, transcript_id)
    while not check(rows):
        if time.monotonic() > deadline:
            raise AssertionError(f"the store never reached the expected state; it holds {rows}")
        time.sleep(0.1)
        rows = stored(path, transcript_id)
    return rows


def open_annotator(page: Page, lab: Lab, name: str) -> Locator:
    open_and_run_all(page, lab, name)
    annotator = page.locator(".jp-attune-Annotator")
    expect(annotator).to_be_visible(timeout=120_000)
    expect(turn(annotator, "t1")).to_be_visible()
    return annotator


def turn(annotator: Locator, turn_id: str) -> Locator:
    return annotator.get_by_role("listbox", name="Transcript turns").locator(
        f"[role='option'][data-turn-id='{turn_id}']"
    )


def selected_turn(annotator: Locator) -> Locator:
    return annotator.get_by_role("listbox", name="Transcript turns").locator(
        "[role='option'][aria-selected='true']"
    )


def drag_select(page: Page, text: Locator, fragment: str) -> None:
    """Select ``fragment`` of a turn's text with a real mouse drag."""
    text.scroll_into_view_if_needed()
    box = text.evaluate(
        """(node, fragment) => {
            const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
            let offset = node.textContent.indexOf(fragment);
            const end = offset + fragment.length;
            const range = document.createRange();
            let seen = 0;
            for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                const length = t.data.length;
                if (seen <= offset && offset <= seen + length) range.setStart(t, offset - seen);
                if (seen <= end && end <= seen + length) { range.setEnd(t, end - seen); break; }
                seen += length;
            }
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        fragment,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def test_keyboard_workflow_reaches_the_store(page: Page, lab: Lab) -> None:
    name, path = notebook(lab, "annotator_keys.ipynb", "ui-keys")
    annotator = open_annotator(page, lab, name)
    cells = page.locator(".jp-Notebook .jp-Cell").count()
    status = annotator.get_by_role("status")

    # Move with j/k and the arrows, from the keyboard alone.
    annotator.get_by_role("listbox", name="Transcript turns").focus()
    page.keyboard.press("j")
    expect(turn(annotator, "t1")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("k")
    page.keyboard.press("j")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t3")

    # A code's key shows the code at once and saves it.
    page.keyboard.press(CURIOSITY.key)
    chip = turn(annotator, "t3").locator(".jp-attune-CodeChip", has_text=CURIOSITY.label)
    expect(chip).to_be_visible()
    expect(status).to_contain_text("saved")
    rows = wait_for_store(path, "ui-keys", lambda r: len(r) == 1)
    assert (rows[0].turn_id, rows[0].code_id, rows[0].annotator) == (
        "t3",
        CURIOSITY.id,
        "supervisor",
    )
    assert rows[0].span_start is None and rows[0].responds_to is None

    # Alt+2 sets its strength; n opens the note editor, Enter saves.
    page.keyboard.press("Alt+2")
    wait_for_store(path, "ui-keys", lambda r: len(r) == 1 and r[0].strength == 2)
    expect(chip.locator(".jp-attune-CodeChip-strength")).to_have_text("●●○")
    page.keyboard.press("n")
    editor = annotator.get_by_role("textbox", name=re.compile("Note on Curiosity"))
    expect(editor).to_be_focused()
    page.keyboard.type("Opens the evenings up.")
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "Opens the evenings up.")
    expect(chip).to_have_attribute("title", "supervisor: Opens the evenings up.")
    # The strength is also a click away, in the panel of the code in focus.
    focus_panel = annotator.get_by_role("region", name="Code in focus")
    focus_panel.get_by_role("button", name="3", exact=True).click()
    wait_for_store(path, "ui-keys", lambda r: r[0].strength == 3)
    expect(focus_panel.get_by_role("button", name="3", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    # Undo and redo: u/z and Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y; the buttons say what they would do.
    undo = annotator.get_by_role("button", name="Undo")
    redo = annotator.get_by_role("button", name="Redo")
    expect(undo).to_have_attribute("title", re.compile(r"^Undo: Change Curiosity on turn 3"))
    page.keyboard.press("u")
    wait_for_store(path, "ui-keys", lambda r: r[0].strength == 2)
    expect(redo).to_have_attribute("title", re.compile(r"^Redo: Change Curiosity on turn 3"))
    page.keyboard.press("u")
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "")
    page.keyboard.press("z")
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "Opens the evenings up.")
    page.keyboard.press("Control+z")
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "")
    page.keyboard.press("Control+Shift+Z")
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "Opens the evenings up.")
    page.keyboard.press("Control+z")
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "")
    page.keyboard.press("Control+y")
    wait_for_store(path, "ui-keys", lambda r: r[0].note == "Opens the evenings up.")

    # Several codes on one moment; pressing a key again removes that code. The notebook's own
    # shortcuts ('a' inserts a cell above) do not fire meanwhile.
    page.keyboard.press("a")
    wait_for_store(
        path, "ui-keys", lambda r: {a.code_id for a in r} == {CURIOSITY.id, "attunement"}
    )
    expect(turn(annotator, "t3").locator(".jp-attune-CodeChip")).to_have_count(2)
    page.keyboard.press("a")
    wait_for_store(path, "ui-keys", lambda r: [a.code_id for a in r] == [CURIOSITY.id])
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells

    # Delete removes the code in focus; undo brings it back with its note and strength.
    page.keyboard.press("Delete")
    wait_for_store(path, "ui-keys", lambda r: r == [])
    expect(chip).to_have_count(0)
    page.keyboard.press("u")
    rows = wait_for_store(path, "ui-keys", lambda r: len(r) == 1)
    assert (rows[0].code_id, rows[0].note, rows[0].strength) == (
        CURIOSITY.id,
        "Opens the evenings up.",
        2,
    )
    expect(chip).to_be_visible()

    # ? lists every key, the codebook's included; Esc closes it.
    page.keyboard.press("?")
    sheet = annotator.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet).to_be_visible()
    expect(
        sheet.get_by_role("row", name=re.compile(f"{CURIOSITY.key} .*{CURIOSITY.label}"))
    ).to_be_visible()
    expect(sheet.get_by_role("row", name=re.compile("Undo"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()

    page.keyboard.press("End")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t8")
    page.keyboard.press("Home")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t1")


def test_spans_by_mouse_and_keyboard_count_code_points(page: Page, lab: Lab) -> None:
    name, path = notebook(lab, "annotator_spans.ipynb", "ui-spans")
    annotator = open_annotator(page, lab, name)
    moment = annotator.locator(".jp-attune-Annotator-moment")

    # Mouse: select words inside the client's turn, after an emoji (two UTF-16 units).
    t2 = turn(annotator, "t2")
    drag_select(page, t2.locator(".jp-attune-Turn-text"), "so alone")
    expect(t2).to_have_attribute("aria-selected", "true")
    expect(t2.locator("mark.jp-attune-Selection")).to_have_text("so alone")
    expect(moment).to_contain_text("“so alone”")
    page.keyboard.press(MISSED_CUE.key)
    start = text_of("t2").index("so alone")
    rows = wait_for_store(path, "ui-spans", lambda r: len(r) == 1)
    assert (rows[0].turn_id, rows[0].span_start, rows[0].span_end) == ("t2", start, start + 8)
    assert text_of("t2")[rows[0].span_start : rows[0].span_end] == "so alone"
    expect(t2.locator("mark.jp-attune-Span")).to_have_text("so alone")

    # Keyboard: Shift+→ grows the span a word at a time from the start of the turn,
    # Shift+← shrinks it, Ctrl+Shift+→ moves its start past the emoji.
    t3 = turn(annotator, "t3")
    t3.locator(".jp-attune-Turn-speaker").click()
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowLeft")
    expect(t3.locator("mark.jp-attune-Selection")).to_have_text("🙂 That sounds")
    page.keyboard.press("Control+Shift+ArrowRight")
    expect(t3.locator("mark.jp-attune-Selection")).to_have_text("That sounds")
    page.keyboard.press(REFLECTION.key)
    rows = wait_for_store(path, "ui-spans", lambda r: len(r) == 2)
    span = next(a for a in rows if a.turn_id == "t3")
    assert (span.span_start, span.span_end) == (2, 13)
    assert text_of("t3")[span.span_start : span.span_end] == "That sounds"
    expect(t3.locator("mark.jp-attune-Span")).to_have_text("That sounds")

    # Space (or Esc) goes back to the whole turn; a code then lands on the whole turn.
    page.keyboard.press(" ")
    expect(t3.locator("mark.jp-attune-Selection")).to_have_count(0)
    expect(moment).to_contain_text("whole turn")
    page.keyboard.press(VALIDATION.key)
    rows = wait_for_store(path, "ui-spans", lambda r: len(r) == 3)
    whole = next(a for a in rows if a.code_id == VALIDATION.id)
    assert (whole.turn_id, whole.span_start, whole.span_end) == ("t3", None, None)


def test_pair_links_a_response_to_the_client_turn(page: Page, lab: Lab) -> None:
    name, path = notebook(lab, "annotator_pairs.ipynb", "ui-pairs")
    annotator = open_annotator(page, lab, name)
    status = annotator.get_by_role("status")

    # v on a client turn says what to do instead.
    turn(annotator, "t4").click()
    page.keyboard.press("v")
    expect(status).to_contain_text("A pair starts on a therapist turn")

    t5 = turn(annotator, "t5")
    t5.click()
    page.keyboard.press("v")
    expect(t5.locator(".jp-attune-Turn-pair")).to_have_text("↩ Pairing with turn 4")
    expect(turn(annotator, "t4").locator(".jp-attune-Turn-pair")).to_have_text(
        "↪ Answered in turn 5"
    )
    page.keyboard.press(ADVICE.key)
    rows = wait_for_store(path, "ui-pairs", lambda r: len(r) == 1)
    assert (rows[0].turn_id, rows[0].responds_to, rows[0].code_id) == ("t5", "t4", ADVICE.id)
    expect(t5.locator(".jp-attune-CodeChip", has_text=ADVICE.label)).to_contain_text("↩ 4")

    # Once saved, the pair stays linked on both turns after the selection moves on.
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    expect(t5.locator(".jp-attune-Turn-pair")).to_have_text("↩ Answers turn 4")
    expect(turn(annotator, "t4").locator(".jp-attune-Turn-pair")).to_have_text(
        "↪ Answered in turn 5"
    )
    # Clicking the link goes to the other turn of the pair.
    t5.locator(".jp-attune-Turn-pair").click()
    expect(turn(annotator, "t4")).to_have_attribute("aria-selected", "true")


def test_compare_mode_marks_disagreements_and_records_the_agreed_code(page: Page, lab: Lab) -> None:
    seed = seed_lines(
        [
            ("sup-a", "t3", REFLECTION.id, {}),
            ("sup-b", "t3", REFLECTION.id, {}),
            ("sup-a", "t5", ADVICE.id, {"strength": 3}),
            ("sup-b", "t5", MISSED_CUE.id, {"note": "The club idea skips the loneliness."}),
            ("sup-b", "t7", VALIDATION.id, {}),
        ]
    )
    name, path = notebook(
        lab,
        "annotator_compare.ipynb",
        "ui-compare",
        seed=seed,
        widget='Annotator.compare(transcript, store=store, adjudicator="lead")',
    )
    annotator = open_annotator(page, lab, name)
    t3, t5, t7 = (turn(annotator, t) for t in ("t3", "t5", "t7"))

    # One column per annotator plus the agreed one; the turns where they differ stand out.
    columns = t5.locator(".jp-attune-Compare-name")
    expect(columns).to_have_text(["sup-a", "sup-b", "Agreed"])
    expect(t5.locator("[data-annotator='sup-a'] .jp-attune-CodeChip")).to_have_text(
        re.compile(ADVICE.label)
    )
    expect(t5.locator("[data-annotator='sup-b'] .jp-attune-CodeChip")).to_have_text(
        re.compile(MISSED_CUE.label)
    )
    for disputed in (t5, t7):
        expect(disputed).to_have_class(re.compile("jp-mod-disagreement"))
        expect(disputed.locator(".jp-attune-Turn-badge")).to_have_text("Disagreement")
    expect(t3).not_to_have_class(re.compile("jp-mod-disagreement"))
    expect(annotator.locator(".jp-attune-Annotator-compareInfo")).to_contain_text(
        "Comparing sup-a, sup-b: 2 turns differ"
    )

    # "Disagreements only" leaves just those turns.
    only = annotator.get_by_role("checkbox", name="Disagreements only")
    only.check()
    expect(
        annotator.get_by_role("listbox", name="Transcript turns").locator("[role='option']:visible")
    ).to_have_count(2)

    # Clicking a code in an annotator's column records it as agreed, under the adjudicator.
    t5.locator("[data-annotator='sup-a'] .jp-attune-CodeChip").click()
    rows = wait_for_store(path, "ui-compare", lambda r: any(a.adjudicated for a in r))
    agreed = [a for a in rows if a.adjudicated]
    assert [(a.turn_id, a.code_id, a.annotator) for a in agreed] == [("t5", ADVICE.id, "lead")]
    expect(t5.locator(".jp-attune-Compare-cell.jp-mod-agreed .jp-attune-CodeChip")).to_have_text(
        re.compile(ADVICE.label)
    )

    # Pressing a code's key on the current turn does the same.
    only.uncheck()
    t7.locator(".jp-attune-Turn-speaker").click()
    page.keyboard.press(VALIDATION.key)
    rows = wait_for_store(path, "ui-compare", lambda r: sum(a.adjudicated for a in r) == 2)
    assert ("t7", VALIDATION.id, "lead") in [
        (a.turn_id, a.code_id, a.annotator) for a in rows if a.adjudicated
    ]
    expect(t7.locator(".jp-attune-Compare-cell.jp-mod-agreed .jp-attune-CodeChip")).to_have_text(
        re.compile(VALIDATION.label)
    )
    # The annotators' own codes are untouched.
    assert sorted((a.annotator, a.turn_id) for a in rows if not a.adjudicated) == [
        ("sup-a", "t3"),
        ("sup-a", "t5"),
        ("sup-b", "t3"),
        ("sup-b", "t5"),
        ("sup-b", "t7"),
    ]


def test_read_only_shows_everything_and_changes_nothing(page: Page, lab: Lab) -> None:
    seed = seed_lines(
        [
            ("supervisor", "t3", CURIOSITY.id, {"note": "Good open question.", "strength": 2}),
            ("supervisor", "t5", ADVICE.id, {"responds_to": "t4"}),
        ]
    )
    name, path = notebook(
        lab,
        "annotator_read_only.ipynb",
        "ui-read-only",
        seed=seed,
        widget='Annotator(transcript, annotator="trainee", store=store, read_only=True)',
    )
    annotator = open_annotator(page, lab, name)
    before = stored(path, "ui-read-only")
    t3 = turn(annotator, "t3")

    chip = t3.locator(".jp-attune-CodeChip", has_text=CURIOSITY.label)
    expect(chip).to_have_attribute("title", "supervisor: Good open question.")
    expect(chip.locator(".jp-attune-CodeChip-strength")).to_have_text("●●○")
    expect(turn(annotator, "t5").locator(".jp-attune-Turn-pair")).to_have_text("↩ Answers turn 4")
    # No edit controls at all.
    for label in ("Undo", "Redo", "Delete", "Add note", "Edit note", "Retry", "Discard"):
        expect(annotator.get_by_role("button", name=label, exact=True)).to_have_count(0)

    # The moment list jumps to a moment; the code in focus is shown, not editable.
    moments = annotator.get_by_role("list", name="Annotated moments")
    expect(moments.get_by_role("button")).to_have_count(2)
    moments.get_by_role("button", name=re.compile(CURIOSITY.label)).click()
    expect(t3).to_have_attribute("aria-selected", "true")
    panel = annotator.get_by_role("region", name="Code in focus")
    expect(panel).to_contain_text("Good open question.")
    expect(panel).to_contain_text("2 of 3")
    expect(panel.get_by_role("button")).to_have_count(0)

    # Keys that would change something say why they do not.
    annotator.get_by_role("listbox", name="Transcript turns").focus()
    for key in (CLARITY.key, "Alt+3", "n", "Delete", "u", "v"):
        page.keyboard.press(key)
    expect(annotator.get_by_role("status")).to_contain_text("read-only")
    expect(annotator.get_by_role("textbox", name=re.compile("Note on"))).to_have_count(0)
    # Search still works.
    page.keyboard.press("/")
    page.keyboard.type("evenings")
    expect(annotator.locator("mark.jp-attune-SearchMatch")).to_have_count(2)
    time.sleep(0.5)  # give any stray message time to reach the store
    assert stored(path, "ui-read-only") == before


def test_filters_search_and_the_moment_list(page: Page, lab: Lab) -> None:
    seed = seed_lines(
        [
            ("supervisor", "t2", MISSED_CUE.id, {"span_start": SPAN_START, "span_end": SPAN_END}),
            ("supervisor", "t3", REFLECTION.id, {"strength": 3}),
            ("supervisor", "t5", ADVICE.id, {"note": "Advice before understanding."}),
            ("colleague", "t7", VALIDATION.id, {}),
        ]
    )
    name, _path = notebook(lab, "annotator_filters.ipynb", "ui-filters", seed=seed)
    annotator = open_annotator(page, lab, name)
    listbox = annotator.get_by_role("listbox", name="Transcript turns")
    shown = listbox.locator("[role='option']:visible")
    moments = annotator.get_by_role("list", name="Annotated moments")
    expect(moments.get_by_role("button")).to_have_count(4)

    # Filter by family: only the turn with a Rigidity code, and only its moment.
    annotator.get_by_role("button", name="Code: all").click()
    annotator.get_by_role("menuitemradio", name="Rigidity (all)").click()
    expect(shown).to_have_count(1)
    expect(shown).to_have_attribute("data-turn-id", "t5")
    expect(moments.get_by_role("button")).to_have_count(1)
    # By one code, from the keyboard.
    annotator.get_by_role("button", name=re.compile("^Code: Rigidity")).click()
    menu = annotator.get_by_role("menu", name="Code")
    expect(menu).to_be_visible()
    page.keyboard.press("Home")
    page.keyboard.press("Enter")  # "all" again
    expect(shown).to_have_count(8)
    annotator.get_by_role("button", name="Code: all").click()
    annotator.get_by_role("menuitemradio", name=VALIDATION.label, exact=True).click()
    expect(shown).to_have_count(1)
    expect(shown).to_have_attribute("data-turn-id", "t7")
    annotator.get_by_role("button", name=re.compile("^Code: ")).click()
    annotator.get_by_role("menuitemradio", name="all", exact=True).click()
    # By role.
    annotator.get_by_role("button", name="Speaker: all").click()
    annotator.get_by_role("menuitemradio", name="client turns").click()
    expect(shown).to_have_count(4)
    assert {shown.nth(i).get_attribute("data-role") for i in range(4)} == {"client"}
    annotator.get_by_role("button", name=re.compile("^Speaker: ")).click()
    annotator.get_by_role("menuitemradio", name="all", exact=True).click()
    expect(shown).to_have_count(8)

    # Search: / focuses the box, matches are highlighted, Enter / Shift+Enter step through them.
    listbox.focus()
    page.keyboard.press("/")
    search = annotator.get_by_role("searchbox", name="Search the transcript")
    expect(search).to_be_focused()
    page.keyboard.type("evenings")
    matches = listbox.locator("mark.jp-attune-SearchMatch")
    expect(matches).to_have_count(2)
    expect(matches).to_have_text(["evenings", "evenings"])
    page.keyboard.press("Enter")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t3")
    page.keyboard.press("Enter")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t4")
    expect(listbox.locator("mark.jp-attune-SearchMatch.jp-mod-current")).to_have_count(1)
    expect(annotator.get_by_text("2 of 2")).to_be_visible()
    page.keyboard.press("Shift+Enter")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t3")
    page.keyboard.press("Escape")
    expect(listbox).to_be_focused()

    # The moment list: click jumps and selects; Enter on an entry does the same, span included.
    entry = moments.get_by_role("button", name=re.compile(ADVICE.label))
    expect(entry).to_contain_text("Advice before understanding.")
    expect(entry).to_contain_text("turn 5")
    entry.click()
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t5")
    expect(annotator.get_by_role("region", name="Code in focus")).to_contain_text(
        "Advice before understanding."
    )
    span_entry = moments.get_by_role("button", name=re.compile(MISSED_CUE.label))
    span_entry.focus()
    page.keyboard.press("Enter")
    expect(selected_turn(annotator)).to_have_attribute("data-turn-id", "t2")
    expect(turn(annotator, "t2").locator("mark.jp-attune-Selection")).to_have_text("felt so alone")
    expect(moments.get_by_role("button", name=re.compile(VALIDATION.label))).to_contain_text(
        "colleague"
    )


def test_a_refused_save_is_shown_kept_and_retried(page: Page, lab: Lab) -> None:
    name, path = notebook(lab, "annotator_failure.ipynb", "ui-failure")
    annotator = open_annotator(page, lab, name)
    status = annotator.get_by_role("status")
    banner = annotator.get_by_role("alert")
    refuse_writes(path, "annotations")

    t3 = turn(annotator, "t3")
    t3.click()
    page.keyboard.press(CURIOSITY.key)
    chip = t3.locator(".jp-attune-CodeChip", has_text=CURIOSITY.label)
    expect(chip).to_be_visible()  # at once, before Python answers
    expect(banner).to_contain_text("1 change is not saved")
    expect(banner).to_contain_text(f"Add or remove {CURIOSITY.label} on turn 3")
    expect(status).to_contain_text("Not saved")
    expect(chip).to_have_class(re.compile("jp-mod-unsaved"))
    expect(chip).to_contain_text("not saved")
    assert stored(path, "ui-failure") == []

    # Store back: Retry saves the kept edit.
    accept_writes(path)
    banner.get_by_role("button", name="Retry").click()
    expect(banner).to_be_hidden()
    expect(status).to_contain_text("Saved 1 kept edit(s).")
    rows = wait_for_store(path, "ui-failure", lambda r: len(r) == 1)
    assert (rows[0].turn_id, rows[0].code_id) == ("t3", CURIOSITY.id)
    expect(chip).not_to_have_class(re.compile("jp-mod-unsaved|jp-mod-pending"))

    # Refused again, then given up: the kept edit goes, and so does its chip.
    refuse_writes(path, "annotations")
    t3.locator(".jp-attune-Turn-speaker").click()
    page.keyboard.press(CLARITY.key)
    expect(banner).to_contain_text(f"Add or remove {CLARITY.label} on turn 3")
    banner.get_by_role("button", name="Discard").click()
    expect(banner).to_be_hidden()
    expect(t3.locator(".jp-attune-CodeChip", has_text=CLARITY.label)).to_have_count(0)
    expect(chip).to_be_visible()
    accept_writes(path)
    assert [a.code_id for a in stored(path, "ui-failure")] == [CURIOSITY.id]


XSS_CELL = """\
from attune_jupyter import Annotation, Annotator, Codebook, Turn, Transcript, open_store

payloads = {payloads!r}
turns = [
    Turn(f"t{{i + 1}}", payload[:30] or "x", "therapist" if i % 2 == 0 else "client", payload)
    for i, payload in enumerate(payloads)
]
transcript = Transcript("ui-xss", turns)
codebook = Codebook.default()
for code, payload in zip(codebook.codes, payloads):
    codebook = codebook.renamed(code.id, payload.replace("\\n", " ")[:60])
store = open_store({store!r})
for i, payload in enumerate(payloads):
    length = len(payload)
    span = dict(span_start=1, span_end=length - 1) if i % 3 == 0 and length > 2 else {{}}
    store.add_annotation(Annotation(
        transcript_id="ui-xss", turn_id=f"t{{i + 1}}", code_id=codebook.codes[i % 20].id,
        annotator=payload[:20] or "x", note=payload, strength=1 + i % 3, **span,
    ))
Annotator(transcript, codebook=codebook, annotator="reviewer", store=store)
"""


def test_markup_in_text_labels_notes_and_codes_is_shown_as_text(page: Page, lab: Lab) -> None:
    cell = XSS_CELL.format(payloads=list(XSS_PAYLOADS), store=str(lab.root_dir / "ui-xss.sqlite"))
    annotator = open_annotator(page, lab, write_notebook(lab, "annotator_xss.ipynb", [cell]))
    listbox = annotator.get_by_role("listbox", name="Transcript turns")
    expect(listbox.get_by_role("option")).to_have_count(len(XSS_PAYLOADS))
    expect(turn(annotator, "t1").locator(".jp-attune-Turn-text")).to_have_text(XSS_PAYLOADS[0])
    # Draw everything that shows these texts: every turn, chip and span, the code in focus, the
    # moment list, the filter menu, search marks and the shortcut sheet.
    for i in range(0, len(XSS_PAYLOADS), 5):
        turn(annotator, f"t{i + 1}").scroll_into_view_if_needed()
    turn(annotator, "t4").locator(".jp-attune-CodeChip").first.click()
    expect(annotator.get_by_role("region", name="Code in focus")).to_contain_text(XSS_PAYLOADS[3])
    annotator.get_by_role("button", name="Code: all").click()
    page.keyboard.press("Escape")
    listbox.focus()
    page.keyboard.press("/")
    page.keyboard.type("script")
    expect(listbox.locator("mark.jp-attune-SearchMatch").first).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(annotator.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.wait_for_timeout(500)
    injected = "script, img, svg, iframe, object, embed, video, audio, a, form, input:not([type])"
    assert (
        annotator.locator(
            f".jp-attune-Turn-text :is({injected}), .jp-attune-CodeChip :is({injected}), "
            f".jp-attune-Moments :is({injected}), [role='dialog'] :is({injected}), "
            f".jp-attune-Codebook :is({injected}), [role='menu'] :is({injected})"
        ).count()
        == 0
    )
    assert page.evaluate("window.__attuneXss") is None


COMPARE_XSS_CELL = """\
from attune_jupyter import Annotation, Annotator, Codebook, Turn, Transcript, open_store

payloads = {payloads!r}
transcript = Transcript("ui-xss-compare", [
    Turn(f"t{{i + 1}}", "Therapist" if i % 2 == 0 else "Client",
         "therapist" if i % 2 == 0 else "client", f"Turn {{i + 1}} of a made-up session.")
    for i in range(len(payloads))
])
codebook = Codebook.default()
store = open_store({store!r})
for i, name in enumerate(payloads):  # every annotator's name is a payload, whole
    store.add_annotation(Annotation(
        transcript_id="ui-xss-compare", turn_id=f"t{{i + 1}}",
        code_id=codebook.codes[i % 20].id, annotator=name, note=name,
    ))
Annotator.compare(transcript, codebook=codebook, adjudicator=payloads[0], store=store)
"""


def test_annotator_names_in_compare_mode_are_shown_as_text(page: Page, lab: Lab) -> None:
    cell = COMPARE_XSS_CELL.format(
        payloads=list(XSS_PAYLOADS), store=str(lab.root_dir / "ui-xss-compare.sqlite")
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    name = write_notebook(lab, "annotator_xss_compare.ipynb", [cell])
    annotator = open_annotator(page, lab, name)
    # Every annotator gets a column on every turn, named by text; the summary line names them all.
    names = turn(annotator, "t1").locator(".jp-attune-Compare-name")
    expect(names).to_have_count(len(XSS_PAYLOADS) + 1)
    expect(names.nth(0)).to_have_text(sorted(XSS_PAYLOADS)[0])
    expect(annotator.locator(".jp-attune-Annotator-compareInfo")).to_contain_text(XSS_PAYLOADS[4])
    for i in range(0, len(XSS_PAYLOADS), 5):
        turn(annotator, f"t{i + 1}").scroll_into_view_if_needed()
    # Agree on a payload-named annotator's code: the agreed column is drawn under a payload name.
    turn(annotator, "t5").locator(".jp-attune-Turn-speaker").click()
    page.keyboard.press(Codebook.default().codes[4].key)
    expect(turn(annotator, "t5").locator(".jp-attune-Compare-cell.jp-mod-agreed")).to_contain_text(
        Codebook.default().codes[4].label
    )
    page.keyboard.press("?")
    page.wait_for_timeout(500)
    injected = "script, img, svg, iframe, object, embed, video, audio, a, form, input:not([type])"
    assert annotator.locator(f":is({injected})").count() == 0
    assert page.evaluate("window.__attuneXss") is None
    assert dialogs == []
