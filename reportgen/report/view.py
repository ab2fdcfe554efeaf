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

from reportgen.report import chart_plan, filters, headline, sections
from reportgen.catalogue import Entry, Values
from reportgen.report.chart_plan import CATEGORY_LABELS, PART_LABELS, REDUCTION_LABELS, part
from reportgen.model.contract import (AnySizing, BrokerSizing, Changes, DisklessSizing, ExpressSizing, Infeasibility,
                                      OptionResult, ProvisionedSizing, Results, RiskDetail, SelfRunSizing, Staffing,
                                      UsageSizing)
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
    alt: str  # what the chart shows, with its figures: the image's alternative text
    caption: str

    @property
    def ref(self) -> str:
        return f"Figure {self.number}"


class ShownOption(OptionResult):
    """An option's results with its id, as the templates read an option: swatches, tags and anchors need the id."""
    id: str


def shown_option(results: Results, option_id: str) -> ShownOption:
    """The option's own (already validated) results and its id, not validated again."""
    option = results.options[option_id]
    return ShownOption.model_construct(option.model_fields_set | {"id"}, **dict(option), id=option_id)


@dataclass(frozen=True)
class InfeasibleOption:
    short_name: str
    reasons: list[str]


@dataclass(frozen=True)
class SizingRow:
    """One cluster of one option in the sizing table: its size in year 1 and at the horizon."""
    option: str
    option_id: str
    first_of_option: bool
    span: int
    cluster: str
    year_1: str
    year_h: str
    binding: str
    block_gb: float | None
    object_gb: float | None
    cross_az_gb: float


@dataclass(frozen=True)
class PeopleRow:
    option: str
    option_id: str
    staffing: Staffing  # year 1's
    support_year_1: float
    people_total: float


@dataclass(frozen=True)
class RiskRow:
    option: str
    option_id: str
    detail: RiskDetail
    per_year: float
    total: float


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


def key_label(key: str, results: Results) -> str:
    """A catalogue key in words: options.confluent_cloud.unit_hour -> Confluent Cloud: unit hour."""
    group, item = _key_group(key, results)
    return f"{group}: {item[:1].lower()}{item[1:]}" if item[:2] != item[:2].upper() else f"{group}: {item}"


def _key_group(key: str, results: Results) -> tuple[str, str]:
    """The group a catalogue key is listed under and its name within it: (Confluent Cloud, Unit hour)."""
    head, _, rest = key.partition(".")
    if head == "options":
        option, _, rest = rest.partition(".")
        name = results.options[option].short_name if option in results.options else option
        if rest.startswith("brokers."):
            size, _, item = rest.removeprefix("brokers.").rpartition(".")
            return name, f"{size} broker: {humanise(item)}"
        return name, humanise(rest)
    if head == "price_book" and rest.startswith("instances."):
        instance, _, name = rest.removeprefix("instances.").rpartition(".")
        return "Price book", f"{instance}: {humanise(name)}"
    return {"assumptions": "Assumptions", "price_book": "Price book"}.get(head, head), humanise(rest)


def _entry_row(entry: Entry, results: Results) -> dict:
    group, item = _key_group(entry.key, results)
    return {"key": entry.key, "label": key_label(entry.key, results), "group": group, "item": item,
            "value": entry.value, "unit": entry.unit,
            "source": entry.source, "as_of": entry.as_of, "status": entry.status, "default": entry.default,
            "default_text": _default_text(entry, results.currency), "note": entry.note}


def _default_text(entry: Entry, currency: str) -> str | None:
    """Beside an override: the catalogue's value, and for a price in another currency the dollars it came from."""
    if entry.default is None:
        return None
    if currency != "USD" and entry.unit.startswith(currency):
        return entry.note  # "catalogue default 2.07 EUR (2.25 USD at 0.92 EUR per USD, rate as of ...)"
    return f"default {filters.quantity(entry.default)}"


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


