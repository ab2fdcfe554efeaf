"""What changed since a customer's previous report: inputs, catalogue values and headline figures.

The previous report leaves `inputs.json` (the assessment it was built from) and `results.json`
(with the catalogue values it used) in its output folder; comparing them with the new run gives
Appendix C and `invoke diff`.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from reportgen.inputs.leaves import leaves
from reportgen.model.contract import Changes, Results
from reportgen.problems import printable, shown_path

HEADLINE_FIGURES = ("tco_hard", "savings", "savings_pct", "roi", "npv", "payback_months")


def _differences(old: dict, new: dict) -> list[dict]:
    keys = list(old) + [k for k in new if k not in old]
    return [{"path": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


def headline(results: Results) -> dict[str, dict]:
    return {o: {figure: getattr(results.options[o], figure) for figure in HEADLINE_FIGURES}
            for o in results.option_order}


def compare_runs(old_inputs: dict, new_inputs: dict, old_results: Results, new_results: Results) -> Changes:
    """Changed inputs, changed catalogue values (with status) and how each headline figure moved."""
    old_catalogue = {k: v.value for k, v in old_results.catalogue_used.items()}
    new_catalogue = {k: v.value for k, v in new_results.catalogue_used.items()}
    old_headline, new_headline = headline(old_results), headline(new_results)
    moved = []
    for option_id, figures in new_headline.items():
        for figure, value in figures.items():
            before = old_headline.get(option_id, {}).get(figure)
            if before != value:
                moved.append({"option": option_id, "figure": figure, "old": before, "new": value})
    old = old_results.generated
    return Changes.model_validate({
        "previous": {"tool_version": old.tool_version, "catalogue_version": old.catalogue_version,
                     "inputs_sha256": old.inputs_sha256, "currency": old_results.currency},
        "inputs": _differences(leaves(old_inputs), leaves(new_inputs)),
        "catalogue": [{"key": d["path"], "old": d["old"], "new": d["new"]}
                      for d in _differences(old_catalogue, new_catalogue)],
        "headline": moved,
    })


def previous_run(output_dir: Path, project_root: Path) -> tuple[tuple[dict, Results] | None, str | None]:
    """The inputs and results of the report last written to `output_dir`, if there is one that this
    version's results contract can read; else None, with one warning line when a report is there but
    cannot be compared with (another version's, or edited by hand)."""
    inputs_file, results_file = output_dir / "inputs.json", output_dir / "results.json"
    if not inputs_file.is_file():  # no report yet, or results.json alone from `invoke compute`
        return None, None
    file = inputs_file
    try:
        inputs = json.loads(inputs_file.read_text(encoding="utf-8"))
        if not isinstance(inputs, dict):
            raise ValueError("it holds no assessment")
        file = results_file
        results = Results.model_validate_json(results_file.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = f"not this version's results: {'.'.join(str(p) for p in first['loc']) or 'the file'}: {first['msg']}"
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not JSON of an assessment: {exc}"
    else:
        return (inputs, results), None
    return None, (f"warning: {printable(shown_path(file, project_root))}: {printable(reason)}; the previous report "
                  "cannot be compared with, so Appendix C starts again from this report")
