"""`invoke report --pdf-standard` as a user runs it: PDF/A-3a declared in the XMP, `none` untagged, a wrong
value refused before anything is built."""

from __future__ import annotations

import re
import subprocess

import pikepdf

from .test_cli_batch import make_project, run


def test_the_pdf_standard_is_chosen_on_the_command_line(tmp_path):
    project = make_project(tmp_path)
    pdf = project / "output" / "acme" / "acme-kafka-tco-assessment.pdf"
    archived = run(project, "report", "--customer", "acme", "--format", "pdf", "--pdf-standard", "a-3a")
    assert archived.returncode == 0, archived.stderr
    with pikepdf.open(pdf) as document:
        assert document.open_metadata().get("pdfaid:part") == "3"
    plain = run(project, "report", "--customer", "acme", "--format", "pdf", "--pdf-standard", "none")
    assert plain.returncode == 0, plain.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+no", info)
    default = run(project, "report", "--customer", "acme", "--format", "pdf")
    assert default.returncode == 0 and re.search(r"Tagged:\s+yes", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)
    wrong = run(project, "report", "--customer", "acme", "--pdf-standard", "pdf/x")
    assert wrong.returncode == 2 and "--pdf-standard must be one of ua-1, a-3a, none" in wrong.stderr
    assert "Traceback" not in wrong.stderr
