"""De-identification screen: recall, false findings and speed on a seeded synthetic set.

Quality: deid_corpus.generate plants identifiers of every category in therapy dialogues (ground
truth = the planted spans) and writes clean dialogues full of traps. A planted identifier is
recalled when a finding of its category overlaps it; "any category" (a finding of any category
overlaps) and "exact" (same category, same span) are reported too. False findings are counted on
the clean dialogues, per 1,000 turns. Issue targets: recall >= 0.99 for the structured categories,
>= 0.95 for names, <= 5 false findings per 1,000 clean turns.

Speed: screen() on about 5 MB of generated turns, in CPU time (time.process_time, one core),
against a minimal pattern baseline run on the same turns in the same run: a dozen regular
expressions (e-mail, URL, IPv4, phones, SSN, dates, UK/US/CA postcodes, street) applied with
re.finditer, no names, no cues, no validation. (scrubadub would be the natural baseline, but its
2.0.1 wheel pulls in scikit-learn, textblob, dateparser and faker; Presidio needs spaCy models.)
The baseline's recall on the same set is printed for comparison. Issue target: >= 5 MB/s.

Also: how many findings the screen raises on AnnoMI-simple (a public, already de-identified data
set), by category, with the most common findings masked.

Usage: python benchmarks/bench_deid.py [--seed N] [--mb MB] [--examples K]
"""

from __future__ import annotations

import argparse
import re
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from deid_corpus import Dialogue, Planted, generate

from attune_jupyter.core.deid import CATEGORIES, Finding, screen
from attune_jupyter.core.deid.vocabulary import given_names
from attune_jupyter.core.readers import load_transcripts
from attune_jupyter.core.transcript import Transcript, Turn

ANNOMI = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"
STRUCTURED_TARGET, NAME_TARGET, FALSE_TARGET, SPEED_TARGET = 0.99, 0.95, 5.0, 5.0

# ------------------------------------------------------------------------- pattern baseline

_BASELINE: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    ("url", re.compile(r"(?:https?://|www\.)\S+|\b[\w\-]+\.(?:com|org|net|co\.uk)(?:/\S*)?")),
    ("ip_address", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    ("phone", re.compile(r"\+\d{1,3}[\s\d().\-]{6,16}\d")),
    ("phone", re.compile(r"\(?\b0\d{1,4}\)?[\s.\-]?\d{2,4}[\s.\-]?\d{2,4}(?:[\s.\-]?\d{2})*\b")),
    ("phone", re.compile(r"\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b")),
    ("national_id", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    ("date", re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")),
    (
        "date",
        re.compile(
            r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
            r"Nov|Dec)[a-z]*\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+"
            r"\d{1,2}(?:st|nd|rd|th)?\b"
        ),
    ),
    ("postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|\b\d{5}(?:-\d{4})?\b")),
    ("postcode", re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
    ("street_address", re.compile(r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|Road|Lane|Ave)")),
]


def baseline_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), cat) for cat, pattern in _BASELINE for m in pattern.finditer(text)]


# -------------------------------------------------------------------------------- scoring


def transcript_of(dialogue: Dialogue) -> Transcript:
    turns = [
        Turn(f"t{i}", role.capitalize(), role, text)  # type: ignore[arg-type]
        for i, (role, text) in enumerate(dialogue.turns)
    ]
    return Transcript(dialogue.id, turns)


Span = tuple[int, int, str]  # start, end, category


def spans_by_turn(findings: Iterable[Finding]) -> dict[int, list[Span]]:
    by_turn: dict[int, list[Span]] = defaultdict(list)
    for f in findings:
        by_turn[int(f.turn_id[1:])].append((f.start, f.end, f.category))
    return by_turn


def match(p: Planted, spans: list[Span]) -> tuple[bool, bool, bool]:
    """(right category overlaps, any category overlaps, exact span and category)."""
    overlapping = [s for s in spans if s[0] < p.end and p.start < s[1]]
    right = any(s[2] == p.category for s in overlapping)
    exact = any(s == (p.start, p.end, p.category) for s in overlapping)
    return right, bool(overlapping), exact


