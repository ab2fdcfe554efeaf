"""A starting assessment for a new customer: valid as written, with `$comment` notes on what to fill in."""

from __future__ import annotations

import json
from datetime import date

MARKER = "TO FILL"
# (JSON path, what to ask the customer) for every placeholder value in the starting assessment.
TO_FILL = [
    ("assessment.prepared_by", "your name and team"),
    ("assessment.proposed_option", "the option the proposal is for"),
    ("organization", "head count, engineer shares and the loaded cost of an engineer"),
    ("clusters", "one entry per Kafka cluster: average ingress and egress MB/s, peak-to-average, retention, partitions"),
    ("growth.annual_growth", "expected yearly growth of throughput"),
    ("baseline", "broker type, FTEs operating and building tooling, connectors needed, support spend, months to production"),
    ("risk", "incidents per year and their length, outage hours and the business cost of an hour of outage"),
    ("value.monthly_benefit", "what the planned use cases are worth per month once live (0 if unknown)"),
]


def starting_assessment(slug: str, name: str, today: date) -> dict:
    """Placeholder figures are typical values, written as ranges where customers are usually unsure."""
    return {
        "$schema": "./schema.json",
        "$comment": f"Starting assessment for {name}. Replace every placeholder; ranges {{low, likely, high}} "
                    "are welcome wherever the customer is unsure. Validate with: invoke validate --customer " + slug,
        "customer": {"name": name, "slug": slug, "region": "us-east-1"},
        "assessment": {
            "$comment": "Savings are measured against current_option; proposed_option is what the proposal is for.",
            "prepared_by": f"{MARKER}: your name, team", "date": today.isoformat(), "currency": "USD",
            "horizon_years": 3, "current_option": "self_managed_kafka", "proposed_option": "confluent_cloud",
            "options": ["self_managed_kafka", "confluent_platform", "confluent_cloud", "msk", "msk_serverless"]},
        "organization": {
            "$comment": "Impacted engineers = employees x engineer_share x kafka_engineer_share.",
            "employees": 1000, "engineer_share": 0.25, "kafka_engineer_share": 0.2,
            "loaded_cost_per_fte_per_year": 190000, "annual_cost_growth": 0.03},
        "clusters": [
            {"$comment": "Average throughput in decimal MB/s; egress counts every consumer group.",
             "name": "production", "environment": "production", "ingress_mbps": 50, "egress_mbps": 100,
             "peak_to_average": 2, "retention_days": 7, "partitions": 1000},
            {"name": "non-production", "environment": "non-production", "ingress_mbps": 5, "egress_mbps": 10,
             "peak_to_average": 2, "retention_days": 2, "partitions": 300}],
        "growth": {"annual_growth": {"low": 0.1, "likely": 0.2, "high": 0.4}},
        "baseline": {
            "$comment": "How the customer runs Kafka today, and the optimisations self-run Kafka is costed with.",
            "broker_instance": "m5.xlarge", "controller_instance": "m5.large", "tiered_storage": False,
            "fetch_from_follower": False, "platform_fte": {"low": 1, "likely": 2, "high": 3}, "tooling_fte": 1,
            "connectors_needed": 2, "support_and_services_per_year": 50000,
            "months_to_production": {"low": 6, "likely": 9, "high": 12}},
        "risk": {
            "$comment": "Observed under the current option; outage_cost_per_hour is the business cost of an hour down.",
            "incidents_per_year": {"low": 1, "likely": 3, "high": 6},
            "incident_duration_hours": {"low": 2, "likely": 8, "high": 24}, "productivity_loss": 0.5,
            "outage_hours_per_year": 4, "planned_downtime_hours_per_year": 8, "outage_cost_per_hour": 20000},
        "value": {"monthly_benefit": 0},
        "overrides": {},
    }


def _marked(assessment: dict) -> dict:
    """Each value to fill carries the marker: in itself when it is text, else at the head of its section's
    `$comment` (a cluster list's first cluster), so that `invoke report` can refuse until all are gone."""
    for where, what in TO_FILL:
        section, _, field = where.partition(".")
        value = assessment[section].get(field) if isinstance(assessment[section], dict) else None
        if isinstance(value, str) and value.startswith(MARKER):
            continue
        holder = assessment[section][0] if isinstance(assessment[section], list) else assessment[section]
        note = f"{MARKER}: {what}" + (f" ({field})" if field else "") + " [delete this note once filled in]."
        holder["$comment"] = f"{note} {holder['$comment']}" if "$comment" in holder else note
        holder.update({k: holder.pop(k) for k in [k for k in holder if k != "$comment"]})
    return assessment


def starting_assessment_json(slug: str, name: str, today: date) -> bytes:
    return (json.dumps(_marked(starting_assessment(slug, name, today)), indent=2, ensure_ascii=False) + "\n").encode()
