"""The one-page summary: one page whatever the assessment holds, the figures of results.json, the theme's fonts
embedded and nothing fetched. Every assertion reads a PDF rendered by build_onepager."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, NameObject

from reportgen.build.assemble import report_name, workbook_name
from reportgen.build.onepager import build_onepager
from reportgen.build.pipeline import Project, compute
from reportgen.build.run import Computed
from reportgen.model.contract import Revision
from reportgen.pdf.claims import EMPTY_FORM, claimed, figures
from reportgen.pdf.render import DEFAULT_STANDARD
from reportgen.problems import ReportgenError
from reportgen.report import filters
from reportgen.report.charts import draw_charts
from reportgen.report.chart_plan import CHARTS
from reportgen.report.onepager import CHART, RATIONALE_CHARS, clipped
from reportgen.report.theme import load_theme
from reportgen.report.view import illustrative_headline_values
from tests.conftest import ROOT, variant

SLUGS = ("acme", "bluebird", "northwind", "lindqvist")
THEMES = ("default", "harbor")
PAPERS = ("a4", "letter")
LONG_NAME = ("Vereinigte Nordseehäfen Logistik und Schwertransport Aktiengesellschaft & Co. KG, "
             "Niederlassung Bremerhaven-Containerterminal Süd, Abteilung Seefracht")  # 150 characters
RATIONALE = ("The board wants one vendor for streaming, connectors and governance, with an enterprise support "
             "contract that covers every region we ship from; Confluent Cloud is already approved by procurement "
             "and security, and the team that would run the other options is being moved to the routing platform "
             "next year, so operating fewer systems matters more to us than the difference in hard cost. We will "
             "revisit the choice at the first renewal.")[:400]  # the longest the schema takes
REVISION = Revision(number=2, date="2026-12-04", final=True, label="Revision 2, 4 December 2026")


class Renders:
    """Each example computed once, the charts of each results drawn once per theme, each one-pager rendered once."""

    def __init__(self, project: Project, catalogue):
        self.project, self.catalogue = project, catalogue
        self.computed: dict[str, Computed] = {}
        self.charts: dict[tuple[int, str], tuple[Computed, dict[str, bytes]]] = {}  # by id(computed), kept alive
        self.pdfs: dict[tuple[str, str, str], bytes] = {}

    def example(self, slug: str) -> Computed:
        if slug not in self.computed:
            self.computed[slug] = compute(self.project, slug, self.catalogue)
        return self.computed[slug]

    def pdf(self, slug: str, theme: str = "default", paper: str = "a4") -> bytes:
        if (slug, theme, paper) not in self.pdfs:
            self.pdfs[slug, theme, paper] = self.render(self.example(slug), theme, paper)
        return self.pdfs[slug, theme, paper]

    def render(self, computed: Computed, theme_id: str = "default", paper: str = "a4", draft: bool = False,
               project: Project | None = None, charts: dict[str, bytes] | None = None) -> bytes:
        theme = load_theme(self.project.templates, theme_id)
        if charts is None:
            if (id(computed), theme_id) not in self.charts:
                self.charts[id(computed), theme_id] = computed, draw_charts(computed.results, theme)
            charts = self.charts[id(computed), theme_id][1]
        return build_onepager(project or self.project, computed, theme, charts, paper, DEFAULT_STANDARD, draft)


@pytest.fixture(scope="module")
def renders(project, catalogue) -> Renders:
    return Renders(project, catalogue)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    """The page's text with runs of white space (a line break, a no-break space) as one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader(pdf).pages)


def flow_page(pdf: bytes):
    """The page with its form XObjects emptied: the chart's axes, which carry round numbers, and the logo."""
    page = reader(pdf).pages[0]
    resources = page["/Resources"].get_object()
    resources[NameObject("/XObject")] = DictionaryObject({name: EMPTY_FORM for name in resources["/XObject"]})
    return page


def flow_text(pdf: bytes) -> str:
    return " ".join(flow_page(pdf).extract_text().split())


def tiles(pdf: bytes) -> dict[str, str]:
    """The four tiles' labels and figures, read from the row of labels and the row of figures under it."""
    labels = r"(\d+-YEAR TCO (?:REDUCTION|INCREASE)) (SHARE (?:SAVED|ADDED)) (RETURN ON INVESTMENT) (PAYBACK)"
    figures_ = r"(\S+) (\S+ %|n/a) (\S+ %|–) (\d+ months?|None)"
    found = re.search(f"{labels} {figures_}", flow_text(pdf))
    return {found.group(i): found.group(i + 4).replace(" ", filters.NBSP) for i in range(1, 5)}


