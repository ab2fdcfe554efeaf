"""The report's charts, one record each: which charts a report has, their sizes and their words, without drawing.

Planning and laying out the document need only this module; drawing needs matplotlib. A single report
lays its pages out in a second process while this one draws the charts (reportgen/pdf/process.py), with
frames of the planned heights. Adding a chart is one record in CHARTS and its draw function in charts.py:
the view numbers it (by section, then in CHARTS' order) and captions it from its record, and its section
shows it at its end, unless the section's template places it earlier with m.figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportgen.model.contract import OptionResult, OutcomeRange, Results, SensitivityRow, Year
from reportgen.model.costs import CATEGORIES
from reportgen.problems import ReportgenError
from reportgen.report import filters, sections
from reportgen.report.registry import records

WIDTH_IN = 6.5  # the text block of an A4 or Letter page with the report's margins
TORNADO_ROWS = 10
CATEGORY_LABELS = {"migration": "Migration", "infrastructure": "Infrastructure", "service_charges": "Service charges",
                   "people": "People", "risk": "Risk (expected)"}
PART_LABELS = {"compute": "Compute", "storage": "Storage", "network": "Network", "capacity": "Capacity",
               "partitions": "Partitions", "data_transfer": "Data transfer", "licence": "Licence",
               "discount": "Discount", "platform_operations": "Platform operations", "development": "Development",
               "support_and_services": "Support and services", "incidents": "Incidents", "outages": "Outages",
               "planned_downtime": "Planned downtime", "breach": "Breach"}
REDUCTION_LABELS = {"infrastructure": "Infrastructure", "development": "Development",
                    "platform_operations": "Operations", "support_and_services": "Support and services",
                    "current_service_charges": "Current service charges"}


@dataclass(frozen=True)
class Chart:
    name: str  # its figure's anchor (fig-NAME), its file (charts/NAME.svg) and how templates name it
    section: str  # the id of the section it belongs to (sections.py); its figure number follows the sections' order
    draw: str  # its function in charts.py, draw(results, style, ax), which draws on axes of the planned size
    height: Callable[[Results], float]  # inches, planned before drawing: the pages are laid out with it
    words: Callable[[Results], tuple[str, str, str]]  # (title, alt text, caption) of its figure; the alt text says
    # what the chart shows with its figures, for a reader who cannot see it (the HTML's alt, the PDF's Figure /Alt)
    labels: Callable[[Results], list[str]]  # the text it takes from the results, for choosing fonts before drawing
    shown: Callable[[Results], bool]  # whether the results support it (its section shown too)


def part(year: Year, category: str, name: str) -> float:
    """One part of a year's cost by the names in CATEGORIES: part(year, "people", "development")."""
    return getattr(getattr(year, category), name)


def simulated_savings(results: Results) -> OutcomeRange | None:
    """The proposed option's simulated outcome when it has a spread worth a histogram."""
    outcome = results.options[results.proposed_option].range
    if outcome.savings.p10 == outcome.savings.p90:
        return None
    return outcome


def tornado_rows(results: Results) -> list[SensitivityRow]:
    """The inputs that move savings, most first; inputs that do not move them are left out."""
    return [row for row in results.sensitivity if row.swing > 0][:TORNADO_ROWS]


def compared_options(results: Results) -> list[str]:
    """Every option but the current one, in the report's order."""
    return [o for o in results.option_order if o != results.current_option]


def current_cost_rows(results: Results) -> list[tuple[str, str, float]]:
    """(category, part, cost) of the current option's first year, for every part that costs anything."""
    year_1 = _current(results).years[1]
    return [(category, name, part(year_1, category, name)) for category, names in CATEGORIES.items()
            for name in names if part(year_1, category, name)]


def option_names(results: Results) -> list[str]:
    return [results.options[o].short_name for o in results.option_order]


def tornado_labels(results: Results) -> list[str]:
    return [row.label for row in tornado_rows(results)]


def no_labels(results: Results) -> list[str]:
    """For a chart whose text is all the report's own words (which the theme's fonts have)."""
    return []


def bars(bar_in: float, rest_in: float, rows: Callable[[Results], list]) -> Callable[[Results], float]:
    """The height of a bar chart, which grows with its bars."""
    return lambda results: bar_in * len(rows(results)) + rest_in


def fixed(inches: float) -> Callable[[Results], float]:
    return lambda results: inches


def _short(results: Results, value: float | None) -> str:
    return filters.money_short(value, results.currency)


def _current(results: Results) -> OptionResult:
    return results.options[results.current_option]


