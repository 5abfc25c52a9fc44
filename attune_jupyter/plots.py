"""Plots of a cohort's tables: session timelines, progress, heatmaps, calibration and agreement.

Each function takes one of the tidy frames of :mod:`attune_jupyter.analysis` (documented in
:mod:`attune_jupyter.core.cohort` and :func:`attune_jupyter.agreement.agreement_report`) and
returns a :class:`matplotlib.figure.Figure`:

- :func:`session_timeline`: the moments coded along one session, one lane per speaker role,
  coloured by code family;
- :func:`progress_plot`: one trainee's score on each rubric item, session after session;
- :func:`cohort_heatmap`: trainees x rubric items, coloured by score;
- :func:`calibration_plot`: how far each rater scores from the other raters, per item;
- :func:`agreement_plot`: inter-rater agreement per code and per item, with its interval.

Every function draws into ``ax`` when one is given (and returns its figure); otherwise it makes a
new figure sized for the data. Only matplotlib's object-oriented API is used: nothing here touches
pyplot, so no figure is left in pyplot's list. A new figure shows itself as an image when it is the
last value of a notebook cell, even when pyplot was never imported.

Light and dark notebooks
------------------------
A notebook may show a figure on a light or a dark page, and a figure with a see-through
background and black text vanishes on a dark one. So every figure gets an opaque background and
text colours that contrast with it (a WCAG contrast ratio of at least 4.5):

- ``theme="light"``: a white background with near-black text;
- ``theme="dark"``: a dark grey background (JupyterLab's dark theme) with light grey text;
- ``theme=None`` (default): matplotlib's settings (``figure.facecolor``, ``axes.facecolor``,
  ``text.color``, as set by ``matplotlib.style.use`` for example), unless the background is
  see-through or the text would not contrast with it; then the light theme.

When ``ax`` is given, its figure's background is set too, so that the labels stay readable.
Markers and data lines stand out from the background too (a contrast of at least 3): colours of the
qualitative palette are darkened or lightened (keeping their hue), and dots coloured by a
codebook keep the codebook's colours and get an outline in the text colour.

Names are drawn as typed
------------------------
Every name a plot shows (trainee, rater, annotator, transcript, code, family, item, rubric)
is drawn literally: matplotlib's mathtext (text between ``$`` signs) and LaTeX are turned off
for it, so ``"sup $a^$"`` shows as typed and never stops a figure from rendering. Legends list
a name that starts with ``"_"`` too.

Plots name codes, code families, rubric items, trainees and raters, never transcript text.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib import colormaps, rcParams
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Colormap, Normalize, TwoSlopeNorm, to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, MaxNLocator

from attune_jupyter.core.agreement import LANDIS_KOCH_BANDS
from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.cohort import require_columns
from attune_jupyter.core.rubric import Rubric

if TYPE_CHECKING:
    from matplotlib.axes._base import _AxesBase
    from matplotlib.axis import Axis

__all__ = [
    "THEMES",
    "Theme",
    "agreement_plot",
    "calibration_plot",
    "cohort_heatmap",
    "progress_plot",
    "session_timeline",
]

Theme = Literal["light", "dark"]
HeatmapValue = Literal["mean", "last", "change"]

#: The ``theme`` values besides ``None``.
THEMES: Final = ("light", "dark")

#: Role lanes of a session timeline come in this order; other roles follow, sorted.
_ROLE_ORDER: Final = ("therapist", "client", "other")

#: Line styles and markers cycled with colours so that many lines stay distinguishable.
_MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Width (points) of the outline of a dot coloured by a codebook: the outline is in the text
#: colour, so that a dot stands out even when its colour is close to the background's.
_DOT_EDGE: Final = 0.9

#: Largest number of choices an error message lists.
_MAX_LISTED: Final = 20

_STATISTIC_NAMES: Final = {"kappa": "κ", "alpha": "α"}

_HEATMAP_VALUES: Final = ("mean", "last", "change")


# --------------------------------------------------------------------------------------------
# Figures, themes and colours
# --------------------------------------------------------------------------------------------


class _NotebookFigure(Figure):
    """A figure that a notebook shows as a PNG image without pyplot's inline backend."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", facecolor=self.get_facecolor(), bbox_inches="tight")
        return buffer.getvalue()


@dataclass(frozen=True)
class _Palette:
    figure: str  # figure background
    axes: str  # plotting area background
    text: str  # titles, labels, tick labels, legend text
    muted: str  # spines, tick marks, reference lines
    band: str  # alternate-row shading


_LIGHT: Final = _Palette(
    figure="#ffffff", axes="#ffffff", text="#1a1a1a", muted="#6b6b6b", band="#f2f2f2"
)
_DARK: Final = _Palette(
    figure="#212121", axes="#212121", text="#e0e0e0", muted="#a0a0a0", band="#2c2c2c"
)


def _luminance(colour: object) -> float:
    """WCAG relative luminance of a colour."""
    channels = []
    for c in to_rgba(colour)[:3]:  # type: ignore[arg-type]
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def _contrast(a: object, b: object) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palette(theme: Theme | None) -> _Palette:
    if theme == "light":
        return _LIGHT
    if theme == "dark":
        return _DARK
    if theme is not None:
        raise ValueError(f"theme must be 'light', 'dark' or None, got {theme!r}")
    try:
        figure, axes, text = (
            to_rgba(rcParams[key]) for key in ("figure.facecolor", "axes.facecolor", "text.color")
        )
    except ValueError:
        return _LIGHT
    if figure[3] < 1 or axes[3] < 1:
        return _LIGHT
    if min(_contrast(text, figure), _contrast(text, axes)) < 4.5:
        return _LIGHT
    dark = _luminance(axes) < 0.5
    base = _DARK if dark else _LIGHT
    muted = base.muted if _contrast(base.muted, axes) >= 3 else to_hex(text)
    return _Palette(
        figure=to_hex(figure), axes=to_hex(axes), text=to_hex(text), muted=muted, band=base.band
    )


