"""The finished PDF read back: its executive summary and its ROI table must say what results.json says.

Every figure of the report comes from the results through the filters, but a template, a rounding or a
renderer can still print something else. This reads the PDF's text layer, what a reader or a reader's
tool sees, and compares it with the results formatted the way the filters format them:

- on the executive summary page(s) and the ROI page(s), every money figure, percentage and month count
  must be one of the results' figures (a saving, a cost, an ROI, a payback, a range percentile, ...);
  the proposal's savings and ROI must be among them;
- every cell of the ROI table must be its option's figure, row by row and column by column.

A chapter is found by its bookmark (WeasyPrint bookmarks each heading) and read from its heading to the
next one. Text inside charts is left out: their axes carry round numbers that are no claim. WeasyPrint sets
the flow text and the running footer ("Page 3 of 20") in the page's own coordinates and a chart (an SVG)
in coordinates of its own: the text in the footer's coordinates is the text read here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from reportgen.model.contract import OptionResult, Results
from reportgen.report import filters, sections
from reportgen.report.chart_plan import REDUCTION_LABELS

SUMMARY, ROI = sections.SECTIONS["summary"].title, sections.SECTIONS["roi"].title
HEADING = re.compile(r"^(?:\d+|Appendix [A-Z]) (.+)$")  # a chapter's bookmark: "9 Return on investment"
FOOTER = re.compile(r"(?:^|· )Page \d+ of \d+$")  # after the revision, "Revision 2, 6 December 2026 · ", if any
SPACE = "[ \u00a0]"
SHARES = (0.8, 1.0)  # constants of the text: the middle 80 % of outcomes (P10 to P90); an ROI of 100 % defined
# The ROI table's rows below its reductions: label, the option's figure, its filter. "{rate}" is the discount rate.
ROI_ROWS = (("Total reductions", "benefits", "money"),
            ("Subscription and service charges", "service_charges", "money"),
            ("Migration", "migration", "money"),
            ("Total costs", "costs", "money"),
            ("Net savings", "savings", "money"),
            ("ROI (net savings ÷ costs)", "roi", "percent"),
            ("NPV at {rate}", "npv", "money"),
            ("Payback", "payback_months", "payback"))
OPTION_AMOUNTS = ("tco_hard", "tco_risk_adjusted", "tco_pv", "service_charges", "migration", "benefits", "costs",
                  "savings", "npv", "npv_risk_adjusted")
RESULT_AMOUNTS = ("cost_per_incident", "breach_cost", "hourly_rate", "loaded_cost_per_fte_per_year")
EMPTY_FORM = DecodedStreamObject()
EMPTY_FORM.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                   NameObject("/BBox"): ArrayObject([NumberObject(0)] * 4)})


def check_claims(pdf_bytes: bytes, results: Results) -> list[str]:
    """Every mismatch between the PDF's executive summary and ROI table and `results`; empty when they agree."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    summary, roi = (chapter_lines(reader, title) for title in (SUMMARY, ROI))
    if not (summary and roi):
        return [f"the PDF has no {name} page" for name, lines in ((SUMMARY, summary), (ROI, roi)) if not lines]
    known = figures(results)
    unknown = [f"{name}: {found} is none of the figures of results.json"
               for name, lines in ((SUMMARY, summary), (ROI, roi))
               for found in claimed(" ".join(lines), results.currency) if found not in known]
    return list(dict.fromkeys(unknown)) + headline_missing(summary, results) + roi_table(roi, results)


def chapter_lines(reader: PdfReader, title: str) -> list[str]:
    """The flow text of the chapter `title`: from its heading to the next bookmarked heading, on the pages
    their bookmarks give (reading every page's text would take several times as long)."""
    marks = [(reader.get_destination_page_number(mark), " ".join((mark.title or "").split()))
             for mark in reader.outline if not isinstance(mark, list)]
    at = next((i for i, (_, heading) in enumerate(marks) if (m := HEADING.match(heading)) and m.group(1) == title), None)
    if at is None:
        return []
    first, heading = marks[at]
    last, following = marks[at + 1] if at + 1 < len(marks) else (len(reader.pages) - 1, None)
    lines = [line for n in range(first, last + 1) for line in flow_lines(reader.pages[n])]
    begin = lines.index(heading) if heading in lines else 0
    end = lines.index(following, begin + 1) if following in lines[begin + 1:] else len(lines)
    return lines[begin:end]


def _without_forms(page) -> None:
    """The page with each form XObject (a chart's axes and labels, the logos) an empty form: their text is
    not flow text, and reading it took most of the time."""
    resources = page["/Resources"].get_object()
    forms = resources.get("/XObject")
    if forms is not None:
        resources[NameObject("/XObject")] = DictionaryObject({name: EMPTY_FORM for name in forms.get_object()})


