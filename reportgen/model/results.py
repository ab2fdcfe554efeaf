"""The results contract (docs/model.md section 10): the machine-readable twin of the report.

Turns the model's output into plain JSON values (floats, None for an undefined metric), adds
year 0, checks that every figure is finite, and passes the whole through the typed contract
(`contract.Results`), so that a key missing, misnamed or added fails here rather than in a template.

The keys, their order and their meaning are `contract.py`'s; the ranges and the sensitivity
come from `uncertainty.analyse` (docs/model.md section 9).
"""

from __future__ import annotations

import math

import numpy as np

from reportgen import __version__
from reportgen.catalogue import Values
from reportgen.model.contract import RESULTS_VERSION, Results
from reportgen.model.costs import CATEGORIES, HARD_CATEGORIES
from reportgen.model.reconciliation import reconcile
from reportgen.model.review import review
from reportgen.problems import ReportgenError
from reportgen.inputs.schema import Assessment
from reportgen.model.uncertainty import Uncertainty


def plain(value, where: str = "results"):
    """numpy scalars to floats, NaN to None (n/a); infinities are a bug in the model, never printed."""
    if isinstance(value, dict):
        return {k: plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    number = float(value)
    if math.isinf(number):
        raise ReportgenError(f"the model produced an infinite value at {where}; check the inputs it depends on")
    return None if math.isnan(number) else (int(number) if isinstance(value, (int, np.integer)) else number)


def _year_rows(option: dict) -> list[dict]:
    zero = {category: {part: 0.0 for part in parts} for category, parts in CATEGORIES.items()}
    rows = [{"year": 0, "migration": option["migration"], **zero}]
    rows += [{"year": y["year"], "migration": 0.0, **{c: y[c] for c in CATEGORIES}} for y in option["years"]]
    for row in rows:
        for category in CATEGORIES:
            row[category] = {**row[category], "total": sum(row[category].values())}
        row["hard_total"] = row["migration"] + sum(row[c]["total"] for c in HARD_CATEGORIES)
        row["risk_adjusted_total"] = row["hard_total"] + row["risk"]["total"]
    return rows


def option_result(option_id: str, option: dict, values: Values, outcome_range: dict) -> dict:
    meta = values.catalogue.options[option_id]
    return {
        "name": meta.name,
        "short_name": meta.short_name,
        "vendor": meta.vendor,
        "pricing": meta.pricing,
        "feasible": not option["infeasible"],
        "infeasible_reasons": option["infeasible"],
        "warnings": option["warnings"],
        "sizing": option["sizing"],
        "years": _year_rows(option),
        "totals": option["totals"],
        "people": [{"year": y["year"], **y["people_detail"]} for y in option["years"]],
        "risk_detail": option["risk_detail"],
        **{key: option[key] for key in ("tco_hard", "tco_risk_adjusted", "tco_pv", "service_charges", "migration",
                                        "reductions", "benefits", "costs", "savings", "savings_pct", "roi", "npv",
                                        "npv_risk_adjusted", "payback_months", "net_savings_by_year",
                                        "time_to_value")},
        "range": outcome_range,
        "catalogue_keys": {"hard": option["hard_keys"], "risk": option["risk_keys"]},
    }


def build_results(assessment: Assessment, evaluation: dict, values: Values, generated: dict,
                  uncertainty: Uncertainty, inputs: dict, fair_baseline: dict) -> Results:
    """The whole results object: the deterministic run, from the simulation its ranges, and the reviewer's
    notes on `inputs` (the assessment as written, ranges and notes included)."""
    model = evaluation["model"]
    a = assessment.assessment
    options = {o: option_result(o, evaluation["options"][o], values, uncertainty.ranges[o]) for o in a.options}
    recommended = [o for o in a.options if options[o]["feasible"]]
    results = plain({
        "results_version": RESULTS_VERSION,
        "customer": assessment.customer.model_dump(),
        "generated": {"tool_version": __version__, "catalogue_version": values.catalogue.version,
                      "catalogue_date": values.catalogue.date, **generated},
        "currency": a.currency,
        "horizon_years": a.horizon_years,
        "discount_rate": model.discount_rate,
        "current_option": a.current_option,
        "proposed_option": a.proposed_option,
        "option_order": a.options,
        "impacted_engineers": model.impacted_engineers,
        "hourly_rate": model.hourly_rate,
        "loaded_cost_per_fte_per_year": model.loaded_cost,
        "working_hours_per_year": model.working_hours,
        "cost_per_incident": model.cost_per_incident,
        "breach_cost": model.breach_cost,
        "lowest_tco_feasible_option": min(recommended, key=lambda o: options[o]["tco_hard"]) if recommended else None,
        "options": options,
        "sensitivity": uncertainty.sensitivity,
        "catalogue_used": catalogue_used(values),
        "fair_baseline": fair_baseline,
    })
    reconciliation = reconcile(assessment, results, evaluation["modelled_today"], values)
    if reconciliation is not None:
        results["reconciliation"] = reconciliation
    results["warnings"] = review(inputs, results, values.exchange, a.rationale)
    return Results.model_validate(results)


def catalogue_used(values: Values) -> dict[str, dict]:
    """Every catalogue value the run read, as used (overrides applied), with its provenance."""
    used = {}
    for key in sorted(values.read):
        entry = values.entry(key)
        used[key] = {"value": values[key], "unit": entry.unit, "status": entry.status, "source": entry.source,
                     "as_of": entry.as_of, "note": entry.note, "default": entry.default}
    return used
