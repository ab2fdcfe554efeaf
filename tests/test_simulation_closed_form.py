"""The range simulation (reportgen model, section 9) on cases whose outcome distribution is known in closed form.

Each case is the worked-case base (tests/worked_cases/base.toml) computed through the real pipeline,
with Confluent Platform tuned so that its hard costs differ from the customer's self-run Kafka only in
lines worked out by hand (sections 6, 7 and 9):

- the same infrastructure: no tiered storage, the baseline's utilisation, every network leg paid;
- no migration (0 FTE-months, 0 months of dual run), so `costs` is the licence alone:
  licence_per_broker_year x brokers x H;
- people: platform FTE x factor and tooling FTE x factor at the loaded cost, every year; connectors
  to build n x (1 - coverage), built in year 1 and maintained from year 2.

So savings = a x platform_fte + b x tooling_fte + c x connectors_needed - costs, linear in each
ranged input, and a triangular input gives a triangular (or, for a count, a rounded triangular)
saving whose percentiles, probabilities and histogram follow from the triangle's CDF. Sampling
tolerances are five standard deviations at 200,000 trials; the seeds are fixed, so nothing is flaky.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from reportgen.inputs.schema import Range
from reportgen.model.uncertainty import input_stream, outcome_range, percentiles, triangular_draws

from .test_worked_cases import BASE, compute_case

MANY = 200_000
OPTION = "confluent_platform"
CURRENT = "self_managed_kafka"

# The base's figures, read from base.toml so that the hand-worked formulas below follow it.
H = BASE["assessment"]["assessment"]["horizon_years"]
LOADED = BASE["assessment"]["organization"]["loaded_cost_per_fte_per_year"]
BUILD_MONTHS = BASE["catalogue"]["assumptions.connector_build_months"]
MAINTENANCE_FTE = BASE["catalogue"]["assumptions.connector_maintenance_fte"]
TOOLING = BASE["assessment"]["baseline"]["tooling_fte"]


def _brokers() -> int:
    """Section 6: brokers of the base's one cluster (12: ceil(200 MB/s x 3 / (100 x 0.5)), a multiple of 3 zones)."""
    c, b, cat = BASE["cluster"], BASE["assessment"]["baseline"], BASE["catalogue"]
    instance = f"price_book.instances.{b['broker_instance']}"
    by_throughput = math.ceil(c["ingress_mbps"] * c["peak_to_average"] * c["replication_factor"]
                              / (cat[f"{instance}.sustained_write_mbps"] * b["target_utilization"]))
    by_partitions = math.ceil(c["partitions"] * c["replication_factor"] / cat[f"{instance}.max_partition_replicas"])
    needed = max(c["replication_factor"], c["availability_zones"], by_throughput, by_partitions)
    return math.ceil(needed / c["availability_zones"]) * c["availability_zones"]


BROKERS = _brokers()

# Confluent Platform, tuned (the reference option's factors are all 1 and its coverage 0).
PLATFORM_FACTOR, TOOLING_FACTOR, COVERAGE, LICENCE = 0.5, 0.75, 0.5, 25_000
TUNED = {f"options.{OPTION}.platform_fte_factor": PLATFORM_FACTOR,
         f"options.{OPTION}.tooling_fte_factor": TOOLING_FACTOR,
         f"options.{OPTION}.connector_coverage": COVERAGE,
         f"options.{OPTION}.support_factor": 1,
         f"options.{OPTION}.tiered_storage": False,
         f"options.{OPTION}.migration_fte_months": 0,
         f"options.{OPTION}.dual_run_months": 0,
         f"options.{OPTION}.licence_per_broker_year": LICENCE}

# Section 7 and 9: what one unit of each input adds to the option's savings over the horizon.
PER_PLATFORM_FTE = H * LOADED * (1 - PLATFORM_FACTOR)
PER_TOOLING_FTE = H * LOADED * (1 - TOOLING_FACTOR)
PER_CONNECTOR = COVERAGE * (BUILD_MONTHS / 12 * LOADED + MAINTENANCE_FTE * LOADED * (H - 1))
COSTS = LICENCE * BROKERS * H  # service charges; no migration


def savings(platform_fte, tooling_fte=TOOLING, connectors=0, licence=LICENCE):
    return (PER_PLATFORM_FTE * platform_fte + PER_TOOLING_FTE * tooling_fte + PER_CONNECTOR * connectors
            - licence * BROKERS * H)


# The triangle (a, b, c): low a, mode b, high c.

