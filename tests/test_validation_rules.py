"""One failing input per validation rule: each names the JSON path, the line and what is expected.

Every case starts from the acme example, breaks one rule, and checks the problem the loader
reports for it: its path, the line of the offending key in the file, and the message.
"""

from __future__ import annotations

import json

import pytest

from reportgen.inputs.loader import load_assessment
from reportgen.problems import InputError, json_path

from .conftest import example, variant

DELETE = object()


def broken(**changes) -> dict:
    """acme with dotted-path changes; DELETE removes a key."""
    data = variant("acme", **{k: v for k, v in changes.items() if v is not DELETE})
    for dotted in (k for k, v in changes.items() if v is DELETE):
        *parents, last = dotted.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]
    return data


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def reported(tmp_project, text: str, slug: str = "acme"):
    path = tmp_project.write(text, slug)
    with pytest.raises(InputError) as caught:
        load_assessment(path, tmp_project.catalogue, tmp_project.root)
    return caught.value.problems


@pytest.fixture
def loader(tmp_project, catalogue):
    tmp_project.catalogue = catalogue
    return tmp_project


def check(loader, text: str, path: str, needle: str, fragments: tuple[str, ...], occurrence: int = 1):
    problems = reported(loader, text)
    at_path = [p for p in problems if json_path(p.path) == path]
    assert len(at_path) == 1, [str(p) for p in problems]
    problem = at_path[0]
    assert problem.file == "inputs/acme.json"
    assert problem.line == line_of(text, needle, occurrence), str(problem)
    for fragment in fragments:
        assert fragment in problem.message, str(problem)
    return problems


ACME_OPTIONS = example("acme")["assessment"]["options"]
CC = "options.confluent_cloud.committed_use_discount"

