"""The report's PDF is accessible and, on request, archival (README, "Accessible and archival"), read by tools
that are not reportgen's: Poppler's pdfinfo, MuPDF's reading of the structure tree with its text, pikepdf's walk
of the tree, and outloud, a PDF/UA-1 checker calibrated against veraPDF. The acme report comes from the real
CLI with its default standard, PDF/UA-1; the PDF/A-3a and untagged variants are the same document rendered
by the PDF stage with the other standards."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from xml.etree import ElementTree

import pikepdf
import pymupdf
import pytest

from reportgen.model.contract import Results
from reportgen.model.costs import CATEGORIES
from reportgen.pdf.render import Site, render_pdf
from reportgen.problems import ReportgenError
from reportgen.report import chart_plan, filters, sections
from tests.test_cli_batch import make_project, run

REPORT = "acme-kafka-tco-assessment"
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
ROLES = {"/Column", "/Row"}
HEADING = re.compile(r"H([1-6])")
CONTENTS_LINE = re.compile(r'<span class="number">([^<]+)</span> <a href="#[^"]+">([^<]+)</a>')


@pytest.fixture(scope="module")
def acme(tmp_path_factory) -> dict:
    """The acme report as `invoke report --customer acme` writes it."""
    project = make_project(tmp_path_factory.mktemp("acme"))
    done = run(project, "report", "--customer", "acme")
    assert done.returncode == 0, done.stderr
    folder = project / "output" / "acme"
    results = Results.model_validate(json.loads((folder / "results.json").read_text()))
    return {"folder": folder, "pdf": folder / f"{REPORT}.pdf", "html": (folder / f"{REPORT}.html").read_text(),
            "results": results, "inputs": (project / "inputs" / "acme.json").read_bytes()}


def rendered(acme, tmp_path_factory, pdf_standard: str):
    """The acme HTML as a PDF of `pdf_standard`, through the PDF stage the report uses."""
    folder = acme["folder"]
    site = Site(base=folder.as_uri() + "/", roots=(folder.resolve(),), mounts={"": folder}, memory={})
    pdf = render_pdf(acme["html"], site, WHEN, ("acme.json", acme["inputs"]),
                     stylesheets=("theme/theme.css", "style/report.css"), pdf_standard=pdf_standard)
    path = tmp_path_factory.mktemp(pdf_standard) / f"{REPORT}.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def archival(acme, tmp_path_factory):
    return rendered(acme, tmp_path_factory, "a-3a")


def pdfinfo(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def headings(path) -> list[tuple[int, str]]:
    """Every heading of the structure tree with its text, in reading order, as MuPDF reads them."""
    found: list[tuple[int, str]] = []
    with pymupdf.open(path) as document:
        for page in document:
            xml = page.get_text("xml", flags=pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_COLLECT_STRUCTURE)
            for element in ElementTree.fromstring(xml).iter("struct"):
                level = HEADING.fullmatch(element.get("std", ""))
                if level:
                    text = " ".join("".join(char.get("c") for char in line.iter("char")) for line in element.iter("line"))
                    found.append((int(level[1]), " ".join(text.split())))
    return found


def elements(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    """The structure elements of `role` ("/Figure"), in the tree's order."""
    found, pending = [], [pdf.Root.StructTreeRoot]
    while pending:
        node = pending.pop()
        if node.get("/S") == role:
            found.append(node)
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        pending.extend(reversed([kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]))
    return found


