"""Batch builds: 20 customers cold with 2 workers and with 1, then a run with nothing to do.

Prints wall times; not a test. Usage: python3 bench/bench_batch.py [--customers 20]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("acme", "bluebird", "northwind")


def make_project(folder: Path, customers: int) -> None:
    """Copies of the examples under new slugs and names, each with its own throughput."""
    (folder / "inputs").mkdir(parents=True)
    shutil.copy(ROOT / "tasks.py", folder)
    shutil.copytree(ROOT / "templates", folder / "templates")
    for i in range(customers):
        data = json.loads((ROOT / "inputs" / f"{EXAMPLES[i % 3]}.json").read_text())
        slug = f"customer-{i + 1:02d}"
        data["customer"].update(slug=slug, name=f"Customer {i + 1:02d} Ltd")
        for cluster in data["clusters"]:
            ingress = cluster["ingress_mbps"]
            if isinstance(ingress, (int, float)):
                cluster["ingress_mbps"] = round(ingress * (1 + i / 40), 2)
        (folder / "inputs" / f"{slug}.json").write_text(json.dumps(data, indent=2))


def run(folder: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(["invoke", "report", "--all", *args], cwd=folder, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**__import__("os").environ,
                                                                             "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=20)
    count = parser.parse_args().customers
    speed_before = loop_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for workers in (2, 1):
            folder = Path(tmp) / f"w{workers}"
            make_project(folder, count)
            results[workers] = run(folder, "--workers", str(workers))
        nothing = run(Path(tmp) / "w2")
    print(f"{count} customers, cold, 2 workers: {results[2]:6.2f} s")
    print(f"{count} customers, cold, 1 worker:  {results[1]:6.2f} s")
    print(f"speed-up with 2 workers:            {results[1] / results[2]:6.2f}x")
    print(f"run with nothing to do:             {nothing:6.2f} s")
    print(describe(speed_before, loop_seconds()))


if __name__ == "__main__":
    sys.exit(main())
