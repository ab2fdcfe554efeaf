"""Rebuilding a report: Appendix C after a change, and the same bytes from the same inputs anywhere."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from reportgen.report import filters
from reportgen.build.pipeline import report
from reportgen.build.assemble import report_name
from tests.conftest import ROOT, example
from tests.test_report import tmp_project

OLD_COST, NEW_COST = 230_000, 250_000


@pytest.fixture(scope="module")
def acme_twice(tmp_path_factory):
    """acme built, its loaded cost raised, built again: both results and the second PDF's text."""
    data = example("acme")
    data["organization"]["loaded_cost_per_fte_per_year"] = OLD_COST
    project = tmp_project(tmp_path_factory.mktemp("changes"), data)
    first = report(project, "acme", formats=("pdf",)).results.as_json()
    data["organization"]["loaded_cost_per_fte_per_year"] = NEW_COST
    project.input_file("acme").write_text(json.dumps(data, indent=2))
    second = report(project, "acme", formats=("pdf",)).results.as_json()
    pdf = (project.output_dir("acme") / f"{report_name('acme')}.pdf").read_bytes()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    return first, second, text


def test_first_report_has_no_changes_appendix(acme_twice):
    first, _, _ = acme_twice
    assert first["changes"] is None


def test_changes_appendix_lists_the_changed_input_and_the_moved_headline(acme_twice):
    first, second, text = acme_twice
    assert "Appendix C Changes" in text
    appendix = text[text.index("What changed since the previous report"):]
    assert f"organization.loaded_cost_per_fte_per_year {filters.quantity(OLD_COST)} {filters.quantity(NEW_COST)}" in appendix
    current = second["options"][second["current_option"]]
    before = first["options"][first["current_option"]]
    assert before["tco_hard"] != current["tco_hard"]
    assert f"Hard TCO {filters.money(before['tco_hard'])} {filters.money(current['tco_hard'])}" in appendix
    moved = {(row["option"], row["figure"]) for row in second["changes"]["headline"]}
    assert (second["current_option"], "tco_hard") in moved


BUILD = "import sys; from pathlib import Path; from reportgen.build.pipeline import Project, report; report(Project(Path(sys.argv[1])), 'acme')"


def test_same_inputs_give_the_same_bytes_in_another_process_time_zone_and_folder(tmp_path):
    project = tmp_project(tmp_path / "project", example("acme"))
    report(project, "acme")
    folder = project.output_dir("acme")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".pdf", ".html", ".svg", ".json"))
    before = {p: p.read_bytes() for p in files}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = os.environ | {"TZ": "Asia/Tokyo", "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", BUILD, str(project.root)], cwd=elsewhere, env=env, check=True)
    assert {p.suffix for p in files} == {".pdf", ".html", ".svg", ".json"}
    for path, data in before.items():
        assert path.read_bytes() == data, path.relative_to(folder)
