"""Defensible before a sceptic, the parts decided before anything is drawn: refusals, the reviewer's notes,
the fair baseline re-costed, currency labels, `--help` and `invoke diff` as a user reads them."""

from __future__ import annotations

import json
import re

import pytest

from reportgen.build.pipeline import compute
from reportgen.problems import InputError

from .conftest import variant
from .test_cli_batch import make_project, run


def test_an_infeasible_proposal_is_refused_with_its_cluster_year_and_limit(tmp_project):
    data = variant("acme", **{"assessment.proposed_option": "msk_serverless"})
    tmp_project.write(data)
    with pytest.raises(InputError) as refused:
        compute(tmp_project.project, "acme")
    text = str(refused.value)
    assert "inputs/acme.json:" in text and "assessment.proposed_option" in text
    assert "cluster 'prod-events', year 1, limit: ingress" in text and "propose another option" in text


def test_the_cli_refuses_an_infeasible_proposal_and_writes_nothing(tmp_path):
    project = make_project(tmp_path)
    path = project / "inputs" / "acme.json"
    data = json.loads(path.read_text())
    data["assessment"]["proposed_option"] = "msk_serverless"
    path.write_text(json.dumps(data, indent=2))
    for task in ("validate", "report"):
        done = run(project, task, "--customer", "acme")
        assert done.returncode == 1, task
        assert "Traceback" not in done.stderr
        assert re.search(r"inputs/acme\.json:\d+:\d+: assessment\.proposed_option: is 'msk_serverless'", done.stderr)
        assert "year 1, limit: ingress" in done.stderr
    assert not (project / "output" / "acme").exists()


def test_placeholders_block_a_report_and_are_only_warnings_for_validate(tmp_path):
    project = make_project(tmp_path)
    assert run(project, "new", "--customer", "globex", "--name", "Globex").returncode == 0
    text = (project / "inputs" / "globex.json").read_text()
    marked = [n for n, line in enumerate(text.splitlines(), 1) if "TO FILL" in line]
    assert len(marked) == 8
    checked = run(project, "validate", "--customer", "globex")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.count(": is marked TO FILL: ") == 7 and checked.stderr.count("holds the placeholder") == 1
    refused = run(project, "report", "--customer", "globex", "--format", "html")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = {int(m) for m in re.findall(r"inputs/globex\.json:(\d+):\d+: [^\n]*TO FILL", refused.stderr)}
    assert lines == set(marked)
    assert "--draft" in refused.stderr
    assert not (project / "output" / "globex").exists()


def test_implausible_inputs_and_results_are_warned_about_with_their_reason(tmp_project):
    data = variant("acme", **{"organization.loaded_cost_per_fte_per_year": 30000, "risk.incidents_per_year": 60})
    data["clusters"][1]["peak_to_average"] = {"low": 2, "likely": 3, "high": 12}
    warnings = {w["path"]: w for w in tmp_project.compute(data)["warnings"]}
    assert warnings["organization.loaded_cost_per_fte_per_year"]["message"] == "is 30,000, below 40,000 USD per year"
    assert warnings["risk.incidents_per_year"]["kind"] == "implausible"
    assert "clusters[1].peak_to_average.high" in warnings and "clusters[1].peak_to_average.likely" not in warnings
    assert all(w["reason"] for w in warnings.values())


def test_a_band_in_dollars_is_converted_to_the_assessments_currency(tmp_project):
    data = variant("acme", **{"assessment.currency": "EUR", "organization.loaded_cost_per_fte_per_year": 39000,
                              "assessment.usd_to_currency": {"value": 0.5, "as_of": "2026-11-01"}})
    assert not any(w["path"].startswith("organization") for w in tmp_project.compute(data)["warnings"])


def test_a_proposal_beaten_without_a_rationale_is_warned_about(tmp_project):
    data = variant("northwind")
    results = tmp_project.compute(data)
    proposed = results["options"][results["proposed_option"]]
    beaten = any(o["feasible"] and (o["tco_hard"] < proposed["tco_hard"] or o["npv"] > proposed["npv"])
                 for k, o in results["options"].items() if k != results["proposed_option"])
    kinds = [w["kind"] for w in results["warnings"]]
    assert ("unexplained_proposal" in kinds) == beaten
    data["assessment"]["rationale"] = "The customer wants no brokers to run."
    assert "unexplained_proposal" not in [w["kind"] for w in tmp_project.compute(data)["warnings"]]


