"""The trainee's feedback report: what the page shows, that it stands alone and prints, that no
text from the data can become markup, and that writing it never leaves a broken or clobbered file.

Every test uses a real SQLite store file under ``tmp_path`` and reads the page back with
:mod:`html.parser`, as a browser would see its elements.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

import attune_jupyter
from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.codebook import Code, Codebook
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.rubric import Rubric, RubricGroup, RubricItem, RubricSummary, Scale
from attune_jupyter.core.transcript import Transcript, TranscriptChangedWarning, Turn
from attune_jupyter.reports import feedback_html, feedback_report
from attune_jupyter.reports.feedback import FeedbackReportError
from attune_jupyter.store import Store, open_store

# --------------------------------------------------------------------------------------------
# Reading the page back
# --------------------------------------------------------------------------------------------

_VOID = {"meta", "link", "img", "br", "hr", "input", "source", "embed", "base", "col", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.iter()
            if n.tag == tag and (cls is None or cls in (n.attrs.get("class") or "").split())
        ]

    def find(self, tag: str, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls!r}> in the page"
        return found[0]

    def by_id(self, id_: str) -> Node:
        for n in self.iter():
            if n.attrs.get("id") == id_:
                return n
        raise AssertionError(f"no element with id {id_!r}")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.comments: list[str] = []
        self.declarations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def unknown_decl(self, data: str) -> None:  # CDATA and the like
        self.declarations.append(data)


def parse(page: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    assert builder.comments == []
    assert builder.declarations == ["DOCTYPE html"]
    return builder.root


def without_labels(node: Node) -> str:
    """The text of a turn without the labels put after highlighted spans."""
    return "".join(
        c if isinstance(c, str) else without_labels(c)
        for c in node.children
        if isinstance(c, str) or "tag" not in (c.attrs.get("class") or "").split()
    )


def squashed(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# A session: a transcript, a supervisor's moments and ratings, a trainee's own work
# --------------------------------------------------------------------------------------------

CLIENT_1 = "Since the move I feel 😞 so alone, nobody calls."
THERAPIST_2 = "Let's stick to the agenda: we were talking about sleep."
CLIENT_3 = "Right. Sleep. Fine."
THERAPIST_4 = "It sounds like the move left you lonely, and it still hurts."
SPAN = "so alone"  # in CLIENT_1; offsets are code points, after an emoji


def session() -> Transcript:
    return Transcript(
        "session-7",
        [
            Turn("c1", "Client", "client", CLIENT_1, start=3.0),
            Turn("t2", "Therapist", "therapist", THERAPIST_2, start=12.5),
            Turn("c3", "Client", "client", CLIENT_3),
            Turn("t4", "Therapist", "therapist", THERAPIST_4, start=75.0),
        ],
    )


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "store").mkdir()
    with open_store(tmp_path / "store" / "course.sqlite") as opened:
        yield opened


def add_supervisor_work(store: Store) -> None:
    start, end = span_of(CLIENT_1, SPAN)
    for annotation in (
        Annotation(
            "session-7",
            "t4",
            "attunement.validation",
            "dr-rivera",
            strength=3,
            note="You named the loneliness\nin the client's words.",
        ),
        Annotation(
            "session-7",
            "t4",
            "attunement.reflection",
            "dr-rivera",
            strength=2,
        ),
        Annotation(
            "session-7",
            "c1",
            "attunement.warmth",
            "dr-rivera",
            span_start=start,
            span_end=end,
            strength=1,
            note="The feeling to answer.",
        ),
        Annotation(
            "session-7",
            "t2",
            "rigidity.scripted-response",
            "dr-rivera",
            responds_to="c1",
            strength=3,
            note="The agenda came before the feeling.",
        ),
        Annotation("session-7", "c3", "detachment.missed-cue", "dr-rivera"),
    ):
        store.add_annotation(annotation)
    store.save_rating(
        SessionRating(
            "session-7",
            "attune-default",
            1,
            "dr-rivera",
            items=(
                ItemRating("compassion", 4, "Warm at the end."),
                ItemRating("clarity", 2),
                ItemRating("connectedness", None, "Hard to judge from this excerpt."),
                ItemRating("emotional-detachment", 4, "Turn 2 left the client alone."),
            ),
            overall_comment="A real turn-around at the end.\nStart there next time.",
        )
    )


def add_trainee_and_adjudicated_work(store: Store) -> None:
    store.add_annotation(
        Annotation("session-7", "t2", "attunement.curiosity", "trainee-sam", note="self check")
    )
    store.add_annotation(
        Annotation(
            "session-7", "c3", "detachment.minimising", "dr-okafor", note="second supervisor"
        )
    )
    store.add_annotation(
        Annotation("session-7", "c3", "detachment.missed-cue", "dr-rivera", adjudicated=True)
    )
    store.save_rating(
        SessionRating(
            "session-7",
            "attune-default",
            1,
            "trainee-sam",
            items=(ItemRating("compassion", 5, "self rating"),),
        )
    )


def turn(page: Node, number: int) -> Node:
    return page.by_id(f"turn-{number}")


# --------------------------------------------------------------------------------------------
# What the trainee reads
# --------------------------------------------------------------------------------------------


def test_header_names_session_people_date_and_counts_moments_by_family(store: Store) -> None:
    add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera", store, trainee="Sam"))

    assert page.find("title").text() == "Feedback on session session-7"
    assert page.find("h1").text() == "Feedback on session session-7"
    pairs = _facts(page)
    assert pairs["Session"] == "session-7"
    assert pairs["Trainee"] == "Sam"
    assert pairs["Supervisor"] == "dr-rivera"
    assert pairs["Turns"] == "4"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", pairs["Generated"])

    counts = {
        row.find("th").text(): row.find("td").text()
        for row in page.find("table", "counts").find_all("tr")[1:]
    }
    # Two moments on turn 4 (one with two attunement codes counts once), the warm span on
    # turn 1; the scripted pair; the missed cue.
    assert counts == {
        "Attunement": "2",
        "Rigidity": "1",
        "Detachment": "1",
        "All moments": "4",
    }


def test_moment_list_links_each_moment_to_its_turn(store: Store) -> None:
    add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera", store))

    items = page.find("nav", "moment-list").find_all("li")
    lines = [squashed(li.text()) for li in items]
    assert lines == [
        "Turn 1 (Client), span “so alone”: Emotional resonance and warmth (Attunement), slight",
        "Turn 2 (Therapist), responds to turn 1: Scripted response (Rigidity), strong",
        "Turn 3 (Client), whole turn: Missed emotional cue (Detachment)",
        "Turn 4 (Therapist), whole turn: Validating a feeling (Attunement), strong; "
        "Reflective listening (Attunement), clear",
    ]
    targets = [li.find("a").attrs["href"] for li in items]
    assert targets == ["#turn-1", "#turn-2", "#turn-3", "#turn-4"]
    for target in targets:
        assert target is not None
        assert turn(page, int(target.removeprefix("#turn-"))).tag == "article"


def test_each_turn_shows_its_moments_with_code_family_strength_and_note(store: Store) -> None:
    add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera", store))

    fourth = turn(page, 4)
    assert squashed(fourth.find("h3").text()) == "Turn 4 · Therapist 1:15"
    assert fourth.find("p", "text").text() == THERAPIST_4
    codes = [squashed(c.find("p", "code-head").text()) for c in fourth.find_all("li", "code")]
    assert codes == [
        "Validating a feeling (Attunement) · strength: strong",
        "Reflective listening (Attunement) · strength: clear",
    ]
    # The note keeps its line break (shown with white-space: pre-wrap).
    assert fourth.find("p", "note").text() == "You named the loneliness\nin the client's words."

    third = turn(page, 3)
    assert squashed(third.find("p", "code-head").text()) == "Missed emotional cue (Detachment)"
    assert third.find_all("p", "note") == []


def test_span_is_highlighted_with_mark_and_labelled(store: Store) -> None:
    add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera", store))

    first = turn(page, 1)
    text = first.find("p", "text")
    # The words are all there, in order, around the labels.
    assert without_labels(text) == CLIENT_1
    marks = text.find_all("mark")
    assert [m.text() for m in marks] == [SPAN]  # code-point offsets, after an emoji
    assert squashed(text.find("span", "tag").text()) == "[1: Emotional resonance and warmth]"
    head = squashed(first.find("p", "moment-head").text())
    assert head == f"Moment 1 · the words “{SPAN}”"
    assert first.find("p", "note").text() == "The feeling to answer."


def test_overlapping_spans_are_each_labelled(store: Store) -> None:
    text = CLIENT_1
    for words, code in (("I feel 😞 so", "detachment.missed-cue"), (SPAN, "attunement.warmth")):
        start, end = span_of(text, words)
        store.add_annotation(
            Annotation("session-7", "c1", code, "dr-rivera", span_start=start, span_end=end)
        )
    page = parse(feedback_html(session(), "dr-rivera", store))

    paragraph = turn(page, 1).find("p", "text")
    assert [m.text() for m in paragraph.find_all("mark")] == ["I feel 😞 ", "so", " alone"]
    assert [m.attrs.get("class") for m in paragraph.find_all("mark")] == [None, "overlap", None]
    assert [squashed(t.text()) for t in paragraph.find_all("span", "tag")] == [
        "[1: Missed emotional cue]",
        "[2: Emotional resonance and warmth]",
    ]


def test_pair_reads_responds_to_turn_n_both_ways(store: Store) -> None:
    add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera", store))

    second = turn(page, 2)
    head = second.find("p", "moment-head")
    assert squashed(head.text()) == "Moment 2 · responds to turn 1"
    assert head.find("a").attrs["href"] == "#turn-1"
    assert second.find("p", "note").text() == "The agenda came before the feeling."

    answered = turn(page, 1).find("p", "answered")
    assert squashed(answered.text()) == "Turn 2 responds to this turn (moment 2)."
    assert answered.find("a").attrs["href"] == "#moment-2"
    assert page.by_id("moment-2").tag == "li"


# --------------------------------------------------------------------------------------------
# Whose work is shown
# --------------------------------------------------------------------------------------------


def _notes(page: Node) -> set[str]:
    return {squashed(c.text()) for c in page.find_all("p", "note")}


def _facts(page: Node) -> dict[str, str]:
    facts = page.find("dl", "facts")
    return dict(
        zip(
            [n.text() for n in facts.find_all("dt")],
            [n.text() for n in facts.find_all("dd")],
            strict=True,
        )
    )


def test_by_default_everyone_but_the_trainee_without_adjudicated_codes(store: Store) -> None:
    add_supervisor_work(store)
    add_trainee_and_adjudicated_work(store)
    page = parse(feedback_html(session(), store=store, trainee="trainee-sam"))

    assert _facts(page)["Supervisors"] == "dr-okafor, dr-rivera"
    notes = _notes(page)
    assert "second supervisor" in notes
    assert "self check" not in notes
    third = turn(page, 3)
    heads = [squashed(c.find("p", "code-head").text()) for c in third.find_all("li", "code")]
    # With several supervisors each code says who gave it; the adjudicated copy is left out.
    assert heads == [
        "Dismissing or minimising (Detachment) · by dr-okafor",
        "Missed emotional cue (Detachment) · by dr-rivera",
    ]
    # The trainee's self-rating is not shown as feedback.
    assert "self rating" not in page.find("section", "ratings").text()
    assert len(page.find_all("article", "rating")) == 1


def test_named_supervisors_include_their_adjudicated_codes(store: Store) -> None:
    add_supervisor_work(store)
    add_trainee_and_adjudicated_work(store)
    page = parse(feedback_html(session(), ["dr-rivera"], store))

    notes = _notes(page)
    assert "second supervisor" not in notes and "self check" not in notes
    heads = [
        squashed(c.find("p", "code-head").text()) for c in turn(page, 3).find_all("li", "code")
    ]
    assert heads == [
        "Missed emotional cue (Detachment)",
        "Missed emotional cue (Detachment) · agreed after comparing annotators",
    ]


def test_supervisor_must_be_a_name(store: Store) -> None:
    with pytest.raises(ValueError, match="supervisor"):
        feedback_html(session(), [], store)
    with pytest.raises(ValueError, match="supervisor"):
        feedback_html(session(), [" "], store)
    with pytest.raises(ValueError, match="trainee"):
        feedback_html(session(), "dr-rivera", store, trainee="")


# --------------------------------------------------------------------------------------------
# Ratings
# --------------------------------------------------------------------------------------------


def _item_rows(rating: Node) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for table in rating.find_all("table", "items"):
        for row in table.find("tbody").find_all("tr"):
            label = row.find("th")
            name = "".join(c for c in label.children if isinstance(c, str))
            rows[name] = [squashed(td.text()) for td in row.find_all("td")]
    return rows


def test_ratings_show_score_level_description_comment_and_unrated(store: Store) -> None:
    add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera", store))

    rubric = Rubric.default()
    rating = page.find("article", "rating")
    assert squashed(rating.find("h3").text()) == f"{rubric.title} (version 1)"
    assert "Rated by dr-rivera" in rating.find("p", "muted").text()
    rows = _item_rows(rating)
    assert len(rows) == len(rubric.items)
    compassion_anchor = rubric.item("compassion").scale.anchors[4]
    assert rows["Compassion"] == ["4 of 1-5", compassion_anchor, "Warm at the end."]
    assert rows["Clarity"] == ["2 of 1-5", rubric.item("clarity").scale.anchors[2], ""]
    assert rows["Connectedness"] == ["not rated", "", "Hard to judge from this excerpt."]
    assert rows["Courage"] == ["not rated", "", ""]
    # A risk item says that higher means more of the risk.
    detachment = rows["Emotional detachment"]
    assert detachment[0] == "4 of 1-5, higher means more of the risk"
    assert detachment[2] == "Turn 2 left the client alone."
    # Group headings come from the rubric.
    captions = [c.text() for c in rating.find_all("caption")]
    assert captions[: len(rubric.groups)] == [g.label for g in rubric.groups]

    summaries = {
        row.find("th").text(): row.find("td").text()
        for row in rating.find("table", "summaries").find("tbody").find_all("tr")
    }
    assert summaries == {
        "Therapist qualities (mean)": "3",
        "Safety (mean)": "not enough items rated",
        "Risks of over-professionalisation (mean; higher means more risk)": "4",
        "Balance (mean)": "not enough items rated",
    }
    assert rating.find_all("p", "pass-rule") == []  # the default rubric has no pass rule
    assert rating.find("h4").text() == "Overall comment"
    assert rating.find("p", "overall").text() == (
        "A real turn-around at the end.\nStart there next time."
    )


def _cts_r_rating(scores: list[int | None]) -> SessionRating:
    rubric = Rubric.cts_r()
    return SessionRating(
        "session-7",
        rubric.id,
        rubric.version,
        "dr-rivera",
        items=tuple(
            ItemRating(item.id, score) for item, score in zip(rubric.items, scores, strict=True)
        ),
    )


@pytest.mark.parametrize(
    ("scores", "total", "verdict"),
    [
        ([3] * 12, "36", "Passed."),
        ([4] * 11 + [1], "45", "Not passed."),  # one item below 2
        ([3] * 11 + [2], "35", "Not passed."),
        ([3] * 10 + [None, None], "not enough items rated", "Not decided: 2 items not rated."),
    ],
)
def test_pass_rule_result_is_stated(
    store: Store, scores: list[int | None], total: str, verdict: str
) -> None:
    store.save_rating(_cts_r_rating(scores))
    page = parse(feedback_html(session(), "dr-rivera", store))

    rating = page.find("article", "rating")
    assert "without level descriptions" in rating.text()
    total_row = rating.find("table", "summaries").find("tbody").find("tr")
    assert total_row.find("td").text() == total
    rule = squashed(rating.find("p", "pass-rule").text())
    assert rule == f"Pass rule: a total of at least 36 and no item below 2. {verdict}"


def test_bands_are_named_for_miti_summaries(store: Store) -> None:
    rubric = Rubric.miti()
    store.save_rating(
        SessionRating(
            "session-7",
            rubric.id,
            rubric.version,
            "dr-rivera",
            items=tuple(ItemRating(item.id, 4) for item in rubric.items),
        )
    )
    page = parse(feedback_html(session(), "dr-rivera", store))
    rows = page.find("table", "summaries").find("tbody").find_all("tr")
    cells = [[td.text() for td in row.find_all("td")] for row in rows]
    assert cells == [
        ["4", "good (fair from 3, good from 4)"],
        ["4", "good (fair from 3.5, good from 4)"],
    ]


def test_rating_on_a_rubric_not_at_hand_still_shows_scores(store: Store) -> None:
    store.save_rating(
        SessionRating(
            "session-7",
            "ward-rubric",
            2,
            "dr-rivera",
            items=(ItemRating("listening", 3, "Mostly there."), ItemRating("pacing")),
            overall_comment="Keep going.",
        )
    )
    page = parse(feedback_html(session(), "dr-rivera", store))
    rating = page.find("article", "rating")
    assert "“ward-rubric” is not available" in rating.find("p", "notice").text()
    assert _item_rows(rating) == {
        "listening": ["3", "Mostly there."],
        "pacing": ["not rated", ""],
    }
    assert rating.find("p", "overall").text() == "Keep going."

    # Given the rubric, the same rating reads against it.
    rubric = Rubric(
        "ward-rubric",
        2,
        "Ward rubric",
        "",
        [RubricGroup("main", "Main")],
        [
            RubricItem("listening", "Listening", "", "main", Scale(1, 3, {3: "Hears it all."})),
            RubricItem("pacing", "Pacing", "", "main", Scale(1, 3)),
        ],
        [RubricSummary("avg", "Average", "mean", group="main")],
    )
    page = parse(feedback_html(session(), "dr-rivera", store, rubrics=rubric))
    rating = page.find("article", "rating")
    assert rating.find_all("p", "notice") == []
    assert _item_rows(rating) == {
        "Listening": ["3 of 1-3", "Hears it all.", "Mostly there."],
        "Pacing": ["not rated", "", ""],
    }

    # A different version of it is not used to read the scores.
    older = Rubric.from_dict({**rubric.to_dict(), "version": 1})
    page = parse(feedback_html(session(), "dr-rivera", store, rubrics=[older]))
    assert "version 2 of the rubric “ward-rubric”" in page.find("p", "notice").text()


def test_session_without_moments_or_ratings(store: Store) -> None:
    page = parse(feedback_html(session(), "dr-rivera", store))

    assert "No moments or ratings by dr-rivera" in page.find("header").find("p", "notice").text()
    counts = [row.find("td").text() for row in page.find("table", "counts").find_all("tr")[1:]]
    assert counts == ["0", "0", "0", "0"]
    assert "No moments were marked" in page.find("nav", "moment-list").text()
    assert "not been rated" in page.find("section", "ratings").text()
    assert page.find_all("mark") == [] and page.find_all("li", "moment") == []
    texts = [a.find("p", "text").text() for a in page.find_all("article", "turn")]
    assert texts == [CLIENT_1, THERAPIST_2, CLIENT_3, THERAPIST_4]


def test_moments_that_do_not_fit_the_transcript_are_listed_not_lost(store: Store) -> None:
    store.add_annotation(
        Annotation("session-7", "gone", "attunement.curiosity", "dr-rivera", note="lost turn")
    )
    store.add_annotation(
        Annotation(
            "session-7",
            "c3",
            "attunement.curiosity",
            "dr-rivera",
            span_start=5,
            span_end=500,
            note="too long",
        )
    )
    page = parse(feedback_html(session(), "dr-rivera", store))
    section = page.find("section", "unplaced")
    heads = [squashed(h.text()) for h in section.find_all("p", "moment-head")]
    assert heads == [
        "Moment 1 · turn id “c3”: its span runs past the end of the turn's text",
        "Moment 2 · turn id “gone”: its turn is not in this transcript",
    ]
    assert {n.text() for n in section.find_all("p", "note")} == {"lost turn", "too long"}
    assert [a.attrs["href"] for a in page.find("nav", "moment-list").find_all("a")] == [
        "#unplaced-heading",
        "#unplaced-heading",
    ]


def test_changed_transcript_is_flagged(store: Store) -> None:
    store.register_transcript("session-7", "sha256:" + "0" * 64, 4, by="dr-rivera")
    with pytest.warns(TranscriptChangedWarning, match="session-7"):
        page = parse(feedback_html(session(), "dr-rivera", store))
    assert "differs from the one the supervisor annotated" in page.find("p", "notice").text()

    # The same content as registered: no warning (warnings are errors here), no note.
    other = Transcript("session-8", session().turns)
    store.register_transcript("session-8", other.fingerprint(), 4, by="dr-rivera")
    page = parse(feedback_html(other, "dr-rivera", store))
    assert "differs" not in page.find("header").text()


def test_transcript_by_id_and_store_by_location(tmp_path: Path) -> None:
    location = tmp_path / "course.sqlite"
    with open_store(location) as store:
        store.import_transcript(session(), by="dr-rivera")
        add_supervisor_work(store)
    page = parse(feedback_html("session-7", "dr-rivera", str(location)))
    assert turn(page, 4).find("p", "text").text() == THERAPIST_4
    assert len(page.find_all("li", "moment")) == 4


def test_default_store_is_the_one_open_store_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_STORE", str(tmp_path / "shared.sqlite"))
    with attune_jupyter.open_store() as store:
        add_supervisor_work(store)
    page = parse(feedback_html(session(), "dr-rivera"))
    assert len(page.find_all("li", "moment")) == 4


# --------------------------------------------------------------------------------------------
# A page that stands alone and prints
# --------------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_page_is_self_contained_and_has_print_styles(store: Store) -> None:
    add_supervisor_work(store)
    raw = feedback_html(session(), "dr-rivera", store)
    page = parse(raw)

    assert not re.search(r"(?i)https?:|//[a-z0-9]|url\(|@import|@font-face", raw)
    assert page.find_all("script") == [] and page.find_all("link") == []
    for node in page.iter():
        assert not {"src", "srcset", "action", "data"} & node.attrs.keys(), node.tag
        assert not any(name.startswith("on") for name in node.attrs), node.tag
        href = node.attrs.get("href")
        assert href is None or re.fullmatch(r"#[a-z-]+(-\d+)?", href), href
    policy = [
        m.attrs["content"]
        for m in page.find_all("meta")
        if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'"]

    (style,) = page.find_all("style")
    css = style.text()
    print_rules = css[css.index("@media print") :]
    assert re.search(r"\.turn[^{]*\{[^}]*break-inside: avoid", print_rules)
    assert "mark { background: none; }" in print_rules
    # No dark backgrounds anywhere: every background colour is light.
    backgrounds = re.findall(r"background(?:-color)?:\s*([^;}]+?)\s*[;}]", css)
    assert backgrounds
    assert all(b == "none" or _luminance(b) > 0.85 for b in backgrounds), backgrounds

    # In black and white, the family of every code is written out, not only coloured.
    for code in page.find_all("li", "code"):
        assert code.find("span", "family").text().startswith("(")


# --------------------------------------------------------------------------------------------
# Nothing from the data becomes markup
# --------------------------------------------------------------------------------------------

_HIT = "window.__attuneXss=1"
PAYLOADS = (
    f"<script>{_HIT}</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    f"<scr<script>ipt>{_HIT}</scr</script>ipt>",
    f"<img src=x onerror={_HIT}>",
    f'<IMG SRC="x" OnErRoR="{_HIT}">',
    "<img src=x onerror=&#119;indow.__attuneXss=1>",
    f"<svg onload={_HIT}>",
    f'<svg><a xlink:href="javascript:{_HIT}"><text>go</text></a></svg>',
    f'<math><mtext><img src=x onerror="{_HIT}"></mtext></math>',
    f'<a href="javascript:{_HIT}">click</a>',
    f'<a href="&#106;avascript:{_HIT}">entity</a>',
    f'<a href="java\tscript:{_HIT}">tab</a>',
    f"javascript:{_HIT}",
    f'<iframe srcdoc="<script>{_HIT}</script>"></iframe>',
    f'<object data="javascript:{_HIT}"></object>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{_HIT}">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>@import 'https://evil.example/x.css';</style>",
    f'<div style="background:url(javascript:{_HIT})">bg</div>',
    f'"><script>{_HIT}</script>',
    f"'><img src=x onerror={_HIT}>",
    f'" onmouseover="{_HIT}" x="',
    f"</title><script>{_HIT}</script>",
    f"</style><script>{_HIT}</script>",
    f"<!--<img src=x onerror={_HIT}>-->",
    f"<![CDATA[<script>{_HIT}</script>]]>",
    f"&lt;script&gt;{_HIT}&lt;/script&gt;",
    f"%3Cscript%3E{_HIT}%3C/script%3E",
    f"\\u003cscript\\u003e{_HIT}\\u003c/script\\u003e",
    f"<svg/onload={_HIT}>",
    f'<details open ontoggle="{_HIT}">',
    f'<base href="javascript:{_HIT}//">',
    f'<form action="javascript:{_HIT}"><button>go</button></form>',
    f'<template><img src=x onerror="{_HIT}"></template>',
)

#: Every element and attribute the page itself uses; anything else came from the data.
_OWN_TAGS = {
    "#document",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "dl",
    "dt",
    "dd",
    "section",
    "nav",
    "article",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ol",
    "ul",
    "li",
    "p",
    "a",
    "span",
    "strong",
    "mark",
}
_OWN_ATTRIBUTES = {
    "lang",
    "charset",
    "http-equiv",
    "name",
    "content",
    "class",
    "id",
    "href",
    "scope",
    "value",
    "style",
    "aria-labelledby",
}


def _hostile_session(store: Store, payload: str, n: int) -> tuple[Transcript, Codebook, Rubric]:
    """Put ``payload`` into every text field a report shows: transcript id, speaker labels, turn
    text, turn ids, code labels, notes, names, rubric texts, comments and rubric ids."""
    transcript = Transcript(
        f"{payload} {n}",
        [
            Turn("c1", f"Client {payload}", "client", f"I said {payload} and more."),
            Turn("t2", payload, "therapist", payload),
        ],
    )
    base = Codebook.default()
    codebook = base.with_code(
        Code(
            id="attunement.validation",
            label=f"Validation {payload}",
            definition=payload,
            example=payload,
            colour="#3e9f35",
            key=base.code("attunement.validation").key,
            parent="attunement",
        )
    ).renamed("attunement", f"Attunement {payload}")
    rubric = Rubric(
        "hostile",
        1,
        f"Rubric {payload}",
        payload,
        [RubricGroup("main", f"Group {payload}", payload)],
        [
            RubricItem(
                "warmth",
                f"Warmth {payload}",
                payload,
                "main",
                Scale(1, 3, {1: f"low {payload}", 2: f"mid {payload}", 3: f"high {payload}"}),
            ),
            RubricItem("pace", f"Pace {payload}", payload, "main", Scale(1, 3)),
        ],
        [RubricSummary("mean", f"Mean {payload}", "mean", group="main")],
    )
    who = f"dr {payload}"
    tid = transcript.id
    start = len("I said ")
    for annotation in (
        Annotation(tid, "c1", "attunement.validation", who, start, start + len(payload), payload),
        Annotation(tid, "t2", "attunement.validation", who, note=payload, strength=2),
        Annotation(tid, "t2", "rigidity.boundary", who, note=payload, responds_to="c1"),
        Annotation(tid, f"turn {payload}", "no-such-code", who, note=payload),
        Annotation(tid, "c1", "attunement", who, note=payload, adjudicated=True),
    ):
        store.add_annotation(annotation)
    items = (ItemRating("warmth", 2, payload), ItemRating("pace", None, payload))
    store.save_rating(SessionRating(tid, "hostile", 1, who, items, overall_comment=payload))
    gone = f"gone-{n} {payload}"
    store.save_rating(SessionRating(tid, gone, 1, who, items, overall_comment=payload))
    return transcript, codebook, rubric


def test_no_text_from_the_data_becomes_markup(store: Store) -> None:
    for n, payload in enumerate(PAYLOADS):
        transcript, codebook, rubric = _hostile_session(store, payload, n)
        raw = feedback_html(
            transcript,
            f"dr {payload}",
            store,
            trainee=f"trainee {payload}",
            codebook=codebook,
            rubrics=[rubric],
            title=f"Feedback {payload}",
        )
        page = parse(raw)
        for node in page.iter():
            assert node.tag in _OWN_TAGS, (payload, node.tag)
            assert set(node.attrs) <= _OWN_ATTRIBUTES, (payload, node.attrs)
            href = node.attrs.get("href")
            assert href is None or re.fullmatch(r"#(turn|moment)-\d+|#unplaced-heading", href), (
                payload,
                href,
            )
            style = node.attrs.get("style")
            assert style is None or re.fullmatch(r"border-left-color: #[0-9a-f]{6}", style)
        assert len(page.find_all("style")) == 1 and len(page.find_all("meta")) == 3
        # The payload is shown, as text, wherever its field is.
        body = page.find("body").text()
        assert page.find("title").text() == f"Feedback {payload}"
        for shown in (
            f"Feedback {payload}",
            f"trainee {payload}",
            f"dr {payload}",
            f"Client {payload}",
            f"Validation {payload}",
            f"Attunement {payload}",
            f"Rubric {payload}",
            f"Group {payload}",
            f"Warmth {payload}",
            f"mid {payload}",
            f"Mean {payload}",
            f"turn {payload}",
            transcript.id,
            f"gone-{n} {payload}",
        ):
            assert shown in body, (payload, shown)
        assert [m.text() for m in page.find_all("mark")] == [payload]
        texts = [without_labels(p) for p in page.find_all("p", "text")]
        assert texts == [f"I said {payload} and more.", payload]
        notes = [p.text() for p in page.find_all("p", "note")]
        # Span, response, pair, unplaced and (the supervisor being named) adjudicated moments.
        assert notes.count(payload) == 5
        assert [p.text() for p in page.find_all("p", "overall")] == [payload, payload]


# --------------------------------------------------------------------------------------------
# Writing the file
# --------------------------------------------------------------------------------------------


def test_report_is_written_and_returns_its_path(store: Store, tmp_path: Path) -> None:
    add_supervisor_work(store)
    target = tmp_path / "out" / "sam.html"
    target.parent.mkdir()
    written = feedback_report(session(), "dr-rivera", store, target, trainee="Sam")
    assert written == target
    page = parse(target.read_text(encoding="utf-8"))
    assert page.find("dl", "facts").find_all("dd")[1].text() == "Sam"
    assert len(page.find_all("li", "moment")) == 4
    assert sorted(p.name for p in target.parent.iterdir()) == ["sam.html"]


def test_report_never_overwrites_unless_asked(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("the trainee's annotated copy", encoding="utf-8")
    with pytest.raises(FileExistsError, match=re.escape(str(target))) as caught:
        feedback_report(session(), "dr-rivera", store, target)
    assert "overwrite=True" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "the trainee's annotated copy"

    feedback_report(session(), "dr-rivera", store, target, overwrite=True)
    assert parse(target.read_text(encoding="utf-8")).find("h1").text().startswith("Feedback")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "store"]


def test_failed_write_names_the_file_and_leaves_nothing_behind(
    store: Store, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "report.html"
    with pytest.raises(FeedbackReportError, match=re.escape(str(missing))) as caught:
        feedback_report(session(), "dr-rivera", store, missing)
    assert "check that the folder exists" in str(caught.value)
    assert isinstance(caught.value, OSError) and caught.value.path == missing

    # A folder in the way: the write fails after the temporary file was made; it is removed.
    folder = tmp_path / "taken.html"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(FeedbackReportError, match=re.escape(str(folder))):
        feedback_report(session(), "dr-rivera", store, folder, overwrite=True)
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store", "taken.html"]


def test_default_file_name_comes_from_the_session(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    written = feedback_report(session(), "dr-rivera", store)
    assert written == tmp_path / "feedback-session-7.html"
    odd = Transcript("../week 3/ron's", session().turns)
    assert feedback_report(odd, "dr-rivera", store).name == "feedback-week_3_ron_s.html"


def test_report_never_logs_transcript_text_or_notes(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    add_supervisor_work(store)
    with caplog.at_level(logging.DEBUG):
        feedback_report(session(), "dr-rivera", store, tmp_path / "r.html")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("alone", "agenda", "loneliness", "turn-around"):
        assert secret not in logged


def test_package_exports_the_report_without_loading_pandas() -> None:
    import subprocess
    import sys

    assert attune_jupyter.feedback_report is feedback_report
    assert attune_jupyter.feedback_html is feedback_html
    assert {"feedback_report", "feedback_html"} <= set(attune_jupyter.__all__)
    code = "import sys, attune_jupyter.reports\nprint('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
