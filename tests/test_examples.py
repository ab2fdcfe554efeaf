"""The three example customers show what the foundation issue asks of them."""

from __future__ import annotations


def test_acme_is_the_whitepapers_organisation_self_managed_today(example_json):
    acme = example_json["acme"]
    assert acme["impacted_engineers"] == 125
    assert acme["current_option"] == "self_managed_kafka"
    environments = [s["environment"] for s in acme["options"]["self_managed_kafka"]["sizing"] if s["year"] == 1]
    assert environments.count("production") == 1 and environments.count("non-production") == 2


def test_msk_serverless_is_cheapest_for_the_small_company(example_json):
    bluebird = example_json["bluebird"]
    assert bluebird["lowest_tco_feasible_option"] == "msk_serverless"
    assert bluebird["options"]["msk_serverless"]["feasible"]


def test_msk_serverless_is_infeasible_for_the_enterprise_on_msk(example_json):
    northwind = example_json["northwind"]
    assert northwind["current_option"] == "msk"
    serverless = northwind["options"]["msk_serverless"]
    assert not serverless["feasible"]
    reason = serverless["infeasible_reasons"][0]
    assert reason["limit"] in ("ingress", "egress", "partitions") and reason["needed"] > reason["allowed"] == 1
    assert northwind["lowest_tco_feasible_option"] != "msk_serverless"
