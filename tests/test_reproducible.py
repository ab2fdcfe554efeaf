"""The same inputs, catalogue, templates and tool give the same bytes, whatever the machine's clock,
time zone, locale and working folder."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime, timezone

from pypdf import PdfReader

from reportgen.build.assemble import report_name
from tests.conftest import ROOT, example
from tests.test_atomic_output import snapshot
from tests.test_report import tmp_project

EPOCH = 1767225600  # 2026-01-01T00:00:00Z
RUN = "import sys; from pathlib import Path; from reportgen.build.pipeline import Project, report; report(Project(Path(sys.argv[1])), 'acme')"


def test_two_runs_in_different_environments_give_identical_bytes(tmp_path):
    runs = []
    for name, zone, locale in (("first", "Pacific/Kiritimati", "C.UTF-8"), ("second", "America/Adak", "POSIX")):
        project = tmp_project(tmp_path / name, example("acme"))
        workdir = tmp_path / f"cwd-{name}"
        workdir.mkdir()
        environment = os.environ | {"PYTHONPATH": str(ROOT), "TZ": zone, "LC_ALL": locale,
                                    "SOURCE_DATE_EPOCH": str(EPOCH), "PYTHONHASHSEED": name == "first" and "1" or "2"}
        runs.append((project, subprocess.Popen([sys.executable, "-c", RUN, str(project.root)], cwd=workdir,
                                               env=environment, stderr=subprocess.PIPE, text=True)))
    outputs = []
    for project, run in runs:
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors
        outputs.append(snapshot(project.output_dir("acme")))
    first, second = outputs
    assert {f"{report_name('acme')}.pdf", f"{report_name('acme')}.html", "results.json"} <= first.keys()
    assert any(name.endswith(".svg") and name.startswith("charts/") for name in first)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    metadata = PdfReader(io.BytesIO(first[f"{report_name('acme')}.pdf"])).metadata
    assert metadata.creation_date == datetime.fromtimestamp(EPOCH, tz=timezone.utc)