def _figure_and_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        figure = ax.get_figure(root=True)
        if figure is None:
            raise ValueError("ax belongs to no figure; pass axes made by Figure.add_subplot()")
        return figure, ax
    figure = _NotebookFigure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _style(figure: Figure, axes: Iterable[_AxesBase], palette: _Palette) -> None:
    """Give the figure and the axes drawn here the palette's colours."""
    figure.set_facecolor(palette.figure)
    for a in axes:
        a.set_facecolor(palette.axes)
        a.title.set_color(palette.text)
        a.xaxis.label.set_color(palette.text)
        a.yaxis.label.set_color(palette.text)
        a.tick_params(axis="both", which="both", colors=palette.muted, labelcolor=palette.text)
        for spine in a.spines.values():
            spine.set_edgecolor(palette.muted)
        legend = a.get_legend()
        if legend is not None:
            legend.get_frame().set_facecolor(palette.axes)
            legend.get_frame().set_edgecolor(palette.muted)
            legend.get_title().set_color(palette.text)
            for text in legend.get_texts():
                text.set_color(palette.text)
        for child in a.child_axes:
            _style(figure, [child], palette)


def _stand_out(colour: object, background: str, minimum: float = 3.0) -> str:
    """``colour``, darker on a light background or lighter on a dark one, so that it stands out.

    The colour is mixed with black or white in steps of 5% until its contrast with
    ``background`` reaches ``minimum`` (3 is the WCAG minimum for graphics). Mixing with black or
    white keeps the hue, so the colour is still recognisably itself. A colour that already
    stands out is returned unchanged.
    """
    base: npt.NDArray[np.float64] = np.array(to_rgba(colour)[:3])  # type: ignore[arg-type]
    ink = np.array([0.0, 0.0, 0.0] if _luminance(background) > 0.18 else [1.0, 1.0, 1.0])
    mixed = base
    for weight in np.linspace(0.0, 1.0, 21):
        mixed = (1 - weight) * base + weight * ink
        if _contrast(tuple(mixed), background) >= minimum:
            break
    return to_hex(tuple(mixed))


def _qualitative(n: int, background: str) -> list[str]:
    """``n`` distinguishable colours (tab10, then tab20) that stand out on ``background``.

    A colour too close to the background (contrast below 3, the WCAG minimum for graphics) is
    adjusted by :func:`_stand_out`.
    """
    name = "tab10" if n <= 10 else "tab20"
    cmap = colormaps[name]
    size = 10 if n <= 10 else 20
    return [_stand_out(cmap(i % size), background) for i in range(n)]


def _readable_on(colour: object) -> str:
    """Black or white, whichever contrasts more with ``colour``."""
    return "#000000" if _contrast("#000000", colour) >= _contrast("#ffffff", colour) else "#ffffff"


# --------------------------------------------------------------------------------------------
# Texts drawn as typed
# --------------------------------------------------------------------------------------------
#
# Names come from data: a trainee, rater or code may be called "sup $a^$" or "it $\frac$ x".
# matplotlib reads text between dollar signs as mathtext (and hands all text to LaTeX when
# rcParams["text.usetex"] is on), so such a name would be drawn as maths or, when malformed,
# make the figure fail to render. Every text drawn here is therefore drawn literally.


def _literal(*texts: Text) -> None:
    """Draw ``texts`` exactly as typed: no mathtext, no LaTeX."""
    for text in texts:
        text.set_parse_math(False)
        text.set_usetex(False)


def _literal_ticks(axis: Axis) -> None:
    """Draw the tick labels of ``axis`` literally.

    Call it after fixing the ticks (``set_ticks`` with labels): matplotlib makes a tick's label
    when the tick is made, and a fixed locator keeps the same ticks when the figure is drawn, so
    the labels made here are the ones drawn.
    """
    for tick in axis.get_major_ticks():
        _literal(tick.label1, tick.label2)


def _literal_legend(legend: Legend) -> None:
    _literal(legend.get_title(), *legend.get_texts())


# --------------------------------------------------------------------------------------------
# Checking inputs
# --------------------------------------------------------------------------------------------


