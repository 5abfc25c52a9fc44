"""The cohort plots (attune_jupyter.plots), drawn with Agg from frames built by hand."""

from __future__ import annotations

import colorsys
import itertools
from collections.abc import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # only to check that plots never use it
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.text import Text

from attune_jupyter import plots
from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.rubric import Rubric

CODEBOOK = Codebook.default()
RUBRIC = Rubric.default()
NOTE = "client said her brother hit her"  # stands in for transcript-derived text
UTC = pd.Timestamp("2026-01-05 10:00", tz="UTC")


# --------------------------------------------------------------------------------------------
# Frames, built by hand with the documented dtypes
# --------------------------------------------------------------------------------------------


def turns_frame(sessions: dict[str, list[str]]) -> pd.DataFrame:
    """A turns frame: for each transcript, the role of each turn in order."""
    rows = [
        (transcript, f"{transcript}-t{i}", i, role.title(), role, 20 + i)
        for transcript, roles in sessions.items()
        for i, role in enumerate(roles)
    ]
    return pd.DataFrame(
        {
            "transcript_id": pd.Series([r[0] for r in rows], dtype="str"),
            "turn_id": pd.Series([r[1] for r in rows], dtype="str"),
            "position": pd.Series([r[2] for r in rows], dtype="int64"),
            "speaker": pd.Series([r[3] for r in rows], dtype="str"),
            "role": pd.Series([r[4] for r in rows], dtype="str"),
            "n_chars": pd.Series([r[5] for r in rows], dtype="int64"),
        }
    )


def annotations_frame(
    rows: list[tuple[str, int, str, str]],
    *,
    spans: dict[int, tuple[int, int]] | None = None,
    pairs: dict[int, int] | None = None,
) -> pd.DataFrame:
    """The store's annotations frame: rows of (transcript, turn position, code, annotator).

    ``spans`` maps a row number to (start, end); ``pairs`` maps a row number to the position of
    the client turn it responds to.
    """
    spans = spans or {}
    pairs = pairs or {}
    n = len(rows)
    return pd.DataFrame(
        {
            "annotation_id": pd.Series([f"a{i}" for i in range(n)], dtype="str"),
            "transcript_id": pd.Series([r[0] for r in rows], dtype="str"),
            "turn_id": pd.Series([f"{r[0]}-t{r[1]}" for r in rows], dtype="str"),
            "span_start": pd.Series(
                [spans.get(i, (None, None))[0] for i in range(n)], dtype="Int64"
            ),
            "span_end": pd.Series([spans.get(i, (None, None))[1] for i in range(n)], dtype="Int64"),
            "code_id": pd.Series([r[2] for r in rows], dtype="str"),
            "annotator": pd.Series([r[3] for r in rows], dtype="str"),
            "note": pd.Series([NOTE] * n, dtype="str"),
            "strength": pd.Series([2] * n, dtype="Int64"),
            "responds_to": pd.Series(
                [f"{rows[i][0]}-t{pairs[i]}" if i in pairs else None for i in range(n)],
                dtype="str",
            ),
            "adjudicated": pd.Series([False] * n, dtype="bool"),
            "created": pd.Series([UTC] * n, dtype="datetime64[ns, UTC]"),
            "updated": pd.Series([UTC] * n, dtype="datetime64[ns, UTC]"),
        }
    )


ROLES_S1 = ["therapist", "client"] * 5  # ten turns, therapist first


def session_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    turns = turns_frame({"s1": ROLES_S1, "s2": ["therapist", "client", "other"]})
    annotations = annotations_frame(
        [
            ("s1", 0, "attunement.validation", "sup-a"),
            ("s1", 2, "attunement.reflection", "sup-a"),
            ("s1", 4, "rigidity.premature-advice", "sup-a"),  # a pair, answering turn 3
            ("s1", 3, "detachment.missed-cue", "sup-a"),  # coded on a client turn
            ("s1", 8, "attunement", "sup-a"),  # a span
        ],
        spans={4: (3, 9)},
        pairs={2: 3},
    )
    return annotations, turns


def progress_frame() -> pd.DataFrame:
    """Two trainees on the default rubric, three sessions, with a missing session on 'clarity'."""
    rows = []
    for trainee, base in (("ana", 2.0), ("ben", 3.0)):
        for item in ("compassion", "clarity", "emotional-detachment"):
            for session in (1, 2, 3):
                if trainee == "ana" and item == "clarity" and session == 2:
                    continue
                rows.append((trainee, "attune-default", item, session, base + 0.5 * session))
    frame = pd.DataFrame(
        {
            "trainee": pd.Series([r[0] for r in rows], dtype="str"),
            "rubric_id": pd.Series([r[1] for r in rows], dtype="str"),
            "item_id": pd.Series([r[2] for r in rows], dtype="str"),
            "session": pd.Series([r[3] for r in rows], dtype="int64"),
            "mean_score": pd.Series([r[4] for r in rows], dtype="float64"),
            "n_raters": pd.Series([2] * len(rows), dtype="int64"),
        }
    )
    first = frame.groupby(["trainee", "item_id"])["mean_score"].transform("first")
    frame["change"] = (frame["mean_score"] - first).astype("float64")
    return frame


def item_scores_frame(
    trainees: int, items: int, *, sessions: int = 2, raters: int = 2, seed: int = 0
) -> pd.DataFrame:
    """An item scores frame on the default rubric with random scores 1-5."""
    rng = np.random.default_rng(seed)
    item_ids = [item.id for item in RUBRIC.items[:items]]
    keys = list(
        itertools.product(
            [f"trainee-{t:03d}" for t in range(1, trainees + 1)],
            range(1, sessions + 1),
            [f"rater-{r}" for r in range(raters)],
            item_ids,
        )
    )
    return pd.DataFrame(
        {
            "trainee": pd.Series([k[0] for k in keys], dtype="str"),
            "session": pd.Series([k[1] for k in keys], dtype="int64"),
            "transcript_id": pd.Series([f"{k[0]}-s{k[1]}" for k in keys], dtype="str"),
            "rater": pd.Series([k[2] for k in keys], dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * len(keys), dtype="str"),
            "item_id": pd.Series([k[3] for k in keys], dtype="str"),
            "score": pd.Series(rng.integers(1, 6, len(keys)), dtype="Float64"),
        }
    )


