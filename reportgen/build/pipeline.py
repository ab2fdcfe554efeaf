"""The pipeline's entry points, used by tasks.py and the tests: validate, compute, report.

Paths come in, files go out; everything between is pure. A run reads its assessment once, and
everything it makes comes from that one read. Nothing is written until every stage has succeeded,
and then the customer's folder is replaced whole (see writer.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.catalogue import Catalogue, load_catalogue
from reportgen.build.changes import compare_runs, previous_run
from reportgen.forked import Forked
from reportgen.inputs.loader import load_assessment
from reportgen.model.contract import Changes, Results
from reportgen.model.costs import evaluate
from reportgen.model.fairness import fair_baseline
from reportgen.inputs.jsonparse import parse
from reportgen.inputs.leaves import position
from reportgen.problems import InputError, Problem, ReportgenError, printable, shown_path
from reportgen.project import Project, is_customer_slug
from reportgen.model.results import build_results
from reportgen.inputs.scaffold import starting_assessment_json
from reportgen.model.scenario import catalogue_values, resolve
from reportgen.inputs.schema import Assessment
from reportgen.model.uncertainty import analyse
from reportgen.build.run import Computed, Stages
from reportgen.build.records import RecordedFile
from reportgen.build.writer import exclusive, json_bytes, shown, write_atomic, write_folder
from reportgen.build.releases import (RevisionPlan, check_against, numbers, read_release, release_dir,
                                      reproduced_changes)

READS = 3  # reads of an assessment that an editor keeps changing, before the run gives up


def validate(project: Project, slug: str, catalogue: Catalogue | None = None) -> Assessment:
    catalogue = catalogue or load_catalogue()
    return load_assessment(project.input_file(slug), catalogue, project.root)


def read_assessment(project: Project, slug: str, catalogue: Catalogue) -> tuple[Assessment, bytes]:
    """The validated assessment and the bytes it was read from, one snapshot: what the figures, the cover, the
    attachment and the manifest all come from, even if the file is edited meanwhile.

    The loader reads the file itself to place each problem at its line, so the snapshot is read first and
    the validated assessment must be the snapshot's; an edit landing between the two reads is read again.
    """
    path = project.input_file(slug)
    for _ in range(READS):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReportgenError(f"cannot read {shown_path(path, project.root)}: {exc.strerror}") from None
        assessment = load_assessment(path, catalogue, project.root)
        try:
            if Assessment.model_validate(parse(data.decode("utf-8-sig")).data) == assessment:
                return assessment, data
        except ValueError:  # the snapshot was half-saved; the loader read the finished file
            pass
    raise ReportgenError(f"{shown_path(path, project.root)} changed while it was read, {READS} times in a row; "
                         "run again once it is saved")


def compute(project: Project, slug: str, catalogue: Catalogue | None = None, memory_mb: int | None = None) -> Computed:
    """Validate and compute one customer; no file is written. A proposal that cannot carry the workload is
    refused; placeholders are only warned about (see `refusals`)."""
    catalogue = catalogue or load_catalogue()
    path = project.input_file(slug)
    computed = compute_assessment(*read_assessment(project, slug, catalogue), catalogue, memory_mb)
    _refuse(refusals(computed, shown_path(path, project.root), draft=True))
    return computed


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


def compute_assessment(assessment: Assessment, input_bytes: bytes, catalogue: Catalogue,
                       memory_mb: int | None = None) -> Computed:
    """The model and its ranges for one assessment; the ranges' simulation within `memory_mb` when given."""
    resolved = resolve(assessment)
    values = catalogue_values(resolved, catalogue)
    evaluation = evaluate(resolved, values)
    generated = {"inputs_sha256": hashlib.sha256(input_bytes).hexdigest(), "catalogue_sha256": catalogue.sha256}
    fairness = fair_baseline(resolved, evaluation, catalogue)
    ranges = analyse(assessment, catalogue, memory_bytes=memory_mb * 2**20 if memory_mb else None)
    results = build_results(resolved, evaluation, values, generated, ranges, json.loads(input_bytes), fairness)
    return Computed(assessment, resolved, values, results, input_bytes)


