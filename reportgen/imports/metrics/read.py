"""Reading metrics files: each file's tool told by its content, each series given to its cluster, and files of
one tool for one cluster read together (two Prometheus scrapes an hour apart make one range)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.imports.metrics import cloudwatch, kafka_tools, prometheus
from reportgen.imports.metrics.figures import ClusterFigures
from reportgen.imports.refusals import UnknownCluster, UnreadableFile, UsageError, WrongFormat

HEAD_BYTES = 65_536
EXPECTED = ("Prometheus text exposition, `aws cloudwatch get-metric-data` JSON, `kafka-log-dirs.sh --describe` "
            "JSON or `kafka-topics.sh --describe` text")


@dataclass(frozen=True)
class MetricsFile:
    path: Path
    shown: str
    cluster: str | None  # the cluster the user bound it to with NAME=FILE


def tool_of(file: MetricsFile) -> str:
    """Which tool wrote the file, from its first bytes."""
    try:
        with file.path.open("rb") as stream:
            head = stream.read(HEAD_BYTES).decode("utf-8", errors="strict")
    except FileNotFoundError:
        raise UnreadableFile(f"{file.shown}: no such file; give the path of an exported metrics file") from None
    except UnicodeDecodeError:
        raise WrongFormat(f"{file.shown}: not UTF-8 text; expected {EXPECTED}") from None
    stripped = head.lstrip()
    if not stripped:
        raise UnreadableFile(f"{file.shown}: the file is empty; export the metrics again")
    if stripped.startswith(("Querying brokers", "Received log directory")) or (
            stripped.startswith("{") and '"logDirs"' in head):
        return "kafka-log-dirs"
    if stripped.startswith(("{", "[")):
        return "cloudwatch"
    if kafka_tools.TOPIC_LINE.search(head):
        return "kafka-topics"
    return "prometheus"


class Binder:
    """Gives each file, or each cluster a file names, to a cluster of the assessment."""

    def __init__(self, clusters: list[str]):
        self.clusters = clusters

    def __call__(self, file: MetricsFile, named: str | None) -> str:
        if file.cluster is not None:
            return file.cluster
        if named is not None:
            if named in self.clusters:
                return named
            raise UnknownCluster(f"{file.shown}: its series name the cluster '{named}', which the assessment does "
                                 f"not have (clusters: {', '.join(self.clusters)}); bind the file to one: "
                                 f"--metrics {self.clusters[0]}={file.shown}")
        if len(self.clusters) == 1:
            return self.clusters[0]
        raise UnknownCluster(f"{file.shown}: which cluster does it describe? It names none, and the assessment has "
                             f"{len(self.clusters)} (clusters: {', '.join(self.clusters)}); bind it with "
                             f"--metrics CLUSTER=FILE, e.g. --metrics {self.clusters[0]}={file.shown}")

    def in_label(self, label: str) -> str | None:
        """The longest cluster name written in a CloudWatch label or id."""
        inside = [name for name in self.clusters if name.lower() in label.lower()]
        return max(inside, key=len) if inside else None


def read_metrics(files: list[MetricsFile], clusters: list[str]) -> dict[str, list[ClusterFigures]]:
    """Every cluster's figures, one entry per tool that measured it."""
    bind = Binder(clusters)
    seen: set[Path] = set()
    scrapes: dict[str, tuple[prometheus.Samples, list[str]]] = {}
    metric_data: dict[str, tuple[list, list[str]]] = {}
    found: dict[str, list[ClusterFigures]] = {}
    for file in files:
        if file.path.resolve() in seen:
            raise UsageError(f"{file.shown} is given twice; give each metrics file once")
        seen.add(file.path.resolve())
        tool = tool_of(file)
        if tool == "prometheus":
            for named, samples in prometheus.read_samples(file.path, file.shown).items():
                merged, sources = scrapes.setdefault(bind(file, named), (prometheus.Samples(), []))
                merged.merge(samples)
                if file.shown not in sources:
                    sources.append(file.shown)
        elif tool == "cloudwatch":
            for item in cloudwatch.load(file.path, file.shown):
                named = bind.in_label(f"{item.get('Label') or ''} {item.get('Id') or ''}")
                items, sources = metric_data.setdefault(bind(file, named), ([], []))
                items.append((item, file.shown))
                if file.shown not in sources:
                    sources.append(file.shown)
        else:
            reader = kafka_tools.log_dirs if tool == "kafka-log-dirs" else kafka_tools.topics
            figures = reader(file.path, file.shown)
            figures.cluster = bind(file, None)
            found.setdefault(figures.cluster, []).append(figures)
    for cluster, (samples, sources) in scrapes.items():
        found.setdefault(cluster, []).append(prometheus.figures(samples, cluster, sources))
    for cluster, (items, sources) in metric_data.items():
        found.setdefault(cluster, []).append(cloudwatch.figures(items, cluster, sources))
    return found


def parse_binding(spec: str, clusters: list[str]) -> tuple[str | None, str]:
    """`NAME=FILE` binds a file to a cluster; anything else is a file's path."""
    name, equals, rest = spec.partition("=")
    if equals and name in clusters:
        return name, rest
    if equals and not Path(spec).exists() and "/" not in name:
        raise UnknownCluster(f"--metrics {spec}: '{name}' is not a cluster of the assessment "
                             f"(clusters: {', '.join(clusters)})")
    return None, spec