def small_scores() -> pd.DataFrame:
    """Two trainees, two items, known values (ben never scored on clarity)."""
    rows = [
        ("ana", 1, "r1", "compassion", 2),
        ("ana", 1, "r2", "compassion", 3),
        ("ana", 2, "r1", "compassion", 4),
        ("ana", 1, "r1", "clarity", 1),
        ("ana", 2, "r1", "clarity", 5),
        ("ana", 2, "r2", "clarity", None),
        ("ben", 1, "r1", "compassion", 5),
        ("ben", 1, "r2", "clarity", None),
    ]
    return pd.DataFrame(
        {
            "trainee": pd.Series([r[0] for r in rows], dtype="str"),
            "session": pd.Series([r[1] for r in rows], dtype="int64"),
            "transcript_id": pd.Series([f"{r[0]}-{r[1]}" for r in rows], dtype="str"),
            "rater": pd.Series([r[2] for r in rows], dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * len(rows), dtype="str"),
            "item_id": pd.Series([r[3] for r in rows], dtype="str"),
            "score": pd.Series([r[4] for r in rows], dtype="Float64"),
        }
    )


def calibration_frame(raters: int, items: int, *, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = list(
        itertools.product(
            [f"supervisor-{chr(97 + r)}" for r in range(raters)],
            [item.id for item in RUBRIC.items[:items]],
        )
    )
    return pd.DataFrame(
        {
            "rater": pd.Series([k[0] for k in keys], dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * len(keys), dtype="str"),
            "item_id": pd.Series([k[1] for k in keys], dtype="str"),
            "n": pd.Series([12] * len(keys), dtype="int64"),
            "mean_deviation": pd.Series(rng.normal(0, 0.4, len(keys)), dtype="float64"),
            "sd": pd.Series(rng.uniform(0.3, 0.9, len(keys)), dtype="float64"),
        }
    )


def report_frame() -> pd.DataFrame:
    rows = [
        ("code", "attunement.validation", "Validating a feeling", "kappa", 0.55, 0.41, 0.69),
        ("code", "rigidity.boundary", "Rigid boundary", "kappa", 0.82, 0.70, 0.94),
        (
            "code",
            "detachment.jargon",
            "Intellectualising or jargon",
            "kappa",
            np.nan,
            np.nan,
            np.nan,
        ),
        ("code", "detachment.missed-cue", "Missed emotional cue", "kappa", -0.12, -0.35, 0.11),
        ("item", "compassion", "Compassion", "icc2_1", 0.31, np.nan, np.nan),
        ("item", "clarity", "Clarity", "icc2_1", 0.67, 0.45, 0.81),
    ]
    bands = {
        0.55: "moderate",
        0.82: "almost perfect",
        -0.12: "poor",
        0.31: "fair",
        0.67: "substantial",
    }
    return pd.DataFrame(
        {
            "kind": pd.Series([r[0] for r in rows], dtype="str"),
            "id": pd.Series([r[1] for r in rows], dtype="str"),
            "label": pd.Series([r[2] for r in rows], dtype="str"),
            "statistic": pd.Series([r[3] for r in rows], dtype="str"),
            "value": pd.Series([r[4] for r in rows], dtype="float64"),
            "ci_low": pd.Series([r[5] for r in rows], dtype="float64"),
            "ci_high": pd.Series([r[6] for r in rows], dtype="float64"),
            "n_units": pd.Series([40] * len(rows), dtype="int64"),
            "n_raters": pd.Series([2] * len(rows), dtype="int64"),
            "band": pd.Series([bands.get(r[4]) for r in rows], dtype="str"),
        }
    )


# --------------------------------------------------------------------------------------------
# Helpers reading what a user sees
# --------------------------------------------------------------------------------------------


def luminance(colour: object) -> float:
    """WCAG 2 relative luminance."""
    r, g, b, _ = to_rgba(colour)  # type: ignore[arg-type]

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: object, b: object) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def draw(figure: Figure) -> FigureCanvasAgg:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas


def shown_texts(figure: Figure) -> Iterator[Text]:
    """Every text a user can see, once the figure is drawn (tick labels included)."""
    draw(figure)
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_alpha() != 0:
            yield text


def tick_texts(labels: list[Text]) -> list[str]:
    return [label.get_text() for label in labels]


def overlaps(labels: list[Text], canvas: FigureCanvasAgg) -> list[tuple[str, str]]:
    """Pairs of shown labels whose boxes overlap (by more than a tenth of a pixel)."""
    renderer = canvas.get_renderer()
    boxes = [
        (label.get_text(), label.get_window_extent(renderer))
        for label in labels
        if label.get_visible() and label.get_text()
    ]
    clashes = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        wide = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        high = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if wide > 0.1 and high > 0.1:
            clashes.append((a, b))
    return clashes


def collection(figure: Figure, gid: str) -> PathCollection:
    found = [c for c in figure.axes[0].collections if c.get_gid() == gid]
    assert len(found) == 1, f"expected one collection {gid!r}"
    assert isinstance(found[0], PathCollection)
    return found[0]


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


@pytest.fixture(autouse=True)
def no_pyplot_figures() -> Iterator[None]:
    """Library code never leaves a figure in pyplot's list."""
    plt.close("all")
    yield
    assert plt.get_fignums() == []


# --------------------------------------------------------------------------------------------
# Session timeline
# --------------------------------------------------------------------------------------------


def test_timeline_draws_each_moment_at_its_turn_coloured_by_family() -> None:
    annotations, turns = session_frames()
    figure = plots.session_timeline(annotations, turns, codebook=CODEBOOK, transcript_id="s1")
    ax = figure.axes[0]
    assert tick_texts(ax.get_yticklabels()) == ["therapist", "client"]  # lanes top-down
    assert ax.get_xlim() == (-0.5, 9.5)  # the whole session, ten turns
    expected = {
        "attunement": [(0, 0), (2, 0), (8, 0)],  # the span at turn 8 sits on turn 8
        "rigidity": [(4, 0)],
        "detachment": [(3, 1)],  # a client turn: the client lane
    }
    for family, points in expected.items():
        dots = collection(figure, f"attune-family-{family}")
        offsets = dots.get_offsets()
        assert sorted(round(x) for x in offsets[:, 0]) == [p[0] for p in points]
        assert [round(y) for y in offsets[:, 1]] == [p[1] for p in points]
        colour = CODEBOOK.code(family).colour
        assert all(tuple(c) == to_rgba(colour) for c in dots.get_facecolor())
    assert ax.get_xlabel().startswith("Turn")
    assert ax.get_ylabel() == "Speaker role"
    assert ax.get_title() == "Moments in session s1, coded by sup-a"
    assert legend_texts(ax) == [
        "Attunement",
        "Rigidity",
        "Detachment",
        "pair: client turn → response",
    ]


