"""Seven options in one report (the EU example, lindqvist, compares them all): every table and every line of
text stays inside the page, and each option keeps a colour of its own."""

from __future__ import annotations

import json

import reportgen.build.assemble
from reportgen.build.pipeline import report
from reportgen.pdf.render import render_document
from reportgen.report.theme import load_theme, option_colours
from tests.conftest import ROOT, example
from tests.test_hostile_text import overflowing_text
from tests.test_report import tmp_project


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def test_a_seven_option_report_keeps_every_table_inside_the_page(tmp_path, monkeypatch):
    data = example("lindqvist")
    assert len(data["assessment"]["options"]) == 7
    layouts = []
    monkeypatch.setattr(reportgen.build.assemble, "render_pdf",
                        lambda html, site, *rest, **options: layouts.append(render_document(html, site)) or b"%PDF")
    monkeypatch.setattr(reportgen.build.assemble, "_check_claims", lambda *args: None)  # no PDF to read back
    report(tmp_project(tmp_path, data), "lindqvist", formats=("pdf",))
    from weasyprint.formatting_structure import boxes
    document = layouts[0]
    assert overflowing_text(document) == []
    wide = [(number, round(box.position_x + box.width - page.width, 1))
            for number, page in enumerate(document.pages, start=1) for box in _boxes(page._page_box)
            if isinstance(box, boxes.TableBox) and box.position_x + box.width > page.width + 0.5]
    assert wide == []
    results = json.loads((tmp_path / "output" / "lindqvist" / "results.json").read_text())
    assert set(results["options"]) == set(data["assessment"]["options"])


def test_seven_options_get_seven_distinct_colours():
    for theme in ("default", "harbor"):
        colours = option_colours(load_theme(ROOT / "templates", theme), example("lindqvist")["assessment"]["options"])
        assert len(set(colours.values())) == 7, theme