def refusals(computed: Computed, file: str, draft: bool = False) -> list[Problem]:
    """What stops a report, each at its line: a proposed option that cannot carry the workload, and (unless
    a draft is asked for) a placeholder `invoke new` left in the assessment."""
    results = computed.results
    parsed = parse(computed.input_bytes.decode("utf-8-sig"))
    line, column = parsed.where(("assessment", "proposed_option"))
    proposed = results.options[results.proposed_option]
    problems = [Problem(file, line, column, ("assessment", "proposed_option"),
                        f"is '{results.proposed_option}', which cannot carry the workload: {reason.message} "
                        f"(cluster '{reason.cluster}', year {reason.year}, limit: {reason.limit}); propose "
                        "another option, or reduce that cluster's workload")
                for reason in proposed.infeasible_reasons]
    if not draft:
        for note in results.warnings:
            if note.kind == "placeholder":
                path, line, column = position(parsed, note.path)
                problems.append(Problem(file, line, column, path, f"{note.message}; {note.reason} "
                                                                  "(or build a draft with --draft)"))
    return problems


def reviewer_lines(results: Results, input_bytes: bytes, file: str) -> list[str]:
    """The reviewer's warnings as `file:line:column: path: message (reason; source)`; those about the
    results, not a line of the assessment, are named by their path in results.json."""
    parsed = parse(input_bytes.decode("utf-8-sig"))
    lines = []
    for note in results.warnings:
        why = "; ".join(part for part in (note.reason, note.source) if part)
        if note.path.startswith("options."):
            lines.append(f"warning: results.json: {note.path}: {note.message} ({why})")
        else:
            _, line, column = position(parsed, note.path)
            lines.append(f"warning: {file}:{line}:{column}: {note.path}: {note.message}" + (f" ({why})" if why else ""))
    return lines


def write_results(project: Project, computed: Computed) -> tuple[Path, list[str]]:
    """results.json alone, under the folder's lock like a report, so that it never lands in the middle of one;
    with a line naming the report's files it leaves older than the inputs, if any."""
    folder = project.output_dir(computed.assessment.customer.slug)
    inputs_sha256 = hashlib.sha256(computed.input_bytes).hexdigest()
    with exclusive(folder):
        written = write_folder(folder, {"results.json": json_bytes(computed.results.as_json())}, inputs_sha256)
    return folder / "results.json", written.notes + older_outputs(folder, written.record, inputs_sha256)


def older_outputs(folder: Path, record: dict[str, RecordedFile], inputs_sha256: str) -> list[str]:
    """A line naming the files a partial build (one format, or results.json alone) left from other inputs."""
    older = sorted(name for name, file in record.items() if file.inputs_sha256 != inputs_sha256)
    if not older:
        return []
    files = [name for name in older if "/" not in name]
    nested = sorted({name.split("/")[0] + "/" for name in older if "/" in name})
    if nested:
        files.append(f"{len(older) - len(files)} file(s) under {', '.join(nested)}")
    return [f"warning: {shown(folder)}: {', '.join(files)} were built from other inputs than this run's; "
            "build every format (--format all) to bring them up to date"]


def changes_since_previous(project: Project, computed: Computed,
                           plan: RevisionPlan | None = None) -> tuple[Changes | None, list[str]]:
    """Appendix C: what moved since the release the customer last received (or the one `plan` names), and a
    warning when the run compared with cannot be read. Before any release, since the report last written.

    A build identical to a release carries that release's change log, and a rebuild of the previous build
    with nothing changed keeps its change log, so that the same inputs give the same bytes.
    """
    slug = computed.assessment.customer.slug
    if plan is not None and plan.reproduces is not None:
        return reproduced_changes(project, slug, plan), []
    baseline = plan.baseline if plan is not None else None
    changes, old_results, warning = _against(project, computed, baseline)
    if baseline is not None:
        return changes, [warning] if warning else []
    if changes is not None and not (changes.inputs or changes.catalogue or changes.headline):
        return old_results.changes, []
    return changes, [warning] if warning else []


def _against(project: Project, computed: Computed,
             release: int | None) -> tuple[Changes | None, Results | None, str | None]:
    """The comparison with a release of the customer's (or, with None, the build last written) and that run's
    results, or Nones and why."""
    slug = computed.assessment.customer.slug
    folder = release_dir(project, slug, release) if release is not None else project.output_dir(slug)
    previous, warning = previous_run(folder, project.root)
    if previous is None:
        return None, None, warning
    old_inputs, old_results = previous
    changes = compare_runs(old_inputs, json.loads(computed.input_bytes), old_results, computed.results)
    if release is not None:
        changes.previous.revision = release
        changes.previous.released_on = read_release(project, slug, release).released_on
    return changes, old_results, None


def diff(project: Project, slug: str, catalogue: Catalogue | None = None,
         against: int | None = None) -> tuple[Changes | None, Results]:
    """What a rebuild would change against the latest release (or release `against`), or against the last
    report before any release; nothing is written."""
    computed = compute(project, slug, catalogue)
    check_against(project, slug, against)
    baseline = against if against is not None else (numbers(project, slug) or [None])[-1]
    return _against(project, computed, baseline)[0], computed.results


