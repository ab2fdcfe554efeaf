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
from reportgen.problems import ReportgenError, printable
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


def _slugs(customer: str | None, all_: bool) -> tuple[list[str], int]:
    """The customers to work on, and how many files in inputs/ `--all` skips: each is named on stderr with why."""
    if all_ == bool(customer):
        raise Exit("give either --customer NAME or --all", code=2)
    if not all_:
        return [customer], 0
    slugs, skipped = PROJECT.assessments()
    for name, why in skipped:
        _error(f"skipped inputs/{name}: {why}")
    return slugs, len(skipped)


def _error(text: str) -> None:
    """A message on stderr, each control character from an input shown escaped (see problems.printable)."""
    print(printable(text, keep_newlines=True), file=sys.stderr)


def _skipped(count: int) -> str:
    return f"{count} file(s) in inputs/ skipped (named above); rename them to be read" if count else ""


def _warn(computed) -> None:
    """The reviewer's warnings, on stderr: they never block, and never reach the customer's PDF."""
    from reportgen.build.pipeline import reviewer_lines

    slug = computed.assessment.customer.slug
    for line in reviewer_lines(computed.results, computed.input_bytes, f"inputs/{slug}.json"):
        _error(line)


def _required(**flags) -> None:
    """Flags a task cannot run without. They are options with no default value rather than positional
    arguments, because Invoke reads `--help` after a task as the value of its first positional argument."""
    missing = [f"--{flag}" for flag, value in flags.items() if value is None]
    if missing:
        raise Exit(f"give {' and '.join(missing)} (see --help)", code=2)


def _each(customer: str | None, all_: bool, action) -> None:
    """Run `action` for every customer, report every failure, exit 1 if any failed or a file was skipped."""
    slugs, skipped = _slugs(customer, all_)
    failed = 0
    for slug in slugs:
        try:
            action(slug)
        except ReportgenError as exc:
            failed += 1
            _error(f"{slug}: FAILED\n{exc}")
    if failed or skipped:
        raise Exit("; ".join(filter(None, [f"{failed} of {len(slugs)} customer(s) failed" if failed else "",
                                           _skipped(skipped)])), code=1)


def _memory(memory_budget: int) -> int | None:
    if memory_budget < 0:
        raise Exit(f"--memory-budget must be a number of MB, not {memory_budget}", code=2)
    return memory_budget or None


AGAINST_HELP = ("the release Appendix C compares with, as rN (default: the latest release of the customer; before "
                "the first release, the previous build)")


def _revision(against: str | None) -> int | None:
    """`--against r2` (or 2) as the release's number."""
    if against is None:
        return None
    number = str(against).removeprefix("r")
    if not number.isdigit() or int(number) < 1:
        raise Exit(f"--against must name a release as rN, such as r2, not {printable(str(against))!r}", code=2)
    return int(number)


MEMORY_HELP = ("the memory one report's range simulation may use, in MB (default: a quarter of this machine's "
               "memory, shared among the workers, at most 2048)")


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "all": "every assessment in inputs/",
            "memory-budget": MEMORY_HELP})
def validate(c, customer=None, all=False, memory_budget=0):
    """Check assessments and print a one-screen summary; every problem is listed with its line."""
    from reportgen.build.batch import memory_share
    from reportgen.build.pipeline import compute as compute_customer
    from reportgen.build.summary import summary

    catalogue, memory_mb = _catalogue(), _memory(memory_budget) or memory_share(1)

    def run(slug):  # computing validates first; the summary needs the figures anyway
        computed = compute_customer(PROJECT, slug, catalogue, memory_mb)
        print(summary(computed.results) + "\n")
        _warn(computed)
    _each(customer, all, run)


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "all": "every assessment in inputs/",
            "memory-budget": MEMORY_HELP})
def compute(c, customer=None, all=False, memory_budget=0):
    """Validate and compute, then write output/<slug>/results.json."""
    from reportgen.build.batch import memory_share
    from reportgen.build.pipeline import compute as compute_customer, write_results
    from reportgen.build.summary import summary

    catalogue, memory_mb = _catalogue(), _memory(memory_budget) or memory_share(1)

    def run(slug):
        computed = compute_customer(PROJECT, slug, catalogue, memory_mb)
        path, notes = write_results(PROJECT, computed)
        print(summary(computed.results))
        print(f"  wrote {path.relative_to(PROJECT.root)}\n")
        _warn(computed)
        for line in notes:
            _error(f"{slug}: {line}")
    _each(customer, all, run)


