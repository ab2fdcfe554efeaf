"""Inputs as an operator's bad day has them (issue 22): files `--all` cannot read, an edit while a run waits for
the lock, control characters echoed to the terminal, SOURCE_DATE_EPOCH in milliseconds, a partial build beside
older files, a long ranged cluster name. Each on the real CLI."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.build.assemble import report_name
from .conftest import ROOT
from .test_cli_batch import make_project, run
from .test_faults_batch import table


def write(project: Path, name: str, data: dict | str) -> Path:
    path = project / "inputs" / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    return path


def acme(project: Path) -> dict:
    return json.loads((project / "inputs" / "acme.json").read_text())


@pytest.mark.parametrize("task", ["validate", "report"])
def test_every_json_file_in_inputs_is_read_or_named_with_why_and_the_run_exits_1(tmp_path, task):
    project = make_project(tmp_path)
    (project / "inputs" / "bluebird.json").unlink()
    (project / "inputs" / "northwind.json").unlink()
    for name in ("Globex.json", "initech_corp.json", "umbrella.JSON"):
        write(project, name, acme(project))
    write(project, "schema.json", "{}")  # the editors' schema, not an assessment
    done = run(project, task, "--all", *(["--format", "html"] if task == "report" else []))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "skipped inputs/Globex.json: capital letters: a customer's slug is lowercase; rename it globex.json" in done.stderr
    assert ("skipped inputs/initech_corp.json: a customer's slug is lowercase letters, digits and single hyphens; "
            "rename it initech-corp.json") in done.stderr
    assert "skipped inputs/umbrella.JSON: the extension .JSON is not .json in lower case; rename it umbrella.json" in done.stderr
    assert "schema.json" not in done.stderr
    assert "3 file(s) in inputs/ skipped (named above)" in done.stderr
    if task == "report":
        assert table(done.stdout) == {"acme": "built"}
    else:
        assert "Acme Retail" in done.stdout or "acme" in done.stdout.lower()


def test_a_customer_named_with_a_case_difference_is_told_which_file_is_there(tmp_path):
    project = make_project(tmp_path)
    write(project, "Globex.json", acme(project))
    done = run(project, "validate", "--customer", "globex")
    assert done.returncode == 1
    assert "no assessment inputs/globex.json (inputs/Globex.json is not read: capital letters" in done.stderr


def blocked_on_a_lock(pid: int) -> bool:
    """Whether `pid` waits for a file lock (a `->` line of /proc/locks)."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid)
               for line in Path("/proc/locks").read_text().splitlines() if len(line.split()) > 5)


