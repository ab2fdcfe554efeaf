"""Which charts a report has, their sizes and the words they share with its text, decided without drawing anything.

Planning and laying out the document need only this module; drawing needs matplotlib. A single report
lays its pages out in a second process while this one draws the charts (see rendering.py).
"""

from __future__ import annotations

from reportgen.model.costs import CATEGORIES

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
ALWAYS = ("savings_by_option", "current_cost", "tco_by_option", "cumulative_cost", "time_to_value", "roi_waterfall")


def simulated_savings(results: dict) -> dict | None:
    """The proposed option's simulated outcome when it has a spread worth a histogram."""
    outcome = results["options"][results["proposed_option"]].get("range")
    if outcome is None or outcome["savings"]["p10"] == outcome["savings"]["p90"]:
        return None
    return outcome


def tornado_rows(results: dict) -> list[dict]:
    """The inputs that move savings, most first; inputs that do not move them are left out."""
    return [row for row in results.get("sensitivity", []) if row["swing"] > 0][:TORNADO_ROWS]


def chart_names(results: dict) -> list[str]:
    """Every chart the results support, in document order (which fixes the figure numbers)."""
    names = list(ALWAYS)
    if simulated_savings(results):
        names.append("savings_histogram")
    if tornado_rows(results):
        names.append("tornado")
    return names


def chart_words(results: dict) -> str:
    """The text charts take from the results (option names, input labels), for choosing fonts before drawing."""
    names = [results["options"][o]["short_name"] for o in results["option_order"]]
    return " ".join(names + [row["label"] for row in tornado_rows(results)])


def compared_options(results: dict) -> list[str]:
    """Every option but the current one, in the report's order."""
    return [o for o in results["option_order"] if o != results["current_option"]]


def current_cost_rows(results: dict) -> list[tuple[str, str, float]]:
    """(category, part, cost) of the current option's first year, for every part that costs anything."""
    year_1 = results["options"][results["current_option"]]["years"][1]
    return [(category, part, year_1[category][part]) for category, parts in CATEGORIES.items()
            for part in parts if year_1[category][part]]


def height_in(name: str, results: dict) -> float:
    """A chart's height: a bar chart grows with its bars. The page is laid out with it before the chart is drawn."""
    per_bar = {"savings_by_option": (0.36, 0.55, compared_options), "current_cost": (0.21, 0.6, current_cost_rows),
               "time_to_value": (0.28, 0.55, lambda r: r["option_order"]), "tornado": (0.36, 0.9, tornado_rows)}
    if name in per_bar:
        bar_in, rest_in, bars = per_bar[name]
        return bar_in * len(bars(results)) + rest_in
    return {"tco_by_option": 3.1, "cumulative_cost": 2.9, "roi_waterfall": 2.6, "savings_histogram": 2.6}[name]
