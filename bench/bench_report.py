"""Benchmark: median wall time of `invoke report --customer acme` as a fresh process over 5 runs,
the time per stage, and the ratio of the whole to WeasyPrint alone on the same HTML (the floor).

    python3 bench/bench_report.py [--runs 5] [--customer acme]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent
FLOOR = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
folder = Path(sys.argv[1])
fonts = FontConfiguration()
HTML(filename=str(folder / sys.argv[2]), base_url=folder.as_uri() + "/").render(font_config=fonts).write_pdf()
print(time.perf_counter() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--customer", default="acme")
    args = parser.parse_args()
    load_before, speed_before = os.getloadavg()[0], loop_seconds()
    walls, stages = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "invoke", "report", "--customer", args.customer], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout
        walls.append(time.perf_counter() - start)
        line = next(line for line in out.splitlines() if line.strip().startswith("stages:"))
        stages.append({k: float(v) for k, v in re.findall(r"(\w+) (\d+\.\d+)", line)})
    html = f"{args.customer}-kafka-tco-assessment.html"
    floors = [float(subprocess.run([sys.executable, "-c", FLOOR, str(ROOT / "output" / args.customer), html],
                                   check=True, capture_output=True, text=True).stdout) for _ in range(args.runs)]
    whole, floor = statistics.median(walls), statistics.median(floors)
    print(f"load average (1 min) on {os.cpu_count()} cores: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(describe(speed_before, loop_seconds()))
    print(f"invoke report --customer {args.customer}: median {whole:.2f} s over {args.runs} fresh runs "
          f"(min {min(walls):.2f}, max {max(walls):.2f})")
    for name in stages[0]:
        print(f"  {name:<9} {statistics.median(s[name] for s in stages):.2f} s")
    print(f"WeasyPrint alone on the same HTML (imports included): median {floor:.2f} s; whole / floor = {whole / floor:.2f}")


if __name__ == "__main__":
    main()