def _listed(values: Iterable[object]) -> str:
    items = [str(v) for v in values]
    shown = ", ".join(repr(v) for v in items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f" and {len(items) - _MAX_LISTED} more"
    return shown or "none"


def _check_frame(frame: object, columns: Sequence[str], name: str, builder: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"the {name} frame must be a pandas DataFrame, got {type(frame).__name__}")
    require_columns(frame, columns, name, hint=f"build it with {builder}")
    if frame.empty:
        raise ValueError(f"the {name} frame is empty: there is nothing to plot")
    return frame


def _unique(values: pd.Series) -> list[str]:
    """Distinct non-missing values, in order of appearance, as text."""
    return [str(v) for v in pd.unique(values.dropna())]


def _one_rubric(frame: pd.DataFrame, rubric: Rubric | None, name: str) -> pd.DataFrame:
    """Keep the rubric's rows; refuse a frame on several rubrics when none is given."""
    if "rubric_id" not in frame.columns:
        return frame
    if rubric is not None:
        kept = frame.loc[frame["rubric_id"] == rubric.id]
        if kept.empty:
            raise ValueError(
                f"the {name} frame has no rows on rubric {rubric.id!r} (its rubrics: "
                f"{_listed(_unique(frame['rubric_id']))})"
            )
        return kept
    rubrics = _unique(frame["rubric_id"])
    if len(rubrics) > 1:
        raise ValueError(
            f"the {name} frame holds scores on several rubrics ({_listed(rubrics)}); pass "
            "rubric= to choose one"
        )
    return frame


def _item_order(frame: pd.DataFrame, rubric: Rubric | None) -> list[str]:
    """Item ids in the rubric's order (unknown items last), else in order of appearance."""
    present = _unique(frame["item_id"])
    if rubric is None:
        return present
    ordered = [item.id for item in rubric.items if item.id in set(present)]
    return ordered + [i for i in present if i not in rubric]


def _item_label(item_id: str, rubric: Rubric | None) -> str:
    if rubric is not None and item_id in rubric:
        return rubric.item(item_id).label
    return item_id


def _scale_range(rubric: Rubric | None, items: Iterable[str]) -> tuple[int, int] | None:
    if rubric is None:
        return None
    scales = [rubric.item(i).scale for i in items if i in rubric]
    if not scales:
        return None
    return min(s.minimum for s in scales), max(s.maximum for s in scales)


def _fit_font(spacing_points: float, largest: float = 9.0) -> float:
    """A tick label font size that fits ticks ``spacing_points`` apart."""
    return max(5.0, min(largest, spacing_points * 0.72))


def _axes_size_points(figure: Figure, ax: Axes) -> tuple[float, float]:
    box = ax.get_position()
    width, height = figure.get_size_inches()
    return box.width * width * 72.0, box.height * height * 72.0


def _fit_label(label: str, room_points: float, text: Text) -> str:
    """``label``, broken in two lines at its middle space when it is longer than the room.

    The length is estimated from the number of characters (about 0.55 em each).
    """
    size = text.get_fontproperties().get_size_in_points()
    if len(label) * size * 0.55 <= room_points or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return label[:cut] + "\n" + label[cut + 1 :]


def _thin_labels(labels: Sequence[str], spacing_points: float, font: float) -> list[str]:
    """Blank all but every k-th label when ticks are closer than the font allows."""
    if spacing_points >= font * 1.15:
        return list(labels)
    step = math.ceil(font * 1.15 / max(spacing_points, 1e-9))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


# --------------------------------------------------------------------------------------------
# Session timeline
# --------------------------------------------------------------------------------------------


def _families_of(
    records: pd.DataFrame, codebook: Codebook | None, background: str
) -> tuple[pd.Series, list[str], dict[str, str], dict[str, str]]:
    """Family of each annotation, families in display order, their colours and labels."""
    if codebook is not None:
        unknown = [c for c in _unique(records["code_id"]) if c not in codebook]
        if unknown:
            raise ValueError(
                f"code {unknown[0]!r} is not in the codebook {codebook.id!r}; pass the codebook "
                "the annotations were made with"
            )
        families = records["code_id"].map(lambda c: codebook.family_of(str(c)))
        order = [c.id for c in codebook.families() if c.id in set(families)]
        colours = {c.id: c.colour for c in codebook.families()}
        labels = {c.id: c.label for c in codebook.families()}
        return families, order, colours, labels
    if "family" in records.columns and records["family"].notna().all():
        families = records["family"].astype("str")
    else:
        families = records["code_id"].astype("str").str.split(".", n=1).str[0]
    order = sorted(_unique(families))
    colours = dict(zip(order, _qualitative(len(order), background), strict=True))
    return families, order, colours, {f: f for f in order}


def session_timeline(
    annotations: pd.DataFrame,
    turns: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    transcript_id: str | None = None,
    annotator: str | None = None,
    ax: Axes | None = None,
    theme: Theme | None = None,
) -> Figure:
    """The moments coded along one session, by speaker role, coloured by code family.

    The x axis is the turn's place in the session (all of its turns, from the turns frame); each
    speaker role that has turns gets a lane, where a short tick marks each of its turns. Each
    annotation is a dot on its turn (a span at the turn it is in), coloured by its code's family;
    a pair (an annotation with ``responds_to``) also gets a thin line from the client's turn to
    the therapist's response. When several annotators coded the session and ``annotator`` is not
    given, each annotator gets their own set of lanes.

    Parameters
    ----------
    annotations:
        The store's annotations frame (:mod:`attune_jupyter.store.base`) or
        :func:`attune_jupyter.analysis.annotation_records`; at least ``transcript_id``,
        ``turn_id``, ``code_id`` and ``annotator`` (``responds_to`` optional).
    turns:
        The turns frame (:func:`attune_jupyter.analysis.turns_frame`).
    codebook:
        Gives each code's family, the families' colours and labels. Without it the family is
        the ``family`` column when there is one, else the part of ``code_id`` before the first
        ``"."``, and colours come from a qualitative palette.
    transcript_id:
        The session to draw; needed when the annotations cover several.
    annotator:
        Draw only this annotator's moments.
    ax:
        Draw into these axes (and return their figure); by default a new figure.
    theme:
        ``"light"``, ``"dark"`` or ``None`` (module docstring).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When a frame is empty or lacks a column, the annotations cover several transcripts and
        none is chosen, the transcript or annotator is unknown (the message lists the choices),
        a code is not in the codebook, or an annotation names a turn the turns frame lacks.
    """
    palette = _palette(theme)
    annotations = _check_frame(
        annotations,
        ("transcript_id", "turn_id", "code_id", "annotator"),
        "annotations",
        "Store.annotations() or analysis.annotation_records()",
    )
    turns = _check_frame(
        turns,
        ("transcript_id", "turn_id", "position", "role"),
        "turns",
        "analysis.turns_frame()",
    )
    annotated = _unique(annotations["transcript_id"])
    if transcript_id is None:
        if len(annotated) > 1:
            raise ValueError(
                f"the annotations cover {len(annotated)} transcripts "
                f"({_listed(sorted(annotated))}); choose one with transcript_id="
            )
        transcript_id = annotated[0]
    session_turns = turns.loc[turns["transcript_id"] == transcript_id]
    if session_turns.empty:
        raise ValueError(
            f"the turns frame has no turns of transcript {transcript_id!r} (its transcripts: "
            f"{_listed(sorted(_unique(turns['transcript_id'])))})"
        )
    records = annotations.loc[annotations["transcript_id"] == transcript_id]
    if records.empty:
        raise ValueError(
            f"no annotations of transcript {transcript_id!r} (annotated transcripts: "
            f"{_listed(sorted(annotated))})"
        )
    coders = sorted(_unique(records["annotator"]))
    if annotator is not None:
        if annotator not in coders:
            raise ValueError(
                f"annotator {annotator!r} has no annotations of transcript {transcript_id!r} "
                f"(its annotators: {_listed(coders)})"
            )
        records = records.loc[records["annotator"] == annotator]
        coders = [annotator]
    records = records.reset_index(drop=True)

    position = dict(
        zip(session_turns["turn_id"].astype("str"), session_turns["position"], strict=True)
    )
    role_of = dict(zip(session_turns["turn_id"].astype("str"), session_turns["role"], strict=True))
    for column in ("turn_id", "responds_to"):
        if column not in records.columns:
            continue
        named = records[column].dropna().astype("str")
        missing = named.loc[~named.isin(list(position))]
        if not missing.empty:
            which = records.loc[missing.index[0]]
            label = which["annotation_id"] if "annotation_id" in records.columns else which.name
            raise ValueError(
                f"annotation {label!r} of transcript {transcript_id!r} names turn "
                f"{missing.iloc[0]!r} ({column}), which the turns frame does not have"
            )

    families, family_order, colours, family_labels = _families_of(records, codebook, palette.axes)
    roles_present = _unique(session_turns["role"])
    roles: list[str] = [r for r in _ROLE_ORDER if r in roles_present]
    roles += sorted(r for r in roles_present if r not in _ROLE_ORDER)
    split = len(coders) > 1
    lanes: list[tuple[str, str | None]] = [
        (role, coder) for coder in (coders if split else [None]) for role in roles
    ]
    lane_of = {lane: i for i, lane in enumerate(lanes)}
    n_turns = int(session_turns["position"].max()) + 1
    offsets = {
        family: (i - (len(family_order) - 1) / 2) * min(0.18, 0.7 / max(len(family_order), 1))
        for i, family in enumerate(family_order)
    }

    width = min(16.0, max(10.0, 6.5 + 0.06 * n_turns))
    figure, ax = _figure_and_axes(ax, (width, 2.2 + 0.5 * len(lanes)))

    for lane, (role, _coder) in enumerate(lanes):
        spoken = session_turns.loc[session_turns["role"] == role, "position"].to_numpy()
        ax.scatter(
            spoken,
            np.full(len(spoken), float(lane)),
            marker="|",
            s=60,
            linewidths=0.8,
            color=palette.muted,
            gid="attune-turns",
            zorder=1,
        )

    def lane_y(turn_id: str, coder: str, family: str) -> float:
        lane = lane_of[(str(role_of[turn_id]), coder if split else None)]
        return lane + offsets[family]

    segments: list[list[tuple[float, float]]] = []
    segment_colours: list[str] = []
    has_pairs = "responds_to" in records.columns
    for family in family_order:
        chosen = records.loc[families == family]
        xs = [float(position[str(t)]) for t in chosen["turn_id"]]
        ys = [
            lane_y(str(t), str(c), family)
            for t, c in zip(chosen["turn_id"], chosen["annotator"], strict=True)
        ]
        ax.scatter(
            xs,
            ys,
            s=42,
            color=colours[family],
            edgecolors=palette.text,
            linewidths=_DOT_EDGE,
            label=family_labels[family],
            gid=f"attune-family-{family}",
            zorder=3,
        )
        if has_pairs:
            pairs = chosen.loc[chosen["responds_to"].notna()]
            for turn, client, coder in zip(
                pairs["turn_id"], pairs["responds_to"], pairs["annotator"], strict=True
            ):
                segments.append(
                    [
                        (float(position[str(client)]), lane_y(str(client), str(coder), family)),
                        (float(position[str(turn)]), lane_y(str(turn), str(coder), family)),
                    ]
                )
                segment_colours.append(_stand_out(colours[family], palette.axes))
    if segments:
        ax.add_collection(
            LineCollection(segments, colors=segment_colours, linewidths=1.0, zorder=2),
            autolim=False,
        ).set_gid("attune-pairs")

    ax.set_xlim(-0.5, n_turns - 0.5)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(
        range(len(lanes)),
        [role if coder is None else f"{coder}: {role}" for role, coder in lanes],
    )
    _literal_ticks(ax.yaxis)
    ax.set_xlabel("Turn (place in the session, from 0)")
    ax.set_ylabel("Speaker role")
    by = f", coded by {coders[0]}" if len(coders) == 1 else ""
    _literal(ax.set_title(f"Moments in session {transcript_id}{by}"))
    handles: list[Line2D] = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=7,
            color=colours[f],
            markeredgecolor=palette.text,
            markeredgewidth=_DOT_EDGE,
            label=family_labels[f],
        )
        for f in family_order
    ]
    if segments:
        handles.append(
            Line2D([], [], color=palette.muted, linewidth=1.0, label="pair: client turn → response")
        )
    legend = ax.legend(
        handles=handles,
        labels=[handle.get_label() for handle in handles],
        title="Code family",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize=9,
    )
    _literal_legend(legend)
    _style(figure, [ax], palette)
    return figure


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


