"""Appendix A (assumptions): every catalogue value and input the run used, read back from the rendered report."""

from __future__ import annotations

import io
import re

import pytest
import tinyhtml5
from pypdf import PdfReader

from reportgen.report import filters
from reportgen.catalogue import load_catalogue
from reportgen.build.pipeline import report, validate
from reportgen.build.assemble import report_name
from reportgen.model.contract import Results
from reportgen.report.view import _key_group, _matrix_chunks, input_rows
from tests.conftest import ROOT, TmpProject, example, variant

NS = {"h": "http://www.w3.org/1999/xhtml"}
STATUS_WORDS = ("customer", "cited", "vendor-claim", "derived", "illustrative")
OVERRIDES = {"options.msk.incident_factor": 0.6, "options.confluent_platform.licence_per_broker_year": 12000}


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def appendix_a(html: str):
    return tinyhtml5.parse(html).find(".//h:section[@id='section-appendix-a']", NS)


def catalogue_cells(section, results: Results) -> dict[str, object]:
    """Each catalogue key's table cell, found by the group (or option column) and row label a reader would use."""
    cells = {}
    for matrix in section.iterfind(".//h:table[@class='data dense option-matrix']", NS):
        options = [text(th) for th in matrix.findall("h:thead/h:tr/h:th", NS)[2:]]
        for row in matrix.iterfind("h:tbody/h:tr", NS):
            label, _unit, *values = row.findall("h:td", NS)
            for option, cell in zip(options, values):
                cells[(option, text(label))] = cell
    table = section.find(".//h:table[@class='data dense catalogue']", NS)
    for body in table.iterfind("h:tbody", NS):
        group = text(body.find("h:tr/h:th", NS))
        for row in body.findall("h:tr", NS)[1:]:
            label, cell = row.findall("h:td", NS)
            cells[(group, text(label))] = cell
    return {key: cells.get(_key_group(key, results)) for key in results.catalogue_used}


def sources(section) -> dict[int, str]:
    listed = {}
    for item in section.iterfind(".//h:ol[@class='sources']/h:li", NS):
        number, _, rest = text(item).partition(" ")
        listed[int(number.strip("[]"))] = rest
    return listed


def render(root, data: dict, formats: tuple[str, ...]) -> dict:
    project = TmpProject(root)
    (root / "templates").symlink_to(ROOT / "templates")
    project.write(data)
    made = report(project.project, data["customer"]["slug"], formats=formats)
    folder = project.project.output_dir(data["customer"]["slug"])
    name = report_name(data["customer"]["slug"])
    built = {"results": made.results, "assessment": validate(project.project, data["customer"]["slug"]),
             "html": (folder / f"{name}.html").read_text(encoding="utf-8")}
    if "pdf" in formats:
        built["pdf"] = PdfReader(io.BytesIO((folder / f"{name}.pdf").read_bytes()))
    return built


@pytest.fixture(scope="module")
def acme(tmp_path_factory) -> dict:
    return render(tmp_path_factory.mktemp("appendix"), example("acme"), ("pdf", "html"))


@pytest.fixture(scope="module")
def overridden(tmp_path_factory) -> dict:
    data = variant("acme")
    data["overrides"] |= OVERRIDES
    return render(tmp_path_factory.mktemp("overridden"), data, ("html",))


def test_every_catalogue_value_used_is_listed_with_its_value_unit_and_dated_source(acme):
    section = appendix_a(acme["html"])
    listed = sources(section)
    catalogue = load_catalogue()
    cells = catalogue_cells(section, acme["results"])
    assert [k for k, cell in cells.items() if cell is None] == []
    for key, used in acme["results"].as_json()["catalogue_used"].items():
        shown = text(cells[key])
        assert shown.startswith(filters.quantity(used["value"])), (key, shown)
        number = int(re.search(r"\[(\d+)\]", shown).group(1))
        entry = catalogue.entries[key]
        if used["status"] == "customer":
            assert listed[number] == f"customer (overrides), as of {acme['assessment'].assessment.date}"
        else:
            assert listed[number] == f"{entry.source}, as of {entry.as_of}", key
            assert f"st-{entry.status}" in cells[key].get("class")
    assert sorted(listed) == list(range(1, len(listed) + 1))


def test_status_is_a_cell_class_with_a_marker_not_an_inline_element(acme):
    section = appendix_a(acme["html"])
    cells = catalogue_cells(section, acme["results"])
    for key, cell in cells.items():
        status = acme["results"].as_json()["catalogue_used"][key]["status"]
        marker = {"vendor-claim": "*", "illustrative": "†"}.get(status, "")
        assert re.match(rf"\S+{re.escape(marker)} ", text(cell)), (key, text(cell))
        assert list(cell) == [], key  # no span, no link
    assert section.find(".//h:table//h:a", NS) is None


def test_an_override_shows_the_catalogue_default_beside_the_value_used(overridden):
    section = appendix_a(overridden["html"])
    cells = catalogue_cells(section, overridden["results"])
    listed = sources(section)
    catalogue = load_catalogue()
    for key, value in OVERRIDES.items():
        shown = text(cells[key])
        default = filters.quantity(catalogue.entries[key].value)
        assert re.fullmatch(rf"{re.escape(filters.quantity(value))} .*\[(\d+)\] \(default {re.escape(default)}\)", shown), shown
        assert "st-customer" in cells[key].get("class")
        number = int(re.search(r"\[(\d+)\]", shown).group(1))
        assert listed[number] == f"customer (overrides), as of {overridden['assessment'].assessment.date}"


def test_inputs_left_at_their_default_are_shown_as_default(acme):
    section = appendix_a(acme["html"])
    shown = {}
    for table in section.iterfind(".//h:table[@class='data dense inputs']", NS):
        for row in table.iterfind("h:tbody/h:tr", NS):
            cells = row.findall("h:td", NS)
            if cells:  # a group's title row has none
                shown[text(cells[0])] = cells[1].get("class", "")
    rows = [r for r in input_rows(acme["assessment"], {}) if r["group"] != "clusters"]
    assert {r["status"] for r in rows} == {"customer", "default"}
    for row in rows:
        assert ("is-default" in shown[row["label"]]) == (row["status"] == "default"), row["label"]


def test_the_legend_names_every_status_and_appendix_a_fits_three_pages(acme):
    pages = [" ".join(page.extract_text().split()) for page in acme["pdf"].pages]
    first = next(i for i, p in enumerate(pages) if "Appendix A Assumptions" in p and "Inputs from the assessment" in p)
    last = next(i for i, p in enumerate(pages) if "Appendix B Formulas" in p and "The model in plain notation" in p)
    appendix = " ".join(pages[first:last + 1])
    for word in STATUS_WORDS:
        assert word in appendix, word
    assert last - first <= 3


def test_option_columns_are_split_in_near_equal_tables_of_at_most_five():
    assert _matrix_chunks(list("abcde")) == [list("abcde")]
    assert [len(c) for c in _matrix_chunks(list("abcdefg"))] == [4, 3]
    assert [len(c) for c in _matrix_chunks(list("abcdefghijkl"))] == [4, 4, 4]
