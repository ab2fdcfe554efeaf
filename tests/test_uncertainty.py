"""Ranges of outcomes (docs/model.md section 9): the simulation, its percentiles, and the sensitivity list."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from reportgen.inputs.loader import load_assessment
from reportgen.problems import ReportgenError
from reportgen.inputs.schema import MonteCarlo, Range
from reportgen.model.uncertainty import input_stream, percentiles, simulate, triangular_draws

from .conftest import example

FEW_TRIALS = 2000


def is_range(value) -> bool:
    return isinstance(value, dict) and set(value) == {"low", "likely", "high"}


def replace_ranges(data, how):
    """The assessment with every range `r` replaced by `how(r)`."""
    if is_range(data):
        return how(data)
    if isinstance(data, dict):
        return {k: replace_ranges(v, how) for k, v in data.items()}
    if isinstance(data, list):
        return [replace_ranges(v, how) for v in data]
    return data


def at_likely(data: dict) -> dict:
    return replace_ranges(data, lambda r: r["likely"])


def with_range(data: dict, dotted: str, value) -> dict:
    """A copy of `data` with the number at `dotted` (dots between keys, digits as list indexes) replaced."""
    data = copy.deepcopy(data)
    *parents, last = dotted.split(".") if not dotted.startswith("overrides.") else ["overrides", dotted[10:]]
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


def trials(data: dict, count: int = FEW_TRIALS, seed: int | None = None) -> dict:
    data = copy.deepcopy(data)
    data["assessment"]["monte_carlo"]["trials"] = count
    if seed is not None:
        data["assessment"]["monte_carlo"]["seed"] = seed
    return data


def saving(tmp_project, data: dict, option: str = "confluent_cloud") -> float:
    return tmp_project.compute(data)["options"][option]["savings"]


@pytest.mark.parametrize("no_range", [lambda r: r["likely"], lambda r: dict.fromkeys(r, r["likely"])],
                         ids=["plain numbers", "degenerate ranges"])
def test_without_uncertainty_every_percentile_is_the_deterministic_value(tmp_project, no_range):
    """Degenerate ranges (low = likely = high) run the simulation on arrays; plain numbers on scalars."""
    results = tmp_project.compute(trials(replace_ranges(example("acme"), no_range)))
    for option_id, option in results["options"].items():
        for metric in ("savings", "savings_pct", "roi"):
            expected = option[metric]
            for name, value in option["range"][metric].items():
                assert value == (None if expected is None else pytest.approx(expected, rel=1e-12, abs=1e-6)), \
                    (option_id, metric, name)
        assert option["range"]["probability_of_savings"] == (1.0 if option["savings"] > 0 else 0.0)
    assert all(row["swing"] == 0 for row in results["sensitivity"])


@pytest.mark.parametrize("path, value", [
    ("baseline.platform_fte", {"low": 4, "likely": 6, "high": 8}),
    ("growth.annual_growth", {"low": 0.1, "likely": 0.25, "high": 0.4}),
    ("baseline.connectors_needed", {"low": 5, "likely": 8, "high": 12}),
    ("clusters.0.ingress_mbps", {"low": 80, "likely": 120, "high": 200}),
    ("overrides.options.confluent_cloud.committed_use_discount", {"low": 0.0, "likely": 0.1, "high": 0.2}),
])
def test_with_one_ranged_input_p10_and_p90_lie_between_its_low_and_high_outcomes(tmp_project, path, value):
    base = trials(at_likely(example("acme")))
    at_low = saving(tmp_project, with_range(base, path, value["low"]))
    at_high = saving(tmp_project, with_range(base, path, value["high"]))
    spread = tmp_project.compute(with_range(base, path, value))["options"]["confluent_cloud"]["range"]["savings"]
    assert min(at_low, at_high) <= spread["p10"] < spread["p50"] < spread["p90"] <= max(at_low, at_high)


@settings(max_examples=25, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(0, 1), st.floats(1e-3, 1e6), st.integers(0, 2**32 - 1))
def test_sample_mean_of_a_triangle_converges_to_its_mean(low, share, width, seed):
    """Within five standard errors of (a + b + c) / 3 at 100,000 draws (a seeded test: no flakiness)."""
    a, b, c = low, low + share * width, low + width
    draws = triangular_draws(Range[float](low=a, likely=b, high=c), 100_000, input_stream(seed, ("x",)))
    u, v = b - a, c - a
    sd = math.sqrt((u * u + v * v - u * v) / 18)
    assert abs(draws.mean() - (a + b + c) / 3) <= 5 * sd / math.sqrt(draws.size)
    assert a <= draws.min() and draws.max() <= c


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_counts_are_drawn_as_whole_numbers_within_their_range(x, y, z):
    low, likely, high = sorted((x, y, z))
    draws = triangular_draws(Range[int](low=low, likely=likely, high=high), 1000, input_stream(1, ("n",)))
    assert np.array_equal(draws, np.rint(draws)) and low <= draws.min() and draws.max() <= high


def test_a_linear_output_averages_to_its_value_at_the_input_mean(tmp_project, catalogue):
    """Savings grow linearly with platform FTE, so the mean saving is the saving at the triangle's mean."""
    base = at_likely(example("acme"))
    mean_fte = (4 + 5 + 9) / 3
    expected = saving(tmp_project, with_range(trials(base), "baseline.platform_fte", mean_fte))
    assessment = load_assessment(tmp_project.write(with_range(base, "baseline.platform_fte",
                                                              {"low": 4, "likely": 5, "high": 9})),
                                 catalogue, tmp_project.root)
    simulated = simulate(assessment, catalogue, MonteCarlo(trials=100_000, seed=3))["confluent_cloud"]["savings"]
    slope = (saving(tmp_project, with_range(trials(base), "baseline.platform_fte", 9)) - expected) / (9 - mean_fte)
    standard_error = abs(slope) * math.sqrt((16 + 25 + 81 - 20 - 36 - 45) / 18) / math.sqrt(simulated.size)
    assert abs(simulated.mean() - expected) <= 5 * standard_error


