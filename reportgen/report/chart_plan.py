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
    height: Callable[[dict], float]  # inches, planned before drawing: the pages are laid out with it
    words: Callable[[dict], tuple[str, str]]  # (title, caption) of its figure; the title is also the image's alt text
    labels: Callable[[dict], list[str]]  # the text it takes from the results, for choosing fonts before drawing
    shown: Callable[[dict], bool]  # whether the results support it (its section shown too)


def simulated_savings(results: dict) -> dict | None:
    """The proposed option's simulated outcome when it has a spread worth a histogram."""
    outcome = results["options"][results["proposed_option"]].get("range")
    if outcome is None or outcome["savings"]["p10"] == outcome["savings"]["p90"]:
        return None
    return outcome


def tornado_rows(results: dict) -> list[dict]:
    """The inputs that move savings, most first; inputs that do not move them are left out."""
    return [row for row in results.get("sensitivity", []) if row["swing"] > 0][:TORNADO_ROWS]


def compared_options(results: dict) -> list[str]:
    """Every option but the current one, in the report's order."""
    return [o for o in results["option_order"] if o != results["current_option"]]


def current_cost_rows(results: dict) -> list[tuple[str, str, float]]:
    """(category, part, cost) of the current option's first year, for every part that costs anything."""
    year_1 = results["options"][results["current_option"]]["years"][1]
    return [(category, part, year_1[category][part]) for category, parts in CATEGORIES.items()
            for part in parts if year_1[category][part]]


def option_names(results: dict) -> list[str]:
    return [results["options"][o]["short_name"] for o in results["option_order"]]


def tornado_labels(results: dict) -> list[str]:
    return [row["label"] for row in tornado_rows(results)]


def no_labels(results: dict) -> list[str]:
    """For a chart whose text is all the report's own words (which the theme's fonts have)."""
    return []


def bars(bar_in: float, rest_in: float, rows: Callable[[dict], list]) -> Callable[[dict], float]:
    """The height of a bar chart, which grows with its bars."""
    return lambda results: bar_in * len(rows(results)) + rest_in


def fixed(inches: float) -> Callable[[dict], float]:
    return lambda results: inches


def _short(results: dict, value: float) -> str:
    return filters.money_short(value, results["currency"])


def _current(results: dict) -> dict:
    return results["options"][results["current_option"]]


def _proposed(results: dict) -> dict:
    return results["options"][results["proposed_option"]]


def savings_words(results: dict) -> tuple[str, str]:
    current, proposed = _current(results), _proposed(results)
    return ("Hard-cost savings against today, by option",
            f"{proposed['short_name']} saves {_short(results, proposed['savings'])} over {results['horizon_years']} "
            f"years against {current['short_name']}; bars left of zero cost more than today.")


def current_cost_words(results: dict) -> tuple[str, str]:
    year_1 = _current(results)["years"][1]
    biggest = max(((c, p, year_1[c][p]) for c, parts in CATEGORIES.items() for p in parts), key=lambda x: x[2])
    people_share = year_1["people"]["total"] / year_1["hard_total"] if year_1["hard_total"] else None
    return ("Today's yearly cost of running Kafka, by part",
            f"{PART_LABELS[biggest[1]]} is the largest single part ({_short(results, biggest[2])} a year); people "
            f"account for {filters.percent(people_share)} of the hard cost, infrastructure for far less.")


def tco_words(results: dict) -> tuple[str, str]:
    best = results["lowest_tco_feasible_option"]
    return (f"{results['horizon_years']}-year total cost of ownership by option and category",
            f"{results['options'][best]['short_name']} has the lowest hard cost of the feasible options "
            f"({_short(results, results['options'][best]['tco_hard'])}). Hatched bars are options that cannot "
            f"carry the workload as specified." if best else "No option can carry the workload as specified.")


def cumulative_words(results: dict) -> tuple[str, str]:
    return ("Cumulative hard cost over the horizon",
            "Each line starts with the migration cost in year 0; where two lines cross, the later-starting "
            "option has paid back its migration. Dashed lines are infeasible options.")


