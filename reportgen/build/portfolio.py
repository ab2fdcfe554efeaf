"""Every customer's headline figures in one table for the CRM (`invoke export --all`).

A row is read from the customer's last built `output/<slug>/results.json` through the results contract, so the
CRM gets exactly the figures the report printed, unrounded, and says whether that build is what the customer was
sent: every file of the latest release (`releases/<slug>/r<N>/`) is in output/<slug>/ byte for byte. The files
are written whole (a reader never meets half of one) and hold nothing but the reports' figures, so the same
reports and releases give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from reportgen.build.fingerprint import output_problem
from reportgen.build.releases import latest
from reportgen.build.state import FileDigests
from reportgen.build.writer import json_bytes, write_atomic
from reportgen.model.contract import Results
from reportgen.problems import ReportgenError
from reportgen.project import Project

# The columns in their order: README.md's table under "Figures for the CRM" documents each (a test compares them).
COLUMNS = (
    "slug", "name", "revision", "revision_date", "released", "currency",
    "current_option", "proposed_option", "current_option_name", "proposed_option_name",
    "horizon_years", "tco_hard_current", "tco_hard_proposed", "savings", "savings_pct", "roi", "npv",
    "payback_months", "savings_p10", "savings_p90", "cost_per_incident", "catalogue_version", "inputs_sha256",
)
CSV_NAME, JSON_NAME = "portfolio.csv", "portfolio.json"
# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may shift it into one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def row(results: Results, released: bool) -> dict:
    """One customer's figures: the proposal's, over the assessment's horizon, as results.json holds them."""
    current, proposed = results.options[results.current_option], results.options[results.proposed_option]
    revision = results.revision
    return dict(zip(COLUMNS, (
        results.customer.slug, results.customer.name,
        revision.number if revision else None, revision.date if revision else None,
        released, results.currency,
        results.current_option, results.proposed_option, current.name, proposed.name,
        results.horizon_years, current.tco_hard, proposed.tco_hard,
        proposed.savings, proposed.savings_pct, proposed.roi, proposed.npv, proposed.payback_months,
        proposed.range.savings.p10, proposed.range.savings.p90,
        results.cost_per_incident, results.generated.catalogue_version, results.generated.inputs_sha256,
    ), strict=True))


def rows(results_by_slug: dict[str, Results], released: set[str]) -> list[dict]:
    """A row per customer, sorted by slug; `released` holds the customers whose build is their latest release."""
    return [row(results_by_slug[slug], slug in released) for slug in sorted(results_by_slug)]


def csv_cell(value) -> int | float | str:
    """A value as the CSV holds it: a number as it is (written unquoted, as Python's shortest repr that reads back
    the same float), null empty, booleans true/false, and text a spreadsheet would run as a formula led by `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_bytes(table: list[dict]) -> bytes:
    """Text is always quoted: with `\n` line ends the csv module would leave a carriage return in a name
    unquoted, and a reader would split the row there."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell(line[column]) for column in COLUMNS] for line in table)
    return text.getvalue().encode("utf-8")


def portfolio_json(table: list[dict]) -> bytes:
    """The same rows as objects, with the column order beside them for a reader that keeps none."""
    return json_bytes({"columns": list(COLUMNS), "rows": table})


@dataclass(frozen=True)
class Export:
    files: list[Path]
    exported: list[str]
    not_exported: list[tuple[str, str]]  # slug, why and what to run: no report, or one that cannot be read
    stale: list[str]  # exported from a report whose assessment has changed since


def read_results(project: Project, slug: str) -> tuple[Results | None, str | None]:
    """The customer's last built results, or why there are none this version can read and the command to run."""
    path, rebuild = project.output_dir(slug) / "results.json", f"run invoke report --customer {slug}"
    if not path.is_file():
        return None, f"no report in output/{slug}/: {rebuild}"
    try:
        results = Results.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        return None, f"output/{slug}/results.json is not this version's results ({where}: {first['msg']}): {rebuild}"
    except OSError as exc:
        return None, f"output/{slug}/results.json cannot be read ({exc.strerror or exc}): {rebuild}"
    if results.customer.slug != slug:
        return None, f"output/{slug}/results.json holds the results of {results.customer.slug!r}: {rebuild}"
    return results, None


def is_released(project: Project, slug: str, digests: FileDigests) -> bool:
    """Whether output/<slug>/ holds the latest release's build unchanged: what the customer was last sent."""
    record = latest(project, slug)
    return record is not None and output_problem(project.output_dir(slug), record.build.model_dump()["outputs"],
                                                 digests) is None


def export(project: Project, slugs: list[str]) -> Export:
    """Write output/portfolio.csv and .json with a row for each of `slugs` that has a readable report."""
    built, released, not_exported, stale = {}, set(), [], []
    digests = FileDigests(project.cache / "digests.json")
    for slug in slugs:
        results, why = read_results(project, slug)
        if results is not None:
            try:
                if is_released(project, slug, digests):
                    released.add(slug)
            except ReportgenError as exc:  # a release record that cannot be read: it says how to restore it
                results, why = None, str(exc)
        if results is None:
            not_exported.append((slug, why))
            continue
        built[slug] = results
        assessment = project.inputs / f"{slug}.json"
        if hashlib.sha256(assessment.read_bytes()).hexdigest() != results.generated.inputs_sha256:
            stale.append(slug)
    table = rows(built, released)
    files = [project.output / CSV_NAME, project.output / JSON_NAME]
    for path, data in zip(files, (csv_bytes(table), portfolio_json(table))):
        write_atomic(path, data)
    return Export(files, sorted(built), not_exported, stale)