def test_timeline_connects_a_pair_from_the_client_turn_to_the_response() -> None:
    annotations, turns = session_frames()
    figure = plots.session_timeline(annotations, turns, codebook=CODEBOOK, transcript_id="s1")
    pairs = [c for c in figure.axes[0].collections if c.get_gid() == "attune-pairs"]
    assert len(pairs) == 1 and isinstance(pairs[0], LineCollection)
    (segment,) = pairs[0].get_segments()
    (x0, y0), (x1, y1) = segment
    assert (round(x0), round(y0)) == (3, 1)  # the client's turn 3, client lane
    assert (round(x1), round(y1)) == (4, 0)  # the therapist's response, turn 4
    assert tuple(pairs[0].get_colors()[0][:3]) == to_rgba(CODEBOOK.code("rigidity").colour)[:3]


def test_timeline_marks_every_turn_of_each_role_in_its_lane() -> None:
    annotations, turns = session_frames()
    figure = plots.session_timeline(annotations, turns, codebook=CODEBOOK, transcript_id="s1")
    ticks = [c for c in figure.axes[0].collections if c.get_gid() == "attune-turns"]
    positions = sorted((round(x), round(y)) for c in ticks for x, y in c.get_offsets())
    assert positions == sorted((i, i % 2) for i in range(10))


def test_timeline_gives_each_annotator_their_lanes_and_can_show_one() -> None:
    annotations, turns = session_frames()
    second = annotations_frame([("s1", 0, "detachment.jargon", "sup-b")])
    both = pd.concat([annotations, second], ignore_index=True)
    figure = plots.session_timeline(both, turns, codebook=CODEBOOK, transcript_id="s1")
    ax = figure.axes[0]
    assert tick_texts(ax.get_yticklabels()) == [
        "sup-a: therapist",
        "sup-a: client",
        "sup-b: therapist",
        "sup-b: client",
    ]
    assert ax.get_title() == "Moments in session s1"
    (y,) = collection(figure, "attune-family-detachment").get_offsets()[:, 1][
        collection(figure, "attune-family-detachment").get_offsets()[:, 0] == 0
    ]
    assert round(y) == 2  # sup-b's therapist lane

    only_b = plots.session_timeline(
        both, turns, codebook=CODEBOOK, transcript_id="s1", annotator="sup-b"
    )
    assert tick_texts(only_b.axes[0].get_yticklabels()) == ["therapist", "client"]
    assert legend_texts(only_b.axes[0]) == ["Detachment"]


def test_timeline_without_codebook_uses_family_prefix_and_distinct_colours() -> None:
    annotations, turns = session_frames()
    figure = plots.session_timeline(annotations, turns, transcript_id="s1")
    assert legend_texts(figure.axes[0])[:3] == ["attunement", "detachment", "rigidity"]
    colours = {
        tuple(collection(figure, f"attune-family-{f}").get_facecolor()[0])
        for f in ("attunement", "detachment", "rigidity")
    }
    assert len(colours) == 3


def test_timeline_shows_roles_that_have_turns_only() -> None:
    turns = turns_frame({"s2": ["therapist", "client", "other"]})
    annotations = annotations_frame([("s2", 2, "attunement", "sup-a")])
    figure = plots.session_timeline(annotations, turns, codebook=CODEBOOK)
    assert tick_texts(figure.axes[0].get_yticklabels()) == ["therapist", "client", "other"]


def test_timeline_never_shows_notes() -> None:
    annotations, turns = session_frames()
    figure = plots.session_timeline(annotations, turns, codebook=CODEBOOK, transcript_id="s1")
    assert all(NOTE not in text.get_text() for text in shown_texts(figure))


def test_timeline_asks_which_transcript_naming_the_choices() -> None:
    annotations, turns = session_frames()
    more = pd.concat(
        [annotations, annotations_frame([("s2", 0, "attunement", "sup-a")])], ignore_index=True
    )
    with pytest.raises(ValueError, match=r"2 transcripts \('s1', 's2'\); choose one"):
        plots.session_timeline(more, turns, codebook=CODEBOOK)
    with pytest.raises(ValueError, match=r"no turns of transcript 's9' \(its transcripts: 's1'"):
        plots.session_timeline(more, turns, codebook=CODEBOOK, transcript_id="s9")
    with pytest.raises(ValueError, match=r"annotator 'sup-z' .* \(its annotators: 'sup-a'\)"):
        plots.session_timeline(annotations, turns, transcript_id="s1", annotator="sup-z")


def test_timeline_refuses_empty_frames_unknown_codes_and_turns() -> None:
    annotations, turns = session_frames()
    with pytest.raises(ValueError, match="annotations frame is empty"):
        plots.session_timeline(annotations.iloc[0:0], turns)
    with pytest.raises(ValueError, match="turns frame has no column 'role'"):
        plots.session_timeline(annotations, turns.drop(columns="role"))
    unknown = annotations_frame([("s1", 0, "kindness", "sup-a")])
    with pytest.raises(ValueError, match="code 'kindness' is not in the codebook"):
        plots.session_timeline(unknown, turns, codebook=CODEBOOK)
    beyond = annotations_frame([("s1", 42, "attunement", "sup-a")])
    with pytest.raises(ValueError, match=r"annotation 'a0' .* names turn 's1-t42'"):
        plots.session_timeline(beyond, turns, codebook=CODEBOOK)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


def test_progress_draws_one_line_per_item_across_sessions() -> None:
    figure = plots.progress_plot(progress_frame(), "ana", rubric=RUBRIC)
    ax = figure.axes[0]
    lines = [line for line in ax.get_lines() if str(line.get_gid()).startswith("attune-item-")]
    assert [line.get_label() for line in lines] == [
        "Compassion",
        "Clarity",
        "Emotional detachment (risk: higher is worse)",
    ]
    compassion, clarity, detachment = lines
    assert list(compassion.get_xdata()) == [1, 2, 3]
    assert list(compassion.get_ydata()) == [2.5, 3.0, 3.5]
    assert list(clarity.get_xdata()) == [1, 3]  # no score in session 2
    assert detachment.get_linestyle() == "--"
    assert ax.get_ylim() == (0.75, 5.25)  # the rubric's 1-5 scale
    assert list(ax.get_yticks()) == [1, 2, 3, 4, 5]
    draw(figure)
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert ax.get_xlabel() == "Session"
    assert ax.get_ylabel() == "Mean score over raters (1–5)"
    assert ax.get_title() == "Progress of ana on Attune session rubric"
    assert legend_texts(ax) == [line.get_label() for line in lines]


