"""The claims check (reportgen/pdf/claims.py) on the examples' real PDFs: silent when they agree with
results.json, and naming the figure when either side is wrong."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from reportgen.build.assemble import report_name
from reportgen.build.pipeline import Project, report
from reportgen.pdf.claims import ROI, SUMMARY, chapter_lines, check_claims
from reportgen.pdf.render import Site, render_pdf
from reportgen.report import filters
from tests.conftest import EXAMPLES, ROOT, example


def rendered(root, slug: str) -> dict:
    (root / "inputs").mkdir(parents=True)
    (root / "templates").symlink_to(ROOT / "templates")
    (root / "inputs" / f"{slug}.json").write_text(json.dumps(example(slug), indent=2))
    project = Project(root)
    made = report(project, slug)
    folder = project.output_dir(slug)
    return {"results": made.results, "folder": folder, "pdf": (folder / f"{report_name(slug)}.pdf").read_bytes(),
            "html": (folder / f"{report_name(slug)}.html").read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict:
    return {slug: rendered(tmp_path_factory.mktemp(slug), slug) for slug in EXAMPLES}


@pytest.mark.parametrize("slug", EXAMPLES)
def test_each_examples_pdf_says_what_its_results_say(examples, slug):
    assert check_claims(examples[slug]["pdf"], examples[slug]["results"]) == []


@pytest.mark.parametrize("slug", EXAMPLES)
def test_altered_proposed_savings_are_named_in_the_summary_and_the_roi_table(examples, slug):
    results = examples[slug]["results"].model_copy(deep=True)
    proposed = results.options[results.proposed_option]
    printed, proposed.savings = proposed.savings, proposed.savings * 1.02
    mismatches = check_claims(examples[slug]["pdf"], results)
    shown = filters.money_short(printed, results.currency)
    assert f"{SUMMARY}: {shown} is none of the figures of results.json" in mismatches
    assert any(m.startswith(f"{ROI}: row 'Net savings' shows") and filters.money(printed, results.currency) in m
               for m in mismatches)


def test_a_number_printed_wrong_in_the_roi_table_is_named(examples):
    """The acme HTML with one cell of the ROI table changed, rendered to a PDF as the report renders it."""
    acme = examples["acme"]
    results, folder = acme["results"], acme["folder"]
    proposed = results.options[results.proposed_option]
    right, wrong = filters.money(proposed.costs), filters.money(proposed.costs + 9)
    cell = f'<td class="num">{right}</td>'
    assert acme["html"].count(cell) == 1
    site = Site(base=folder.as_uri() + "/", roots=(folder.resolve(),), mounts={"": folder}, memory={})
    pdf = render_pdf(acme["html"].replace(cell, f'<td class="num">{wrong}</td>'), site,
                     datetime(2026, 1, 1, tzinfo=timezone.utc), ("acme.json", b"{}"),
                     stylesheets=("theme/theme.css", "style/report.css"))
    mismatches = check_claims(pdf, results)
    assert f"{ROI}: {wrong} is none of the figures of results.json" in mismatches
    rows = [m for m in mismatches if m.startswith(f"{ROI}: row ")]
    assert len(rows) == 1 and rows[0].startswith(f"{ROI}: row 'Total costs' shows") and wrong in rows[0] and right in rows[0]
    assert all(wrong in m for m in mismatches)


def test_only_the_chapters_flow_text_is_read_not_the_charts(examples):
    """The summary's chart has axis ticks ($1.00M ...) that pypdf's plain text holds and the check leaves out."""
    reader = PdfReader(io.BytesIO(examples["acme"]["pdf"]))
    summary = chapter_lines(reader, SUMMARY)
    assert summary[0] == "1 Executive summary" and not any(line.startswith("2 How we measured") for line in summary)
    everything = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(examples["acme"]["pdf"])).pages[2:4])
    assert "$1.00M" in everything and "$1.00M" not in " ".join(summary)
    roi = chapter_lines(reader, ROI)
    assert roi[0] == "9 Return on investment" and any(line.startswith("Net savings ") for line in roi)
