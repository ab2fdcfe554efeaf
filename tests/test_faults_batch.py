"""A batch that survives its workers (issue 22): a worker killed as the out-of-memory killer would, a batch
stopped by SIGTERM or Ctrl-C, a report that overruns --timeout. Each on the real CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_cli_batch import make_project, run

SLOW = ("a1-slow", "a2-slow", "a3-slow")  # sorted first, so the workers start on them
TRIALS = 1_000_000  # the schema's most: a few seconds of simulation each


def add_slow(project: Path, slugs=SLOW, copies: int = 1) -> None:
    """acme with the most trials, its clusters repeated `copies` times: some seconds of simulation per copy."""
    data = json.loads((project / "inputs" / "acme.json").read_text())
    data["clusters"] = [{**cluster, "name": f"{cluster['name']}-{i}"} for i in range(copies) for cluster in data["clusters"]]
    data["assessment"]["monte_carlo"]["trials"] = TRIALS
    for slug in slugs:
        data["customer"]["slug"] = slug
        (project / "inputs" / f"{slug}.json").write_text(json.dumps(data, indent=2))


def start(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "invoke", "report", *args], cwd=project, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def first_progress_line(batch: subprocess.Popen) -> str:
    """Wait until the batch has finished its first customer: every worker is warm and the next tasks are slow."""
    lines = []
    for line in batch.stderr:
        lines.append(line)
        if "   1/" in line:
            return "".join(lines)
    raise AssertionError("the batch printed no progress: " + "".join(lines))


def table(stdout: str) -> dict[str, str]:
    """The closing table: each customer's status."""
    return dict(re.findall(r"^(\S+) +(built|up to date|failed|not built) ", stdout, re.MULTILINE))


def manifest(project: Path) -> set[str]:
    return set(json.loads((project / "output" / ".manifest.json").read_text())["customers"])


def test_a_worker_killed_by_signal_9_fails_its_customer_alone_and_the_batch_goes_on(tmp_path):
    project = make_project(tmp_path)
    add_slow(project)
    batch = start(project, "--all", "--format", "html", "--workers", "2")
    first_progress_line(batch)
    busy = []
    for _ in range(100):  # a worker computing is running (R); an idle one waits on its pipe (S)
        busy = [pid for pid in children(batch.pid) if state(pid) == "R"]
        if busy:
            break
        time.sleep(0.05)
    assert busy, "no busy worker found"
    victim = busy[0]
    os.kill(victim, signal.SIGKILL)
    out, err = batch.communicate(timeout=300)
    rest = err
    assert batch.returncode == 1, rest
    assert "Traceback" not in rest and "BrokenProcessPool" not in rest
    statuses = table(out)
    failed = [slug for slug, status in statuses.items() if status == "failed"]
    assert len(failed) == 1 and failed[0] in SLOW, out
    assert f"{failed[0]}: FAILED\nworker (pid {victim}) killed by signal 9 (SIGKILL), probably out of memory" in rest
    assert statuses == {**{slug: "built" for slug in statuses}, failed[0]: "failed"}
    assert len(statuses) == 6
    assert manifest(project) == set(statuses) - {failed[0]}  # saved, with what was built
    assert report_files(project / "output" / failed[0]) == []  # the killed customer left no half-written report
    again = run(project, "report", "--all", "--format", "html", "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert table(again.stdout) == {**{slug: "up to date" for slug in statuses}, failed[0]: "built"}
    assert leftovers(project) == []


def report_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".lock") if folder.exists() else []


def leftovers(project: Path) -> list[str]:
    """Folders a run being written or replaced leaves when it is killed: the next run of the customer removes them."""
    return sorted(p.name for p in (project / "output").iterdir() if ".new-" in p.name or ".old-" in p.name)


@pytest.mark.parametrize("sent, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_or_ctrl_c_ends_every_worker_keeps_what_was_built_and_says_so(tmp_path, sent, status):
    project = make_project(tmp_path)
    add_slow(project)
    batch = start(project, "--all", "--format", "html", "--workers", "2")
    first_progress_line(batch)
    workers = children(batch.pid)
    assert len(workers) == 2
    batch.send_signal(sent)
    out, err = batch.communicate(timeout=120)
    assert batch.returncode == status, err
    assert "Traceback" not in err and "interrupted: nothing is left running" in err
    assert [pid for pid in workers if state(pid) != "gone"] == []  # none left behind, not even a zombie
    statuses = table(out)
    built = {slug for slug, s in statuses.items() if s == "built"}
    assert built and "not built" in out and set(statuses) - built
    assert manifest(project) == built
    again = run(project, "report", "--all", "--format", "html", "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert {slug for slug, s in table(again.stdout).items() if s == "built"} == set(statuses) - built
    assert leftovers(project) == []


def test_a_report_over_its_time_limit_is_stopped_and_the_others_are_built(tmp_path):
    project = make_project(tmp_path)
    add_slow(project, ("a1-slow",), copies=7)  # 21 clusters: ten seconds or more where the others take one
    done = run(project, "report", "--all", "--format", "html", "--timeout", "4")
    assert done.returncode == 1, done.stderr
    assert "a1-slow: FAILED\ntook longer than 4 s (--timeout); its worker was stopped" in done.stderr
    assert table(done.stdout) == {"a1-slow": "failed", "acme": "built", "bluebird": "built", "northwind": "built"}
    alone = run(project, "report", "--customer", "a1-slow", "--format", "html", "--timeout", "4")
    assert alone.returncode == 1 and "Traceback" not in alone.stderr
    assert "a1-slow: FAILED\ntook longer than 4 s (--timeout); stopped" in alone.stderr
    assert report_files(project / "output" / "a1-slow") == [] and leftovers(project) == []