@task(help={"customer": "the customer's slug: inputs/<slug>.json (always rebuilt)",
            "all": "every assessment in inputs/, rebuilding only those whose inputs, catalogue values, "
                   "templates, theme or tool changed",
            "force": "with --all: rebuild every customer",
            "workers": "with --all: parallel worker processes (default: one per core)",
            "theme": "the brand: a folder in templates/themes/ (default: default)",
            "format": "pdf, html, xlsx (the live-formula workbook), onepager (the one-page summary PDF), slides "
                      "(the editable PowerPoint deck), both (pdf and html) or all (default: every one)",
            "paper": "a4 or letter (default: a4)",
            "draft": "render although placeholders from `invoke new` are left, with DRAFT on every page",
            "pdf-standard": "ua-1 (default: tagged, accessible PDF/UA-1), a-3a (archival PDF/A-3a, the assessment "
                            "attached as its source data) or none (untagged)",
            "timeout": "seconds one report may take before it is stopped and reported failed (default: 1800)",
            "final": "the revision to send: stamped \"Revision N, date\" without \"(draft)\", ready for "
                     "`invoke release`",
            "against": AGAINST_HELP,
            "memory-budget": MEMORY_HELP})
def report(c, customer=None, all=False, force=False, workers=0, theme="default", format="all", paper="a4",
           draft=False, timeout=0, memory_budget=0, pdf_standard="ua-1", final=False, against=None):
    """Validate, compute, draw and render each customer's PDF, HTML, workbook, one-page summary and slides."""
    from reportgen.build.batch import DEFAULT_TIMEOUT, Interrupted, Limits, Settings, build_many
    from reportgen.build.names import FORMATS
    from reportgen.build.summary import outcome_table

    formats = {"all": FORMATS, "both": ("pdf", "html"), **{name: (name,) for name in FORMATS}}
    if format not in formats:
        raise Exit(f"--format must be one of {', '.join(formats)}, not {format!r}", code=2)
    if paper not in ("a4", "letter"):
        raise Exit(f"--paper must be a4 or letter, not {paper!r}", code=2)
    from reportgen.pdf.render import STANDARDS
    if pdf_standard not in STANDARDS:
        raise Exit(f"--pdf-standard must be one of {', '.join(STANDARDS)}, not {pdf_standard!r}", code=2)
    if timeout < 0:
        raise Exit(f"--timeout must be a number of seconds, not {timeout}", code=2)
    if final and draft:
        raise Exit("--final builds the revision to send; a --draft cannot be one (fill the placeholders first)",
                   code=2)
    limits = Limits(float(timeout) or DEFAULT_TIMEOUT, _memory(memory_budget))
    slugs, skipped = _slugs(customer, all)
    started = time.perf_counter()
    try:
        outcomes = build_many(PROJECT, slugs, _catalogue(), Settings(theme, formats[format], paper, draft, pdf_standard,
                                                                        final, _revision(against)),
                              force=force or not all, workers=workers or None, limits=limits)
    except Interrupted as stop:
        print(outcome_table(stop.outcomes))
        raise Exit(f"interrupted: nothing is left running; the customers built are saved and up to date; run the "
                   f"same command again to build the {sum(o.status == 'not built' for o in stop.outcomes)} not "
                   "built", code=stop.status) from None
    except ReportgenError as exc:
        raise Exit(f"error: {printable(str(exc), keep_newlines=True)}", code=2) from None
    print(outcome_table(outcomes))
    if not all and outcomes[0].status == "built":
        for path in outcomes[0].files:
            if path.endswith((".pdf", ".html", ".xlsx", ".pptx", "results.json")):
                print(f"  wrote {Path(path).relative_to(PROJECT.root)}")
        stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in outcomes[0].stages.items())
        print(f"  stages: {stages}")
        print(f"  carries {outcomes[0].revision}" + ("" if final else "; `--final` builds the revision to send"))
    for outcome in outcomes:
        for line in outcome.warnings:
            _error(f"{outcome.slug}: {line}")
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed:
        _error(f"\n{outcome.slug}: FAILED\n{outcome.error}")
    print(f"{len(outcomes)} customer(s) in {time.perf_counter() - started:.2f} s")
    if failed or skipped:
        raise Exit("; ".join(filter(None, [f"{len(failed)} of {len(outcomes)} customer(s) failed" if failed else "",
                                           _skipped(skipped)])), code=1)
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


@task(help={"customer": "the customer's slug: inputs/<slug>.json", "against": AGAINST_HELP})
def diff(c, customer=None, against=None):
    """Print what changed since the release the customer last received (before any, the last report)."""
    from reportgen.build.changes import previous_run
    from reportgen.build.pipeline import diff as diff_customer
    from reportgen.build.summary import changes_text

    _required(customer=customer)
    try:
        changes, results = diff_customer(PROJECT, customer, _catalogue(), _revision(against))
    except ReportgenError as exc:
        raise Exit(printable(str(exc), keep_newlines=True), code=1)
    if changes is None:
        _, unreadable = previous_run(PROJECT.output_dir(customer), PROJECT.root)
        if unreadable:
            _error(unreadable)
        print(f"No previous report for {customer} in output/{customer}/ to compare with: run "
              f"`invoke report --customer {customer}` first.")
        return
    print(changes_text(changes, results))


@task(help={"customer": "the customer's slug: freeze output/<slug>/ as its next revision",
            "all": "every customer whose build is ready to release (the others are named with why)",
            "note": "why this revision is sent, e.g. \"after CFO call\" (kept in release.json and listed by "
                    "`invoke releases`)"})
