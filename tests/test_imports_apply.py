"""`invoke import` against an assessment: the conflict rule, provenance, the measured section, and --apply's
writing: key order, `$comment` notes and layout kept, atomic, never a half-written or invalid file."""

from __future__ import annotations

import json
import shutil

import pytest

from reportgen.catalogue import load_catalogue
from reportgen.imports.apply import WouldNotValidate, set_values
from reportgen.imports.cli import run_import
from reportgen.imports.refusals import MixedCurrencies, UsageError
from reportgen.inputs.loader import load_assessment
from reportgen.inputs.schema_export import schema_json
from reportgen.problems import InputError, ReportgenError
from reportgen.project import Project

from .conftest import ROOT
from .fixtures.imports import writers

EXAMPLES = ROOT / "inputs" / "examples"
BILL = "examples/northwind-cur2-2026-03-to-08.csv.gz"
METRICS = ["examples/northwind-cloudwatch-payments-prod.json", "examples/northwind-cloudwatch-core-events-prod.json",
           "examples/northwind-prometheus-analytics-prod.txt", "analytics-prod=examples/northwind-topics-analytics-prod.txt"]
COMMENTED = "northwind"


@pytest.fixture
def project(tmp_path):
    """A project holding northwind with `$comment` notes and a hand-made layout, and the example exports."""
    (tmp_path / "inputs").mkdir()
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    text = (ROOT / "tests" / "fixtures" / "imports" / "northwind-typed.json").read_text()
    text = text.replace('{\n  "$schema": "./schema.json",', '{\n  "$schema": "./schema.json",\n  "$comment": "Discovery call 2026-11-20.",', 1)
    text = text.replace('"name": "analytics-prod",', '"$comment": "Owned by the data team.",\n      "name": "analytics-prod",', 1)
    text = text.replace('"monte_carlo": {\n      "trials": 10000,\n      "seed": 11\n    }', '"monte_carlo": {"trials": 10000, "seed": 11}', 1)
    (tmp_path / "inputs" / "northwind.json").write_text(text)
    return tmp_path


def run(project, apply=False, prefer="typed", bills=(BILL,), metrics=tuple(METRICS), **selector):
    selector = selector or {"tags": ["kafka=true"], "services": ["msk"]}
    return run_import(Project(project), "northwind", list(bills), list(metrics), apply=apply, prefer=prefer,
                      cwd=project, **selector)


def saved(project) -> dict:
    return json.loads((project / "inputs" / "northwind.json").read_text())


def test_a_dry_run_prints_every_value_old_and_new_and_writes_nothing(project):
    before = (project / "inputs" / "northwind.json").read_bytes()
    text = run(project).text
    assert (project / "inputs" / "northwind.json").read_bytes() == before
    assert "a dry run: nothing is written; --apply writes it" in text
    assert "clusters[0].replication_factor        (default) -> 3" in text
    assert "clusters[0].partitions                    6,000 = 6,000" in text
    assert "northwind-cloudwatch-payments-prod.json, 2026-08-24 00:00 UTC to 2026-08-30 23:00 UTC" in text
    assert "brokers or units              267,079.68      529,804.80" in text
    assert "Kafka's lines (tag kafka=true or service msk): 127 of 145 lines, 1,790,184.98 of the file's 2,132,184.98" in text


def test_typed_values_that_differ_are_conflicts_and_are_kept(project):
    text = run(project, apply=True).text
    assert "Conflicts (typed values kept; --prefer measured takes the measured ones):" in text
    assert "clusters[0].ingress_mbps           typed 350, measured 342.1" in text
    data = saved(project)
    payments = data["clusters"][0]
    assert (payments["ingress_mbps"], payments["partitions"], payments["replication_factor"]) == (350, 6000, 3)
    provenance = data["measured"]["provenance"]
    assert "clusters[0].ingress_mbps" not in provenance  # the typed value stands, so it is not measured
    assert provenance["clusters[0].partitions"] == {  # the typed value is the measured one: now it is measured
        "source": "northwind-cloudwatch-payments-prod.json", "period": "2026-08-24 00:00 UTC to 2026-08-30 23:00 UTC",
        "read": "payments-prod: GlobalPartitionCount, latest: 6,000"}
    assert provenance["clusters[0].replication_factor"]["read"].startswith("payments-prod: PartitionCount summed")


