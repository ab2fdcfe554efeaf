"""Properties of the model over generated assessments, and the currency and probability rules."""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.catalogue import load_catalogue
from reportgen.build.pipeline import Project

from .conftest import model_results, variant
from .strategies import assessments, maximum

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("properties")
    (root / "inputs").mkdir()
    project = Project(root)

    def results(data: dict) -> dict:
        (project.inputs / "fuzz.json").write_text(json.dumps(data))
        return model_results(project, "fuzz")
    return results


def scaled(value, factor: float, maximum: float):
    """A number or range times `factor`, capped at the field's bound (a range stays ordered)."""
    if isinstance(value, dict):
        return {end: scaled(x, factor, maximum) for end, x in value.items()}
    result = min(value * factor, maximum)
    return round(result) if isinstance(value, int) else result


def changed(data: dict, edit) -> dict:
    copied = copy.deepcopy(data)
    edit(copied)
    return copied


def by_year(results: dict, pick) -> dict:
    """{(option, year): pick(year row)} for years 1..H."""
    return {(o, row["year"]): pick(row) for o, option in results["options"].items() for row in option["years"][1:]}


def never_lower(before: dict, after: dict):
    lower = {k: (before[k], after[k]) for k in before if after[k] < before[k] * (1 - 1e-12) - 1e-9}
    assert not lower


COUNTS = st.lists(st.one_of(st.integers(0, 100), st.integers(0, 10_000)), min_size=2, max_size=4).map(sorted)


@PROPERTY
@given(data=assessments(max_clusters=2), counts=COUNTS)
def test_more_incidents_never_lower_the_incident_cost(run, data, counts):
    pick = lambda row: row["risk"]["incidents"]
    costs = [by_year(run(changed(data, lambda d: d["risk"].update(incidents_per_year=n))), pick) for n in counts]
    for fewer, more in zip(costs, costs[1:]):
        never_lower(fewer, more)


def clusters_scaled(data: dict, factor: float, *fields: str) -> dict:
    """`data` with the named field of every cluster times `factor`, capped at the schema's bound."""
    def edit(d):
        for cluster in d["clusters"]:
            for field in fields:
                cluster[field] = scaled(cluster[field], factor, maximum("Cluster", field))
    return changed(data, edit)


@PROPERTY
@given(data=assessments(max_clusters=2), factor=st.floats(1, 10))
def test_more_throughput_never_lowers_infrastructure_cost(run, data, factor):
    pick = lambda row: row["infrastructure"]["total"]
    more = clusters_scaled(data, factor, "ingress_mbps", "egress_mbps")
    never_lower(by_year(run(data), pick), by_year(run(more), pick))


@PROPERTY
@given(data=assessments(max_clusters=2), factor=st.floats(1, 50))
def test_longer_retention_never_lowers_storage_cost(run, data, factor):
    pick = lambda row: row["infrastructure"]["storage"] + row["service_charges"]["storage"]
    longer = clusters_scaled(data, factor, "retention_days")
    never_lower(by_year(run(data), pick), by_year(run(longer), pick))


@PROPERTY
@given(data=assessments(max_clusters=2))
def test_zero_growth_gives_equal_years_2_to_h(run, data):
    def flat(d):
        d["growth"]["annual_growth"] = 0
        d["organization"]["annual_cost_growth"] = 0
    for option in run(changed(data, flat))["options"].values():
        later = [{k: v for k, v in row.items() if k != "year"} for row in option["years"][2:]]
        assert all(row == later[0] for row in later)


@PROPERTY
@given(data=assessments(max_clusters=2), rate=st.floats(0.1, 100), k=st.floats(0.1, 100))  # rates stay >= 0.001
def test_scaling_every_price_by_k_scales_infrastructure_and_service_charges_by_k(run, data, rate, k):
    def priced(multiplier: float):
        def edit(d):
            d["assessment"]["currency"] = "EUR"
            d["assessment"]["usd_to_currency"] = {"value": rate * multiplier, "as_of": "2026-11-01"}
            for key, value in d["overrides"].items():
                if CATALOGUE.entries[key].is_money:
                    d["overrides"][key] = value * multiplier  # the customer's quotes are prices too
        return changed(data, edit)
    pick = lambda row: {c: row[c] for c in ("infrastructure", "service_charges")}
    base, scaled_up = by_year(run(priced(1)), pick), by_year(run(priced(k)), pick)
    for key, categories in base.items():
        for category, parts in categories.items():
            for part, amount in parts.items():
                assert math.isclose(scaled_up[key][category][part], k * amount, rel_tol=1e-9, abs_tol=1e-9), \
                    (key, category, part)


def test_a_euro_assessment_converts_catalogue_prices_but_not_the_customers_amounts(tmp_project, example_json):
    usd = example_json["acme"]
    eur = tmp_project.compute(variant("acme", **{"assessment.currency": "EUR",
                                                 "assessment.usd_to_currency": {"value": 0.5, "as_of": "2026-11-01"}}))
    assert eur["currency"] == "EUR"
    assert eur["breach_cost"] == pytest.approx(usd["breach_cost"] / 2)  # the catalogue's default breach cost
    for field in ("loaded_cost_per_fte_per_year", "cost_per_incident", "hourly_rate"):
        assert eur[field] == usd[field]  # given by the customer (or computed from what they gave)
    for option_id, option in usd["options"].items():
        for row, eur_row in zip(option["years"][1:], eur["options"][option_id]["years"][1:]):
            for category in ("infrastructure", "service_charges"):
                for part, amount in row[category].items():
                    assert eur_row[category][part] == pytest.approx(amount / 2), (option_id, category, part)
            assert eur_row["people"] == row["people"]
            for part in ("incidents", "outages", "planned_downtime"):
                assert eur_row["risk"][part] == row["risk"][part]
    assert any(row["infrastructure"]["total"] > 0 for row in usd["options"]["self_managed_kafka"]["years"])


def test_a_scaled_breach_probability_is_capped_at_1_with_a_warning(tmp_project):
    data = variant("acme", **{"risk.breach_probability_per_year": 0.5, "risk.breach_cost": 1_000_000})
    data["overrides"]["options.msk.breach_factor"] = 3
    results = tmp_project.compute(data)
    msk, current = results["options"]["msk"], results["options"]["self_managed_kafka"]
    assert [row["risk"]["breach"] for row in msk["years"][1:]] == [1_000_000] * 3
    assert msk["risk_detail"]["breach_probability_per_year"] == 1
    assert any("breach probability scaled to 1.50" in w and "capped at 1" in w for w in msk["warnings"])
    assert [row["risk"]["breach"] for row in current["years"][1:]] == [500_000] * 3
    assert not current["warnings"]
