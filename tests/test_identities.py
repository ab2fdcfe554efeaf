"""Accounting identities on every example (docs/model.md section 9): totals are the sums of their parts."""

from __future__ import annotations

import pytest

from reportgen.model.costs import CATEGORIES, HARD_CATEGORIES

from .conftest import EXAMPLES

REL = 1e-9


def close(a, b):
    return a == pytest.approx(b, rel=REL, abs=1e-6)


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_total_is_the_sum_of_its_parts(example_json, slug):
    results = example_json[slug]
    for option_id, option in results["options"].items():
        for row in option["years"]:
            for category, parts in CATEGORIES.items():
                assert close(row[category]["total"], sum(row[category][p] for p in parts)), (option_id, row["year"], category)
            assert close(row["hard_total"], row["migration"] + sum(row[c]["total"] for c in HARD_CATEGORIES))
        for category in CATEGORIES:
            assert close(option["totals"][category], sum(r[category]["total"] for r in option["years"]))


@pytest.mark.parametrize("slug", EXAMPLES)
def test_tco_savings_and_roi_identities(example_json, slug):
    results = example_json[slug]
    current = results["options"][results["current_option"]]
    assert current["savings"] == 0 and current["roi"] is None and current["payback_months"] is None
    for option_id, option in results["options"].items():
        years = option["years"]
        assert years[0]["year"] == 0 and [r["year"] for r in years[1:]] == list(range(1, results["horizon_years"] + 1))
        assert close(option["tco_hard"], option["migration"] + sum(r["hard_total"] for r in years[1:]))
        assert close(option["tco_hard"], sum(r["hard_total"] for r in years))
        assert close(option["savings"], current["tco_hard"] - option["tco_hard"])
        assert close(option["savings"], option["benefits"] - option["costs"])
        assert close(option["benefits"], sum(option["reductions"].values()))
        assert close(option["savings_pct"], option["savings"] / current["tco_hard"])
        if option_id != results["current_option"]:
            assert close(option["costs"], option["service_charges"] + option["migration"])
            assert close(option["roi"], option["savings"] / option["costs"])


@pytest.mark.parametrize("slug", EXAMPLES)
def test_results_carry_every_key_of_the_contract(example_json, slug):
    results = example_json[slug]
    for key in ("customer", "generated", "current_option", "proposed_option", "impacted_engineers", "hourly_rate",
                "cost_per_incident", "options"):
        assert key in results
    for key in ("tool_version", "catalogue_version", "inputs_sha256", "catalogue_sha256"):
        assert results["generated"][key]
    for option in results["options"].values():
        for key in ("feasible", "warnings", "sizing", "years", "tco_hard", "tco_risk_adjusted", "tco_pv",
                    "service_charges", "migration", "reductions", "benefits", "costs", "savings", "savings_pct",
                    "roi", "npv", "npv_risk_adjusted", "payback_months", "time_to_value"):
            assert key in option, key
