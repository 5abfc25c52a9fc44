"""The trainee's feedback report: one session as one self-contained, printable HTML page.

This module owns the page a trainee receives after supervision: a header (session, trainee,
supervisor, date, moments by code family), a list of the moments linking to their turns, the
session ratings (each item's score, the description of the level chosen, the comment, the
rubric's summaries and pass rule, the overall comment) and the transcript turn by turn with the
supervisor's moments on each turn: spans highlighted in the text, pairs shown as "responds to
turn N", each code with its family, strength and note.

The page needs nothing else: CSS is inline, there is no script, font, image or link to another
address (a Content-Security-Policy in the page says so to the browser too), so it can be mailed,
archived or opened offline. It prints in black and white: codes and families are named in words,
never shown by colour alone, highlighted spans are underlined, turns are not split across pages.

Every piece of text from the data (transcript text, speaker labels, notes, code labels, rubric
texts, comments, names, ids) is HTML-escaped; the only links are the page's own ``#turn-N``
anchors, whose numbers the report makes itself. Nothing is logged.

Whose moments are shown
-----------------------
``supervisor`` names the annotator (or a list of annotators) whose moments and ratings the
report shows, adjudicated ones (the agreed codes of a comparison) included. When it is None the
report shows every annotator's and rater's work on the session except the ``trainee``'s (when a
trainee is named), leaving out adjudicated annotations, which repeat codes the annotators already
gave.
"""

from __future__ import annotations

import html
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Final

from attune_jupyter.core.annotation import STRENGTH_LABELS, Annotation, Moment
from attune_jupyter.core.codebook import Codebook
from attune_jupyter.core.files import atomic_output
from attune_jupyter.core.rating import SessionRating
from attune_jupyter.core.rubric import Rubric, RubricError, RubricItem
from attune_jupyter.core.transcript import Transcript, TranscriptChangedWarning, Turn

if TYPE_CHECKING:
    from attune_jupyter.store import Store

__all__ = ["FeedbackReportError", "feedback_html", "feedback_report"]

#: Characters of a span quoted in the list of moments before it is cut short.
_EXCERPT_CHARS: Final = 90

#: A colour the page may put in a style attribute (the codebook validates the same form).
_COLOUR_RE: Final = re.compile(r"#[0-9a-fA-F]{6}")

#: Characters kept from a transcript id in the default file name.
_FILE_NAME_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")

_FAMILY_OTHER: Final = "Not in the codebook"


class FeedbackReportError(OSError):
    """A feedback report could not be written; the message names the file and what to do.

    Attributes
    ----------
    path:
        The file that was to be written.
    """

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.args[0], self.path))


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def feedback_html(
    transcript: Transcript | str,
    supervisor: str | Sequence[str] | None = None,
    store: Store | str | os.PathLike[str] | None = None,
    *,
    trainee: str | None = None,
    codebook: Codebook | None = None,
    rubrics: Rubric | Iterable[Rubric] | None = None,
    title: str | None = None,
) -> str:
    """The feedback page of one session, as a self-contained HTML document.

    Parameters
    ----------
    transcript:
        The session, or the id of a transcript imported into the store.
    supervisor:
        The annotator (or annotators) whose moments and ratings are shown, their adjudicated
        codes included. None: everyone who annotated or rated the session except ``trainee``,
        without adjudicated codes (see the module docstring).
    store:
        A :class:`~attune_jupyter.store.Store`, or a location for
        :func:`~attune_jupyter.store.open_store` (opened and closed here). None: the default
        store (``$ATTUNE_STORE`` or ``attune.sqlite`` in the working folder), the one the
        widgets share.
    trainee:
        The trainee's name, shown in the header; their own annotations and self-ratings are left
        out when ``supervisor`` is None.
    codebook:
        For code labels and families; default :meth:`Codebook.default`.
    rubrics:
        Rubrics to read ratings against, looked up by id and version; the packaged rubrics
        (default, MITI, FIS, CTS-R) are always available after these.
    title:
        The page title; default ``"Feedback on session <id>"``.

    Returns
    -------
    str
        The HTML document. It contains no script and loads nothing from elsewhere.

    Raises
    ------
    ValueError
        When ``supervisor`` or ``trainee`` is empty.
    attune_jupyter.store.TranscriptNotFoundError
        When ``transcript`` is an id the store holds no text for.

    Warns
    -----
    TranscriptChangedWarning
        When the store registered different content under this transcript's id, so that
        highlighted spans may not fall on the words the supervisor marked (the page says so too).
    """
    chosen = _chosen_people(supervisor)
    if trainee is not None and (not isinstance(trainee, str) or not trainee.strip()):
        raise ValueError("trainee must be a non-empty name or None")
    book = codebook if codebook is not None else Codebook.default()
    known_rubrics = _rubric_list(rubrics)
    with _opened(store) as opened:
        if isinstance(transcript, str):
            transcript = opened.transcript(transcript)
        changed = _registered_differently(opened, transcript)
        annotations = opened.annotation_list(transcript_id=transcript.id)
        ratings = opened.session_ratings(transcript_id=transcript.id)
    if changed:
        warnings.warn(
            f"the store registered different content under transcript id {transcript.id!r}: "
            "highlighted spans in the feedback report may not match the words marked",
            TranscriptChangedWarning,
            stacklevel=2,
        )
    if chosen is None:
        annotations = [a for a in annotations if a.annotator != trainee and not a.adjudicated]
        ratings = [r for r in ratings if r.rater != trainee]
        people = sorted({a.annotator for a in annotations} | {r.rater for r in ratings})
    else:
        annotations = [a for a in annotations if a.annotator in chosen]
        ratings = [r for r in ratings if r.rater in chosen]
        people = list(dict.fromkeys(chosen))
    page = _Page(
        transcript=transcript,
        codebook=book,
        rubrics=known_rubrics,
        title=title if title is not None else f"Feedback on session {transcript.id}",
        trainee=trainee,
        people=people,
        generated=datetime.now(UTC),
        changed=changed,
    )
    return page.render(annotations, ratings)