def new_assessment(project: Project, slug: str, name: str, today, catalogue: Catalogue | None = None) -> Path:
    """Write a starting assessment that validates; never overwrite an existing one."""
    if not is_customer_slug(slug):
        raise ReportgenError(f"'{slug}' is not a usable slug: lowercase letters, digits and hyphens")
    path = project.inputs / f"{slug}.json"
    if path.exists():
        raise ReportgenError(f"inputs/{slug}.json exists already; choose another slug or edit it")
    write_atomic(path, starting_assessment_json(slug, name, today))
    try:
        validate(project, slug, catalogue)
    except ReportgenError:
        path.unlink()
        raise
    return path


LATEST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC, the last date a PDF can hold


def check_source_date_epoch() -> None:
    """SOURCE_DATE_EPOCH, when set, must be whole seconds since 1970 (the PDF's date, for reproducible builds)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value == "":
        return
    if not re.fullmatch(r"[0-9]+", value):
        raise ReportgenError(f"SOURCE_DATE_EPOCH is {printable(repr(value[:40]))}; it must be a whole number of seconds "
                             "since 1970-01-01 UTC, such as 1767225600, or unset")
    seconds = int(value) if len(value) <= 20 else LATEST_EPOCH * 10**6
    if seconds > LATEST_EPOCH:
        hint = f" (it looks like milliseconds: {seconds // 1000} is that time in seconds)" \
            if seconds // 1000 <= LATEST_EPOCH else ""
        raise ReportgenError(f"SOURCE_DATE_EPOCH is {printable(value[:20])}{'...' if len(value) > 20 else ''}, a date "
                             f"after the year 9999{hint}; it must be seconds since 1970-01-01 UTC, or unset")


@dataclass(frozen=True)
class Report:
    slug: str
    files: list[Path]
    stages: Stages
    results: Results
    input_bytes: bytes
    outputs: dict[str, RecordedFile]  # every file reportgen wrote that the customer's folder now holds
    notes: list[str]  # warning lines: a previous report that could not be read, files left older than the inputs
    revision: RevisionPlan | None  # the revision the build was stamped as (see releases.py), if one was asked for


def report(project: Project, slug: str, theme_id: str = "default", formats: tuple[str, ...] = ("pdf", "html"),
           paper: str = "a4", catalogue: Catalogue | None = None, renderer: Forked | None = None,
           draft: bool = False, memory_mb: int | None = None, pdf_standard: str = "ua-1",
           revision_of: Callable[[bytes], RevisionPlan] | None = None) -> Report:
    """Validate, compute, draw, render; then replace the customer's folder by one with every output, only once
    all succeeded.

    The assessment is read under the folder's lock: a run that waited for another builds from the file as it
    is once its turn comes. A `renderer` (see rendering.py) lays the PDF out in a second process; it ends
    with the report, whatever happens. `revision_of` gives the revision to stamp for the inputs read (see
    releases.py); without it the build carries none and Appendix C compares with the previous build.
    """
    from reportgen.build.assemble import build_report  # the rendering stack is imported only when a report is made

    check_source_date_epoch()
    stages = Stages()
    catalogue = catalogue or load_catalogue()
    path = project.input_file(slug)
    folder = project.output_dir(slug)
    with renderer or nullcontext():
        with exclusive(folder):  # the previous run is read (Appendix C) and replaced by one run at a time
            with stages.stage("validate"):
                assessment, input_bytes = read_assessment(project, slug, catalogue)
            with stages.stage("compute"):
                computed = compute_assessment(assessment, input_bytes, catalogue, memory_mb)
                _refuse(refusals(computed, shown_path(path, project.root), draft))
                plan = revision_of(input_bytes) if revision_of else None
                changes, notes = changes_since_previous(project, computed, plan)
                update = {"changes": changes}
                if plan is not None:
                    update["revision"] = plan.revision(assessment.assessment.date)
                computed = replace(computed, results=computed.results.model_copy(update=update))
            outputs = build_report(project, computed, theme_id, formats, paper, stages, renderer, draft,
                                   pdf_standard=pdf_standard)
            outputs["results.json"] = json_bytes(computed.results.as_json())
            outputs["inputs.json"] = computed.input_bytes
            inputs_sha256 = hashlib.sha256(input_bytes).hexdigest()
            with stages.stage("write"):
                written = write_folder(folder, outputs, inputs_sha256)
    notes += written.notes + older_outputs(folder, written.record, inputs_sha256)
    return Report(slug, [folder / name for name in outputs], stages, computed.results, computed.input_bytes,
                  written.record, notes, plan)
