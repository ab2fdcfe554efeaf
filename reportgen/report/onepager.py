"""The one-page summary's view-model: the report's headline, tiles, chart and caveats, cut to fit one page.

Every sentence comes from the same rules as the full report's executive summary (headline.py, view.py), so
the page cannot say what the report does not. What may be long is bounded here or by the stylesheet: the
rationale is clipped at a word, the customer's name is clamped to two lines, and the chart is never taller
than the page has room for (templates/onepager/).
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from reportgen.catalogue import Values
from reportgen.inputs.schema import Assessment
from reportgen.model.contract import Results
from reportgen.report import chart_plan, filters, headline, sections
from reportgen.report.theme import Theme
from reportgen.report.view import TITLE, illustrative_headline_values, long_date, range_sentence, shown_option

TEMPLATE = "onepager/onepager.html.j2"
CHART = "savings_by_option"  # the summary's own chart: each option's savings against today
# Seven options (the catalogue's all) give six bars, 2.71 in at full size: at 2.55 in its 8 pt labels print at 7.5 pt,
# the report's smallest type. A chart of more bars is scaled down to this height.
CHART_MAX_HEIGHT_IN = 2.55
RATIONALE_CHARS = 240  # two lines across the page at most; the schema allows 400
FINDING_SENTENCES = 2  # the cost against today and the return; the risk sentence is left to the report
ELLIPSIS = "…"
# The longest amount a tile holds at full size ("$123.46M"); one with a currency code ("CHF 2.74M") sets the row
# smaller. The other figures are shorter or narrower: "1,234 %", "120 months".
TILE_AMOUNT_CHARS = 8
SPANS = re.compile(r"\b\d+-year\b")  # "3-year": a line that ends in "3-" reads as a typo; not every theme font has U+2011


def clipped(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at the last space before it, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit - len(ELLIPSIS)]
    cut = head.rsplit(None, 1)[0] if " " in head.strip() else head
    return cut.rstrip(" ,;:.-–") + ELLIPSIS


def paragraph(sentences: list[str]) -> Markup:
    """Sentences as one paragraph's markup, escaped, with each span of years ("3-year") kept on one line and the
    last two words together, so that no line holds a word alone ("(NPV).")."""
    head, _, last = " ".join(sentences).rpartition(" ")
    text = str(escape(f"{head}{filters.NBSP}{last}" if head else last))
    return Markup(SPANS.sub(lambda match: f'<span class="nowrap">{match.group(0)}</span>', text))


def tiles(results: Results) -> list[dict[str, str]]:
    """The four headline figures of the proposal as the executive summary's tiles print them: a loss as an increase
    over today, and payback only when the option saves (headline.payback_phrase)."""
    proposed, current = results.options[results.proposed_option], results.options[results.current_option]
    horizon, short = results.horizon_years, lambda value: filters.money_short(value, results.currency)
    today = f"against today's {short(current.tco_hard)}"
    if proposed.savings >= 0:
        change = {"label": f"{horizon}-year TCO reduction", "value": short(proposed.savings), "note": today}
        share = {"label": "Share saved", "value": filters.percent(proposed.savings_pct), "note": "of today's hard cost"}
    else:
        change = {"label": f"{horizon}-year TCO increase", "value": short(-proposed.savings), "note": today}
        share = {"label": "Share added", "note": "above today's hard cost",
                 "value": filters.percent(-proposed.savings_pct) if proposed.savings_pct is not None else "n/a"}
    roi = {"label": "Return on investment", "value": filters.percent(proposed.roi) if proposed.roi is not None else "–",
           "note": "net savings over its costs"}
    if proposed.savings >= 0 and proposed.payback_months is not None:
        payback = {"label": "Payback", "value": filters.months(proposed.payback_months), "note": "including migration"}
    else:
        payback = {"label": "Payback", "value": "None",
                   "note": "costs more than today" if proposed.savings < 0 else f"not within {horizon} years"}
    return [change, share, roi, payback]


def chart_size_in(results: Results) -> tuple[float, float]:
    """(width, height) of the chart on the page: its planned size, scaled down only if it is taller than the room."""
    height = chart_plan.height_in(CHART, results)
    scale = min(1.0, CHART_MAX_HEIGHT_IN / height)
    return chart_plan.WIDTH_IN * scale, height * scale


def onepager_view(results: Results, assessment: Assessment, values: Values, theme: Theme, paper: str, draft: bool,
                  files: dict[str, str]) -> dict:
    """What the one-page summary shows; `files` names the full report's PDF and workbook ("report", "workbook")."""
    rationale = assessment.assessment.rationale
    figures = tiles(results)
    title, alt, caption = chart_plan.CHARTS[CHART].words(results)
    width_in, height_in = chart_size_in(results)
    simulated = sections.has_range(results)
    return {
        "title": f"{TITLE}: summary for {results.customer.name}",
        "short_title": TITLE,
        "customer": results.customer,
        "prepared_by": assessment.assessment.prepared_by,
        "date": long_date(assessment.assessment.date),
        "iso_date": assessment.assessment.date,
        "revision": results.revision.label if results.revision is not None else None,
        "version_line": f"reportgen {results.generated.tool_version} · catalogue {results.generated.catalogue_version}",
        "theme": theme,
        "paper": paper,
        "draft": draft,
        "currency": results.currency,
        "horizon": results.horizon_years,
        "current": shown_option(results, results.current_option),
        "proposed": shown_option(results, results.proposed_option),
        "tiles": figures,
        "tiles_compact": len(figures[0]["value"]) > TILE_AMOUNT_CHARS,
        "finding": paragraph(headline.finding(results)[:FINDING_SENTENCES]),
        "comparison": paragraph(headline.comparison(results, clipped(rationale, RATIONALE_CHARS) if rationale else None)),
        "range_sentence": range_sentence(results) if simulated else None,
        "illustrative": len(illustrative_headline_values(results, values)),
        "chart": {"title": title, "alt": alt, "caption": paragraph([caption]), "width_in": round(width_in, 3),
                  "height_in": round(height_in, 3)},
        "files": files,
    }
