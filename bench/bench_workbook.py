"""How long writing the workbook adds to one report: building it for acme, median of 5 runs.

    python3 bench/bench_workbook.py [slug]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.catalogue import load_catalogue  # noqa: E402
from reportgen.build.pipeline import Project, compute  # noqa: E402
from reportgen.model.scenario import catalogue_values, resolve  # noqa: E402
from reportgen.report.theme import load_theme  # noqa: E402
from reportgen.workbook.book import build_workbook  # noqa: E402

RUNS = 5


def main(slug: str = "acme") -> None:
    project = Project(ROOT)
    catalogue = load_catalogue()
    computed = compute(project, slug, catalogue)
    colors = load_theme(project.templates, "default").colors
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        values = catalogue_values(resolve(computed.assessment), catalogue)
        data = build_workbook(computed.assessment, computed.results, values, colors)
        timings.append(time.perf_counter() - start)
    print(f"workbook for {slug}: median {statistics.median(timings):.3f} s over {RUNS} runs "
          f"(min {min(timings):.3f} s, max {max(timings):.3f} s), {len(data) / 1000:.0f} kB")


if __name__ == "__main__":
    main(*sys.argv[1:])
