"""The one-page summary as a PDF: the report's headline on one A4 or Letter page, beside the full report.

Rendered like the full report (assemble.py): through the allow-list Site, the theme's stylesheet and files
and the chart from memory, the theme's fonts embedded, nothing fetched. Its words are the view of
reportgen/report/onepager.py; its layout, templates/onepager/, is made to fit one page whatever the
assessment holds, and a second page is refused as the bug it would be.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO

from jinja2 import TemplateError

from reportgen.build.names import report_name, workbook_name
from reportgen.build.run import Computed
from reportgen.pdf.render import Site, environment, metadata_date, render_pdf
from reportgen.problems import ReportgenError
from reportgen.project import Project
from reportgen.report import fallback
from reportgen.report.chart_plan import chart_words
from reportgen.report.onepager import CHART, TEMPLATE, onepager_view
from reportgen.report.theme import Theme

STYLESHEET = "style/onepager.css"


def linked_files(slug: str) -> dict[str, str]:
    """The full report and the workbook the page points to, by the names assemble.py writes them under."""
    return {"report": f"{report_name(slug)}.pdf", "workbook": workbook_name(slug)}


def build_onepager(project: Project, computed: Computed, theme: Theme, charts: Mapping[str, bytes],
                   paper: str, pdf_standard: str, draft: bool) -> bytes:
    """The one-page summary's PDF; `charts` are draw_charts' SVGs by name, of which it shows one."""
    results, assessment = computed.results, computed.assessment
    if CHART not in charts:
        raise ReportgenError(f"the one-page summary shows the chart {CHART}, which was not drawn (a bug)")
    chart_url = f"charts/{CHART}.svg"
    view = onepager_view(results, assessment, computed.values, theme, paper, draft,
                         linked_files(results.customer.slug))
    view["assets"] = {"theme_css": "theme/theme.css", "onepager_css": STYLESHEET, "fallback_css": None,
                      "logo_inverse": f"theme/{theme.logo_inverse}", "chart": chart_url}
    memory = theme.served()
    memory[chart_url] = charts[CHART]
    html = _html(project, view)
    fonts = fallback.needed(project.templates, theme, html + chart_words(results))
    if fonts:  # text in a script the theme lacks: the same page again, with the fonts it needs
        memory[fallback.STYLESHEET_URL] = fallback.stylesheet(theme, fonts, "").encode("utf-8")
        view["assets"]["fallback_css"] = fallback.STYLESHEET_URL
        html = _html(project, view)
    site = Site(base=project.output_dir(results.customer.slug).resolve().as_uri() + "/",
                roots=(project.templates.resolve(),),
                mounts={"style/": project.templates / "onepager",
                        f"{fallback.FOLDER}/": project.templates / fallback.FOLDER},
                memory=memory)
    sheets = tuple(filter(None, (view["assets"][css] for css in ("theme_css", "fallback_css", "onepager_css"))))
    pdf = render_pdf(html, site, metadata_date(assessment.assessment.date),
                     (f"{assessment.customer.slug}.json", computed.input_bytes), stylesheets=sheets,
                     pdf_standard=pdf_standard)
    _check_one_page(pdf)
    return pdf


def _html(project: Project, view: dict) -> str:
    try:
        return environment(project.templates, project.cache / "templates").get_template(TEMPLATE).render(view)
    except TemplateError as exc:
        raise ReportgenError(f"the one-page summary's template failed: {exc}") from exc


def _check_one_page(pdf: bytes) -> None:
    from pypdf import PdfReader  # needed only once the PDF exists
    pages = len(PdfReader(BytesIO(pdf)).pages)
    if pages != 1:
        raise ReportgenError(f"the one-page summary came out on {pages} pages: its layout must hold any assessment "
                             "on one page (a bug in templates/onepager/; nothing was written)")
