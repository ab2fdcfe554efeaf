"""Ranges of outcomes (docs/model.md section 9): a Monte Carlo simulation and a sensitivity analysis.

Both hand arrays to the same `resolve` and `evaluate` as the deterministic run (one element per
simulated trial, or per sensitivity scenario), so no formula exists twice and the three runs
cannot drift apart. The trials run in chunks, each chunk vectorised: what the model holds per trial
grows with the estate (clusters x years x options), so a chunk bounds the memory, and only the
figures the ranges need are kept from one chunk to the next. Under a memory budget the chunks are
smaller still, and a simulation whose kept figures alone would not fit is refused before it starts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from reportgen.catalogue import Catalogue
from reportgen.inputs.jsonparse import Path
from reportgen.model.costs import evaluate
from reportgen.problems import ReportgenError, json_path
from reportgen.model.scenario import Pick, catalogue_values, ranged_inputs, resolve
from reportgen.inputs.schema import Assessment, MonteCarlo, Range

METRICS = ("savings", "savings_pct", "roi")
PERCENTILES = {"p10": 10, "p50": 50, "p90": 90}
HISTOGRAM_BINS = 40
MOST_TRIALS_PER_CHUNK = 10_000
TRIAL_WORKLOADS_PER_CHUNK = 3_000_000  # trials x clusters x years held at once: what bounds the memory
LEAST_TRIALS_PER_CHUNK = 100  # below this, a chunk's fixed cost outweighs its work
# What a chunk holds per trial, measured with tracemalloc with every input of 1 to 200 clusters over 1 to 10 years
# ranged (at most 2.6 KB and 80 bytes per cluster and year), rounded up: tests/test_faults_memory.py checks it
CHUNK_BYTES = 2**20  # whatever its size: the scenario's objects and the options' fixed arrays
CHUNK_BYTES_PER_TRIAL = 4096
CHUNK_BYTES_PER_TRIAL_WORKLOAD = 96
SUMMARY_COPIES = 4  # arrays of one metric the percentiles and the histogram copy while they summarise it
LABEL_WORDS = {"mbps": "MB/s", "fte": "FTE"}


@dataclass(frozen=True)
class Uncertainty:
    """What the ranges do to the answer: per-option outcome ranges and the proposed option's sensitivity."""
    ranges: dict[str, dict]
    sensitivity: list[dict]


def input_stream(seed: int, path: Path) -> np.random.Generator:
    """A generator for one input, keyed by the seed and the input's path.

    Each input gets its own stream, so adding or removing a range elsewhere in the assessment
    leaves this input's draws unchanged.
    """
    key = int.from_bytes(hashlib.sha256(json_path(path).encode()).digest()[:8], "little")
    return np.random.default_rng([seed, key])


def triangular_draws(value: Range, trials: int, rng: np.random.Generator) -> np.ndarray:
    """`trials` draws from the triangle (low, likely, high); counts are rounded to whole numbers."""
    if value.low == value.high:
        return np.full(trials, float(value.likely))
    draws = rng.triangular(value.low, value.likely, value.high, trials)
    return np.rint(draws) if isinstance(value.likely, int) else draws


def memory_needed(assessment: Assessment, trials: int) -> tuple[int, int]:
    """Bytes the simulation holds whatever the chunks (every trial's figures for every option, the copies the
    summaries make, a chunk's fixed part), and bytes a chunk holds per trial while the model runs."""
    kept = trials * _kept_per_trial(assessment) + CHUNK_BYTES
    per_trial = CHUNK_BYTES_PER_TRIAL + CHUNK_BYTES_PER_TRIAL_WORKLOAD * len(assessment.clusters) * assessment.assessment.horizon_years
    return kept, per_trial


def _kept_per_trial(assessment: Assessment) -> int:
    return 8 * (len(METRICS) * len(assessment.assessment.options) + SUMMARY_COPIES)


