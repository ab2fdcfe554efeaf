"""Validation: every problem in one run, each with its file, line, JSON path and a plain message."""

from __future__ import annotations

import json

import pytest

from reportgen.catalogue import load_catalogue
from reportgen.inputs.loader import load_assessment
from reportgen.problems import InputError

from .conftest import ROOT, example


def problems_of(tmp_project, text: str, slug="acme"):
    path = tmp_project.write(text, slug)
    with pytest.raises(InputError) as caught:
        load_assessment(path, load_catalogue(), tmp_project.root)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_five_mistakes_are_all_reported_in_one_run(tmp_project):
    text = json.dumps(example("acme"), indent=2)
    text = text.replace('"engineer_share": 0.25', '"enginer_share": 0.25', 1)          # misspelt key
    text = text.replace('"kafka_engineer_share": 0.25', '"kafka_engineer_share": 1.5')  # share of 1.5
    text = text.replace('"low": 4,\n      "likely": 6,', '"low": -4,\n      "likely": 6,', 1)  # negative FTE
    text = text.replace('"low": 9,', '"low": 15,')                                       # low above likely
    text = text.replace('"productivity_loss": 0.5', '"productivity_loss": "half"')      # a number as a word
    problems = problems_of(tmp_project, text)
    by_path = {".".join(str(p) for p in problem.path): problem for problem in problems}
    expected = {
        "organization.enginer_share": "enginer_share",
        "organization.kafka_engineer_share": '"kafka_engineer_share": 1.5',
        "baseline.platform_fte.low": '"low": -4',
        "baseline.months_to_production": '"months_to_production"',
        "risk.productivity_loss": '"productivity_loss": "half"',
    }
    for path, needle in expected.items():
        assert path in by_path, (path, [str(p) for p in problems])
        assert by_path[path].line == line_of(text, needle), path
        assert by_path[path].file == "inputs/acme.json"
    assert "did you mean 'engineer_share'" in by_path["organization.enginer_share"].message
    assert "at most 1" in by_path["organization.kafka_engineer_share"].message
    assert "at least 0" in by_path["baseline.platform_fte.low"].message
    assert "low <= likely <= high" in by_path["baseline.months_to_production"].message
    assert 'the text "half"' in by_path["risk.productivity_loss"].message


def test_the_examples_validate(project, catalogue):
    for slug in ("acme", "bluebird", "northwind"):
        assert load_assessment(project.input_file(slug), catalogue, ROOT).customer.slug == slug
