"""Customer text from anywhere: markup and template syntax stay text, other scripts and long
names render with the report's own fonts and inside the page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

import reportgen.build.assemble
from reportgen.report.fallback import shipped
from reportgen.build.pipeline import report
from reportgen.pdf.render import render_document
from reportgen.build.assemble import report_name
from reportgen.report.theme import load_theme
from tests.conftest import ROOT, variant
from tests.test_report import tmp_project

MARKUP = "<script>alert(1)</script> {{ 7*7 }} {% raw %} ${7*7} <b>bold</b> &amp; \"q\" 'a'"
SCRIPTS = "مؤسسة الشرق · שלום עולם · 東京データ株式会社 · 서울전자 · 🚀📈"
CJK_CLUSTER = "生产集群-東京 🚀"


def made(tmp_path, data, formats=("pdf", "html")):
    project = tmp_project(tmp_path, data)
    report(project, data["customer"]["slug"], formats=formats)
    folder = project.output_dir(data["customer"]["slug"])
    name = report_name(data["customer"]["slug"])
    pdf = (folder / f"{name}.pdf").read_bytes() if "pdf" in formats else None
    return folder, pdf, (folder / f"{name}.html").read_text(encoding="utf-8") if "html" in formats else None


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[1].replace("-", ""))
    return names


def test_markup_and_template_syntax_are_escaped_in_html_and_literal_in_pdf(tmp_path):
    data = variant("acme", **{"customer.name": MARKUP, "clusters.0.name": "<img src=x onerror=alert(1)>",
                              "assessment.prepared_by": "{{ config }} {% include 'x' %}"})
    _, pdf, html = made(tmp_path, data)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %} ${7*7} &lt;b&gt;bold&lt;/b&gt; &amp;amp;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "{{ config }} {% include &#39;x&#39; %}" in html
    text = pdf_text(pdf)
    assert "<script>alert(1)</script> {{ 7*7 }} {% raw %} ${7*7} <b>bold</b> &amp;" in text
    assert "<img src=x onerror=alert(1)>" in text and "{{ config }} {% include 'x' %}" in text


def test_other_scripts_and_emoji_render_with_the_reports_own_fonts(tmp_path):
    data = variant("acme", **{"customer.name": SCRIPTS, "clusters.0.name": CJK_CLUSTER,
                              "clusters.0.ingress_mbps": {"low": 100, "likely": 120, "high": 200}})
    folder, pdf, html = made(tmp_path, data)
    tornado = (folder / "charts" / "tornado.svg").read_text(encoding="utf-8")
    assert CJK_CLUSTER in tornado and "Noto Sans CJK SC" in tornado
    allowed = {f.family.replace(" ", "") for f in load_theme(ROOT / "templates", "default").fonts + shipped(ROOT / "templates")}
    fonts = embedded_fonts(pdf)
    assert {"NotoSansArabic", "NotoSansHebrew", "NotoSansCJKSC", "NotoEmoji"} <= {f.split("Bold")[0].split("Regular")[0] for f in fonts}
    assert all(any(f.startswith(family) for family in allowed) for f in fonts), fonts
    text = pdf_text(pdf)
    assert "東京データ株式会社" in text and "서울전자" in text and "生产集群-東京" in text
    assert 'href="fonts/fallback.css"' in html and (folder / "fonts" / "NotoSansCJKsc-Regular.otf").is_file()


def test_an_ordinary_report_loads_no_fallback_font(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(reportgen.build.assemble, "render_pdf", lambda html, site, *rest, **options: seen.append(html) or b"%PDF")
    monkeypatch.setattr(reportgen.build.assemble, "_check_claims", lambda *args: None)  # no PDF to read back
    made(tmp_path, variant("acme"), formats=("pdf",))
    assert "fallback" not in seen[0] and "@font-face" not in seen[0]


def overflowing_text(document) -> list[str]:
    """Text boxes that reach past their page's right edge."""
    from weasyprint.formatting_structure import boxes

    def walk(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    found = []
    for page in document.pages:
        right = page.width
        for box in walk(page._page_box):
            if isinstance(box, boxes.TextBox) and box.position_x + box.width > right + 0.5:
                found.append(box.text[:40])
    return found


@pytest.mark.parametrize("name", [
    ("Northwind Consolidated Logistics and Freight Forwarding Holdings International " * 2)[:120],
    "W" * 120,
], ids=["words", "one-word"])
def test_a_name_of_the_longest_allowed_length_stays_inside_the_page(tmp_path, monkeypatch, name):
    layouts = []
    monkeypatch.setattr(reportgen.build.assemble, "render_pdf",
                        lambda html, site, *rest, **options: layouts.append(render_document(html, site)) or b"%PDF")
    monkeypatch.setattr(reportgen.build.assemble, "_check_claims", lambda *args: None)  # no PDF to read back
    made(tmp_path, variant("acme", **{"customer.name": name, "clusters.0.name": name}), formats=("pdf",))
    document = layouts[0]
    assert overflowing_text(document) == []
    cover = " ".join(box.text for box in _texts(document.pages[0]))
    assert "".join(name.split()) in "".join(cover.split())


def _texts(page):
    from weasyprint.formatting_structure import boxes
    stack = [page._page_box]
    while stack:
        box = stack.pop(0)
        if isinstance(box, boxes.TextBox):
            yield box
        stack.extend(getattr(box, "children", ()))
