"""How fast the Annotator draws a long transcript and answers a key press, in a real JupyterLab
driven by headless Chromium, against baselines measured in the same run and the same page.

- Render: the widget's own performance measures, ``attune-annotator-render`` (building the DOM)
  and ``attune-annotator-first-frame`` (until the first frame after it is on the page, so style,
  layout and paint are in). Baseline: the same turns drawn as plain ``<div>`` s with
  ``textContent`` into a box of the same height in the same page, timed the same way.
- Key press -> chip: from the keydown (a capture listener on the document) until the code's chip
  is in the DOM and until the next frame. Baseline: a plain keydown listener that appends a
  ``<span>`` to a ``<div>``, observed the same way.
- Key press -> store: from the key press sent by the benchmark until the row is in the SQLite
  file (polled from this process through a read-only connection). Baseline: one bare sqlite3
  insert and commit with the store's durability settings (WAL, synchronous=FULL) on the same
  disk: the least any write can take.

Transcripts: AnnoMI's longest session (598 turns, from ../shared/data/annomi, or $ANNOMI) and
5,000 turns taken in order from all AnnoMI sessions; synthetic turns of similar length when the
corpus is not there. Medians of ``--runs`` runs (default 5).

Usage: python benchmarks/bench_annotator_render.py [--runs N] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import Page, sync_playwright

import attune_jupyter as aj
from attune_jupyter import Codebook

# The browser tests' JupyterLab launcher, so the benchmark measures the set-up the tests check.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.ui.jupyterlab_server import CHROMIUM_FLAGS, Lab, running_lab
from tests.ui.lab_notebooks import run_all_cells

ANNOMI = Path(
    os.environ.get(
        "ANNOMI",
        Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-simple.csv",
    )
)
TARGETS_MS = {"render 600": 300.0, "render 5000": 1000.0, "key->chip": 50.0, "key->store": 200.0}
KEY = Codebook.default().code("attunement.curiosity").key

#: Notebook code that builds the benchmark transcripts (the same code runs here for the baseline).
TRANSCRIPTS_CODE = '''
import itertools, random, warnings
from pathlib import Path
import attune_jupyter as aj

def bench_transcript(size, annomi):
    """AnnoMI's longest session for ~600 turns, else AnnoMI turns in order; synthetic without it."""
    if Path(annomi).exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sessions = aj.load_transcripts(annomi, screen=False)
        longest = max(sessions, key=len)
        if abs(len(longest) - size) <= 10:
            return aj.Transcript(f"bench-{size}", longest.turns)
        turns = itertools.islice(itertools.chain.from_iterable(s.turns for s in sessions), size)
    else:
        rng = random.Random(size)
        words = "you said the week felt long and I wonder what that was like for you".split()
        turns = (
            aj.Turn(f"x{i}", "Therapist" if i % 2 == 0 else "Client",
                    "therapist" if i % 2 == 0 else "client",
                    " ".join(rng.choice(words) for _ in range(rng.randint(3, 25))))
            for i in range(size)
        )
    return aj.Transcript(
        f"bench-{size}",
        [aj.Turn(f"t{i + 1}", t.speaker, t.role, t.text) for i, t in enumerate(turns)],
    )