def tri_cdf(x, a, b, c):
    x = np.clip(np.asarray(x, float), a, c)
    rising = (x - a) ** 2 / ((c - a) * (b - a)) if b > a else 0.0
    falling = 1 - (c - x) ** 2 / ((c - a) * (c - b)) if c > b else 1.0
    return np.where(x < b, rising, falling)


def tri_ppf(q, a, b, c):
    if q <= (b - a) / (c - a):
        return a + math.sqrt(q * (c - a) * (b - a))
    return c - math.sqrt((1 - q) * (c - a) * (c - b))


def within(probability: float, expected: float, n: int = MANY) -> bool:
    """An observed share within five standard deviations of its expected value."""
    return abs(probability - expected) <= 5 * math.sqrt(expected * (1 - expected) / n) + 1e-12


def case(baseline: dict | None = None, catalogue: dict | None = None, trials: int = MANY, seed: int = 1,
         assessment: dict | None = None, overrides: dict | None = None) -> dict:
    settings = {"proposed_option": OPTION, "monte_carlo": {"trials": trials, "seed": seed}, **(assessment or {})}
    return {"assessment": {"assessment": settings, "baseline": copy.deepcopy(baseline or {}),
                           "overrides": copy.deepcopy(overrides or {})},
            "catalogue": {**TUNED, **(catalogue or {})}}


FTE = (1.0, 2.0, 5.0)  # platform FTE: low, likely, high


@pytest.fixture(scope="module")
def ranged(tmp_path_factory) -> dict:
    """Platform FTE ~ triangle(1, 2, 5), the rest fixed: savings ~ triangle(savings(1), savings(2), savings(5))."""
    low, likely, high = FTE
    return compute_case(case({"platform_fte": {"low": low, "likely": likely, "high": high}}, seed=11),
                        tmp_path_factory.mktemp("ranged"))


def test_the_tuned_case_computes_as_worked_by_hand(ranged):
    option = ranged["options"][OPTION]
    assert option["costs"] == pytest.approx(COSTS, rel=1e-12)
    assert option["savings"] == pytest.approx(savings(FTE[1]), rel=1e-12)
    assert option["roi"] == pytest.approx(savings(FTE[1]) / COSTS, rel=1e-12)


@pytest.mark.parametrize("name, q", [("p10", 0.10), ("p50", 0.50), ("p90", 0.90)])
def test_percentiles_follow_the_triangles_inverse_cdf(ranged, name, q):
    """Mapped back to platform FTE, each percentile sits at its quantile of the triangle: within 5 standard
    deviations of q (0.0034 at P10 and P90), well inside the 0.01 a percentile moved by one point shifts it."""
    outcome, n = ranged["options"][OPTION]["range"], MANY
    assert outcome["trials"] == n and set(outcome["savings"]) == {"p10", "p50", "p90"}
    tolerance = 5 * math.sqrt(q * (1 - q) / n)
    expected = savings(tri_ppf(q, *FTE))

    fte = (outcome["savings"][name] + COSTS - PER_TOOLING_FTE * TOOLING) / PER_PLATFORM_FTE
    assert abs(tri_cdf(fte, *FTE) - q) <= tolerance, (name, outcome["savings"][name], expected)

    # ROI = savings / costs, the costs fixed: the same quantile.
    fte = (outcome["roi"][name] * COSTS + COSTS - PER_TOOLING_FTE * TOOLING) / PER_PLATFORM_FTE
    assert abs(tri_cdf(fte, *FTE) - q) <= tolerance, (name, outcome["roi"][name], expected / COSTS)

    # savings_pct = savings / tco_hard(current), the current TCO rising by H x loaded cost per platform FTE:
    # s(F) / (T0 + h F) is monotone, so its percentile maps back to F = (pct T0 - s0) / (a - pct h).
    h = H * LOADED
    t0 = ranged["options"][CURRENT]["tco_hard"] - h * FTE[1]
    s0 = savings(0.0)
    pct = outcome["savings_pct"][name]
    fte = (pct * t0 - s0) / (PER_PLATFORM_FTE - pct * h)
    assert abs(tri_cdf(fte, *FTE) - q) <= tolerance, (name, pct, expected / (t0 + h * tri_ppf(q, *FTE)))


