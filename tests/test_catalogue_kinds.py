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
    edit(catalogue_copy / "options" / "confluent_cloud.toml", r"\[unit_hour\].*?\n\n", "")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(catalogue_copy)
    message = str(caught.value)
    assert "options/confluent_cloud.toml" in message and "'unit_hour'" in message and "'usage_based'" in message


def test_an_unknown_key_names_the_file_the_key_and_the_kind(catalogue_copy):
    edit(catalogue_copy / "options" / "msk_serverless.toml", r"\[cluster_hour\]", "[cluster_hours]\n"
         "value = 1\nunit = 'USD'\nsource = 's'\nas_of = '2026-01-01'\nstatus = 'cited'\n\n[cluster_hour]")
    with pytest.raises(CatalogueError, match=r"msk_serverless\.toml: .*'cluster_hours'.*'serverless' does not know"):
        load_catalogue(catalogue_copy)


def test_a_sixth_option_of_a_known_kind_is_one_file(catalogue_copy):
    shutil.copy(catalogue_copy / "options" / "msk.toml", catalogue_copy / "options" / "msk_express.toml")
    assert load_catalogue(catalogue_copy).options["msk_express"].pricing == "provisioned_service"


def test_a_provisioned_option_needs_broker_prices(catalogue_copy):
    path = catalogue_copy / "options" / "msk.toml"
    path.write_text("\n".join(block for block in path.read_text().split("\n\n") if "[brokers." not in block))
    with pytest.raises(CatalogueError, match=r"lacks the key 'brokers\.\*\.price_per_hour'"):
        load_catalogue(catalogue_copy)


def test_the_command_line_says_it_without_a_traceback(tmp_path):
    """`invoke validate` on a project whose catalogue lacks a key: one line, exit 1, no traceback."""
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(".git", "output", "__pycache__", ".hypothesis"))
    edit(clone / "reportgen" / "catalogue" / "options" / "msk.toml", r"\[storage_per_gb_month\].*?\n\n", "")
    done = subprocess.run([sys.executable, "-m", "invoke", "validate", "--customer", "acme"], cwd=clone,
                          capture_output=True, text=True, env={"PYTHONPATH": str(clone), "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "options/msk.toml" in done.stderr and "'storage_per_gb_month'" in done.stderr, done.stderr
