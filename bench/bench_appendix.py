"""Benchmark: WeasyPrint time of one built report with and without its Appendix A, and Appendix A's pages.

    python3 bench/bench_appendix.py [--runs 3] [--customer acme] [--root another/checkout]

Reads the HTML that `invoke report` wrote, cuts the `section-appendix-a` section for the second
variant and renders both in this process (fonts configured afresh each time); prints the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

ROOT = Path(__file__).resolve().parent.parent
APPENDIX_A = re.compile(r'<section[^>]*id="section-appendix-a".*?</section>\s*', re.S)


def render_seconds(path: Path, folder: Path) -> tuple[float, int]:
    start = time.perf_counter()
    document = HTML(filename=str(path), base_url=folder.as_uri() + "/").render(font_config=FontConfiguration())
    document.write_pdf()
    return time.perf_counter() - start, len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--customer", default="acme")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose output/ to read (to compare builds)")
    args = parser.parse_args()
    folder = args.root / "output" / args.customer
    full = folder / f"{args.customer}-kafka-tco-assessment.html"
    text = full.read_text(encoding="utf-8")
    section = APPENDIX_A.search(text)
    if section is None:
        raise SystemExit(f"{full}: no section-appendix-a")
    print(f"load average (1 min) on {os.cpu_count()} cores: {os.getloadavg()[0]:.2f}")
    print(f"Appendix A markup: {section.group().count('<td')} td, {section.group().count('<span')} span, "
          f"{section.group().count('<a ')} a; whole report {text.count('<td')} td")
    with tempfile.NamedTemporaryFile("w", suffix=".html", dir=folder, encoding="utf-8") as cut:
        cut.write(text[:section.start()] + text[section.end():])
        cut.flush()
        timings = {}
        for name, path in (("full", full), ("without Appendix A", Path(cut.name))):
            runs = [render_seconds(path, folder) for _ in range(args.runs)]
            timings[name] = statistics.median(t for t, _ in runs), runs[0][1]
    for name, (seconds, pages) in timings.items():
        print(f"  {name:<19} median {seconds:.2f} s over {args.runs} runs, {pages} pages")
    (whole, whole_pages), (cut_seconds, cut_pages) = timings.values()
    print(f"  Appendix A costs {whole - cut_seconds:.2f} s and {whole_pages - cut_pages} pages")


if __name__ == "__main__":
    main()