def time_to_value_words(results: dict) -> tuple[str, str]:
    options = results["options"]
    fastest = min(results["option_order"], key=lambda o: options[o]["time_to_value"]["months_to_production"])
    valued = any(options[o]["time_to_value"]["value"] for o in results["option_order"])
    return ("Months to bring the planned use cases to production",
            f"{options[fastest]['short_name']} reaches production first, in "
            f"{filters.months(options[fastest]['time_to_value']['months_to_production'])}. "
            + (f"Delivering sooner is worth the months saved against {_current(results)['short_name']} times the "
               "monthly benefit, undiscounted; it " if valued else "Time to value ")
            + "is never part of savings, ROI, NPV or payback. Vendors' months are their own claims.")


def waterfall_words(results: dict) -> tuple[str, str]:
    proposed = _proposed(results)
    return (f"From gross reductions to net savings: {proposed['short_name']}",
            f"Reductions of {_short(results, proposed['benefits'])} less service charges and migration of "
            f"{_short(results, proposed['costs'])} leave net savings of {_short(results, proposed['savings'])}: "
            f"ROI {filters.multiple(proposed['roi'])}.")


def histogram_words(results: dict) -> tuple[str, str]:
    proposed = _proposed(results)
    spread = proposed["range"]["savings"]
    return (f"Simulated savings of {proposed['short_name']} over {results['horizon_years']} years",
            f"The middle 80 % of outcomes lies between {_short(results, spread['p10'])} and "
            f"{_short(results, spread['p90'])}; savings are positive in "
            f"{filters.percent(proposed['range']['probability_of_savings'])} of them.")


def tornado_words(results: dict) -> tuple[str, str]:
    top = results["sensitivity"][0]
    return ("The inputs that move savings most",
            f"{top['label']} matters most: from its low to its high, savings move by {_short(results, top['swing'])}.")


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
         height=bars(0.21, 0.6, current_cost_rows), words=current_cost_words, labels=no_labels, shown=sections.always),
    dict(name="tco_by_option", section="options", draw="tco_by_option",
         height=fixed(3.1), words=tco_words, labels=option_names, shown=sections.always),
    dict(name="cumulative_cost", section="options", draw="cumulative_cost",
         height=fixed(2.9), words=cumulative_words, labels=option_names, shown=sections.always),
    dict(name="time_to_value", section="time-to-value", draw="time_to_value",
         height=bars(0.28, 0.55, lambda r: r["option_order"]), words=time_to_value_words, labels=option_names,
         shown=sections.always),
    dict(name="roi_waterfall", section="roi", draw="roi_waterfall",
         height=fixed(2.6), words=waterfall_words, labels=no_labels, shown=sections.always),
    dict(name="savings_histogram", section="range", draw="savings_histogram",
         height=fixed(2.6), words=histogram_words, labels=no_labels, shown=lambda r: bool(simulated_savings(r))),
    dict(name="tornado", section="range", draw="tornado",
         height=bars(0.36, 0.9, tornado_rows), words=tornado_words, labels=tornado_labels,
         shown=lambda r: bool(tornado_rows(r))),
), "reportgen/report/chart_plan.py"))


def planned(results: dict) -> list[Chart]:
    """Every chart the results support, in document order: by section, then as listed (which fixes the figure numbers)."""
    return [chart for section in sections.in_report(results) for chart in CHARTS.values()
            if chart.section == section.id and chart.shown(results)]


def chart_names(results: dict) -> list[str]:
    return [chart.name for chart in planned(results)]


def chart_words(results: dict) -> str:
    """The text the charts take from the results (option names, input labels), for choosing fonts before drawing."""
    return " ".join(word for chart in planned(results) for word in chart.labels(results))


def height_in(name: str, results: dict) -> float:
    """A chart's planned height: the page is laid out with it before the chart is drawn."""
    return CHARTS[name].height(results)