def with_results(computed: Computed, **update) -> Computed:
    return dataclasses.replace(computed, results=computed.results.model_copy(update=update))


def long_case(renders: Renders, tmp_path) -> Computed:
    """Lindqvist (seven options) proposing an option that neither costs least nor returns most, with the
    longest rationale the schema takes and a 150-character name (longer than the schema's 120)."""
    data = variant("lindqvist", **{"assessment.proposed_option": "confluent_cloud",
                                   "assessment.rationale": RATIONALE, "customer.name": LONG_NAME[:120]})
    project = Project(tmp_path)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "lindqvist.json").write_text(json.dumps(data))
    computed = compute(project, "lindqvist", renders.catalogue)
    customer = computed.results.customer.model_copy(update={"name": LONG_NAME})
    return with_results(computed, customer=customer, revision=REVISION)


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_example_is_one_page_in_each_theme_and_paper(renders, slug, theme, paper):
    pdf = renders.pdf(slug, theme, paper)
    pages = reader(pdf).pages
    assert len(pages) == 1
    width_mm, height_mm = (float(side) * 25.4 / 72 for side in pages[0].mediabox[2:])
    assert (round(width_mm), round(height_mm)) == {"a4": (210, 297), "letter": (216, 279)}[paper]
    assert renders.example(slug).results.customer.name in text(pdf)


@pytest.mark.parametrize("paper", PAPERS)
def test_a_long_name_seven_options_a_long_rationale_a_revision_and_draft_still_fit_one_page(renders, tmp_path, paper):
    computed = long_case(renders, tmp_path)
    assert len(computed.results.option_order) == 7 and len(LONG_NAME) == 150
    for theme in THEMES:
        pdf = renders.render(computed, theme, paper, draft=True)
        assert len(reader(pdf).pages) == 1, theme
        printed = text(pdf)
        shortened = clipped(RATIONALE, RATIONALE_CHARS)
        assert shortened.endswith("…") and " ".join(shortened.split()) in printed
        assert RATIONALE[len(shortened):][:40] not in printed
        assert "Why Confluent Cloud:" in printed and "DRAFT" in printed and REVISION.label in printed


def test_the_printed_figures_are_those_of_results_json(renders, example_json):
    for slug in ("acme", "bluebird", "northwind"):
        pdf, results = renders.pdf(slug), example_json[slug]
        proposed, current = (results["options"][results[key]] for key in ("proposed_option", "current_option"))
        money = lambda value: filters.money_short(value, results["currency"])
        assert tiles(pdf) == {f"{results['horizon_years']}-YEAR TCO REDUCTION": money(proposed["savings"]),
                              "SHARE SAVED": filters.percent(proposed["savings_pct"]),
                              "RETURN ON INVESTMENT": filters.percent(proposed["roi"]),
                              "PAYBACK": filters.months(proposed["payback_months"])}, slug
        flow = flow_text(pdf).replace(" ", filters.NBSP)
        for value in (current["tco_hard"], proposed["tco_hard"], proposed["range"]["savings"]["p10"],
                      proposed["range"]["savings"]["p90"]):
            assert money(value) in flow, (slug, value)
        known = figures(renders.example(slug).results)
        assert [f for f in claimed(flow_text(pdf), results["currency"]) if f not in known] == [], slug


def test_a_loss_prints_the_increase_and_no_payback(renders):
    acme = renders.example("acme")
    proposed = acme.results.options[acme.results.proposed_option]
    loss = proposed.model_copy(update={"savings": -proposed.savings, "savings_pct": -proposed.savings_pct})
    computed = with_results(acme, options={**acme.results.options, acme.results.proposed_option: loss})
    pdf = renders.render(computed)
    money = lambda value: filters.money_short(value, acme.results.currency)
    assert tiles(pdf) == {"3-YEAR TCO INCREASE": money(proposed.savings), "SHARE ADDED": filters.percent(proposed.savings_pct),
                          "RETURN ON INVESTMENT": filters.percent(proposed.roi), "PAYBACK": "None"}
    flow = flow_text(pdf)
    assert "costs more than today" in flow and "does not pay back" in flow
    assert filters.months(proposed.payback_months).replace(filters.NBSP, " ") not in flow