'''


def write_notebook(lab: Lab, size: int, store: Path) -> str:
    name = f"bench_{size}.ipynb"
    cell = (
        f"{TRANSCRIPTS_CODE}\n"
        f"transcript = bench_transcript({size}, {str(ANNOMI)!r})\n"
        f"store = aj.open_store({str(store)!r})\n"
        "widget = aj.Annotator(transcript, annotator='bench', store=store)\n"
        "widget\n"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, lab.root_dir / name)
    return name


def local_transcript(size: int) -> aj.Transcript:
    namespace: dict[str, Any] = {}
    exec(TRANSCRIPTS_CODE, namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transcript: aj.Transcript = namespace["bench_transcript"](size, str(ANNOMI))
    return transcript


def measures(page: Page, name: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = page.evaluate(
        "(name) => performance.getEntriesByName(name).map(e => ({duration: e.duration,"
        " detail: e.detail}))",
        name,
    )
    return entries


def widget_renders(page: Page, lab: Lab, notebook: str, runs: int) -> list[tuple[float, float]]:
    """(build, first frame) in ms for each of ``runs`` runs of the notebook's cell."""
    page.goto(lab.page_url(f"lab/tree/{notebook}"))
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)
    for run in range(runs):
        print(f"{notebook}: run {run + 1} of {runs}", file=sys.stderr)
        run_all_cells(page, notebook)
        page.wait_for_function(
            "(n) => performance.getEntriesByName('attune-annotator-first-frame').length >= n",
            arg=run + 1,
            timeout=180_000,
        )
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
        time.sleep(0.5)  # let the kernel and the page settle before the next run
    builds = measures(page, "attune-annotator-render")
    frames = measures(page, "attune-annotator-first-frame")
    if not all(f["detail"]["connected"] or f["detail"]["frames"] < 600 for f in frames):
        raise RuntimeError("the widget was never attached to the page")
    return [(b["duration"], f["duration"]) for b, f in zip(builds, frames, strict=True)]


BASELINE_RENDER = """
async (turns) => {
  const list = document.querySelector('.jp-attune-Annotator-turns');
  const box = document.createElement('div');
  box.style.cssText = `position: fixed; left: 0; top: 0; z-index: 10000; overflow: auto;
    width: ${list.clientWidth}px; height: ${list.clientHeight}px; background: white;`;
  document.body.append(box);
  const started = performance.now();
  const fragment = document.createDocumentFragment();
  for (const [speaker, text] of turns) {
    const turn = document.createElement('div');
    const who = document.createElement('b');
    who.textContent = speaker;
    const words = document.createElement('div');
    words.textContent = text;
    turn.append(who, words);
    fragment.append(turn);
  }
  box.append(fragment);
  const build = performance.now() - started;
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const frame = performance.now() - started;
  box.remove();
  return [build, frame];
}
"""

#: Watch `root` for a new code chip (or any span, for the baseline) after the next keydown.
WATCH_KEY = """
([selector, chip]) => {
  const root = document.querySelector(selector);
  window.__bench = null;
  let started = 0;
  const onKey = () => { started = performance.now(); };
  document.addEventListener('keydown', onKey, { capture: true, once: true });
  const observer = new MutationObserver(records => {
    const added = records.some(r => [...r.addedNodes].some(
      n => n instanceof Element && (n.matches(chip) || n.querySelector(chip))));
    if (!added || !started) return;
    const dom = performance.now() - started;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => {
      window.__bench = { dom, frame: performance.now() - started };
    }, 0));
  });
  observer.observe(root, { subtree: true, childList: true });
}
"""

BASELINE_KEY = """
() => {
  const box = document.createElement('div');
  box.id = 'bench-baseline-key';
  box.tabIndex = 0;
  box.style.cssText = 'position: fixed; left: 0; top: 0; z-index: 10000; background: white;';
  box.addEventListener('keydown', event => {
    const chip = document.createElement('span');
    chip.className = 'bench-chip';
    chip.textContent = 'Curiosity';
    box.append(chip);
    event.preventDefault();
    event.stopPropagation();
  });
  document.body.append(box);
  box.focus();
}
"""


def store_count(path: Path, transcript_id: str) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT COUNT(*) FROM annotations WHERE transcript_id = ?", (transcript_id,)
        ).fetchone()
        return int(row[0])
    finally:
        db.close()


def key_presses(page: Page, store: Path, transcript_id: str, runs: int) -> dict[str, list[float]]:
    """Key -> chip (DOM, next frame), the view's own measure, and key -> row in the store."""
    results: dict[str, list[float]] = {"dom": [], "frame": [], "view": [], "store": []}
    listbox = page.locator(".jp-attune-Annotator").get_by_role("listbox", name="Transcript turns")
    listbox.locator("[role='option']").first.click()
    for _ in range(runs):
        page.keyboard.press("j")
        page.keyboard.press("j")  # the next therapist turn, uncoded
        time.sleep(0.3)
        page.evaluate(WATCH_KEY, [".jp-attune-Annotator-turns", ".jp-attune-CodeChip"])
        before = store_count(store, transcript_id)
        started = time.perf_counter()
        page.keyboard.press(KEY)
        while store_count(store, transcript_id) == before:
            if time.perf_counter() - started > 10:
                raise RuntimeError("the key press never reached the store")
            time.sleep(0.0005)
        results["store"].append((time.perf_counter() - started) * 1000)
        page.wait_for_function("() => window.__bench !== null")
        chip = page.evaluate("window.__bench")
        results["dom"].append(chip["dom"])
        results["frame"].append(chip["frame"])
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
    views = measures(page, "attune-annotator-key-to-chip")
    results["view"] = [entry["duration"] for entry in views[-runs:]]
    return results


def baseline_key(page: Page, runs: int) -> dict[str, list[float]]:
    page.evaluate(BASELINE_KEY)
    results: dict[str, list[float]] = {"dom": [], "frame": []}
    for _ in range(runs):
        page.evaluate(WATCH_KEY, ["#bench-baseline-key", ".bench-chip"])
        page.keyboard.press(KEY)
        page.wait_for_function("() => window.__bench !== null")
        chip = page.evaluate("window.__bench")
        results["dom"].append(chip["dom"])
        results["frame"].append(chip["frame"])
    page.evaluate("document.getElementById('bench-baseline-key').remove()")
    return results


def bare_write_ms(folder: Path, runs: int) -> list[float]:
    db = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE a (id TEXT PRIMARY KEY, transcript TEXT, turn TEXT, code TEXT)")
    times = []
    for i in range(runs):
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO a VALUES (?, 'bench', ?, 'attunement')", (f"id{i}", f"t{i}"))
        db.execute("COMMIT")
        times.append((time.perf_counter() - started) * 1000)
    db.close()
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--chromium", default=os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    rows: list[tuple[str, str, float, str, float, str]] = []
    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        folder = Path(name)
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_FLAGS)
        writes = bare_write_ms(folder, max(args.runs, 20))
        (folder / "notebooks").mkdir()
        with running_lab(folder, folder / "notebooks", "/attune-bench/") as lab:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            for size in (600, 5000):
                transcript = local_transcript(size)
                store = folder / f"bench-{size}.sqlite"
                notebook = write_notebook(lab, size, store)
                renders = widget_renders(page, lab, notebook, args.runs)
                turns = [[t.speaker, t.text] for t in transcript.turns]
                baseline = [page.evaluate(BASELINE_RENDER, turns) for _ in range(args.runs)]
                label = f"{len(transcript)} turns"
                for what, index in (("DOM built", 0), ("first frame", 1)):
                    ours = median([r[index] for r in renders])
                    base = median([b[index] for b in baseline])
                    target = TARGETS_MS[f"render {size}"] if index == 1 else None
                    rows.append(
                        (
                            f"render, {label}: {what}",
                            "plain divs",
                            base,
                            "Annotator",
                            ours,
                            _target(ours, target),
                        )
                    )
                keys = key_presses(page, store, transcript.id, args.runs)
                plain = baseline_key(page, args.runs)
                rows.append(
                    (
                        f"key -> chip in DOM, {label}",
                        "plain listener",
                        median(plain["dom"]),
                        "Annotator",
                        median(keys["dom"]),
                        _target(median(keys["dom"]), 50.0),
                    )
                )
                rows.append(
                    (
                        f"key -> next frame, {label}",
                        "plain listener",
                        median(plain["frame"]),
                        "Annotator",
                        median(keys["frame"]),
                        _target(median(keys["frame"]), 50.0),
                    )
                )
                rows.append(
                    (
                        f"key handler (view's own measure), {label}",
                        "-",
                        float("nan"),
                        "Annotator",
                        median(keys["view"]),
                        "",
                    )
                )
                rows.append(
                    (
                        f"key -> row in store, {label}",
                        "bare sqlite3 write",
                        median(writes),
                        "Annotator",
                        median(keys["store"]),
                        _target(median(keys["store"]), 200.0),
                    )
                )
                print(f"{label}: renders {json.dumps(renders)}", file=sys.stderr)
                print(f"{label}: keys {json.dumps(keys)}", file=sys.stderr)
                print(
                    f"{label}: frames detail {measures(page, 'attune-annotator-first-frame')[-1]}",
                    file=sys.stderr,
                )
            page.close()
        browser.close()
    print(f"Medians of {args.runs} runs; Chromium headless, viewport 1400x1000.\n")
    print("| measure | baseline | baseline ms | attune-jupyter ms | ratio | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for measure, baseline_name, base, _ours_name, ours, target in rows:
        ratio = f"{ours / base:.1f}x" if base == base and base > 0 else "-"
        base_text = f"{base:.1f}" if base == base else "-"
        print(f"| {measure} | {baseline_name} | {base_text} | {ours:.1f} | {ratio} | {target} |")


def _target(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"< {target:.0f} ms: {'met' if value < target else 'NOT met'}"


if __name__ == "__main__":
    main()
