"""What changed since a customer's previous report: inputs, catalogue values and headline figures.

The previous report leaves `inputs.json` (the assessment it was built from) and `results.json`
(with the catalogue values it used) in its output folder; comparing them with the new run gives
Appendix C and `invoke diff`.
"""

from __future__ import annotations

import json
from pathlib import Path

from reportgen.inputs.jsonparse import Path as JsonPath
from reportgen.problems import json_path

HEADLINE_FIGURES = ("tco_hard", "savings", "savings_pct", "roi", "npv", "payback_months")
IGNORED_INPUTS = {"$schema", "$comment"}


def flatten(data, path: JsonPath = ()) -> dict[str, object]:
    """Every leaf of a JSON document by its JSON path: ranges become `.low`, `.likely`, `.high`."""
    if isinstance(data, dict):
        leaves: dict[str, object] = {}
        for key, value in data.items():
            if key not in IGNORED_INPUTS:
                leaves.update(flatten(value, path + (key,)))
        return leaves
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        leaves = {}
        for index, value in enumerate(data):
            leaves.update(flatten(value, path + (index,)))
        return leaves
    return {json_path(path): data}


def _differences(old: dict, new: dict) -> list[dict]:
    keys = list(old) + [k for k in new if k not in old]
    return [{"path": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


def headline(results: dict) -> dict[str, dict]:
    return {o: {figure: results["options"][o].get(figure) for figure in HEADLINE_FIGURES}
            for o in results["option_order"]}


def compare_runs(old_inputs: dict, new_inputs: dict, old_results: dict, new_results: dict) -> dict:
    """Changed inputs, changed catalogue values (with status) and how each headline figure moved."""
    old_catalogue = {k: v["value"] for k, v in old_results.get("catalogue_used", {}).items()}
    new_catalogue = {k: v["value"] for k, v in new_results.get("catalogue_used", {}).items()}
    old_headline, new_headline = headline(old_results), headline(new_results)
    moved = []
    for option_id, figures in new_headline.items():
        for figure, value in figures.items():
            before = old_headline.get(option_id, {}).get(figure)
            if before != value:
                moved.append({"option": option_id, "figure": figure, "old": before, "new": value})
    return {
        "previous": {key: old_results["generated"].get(key)
                     for key in ("tool_version", "catalogue_version", "inputs_sha256")},
        "inputs": _differences(flatten(old_inputs), flatten(new_inputs)),
        "catalogue": [{"key": d["path"], "old": d["old"], "new": d["new"]}
                      for d in _differences(old_catalogue, new_catalogue)],
        "headline": moved,
    }


def previous_run(output_dir: Path) -> tuple[dict, dict] | None:
    """The inputs and results of the report last written to `output_dir`, if there is one."""
    try:
        inputs = json.loads((output_dir / "inputs.json").read_text(encoding="utf-8"))
        results = json.loads((output_dir / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return inputs, results