@dataclass(frozen=True)
class PlantedText:
    planted: Planted
    text: str


def cpu_best(repeats: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


# --------------------------------------------------------------------------------- report


def quality(dialogues: list[Dialogue], examples: int) -> None:
    variants = [d for d in dialogues if d.variant]
    dialogues = [d for d in dialogues if not d.variant]
    planted = [d for d in dialogues if not d.clean]
    clean = [d for d in dialogues if d.clean]
    hits: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    base_hits: dict[str, list[bool]] = defaultdict(list)
    misses: dict[str, list[tuple[Planted, str, list[Span]]]] = defaultdict(list)
    by_form: dict[str, Counter[str]] = defaultdict(Counter)
    by_form_miss: dict[str, Counter[str]] = defaultdict(Counter)
    name_results: list[tuple[PlantedText, tuple[bool, bool, bool]]] = []
    extra_in_planted = 0
    for d in planted:
        found = spans_by_turn(screen(transcript_of(d)))
        for p in d.planted:
            text = d.turns[p.turn][1]
            result = match(p, found.get(p.turn, []))
            hits[p.category].append(result)
            if p.category == "person_name":
                name_results.append((PlantedText(p, text[p.start : p.end]), result))
            base = baseline_spans(text)
            base_hits[p.category].append(match(p, base)[0])
            key = f"{p.form} | {p.context}"
            by_form[p.category][key] += 1
            if not result[0]:
                by_form_miss[p.category][key] += 1
                misses[p.category].append((p, text, found.get(p.turn, [])))
        for t, spans in found.items():
            truths = [p for p in d.planted if p.turn == t]
            extra_in_planted += sum(
                1 for s in spans if not any(s[0] < p.end and p.start < s[1] for p in truths)
            )

    clean_turns = sum(len(d.turns) for d in clean)
    false: Counter[tuple[str, str]] = Counter()
    false_by_cat: Counter[str] = Counter()
    base_false = 0
    hard_turns = sum(len(d.hard) for d in clean)
    hard_false = 0
    for d in clean:
        for f in screen(transcript_of(d)):
            false[(f.category, f.text)] += 1
            false_by_cat[f.category] += 1
            hard_false += int(f.turn_id[1:]) in d.hard
        base_false += sum(len(baseline_spans(text)) for _, text in d.turns)

    total_planted = sum(len(v) for v in hits.values())
    print(
        f"Synthetic set: {len(planted)} dialogues with {total_planted} planted identifiers, "
        f"{len(clean)} clean dialogues with {clean_turns} turns"
    )
    print()
    print(f"{'category':<16}{'planted':>8}{'recall':>8}{'any cat':>9}{'exact':>7}"
          f"{'target':>8}{'met':>5}{'baseline':>10}")  # fmt: skip
    for category in CATEGORIES:
        results = hits.get(category, [])
        if not results:
            continue
        n = len(results)
        recall = sum(r[0] for r in results) / n
        target = NAME_TARGET if category == "person_name" else STRUCTURED_TARGET
        print(
            f"{category:<16}{n:>8}{recall:>8.3f}{sum(r[1] for r in results) / n:>9.3f}"
            f"{sum(r[2] for r in results) / n:>7.3f}{target:>8.2f}"
            f"{'yes' if recall >= target else 'NO':>5}"
            f"{sum(base_hits[category]) / n:>10.3f}"
        )
    names = given_names()
    listed = [r[0] for p, r in name_results if p.text.split()[0].casefold() in names]
    unlisted = [r[0] for p, r in name_results if p.text.split()[0].casefold() not in names]
    print(
        f"  person_name recall when the given name is in the screen's own list: "
        f"{sum(listed) / max(len(listed), 1):.3f} ({len(listed)} planted); when it is not: "
        f"{sum(unlisted) / max(len(unlisted), 1):.3f} ({len(unlisted)} planted)"
    )
    rate = 1000 * sum(false.values()) / clean_turns
    print()
    print(
        f"False findings on clean turns: {sum(false.values())} in {clean_turns} turns = "
        f"{rate:.2f} per 1,000 (target <= {FALSE_TARGET:g}: "
        f"{'met' if rate <= FALSE_TARGET else 'NOT met'}); "
        f"baseline {1000 * base_false / clean_turns:.2f} per 1,000"
    )
    basic_false, basic_turns = sum(false.values()) - hard_false, clean_turns - hard_turns
    print(
        f"  in the {basic_turns} turns with the everyday traps: {basic_false} "
        f"({1000 * basic_false / basic_turns:.2f} per 1,000); in the {hard_turns} turns with "
        f"the harder traps: {hard_false} ({1000 * hard_false / max(hard_turns, 1):.0f} per 1,000)"
    )
    print("  by category: " + ", ".join(f"{c} {n}" for c, n in false_by_cat.most_common()))
    print("  most common: " + ", ".join(f"{t!r} ({c}) x{n}" for (c, t), n in false.most_common(10)))
    print(
        f"Findings in planted dialogues that overlap no planted span: {extra_in_planted} "
        f"({1000 * extra_in_planted / sum(len(d.turns) for d in planted):.2f} per 1,000 turns)"
    )
    print()
    print("Misses by value form | sentence frame (missed/planted, worst first):")
    for category in CATEGORIES:
        missed = by_form_miss.get(category)
        if not missed:
            continue
        worst = sorted(missed, key=lambda k: (-missed[k], k))[:10]
        print(f"  {category}:")
        for key in worst:
            print(f"    {missed[key]:>4}/{by_form[category][key]:<4} {key}")
        for p, text, spans in misses[category][:examples]:
            got = ", ".join(f"{c} {text[s:e]!r}" for s, e, c in spans if s < p.end and p.start < e)
            print(
                f"      e.g. {text!r} -> planted {text[p.start : p.end]!r}; got: {got or 'nothing'}"
            )
    if variants:
        print()
        variant_quality(variants, examples)


def variant_quality(dialogues: list[Dialogue], examples: int) -> None:
    """Recall and false findings on deid_corpus.generate_variants: further shapes and their traps,
    reported apart so that the table above stays comparable from one round to the next."""
    hits: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    by_form: dict[str, Counter[str]] = defaultdict(Counter)
    missed: dict[str, list[str]] = defaultdict(list)
    for d in (d for d in dialogues if not d.clean):
        found = spans_by_turn(screen(transcript_of(d)))
        for p in d.planted:
            text = d.turns[p.turn][1]
            result = match(p, found.get(p.turn, []))
            hits[p.category].append(result)
            by_form[p.category][p.form] += 0 if result[0] else 1
            if not result[0]:
                got = ", ".join(
                    f"{c} {text[s:e]!r}"
                    for s, e, c in found.get(p.turn, [])
                    if s < p.end and p.start < e
                )
                missed[p.category].append(
                    f"{text!r} -> planted {text[p.start : p.end]!r}; got: {got or 'nothing'}"
                )
    clean = [d for d in dialogues if d.clean]
    trap_turns = sum(len(d.hard) for d in clean)
    other_turns = sum(len(d.turns) for d in clean) - trap_turns
    false: Counter[tuple[str, str]] = Counter()
    trap_false = 0
    for d in clean:
        for f in screen(transcript_of(d)):
            false[(f.category, f.text)] += 1
            trap_false += int(f.turn_id[1:]) in d.hard
    print(
        f"Further shapes (deid_corpus.generate_variants, {len(dialogues) // 2} planted and "
        f"{len(clean)} clean dialogues):"
    )
    print(f"{'category':<16}{'planted':>8}{'recall':>8}{'any cat':>9}{'exact':>7}")
    for category, results in hits.items():
        n = len(results)
        print(
            f"{category:<16}{n:>8}{sum(r[0] for r in results) / n:>8.3f}"
            f"{sum(r[1] for r in results) / n:>9.3f}{sum(r[2] for r in results) / n:>7.3f}"
        )
        forms = [f"{form} {n}" for form, n in by_form[category].most_common() if n]
        if forms:
            print("    missed: " + ", ".join(forms))
        for line in missed[category][:examples]:
            print(f"      e.g. {line}")
    print(
        f"  false findings: {trap_false} in {trap_turns} turns with traps for these shapes "
        f"({1000 * trap_false / max(trap_turns, 1):.2f} per 1,000), "
        f"{sum(false.values()) - trap_false} in the other {other_turns} turns"
    )
    if false:
        print(
            "  most common: " + ", ".join(f"{t!r} ({c}) x{n}" for (c, t), n in false.most_common(8))
        )


def annomi() -> tuple[list[Transcript], float]:
    if not ANNOMI.exists():
        print(f"AnnoMI-simple not found at {ANNOMI}")
        return [], 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the file's known timestamp quirks
        transcripts = load_transcripts(ANNOMI, progress=False, screen=False)
    findings = [f for t in transcripts for f in screen(t)]
    turns = sum(len(t.turns) for t in transcripts)
    flagged = sum(1 for t in transcripts if screen(t))
    by_cat = Counter(f.category for f in findings)
    common = Counter((f.category, f.masked) for f in findings).most_common(10)
    print(
        f"AnnoMI-simple: {len(findings)} findings in {turns} turns "
        f"({1000 * len(findings) / turns:.2f} per 1,000 turns); "
        f"{flagged} of {len(transcripts)} transcripts would be refused by the gate"
    )
    print("  by category: " + ", ".join(f"{c} {n}" for c, n in by_cat.most_common()))
    print("  most common (masked): " + ", ".join(f"{m!r} ({c}) x{n}" for (c, m), n in common))
    size = sum(len(turn.text.encode()) for t in transcripts for turn in t.turns) / 1e6
    return transcripts, size


def speed(seed: int, megabytes: float, annomi_set: list[Transcript], annomi_mb: float) -> None:
    transcripts: list[Transcript] = []
    size = 0
    batch = seed
    while size < megabytes * 1e6:
        batch += 1
        for d in generate(batch, planted_dialogues=100, clean_dialogues=300):
            transcripts.append(transcript_of(d))
            size += sum(len(text.encode()) for _, text in d.turns)
    texts = [turn.text for t in transcripts for turn in t.turns]

    def run_screen(items: list[Transcript]) -> int:
        return sum(len(screen(t)) for t in items)

    def run_baseline(items: list[str]) -> int:
        return sum(len(baseline_spans(text)) for text in items)

    ours = cpu_best(3, lambda: run_screen(transcripts))
    base = cpu_best(3, lambda: run_baseline(texts))
    mb = size / 1e6
    print(
        f"Speed on {mb:.2f} MB of generated turns ({len(texts)} turns, 1 in 4 dialogues "
        "planted), CPU time, best of 3:"
    )
    print(f"  pattern baseline: {base:.2f} s ({mb / base:.1f} MB/s)")
    print(
        f"  screen():         {ours:.2f} s ({mb / ours:.1f} MB/s; target >= {SPEED_TARGET:g}: "
        f"{'met' if mb / ours >= SPEED_TARGET else 'NOT met'})"
    )
    print(f"  ratio screen / baseline: {ours / base:.2f}x")
    if annomi_set:
        annomi_texts = [turn.text for t in annomi_set for turn in t.turns]
        ours_a = cpu_best(3, lambda: run_screen(annomi_set))
        base_a = cpu_best(3, lambda: run_baseline(annomi_texts))
        print(
            f"  AnnoMI-simple turn text ({annomi_mb:.2f} MB): screen {mb_s(annomi_mb, ours_a)}, "
            f"baseline {mb_s(annomi_mb, base_a)}, ratio {ours_a / base_a:.2f}x"
        )


def mb_s(mb: float, seconds: float) -> str:
    return f"{seconds:.2f} s ({mb / seconds:.1f} MB/s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--mb", type=float, default=5.0, help="text for the speed run, in MB")
    parser.add_argument("--examples", type=int, default=2, help="missed examples per category")
    parser.add_argument(
        "--variants", type=int, default=120, help="dialogues of further shapes (0: none)"
    )
    args = parser.parse_args()
    quality(generate(args.seed, variant_dialogues=args.variants), args.examples)
    print()
    annomi_set, annomi_mb = annomi()
    print()
    speed(args.seed, args.mb, annomi_set, annomi_mb)


if __name__ == "__main__":
    main()