def progress_plot(
    progress: pd.DataFrame,
    trainee: str,
    *,
    items: Sequence[str] | None = None,
    rubric: Rubric | None = None,
    ax: Axes | None = None,
    theme: Theme | None = None,
) -> Figure:
    """One trainee's score on each rubric item, session after session.

    Parameters
    ----------
    progress:
        :func:`attune_jupyter.analysis.progress` (at least ``trainee``, ``item_id``,
        ``session`` and ``mean_score``).
    trainee:
        Whose progress to draw.
    items:
        Draw only these items, in this order (default: all the trainee was scored on, in the
        rubric's order).
    rubric:
        Gives item labels, order and the scale (the y axis); required when the frame holds
        scores on several rubrics. Items where a higher score means more of a risk are drawn
        dashed.
    ax:
        Draw into these axes (and return their figure); by default a new figure.
    theme:
        ``"light"``, ``"dark"`` or ``None`` (module docstring).

    Returns
    -------
    matplotlib.figure.Figure
        One line per item: x the session number, y the mean score over raters.

    Raises
    ------
    ValueError
        When the frame is empty or lacks a column, the trainee or an item is unknown (the message
        lists the choices), or the frame holds several rubrics and none is given.
    """
    palette = _palette(theme)
    progress = _check_frame(
        progress,
        ("trainee", "item_id", "session", "mean_score"),
        "progress",
        "analysis.progress()",
    )
    trainees = sorted(_unique(progress["trainee"]))
    if trainee not in trainees:
        raise ValueError(
            f"trainee {trainee!r} is not in the progress frame (its trainees: {_listed(trainees)})"
        )
    rows = _one_rubric(progress.loc[progress["trainee"] == trainee], rubric, "progress")
    rows = rows.loc[rows["mean_score"].notna()]
    available = _item_order(rows, rubric)
    if items is not None:
        unknown = [i for i in items if i not in available]
        if unknown:
            raise ValueError(
                f"item {unknown[0]!r} has no score for trainee {trainee!r} (scored items: "
                f"{_listed(available)})"
            )
        shown = list(dict.fromkeys(items))
    else:
        shown = available
    if not shown:
        raise ValueError(f"trainee {trainee!r} has no scores to plot")

    figure, ax = _figure_and_axes(ax, (9.0, 5.0))
    colours = _qualitative(len(shown), palette.axes)
    lines: list[Line2D] = []
    labels: list[str] = []
    for i, item_id in enumerate(shown):
        line = rows.loc[rows["item_id"] == item_id].sort_values("session")
        risk = (
            rubric is not None
            and item_id in rubric
            and not rubric.item(item_id).scale.higher_is_better
        )
        label = _item_label(item_id, rubric) + (" (risk: higher is worse)" if risk else "")
        (drawn,) = ax.plot(
            line["session"].to_numpy(dtype="int64"),
            line["mean_score"].to_numpy(dtype="float64"),
            color=colours[i],
            marker=_MARKERS[i % len(_MARKERS)],
            markersize=5,
            linewidth=1.6,
            linestyle="--" if risk else "-",
            label=label,
            gid=f"attune-item-{item_id}",
        )
        lines.append(drawn)
        labels.append(label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    scale = _scale_range(rubric, shown)
    if scale is not None:
        low, high = scale
        ax.set_ylim(low - 0.25, high + 0.25)
        ax.yaxis.set_major_locator(FixedLocator(list(range(low, high + 1))))
    sessions = rows.loc[rows["item_id"].isin(shown), "session"]
    if sessions.nunique() == 1:
        only = int(sessions.iloc[0])
        ax.set_xlim(only - 1, only + 1)
    ax.grid(axis="y", color=palette.muted, alpha=0.25, linewidth=0.6)
    ax.set_xlabel("Session")
    ax.set_ylabel("Mean score over raters" + (f" ({scale[0]}–{scale[1]})" if scale else ""))
    _literal(
        ax.set_title(
            f"Progress of {trainee}" + (f" on {rubric.title}" if rubric is not None else "")
        )
    )
    # Handles and labels are given, so that an item whose label starts with "_" is listed too.
    legend = ax.legend(
        handles=lines,
        labels=labels,
        title="Rubric item",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize=8 if len(shown) > 10 else 9,
    )
    _literal_legend(legend)
    _style(figure, [ax], palette)
    return figure


# --------------------------------------------------------------------------------------------
# Cohort heatmap
# --------------------------------------------------------------------------------------------


def _heatmap_matrix(
    scores: pd.DataFrame, value: HeatmapValue, trainees: list[str], items: list[str]
) -> npt.NDArray[np.float64]:
    scored = scores.loc[scores["score"].notna(), ["trainee", "session", "item_id", "score"]]
    scored = scored.assign(score=scored["score"].astype("float64"))
    if value == "mean":
        cell = scored.groupby(["trainee", "item_id"])["score"].mean()
    else:
        means = scored.groupby(["trainee", "item_id", "session"])["score"].mean()
        per_session = means.reset_index().sort_values("session", kind="stable")
        grouped = per_session.groupby(["trainee", "item_id"])["score"]
        cell = grouped.last() if value == "last" else grouped.last() - grouped.first()
    table = cell.unstack("item_id").reindex(index=trainees, columns=items)
    return table.to_numpy(dtype="float64", na_value=np.nan)


def cohort_heatmap(
    item_scores: pd.DataFrame,
    *,
    rubric: Rubric | None = None,
    ax: Axes | None = None,
    value: HeatmapValue = "mean",
    annotate: bool | None = None,
    theme: Theme | None = None,
) -> Figure:
    """Trainees x rubric items, each cell coloured by the trainee's score on the item.

    Parameters
    ----------
    item_scores:
        :func:`attune_jupyter.analysis.item_scores` (at least ``trainee``, ``session``,
        ``item_id`` and ``score``).
    rubric:
        Gives item labels, order and the colour scale; required when the frame holds scores on
        several rubrics. It also tells which items measure a risk (a higher score is worse):
        their labels end in "(risk)" and their colours are reversed, so that a colour means as
        good or as bad in every column (see Returns).
    ax:
        Draw into these axes (and return their figure); by default a new figure sized so that
        every trainee and item label can be read.
    value:
        What a cell shows: ``"mean"`` (mean over all sessions and raters), ``"last"`` (mean over
        raters of the trainee's last scored session on the item) or ``"change"`` (that last
        session's mean minus the first's; a diverging scale centred on 0).
    annotate:
        Write each cell's value in it. By default only when the cells are large enough to read
        it.
    theme:
        ``"light"``, ``"dark"`` or ``None`` (module docstring).

    Returns
    -------
    matplotlib.figure.Figure
        Items that a trainee was never scored on stay blank. A colour bar gives the scale.
        Colour means better or worse the same way in every column: brighter is better (for
        ``"change"``, blue is better). For a risk item the colour of a score is the colour of
        its mirror on the item's scale (``minimum + maximum - score``; for ``"change"``, minus
        the change), which is what the image holds; the numbers written in the cells are the
        raw scores. A note under the axis label says so when risk items are shown.

    Raises
    ------
    ValueError
        When the frame is empty or lacks a column, ``value`` is unknown, no score is given, or
        the frame holds several rubrics and none is given.
    """
    palette = _palette(theme)
    if value not in _HEATMAP_VALUES:
        raise ValueError(
            f"value must be one of {', '.join(map(repr, _HEATMAP_VALUES))}, got {value!r}"
        )
    item_scores = _check_frame(
        item_scores,
        ("trainee", "session", "item_id", "score"),
        "item scores",
        "analysis.item_scores()",
    )
    scores = _one_rubric(item_scores, rubric, "item scores")
    if scores["score"].notna().sum() == 0:
        raise ValueError("the item scores frame has no score (every item is unrated)")
    trainees = sorted(_unique(scores["trainee"]))
    items = _item_order(scores, rubric)
    matrix = _heatmap_matrix(scores, value, trainees, items)
    n_rows, n_cols = matrix.shape
    # Colour by better/worse: a risk item's scores (higher is worse) are mirrored on its scale.
    shade = matrix.copy()
    risky = [
        rubric is not None and item in rubric and not rubric.item(item).scale.higher_is_better
        for item in items
    ]
    for column, item in enumerate(items):
        if risky[column] and rubric is not None:
            item_scale = rubric.item(item).scale
            shade[:, column] = (
                -matrix[:, column]
                if value == "change"
                else item_scale.minimum + item_scale.maximum - matrix[:, column]
            )
    item_labels = [
        _item_label(item, rubric) + (" (risk)" if risk else "")
        for item, risk in zip(items, risky, strict=True)
    ]

    longest = max(len(label) for label in item_labels)
    size = (
        min(18.0, max(6.0, 2.6 + 0.42 * n_cols + 0.08 * max(len(t) for t in trainees))),
        min(16.0, max(4.0, 1.6 + 0.28 * n_rows + 0.075 * longest)),
    )
    figure, ax = _figure_and_axes(ax, size)

    scale = _scale_range(rubric, items)
    cmap: Colormap
    norm: Normalize
    if value == "change":
        finite = matrix[np.isfinite(matrix)]
        reach = float(np.max(np.abs(finite))) if finite.size else 1.0
        if scale is not None:
            reach = max(reach, 1.0)
        reach = reach or 1.0
        cmap = colormaps["RdBu"]
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-reach, vmax=reach)
        bar_label = "Change in mean score, first to last session"
        better, numbers = "blue", "changes"
    else:
        cmap = colormaps["viridis"]
        if scale is not None:
            norm = Normalize(vmin=scale[0], vmax=scale[1])
        else:
            finite = matrix[np.isfinite(matrix)]
            low, high = float(finite.min()), float(finite.max())
            norm = Normalize(vmin=low, vmax=high if high > low else low + 1)
        what = "Mean score" if value == "mean" else "Mean score in the last session"
        bar_label = what + (f" (scale {scale[0]}–{scale[1]})" if scale is not None else "")
        better, numbers = "brighter", "scores"
    image = ax.imshow(
        np.ma.masked_invalid(shade), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest"
    )
    image.set_gid("attune-heatmap")
    bar = figure.colorbar(image, ax=ax, shrink=0.9 if n_rows > 8 else 1.0, pad=0.02)
    # Before layout, the bar's height is a guess: the layout takes room for titles and labels.
    room = 0.6 * _axes_size_points(figure, bar.ax)[1]
    bar.set_label(_fit_label(bar_label, room, bar.ax.yaxis.label))
    _literal(bar.ax.yaxis.label)
    if scale is not None and value != "change":
        bar.set_ticks(list(range(scale[0], scale[1] + 1)))

    width_pt, height_pt = _axes_size_points(figure, ax)
    column_pt, row_pt = width_pt / n_cols, height_pt / n_rows
    x_font, y_font = _fit_font(column_pt), _fit_font(row_pt)
    ax.set_xticks(range(n_cols), _thin_labels(item_labels, column_pt, x_font))
    ax.set_yticks(range(n_rows), _thin_labels(trainees, row_pt, y_font))
    _literal_ticks(ax.xaxis)
    _literal_ticks(ax.yaxis)
    ax.tick_params(axis="x", labelrotation=90, labelsize=x_font)
    ax.tick_params(axis="y", labelsize=y_font)
    ax.tick_params(axis="both", length=2)
    ax.set_xlabel("Rubric item")
    if any(risky):
        note = ax.annotate(
            "(risk): a higher score is worse. Its colours are reversed, so that\n"
            f"{better} means better in every column; the numbers are the raw {numbers}.",
            xy=(0.5, 0.0),
            xycoords=ax.xaxis.label,
            xytext=(0.0, -3.0),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8.5,
            color=palette.text,
            gid="attune-heatmap-note",
        )
        _literal(note)
    ax.set_ylabel("Trainee")
    title = {"mean": "Mean score", "last": "Last session's score", "change": "Change in score"}
    _literal(
        ax.set_title(
            f"{title[value]} per trainee and item"
            + (f" ({rubric.title})" if rubric is not None else "")
        )
    )

    cell_font = min(9.0, row_pt * 0.55, column_pt / 3.2)
    if annotate is None:
        annotate = cell_font >= 6.0
    if annotate:
        for r in range(n_rows):
            for c in range(n_cols):
                number = matrix[r, c]
                if not np.isfinite(number):
                    continue
                text = f"{number:+.1f}" if value == "change" else f"{number:.1f}"
                ax.text(
                    c,
                    r,
                    text,
                    ha="center",
                    va="center",
                    fontsize=max(cell_font, 5.0),
                    color=_readable_on(cmap(norm(shade[r, c]))),
                    gid="attune-cell-value",
                )
    _style(figure, [ax, bar.ax], palette)
    bar.outline.set_edgecolor(palette.muted)
    return figure


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------