def test_probability_of_savings_is_the_triangles_tail_beyond_break_even(ranged):
    break_even = (COSTS - PER_TOOLING_FTE * TOOLING) / PER_PLATFORM_FTE  # the platform FTE at which savings are 0
    assert FTE[0] < break_even < FTE[2]
    expected = 1 - float(tri_cdf(break_even, *FTE))
    assert within(ranged["options"][OPTION]["range"]["probability_of_savings"], expected)


def test_histogram_counts_follow_the_triangles_cdf(ranged):
    histogram = ranged["options"][OPTION]["range"]["histogram"]
    edges, counts = np.array(histogram["edges"]), np.array(histogram["counts"])
    assert len(edges) == 41 and len(counts) == 40 and counts.sum() == MANY
    lowest, highest = savings(FTE[0]), savings(FTE[2])
    width = highest - lowest
    # From the smallest to the largest simulated saving: just inside the triangle's ends, equally spaced.
    assert lowest <= edges[0] < lowest + 0.01 * width and highest - 0.01 * width < edges[-1] <= highest
    assert np.allclose(np.diff(edges), (edges[-1] - edges[0]) / 40, rtol=1e-9)
    cdf = tri_cdf((edges - savings(0.0)) / PER_PLATFORM_FTE, *FTE)
    cdf[0], cdf[-1] = 0.0, 1.0  # nothing falls outside the simulated minimum and maximum
    expected = MANY * np.diff(cdf)
    sd = np.sqrt(expected * (1 - expected / MANY))
    off = np.abs(counts - expected) > 5 * sd + 2
    assert not off.any(), list(zip(np.flatnonzero(off), counts[off], expected[off].round(1)))


def test_the_current_option_ranges_at_exactly_zero_with_no_roi(ranged):
    current = ranged["options"][CURRENT]["range"]
    assert current["savings"] == {"p10": 0.0, "p50": 0.0, "p90": 0.0}
    assert current["probability_of_savings"] == 0.0
    assert current["roi"] == {"p10": None, "p50": None, "p90": None}


@pytest.mark.parametrize("platform_fte", [2.0, {"low": 2.0, "likely": 2.0, "high": 2.0}],
                         ids=["plain number", "degenerate range"])
@pytest.mark.parametrize("support_factor, expected", [(0.5, 0.5), (1.0, 0.0)], ids=["saves 0.5", "saves 0"])
def test_an_atom_of_savings_counts_only_when_above_zero(tmp_path, platform_fte, support_factor, expected):
    """One year, support of 1 a year at the option's support factor, nothing else differing and no costs:
    savings are exactly 1 x (1 - factor), every trial; a degenerate range simulates the constant."""
    data = case({"platform_fte": platform_fte, "tooling_fte": 1.0, "support_and_services_per_year": 1.0},
                {f"options.{OPTION}.platform_fte_factor": 1, f"options.{OPTION}.tooling_fte_factor": 1,
                 f"options.{OPTION}.support_factor": support_factor, f"options.{OPTION}.licence_per_broker_year": 0},
                trials=1000, assessment={"horizon_years": 1})
    option = compute_case(data, tmp_path)["options"][OPTION]
    assert option["savings"] == expected and option["costs"] == 0
    outcome = option["range"]
    assert outcome["savings"] == {"p10": expected, "p50": expected, "p90": expected}
    assert outcome["probability_of_savings"] == (1.0 if expected > 0 else 0.0)
    assert outcome["roi"] == {"p10": None, "p50": None, "p90": None}  # costs 0 in every trial: never defined
    assert sum(outcome["histogram"]["counts"]) == 1000
    assert outcome["histogram"]["edges"][0] == outcome["histogram"]["edges"][-1] == expected


