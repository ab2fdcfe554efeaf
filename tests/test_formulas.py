"""One source per formula: reportgen/model/formulas.toml against the code, Appendix B, the workbook and docs/model.md.

The check of inputs runs the real model on a few probe assessments. For each formula it notes every
catalogue key (Values.tracking) and assessment field (a recorder around the assessment) the code
reads while computing that formula's figures, changes each in turn, and keeps those that move the
figures. The model quantities a formula works from (a workload's volumes, brokers, the loaded cost
of a year, the cost per incident, a year's cost lines, migration, the discount rate) are held at
their computed values where the code takes them from a seam the test can reach, and are changed
the same way; a quantity computed inline, out of reach (impacted engineers inside the cost per
incident, hard TCO inside the risk-adjusted TCO), is replaced by the inputs of the formula that gives it.
What moves must be exactly what the formula declares: a formula that leaves out an input the
code uses, or names one the code ignores, fails.
"""

from __future__ import annotations

import copy
import math
import tomllib
import typing
from dataclasses import dataclass, replace
from functools import cache
from types import SimpleNamespace

import numpy as np
import openpyxl
import pytest
import tinyhtml5
from pydantic import BaseModel

from reportgen.build.pipeline import report
from reportgen.build.assemble import report_name
from reportgen.catalogue import CATALOGUE_DIR, Values, load_catalogue
from reportgen.inputs.schema import Assessment, Cluster
from reportgen.model.costs import CATEGORIES, Model, Workload, compare, evaluate, workloads
from reportgen.model.formulas import Formula, formula_sections, markdown, parse, with_markdown
from reportgen.model.scenario import resolve
from reportgen.report import filters
from reportgen.report.formulas_view import SUPERSCRIPT
from reportgen.workbook.book import FORMULAS
from tests.conftest import ROOT, TmpProject, example

SECTIONS = formula_sections()
BY_ID = {f.id: f for s in SECTIONS for f in s.formulas}
GIVER = {q: f for f in BY_ID.values() for q in f.gives}
CATALOGUE = load_catalogue()
BROKER_KINDS = ("self_managed", "licensed", "provisioned_service")
WORKLOAD = {"ingress_y": "ingress_mbps", "egress_y": "egress_mbps", "partitions_y": "partitions",
            "peak_ingress_y": "peak_ingress_mbps", "peak_egress_y": "peak_egress_mbps", "logical_gb_y": "logical_gb",
            "replicated_gb_y": "replicated_gb", "ingress_gb_year_y": "ingress_gb_per_year",
            "egress_gb_year_y": "egress_gb_per_year"}
# The fields that shape a run rather than feed a figure: which options, which is today's, how many years, a label.
STRUCTURAL = {"assessment.options", "assessment.current_option", "assessment.proposed_option",
              "assessment.horizon_years", "clusters.name",
              "measured"}  # whether a bill replaces today's estimate: the today_from_bill formula, checked elsewhere
UNCHECKED = {"units": "the code's constants (8,760 hours, 1,000 MB per GB), not inputs",
             "whole_counts": "the rounding function itself; each count that uses it is checked",
             "years": "the horizon sets how many years there are, not the value of a figure",
             "carried_figures": "a rule, checked in every formula that carries an observed figure",
             "today_from_bill": "applies only with a measured bill; tests/test_measured_today.py and the workbook's "
                                "bill tests check it against the model"}