def test_prefer_measured_replaces_typed_values_even_ranges(project):
    path = project / "inputs" / "northwind.json"
    path.write_text(path.read_text().replace('"ingress_mbps": 250,', '"ingress_mbps": {"low": 200, "likely": 250, "high": 300},'))
    text = run(project, apply=True, prefer="measured").text
    assert "the measured values replace the typed ones (--prefer measured)" in text
    data = saved(project)
    assert [c["ingress_mbps"] for c in data["clusters"]] == [342.1, 262.0, 118.3, 60]
    assert data["clusters"][2]["partitions"] == 2520 and data["clusters"][2]["retention_days"] == 16.17
    assert data["measured"]["provenance"]["clusters[1].ingress_mbps"]["read"] == \
        "core-events-prod: CloudWatch bytes in: mean 262.0 MB/s"


def test_values_imported_before_are_replaced_without_a_conflict(project, tmp_path):
    run(project, apply=True, prefer="measured")
    newer = writers.write_cloudwatch(project / "examples" / "newer.json", "payments-prod", writers.datetime(2026, 9, 7),
                                     24, [300.0] * 24, [600.0] * 24, 12, 6000, 3, [50.0] * 12)
    text = run(project, apply=True, bills=(), metrics=(str(newer),)).text
    assert "Conflicts" not in text
    assert "clusters[0].ingress_mbps                  342.1 -> 300" in text
    assert saved(project)["clusters"][0]["ingress_mbps"] == 300.0
    assert saved(project)["measured"]["bill"]["period"] == {"start": "2026-03-01", "end": "2026-09-01"}  # kept


def test_apply_keeps_key_order_comments_and_layout(project):
    before = (project / "inputs" / "northwind.json").read_text()
    run(project, apply=True)
    after = (project / "inputs" / "northwind.json").read_text()
    assert after.startswith(before.split('"clusters"')[0])  # everything up to the clusters, byte for byte
    assert '"monte_carlo": {"trials": 10000, "seed": 11}' in after
    old, new = json.loads(before), json.loads(after)
    assert list(new)[:-1] == list(old) and list(new)[-1] == "measured"
    assert new["$comment"] == "Discovery call 2026-11-20."
    assert list(new["clusters"][2]) == list(old["clusters"][2]) + ["replication_factor"]
    assert new["clusters"][2]["$comment"] == "Owned by the data team."


def test_the_measured_bill_is_kept_to_the_cent_and_scales_to_a_year(project):
    run(project, apply=True)
    assessment = load_assessment(project / "inputs" / "northwind.json", load_catalogue(), project)
    bill = assessment.measured.bill
    assert (bill.format, bill.currency, bill.sources) == ("AWS CUR 2.0", "USD", ["northwind-cur2-2026-03-to-08.csv.gz"])
    assert bill.period.days == 184
    assert bill.by_part.brokers == 267_079.68
    assert bill.annual_by_part["brokers"] == pytest.approx(267_079.68 * 365 / 184)
    assert [(a.kind, a.name, a.amount) for a in bill.adjustments] == [("credit", "Credit", -5000.0),
                                                                      ("discount", "EdpDiscount", -48692.38)]
    total = sum(bill.by_part.model_dump(exclude={"comment"}).values()) + sum(bill.unclassified.values()) + sum(a.amount for a in bill.adjustments)
    assert total == pytest.approx(1_790_184.98)
    assert assessment.measured.clusters["payments-prod"].brokers_in_service == 12
    assert assessment.measured.clusters["analytics-prod"].peak_percentile == 95


def test_a_failed_write_leaves_the_file_untouched_and_no_temporary_file(project, monkeypatch):
    before = (project / "inputs" / "northwind.json").read_bytes()

    def crash(*args):
        raise OSError("disk full")
    monkeypatch.setattr("reportgen.build.writer.os.replace", crash)
    with pytest.raises(ReportgenError, match="disk full"):
        run(project, apply=True)
    assert (project / "inputs" / "northwind.json").read_bytes() == before
    assert sorted(p.name for p in (project / "inputs").iterdir()) == ["northwind.json"]