def test_progress_draws_chosen_items_in_the_given_order() -> None:
    figure = plots.progress_plot(progress_frame(), "ben", items=["clarity", "compassion"])
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert labels == ["clarity", "compassion"]  # no rubric: the ids


def test_progress_names_the_choices_for_an_unknown_trainee_or_item() -> None:
    with pytest.raises(ValueError, match=r"trainee 'cleo' .* \(its trainees: 'ana', 'ben'\)"):
        plots.progress_plot(progress_frame(), "cleo")
    with pytest.raises(ValueError, match=r"item 'warmth' .*'compassion', 'clarity'"):
        plots.progress_plot(progress_frame(), "ana", items=["warmth"])
    with pytest.raises(ValueError, match="progress frame is empty"):
        plots.progress_plot(progress_frame().iloc[0:0], "ana")


def test_progress_asks_for_a_rubric_when_the_frame_holds_several() -> None:
    frame = progress_frame()
    other = frame.assign(rubric_id=pd.Series(["cts-r"] * len(frame), dtype="str"))
    both = pd.concat([frame, other], ignore_index=True)
    with pytest.raises(ValueError, match=r"several rubrics \('attune-default', 'cts-r'\)"):
        plots.progress_plot(both, "ana")
    figure = plots.progress_plot(both, "ana", rubric=RUBRIC)
    assert len(figure.axes[0].get_lines()) == 3


# --------------------------------------------------------------------------------------------
# Cohort heatmap
# --------------------------------------------------------------------------------------------


def heatmap_image(figure: Figure) -> AxesImage:
    (image,) = figure.axes[0].images
    return image


def test_heatmap_shows_each_trainees_mean_per_item_with_a_labelled_scale() -> None:
    figure = plots.cohort_heatmap(small_scores(), rubric=RUBRIC)
    ax, bar = figure.axes
    data = heatmap_image(figure).get_array()
    assert data.shape == (2, 2)
    assert data[0, 0] == pytest.approx(3.0)  # ana, compassion: (2 + 3 + 4) / 3
    assert data[0, 1] == pytest.approx(3.0)  # ana, clarity: (1 + 5) / 2, the unrated left out
    assert data[1, 0] == pytest.approx(5.0)
    assert np.ma.is_masked(data[1, 1])  # ben never scored on clarity: blank
    assert tick_texts(ax.get_yticklabels()) == ["ana", "ben"]
    assert tick_texts(ax.get_xticklabels()) == ["Compassion", "Clarity"]
    assert bar.get_ylabel() == "Mean score (scale 1–5)"
    assert list(bar.get_yticks()) == [1, 2, 3, 4, 5]
    assert ax.get_xlabel() == "Rubric item" and ax.get_ylabel() == "Trainee"


def test_heatmap_writes_values_in_cells_that_contrast_with_them() -> None:
    figure = plots.cohort_heatmap(small_scores(), rubric=RUBRIC)
    image = heatmap_image(figure)
    cells = [t for t in figure.axes[0].texts if t.get_gid() == "attune-cell-value"]
    assert sorted(t.get_text() for t in cells) == ["3.0", "3.0", "5.0"]  # not the blank cell
    for text in cells:
        column, row = text.get_position()
        cell_colour = image.cmap(image.norm(image.get_array()[int(row), int(column)]))
        assert contrast(text.get_color(), cell_colour) >= 4.5


def test_heatmap_last_session_and_change() -> None:
    last = plots.cohort_heatmap(small_scores(), rubric=RUBRIC, value="last")
    assert heatmap_image(last).get_array()[0, 0] == pytest.approx(4.0)  # ana's session 2
    change = plots.cohort_heatmap(small_scores(), rubric=RUBRIC, value="change")
    data = heatmap_image(change).get_array()
    assert data[0, 0] == pytest.approx(4.0 - 2.5)
    assert data[0, 1] == pytest.approx(5.0 - 1.0)
    assert data[1, 0] == pytest.approx(0.0)
    label = change.axes[1].yaxis.label
    assert label.get_text().replace("\n", " ") == "Change in mean score, first to last session"
    canvas = draw(change)  # the label is broken in two lines when the bar is short
    box = label.get_window_extent(canvas.get_renderer())
    assert box.y0 >= 0 and box.y1 <= canvas.get_width_height()[1]
    texts = sorted(t.get_text() for t in change.axes[0].texts)
    assert texts == ["+0.0", "+1.5", "+4.0"]


def test_heatmap_stays_readable_at_30_trainees_and_16_items() -> None:
    figure = plots.cohort_heatmap(item_scores_frame(30, 16), rubric=RUBRIC)
    canvas = draw(figure)
    ax = figure.axes[0]
    assert heatmap_image(figure).get_array().shape == (30, 16)
    trainees = ax.get_yticklabels()
    items = ax.get_xticklabels()
    assert tick_texts(trainees) == [f"trainee-{t:03d}" for t in range(1, 31)]  # every one shown
    assert tick_texts(items) == [
        item.label + ("" if item.scale.higher_is_better else " (risk)") for item in RUBRIC.items
    ]
    assert overlaps(trainees, canvas) == []
    assert overlaps(items, canvas) == []
    assert min(label.get_fontsize() for label in [*trainees, *items]) >= 6
    cells = [t for t in ax.texts if t.get_gid() == "attune-cell-value"]
    if cells:  # when values are written, they must not run into each other
        assert overlaps(cells, canvas) == []


def test_heatmap_leaves_out_values_where_cells_are_too_small() -> None:
    figure = Figure(figsize=(4, 3))
    ax = figure.add_subplot()
    returned = plots.cohort_heatmap(item_scores_frame(60, 16), rubric=RUBRIC, ax=ax)
    assert returned is figure
    assert [t for t in ax.texts if t.get_gid() == "attune-cell-value"] == []
    canvas = draw(figure)
    assert overlaps(ax.get_yticklabels(), canvas) == []  # some trainee labels left out instead