def test_the_same_seed_gives_identical_ranges_and_another_seed_different_ones(tmp_project):
    first = tmp_project.compute(trials(example("acme"), seed=5))
    again = tmp_project.compute(trials(example("acme"), seed=5))
    other = tmp_project.compute(trials(example("acme"), seed=6))
    ranges = lambda results: {o: option["range"] for o, option in results["options"].items()}
    assert ranges(first) == ranges(again)
    assert first["sensitivity"] == again["sensitivity"]
    proposed = lambda results: results["options"]["confluent_cloud"]["range"]
    assert proposed(first)["savings"] != proposed(other)["savings"]
    assert proposed(first)["histogram"] != proposed(other)["histogram"]


def test_a_new_range_elsewhere_leaves_the_other_inputs_draws_alone(tmp_project):
    """Each input has its own stream: ranging the engineer share (risk only, not savings) changes no saving."""
    base = trials(example("acme"))
    widened = with_range(base, "organization.engineer_share", {"low": 0.2, "likely": 0.25, "high": 0.3})
    before, after = tmp_project.compute(base), tmp_project.compute(widened)
    inputs = lambda results: {row["input"] for row in results["sensitivity"]}
    assert inputs(after) - inputs(before) == {"organization.engineer_share"}
    assert after["options"]["confluent_cloud"]["range"] == before["options"]["confluent_cloud"]["range"]


def test_sensitivity_is_ordered_by_swing_and_matches_runs_at_low_and_high(tmp_project, example_json):
    rows = example_json["acme"]["sensitivity"]
    assert [row["swing"] for row in rows] == sorted((row["swing"] for row in rows), reverse=True)
    for row in rows:
        assert row["swing"] == pytest.approx(abs(row["savings_at_high"] - row["savings_at_low"]))
    top = rows[0]
    assert top["input"] == "baseline.platform_fte" and top["label"] == "Platform FTE"
    base = trials(at_likely(example("acme")))
    assert top["savings_at_low"] == pytest.approx(saving(tmp_project, with_range(base, "baseline.platform_fte", 4)))
    assert top["savings_at_high"] == pytest.approx(saving(tmp_project, with_range(base, "baseline.platform_fte", 8)))


def test_sensitivity_names_every_ranged_input_by_path_and_label(example_json):
    labels = {row["input"]: row["label"] for row in example_json["bluebird"]["sensitivity"]}
    assert labels["clusters[0].ingress_mbps"] == "Cluster production: ingress MB/s"
    assert labels["risk.incidents_per_year"] == "Incidents per year"
    northwind = {row["input"]: row["label"] for row in example_json["northwind"]["sensitivity"]}
    assert northwind["overrides.options.confluent_cloud.committed_use_discount"] == \
        "Confluent Cloud: committed use discount"


def test_every_option_carries_a_range_and_the_proposed_one_a_histogram(example_json):
    for slug, results in example_json.items():
        for option_id, option in results["options"].items():
            outcome = option["range"]
            assert outcome["trials"] == example(slug)["assessment"]["monte_carlo"]["trials"]
            assert 0 <= outcome["probability_of_savings"] <= 1
            assert outcome["savings"]["p10"] <= outcome["savings"]["p50"] <= outcome["savings"]["p90"]
            assert ("histogram" in outcome) == (option_id == results["proposed_option"])
        histogram = results["options"][results["proposed_option"]]["range"]["histogram"]
        assert len(histogram["edges"]) == len(histogram["counts"]) + 1 == 41
        assert sum(histogram["counts"]) == results["options"][results["proposed_option"]]["range"]["trials"]


def test_the_current_option_has_no_roi_range(example_json):
    current = example_json["acme"]["options"]["self_managed_kafka"]["range"]
    assert current["roi"] == {"p10": None, "p50": None, "p90": None}
    assert current["savings"] == {"p10": 0.0, "p50": 0.0, "p90": 0.0} and current["probability_of_savings"] == 0.0


def test_undefined_trials_are_left_out_of_percentiles():
    assert percentiles(np.array([np.nan, 1.0, 2.0, 3.0, np.nan]))["p50"] == 2.0
    assert percentiles(np.full(4, np.nan)) == {"p10": None, "p50": None, "p90": None}


def test_a_range_reaching_an_impossible_value_is_an_error_for_the_user(tmp_project):
    """A broker that writes 0 MB/s cannot be sized: validation refuses the range's low, so no trial divides by 0."""
    data = trials(example("acme"))
    data["overrides"]["price_book.instances.m5.2xlarge.sustained_write_mbps"] = {"low": 0, "likely": 100, "high": 200}
    with pytest.raises(ReportgenError, match=r"overrides\.price_book\.instances\.m5\.2xlarge\.sustained_write_mbps: "
                                             r"found 0; expected at least 1 .*the model divides by it"):
        tmp_project.compute(data)