# id: (changes to acme, reported path, text on the reported line, fragments of the message[, occurrence])
SCHEMA_RULES = {
    "unknown key": ({"organization.employes": 5}, "organization.employes", '"employes"',
                    ("'employes' is not a known key", "did you mean 'employees'")),
    "unknown top-level key": ({"extras": 1}, "extras", '"extras"', ("not a known key", "allowed here: $schema")),
    "missing required key": ({"organization.employees": DELETE}, "organization.employees", '"organization"',
                             ("is required but missing", "Employees in the organisation")),
    "text for a number": ({"risk.productivity_loss": "half"}, "risk.productivity_loss", '"productivity_loss"',
                          ('found the text "half"', "expected a number written with digits")),
    "fraction for a count": ({"clusters.0.partitions": 4000.0}, "clusters[0].partitions", '"partitions": 4000.0',
                             ("found 4000.0", "expected a whole number")),
    "boolean for a number": ({"organization.employees": True}, "organization.employees", '"employees": true',
                             ("found true", "expected a whole number")),
    "number for text": ({"customer.name": 5}, "customer.name", '"name": 5', ("found 5", "expected text in double quotes")),
    "list for an object": ({"organization": []}, "organization", '"organization"',
                           ("found a list [...]", "expected an object")),
    "negative money": ({"baseline.support_and_services_per_year": -1}, "baseline.support_and_services_per_year",
                       '"support_and_services_per_year"', ("found -1", "expected at least 0")),
    "negative count": ({"risk.incidents_per_year": -2}, "risk.incidents_per_year", '"incidents_per_year"',
                       ("found -2", "expected at least 0")),
    "negative count in a range": ({"risk.incidents_per_year": {"low": -2, "likely": 4, "high": 8}},
                                  "risk.incidents_per_year.low", '"low": -2', ("found -2", "expected at least 0")),
    "share above 1": ({"organization.engineer_share": 1.5}, "organization.engineer_share", '"engineer_share"',
                      ("found 1.5", "expected at most 1", "Share of employees")),
    "share below 0": ({"risk.productivity_loss": -0.1}, "risk.productivity_loss", '"productivity_loss"',
                      ("found -0.1", "expected at least 0")),
    "low above likely": ({"baseline.platform_fte": {"low": 7, "likely": 6, "high": 8}}, "baseline.platform_fte",
                         '"platform_fte"', ("low <= likely <= high", "found low 7, likely 6, high 8")),
    "likely above high": ({"baseline.platform_fte": {"low": 4, "likely": 9, "high": 8}}, "baseline.platform_fte",
                          '"platform_fte"', ("low <= likely <= high", "likely 9, high 8")),
    "range without high": ({"baseline.platform_fte": {"low": 4, "likely": 6}}, "baseline.platform_fte.high",
                           '"platform_fte"', ("is required but missing",)),
    "range with an unknown key": ({"baseline.platform_fte": {"low": 4, "likely": 6, "high": 8, "mode": 6}},
                                  "baseline.platform_fte.mode", '"mode"',
                                  ("'mode' is not a known key", "allowed here: low, likely, high")),
    "proposed option equal to the current one": (
        {"assessment.proposed_option": "self_managed_kafka"}, "assessment.proposed_option", '"proposed_option"',
        ("the same as current_option", "a different option")),
    "proposed option not compared": (
        {"assessment.options": ["self_managed_kafka", "msk"]}, "assessment.options", '"options": [',
        ("must include the current and the proposed option", "add confluent_cloud")),
    "current option not compared": (
        {"assessment.options": ["confluent_cloud", "msk"]}, "assessment.options", '"options": [',
        ("add self_managed_kafka",)),
    "an option listed twice": ({"assessment.options": ACME_OPTIONS + ["msk"]}, "assessment.options[5]", '"msk"',
                               ("lists 'msk' a second time",), 2),
    "currency without exchange rate": ({"assessment.currency": "EUR"}, "assessment.currency", '"currency"',
                                       ("is EUR, so usd_to_currency is needed",)),
    "exchange rate for USD": ({"assessment.usd_to_currency": {"value": 0.9, "as_of": "2026-11-01"}},
                              "assessment.usd_to_currency", '"usd_to_currency"', ("the currency is USD",)),
    "exchange rate of 0": ({"assessment.currency": "EUR", "assessment.usd_to_currency": {"value": 0, "as_of": "2026-11-01"}},
                           "assessment.usd_to_currency.value", '"value": 0', ("found 0", "expected at least 0.001")),
    "currency in lower case": ({"assessment.currency": "eur"}, "assessment.currency", '"currency"',
                               ('found the text "eur"', "three-letter ISO currency code")),
    "two clusters with one name": ({"clusters.1.name": "prod-events"}, "clusters[1].name", '"name": "prod-events"',
                                   ("'prod-events' is already the name of clusters[0]", "unique name"), 2),
    "no clusters": ({"clusters": []}, "clusters", '"clusters"', ("has 0 entries", "expected at least 1")),
    "horizon of 0 years": ({"assessment.horizon_years": 0}, "assessment.horizon_years", '"horizon_years"',
                           ("found 0", "expected at least 1")),
    "horizon of 50 years": ({"assessment.horizon_years": 50}, "assessment.horizon_years", '"horizon_years"',
                            ("found 50", "expected at most 10")),
    "discount rate above 1": ({"assessment.discount_rate": 1.5}, "assessment.discount_rate", '"discount_rate"',
                              ("found 1.5", "expected at most 1")),
    "too few trials": ({"assessment.monte_carlo.trials": 10}, "assessment.monte_carlo.trials", '"trials"',
                       ("found 10", "expected at least 100")),
    "peak below average": ({"clusters.0.peak_to_average": 0.5}, "clusters[0].peak_to_average", '"peak_to_average": 0.5',
                           ("found 0.5", "expected at least 1")),
    "replication factor 0": ({"clusters.0.replication_factor": 0}, "clusters[0].replication_factor",
                             '"replication_factor"', ("found 0", "expected at least 1")),
    "retention of 0 days": ({"clusters.2.retention_days": 0}, "clusters[2].retention_days", '"retention_days": 0',
                            ("found 0", "expected more than 0")),
    "shrinking by 100 %": ({"growth.annual_growth": -1}, "growth.annual_growth", '"annual_growth"',
                           ("found -1", "expected more than -1")),
    "utilisation near 0": ({"baseline.target_utilization": 0.001}, "baseline.target_utilization",
                           '"target_utilization"', ("found 0.001", "expected at least 0.05")),
    "money beyond the bound": ({"risk.outage_cost_per_hour": 1e13}, "risk.outage_cost_per_hour",
                               '"outage_cost_per_hour"', ("expected at most 1,000,000,000,000",)),
    "unknown environment": ({"clusters.0.environment": "prod"}, "clusters[0].environment", '"environment": "prod"',
                            ('found the text "prod"', "'production' or 'non-production'")),
    "slug not a slug": ({"customer.slug": "Acme Corp"}, "customer.slug", '"slug"',
                        ("lowercase letters, digits and single hyphens",)),
    "blank name": ({"customer.name": "   "}, "customer.name", '"name": "   "', ("is blank",)),
    "name too long": ({"customer.name": "A" * 121}, "customer.name", '"name": "AAA', ("121 characters", "at most 120")),
    "bidi override in a name": ({"customer.name": "Acme \u202eGNISIMORP"}, "customer.name", '"name": "Acme',
                                ("U+202E",)),
    "zero-width space in a cluster name": ({"clusters.0.name": "prod\u200bevents"}, "clusters[0].name",
                                           '"name": "prod', ("U+200B",)),
    "control character in a name": ({"customer.industry": "Retail\x07"}, "customer.industry", '"industry"',
                                    ("U+0007",)),
    "impossible date": ({"assessment.date": "2026-02-30"}, "assessment.date", '"date"',
                        ("is not a calendar date", "YYYY-MM-DD")),
    "negative override": ({"overrides": {"price_book.storage.block_per_gb_month": -1}},
                          "overrides.price_book.storage.block_per_gb_month", '"price_book.storage',
                          ("found -1", "expected at least 0")),
}