def _proposed(results: Results) -> OptionResult:
    return results.options[results.proposed_option]


def _listed(items: list[str]) -> str:
    """Items in a sentence: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _named(results: Results, option_id: str) -> str:
    """An option's short name, marked when the results say it cannot carry the workload."""
    option = results.options[option_id]
    return option.short_name + ("" if option.feasible else " (infeasible)")


def savings_words(results: Results) -> tuple[str, str, str]:
    current, proposed = _current(results), _proposed(results)
    bars = [f"{_named(results, o)} {_short(results, results.options[o].savings)}" for o in compared_options(results)]
    return ("Hard-cost savings against today, by option",
            f"Bar chart of each option's hard-cost savings over {results.horizon_years} years against "
            f"{current.short_name}, a negative amount costing more: {_listed(bars)}.",
            f"{proposed.short_name} saves {_short(results, proposed.savings)} over {results.horizon_years} "
            f"years against {current.short_name}; bars left of zero cost more than today.")


def current_cost_words(results: Results) -> tuple[str, str, str]:
    year_1 = _current(results).years[1]
    biggest = max(((c, p, part(year_1, c, p)) for c, names in CATEGORIES.items() for p in names), key=lambda x: x[2])
    people_share = year_1.people.total / year_1.hard_total if year_1.hard_total else None
    bars = [f"{PART_LABELS[name]} {_short(results, cost)}" for _, name, cost in current_cost_rows(results)]
    return ("Today's yearly cost of running Kafka, by part",
            f"Bar chart of {_current(results).short_name}'s cost in year 1 by part: {_listed(bars)}.",
            f"{PART_LABELS[biggest[1]]} is the largest single part ({_short(results, biggest[2])} a year); people "
            f"account for {filters.percent(people_share)} of the hard cost, infrastructure for far less.")


def tco_words(results: Results) -> tuple[str, str, str]:
    best = results.lowest_tco_feasible_option
    bars = [f"{_named(results, o)} {_short(results, results.options[o].tco_hard)}" for o in results.option_order]
    return (f"{results.horizon_years}-year total cost of ownership by option and category",
            f"Stacked bar chart of each option's {results.horizon_years}-year hard cost, split into migration, "
            f"infrastructure, service charges and people: {_listed(bars)}.",
            f"{results.options[best].short_name} has the lowest hard cost of the feasible options "
            f"({_short(results, results.options[best].tco_hard)}). Hatched bars are options that cannot "
            f"carry the workload as specified." if best else "No option can carry the workload as specified.")


def cumulative_words(results: Results) -> tuple[str, str, str]:
    ends = [f"{_named(results, o)} {_short(results, results.options[o].tco_hard)}" for o in results.option_order]
    return ("Cumulative hard cost over the horizon",
            f"Line chart of each option's hard cost added up year by year, from its migration in year 0 to year "
            f"{results.horizon_years}, where the lines end at {_listed(ends)}.",
            "Each line starts with the migration cost in year 0; where two lines cross, the later-starting "
            "option has paid back its migration. Dashed lines are infeasible options.")


def time_to_value_words(results: Results) -> tuple[str, str, str]:
    options = results.options
    fastest = options[min(results.option_order, key=lambda o: options[o].time_to_value.months_to_production)]
    valued = any(options[o].time_to_value.value for o in results.option_order)
    bars = [f"{options[o].short_name} {filters.months(options[o].time_to_value.months_to_production)}"
            for o in results.option_order]
    return ("Months to bring the planned use cases to production",
            f"Bar chart of the months each option takes to bring the planned use cases to production: "
            f"{_listed(bars)}.",
            f"{fastest.short_name} reaches production first, in "
            f"{filters.months(fastest.time_to_value.months_to_production)}. "
            + (f"Delivering sooner is worth the months saved against {_current(results).short_name} times the "
               "monthly benefit, undiscounted; it " if valued else "Time to value ")
            + "is never part of savings, ROI, NPV or payback. Vendors' months are their own claims.")


def waterfall_words(results: Results) -> tuple[str, str, str]:
    proposed = _proposed(results)
    reductions = [f"{REDUCTION_LABELS[name].lower()} {_short(results, value)}"
                  for name, value in proposed.reductions.model_dump().items() if value]
    return (f"From gross reductions to net savings: {proposed.short_name}",
            f"Waterfall chart of {proposed.short_name} over {results.horizon_years} years: reductions in "
            f"{_listed(reductions) if reductions else 'nothing'}, {_short(results, proposed.benefits)} in all; less "
            f"service charges of {_short(results, proposed.service_charges)} and migration of "
            f"{_short(results, proposed.migration)}; net savings of {_short(results, proposed.savings)}.",
            f"Reductions of {_short(results, proposed.benefits)} less service charges and migration of "
            f"{_short(results, proposed.costs)} leave net savings of {_short(results, proposed.savings)}: "
            f"an ROI of {filters.percent(proposed.roi)}.")


