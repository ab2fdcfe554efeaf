"""One customer's report, assembled in memory: charts, view-model, HTML, PDF and the files they use.

The HTML and the PDF are the same document. Both resolve their links against the customer's
output folder; the PDF reads them through the allow-list (the report's CSS and fallback font files; the
theme's stylesheet and files, the made-safe logo and this run's charts from memory), and the HTML finds the
same files written beside it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from reportgen.catalogue import Values
from reportgen.inputs.schema import Assessment
from reportgen.model.contract import Results
from reportgen.report import fallback
from reportgen.report.chart_plan import WIDTH_IN, chart_names, chart_words, height_in
from reportgen.forked import Forked
from reportgen.inputs.logo import safe_logo
from reportgen.build.run import Computed, Stages
from reportgen.build.names import FORMATS, onepager_name, report_name, slides_name, workbook_name
from reportgen.project import Project
from reportgen.problems import ReportgenError
from reportgen.pdf.render import (DEFAULT_STANDARD, Site, check_standard, import_weasyprint, metadata_date, render_html,
                                   render_pdf)
from reportgen.report.theme import Theme, load_theme
from reportgen.report.view import build_view

PAPERS = ("a4", "letter")


def _logo(project: Project, logo: str | None) -> tuple[str, bytes] | None:
    """The customer's logo as (URL under customer/, safe bytes), or None; validation kept it inside the project."""
    if logo is None:
        return None
    path = (project.root / logo).resolve()
    if not path.is_relative_to(project.root.resolve()):
        raise ReportgenError(f"the logo {logo} must be a file inside the project to appear in the report")
    name, data = safe_logo(path)
    return f"customer/{name}", data


def _draw_outputs(project: Project, computed: Computed, theme: Theme, formats: tuple[str, ...], paper: str,
                  draft: bool, pdf_standard: str) -> Iterator[tuple[str, dict[str, bytes], float]]:
    """The outputs made in this process beside the document, each as (stage, files by name, seconds): the charts
    first, since the PDF paints them, then the workbook, the one-pager and the slides."""
    results, slug = computed.results, computed.results.customer.slug
    charts: dict[str, bytes] = {}
    if {"pdf", "html", "onepager"} & set(formats):
        from reportgen.report.charts import draw_charts
        start = time.perf_counter()
        charts = draw_charts(results, theme)
        yield "charts", charts, time.perf_counter() - start
    if "xlsx" in formats:
        from reportgen.workbook.book import build_workbook
        start = time.perf_counter()
        workbook = build_workbook(computed.assessment, results, computed.values, theme.colors)
        yield "workbook", {workbook_name(slug): workbook}, time.perf_counter() - start
    if "onepager" in formats:
        from reportgen.build.onepager import build_onepager
        start = time.perf_counter()
        onepager = build_onepager(project, computed, theme, charts, paper, pdf_standard, draft)
        yield "onepager", {onepager_name(slug): onepager}, time.perf_counter() - start
    if "slides" in formats:
        from reportgen.slides.deck import build_deck
        start = time.perf_counter()
        deck = build_deck(results, theme, computed.assessment.assessment.rationale,
                          assessment_date=computed.assessment.assessment.date)
        yield "slides", {slides_name(slug): deck}, time.perf_counter() - start


class Files(Mapping):
    """In-memory files by URL; the charts among them are drawn on first read."""

    def __init__(self, ready: dict[str, bytes], chart_urls: dict[str, str], drawn: Iterator, stages: Stages):
        self.ready, self.chart_urls, self.drawn, self.stages = dict(ready), chart_urls, drawn, stages
        self.pending = bool(chart_urls)

    def load(self) -> None:
        if self.pending:
            self.pending = False
            _, charts, seconds = next(self.drawn)
            self.stages.seconds["charts"] = seconds
            self.ready.update({self.chart_urls[name]: svg for name, svg in charts.items()})

    def __getitem__(self, url: str) -> bytes:
        if url in self.chart_urls.values():
            self.load()
        return self.ready[url]

    def __iter__(self) -> Iterator[str]:
        self.load()
        return iter(self.ready)

    def __len__(self) -> int:
        self.load()
        return len(self.ready)


def chart_frame(href: str, name: str, results: Results) -> bytes:
    """An SVG of a chart's size that shows the chart by reference.

    WeasyPrint reads an image's size while it builds the pages, before a second process can have
    drawn the charts; it reads an SVG's references only when it paints. Given frames, it lays the
    pages out at once and finds the charts drawn when it paints them.
    """
    width, height = f"{WIDTH_IN * 72:g}", f"{height_in(name, results) * 72:g}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}pt" '
            f'height="{height}pt" viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
            f'xlink:href="{href}"/></svg>').encode()


def _drawn(url: str) -> str:
    """Where a frame finds its chart: charts/NAME.drawn.svg for the frame charts/NAME.svg."""
    return url.removesuffix(".svg") + ".drawn.svg"


