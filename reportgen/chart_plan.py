"""Which charts a report has and the words they share with its text, decided without drawing anything.

Planning the document needs only this module; drawing needs matplotlib, which a single report
can then import and run in a second process while this one renders the text (see report.py).
"""

from __future__ import annotations

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