CATALOGUE_RULES = {
    "unknown current option": ({"assessment.current_option": "self_managed"}, "assessment.current_option",
                               '"current_option"', ("unknown option 'self_managed'", "did you mean 'self_managed_kafka'")),
    "unknown proposed option": ({"assessment.proposed_option": "Confluent Cloud"}, "assessment.proposed_option",
                                '"proposed_option"', ("unknown option 'Confluent Cloud'", "known options:")),
    "unknown option in the list": ({"assessment.options": ACME_OPTIONS + ["kinesis"]}, "assessment.options[5]",
                                   '"kinesis"', ("unknown option 'kinesis'",)),
    "unknown broker instance": ({"baseline.broker_instance": "m5.3xlarge"}, "baseline.broker_instance",
                                '"broker_instance"', ("unknown instance type 'm5.3xlarge'", "the price book has")),
    "unknown controller instance": ({"baseline.controller_instance": "x9.large"}, "baseline.controller_instance",
                                    '"controller_instance"', ("unknown instance type 'x9.large'",)),
    "MSK broker size not offered": ({"baseline.broker_instance": "i3en.large"}, "baseline.broker_instance",
                                    '"broker_instance"', ("offers no 'i3en.large' brokers", "leave msk out of options")),
    "unknown region": ({"customer.region": "eu-west-9"}, "customer.region", '"region"',
                       ("no price book for region 'eu-west-9'",)),
    "unknown override key": ({"overrides": {"options.confluent_cloud.comitted_use_discount": 0.1}},
                             "overrides.options.confluent_cloud.comitted_use_discount", '"options.confluent_cloud',
                             ("unknown catalogue key", f"did you mean '{CC}'")),
    "override of a number with true": ({"overrides": {CC: True}}, f"overrides.{CC}", '"options.confluent_cloud',
                                       ("found true", "expected a number or a range")),
    "override of a yes/no with a number": ({"overrides": {"options.confluent_platform.tiered_storage": 1}},
                                           "overrides.options.confluent_platform.tiered_storage", '"options.confluent_platform.tiered_storage"',
                                           ("found 1", "expected true or false")),
    "override of a yes/no with text": ({"overrides": {"options.confluent_platform.tiered_storage": "yes"}},
                                       "overrides.options.confluent_platform.tiered_storage", '"options.confluent_platform.tiered_storage"',
                                       ('found the text "yes"', "expected true or false")),
    "override of a share above 1": ({"overrides": {CC: {"low": 0, "likely": 0.5, "high": 2}}}, f"overrides.{CC}",
                                    '"options.confluent_cloud', ("found 2", "a share from 0 to 1")),
    "override of a divisor with 0": (
        {"overrides": {"price_book.instances.m5.2xlarge.sustained_write_mbps": 0}},
        "overrides.price_book.instances.m5.2xlarge.sustained_write_mbps", '"price_book.instances',
        ("found 0", "expected at least 1", "the model divides by it")),
    "observation contradicting a factor of 0": (
        {"assessment.current_option": "confluent_cloud", "assessment.proposed_option": "msk",
         "risk.planned_downtime_hours_per_year": 0},
        "baseline.support_and_services_per_year", '"support_and_services_per_year"',
        ("is 300000 under Confluent Cloud", "support_factor is 0", "so it must be 0")),
    "factor of the current option ranging from 0": (
        {"overrides": {"options.self_managed_kafka.incident_factor": {"low": 0, "likely": 1, "high": 2}}},
        "overrides.options.self_managed_kafka.incident_factor", '"options.self_managed_kafka',
        ("ranges from 0 to 2", "exactly 0 or above 0 throughout")),
    "slug not the file's name": ({"customer.slug": "acme-corp"}, "customer.slug", '"slug"',
                                 ("is 'acme-corp' but the file is named 'acme.json'",)),
}


