"""Fuzzing: any assessment the schema accepts is computed without a crash, and every figure is finite."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings

from reportgen.build.pipeline import Project

from .conftest import model_results
from .strategies import assessments

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "inputs").mkdir()
    return Project(root)


def numbers(value, where: str = "results"):
    """Every number in a results tree, with its place."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from numbers(item, f"{where}[{i}]")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield where, value


@FUZZ
@given(data=assessments())
def test_a_valid_assessment_computes_to_finite_figures(fuzz_project, data):
    (fuzz_project.inputs / "fuzz.json").write_text(json.dumps(data, indent=2))
    results = model_results(fuzz_project, "fuzz")
    assert list(results["options"]) == data["assessment"]["options"]
    figures = dict(numbers(results))
    assert figures and not [where for where, x in figures.items() if not math.isfinite(x)]
    for option in results["options"].values():
        assert len(option["years"]) == data["assessment"]["horizon_years"] + 1
        assert math.isclose(option["tco_hard"], sum(y["hard_total"] for y in option["years"]),
                            rel_tol=1e-9, abs_tol=1e-6)
