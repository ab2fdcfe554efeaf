"""The calibration cases of docs/model.md section 11 (checks against the whitepaper), reproduced through the real pipeline."""

from __future__ import annotations

import pytest

from reportgen.model.costs import compare, ratio

from .conftest import variant


def test_case_1_incident_model_gives_230k_per_incident(tmp_project):
    data = variant("acme", **{"organization.employees": 2000, "organization.engineer_share": 0.25,
                              "organization.kafka_engineer_share": 0.25,
                              "organization.loaded_cost_per_fte_per_year": 230000,
                              "organization.working_hours_per_year": 2000,
                              "risk.incident_duration_hours": 32, "risk.productivity_loss": 0.5})
    results = tmp_project.compute(data)
    assert results["impacted_engineers"] == 125
    assert results["hourly_rate"] == 115
    assert results["cost_per_incident"] == pytest.approx(230_000)


def _one_year_option(infrastructure, development, operations, support, service_charges):
    parts = lambda **kw: kw
    return {"years": [{"year": 1,
                       "infrastructure": parts(compute=infrastructure),
                       "service_charges": parts(capacity=service_charges),
                       "people": parts(platform_operations=operations, development=development, support_and_services=support),
                       "risk": parts(incidents=0.0)}]}


def test_case_2_roi_identity_is_5_8x():
    current = _one_year_option(1.85e6, 0.30e6, 0.23e6, 0.14e6, 0.0)
    cloud = _one_year_option(0.0, 0.0, 0.0, 0.0, 0.37e6)
    result = compare(cloud, current, 0.0, 0.10, is_current=False)
    assert result["benefits"] == pytest.approx(2.52e6)
    assert result["roi"] == pytest.approx((2.52 - 0.37) / 0.37)
    assert round(result["roi"], 1) == 5.8


def test_case_3_the_whitepapers_3_7x_is_not_what_its_rows_give():
    roi = ratio(1.34e6 - 0.47e6, 0.47e6)
    assert round(roi, 1) == 1.9
    assert round(roi, 1) != 3.7


def test_case_4_customer_on_msk_saves_1m_or_40_percent(tmp_project):
    """Current MSK at 2.5 M over three years against Confluent Cloud at 1.5 M, no migration.

    Prices are overridden to 0 so that people costs alone carry the totals: 1 FTE at 833,333.33
    a year on MSK, 0.6 of that on Confluent Cloud.
    """
    zero_prices = {key: 0 for key in (
        "options.msk.storage_per_gb_month", "options.msk.tiered_storage_per_gb_month",
        "options.msk.brokers.m5.xlarge.price_per_hour",
        "price_book.network.cross_az_per_gb", "options.confluent_cloud.unit_hour",
        "options.confluent_cloud.data_in_per_gb", "options.confluent_cloud.data_out_per_gb",
        "options.confluent_cloud.storage_per_gb_month", "options.confluent_cloud.network.client_transfer_per_gb",
        "options.confluent_cloud.migration_fte_months", "options.confluent_cloud.dual_run_months")}
    data = variant("acme", **{
        "assessment.current_option": "msk", "assessment.proposed_option": "confluent_cloud",
        "assessment.options": ["msk", "confluent_cloud"],
        "organization.loaded_cost_per_fte_per_year": 2.5e6 / 3, "organization.annual_cost_growth": 0,
        "baseline.broker_instance": "m5.xlarge", "baseline.platform_fte": 1, "baseline.tooling_fte": 0,
        "baseline.connectors_needed": 0, "baseline.support_and_services_per_year": 0,
        "overrides": {**zero_prices, "options.msk.platform_fte_factor": 1, "options.confluent_cloud.platform_fte_factor": 0.6}})
    results = tmp_project.compute(data)
    msk, cloud = results["options"]["msk"], results["options"]["confluent_cloud"]
    assert msk["tco_hard"] == pytest.approx(2.5e6)
    assert cloud["tco_hard"] == pytest.approx(1.5e6)
    assert cloud["migration"] == 0
    assert cloud["savings"] == pytest.approx(1.0e6)
    assert cloud["savings_pct"] == pytest.approx(0.40)