def test_an_input_edited_while_the_run_waits_for_the_lock_gives_one_consistent_report(tmp_path):
    project = make_project(tmp_path)
    folder = project / "output" / "acme"
    folder.mkdir(parents=True)
    with open(folder / ".lock", "ab") as lock:  # another run holds the customer's folder
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = subprocess.Popen([sys.executable, "-m", "invoke", "report", "--customer", "acme", "--format", "all"],
                                   cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
        for _ in range(600):
            if blocked_on_a_lock(waiting.pid):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the run never waited for the lock")
        data = acme(project)
        data["customer"]["name"] = "Acme Edited Meanwhile"
        data["risk"]["incidents_per_year"] = 9
        new = write(project, "acme.json", data).read_bytes()
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    results = json.loads((folder / "results.json").read_text())
    assert results["customer"]["name"] == "Acme Edited Meanwhile"
    assert results["generated"]["inputs_sha256"] == hashlib.sha256(new).hexdigest()
    assert (folder / "inputs.json").read_bytes() == new
    assert "Acme Edited Meanwhile" in (folder / f"{report_name('acme')}.html").read_text()
    pdf = PdfReader(io.BytesIO((folder / f"{report_name('acme')}.pdf").read_bytes()))
    assert "Acme Edited Meanwhile" in pdf.pages[0].extract_text()
    assert pdf.attachments["acme.json"] == [new]
    manifest = json.loads((project / "output" / ".manifest.json").read_text())
    assert manifest["customers"]["acme"]["inputs_sha256"] == hashlib.sha256(new).hexdigest()
    assert table(run(project, "report", "--all", "--format", "all").stdout)["acme"] == "up to date"


ESCAPES = "\x1b[2J\x1b[H"  # clear the screen, cursor home: what a hostile input echoed raw would do


def test_control_characters_from_an_input_are_shown_escaped(tmp_path):
    project = make_project(tmp_path)
    data = acme(project)
    data["organization"]["engineer_share"] = f"x{ESCAPES}acme OK\n\u202eevil"
    data["risk"][f"bad{ESCAPES}key"] = 1
    write(project, "acme.json", data)
    write(project, f"spoof{ESCAPES}.json", "{}")
    for args in (("validate", "--customer", "acme"), ("validate", "--all"), ("report", "--all", "--format", "html")):
        done = run(project, *args)
        assert done.returncode == 1, args
        shown = done.stdout + done.stderr
        assert "\x1b" not in shown and "\u202e" not in shown, args
        assert "\\x1b[2J\\x1b[H" in shown, args
        assert not any(line.startswith("acme OK") for line in shown.splitlines()), args
    assert "\\u202e" in done.stderr and "skipped inputs/spoof\\x1b[2J\\x1b[H.json" in done.stderr


@pytest.mark.parametrize("value, expected", [
    ("1767225600000", "SOURCE_DATE_EPOCH is 1767225600000, a date after the year 9999 (it looks like milliseconds: "
                      "1767225600 is that time in seconds)"),
    ("2026-01-01", "SOURCE_DATE_EPOCH is '2026-01-01'; it must be a whole number of seconds since 1970-01-01 UTC"),
])
def test_a_source_date_epoch_that_is_not_seconds_is_refused_by_name(tmp_path, value, expected):
    project = make_project(tmp_path)
    for args in (("--customer", "acme"), ("--all",)):
        done = subprocess.run([sys.executable, "-m", "invoke", "report", *args, "--format", "pdf"], cwd=project,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": value})
        assert done.returncode == 2 and "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert f"error: {expected}" in done.stderr
        assert not (project / "output").exists()


def test_a_partial_format_build_names_the_outputs_older_than_the_inputs(tmp_path):
    project = make_project(tmp_path)
    assert run(project, "report", "--customer", "acme").returncode == 0
    data = acme(project)
    data["risk"]["incidents_per_year"] = 9
    write(project, "acme.json", data)
    done = run(project, "report", "--customer", "acme", "--format", "pdf")
    assert done.returncode == 0, done.stderr
    assert re.search(rf"acme: warning: output/acme: {report_name('acme')}\.html, acme-kafka-tco-model\.xlsx, "
                     r"acme-kafka-tco-summary\.pdf, acme-kafka-tco\.pptx, \d+ "
                     r"file\(s\) under charts/, style/, theme/ were built from other inputs than this run's; build "
                     r"every format \(--format all\) to bring them up to date", done.stderr), done.stderr
    whole = run(project, "report", "--customer", "acme")
    assert whole.returncode == 0 and "other inputs" not in whole.stderr


def test_a_long_ranged_cluster_name_is_drawn(tmp_path):
    project = make_project(tmp_path)
    data = acme(project)
    data["clusters"][0]["name"] = ("payments-settlement-and-reconciliation-events-primary-eu-west-1-production-"
                                   "cluster-owned-by-the-treasury-platform-team-x")  # the schema's longest: 120
    data["clusters"][0]["ingress_mbps"] = {"low": 80, "likely": 120, "high": 200}
    assert len(data["clusters"][0]["name"]) == 120
    write(project, "acme.json", data)
    done = run(project, "report", "--customer", "acme", "--format", "html")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (project / "output" / "acme" / "charts" / "tornado.svg").is_file()
