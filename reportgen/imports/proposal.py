"""What an import would change in the assessment: every value old and new with its source and period, and
the conflict rule: a value the user typed that differs from the measured one is kept unless they prefer the
measured one. Values imported before (named in measured.provenance) are replaced without asking."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from reportgen.imports.bills.read import BillReading
from reportgen.imports.metrics.figures import ClusterFigures
from reportgen.imports.refusals import MixedCurrencies
from reportgen.inputs.checks import value_at
from reportgen.inputs.jsonparse import Path
from reportgen.problems import json_path

CLUSTER_INPUTS = ("ingress_mbps", "egress_mbps", "peak_to_average", "partitions", "replication_factor",
                  "retention_days")
CLUSTER_MEASURES = ("brokers_in_service", "retained_gb", "peak_percentile")
WHOLE_NUMBERS = {"partitions", "replication_factor", "brokers_in_service"}
PREFERENCES = ("typed", "measured")


@dataclass(frozen=True)
class Change:
    path: Path
    old: object  # the raw JSON value, or None where the key is absent (a default applies)
    new: float | int
    status: str  # new (no value typed), same, changed (imported before), conflict (typed and different)
    source: str
    period: str
    read: str

    @property
    def where(self) -> str:
        return json_path(self.path)

    def applies(self, prefer: str) -> bool:
        return self.status in ("new", "changed") or (self.status == "conflict" and prefer == "measured")

    def recorded(self, prefer: str) -> bool:
        """Whether the value in the file is the measured one afterwards, so its provenance is recorded."""
        return self.applies(prefer) or self.status == "same"


@dataclass
class Proposal:
    changes: list[Change] = field(default_factory=list)
    bill: dict | None = None
    clusters: dict[str, dict] = field(default_factory=dict)  # measured.clusters entries
    warnings: list[str] = field(default_factory=list)

    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.status == "conflict"]

    def updated(self, data: dict, prefer: str) -> dict:
        """The assessment's data with the proposal applied: values set, measured section written."""
        data = copy.deepcopy(data)
        measured = data.get("measured") or {}
        provenance = dict(measured.get("provenance") or {})
        for change in self.changes:
            if change.applies(prefer):
                target = value_at(data, *change.path[:-1])
                target[change.path[-1]] = change.new
            if change.recorded(prefer):
                provenance[change.where] = {"source": change.source, "period": change.period, "read": change.read}
        section = {key: value for key, value in measured.items() if key not in ("bill", "clusters", "provenance")}
        bill = self.bill if self.bill is not None else measured.get("bill")
        clusters = {**(measured.get("clusters") or {}),
                    **{name: {**(measured.get("clusters") or {}).get(name, {}), **entry}
                       for name, entry in self.clusters.items()}}
        for key, value in (("bill", bill), ("clusters", clusters), ("provenance", provenance)):
            if value:
                section[key] = value
        if section or "measured" in data:
            data["measured"] = section
        return data


def _same(old, new) -> bool:
    likely = old.get("likely") if isinstance(old, dict) else old
    return isinstance(likely, (int, float)) and not isinstance(likely, bool) and \
        abs(likely - new) <= 1e-9 * max(1.0, abs(new))


def _change(data: dict, path: Path, value, source: str, period: str, read: str) -> Change:
    old = value_at(data, *path)
    imported_before = json_path(path) in ((data.get("measured") or {}).get("provenance") or {})
    if old is None:
        status = "new"
    elif _same(old, value):
        status = "same"
    else:
        status = "changed" if imported_before else "conflict"
    return Change(path, old, value, status, source, period, read)


def _winners(readings: list[ClusterFigures]) -> dict[str, tuple]:
    """Each figure from the tool that reads it best (kafka-topics before log-dirs before sampled metrics)."""
    chosen: dict[str, tuple] = {}
    for reading in sorted(readings, key=lambda r: r.rank):
        for name, figure in reading.figures.items():
            chosen.setdefault(name, (figure, reading))
    return chosen


def bill_section(bill: BillReading) -> dict:
    """measured.bill as the assessment keeps it: amounts over the period, to the cent."""
    cents = lambda amount: round(amount, 2) + 0.0
    return {
        "format": bill.format[:120],
        "sources": [source.rsplit("/", 1)[-1][:120] for source in bill.sources],
        "selector": bill.selector[:400],
        "period": {"start": bill.start.isoformat(), "end": bill.end.isoformat()},
        "currency": bill.currency,
        "by_part": {part: cents(amount) for part, amount in bill.by_part.items()},
        "unclassified": {name: cents(amount) for name, amount in sorted(bill.unclassified.items())},
        "adjustments": [{"kind": kind, "name": name, "amount": cents(amount)}
                        for (kind, name), amount in sorted(bill.adjustments.items())],
    }


def propose(data: dict, currency: str, bill: BillReading | None,
            metrics: dict[str, list[ClusterFigures]]) -> Proposal:
    """What the bill and the metrics measure, against what `data` (the assessment's JSON) holds."""
    proposal = Proposal()
    if bill is not None:
        if bill.currency != currency:
            raise MixedCurrencies(f"{', '.join(bill.sources)}: the bill is in {bill.currency}, but the assessment's "
                                  f"amounts are in {currency}; import a bill in {currency} (or change "
                                  "assessment.currency and its exchange rate first)")
        proposal.bill = bill_section(bill)
        proposal.warnings.extend(bill.warnings)
    names = [c["name"] for c in data["clusters"]]
    disk: list[tuple[float, ClusterFigures]] = []
    for index, cluster in enumerate(names):
        readings = metrics.get(cluster, [])
        for reading in readings:
            proposal.warnings.extend(reading.warnings)
        winners = _winners(readings)
        for name in (n for n in (*CLUSTER_INPUTS, *CLUSTER_MEASURES, "disk_utilization") if n in winners):
            figure, reading = winners[name]
            value = int(figure.value) if name in WHOLE_NUMBERS else figure.value
            source = ", ".join(s.rsplit("/", 1)[-1] for s in reading.sources)[:400]
            if name in CLUSTER_INPUTS:
                proposal.changes.append(_change(data, ("clusters", index, name), value, source, reading.period[:400],
                                                f"{cluster}: {figure.read}"[:400]))
            elif name in CLUSTER_MEASURES:
                proposal.clusters.setdefault(cluster, {})[name] = value
            elif name == "disk_utilization":
                disk.append((value, reading))
    if disk:
        share = round(sum(v for v, _ in disk) / len(disk), 2)
        sources = ", ".join(dict.fromkeys(s.rsplit("/", 1)[-1] for _, r in disk for s in r.sources))[:400]
        periods = "; ".join(dict.fromkeys(r.period for _, r in disk))[:400]
        read = (f"KafkaDataLogsDiskUsed, mean of {len(disk)} cluster(s): " + ", ".join(
            f"{r.cluster} {v:.0%}" for v, r in disk))[:400]
        proposal.changes.append(_change(data, ("baseline", "disk_utilization"), max(0.05, min(1.0, share)),
                                        sources, periods, read))
    return proposal
