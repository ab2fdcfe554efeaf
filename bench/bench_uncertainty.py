"""Time and memory of the range analysis (simulation + percentiles + sensitivity) for acme.

    python3 bench/bench_uncertainty.py

Budgets (the issue): 10,000 trials in at most 0.3 s of compute, 100,000 in at most 3 s, and
under 500 MB at 100,000. CPU time is reported beside wall time because the machine is shared.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.catalogue import load_catalogue  # noqa: E402
from reportgen.inputs.loader import load_assessment  # noqa: E402
from reportgen.inputs.schema import MonteCarlo  # noqa: E402
from reportgen.model.uncertainty import analyse  # noqa: E402

BUDGET_SECONDS = {10_000: 0.3, 100_000: 3.0}
BUDGET_MB = 500
RUNS = {10_000: 7, 100_000: 3}


def timed(assessment, catalogue, settings) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    analyse(assessment, catalogue, settings)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    catalogue = load_catalogue()
    assessment = load_assessment(ROOT / "inputs" / "acme.json", catalogue, ROOT)
    seed = assessment.assessment.monte_carlo.seed
    analyse(assessment, catalogue, MonteCarlo(trials=1000, seed=seed))  # warm-up: imports, caches
    ok = True
    for trials, budget in BUDGET_SECONDS.items():
        runs = [timed(assessment, catalogue, MonteCarlo(trials=trials, seed=seed)) for _ in range(RUNS[trials])]
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        ok &= cpu <= budget
        print(f"acme, {trials:>7,} trials: {cpu:.3f} s CPU, {wall:.3f} s wall "
              f"(median of {len(runs)}; budget {budget} s)")
    tracemalloc.start()
    analyse(assessment, catalogue, MonteCarlo(trials=100_000, seed=seed))
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    ok &= peak_mb <= BUDGET_MB
    print(f"acme, 100,000 trials: peak traced memory {peak_mb:.0f} MB, process max RSS {max_rss_mb:.0f} MB "
          f"(budget {BUDGET_MB} MB)")
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
