"""Time and memory of the range analysis (simulation, percentiles and sensitivity) against its targets.

    python3 bench/bench_uncertainty.py [--runs 5]

Targets: acme with 100,000 trials in at most 0.3 s and 200 MB; 200 clusters (acme's three repeated)
with 10,000 trials in at most 300 MB. acme with its own 10,000 trials is shown for information.
Each case runs in a fresh process, so the peak memory printed (the process's maximum resident set,
interpreter and imports included) is that case's alone. Time is the median CPU time of the runs
after a warm-up, with wall time beside it: the machine is shared, and CPU time drifts less.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from estate import ACME, load_estate  # noqa: E402
from reportgen.catalogue import load_catalogue  # noqa: E402
from reportgen.inputs.loader import load_assessment  # noqa: E402
from reportgen.inputs.schema import MonteCarlo  # noqa: E402
from reportgen.model.uncertainty import analyse  # noqa: E402

# case: (clusters, or None for acme as it is; trials; target seconds or None; target MB)
CASES = {"acme-10k": (None, 10_000, None, None),
         "acme-100k": (None, 100_000, 0.3, 200),
         "estate-200": (200, 10_000, None, 300)}


def run_case(name: str, runs: int) -> dict:
    """One case in this process: the median times of `runs` analyses and the process's peak memory."""
    clusters, trials, _, _ = CASES[name]
    catalogue = load_catalogue()
    if clusters is None:
        assessment = load_assessment(ACME, catalogue, ROOT)
    else:
        assessment, _ = load_estate(clusters, catalogue)
    seed = assessment.assessment.monte_carlo.seed
    analyse(assessment, catalogue, MonteCarlo(trials=1000, seed=seed))  # warm-up: imports, caches
    cpu, wall = [], []
    for _ in range(runs):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        analyse(assessment, catalogue, MonteCarlo(trials=trials, seed=seed))
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall), "runs": runs,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[3:]))
    parser.add_argument("--runs", type=int, default=5, help="timed analyses per acme case (the estate runs at most 3)")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)  # one case, in the fresh process
    args = parser.parse_args()
    if args.case:
        runs = args.runs if CASES[args.case][0] is None else min(args.runs, 3)
        print(json.dumps(run_case(args.case, runs)))
        return 0
    speed_before = loop_seconds()
    ok = True
    lines = []
    for name, (clusters, trials, seconds, megabytes) in CASES.items():
        out = subprocess.run([sys.executable, __file__, "--case", name, "--runs", str(args.runs)],
                             check=True, capture_output=True, text=True).stdout
        figures = json.loads(out)
        within = (seconds is None or figures["cpu"] <= seconds) and (megabytes is None or figures["max_rss_mb"] <= megabytes)
        ok &= within
        estate = "acme" if clusters is None else f"{clusters} clusters"
        targets = [target for target in (seconds and f"{seconds} s", megabytes and f"{megabytes} MB") if target]
        verdict = f"target {' and '.join(targets)}: {'within' if within else 'OVER'}" if targets else "for information"
        lines.append(f"{estate}, {trials:,} trials: {figures['cpu']:.3f} s CPU, {figures['wall']:.3f} s wall "
                     f"(median of {figures['runs']}), peak memory {figures['max_rss_mb']:.0f} MB ({verdict})")
    print(describe(speed_before, loop_seconds()))
    print("\n".join(lines))
    print("within every target" if ok else "OVER A TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