def test_a_ranged_count_is_drawn_in_whole_numbers_with_the_rounded_triangles_masses(tmp_path):
    """Connectors needed ~ triangle(0, 2, 6), rounded: savings take the values savings(k), k = 0..6, with
    P(k) = CDF(k + 0.5) - CDF(k - 0.5)."""
    low, likely, high = 0, 2, 6
    ranged_count = {"low": low, "likely": likely, "high": high}
    results = compute_case(case({"platform_fte": 2.0, "connectors_needed": ranged_count}, seed=5), tmp_path)
    option = results["options"][OPTION]
    assert option["savings"] == pytest.approx(savings(2.0, connectors=likely), rel=1e-12)
    p10, p50, p90 = (option["range"]["savings"][p] for p in ("p10", "p50", "p90"))
    connectors = [(p - savings(2.0)) / PER_CONNECTOR for p in (p10, p50, p90)]
    # Whole connectors at each percentile: the quantiles of the rounded triangle.
    masses = {k: float(tri_cdf(min(k + 0.5, high), low, likely, high) - tri_cdf(max(k - 0.5, low), low, likely, high))
              for k in range(low, high + 1)}
    cumulative = np.cumsum([masses[k] for k in range(low, high + 1)])
    assert connectors == pytest.approx([int(np.searchsorted(cumulative, q)) for q in (0.1, 0.5, 0.9)], abs=1e-9)
    # Each whole number's share, read from the histogram: savings(k) and savings(k + 1) are 40 / 6 bins apart,
    # so the non-empty bins are k = 0, ..., 6 in order.
    histogram = option["range"]["histogram"]
    edges, counts = np.array(histogram["edges"]), np.array(histogram["counts"])
    assert edges[0] == pytest.approx(savings(2.0, connectors=low), rel=1e-12)
    assert edges[-1] == pytest.approx(savings(2.0, connectors=high), rel=1e-12)
    assert counts.sum() == MANY and np.count_nonzero(counts) == high - low + 1
    for k, share in zip(range(low, high + 1), counts[counts > 0] / MANY):
        assert within(share, masses[k]), (k, share, masses[k])


def test_triangular_draws_of_a_count_are_whole_with_the_rounded_masses():
    low, likely, high = 0, 1, 4
    draws = triangular_draws(Range[int](low=low, likely=likely, high=high), MANY, input_stream(3, ("n",)))
    assert np.array_equal(draws, np.rint(draws))
    for k in range(low, high + 1):
        mass = float(tri_cdf(min(k + 0.5, high), low, likely, high) - tri_cdf(max(k - 0.5, low), low, likely, high))
        assert within(np.mean(draws == k), mass), k


@pytest.mark.parametrize("a, b, c", [(0.0, 1.0, 4.0), (0.0, 0.0, 3.0), (-2.0, 5.0, 5.0)])
def test_triangular_draws_take_low_likely_high_in_that_order(a, b, c):
    """Mean (a + b + c) / 3 and the median from the inverse CDF; a mode put anywhere else moves both, and
    a mode at either end is still a triangle, not a constant."""
    draws = triangular_draws(Range[float](low=a, likely=b, high=c), MANY, input_stream(4, ("x",)))
    assert a <= draws.min() and draws.max() <= c
    sd = math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
    assert abs(draws.mean() - (a + b + c) / 3) <= 5 * sd / math.sqrt(MANY)
    median = float(np.median(draws))
    assert median == pytest.approx(tri_ppf(0.5, a, b, c), abs=0.01 * (c - a))
    assert within(float(tri_cdf(median, a, b, c)), 0.5)


@pytest.mark.parametrize("value", [Range[float](low=2.5, likely=2.5, high=2.5), Range[int](low=7, likely=7, high=7)])
def test_triangular_draws_of_a_degenerate_range_are_the_constant(value):
    draws = triangular_draws(value, 1000, input_stream(1, ("x",)))
    assert draws.shape == (1000,) and np.all(draws == value.likely)


def test_sensitivity_swings_are_slope_times_width_largest_first(tmp_path):
    """Each ranged input at its low and at its high, the others at likely: savings move by its slope (section 7)
    times its distance from likely, the licence's slope negative; the rows come by swing, largest first, not
    in file order."""
    licence = f"options.{OPTION}.licence_per_broker_year"
    inputs = {  # path: (low, likely, high), slope of savings, label
        "baseline.platform_fte": ((1.5, 2.0, 3.5), PER_PLATFORM_FTE, "Platform FTE"),
        "baseline.tooling_fte": ((0.0, 1.0, 5.0), PER_TOOLING_FTE, "Tooling FTE"),
        "baseline.connectors_needed": ((0, 2, 6), PER_CONNECTOR, "Connectors needed"),
        "baseline.support_and_services_per_year": ((5000.0, 5000.0, 5000.0), 0.0, "Support and services per year"),
        f"overrides.{licence}": ((20_000.0, 25_000.0, 30_000.0), -BROKERS * H,
                                 "Confluent Platform: licence per broker year"),
    }
    ranges = {path.split(".", 1)[1]: dict(zip(("low", "likely", "high"), v)) for path, (v, _, _) in inputs.items()}
    results = compute_case(case({k: v for k, v in ranges.items() if k != licence}, trials=1000,
                                overrides={licence: ranges[licence]}), tmp_path)
    rows = results["sensitivity"]

    def at(path, value):
        given = {**{p: v[1] for p, (v, _, _) in inputs.items()}, path: value}
        return savings(*(given[f"baseline.{name}"] for name in ("platform_fte", "tooling_fte", "connectors_needed")),
                       licence=given[f"overrides.{licence}"])

    swings = {path: abs(slope) * (high - low) for path, ((low, _, high), slope, _) in inputs.items()}
    assert [row["input"] for row in rows] == sorted(inputs, key=swings.get, reverse=True) == [
        "baseline.tooling_fte", "baseline.platform_fte", "baseline.connectors_needed", f"overrides.{licence}",
        "baseline.support_and_services_per_year"]
    for row in rows:
        (low, _, high), _, label = inputs[row["input"]]
        assert row["label"] == label
        assert (row["low"], row["high"]) == (low, high)
        assert row["savings_at_low"] == pytest.approx(at(row["input"], low), rel=1e-12, abs=1e-6)
        assert row["savings_at_high"] == pytest.approx(at(row["input"], high), rel=1e-12, abs=1e-6)
        assert row["swing"] == pytest.approx(swings[row["input"]], rel=1e-12, abs=1e-6)
    assert rows[-1]["swing"] == 0 and rows[-1]["savings_at_low"] == rows[-1]["savings_at_high"] == \
        pytest.approx(results["options"][OPTION]["savings"], rel=1e-12)