def feedback_report(
    transcript: Transcript | str,
    supervisor: str | Sequence[str] | None = None,
    store: Store | str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
    *,
    trainee: str | None = None,
    codebook: Codebook | None = None,
    rubrics: Rubric | Iterable[Rubric] | None = None,
    title: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the feedback page of one session to an HTML file a trainee can open and print.

    The parameters before ``path`` and the keyword ones other than ``overwrite`` are those of
    :func:`feedback_html`.

    Parameters
    ----------
    path:
        The file to write; default ``feedback-<transcript id>.html`` in the working folder.
    overwrite:
        Replace the file when it exists (by default an existing file is never touched).

    Returns
    -------
    pathlib.Path
        The file written, as an absolute path.

    Raises
    ------
    FileExistsError
        When the file exists and ``overwrite`` is False; the message names it.
    FeedbackReportError
        When the file cannot be written (the folder is missing or read-only, the path is a
        folder, ...); the message names the file. Nothing is left half-written: an existing file
        keeps its old content.
    """
    if path is None:
        transcript_id = transcript if isinstance(transcript, str) else transcript.id
        stem = _FILE_NAME_UNSAFE.sub("_", transcript_id).strip("._") or "session"
        path = f"feedback-{stem}.html"
    target = Path(path).expanduser().absolute()
    if not overwrite and target.exists():
        raise FileExistsError(
            f"{target} already exists; pass overwrite=True to replace it, or choose another path"
        )
    document = feedback_html(
        transcript,
        supervisor,
        store,
        trainee=trainee,
        codebook=codebook,
        rubrics=rubrics,
        title=title,
    )
    try:
        # The check above gives its message before the work; this one also catches a file
        # made meanwhile, without a window in which it could be replaced.
        with atomic_output(target, overwrite=overwrite) as temp:
            temp.write_bytes(document.encode("utf-8", errors="replace"))
    except OSError as error:
        reason = error.strerror or str(error)
        raise FeedbackReportError(
            f"could not write the feedback report {target}: {reason}; check that the folder "
            "exists and that you may write to it",
            target,
        ) from error
    return target


# --------------------------------------------------------------------------------------------
# Gathering
# --------------------------------------------------------------------------------------------


def _chosen_people(supervisor: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if supervisor is None:
        return None
    names = (supervisor,) if isinstance(supervisor, str) else tuple(supervisor)
    if not names:
        raise ValueError("supervisor must name at least one annotator, or be None for everyone")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"supervisor names must be non-empty strings, got {name!r}")
    return names


def _rubric_list(rubrics: Rubric | Iterable[Rubric] | None) -> tuple[Rubric, ...]:
    given: tuple[Rubric, ...]
    if rubrics is None:
        given = ()
    elif isinstance(rubrics, Rubric):
        given = (rubrics,)
    else:
        given = tuple(rubrics)
    for rubric in given:
        if not isinstance(rubric, Rubric):
            raise TypeError(f"rubrics must be Rubric objects, got {type(rubric).__name__}")
    return (*given, Rubric.default(), Rubric.miti(), Rubric.fis(), Rubric.cts_r())


@contextmanager
def _opened(store: Store | str | os.PathLike[str] | None) -> Iterator[Store]:
    from attune_jupyter.store import Store, default_store_location, open_store

    if isinstance(store, Store):
        yield store
        return
    with open_store(default_store_location() if store is None else store) as opened:
        yield opened


def _registered_differently(store: Store, transcript: Transcript) -> bool:
    frame = store.transcripts()
    rows = frame[frame["transcript_id"] == transcript.id]
    if rows.empty:
        return False
    return bool(rows["fingerprint"].iloc[0] != transcript.fingerprint())


# --------------------------------------------------------------------------------------------
# Moments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlacedMoment:
    number: int
    moment: Moment
    annotations: tuple[Annotation, ...]
    turn_number: int | None  # None: the moment could not be placed on this transcript
    problem: str = ""


def _e(text: object) -> str:
    """Text from the data, escaped for an element's content or a quoted attribute value."""
    return html.escape(str(text), quote=True)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT_CHARS else flat[: _EXCERPT_CHARS - 1] + "…"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _format_score(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class _Page:
    transcript: Transcript
    codebook: Codebook
    rubrics: tuple[Rubric, ...]
    title: str
    trainee: str | None
    people: list[str]
    generated: datetime
    changed: bool

    # -- moments -----------------------------------------------------------------------------

    def _place(self, annotations: Sequence[Annotation]) -> list[_PlacedMoment]:
        numbers = {turn.id: n for n, turn in enumerate(self.transcript.turns, start=1)}
        texts = {turn.id: turn.text for turn in self.transcript.turns}
        order = {code.id: i for i, code in enumerate(self.codebook.codes)}
        grouped: dict[Moment, list[Annotation]] = {}
        for annotation in annotations:
            grouped.setdefault(annotation.moment, []).append(annotation)

        placed: list[tuple[tuple[int, int, int, int], Moment, str]] = []
        unplaced: list[tuple[Moment, str]] = []
        for moment in grouped:
            problem = ""
            if moment.turn_id not in numbers:
                problem = "its turn is not in this transcript"
            elif moment.responds_to is not None and moment.responds_to not in numbers:
                problem = "the turn it responds to is not in this transcript"
            elif moment.span_end is not None and moment.span_end > len(texts[moment.turn_id]):
                problem = "its span runs past the end of the turn's text"
            if problem:
                unplaced.append((moment, problem))
                continue
            shape = {"turn": 0, "pair": 1, "span": 2}[moment.shape]
            key = (
                numbers[moment.turn_id],
                shape,
                moment.span_start if moment.span_start is not None else -1,
                moment.span_end if moment.span_end is not None else -1,
            )
            placed.append((key, moment, ""))
        placed.sort(key=lambda entry: entry[0])
        unplaced.sort(key=lambda entry: (entry[0].turn_id, entry[0].span_start or -1))

        def sorted_codes(moment: Moment) -> tuple[Annotation, ...]:
            return tuple(
                sorted(
                    grouped[moment],
                    key=lambda a: (a.annotator, order.get(a.code_id, len(order)), a.created, a.id),
                )
            )

        result = [
            _PlacedMoment(n, moment, sorted_codes(moment), numbers[moment.turn_id])
            for n, (_, moment, _) in enumerate(placed, start=1)
        ]
        result.extend(
            _PlacedMoment(n, moment, sorted_codes(moment), None, problem)
            for n, (moment, problem) in enumerate(unplaced, start=len(result) + 1)
        )
        return result

    def _turn_number(self, turn_id: str | None) -> int:
        return next(n for n, t in enumerate(self.transcript.turns, start=1) if t.id == turn_id)

    def _family_label(self, code_id: str) -> str:
        if code_id not in self.codebook:
            return _FAMILY_OTHER
        return self.codebook.code(self.codebook.family_of(code_id)).label

    def _code_label(self, code_id: str) -> str:
        return self.codebook.code(code_id).label if code_id in self.codebook else code_id

    def _codes_in_words(self, annotations: Sequence[Annotation]) -> str:
        """Plain words for a list of moments: "Validating a feeling (Attunement), strong"."""
        parts = []
        for a in annotations:
            words = f"{self._code_label(a.code_id)} ({self._family_label(a.code_id)})"
            if a.strength is not None:
                words += f", {STRENGTH_LABELS.get(a.strength, str(a.strength))}"
            parts.append(words)
        return "; ".join(parts)

    def _shape_in_words(self, moment: _PlacedMoment) -> str:
        m = moment.moment
        if m.shape == "span" and moment.turn_number is not None:
            text = self.transcript.turn(m.turn_id).text
            return f"span “{_excerpt(text[m.span_start : m.span_end])}”"
        if m.shape == "span":
            return f"span of characters {m.span_start}-{m.span_end}"
        if m.shape == "pair" and moment.turn_number is not None:
            answered = self._turn_number(m.responds_to)
            return f"responds to turn {answered}"
        if m.shape == "pair":
            return "response to another turn"
        return "whole turn"

    # -- rendering ---------------------------------------------------------------------------

    def render(self, annotations: Sequence[Annotation], ratings: Sequence[SessionRating]) -> str:
        moments = self._place(annotations)
        out: list[str] = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'\">",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(self.title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
        ]
        out += self._header(moments, ratings)
        out += self._moment_list(moments)
        out += self._ratings(ratings)
        out += self._turns(moments)
        out += self._unplaced(moments)
        out += ["</body>", "</html>", ""]
        return "\n".join(out)

    def _header(
        self, moments: Sequence[_PlacedMoment], ratings: Sequence[SessionRating]
    ) -> list[str]:
        out = ["<header>", f"<h1>{_e(self.title)}</h1>", '<dl class="facts">']
        facts: list[tuple[str, str]] = [("Session", self.transcript.id)]
        if self.trainee is not None:
            facts.append(("Trainee", self.trainee))
        label = "Supervisor" if len(self.people) <= 1 else "Supervisors"
        facts.append((label, ", ".join(self.people) if self.people else "none found"))
        facts.append(("Turns", str(len(self.transcript))))
        facts.append(("Generated", self.generated.strftime("%Y-%m-%d %H:%M UTC")))
        for name, value in facts:
            out.append(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>")
        out.append("</dl>")
        if self.changed:
            out.append(
                '<p class="notice"><strong>Note:</strong> this transcript differs from the one '
                "the supervisor annotated (the store holds different content under the same "
                "id). Highlighted words may not be the ones that were marked.</p>"
            )
        if not moments and not ratings:
            who = ", ".join(self.people) if self.people else "any supervisor"
            out.append(
                f'<p class="notice">No moments or ratings by {_e(who)} for this session yet.</p>'
            )
        out += self._family_counts(moments)
        out.append("</header>")
        return out

    def _family_counts(self, moments: Sequence[_PlacedMoment]) -> list[str]:
        counts: dict[str, int] = {family.label: 0 for family in self.codebook.families()}
        for moment in moments:
            for family in dict.fromkeys(self._family_label(a.code_id) for a in moment.annotations):
                counts[family] = counts.get(family, 0) + 1
        out = [
            '<section aria-labelledby="counts-heading">',
            '<h2 id="counts-heading">Moments by code family</h2>',
            '<table class="counts">',
            '<thead><tr><th scope="col">Code family</th><th scope="col">Moments</th></tr></thead>',
            "<tbody>",
        ]
        for family, count in counts.items():
            out.append(f'<tr><th scope="row">{_e(family)}</th><td>{count}</td></tr>')
        out.append(
            f'<tr class="total"><th scope="row">All moments</th><td>{len(moments)}</td></tr>'
        )
        out += ["</tbody>", "</table>"]
        if any(len(m.annotations) > 1 for m in moments):
            out.append('<p class="muted">A moment with codes from two families counts in both.</p>')
        out.append("</section>")
        return out

    def _moment_list(self, moments: Sequence[_PlacedMoment]) -> list[str]:
        out = [
            '<nav class="moment-list" aria-labelledby="moments-heading">',
            '<h2 id="moments-heading">Moments</h2>',
        ]
        if not moments:
            out += ['<p class="muted">No moments were marked in this session.</p>', "</nav>"]
            return out
        out.append("<ol>")
        for moment in moments:
            if moment.turn_number is None:
                where = '<a href="#unplaced-heading">not placed</a>'
            else:
                turn = self.transcript.turns[moment.turn_number - 1]
                where = (
                    f'<a href="#turn-{moment.turn_number}">Turn {moment.turn_number}</a> '
                    f"({_e(turn.speaker)})"
                )
            out.append(
                f'<li value="{moment.number}">{where}, {_e(self._shape_in_words(moment))}: '
                f"{_e(self._codes_in_words(moment.annotations))}</li>"
            )
        out += ["</ol>", "</nav>"]
        return out

    def _turns(self, moments: Sequence[_PlacedMoment]) -> list[str]:
        by_turn: dict[int, list[_PlacedMoment]] = {}
        answered_by: dict[int, list[_PlacedMoment]] = {}
        numbers = {turn.id: n for n, turn in enumerate(self.transcript.turns, start=1)}
        for moment in moments:
            if moment.turn_number is None:
                continue
            by_turn.setdefault(moment.turn_number, []).append(moment)
            if moment.moment.responds_to is not None:
                answered_by.setdefault(numbers[moment.moment.responds_to], []).append(moment)
        out = [
            '<section class="transcript" aria-labelledby="transcript-heading">',
            '<h2 id="transcript-heading">Transcript</h2>',
        ]
        if not self.transcript.turns:
            out.append('<p class="muted">This transcript has no turns.</p>')
        for number, turn in enumerate(self.transcript.turns, start=1):
            out += self._turn(number, turn, by_turn.get(number, []), answered_by.get(number, []))
        out.append("</section>")
        return out

    def _turn(
        self,
        number: int,
        turn: Turn,
        moments: Sequence[_PlacedMoment],
        answered_by: Sequence[_PlacedMoment],
    ) -> list[str]:
        classes = "turn marked" if moments else "turn"
        head = f"Turn {number} · {_e(turn.speaker)}"
        if turn.role != "other" and turn.speaker.strip().lower() != turn.role:
            head += f' <span class="role">({_e(turn.role)})</span>'
        if turn.start is not None:
            head += f' <span class="time">{_e(_clock(turn.start))}</span>'
        out = [
            f'<article class="{classes}" id="turn-{number}">',
            f'<h3 class="turn-head">{head}</h3>',
            f'<p class="text">{self._marked_text(turn.text, moments)}</p>',
        ]
        for moment in answered_by:
            out.append(
                f'<p class="answered">Turn {moment.turn_number} responds to this turn '
                f'(<a href="#moment-{moment.number}">moment {moment.number}</a>).</p>'
            )
        if moments:
            out.append('<ul class="moments">')
            for moment in moments:
                out += self._moment(moment)
            out.append("</ul>")
        out.append("</article>")
        return out

    def _marked_text(self, text: str, moments: Sequence[_PlacedMoment]) -> str:
        if not text:
            return '<span class="muted">(no text)</span>'
        spans = [
            (m.moment.span_start, m.moment.span_end, m)
            for m in moments
            if m.moment.span_start is not None and m.moment.span_end is not None
        ]
        if not spans:
            return _e(text)
        bounds = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
        parts: list[str] = []
        for start, end in pairwise(bounds):
            piece = _e(text[start:end])
            covering = sum(1 for s, e, _ in spans if s <= start and end <= e)
            if covering > 1:
                parts.append(f'<mark class="overlap">{piece}</mark>')
            elif covering:
                parts.append(f"<mark>{piece}</mark>")
            else:
                parts.append(piece)
            for _, span_end, moment in spans:
                if span_end == end:
                    labels = "; ".join(
                        dict.fromkeys(self._code_label(a.code_id) for a in moment.annotations)
                    )
                    parts.append(f'<span class="tag">[{moment.number}: {_e(labels)}]</span>')
        return "".join(parts)

    def _moment(self, moment: _PlacedMoment) -> list[str]:
        m = moment.moment
        if m.shape == "span":
            text = self.transcript.turn(m.turn_id).text if moment.turn_number else ""
            quoted = text[m.span_start : m.span_end]
            where = f"the words “{_e(quoted)}”" if quoted else "a span"
        elif m.shape == "pair" and m.responds_to is not None:
            answered = self._turn_number(m.responds_to)
            where = f'responds to <a href="#turn-{answered}">turn {answered}</a>'
        else:
            where = "the whole turn"
        out = [
            f'<li class="moment" id="moment-{moment.number}">',
            f'<p class="moment-head"><strong>Moment {moment.number}</strong> · {where}</p>',
            '<ul class="codes">',
        ]
        for annotation in moment.annotations:
            out += self._code(annotation)
        out += ["</ul>", "</li>"]
        return out

    def _code(self, a: Annotation) -> list[str]:
        style = ""
        if a.code_id in self.codebook:
            colour = self.codebook.code(a.code_id).colour
            if _COLOUR_RE.fullmatch(colour):
                style = f' style="border-left-color: {colour}"'
        label = self._code_label(a.code_id)
        family = self._family_label(a.code_id)
        head = f'<span class="code-label">{_e(label)}</span>'
        if family != label:
            head += f' <span class="family">({_e(family)})</span>'
        elif a.code_id in self.codebook:
            head += ' <span class="family">(code family)</span>'
        details = []
        if a.strength is not None:
            details.append(f"strength: {_e(STRENGTH_LABELS.get(a.strength, a.strength))}")
        if len(self.people) > 1:
            details.append(f"by {_e(a.annotator)}")
        if a.adjudicated:
            details.append("agreed after comparing annotators")
        if details:
            head += ' <span class="details">· ' + " · ".join(details) + "</span>"
        out = [f'<li class="code"{style}>', f'<p class="code-head">{head}</p>']
        if a.note.strip():
            out.append(f'<p class="note">{_e(a.note)}</p>')
        out.append("</li>")
        return out

    def _unplaced(self, moments: Sequence[_PlacedMoment]) -> list[str]:
        lost = [m for m in moments if m.turn_number is None]
        if not lost:
            return []
        out = [
            '<section class="unplaced" aria-labelledby="unplaced-heading">',
            '<h2 id="unplaced-heading">Moments that could not be placed</h2>',
            '<p class="notice">These moments do not fit this transcript (it may have changed '
            "since it was annotated); they are listed here so that no feedback is lost.</p>",
            '<ul class="moments">',
        ]
        for moment in lost:
            m = moment.moment
            out.append(f'<li class="moment" id="moment-{moment.number}">')
            out.append(
                f'<p class="moment-head"><strong>Moment {moment.number}</strong> · turn id '
                f"“{_e(m.turn_id)}”: {_e(moment.problem)}</p>"
            )
            out.append('<ul class="codes">')
            for annotation in moment.annotations:
                out += self._code(annotation)
            out += ["</ul>", "</li>"]
        out += ["</ul>", "</section>"]
        return out

    # -- ratings -----------------------------------------------------------------------------

    def _rubric_for(self, rating: SessionRating) -> tuple[Rubric | None, str]:
        same_id = [r for r in self.rubrics if r.id == rating.rubric_id]
        for rubric in same_id:
            if rubric.version == rating.rubric_version:
                return rubric, ""
        if same_id:
            return None, (
                f"This rating was made on version {rating.rubric_version} of the rubric "
                f"“{rating.rubric_id}”, which is not available here (version "
                f"{same_id[0].version} is). Ask for the report to be made with that version "
                "to see level descriptions and summaries."
            )
        return None, (
            f"The rubric “{rating.rubric_id}” is not available here. Ask for the report to be "
            "made with it (rubrics=...) to see item names, level descriptions and summaries."
        )

    def _ratings(self, ratings: Sequence[SessionRating]) -> list[str]:
        out = [
            '<section class="ratings" aria-labelledby="ratings-heading">',
            '<h2 id="ratings-heading">Ratings</h2>',
        ]
        if not ratings:
            out.append('<p class="muted">This session has not been rated yet.</p>')
        for rating in ratings:
            rubric, missing = self._rubric_for(rating)
            if rubric is None:
                out += self._rating_without_rubric(rating, missing)
            else:
                out += self._rating(rating, rubric)
        out.append("</section>")
        return out

    def _rated_by(self, rating: SessionRating) -> str:
        when = (rating.updated or rating.created).strftime("%Y-%m-%d")
        return f'<p class="muted">Rated by {_e(rating.rater)}, last changed {_e(when)}.</p>'

    def _rating(self, rating: SessionRating, rubric: Rubric) -> list[str]:
        out = [
            '<article class="rating">',
            f'<h3>{_e(rubric.title)} <span class="muted">(version {rubric.version})</span></h3>',
            self._rated_by(rating),
        ]
        problem = ""
        try:
            rubric.check_rating(rating)
        except RubricError as error:
            problem = error.reason if error.where is None else f"{error.where}: {error.reason}"
        if problem:
            out.append(
                f'<p class="notice">Some scores do not fit this rubric ({_e(problem)}); '
                "summaries are not shown.</p>"
            )
        if not any(item.scale.anchors for item in rubric.items):
            out.append(
                '<p class="muted">This rubric ships without level descriptions: see the '
                "instrument's manual for what each level means.</p>"
            )
        for group in rubric.groups:
            items = rubric.items_in(group.id)
            out += [
                '<table class="items anchored">',
                f"<caption>{_e(group.label)}</caption>",
                '<thead><tr><th scope="col">Item</th><th scope="col">Score</th>'
                '<th scope="col">What this level looks like</th>'
                '<th scope="col">Comment</th></tr></thead>',
                "<tbody>",
            ]
            out += [self._item_row(rating, item) for item in items]
            out += ["</tbody>", "</table>"]
        extra = [item for item in rating.items if item.item_id not in rubric]
        if extra:
            out += [
                '<table class="items">',
                "<caption>Scores for items this rubric does not have</caption>",
                '<thead><tr><th scope="col">Item</th><th scope="col">Score</th>'
                '<th scope="col">Comment</th></tr></thead>',
                "<tbody>",
            ]
            for item in extra:
                score = "not rated" if item.score is None else str(item.score)
                out.append(
                    f'<tr><th scope="row">{_e(item.item_id)}</th><td>{_e(score)}</td>'
                    f'<td class="comment">{_e(item.comment)}</td></tr>'
                )
            out += ["</tbody>", "</table>"]
        if not problem:
            out += self._summaries(rating, rubric)
        out += self._overall(rating)
        out.append("</article>")
        return out

    def _item_row(self, rating: SessionRating, item: RubricItem) -> str:
        given = rating.item(item.id)
        scale = item.scale
        label = f"{_e(item.label)}"
        if item.description:
            label += f'<span class="description">{_e(item.description)}</span>'
        if given.score is None:
            score = '<span class="unrated">not rated</span>'
            anchor = ""
        else:
            score = (
                f"<strong>{_e(given.score)}</strong> "
                f'<span class="scale">of {_e(scale.describe())}</span>'
            )
            anchor = scale.anchors.get(given.score, "") if given.score in scale else ""
        return (
            f'<tr><th scope="row">{label}</th><td class="score">{score}</td>'
            f'<td class="anchor">{_e(anchor)}</td><td class="comment">{_e(given.comment)}</td></tr>'
        )

    def _summaries(self, rating: SessionRating, rubric: Rubric) -> list[str]:
        out: list[str] = []
        if rubric.summaries:
            values = rubric.summary(rating)
            has_bands = any(s.bands is not None for s in rubric.summaries)
            out += [
                '<table class="summaries">',
                "<caption>Summary</caption>",
                '<thead><tr><th scope="col">Summary</th><th scope="col">Score</th>'
                + ('<th scope="col">Band</th>' if has_bands else "")
                + "</tr></thead>",
                "<tbody>",
            ]
            for summary in rubric.summaries:
                value = values[summary.id]
                shown = "not enough items rated" if value is None else _format_score(value)
                row = f'<tr><th scope="row">{_e(summary.label)}</th><td>{_e(shown)}</td>'
                if has_bands:
                    band = summary.bands.of(value) if summary.bands is not None else None
                    if summary.bands is not None and band is not None:
                        limits = (
                            f" (fair from {_format_score(summary.bands.fair)}, good from "
                            f"{_format_score(summary.bands.good)})"
                        )
                        row += f"<td>{_e(band + limits)}</td>"
                    else:
                        row += "<td></td>"
                out.append(row + "</tr>")
            out += ["</tbody>", "</table>"]
        rule = rubric.pass_rule
        if rule is not None:
            conditions = []
            if rule.total_at_least is not None:
                conditions.append(f"a total of at least {rule.total_at_least}")
            if rule.each_item_at_least is not None:
                conditions.append(f"no item below {rule.each_item_at_least}")
            result = rubric.passes(rating)
            if result is None:
                unrated = sum(1 for item in rubric.items if rating.item(item.id).score is None)
                verdict = f"Not decided: {_plural(unrated, 'item')} not rated."
            else:
                verdict = "Passed." if result else "Not passed."
            out.append(
                f'<p class="pass-rule">Pass rule: {_e(" and ".join(conditions))}. '
                f"<strong>{_e(verdict)}</strong></p>"
            )
        return out

    def _overall(self, rating: SessionRating) -> list[str]:
        if not rating.overall_comment.strip():
            return ['<p class="muted">No overall comment.</p>']
        return [
            "<h4>Overall comment</h4>",
            f'<p class="overall">{_e(rating.overall_comment)}</p>',
        ]

    def _rating_without_rubric(self, rating: SessionRating, missing: str) -> list[str]:
        out = [
            '<article class="rating">',
            f"<h3>Rubric “{_e(rating.rubric_id)}” "
            f'<span class="muted">(version {rating.rubric_version})</span></h3>',
            self._rated_by(rating),
            f'<p class="notice">{_e(missing)}</p>',
        ]
        if rating.items:
            out += [
                '<table class="items">',
                "<caption>Scores</caption>",
                '<thead><tr><th scope="col">Item</th><th scope="col">Score</th>'
                '<th scope="col">Comment</th></tr></thead>',
                "<tbody>",
            ]
            for item in rating.items:
                score = "not rated" if item.score is None else str(item.score)
                out.append(
                    f'<tr><th scope="row">{_e(item.item_id)}</th><td>{_e(score)}</td>'
                    f'<td class="comment">{_e(item.comment)}</td></tr>'
                )
            out += ["</tbody>", "</table>"]
        out += self._overall(rating)
        out.append("</article>")
        return out


_CSS: Final = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  background: #ffffff; max-width: 54rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #333; }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
h4 { font-size: 1rem; margin: .75rem 0 .25rem; }
a { color: #0b4f8a; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.notice { border: 2px solid #333; padding: .4rem .6rem; }
.muted { color: #555; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.counts { width: auto; }
table.anchored { table-layout: fixed; }
table.anchored th:nth-child(1) { width: 28%; }
table.anchored th:nth-child(2) { width: 12%; }
table.anchored th:nth-child(3) { width: 35%; }
table.anchored th:nth-child(4) { width: 25%; }
table.counts td { text-align: right; min-width: 4rem; }
tr.total th, tr.total td { font-weight: 700; }
.description { display: block; font-weight: 400; font-size: .85em; color: #555; }
.unrated { font-style: italic; }
.scale { font-size: .85em; color: #555; }
.comment, .overall, .note, .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.turn { border-top: 1px solid #bbb; padding: .5rem 0 .75rem; }
.turn.marked { border-top: 2px solid #333; }
.turn-head { font-size: 1rem; margin: 0; }
.role, .time { font-weight: 400; color: #555; }
.text { margin: .25rem 0; }
mark { background: #fff1a6; color: inherit; text-decoration: underline;
  text-decoration-thickness: 2px; text-underline-offset: 3px; }
mark.overlap { text-decoration-style: double; }
.tag { font-size: .8em; font-weight: 700; white-space: nowrap; margin: 0 .25em; }
.answered { margin: .25rem 0; font-style: italic; }
.moments, .codes { list-style: none; padding-left: 0; margin: .25rem 0; }
.moment { margin: .5rem 0 .5rem 1rem; }
.moment-head, .code-head { margin: 0; }
.code { border-left: 6px solid #777; padding-left: .6rem; margin: .3rem 0; }
.family, .details { color: #444; }
.note { margin: .1rem 0 0; }
.moment-list ol { padding-left: 2rem; }
.pass-rule { margin: .5rem 0; }
@page { margin: 18mm 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; color: #000;
    background: #ffffff; }
  a { color: #000; text-decoration: none; }
  .muted, .description, .scale, .role, .time, .family, .details { color: #000; }
  h2, h3, h4, caption, .turn-head, .moment-head { break-after: avoid; page-break-after: avoid; }
  .turn, .moment, .code, tr, .notice, .pass-rule { break-inside: avoid; page-break-inside: avoid; }
  mark { background: none; }
  table { break-inside: auto; }
  thead { display: table-header-group; }
}
"""