# Which formula describes each cost line, by pricing kind: the code's parts are the formulas' figures.
ROW_OF_PART = {
    "self_managed": {("infrastructure", "compute"): "compute", ("infrastructure", "storage"): "storage",
                     ("infrastructure", "network"): "network"},
    "licensed": {("infrastructure", "compute"): "compute", ("infrastructure", "storage"): "storage",
                 ("infrastructure", "network"): "network", ("service_charges", "licence"): "licence"},
    "provisioned_service": {("infrastructure", "network"): "network", ("service_charges", "capacity"): "compute",
                            ("service_charges", "storage"): "storage"},
    "serverless": {("infrastructure", "network"): "network",
                   **{("service_charges", p): "serverless_clusters"
                      for p in ("capacity", "partitions", "data_transfer", "storage")}},
    "usage_based": {("infrastructure", "network"): "network",
                    **{("service_charges", p): "capacity_units"
                       for p in ("capacity", "data_transfer", "storage", "discount")}},
    "express_brokers": {("infrastructure", "network"): "network",
                        **{("service_charges", p): "express_brokers" for p in ("capacity", "storage", "data_transfer")}},
    "diskless": {("infrastructure", "network"): "network",
                 **{part: "diskless_agents" for part in (("infrastructure", "compute"), ("infrastructure", "storage"),
                                                         ("service_charges", "capacity"),
                                                         ("service_charges", "data_transfer"),
                                                         ("service_charges", "storage"))}},
}
SIZING_OF_ROW = {"brokers": "brokers", "capacity_units": "capacity_units", "serverless_clusters": "clusters_needed",
                 "express_brokers": "brokers", "diskless_agents": "agents"}
INFEASIBLE_ROWS = ("capacity_units", "serverless_clusters", "express_brokers")
TOTALS = {"tco_hard": ("tco_hard",), "tco_risk_adjusted": ("tco_risk_adjusted",), "tco_pv": ("tco_pv",),
          "reductions": ("reductions",), "savings": ("savings", "savings_pct"), "roi": ("roi",),
          "npv": ("npv", "npv_risk_adjusted"), "payback": ("payback_months",)}
TOTALS_HOLD = frozenset({"migration", "discount_rate", "infrastructure", "service_charges", "risk",
                         *CATEGORIES["people"]})


# -- Probes: assessments that between them take every branch of the model --------------------------

def _assessment(data: dict) -> Assessment:
    data = {k: v for k, v in data.items() if k != "$schema"}
    return resolve(Assessment.model_validate(data))


def _probes() -> dict[str, tuple[Assessment, dict]]:
    acme = example("acme")
    other = copy.deepcopy(acme)
    other["assessment"] |= {"current_option": "msk", "discount_rate": 0.08}
    other["baseline"] |= {"tiered_storage": False, "fetch_from_follower": False}
    for name in ("loaded_cost_per_fte_per_year", "working_hours_per_year"):
        del other["organization"][name]
    other["risk"] |= {"breach_probability_per_year": 0.05, "breach_cost": 4_000_000}
    other["clusters"][0]["controllers"] = 5
    other["clusters"][0]["compression_ratio"] = 3
    acme["assessment"]["options"] = acme["assessment"]["options"] + ["msk_express", "warpstream"]
    other["assessment"]["options"] = other["assessment"]["options"] + ["msk_express", "warpstream"]
    optional = {"options.confluent_platform.target_utilization": 0.6, "options.msk.target_utilization": 0.55,
                "options.confluent_platform.tiered_storage_per_gb_month": 0.025, "options.msk.tiered_storage": True,
                "options.confluent_platform.non_production_licence_factor": 0.5,
                "options.msk_express.target_utilization": 0.6, "options.warpstream.target_utilization": 0.7}
    large = copy.deepcopy(acme)
    for cluster in large["clusters"]:
        cluster["ingress_mbps"] *= 20
        cluster["egress_mbps"] *= 20
    large["risk"]["breach_probability_per_year"] = 0.02
    return {"acme": (_assessment(acme), {}),
            "other branches": (_assessment(other), optional),
            "large and infeasible": (_assessment(large), {"options.confluent_cloud.may_split": False})}


PROBES = _probes()


def _values(overrides: dict) -> Values:
    return Values(CATALOGUE, overrides)


class Recorded:
    """An assessment, or a part of one, that notes each field read: `baseline.platform_fte`, `clusters.partitions`."""

    def __init__(self, model, path: str, log: set):
        self._model, self._path, self._log = model, path, log

    def __getattr__(self, name):
        value = getattr(self._model, name)
        path = f"{self._path}.{name}" if self._path else name
        if isinstance(value, BaseModel):
            return Recorded(value, path, self._log)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return [Recorded(item, path, self._log) for item in value]
        self._log.add(path)
        return value


# -- Held quantities: the model's own values at the seams the test can reach -------------------------