def test_values_that_would_not_validate_are_refused_and_nothing_is_written(project):
    before = (project / "inputs" / "northwind.json").read_bytes()
    topics = writers.write_topics(project / "topics.txt", {"orders": (12, 9, None)})
    with pytest.raises(WouldNotValidate, match=r"clusters.0.replication_factor: Input should be less than or equal to 7"):
        run(project, apply=True, bills=(), metrics=(f"payments-prod={topics}",))
    assert (project / "inputs" / "northwind.json").read_bytes() == before


def test_a_bill_in_another_currency_than_the_assessment_is_refused(project):
    eur = writers.write_cur(project / "eur.csv", [writers.Charge(**{**c.__dict__, "currency": "EUR"})
                                                  for c in writers.small_bill()])
    with pytest.raises(MixedCurrencies, match="the bill is in EUR, but the assessment's amounts are in USD"):
        run(project, apply=True, bills=(str(eur),), metrics=())


def test_flags_that_make_no_sense_are_usage_errors(project):
    with pytest.raises(UsageError, match="--prefer must be typed or measured"):
        run(project, prefer="newest")
    with pytest.raises(UsageError, match="give at least one --bill FILE or --metrics FILE"):
        run(project, bills=(), metrics=())


def test_the_schema_checks_the_measured_section(tmp_path):
    data = json.loads((ROOT / "inputs" / "northwind.json").read_text())
    data["measured"] = {"bill": {"format": "AWS CUR 2.0", "sources": ["a.csv"], "selector": "tag kafka=true",
                                 "period": {"start": "2026-03-01", "end": "2026-03-01"}, "currency": "EUR",
                                 "by_part": {"brokers": 1.0, "compute": 2.0}},
                        "clusters": {"billing-prod": {"brokers_in_service": 3}},
                        "provenance": {"clusters[7].ingress_mbps": {"source": "a", "period": "b", "read": "c"}}}
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "northwind.json").write_text(json.dumps(data, indent=2))
    with pytest.raises(InputError) as refused:
        load_assessment(tmp_path / "inputs" / "northwind.json", load_catalogue(), tmp_path)
    message = str(refused.value)
    assert "measured.bill.period.end: is 2026-03-01, not after start 2026-03-01" in message
    assert "measured.bill.by_part.compute: 'compute' is not a known key" in message


def test_the_schema_refuses_a_measured_cluster_the_assessment_lacks(tmp_path):
    data = json.loads((ROOT / "inputs" / "northwind.json").read_text())
    data["measured"] = {"clusters": {"billing-prod": {"brokers_in_service": 3}}}
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "northwind.json").write_text(json.dumps(data, indent=2))
    with pytest.raises(InputError, match=r"measured.clusters.billing-prod: names 'billing-prod', which is not a cluster"):
        load_assessment(tmp_path / "inputs" / "northwind.json", load_catalogue(), tmp_path)


def test_inputs_schema_json_is_current_and_describes_measured():
    assert (ROOT / "inputs" / "schema.json").read_bytes() == schema_json(load_catalogue()), \
        "inputs/schema.json is stale: run `invoke schema`"
    schema = json.loads((ROOT / "inputs" / "schema.json").read_text())
    assert set(schema["$defs"]["MeasuredBill"]["properties"]) == {
        "$comment", "format", "sources", "selector", "period", "currency", "by_part", "unclassified", "adjustments"}


def test_set_values_replaces_in_place_and_appends_missing_keys():
    text = '{\n  "a": 1,\n  "b": {"c": 2},\n  "d": {\n    "e": [1, 2]\n  }\n}\n'
    assert set_values(text, [(("a",), 5), (("b", "x"), 3), (("d", "f"), {"g": 1}), (("z",), True)]) == (
        '{\n  "a": 5,\n  "b": {"c": 2, "x": 3},\n  "d": {\n    "e": [1, 2],\n    "f": {\n      "g": 1\n    }\n  },'
        '\n  "z": true\n}\n')
