"""The report end to end: acme rendered once per session, then its PDF and HTML inspected."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from reportgen.report import filters
from reportgen.build.pipeline import Project, report
from reportgen.problems import ReportgenError
from reportgen.pdf.render import RefusedURL, Site, render_pdf
from reportgen.report.charts import draw_charts
from reportgen.build.assemble import chart_frame, report_name
from reportgen.report.theme import load_theme
from tests.conftest import ROOT, example

SECTION_TITLES = ("Executive summary", "How we measured", "Today's cost of running Kafka", "Options compared",
                  "Infrastructure detail", "Operations detail", "Downtime and risk", "Time to value",
                  "Return on investment", "Range of outcomes", "Capabilities compared", "Assumptions", "Formulas")


def tmp_project(root, data: dict) -> Project:
    (root / "inputs").mkdir(parents=True)
    (root / "templates").symlink_to(ROOT / "templates")
    (root / "inputs" / f"{data['customer']['slug']}.json").write_text(json.dumps(data, indent=2))
    return Project(root)


@pytest.fixture(scope="session")
def acme(tmp_path_factory):
    project = tmp_project(tmp_path_factory.mktemp("acme"), example("acme"))
    made = report(project, "acme")
    folder = project.output_dir("acme")
    pdf = (folder / f"{report_name('acme')}.pdf").read_bytes()
    return {"project": project, "folder": folder, "pdf": pdf, "reader": PdfReader(io.BytesIO(pdf)),
            "html": (folder / f"{report_name('acme')}.html").read_text(encoding="utf-8"),
            "results": json.loads((folder / "results.json").read_text()), "made": made}


@pytest.fixture(scope="session")
def pages(acme) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in acme["reader"].pages]


def test_cover_names_the_customer_and_has_no_page_number(pages):
    assert "Acme Corp" in pages[0]
    assert "The true cost of running Kafka at Acme Corp" in pages[0]
    assert "Page 1 of" not in pages[0]


def test_every_section_title_is_in_the_pdf(pages):
    text = " ".join(pages)
    for title in SECTION_TITLES:
        assert title in text, title


def test_headline_figures_are_the_filters_output_of_results(acme, pages):
    results = acme["results"]
    proposed = results["options"][results["proposed_option"]]
    summary = next(p for p in pages[2:] if "Executive summary" in p)
    for figure in (filters.money_short(proposed["savings"]), filters.percent(proposed["savings_pct"]),
                   filters.percent(proposed["roi"]), filters.months(proposed["payback_months"]),
                   filters.money_short(results["cost_per_incident"])):
        assert " ".join(figure.split()) in summary, figure


def test_roi_table_agrees_with_results(acme, pages):
    results = acme["results"]
    roi_page = " ".join(p for p in pages if "Return on investment" in p and "Net savings" in p)
    for option_id in results["option_order"]:
        if option_id != results["current_option"]:
            option = results["options"][option_id]
            assert filters.money(option["savings"]) in roi_page
            assert " ".join(filters.percent(option["roi"]).split()) in roi_page


def test_contents_page_numbers_match_where_titles_appear(acme):
    lines = [[" ".join(line.split()) for line in page.extract_text().splitlines()] for page in acme["reader"].pages]
    contents = lines[1]
    numbers = [int(line) for line in contents[:contents.index("Contents")]]
    entries = contents[contents.index("Contents") + 1:][:len(numbers)]
    assert [e.split(" ", 1)[1] if not e.startswith("Appendix") else e[11:] for e in entries] == list(SECTION_TITLES)

    def heading_page(entry: str) -> int:
        for i, page in enumerate(lines[2:], start=3):
            if entry in page or any(f"{a} {b}".lower() == entry.lower() for a, b in zip(page, page[1:])):
                return i
        raise AssertionError(f"{entry} is on no page")

    assert [heading_page(e) for e in entries] == numbers


def test_pdf_metadata(acme):
    reader = acme["reader"]
    meta = reader.metadata
    assert meta.title == "The true cost of running Kafka at Acme Corp"
    assert meta.author == "Jordan Lee, Value Engineering"
    assert "Acme Corp" in meta.subject
    assert "Apache Kafka" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert meta.creation_date.date().isoformat() == "2026-11-20"


def test_attachment_round_trips_to_the_input_file(acme):
    attachments = acme["reader"].attachments
    assert list(attachments) == ["acme.json"]
    assert attachments["acme.json"][0] == acme["project"].input_file("acme").read_bytes()


def test_all_fonts_are_embedded_theme_fonts(acme):
    theme = load_theme(ROOT / "templates", "default")
    families = {f.family.replace(" ", "") for f in theme.fonts}
    seen = set()
    for page in acme["reader"].pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"]).split("+", 1)[1].replace("-", "")
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
            assert any(name.startswith(family) for family in families), f"{name} is not a theme font"
            seen.add(name)
    assert seen


def test_pdf_is_compact(acme):
    assert len(acme["pdf"]) < 400_000


def test_html_has_no_external_url_and_its_files_exist(acme):
    html = acme["html"]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:|//)""", html, re.I)
    assert "Content-Security-Policy" in html
    for link in re.findall(r"""(?:src|href)="([^"#][^"]*)\"""", html):
        assert (acme["folder"] / link).is_file(), link
    css = (acme["folder"] / "theme" / "theme.css").read_text()
    for url in re.findall(r"url\(\"?([^\")]+)", css):
        assert (acme["folder"] / "theme" / url).is_file()


