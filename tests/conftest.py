"""Shared fixtures: the repository's project, the examples, and throwaway projects in tmp folders."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from reportgen.catalogue import load_catalogue
from reportgen.build.pipeline import Project, compute, compute_assessment
from reportgen.inputs.loader import load_assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("acme", "bluebird", "northwind")


def example(slug: str) -> dict:
    return json.loads((ROOT / "inputs" / f"{slug}.json").read_text())


def model_results(project: Project, slug: str) -> dict:
    """results.json's contents for an assessment, even one whose proposal `compute` would refuse (the model
    costs an option that cannot carry the workload as if it could: the properties hold for it too)."""
    catalogue = load_catalogue()
    path = project.input_file(slug)
    return compute_assessment(load_assessment(path, catalogue, project.root), path.read_bytes(), catalogue).results.as_json()


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def example_results(catalogue) -> dict:
    """Each example's typed results, as the report's stages receive them."""
    return {slug: compute(Project(ROOT), slug, catalogue).results for slug in EXAMPLES}


@pytest.fixture(scope="session")
def example_json(example_results) -> dict:
    """Each example's results as results.json holds them."""
    return {slug: results.as_json() for slug, results in example_results.items()}


class TmpProject:
    """A project in a temporary folder whose assessments the test writes."""

    def __init__(self, root: Path):
        self.root = root
        (root / "inputs").mkdir(parents=True, exist_ok=True)
        self.project = Project(root)

    def write(self, data: dict | str, slug: str | None = None) -> Path:
        if isinstance(data, dict):
            slug = slug or data["customer"]["slug"]
            text = json.dumps(data, indent=2)
        else:
            text = data
        path = self.root / "inputs" / f"{slug}.json"
        path.write_text(text, encoding="utf-8")
        return path

    def compute(self, data: dict) -> dict:
        self.write(data)
        return compute(self.project, data["customer"]["slug"]).results.as_json()


@pytest.fixture
def tmp_project(tmp_path) -> TmpProject:
    return TmpProject(tmp_path)


def variant(slug: str, **changes) -> dict:
    """A deep copy of an example with dotted-path changes: variant('acme', **{'risk.incidents_per_year': 9})."""
    data = copy.deepcopy(example(slug))
    for dotted, value in changes.items():
        target = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
        target[parts[-1]] = value
    return data
