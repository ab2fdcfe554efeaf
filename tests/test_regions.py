"""Prices by region: customer.region picks a price book, every book prices the same keys, and a price not
found for a region stops a run that reads it instead of being taken from another region."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from reportgen.build.pipeline import compute_assessment
from reportgen.catalogue import CATALOGUE_DIR, CatalogueError, MissingPrice, load_catalogue
from reportgen.inputs.loader import load_assessment
from reportgen.problems import InputError

from .conftest import ROOT
from .test_worked_cases import case_assessment

CATALOGUE = load_catalogue()
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1")
KINDS = tomllib.loads((CATALOGUE_DIR / "pricing_kinds.toml").read_text())


def assessment(region: str, options: list[str], overrides: dict | None = None, **baseline) -> dict:
    """The worked cases' base assessment (one production cluster, 100 simulated trials) in `region`."""
    data = case_assessment({})
    data["customer"]["region"] = region
    data["assessment"] |= {"options": options, "proposed_option": options[1]}
    data["baseline"] |= baseline
    data["overrides"] = overrides or {}
    return data


def computed(data: dict, folder, catalogue=CATALOGUE) -> dict:
    path = folder / "inputs" / "worked.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return compute_assessment(load_assessment(path, catalogue, folder), path.read_bytes(), catalogue).results.as_json()


def test_the_catalogue_has_a_price_book_for_each_region_the_issue_names():
    assert set(REGIONS) <= set(CATALOGUE.regions)
    assert CATALOGUE.region == "us-east-1" and CATALOGUE.region_names["eu-central-1"] == "Europe (Frankfurt)"


@pytest.mark.parametrize("region", REGIONS)
def test_each_book_gives_every_key_every_option_needs(region):
    """The same keys in every region, each either priced with its source or marked missing; every key an
    option's pricing kind requires is there for every option."""
    here = CATALOGUE.in_region(region)
    assert set(here.entries) == set(CATALOGUE.entries)
    for instance in here.instances:
        assert f"price_book.instances.{instance}.price_per_hour" in here.entries
    for key in ("storage.block_per_gb_month", "storage.object_per_gb_month", "network.cross_az_per_gb",
                "requests.object_put_per_1000", "requests.object_get_per_1000"):
        assert f"price_book.{key}" in here.entries
    for option in here.options.values():
        keys = [k.removeprefix(f"options.{option.id}.") for k in here.entries if k.startswith(f"options.{option.id}.")]
        for pattern in KINDS["all"]["required"] + KINDS[option.pricing]["required"]:
            assert fnmatch.filter(keys, pattern), (region, option.id, pattern)
    for entry in here.entries.values():
        assert entry.source and entry.as_of and entry.unit, entry.key
        assert (entry.value is None) == entry.missing, entry.key


@pytest.mark.parametrize("region", REGIONS)
def test_every_option_computes_in_every_region_once_its_missing_prices_are_given(region, tmp_path):
    """With the customer's price for each price the region lacks, every option computes there, from that
    region's own prices where the catalogue has them."""
    options = list(CATALOGUE.options)
    options.remove("self_managed_kafka")
    here = CATALOGUE.in_region(region)
    given = {key: 0.5 for key in here.missing_keys(("price_book.", "options."))}
    results = computed(assessment(region, ["self_managed_kafka", *options], given, controller_instance="m5.large"),
                       tmp_path)
    assert results["customer"]["region"] == region
    used = results["catalogue_used"]
    for key, row in used.items():
        entry = here.entries[key]
        assert row["status"] == ("customer" if entry.missing else entry.status), key
        if not entry.missing:
            assert row["value"] == entry.value and row["source"] == entry.source, key


def test_the_region_prices_the_run(tmp_path):
    """The same estate costs the region's EC2 prices: 12 m5.xlarge brokers and 3 m5.large controllers a year."""
    tiered = {"price_book.storage.object_per_gb_month": 0.025}  # Confluent Platform tiers; Frankfurt's S3 price was not found
    runs = {r: computed(assessment(r, ["self_managed_kafka", "confluent_platform"], tiered, controller_instance="m5.large"),
                        tmp_path / r) for r in ("us-east-1", "eu-central-1")}
    for region, results in runs.items():
        price = lambda instance: CATALOGUE.in_region(region).entries[f"price_book.instances.{instance}.price_per_hour"].value
        option = results["options"]["self_managed_kafka"]
        brokers = option["sizing"][0]["brokers"]
        assert option["years"][1]["infrastructure"]["compute"] == pytest.approx(
            (brokers * price("m5.xlarge") + 3 * price("m5.large")) * 8760)
    assert runs["eu-central-1"]["options"]["self_managed_kafka"]["tco_hard"] > \
        runs["us-east-1"]["options"]["self_managed_kafka"]["tco_hard"]


def test_an_unknown_region_is_refused_with_the_known_ones(tmp_path):
    path = tmp_path / "inputs" / "worked.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(assessment("eu-centrl-1", ["self_managed_kafka", "msk"])))
    with pytest.raises(InputError) as caught:
        load_assessment(path, CATALOGUE, tmp_path)
    message = str(caught.value)
    assert "customer.region: no price book for region 'eu-centrl-1'; did you mean 'eu-central-1'?" in message
    assert "known regions: " + ", ".join(sorted(REGIONS)) in message
    with pytest.raises(CatalogueError, match=r"no price book for region 'mars-1'; .*ap-northeast-1.*us-west-2"):
        CATALOGUE.in_region("mars-1")


