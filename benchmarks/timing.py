"""Timing and memory helpers for the benchmarks: best-of-N wall time, so that one slow run does
not skew a ratio, and peak memory of one call."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs of ``work``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def peak_mb(work: Callable[[], object]) -> float:
    """Peak memory ``work`` allocated above what was allocated before it, in MB (tracemalloc:
    numpy and pandas buffers included; it slows the code it watches, so time runs separately)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - before) / 1e6