def histogram_words(results: Results) -> tuple[str, str, str]:
    proposed = _proposed(results)
    spread = proposed.range.savings
    return (f"Simulated savings of {proposed.short_name} over {results.horizon_years} years",
            f"Histogram of {filters.number(proposed.range.trials)} simulated outcomes of {proposed.short_name}'s "
            f"savings over {results.horizon_years} years: P10 {_short(results, spread.p10)}, median "
            f"{_short(results, spread.p50)}, P90 {_short(results, spread.p90)}; savings are positive in "
            f"{filters.percent(proposed.range.probability_of_savings)} of them.",
            f"The middle {filters.percent(0.8)} of outcomes lies between {_short(results, spread.p10)} and "
            f"{_short(results, spread.p90)}; savings are positive in "
            f"{filters.percent(proposed.range.probability_of_savings)} of them.")


def tornado_words(results: Results) -> tuple[str, str, str]:
    top = results.sensitivity[0]
    moves = [f"{row.label}, from {_short(results, row.savings_at_low)} to {_short(results, row.savings_at_high)}"
             for row in tornado_rows(results)]
    return ("The inputs that move savings most",
            f"Tornado chart of {_proposed(results).short_name}'s savings of "
            f"{_short(results, _proposed(results).savings)} with one input at a time taken from its low to its "
            f"high: {'; '.join(moves)}.",
            f"{top.label} matters most: from its low to its high, savings move by {_short(results, top.swing)}.")


def check(charts: dict[str, Chart]) -> dict[str, Chart]:
    """Every chart in a section that exists."""
    for chart in charts.values():
        if chart.section not in sections.SECTIONS:
            raise ReportgenError(f"chart {chart.name!r} in reportgen/report/chart_plan.py belongs to section "
                                 f"{chart.section!r}, which reportgen/report/sections.py does not list")
    return charts


CHARTS = check(records("chart", Chart, (
    dict(name="savings_by_option", section="summary", draw="savings_by_option",
         height=bars(0.36, 0.55, compared_options), words=savings_words, labels=option_names, shown=sections.always),
    dict(name="current_cost", section="today", draw="current_cost",
         height=bars(0.21, 0.8, current_cost_rows), words=current_cost_words, labels=no_labels, shown=sections.always),
    dict(name="tco_by_option", section="options", draw="tco_by_option",
         height=fixed(3.1), words=tco_words, labels=option_names, shown=sections.always),
    dict(name="cumulative_cost", section="options", draw="cumulative_cost",
         height=fixed(2.9), words=cumulative_words, labels=option_names, shown=sections.always),
    dict(name="time_to_value", section="time-to-value", draw="time_to_value",
         height=bars(0.28, 0.55, lambda r: r.option_order), words=time_to_value_words, labels=option_names,
         shown=sections.always),
    dict(name="roi_waterfall", section="roi", draw="roi_waterfall",
         height=fixed(2.4), words=waterfall_words, labels=no_labels, shown=sections.always),
    dict(name="savings_histogram", section="range", draw="savings_histogram",
         height=fixed(2.6), words=histogram_words, labels=no_labels, shown=lambda r: simulated_savings(r) is not None),
    dict(name="tornado", section="range", draw="tornado",
         height=bars(0.36, 0.9, tornado_rows), words=tornado_words, labels=tornado_labels,
         shown=lambda r: bool(tornado_rows(r))),
), "reportgen/report/chart_plan.py"))


def planned(results: Results) -> list[Chart]:
    """Every chart the results support, in document order: by section, then as listed (which fixes the figure numbers)."""
    return [chart for section in sections.in_report(results) for chart in CHARTS.values()
            if chart.section == section.id and chart.shown(results)]


def chart_names(results: Results) -> list[str]:
    return [chart.name for chart in planned(results)]


def chart_words(results: Results) -> str:
    """The text the charts take from the results (option names, input labels), for choosing fonts before drawing."""
    return " ".join(word for chart in planned(results) for word in chart.labels(results))


def height_in(name: str, results: Results) -> float:
    """A chart's planned height: the page is laid out with it before the chart is drawn."""
    return CHARTS[name].height(results)
