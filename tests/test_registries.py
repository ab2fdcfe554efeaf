"""The chart and section registries: a record is all it takes to add a chart or move a section, and a bad one is refused."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
import tinyhtml5
from pypdf import PdfReader

from reportgen.build.assemble import report_name
from reportgen.build.pipeline import Project, report
from reportgen.model.contract import Results
from reportgen.problems import ReportgenError
from reportgen.report import chart_plan, charts, sections
from reportgen.report.chart_plan import Chart, chart_names
from reportgen.report.registry import records
from reportgen.report.sections import Section
from tests.conftest import ROOT, example

NS = {"h": "http://www.w3.org/1999/xhtml"}
CHART = dict(name="year_1_cost", section="infrastructure", draw="year_1_cost", height=chart_plan.fixed(2.0),
             words=lambda r: ("Year 1 by option", "A bar per option: its hard cost in year 1.",
                              "Each option's hard cost in its first year."),
             labels=chart_plan.option_names, shown=sections.always)


def year_1_cost(results: Results, style: charts.Style, ax) -> None:
    """A chart the report does not have: each option's year-1 hard cost."""
    ids = results.option_order
    ax.bar(range(len(ids)), [results.options[o].years[1].hard_total for o in ids])


def built(root, formats: tuple[str, ...] = ("html",), changed: bool = False) -> dict:
    """acme's report built in a project of its own (`changed`: a second time, after an input changed, so that it
    has Appendix C); the HTML parsed, the PDF's text, the charts drawn."""
    (root / "inputs").mkdir(parents=True)
    (root / "templates").symlink_to(ROOT / "templates")
    data = example("acme")
    project = Project(root)
    if changed:
        (root / "inputs" / "acme.json").write_text(json.dumps(data))
        report(project, "acme", formats=("html",))
        data["risk"]["productivity_loss"] = 0.4
    (root / "inputs" / "acme.json").write_text(json.dumps(data))
    report(project, "acme", formats=formats)
    folder = project.output_dir("acme")
    html = (folder / f"{report_name('acme')}.html").read_text(encoding="utf-8")
    pdf = (folder / f"{report_name('acme')}.pdf").read_bytes() if "pdf" in formats else None
    return {"html": html, "tree": tinyhtml5.parse(html), "charts": sorted(p.stem for p in (folder / "charts").iterdir()),
            "pdf_text": " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
            if pdf else ""}


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def main_sections(tree) -> list[str]:
    return [s.get("id") for s in tree.findall(".//h:main/h:section", NS) if s.get("id")]


def contents(tree) -> list[str]:
    return [text(item) for item in tree.findall(".//h:nav[@class='contents']//h:li", NS)]


def figure_numbers(tree) -> dict[str, str]:
    """Each figure's name and the number its caption gives, in document order."""
    return {f.get("id").removeprefix("fig-"): text(f.find("h:figcaption", NS)).split(".")[0]
            for f in tree.iterfind(".//h:figure", NS)}


def with_charts(*rows: dict) -> dict[str, Chart]:
    return chart_plan.check(chart_plan.CHARTS | records("chart", Chart, rows, "tests/test_registries.py"))


def test_a_chart_added_as_one_record_and_its_draw_function_is_drawn_numbered_and_shown_in_its_section(
        tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "year_1_cost", year_1_cost, raising=False)
    monkeypatch.setattr(chart_plan, "CHARTS", with_charts(CHART))
    made = built(tmp_path, ("pdf", "html"))
    section = made["tree"].find(".//h:section[@id='section-infrastructure']", NS)
    figure = section.find("h:figure[@id='fig-year_1_cost']", NS)
    assert text(figure.find("h:figcaption", NS)) == "Figure 5. Year 1 by option. Each option's hard cost in its first year."
    assert figure.find(".//h:img", NS).get("alt") == "A bar per option: its hard cost in year 1."
    assert list(figure_numbers(made["tree"]).items())[3:6] == [
        ("cumulative_cost", "Figure 4"), ("year_1_cost", "Figure 5"), ("time_to_value", "Figure 6")]
    assert "year_1_cost" in made["charts"]
    assert "Figure 5. Year 1 by option." in made["pdf_text"] and "Figure 6. Months to bring" in made["pdf_text"]


def test_a_chart_its_section_does_not_place_comes_at_the_end_of_any_section(tmp_path, monkeypatch):
    listed = [s.id for s in sections.SECTIONS.values() if s.title]
    monkeypatch.setattr(charts, "year_1_cost", year_1_cost, raising=False)
    monkeypatch.setattr(chart_plan, "CHARTS", with_charts(*(
        CHART | {"name": f"extra_{i}", "section": section} for i, section in enumerate(listed))))
    tree = built(tmp_path, changed=True)["tree"]
    for i, section in enumerate(listed):
        last = tree.find(f".//*[@id='section-{section}']", NS)[-1]
        assert last.get("id") == f"fig-extra_{i}", section
    numbers = list(figure_numbers(tree).values())
    assert numbers == [f"Figure {n}" for n in range(1, len(numbers) + 1)]


