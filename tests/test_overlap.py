"""A single report draws its charts and workbook in a forked process: same bytes, same errors, nothing lost."""

from __future__ import annotations

import json
import os
import threading

import pytest

import reportgen.charts
from reportgen.forked import Forked
from reportgen.pipeline import report
from reportgen.problems import ReportgenError
from tests.conftest import example, variant
from tests.test_atomic_output import snapshot
from tests.test_report import tmp_project


def test_a_report_drawn_in_two_processes_has_the_same_bytes_as_in_one(tmp_path):
    one = tmp_project(tmp_path / "one", example("acme"))
    two = tmp_project(tmp_path / "two", example("acme"))
    formats = ("pdf", "html", "xlsx")
    report(one, "acme", formats=formats)
    made = report(two, "acme", formats=formats, overlap=True)
    assert {"charts", "workbook", "pdf"} <= set(made.stages.seconds)
    files = snapshot(two.output_dir("acme"))
    assert any(name.endswith(".xlsx") for name in files) and any(name.startswith("charts/") for name in files)
    assert files == snapshot(one.output_dir("acme"))


def test_a_chart_failure_in_the_forked_process_stops_the_report_and_keeps_the_previous_one(tmp_path, monkeypatch):
    project = tmp_project(tmp_path, example("acme"))
    report(project, "acme", formats=("html",))
    before = snapshot(project.output_dir("acme"))
    (project.inputs / "acme.json").write_text(json.dumps(variant("acme", **{"risk.incidents_per_year": 9})))

    def broken(*args):
        raise ReportgenError("no font for the chart")

    monkeypatch.setattr(reportgen.charts, "draw_charts", broken)
    with pytest.raises(ReportgenError, match="no font for the chart"):
        report(project, "acme", formats=("html", "xlsx"), overlap=True)
    assert snapshot(project.output_dir("acme")) == before


def test_forked_work_arrives_in_order_and_its_errors_are_raised_here():
    def work():
        yield os.getpid()
        yield "second"
        raise ValueError("third failed")

    with Forked(work) as results:
        child = next(results)
        assert child != os.getpid()
        assert next(results) == "second"
        with pytest.raises(ValueError, match="third failed"):
            next(results)


def test_an_exception_that_cannot_travel_is_named_and_a_dead_child_is_an_error():
    class Local(Exception):
        def __init__(self):
            super().__init__("local")
            self.lock = threading.Lock()  # cannot be pickled

    def unpicklable():
        raise Local()
        yield

    def dies():
        os._exit(3)
        yield

    with Forked(unpicklable) as results, pytest.raises(RuntimeError, match="Local: local"):
        next(results)
    with Forked(dies) as results, pytest.raises(RuntimeError, match="ended before it finished"):
        next(results)


def test_every_result_then_the_end():
    with Forked(lambda: iter(range(3))) as results:
        assert list(results) == [0, 1, 2]