def test_an_optimisation_the_baseline_lacks_is_recosted_with_it_on(tmp_project):
    data = variant("acme", **{"baseline.tiered_storage": False})
    off = tmp_project.compute(data)
    proposed = off["proposed_option"]
    tiered = next(o for o in off["fair_baseline"]["optimisations"] if o["name"] == "tiered_storage")
    assert tiered["on"] is False
    on = tmp_project.compute(variant("acme", **{"baseline.tiered_storage": True}))
    assert tiered["savings_if_on"] == pytest.approx(on["options"][proposed]["savings"], rel=1e-12)
    assert tiered["savings_if_on"] != pytest.approx(off["options"][proposed]["savings"])
    assert next(o for o in on["fair_baseline"]["optimisations"] if o["name"] == "tiered_storage")["savings_if_on"] is None


def test_an_option_credited_with_tiered_storage_the_baseline_is_denied_is_named(tmp_project):
    data = variant("acme", **{"baseline.tiered_storage": False})
    credited = tmp_project.compute(data)["fair_baseline"]["credited_to_others"]
    assert {"option": "confluent_platform", "optimisation": "tiered_storage"} in credited


def test_an_msk_customers_baseline_is_msks_own_broker_and_price(example_json, catalogue):
    results = example_json["northwind"]
    fair = results["fair_baseline"]
    assert results["current_option"] == "msk" and fair["broker_price_kind"] == "service"
    key = f"options.msk.brokers.{fair['broker_instance']}.price_per_hour"
    assert fair["broker_price_per_hour"] == results["catalogue_used"][key]["value"]
    assert fair["broker_price_per_hour"] != catalogue.entries[f"price_book.instances.{fair['broker_instance']}.price_per_hour"].value


def test_a_euro_override_is_labelled_and_read_in_euros(tmp_project):
    key = "options.confluent_cloud.unit_hour"
    data = variant("acme", **{"assessment.currency": "EUR",
                              "assessment.usd_to_currency": {"value": 0.92, "as_of": "2026-11-01"}})
    data["overrides"][key] = 1.6
    used = tmp_project.compute(data)["catalogue_used"]
    assert used[key]["value"] == 1.6 and used[key]["unit"] == "EUR per eCKU-hour"
    assert used[key]["default"] == pytest.approx(2.25 * 0.92)
    assert used[key]["note"] == "catalogue default 2.07 EUR (2.25 USD at 0.92 EUR per USD, rate as of 2026-11-01)"
    plain = used["options.confluent_cloud.data_in_per_gb"]
    assert plain["unit"].startswith("EUR per") and "at 0.92 EUR per USD, rate as of 2026-11-01" in plain["note"]


def test_every_task_answers_help(tmp_path):
    project = make_project(tmp_path)
    listed = run(project, "--list").stdout
    tasks = [m.group(1) for line in listed.splitlines()[2:] for m in [re.match(r"^  (\S+)", line)] if m]
    assert {"new", "diff", "report", "validate"} <= set(tasks)
    for task in tasks:
        done = run(project, task, "--help")
        assert done.returncode == 0 and "Usage:" in done.stdout and "Traceback" not in done.stderr, task


def test_diff_prints_numbers_as_a_person_writes_them(tmp_path):
    project = make_project(tmp_path)
    assert run(project, "report", "--customer", "bluebird", "--format", "html").returncode == 0
    path = project / "inputs" / "bluebird.json"
    data = json.loads(path.read_text())
    data.setdefault("overrides", {})["options.confluent_cloud.unit_hour"] = 2.1374999999999997
    path.write_text(json.dumps(data, indent=2))
    shown = run(project, "diff", "--customer", "bluebird").stdout
    assert "2.1375" in shown and "2.1374999" not in shown
    assert "headline figures:" in shown and re.search(r"roi: -?\d+\s% -> -?\d+\s%", shown)
