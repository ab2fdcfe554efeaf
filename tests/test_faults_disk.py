"""Writes that cannot leave a mix (issue 22): a full disk, a read-only disk and a file-size limit leave the previous
report byte-identical and say why with the path; reportgen deletes only what it wrote and never follows a link
out of the customer's folder. Each on the real CLI; the disks are small tmpfs mounts in a private mount
namespace (`unshare --mount`, as root)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_cli_batch import make_project, run
from .test_faults_batch import table


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(project: Path, slug: str = "acme", **risk) -> None:
    path = project / "inputs" / f"{slug}.json"
    data = json.loads(path.read_text())
    data["risk"].update(risk)
    path.write_text(json.dumps(data, indent=2))


def private_mount_works() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None and \
        subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


needs_mounts = pytest.mark.skipif(not private_mount_works(), reason="needs root and `unshare --mount`")

# Inside a private mount namespace: output/ is a small tmpfs; a first report is built and copied out, the
# input is edited, the disk is spoiled ($1: fill it, or remount it read-only), the report is built again
# and what the folder then holds is copied out (the tmpfs goes with the namespace).
ON_A_SMALL_DISK = """
set -u
mount -t tmpfs -o size=6m tmpfs output
{invoke} report --customer acme --format html > /dev/null 2>&1 || exit 3
cp -a output/acme before
{edit}
case "$1" in
  full) free=$(df -k --output=avail output | tail -1)
        dd if=/dev/zero of=output/filler bs=1k count=$((free - 60)) 2> /dev/null ;;
  read-only) mount -o remount,ro output ;;
esac
{invoke} report --customer acme --format html > stdout.txt 2> stderr.txt
echo $? > status.txt
cp -a output/acme after
"""


def on_a_small_disk(project: Path, spoil: str) -> tuple[int, str]:
    (project / "output").mkdir()
    invoke = f"PYTHONPATH={ROOT} {sys.executable} -m invoke"
    edit_input = f"{sys.executable} -c \"import json; p='inputs/acme.json'; d=json.load(open(p)); " \
                 f"d['risk']['incidents_per_year']=9; json.dump(d, open(p, 'w'))\""
    script = ON_A_SMALL_DISK.format(invoke=invoke, edit=edit_input)
    done = subprocess.run(["unshare", "--mount", "sh", "-c", script, "sh", spoil], cwd=project, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return int((project / "status.txt").read_text()), (project / "stderr.txt").read_text()


@needs_mounts
def test_a_full_disk_leaves_the_previous_report_whole_and_says_how_much_space_is_needed(tmp_path):
    project = make_project(tmp_path)
    status, stderr = on_a_small_disk(project, "full")
    assert status == 1 and "Traceback" not in stderr
    assert "acme: FAILED\ncannot write output/acme: the disk is full (" in stderr
    assert " MB free, the report needs " in stderr and "the previous report is unchanged" in stderr
    assert snapshot(project / "after") == snapshot(project / "before")


@needs_mounts
def test_a_read_only_disk_leaves_the_previous_report_whole_and_names_the_path(tmp_path):
    project = make_project(tmp_path)
    status, stderr = on_a_small_disk(project, "read-only")
    assert status == 1 and "Traceback" not in stderr
    assert "cannot write output/acme/.lock: the file system is read-only; make it writable and run again" in stderr
    assert snapshot(project / "after") == snapshot(project / "before")


def test_a_write_that_fails_midway_leaves_the_previous_report_whole_and_names_the_file(tmp_path):
    """The file-size limit (`ulimit -f`) lets the workbook be written, then stops results.json, twice its size."""
    project = make_project(tmp_path)
    assert run(project, "report", "--customer", "acme", "--format", "xlsx").returncode == 0
    before = snapshot(project / "output" / "acme")
    workbook, results = len(before["acme-kafka-tco-model.xlsx"]), len(before["results.json"])
    limit = (workbook + results) // 2  # halfway between the workbook and results.json
    edit(project, incidents_per_year=9)
    done = subprocess.run([sys.executable, "-m", "invoke", "report", "--customer", "acme", "--format", "xlsx"],
                          cwd=project, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert ("acme: FAILED\ncannot write output/acme/results.json: the file is larger than this process may write "
            "(`ulimit -f`); raise the limit and run again") in done.stderr
    assert snapshot(project / "output" / "acme") == before
    assert [p.name for p in (project / "output").iterdir() if p.name.startswith(".acme.")] == []


def test_a_symlinked_charts_folder_keeps_its_files_and_the_link_is_replaced_not_followed(tmp_path):
    project = make_project(tmp_path)
    assert run(project, "report", "--customer", "acme", "--format", "html").returncode == 0
    folder = project / "output" / "acme"
    shared = tmp_path / "shared-charts"
    shutil.copytree(folder / "charts", shared)
    (shared / "other-team.svg").write_text("<svg/>")
    before = snapshot(shared)
    shutil.rmtree(folder / "charts")
    (folder / "charts").symlink_to(shared)
    edit(project, incidents_per_year=9)
    done = run(project, "report", "--customer", "acme", "--format", "html")
    assert done.returncode == 0, done.stderr
    assert snapshot(shared) == before  # nothing there was deleted or written
    assert (folder / "charts").is_dir() and not (folder / "charts").is_symlink()
    assert sorted(p.name for p in (folder / "charts").iterdir()) == sorted(set(before) - {"other-team.svg"})
    assert f"acme: warning: output/acme/charts was a symbolic link to {shared}; reportgen writes only inside" in done.stderr


def test_files_reportgen_did_not_write_are_kept_and_a_chart_it_no_longer_draws_is_dropped(tmp_path):
    project = make_project(tmp_path)
    assert run(project, "report", "--customer", "acme", "--format", "html").returncode == 0
    folder = project / "output" / "acme"
    assert (folder / "charts" / "tornado.svg").is_file()  # acme has ranged inputs
    (folder / "notes.txt").write_text("call them on Monday")
    (folder / "charts" / "annotated.svg").write_text("<svg/>")
    (folder / "drafts").mkdir()
    (folder / "drafts" / "v1.txt").write_text("first draft")
    path = project / "inputs" / "acme.json"
    path.write_text(json.dumps(likely_only(json.loads(path.read_text())), indent=2))
    done = run(project, "report", "--customer", "acme", "--format", "html")
    assert done.returncode == 0, done.stderr
    assert (folder / "notes.txt").read_text() == "call them on Monday"
    assert (folder / "charts" / "annotated.svg").read_text() == "<svg/>"
    assert (folder / "drafts" / "v1.txt").read_text() == "first draft"
    assert not (folder / "charts" / "tornado.svg").exists()  # written by the first run, no longer drawn


def likely_only(data):
    """The assessment with every range replaced by its likely value: no simulation, no range charts."""
    if isinstance(data, dict):
        if set(data) == {"low", "likely", "high"}:
            return data["likely"]
        return {key: likely_only(value) for key, value in data.items()}
    return [likely_only(value) for value in data] if isinstance(data, list) else data


def test_a_customer_folder_that_is_a_link_is_refused_and_nothing_is_written(tmp_path):
    project = make_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "output").mkdir()
    (project / "output" / "acme").symlink_to(elsewhere)
    done = run(project, "report", "--all", "--format", "html")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "acme: FAILED\noutput/acme is a symbolic link; reportgen writes a customer's folder itself" in done.stderr
    assert list(elsewhere.iterdir()) == []
    assert table(done.stdout) == {"acme": "failed", "bluebird": "built", "northwind": "built"}
