"""The simulation runs its trials in chunks: the same draws and ranges as one run of all of them, and
model runs that keep only what the ranges are made of (docs/model.md section 9)."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.inputs.loader import load_assessment
from reportgen.inputs.schema import MonteCarlo
from reportgen.model import uncertainty
from reportgen.model.costs import Model, compare, evaluate
from reportgen.model.scenario import catalogue_values, resolve
from reportgen.model.uncertainty import (METRICS, MOST_TRIALS_PER_CHUNK, TRIAL_WORKLOADS_PER_CHUNK, chunks,
                                         input_stream, outcome_range, simulate, triangular_draws, trials_per_chunk)

from .conftest import ROOT, example
from .test_uncertainty import at_likely, with_range

TRIALS = 200  # in chunks of 7: 28 whole chunks and a last one of 4


@pytest.fixture(scope="module")
def acme(catalogue):
    return load_assessment(ROOT / "inputs" / "acme.json", catalogue, ROOT)


def test_chunks_take_every_trial_once_in_order():
    parts = chunks(TRIALS, 7)
    assert (parts[0], parts[-1], len(parts)) == (slice(0, 7), slice(196, 200), 29)
    assert np.array_equal(np.concatenate([np.arange(TRIALS)[part] for part in parts]), np.arange(TRIALS))


def test_chunks_of_seven_give_the_trials_and_ranges_of_one_run_of_all(acme, catalogue):
    settings = MonteCarlo(trials=TRIALS, seed=42)
    small, whole = simulate(acme, catalogue, settings, chunk_size=7), simulate(acme, catalogue, settings, chunk_size=TRIALS)
    assert small.keys() == whole.keys() == set(acme.assessment.options)
    for option_id in whole:
        for metric in METRICS:
            assert small[option_id][metric].shape == (TRIALS,)
            assert np.array_equal(small[option_id][metric], whole[option_id][metric], equal_nan=True), (option_id, metric)
        assert outcome_range(small[option_id], with_histogram=True) == outcome_range(whole[option_id], with_histogram=True)
    assert np.ptp(whole[acme.assessment.proposed_option]["savings"]) > 0  # the trials differ: there is something to compare


def test_a_chunk_draws_the_next_stretch_of_its_inputs_one_stream(tmp_project, catalogue):
    """Platform FTE alone ranged: the proposed option's savings are linear in it, so every trial's saving lies on
    one line through the draws one stream gives for all the trials at once."""
    data = with_range(at_likely(example("acme")), "baseline.platform_fte", {"low": 4, "likely": 6, "high": 8})
    assessment = load_assessment(tmp_project.write(data), catalogue, tmp_project.root)
    settings = MonteCarlo(trials=TRIALS, seed=9)
    value = assessment.baseline.platform_fte
    draws = triangular_draws(value, TRIALS, input_stream(settings.seed, ("baseline", "platform_fte")))
    savings = simulate(assessment, catalogue, settings, chunk_size=7)["confluent_cloud"]["savings"]
    slope, intercept = np.polyfit(draws, savings, 1)
    assert abs(slope) > 1000
    assert np.allclose(savings, intercept + slope * draws, rtol=1e-9, atol=1e-6 * np.ptp(savings))


def test_a_larger_estate_or_horizon_is_simulated_in_smaller_chunks(acme):
    assert trials_per_chunk(acme) == MOST_TRIALS_PER_CHUNK  # 3 clusters x 3 years
    for clusters, horizon in ((200, 3), (200, 7), (200, 10), (7, 1)):
        estate = acme.model_copy(update={
            "clusters": [acme.clusters[i % len(acme.clusters)] for i in range(clusters)],
            "assessment": acme.assessment.model_copy(update={"horizon_years": horizon})})
        size, workloads = trials_per_chunk(estate), clusters * horizon
        assert size <= MOST_TRIALS_PER_CHUNK
        assert size * workloads <= TRIAL_WORKLOADS_PER_CHUNK
        assert size == MOST_TRIALS_PER_CHUNK or (size + 1) * workloads > TRIAL_WORKLOADS_PER_CHUNK
        assert len(chunks(3 * size + 1, size)) == 4  # a whole number of trials


def test_without_detail_the_model_keeps_no_sizing_and_compares_by_savings_alone(acme, catalogue):
    resolved = resolve(acme)
    values = catalogue_values(resolved, catalogue)
    full = evaluate(resolved, values)["options"]
    lean = evaluate(resolved, values, detail=False)["options"]
    for option_id, option in full.items():
        assert option["sizing"] and lean[option_id]["sizing"] == []
        assert {"payback_months", "npv", "tco_pv"} <= option.keys()
        assert not {"payback_months", "npv", "tco_pv"} & lean[option_id].keys()
        for metric in METRICS:
            assert np.array_equal(lean[option_id][metric], option[metric], equal_nan=True), (option_id, metric)


def test_the_model_and_the_comparison_keep_every_detail_unless_told_not_to(acme, catalogue):
    resolved = resolve(acme)
    model = Model(resolved, catalogue_values(resolved, catalogue))
    years = {option_id: model.option_years(option_id) for option_id in resolved.assessment.options}
    assert all(option["sizing"] for option in years.values())
    comparison = compare(years[resolved.assessment.proposed_option], years[model.current], 0.0, model.discount_rate, False)
    assert {"payback_months", "npv", "tco_pv", "savings"} <= comparison.keys()


def test_the_simulation_and_the_sensitivity_run_the_model_without_detail(acme, catalogue, monkeypatch):
    runs = []

    def spy(*args, **kwargs):
        evaluation = evaluate(*args, **kwargs)
        runs.append(evaluation["options"])
        return evaluation

    monkeypatch.setattr(uncertainty, "evaluate", spy)
    uncertainty.analyse(acme, catalogue, MonteCarlo(trials=100, seed=1))
    assert len(runs) == 2  # one chunk of trials, one run of the sensitivity scenarios
    assert all(option["sizing"] == [] and "payback_months" not in option for options in runs for option in options.values())


def test_a_chunked_run_of_an_example_keeps_its_ranges(acme, catalogue):
    """The example's own settings, in the default chunks and in chunks of 997 (a prime: no chunk lines up)."""
    default = uncertainty.analyse(acme, catalogue)
    settings = acme.assessment.monte_carlo
    odd = simulate(acme, catalogue, settings, chunk_size=997)
    proposed = acme.assessment.proposed_option
    assert {o: outcome_range(trials, with_histogram=o == proposed) for o, trials in odd.items()} == default.ranges
