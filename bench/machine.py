"""How fast the machine is right now: shared VMs drift by a third or more within minutes.

A fixed pure-Python loop, timed before and after a benchmark, helps tell a slow figure caused by
the code from one caused by the machine. On this project's machine (2 cores, quiet) it takes about
0.30 s. It is a hint, not a correction: compare two versions by running them in turn, not hours apart.
"""

from __future__ import annotations

import time

QUIET_SECONDS = 0.30


def loop_seconds() -> float:
    """The best of three runs of the same six million multiplications."""
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(6_000_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - start)
    return best


def describe(before: float, after: float) -> str:
    return (f"machine speed: a fixed CPU loop took {before:.2f} s before and {after:.2f} s after this run "
            f"({QUIET_SECONDS:.2f} s when quiet; layout, which leans on memory, can slow more than the loop)")
