"""What a metrics file tells about one cluster: figures named like the inputs they become, each saying
what was read, with the file and the period it describes."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.imports.metrics.series import PEAK_PERCENTILE

MB = 1e6  # throughput inputs are decimal megabytes per second
GB = 1e9

# Which tool's figure wins when several files give the same one: Kafka's own tools read the configuration
# and the log directories exactly; Prometheus and CloudWatch sample them.
RANK = {"kafka-topics": 0, "kafka-log-dirs": 1, "prometheus": 2, "cloudwatch": 2}


@dataclass(frozen=True)
class Figure:
    value: float
    read: str  # what was read and how the value follows from it


@dataclass
class ClusterFigures:
    """Figures for one cluster from one tool's files. `cluster` is None where the files do not name it."""
    tool: str
    cluster: str | None
    sources: list[str]
    period: str
    figures: dict[str, Figure] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return RANK[self.tool]


def significant(value: float, digits: int = 4) -> float:
    """`value` to `digits` significant digits: a measured 351.2345 MB/s is 351.2, not a false precision."""
    return float(f"{value:.{digits}g}")


def add_throughput(figures: dict[str, Figure], inbound, outbound, what: str) -> None:
    """Average ingress and egress, and the peak-to-average ratio of ingress, from two `series.Throughput`."""
    if inbound is not None:
        resets = f"; {inbound.resets} counter reset(s) counted as restarts" if inbound.resets else ""
        figures["ingress_mbps"] = Figure(significant(inbound.mean / MB),
                                         f"{what} bytes in: mean {inbound.mean / MB:,.1f} MB/s{resets}")
        if inbound.mean > 0:
            figures["peak_to_average"] = Figure(
                max(1.0, round(float(inbound.peak / inbound.mean), 2)),
                f"{what} bytes in: p{PEAK_PERCENTILE} {inbound.peak / MB:,.1f} MB/s over {inbound.points:,} points "
                f"/ mean {inbound.mean / MB:,.1f} MB/s")
            figures["peak_percentile"] = Figure(PEAK_PERCENTILE, f"the peak is the p{PEAK_PERCENTILE} of the series")
    if outbound is not None:
        resets = f"; {outbound.resets} counter reset(s) counted as restarts" if outbound.resets else ""
        figures["egress_mbps"] = Figure(significant(outbound.mean / MB),
                                        f"{what} bytes out: mean {outbound.mean / MB:,.1f} MB/s{resets}")