def test_roi_percentiles_leave_out_undefined_trials():
    """Defined ROI 0, 1, ..., 100 between undefined trials: P10, P50, P90 are exactly 10, 50, 90."""
    roi = np.full(203, np.nan)
    roi[1:-1:2] = np.arange(101.0)
    savings_ = np.where(np.isnan(roi), 1.0, roi)
    outcome = outcome_range({"savings": savings_, "savings_pct": savings_, "roi": roi}, with_histogram=False)
    assert outcome["roi"] == {"p10": 10.0, "p50": 50.0, "p90": 90.0}
    assert outcome["trials"] == 203
    assert percentiles(np.full(5, np.nan)) == {"p10": None, "p50": None, "p90": None}
    assert outcome_range({"savings": np.ones(4), "savings_pct": np.ones(4), "roi": np.full(4, np.nan)},
                         with_histogram=False)["roi"] == \
        {"p10": None, "p50": None, "p90": None}


def test_only_the_proposed_option_carries_a_histogram(ranged):
    assert "histogram" in ranged["options"][OPTION]["range"]
    assert all("histogram" not in option["range"] for option_id, option in ranged["options"].items()
               if option_id != OPTION)


def _histogram(savings: np.ndarray) -> dict:
    trials = {"savings": savings, "savings_pct": savings, "roi": savings}
    return outcome_range(trials, with_histogram=True)["histogram"]


@pytest.mark.parametrize("centre, spread, bins", [
    (1e5, 1e-5, 1),     # a spread of a ten-billionth of the savings: one value, one bar
    (0.0, 1e-9, 1),     # exactly a billionth of 1 (savings below 1 compare their spread with 1): still one value
    (0.5, 1.5e-9, 40),  # one and a half billionths of 1: a real spread, forty bars
    (1e5, 1e-3, 40),
])
def test_savings_narrower_than_a_billionth_of_their_size_are_one_value(centre, spread, bins):
    """The histogram treats savings whose spread is at most 1e-9 x max(1, |highest|) as one value (numpy
    cannot split a narrower range); anything wider gets forty bins from the lowest to the highest."""
    savings = centre + np.linspace(0.0, spread, 1001)
    histogram = _histogram(savings)
    assert len(histogram["counts"]) == bins and sum(histogram["counts"]) == 1001
    assert histogram["edges"][0] == savings.min() and histogram["edges"][-1] == savings.max()


def test_a_ranged_assumption_is_labelled_by_its_key(tmp_path):
    """An override of an assumption (not of an option) is labelled by its dotted key in words."""
    key = "assumptions.connector_build_months"
    results = compute_case(case({"connectors_needed": 2}, trials=1000,
                                overrides={key: {"low": 3, "likely": 6, "high": 12}}), tmp_path)
    row, = results["sensitivity"]
    assert (row["input"], row["label"]) == (f"overrides.{key}", "Assumptions connector build months")
    months_slope = COVERAGE * 2 * LOADED / 12  # section 7: each build month of each connector not pre-built
    assert row["swing"] == pytest.approx(months_slope * (12 - 3), rel=1e-12)
