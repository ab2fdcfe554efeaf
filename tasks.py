"""reportgen's tasks: `invoke --list` shows them, `invoke <task> --help` explains each flag.

This file only parses arguments and calls the library; the work lives in `reportgen/`.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit

from reportgen.catalogue import load_catalogue
from reportgen.pipeline import (Project, compute as compute_customer, diff as diff_customer, new_assessment,
                                validate as validate_customer, write_results)
from reportgen.problems import ReportgenError
from reportgen.schema_export import schema_json
from reportgen.scaffold import TO_FILL
from reportgen.summary import changes_text, summary
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


@task(help={"customer": "the customer's slug: inputs/<slug>.json"})
def diff(c, customer):
    """Print what changed since the customer's last report: inputs, catalogue values, headline figures."""
    try:
        changes, results = diff_customer(PROJECT, customer, load_catalogue())
    except ReportgenError as exc:
        raise Exit(str(exc), code=1)
    if changes is None:
        print(f"No previous report for {customer} in output/{customer}/: run `invoke report --customer {customer}` first.")
        return
    print(changes_text(changes, results))


@task(help={"customer": "slug of the new customer (lowercase letters, digits, hyphens): names inputs/<slug>.json",
            "name": "the customer's name as it should appear on the cover"})
def new(c, customer, name):
    """Write a starting assessment for a new customer, valid as written, and say what to fill in."""
    try:
        path = new_assessment(PROJECT, customer, name, date.today(), load_catalogue())
    except ReportgenError as exc:
        raise Exit(str(exc), code=1)
    print(f"wrote {path.relative_to(PROJECT.root)}; it validates with placeholder figures. Fill in:")
    for where, what in TO_FILL:
        print(f"  {where:<28} {what}")
    print(f"then: invoke validate --customer {customer}")
