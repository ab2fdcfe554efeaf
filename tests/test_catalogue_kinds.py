"""An option file is checked against what its pricing kind declares (catalogue/pricing_kinds.toml)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from reportgen.catalogue import CATALOGUE_DIR, CatalogueError, load_catalogue

from .conftest import ROOT


@pytest.fixture
def catalogue_copy(tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, folder)
    return folder


def edit(path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    changed = re.sub(pattern, replacement, text, count=1, flags=re.S)
    assert changed != text
    path.write_text(changed)


def test_the_shipped_options_hold_what_their_kinds_need():
    assert set(load_catalogue().options) >= {"self_managed_kafka", "confluent_platform", "confluent_cloud", "msk",
                                             "msk_serverless"}


def test_a_missing_key_names_the_file_the_key_and_the_kind(catalogue_copy):
    edit(catalogue_copy / "options" / "confluent_cloud.toml", r"\[ingress_per_unit_mbps\].*?\n\n", "")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(catalogue_copy)
    message = str(caught.value)
    assert "options/confluent_cloud.toml" in message and "'ingress_per_unit_mbps'" in message and "'usage_based'" in message


def test_an_unknown_key_names_the_file_the_key_and_the_kind(catalogue_copy):
    edit(catalogue_copy / "options" / "msk_serverless.toml", r"\[ingress_limit_mbps\]", "[cluster_hours]\n"
         "value = 1\nunit = 'USD'\nsource = 's'\nas_of = '2026-01-01'\nstatus = 'cited'\n\n[ingress_limit_mbps]")
    with pytest.raises(CatalogueError, match=r"msk_serverless\.toml: .*'cluster_hours'.*'serverless' does not know"):
        load_catalogue(catalogue_copy)


def test_another_option_of_a_known_kind_is_one_file(catalogue_copy):
    """Its regional prices come with it: the file holds a table for every region."""
    shutil.copy(catalogue_copy / "options" / "msk.toml", catalogue_copy / "options" / "msk_resold.toml")
    catalogue = load_catalogue(catalogue_copy)
    assert catalogue.options["msk_resold"].pricing == "provisioned_service"
    assert catalogue.in_region("us-east-1").entries["options.msk_resold.storage_per_gb_month"].value == 0.1
    assert catalogue.in_region("eu-west-1").entries["options.msk_resold.storage_per_gb_month"].missing


def test_a_provisioned_option_needs_broker_prices(catalogue_copy):
    path = catalogue_copy / "options" / "msk.toml"
    path.write_text("\n\n".join(block for block in path.read_text().split("\n\n") if ".brokers." not in block))
    with pytest.raises(CatalogueError, match=r"lacks the key 'brokers\.\*\.price_per_hour'"):
        load_catalogue(catalogue_copy)


def test_the_command_line_says_it_without_a_traceback(tmp_path):
    """`invoke validate` on a project whose catalogue lacks a key: one line, exit 1, no traceback."""
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(".git", "output", "__pycache__", ".hypothesis"))
    edit(clone / "reportgen" / "catalogue" / "options" / "msk.toml", r"\[incident_factor\].*?\n\n", "")
    done = subprocess.run([sys.executable, "-m", "invoke", "validate", "--customer", "acme"], cwd=clone,
                          capture_output=True, text=True, env={"PYTHONPATH": str(clone), "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "options/msk.toml" in done.stderr and "'incident_factor'" in done.stderr, done.stderr


def test_a_second_diskless_vendor_is_only_a_data_file(catalogue_copy, tmp_path):
    """Another diskless vendor: a copy of warpstream.toml with its own name and fees, no code; it loads as the
    diskless kind and an assessment listing it is sized and priced by the same rules."""
    from .test_regions import assessment, computed
    text = (catalogue_copy / "options" / "warpstream.toml").read_text()
    text = text.replace('name = "WarpStream BYOC"', 'name = "Another Diskless BYOC"', 1)
    text = text.replace('short_name = "WarpStream"', 'short_name = "Another"', 1)
    text = re.sub(r"(\[cluster_hour\]\nvalue = )[\d.]+", r"\g<1>2", text, count=1)
    (catalogue_copy / "options" / "another_diskless.toml").write_text(text)
    catalogue = load_catalogue(catalogue_copy)
    assert catalogue.options["another_diskless"].pricing == "diskless"
    results = computed(assessment("us-east-1", ["self_managed_kafka", "another_diskless", "warpstream"]),
                       tmp_path, catalogue)
    ours, theirs = results["options"]["another_diskless"], results["options"]["warpstream"]
    assert ours["years"][1]["service_charges"]["capacity"] == pytest.approx(2 * 8760)
    assert ours["sizing"] == theirs["sizing"]
    assert ours["years"][1]["infrastructure"] == theirs["years"][1]["infrastructure"]


def test_a_diskless_option_names_one_agent_instance(catalogue_copy):
    path = catalogue_copy / "options" / "warpstream.toml"
    path.write_text(path.read_text() + '\n[agents."m5.xlarge".min_per_zone]\nvalue = 1\nunit = "agents"\n'
                    'source = "s"\nas_of = "2026-12-06"\nstatus = "derived"\n')
    with pytest.raises(CatalogueError, match=r"warpstream\.toml.*agents"):
        load_catalogue(catalogue_copy)


def test_the_low_latency_mark_separates_diskless_from_broker_options():
    catalogue = load_catalogue()
    marks = {o: catalogue.options[o].capabilities["low_latency"] for o in ("warpstream", "msk_express", "msk")}
    assert marks == {"warpstream": "no", "msk_express": "yes", "msk": "yes"}
