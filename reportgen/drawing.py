"""The outputs made with matplotlib and XlsxWriter, the charts and the workbook: drawn in this process
for a batch worker, or in a forked one for a single report, which then starts on the imports at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

from .forked import Forked
from .schema import Assessment


def draw_outputs(results: dict, assessment: Callable[[], Assessment], values, theme, formats: tuple[str, ...]
                 ) -> Iterator[tuple[str, object, float]]:
    """The outputs made with matplotlib and XlsxWriter, each with its stage's seconds: charts first, the PDF waits for them."""
    if {"pdf", "html"} & set(formats):
        from .charts import draw_charts
        start = time.perf_counter()
        charts = draw_charts(results, theme)
        yield "charts", charts, time.perf_counter() - start
    if "xlsx" in formats:
        from .workbook import build_workbook
        start = time.perf_counter()
        workbook = build_workbook(assessment(), results, values, theme.colors)
        yield "workbook", workbook, time.perf_counter() - start


def _import_drawing(formats: tuple[str, ...]) -> None:
    """The modules `draw_outputs` needs, matplotlib foremost: a third of a second to import."""
    if {"pdf", "html"} & set(formats):
        from . import charts  # noqa: F401
    if "xlsx" in formats:
        from . import workbook  # noqa: F401


def drawing_process(formats: tuple[str, ...]) -> Forked | None:
    """For a single report, a second process that imports the drawing libraries now, while this one
    validates and computes, and draws the charts and the workbook once report.build_report sends it the
    results. None when the formats draw nothing the document waits for."""
    if not {"pdf", "html"} & set(formats):
        return None
    def work(sent: tuple) -> Iterator[tuple[str, object, float]]:
        results, input_bytes, values, theme = sent
        # the assessment travels as its JSON, validated again there: pydantic cannot pickle its parametrised ranges
        assessment = lambda: Assessment.model_validate(json.loads(input_bytes))  # noqa: E731
        return draw_outputs(results, assessment, values, theme, formats)

    return Forked(work, prepare=lambda: _import_drawing(formats))
