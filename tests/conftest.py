"""Shared fixtures: the repository's project, the examples, and throwaway projects in tmp folders."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from reportgen.catalogue import load_catalogue
from reportgen.build.pipeline import Project, compute

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("acme", "bluebird", "northwind")


def example(slug: str) -> dict:
    return json.loads((ROOT / "inputs" / f"{slug}.json").read_text())


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def example_results(catalogue) -> dict:
    return {slug: compute(Project(ROOT), slug, catalogue).results for slug in EXAMPLES}


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
        return compute(self.project, data["customer"]["slug"]).results


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