def test_heatmap_refuses_empty_unrated_and_unknown_values() -> None:
    scores = small_scores()
    with pytest.raises(ValueError, match="item scores frame is empty"):
        plots.cohort_heatmap(scores.iloc[0:0])
    unrated = scores.assign(score=pd.Series([pd.NA] * len(scores), dtype="Float64"))
    with pytest.raises(ValueError, match="has no score"):
        plots.cohort_heatmap(unrated)
    with pytest.raises(ValueError, match="value must be one of 'mean', 'last', 'change'"):
        plots.cohort_heatmap(scores, value="median")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------


def test_calibration_draws_every_rater_on_every_item_around_zero() -> None:
    frame = calibration_frame(6, 16)
    figure = plots.calibration_plot(frame, rubric=RUBRIC)
    ax = figure.axes[0]
    raters = [f"supervisor-{c}" for c in "abcdef"]
    dots = [collection(figure, f"attune-rater-{r}") for r in raters]
    assert [len(d.get_offsets()) for d in dots] == [16] * 6
    for rater, d in zip(raters, dots, strict=True):
        expected = frame.loc[frame["rater"] == rater, "mean_deviation"].to_numpy()
        assert np.allclose(d.get_offsets()[:, 0], expected)
    # side by side: no two raters share a spot on an item's row
    ys = np.concatenate([d.get_offsets()[:, 1] for d in dots])
    assert len(np.unique(np.round(ys, 6))) == 6 * 16
    assert len({tuple(d.get_facecolor()[0]) for d in dots}) == 6
    zero = [line for line in ax.get_lines() if list(line.get_xdata()) == [0, 0]]
    assert len(zero) == 1
    low, high = ax.get_xlim()
    assert low == pytest.approx(-high)
    assert legend_texts(ax) == raters
    canvas = draw(figure)
    assert tick_texts(ax.get_yticklabels()) == [item.label for item in RUBRIC.items]
    assert overlaps(ax.get_yticklabels(), canvas) == []
    assert "deviation from the other raters" in ax.get_xlabel()


def test_calibration_skips_missing_deviations_and_refuses_none() -> None:
    frame = calibration_frame(2, 3)
    frame.loc[0, "mean_deviation"] = np.nan
    figure = plots.calibration_plot(frame)
    assert len(collection(figure, "attune-rater-supervisor-a").get_offsets()) == 2
    assert tick_texts(figure.axes[0].get_yticklabels()) == [
        "compassion",
        "clarity",
        "connectedness",
    ]
    frame["mean_deviation"] = np.nan
    with pytest.raises(ValueError, match="no deviation"):
        plots.calibration_plot(frame)
    with pytest.raises(ValueError, match="calibration frame is empty"):
        plots.calibration_plot(frame.iloc[0:0])


# --------------------------------------------------------------------------------------------
# Agreement
# --------------------------------------------------------------------------------------------


def test_agreement_rows_are_sorted_codes_first_with_intervals() -> None:
    figure = plots.agreement_plot(report_frame())
    ax = figure.axes[0]
    assert tick_texts(ax.get_yticklabels()) == [
        "Rigid boundary (κ)",
        "Validating a feeling (κ)",
        "Missed emotional cue (κ)",
        "Intellectualising or jargon (κ)",
        "Clarity (ICC(2,1))",
        "Compassion (ICC(2,1))",
    ]
    with_ci = next(line for line in ax.get_lines() if line.get_gid() == "attune-agreement-ci")
    assert list(with_ci.get_xdata()) == [0.82, 0.55, -0.12, 0.67]
    assert list(with_ci.get_ydata()) == [0, 1, 2, 4]
    (bars,) = [c for c in ax.collections if isinstance(c, LineCollection) and c.get_segments()]
    spans = [(round(s[0][0], 2), round(s[1][0], 2)) for s in bars.get_segments()]
    assert spans == [(0.70, 0.94), (0.41, 0.69), (-0.35, 0.11), (0.45, 0.81)]
    point = next(line for line in ax.get_lines() if line.get_gid() == "attune-agreement-point")
    assert (list(point.get_xdata()), list(point.get_ydata())) == ([0.31], [5])  # no interval
    (missing,) = [t for t in ax.texts if t.get_gid() == "attune-not-computable"]
    assert missing.get_position()[1] == 3
    assert missing.get_text().strip() == "not computable"


def test_agreement_marks_the_landis_koch_bands() -> None:
    figure = plots.agreement_plot(report_frame())
    ax = figure.axes[0]
    dashed = sorted(
        line.get_xdata()[0]
        for line in ax.get_lines()
        if line.get_linestyle() == "--" and len(set(line.get_xdata())) == 1
    )
    assert dashed == [0.2, 0.4, 0.6, 0.8]
    (top,) = ax.child_axes
    draw(figure)
    assert [t.get_text().replace("\n", " ") for t in top.get_xticklabels()] == [
        "slight",
        "fair",
        "moderate",
        "substantial",
        "almost perfect",
    ]
    assert ax.get_xlim()[1] >= 1.0 and ax.get_xlim()[0] < -0.35
    assert ax.get_title() == "Agreement per code and rubric item"
    assert ax.get_xlabel().startswith("Agreement")


def test_agreement_refuses_an_empty_report() -> None:
    with pytest.raises(ValueError, match="agreement report frame is empty"):
        plots.agreement_plot(report_frame().iloc[0:0])
    with pytest.raises(ValueError, match="no column 'ci_low'"):
        plots.agreement_plot(report_frame().drop(columns="ci_low"))


# --------------------------------------------------------------------------------------------
# Every plot: themes, axes, notebook display
# --------------------------------------------------------------------------------------------

PLOTTERS: dict[str, Callable[..., Figure]] = {
    "timeline": lambda **kw: plots.session_timeline(
        *session_frames(), codebook=CODEBOOK, transcript_id="s1", **kw
    ),
    "progress": lambda **kw: plots.progress_plot(progress_frame(), "ana", rubric=RUBRIC, **kw),
    "heatmap": lambda **kw: plots.cohort_heatmap(small_scores(), rubric=RUBRIC, **kw),
    "calibration": lambda **kw: plots.calibration_plot(calibration_frame(6, 16), **kw),
    "agreement": lambda **kw: plots.agreement_plot(report_frame(), **kw),
}


def assert_readable(figure: Figure) -> None:
    face = figure.get_facecolor()
    assert face[3] == 1.0, "the background must be opaque"
    texts = [t for t in shown_texts(figure) if t.get_gid() != "attune-cell-value"]
    assert texts
    for text in texts:
        for background in {tuple(face), *(tuple(a.get_facecolor()) for a in figure.axes)}:
            ratio = contrast(text.get_color(), background)
            assert ratio >= 4.5, f"{text.get_text()!r}: contrast {ratio:.2f}"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PLOTTERS))