@cache
def _held(probe: str) -> dict:
    a, overrides = PROBES[probe]
    model = Model(a, _values(overrides))
    slots = [(w.year, a.clusters.index(w.cluster)) for w in model.workloads]
    held: dict = {q: [getattr(w, attr) for w in model.workloads] for q, attr in WORKLOAD.items()}
    held["slots"] = slots
    held["loaded_cost_y"] = {y: model.loaded_cost_in(y) for y in range(1, model.horizon + 1)}
    held["cost_per_incident"] = model.cost_per_incident
    held["discount_rate"] = model.discount_rate
    held["brokers"], held["cluster_years"] = {}, {}
    for o in a.assessment.options:
        held["cluster_years"][o] = []
        for i, w in enumerate(model.workloads):
            infra, service, sizing = model.cluster_year(o, w, [])
            held["cluster_years"][o].append({"infrastructure": infra, "service_charges": service})
            if "brokers" in sizing:
                held["brokers"][(o, i)] = sizing["brokers"]
    held["people"] = {o: {y: model.people(o, y, {}) for y in held["loaded_cost_y"]} for o in a.assessment.options}
    held["risk"] = {o: model.risk(o, []) for o in a.assessment.options}
    years = {o: model.option_years(o) for o in a.assessment.options}
    held["option_years"] = years
    held["years"] = {o: [_plain_year(y) for y in years[o]["years"]] for o in a.assessment.options}
    current = a.assessment.current_option
    held["migration"] = {o: model.migration(o, years[current]["years"][0]) for o in a.assessment.options}
    return held


def _plain_year(year: dict) -> dict:
    return {"year": year["year"], **{c: dict(year[c]) for c in CATEGORIES}}


@dataclass
class Run:
    a: object  # the assessment, perhaps recorded
    v: Values
    held: dict

    @property
    def options(self) -> list[str]:
        return list(self.a.assessment.options)

    @property
    def current(self) -> str:
        return self.a.assessment.current_option


def _stand_in(run: Run, i: int) -> SimpleNamespace:
    """A workload whose volumes are the held ones: what a cost line sees of its cluster's year."""
    year, c = run.held["slots"][i]
    return SimpleNamespace(cluster=run.a.clusters[c], year=year,
                           **{attr: run.held[q][i] for q, attr in WORKLOAD.items()})


# -- Observers: each formula's figures, computed by the code --------------------------------------

def _throughput(run: Run) -> list:
    attrs = ("ingress_mbps", "egress_mbps", "partitions", "peak_ingress_mbps", "peak_egress_mbps")
    return [getattr(w, attr) for w in workloads(run.a) for attr in attrs]


def _workload_of(run: Run, attrs: tuple[str, ...]) -> list:
    out = []
    for i, (year, c) in enumerate(run.held["slots"]):
        w = Workload(run.a.clusters[c], year, run.held["ingress_y"][i], run.held["egress_y"][i], run.held["partitions_y"][i])
        out += [getattr(w, attr) for attr in attrs]
    return out


def _cost_line(row: str):
    def observe(run: Run) -> list:
        model = Model(run.a, run.v)
        out = []
        for o in run.options:
            kind = model.pricing(o)
            if row not in ROW_OF_PART[kind].values() and not (row == "brokers" and kind in BROKER_KINDS):
                continue
            for i in range(len(run.held["slots"])):
                if row != "brokers":
                    n = run.held["brokers"].get((o, i))
                    model._brokers = lambda w, u, sizing, n=n: sizing.update(brokers=n) or n
                problems: list = []
                infra, service, sizing = model.cluster_year(o, _stand_in(run, i), problems)
                parts = {"infrastructure": infra, "service_charges": service}
                out += [parts[c][p] for (c, p), r in ROW_OF_PART[kind].items() if r == row]
                if row in SIZING_OF_ROW and SIZING_OF_ROW[row] in sizing:
                    out.append(sizing[SIZING_OF_ROW[row]])
                if row in INFEASIBLE_ROWS:
                    out.append(bool(problems))
        return out
    return observe


def _held_loaded_cost(run: Run) -> Model:
    model = Model(run.a, run.v)
    model.loaded_cost_in = lambda year: run.held["loaded_cost_y"][year]
    return model


def _people_line(part: str):
    def observe(run: Run) -> list:
        model = _held_loaded_cost(run)
        return [model.people(o, y, {})[part] for o in run.options for y in run.held["loaded_cost_y"]]
    return observe


