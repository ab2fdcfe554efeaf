"""Bounded memory (issue 22): the simulation runs in chunks sized by a memory budget, so any number of trials the
schema allows completes within it, and a request that cannot is refused before it starts, with the estimate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from reportgen.inputs.schema import MonteCarlo
from reportgen.model import uncertainty
from reportgen.model.uncertainty import memory_needed, simulate

from .conftest import ROOT, example
from .test_cli_batch import make_project

MB = 2**20


def ranged(value):
    return {"low": max(1, value // 2) if isinstance(value, int) else value / 2, "likely": value, "high": value * 2}


def heavy(clusters: int, years: int, trials: int, slug: str = "acme") -> dict:
    """acme with `clusters` clusters, every cluster figure ranged, over `years`: the most memory per trial."""
    data = example("acme")
    pattern = data["clusters"]
    data["clusters"] = [{**pattern[i % len(pattern)], "name": f"{pattern[i % len(pattern)]['name']}-{i}",
                         **{key: ranged(pattern[i % len(pattern)][key])
                            for key in ("ingress_mbps", "egress_mbps", "retention_days", "partitions")}}
                        for i in range(clusters)]
    data["customer"]["slug"] = slug
    data["assessment"].update(horizon_years=years, options=["self_managed_kafka", "confluent_cloud"],
                              monte_carlo={"trials": trials, "seed": 7})
    return data


def load(data: dict, folder: Path):
    from reportgen.catalogue import load_catalogue
    from reportgen.inputs.loader import load_assessment
    (folder / "inputs").mkdir(parents=True, exist_ok=True)
    path = folder / "inputs" / f"{data['customer']['slug']}.json"
    path.write_text(json.dumps(data))
    catalogue = load_catalogue()
    return load_assessment(path, catalogue, folder), catalogue


def traced_peak(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("clusters, years", [(1, 1), (3, 3), (20, 10), (200, 1), (200, 10)])
def test_a_chunk_holds_no_more_per_trial_than_the_budget_counts(tmp_path, clusters, years):
    assessment, catalogue = load(heavy(clusters, years, 400), tmp_path)
    kept, per_trial = memory_needed(assessment, 400)
    peak = traced_peak(lambda: simulate(assessment, catalogue, chunk_size=200))
    assert peak <= kept + 200 * per_trial


def test_the_simulation_stays_within_its_budget_whatever_the_trials(tmp_path):
    assessment, catalogue = load(heavy(20, 10, 50_000), tmp_path)
    settings = MonteCarlo(trials=50_000, seed=7)
    kept, per_trial = memory_needed(assessment, settings.trials)
    budget = kept + 300 * per_trial  # far less than a chunk of the default size holds
    assert uncertainty.trials_per_chunk(assessment) * per_trial > budget
    within = simulate(assessment, catalogue, settings, memory_bytes=budget)
    peak = traced_peak(lambda: simulate(assessment, catalogue, settings, memory_bytes=budget))
    assert peak <= budget
    default = simulate(assessment, catalogue, settings)  # the chunk size changes no result
    assert all(np.array_equal(within[o][m], default[o][m], equal_nan=True) for o in default for m in default[o])


def peak_mb(project: Path, slug: str, budget: int) -> tuple[int, str, float]:
    process = subprocess.Popen([sys.executable, "-m", "invoke", "compute", "--customer", slug, "--memory-budget",
                                str(budget)], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    errors = process.stderr.read().decode()
    process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)  # its own resource use, which Popen.wait does not give
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, errors, usage.ru_maxrss / 1024


def test_a_million_trials_complete_within_the_budget_on_the_cli(tmp_path):
    project = make_project(tmp_path)
    for slug, trials in (("few", 100), ("million", 1_000_000)):
        (project / "inputs" / f"{slug}.json").write_text(json.dumps(heavy(3, 3, trials, slug)))
    status, errors, few = peak_mb(project, "few", 100)
    assert status == 0, errors
    status, errors, million = peak_mb(project, "million", 100)
    assert status == 0 and "Traceback" not in errors, errors
    assert million - few <= 100  # the simulation's share of the process: within the budget
    assert json.loads((project / "output" / "million" / "results.json").read_text())["options"]["confluent_cloud"][
        "range"]["trials"] == 1_000_000


def test_a_million_trials_that_cannot_fit_are_refused_before_they_start_with_the_estimate(tmp_path):
    project = make_project(tmp_path)
    (project / "inputs" / "million.json").write_text(json.dumps(heavy(3, 3, 1_000_000, "million")))
    status, errors, _ = peak_mb(project, "million", 50)
    assert status == 1 and "Traceback" not in errors
    assert ("million: FAILED\nthe range simulation of 1,000,000 trials needs about 77.8 MB (77.3 MB to keep every "
            "trial's figures for 2 options, and 0.5 MB for a chunk of 100 trials), more than its memory budget of 50.0 MB; "
            "lower assessment.monte_carlo.trials (about 636,052 fit) or raise the budget (--memory-budget)") in errors
    assert not (project / "output" / "million").exists()
