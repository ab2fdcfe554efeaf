"""What one run hands from stage to stage: the computed assessment, and the time each stage took."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from reportgen.catalogue import Values
from reportgen.inputs.schema import Assessment
from reportgen.model.contract import Results


@dataclass(frozen=True)
class Computed:
    """One customer computed: the assessment as read, the scenario and catalogue values the figures were
    computed from, the results (the contract of results.json) and the bytes the assessment was read from.

    Later stages take the scenario and values from here rather than resolving them again.
    """
    assessment: Assessment
    resolved: Assessment
    values: Values
    results: Results
    input_bytes: bytes


@dataclass
class Stages:
    """Wall time per stage of one run, in seconds, in the order the stages ran."""
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