def _migration(run: Run) -> list:
    model = _held_loaded_cost(run)
    year_1 = run.held["years"][run.current][0]
    return [model.migration(o, year_1) for o in run.options if o != run.current]


def _risk_line(part: str):
    def observe(run: Run) -> list:
        model = Model(run.a, run.v)
        model.cost_per_incident = run.held["cost_per_incident"]
        return [model.risk(o, [])[part] for o in run.options]
    return observe


def _time_to_value(run: Run) -> list:
    """Through `evaluate`, where the value is computed, with each option's costs held."""
    held = run.held["option_years"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Model, "option_years", lambda self, o: held[o] | {"hard_keys": set(held[o]["hard_keys"])})
        options = evaluate(run.a, run.v)["options"]
    return [x for o in run.options for x in (options[o]["time_to_value"]["months_saved"],
                                             options[o]["time_to_value"]["value"])]


def _held_cluster_years(lines: list):
    """A stand-in for `Model.cluster_year` that answers each cluster-year in turn with its held cost lines."""
    answers = iter(lines)

    def cluster_year(option_id, w, problems):
        line = next(answers)
        return line["infrastructure"], line["service_charges"], {}
    return cluster_year


def _cost_categories(run: Run) -> list:
    model = Model(run.a, run.v)
    out = []
    for o in run.options:
        model.cluster_year = _held_cluster_years(run.held["cluster_years"][o])
        model.people = lambda option_id, year, detail, o=o: dict(run.held["people"][o][year])
        model.risk = lambda option_id, warnings, o=o: dict(run.held["risk"][o])
        out += [sum(y[c].values()) for y in model.option_years(o)["years"] for c in CATEGORIES]
    return out


def _totals(keys: tuple[str, ...]):
    def observe(run: Run) -> list:
        years, current = run.held["years"], run.current
        out = []
        for o in run.options:
            if o == current:
                continue
            result = compare({"years": years[o]}, {"years": years[current]}, run.held["migration"][o],
                             run.held["discount_rate"], False)
            for key in keys:
                out += list(result[key].values()) if isinstance(result[key], dict) else [result[key]]
        return out
    return observe


@dataclass(frozen=True)
class Observer:
    figures: object  # Run -> list of figures
    holds: frozenset = frozenset()


_VOLUMES = frozenset(WORKLOAD)
OBSERVERS = {
    "discounting": Observer(lambda run: [Model(run.a, run.v).discount_rate]),
    "throughput": Observer(_throughput),
    "retained_data": Observer(lambda run: _workload_of(run, ("logical_gb", "replicated_gb")),
                              frozenset({"ingress_y", "egress_y", "partitions_y"})),
    "transfer": Observer(lambda run: _workload_of(run, ("ingress_gb_per_year", "egress_gb_per_year")),
                         frozenset({"ingress_y", "egress_y", "partitions_y"})),
    "brokers": Observer(_cost_line("brokers"), _VOLUMES),
    **{row: Observer(_cost_line(row), _VOLUMES | {"brokers"})
       for row in ("compute", "storage", "network", "licence", "capacity_units", "serverless_clusters")},
    **{row: Observer(_cost_line(row), _VOLUMES) for row in ("express_brokers", "diskless_agents")},
    "loaded_cost": Observer(lambda run: [Model(run.a, run.v).loaded_cost_in(y) for y in run.held["loaded_cost_y"]]),
    **{part: Observer(_people_line(part), frozenset({"loaded_cost_y"})) for part in CATEGORIES["people"]},
    "migration": Observer(_migration, frozenset({"loaded_cost_y", "infrastructure", "service_charges"})),
    "impacted_engineers": Observer(lambda run: [Model(run.a, run.v).impacted_engineers]),
    "cost_per_incident": Observer(lambda run: [Model(run.a, run.v).cost_per_incident, Model(run.a, run.v).hourly_rate]),
    **{part: Observer(_risk_line(part), frozenset({"cost_per_incident"})) for part in CATEGORIES["risk"]},
    "time_to_value": Observer(_time_to_value),
    "cost_categories": Observer(_cost_categories, frozenset(
        {row for rows in ROW_OF_PART.values() for row in rows.values()} | set(CATEGORIES["people"]) | set(CATEGORIES["risk"]))),
    **{row: Observer(_totals(keys), TOTALS_HOLD) for row, keys in TOTALS.items()},
}


