"""Worked cases: small assessments whose every expected figure was worked out by hand.

Each file in `tests/worked_cases/` is one concern (a cost line, a pricing kind, a reported metric,
an unusual path). A case deep-merges its `assessment` onto the base assessment of `base.toml`
(every cluster it lists starts from the base `[cluster]`) and its `catalogue` onto the base
catalogue values, computes through the real pipeline (validation included), and compares each
`expect` entry with the figure at that path of `results.json`.

An expected value is a number, a boolean, a string, "null", or a formula "= 12 * 0.2 * 8760": the
arithmetic a reader can redo by hand, written with the units' definitions (8,760 hours in a year,
1,000 MB in a GB) as literal numbers, never with a constant imported from the code under test.
Paths are dotted keys with list indexes (`years[1]`), selectors (`sizing[cluster=prod,year=2]`) or
quoted keys for keys holding dots (`catalogue_used["price_book.storage.block_per_gb_month"].value`).
"""

from __future__ import annotations

import ast
import copy
import json
import math
import operator
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from reportgen.catalogue import Entry, load_catalogue
from reportgen.inputs.loader import load_assessment
from reportgen.build.pipeline import compute_assessment

CASES_DIR = Path(__file__).parent / "worked_cases"
BASE = tomllib.loads((CASES_DIR / "base.toml").read_text())
DEFAULT_MARGIN = 1e-9  # relative; every case's arithmetic is exact up to floating point

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS = {"ceil": math.ceil, "floor": math.floor, "min": min, "max": max, "sum": lambda *xs: math.fsum(xs)}


def arithmetic(text: str) -> float:
    """The value of a hand-worked formula: numbers, + - * / **, parentheses, ceil, floor, min, max, sum."""
    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.operand))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
            return _FUNCTIONS[node.func.id](*(value(a) for a in node.args))
        raise ValueError(f"not plain arithmetic: {ast.unparse(node)!r}")
    return value(ast.parse(text, mode="eval").body)


def merged(base, patch):
    """`patch` over `base`, recursively for tables; lists and values are replaced whole."""
    if not (isinstance(base, dict) and isinstance(patch, dict)):
        return copy.deepcopy(patch)
    out = copy.deepcopy(base)
    for key, value in patch.items():
        out[key] = merged(out[key], value) if key in out else copy.deepcopy(value)
    return out


def case_assessment(case: dict) -> dict:
    """The base assessment with the case's changes; `remove` lists dotted keys to leave out (a default's path)."""
    data = merged(BASE["assessment"], case.get("assessment", {}))
    clusters = case.get("assessment", {}).get("clusters", [{}])
    data["clusters"] = [merged(BASE["cluster"], cluster) for cluster in clusters]
    for dotted in case.get("remove", []):
        *parents, last = dotted.split(".")
        target = data
        for key in parents:
            target = target[key]
        del target[last]
    return data


def case_catalogue(case: dict):
    """The shipped catalogue with the base's values and the case's in place of its own.

    A key the shipped catalogue lacks is added from a table `{value, unit}` (the unit decides
    whether a currency converts it); `catalogue_remove` lists optional keys to take out, so that
    the model's default for them is used.
    """
    shipped = load_catalogue()
    entries = {k: e for k, e in shipped.entries.items() if k not in case.get("catalogue_remove", [])}
    for key, given in {**BASE["catalogue"], **case.get("catalogue", {})}.items():
        if key in case.get("catalogue_remove", []):
            continue
        if isinstance(given, dict):
            entries[key] = Entry(key=key, value=given["value"], unit=given["unit"], source="worked case",
                                 as_of="2026-12-01", status="illustrative")
        else:
            entries[key] = replace(entries[key], value=given)
    return replace(shipped, entries=entries)


_STEP = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[([^\]=\"]+=[^\]]+)\]|\[\"([^\"]+)\"\]")


def at_path(results: dict, path: str):
    """The value at a results path: `options.msk.years[1].service_charges.capacity`, `sizing[cluster=prod,year=2]`."""
    value, position = results, 0
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            raise KeyError(f"cannot read {path!r} from position {position}")
        key, index, selector, quoted = step.groups()
        if key is not None or quoted is not None:
            value = value[key if key is not None else quoted]
        elif index is not None:
            value = value[int(index)]
        else:
            wanted = dict(pair.split("=") for pair in selector.split(","))
            matches = [item for item in value if all(str(item[k]) == v for k, v in wanted.items())]
            if len(matches) != 1:
                raise KeyError(f"{path}: {len(matches)} entries match [{selector}]")
            value = matches[0]
        position = step.end()
    return value


def expected_value(given):
    if isinstance(given, str) and given.startswith("="):
        return arithmetic(given[1:].strip())
    return None if given == "null" else given


def load_cases() -> list:
    params = []
    for file in sorted(CASES_DIR.glob("*.toml")):
        if file.name == "base.toml":
            continue
        content = tomllib.loads(file.read_text())
        for case in content["case"]:
            case.setdefault("margin", content.get("margin", DEFAULT_MARGIN))
            params.append(pytest.param(case, id=f"{file.stem}: {case['name']}"))
    return params


def compute_case(case: dict, folder: Path) -> dict:
    catalogue = case_catalogue(case)
    data = case_assessment(case)
    (folder / "inputs").mkdir(parents=True, exist_ok=True)
    path = folder / "inputs" / f"{data['customer']['slug']}.json"
    path.write_text(json.dumps(data, indent=2))
    return compute_assessment(load_assessment(path, catalogue, folder), path.read_bytes(), catalogue).results.as_json()


@pytest.mark.parametrize("case", load_cases())
def test_worked_case(case, tmp_path):
    results = compute_case(case, tmp_path)
    wrong = []
    for path, given in case["expect"].items():
        expected, actual = expected_value(given), at_path(results, path)
        if isinstance(expected, (int, float)) and not isinstance(expected, bool):
            matches = isinstance(actual, (int, float)) and not isinstance(actual, bool) and math.isclose(
                actual, expected, rel_tol=case["margin"], abs_tol=1e-6)
        else:
            matches = actual == expected
        if not matches:
            wrong.append(f"{path}: expected {expected!r} ({given}), computed {actual!r}")
    assert not wrong, "\n".join(wrong)


def test_the_arithmetic_reader_refuses_anything_but_arithmetic():
    assert arithmetic("ceil(200 * 3 / (100 * 0.5)) * 0.2 * 8760") == 12 * 0.2 * 8760
    with pytest.raises(ValueError):
        arithmetic("__import__('os')")


def test_every_base_catalogue_key_exists_in_the_shipped_catalogue():
    """A renamed catalogue key must not leave the worked cases on a value the model no longer reads."""
    assert set(BASE["catalogue"]) <= set(load_catalogue().entries)
