"""The pipeline's entry points, used by tasks.py and the tests: validate, compute.

Paths come in, files go out; everything between is pure. Nothing is written until every stage
has succeeded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue, load_catalogue
from .loader import load_assessment
from .model import evaluate
from .problems import ReportgenError
from .results import build_results
from .scenario import catalogue_values, resolve
from .schema import Assessment
from .writer import json_bytes, write_atomic

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOT_CUSTOMERS = {"schema"}  # inputs/schema.json is the editors' schema, not an assessment


@dataclass(frozen=True)
class Project:
    """Where a project's inputs, templates and output live (the folder holding tasks.py)."""
    root: Path

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def input_file(self, slug: str) -> Path:
        if not SLUG.fullmatch(slug or "") or slug in NOT_CUSTOMERS:
            raise ReportgenError(f"'{slug}' is not a customer slug: use lowercase letters, digits and hyphens "
                                 "(the name of a file in inputs/ without .json), no paths")
        path = self.inputs / f"{slug}.json"
        if not path.is_file():
            known = ", ".join(self.customers()) or "none"
            raise ReportgenError(f"no assessment inputs/{slug}.json; customers: {known}")
        return path

    def customers(self) -> list[str]:
        return sorted(p.stem for p in self.inputs.glob("*.json") if SLUG.fullmatch(p.stem) and p.stem not in NOT_CUSTOMERS)

    def output_dir(self, slug: str) -> Path:
        return self.output / slug


@dataclass(frozen=True)
class Computed:
    assessment: Assessment
    results: dict
    input_bytes: bytes


def validate(project: Project, slug: str, catalogue: Catalogue | None = None) -> Assessment:
    catalogue = catalogue or load_catalogue()
    return load_assessment(project.input_file(slug), catalogue, project.root)


def compute(project: Project, slug: str, catalogue: Catalogue | None = None) -> Computed:
    """Validate and compute one customer; no file is written."""
    catalogue = catalogue or load_catalogue()
    path = project.input_file(slug)
    assessment = load_assessment(path, catalogue, project.root)
    input_bytes = path.read_bytes()
    resolved = resolve(assessment)
    values = catalogue_values(resolved, catalogue)
    evaluation = evaluate(resolved, values)
    generated = {"inputs_sha256": hashlib.sha256(input_bytes).hexdigest(), "catalogue_sha256": catalogue.sha256}
    return Computed(assessment, build_results(resolved, evaluation, values, generated), input_bytes)


def write_results(project: Project, computed: Computed) -> Path:
    path = project.output_dir(computed.assessment.customer.slug) / "results.json"
    write_atomic(path, json_bytes(computed.results))
    return path