def test_a_figure_with_a_currency_code_is_set_smaller_to_stay_inside_its_tile(renders):
    def tile_figure_size(pdf: bytes, figure: str) -> float:
        """The size the figure is set in, in the tile (the chart labels its bar with it, smaller)."""
        sizes = [0.0]
        reader(pdf).pages[0].extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.append(size)
                                          if " ".join(text.split()) == " ".join(figure.split()) else None)
        return max(sizes)

    acme = renders.example("acme")
    savings = acme.results.options[acme.results.proposed_option].savings
    dollars = tile_figure_size(renders.pdf("acme"), filters.money_short(savings, "USD"))
    francs = tile_figure_size(renders.render(with_results(acme, currency="CHF")), filters.money_short(savings, "CHF"))
    assert francs / dollars == pytest.approx(14 / 18, rel=1e-3)


def test_the_revision_label_is_printed_when_the_results_have_one(renders):
    acme = renders.example("acme")
    assert acme.results.revision is None
    without = text(renders.pdf("acme"))
    assert "Revision" not in without and "20 November 2026" in without
    with_revision = text(renders.render(with_results(acme, revision=REVISION)))
    assert with_revision.count(REVISION.label) == 2  # in the heading and in the footer line


def test_the_warnings_and_the_files_named_are_the_reports(renders):
    for slug in ("acme", "lindqvist"):
        computed, printed = renders.example(slug), text(renders.pdf(slug))
        count = len(illustrative_headline_values(computed.results, computed.values))
        assert f"These headlines depend on illustrative values. {count} catalogue values" in printed
        assert f"{report_name(slug)}.pdf" in printed and workbook_name(slug) in printed
        assert "same folder" in printed and "DRAFT" not in printed


def test_the_theme_fonts_are_embedded(renders):
    for theme, families in (("default", ("Noto-Sans", "Manrope")), ("harbor", ("Lato", "Yrsa"))):
        page = reader(renders.pdf("acme", theme)).pages[0]
        fonts = page["/Resources"]["/Font"].get_object()
        descriptors = [fonts[name].get_object() for name in fonts]
        descriptors = [d["/FontDescriptor"].get_object() if "/FontDescriptor" in d else
                       d["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() for d in descriptors]
        assert descriptors and all({"/FontFile2", "/FontFile3"} & set(d) for d in descriptors), theme
        assert all(any(family in str(d["/FontName"]) for d in descriptors) for family in families), theme


def test_the_pdf_is_tagged_with_the_charts_words(renders):
    acme = renders.example("acme")
    root = reader(renders.pdf("acme")).trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    elements = []

    def walk(node) -> None:
        node = node.get_object()
        elements.append((node.get("/S"), node.get("/Alt")))
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid.get_object(), DictionaryObject):
                walk(kid)

    walk(root["/StructTreeRoot"])
    alt = CHARTS[CHART].words(acme.results)[1]
    assert ("/Figure", alt) in elements and {"/H1", "/H2", "/Table", "/TH", "/Caption"} <= {s for s, _ in elements}


def test_a_name_in_a_script_the_theme_lacks_is_set_in_a_shipped_font(renders):
    acme = renders.example("acme")
    customer = acme.results.customer.model_copy(update={"name": "株式会社アクメ"})
    page = reader(renders.render(with_results(acme, customer=customer))).pages[0]
    assert "株式会社アクメ" in page.extract_text()
    assert any("Noto-Sans-CJK" in str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values())


def test_nothing_is_fetched_and_customer_text_stays_text(renders):
    acme = renders.example("acme")
    charts = {CHART: b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
                     b'height="10"><image width="10" height="10" xlink:href="https://example.com/track.png"/></svg>'}
    with pytest.raises(ReportgenError, match=re.escape("refused to load 'https://example.com/track.png'")):
        renders.render(acme, charts=charts)
    name = '<img src="https://example.com/x.png"> Acme'
    customer = acme.results.customer.model_copy(update={"name": name})
    assert name in text(renders.render(with_results(acme, customer=customer)))


def test_a_layout_that_overflows_is_refused_naming_why(renders, tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates", symlinks=True)
    with (tmp_path / "templates" / "onepager" / "onepager.css").open("a") as css:
        css.write(".against { margin-top: 250mm; }\n")
    with pytest.raises(ReportgenError, match=r"the one-page summary came out on \d+ pages: its layout must hold"):
        renders.render(renders.example("acme"), project=Project(tmp_path))
