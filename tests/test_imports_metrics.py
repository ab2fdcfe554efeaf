"""Metrics read by `invoke import`: Prometheus (counter resets as Prometheus handles them), CloudWatch for MSK,
kafka-log-dirs.sh and kafka-topics.sh; each figure's value and what it says it read; bad files refused."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pytest

from reportgen.imports.metrics.read import MetricsFile, parse_binding, read_metrics
from reportgen.imports.metrics.series import PEAK_PERCENTILE, increases
from reportgen.imports.refusals import NothingMeasured, UnknownCluster, UsageError, WrongFormat

from .fixtures.imports import writers

START = datetime(2026, 8, 1)
RATES = [10.0] * 9 + [40.0]  # MB/s per broker in each minute: a quiet stretch and a burst
ONE = ["orders-prod"]


def figures(path, clusters=ONE, cluster=None):
    found = read_metrics([MetricsFile(path, path.name, cluster)], clusters)
    return found


def only(path, clusters=ONE):
    (readings,) = figures(path, clusters).values()
    (reading,) = readings
    return reading


def value(reading, name):
    return reading.figures[name].value


def test_increases_count_a_reset_as_prometheus_does():
    grown, resets = increases(np.array([0, 60, 120, 180.0]), np.array([100, 160, 30, 90.0]))
    assert grown.tolist() == [60, 30, 60] and resets == 1


def test_prometheus_throughput_is_the_counters_rate_summed_over_brokers(tmp_path):
    path = writers.write_prometheus(tmp_path / "scrape.txt", 3, RATES, [2 * r for r in RATES], START,
                                    partitions=120, log_bytes=10**9)
    reading = only(path)
    cluster = np.array(RATES) * 3
    assert value(reading, "ingress_mbps") == pytest.approx(cluster.mean())
    assert value(reading, "egress_mbps") == pytest.approx(2 * cluster.mean())
    assert value(reading, "peak_to_average") == round(np.percentile(cluster, PEAK_PERCENTILE) / cluster.mean(), 2)
    assert value(reading, "peak_percentile") == 95
    assert (value(reading, "partitions"), value(reading, "replication_factor"), value(reading, "brokers_in_service")) \
        == (120, 3, 3)
    assert value(reading, "retained_gb") == 6.0
    assert reading.period == "2026-08-01 00:00 UTC to 2026-08-01 00:10 UTC"
    assert reading.figures["peak_to_average"].read.startswith("Prometheus bytes in: p95 ")


def test_a_counter_reset_loses_only_what_prometheus_loses(tmp_path):
    path = writers.write_prometheus(tmp_path / "scrape.txt", 3, RATES, RATES, START, reset_at=5)
    reading = only(path)
    # broker 2 restarted half-way through minute 5: that minute counts half its bytes, as rate() would
    expected = (np.array(RATES).sum() * 3 - RATES[4] / 2) / len(RATES)
    assert value(reading, "ingress_mbps") == pytest.approx(expected)
    assert "1 counter reset(s) counted as restarts" in reading.figures["ingress_mbps"].read
    naive = (np.array(RATES).sum() * 3 - (5e11 * 2 + sum(RATES[:4]) * 60e6) / 60e6) / len(RATES)
    assert value(reading, "ingress_mbps") > naive  # a reset is not read as negative traffic


def test_two_scrapes_of_one_cluster_make_one_range(tmp_path):
    first = writers.write_prometheus(tmp_path / "a.txt", 3, RATES[:5], RATES[:5], START)
    text = writers.write_prometheus(tmp_path / "whole.txt", 3, RATES, RATES, START).read_text().splitlines()
    later = [line for line in text if line.startswith("#") or int(line.rsplit(" ", 1)[1]) > int(START.timestamp() * 1000) + 300_000]
    (tmp_path / "b.txt").write_text("\n".join(later) + "\n")
    found = read_metrics([MetricsFile(first, "a.txt", None), MetricsFile(tmp_path / "b.txt", "b.txt", None)], ONE)
    (reading,) = found["orders-prod"]
    assert reading.sources == ["a.txt", "b.txt"]
    assert value(reading, "ingress_mbps") == pytest.approx(np.mean(RATES) * 3)


def test_a_snapshot_without_timestamps_gives_gauges_and_says_why_no_throughput(tmp_path):
    path = writers.write_prometheus(tmp_path / "snap.txt", 3, RATES, RATES, START, partitions=120, timestamps=False)
    reading = only(path)
    assert "ingress_mbps" not in reading.figures and value(reading, "partitions") == 120
    assert "counters at one instant give no throughput" in reading.warnings[0]


def test_a_cluster_label_gives_each_series_to_its_cluster(tmp_path):
    one = writers.write_prometheus(tmp_path / "a.txt", 3, RATES, RATES, START, cluster="orders-prod")
    two = writers.write_prometheus(tmp_path / "b.txt", 6, RATES, RATES, START, cluster="events-prod")
    (tmp_path / "both.txt").write_text(one.read_text() + two.read_text())
    found = figures(tmp_path / "both.txt", ["orders-prod", "events-prod"])
    assert value(found["orders-prod"][0], "ingress_mbps") == pytest.approx(np.mean(RATES) * 3)
    assert value(found["events-prod"][0], "ingress_mbps") == pytest.approx(np.mean(RATES) * 6)


def test_cloudwatch_sums_the_series_and_reads_partitions_brokers_and_disk(tmp_path):
    inbound = [100.0 + h for h in range(24)]
    path = writers.write_cloudwatch(tmp_path / "cw.json", "orders-prod", START, 24, inbound, [200.0] * 24, 3, 120, 3,
                                    [40.0, 50.0, 60.0])
    reading = only(path, ["orders-prod", "events-prod"])
    assert reading.cluster == "orders-prod"  # told by the labels
    assert value(reading, "ingress_mbps") == pytest.approx(np.mean(inbound))
    assert value(reading, "peak_to_average") == round(np.percentile(inbound, 95) / np.mean(inbound), 2)
    assert value(reading, "egress_mbps") == 200.0
    assert (value(reading, "partitions"), value(reading, "replication_factor"), value(reading, "brokers_in_service")) \
        == (120, 3, 3)
    assert value(reading, "disk_utilization") == 0.5
    assert reading.period == "2026-08-01 00:00 UTC to 2026-08-01 23:00 UTC"


def test_cloudwatch_partial_data_is_warned(tmp_path):
    path = writers.write_cloudwatch(tmp_path / "cw.json", "orders-prod", START, 4, [1.0] * 4, [1.0] * 4, 1, 1, 1,
                                    [10.0], status="PartialData")
    assert "StatusCode PartialData" in only(path).warnings[0]


def test_log_dirs_give_retained_bytes_brokers_partitions_and_replication(tmp_path):
    path = writers.write_log_dirs(tmp_path / "dirs.json", 3, {"orders": 10, "payments": 20}, 3, 2 * 10**9)
    reading = only(path)
    assert {k: f.value for k, f in reading.figures.items()} == {
        "brokers_in_service": 3, "retained_gb": 180.0, "partitions": 30, "replication_factor": 3}
    assert reading.period.startswith("snapshot of ")


def test_topics_give_partitions_replication_and_retention_weighted_by_partitions(tmp_path):
    path = writers.write_topics(tmp_path / "topics.txt", {
        "orders": (10, 3, 7 * 86_400_000), "payments": (30, 3, 3 * 86_400_000), "audit": (6, 3, None),
        "ledger": (4, 2, -1), "__consumer_offsets": (50, 3, None)})
    reading = only(path)
    assert value(reading, "partitions") == 100
    assert value(reading, "replication_factor") == 3
    assert "(96 of 100 partitions; others: 2 on 4)" in reading.figures["replication_factor"].read
    assert value(reading, "retention_days") == round((10 * 7 + 30 * 3 + 6 * 7) / 46, 2)
    assert "6 partitions set no retention.ms" in reading.figures["retention_days"].read
    assert "keep data forever (retention.ms=-1: ledger)" in reading.warnings[0]


def test_a_file_that_names_no_cluster_must_be_bound_when_there_are_several(tmp_path):
    path = writers.write_topics(tmp_path / "topics.txt", {"orders": (10, 3, None)})
    with pytest.raises(UnknownCluster, match=r"which cluster does it describe\? .* --metrics CLUSTER=FILE"):
        figures(path, ["orders-prod", "events-prod"])
    bound = figures(path, ["orders-prod", "events-prod"], cluster="events-prod")
    assert list(bound) == ["events-prod"]


def test_a_binding_to_an_unknown_cluster_is_refused():
    assert parse_binding("orders-prod=x.txt", ONE) == ("orders-prod", "x.txt")
    with pytest.raises(UnknownCluster, match="'billing' is not a cluster of the assessment"):
        parse_binding("billing=x.txt", ONE)


def test_a_cluster_label_the_assessment_lacks_is_refused(tmp_path):
    path = writers.write_prometheus(tmp_path / "a.txt", 3, RATES, RATES, START, cluster="staging")
    with pytest.raises(UnknownCluster, match="name the cluster 'staging', which the assessment does not have"):
        figures(path)


@pytest.mark.parametrize("text, error, words", [
    ("hello world this is not metrics\n", WrongFormat, "not Prometheus text exposition"),
    ('{"MetricDataResults": [{"Id": "a", "Timestamps": ["2026-08-01T00:00:00Z"]}]}', WrongFormat,
     "lacks Timestamps and Values of one length"),
    ('{"MetricDataResults": [{"Id": "a", "Label": "CpuUser", "Timestamps": [], "Values": []}]}', NothingMeasured,
     "no result is one of the MSK metrics"),
    ('{"MetricDataResults": [', WrongFormat, "not valid JSON"),
    ("Querying brokers for log directories information\n{\"brokers\": 3}\n", WrongFormat,
     "not kafka-log-dirs.sh --describe output"),
    ("node_cpu_seconds_total{cpu=\"0\"} 12 1700000000000\n", NothingMeasured, "none of the Kafka metrics"),
    ("", Exception, "the file is empty"),
])
def test_bad_metrics_files_are_refused_in_words(tmp_path, text, error, words):
    path = tmp_path / "metrics.txt"
    path.write_text(text)
    with pytest.raises(error, match=words):
        figures(path)


def test_a_metrics_file_given_twice_is_refused(tmp_path):
    path = writers.write_topics(tmp_path / "topics.txt", {"orders": (10, 3, None)})
    with pytest.raises(UsageError, match="given twice"):
        read_metrics([MetricsFile(path, "topics.txt", None), MetricsFile(path, "./topics.txt", None)], ONE)


def test_the_examples_cloudwatch_file_is_what_get_metric_data_writes():
    from .conftest import ROOT
    data = json.loads((ROOT / "inputs/examples/northwind-cloudwatch-payments-prod.json").read_text())
    assert set(data) == {"MetricDataResults", "Messages"}
    assert all(set(r) == {"Id", "Label", "Timestamps", "Values", "StatusCode"} for r in data["MetricDataResults"])