def test_text_contrasts_with_the_background_in_both_themes(name: str, theme: str) -> None:
    figure = PLOTTERS[name](theme=theme)
    assert_readable(figure)
    dark = luminance(figure.get_facecolor()) < 0.2
    assert dark == (theme == "dark")


@pytest.mark.parametrize("name", list(PLOTTERS))
def test_default_theme_follows_matplotlib_style_but_never_goes_see_through(name: str) -> None:
    with matplotlib.style.context("dark_background"):
        figure = PLOTTERS[name]()
    assert luminance(figure.get_facecolor()) < 0.2
    assert_readable(figure)
    see_through = {"figure.facecolor": (1, 1, 1, 0), "axes.facecolor": "none"}
    with matplotlib.rc_context(see_through):
        figure = PLOTTERS[name]()
    assert to_rgba(figure.get_facecolor()) == to_rgba("white")
    assert_readable(figure)


def test_unknown_theme_is_refused() -> None:
    with pytest.raises(ValueError, match="theme must be 'light', 'dark' or None"):
        PLOTTERS["agreement"](theme="solarized")


@pytest.mark.parametrize("name", list(PLOTTERS))
def test_draws_into_given_axes_and_returns_their_figure(name: str) -> None:
    figure = Figure(figsize=(12, 9))
    left, right = figure.subplots(1, 2)
    returned = PLOTTERS[name](ax=right)
    assert returned is figure
    assert right.has_data() or right.images
    assert not left.has_data() and not left.get_title()


@pytest.mark.parametrize("name", list(PLOTTERS))
def test_a_new_figure_shows_as_an_image_in_a_notebook(name: str) -> None:
    from IPython.core.formatters import DisplayFormatter

    figure = PLOTTERS[name]()
    assert isinstance(figure, Figure)
    data, _ = DisplayFormatter().format(figure)
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_figures_are_sized_for_their_data() -> None:
    few = plots.cohort_heatmap(item_scores_frame(3, 4), rubric=RUBRIC)
    many = plots.cohort_heatmap(item_scores_frame(30, 16), rubric=RUBRIC)
    assert many.get_size_inches()[1] > few.get_size_inches()[1]
    assert many.get_size_inches()[0] > few.get_size_inches()[0]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_lines_and_dots_stand_out_from_the_background(theme: plots.Theme) -> None:
    items = [item.id for item in RUBRIC.items]
    progress = pd.DataFrame(
        {
            "trainee": pd.Series(["ana"] * 32, dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * 32, dtype="str"),
            "item_id": pd.Series(items * 2, dtype="str"),
            "session": pd.Series([1] * 16 + [2] * 16, dtype="int64"),
            "mean_score": pd.Series(np.linspace(1, 5, 32), dtype="float64"),
        }
    )
    figure = plots.progress_plot(progress, "ana", rubric=RUBRIC, theme=theme)
    ax = figure.axes[0]
    colours = [line.get_color() for line in ax.get_lines()]
    assert len(colours) == 16 and len(set(colours)) == 16
    assert min(contrast(c, ax.get_facecolor()) for c in colours) >= 3.0

    figure = plots.calibration_plot(calibration_frame(6, 16), theme=theme)
    ax = figure.axes[0]
    dots = [c for c in ax.collections if str(c.get_gid()).startswith("attune-rater-")]
    assert min(contrast(d.get_facecolor()[0], ax.get_facecolor()) for d in dots) >= 3.0


# --------------------------------------------------------------------------------------------
# Names from data are drawn as typed, never as mathtext
# --------------------------------------------------------------------------------------------

# Names a user might give, some malformed as mathtext ("$\frac$" made savefig raise).
FRAC = "it $\\frac$ x"
POWER = "sup $a^$"
SUB = "$x_1$ Smith"
UNDER = "_quiet ^b_"  # a leading "_" hides a name from an automatic legend


def payload_rubric() -> Rubric:
    data = RUBRIC.to_dict()
    data["title"] = "Rubric $\\frac$ ^t_"
    data["items"][0]["label"] = SUB  # compassion
    data["items"][10]["label"] = POWER  # emotional-detachment, a risk item
    return Rubric.from_dict(data)


def payload_codebook() -> Codebook:
    data = CODEBOOK.to_dict()
    labels = {"attunement": FRAC, "rigidity": UNDER}
    for code in data["codes"]:
        code["label"] = labels.get(code["id"], code["label"])
    return Codebook.from_dict(data)


