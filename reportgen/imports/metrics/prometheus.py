"""Prometheus text exposition, as scraped from the JMX exporter or Kafka's own metrics: one snapshot, or a
range export (samples with timestamps, e.g. concatenated scrapes). Parsed with prometheus_client's parser.

Byte counters give throughput (resets handled as Prometheus does); the broker gauges give partitions, the
replication factor and the brokers in service; log sizes give the bytes retained. A file may hold several
clusters when its series carry a cluster label.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client.parser import text_fd_to_metric_families

from reportgen.imports.metrics.figures import GB, ClusterFigures, Figure, add_throughput
from reportgen.imports.metrics.series import counter_throughput, day, last_values, period
from reportgen.imports.refusals import NothingMeasured, WrongFormat

NAMES_FILE = Path(__file__).with_name("names.toml")
TOOL = "prometheus"


@functools.cache
def names() -> dict:
    with NAMES_FILE.open("rb") as stream:
        table = tomllib.load(stream)["prometheus"]
    return {**table, "patterns": {k: re.compile(v, re.IGNORECASE) for k, v in table.items() if isinstance(v, str)}}


@dataclass
class Samples:
    """The samples of the metrics reportgen reads, for one cluster: (quantity, labels) -> times and values."""
    series: dict[tuple[str, tuple], tuple[list[float], list[float]]] = field(default_factory=dict)

    def add(self, quantity: str, labels: dict, value: float, timestamp) -> None:
        times, values = self.series.setdefault((quantity, tuple(sorted(labels.items()))), ([], []))
        times.append(float(timestamp) if timestamp is not None else 0.0)  # a sample without a time: a snapshot
        values.append(float(value))

    def of(self, quantity: str) -> dict[tuple, tuple[list[float], list[float]]]:
        return {labels: data for (q, labels), data in self.series.items() if q == quantity}

    def merge(self, other: Samples) -> None:
        for key, (times, values) in other.series.items():
            mine = self.series.setdefault(key, ([], []))
            mine[0].extend(times)
            mine[1].extend(values)


def _quantity(sample_name: str) -> str | None:
    return next((q for q, pattern in names()["patterns"].items() if pattern.fullmatch(sample_name)), None)


def read_samples(path: Path, shown: str) -> dict[str | None, Samples]:
    """The samples of one file by the cluster their labels name (None where no label names one)."""
    by_cluster: dict[str | None, Samples] = {}
    try:
        with path.open(encoding="utf-8") as stream:
            for family in text_fd_to_metric_families(stream):
                for sample in family.samples:
                    quantity = _quantity(sample.name)
                    if quantity is None:
                        continue
                    cluster = next((sample.labels[k] for k in names()["cluster_labels"] if sample.labels.get(k)), None)
                    by_cluster.setdefault(cluster, Samples()).add(quantity, sample.labels, sample.value,
                                                                  sample.timestamp)
    except (ValueError, TypeError, IndexError) as exc:
        raise WrongFormat(f"{shown}: not Prometheus text exposition ({exc}). Expected `name{{labels}} value "
                          "[timestamp]` lines as a /metrics scrape or a range export writes them; other metrics "
                          "files reportgen reads: CloudWatch get-metric-data JSON, kafka-log-dirs.sh --describe JSON, "
                          "kafka-topics.sh --describe text") from None
    except UnicodeDecodeError:
        raise WrongFormat(f"{shown}: not text (UTF-8); expected Prometheus text exposition") from None
    if not by_cluster:
        raise NothingMeasured(f"{shown}: Prometheus text, but none of the Kafka metrics reportgen reads "
                              f"({', '.join(names()['patterns'])}, e.g. kafka_server_brokertopicmetrics_bytesin_total); "
                              "scrape the brokers' JMX exporter")
    return by_cluster


def _broker(labels: tuple) -> str:
    found = dict(labels)
    return next((found[k] for k in names()["broker_labels"] if k in found), str(labels))


def _bytes_series(samples: Samples, quantity: str) -> list[tuple[list[float], list[float]]]:
    """Per-broker counters: where an exporter writes both all-topics and per-topic series, only the former."""
    series = samples.of(quantity)
    overall = {labels: data for labels, data in series.items() if "topic" not in dict(labels)}
    return list((overall or series).values())


def figures(samples: Samples, cluster: str | None, sources: list[str]) -> ClusterFigures:
    """What the samples of one cluster measure."""
    timed = [t for times, _ in samples.series.values() for t in times if t]
    when = period(min(timed), max(timed)) if timed else "one snapshot (no timestamps)"
    result = ClusterFigures(TOOL, cluster, sources, when)
    found = result.figures
    inbound = counter_throughput(_bytes_series(samples, "bytes_in"))
    if inbound is None and samples.of("bytes_in"):
        result.warnings.append(f"{', '.join(sources)}: the byte counters are sampled once (a snapshot): counters at "
                               "one instant give no throughput; export a range (samples with timestamps) to measure it")
    add_throughput(found, inbound, counter_throughput(_bytes_series(samples, "bytes_out")), "Prometheus")
    leaders = sum(last_values(list(samples.of("leaders").values())))
    global_partitions = max(last_values(list(samples.of("global_partitions").values())) or [0])
    partitions = global_partitions or leaders
    if partitions:
        how = "the controller's GlobalPartitionCount" if global_partitions else "LeaderCount summed over brokers"
        found["partitions"] = Figure(int(partitions), f"{how}: {int(partitions):,}")
    replicas = samples.of("replicas")
    if replicas:
        replica_total = sum(last_values(list(replicas.values())))
        brokers = len({_broker(labels) for labels in replicas})
        found["brokers_in_service"] = Figure(brokers, f"brokers reporting ReplicaManager PartitionCount: {brokers}")
        if partitions:
            factor = round(replica_total / partitions)
            found["replication_factor"] = Figure(factor, f"{replica_total:,.0f} partition replicas / "
                                                         f"{partitions:,.0f} partitions")
    sizes = samples.of("log_size")
    if sizes:
        retained = sum(last_values(list(sizes.values())))
        found["retained_gb"] = Figure(round(retained / GB, 1), f"kafka_log_log_size summed over {len(sizes):,} "
                                                               f"replicas at {day(max(timed)) if timed else 'the scrape'}")
    if not found:
        raise NothingMeasured(f"{', '.join(sources)}: no figure could be derived: throughput needs byte counters "
                              "sampled at two times or more, partitions the ReplicaManager or controller gauges")
    return result
