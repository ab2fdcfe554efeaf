"""Time of releasing 20 customers at once, against the target: under 2 s (a release copies built files).

    python3 bench/bench_release.py [--customers 20]

Builds that many copies of the acme example in a temporary project with `invoke report --all --final` (every
format; this takes a while and is not what is timed), then times `invoke release --all` as a user runs it, the
whole command: start-up, the up-to-date check of each build, the copies and their digests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0


def invoke(project: Path, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"invoke {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20)
    customers = parser.parse_args().customers
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copy(ROOT / "tasks.py", project)
        (project / "templates").symlink_to(ROOT / "templates")
        (project / "inputs").mkdir()
        acme = json.loads((ROOT / "inputs" / "acme.json").read_text())
        for n in range(customers):
            acme["customer"]["slug"] = f"customer-{n:02d}"
            (project / "inputs" / f"customer-{n:02d}.json").write_text(json.dumps(acme, indent=2))
        built = invoke(project, "report", "--all", "--final")
        print(f"built {customers} customers (every format) in {built:.1f} s")
        before = loop_seconds()
        seconds = invoke(project, "release", "--all", "--note", "bench")
        after = loop_seconds()
        files = sum(1 for _ in (project / "releases").rglob("*") if _.is_file())
        size_mb = sum(p.stat().st_size for p in (project / "releases").rglob("*") if p.is_file()) / 2**20
        print(f"invoke release --all: {customers} customers, {files} files, {size_mb:.0f} MB in {seconds:.2f} s "
              f"(target {TARGET_SECONDS:.0f} s)")
        print(describe(before, after))


if __name__ == "__main__":
    main()