def payload_figures() -> dict[str, tuple[Figure, list[str]]]:
    """Each plot drawn from names with "$", "\\frac", "^" and "_"; with the names it must show."""
    turns = turns_frame({FRAC: ["therapist", "client", POWER]})
    annotations = annotations_frame(
        [
            (FRAC, 0, "fam $x^2$.sub", SUB),
            (FRAC, 2, "_hidden.code", UNDER),
            (FRAC, 1, "fam $x^2$.other", UNDER),
        ]
    )
    timeline = plots.session_timeline(annotations, turns)
    one_coder = plots.session_timeline(annotations, turns, annotator=SUB)
    coded = plots.session_timeline(
        annotations_frame([(FRAC, 0, "attunement", POWER), (FRAC, 2, "rigidity", POWER)]),
        turns,
        codebook=payload_codebook(),
    )

    progress = progress_frame()
    progress["trainee"] = progress["trainee"].replace({"ana": SUB})
    progress["item_id"] = progress["item_id"].replace({"clarity": FRAC, "compassion": UNDER})
    progress_ids = plots.progress_plot(progress, SUB)
    progress_labels = plots.progress_plot(progress_frame(), "ana", rubric=payload_rubric())

    scores = item_scores_frame(3, 12)
    scores["trainee"] = scores["trainee"].replace({"trainee-001": POWER, "trainee-002": UNDER})
    heatmap = plots.cohort_heatmap(scores, rubric=payload_rubric(), value="change")
    scores["item_id"] = scores["item_id"].replace({"compassion": FRAC})
    heatmap_ids = plots.cohort_heatmap(scores.assign(rubric_id="other"))

    calibration = calibration_frame(3, 2)
    calibration["rater"] = calibration["rater"].replace(
        {"supervisor-a": POWER, "supervisor-b": UNDER, "supervisor-c": SUB}
    )
    calibration["item_id"] = calibration["item_id"].replace({"compassion": FRAC})
    calibrated = plots.calibration_plot(calibration)
    calibrated_rubric = plots.calibration_plot(calibration_frame(2, 2), rubric=payload_rubric())

    report = report_frame()
    report["label"] = report["label"].replace({"Rigid boundary": FRAC, "Clarity": POWER})
    report.loc[report["id"] == "detachment.jargon", "label"] = None
    report["id"] = report["id"].replace({"detachment.jargon": SUB})
    agreement = plots.agreement_plot(report)

    return {
        "timeline": (
            timeline,
            [
                f"Moments in session {FRAC}",
                f"{SUB}: {POWER}",
                f"{UNDER}: therapist",
                "fam $x^2$",
                "_hidden",
            ],
        ),
        "timeline, one annotator": (one_coder, [f"Moments in session {FRAC}, coded by {SUB}"]),
        "timeline, codebook": (
            coded,
            [FRAC, UNDER, f"Moments in session {FRAC}, coded by {POWER}"],
        ),
        "progress, ids": (progress_ids, [f"Progress of {SUB}", UNDER, FRAC]),
        "progress, rubric": (
            progress_labels,
            [
                f"Progress of ana on {payload_rubric().title}",
                SUB,
                f"{POWER} (risk: higher is worse)",
            ],
        ),
        "heatmap, rubric": (
            heatmap,
            [
                f"Change in score per trainee and item ({payload_rubric().title})",
                POWER,
                UNDER,
                SUB,
                f"{POWER} (risk)",
            ],
        ),
        "heatmap, ids": (heatmap_ids, [FRAC, POWER, UNDER]),
        "calibration, ids": (calibrated, [POWER, UNDER, SUB, FRAC]),
        "calibration, rubric": (
            calibrated_rubric,
            [f"Rater calibration on {payload_rubric().title}"],
        ),
        "agreement": (agreement, [f"{FRAC} (κ)", f"{POWER} (ICC(2,1))", f"{SUB} (κ)"]),
    }


