"""Amazon CloudWatch metric data for MSK, as `aws cloudwatch get-metric-data` writes it.

The output holds MetricDataResults with an Id, a Label, Timestamps and Values; which metric and which
cluster a result is are read from its Label (or Id), so give each query a label such as
"payments-prod BytesInPerSec" (a per-broker query, or a SUM over brokers: both are added up per time).
BytesIn/OutPerSec are read as averages in bytes per second; PartitionCount per broker counts replicas;
KafkaDataLogsDiskUsed is the percentage of each broker's data disk in use.
"""

from __future__ import annotations

import functools
import json
import tomllib
from datetime import datetime
from pathlib import Path

import numpy as np

from reportgen.imports.metrics.figures import ClusterFigures, Figure, add_throughput
from reportgen.imports.metrics.prometheus import NAMES_FILE
from reportgen.imports.metrics.series import gauge_throughput, last_values, period
from reportgen.imports.refusals import NothingMeasured, WrongFormat

TOOL = "cloudwatch"


@functools.cache
def names() -> dict[str, str]:
    with NAMES_FILE.open("rb") as stream:
        table = tomllib.load(stream)["cloudwatch"]
    return dict(sorted(table.items(), key=lambda kv: -len(kv[1])))  # GlobalPartitionCount before PartitionCount


def quantity(result: dict) -> str | None:
    """Which metric a result is, by its Label, else its Id."""
    for text in (result.get("Label") or "", result.get("Id") or ""):
        found = next((q for q, name in names().items() if name.lower() in text.lower()), None)
        if found:
            return found
    return None


def results(data, shown: str) -> list[dict]:
    """The file's results, checked for the shape get-metric-data writes."""
    pages = data if isinstance(data, list) else [data]
    found = []
    for page in pages:
        items = page.get("MetricDataResults") if isinstance(page, dict) else None
        if not isinstance(items, list):
            raise WrongFormat(f"{shown}: JSON without MetricDataResults; expected the output of `aws cloudwatch "
                              "get-metric-data`")
        for item in items:
            if not (isinstance(item, dict) and isinstance(item.get("Timestamps"), list)
                    and isinstance(item.get("Values"), list) and len(item["Timestamps"]) == len(item["Values"])):
                raise WrongFormat(f"{shown}: a MetricDataResults entry lacks Timestamps and Values of one length "
                                  f"({str(item)[:80]}); export the data again")
            found.append(item)
    return found


def _seconds(stamp: str, shown: str) -> float:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        raise WrongFormat(f"{shown}: the timestamp {stamp!r} is not ISO 8601 (e.g. 2026-08-01T00:00:00Z)") from None


def figures(items: list[tuple[dict, str]], cluster: str | None, sources: list[str]) -> ClusterFigures:
    """What the results (each with its file's name) of one cluster measure."""
    by_quantity: dict[str, list[tuple[list[float], list[float]]]] = {}
    partial = []
    for item, shown in items:
        kind = quantity(item)
        if kind is None:
            continue
        times = [_seconds(t, shown) for t in item["Timestamps"]]
        by_quantity.setdefault(kind, []).append((times, [float(v) for v in item["Values"]]))
        if item.get("StatusCode") not in (None, "Complete"):
            partial.append(item.get("Label") or item.get("Id"))
    every_time = [t for series in by_quantity.values() for times, _ in series for t in times]
    if not every_time:
        raise NothingMeasured(f"{', '.join(sources)}: no result is one of the MSK metrics reportgen reads "
                              f"({', '.join(names().values())}); name each query's Label after its metric, e.g. "
                              "\"payments-prod BytesInPerSec\"")
    result = ClusterFigures(TOOL, cluster, sources, period(min(every_time), max(every_time)))
    if partial:
        result.warnings.append(f"{', '.join(sources)}: CloudWatch returned partial data for {', '.join(partial)} "
                               "(StatusCode PartialData): fetch every page (NextToken) for the whole period")
    found = result.figures
    add_throughput(found, gauge_throughput(by_quantity.get("bytes_in", [])),
                   gauge_throughput(by_quantity.get("bytes_out", [])), "CloudWatch")
    partitions = max(last_values(by_quantity.get("global_partitions", [])) or [0])
    if partitions:
        found["partitions"] = Figure(int(partitions), f"GlobalPartitionCount, latest: {int(partitions):,}")
    replicas = by_quantity.get("replicas", [])
    if replicas:
        found["brokers_in_service"] = Figure(len(replicas), f"PartitionCount series, one per broker: {len(replicas)}")
        if partitions:
            total = sum(last_values(replicas))
            found["replication_factor"] = Figure(round(total / partitions),
                                                 f"PartitionCount summed over brokers {total:,.0f} / "
                                                 f"GlobalPartitionCount {partitions:,.0f}")
    disk = by_quantity.get("disk_used_percent", [])
    if disk:
        mean = float(np.mean(np.concatenate([np.asarray(v, float) for _, v in disk])))
        found["disk_utilization"] = Figure(round(mean / 100, 2), f"KafkaDataLogsDiskUsed, mean over {len(disk)} "
                                                                  f"broker(s) and the period: {mean:.1f} %")
    return result


def load(path: Path, shown: str) -> list[dict]:
    try:
        return results(json.loads(path.read_text(encoding="utf-8")), shown)
    except json.JSONDecodeError as exc:
        raise WrongFormat(f"{shown}: not valid JSON ({exc.msg} at line {exc.lineno}); the file may be cut off: "
                          "export it again") from None