def calibration_plot(
    calibration: pd.DataFrame,
    *,
    rubric: Rubric | None = None,
    ax: Axes | None = None,
    theme: Theme | None = None,
) -> Figure:
    """Each rater's mean deviation from the other raters' scores, item by item.

    Items are rows; on each row every rater has a dot (its own colour and shape, the raters side
    by side) at their mean deviation, with a line from zero so the size of the gap shows. Right
    of the zero line a rater scores higher than the others, left lower.

    Parameters
    ----------
    calibration:
        :func:`attune_jupyter.analysis.calibration` (at least ``rater``, ``item_id`` and
        ``mean_deviation``).
    rubric:
        Gives item labels and order; required when the frame holds several rubrics.
    ax:
        Draw into these axes (and return their figure); by default a new figure.
    theme:
        ``"light"``, ``"dark"`` or ``None`` (module docstring).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When the frame is empty or lacks a column, no deviation could be computed, or the frame
        holds several rubrics and none is given.
    """
    palette = _palette(theme)
    calibration = _check_frame(
        calibration,
        ("rater", "item_id", "mean_deviation"),
        "calibration",
        "analysis.calibration()",
    )
    rows = _one_rubric(calibration, rubric, "calibration")
    order = _item_order(rows, rubric)
    rows = rows.loc[rows["mean_deviation"].notna()]
    if rows.empty:
        raise ValueError(
            "the calibration frame has no deviation: every item was scored by one rater only"
        )
    compared = set(_unique(rows["item_id"]))
    items = [i for i in order if i in compared]
    raters = sorted(_unique(rows["rater"]))
    item_row = {item: i for i, item in enumerate(items)}
    band = min(0.8, 0.16 * len(raters))
    step = band / max(len(raters) - 1, 1)

    row_height = 0.08 * max(4, min(len(raters), 8))
    figure, ax = _figure_and_axes(ax, (8.5, min(16.0, 1.6 + row_height * len(items))))
    for i in range(0, len(items), 2):
        ax.axhspan(i - 0.5, i + 0.5, color=palette.band, zorder=0, linewidth=0)
    ax.axvline(0.0, color=palette.muted, linewidth=1.0, zorder=1)
    colours = _qualitative(len(raters), palette.axes)
    dots = []
    for k, rater in enumerate(raters):
        mine = rows.loc[rows["rater"] == rater]
        ys = np.array([item_row[str(i)] for i in mine["item_id"]], dtype="float64")
        ys += (k - (len(raters) - 1) / 2) * step if len(raters) > 1 else 0.0
        xs = mine["mean_deviation"].to_numpy(dtype="float64")
        ax.hlines(ys, 0.0, xs, colors=colours[k], linewidth=1.0, zorder=2)
        dot = ax.scatter(
            xs,
            ys,
            s=30,
            color=colours[k],
            marker=_MARKERS[k % len(_MARKERS)],
            edgecolors=palette.axes,
            linewidths=0.5,
            label=rater,
            gid=f"attune-rater-{rater}",
            zorder=3,
        )
        dots.append(dot)
    reach = float(np.nanmax(np.abs(rows["mean_deviation"].to_numpy(dtype="float64"))))
    reach = max(reach * 1.15, 0.5)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(len(items) - 0.5, -0.5)
    _, height_pt = _axes_size_points(figure, ax)
    font = _fit_font(height_pt / len(items))
    ax.set_yticks(range(len(items)), [_item_label(i, rubric) for i in items])
    _literal_ticks(ax.yaxis)
    ax.tick_params(axis="y", labelsize=font, length=0)
    ax.set_xlabel("Mean deviation from the other raters (score points; + scores higher)")
    ax.set_ylabel("Rubric item")
    _literal(
        ax.set_title("Rater calibration" + (f" on {rubric.title}" if rubric is not None else ""))
    )
    # Handles and labels are given, so that a rater whose name starts with "_" is listed too.
    legend = ax.legend(
        dots,
        raters,
        title="Rater",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize=9,
    )
    _literal_legend(legend)
    _style(figure, [ax], palette)
    return figure