def catalogue_rows(results: Results, values: Values, assessment_date: str) -> dict:
    """Every catalogue value the run read, laid out to be read with few table cells.

    A parameter that two or more options share with the same unit (breach factor, dual-run months,
    ...) is one row of a matrix with a column per option, so the options' factors sit side by side;
    everything else (assumptions, price book, one option's own prices and limits) is a row in its
    group. Sources are numbered by (source, date) in reading order; a customer's override is dated
    by the assessment.
    """
    order = {"assumptions": 0, "price_book": 1, "options": 2}
    option_ids = results.option_order
    option_rank = {o: i for i, o in enumerate(option_ids)}

    def rank(key: str):
        head, _, rest = key.partition(".")
        return order.get(head, 3), option_rank.get(rest.partition(".")[0], 0), key

    rows = [_entry_row(values.entry(k), results) for k in sorted(results.catalogue_used, key=rank)]
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
    matrices = [{"options": [shown_option(results, o) for o in chunk],
                 "rows": [{"label": r["label"], "unit": r["unit"], "cells": [r["cells"].get(o) for o in chunk]}
                          for r in compared if any(o in r["cells"] for o in chunk)]}
                for chunk in _matrix_chunks(option_ids)]
    return {"matrices": matrices, "groups": [{"title": t, "rows": r} for t, r in groups.items()],
            "sources": [{"source": s, "as_of": d} for s, d in sources], "marks": STATUS_MARKS}


def illustrative_headline_values(results: Results, values: Values) -> list[dict]:
    """Illustrative catalogue values behind the current and proposed options' hard costs."""
    keys = sorted({k for o in (results.current_option, results.proposed_option)
                   for k in results.options[o].catalogue_keys.hard})
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
    """Every input of the model, its value (or range) and whether it was measured (imported from the customer's
    own bill or metrics), given by the customer, or left at a default."""
    rows = []
    measured = assessment.measured.provenance if assessment.measured else {}

    def add(group: str, path: str, name: str, value, given: bool, assumption: str | None = None, where: str = ""):
        if value is None:
            shown = {"kind": "text", "text": "catalogue default" if assumption else "none"}
        elif name in ("current_option", "proposed_option"):
            shown = {"kind": "text", "text": option_names.get(value, value)}
        else:
            shown = _input_value(value)
        rows.append({"group": group, "path": f"{path}.{name}", "field": name, "value": shown,
                     "label": humanise(f"{path.partition('.')[2]}_{name}" if "." in path else name),
                     "status": "measured" if f"{where}.{name}" in measured else "customer" if given else "default"})

    def walk(model: BaseModel, path: str, group: str, where: str):
        for name in type(model).model_fields:
            if name == "comment":  # editors' notes, not inputs of the model
                continue
            value = getattr(model, name)
            if isinstance(value, BaseModel) and not isinstance(value, Range):
                walk(value, f"{path}.{name}", group, f"{where}.{name}")
            else:
                add(group, path, name, value, name in model.model_fields_set, DEFAULTED_ASSUMPTIONS.get((group, name)),
                    where)

    assumptions = assessment.assessment
    for name in ("horizon_years", "discount_rate", "currency", "current_option", "proposed_option"):
        add("assessment", "assessment", name, getattr(assumptions, name), name in assumptions.model_fields_set,
            DEFAULTED_ASSUMPTIONS.get(("assessment", name)))
    for group in INPUT_GROUPS:
        value = getattr(assessment, group)
        if isinstance(value, list):
            for index, cluster in enumerate(value):
                walk(cluster, f"clusters[{cluster.name}]", group, f"clusters[{index}]")
        else:
            walk(value, group, group, group)
    return rows


def measured_rows(assessment: Assessment) -> list[dict]:
    """Appendix A's list of measured inputs: where each was read, for which period, and how."""
    if assessment.measured is None:
        return []
    return [{"path": path, "source": p.source, "period": p.period, "read": p.read}
            for path, p in assessment.measured.provenance.items()]


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


def _capabilities(results: Results, values: Values) -> list[dict]:
    catalogue = values.catalogue
    groups = []
    for bucket, bucket_name in BUCKETS.items():
        rows = [{"name": meta["name"], "marks": [catalogue.options[o].capabilities.get(cap_id, "no") for o in results.option_order]}
                for cap_id, meta in catalogue.capabilities.items() if meta["bucket"] == bucket]
        if rows:
            groups.append({"bucket": bucket_name, "rows": rows})
    return groups


