"""`invoke report --all` and `invoke diff` as a user runs them: exit codes, closing table, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from .conftest import EXAMPLES, ROOT


def run(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


def make_project(tmp_path):
    shutil.copy(ROOT / "tasks.py", tmp_path)
    (tmp_path / "templates").symlink_to(ROOT / "templates")
    (tmp_path / "inputs").mkdir()
    for slug in EXAMPLES:
        shutil.copy(ROOT / "inputs" / f"{slug}.json", tmp_path / "inputs")
    return tmp_path


def test_a_batch_with_one_broken_customer_builds_the_others_and_exits_1(tmp_path):
    project = make_project(tmp_path)
    (project / "inputs" / "broken.json").write_text('{"customer": {"name": "Broken", "slug": "broken"}, "clusters": []}')
    done = run(project, "report", "--all", "--format", "html")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    table = done.stdout
    for slug in EXAMPLES:
        assert any(line.startswith(slug) and " built " in line for line in table.splitlines()), slug
    assert any(line.startswith("broken") and " failed " in line for line in table.splitlines())
    assert "broken: FAILED" in done.stderr and "inputs/broken.json:1:" in done.stderr
    assert "1 of 4 customer(s) failed" in done.stderr
    assert not (project / "output" / "broken").exists()
    again = run(project, "report", "--all", "--format", "html")
    assert again.returncode == 1
    assert all(f"{slug:<24} up to date" in again.stdout for slug in EXAMPLES)


def test_diff_prints_the_changed_input_and_the_moved_headline(tmp_path):
    project = make_project(tmp_path)
    first = run(project, "diff", "--customer", "bluebird")
    assert first.returncode == 0 and "No previous report for bluebird" in first.stdout
    assert run(project, "report", "--customer", "bluebird", "--format", "html").returncode == 0
    path = project / "inputs" / "bluebird.json"
    data = json.loads(path.read_text())
    data["baseline"]["support_and_services_per_year"] = 12000
    path.write_text(json.dumps(data, indent=2))
    shown = run(project, "diff", "--customer", "bluebird")
    assert shown.returncode == 0, shown.stderr
    assert "baseline.support_and_services_per_year: 0 -> 12,000" in shown.stdout
    assert "Self-managed Kafka tco_hard:" in shown.stdout


def test_a_report_of_a_broken_assessment_creates_no_output_folder(tmp_path):
    project = make_project(tmp_path)
    (project / "inputs" / "acme.json").write_text('{"customer": {')
    done = run(project, "report", "--customer", "acme")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "inputs/acme.json:1:" in done.stderr
    assert not (project / "output").exists()