# --------------------------------------------------------------------------------------------
# Agreement
# --------------------------------------------------------------------------------------------


def _statistic_name(statistic: object) -> str:
    name = str(statistic)
    if name in _STATISTIC_NAMES:
        return _STATISTIC_NAMES[name]
    if name.startswith("icc") and "_" in name:
        form, _, k = name[3:].partition("_")
        return f"ICC({form},{k})"
    return name


def agreement_plot(
    report: pd.DataFrame,
    *,
    ax: Axes | None = None,
    theme: Theme | None = None,
) -> Figure:
    """Agreement per code and per rubric item, each with its confidence interval.

    One row per code or item (codes first, then items; each sorted from the highest agreement
    down, those that could not be computed last, marked "not computable"). A dot gives the value
    and a bar its interval; a row without an interval is a dot only. Dashed lines mark the
    Landis-Koch band edges (0.2, 0.4, 0.6, 0.8), named along the top.

    Parameters
    ----------
    report:
        :func:`attune_jupyter.agreement.agreement_report` (at least ``id``, ``value``, ``ci_low``
        and ``ci_high``; ``kind``, ``label`` and ``statistic`` are used when present).
    ax:
        Draw into these axes (and return their figure); by default a new figure.
    theme:
        ``"light"``, ``"dark"`` or ``None`` (module docstring).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When the frame is empty or lacks a column.
    """
    palette = _palette(theme)
    report = _check_frame(
        report, ("id", "value", "ci_low", "ci_high"), "agreement report", "agreement_report()"
    )
    frame = pd.DataFrame(
        {
            "kind": report["kind"].astype("str") if "kind" in report.columns else "code",
            "label": (
                report["label"].fillna(report["id"]).astype("str")
                if "label" in report.columns
                else report["id"].astype("str")
            ),
            "statistic": report["statistic"] if "statistic" in report.columns else pd.NA,
            "value": report["value"].astype("float64"),
            "ci_low": report["ci_low"].astype("float64"),
            "ci_high": report["ci_high"].astype("float64"),
        }
    )
    frame["_kind"] = frame["kind"].map({"code": 0, "item": 1}).fillna(2)
    frame["_missing"] = frame["value"].isna()
    frame = frame.sort_values(
        ["_kind", "_missing", "value", "label"],
        ascending=[True, True, False, True],
        kind="stable",
        ignore_index=True,
    )
    n = len(frame)
    labels = [
        f"{label} ({_statistic_name(stat)})" if not pd.isna(stat) else label
        for label, stat in zip(frame["label"], frame["statistic"], strict=True)
    ]

    figure, ax = _figure_and_axes(ax, (8.0, 1.9 + 0.3 * n))
    rows = np.arange(n, dtype="float64")
    values = frame["value"].to_numpy()
    lows = frame["ci_low"].to_numpy()
    highs = frame["ci_high"].to_numpy()
    with_ci = np.isfinite(values) & np.isfinite(lows) & np.isfinite(highs)
    point_only = np.isfinite(values) & ~with_ci
    colour = _qualitative(1, palette.axes)[0]

    edges = [upper for upper, _ in LANDIS_KOCH_BANDS[:-1]]
    for edge in edges:
        ax.axvline(edge, color=palette.muted, linestyle="--", linewidth=0.8, alpha=0.8, zorder=1)
    ax.axvline(0.0, color=palette.muted, linewidth=1.0, zorder=1)
    if with_ci.any():
        errors = np.vstack(
            [values[with_ci] - lows[with_ci], highs[with_ci] - values[with_ci]]
        ).clip(min=0.0)
        container = ax.errorbar(
            values[with_ci],
            rows[with_ci],
            xerr=errors,
            fmt="o",
            color=colour,
            ecolor=colour,
            elinewidth=1.4,
            capsize=3,
            markersize=6,
            label="value with 95% interval",
            zorder=3,
        )
        container.lines[0].set_gid("attune-agreement-ci")
    if point_only.any():
        ax.plot(
            values[point_only],
            rows[point_only],
            linestyle="",
            marker="o",
            markerfacecolor=palette.axes,
            markeredgecolor=colour,
            markersize=6,
            label="value (no interval)",
            gid="attune-agreement-point",
            zorder=3,
        )
    for row in np.flatnonzero(~np.isfinite(values)):
        ax.text(
            0.0,
            float(row),
            "  not computable",
            va="center",
            ha="left",
            fontsize=8,
            color=palette.text,
            gid="attune-not-computable",
        )
    kinds = frame["_kind"].to_numpy()
    for boundary in np.flatnonzero(np.diff(kinds)):
        ax.axhline(boundary + 0.5, color=palette.muted, linewidth=0.8)

    finite = np.concatenate([values[np.isfinite(values)], lows[with_ci]])
    low = min(-0.1, float(finite.min()) - 0.05) if finite.size else -0.1
    ax.set_xlim(max(low, -1.05), 1.02)
    ax.set_ylim(n - 0.5, -0.5)
    _, height_pt = _axes_size_points(figure, ax)
    ax.set_yticks(range(n), labels)
    _literal_ticks(ax.yaxis)
    ax.tick_params(axis="y", labelsize=_fit_font(height_pt / n), length=0)
    ax.set_xlabel("Agreement (κ, α or ICC; 1 = perfect, 0 = chance)")
    kinds_present = set(frame["kind"])
    what = {"code": "code", "item": "rubric item"}
    subject = " and ".join(what.get(k, k) for k in ("code", "item") if k in kinds_present)
    ax.set_title(f"Agreement per {subject or 'row'}")
    top = ax.secondary_xaxis("top")
    bounds = [0.0, *edges, 1.0]
    middles = [(a + b) / 2 for a, b in itertools.pairwise(bounds)]
    names = [name.replace(" ", "\n") for _, name in LANDIS_KOCH_BANDS]
    top.set_xticks(middles, names)
    _literal_ticks(top.xaxis)
    top.tick_params(axis="x", length=0, labelsize=7.5)
    if with_ci.any() and point_only.any():
        _literal_legend(ax.legend(loc="lower right", fontsize=8))
    _style(figure, [ax], palette)
    return figure