def _cluster_rows(assessment: Assessment, results: Results) -> list[dict]:
    current = results.options[results.current_option]
    first_year = {s.cluster: s for s in current.sizing if s.year == 1}
    in_service = results.reconciliation.brokers_in_service if results.reconciliation else {}
    rows = []
    for c in assessment.clusters:
        sizing = first_year[c.name]
        rows.append({"name": c.name, "environment": c.environment, "ingress_mbps": c.ingress_mbps,
                     "egress_mbps": c.egress_mbps, "peak_to_average": c.peak_to_average,
                     "retention_days": c.retention_days, "partitions": c.partitions,
                     "replication_factor": c.replication_factor, "zones": c.availability_zones,
                     "brokers": sizing.brokers if isinstance(sizing, (BrokerSizing, ExpressSizing)) else None,
                     "binding": CONSTRAINTS.get(sizing.binding_constraint, ""),
                     "in_service": in_service.get(c.name)})
    return rows


def _capacity(sizing: AnySizing) -> str:
    if isinstance(sizing, BrokerSizing):
        text = f"{filters.number(sizing.brokers)} brokers"
        controllers = sizing.controllers if isinstance(sizing, SelfRunSizing) else None
        return text + (f" + {controllers} controllers" if controllers else "")
    if isinstance(sizing, UsageSizing):
        return f"{filters.number(sizing.capacity_units)} capacity units"
    if isinstance(sizing, ExpressSizing):
        return f"{filters.number(sizing.brokers)} {sizing.broker_size} Express brokers"
    if isinstance(sizing, DisklessSizing):
        return f"{filters.number(sizing.agents)} {sizing.agent_instance} agents"
    return f"{filters.number(sizing.clusters_needed)} serverless cluster" + ("s" if sizing.clusters_needed != 1 else "")


def _sizing_rows(results: Results) -> list[SizingRow]:
    horizon = results.horizon_years
    rows = []
    for option_id in results.option_order:
        option = results.options[option_id]
        first = [s for s in option.sizing if s.year == 1]
        last = {s.cluster: s for s in option.sizing if s.year == horizon}
        for i, s in enumerate(first):
            end = last[s.cluster]
            disks = end if isinstance(end, (SelfRunSizing, ProvisionedSizing)) else None  # the others bill data
            rows.append(SizingRow(option=option.short_name, option_id=option_id, first_of_option=i == 0,
                                  span=len(first), cluster=s.cluster, year_1=_capacity(s), year_h=_capacity(end),
                                  binding=CONSTRAINTS.get(end.binding_constraint, ""),
                                  block_gb=disks.block_gb if disks else None,
                                  object_gb=(disks.object_gb if disks else
                                             end.object_gb if isinstance(end, DisklessSizing) else None),
                                  cross_az_gb=end.cross_az_gb.total))
    return rows


def _category_amount(option: OptionResult, category: str) -> float:
    """An option's hard cost in one category over the horizon; migration is its own line."""
    return option.migration if category == "migration" else getattr(option.totals, category)


def _option_costs(results: Results) -> dict:
    """Section 6's table, every option a column: hard cost by category, the same by year, then the totals.

    Both groups add up to the hard TCO; the workbook has every category in every year.
    """
    options = [shown_option(results, o) for o in results.option_order]
    categories = [c for c in ("migration", "infrastructure", "service_charges", "people")
                  if any(_category_amount(o, c) for o in options)]
    by_category = [{"label": CATEGORY_LABELS[c], "amounts": [_category_amount(o, c) for o in options]}
                   for c in categories]
    by_year = [{"label": f"Year {row.year}" + (" (migration)" if row.year == 0 else ""),
                "amounts": [o.years[i].hard_total for o in options]}
               for i, row in enumerate(options[0].years)]
    rounding = any(rounding_differs([r["amounts"][i] for r in rows], o.tco_hard)
                   for i, o in enumerate(options) for rows in (by_category, by_year))
    return {"columns": options, "by_category": by_category, "by_year": by_year, "rounding": rounding}


def _infeasible_reasons(option: OptionResult) -> list[str]:
    """One sentence per cluster that does not fit: its first year over the limit, and what the last year needs."""
    by_cluster: dict[str, list[Infeasibility]] = {}
    for reason in option.infeasible_reasons:
        by_cluster.setdefault(reason.cluster, []).append(reason)
    return [reasons[0].message + (f", and it needs {filters.number(reasons[-1].needed)} by year {reasons[-1].year}"
                                  if len(reasons) > 1 else "") + "."
            for reasons in by_cluster.values()]