def test_a_price_missing_in_the_region_stops_the_run_and_names_it(tmp_path):
    """MSK's eu-central-1 broker price was not found: the run stops naming the key, the file and the fix, and
    lists the region's other missing prices its options may read; given as an override, it is used as the customer's."""
    key = "options.msk.brokers.m5.xlarge.price_per_hour"
    with pytest.raises(MissingPrice) as caught:
        computed(assessment("eu-central-1", ["self_managed_kafka", "msk"], controller_instance="m5.large"), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"customer.region is eu-central-1, and the eu-central-1 prices have none for {key}")
    assert "reportgen/catalogue/options/msk.toml marks it missing" in message
    assert f'overrides["{key}"]' in message
    assert "options.msk.storage_per_gb_month" in message and "options.confluent_cloud" not in message
    given = {key: 0.5, "options.msk.storage_per_gb_month": 0.12,
             "price_book.storage.object_per_gb_month": 0.025,  # the fair-baseline check costs tiering too
             "options.msk.tiered_storage_per_gb_month": 0.025}
    results = computed(assessment("eu-central-1", ["self_managed_kafka", "msk"], given, controller_instance="m5.large"),
                       tmp_path)
    brokers = results["options"]["msk"]["sizing"][0]["brokers"]
    assert results["catalogue_used"][key] | {"source": ""} == {
        "value": 0.5, "unit": "USD per broker-hour (Standard broker)", "status": "customer", "source": "",
        "as_of": CATALOGUE.in_region("eu-central-1").entries[key].as_of,
        "note": "no catalogue price for eu-central-1", "default": None}
    assert results["options"]["msk"]["years"][1]["service_charges"]["capacity"] == pytest.approx(brokers * 0.5 * 8760)


def test_the_command_line_says_which_price_is_missing_without_a_traceback(tmp_path):
    shutil.copy(ROOT / "tasks.py", tmp_path)
    (tmp_path / "inputs").mkdir()
    data = assessment("ap-southeast-1", ["self_managed_kafka", "msk_serverless"], controller_instance="m5.large")
    (tmp_path / "inputs" / "worked.json").write_text(json.dumps(data))
    done = subprocess.run([sys.executable, "-m", "invoke", "compute", "--customer", "worked"], cwd=tmp_path,
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "worked: FAILED" in done.stderr
    assert "the ap-southeast-1 prices have none for price_book.storage.block_per_gb_month" in done.stderr
    assert "also has no price for: " in done.stderr and "options.msk_serverless.cluster_hour" in done.stderr
    assert not (tmp_path / "output").exists()


@pytest.fixture
def catalogue_copy(tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def cut(path, pattern: str, replacement: str = "") -> None:
    text = path.read_text()
    changed = re.sub(pattern, replacement, text, count=1, flags=re.S)
    assert changed != text
    path.write_text(changed)


def test_a_book_lacking_a_key_other_books_have_is_refused(catalogue_copy):
    cut(catalogue_copy / "price_books" / "eu-west-1.toml", r"\[storage\.block_per_gb_month\].*?\n\n")
    with pytest.raises(CatalogueError, match=r"every region must give the same keys .*eu-west-1 lacks "
                                             r"price_book\.storage\.block_per_gb_month"):
        load_catalogue(catalogue_copy)


def test_a_book_that_does_not_price_an_instance_type_is_refused(catalogue_copy):
    cut(catalogue_copy / "price_books" / "us-west-2.toml", r'\[instances\."m7g\.large"\.price_per_hour\].*?\n\n')
    with pytest.raises(CatalogueError, match=r"us-west-2\.toml: prices no m7g\.large"):
        load_catalogue(catalogue_copy)


def test_an_option_without_a_table_for_each_region_is_refused(catalogue_copy):
    path = catalogue_copy / "options" / "msk_serverless.toml"
    path.write_text("\n\n".join(b for b in path.read_text().split("\n\n") if 'region."ap-northeast-1"' not in b))
    with pytest.raises(CatalogueError, match=r"msk_serverless\.toml: its region tables must match the price books.*"
                                             r"no table for 'ap-northeast-1'"):
        load_catalogue(catalogue_copy)


def test_a_missing_price_cannot_hold_a_value(catalogue_copy):
    cut(catalogue_copy / "price_books" / "eu-west-1.toml", r'(\[storage\.object_per_gb_month\]\n)', r"\1value = 0.02\n")
    with pytest.raises(CatalogueError, match=r"storage\.object_per_gb_month is marked missing but holds a value"):
        load_catalogue(catalogue_copy)


def test_no_region_borrows_another_regions_price():
    """Where a region's value equals us-east-1's, the entry says where it comes from: its own source, never a copy."""
    home = CATALOGUE.in_region("us-east-1").entries
    for region in REGIONS[1:]:
        for key, entry in CATALOGUE.in_region(region).entries.items():
            if key in CATALOGUE.regional[region] and not entry.missing:
                assert entry.origin != home[key].origin, (region, key)