# -- Changing one thing at a time -----------------------------------------------------------------

def _changed(value, alternatives: tuple = ()) -> list:
    """Other values to try: far larger and far smaller numbers (so a term that a max or min hides comes through)."""
    if isinstance(value, bool):
        return [not value]
    if value is None:
        return [0.5, 5000.0]
    if isinstance(value, (int, float, np.floating)):
        return [value * 1000, value / 1000] if value else [0.5, 5000.0]
    others = [x for x in alternatives if x != value]
    return others[:1]


def _alternatives(field: str) -> tuple:
    if field in ("baseline.broker_instance", "baseline.controller_instance"):
        offered = set(CATALOGUE.instances)
        for o, option in CATALOGUE.options.items():
            if option.pricing == "provisioned_service":
                offered &= set(CATALOGUE.broker_sizes(o))
        return tuple(sorted(offered))
    if field == "clusters.environment":
        return ("production", "non-production")
    return ()


def _with_field(a: Assessment, field: str) -> list[Assessment]:
    group, name = field.split(".")
    if group == "clusters":
        changed = [_changed(getattr(c, name), _alternatives(field)) for c in a.clusters]
        return [a.model_copy(update={"clusters": [c.model_copy(update={name: values[k]})
                                                  for c, values in zip(a.clusters, changed)]})
                for k in range(len(changed[0]))]
    part = getattr(a, group)
    return [a.model_copy(update={group: part.model_copy(update={name: value})})
            for value in _changed(getattr(part, name), _alternatives(field))]


def _with_quantity(held: dict, quantity: str, current: str) -> list[dict]:
    """The held values with one quantity changed; a cost line of the option and of today's option separately."""
    if quantity in ("cost_per_incident", "discount_rate"):
        return [held | {quantity: value} for value in _changed(held[quantity])]
    if quantity in WORKLOAD or quantity in ("loaded_cost_y", "brokers", "migration"):
        target = held[quantity]
        if isinstance(target, list):
            return [held | {quantity: [_changed(x)[k] for x in target]} for k in range(2)]
        return [held | {quantity: {key: _changed(x)[k] for key, x in target.items()}} for k in range(2)]
    variants = []
    for today in (True, False):
        for step in (1e5, 1e8):
            changed = held | copy.deepcopy({k: held[k] for k in ("years", "people", "risk", "cluster_years")})
            for o in changed["years"]:
                if (o == current) == today:
                    _add_to_line(changed, o, quantity, step)
            variants.append(changed)
    return variants


def _add_to_line(held: dict, o: str, quantity: str, step: float) -> None:
    """`step` more of one quantity for option `o`: a category, a people or risk line, or a cost-line formula."""
    for year in held["years"][o]:
        if quantity in CATEGORIES:
            first = CATEGORIES[quantity][0]
            year[quantity][first] += step
        elif quantity in CATEGORIES["people"]:
            year["people"][quantity] += step
    for y in held["people"][o]:
        if quantity in CATEGORIES["people"]:
            held["people"][o][y][quantity] += step
    if quantity in CATEGORIES["risk"]:
        held["risk"][o][quantity] += step
    kind = CATALOGUE.options[o].pricing
    for line in held["cluster_years"][o]:
        for (category, part), row in ROW_OF_PART[kind].items():
            if row == quantity:
                line[category][part] += step


def _differs(a: list, b: list) -> bool:
    if len(a) != len(b):
        return True
    for x, y in zip(a, b):
        x, y = float(x), float(y)
        if not (x == y or (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)):
            return True
    return False


def _pattern(key: str) -> str:
    """A catalogue key as a formula names it: any option and any broker type as `*`."""
    def instance(rest: str) -> str:
        sizes = [i for i in CATALOGUE.instances if rest.startswith(i + ".")]
        size = max(sizes, key=len) if sizes else rest.rpartition(".")[0]  # a service's own size (m7g.4xlarge)
        return "*" + rest[len(size):]
    if key.startswith("price_book.instances."):
        return "price_book.instances." + instance(key.removeprefix("price_book.instances."))
    if key.startswith("options."):
        rest = key.split(".", 2)[2]
        for group in ("brokers.", "agents."):
            if rest.startswith(group):
                return "options.*." + group + instance(rest.removeprefix(group))
        return "options.*." + rest
    return key


