"""reportgen's tasks: `invoke --list` shows them, `invoke <task> --help` explains each flag.

This file only parses arguments and calls the library; the work lives in `reportgen/`. Each task imports
what it uses: pydantic, NumPy and the model take a quarter of a second, which `--list` and `--help`
need not wait for, and which a single report spends while its PDF's process imports WeasyPrint.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from datetime import date
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit

from reportgen.catalogue import load_catalogue
from reportgen.problems import ReportgenError
from reportgen.project import Project

PROJECT = Project(Path(__file__).resolve().parent)
# A task runs once and exits. Python's cyclic collector would spend about a tenth of a report's time
# walking objects that live until exit anyway; batch workers collect only past a memory limit (reportgen.build.batch).
gc.disable()


def _catalogue():
    """The catalogue, or the catalogue file's problem said in one line (exit 1), never a traceback."""
    try:
        return load_catalogue()
    except ReportgenError as exc:
        raise Exit(f"error: {exc}", code=1) from None


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
    from reportgen.build.pipeline import compute as compute_customer
    from reportgen.build.summary import summary

    catalogue = _catalogue()

    def run(slug):  # computing validates first; the summary needs the figures anyway
        print(summary(compute_customer(PROJECT, slug, catalogue).results) + "\n")
    _each(_slugs(customer, all), run)


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "all": "every assessment in inputs/"})
def compute(c, customer=None, all=False):
    """Validate and compute, then write output/<slug>/results.json."""
    from reportgen.build.pipeline import compute as compute_customer, write_results
    from reportgen.build.summary import summary

    catalogue = _catalogue()

    def run(slug):
        computed = compute_customer(PROJECT, slug, catalogue)
        path = write_results(PROJECT, computed)
        print(summary(computed.results))
        print(f"  wrote {path.relative_to(PROJECT.root)}\n")
    _each(_slugs(customer, all), run)


@task(help={"customer": "the customer's slug: inputs/<slug>.json (always rebuilt)",
            "all": "every assessment in inputs/, rebuilding only those whose inputs, catalogue values, "
                   "templates, theme or tool changed",
            "force": "with --all: rebuild every customer",
            "workers": "with --all: parallel worker processes (default: one per core)",
            "theme": "the brand: a folder in templates/themes/ (default: default)",
            "format": "pdf, html, xlsx (the live-formula workbook), both (pdf and html) or all (default)",
            "paper": "a4 or letter (default: a4)"})
def report(c, customer=None, all=False, force=False, workers=0, theme="default", format="all", paper="a4"):
    """Validate, compute, draw and render: the PDF, the HTML and the live-formula workbook of each customer."""
    from reportgen.build.batch import Settings, build_many
    from reportgen.build.summary import outcome_table

    formats = {"all": ("pdf", "html", "xlsx"), "both": ("pdf", "html"), "pdf": ("pdf",), "html": ("html",),
               "xlsx": ("xlsx",)}
    if format not in formats:
        raise Exit(f"--format must be one of {', '.join(formats)}, not {format!r}", code=2)
    if paper not in ("a4", "letter"):
        raise Exit(f"--paper must be a4 or letter, not {paper!r}", code=2)
    slugs = _slugs(customer, all)
    started = time.perf_counter()
    outcomes = build_many(PROJECT, slugs, _catalogue(), Settings(theme, formats[format], paper),
                          force=force or not all, workers=workers or None)
    print(outcome_table(outcomes))
    if not all and outcomes[0].status == "built":
        for path in outcomes[0].files:
            if path.endswith((".pdf", ".html", ".xlsx", "results.json")):
                print(f"  wrote {Path(path).relative_to(PROJECT.root)}")
        stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in outcomes[0].stages.items())
        print(f"  stages: {stages}")
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed:
        print(f"\n{outcome.slug}: FAILED\n{outcome.error}", file=sys.stderr)
    print(f"{len(outcomes)} customer(s) in {time.perf_counter() - started:.2f} s")
    if failed:
        raise Exit(f"{len(failed)} of {len(outcomes)} customer(s) failed", code=1)
    _done()


def _done() -> None:
    """End the process now: every file is written and synced, and the interpreter's teardown (a
    collection and freeing every object one by one, about 0.15 s) would only delay the prompt."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@task
def schema(c):
    """Write inputs/schema.json, the JSON schema editors use to autocomplete assessments, and
    inputs/results.schema.json, the results.json contract."""
    from reportgen.inputs.schema_export import schema_json
    from reportgen.build.writer import write_atomic
    from reportgen.model.contract import results_schema_json

    for name, data in (("schema.json", schema_json(_catalogue())), ("results.schema.json", results_schema_json())):
        write_atomic(PROJECT.inputs / name, data)
        print(f"wrote {(PROJECT.inputs / name).relative_to(PROJECT.root)}")


@task(help={"args": "extra arguments for pytest, e.g. '-k model -x'"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest -q {args}", pty=False)


@task(help={"customer": "the customer's slug: inputs/<slug>.json"})
def diff(c, customer):
    """Print what changed since the customer's last report: inputs, catalogue values, headline figures."""
    from reportgen.build.pipeline import diff as diff_customer
    from reportgen.build.summary import changes_text

    try:
        changes, results = diff_customer(PROJECT, customer, _catalogue())
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
    from reportgen.build.pipeline import new_assessment
    from reportgen.inputs.scaffold import TO_FILL

    try:
        path = new_assessment(PROJECT, customer, name, date.today(), _catalogue())
    except ReportgenError as exc:
        raise Exit(str(exc), code=1)
    print(f"wrote {path.relative_to(PROJECT.root)}; it validates with placeholder figures. Fill in:")
    for where, what in TO_FILL:
        print(f"  {where:<28} {what}")
    print(f"then: invoke validate --customer {customer}")