def test_charts_are_svg_with_real_text(acme, pages):
    charts = sorted((acme["folder"] / "charts").glob("*.svg"))
    assert {c.stem for c in charts} >= {"current_cost", "tco_by_option", "cumulative_cost", "roi_waterfall", "time_to_value"}
    text = " ".join(pages)
    for chart in charts:
        svg = chart.read_text()
        assert "<text" in svg and "<image" not in svg and "Date" not in svg
        labels = [" ".join(html.unescape(label).split()) for label in re.findall(r"<text[^>]*>([^<]+)", svg)]
        assert labels and all(label in text for label in labels)  # the PDF shows each chart itself, not its frame
    assert '<img src="charts/tco_by_option.svg"' in acme["html"]
    assert not list(acme["folder"].rglob("*.drawn.svg"))


def test_each_chart_is_laid_out_at_the_size_it_is_drawn(example_results):
    """The PDF's pages are laid out with frames of the planned sizes before the charts are drawn; a chart
    drawn at another size would be shrunk into its frame."""
    def size(svg: bytes) -> tuple[float, float]:
        width, height = re.search(rb'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
        return float(width), float(height)

    for theme in ("default", "harbor"):
        for slug, results in example_results.items():
            for name, svg in draw_charts(results, load_theme(ROOT / "templates", theme)).items():
                assert size(chart_frame(f"{name}.drawn.svg", name, results)) == pytest.approx(size(svg), abs=0.01)


def test_a_customer_with_a_logo_and_another_theme_renders(tmp_path):
    data = example("acme")
    data["customer"]["logo"] = "inputs/logo.svg"
    project = tmp_project(tmp_path, data)
    shutil.copy(ROOT / "templates" / "themes" / "harbor" / "logo.svg", tmp_path / "inputs" / "logo.svg")
    report(project, "acme", theme_id="harbor", formats=("html",))
    html = (project.output_dir("acme") / f"{report_name('acme')}.html").read_text()
    assert 'src="customer/logo.svg"' in html and "Harbor Advisory" in html
    assert (project.output_dir("acme") / "customer" / "logo.svg").is_file()


def test_unknown_theme_is_a_clear_error(acme):
    with pytest.raises(ReportgenError, match="no theme 'nope'; themes: default, harbor"):
        report(acme["project"], "acme", theme_id="nope")


def test_theme_colours_must_be_hex(tmp_path):
    theme = tmp_path / "themes" / "bad"
    shutil.copytree(ROOT / "templates" / "themes" / "default", theme)
    toml = (theme / "theme.toml").read_text().replace('accent = "#14A098"', 'accent = "red; x: url(http://x)"')
    (theme / "theme.toml").write_text(toml)
    with pytest.raises(ReportgenError, match="colour accent"):
        load_theme(tmp_path, "bad")


@pytest.fixture
def site(tmp_path) -> Site:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "a.css").write_text("p {}")
    (tmp_path / "secret.css").write_text("p {}")
    return Site(base="file:///out/", roots=((tmp_path / "templates").resolve(),),
                mounts={"style/": tmp_path / "templates"}, memory={"charts/x.svg": b"<svg/>"})


def test_fetcher_serves_only_the_allow_list(site):
    assert site.read("file:///out/style/a.css") == (b"p {}", "text/css")
    assert site.read("file:///out/charts/x.svg")[0] == b"<svg/>"
    for url in ("http://example.com/a.css", "file:///etc/passwd", "file:///out/style/../../secret.css",
                "file:///out/style/%2e%2e/secret.css", "file:///out/other/a.css", "file:///out/style/a.css?x=1"):
        with pytest.raises(RefusedURL):
            site.read(url)


def test_a_missing_resource_fails_the_pdf(site):
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ReportgenError, match="refused to load"):
        render_pdf('<img src="http://example.com/x.png">', site, when, ("a.json", b"{}"))
    with pytest.raises(ReportgenError, match="not one of the report's files"):
        render_pdf('<img src="charts/missing.svg">', site, when, ("a.json", b"{}"))
