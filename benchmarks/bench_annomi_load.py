"""Loading AnnoMI-simple (133 transcripts, 9,699 turns) against bare pandas.read_csv in one run.

Two baselines: ``read_csv(path)`` as it comes (pandas 3 keeps text in Arrow and builds no Python
strings) and ``read_csv(path, dtype=str, keep_default_na=False)``, which, like the loader, turns
every cell into a Python string and keeps ``n/a`` as written. Issue 3's target is <= 3x the first.

Usage: python benchmarks/bench_annomi_load.py [PATH_TO_AnnoMI-simple.csv]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd
from timing import best_of

from attune_jupyter.core.readers import load_transcripts

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"


def load_quietly(path: Path) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the file's known timestamp quirks
        # Reading speed only: the identifier screen is measured in bench_deid.py.
        return sum(len(t) for t in load_transcripts(path, progress=False, screen=False))


def main(path: Path = DEFAULT) -> None:
    bare = best_of(15, lambda: pd.read_csv(path))
    as_text = best_of(15, lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
    ours = best_of(15, lambda: load_quietly(path))
    print(f"AnnoMI-simple: {load_quietly(path)} turns, {path.stat().st_size / 1e6:.2f} MB")
    print(f"pandas.read_csv(path):                       {bare * 1000:.1f} ms")
    print(f"pandas.read_csv(path, dtype=str, no NA):     {as_text * 1000:.1f} ms")
    print(f"load_transcripts(path):                      {ours * 1000:.1f} ms")
    print(f"ratio to bare read_csv: {ours / bare:.1f}x; to read_csv as text: {ours / as_text:.1f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
