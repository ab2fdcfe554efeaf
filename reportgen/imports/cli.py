"""`invoke import`: read the customer's bill and metrics, print what would change in inputs/<customer>.json
(each value old -> new, with its source and period, and the conflicts), and with apply write it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path as FsPath

from reportgen.catalogue import Catalogue, load_catalogue
from reportgen.imports.apply import write_import
from reportgen.imports.bills.read import BillReading, read_bills
from reportgen.imports.bills.selector import Selector
from reportgen.imports.metrics.read import MetricsFile, parse_binding, read_metrics
from reportgen.imports.proposal import PREFERENCES, Change, Proposal, propose
from reportgen.imports.refusals import UsageError
from reportgen.inputs.jsonparse import parse
from reportgen.inputs.loader import load_assessment, read_text
from reportgen.inputs.schema import Assessment
from reportgen.project import Project

PART_LABELS = {"brokers": "brokers or units", "storage": "storage", "object_storage": "object storage",
               "cross_zone_transfer": "cross-zone transfer", "other_data_transfer": "other data transfer",
               "service_charges": "service charges", "support": "support"}


@dataclass(frozen=True)
class Outcome:
    status: int  # the process's exit status
    text: str  # what to print


def _number(value) -> str:
    """A value as the file holds it, readably: 6,000, 342.1, 0.6, a range as low to high, absent as (default)."""
    if value is None:
        return "(default)"
    if isinstance(value, dict):
        return f"{_number(value.get('low'))} to {_number(value.get('high'))} (likely {_number(value.get('likely'))})"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.1f}"


def _bill_lines(bill: BillReading, old: dict | None) -> list[str]:
    per_year = 365 / bill.days
    lines = [f"Bill: {bill.format}: {', '.join(bill.sources)}",
             f"  period {bill.start} to {bill.end - timedelta(days=1)} ({bill.days} days), "
             f"amounts in {bill.currency}; a year is the period scaled to 365 days",
             f"  Kafka's lines ({bill.selector}): {bill.kafka_lines:,} of {bill.file_lines:,} lines, "
             f"{bill.kafka_total:,.2f} of the file's {bill.file_total:,.2f}",
             f"  {'part':<24}{'billed':>16}{'per year':>16}"]
    for part, amount in bill.by_part.items():
        lines.append(f"  {PART_LABELS[part]:<24}{amount:>16,.2f}{amount * per_year:>16,.2f}")
    unclassified = sum(bill.unclassified.values())
    lines.append(f"  {'unclassified':<24}{unclassified:>16,.2f}{unclassified * per_year:>16,.2f}")
    for name, amount in sorted(bill.unclassified.items(), key=lambda kv: -abs(kv[1])):
        lines.append(f"    {name}: {amount:,.2f}")
    for (kind, name), amount in sorted(bill.adjustments.items()):
        lines.append(f"  {kind + ': ' + name:<24}{amount:>16,.2f}{amount * per_year:>16,.2f}")
    lines.append(f"  {'Kafka total':<24}{bill.kafka_total:>16,.2f}{bill.kafka_total * per_year:>16,.2f}")
    if old:
        lines.append(f"  replaces the bill of {old['period']['start']} to {old['period']['end']} "
                     f"from {', '.join(old['sources'])}")
    return lines


def _change_line(change: Change) -> str:
    arrow = "=" if change.status == "same" else "->"
    return (f"  {change.where:<34} {_number(change.old):>12} {arrow} {_number(change.new):<10} "
            f"{change.source}, {change.period}: {change.read}")


def describe(proposal: Proposal, bill: BillReading | None, old_bill: dict | None, prefer: str) -> list[str]:
    lines = _bill_lines(bill, old_bill) + [""] if bill is not None else []
    settled = [c for c in proposal.changes if c.status != "conflict"]
    if settled or proposal.clusters:
        lines.append("Workload (old -> new; = where the file already holds the measured value):")
        lines += [_change_line(c) for c in settled]
        for cluster, measures in proposal.clusters.items():
            shown = ", ".join(f"{k.replace('_', ' ')} {_number(v)}" for k, v in measures.items())
            lines.append(f"  measured.clusters.{cluster}: {shown}")
        lines.append("")
    conflicts = proposal.conflicts()
    if conflicts:
        kept = "typed values kept; --prefer measured takes the measured ones" if prefer == "typed" else \
            "the measured values replace the typed ones (--prefer measured)"
        lines.append(f"Conflicts ({kept}):")
        lines += [f"  {c.where:<34} typed {_number(c.old)}, measured {_number(c.new)} ({c.source}, {c.period})"
                  for c in conflicts]
        lines.append("")
    if proposal.warnings:
        lines.append("Warnings:")
        lines += [f"  - {w}" for w in proposal.warnings]
        lines.append("")
    return lines


def _files(specs: list[str], root: FsPath) -> list[tuple[FsPath, str]]:
    return [(FsPath(spec) if FsPath(spec).is_absolute() else root / spec, spec) for spec in specs]


def run_import(project: Project, customer: str | None, bills: list[str], metrics: list[str],
               tags: list[str] = (), resource_ids: list[str] = (), services: list[str] = (),
               apply: bool = False, prefer: str = "typed", catalogue: Catalogue | None = None,
               cwd: FsPath | None = None) -> Outcome:
    """Import the bill and metrics files into the customer's assessment; with `apply`, write it.

    Paths are relative to `cwd` (the folder the command runs in). Every refusal is a ReportgenError naming
    the file and what to do; nothing is written then.
    """
    if not customer:
        raise UsageError("give --customer NAME: the assessment inputs/<name>.json to import into")
    if prefer not in PREFERENCES:
        raise UsageError(f"--prefer must be {' or '.join(PREFERENCES)}, not {prefer!r}")
    if not bills and not metrics:
        raise UsageError("give at least one --bill FILE or --metrics FILE to import (see --help)")
    cwd = cwd or FsPath.cwd()
    catalogue = catalogue or load_catalogue()
    file = project.input_file(customer)
    shown = f"inputs/{customer}.json"
    assessment = load_assessment(file, catalogue, project.root)
    before = read_text(file, shown)
    data = parse(before).data
    clusters = [c.name for c in assessment.clusters]
    selector = Selector.parse(list(tags), list(resource_ids), list(services))
    bill = read_bills(_files(bills, cwd), selector) if bills else None
    bound = [parse_binding(spec, clusters) for spec in metrics]
    readings = read_metrics([MetricsFile(path, name, cluster) for (cluster, _), (path, name)
                             in zip(bound, _files([spec for _, spec in bound], cwd))], clusters)
    proposal = propose(data, assessment.assessment.currency, bill, readings)
    old_bill = (data.get("measured") or {}).get("bill")
    mode = "writing it" if apply else "a dry run: nothing is written; --apply writes it"
    lines = [f"{customer}: import into {shown} ({mode})", ""] + describe(proposal, bill, old_bill, prefer)
    updated = proposal.updated(data, prefer)
    if bill is not None:
        lines += suggestions(updated, catalogue)
    assignments = [(c.path, c.new) for c in proposal.changes if c.applies(prefer)]
    if "measured" in updated and updated.get("measured") != data.get("measured"):
        assignments.append((("measured",), updated["measured"]))
    if not assignments:
        lines.append(f"Nothing to change in {shown}.")
    elif apply:
        write_import(file, shown, before, assignments, catalogue, project.root)
        values = sum(1 for c in proposal.changes if c.applies(prefer))
        lines.append(f"wrote {shown}: {values} value(s){', the bill' if bill else ''} and their provenance "
                     "(measured); `invoke report` now reconciles the model with them")
    else:
        lines.append(f"run again with --apply to write {len(assignments)} change(s) into {shown}")
    return Outcome(0, "\n".join(lines))


def suggestions(updated: dict, catalogue: Catalogue) -> list[str]:
    """The model of today set against the imported bill, part by part, and for a variance above 15 % the
    inputs most likely behind it: what to check before the report is built."""
    from reportgen.build.pipeline import compute_assessment  # the model, only when a bill was read
    try:
        assessment = Assessment.model_validate(updated)
    except ValueError:
        return []  # the write's own validation says what is wrong
    text = json.dumps(updated).encode()
    reconciliation = compute_assessment(assessment, text, catalogue).results.reconciliation
    if reconciliation is None:
        return []
    lines = ["", "The model of today against the bill (a year):"]
    for row in reconciliation.rows:
        if row.billed is None:
            lines.append(f"  {row.label:<36} modelled {row.modelled:>14,.0f}   not in this bill")
            continue
        share = f"{row.variance_pct:+.0%}" if row.variance_pct is not None else "–"
        lines.append(f"  {row.label:<36} modelled {row.modelled:>14,.0f}   billed {row.billed:>14,.0f}   {share:>6}")
        if row.likely_input:
            lines.append(f"      check: {row.likely_input}")
    return lines
