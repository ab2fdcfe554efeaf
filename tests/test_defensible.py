"""Defensible in front of a sceptic, on the rendered report: the summary sets the proposal against the
alternatives, the fair-baseline box is built from the current option's real settings, currency labels follow
the assessment, a draft says so on every page, and no source cites a file the customer cannot open."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from reportgen.build.assemble import report_name
from reportgen.build.pipeline import Project, report
from reportgen.inputs.scaffold import starting_assessment_json
from reportgen.report import filters

from .conftest import ROOT, variant

INTERNAL = re.compile(r"MODEL\.md|PRICES\.md|REPORT\.md|docs/model\.md|reportgen model, section|modelling choice \(MODEL")


def build(root, data: dict | bytes, slug: str, **options) -> dict:
    """Render one assessment in a throwaway project; its PDF pages as text, its HTML and its results."""
    (root / "inputs").mkdir(parents=True, exist_ok=True)
    if not (root / "templates").exists():
        (root / "templates").symlink_to(ROOT / "templates")
    text = data if isinstance(data, bytes) else json.dumps(data, indent=2).encode()
    (root / "inputs" / f"{slug}.json").write_bytes(text)
    project = Project(root)
    report(project, slug, **options)
    folder = project.output_dir(slug)
    pdf = (folder / f"{report_name(slug)}.pdf").read_bytes()
    workbook = folder / f"{slug}-kafka-tco-model.xlsx"
    return {"pages": [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages],
            "html": html.read_text(encoding="utf-8") if (html := folder / f"{report_name(slug)}.html").exists() else "",
            "workbook": zipfile.ZipFile(workbook).read("xl/sharedStrings.xml").decode() if workbook.exists() else "",
            "results": json.loads((folder / "results.json").read_text())}


def flat(text: str) -> str:
    """Text as the PDF's pages are compared: every run of white space (no-break spaces too) one space."""
    return " ".join(text.split())


def summary_page(built: dict) -> str:
    return next(p for p in built["pages"][2:] if "Executive summary" in p)


@pytest.fixture(scope="module")
def cheaper_alternative(tmp_path_factory):
    """acme with Confluent Platform's licence cut so that it costs less than the proposed Confluent Cloud."""
    data = variant("acme")
    data["overrides"]["options.confluent_platform.licence_per_broker_year"] = 1000
    data["assessment"]["rationale"] = "The team wants no brokers to run & no upgrades <to plan>."
    return build(tmp_path_factory.mktemp("cheaper"), data, "acme", formats=("pdf", "html"))


@pytest.fixture(scope="module")
def msk_in_euros(tmp_path_factory):
    """northwind (on MSK today) first in dollars, then in euros with an override: the second report's
    Appendix C compares with the first."""
    root = tmp_path_factory.mktemp("euro")
    dollars = variant("northwind")
    dollars.pop("measured")  # its bill is in dollars; this is about the catalogue's prices in euros
    build(root, dollars, "northwind", formats=("pdf",))
    data = variant("northwind", **{"assessment.currency": "EUR",
                                   "assessment.usd_to_currency": {"value": 0.92, "as_of": "2026-11-01"}})
    data.pop("measured")
    data.setdefault("overrides", {})["options.confluent_cloud.unit_hour"] = 1.6
    return build(root, data, "northwind")


def test_the_summary_names_a_cheaper_option_with_both_figures_and_the_rationale(cheaper_alternative):
    results, page = cheaper_alternative["results"], summary_page(cheaper_alternative)
    cp, cc = results["options"]["confluent_platform"], results["options"]["confluent_cloud"]
    assert cp["tco_hard"] < cc["tco_hard"]
    assert flat(f"Confluent Platform would cost less over 3 years than the proposal "
                f"({filters.money_short(cp['tco_hard'])} against {filters.money_short(cc['tco_hard'])})") in page
    assert "Why Confluent Cloud: The team wants no brokers to run & no upgrades <to plan>." in page
    assert "no upgrades &lt;to plan&gt;." in cheaper_alternative["html"]


def test_the_summary_says_the_proposal_is_cheapest_when_it_is(example_json):
    from reportgen.model.contract import Results
    from reportgen.report.headline import comparison
    results = Results.model_validate(example_json["acme"])
    sentences = comparison(results, None)
    assert sentences[0].startswith("Of the 4 options that can carry the workload, Confluent Cloud has the lowest")
    assert not any("would cost less" in s for s in sentences)


