"""The typed results contract: every example's results.json fits it exactly, a wrong key is refused
by name, build_results goes through it, and inputs/results.schema.json is the model's current export."""

from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from reportgen.build.changes import compare_runs
from reportgen.build.pipeline import compute
from reportgen.build.writer import json_bytes
from reportgen.model import results as results_module
from reportgen.model.contract import Results, results_schema, results_schema_json

from .conftest import EXAMPLES, ROOT, example, variant


def round_trip(text: bytes) -> bytes:
    return json_bytes(Results.model_validate(json.loads(text)).as_json())


@pytest.fixture(scope="module")
def acme_results(example_json) -> dict:
    """acme's results.json as read back from the file."""
    return json.loads(json_bytes(example_json["acme"]))


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_examples_results_json_round_trips_byte_for_byte(example_json, slug):
    written = json_bytes(example_json[slug])
    assert round_trip(written) == written


def test_a_reports_change_log_round_trips(example_results, tmp_project):
    """A report adds `changes` after build_results; the contract still describes the file it writes."""
    edited = variant("acme", **{"risk.productivity_loss": 0.6})
    edited["overrides"]["options.confluent_platform.licence_per_broker_year"] = 9000
    new = tmp_project.compute(edited)
    changes = compare_runs(example("acme"), edited, example_results["acme"], Results.model_validate(new))
    new["changes"] = changes.model_dump()
    assert all(new["changes"][part] for part in ("inputs", "catalogue", "headline"))
    written = json_bytes(new)
    assert round_trip(written) == written


def test_the_numbers_keep_their_type(acme_results):
    """An int stays an int and a float a float, else results.json would change from 3 to 3.0."""
    results = {**acme_results, "working_hours_per_year": 1760, "discount_rate": 0.1}
    out = Results.model_validate(results).as_json()
    assert type(out["working_hours_per_year"]) is int and type(out["discount_rate"]) is float


def refusal(results: dict) -> dict:
    with pytest.raises(ValidationError) as raised:
        Results.model_validate(results)
    errors = raised.value.errors()
    assert len(errors) == 1, errors
    return errors[0] | {"text": str(raised.value)}


def test_a_missing_key_is_refused_by_its_path(acme_results):
    results = copy.deepcopy(acme_results)
    del results["options"]["msk"]["tco_hard"]
    error = refusal(results)
    assert error["type"] == "missing" and error["loc"] == ("options", "msk", "tco_hard")
    assert "options.msk.tco_hard" in error["text"]


def test_a_missing_nested_key_is_refused_by_its_path(acme_results):
    results = copy.deepcopy(acme_results)
    del results["options"]["confluent_cloud"]["years"][2]["service_charges"]["discount"]
    error = refusal(results)
    assert error["type"] == "missing"
    assert error["loc"] == ("options", "confluent_cloud", "years", 2, "service_charges", "discount")


def test_an_unknown_key_is_refused_by_its_name(acme_results):
    results = copy.deepcopy(acme_results)
    results["options"]["msk"]["savings_percent"] = results["options"]["msk"].pop("savings_pct")
    with pytest.raises(ValidationError) as raised:
        Results.model_validate(results)
    found = {(e["type"], e["loc"]) for e in raised.value.errors()}
    assert found == {("missing", ("options", "msk", "savings_pct")),
                     ("extra_forbidden", ("options", "msk", "savings_percent"))}


def test_an_unknown_top_level_key_is_refused(acme_results):
    error = refusal({**acme_results, "totals": {}})
    assert error["type"] == "extra_forbidden" and error["loc"] == ("totals",)


def test_a_null_where_a_figure_is_required_is_refused(acme_results):
    results = copy.deepcopy(acme_results)
    results["options"]["msk"]["npv"] = None
    with pytest.raises(ValidationError) as raised:
        Results.model_validate(results)
    assert {e["loc"][:3] for e in raised.value.errors()} == {("options", "msk", "npv")}


def test_a_sizing_entry_must_fit_its_options_pricing(acme_results):
    """Self-run Kafka's sizing without controllers would pass as a provisioned service's: the pricing refuses it."""
    results = copy.deepcopy(acme_results)
    assert results["options"]["self_managed_kafka"]["pricing"] == "self_managed"
    del results["options"]["self_managed_kafka"]["sizing"][0]["controllers"]
    error = refusal(results)
    assert error["loc"] == ("options", "self_managed_kafka")
    assert "sizing[0] does not fit pricing self_managed: missing ['controllers']" in error["msg"]


def test_a_sizing_entry_without_a_count_is_refused(acme_results):
    results = copy.deepcopy(acme_results)
    entry = results["options"]["confluent_cloud"]["sizing"][0]
    entry["units"] = entry.pop("capacity_units")
    error = refusal(results)
    assert error["type"] == "sizing_count" and error["loc"] == ("options", "confluent_cloud", "sizing", 0)
    assert "capacity_units" in error["msg"]


def test_build_results_refuses_a_misnamed_key(monkeypatch, project, catalogue):
    """The check runs when results are built, so a template never meets the wrong name."""
    option_result = results_module.option_result

    def misnamed(*args):
        option = option_result(*args)
        option["payback"] = option.pop("payback_months")
        return option

    monkeypatch.setattr(results_module, "option_result", misnamed)
    with pytest.raises(ValidationError) as raised:
        compute(project, "acme", catalogue)
    found = {(e["type"], e["loc"][2]) for e in raised.value.errors()}
    assert found == {("missing", "payback_months"), ("extra_forbidden", "payback")}


def test_the_schema_file_is_the_models_current_export():
    assert (ROOT / "inputs" / "results.schema.json").read_bytes() == results_schema_json(), \
        "inputs/results.schema.json is stale: run `invoke schema`"


def _properties(schema: dict):
    for name, definition in [("results", schema), *schema["$defs"].items()]:
        for key, prop in definition.get("properties", {}).items():
            yield f"{name}.{key}", prop


def test_the_schema_describes_every_key_and_requires_what_compute_writes(acme_results):
    schema = results_schema()
    assert [path for path, prop in _properties(schema) if not prop.get("description")] == []
    # `warnings` came later: its default keeps the results.json files written before it readable (Appendix C)
    assert schema["required"] == [key for key in acme_results if key != "warnings"]
    assert "warnings" in acme_results
    assert schema["additionalProperties"] is False