@pytest.fixture
def mathtext_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The strings matplotlib parses as mathtext while the test runs."""
    from matplotlib.mathtext import MathTextParser

    parsed: list[str] = []
    parse = MathTextParser.parse

    def recording(self: MathTextParser, s: str, *args: object, **kwargs: object) -> object:
        parsed.append(s)
        return parse(self, s, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(MathTextParser, "parse", recording)
    return parsed


def test_the_mathtext_spy_sees_a_text_drawn_as_maths(mathtext_parses: list[str]) -> None:
    figure = Figure()
    figure.text(0.5, 0.5, SUB)
    draw(figure)
    assert SUB in mathtext_parses


def test_names_with_dollars_and_backslashes_are_drawn_as_typed(
    mathtext_parses: list[str],
) -> None:
    for name, (figure, expected) in payload_figures().items():
        png = figure._repr_png_()  # type: ignore[attr-defined]
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        shown = [text.get_text() for text in shown_texts(figure)]
        for text in expected:
            assert text in shown, f"{name}: {text!r} is not drawn as typed (drawn: {shown})"
    assert mathtext_parses == []


def test_a_name_starting_with_an_underscore_is_in_the_legend() -> None:
    figures = payload_figures()
    calibration = figures["calibration, ids"][0]
    assert legend_texts(calibration.axes[0]) == sorted([POWER, UNDER, SUB])
    progress = figures["progress, ids"][0]
    assert UNDER in legend_texts(progress.axes[0])


# --------------------------------------------------------------------------------------------
# Markers stand out from the background
# --------------------------------------------------------------------------------------------


def seen(colour: object, alpha: float | None, background: object) -> tuple[float, float, float]:
    """The colour a user sees: ``colour`` over ``background``, with ``alpha`` when set.

    As in matplotlib, an artist's alpha replaces the colour's own.
    """
    r, g, b, a = to_rgba(colour)  # type: ignore[arg-type]
    a = a if alpha is None else alpha
    back = to_rgba(background)  # type: ignore[arg-type]
    return (
        a * r + (1 - a) * back[0],
        a * g + (1 - a) * back[1],
        a * b + (1 - a) * back[2],
    )


def marker_contrasts(ax: Axes) -> list[tuple[str, float]]:
    """For each marker drawn in ``ax`` or its legend: the best contrast of its fill or outline."""
    background = ax.get_facecolor()
    found: list[tuple[str, float]] = []
    for dots in ax.collections:
        if not isinstance(dots, PathCollection):
            continue
        widths = list(dots.get_linewidths()) or [0.0]
        parts = [*dots.get_facecolors()]
        if max(widths) > 0.5:
            parts += [*dots.get_edgecolors()]
        ratios = [contrast(seen(c, dots.get_alpha(), background), background) for c in parts]
        found.append((str(dots.get_gid()), max(ratios)))
    legend = ax.get_legend()
    lines = [*ax.get_lines(), *(legend.legend_handles if legend is not None else [])]
    for line in lines:
        if not isinstance(line, Line2D) or line.get_marker() in (None, "None", "", " "):
            continue
        parts = [line.get_markerfacecolor()]
        if line.get_markeredgewidth() > 0.5:
            parts.append(line.get_markeredgecolor())
        ratios = [
            contrast(seen(c, line.get_alpha(), background), background)
            for c in parts
            if to_rgba(c)[3] > 0  # type: ignore[arg-type]
        ]
        found.append((f"{line.get_gid() or line.get_label()}", max(ratios)))
    return found


def miti_timeline(theme: plots.Theme) -> Figure:
    from attune_jupyter.core.miti import miti_codebook

    codebook = miti_codebook()
    codes = [code.id for code in codebook.families()]
    turns = turns_frame({"s1": ["client", "therapist"] * len(codes)})
    rows = [("s1", 2 * i + 1, code, "sup-a") for i, code in enumerate(codes)]
    annotations = annotations_frame(rows, pairs={i: 2 * i for i in range(len(codes))})
    return plots.session_timeline(annotations, turns, codebook=codebook, theme=theme)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_miti_code_dot_stands_out_in_both_themes(theme: plots.Theme) -> None:
    from attune_jupyter.core.miti import CONFRONT, EMPHASISING_AUTONOMY, miti_codebook

    figure = miti_timeline(theme)
    ax = figure.axes[0]
    draw(figure)
    contrasts = marker_contrasts(ax)
    assert len(contrasts) >= 2 * 10 + 1  # ten families, their legend entries, the turn ticks
    weak = [(name, round(ratio, 2)) for name, ratio in contrasts if ratio < 3.0]
    assert weak == []
    # the dots keep the codebook's colours, so they match the coding view
    codebook = miti_codebook()
    for code in (CONFRONT, EMPHASISING_AUTONOMY):
        dots = collection(figure, f"attune-family-{code}")
        assert tuple(dots.get_facecolor()[0]) == to_rgba(codebook.code(code).colour)
    # the pair lines stand out too, in the family's hue
    (pairs,) = [c for c in ax.collections if c.get_gid() == "attune-pairs"]
    background = ax.get_facecolor()
    for colour, code in zip(pairs.get_colors(), [c.id for c in codebook.families()], strict=True):
        assert contrast(seen(colour, pairs.get_alpha(), background), background) >= 3.0
        hue = colorsys.rgb_to_hls(*to_rgba(codebook.code(code).colour)[:3])[0]
        assert colorsys.rgb_to_hls(*colour[:3])[0] == pytest.approx(hue, abs=0.02)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PLOTTERS))
def test_every_marker_stands_out_in_every_plot(name: str, theme: plots.Theme) -> None:
    figure = PLOTTERS[name](theme=theme)
    draw(figure)
    weak = [(gid, round(r, 2)) for gid, r in marker_contrasts(figure.axes[0]) if r < 3.0]
    assert weak == []


# --------------------------------------------------------------------------------------------
# Heatmap: risk items coloured so that colour means better or worse everywhere
# --------------------------------------------------------------------------------------------


def risk_scores() -> pd.DataFrame:
    """Ana goes from 1 to 5 on both items, Ben from 5 to 1; one rater, two sessions."""
    rows = [
        (trainee, session, item, score)
        for trainee, first, last in (("ana", 1, 5), ("ben", 5, 1))
        for item in ("compassion", "emotional-detachment")
        for session, score in ((1, first), (2, last))
    ]
    return pd.DataFrame(
        {
            "trainee": pd.Series([r[0] for r in rows], dtype="str"),
            "session": pd.Series([r[1] for r in rows], dtype="int64"),
            "transcript_id": pd.Series([f"{r[0]}-{r[1]}" for r in rows], dtype="str"),
            "rater": pd.Series(["r1"] * len(rows), dtype="str"),
            "rubric_id": pd.Series(["attune-default"] * len(rows), dtype="str"),
            "item_id": pd.Series([r[2] for r in rows], dtype="str"),
            "score": pd.Series([r[3] for r in rows], dtype="Float64"),
        }
    )


def cell_colours(figure: Figure) -> dict[tuple[str, str], tuple[float, ...]]:
    """(trainee, item label) -> the colour drawn in that cell."""
    ax = figure.axes[0]
    image = heatmap_image(figure)
    drawn = image.to_rgba(image.get_array())
    trainees = tick_texts(ax.get_yticklabels())
    items = tick_texts(ax.get_xticklabels())
    return {
        (trainee, item): tuple(drawn[r, c])
        for r, trainee in enumerate(trainees)
        for c, item in enumerate(items)
    }


def cell_texts(figure: Figure) -> dict[tuple[str, str], str]:
    ax = figure.axes[0]
    trainees = tick_texts(ax.get_yticklabels())
    items = tick_texts(ax.get_xticklabels())
    texts = {}
    for text in ax.texts:
        if text.get_gid() == "attune-cell-value":
            column, row = text.get_position()
            texts[(trainees[int(row)], items[int(column)])] = text.get_text()
    return texts


def heatmap_note(figure: Figure) -> str | None:
    notes = [t for t in figure.axes[0].texts if t.get_gid() == "attune-heatmap-note"]
    return notes[0].get_text() if notes else None


@pytest.mark.parametrize("value", ["last", "change"])
def test_heatmap_colours_a_risk_item_so_that_colour_means_better_everywhere(value: str) -> None:
    figure = plots.cohort_heatmap(risk_scores(), rubric=RUBRIC, value=value)  # type: ignore[arg-type]
    care, risk = "Compassion", "Emotional detachment (risk)"
    assert tick_texts(figure.axes[0].get_xticklabels()) == [care, risk]
    colours = cell_colours(figure)
    good, bad = colours[("ana", care)], colours[("ben", care)]
    assert good != bad
    # Ana's risk score rose to 5 (worse): the colour of Ben's low compassion; Ben's fell to 1.
    assert colours[("ana", risk)] == bad
    assert colours[("ben", risk)] == good
    if value == "last":
        assert luminance(good) > luminance(bad)  # brighter is better
        expected = {"ana": "5.0", "ben": "1.0"}
    else:
        assert good[2] > good[0] and bad[0] > bad[2]  # blue is better, red worse
        expected = {"ana": "+4.0", "ben": "-4.0"}
    texts = cell_texts(figure)
    for trainee, number in expected.items():  # the raw scores are written, not mirrored
        assert texts[(trainee, risk)] == number
        assert texts[(trainee, care)] == number
    note = heatmap_note(figure)
    assert note is not None
    assert "(risk): a higher score is worse" in note and "reversed" in note
    assert ("brighter" if value == "last" else "blue") + " means better" in note


def test_heatmap_without_risk_items_or_rubric_colours_the_raw_score() -> None:
    plain = plots.cohort_heatmap(risk_scores(), value="last")
    colours = cell_colours(plain)
    assert colours[("ana", "emotional-detachment")] == colours[("ana", "compassion")]
    assert heatmap_note(plain) is None
    assert "(risk)" not in " ".join(tick_texts(plain.axes[0].get_xticklabels()))
    only_care = plots.cohort_heatmap(small_scores(), rubric=RUBRIC)
    assert heatmap_note(only_care) is None


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_heatmap_risk_note_is_readable_and_fits(theme: plots.Theme) -> None:
    figure = plots.cohort_heatmap(item_scores_frame(3, 16), rubric=RUBRIC, theme=theme)
    assert_readable(figure)
    canvas = draw(figure)
    (note,) = [t for t in figure.axes[0].texts if t.get_gid() == "attune-heatmap-note"]
    box = note.get_window_extent(canvas.get_renderer())
    width, height = canvas.get_width_height()
    assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
    label = figure.axes[0].xaxis.label.get_window_extent(canvas.get_renderer())
    assert box.y1 <= label.y0  # under the axis label