@cache
def used_inputs(formula_id: str) -> frozenset[str]:
    """What the code's figures for this formula move with, over every probe."""
    observer = OBSERVERS[formula_id]
    used: set[str] = set()
    for probe, (a, overrides) in PROBES.items():
        v = _values(overrides)
        held = _held(probe)
        base = observer.figures(Run(a, v, held))
        fields: set[str] = set()
        with v.tracking() as keys:
            observer.figures(Run(Recorded(a, "", fields), v, held))
        for key in keys:
            if any(_differs(base, observer.figures(Run(a, _values(overrides | {key: value}), held)))
                   for value in _changed(v[key])):
                used.add(_pattern(key))
        for field in fields - STRUCTURAL:
            if any(_differs(base, observer.figures(Run(changed, v, held))) for changed in _with_field(a, field)):
                used.add(field)
        for quantity in observer.holds:
            if any(_differs(base, observer.figures(Run(a, v, changed)))
                   for changed in _with_quantity(held, quantity, a.assessment.current_option)):
                used.add(quantity)
    return frozenset(used)


def declared_inputs(formula: Formula, holds: frozenset, by_id: dict = BY_ID) -> set[str]:
    """The declared inputs, each quantity the observer cannot hold replaced by what it is made of."""
    givers = {q: f for f in by_id.values() for q in f.gives}
    out: set[str] = set()
    for name in formula.inputs:
        if "." in name or name in holds:
            out.add(name)
        elif name in CATEGORIES and set(CATEGORIES[name]) <= set(by_id):
            out |= declared_inputs(replace(formula, inputs=CATEGORIES[name]), holds, by_id)
        else:
            out |= declared_inputs(givers[name], holds, by_id)
    return out


def mismatch(formula: Formula, by_id: dict = BY_ID) -> dict[str, list[str]]:
    declared = declared_inputs(formula, OBSERVERS[formula.id].holds, by_id)
    used = used_inputs(formula.id)
    return {k: v for k, v in {"used by the code, not declared": sorted(used - declared),
                              "declared, not used by the code": sorted(declared - used)}.items() if v}


# -- The tests --------------------------------------------------------------------------------------

@pytest.mark.parametrize("formula_id", sorted(OBSERVERS))
def test_declared_inputs_are_what_the_code_uses(formula_id):
    assert mismatch(BY_ID[formula_id]) == {}, f"formulas.toml, {formula_id}"


def test_the_check_fails_when_a_formula_leaves_out_or_adds_an_input():
    migration = BY_ID["migration"]
    without = replace(migration, inputs=tuple(i for i in migration.inputs if i != "options.*.dual_run_months"))
    assert mismatch(without) == {"used by the code, not declared": ["options.*.dual_run_months"]}
    brokers = BY_ID["brokers"]
    with_extra = replace(brokers, inputs=brokers.inputs + ("price_book.instances.*.price_per_hour",))
    assert mismatch(with_extra) == {"declared, not used by the code": ["price_book.instances.*.price_per_hour"]}
    engineers = BY_ID["impacted_engineers"]
    by_id = BY_ID | {"impacted_engineers": replace(engineers, inputs=engineers.inputs[1:])}
    # the cost per incident computes impacted engineers inline, so it answers for that formula's inputs too
    assert mismatch(BY_ID["cost_per_incident"], by_id) == {"used by the code, not declared": ["organization.employees"]}


def test_every_cost_line_of_every_pricing_kind_has_its_formula():
    undescribed = set()
    for probe in PROBES:
        for o, lines in _held(probe)["cluster_years"].items():
            kind = CATALOGUE.options[o].pricing
            undescribed |= {(kind, c, p) for line in lines for c, parts in line.items() for p, value in parts.items()
                            if value and (c, p) not in ROW_OF_PART[kind]}
    assert undescribed == set()


