"""Output is atomic: a failed, killed or concurrent run never leaves a torn or mixed report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import reportgen.report.charts
from reportgen.build.pipeline import report
from reportgen.build.assemble import report_name
from reportgen.build.writer import LOCK_NAME, TEMPORARY, write_atomic
from tests.conftest import ROOT, example, variant
from tests.test_report import tmp_project

# Runs one report in a child process whose fsync is slowed down and announced on stdout, so that
# a test can act while files are being written.
SLOW_WRITER = """
import os, sys, time
from pathlib import Path
real_fsync = os.fsync
def slow_fsync(fd):
    real_fsync(fd)
    print("writing", flush=True)
    time.sleep(float(sys.argv[3]))
os.fsync = slow_fsync
from reportgen.build.pipeline import Project, report
report(Project(Path(sys.argv[1])), "acme", theme_id=sys.argv[2], formats=("html",))
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def slow_run(root: Path, theme: str, seconds_per_file: float) -> subprocess.Popen:
    environment = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(root), theme, str(seconds_per_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True)


@pytest.fixture
def previous(tmp_path):
    """A project with a report already written, and that report's files."""
    project = tmp_project(tmp_path, example("acme"))
    report(project, "acme", formats=("html",))
    return project, snapshot(project.output_dir("acme"))


def test_a_failure_mid_run_leaves_the_previous_report_byte_identical(previous, monkeypatch):
    project, before = previous
    (project.inputs / "acme.json").write_text(json.dumps(variant("acme", **{"risk.incidents_per_year": 9})))

    def broken(*args):
        raise RuntimeError("chart step failed")

    monkeypatch.setattr(reportgen.report.charts, "draw_charts", broken)
    with pytest.raises(RuntimeError, match="chart step failed"):
        report(project, "acme", formats=("html",))
    assert snapshot(project.output_dir("acme")) == before


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old report")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new report")
    assert target.read_bytes() == b"old report"
    assert list(tmp_path.iterdir()) == [target]


def test_sigterm_while_writing_leaves_no_temporary_file(previous):
    project, before = previous
    (project.inputs / "acme.json").write_text(json.dumps(variant("acme", **{"risk.incidents_per_year": 9})))
    run = slow_run(project.root, "default", 30)
    assert run.stdout.readline() == "writing\n", run.stderr.read()
    run.send_signal(signal.SIGTERM)
    run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM
    folder = project.output_dir("acme")
    assert list(folder.rglob(TEMPORARY)) == []
    after = snapshot(folder)
    assert after.keys() == before.keys()


def test_stale_temporaries_of_a_killed_run_are_removed_by_the_next(previous):
    project, _ = previous
    stale = project.output_dir("acme") / "charts" / ".tco_by_option.svg.abc123.tmp"
    stale.write_bytes(b"half a chart")
    report(project, "acme", formats=("html",))
    assert not stale.exists()


def test_two_runs_at_once_leave_the_complete_report_of_one_of_them(tmp_path):
    expected = {}
    for theme in ("default", "harbor"):
        alone = tmp_project(tmp_path / theme, example("acme"))
        report(alone, "acme", theme_id=theme, formats=("html",))
        expected[theme] = snapshot(alone.output_dir("acme"))
    assert expected["default"] != expected["harbor"]
    project = tmp_project(tmp_path / "both", example("acme"))
    # the second run starts once the first is writing, slowly: unguarded, its writes would land among the first's
    slow = slow_run(project.root, "default", 0.3)
    assert slow.stdout.readline() == "writing\n"
    runs = [slow, slow_run(project.root, "harbor", 0)]
    for run in runs:
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors
    after = snapshot(project.output_dir("acme"))
    html = after[f"{report_name('acme')}.html"]
    theme = "harbor" if b"Harbor Advisory" in html else "default"
    assert {name: after.get(name) for name in expected[theme]} == expected[theme]


def test_rendering_leaves_no_temporary_folder_even_without_the_cyclic_collector(tmp_path, monkeypatch):
    import gc
    import tempfile
    scratch = tmp_path / "system-tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    project = tmp_project(tmp_path / "project", example("acme"))
    gc.disable()
    try:
        report(project, "acme", formats=("pdf",))
        assert list(scratch.iterdir()) == []
    finally:
        gc.enable()


def test_results_alone_wait_for_a_report_being_written(tmp_path):
    import fcntl
    import threading
    from reportgen.build.pipeline import compute, write_results
    project = tmp_project(tmp_path, example("acme"))
    folder = project.output_dir("acme")
    folder.mkdir(parents=True)
    computed = compute(project, "acme")
    with open(folder / LOCK_NAME, "ab") as lock:  # another run holds the folder
        fcntl.flock(lock, fcntl.LOCK_EX)
        writer = threading.Thread(target=write_results, args=(project, computed))
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive() and not (folder / "results.json").exists()
    writer.join(timeout=30)
    assert not writer.is_alive() and (folder / "results.json").is_file()


def test_a_theme_switch_leaves_the_folder_as_a_fresh_build_of_the_new_theme(tmp_path):
    fresh = tmp_project(tmp_path / "fresh", example("acme"))
    report(fresh, "acme", theme_id="harbor", formats=("html",))
    switched = tmp_project(tmp_path / "switched", example("acme"))
    report(switched, "acme", theme_id="default", formats=("html",))
    stale_chart = switched.output_dir("acme") / "charts" / "dropped_chart.svg"
    stale_chart.write_bytes(b"<svg/>")
    report(switched, "acme", theme_id="harbor", formats=("html",))
    # a file reportgen did not write is kept (it deletes only its own, as its record of the folder lists them)
    assert snapshot(switched.output_dir("acme")) == {**snapshot(fresh.output_dir("acme")), "charts/dropped_chart.svg": b"<svg/>"}
    report(switched, "acme", theme_id="harbor", formats=("pdf",))  # a PDF alone keeps the HTML and its files
    assert {name for name in snapshot(fresh.output_dir("acme"))} < set(snapshot(switched.output_dir("acme")))