def _current_breakdown(results: Results) -> dict:
    """Today's year 1 by category, each with the parts it is made of (the chart shows every part)."""
    currency = results.currency
    year_1 = results.options[results.current_option].years[1]
    rows = []
    for category, names in CATEGORIES.items():
        parts = [(PART_LABELS[name], part(year_1, category, name)) for name in names if part(year_1, category, name)]
        if parts:
            amount = part(year_1, category, "total")
            rows.append({"category": CATEGORY_LABELS[category], "amount": amount,
                         "parts": " · ".join(f"{label} {filters.money_short(value, currency)}" for label, value in parts),
                         "share": amount / year_1.risk_adjusted_total})
    return {"rows": rows, "hard_total": year_1.hard_total, "risk_total": year_1.risk.total,
            "total": year_1.risk_adjusted_total,
            "rounding": rounding_differs([r["amount"] for r in rows], year_1.risk_adjusted_total)}


def _roi_columns(results: Results) -> dict:
    """The ROI table: a column per option but the current one, a line per reduction any of them has."""
    columns = [shown_option(results, o) for o in results.option_order if o != results.current_option]
    lines = [line for line in REDUCTION_LABELS if any(getattr(c.reductions, line) for c in columns)]
    rounding = any(rounding_differs([getattr(c.reductions, line) for line in lines], c.benefits)
                   or rounding_differs([c.benefits, -c.service_charges, -c.migration], c.savings)
                   for c in columns)
    return {"columns": columns,
            "reductions": [{"label": REDUCTION_LABELS[line], "amounts": [getattr(c.reductions, line) for c in columns]}
                           for line in lines],
            "rounding": rounding}


def _people_rows(results: Results) -> list[PeopleRow]:
    rows = []
    for option_id in results.option_order:
        option = results.options[option_id]
        rows.append(PeopleRow(option=option.short_name, option_id=option_id, staffing=option.people[0],
                              support_year_1=option.years[1].people.support_and_services,
                              people_total=option.totals.people))
    return rows


def _risk_rows(results: Results) -> list[RiskRow]:
    rows = []
    for option_id in results.option_order:
        option = results.options[option_id]
        rows.append(RiskRow(option=option.short_name, option_id=option_id, detail=option.risk_detail,
                            per_year=option.years[1].risk.total, total=option.totals.risk))
    return rows


def range_sentence(results: Results) -> str:
    """`In 80 % of 10,000 simulated outcomes, savings fall between $2.25M and $3.32M (median $2.79M).`"""
    outcome = results.options[results.proposed_option].range
    savings, currency = outcome.savings, results.currency
    trials = filters.number(outcome.trials)
    if savings.p10 == savings.p90:
        return (f"All {trials} simulated outcomes give the same savings, {filters.money_short(savings.p50, currency)}: "
                "no input that moves savings was given as a range.")
    return (f"In {filters.percent(0.8)} of {trials} simulated outcomes, savings fall between {filters.money_short(savings.p10, currency)} "
            f"and {filters.money_short(savings.p90, currency)} (median {filters.money_short(savings.p50, currency)}).")


def _figures(chart_names: list[str], results: Results) -> dict[str, Figure]:
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
    if figure in ("savings_pct", "roi"):
        return filters.percent(value)
    if figure == "payback_months":
        return filters.payback(value)
    return filters.money(value, currency)


def changes_view(changes: Changes | None, results: Results) -> dict | None:
    """Appendix C: what changed since the previous report, every value already formatted."""
    if changes is None:
        return None
    currency = results.currency
    names = {o: results.options[o].short_name for o in results.option_order}
    previous = changes.previous
    old_currency = previous.currency or currency
    moved = []
    for row in changes.headline:
        moved.append({"option": names.get(row.option, row.option), "option_id": row.option,
                      "first_of_option": not moved or moved[-1]["option_id"] != row.option,
                      "figure": HEADLINE_LABELS.get(row.figure, row.figure),
                      "old": _headline_value(row.old, row.figure, old_currency),
                      "new": _headline_value(row.new, row.figure, currency)})
    return {"previous": {"tool_version": previous.tool_version or "–",
                         "catalogue_version": previous.catalogue_version or "–",
                         "inputs": (previous.inputs_sha256 or "–")[:12],
                         "currency": old_currency if old_currency != currency else None,
                         "name": f"Revision {previous.revision}" if previous.revision else "the previous report",
                         "released_on": long_date(previous.released_on) if previous.released_on else None},
            "inputs": [{"path": r.path, "old": _changed_value(r.old), "new": _changed_value(r.new)}
                       for r in changes.inputs],
            "catalogue": [{"key": r.key, "label": key_label(r.key, results), "old": _changed_value(r.old),
                           "new": _changed_value(r.new)} for r in changes.catalogue],
            "headline": moved}