def flow_lines(page) -> list[str]:
    """The page's flow text in lines, top to bottom, each its chunks on one baseline in the order drawn, less
    the running header and footer; a no-break space reads as a space. The cover, without a footer, has none.

    Chunks that start where the one before started are pieces of one text (a sign in a fallback font, then its
    figure) and join as they are; any other two are apart. A tagged PDF sets each piece of text as marked
    content of its own, and pypdf then reads two table cells without the gap between them.
    """
    _without_forms(page)
    chunks: list[tuple[tuple[float, ...], float, float, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: chunks.append((tuple(cm), round(tm[5], 1),
                                                                                    tm[4], text)))
    base = next((cm for cm, _, _, text in chunks if FOOTER.search(text.strip())), None)
    rows: dict[float, list[tuple[float, str]]] = {}
    for cm, y, x, text in chunks:
        if cm == base and text.strip():
            rows.setdefault(y, []).append((x, text))
    return [" ".join(_joined(rows[y]).split()) for y in sorted(rows)][1:-1]


def _joined(chunks: list[tuple[float, str]]) -> str:
    return "".join(text if i and x == chunks[i - 1][0] else " " + text for i, (x, text) in enumerate(chunks))


def _patterns(currency: str) -> tuple[re.Pattern, ...]:
    sign = re.escape(filters.symbol(currency)).replace("\u00a0", SPACE)
    return (re.compile(rf"(?<![\w.,]){filters.MINUS}?{sign}\d[\d,]*(?:\.\d+)?[KMB]?"),
            re.compile(rf"(?<![\w.,]){filters.MINUS}?\d+(?:\.\d+)?{SPACE}%"),
            re.compile(rf"(?<![\w.,])\d+{SPACE}months?\b"))


def claimed(text: str, currency: str) -> list[str]:
    """Every money figure, percentage and month count in `text`, its spaces made no-break as the filters write them."""
    return [match.replace(" ", filters.NBSP) for pattern in _patterns(currency) for match in pattern.findall(text)]


def _amounts(value: float | None, currency: str) -> set[str]:
    if value is None:
        return set()
    return {form(v, currency) for v in (value, -value) for form in (filters.money, filters.money_short, filters.price)}


def _option_figures(option: OptionResult, current: OptionResult, currency: str) -> set[str]:
    amounts = [getattr(option, name) for name in OPTION_AMOUNTS]
    amounts += [*option.totals.model_dump().values(), *option.reductions.model_dump().values(),
                option.time_to_value.value, current.totals.risk - option.totals.risk]
    amounts += [getattr(option.range.savings, p) for p in ("p10", "p50", "p90")]
    shares = [option.savings_pct, option.roi, option.range.probability_of_savings]
    if option.savings_pct is not None:
        shares.append(-option.savings_pct)  # a loss is printed as an increase over today
    shares += [getattr(spread, p) for spread in (option.range.savings_pct, option.range.roi) for p in ("p10", "p50", "p90")]
    months = [option.payback_months, option.time_to_value.months_to_production]
    return ({form for amount in amounts for form in _amounts(amount, currency)}
            | {filters.percent(share) for share in shares if share is not None}
            | {filters.months(count) for count in months if count is not None})


def _numbers(data: object) -> Iterable[float]:
    """Every number in a dumped model, however deep."""
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            yield from _numbers(item)
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield data


def figures(results: Results) -> set[str]:
    """Every figure the summary and the ROI section may print, each as the filters print it."""
    currency, current = results.currency, results.options[results.current_option]
    known = set().union(*(_option_figures(o, current, currency) for o in results.options.values()))
    baseline = list(_numbers(results.fair_baseline.model_dump()))
    if results.reconciliation is not None:
        reconciliation = list(_numbers(results.reconciliation.model_dump()))
        baseline += reconciliation + [abs(share) for share in reconciliation]
    known |= {form for value in [*baseline, *(getattr(results, name) for name in RESULT_AMOUNTS)]
              for form in _amounts(value, currency)}
    known |= {filters.percent(share) for share in [*baseline, results.discount_rate, *SHARES]}
    known |= {filters.months(entry.value) for entry in results.catalogue_used.values()
              if "month" in entry.unit and isinstance(entry.value, (int, float))}
    return known


def headline_missing(summary: list[str], results: Results) -> list[str]:
    """The proposal's savings and ROI, which every executive summary states, when the PDF's summary lacks them."""
    proposed = results.options[results.proposed_option]
    shown = set(claimed(" ".join(summary), results.currency))
    wanted = {"savings": filters.money_short(abs(proposed.savings), results.currency)}
    if proposed.roi is not None:
        wanted["ROI"] = filters.percent(proposed.roi)
    return [f"{SUMMARY}: the proposal's {name}, {value} in results.json, is not shown"
            for name, value in wanted.items() if value not in shown]


def roi_table(lines: list[str], results: Results) -> list[str]:
    """Each row of the ROI table against its options' figures, in the table's column order."""
    columns = [results.options[o] for o in results.option_order if o != results.current_option]
    currency = results.currency
    rows = [(label, [getattr(c.reductions, line) for c in columns], "money")
            for line, label in REDUCTION_LABELS.items() if any(getattr(c.reductions, line) for c in columns)]
    rows += [(label.format(rate=filters.percent(results.discount_rate)), [getattr(c, name) for c in columns], form)
             for label, name, form in ROI_ROWS]
    mismatches = []
    for label, values, form in rows:
        label = " ".join(label.split())  # as the lines read: a no-break space as a space
        shown = [line[len(label):] for line in lines if line.startswith(label + " ")]
        expected = " ".join(filters.FILTERS[form](v, currency) if form in filters.CURRENCY_FILTERS
                            else filters.FILTERS[form](v) for v in values)
        if not shown:
            mismatches.append(f"{ROI}: the table has no row '{label}'")
        elif _squeezed(shown[0]) != _squeezed(expected):
            mismatches.append(f"{ROI}: row '{label}' shows {shown[0].strip()!r}, results.json gives {expected!r}")
    return mismatches


def _squeezed(text: str) -> str:
    return "".join(text.split())