def test_roi_is_a_percentage_and_a_loss_has_no_payback(tmp_path):
    data = variant("bluebird", **{"assessment.proposed_option": "confluent_cloud"})
    data.setdefault("overrides", {})["options.confluent_cloud.unit_hour"] = 9
    built = build(tmp_path, data, "bluebird", formats=("pdf",))
    proposed = built["results"]["options"]["confluent_cloud"]
    assert proposed["savings"] < 0 and proposed["payback_months"] is None
    page = summary_page(built)
    assert flat(f"a return on investment of {filters.percent(proposed['roi'])}") in page
    assert "does not pay back: over 3 years it costs more than today" in page
    assert re.search(r"PAYBACK None ?costs more than today", page)
    assert flat(f"TCO INCREASE {filters.money_short(-proposed['savings'])}") in page
    assert not re.search(r"\d\.\dx", " ".join(built["pages"]))


def test_a_baseline_without_tiered_storage_is_a_warning_with_the_savings_it_moves(tmp_path):
    built = build(tmp_path, variant("acme", **{"baseline.tiered_storage": False}), "acme", formats=("pdf",))
    results = built["results"]
    tiered = next(o for o in results["fair_baseline"]["optimisations"] if o["name"] == "tiered_storage")
    today = next(p for p in built["pages"] if "The baseline is not costed with every optimisation" in p)
    assert "tiered storage is off" in today
    sentence = (f"Self-managed Kafka is costed without tiered storage; with it, Confluent Cloud would save "
                f"{filters.money_short(tiered['savings_if_on'])} instead of saving "
                f"{filters.money_short(results['options']['confluent_cloud']['savings'])}.")
    assert flat(sentence) in today and flat(sentence) in summary_page(built)
    assert "Confluent Platform is costed with tiered storage, which Self-managed Kafka is not given here." in today
    assert "as a careful team would run it" not in today


def test_an_msk_customers_box_shows_msks_broker_and_price(msk_in_euros):
    results = msk_in_euros["results"]
    fair = results["fair_baseline"]
    today = next(p for p in msk_in_euros["pages"] if "Amazon MSK is costed with the settings below" in p)
    assert f"brokers are kafka.{fair['broker_instance']}" in today
    assert flat(f"{filters.price(fair['broker_price_per_hour'], 'EUR')} an hour, Amazon MSK's own broker-hour price") in today
    assert "Self-run Kafka is costed" not in today


def test_a_euro_override_is_labelled_in_euros_in_the_appendix_and_workbook(msk_in_euros):
    appendix = " ".join(p for p in msk_in_euros["pages"] if "Appendix A" in p)
    assert "EUR per eCKU-hour" in appendix and "USD per eCKU-hour" not in appendix
    assert "Unit hour 1.6 EUR per eCKU-hour" in appendix
    assert "catalogue default 2.07 EUR (2.25 USD at 0.92 EUR per USD, rate as of 2026-11-01)" in appendix
    assert "USD per eCKU-hour" not in msk_in_euros["workbook"] or "EUR per eCKU-hour" in msk_in_euros["workbook"]


def test_appendix_c_labels_the_previous_reports_currency(msk_in_euros):
    changes = msk_in_euros["results"]["changes"]
    assert changes["previous"]["currency"] == "USD"
    appendix = " ".join(p for p in msk_in_euros["pages"] if "Appendix C" in p)
    assert "The previous report was in USD" in appendix
    moved = next(r for r in changes["headline"] if r["figure"] == "tco_hard")
    assert flat(filters.money(moved["old"], "USD")) in appendix and flat(filters.money(moved["new"], "EUR")) in appendix


def test_a_draft_says_so_on_every_page(tmp_path):
    text = starting_assessment_json("globex", "Globex", __import__("datetime").date(2026, 12, 1))
    built = build(tmp_path, text, "globex", formats=("pdf",), draft=True)
    assert all("DRAFT" in page for page in built["pages"])
    assert "not for the customer" in built["pages"][0]


def test_no_output_cites_a_file_the_customer_cannot_open(cheaper_alternative, msk_in_euros):
    for built in (cheaper_alternative, msk_in_euros):
        for text in (" ".join(built["pages"]), built["html"], built["workbook"], json.dumps(built["results"])):
            assert not INTERNAL.search(text), INTERNAL.search(text)


def test_every_source_is_public_or_the_models_appendix(catalogue):
    for key, entry in catalogue.entries.items():
        if entry.source.lower().startswith("reportgen"):
            assert entry.source.startswith("reportgen model, Appendix B"), (key, entry.source)
