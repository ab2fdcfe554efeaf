"""Time to write the live-formula workbook, for acme and for estates of 50 to 200 clusters, against its target.

    python3 bench/bench_workbook.py [--runs 5] [--customer acme]

Target: the workbook of 200 clusters (acme's three repeated) in at most 1.5 s, the time growing in
proportion to the estate (the seconds per cluster printed stay level). The workbook is built as a
report builds it, with Python's cyclic collector paused (tasks.py pauses it for every task); the
200-cluster time with the collector running is shown for information. Time is the median CPU time
of the runs, with wall time beside it: the machine is shared, and CPU time drifts less.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from estate import load_estate  # noqa: E402
from reportgen.build.pipeline import Project, compute, compute_assessment  # noqa: E402
from reportgen.catalogue import load_catalogue  # noqa: E402
from reportgen.model.scenario import catalogue_values, resolve  # noqa: E402
from reportgen.workbook.book import build_workbook  # noqa: E402

ESTATES = (50, 100, 200)
TARGET_CLUSTERS, TARGET_SECONDS = 200, 1.5


def timed(computed, catalogue, runs: int) -> tuple[float, float, int]:
    """Median CPU and wall seconds of building the workbook `runs` times, and its size in bytes."""
    cpu, wall = [], []
    for _ in range(runs):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        values = catalogue_values(resolve(computed.assessment), catalogue)
        data = build_workbook(computed.assessment, computed.results, values)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall), len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[3:]))
    parser.add_argument("--runs", type=int, default=5, help="workbooks built per estate (the median is printed)")
    parser.add_argument("--customer", default="acme", help="the example printed first, from inputs/")
    args = parser.parse_args()
    catalogue = load_catalogue()
    speed_before = loop_seconds()
    lines, ok = [], False
    gc.disable()
    cpu, wall, size = timed(compute(Project(ROOT), args.customer, catalogue), catalogue, args.runs)
    lines.append(f"{args.customer}: {cpu:.3f} s CPU, {wall:.3f} s wall, {size / 1000:.0f} kB")
    estates = {n: compute_assessment(*load_estate(n, catalogue), catalogue) for n in ESTATES}
    for clusters, computed in estates.items():
        cpu, wall, size = timed(computed, catalogue, args.runs)
        line = (f"{clusters} clusters: {cpu:.3f} s CPU ({cpu / clusters * 1000:.1f} ms a cluster), "
                f"{wall:.3f} s wall, {size / 1000:.0f} kB")
        if clusters == TARGET_CLUSTERS:
            ok = cpu <= TARGET_SECONDS
            line += f" (target {TARGET_SECONDS} s: {'within' if ok else 'OVER'})"
        lines.append(line)
    gc.enable()
    cpu, wall, _ = timed(estates[TARGET_CLUSTERS], catalogue, args.runs)
    print(describe(speed_before, loop_seconds()))
    print(f"workbook, median of {args.runs} runs, as a report builds it (cyclic collector paused):")
    print("\n".join("  " + line for line in lines))
    print(f"{TARGET_CLUSTERS} clusters with the collector running: {cpu:.3f} s CPU, {wall:.3f} s wall (for information)")
    print("within the target" if ok else "OVER THE TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
