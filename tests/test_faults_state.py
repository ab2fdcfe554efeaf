"""State on disk is checked, never trusted (issue 22): a manifest, a digest cache or a previous report of another
shape or version is ignored with one warning line and rebuilt, never a traceback; a built file deleted, truncated
or altered makes its customer rebuild. Each on the real CLI."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from reportgen.build.assemble import report_name
from .test_cli_batch import make_project, run
from .test_faults_batch import table


@pytest.fixture
def built(tmp_path):
    """A project with one customer built as HTML, then up to date (one customer: no worker processes to start)."""
    project = make_project(tmp_path)
    for slug in ("bluebird", "northwind"):
        (project / "inputs" / f"{slug}.json").unlink()
    first = run(project, "report", "--all", "--format", "html")
    assert first.returncode == 0, first.stderr
    return project


def report_all(project):
    done = run(project, "report", "--all", "--format", "html")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def warnings(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if "warning:" in line]


MANIFESTS = {
    "not JSON": "{\"customers\": {\"acme\": ",
    "a list": "[1, 2, 3]",
    "another shape": json.dumps({"version": 2, "customers": []}),
    "the previous version's": json.dumps({"customers": {"acme": {"inputs_sha256": "0" * 64}}}),
    "a later version's": json.dumps({"version": 3, "customers": {}}),
}


@pytest.mark.parametrize("content", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_a_manifest_that_does_not_validate_is_ignored_with_one_warning_and_every_customer_rebuilt(built, content):
    (built / "output" / ".manifest.json").write_text(content)
    done = report_all(built)
    assert [line for line in warnings(done) if ".manifest.json" in line] == [
        next(line for line in warnings(done) if line.startswith("warning: output/.manifest.json: "))]
    assert "every customer is rebuilt once" in done.stderr
    assert table(done.stdout) == {"acme": "built"}
    assert json.loads((built / "output" / ".manifest.json").read_text())["version"] == 2
    again = report_all(built)
    assert table(again.stdout) == {"acme": "up to date"} and warnings(again) == []


def test_a_folder_where_the_manifest_goes_is_a_warning_not_a_failure(built):
    manifest = built / "output" / ".manifest.json"
    manifest.unlink()
    manifest.mkdir()
    done = report_all(built)
    assert table(done.stdout) == {"acme": "built"}
    assert "warning: output/.manifest.json: cannot be read (Is a directory)" in done.stderr
    assert "warning: cannot write output/.manifest.json" in done.stderr


CACHES = {
    "a digest cache that is a list": lambda cache: (cache / "digests.json").write_text("[1, 2]"),
    "a digest cache of the previous version": lambda cache: (cache / "digests.json").write_text('{"/x": [1, 2, "ab"]}'),
    "a file where the cache folder goes": lambda cache: (shutil.rmtree(cache), cache.write_text("x")),
    "a folder where the digest cache goes": lambda cache: ((cache / "digests.json").unlink(),
                                                           (cache / "digests.json").mkdir()),
    "a file where the compiled templates go": lambda cache: (shutil.rmtree(cache / "templates"),
                                                             (cache / "templates").write_text("x")),
}


@pytest.mark.parametrize("spoil", CACHES.values(), ids=CACHES.keys())
def test_a_cache_of_another_shape_is_rebuilt_with_one_warning_and_changes_no_report(built, spoil):
    cache = built / "output" / ".cache"
    spoil(cache)
    done = report_all(built)
    assert len(warnings(done)) == 1 and "warning: output/.cache" in done.stderr, done.stderr
    assert table(done.stdout) == {"acme": "up to date"}
    (built / "inputs" / "acme.json").write_text((built / "inputs" / "acme.json").read_text() + "\n")
    rebuilt = report_all(built)
    assert table(rebuilt.stdout) == {"acme": "built"} and warnings(rebuilt) == []
    assert json.loads((cache / "digests.json").read_text())["version"] == 2 and (cache / "templates").is_dir()


PREVIOUS = {
    "results of another version": ("results.json", lambda text: json.dumps({**json.loads(text), "schema": 9})),
    "results edited by hand": ("results.json", lambda text: text.replace('"currency": "USD"', '"currency": 12', 1)),
    "truncated results": ("results.json", lambda text: text[:200]),
    "inputs that are no assessment": ("inputs.json", lambda text: "[]"),
}


@pytest.mark.parametrize("name, spoil", PREVIOUS.values(), ids=PREVIOUS.keys())
def test_a_previous_report_that_cannot_be_read_starts_appendix_c_afresh_with_one_warning(built, name, spoil):
    folder = built / "output" / "acme"
    (folder / name).write_text(spoil((folder / name).read_text()))
    data = json.loads((built / "inputs" / "acme.json").read_text())
    data["risk"]["incidents_per_year"] = 9
    (built / "inputs" / "acme.json").write_text(json.dumps(data, indent=2))
    shown = run(built, "diff", "--customer", "acme")
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert f"warning: output/acme/{name}: " in shown.stderr and "No previous report for acme" in shown.stdout
    done = run(built, "report", "--customer", "acme", "--format", "html")
    assert done.returncode == 0, done.stderr
    assert [line for line in warnings(done) if "Appendix C starts again" in line] == [
        f"acme: {line}" for line in warnings(shown)]
    assert json.loads((folder / "results.json").read_text())["changes"] is None
    data["risk"]["incidents_per_year"] = 10  # and the report after it compares with this one again
    (built / "inputs" / "acme.json").write_text(json.dumps(data, indent=2))
    later = run(built, "report", "--customer", "acme", "--format", "html")
    assert later.returncode == 0 and warnings(later) == []
    changes = json.loads((folder / "results.json").read_text())["changes"]
    assert changes["inputs"] == [{"path": "risk.incidents_per_year", "old": 9, "new": 10}]


def altered_in_place(pdf):
    """One byte changed, the size and the modification time kept: only the digest tells."""
    data, status = pdf.read_bytes(), pdf.stat()
    pdf.write_bytes(data[:500] + bytes([data[500] ^ 1]) + data[501:])
    os.utime(pdf, ns=(status.st_atime_ns, status.st_mtime_ns))


@pytest.mark.parametrize("spoil, reason", [
    (lambda pdf: pdf.unlink(), "output missing"),
    (lambda pdf: pdf.write_bytes(pdf.read_bytes()[:1000]), "output altered"),
    (altered_in_place, "output altered"),
], ids=["deleted", "truncated", "altered in place"])
def test_a_built_pdf_deleted_or_altered_is_rebuilt(tmp_path, spoil, reason):
    project = make_project(tmp_path)
    for slug in ("bluebird", "northwind"):
        (project / "inputs" / f"{slug}.json").unlink()
    assert run(project, "report", "--all", "--format", "pdf").returncode == 0
    pdf = project / "output" / "acme" / f"{report_name('acme')}.pdf"
    whole = pdf.read_bytes()
    spoil(pdf)
    done = run(project, "report", "--all", "--format", "pdf")
    assert done.returncode == 0, done.stderr
    assert table(done.stdout) == {"acme": "built"}
    assert "acme                 built" in done.stderr and f"{reason}: {report_name('acme')}.pdf" in done.stderr
    assert pdf.read_bytes() == whole
    assert table(run(project, "report", "--all", "--format", "pdf").stdout) == {"acme": "up to date"}
