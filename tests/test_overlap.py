"""A single report lays its PDF out in a process forked before validation, while this one draws the charts
and the workbook: same bytes, same errors, nothing lost, no process left behind."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

import reportgen.report.charts
import reportgen.pdf.render
from reportgen.forked import Forked
from reportgen.build.pipeline import report
from reportgen.problems import ReportgenError
from reportgen.pdf.process import rendering_process
from tests.conftest import example, variant
from tests.test_atomic_output import snapshot
from tests.test_report import tmp_project

FORMATS = ("pdf", "html", "xlsx")


def test_a_report_rendered_in_two_processes_has_the_same_bytes_as_in_one(tmp_path):
    one = tmp_project(tmp_path / "one", example("acme"))
    two = tmp_project(tmp_path / "two", example("acme"))
    report(one, "acme", formats=FORMATS)
    made = report(two, "acme", formats=FORMATS, renderer=rendering_process())
    assert {"charts", "workbook", "pdf"} <= set(made.stages.seconds)
    files = snapshot(two.output_dir("acme"))
    assert any(name.endswith(".xlsx") for name in files) and any(name.startswith("charts/") for name in files)
    assert files == snapshot(one.output_dir("acme"))


def test_a_failure_on_either_side_stops_the_report_and_keeps_the_previous_one(tmp_path, monkeypatch):
    project = tmp_project(tmp_path, example("acme"))
    report(project, "acme", formats=FORMATS)
    before = snapshot(project.output_dir("acme"))
    (project.inputs / "acme.json").write_text(json.dumps(variant("acme", **{"risk.incidents_per_year": 9})))

    def broken(*args, **options):
        raise ReportgenError("no font for the chart")

    monkeypatch.setattr(reportgen.report.charts, "draw_charts", broken)  # here, while the other process lays out
    with pytest.raises(ReportgenError, match="no font for the chart"):
        report(project, "acme", formats=FORMATS, renderer=rendering_process())
    monkeypatch.undo()
    monkeypatch.setattr(reportgen.pdf.render, "render_pdf", broken)  # there, in the forked process
    with pytest.raises(ReportgenError, match="no font for the chart"):
        report(project, "acme", formats=FORMATS, renderer=rendering_process())
    assert snapshot(project.output_dir("acme")) == before


def test_a_broken_assessment_stops_the_process_it_started(tmp_path):
    project = tmp_project(tmp_path, example("acme"))
    (project.inputs / "acme.json").write_text(json.dumps(variant("acme", **{"risk.incidents_per_year": -1})))
    renderer = rendering_process()
    started = time.monotonic()
    with pytest.raises(ReportgenError, match="incidents_per_year"):
        report(project, "acme", formats=FORMATS, renderer=renderer)
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(renderer.pid, os.WNOHANG)  # ended and reaped
    assert not project.output_dir("acme").exists()


def test_forked_work_receives_its_inputs_and_its_results_and_errors_arrive_here():
    def work(receive):
        yield os.getpid()
        yield receive()
        yield receive()
        raise ValueError("fourth failed")

    with Forked(work) as results:
        results.send("second")
        child = next(results)
        assert child != os.getpid()
        assert next(results) == "second"
        results.send("third")
        assert next(results) == "third"
        with pytest.raises(ValueError, match="fourth failed"):
            next(results)


def test_the_child_prepares_at_once_and_a_large_input_does_not_hold_up_the_parent():
    prepared = []

    def prepare():
        time.sleep(0.6)
        prepared.append(time.monotonic())

    def work(receive):
        sent = receive()
        yield prepared[0], time.monotonic(), len(sent)

    with Forked(work, prepare) as results:
        started = time.monotonic()
        results.send(b"x" * 2_000_000)  # 30 times what the pipe holds
        assert time.monotonic() - started < 0.3
        ready, working, size = next(results)
    assert ready <= working and size == 2_000_000


def test_a_child_whose_work_is_not_wanted_is_stopped_and_a_failed_preparation_is_raised():
    def prepare_forever():
        time.sleep(60)

    started = time.monotonic()
    with Forked(lambda receive: iter([receive()]), prepare_forever):
        pass
    assert time.monotonic() - started < 5

    def broken():
        raise ImportError("no WeasyPrint")

    with Forked(lambda receive: iter([receive()]), broken) as results:
        results.send("anything")
        with pytest.raises(ImportError, match="no WeasyPrint"):
            next(results)


def test_an_exception_that_cannot_travel_is_named_and_a_dead_child_is_an_error():
    class Local(Exception):
        def __init__(self):
            super().__init__("local")
            self.lock = threading.Lock()  # cannot be pickled

    def unpicklable(receive):
        raise Local()
        yield

    def dies(receive):
        os._exit(3)
        yield

    for work, error in ((unpicklable, "Local: local"), (dies, "ended before it finished")):
        with Forked(work) as results, pytest.raises(RuntimeError, match=error):
            next(results)


def test_every_result_then_the_end():
    with Forked(lambda receive: iter(range(receive()))) as results:
        results.send(3)
        assert list(results) == [0, 1, 2]