def test_the_order_of_sections_and_of_their_figures_is_the_registrys(tmp_path, monkeypatch):
    order = list(sections.SECTIONS)
    for a, b in (("roi", "time-to-value"), ("range", "capabilities")):
        i, j = order.index(a), order.index(b)
        order[i], order[j] = order[j], order[i]
    monkeypatch.setattr(sections, "SECTIONS", sections.check({id_: sections.SECTIONS[id_] for id_ in order}))
    tree = built(tmp_path)["tree"]
    ids = main_sections(tree)
    assert ids.index("section-roi") < ids.index("section-time-to-value")
    assert ids.index("section-capabilities") < ids.index("section-range")
    assert contents(tree)[7:11] == ["8 Return on investment", "9 Time to value", "10 Capabilities compared",
                                    "11 Range of outcomes"]
    numbers = figure_numbers(tree)
    assert (numbers["roi_waterfall"], numbers["time_to_value"]) == ("Figure 5", "Figure 6")


def test_a_section_whose_condition_is_false_is_left_out_of_the_document_and_the_contents(tmp_path, monkeypatch):
    hidden = dataclasses.replace(sections.SECTIONS["range"], shown=lambda results: False)
    monkeypatch.setattr(sections, "SECTIONS", sections.SECTIONS | {"range": hidden})
    made = built(tmp_path)
    assert "section-range" not in main_sections(made["tree"])
    assert "Range of outcomes" not in " ".join(contents(made["tree"]))
    assert "10 Capabilities compared" in contents(made["tree"])
    assert 'href="#range"' not in made["html"] and "The range of outcomes was not simulated" in made["html"]
    assert "savings_histogram" not in made["charts"] and "tornado" not in made["charts"]


def test_the_sections_condition_decides_for_its_charts_too(example_results):
    results = example_results["acme"].model_copy(update={"changes": None})
    assert [s.id for s in sections.in_report(results)][-4:] == ["capabilities", "appendix-a", "appendix-b", "disclaimer"]
    assert chart_names(results)[-2:] == ["savings_histogram", "tornado"]
    without_range = Results.model_construct(results.model_fields_set - {"sensitivity"}, **dict(results))
    assert "sensitivity" not in without_range.as_json()
    assert "range" not in [s.id for s in sections.in_report(without_range)]
    assert "savings_histogram" not in chart_names(without_range)


def test_a_chart_record_missing_a_field_is_refused_naming_the_chart_and_the_field():
    row = {k: v for k, v in CHART.items() if k != "section"}
    with pytest.raises(ReportgenError, match=r"chart 'year_1_cost' in here lacks 'section'; every chart has "
                                             r"name, section, draw, height, words, labels, shown"):
        records("chart", Chart, [row], "here")


def test_a_record_with_an_unknown_field_a_value_for_a_rule_or_listed_twice_is_refused():
    with pytest.raises(ReportgenError, match="has 'colour', which a chart does not have"):
        records("chart", Chart, [CHART | {"colour": "red"}], "here")
    with pytest.raises(ReportgenError, match="has 'height' that is not a function"):
        records("chart", Chart, [CHART | {"height": 2.0}], "here")
    with pytest.raises(ReportgenError, match="'tornado' in here is listed twice"):
        records("chart", Chart, [CHART | {"name": "tornado"}] * 2, "here")


def test_a_section_record_missing_a_field_or_out_of_its_part_is_refused():
    row = dict(id="glossary", template="glossary.html.j2", title="Glossary", part="appendix")
    with pytest.raises(ReportgenError, match="section 'glossary' in here lacks 'shown'"):
        records("section", Section, [row], "here")
    glossary = Section(**row, shown=sections.always)
    with pytest.raises(ReportgenError, match="'glossary' .* comes after a section of a later part"):
        sections.check(sections.SECTIONS | {"glossary": glossary})
    with pytest.raises(ReportgenError, match="'glossary' .* has part 'annex'"):
        sections.check({"glossary": dataclasses.replace(glossary, part="annex")})


def test_a_chart_in_an_unknown_section_or_without_its_draw_function_is_refused():
    with pytest.raises(ReportgenError, match="belongs to section 'glossary', which .*sections.py does not list"):
        with_charts(CHART | {"section": "glossary"})
    chart = Chart(**(CHART | {"draw": "nowhere"}))
    with pytest.raises(ReportgenError, match="names the draw function 'nowhere', which .*charts.py does not have"):
        charts.check([chart])


def test_every_section_has_its_template_and_every_chart_its_draw_function():
    assert all((ROOT / "templates/report/sections" / s.template).is_file() for s in sections.SECTIONS.values())
    assert [charts.drawer(c).__name__ for c in chart_plan.CHARTS.values()] == [c.draw for c in chart_plan.CHARTS.values()]
