"""A single report draws its charts and workbook in a forked process, started before validation: same bytes,
same errors, nothing lost."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

import reportgen.charts
from reportgen.drawing import drawing_process
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
    made = report(two, "acme", formats=formats, drawer=drawing_process(formats))
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
        report(project, "acme", formats=("html", "xlsx"), drawer=drawing_process(("html", "xlsx")))
    assert snapshot(project.output_dir("acme")) == before


def test_forked_work_arrives_in_order_and_its_errors_are_raised_here():
    def work(sent):
        yield os.getpid()
        yield sent
        raise ValueError("third failed")

    with Forked(work) as results:
        results.send("second")
        child = next(results)
        assert child != os.getpid()
        assert next(results) == "second"
        with pytest.raises(ValueError, match="third failed"):
            next(results)


def test_the_child_prepares_before_its_input_arrives_and_a_large_input_does_not_hold_up_the_parent():
    prepared = []

    def prepare():
        time.sleep(0.6)
        prepared.append(time.monotonic())

    def work(sent):
        yield prepared[0], time.monotonic(), len(sent)

    with Forked(work, prepare) as results:
        started = time.monotonic()
        results.send(b"x" * 2_000_000)  # 30 times what the pipe holds
        assert time.monotonic() - started < 0.3
        ready, working, size = next(results)
    assert ready <= working and size == 2_000_000


def test_a_child_never_sent_its_input_is_stopped_and_a_failed_preparation_is_raised():
    def prepare_forever():
        time.sleep(60)

    started = time.monotonic()
    with Forked(lambda sent: iter([sent]), prepare_forever):
        pass
    assert time.monotonic() - started < 5

    def broken():
        raise ImportError("no matplotlib")

    with Forked(lambda sent: iter([sent]), broken) as results:
        results.send("anything")
        with pytest.raises(ImportError, match="no matplotlib"):
            next(results)


def test_an_exception_that_cannot_travel_is_named_and_a_dead_child_is_an_error():
    class Local(Exception):
        def __init__(self):
            super().__init__("local")
            self.lock = threading.Lock()  # cannot be pickled

    def unpicklable(sent):
        raise Local()
        yield

    def dies(sent):
        os._exit(3)
        yield

    for work, error in ((unpicklable, "Local: local"), (dies, "ended before it finished")):
        with Forked(work) as results, pytest.raises(RuntimeError, match=error):
            results.send(None)
            next(results)


def test_every_result_then_the_end():
    with Forked(lambda sent: iter(range(sent))) as results:
        results.send(3)
        assert list(results) == [0, 1, 2]


def test_a_broken_assessment_stops_the_drawing_process_it_started(tmp_path):
    project = tmp_project(tmp_path, example("acme"))
    (project.inputs / "acme.json").write_text(json.dumps(variant("acme", **{"risk.incidents_per_year": -1})))
    started = time.monotonic()
    with pytest.raises(ReportgenError, match="incidents_per_year"):
        report(project, "acme", formats=("pdf", "html", "xlsx"), drawer=drawing_process(("pdf", "html", "xlsx")))
    assert time.monotonic() - started < 5
    assert not project.output_dir("acme").exists()