def _sections(results: Results, chart_names: list[str]) -> list[dict]:
    """The sections the results give the report, in order, each with its number, template and figures.

    Chapters are numbered 1, 2, ... and appendices lettered A, B, ... in the registry's order, so a section
    left out moves the numbers of those after it.
    """
    numbers = {"chapter": map(str, count(1)), "appendix": (f"Appendix {letter}" for letter in ascii_uppercase)}
    return [{"id": s.id, "title": s.title, "number": next(numbers[s.part]) if s.part in numbers else "",
             "part": s.part, "template": f"report/sections/{s.template}",
             "figures": [name for name in chart_names if chart_plan.CHARTS[name].section == s.id]}
            for s in sections.in_report(results)]


def build_view(results: Results, assessment: Assessment, resolved: Assessment, values: Values, theme: Theme,
               chart_names: list[str], logo_url: str | None, draft: bool = False) -> dict:
    """The complete view-model of one report: `assessment` as written (ranges shown), `resolved` as computed."""
    current = shown_option(results, results.current_option)
    proposed = shown_option(results, results.proposed_option)
    generated = results.generated
    a = assessment.assessment
    changes = changes_view(results.changes, results)
    shown = _sections(results, chart_names)
    has_range = any(s["id"] == "range" for s in shown)
    return {
        "title": f"The true cost of running Kafka at {results.customer.name}",
        "short_title": TITLE,
        "customer": results.customer,
        "customer_logo": logo_url,
        "prepared_by": a.prepared_by,
        "date": long_date(a.date),
        "iso_date": a.date,
        "version_line": f"reportgen {generated.tool_version} · catalogue {generated.catalogue_version} · "
                        f"inputs {generated.inputs_sha256[:12]}",
        "theme": theme,
        "currency": results.currency,
        "horizon": results.horizon_years,
        "discount_rate": results.discount_rate,
        "formula_sections": appendix_formulas(results),
        "keywords": ["Apache Kafka", "total cost of ownership", "TCO", "ROI", "downtime cost",
                     results.customer.name],
        "sections": shown,
        "contents": [s for s in shown if s["title"]],
        "section": {s["id"]: s for s in shown},
        "results": results,
        "options": [shown_option(results, o) for o in results.option_order],
        "option_colours": option_colours(theme, results.option_order),
        "current": current,
        "proposed": proposed,
        "finding": headline.finding(results),
        "comparison": headline.comparison(results, a.rationale),
        "baseline_caveats": headline.baseline_caveats(results),
        "baseline_settings": headline.baseline_settings(results),
        "draft": draft,
        "revision": results.revision,
        "has_range": has_range,
        "range_sentence": range_sentence(results) if has_range else "",
        "risk_reduction": current.totals.risk - proposed.totals.risk,
        "illustrative": illustrative_headline_values(results, values),
        "figures": _figures(chart_names, results),
        "clusters": _cluster_rows(resolved, results),
        "current_breakdown": _current_breakdown(results),
        "fair_baseline": results.fair_baseline,
        "reconciliation": results.reconciliation,
        "reconciliation_sentences": headline.today_basis(results),
        "measured_in_service": bool(results.reconciliation and results.reconciliation.brokers_in_service),
        "option_costs": _option_costs(results),
        "infeasible": [InfeasibleOption(o.short_name, _infeasible_reasons(o)) for o in results.options.values()
                       if not o.feasible],
        "sizing": _sizing_rows(results),
        "people": _people_rows(results),
        "risk_rows": _risk_rows(results),
        "risk_inputs": resolved.risk,
        "organization": resolved.organization,
        "monthly_benefit": resolved.value.monthly_benefit,
        "roi": _roi_columns(results),
        "capabilities": _capabilities(results, values),
        "inputs": input_tables(input_rows(assessment, {o: results.options[o].short_name for o in results.option_order})),
        "catalogue": catalogue_rows(results, values, a.date),
        "measured": measured_rows(assessment),
        "changes": changes,
        "buckets": BUCKETS,
        "capability_marks": CAPABILITY_MARKS,
    }
