"""reportgen's tasks: `invoke --list` shows them, `invoke <task> --help` explains each flag.

This file only parses arguments and calls the library; the work lives in `reportgen/`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit

from reportgen.catalogue import load_catalogue
from reportgen.pipeline import (Project, compute as compute_customer, validate as validate_customer, write_results,
                                write_workbook)
from reportgen.problems import ReportgenError
from reportgen.schema_export import schema_json
from reportgen.summary import summary
from reportgen.writer import write_atomic

PROJECT = Project(Path(__file__).resolve().parent)


def _slugs(customer: str | None, all_: bool) -> list[str]:
    if all_ == bool(customer):
        raise Exit("give either --customer NAME or --all", code=2)
    return PROJECT.customers() if all_ else [customer]


def _each(slugs: list[str], action) -> None:
    """Run `action` for every customer, report every failure, exit 1 if any failed."""
    failed = 0
    for slug in slugs:
        try:
            action(slug)
        except ReportgenError as exc:
            failed += 1
            print(f"{slug}: FAILED\n{exc}", file=sys.stderr)
    if failed:
        raise Exit(f"{failed} of {len(slugs)} customer(s) failed", code=1)


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "all": "every assessment in inputs/"})
def validate(c, customer=None, all=False):
    """Check assessments and print a one-screen summary; every problem is listed with its line."""
    catalogue = load_catalogue()

    def run(slug):
        validate_customer(PROJECT, slug, catalogue)
        print(summary(compute_customer(PROJECT, slug, catalogue).results) + "\n")
    _each(_slugs(customer, all), run)


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "all": "every assessment in inputs/"})
def compute(c, customer=None, all=False):
    """Validate and compute, then write output/<slug>/results.json."""
    catalogue = load_catalogue()

    def run(slug):
        computed = compute_customer(PROJECT, slug, catalogue)
        path = write_results(PROJECT, computed)
        print(summary(computed.results))
        print(f"  wrote {path.relative_to(PROJECT.root)}\n")
    _each(_slugs(customer, all), run)


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "all": "every assessment in inputs/",
            "theme": "the theme whose colours the workbook takes (templates/themes/<theme>)"})
def workbook(c, customer=None, all=False, theme="default"):
    """Validate, compute and write output/<slug>/<slug>-kafka-tco-model.xlsx, the model as live formulas."""
    catalogue = load_catalogue()

    def run(slug):
        path = write_workbook(PROJECT, compute_customer(PROJECT, slug, catalogue), catalogue, theme)
        print(f"{slug}: wrote {path.relative_to(PROJECT.root)}")
    _each(_slugs(customer, all), run)


@task
def schema(c):
    """Write inputs/schema.json, the JSON schema editors use to autocomplete assessments."""
    path = PROJECT.inputs / "schema.json"
    write_atomic(path, schema_json(load_catalogue()))
    print(f"wrote {path.relative_to(PROJECT.root)}")


@task(help={"args": "extra arguments for pytest, e.g. '-k model -x'"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest -q {args}", pty=False)
