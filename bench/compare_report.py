"""Two versions of reportgen, one report each in turn: the fair way to compare them on a machine whose
speed drifts (see machine.py). Prints the median and fastest wall time of `invoke report --customer acme`
for each git revision.

    python3 bench/compare_report.py c4d1305 HEAD [--runs 8] [--customer acme]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent


def checkout(revision: str, folder: Path) -> Path:
    """The revision in a detached worktree, compiled as the setup script compiles it, with the examples' inputs."""
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(folder), revision], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "reportgen", "tasks.py"], cwd=folder, check=True)
    return folder


def one_report(folder: Path, customer: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "invoke", "report", "--customer", customer], cwd=folder, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(folder)})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs=2)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--customer", default="acme")
    args = parser.parse_args()
    speed_before = loop_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        folders = [checkout(revision, Path(tmp) / f"v{i}") for i, revision in enumerate(args.revisions)]
        try:
            for folder in folders:  # a first run fills each version's caches, as a user's second run would find them
                one_report(folder, args.customer)
            walls: list[list[float]] = [[], []]
            for _ in range(args.runs):
                for i, folder in enumerate(folders):
                    walls[i].append(one_report(folder, args.customer))
        finally:
            for folder in folders:
                subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)
    for revision, times in zip(args.revisions, walls):
        print(f"{revision:>12}: median {statistics.median(times):.2f} s, fastest {min(times):.2f} s over {args.runs} runs")
    print(describe(speed_before, loop_seconds()))


if __name__ == "__main__":
    main()