def build_report(project: Project, computed: Computed, theme_id: str,
                 formats: tuple[str, ...], paper: str, stages: Stages, renderer: Forked | None = None,
                 draft: bool = False, pdf_standard: str = DEFAULT_STANDARD) -> dict[str, bytes]:
    """Every output file of the report except results.json, by its path in the customer's output folder.

    `pdf_standard` is the standard the PDF declares, one of reportgen.pdf.render.STANDARDS.

    With a `renderer` (see reportgen.pdf.process.rendering_process), the PDF is laid out there while this process
    draws the charts and the workbook: one report on a two-core machine takes the longer of the two
    paths, not their sum. A batch has none: its workers already keep every core busy.
    """
    unknown = [f for f in formats if f not in FORMATS] + ([paper] if paper not in PAPERS else [])
    if unknown or not formats:
        raise ReportgenError(f"unknown format or paper {', '.join(unknown) or '(none)'}; "
                             f"formats: {', '.join(FORMATS)}; paper: {', '.join(PAPERS)}")
    check_standard(pdf_standard)
    results = computed.results
    theme = load_theme(project.templates, theme_id)
    resolved, values = computed.resolved, computed.values
    visual = bool({"pdf", "html"} & set(formats))
    renderer = renderer if "pdf" in formats else None
    with contextlib.closing(_draw_outputs(project, computed, theme, formats, paper, draft, pdf_standard)) as drawn:
        outputs = _build(project, computed, theme, resolved, values, formats, paper, stages, drawn, renderer,
                         draft, pdf_standard) if visual else {}
        for stage, made, seconds in drawn:  # what the document did not need: the workbook, one-pager and slides
            stages.seconds[stage] = seconds
            if stage != "charts":
                outputs.update(made)
    if renderer is not None:
        pdf, stages.seconds["pdf"] = next(renderer)
        outputs[f"{report_name(results.customer.slug)}.pdf"] = pdf
    if "pdf" in formats:
        _check_claims(outputs[f"{report_name(results.customer.slug)}.pdf"], results, stages)
    return outputs


def _check_claims(pdf: bytes, results: Results, stages: Stages) -> None:
    """Refuse a PDF whose summary or ROI table prints a figure its own results contradict."""
    from reportgen.pdf.claims import check_claims  # pypdf is needed only once a PDF exists
    with stages.stage("claims"):
        mismatches = check_claims(pdf, results)
    if mismatches:
        raise ReportgenError("the PDF does not say what results.json says (a bug in a template or filter; "
                             "nothing was written):\n  " + "\n  ".join(mismatches))


def _build(project: Project, computed: Computed, theme: Theme, resolved: Assessment, values: Values,
           formats: tuple[str, ...], paper: str, stages: Stages, drawn: Iterator[tuple[str, object, float]],
           renderer: Forked | None, draft: bool, pdf_standard: str) -> dict[str, bytes]:
    """The HTML and the PDF, or the PDF's document sent to `renderer` and then its charts."""
    results, assessment = computed.results, computed.assessment
    outputs: dict[str, bytes] = {}
    with stages.stage("html"):
        logo = _logo(project, assessment.customer.logo)
        names = chart_names(results)
        view = build_view(results, assessment, resolved, values, theme, names, logo[0] if logo else None, draft)
        created = metadata_date(assessment.assessment.date)
        chart_urls = {name: f"charts/{name}.svg" for name in names}
        view |= {"paper": paper, "iso_date": created.isoformat(),
                 "assets": {"theme_css": "theme/theme.css", "report_css": "style/report.css", "screen_css": "style/screen.css",
                            "logo_inverse": f"theme/{theme.logo_inverse}",
                            "charts": chart_urls, "fallback_css": None}}
        compiled = project.cache / "templates"
        html = render_html(project.templates, view, compiled)
        memory = theme.served()
        fonts = fallback.needed(project.templates, theme, html + chart_words(results))
        if logo:
            memory[logo[0]] = logo[1]
        if fonts:  # rare: text in a script the theme lacks; the same document again, with the fonts it needs
            memory[fallback.STYLESHEET_URL] = fallback.stylesheet(theme, fonts, "").encode("utf-8")
            view["assets"]["fallback_css"] = fallback.STYLESHEET_URL
            html = render_html(project.templates, view, compiled)
    files = Files(memory, chart_urls, drawn, stages)
    site = Site(base=project.output_dir(results.customer.slug).resolve().as_uri() + "/",
                roots=(project.templates.resolve(),),
                mounts={"style/": project.templates / "report",
                        f"{fallback.FOLDER}/": project.templates / fallback.FOLDER},
                memory=memory)
    name = report_name(results.customer.slug)
    if "pdf" in formats:
        sheets = tuple(filter(None, (view["assets"][css] for css in ("theme_css", "fallback_css", "report_css"))))
        frames = {url: chart_frame(Path(_drawn(url)).name, chart, results) for chart, url in chart_urls.items()}
        document = dataclasses.replace(site, memory={**memory, **frames})
        attachment = (f"{assessment.customer.slug}.json", computed.input_bytes)
        if renderer is not None:
            renderer.send((html, document, created, attachment, sheets, pdf_standard))
        files.load()  # while the renderer lays the pages out; without one, its own stage, not part of the PDF's
        charts = {_drawn(url): files[url] for url in chart_urls.values()}
        if renderer is not None:
            renderer.send(charts)
        else:
            with stages.stage("pdf"):
                import_weasyprint()
                pdf_site = dataclasses.replace(document, memory={**document.memory, **charts})
                outputs[f"{name}.pdf"] = render_pdf(html, pdf_site, created, attachment, stylesheets=sheets,
                                                    pdf_standard=pdf_standard)
    if "html" in formats:
        outputs[f"{name}.html"] = html.encode("utf-8")
        outputs.update(files)
        assets = {f"style/{css}": project.templates / "report" / css for css in ("report.css", "screen.css")}
        assets.update({f"{fallback.FOLDER}/{font.path.name}": font.path for font in fonts})
        outputs.update({rel: site.read(site.base + rel)[0] for rel in assets})
    return outputs
