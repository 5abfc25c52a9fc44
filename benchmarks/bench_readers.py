"""Transcript reading speed against a bare baseline in the same run.

The baseline splits the same WebVTT text into cues with str methods only (no validation, no
speakers, no merging): the ratio is what parsing properly costs on a long session (5,000 cues).

Usage: python benchmarks/bench_readers.py [CUES]
"""

from __future__ import annotations

import sys

from timing import best_of

from attune_jupyter.core import parse_transcript


def synthetic_vtt(cues: int) -> str:
    lines = ["WEBVTT", ""]
    for i in range(cues):
        start, end = i * 3, i * 3 + 2
        timing = f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
        timing += f"{end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.500"
        speaker = "Therapist" if (i // 2) % 2 == 0 else "Client"
        lines += [
            str(i + 1),
            timing,
            f"{speaker}: synthetic line number {i} about the week, work and sleep.",
            "",
        ]
    return "\n".join(lines)


def bare_split(text: str) -> int:
    cues = 0
    for block in text.split("\n\n")[1:]:
        parts = block.split("\n")
        if len(parts) >= 3 and "-->" in parts[1]:
            parts[2].split(": ", 1)
            cues += 1
    return cues


def main(cues: int = 5_000) -> None:
    text = synthetic_vtt(cues)
    base = best_of(5, lambda: bare_split(text))
    ours = best_of(5, lambda: parse_transcript(text, "webvtt"))
    turns = len(parse_transcript(text, "webvtt"))
    print(f"WebVTT cues: {cues} ({len(text) / 1e6:.2f} MB) -> {turns} turns")
    print(f"bare split:        {base * 1000:.1f} ms")
    print(f"parse_transcript:  {ours * 1000:.1f} ms ({len(text) / 1e6 / ours:.1f} MB/s)")
    print(f"ratio parse / bare split: {ours / base:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