def test_every_formula_is_checked_or_says_why_not():
    assert set(OBSERVERS) | set(UNCHECKED) == set(BY_ID)
    assert not set(OBSERVERS) & set(UNCHECKED)


def _schema_fields() -> set[str]:
    fields = set()
    for group, info in Assessment.model_fields.items():
        model = Cluster if group == "clusters" else next(
            (t for t in (info.annotation, *typing.get_args(info.annotation)) if isinstance(t, type)), None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            fields |= {f"{group}.{name}" for name in model.model_fields}
    return fields


def _catalogue_patterns() -> set[str]:
    """Every key the shipped catalogue has, and every key a pricing kind may add, as formulas name them."""
    patterns = {_pattern(k) for k in CATALOGUE.entries}
    kinds = tomllib.loads((CATALOGUE_DIR / "pricing_kinds.toml").read_text())
    for kind in kinds.values():
        patterns |= {"options.*." + key for key in kind["required"] + kind["optional"]}
    return patterns


def test_every_input_is_a_catalogue_key_an_assessment_field_or_another_formulas_quantity():
    fields, patterns = _schema_fields(), _catalogue_patterns()
    unknown = [(f.id, name) for f in BY_ID.values() for name in f.inputs
               if name not in (patterns | fields | set(GIVER))]
    assert unknown == []
    assert all(f.section == s.title for s in SECTIONS for f in s.formulas)
    assert [s.title for s in SECTIONS][1:] == ["Workload", "Infrastructure and service charges", "People",
                                              "Risk and time to value", "Totals and return"]


def test_a_malformed_entry_is_refused_with_its_id():
    data = tomllib.loads((ROOT / "reportgen" / "model" / "formulas.toml").read_text())
    data["formula"][0]["input"] = data["formula"][0].pop("inputs")
    with pytest.raises(ValueError, match="formula units needs"):
        parse(data, "formulas.toml")


def test_docs_model_md_holds_the_current_list():
    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert with_markdown(doc, SECTIONS) == doc, "run python3 scripts/formulas_doc.py"
    assert all(f"**{f.name}** (`{f.id}`)" in markdown(SECTIONS) for f in BY_ID.values())


def _plain(text: str) -> str:
    return " ".join(SUPERSCRIPT.sub(lambda m: m.group(1).removeprefix("(").removesuffix(")"), text).split())


@pytest.fixture(scope="module")
def acme_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("formulas")
    project = TmpProject(root)
    (root / "templates").symlink_to(ROOT / "templates")
    project.write(example("acme"))
    made = report(project.project, "acme", formats=("html", "xlsx"))
    folder = project.project.output_dir("acme")
    return {"results": made.results.as_json(), "html": (folder / f"{report_name('acme')}.html").read_text(encoding="utf-8"),
            "xlsx": folder / "acme-kafka-tco-model.xlsx"}


def test_appendix_b_shows_every_formula_in_order(acme_report):
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    section = tinyhtml5.parse(acme_report["html"]).find(".//h:section[@id='section-appendix-b']", ns)
    groups = [" ".join("".join(h.itertext()).split()) for h in section.iterfind(".//h:h2", ns)]
    rows = [(" ".join("".join(tr.find("h:th", ns).itertext()).split()),
             " ".join("".join(tr.find("h:td", ns).itertext()).split()))
            for tr in section.iterfind(".//h:tr", ns)]
    assert groups == [s.title for s in SECTIONS]
    rate = filters.percent(acme_report["results"]["discount_rate"])
    expected = [(f.name, _plain(f.formula + (f"; in this report r = {rate}" if f.shows else "")))
                for s in SECTIONS for f in s.formulas]
    assert rows == expected
    assert "<sup>y − 1</sup>" in acme_report["html"]


def test_the_workbooks_formulas_sheet_is_the_same_list(acme_report):
    sheet = openpyxl.load_workbook(acme_report["xlsx"])[FORMULAS]
    rows = [tuple(c.value for c in row[:3]) for row in sheet.iter_rows(min_row=3)]
    expected = []
    for s in SECTIONS:
        expected.append((s.title, None, None))
        expected += [(f.name, f.formula, ", ".join(f.inputs) or None) for f in s.formulas]
    assert rows == expected
