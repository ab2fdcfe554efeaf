"""Time series arithmetic shared by the metrics readers: counter increases with resets handled as Prometheus
handles them, series summed across brokers, and the mean and a stated percentile of the cluster's series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

PEAK_PERCENTILE = 95  # the peak is this percentile of the cluster's throughput series, not its single highest point


@dataclass(frozen=True)
class Throughput:
    """A cluster's throughput over a period, in bytes per second."""
    mean: float
    peak: float
    points: int  # points of the cluster's series the peak is taken from
    start: float  # seconds since the epoch
    end: float
    resets: int  # counter resets seen (a broker restarted)


def increases(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, int]:
    """What a counter grew by between consecutive samples. A drop is a reset (the broker restarted and the
    counter began again from 0), so the increase is the new value, as Prometheus's rate() counts it."""
    steps = np.diff(values)
    dropped = steps < 0
    return np.where(dropped, values[1:], steps), int(dropped.sum())


def _sorted(times, values) -> tuple[np.ndarray, np.ndarray]:
    times, values = np.asarray(times, float), np.asarray(values, float)
    order = np.argsort(times, kind="stable")
    return times[order], values[order]


def _summed(points: list[tuple[np.ndarray, np.ndarray]], step: float) -> np.ndarray:
    """The series added across brokers, time by time: points within one step of a time count as that time;
    only times every series reports are kept, so a missing scrape does not read as a dip."""
    slots = np.concatenate([np.round(times / step) for times, _ in points])
    values = np.concatenate([values for _, values in points])
    _, slot = np.unique(slots, return_inverse=True)
    sums, counts = np.bincount(slot, weights=values), np.bincount(slot)
    return sums[counts == counts.max()]


def counter_throughput(series: list[tuple[list[float], list[float]]]) -> Throughput | None:
    """A cluster's throughput from byte counters (one per broker, or per broker and topic)."""
    rates, span, total, resets = [], [], 0.0, 0
    for raw_times, raw_values in series:
        times, values = _sorted(raw_times, raw_values)
        if len(times) < 2:
            continue
        grown, dropped = increases(times, values)
        gaps = np.diff(times)
        keep = gaps > 0
        rates.append((times[1:][keep], grown[keep] / gaps[keep]))
        total += float(grown[keep].sum())
        resets += dropped
        span += [times[0], times[-1]]
    if not rates:
        return None
    start, end = min(span), max(span)
    step = float(np.median(np.concatenate([np.diff(t) for t, _ in rates if len(t) > 1] or [np.array([end - start])])))
    summed = _summed(rates, step or 1.0)
    mean = total / (end - start) if end > start else float(summed.mean())
    return Throughput(mean, float(np.percentile(summed, PEAK_PERCENTILE)), len(summed), start, end, resets)


def gauge_throughput(series: list[tuple[list[float], list[float]]]) -> Throughput | None:
    """A cluster's throughput from series that already are rates (CloudWatch's BytesInPerSec averages)."""
    points = [_sorted(t, v) for t, v in series if len(t)]
    if not points:
        return None
    start, end = min(t[0] for t, _ in points), max(t[-1] for t, _ in points)
    gaps = np.concatenate([np.diff(t) for t, _ in points if len(t) > 1] or [np.array([1.0])])
    summed = _summed(points, float(np.median(gaps)) or 1.0)
    return Throughput(float(summed.mean()), float(np.percentile(summed, PEAK_PERCENTILE)), len(summed), start, end, 0)


def last_values(series: list[tuple[list[float], list[float]]]) -> list[float]:
    """Each series' latest value."""
    return [float(_sorted(t, v)[1][-1]) for t, v in series if len(t)]


def day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d")


def moment(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def period(start: float, end: float) -> str:
    return f"{moment(start)} to {moment(end)}"
