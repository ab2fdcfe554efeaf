"""Hypothesis strategies for valid assessments, built by hand.

Numeric bounds are read from the assessment's own JSON schema, so a tightened bound in
`reportgen/schema.py` tightens the generated inputs too; the rules across fields (options, broker
sizes, factors of the current option, unique cluster names) are written out here.
"""

from __future__ import annotations

from hypothesis import strategies as st

from reportgen.catalogue import load_catalogue
from reportgen.inputs.checks import SCALED_BY_FACTOR
from reportgen.inputs.schema import Assessment

CATALOGUE = load_catalogue()
SCHEMA = Assessment.model_json_schema(by_alias=True)


def _plain_branch(spec: dict) -> dict:
    """The number branch of a field that may also be a range or null."""
    for branch in spec.get("oneOf", []) + spec.get("anyOf", []):
        if "type" in branch and branch["type"] != "null":
            return branch
        if "oneOf" in branch:
            return _plain_branch(branch)
    return spec


def maximum(model: str, field: str):
    """The largest value the schema accepts for `model.field`."""
    return _plain_branch(SCHEMA["$defs"][model]["properties"][field])["maximum"]


def number(model: str, field: str):
    """Any value the schema accepts for `model.field`, bounds included."""
    spec = _plain_branch(SCHEMA["$defs"][model]["properties"][field])
    if spec["type"] == "integer":
        return st.integers(spec.get("minimum"), spec.get("maximum"))
    low = spec.get("minimum", spec.get("exclusiveMinimum"))
    return st.floats(low, spec.get("maximum"), exclude_min="exclusiveMinimum" in spec,
                     allow_nan=False, allow_infinity=False)


def ranged(values):
    """A plain value, or a range {low, likely, high} of three ordered values."""
    triple = st.lists(values, min_size=3, max_size=3).map(sorted).map(
        lambda v: {"low": v[0], "likely": v[1], "high": v[2]})
    return st.one_of(values, triple)


def fields(model: str, names: tuple[str, ...]) -> st.SearchStrategy[dict]:
    """Every named field of `model`, each a number or a range."""
    return st.fixed_dictionaries({n: ranged(number(model, n)) for n in names})


@st.composite
def options(draw) -> dict:
    ids = list(CATALOGUE.options)
    current = draw(st.sampled_from(ids))
    proposed = draw(st.sampled_from([o for o in ids if o != current]))
    others = draw(st.lists(st.sampled_from(ids), unique=True))
    listed = draw(st.permutations(list(dict.fromkeys([current, proposed, *others]))))
    return {"current_option": current, "proposed_option": proposed, "options": listed}


def cluster(name: str):
    ranged_fields = ("ingress_mbps", "egress_mbps", "peak_to_average", "retention_days", "partitions")
    return st.fixed_dictionaries({
        "name": st.just(name),
        "environment": st.sampled_from(["production", "non-production"]),
        **{f: ranged(number("Cluster", f)) for f in ranged_fields},
        "replication_factor": number("Cluster", "replication_factor"),
        "availability_zones": number("Cluster", "availability_zones"),
    }, optional={"controllers": number("Cluster", "controllers")})


def _instances_for(listed: list[str]) -> list[str]:
    """Broker types every listed provisioned service offers (the baseline's type sizes them)."""
    usable = set(CATALOGUE.instances)
    for option_id in listed:
        if CATALOGUE.options[option_id].pricing == "provisioned_service":
            usable &= set(CATALOGUE.broker_sizes(option_id))
    return sorted(usable)


@st.composite
def assessments(draw, max_clusters: int = 4) -> dict:
    """A valid assessment as JSON data (before it is written to inputs/<slug>.json)."""
    chosen = draw(options())
    currency = draw(st.sampled_from(["USD", "EUR"]))
    info = {"prepared_by": "Fuzz", "date": "2026-11-20", "currency": currency,
            "horizon_years": draw(number("AssessmentInfo", "horizon_years")),
            "discount_rate": draw(number("AssessmentInfo", "discount_rate")), **chosen,
            "monte_carlo": {"trials": 100, "seed": draw(st.integers(0, 2**32 - 1))}}
    if currency != "USD":
        info["usd_to_currency"] = {"value": draw(number("FxRate", "value")), "as_of": "2026-11-01"}
    count = draw(st.integers(1, max_clusters))
    baseline = draw(fields("Baseline", ("target_utilization", "disk_utilization", "platform_fte", "tooling_fte",
                                        "connectors_needed", "support_and_services_per_year",
                                        "months_to_production")))
    risk = draw(fields("Risk", ("incidents_per_year", "incident_duration_hours", "productivity_loss",
                                "outage_hours_per_year", "planned_downtime_hours_per_year", "outage_cost_per_hour",
                                "breach_probability_per_year", "breach_cost")))
    data = {
        "customer": {"name": "Fuzz Ltd", "slug": "fuzz"},
        "assessment": info,
        "organization": draw(fields("Organization", ("employees", "engineer_share", "kafka_engineer_share",
                                                     "loaded_cost_per_fte_per_year", "working_hours_per_year",
                                                     "annual_cost_growth"))),
        "clusters": [draw(cluster(f"cluster-{i}")) for i in range(count)],
        "growth": {"annual_growth": draw(ranged(number("Growth", "annual_growth")))},
        "baseline": {**baseline,
                     "broker_instance": draw(st.sampled_from(_instances_for(chosen["options"]))),
                     "controller_instance": draw(st.sampled_from(CATALOGUE.instances)),
                     "controllers_per_cluster": draw(number("Baseline", "controllers_per_cluster")),
                     "tiered_storage": draw(st.booleans()), "fetch_from_follower": draw(st.booleans())},
        "risk": risk,
        "value": {"monthly_benefit": draw(ranged(number("Value", "monthly_benefit")))},
        "overrides": draw(st.dictionaries(st.sampled_from(sorted(_OVERRIDABLE)), st.floats(0.01, 1), max_size=3)),
    }
    for (group, field), factor in SCALED_BY_FACTOR.items():
        if CATALOGUE.entries[f"options.{chosen['current_option']}.{factor}"].value == 0:
            data[group][field] = 0
    return data


# catalogue numbers a customer might negotiate, each safe to set anywhere in (0, 1]
_OVERRIDABLE = {key for key, entry in CATALOGUE.entries.items()
                if not isinstance(entry.value, bool) and (entry.is_share or entry.is_money)}
