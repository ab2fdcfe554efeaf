"""Words and type of the printed report, read from the examples' real PDFs and HTML: ROI as a percentage
a finance reader expects, risk in plain words, numbers kept on one line with their units, nothing printed
below 7.5 pt, and every figure on the page of the sentence that introduces it."""

from __future__ import annotations

import io
import math
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
import tinyhtml5
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from reportgen.pdf.claims import ROI, chapter_lines
from reportgen.report import filters
from reportgen.report.theme import load_theme, themes
from tests.conftest import EXAMPLES, ROOT
from tests.test_claims import rendered

MIN_PT = 7.5
NBSP = "\u00a0"  # U+00A0, written here rather than taken from the filters it checks
NS = {"h": "http://www.w3.org/1999/xhtml"}
CSS = ROOT / "templates" / "report" / "report.css"  # the print stylesheet; screen.css is linked media="screen"
UNIT_LENGTHS = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0}
ROI_DEFINITION = ("Return on investment (ROI) is the net savings over the option's costs, its service charges plus "
                  "the migration, as a percentage: the form of Forrester's Total Economic Impact (TEI) studies.")


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict:
    return {slug: rendered(tmp_path_factory.mktemp(slug), slug) for slug in EXAMPLES}


def pdftotext(pdf: bytes, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def words(text: str) -> str:
    return " ".join(text.split())


def html_text(html: str) -> str:
    """The report's visible text, as written (no-break spaces kept)."""
    body = tinyhtml5.parse(html).find("h:body", NS)
    return "".join(body.itertext())


# ---------- ROI as a percentage ----------

@pytest.mark.parametrize("slug", EXAMPLES)
def test_roi_is_printed_as_a_percentage_and_defined_in_its_section(examples, slug):
    report, results = examples[slug], examples[slug]["results"]
    text = pdftotext(report["pdf"])
    assert not re.search(r"\d\.\dx\b", text), re.findall(r".{30}\d\.\dx\b", text)
    columns = [results.options[o] for o in results.option_order if o != results.current_option]
    roi = chapter_lines(PdfReader(io.BytesIO(report["pdf"])), ROI)
    assert ROI_DEFINITION in " ".join(roi)
    assert words(f"ROI (net savings ÷ costs) {' '.join(filters.percent(c.roi) for c in columns)}") in roi
    proposed = results.options[results.proposed_option]
    assert f"an ROI of {words(filters.percent(proposed.roi))}." in words(text)  # the waterfall's caption
    spread = proposed.range.roi
    assert f"ROI {' '.join(words(filters.percent(getattr(spread, p))) for p in ('p10', 'p50', 'p90'))}" in words(text)


@pytest.mark.parametrize("slug", EXAMPLES)
def test_the_current_option_has_no_roi_column(examples, slug):
    """Its ROI and payback are undefined: the ROI table leaves it out rather than print 0."""
    results = examples[slug]["results"]
    table = tinyhtml5.parse(examples[slug]["html"]).find(".//h:table[@class='data roi']", NS)
    heads = [words("".join(th.itertext())) for th in table.findall("h:thead/h:tr/h:th", NS)[1:]]
    assert heads == [results.options[o].short_name for o in results.option_order if o != results.current_option]


# ---------- words ----------

@pytest.mark.parametrize("slug", EXAMPLES)
def test_risk_is_named_in_plain_words(examples, slug):
    text = words(pdftotext(examples[slug]["pdf"])).lower()
    assert "risk-adjusted" not in text and "risk adjusted" not in text
    assert "tco including expected risk" in text and "costs including expected risk" in text
    assert examples[slug]["results"].as_json()["options"][examples[slug]["results"].current_option]["tco_risk_adjusted"]


# ---------- numbers and their units ----------

def test_the_filters_join_each_number_to_its_unit_with_a_no_break_space():
    nbsp = NBSP
    assert filters.percent(0.284) == f"28{nbsp}%" and filters.percent(-0.22) == f"{filters.MINUS}22{nbsp}%"
    assert filters.months(2) == f"2{nbsp}months" and filters.months(1) == f"1{nbsp}month"
    assert filters.payback(16) == f"16{nbsp}months" and filters.fte(1.5) == f"1.5{nbsp}FTE"
    assert filters.mbps(287.5) == f"288{nbsp}MB/s" and filters.terabytes(81_000) == f"81.0{nbsp}TB"
    assert filters.money(1200, "CHF") == f"CHF{nbsp}1,200"
    assert filters.kept_together("up to ~50 % (99.99 %)") == f"up to ~50{nbsp}% (99.99{nbsp}%)"


@pytest.mark.parametrize("slug", EXAMPLES)
def test_no_percent_sign_is_parted_from_its_number(examples, slug):
    """In the HTML every number is joined to its % by a no-break space; in the PDF, in reading order and
    in layout, no line ends with a number whose % begins the next line."""
    parted = re.findall(r".{0,40}\d[ \t\r\n]+%.{0,10}", html_text(examples[slug]["html"]))
    assert parted == []
    for options in ((), ("-layout",)):
        lines = pdftotext(examples[slug]["pdf"], *options).splitlines()
        split = [(a[-30:], b.strip()[:20]) for a, b in zip(lines, lines[1:])
                 if re.search(r"\d$", a.rstrip()) and b.lstrip().startswith("%")]
        assert split == [], options


@pytest.mark.parametrize("theme", themes(ROOT / "templates"))
def test_every_theme_font_sets_the_no_break_space(theme):
    for font in load_theme(ROOT / "templates", theme).fonts:
        with TTFont(font.path, lazy=True) as face:
            assert 0xA0 in face.getBestCmap(), font.path.name


def test_the_pdf_sets_the_no_break_space_from_the_font(examples):
    """pypdf reads it back as U+00A0: WeasyPrint set the font's own glyph, not a space or a fallback's."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(examples["acme"]["pdf"])).pages)
    assert f"92{NBSP}%" in text and f"2{NBSP}months" in text


# ---------- type size ----------

def _declarations(css: str) -> list[tuple[str, str, str]]:
    """(selector, property, value) of every font-size and font declaration in print rules."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for prop, value in re.findall(r"(?:^|;)\s*(font-size|font)\s*:\s*([^;]+)", body):
            found.append((" ".join(selector.split()), prop, value.strip()))
    return found


def too_small(css: str) -> list[str]:
    """Every size below 7.5 pt, and every relative size under 100 % (it shrinks a size this cannot see)."""
    small = []
    for selector, prop, value in _declarations(css):
        sizes = re.findall(r"(?<![\w.-])(\d+(?:\.\d+)?)(pt|px|mm|cm|in|%|em|rem)(?!\w)", value)
        if prop == "font":
            sizes = sizes[:1]  # the shorthand's first length is its size ("600 7.5pt var(--font-body)")
        for number, unit in sizes:
            size = float(number)
            if unit in UNIT_LENGTHS and size * UNIT_LENGTHS[unit] < MIN_PT - 1e-9:
                small.append(f"{selector} {{ {prop}: {value} }}")
            elif unit in ("%", "em") and size < (100 if unit == "%" else 1):
                small.append(f"{selector} {{ {prop}: {value} }}")
    return small


def test_no_print_rule_sets_type_below_7_5_pt():
    sheets = [CSS.read_text(encoding="utf-8")] + [load_theme(ROOT / "templates", t).stylesheet for t in themes(ROOT / "templates")]
    assert [rule for css in sheets for rule in too_small(css)] == []
    assert too_small("ol.sources { font-size: 6.5pt; } .x { font: 600 7pt a; } sup { font-size: 70%; }") == [
        "ol.sources { font-size: 6.5pt }", ".x { font: 600 7pt a }", "sup { font-size: 70% }"]


def flow_sizes(pdf: bytes) -> list[tuple[int, str, float]]:
    """(page, text, size in pt) of the text WeasyPrint set in the pages' own coordinates (all but chart text)."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        chunks = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: chunks.append((tuple(cm), tm, size, text)))
        base = next((cm for cm, _, _, text in chunks if re.match(r"Page \d+ of \d+$", text.strip())), None)
        found += [(number, text.strip(), size * math.hypot(tm[0], tm[1]) * math.hypot(base[0], base[1]))
                  for cm, tm, size, text in chunks if base and cm == base and text.strip()]
    return found


@pytest.mark.parametrize("slug", EXAMPLES)
def test_no_text_in_the_pdf_is_below_7_5_pt(examples, slug):
    sizes = flow_sizes(examples[slug]["pdf"])
    assert len(sizes) > 500
    assert [(page, text[:40], round(size, 2)) for page, text, size in sizes if size < MIN_PT - 0.01] == []


def placed_width_pt() -> float:
    """The width a chart is set at: the A4 text block (the narrower paper), from report.css's @page margins."""
    margins = re.search(r"@page\s*\{\s*margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm", CSS.read_text())
    return (210 - float(margins.group(2)) - float(margins.group(4))) * 72 / 25.4


@pytest.mark.parametrize("slug", EXAMPLES)
def test_chart_text_is_at_least_7_5_pt_as_placed(examples, slug):
    charts = sorted((examples[slug]["folder"] / "charts").glob("*.svg"))
    assert charts
    for chart in charts:
        svg = ET.parse(chart).getroot()
        scale = placed_width_pt() / float(svg.get("width").removesuffix("pt"))
        sizes = [float(e.get("font-size").removesuffix("px")) * scale for e in svg.iter() if e.get("font-size")]
        assert sizes and min(sizes) >= MIN_PT, (chart.name, min(sizes))


# ---------- figures kept with their introductions ----------

def introductions(html: str) -> list[tuple[str, str]]:
    """(the paragraph's first words, "Figure N.") for each figure whose preceding paragraph refers to it."""
    body = tinyhtml5.parse(html).find("h:body", NS)
    found = []
    for parent in body.iter():
        children = list(parent)
        for before, figure in zip(children, children[1:]):
            if figure.tag == f"{{{NS['h']}}}figure" and before.tag == f"{{{NS['h']}}}p" and any(
                    a.get("href") == f"#{figure.get('id')}" for a in before.iterfind(".//h:a", NS)):
                caption = words("".join(figure.find("h:figcaption/h:strong", NS).itertext()))
                found.append((" ".join(words("".join(before.itertext())).split()[:7]), caption.split(". ")[0] + "."))
    return found


@pytest.mark.parametrize("slug", EXAMPLES)
def test_a_sentence_introducing_a_figure_is_on_the_figures_page(examples, slug):
    pdf = examples[slug]["pdf"]
    pages = [words(pdftotext(pdf, "-f", str(k), "-l", str(k))) for k in range(1, len(PdfReader(io.BytesIO(pdf)).pages) + 1)]
    intros = introductions(examples[slug]["html"])
    assert len(intros) >= 5
    for sentence, caption in intros:
        on = [k for k, text in enumerate(pages, start=1) if sentence in text]
        at = [k for k, text in enumerate(pages, start=1) if f"{caption} " in text]
        assert len(on) == 1 and on == at, (sentence, caption, on, at)