@pytest.mark.parametrize("changes, path, needle, fragments, occurrence",
                         [pytest.param(*case, *((1,) if len(case) == 4 else ()), id=name)
                          for name, case in {**SCHEMA_RULES, **CATALOGUE_RULES}.items()])
def test_one_broken_rule_is_reported_at_its_path_and_line(loader, changes, path, needle, fragments, occurrence):
    text = json.dumps(broken(**changes), indent=2, ensure_ascii=False)
    check(loader, text, path, needle, fragments, occurrence)


def test_each_rule_case_breaks_only_its_own_rule(loader):
    """A case that also broke another rule would hide which rule its message came from."""
    for name, (changes, path, *_rest) in {**SCHEMA_RULES, **CATALOGUE_RULES}.items():
        others = [str(p) for p in reported(loader, json.dumps(broken(**changes), indent=2)) if json_path(p.path) != path]
        allowed = name in ("unknown current option", "unknown proposed option")  # also missing from options
        assert allowed or not others, (name, others)


# id: (text replaced in acme's file, its replacement, reported path, text on the reported line, message fragments)
TEXT_RULES = {
    "NaN": ('"productivity_loss": 0.5', '"productivity_loss": NaN', "risk.productivity_loss",
            '"productivity_loss"', ("found NaN", "finite number")),
    "Infinity": ('"employees": 2000', '"employees": Infinity', "organization.employees", '"employees"',
                 ("found Infinity",)),
    "-Infinity": ('"employees": 2000', '"employees": -Infinity', "organization.employees", '"employees"',
                  ("found -Infinity",)),
    "a number too large for a float": ('"employees": 2000', '"employees": 1e400', "organization.employees",
                                       '"employees"', ("the number 1e400 is too large",)),
    "a duplicate key": ('"employees": 2000,', '"employees": 2000,\n    "employees": 3000,', "organization.employees",
                        '"employees": 3000', ("the key 'employees' appears twice", "first on line")),
    "a lone surrogate escape": ('"name": "Acme Corp"', '"name": "Acme \\ud800 Corp"', "customer.name",
                                '"name": "Acme', ("lone surrogate",)),
    "single quotes": ('"name": "Acme Corp"', "\"name\": 'Acme Corp'", "customer.name", '"name": \'Acme',
                      ("unexpected text ''Acme'", "double quotes")),
    "a trailing comma": ('"prepared_by": "Jordan Lee, Value Engineering",\n',
                         '"prepared_by": "Jordan Lee, Value Engineering",,\n', "assessment", '"prepared_by"',
                         ("expected a key in double quotes",)),
}


@pytest.mark.parametrize("old, new, path, needle, fragments",
                         [pytest.param(*case, id=name) for name, case in TEXT_RULES.items()])
def test_text_that_is_not_strict_json_is_reported_at_its_path_and_line(loader, old, new, path, needle, fragments):
    text = json.dumps(example("acme"), indent=2)
    assert old in text
    text = text.replace(old, new, 1)
    problems = check(loader, text, path, needle, fragments)
    assert len(problems) == 1


def test_every_problem_of_one_file_is_reported_together(loader):
    data = broken(**{"assessment.horizon_years": 0, "clusters.0.partitions": -5, "overrides": {"bogus.key": 1},
                     "customer.slug": "other"})
    paths = [json_path(p.path) for p in reported(loader, json.dumps(data, indent=2))]
    assert paths == ["customer.slug", "assessment.horizon_years", "clusters[0].partitions", "overrides.bogus.key"]


def test_a_valid_observation_of_zero_under_a_factor_of_zero_computes(tmp_project):
    data = broken(**{"assessment.current_option": "confluent_cloud", "assessment.proposed_option": "msk",
                     "baseline.support_and_services_per_year": 0, "risk.planned_downtime_hours_per_year": 0})
    results = tmp_project.compute(data)
    for option in results["options"].values():
        for year in option["years"][1:]:
            assert year["people"]["support_and_services"] == 0
            assert year["risk"]["planned_downtime"] == 0
