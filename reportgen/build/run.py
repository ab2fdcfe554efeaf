"""What one run hands from stage to stage: the computed assessment, and the time each stage took."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from reportgen.inputs.schema import Assessment


@dataclass(frozen=True)
class Computed:
    """A validated assessment, its results (the contract of results.json) and the bytes it was read from."""
    assessment: Assessment
    results: dict
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
