"""The pipeline's entry points, used by tasks.py and the tests: validate, compute.

Paths come in, files go out; everything between is pure. Nothing is written until every stage
has succeeded.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from reportgen.catalogue import Catalogue, load_catalogue
from reportgen.build.changes import compare_runs, previous_run
from reportgen.forked import Forked
from reportgen.inputs.loader import load_assessment
from reportgen.model.costs import evaluate
from reportgen.problems import ReportgenError
from reportgen.project import Project, is_customer_slug
from reportgen.model.results import build_results
from reportgen.inputs.scaffold import starting_assessment_json
from reportgen.model.scenario import catalogue_values, resolve
from reportgen.inputs.schema import Assessment
from reportgen.model.uncertainty import analyse
from reportgen.build.run import Computed, Stages
from reportgen.build.writer import exclusive, json_bytes, prune, write_atomic


def validate(project: Project, slug: str, catalogue: Catalogue | None = None) -> Assessment:
    catalogue = catalogue or load_catalogue()
    return load_assessment(project.input_file(slug), catalogue, project.root)


def compute(project: Project, slug: str, catalogue: Catalogue | None = None) -> Computed:
    """Validate and compute one customer; no file is written."""
    catalogue = catalogue or load_catalogue()
    path = project.input_file(slug)
    return compute_assessment(load_assessment(path, catalogue, project.root), path.read_bytes(), catalogue)


def compute_assessment(assessment: Assessment, input_bytes: bytes, catalogue: Catalogue) -> Computed:
    resolved = resolve(assessment)
    values = catalogue_values(resolved, catalogue)
    evaluation = evaluate(resolved, values)
    generated = {"inputs_sha256": hashlib.sha256(input_bytes).hexdigest(), "catalogue_sha256": catalogue.sha256}
    results = build_results(resolved, evaluation, values, generated, analyse(assessment, catalogue))
    return Computed(assessment, resolved, values, results, input_bytes)


def write_results(project: Project, computed: Computed) -> Path:
    """results.json alone, under the folder's lock like a report, so that it never lands in the middle of one."""
    folder = project.output_dir(computed.assessment.customer.slug)
    with exclusive(folder):
        write_atomic(folder / "results.json", json_bytes(computed.results))
    return folder / "results.json"


def changes_since_previous(project: Project, computed: Computed) -> dict | None:
    """Appendix C: what moved since the report last written for this customer.

    A rebuild with nothing changed keeps the previous report's change log, so that the same
    inputs give the same bytes.
    """
    changes, old_results = _against_previous(project, computed)
    if changes is not None and not (changes["inputs"] or changes["catalogue"] or changes["headline"]):
        return old_results.get("changes")
    return changes


def _against_previous(project: Project, computed: Computed) -> tuple[dict | None, dict | None]:
    """The comparison with the customer's last report and that report's results, or (None, None)."""
    previous = previous_run(project.output_dir(computed.assessment.customer.slug))
    if previous is None:
        return None, None
    old_inputs, old_results = previous
    return compare_runs(old_inputs, json.loads(computed.input_bytes), old_results, computed.results), old_results


def diff(project: Project, slug: str, catalogue: Catalogue | None = None) -> tuple[dict | None, dict]:
    """What a rebuild would change against the last report, without writing anything."""
    computed = compute(project, slug, catalogue)
    return _against_previous(project, computed)[0], computed.results


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


@dataclass(frozen=True)
class Report:
    slug: str
    files: list[Path]
    stages: Stages
    results: dict
    input_bytes: bytes


def report(project: Project, slug: str, theme_id: str = "default", formats: tuple[str, ...] = ("pdf", "html"),
           paper: str = "a4", catalogue: Catalogue | None = None, renderer: Forked | None = None) -> Report:
    """Validate, compute, draw, render; then write every output, each atomically, only once all succeeded.

    A `renderer` (see rendering.py) lays the PDF out in a second process; it ends with the report,
    whatever happens.
    """
    from reportgen.build.assemble import build_report  # the rendering stack is imported only when a report is made

    stages = Stages()
    catalogue = catalogue or load_catalogue()
    path = project.input_file(slug)
    folder = project.output_dir(slug)
    with renderer or nullcontext():
        with stages.stage("validate"):
            assessment = load_assessment(path, catalogue, project.root)
        with exclusive(folder):  # the previous run is read (Appendix C) and replaced by one run at a time
            with stages.stage("compute"):
                computed = compute_assessment(assessment, path.read_bytes(), catalogue)
                computed.results["changes"] = changes_since_previous(project, computed)
            outputs = build_report(project, computed, theme_id, formats, paper, stages, renderer)
            outputs["results.json"] = json_bytes(computed.results)
            outputs["inputs.json"] = computed.input_bytes
            with stages.stage("write"):
                for name, data in outputs.items():
                    target = folder / name
                    if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
                        write_atomic(target, data)
                prune(folder, set(outputs))
    return Report(slug, [folder / name for name in outputs], stages, computed.results, computed.input_bytes)
