"""Measured, not guessed: an MSK customer's bill and metrics imported, today's cost taken from the bill, the
model reconciled with it part by part, and the measured inputs traced in Appendix A."""

from __future__ import annotations

import copy
import io
import json
import shutil

import pytest
from pypdf import PdfReader

from reportgen.build.assemble import report_name
from reportgen.build.pipeline import Project, report
from reportgen.catalogue import load_catalogue
from reportgen.imports.cli import run_import
from reportgen.inputs.schema import BILL_PARTS, Assessment
from reportgen.report import filters

from .conftest import ROOT, example, model_results

EXAMPLES = ROOT / "inputs" / "examples"


@pytest.fixture(scope="module")
def northwind(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("measured")
    data = example("northwind")
    without = copy.deepcopy(data)
    without["measured"].pop("bill")
    (root / "inputs").mkdir()
    project = Project(root)
    out = {}
    for name, assessment in (("billed", data), ("modelled", without)):
        (root / "inputs" / "northwind.json").write_text(json.dumps(assessment, indent=2))
        out[name] = model_results(project, "northwind")
    out["bill"] = Assessment.model_validate(data).measured.bill
    return out


def test_today_is_the_bill_in_year_1_and_grows_as_the_model_does(northwind):
    billed, modelled, bill = northwind["billed"], northwind["modelled"], northwind["bill"]
    annual = {part: getattr(bill.by_part, part) * 365 / bill.period.days for part in BILL_PARTS}
    today, model = billed["options"]["msk"]["years"], modelled["options"]["msk"]["years"]
    assert today[1]["service_charges"]["capacity"] == pytest.approx(annual["brokers"])
    assert today[1]["service_charges"]["storage"] == pytest.approx(annual["storage"] + annual["object_storage"])
    assert today[1]["infrastructure"]["network"] == pytest.approx(annual["cross_zone_transfer"] + annual["other_data_transfer"])
    for year in (2, 3):
        ratio = model[year]["service_charges"]["capacity"] / model[1]["service_charges"]["capacity"]
        assert today[year]["service_charges"]["capacity"] == pytest.approx(annual["brokers"] * ratio)
    assert today[1]["people"] == model[1]["people"] and today[1]["risk"] == model[1]["risk"]
    assert billed["options"]["confluent_cloud"]["years"][1] == modelled["options"]["confluent_cloud"]["years"][1]


def test_the_reconciliation_sets_each_part_of_the_bill_beside_the_model(northwind):
    rec, model, bill = northwind["billed"]["reconciliation"], northwind["modelled"], northwind["bill"]
    rows = {r["part"]: r for r in rec["rows"]}
    year = model["options"]["msk"]["years"][1]
    assert rows["brokers"]["modelled"] == pytest.approx(year["service_charges"]["capacity"])
    assert rows["brokers"]["billed"] == pytest.approx(bill.by_part.brokers * 365 / bill.period.days)
    assert rows["brokers"]["variance_pct"] == pytest.approx(rows["brokers"]["billed"] / rows["brokers"]["modelled"] - 1)
    assert rows["brokers"]["likely_input"] and rows["storage"]["likely_input"] is None  # 33 % against 4 %
    assert rows["support"]["billed"] is None and rows["support"]["variance"] is None  # not in this bill, never -100 %
    assert rec["billed_total"] == pytest.approx(sum(r["billed"] for r in rec["rows"] if r["billed"] is not None))
    assert rec["savings_against_model"] == pytest.approx(model["options"]["confluent_cloud"]["savings"])
    assert rec["brokers_in_service"] == {"payments-prod": 12, "core-events-prod": 12, "analytics-prod": 9}
    assert {a["name"] for a in rec["adjustments"]} == {"EdpDiscount", "Credit"}


def test_imported_then_reported_the_pdf_shows_the_reconciliation_and_the_measured_inputs(tmp_path):
    """End to end: the example exports imported into the original assessment, then the report built."""
    (tmp_path / "inputs").mkdir()
    (tmp_path / "templates").symlink_to(ROOT / "templates")
    shutil.copytree(EXAMPLES, tmp_path / "inputs" / "examples")
    shutil.copy(ROOT / "tests" / "fixtures" / "imports" / "northwind-typed.json", tmp_path / "inputs" / "northwind.json")
    project = Project(tmp_path)
    files = lambda *names: [str(tmp_path / "inputs" / "examples" / n) for n in names]
    done = run_import(project, "northwind", files("northwind-cur2-2026-03-to-08.csv.gz"),
                      files("northwind-cloudwatch-payments-prod.json", "northwind-cloudwatch-core-events-prod.json"),
                      ["kafka=true"], [], ["msk"], True, "typed", load_catalogue())
    assert done.status == 0, done.text
    report(project, "northwind", formats=("pdf",))
    pdf = (project.output_dir("northwind") / f"{report_name('northwind')}.pdf").read_bytes()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    results = json.loads((project.output_dir("northwind") / "results.json").read_text())
    rec = results["reconciliation"]
    assert "The model against the bill" in text and "for March to August 2026" in text
    assert " ".join(filters.percent(abs(rec["variance_pct"])).split()) in text
    assert f"Brokers or capacity {filters.money(rec['rows'][0]['modelled'])} {filters.money(rec['rows'][0]['billed'])}" in text
    assert "Support" in text and "not in this bill" in text
    assert "Measured inputs" in text and "GlobalPartitionCount" in text
    assert "Brokers in service" in text


def test_invoke_import_sets_the_model_against_the_bill_and_says_what_to_check(tmp_path):
    from .test_imports_cli import invoke, make_project
    project = make_project(tmp_path)
    done = invoke(project, "--bill", "inputs/examples/northwind-cur2-2026-03-to-08.csv.gz", "--tag", "kafka=true")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    brokers = next(i for i, line in enumerate(lines) if line.strip().startswith("Brokers or capacity"))
    assert "+33%" in lines[brokers] and lines[brokers + 1].strip().startswith("check: brokers in service")
    assert any(line.strip().startswith("Support") and "not in this bill" in line for line in lines)
