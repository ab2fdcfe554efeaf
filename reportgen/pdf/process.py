"""A single report's PDF, rendered by a second process forked before anything is read.

It imports WeasyPrint while this process plans, validates, computes and writes the HTML; it then lays
the pages out while this process draws the charts and the workbook. It needs the charts only when it
paints them (the pages are laid out with frames of their sizes, see report.chart_frame), so neither
process waits for the other on a two-core machine, and the report takes about the PDF's own time.
"""

from __future__ import annotations

import dataclasses
import time
from collections import ChainMap
from collections.abc import Callable, Iterator

from reportgen.forked import Forked


def _render(receive: Callable[[], object]) -> Iterator[tuple[bytes, float]]:
    """The PDF of the document received first, painted with the charts received second; with its seconds."""
    from reportgen.pdf.render import render_pdf

    html, site, created, attachment, stylesheets, pdf_standard = receive()
    start = time.perf_counter()
    charts: dict[str, bytes] = {}
    pdf = render_pdf(html, dataclasses.replace(site, memory=ChainMap(site.memory, charts)), created, attachment,
                     before_painting=lambda: charts.update(receive()), stylesheets=stylesheets,
                     pdf_standard=pdf_standard)
    yield pdf, time.perf_counter() - start


def _prepare() -> None:
    from reportgen.pdf.render import import_weasyprint
    import_weasyprint()


def rendering_process() -> Forked:
    """The second process; report.build_report sends it the document, then the charts, and takes the PDF."""
    return Forked(_render, prepare=_prepare)
