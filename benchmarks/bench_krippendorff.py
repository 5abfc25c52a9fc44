"""krippendorff_alpha against the `krippendorff` package, on the same data in the same run.

Issue 5's target: on 10 coders x 100,000 units, attune-jupyter's `krippendorff_alpha` is no slower
than the `krippendorff` package (GPL-3; installed with the test extra, used here only as the
baseline), at every level of measurement. The data: values 1..5 (nominal) and 1..7 (ordinal,
interval, ratio) with about 20% of the cells missing, seeded. Times are the median of REPEATS
runs, taken in turns (baseline, then ours) so that a slow moment of the machine hits both; peak
memory is measured with tracemalloc in separate runs, as the peak above what was allocated
before the call. The script also prints both alphas, which must agree. It reports; it asserts
nothing.

Usage: python benchmarks/bench_krippendorff.py [--coders 10] [--units 100000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import krippendorff
import numpy as np
from timing import peak_mb

from attune_jupyter.agreement import krippendorff_alpha


def reliability_data(coders: int, units: int, values: int, missing: float, seed: int) -> np.ndarray:
    """Coders x units: a true value per unit, most coders agreeing, some cells missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, values + 1, units)
    data = np.tile(truth, (coders, 1)).astype(np.float64)
    off = rng.random((coders, units)) < 0.3
    data[off] = rng.integers(1, values + 1, int(off.sum()))
    data[rng.random((coders, units)) < missing] = np.nan
    return data


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(
        f"{args.coders} coders x {args.units:,} units, ~20% missing; "
        f"median of {args.repeats} runs, taken in turns"
    )
    print(
        f"{'level':<10}{'package':>10}{'ours':>10}{'ratio':>8}"
        f"{'peak MB pkg':>13}{'ours':>7}  alpha (package / ours)"
    )
    for level, values, seed in (
        ("nominal", 5, 1),
        ("ordinal", 7, 3),
        ("interval", 7, 2),
        ("ratio", 7, 4),
    ):
        data = reliability_data(args.coders, args.units, values, 0.2, seed)

        def package(data: np.ndarray = data, level: str = level) -> float:
            return float(krippendorff.alpha(data, level_of_measurement=level))

        def ours(data: np.ndarray = data, level: str = level) -> float:
            return krippendorff_alpha(data, level).alpha  # type: ignore[arg-type]

        package_times, our_times = [], []
        for _ in range(args.repeats):
            package_times.append(_seconds(package))
            our_times.append(_seconds(ours))
        base, mine = statistics.median(package_times), statistics.median(our_times)
        print(
            f"{level:<10}{base:>9.3f}s{mine:>9.3f}s{mine / base:>7.2f}x"
            f"{peak_mb(package):>13.0f}{peak_mb(ours):>7.0f}  "
            f"{package():.6f} / {ours():.6f}"
        )


if __name__ == "__main__":
    main()