def trials_per_chunk(assessment: Assessment, memory_bytes: int | None = None, trials: int | None = None) -> int:
    """As many trials as keep a chunk's arrays within bounds: fewer for a larger estate or horizon, or for
    a memory budget (`memory_bytes` for the whole simulation of `trials`).

    The model holds a few arrays per cluster and year while it runs. A chunk of some thousands of
    trials already makes numpy's cost per operation small beside the work, so a larger one would
    only hold more memory. (The schema's largest estate, 200 clusters over 10 years, still gets
    chunks of 1,500.) A budget that cannot hold the kept figures and a chunk of 100 trials is refused.
    """
    workloads = len(assessment.clusters) * assessment.assessment.horizon_years
    size = min(MOST_TRIALS_PER_CHUNK, TRIAL_WORKLOADS_PER_CHUNK // workloads)
    if memory_bytes is None:
        return size
    trials = trials or assessment.assessment.monte_carlo.trials
    kept, per_trial = memory_needed(assessment, trials)
    least = min(LEAST_TRIALS_PER_CHUNK, trials)
    if kept + least * per_trial > memory_bytes:
        fit = (memory_bytes - least * per_trial - CHUNK_BYTES) // _kept_per_trial(assessment)
        raise ReportgenError(
            f"the range simulation of {trials:,} trials needs about {_mb(kept + least * per_trial)} "
            f"({_mb(kept)} to keep every trial's figures for {len(assessment.assessment.options)} options, and "
            f"{_mb(least * per_trial)} for a chunk of {least} trials), more than its memory budget of {_mb(memory_bytes)}; "
            f"lower assessment.monte_carlo.trials (about {max(fit, 0):,} fit) or raise the budget (--memory-budget)")
    return max(least, min(size, (memory_bytes - kept) // per_trial))


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def chunks(trials: int, size: int) -> list[slice]:
    """The trials in consecutive runs of at most `size`."""
    return [slice(start, min(start + size, trials)) for start in range(0, trials, size)]


def _next_draws(seed: int, streams: dict[Path, np.random.Generator], chunk: slice) -> Pick:
    """A pick drawing the chunk's trials from each input's stream, opened on the input's first chunk."""
    def pick(path: Path, value: Range) -> np.ndarray:
        if path not in streams:
            streams[path] = input_stream(seed, path)
        return triangular_draws(value, chunk.stop - chunk.start, streams[path])
    return pick


def _options(assessment: Assessment, catalogue: Catalogue, pick: Pick) -> dict:
    resolved = resolve(assessment, pick)
    return evaluate(resolved, catalogue_values(resolved, catalogue), detail=False)["options"]


def simulate(assessment: Assessment, catalogue: Catalogue, settings: MonteCarlo | None = None,
             chunk_size: int | None = None, memory_bytes: int | None = None) -> dict:
    """Per option, `savings`, `savings_pct` and `roi` as arrays with one element per trial.

    Each input's stream carries on from one chunk to the next, so a chunk's draws are the next
    stretch of the draws one run of all the trials would take: the chunk size changes no result.
    """
    settings = settings or assessment.assessment.monte_carlo
    chunk_size = chunk_size or trials_per_chunk(assessment, memory_bytes, settings.trials)
    streams: dict[Path, np.random.Generator] = {}
    kept: dict[str, dict[str, np.ndarray]] = {}
    for chunk in chunks(settings.trials, chunk_size):
        for option_id, option in _options(assessment, catalogue, _next_draws(settings.seed, streams, chunk)).items():
            arrays = kept.setdefault(option_id, {m: np.empty(settings.trials) for m in METRICS})
            for m in METRICS:
                arrays[m][chunk] = option[m]
    return kept


def percentiles(samples: np.ndarray) -> dict:
    """P10, P50 and P90 of the defined trials (an undefined ROI is NaN and left out); None if none is."""
    defined = samples[~np.isnan(samples)]
    if defined.size == 0:
        return {name: None for name in PERCENTILES}
    return dict(zip(PERCENTILES, np.percentile(defined, list(PERCENTILES.values())).tolist()))


def outcome_range(trials: dict, *, with_histogram: bool) -> dict:
    """The `range` entry of one option in results.json."""
    savings = trials["savings"]
    result = {"trials": int(savings.size), **{m: percentiles(trials[m]) for m in METRICS},
              "probability_of_savings": float(np.mean(savings > 0))}
    if with_histogram:
        low, high = float(savings.min()), float(savings.max())
        if high - low <= 1e-9 * max(1.0, abs(high)):  # one value: numpy cannot split so narrow a range
            counts, edges = np.array([savings.size]), np.array([low, high])
        else:
            counts, edges = np.histogram(savings, bins=HISTOGRAM_BINS, range=(low, high))
        result["histogram"] = {"edges": edges.tolist(), "counts": counts.tolist()}
    return result


def _words(name: str) -> str:
    return " ".join(LABEL_WORDS.get(word, word) for word in name.split("_"))


def input_label(path: Path, assessment: Assessment, catalogue: Catalogue) -> str:
    """A reader's name for a ranged input, built from its field names: `Cluster prod-events: ingress MB/s`."""
    if path[0] == "clusters":
        return f"Cluster {assessment.clusters[path[1]].name}: {_words(path[2])}"
    if path[0] == "overrides":
        section, _, rest = path[1].partition(".")
        option_id, _, name = rest.partition(".")
        if section == "options" and option_id in catalogue.options:
            return f"{catalogue.options[option_id].short_name}: {_words(name.replace('.', ' '))}"
        return _words(path[1].replace(".", " ")).capitalize()
    text = _words(path[-1])
    return text[0].upper() + text[1:]


def sensitivity(assessment: Assessment, catalogue: Catalogue) -> list[dict]:
    """Each ranged input at its low and at its high, the rest at likely: the swing in the proposed
    option's savings, largest first.

    The 2N scenarios run as one vectorised evaluation: scenario 2i holds input i at its low,
    scenario 2i + 1 at its high.
    """
    inputs = ranged_inputs(assessment)
    if not inputs:
        return []
    position = {path: i for i, path in enumerate(inputs)}

    def pick(path: Path, value: Range) -> np.ndarray:
        scenarios = np.full(2 * len(inputs), float(value.likely))
        scenarios[2 * position[path]:2 * position[path] + 2] = (value.low, value.high)
        return scenarios

    proposed = assessment.assessment.proposed_option
    savings = np.broadcast_to(np.asarray(_options(assessment, catalogue, pick)[proposed]["savings"], float),
                              2 * len(inputs))
    rows = [{"input": json_path(path), "label": input_label(path, assessment, catalogue),
             "low": value.low, "high": value.high,
             "savings_at_low": float(savings[2 * i]), "savings_at_high": float(savings[2 * i + 1]),
             "swing": float(abs(savings[2 * i + 1] - savings[2 * i]))}
            for i, (path, value) in enumerate(inputs.items())]
    return sorted(rows, key=lambda row: row["swing"], reverse=True)


def analyse(assessment: Assessment, catalogue: Catalogue, settings: MonteCarlo | None = None,
            memory_bytes: int | None = None) -> Uncertainty:
    """Ranges for every option (with a histogram for the proposed one) and the sensitivity list, within
    `memory_bytes` when given."""
    proposed = assessment.assessment.proposed_option
    try:
        trials = simulate(assessment, catalogue, settings, memory_bytes=memory_bytes)
        rows = sensitivity(assessment, catalogue)
    except FloatingPointError as exc:
        reaching_zero = [json_path(path) for path, value in ranged_inputs(assessment).items() if value.low <= 0]
        hint = f"; ranges reaching 0: {', '.join(reaching_zero)}" if reaching_zero else ""
        raise ReportgenError(f"the range simulation failed ({exc}) at a value inside the ranges given, "
                             f"though the likely values compute; narrow the ranges{hint}") from None
    ranges = {option_id: outcome_range(option, with_histogram=option_id == proposed)
              for option_id, option in trials.items()}
    return Uncertainty(ranges, rows)
