"""Kafka's own tools: `kafka-log-dirs.sh --describe` (JSON: bytes per partition replica and broker) and
`kafka-topics.sh --describe` (text: partitions, replication factor and retention of every topic)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from reportgen.imports.metrics.figures import GB, ClusterFigures, Figure
from reportgen.imports.refusals import NothingMeasured, WrongFormat

MS_PER_DAY = 86_400_000
BROKER_DEFAULT_RETENTION_DAYS = 7  # log.retention.hours=168, Kafka's default, for topics that set no retention.ms
TOPIC_LINE = re.compile(r"^\s*Topic:\s*(?P<topic>\S+)\s+(?:TopicId:\s*\S+\s+)?PartitionCount:\s*(?P<partitions>\d+)\s+"
                    r"ReplicationFactor:\s*(?P<factor>\d+)(?:\s+Configs:\s*(?P<configs>\S*))?", re.MULTILINE)


def _snapshot(path: Path) -> str:
    """A tool's output describes the moment it ran; the file's date stands for it."""
    return "snapshot of " + datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d")


def log_dirs(path: Path, shown: str) -> ClusterFigures:
    text = path.read_text(encoding="utf-8")
    payload = next((line for line in text.splitlines() if line.lstrip().startswith("{")), None)
    try:
        data = json.loads(payload or "")
        brokers = data["brokers"]
        replicas = [(b["broker"], p["partition"], int(p["size"])) for b in brokers for d in b["logDirs"]
                    for p in d.get("partitions", []) if not p.get("isFuture")]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        raise WrongFormat(f"{shown}: not kafka-log-dirs.sh --describe output (a JSON line with brokers, logDirs and "
                          "partitions with their size); run it again and keep its whole output") from None
    if not replicas:
        raise NothingMeasured(f"{shown}: the log directories hold no partition; was the right cluster described?")
    result = ClusterFigures("kafka-log-dirs", None, [shown], _snapshot(path))
    partitions = {name for _, name, _ in replicas}
    retained = sum(size for *_, size in replicas)
    errors = [d.get("error") for b in brokers for d in b["logDirs"] if d.get("error")]
    if errors:
        result.warnings.append(f"{shown}: {len(errors)} log directory(ies) reported an error ({errors[0]}); their "
                               "partitions are not counted")
    result.figures.update({
        "brokers_in_service": Figure(len(brokers), f"brokers described: {len(brokers)}"),
        "retained_gb": Figure(round(retained / GB, 1), f"size of {len(replicas):,} partition replicas: "
                                                       f"{retained / GB:,.1f} GB"),
        "partitions": Figure(len(partitions), f"distinct partitions in the log directories: {len(partitions):,}"),
        "replication_factor": Figure(round(len(replicas) / len(partitions)),
                                     f"{len(replicas):,} replicas / {len(partitions):,} partitions"),
    })
    return result


def _retention_days(configs: str | None) -> float | None:
    """Days a topic keeps data by its retention.ms; None where it keeps data forever (-1)."""
    for setting in (configs or "").split(","):
        key, _, value = setting.partition("=")
        if key.strip() == "retention.ms" and value.strip().lstrip("-").isdigit():
            milliseconds = int(value)
            return None if milliseconds < 0 else milliseconds / MS_PER_DAY
    return BROKER_DEFAULT_RETENTION_DAYS


def topics(path: Path, shown: str) -> ClusterFigures:
    text = path.read_text(encoding="utf-8")
    found = list(TOPIC_LINE.finditer(text))
    if not found:
        raise WrongFormat(f"{shown}: not kafka-topics.sh --describe output (lines such as `Topic: orders "
                          "PartitionCount: 12 ReplicationFactor: 3 Configs: retention.ms=604800000`)")
    result = ClusterFigures("kafka-topics", None, [shown], _snapshot(path))
    partitions = sum(int(m["partitions"]) for m in found)
    factors = Counter()
    weighted, forever, defaulted = 0.0, [], 0
    compacted = 0
    for m in found:
        count = int(m["partitions"])
        factors[int(m["factor"])] += count
        if m["topic"].startswith("__") or "cleanup.policy=compact" in (m["configs"] or ""):
            compacted += count  # internal and compacted topics keep the latest value per key, not days of data
            continue
        days = _retention_days(m["configs"])
        if days is None:
            forever.append(m["topic"])
        else:
            weighted += days * count
            defaulted += count if "retention.ms" not in (m["configs"] or "") else 0
    factor, share = factors.most_common(1)[0]
    mixed = "" if len(factors) == 1 else f" ({share:,} of {partitions:,} partitions; others: " + ", ".join(
        f"{f} on {n:,}" for f, n in factors.items() if f != factor) + ")"
    result.figures["partitions"] = Figure(partitions, f"PartitionCount of {len(found):,} topics: {partitions:,}")
    result.figures["replication_factor"] = Figure(factor, f"ReplicationFactor {factor}{mixed}")
    counted = partitions - compacted - sum(int(m["partitions"]) for m in found if m["topic"] in forever)
    if counted:
        note = (f"; {defaulted:,} partitions set no retention.ms and keep the broker default, taken as "
                f"{BROKER_DEFAULT_RETENTION_DAYS} days") if defaulted else ""
        note += f"; {compacted:,} partitions of internal or compacted topics left out" if compacted else ""
        result.figures["retention_days"] = Figure(round(weighted / counted, 2),
                                                  f"retention.ms, mean weighted by partitions{note}")
    if forever:
        result.warnings.append(f"{shown}: {len(forever)} topic(s) keep data forever (retention.ms=-1: "
                               f"{', '.join(forever[:3])}); they are left out of the mean retention")
    return result
