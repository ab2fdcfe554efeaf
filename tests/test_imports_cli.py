"""`invoke import` as a user runs it, on the example exports shipped in inputs/examples/: the dry run, --apply,
and a refusal that exits 1 with no traceback and leaves the assessment as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from .conftest import ROOT
from .fixtures.imports import writers

EXAMPLES = ROOT / "inputs" / "examples"


def make_project(tmp_path):
    shutil.copy(ROOT / "tasks.py", tmp_path / "tasks.py")
    (tmp_path / "templates").symlink_to(ROOT / "templates")
    (tmp_path / "inputs").mkdir()
    # northwind as typed before its bill and metrics were imported (inputs/northwind.json holds the import)
    shutil.copy(ROOT / "tests" / "fixtures" / "imports" / "northwind-typed.json", tmp_path / "inputs" / "northwind.json")
    shutil.copytree(EXAMPLES, tmp_path / "inputs" / "examples")
    return tmp_path


def invoke(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", "import", "--customer", "northwind", *args], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


README_COMMAND = ["--bill", "inputs/examples/northwind-cur2-2026-03-to-08.csv.gz", "--tag", "kafka=true",
                  "--service", "msk",
                  "--metrics", "inputs/examples/northwind-cloudwatch-payments-prod.json",
                  "--metrics", "inputs/examples/northwind-cloudwatch-core-events-prod.json",
                  "--metrics", "inputs/examples/northwind-prometheus-analytics-prod.txt",
                  "--metrics", "analytics-prod=inputs/examples/northwind-topics-analytics-prod.txt"]


def test_the_example_import_prints_the_changes_and_apply_writes_them(tmp_path):
    project = make_project(tmp_path)
    before = (project / "inputs" / "northwind.json").read_bytes()
    dry = invoke(project, *README_COMMAND)
    assert dry.returncode == 0, dry.stderr
    assert "northwind: import into inputs/northwind.json (a dry run" in dry.stdout
    assert "cross-zone transfer           207,357.68      411,334.53" in dry.stdout
    assert "clusters[2].partitions             typed 2,400, measured 2,520" in dry.stdout
    assert (project / "inputs" / "northwind.json").read_bytes() == before
    applied = invoke(project, *README_COMMAND, "--apply", "--prefer", "measured")
    assert applied.returncode == 0, applied.stderr
    assert "wrote inputs/northwind.json: 15 value(s), the bill and their provenance" in applied.stdout
    data = json.loads((project / "inputs" / "northwind.json").read_text())
    assert data["clusters"][2]["partitions"] == 2520
    assert data["measured"]["bill"]["by_part"]["cross_zone_transfer"] == 207357.68
    validated = subprocess.run([sys.executable, "-m", "invoke", "validate", "--customer", "northwind"], cwd=project,
                               capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert validated.returncode == 0, validated.stderr


def test_a_refused_import_exits_1_without_a_traceback_and_changes_nothing(tmp_path):
    project = make_project(tmp_path)
    before = (project / "inputs" / "northwind.json").read_bytes()
    cut = project / "inputs" / "examples" / "cut.csv.gz"
    whole = (project / "inputs" / "examples" / "northwind-cur2-2026-03-to-08.csv.gz").read_bytes()
    cut.write_bytes(whole[:len(whole) // 2])
    done = invoke(project, "--bill", "inputs/examples/cut.csv.gz", "--tag", "kafka=true", "--apply")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "error: inputs/examples/cut.csv.gz: the gzip stream ends early" in done.stderr
    assert (project / "inputs" / "northwind.json").read_bytes() == before


def test_the_shipped_examples_are_what_the_writers_write(tmp_path):
    for path in writers.write_northwind(tmp_path):
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in EXAMPLES.iterdir() if p.suffix != ".md")
