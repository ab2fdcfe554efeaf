"""The report's view-model: everything the templates show, as plain values or finished text.

Templates hold no arithmetic: sums, comparisons, choices of wording and figure numbers are made
here, from the results object of the same run (and, for Appendix A, the assessment and catalogue
entries that produced it). Numbers stay numbers; the templates format them with `filters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import count, product
from string import ascii_uppercase

from pydantic import BaseModel

from reportgen.report import chart_plan, filters, sections
from reportgen.catalogue import Entry, Values
from reportgen.report.chart_plan import CATEGORY_LABELS, PART_LABELS, REDUCTION_LABELS
from reportgen.model.costs import CATEGORIES
from reportgen.inputs.schema import Assessment, Range
from reportgen.report.theme import Theme, option_colours
from reportgen.report.formulas_view import appendix_formulas

TITLE = "Kafka TCO assessment"
BUCKETS = {"infrastructure": "Infrastructure", "operations": "Operations",
           "risk": "Risk and downtime", "time_to_value": "Time to value"}
CAPABILITY_MARKS = {"yes": "Yes", "partial": "Partly", "no": "No"}
INPUT_GROUPS = ("organization", "clusters", "growth", "baseline", "risk", "value")
DEFAULTED_ASSUMPTIONS = {("organization", "loaded_cost_per_fte_per_year"): "loaded_cost_per_fte_per_year",
                         ("organization", "working_hours_per_year"): "working_hours_per_year",
                         ("assessment", "discount_rate"): "discount_rate",
                         ("risk", "breach_cost"): "breach_cost"}
INPUT_GROUP_TITLES = {"assessment": "Assessment", "organization": "Organisation", "growth": "Growth",
                      "baseline": "Today's platform", "risk": "Risk", "value": "Value"}
LABEL_WORDS = {"fte": "FTE", "mbps": "MB/s", "az": "AZ", "gb": "GB", "sla": "SLA", "ttv": "TTV"}
CLUSTER_COLUMNS = {"environment": "Environment", "ingress_mbps": "Ingress (MB/s)", "egress_mbps": "Egress (MB/s)",
                   "peak_to_average": "Peak / average", "retention_days": "Retention (days)", "partitions": "Partitions",
                   "replication_factor": "Replicas", "availability_zones": "Zones", "controllers": "Controllers"}
HEADLINE_LABELS = {"tco_hard": "Hard TCO", "savings": "Savings against today", "savings_pct": "Savings, share of today",
                   "roi": "ROI", "npv": "NPV", "payback_months": "Payback"}
STATUS_MARKS = {"vendor-claim": "*", "illustrative": "†"}  # in every theme's body font; legible in greyscale
MATRIX_OPTIONS = 5  # option columns per table in Appendix A's comparison of option parameters
CONSTRAINTS = {"throughput": "throughput", "partitions": "partitions", "replication_factor": "replication factor",
               "availability_zones": "zones", "ingress": "ingress", "egress": "egress", "minimum": "minimum size"}


@dataclass(frozen=True)
class Figure:
    name: str
    number: int
    title: str
    caption: str

    @property
    def ref(self) -> str:
        return f"Figure {self.number}"


def rounding_differs(parts, total) -> bool:
    """True when whole-unit display of the parts does not add up to the displayed total."""
    return sum(round(p) for p in parts) != round(total)


def long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def humanise(name: str) -> str:
    """A field or catalogue key in words: loaded_cost_per_fte_per_year -> Loaded cost per FTE per year."""
    text = " ".join(LABEL_WORDS.get(word, word) for word in name.replace(".", ", ").split("_"))
    return text[:1].upper() + text[1:]


def key_label(key: str, results: dict) -> str:
    """A catalogue key in words: options.confluent_cloud.unit_hour -> Confluent Cloud: unit hour."""
    group, item = _key_group(key, results)
    return f"{group}: {item[:1].lower()}{item[1:]}" if item[:2] != item[:2].upper() else f"{group}: {item}"


def _key_group(key: str, results: dict) -> tuple[str, str]:
    """The group a catalogue key is listed under and its name within it: (Confluent Cloud, Unit hour)."""
    head, _, rest = key.partition(".")
    if head == "options":
        option, _, rest = rest.partition(".")
        name = results["options"][option]["short_name"] if option in results["options"] else option
        if rest.startswith("brokers."):
            size, _, item = rest.removeprefix("brokers.").rpartition(".")
            return name, f"{size} broker: {humanise(item)}"
        return name, humanise(rest)
    if head == "price_book" and rest.startswith("instances."):
        instance, _, name = rest.removeprefix("instances.").rpartition(".")
        return "Price book", f"{instance}: {humanise(name)}"
    return {"assumptions": "Assumptions", "price_book": "Price book"}.get(head, head), humanise(rest)


def _entry_row(entry: Entry, results: dict) -> dict:
    group, item = _key_group(entry.key, results)
    return {"key": entry.key, "label": key_label(entry.key, results), "group": group, "item": item,
            "value": entry.value, "unit": entry.unit,
            "source": entry.source, "as_of": entry.as_of, "status": entry.status, "default": entry.default,
            "note": entry.note}


def _option_param(key: str) -> tuple[str, str] | None:
    """`options.msk.incident_factor` -> (msk, incident_factor); None for a key outside the options."""
    head, _, rest = key.partition(".")
    if head != "options":
        return None
    option, _, param = rest.partition(".")
    return option, param


def _matrix_chunks(option_ids: list[str]) -> list[list[str]]:
    """Option columns split in near-equal tables of at most MATRIX_OPTIONS, so twelve options still fit the page."""
    count = -(-len(option_ids) // MATRIX_OPTIONS)
    size = -(-len(option_ids) // count)
    return [option_ids[i:i + size] for i in range(0, len(option_ids), size)]


def _compared_params(rows: list[dict], option_ids: list[str]) -> list[dict]:
    """Option parameters that two or more of the compared options share with the same unit, one row each."""
    by_param: dict[tuple[str, str], dict[str, dict]] = {}
    for row in rows:
        owner = _option_param(row["key"])
        if owner and owner[0] in option_ids:
            by_param.setdefault((owner[1], row["unit"]), {})[owner[0]] = row
    shared = sorted(((p, cells) for p, cells in by_param.items() if len(cells) > 1), key=lambda x: (-len(x[1]), x[0]))
    return [{"label": next(iter(cells.values()))["item"], "unit": unit, "cells": cells} for (_, unit), cells in shared]


def catalogue_rows(results: dict, values: Values, assessment_date: str) -> dict:
    """Every catalogue value the run read, laid out to be read with few table cells.

    A parameter that two or more options share with the same unit (breach factor, dual-run months,
    ...) is one row of a matrix with a column per option, so the options' factors sit side by side;
    everything else (assumptions, price book, one option's own prices and limits) is a row in its
    group. Sources are numbered by (source, date) in reading order; a customer's override is dated
    by the assessment.
    """
    order = {"assumptions": 0, "price_book": 1, "options": 2}
    option_ids = results["option_order"]
    option_rank = {o: i for i, o in enumerate(option_ids)}

    def rank(key: str):
        head, _, rest = key.partition(".")
        return order.get(head, 3), option_rank.get(rest.partition(".")[0], 0), key

    rows = [_entry_row(values.entry(k), results) for k in sorted(results["catalogue_used"], key=rank)]
    for row in rows:
        if row["status"] == "customer":
            row["as_of"] = assessment_date
    compared = _compared_params(rows, option_ids)
    in_matrix = {row["key"] for r in compared for row in r["cells"].values()}
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row["key"] not in in_matrix:
            groups.setdefault(row["group"], []).append(row)
    sources: dict[tuple[str, str], int] = {}
    reading_order = [r["cells"][o] for r in compared for o in option_ids if o in r["cells"]]
    for row in reading_order + [r for g in groups.values() for r in g]:
        row["source_number"] = sources.setdefault((row["source"], row["as_of"]), len(sources) + 1)
    matrices = [{"options": [results["options"][o] | {"id": o} for o in chunk],
                 "rows": [{"label": r["label"], "unit": r["unit"], "cells": [r["cells"].get(o) for o in chunk]}
                          for r in compared if any(o in r["cells"] for o in chunk)]}
                for chunk in _matrix_chunks(option_ids)]
    return {"matrices": matrices, "groups": [{"title": t, "rows": r} for t, r in groups.items()],
            "sources": [{"source": s, "as_of": d} for s, d in sources], "marks": STATUS_MARKS}


def illustrative_headline_values(results: dict, values: Values) -> list[dict]:
    """Illustrative catalogue values behind the current and proposed options' hard costs."""
    keys = sorted({k for o in (results["current_option"], results["proposed_option"])
                   for k in results["options"][o]["catalogue_keys"]["hard"]})
    return [_entry_row(values.entry(k), results) for k in keys if values.entry(k).status == "illustrative"]


def _input_value(value) -> dict:
    if isinstance(value, Range):
        return {"kind": "range", "low": value.low, "likely": value.likely, "high": value.high}
    if isinstance(value, bool):
        return {"kind": "text", "text": "yes" if value else "no"}
    if isinstance(value, (int, float)):
        return {"kind": "number", "value": value}
    return {"kind": "text", "text": str(value)}


def input_rows(assessment: Assessment, option_names: dict[str, str]) -> list[dict]:
    """Every input of the model, its value (or range) and whether the customer gave it or a default applied."""
    rows = []

    def add(group: str, path: str, name: str, value, given: bool, assumption: str | None = None):
        if value is None:
            shown = {"kind": "text", "text": "catalogue default" if assumption else "none"}
        elif name in ("current_option", "proposed_option"):
            shown = {"kind": "text", "text": option_names.get(value, value)}
        else:
            shown = _input_value(value)
        rows.append({"group": group, "path": f"{path}.{name}", "field": name, "value": shown,
                     "label": humanise(f"{path.partition('.')[2]}_{name}" if "." in path else name),
                     "status": "customer" if given else "default"})

    def walk(model: BaseModel, path: str, group: str):
        for name in type(model).model_fields:
            if name == "comment":  # editors' notes, not inputs of the model
                continue
            value = getattr(model, name)
            if isinstance(value, BaseModel) and not isinstance(value, Range):
                walk(value, f"{path}.{name}", group)
            else:
                add(group, path, name, value, name in model.model_fields_set, DEFAULTED_ASSUMPTIONS.get((group, name)))

    assumptions = assessment.assessment
    for name in ("horizon_years", "discount_rate", "currency", "current_option", "proposed_option"):
        add("assessment", "assessment", name, getattr(assumptions, name), name in assumptions.model_fields_set,
            DEFAULTED_ASSUMPTIONS.get(("assessment", name)))
    for group in INPUT_GROUPS:
        value = getattr(assessment, group)
        if isinstance(value, list):
            for cluster in value:
                walk(cluster, f"clusters[{cluster.name}]", group)
        else:
            walk(value, group, group)
    return rows


def _two_columns(tables: list[dict]) -> list[list[dict]]:
    """Tables in two columns of about the same number of rows, each column keeping the tables' order.

    A table may move to the other column (its title says what it is), so a long group does not leave
    a tall gap beside short ones; among equally balanced layouts the one closest to reading order wins.
    """
    sizes = [len(t["rows"]) + 2 for t in tables]
    sides = min(product((0, 1), repeat=len(tables)),
                key=lambda sides: (abs(sum(s if side else -s for s, side in zip(sizes, sides))), sides))
    return [[t for t, side in zip(tables, sides) if side == column] for column in (0, 1)]


def input_tables(rows: list[dict]) -> dict:
    """Appendix A's inputs: one small table per group, and the clusters as one row each."""
    groups: dict[str, list[dict]] = {}
    clusters: dict[str, dict] = {}
    for row in rows:
        if row["group"] == "clusters":
            cluster = row["path"].partition("]")[0].removeprefix("clusters[")
            if row["field"] != "name":
                clusters.setdefault(cluster, {})[row["field"]] = row
        else:
            groups.setdefault(row["group"], []).append(row)
    tables = [{"title": INPUT_GROUP_TITLES[g], "rows": r} for g, r in groups.items()]
    return {"columns": _two_columns(tables),
            "cluster_columns": [(f, label) for f, label in CLUSTER_COLUMNS.items()
                                if any(f in c for c in clusters.values())],
            "clusters": [{"name": name, "cells": cells} for name, cells in clusters.items()]}


def _capabilities(results: dict, values: Values) -> list[dict]:
    catalogue = values.catalogue
    groups = []
    for bucket, bucket_name in BUCKETS.items():
        rows = [{"name": meta["name"], "marks": [catalogue.options[o].capabilities.get(cap_id, "no") for o in results["option_order"]]}
                for cap_id, meta in catalogue.capabilities.items() if meta["bucket"] == bucket]
        if rows:
            groups.append({"bucket": bucket_name, "rows": rows})
    return groups


def _cluster_rows(assessment: Assessment, results: dict) -> list[dict]:
    current = results["options"][results["current_option"]]
    first_year = {s["cluster"]: s for s in current["sizing"] if s["year"] == 1}
    rows = []
    for c in assessment.clusters:
        sizing = first_year[c.name]
        rows.append({"name": c.name, "environment": c.environment, "ingress_mbps": c.ingress_mbps,
                     "egress_mbps": c.egress_mbps, "peak_to_average": c.peak_to_average,
                     "retention_days": c.retention_days, "partitions": c.partitions,
                     "replication_factor": c.replication_factor, "zones": c.availability_zones,
                     "brokers": sizing.get("brokers"), "binding": CONSTRAINTS.get(sizing.get("binding_constraint"), "")})
    return rows


def _capacity(sizing: dict) -> str:
    if "brokers" in sizing:
        text = f"{filters.number(sizing['brokers'])} brokers"
        return text + (f" + {sizing['controllers']} controllers" if sizing.get("controllers") else "")
    if "capacity_units" in sizing:
        return f"{filters.number(sizing['capacity_units'])} capacity units"
    return f"{filters.number(sizing['clusters_needed'])} serverless cluster" + ("s" if sizing["clusters_needed"] != 1 else "")


def _sizing_rows(results: dict) -> list[dict]:
    horizon = results["horizon_years"]
    rows = []
    for option_id in results["option_order"]:
        option = results["options"][option_id]
        first = [s for s in option["sizing"] if s["year"] == 1]
        last = {s["cluster"]: s for s in option["sizing"] if s["year"] == horizon}
        for i, s in enumerate(first):
            end = last[s["cluster"]]
            rows.append({"option": option["short_name"], "option_id": option_id, "first_of_option": i == 0,
                         "span": len(first), "cluster": s["cluster"], "year_1": _capacity(s),
                         "year_h": _capacity(end), "binding": CONSTRAINTS.get(end["binding_constraint"], ""),
                         "block_gb": end.get("block_gb"), "object_gb": end.get("object_gb"),
                         "cross_az_gb": end["cross_az_gb"]["total"]})
    return rows


def _option_costs(results: dict) -> dict:
    """Section 6's table, every option a column: hard cost by category, the same by year, then the totals.

    Both groups add up to the hard TCO; the workbook has every category in every year.
    """
    options = [results["options"][o] | {"id": o} for o in results["option_order"]]
    categories = [c for c in ("migration", "infrastructure", "service_charges", "people")
                  if any(o["migration"] if c == "migration" else o["totals"][c] for o in options)]
    by_category = [{"label": CATEGORY_LABELS[c],
                    "amounts": [o["migration"] if c == "migration" else o["totals"][c] for o in options]}
                   for c in categories]
    by_year = [{"label": f"Year {row['year']}" + (" (migration)" if row["year"] == 0 else ""),
                "amounts": [o["years"][i]["hard_total"] for o in options]}
               for i, row in enumerate(options[0]["years"])]
    rounding = any(rounding_differs([r["amounts"][i] for r in rows], o["tco_hard"])
                   for i, o in enumerate(options) for rows in (by_category, by_year))
    return {"columns": options, "by_category": by_category, "by_year": by_year, "rounding": rounding}


def _infeasible_reasons(option: dict) -> list[str]:
    """One sentence per cluster that does not fit: its first year over the limit, and what the last year needs."""
    by_cluster: dict[str, list[dict]] = {}
    for reason in option["infeasible_reasons"]:
        by_cluster.setdefault(reason["cluster"], []).append(reason)
    return [reasons[0]["message"] + (f", and it needs {filters.number(reasons[-1]['needed'])} by year {reasons[-1]['year']}"
                                     if len(reasons) > 1 else "") + "."
            for reasons in by_cluster.values()]


def _current_breakdown(results: dict) -> dict:
    """Today's year 1 by category, each with the parts it is made of (the chart shows every part)."""
    currency = results["currency"]
    year_1 = results["options"][results["current_option"]]["years"][1]
    rows = []
    for category, names in CATEGORIES.items():
        parts = [(PART_LABELS[part], year_1[category][part]) for part in names if year_1[category][part]]
        if parts:
            amount = year_1[category]["total"]
            rows.append({"category": CATEGORY_LABELS[category], "amount": amount,
                         "parts": " · ".join(f"{label} {filters.money_short(value, currency)}" for label, value in parts),
                         "share": amount / year_1["risk_adjusted_total"]})
    return {"rows": rows, "hard_total": year_1["hard_total"], "risk_total": year_1["risk"]["total"],
            "total": year_1["risk_adjusted_total"],
            "rounding": rounding_differs([r["amount"] for r in rows], year_1["risk_adjusted_total"])}


def _roi_columns(results: dict) -> dict:
    ids = [o for o in results["option_order"] if o != results["current_option"]]
    reductions = [line for line in REDUCTION_LABELS if any(results["options"][o]["reductions"][line] for o in ids)]
    columns = [results["options"][o] | {"id": o} for o in ids]
    rounding = any(rounding_differs([c["reductions"][r] for r in reductions], c["benefits"])
                   or rounding_differs([c["benefits"], -c["service_charges"], -c["migration"]], c["savings"])
                   for c in columns)
    return {"columns": columns, "reduction_lines": [(line, REDUCTION_LABELS[line]) for line in reductions],
            "rounding": rounding}


def _people_rows(results: dict) -> list[dict]:
    rows = []
    for option_id in results["option_order"]:
        option = results["options"][option_id]
        first = option["people"][0]
        rows.append({"option": option["short_name"], "option_id": option_id,
                     "platform_fte": first["platform_fte"], "tooling_fte": first["tooling_fte"],
                     "connectors_to_build": first["connectors_to_build"],
                     "connectors_prebuilt": first["connectors_prebuilt"],
                     "support_year_1": option["years"][1]["people"]["support_and_services"],
                     "people_total": option["totals"]["people"]})
    return rows


def _risk_rows(results: dict) -> list[dict]:
    rows = []
    for option_id in results["option_order"]:
        option = results["options"][option_id]
        year_1 = option["years"][1]["risk"]
        rows.append({"option": option["short_name"], "option_id": option_id, **option["risk_detail"],
                     "per_year": year_1["total"], "total": option["totals"]["risk"],
                     "parts": {p: year_1[p] for p in CATEGORIES["risk"]}})
    return rows


def _finding(results: dict, current: dict, proposed: dict) -> list[str]:
    currency, horizon = results["currency"], results["horizon_years"]
    short = lambda v: filters.money_short(v, currency)
    name = results["customer"]["name"]
    if proposed["savings"] >= 0:
        first = (f"Moving {name}'s Kafka from {current['name']} to {proposed['name']} cuts its {horizon}-year hard cost of "
                 f"ownership from {short(current['tco_hard'])} to {short(proposed['tco_hard'])}: a saving of "
                 f"{short(proposed['savings'])}, or {filters.percent(proposed['savings_pct'])}.")
    else:
        first = (f"Moving {name}'s Kafka from {current['name']} to {proposed['name']} raises its {horizon}-year hard cost "
                 f"of ownership from {short(current['tco_hard'])} to {short(proposed['tco_hard'])}, by "
                 f"{short(-proposed['savings'])}.")
    payback = ("pays back its migration within " + filters.months(proposed["payback_months"])
               if proposed["payback_months"] is not None else "does not pay back within the horizon")
    second = (f"Net of the new service's charges and the migration, the move returns "
              f"{filters.multiple(proposed['roi'])} what it costs and {payback}.")
    risk_gain = current["totals"]["risk"] - proposed["totals"]["risk"]
    third = (f"Fewer and shorter disruptions are expected to be worth a further {short(risk_gain)} over the period; "
             f"they are shown apart and are not part of the savings above."
             if risk_gain > 0 else "Expected downtime and incident costs are not lower with this option.")
    return [first, second, third]


def range_sentence(results: dict) -> str:
    """`In 80 % of 10,000 simulated outcomes, savings fall between $2.25M and $3.32M (median $2.79M).`"""
    outcome = results["options"][results["proposed_option"]]["range"]
    savings, currency = outcome["savings"], results["currency"]
    trials = filters.number(outcome["trials"])
    if savings["p10"] == savings["p90"]:
        return (f"All {trials} simulated outcomes give the same savings, {filters.money_short(savings['p50'], currency)}: "
                "no input that moves savings was given as a range.")
    return (f"In 80 % of {trials} simulated outcomes, savings fall between {filters.money_short(savings['p10'], currency)} "
            f"and {filters.money_short(savings['p90'], currency)} (median {filters.money_short(savings['p50'], currency)}).")


def _figures(chart_names: list[str], results: dict) -> dict[str, Figure]:
    """Numbers in document order (the chart plan's order) and the words each chart's record gives."""
    return {name: Figure(name, i, *chart_plan.CHARTS[name].words(results)) for i, name in enumerate(chart_names, start=1)}


def _changed_value(value) -> str:
    """An input or catalogue value before or after a change, as Appendix A would show it."""
    if value is None:
        return "(absent)"
    if isinstance(value, (bool, int, float)):
        return filters.quantity(value)
    return str(value)


def _headline_value(value, figure: str, currency: str) -> str:
    if figure == "savings_pct":
        return filters.percent(value)
    if figure == "roi":
        return filters.multiple(value)
    if figure == "payback_months":
        return filters.payback(value)
    return filters.money(value, currency)


def changes_view(changes: dict | None, results: dict) -> dict | None:
    """Appendix C: what changed since the previous report, every value already formatted."""
    if changes is None:
        return None
    currency = results["currency"]
    names = {o: results["options"][o]["short_name"] for o in results["option_order"]}
    previous = changes["previous"]
    headline = []
    for row in changes["headline"]:
        headline.append({"option": names.get(row["option"], row["option"]), "option_id": row["option"],
                         "first_of_option": not headline or headline[-1]["option_id"] != row["option"],
                         "figure": HEADLINE_LABELS.get(row["figure"], row["figure"]),
                         "old": _headline_value(row["old"], row["figure"], currency),
                         "new": _headline_value(row["new"], row["figure"], currency)})
    return {"previous": {"tool_version": previous.get("tool_version") or "–",
                         "catalogue_version": previous.get("catalogue_version") or "–",
                         "inputs": str(previous.get("inputs_sha256") or "–")[:12]},
            "inputs": [{"path": r["path"], "old": _changed_value(r["old"]), "new": _changed_value(r["new"])}
                       for r in changes["inputs"]],
            "catalogue": [{"key": r["key"], "label": key_label(r["key"], results), "old": _changed_value(r["old"]),
                           "new": _changed_value(r["new"])} for r in changes["catalogue"]],
            "headline": headline}


def _sections(results: dict, chart_names: list[str]) -> list[dict]:
    """The sections the results give the report, in order, each with its number, template and figures.

    Chapters are numbered 1, 2, ... and appendices lettered A, B, ... in the registry's order, so a section
    left out moves the numbers of those after it.
    """
    numbers = {"chapter": map(str, count(1)), "appendix": (f"Appendix {letter}" for letter in ascii_uppercase)}
    return [{"id": s.id, "title": s.title, "number": next(numbers[s.part]) if s.part in numbers else "",
             "part": s.part, "template": f"report/sections/{s.template}",
             "figures": [name for name in chart_names if chart_plan.CHARTS[name].section == s.id]}
            for s in sections.in_report(results)]


def build_view(results: dict, assessment: Assessment, resolved: Assessment, values: Values, theme: Theme,
               chart_names: list[str], logo_url: str | None) -> dict:
    """The complete view-model of one report: `assessment` as written (ranges shown), `resolved` as computed."""
    current = results["options"][results["current_option"]]
    proposed = results["options"][results["proposed_option"]]
    generated = results["generated"]
    a = assessment.assessment
    baseline = resolved.baseline
    broker = f"price_book.instances.{baseline.broker_instance}"
    changes = changes_view(results.get("changes"), results)
    shown = _sections(results, chart_names)
    has_range = any(s["id"] == "range" for s in shown)
    return {
        "title": f"The true cost of running Kafka at {results['customer']['name']}",
        "short_title": TITLE,
        "customer": results["customer"],
        "customer_logo": logo_url,
        "prepared_by": a.prepared_by,
        "date": long_date(a.date),
        "iso_date": a.date,
        "version_line": f"reportgen {generated['tool_version']} · catalogue {generated['catalogue_version']} · "
                        f"inputs {generated['inputs_sha256'][:12]}",
        "theme": theme,
        "currency": results["currency"],
        "horizon": results["horizon_years"],
        "discount_rate": results["discount_rate"],
        "formula_sections": appendix_formulas(results),
        "keywords": ["Apache Kafka", "total cost of ownership", "TCO", "ROI", "downtime cost",
                     results["customer"]["name"]],
        "sections": shown,
        "contents": [s for s in shown if s["title"]],
        "section": {s["id"]: s for s in shown},
        "results": results,
        "options": [results["options"][o] | {"id": o} for o in results["option_order"]],
        "option_colours": option_colours(theme, results["option_order"]),
        "current": current | {"id": results["current_option"]},
        "proposed": proposed | {"id": results["proposed_option"]},
        "finding": _finding(results, current, proposed),
        "has_range": has_range,
        "range_sentence": range_sentence(results) if has_range else "",
        "risk_reduction": current["totals"]["risk"] - proposed["totals"]["risk"],
        "illustrative": illustrative_headline_values(results, values),
        "figures": _figures(chart_names, results),
        "clusters": _cluster_rows(resolved, results),
        "current_breakdown": _current_breakdown(results),
        "fair_baseline": {
            "utilization": baseline.target_utilization, "disk_utilization": baseline.disk_utilization,
            "tiered_storage": baseline.tiered_storage, "fetch_from_follower": baseline.fetch_from_follower,
            "broker_instance": baseline.broker_instance, "broker_write_mbps": values[f"{broker}.sustained_write_mbps"],
            "broker_price_per_hour": values[f"{broker}.price_per_hour"],
        },
        "option_costs": _option_costs(results),
        "infeasible": [o | {"id": i, "reasons": _infeasible_reasons(o)} for i, o in results["options"].items()
                       if not o["feasible"]],
        "sizing": _sizing_rows(results),
        "people": _people_rows(results),
        "risk_rows": _risk_rows(results),
        "risk_inputs": resolved.risk,
        "organization": resolved.organization,
        "monthly_benefit": resolved.value.monthly_benefit,
        "roi": _roi_columns(results),
        "capabilities": _capabilities(results, values),
        "inputs": input_tables(input_rows(assessment, {o: results["options"][o]["short_name"] for o in results["option_order"]})),
        "catalogue": catalogue_rows(results, values, a.date),
        "changes": changes,
        "buckets": BUCKETS,
        "capability_marks": CAPABILITY_MARKS,
    }