def outloud(path, *options: str) -> list[str]:
    """What outloud's PDF/UA-1 conformance rules find (its semantic layer is heuristics: README says what it
    reports); a rule that could not run is a finding too."""
    done = subprocess.run([sys.executable, "-m", "outloud.cli", "--layer", "conformance", "--json", "-", *options,
                           str(path)], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    [checked] = json.loads(done.stdout)["results"]
    return ([f"{f['rule']} {f['severity']}: {f['message']}" for f in checked["findings"]]
            + [f"{rule['rule']} did not run" for rule in checked["rules"]
               if rule["status"] not in ("ran", "not-applicable", "not-implemented")])


def test_the_pdf_is_tagged_in_the_language_of_the_report_and_shows_its_title(acme):
    info = pdfinfo(acme["pdf"])
    assert info["Tagged"] == "yes"
    assert info["Title"] == f"The true cost of running Kafka at {acme['results'].customer.name}"
    with pikepdf.open(acme["pdf"]) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True  # the title bar shows the title, not the file name
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        assert len(pdf.open_outline().root) > 10  # bookmarks: the cover's title, the contents and each chapter


def test_the_structure_tree_has_every_heading_of_the_contents_in_order_and_skips_no_level(acme):
    found = headings(acme["pdf"])
    contents = [html.unescape(f"{number} {title}") for number, title in CONTENTS_LINE.findall(acme["html"])]
    assert len(contents) == len([s for s in sections.in_report(acme["results"]) if s.title])
    assert [squeezed(text) for level, text in found if level == 1][1:] == [squeezed(line) for line in contents]
    assert found[0] == (1, f"The true cost of running Kafka at {acme['results'].customer.name}")
    assert (2, "Contents") in found and {level for level, _ in found} == {1, 2, 3}
    assert all(level <= before + 1 for (before, _), (level, _) in zip(found, found[1:]))


def squeezed(heading: str) -> str:
    """A heading as a screen reader says it: an appendix's letter is set in capitals on a line of its own."""
    return "".join(heading.split()).casefold()


def key_figures(results: Results) -> dict[str, list[str]]:
    """The figures a reader who cannot see each chart must still get, from results.json."""
    short = lambda value: filters.money_short(value, results.currency)  # noqa: E731
    proposed, current = results.options[results.proposed_option], results.options[results.current_option]
    year_1 = current.years[1]
    parts = [getattr(getattr(year_1, c), p) for c, names in CATEGORIES.items() for p in names]
    compared = [o for o in results.option_order if o != results.current_option]
    return {
        "savings_by_option": [short(results.options[o].savings) for o in compared],
        "current_cost": [short(max(parts))],
        "tco_by_option": [short(results.options[o].tco_hard) for o in results.option_order],
        "cumulative_cost": [short(current.tco_hard), short(proposed.tco_hard)],
        "time_to_value": [filters.months(results.options[o].time_to_value.months_to_production)
                          for o in results.option_order],
        "roi_waterfall": [short(proposed.benefits), short(proposed.service_charges), short(proposed.savings)],
        "savings_histogram": [short(getattr(proposed.range.savings, p)) for p in ("p10", "p50", "p90")],
        "tornado": [short(row.savings_at_high) for row in results.sensitivity[:3]],
    }


def test_each_chart_is_a_figure_whose_alternative_text_gives_its_key_figures(acme):
    results = acme["results"]
    with pikepdf.open(acme["pdf"]) as pdf:
        alts = [str(figure.Alt) for figure in elements(pdf, "/Figure")]
    charts = chart_plan.chart_names(results)
    logos, chart_alts = alts[:-len(charts)], alts[-len(charts):]
    assert len(charts) == 8 and logos == ["reportgen"]  # the cover's brand comes first
    for name, alt in zip(charts, chart_alts):
        title, words, _ = chart_plan.CHARTS[name].words(results)
        assert alt == words and alt != title, name
        for figure in key_figures(results)[name]:
            assert figure in alt, (name, figure)


def test_every_table_has_header_cells_each_with_its_scope(acme):
    with pikepdf.open(acme["pdf"]) as pdf:
        tables = elements(pdf, "/Table")
        headers = elements(pdf, "/TH")
        assert len(tables) >= acme["html"].count("<table ")  # a table split by a page break is one on each page
        for table in tables:
            assert elements_under(table, "/TH"), "a table without header cells"
        assert headers and all(str(th.A.Scope) in ROLES for th in headers)
        assert {str(th.A.Scope) for th in headers} == ROLES  # columns' headings, and the formulas' names by row


def elements_under(node: pikepdf.Dictionary, role: str) -> list:
    kids = node.get("/K")
    kids = [k for k in (list(kids) if isinstance(kids, pikepdf.Array) else [kids]) if isinstance(k, pikepdf.Dictionary)]
    return [k for k in kids if k.get("/S") == role] + [e for k in kids for e in elements_under(k, role)]


def test_running_heads_and_page_numbers_are_artifacts_not_content(acme):
    """Their text is marked /Artifact /Pagination in every page's content, and no structure element holds it."""
    with pikepdf.open(acme["pdf"]) as pdf:
        page = pdf.pages[3]
        operators = [(list(operands), str(operator)) for operands, operator in pikepdf.parse_content_stream(page)]
    pagination = [operands for operands, operator in operators
                  if operator == "BDC" and operands[0] == "/Artifact" and operands[1].get("/Type") == "/Pagination"]
    assert len(pagination) >= 3  # the running title, the chapter, "Page 4 of N" (and the confidentiality mark)
    assert not any(re.fullmatch(r"Page \d+ of \d+", text) for _, text in headings(acme["pdf"]))


def test_outloud_finds_nothing_against_pdf_ua_1(acme):
    assert (outloud(acme["pdf"])) == []


def test_the_archival_pdf_is_pdf_a_3a_carrying_its_inputs_as_source_data(acme, archival):
    assert pdfinfo(archival)["Tagged"] == "yes"
    with pikepdf.open(archival) as pdf:
        metadata = pdf.open_metadata()
        assert (metadata.get("pdfaid:part"), metadata.get("pdfaid:conformance")) == ("3", "A")
        assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"  # sRGB, so colours mean the same in years
        names = pdf.Root.Names.EmbeddedFiles.Names
        spec = names[1]
        assert str(names[0]) == "acme.json" and str(spec.AFRelationship) == "/Source"
        assert spec.EF.F.read_bytes() == acme["inputs"]
        assert spec.objgen in {entry.objgen for entry in pdf.Root.AF}  # declared at the document's level too


def test_the_archival_pdf_is_as_accessible_and_declares_pdf_a_rather_than_pdf_ua(archival):
    """WeasyPrint writes one identification per file: the rule that asks for PDF/UA's is the one left."""
    assert [f.split(":")[0] for f in (outloud(archival))] == ["DOC-012 error"]
    assert (outloud(archival, "--skip", "DOC-012")) == []


def test_none_leaves_the_pdf_untagged(acme, tmp_path_factory):
    assert pdfinfo(rendered(acme, tmp_path_factory, "none"))["Tagged"] == "no"


def test_an_unknown_standard_is_refused_with_the_choices(acme):
    with pytest.raises(ReportgenError, match=r"unknown PDF standard 'pdf/a-3b'; choose one of ua-1, a-3a, none"):
        render_pdf("<p>Kafka</p>", Site("file:///out/", (), {}, {}), WHEN, ("a.json", b"{}"), pdf_standard="pdf/a-3b")