def release(c, customer=None, all=False, note=""):
    """Freeze the customer's final build as the next revision under releases/<slug>/r<N>/, with SHA-256 digests."""
    from reportgen.build.releases import Releaser

    releaser = Releaser(PROJECT, _catalogue())

    def run(slug):
        record = releaser.release(slug, note, date.today())
        folder = f"releases/{slug}/r{record.revision}/"
        print(f"{slug}: released {record.label} as {folder} ({len(record.files)} files, digests in "
              f"{folder}release.json)")
    _each(customer, all, run)


@task(help={"customer": "the customer's slug"})
def releases(c, customer=None):
    """List a customer's revisions: date, note, headline figures; and whether the build in output/ is released."""
    from reportgen.build.releases import listing

    _required(customer=customer)
    try:
        print(listing(PROJECT, customer))
    except ReportgenError as exc:
        raise Exit(f"error: {printable(str(exc), keep_newlines=True)}", code=1) from None


@task(help={"customer": "slug of the new customer (lowercase letters, digits, hyphens): names inputs/<slug>.json",
            "name": "the customer's name as it should appear on the cover"})
def new(c, customer=None, name=None):
    """Write a starting assessment for a new customer, valid as written, and say what to fill in."""
    from reportgen.build.pipeline import new_assessment
    from reportgen.inputs.scaffold import MARKER, TO_FILL

    _required(customer=customer, name=name)
    try:
        path = new_assessment(PROJECT, customer, name, date.today(), _catalogue())
    except ReportgenError as exc:
        raise Exit(str(exc), code=1)
    print(f"wrote {path.relative_to(PROJECT.root)}; it validates with placeholder figures. Fill in:")
    for where, what in TO_FILL:
        print(f"  {where:<28} {what}")
    print(f"Each is marked {MARKER!r} in the file: replace the value, then delete the marker. `invoke report` "
          f"refuses while a marker is left (--draft renders anyway, marked DRAFT).\n"
          f"then: invoke validate --customer {customer}")


@task(name="import", iterable=["bill", "metrics", "tag", "resource_id", "service"],
      help={"customer": "the customer's slug: inputs/<slug>.json, which the measured values go into",
            "bill": "a cost export: FOCUS 1.0-1.3 or AWS CUR 2.0 (CSV, gzip or Parquet), or Confluent Cloud costs "
                    "(JSON); repeat the flag for several files",
            "metrics": "a metrics export: Prometheus text, CloudWatch get-metric-data JSON, kafka-log-dirs.sh or "
                       "kafka-topics.sh output; CLUSTER=FILE says which cluster it describes; repeatable",
            "tag": "KEY=VALUE: a bill line with this resource tag is Kafka's (repeatable)",
            "resource_id": "a bill line whose resource id contains this text is Kafka's (repeatable)",
            "service": "a bill line of this service is Kafka's: msk, confluent or the bill's own name (repeatable)",
            "apply": "write the measured values, the bill and their provenance into inputs/<slug>.json",
            "prefer": "typed (default: keep a typed value that differs from the measured one) or measured"})
def import_(c, customer=None, bill=None, metrics=None, tag=None, resource_id=None, service=None, apply=False,
            prefer="typed"):
    """Read the customer's bill and metrics; print each value old -> new with its source, --apply writes them."""
    from reportgen.imports.cli import run_import

    _required(customer=customer)
    try:
        outcome = run_import(PROJECT, customer, bill or [], metrics or [], tag or [], resource_id or [],
                             service or [], apply, prefer, _catalogue())
    except ReportgenError as exc:
        raise Exit(f"error: {printable(str(exc), keep_newlines=True)}", code=1) from None
    print(outcome.text)
    if outcome.status:
        raise Exit(code=outcome.status)


@task(help={"all": "every assessment in inputs/ (required: the export is always the whole portfolio)"})
def export(c, all=False):
    """Write every built report's headline figures to output/portfolio.csv and .json for the CRM; a customer
    with no report this version can read is named on stderr, and the export exits 1 after writing the rest."""
    from reportgen.build.portfolio import export as export_portfolio

    if not all:
        raise Exit("give --all: the export holds every customer's figures (see --help)", code=2)
    slugs, skipped = _slugs(None, True)
    try:
        done = export_portfolio(PROJECT, slugs)
    except ReportgenError as exc:
        raise Exit(f"error: {printable(str(exc), keep_newlines=True)}", code=1) from None
    for slug in done.stale:
        _error(f"warning: {slug}: exported from its last report, but inputs/{slug}.json has changed since: "
               f"run invoke report --customer {slug}")
    for slug, why in done.not_exported:
        _error(f"{slug}: not exported: {why}")
    print(f"wrote {' and '.join(str(path.relative_to(PROJECT.root)) for path in done.files)}: "
          f"{len(done.exported)} customer(s)")
    if done.not_exported or skipped:
        raise Exit("; ".join(filter(None, [f"{len(done.not_exported)} of {len(slugs)} customer(s) not exported"
                                           if done.not_exported else "", _skipped(skipped)])), code=1)
