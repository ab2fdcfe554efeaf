"""The cost model of docs/model.md sections 4 to 9: pure functions, no I/O.

Every formula works on plain floats and on numpy arrays alike (one element per simulated
trial), so the deterministic run and the Monte Carlo run share this one implementation.
Sizing labels (the binding constraint) and warnings are only produced for scalar runs, and a
run without `detail` (the simulation's) keeps no per-cluster sizing, whose arrays per trial would
outweigh everything else it holds, and compares the options by savings and ROI alone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from reportgen.catalogue import Catalogue, CatalogueError, Values
from reportgen.inputs.schema import Assessment, Cluster
from reportgen.model.billed import billed_years
from reportgen.model.scenario import catalogue_values

HOURS_PER_YEAR = 8760
QUOTA_WORDS = {"ingress": "its ingress exceeds", "egress": "its egress exceeds",
               "partitions": "its partition count exceeds"}
FIXED_LAYOUT = {"replication_factor": "replication factor", "availability_zones": "availability zones"}
SECONDS_PER_DAY = 86_400
SECONDS_PER_YEAR = 31_536_000
MONTHS_PER_YEAR = 12
MB_PER_GB = 1000
BYTES_PER_MB = 10**6
BYTES_PER_MIB = 2**20
BYTES_PER_GIB = 2**30  # vendors' "GB" where they bill binary gigabytes
REQUESTS_PER_PRICE = 1000  # object-store requests are priced per 1,000
SAVINGS_NOISE = 1e-6  # savings within a millionth of a currency unit of 0 count as 0, not as a loss

INFRASTRUCTURE_PARTS = ("compute", "storage", "network")
SERVICE_PARTS = ("capacity", "partitions", "storage", "data_transfer", "licence", "discount")
PEOPLE_PARTS = ("platform_operations", "development", "support_and_services")
RISK_PARTS = ("incidents", "outages", "planned_downtime", "breach")
CATEGORIES = {"infrastructure": INFRASTRUCTURE_PARTS, "service_charges": SERVICE_PARTS,
              "people": PEOPLE_PARTS, "risk": RISK_PARTS}
HARD_CATEGORIES = ("infrastructure", "service_charges", "people")
REDUCTION_LINES = ("infrastructure", "development", "platform_operations", "support_and_services",
                   "current_service_charges")


def ceil_(x):
    """Ceiling that ignores floating-point noise: 1,500 x 1.2 partitions is 1,800, not 1,801."""
    return np.ceil(x - 1e-9 * np.abs(x))


def is_scalar(x) -> bool:
    return np.ndim(x) == 0


def largest(values):
    """Element-wise maximum of scalars and arrays of one length (np.maximum.reduce needs one shape)."""
    return functools.reduce(np.maximum, (np.asarray(x, float) for x in values))


def ratio(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0 (an undefined metric, shown as n/a)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    shape = np.broadcast(numerator, denominator).shape
    out = np.full(shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out[()] if out.ndim == 0 else out


def scaled(observed, factor_option, factor_current):
    """An observation under the current option, carried to another: x * f(o) / f(current).

    Validation guarantees that a current factor of 0 comes with an observation of 0.
    """
    if np.all(factor_current == 0):
        return observed * 0.0
    return observed * factor_option / factor_current


@dataclass(frozen=True)
class Workload:
    """One customer cluster in one year (docs/model.md section 5)."""
    cluster: Cluster
    year: int
    ingress_mbps: object
    egress_mbps: object
    partitions: object

    @property
    def peak_ingress_mbps(self):
        return self.ingress_mbps * self.cluster.peak_to_average

    @property
    def peak_egress_mbps(self):
        return self.egress_mbps * self.cluster.peak_to_average

    @property
    def logical_gb(self):
        return self.ingress_mbps * SECONDS_PER_DAY * self.cluster.retention_days / MB_PER_GB

    @property
    def replicated_gb(self):
        return self.logical_gb * self.cluster.replication_factor

    @property
    def ingress_gb_per_year(self):
        return self.ingress_mbps * SECONDS_PER_YEAR / MB_PER_GB

    @property
    def egress_gb_per_year(self):
        return self.egress_mbps * SECONDS_PER_YEAR / MB_PER_GB


def workloads(a: Assessment) -> list[Workload]:
    """Every cluster in every year: year 1 is today's workload, growth shows from year 2."""
    result = []
    for year in range(1, a.assessment.horizon_years + 1):
        growth = (1 + a.growth.annual_growth) ** (year - 1)
        for cluster in a.clusters:
            result.append(Workload(cluster, year, cluster.ingress_mbps * growth, cluster.egress_mbps * growth,
                                   ceil_(cluster.partitions * growth)))
    return result


def _zeros(parts) -> dict:
    return {part: 0.0 for part in parts}


class Model:
    """The computation for one resolved assessment (ranged inputs already replaced by values)."""

    def __init__(self, a: Assessment, v: Values, detail: bool = True):
        self.a, self.v, self.detail = a, v, detail
        org = a.organization
        self.current = a.assessment.current_option
        self.horizon = a.assessment.horizon_years
        self.loaded_cost = self._default(org.loaded_cost_per_fte_per_year, "loaded_cost_per_fte_per_year")
        self.working_hours = self._default(org.working_hours_per_year, "working_hours_per_year")
        self.discount_rate = self._default(a.assessment.discount_rate, "discount_rate")
        self.breach_cost = self._default(a.risk.breach_cost, "breach_cost")
        self.hourly_rate = self.loaded_cost / self.working_hours
        self.impacted_engineers = org.employees * org.engineer_share * org.kafka_engineer_share
        self.cost_per_incident = (self.impacted_engineers * a.risk.incident_duration_hours
                                  * a.risk.productivity_loss * self.hourly_rate)
        self.workloads = workloads(a)

    def _default(self, given, assumption: str):
        return self.v[f"assumptions.{assumption}"] if given is None else given

    def opt(self, option_id: str, name: str, default=None):
        key = f"options.{option_id}.{name}"
        return self.v[key] if key in self.v else default

    def loaded_cost_in(self, year: int):
        return self.loaded_cost * (1 + self.a.organization.annual_cost_growth) ** (year - 1)

    def pricing(self, option_id: str) -> str:
        return self.v.catalogue.options[option_id].pricing

    def utilization(self, option_id: str):
        """Share of a broker's sustained write throughput used at peak: self-run Kafka's is the baseline's;
        another broker-based option may state its own, else it is sized like the baseline."""
        b = self.a.baseline
        return b.target_utilization if self.pricing(option_id) == "self_managed" else \
            self.opt(option_id, "target_utilization", b.target_utilization)

    def tiered(self, option_id: str) -> bool:
        """Whether the option keeps older data in object storage: self-run Kafka when the baseline does;
        another option when its catalogue entry says so, else when the baseline does."""
        b = self.a.baseline
        return b.tiered_storage if self.pricing(option_id) == "self_managed" else \
            self.opt(option_id, "tiered_storage", b.tiered_storage)

    # -- section 6: infrastructure and service charges -------------------------------------------

    def _brokers(self, w: Workload, utilization, sizing: dict):
        c, b = w.cluster, self.a.baseline
        instance = f"price_book.instances.{b.broker_instance}"
        write_mbps = self.v[f"{instance}.sustained_write_mbps"]
        by_throughput = ceil_(w.peak_ingress_mbps * c.replication_factor / (write_mbps * utilization))
        by_partitions = ceil_(w.partitions * c.replication_factor / self.v[f"{instance}.max_partition_replicas"])
        candidates = {"throughput": by_throughput, "partitions": by_partitions,
                      "replication_factor": c.replication_factor, "availability_zones": c.availability_zones}
        needed = largest(candidates.values())
        brokers = ceil_(needed / c.availability_zones) * c.availability_zones
        sizing["brokers"] = brokers
        sizing["binding_constraint"] = (next(k for k, x in candidates.items() if x == needed)
                                        if is_scalar(needed) else None)
        return brokers

    def _disk_storage(self, option_id: str, w: Workload, tiered: bool, block_price, sizing: dict):
        """Broker disks (replicated, with free-space headroom) plus, when tiered, one copy in object storage."""
        c, disk_utilization = w.cluster, self.a.baseline.disk_utilization
        if not tiered:
            sizing["block_gb"] = w.replicated_gb / disk_utilization
            return sizing["block_gb"] * block_price * MONTHS_PER_YEAR, 0.0
        hot_hours = np.minimum(self.v["assumptions.hot_retention_hours"], c.retention_days * 24)
        sizing["block_gb"] = w.ingress_mbps * 3600 * hot_hours / MB_PER_GB * c.replication_factor / disk_utilization
        sizing["object_gb"] = w.logical_gb
        block = sizing["block_gb"] * block_price * MONTHS_PER_YEAR
        return block, w.logical_gb * self._object_price(option_id) * MONTHS_PER_YEAR

    def _object_price(self, option_id: str):
        """Tiered data's price: the option's own where its catalogue entry gives one, else the price book's."""
        own = f"options.{option_id}.tiered_storage_per_gb_month"
        return self.v[own] if own in self.v else self.v["price_book.storage.object_per_gb_month"]

    def _network(self, option_id: str, w: Workload, sizing: dict):
        c = w.cluster
        zones = c.availability_zones
        crossing = (zones - 1) / zones
        legs = {"replication": 0.0, "producers": 0.0, "consumers": 0.0}
        if zones > 1:
            if self.opt(option_id, "network.replication_transfer"):
                legs["replication"] = w.ingress_gb_per_year * (c.replication_factor - 1)
            if self.opt(option_id, "network.client_cross_az"):
                legs["producers"] = w.ingress_gb_per_year * crossing
                if not self.a.baseline.fetch_from_follower:
                    legs["consumers"] = w.egress_gb_per_year * crossing
        sizing["cross_az_gb"] = {**legs, "total": sum(legs.values())}
        access_gb = w.ingress_gb_per_year + w.egress_gb_per_year
        return (sizing["cross_az_gb"]["total"] * self.v["price_book.network.cross_az_per_gb"]
                + access_gb * self.opt(option_id, "network.client_transfer_per_gb"))

    def cluster_year(self, option_id: str, w: Workload, problems: list) -> tuple[dict, dict, dict]:
        """Infrastructure parts, service-charge parts and sizing of one cluster in one year."""
        infra, service = _zeros(INFRASTRUCTURE_PARTS), _zeros(SERVICE_PARTS)
        sizing: dict = {"cluster": w.cluster.name, "environment": w.cluster.environment, "year": w.year}
        pricing, b = self.pricing(option_id), self.a.baseline
        infra["network"] = self._network(option_id, w, sizing)
        if pricing in ("self_managed", "licensed", "provisioned_service"):
            brokers = self._brokers(w, self.utilization(option_id), sizing)
            if pricing == "provisioned_service":
                price = self.v[f"options.{option_id}.brokers.{b.broker_instance}.price_per_hour"]
                service["capacity"] = brokers * price * HOURS_PER_YEAR
                block, objects = self._disk_storage(
                    option_id, w, self.tiered(option_id), self.opt(option_id, "storage_per_gb_month"), sizing)
                service["storage"] = block + objects
            else:
                controllers = b.controllers_per_cluster if w.cluster.controllers is None else w.cluster.controllers
                sizing["controllers"] = controllers
                infra["compute"] = HOURS_PER_YEAR * (
                    brokers * self.v[f"price_book.instances.{b.broker_instance}.price_per_hour"]
                    + controllers * self.v[f"price_book.instances.{b.controller_instance}.price_per_hour"])
                block, objects = self._disk_storage(option_id, w, self.tiered(option_id),
                                                    self.v["price_book.storage.block_per_gb_month"], sizing)
                infra["storage"] = block + objects
            if pricing == "licensed":
                factor = 1.0 if w.cluster.environment == "production" else self.opt(option_id, "non_production_licence_factor", 1.0)
                service["licence"] = brokers * self.opt(option_id, "licence_per_broker_year") * factor
        elif pricing == "express_brokers":
            self._express(option_id, w, service, sizing, problems)
        elif pricing == "diskless":
            self._diskless(option_id, w, infra, service, sizing)
        elif pricing == "serverless":
            self._serverless(option_id, w, service, sizing, problems)
        else:
            self._usage_based(option_id, w, service, sizing, problems)
        return infra, service, sizing

    def express_size(self, option_id: str) -> str:
        """The Express broker size sized like the customer's broker: the one with as many vCPUs."""
        return broker_size_like(self.v.catalogue, option_id, self.a.baseline.broker_instance)

    def _express(self, option_id, w, service, sizing, problems):
        """Express brokers: the largest of peak ingress and egress over the size's sustained quotas at the target
        utilisation, partition replicas over its recommended count, and the fixed replication factor, in a
        multiple of the fixed zones; broker-hours, data stored once and data written are the service's charges.
        A cluster laid out otherwise (replication factor, zones) cannot use it."""
        c = w.cluster
        size = self.express_size(option_id)
        quota = lambda name: self.opt(option_id, f"brokers.{size}.{name}")
        utilization = self.utilization(option_id)
        rf, zones = self.opt(option_id, "replication_factor"), self.opt(option_id, "availability_zones")
        candidates = {"ingress": ceil_(w.peak_ingress_mbps / (quota("ingress_mbps") * utilization)),
                      "egress": ceil_(w.peak_egress_mbps / (quota("egress_mbps") * utilization)),
                      "partitions": ceil_(w.partitions * rf / quota("partitions")),
                      "replication_factor": rf}
        needed = largest(candidates.values())
        brokers = ceil_(needed / zones) * zones
        sizing.update(brokers=brokers, broker_size=size, billed_storage_gb=w.logical_gb,
                      binding_constraint=(next(k for k, x in candidates.items() if x == needed)
                                          if is_scalar(needed) else None))
        for field, required in (("replication_factor", rf), ("availability_zones", zones)):
            has = getattr(c, field)
            if has != required and w.year == 1:  # the layout is the same every year: named once
                problems.append({"cluster": c.name, "year": w.year, "limit": field, "needed": float(has),
                                 "allowed": float(required),
                                 "message": f"{c.name} uses {FIXED_LAYOUT[field]} {has:g}; "
                                            f"{self.v.catalogue.options[option_id].short_name} requires "
                                            f"{FIXED_LAYOUT[field]} {required:g}"})
        service["capacity"] = brokers * quota("price_per_hour") * HOURS_PER_YEAR
        service["storage"] = w.logical_gb * self.opt(option_id, "storage_per_gb_month") * MONTHS_PER_YEAR
        service["data_transfer"] = w.ingress_gb_per_year * self.opt(option_id, "data_in_per_gb")

    def compression_ratio(self, cluster: Cluster):
        """Uncompressed bytes per byte sent: the cluster's own, else the catalogue's."""
        return self._default(cluster.compression_ratio, "compression_ratio")

    def _diskless(self, option_id, w, infra, service, sizing):
        """Stateless agents for peak ingress at the vendor's throughput per vCPU, at least the option's minimum in
        every zone, in a multiple of the zones; the customer's object storage holds one copy, written in one file
        per agent and flush interval and read once per zone in the vendor's chunks; the vendor bills its cluster
        hours and the uncompressed bytes written and stored, in binary GiB."""
        c = w.cluster
        instance = agent_instance(self.v.catalogue, option_id)
        zones = c.availability_zones
        per_agent = (self.opt(option_id, "write_mib_per_vcpu") * self.v[f"price_book.instances.{instance}.vcpu"]
                     * BYTES_PER_MIB / BYTES_PER_MB)
        candidates = {"throughput": ceil_(w.peak_ingress_mbps / (per_agent * self.utilization(option_id))),
                      "availability_zones": self.opt(option_id, f"agents.{instance}.min_per_zone") * zones}
        needed = largest(candidates.values())
        agents = ceil_(needed / zones) * zones
        written_bytes = w.ingress_mbps * BYTES_PER_MB * SECONDS_PER_YEAR
        puts = agents * SECONDS_PER_YEAR / self.opt(option_id, "flush_interval_seconds")
        gets = written_bytes * zones / (self.opt(option_id, "read_chunk_mib") * BYTES_PER_MIB)
        ratio = self.compression_ratio(c)
        written_gib = written_bytes * ratio / BYTES_PER_GIB
        stored_gib = w.logical_gb * MB_PER_GB * BYTES_PER_MB * ratio / BYTES_PER_GIB
        sizing.update(agents=agents, agent_instance=instance, object_gb=w.logical_gb, object_puts=puts,
                      object_gets=gets, uncompressed_gib_written=written_gib, uncompressed_gib_stored=stored_gib,
                      binding_constraint=(next(k for k, x in candidates.items() if x == needed)
                                          if is_scalar(needed) else None))
        infra["compute"] = agents * self.v[f"price_book.instances.{instance}.price_per_hour"] * HOURS_PER_YEAR
        infra["storage"] = (w.logical_gb * self.v["price_book.storage.object_per_gb_month"] * MONTHS_PER_YEAR
                            + puts / REQUESTS_PER_PRICE * self.v["price_book.requests.object_put_per_1000"]
                            + gets / REQUESTS_PER_PRICE * self.v["price_book.requests.object_get_per_1000"])
        service["capacity"] = self.opt(option_id, "cluster_hour") * HOURS_PER_YEAR
        service["data_transfer"] = written_gib * self.opt(option_id, "write_fee_per_gib")
        service["storage"] = stored_gib * self.opt(option_id, "storage_fee_per_gib_month") * MONTHS_PER_YEAR

    def _units(self, option_id: str, w: Workload, per_unit: dict, minimum, sizing: dict, label: str):
        """Units (or clusters) needed: the largest of the minimum and each dimension over its capacity."""
        candidates = {"minimum": minimum,
                      "ingress": ceil_(w.peak_ingress_mbps / self.opt(option_id, per_unit["ingress"])),
                      "egress": ceil_(w.peak_egress_mbps / self.opt(option_id, per_unit["egress"])),
                      "partitions": ceil_(w.partitions / self.opt(option_id, per_unit["partitions"]))}
        needed = largest(candidates.values())
        sizing[label] = needed
        sizing["binding_constraint"] = (next(k for k in ("ingress", "egress", "partitions", "minimum")
                                             if candidates[k] == needed) if is_scalar(needed) else None)
        return needed

    def _usage_charges(self, option_id: str, w: Workload, service: dict, sizing: dict):
        service["data_transfer"] = (w.ingress_gb_per_year * self.opt(option_id, "data_in_per_gb")
                                    + w.egress_gb_per_year * self.opt(option_id, "data_out_per_gb"))
        sizing["billed_storage_gb"] = w.logical_gb
        service["storage"] = w.logical_gb * self.opt(option_id, "storage_per_gb_month") * MONTHS_PER_YEAR

    def _serverless(self, option_id, w, service, sizing, problems):
        per_cluster = {"ingress": "ingress_limit_mbps", "egress": "egress_limit_mbps", "partitions": "partition_limit"}
        clusters = self._units(option_id, w, per_cluster, 1, sizing, "clusters_needed")
        if not self.opt(option_id, "may_split") and np.any(clusters > 1) and is_scalar(clusters):
            limit = sizing["binding_constraint"]
            problems.append({"cluster": w.cluster.name, "year": w.year, "limit": limit,
                             "needed": float(clusters), "allowed": 1.0,
                             "message": f"{w.cluster.name} needs {clusters:g} serverless clusters in year {w.year} "
                                        f"({QUOTA_WORDS[limit]} one cluster's quota) and the workload may not be split"})
        service["capacity"] = clusters * HOURS_PER_YEAR * self.opt(option_id, "cluster_hour")
        service["partitions"] = w.partitions * HOURS_PER_YEAR * self.opt(option_id, "partition_hour")
        self._usage_charges(option_id, w, service, sizing)

    def _usage_based(self, option_id, w, service, sizing, problems):
        per_unit = {"ingress": "ingress_per_unit_mbps", "egress": "egress_per_unit_mbps", "partitions": "partitions_per_unit"}
        minimum = self.opt(option_id, "min_units_production", 1) if w.cluster.environment == "production" else 1
        units = self._units(option_id, w, per_unit, minimum, sizing, "capacity_units")
        cap = self.opt(option_id, "max_units_per_cluster")
        if cap is not None and not self.opt(option_id, "may_split") and is_scalar(units) and units > cap:
            problems.append({"cluster": w.cluster.name, "year": w.year, "limit": sizing["binding_constraint"],
                             "needed": float(units), "allowed": float(cap),
                             "message": f"{w.cluster.name} needs {units:g} capacity units in year {w.year}; "
                                        f"one cluster takes at most {cap:g}"})
        service["capacity"] = units * HOURS_PER_YEAR * self.opt(option_id, "unit_hour")
        self._usage_charges(option_id, w, service, sizing)
        service["discount"] = -self.opt(option_id, "committed_use_discount") * (
            service["capacity"] + service["data_transfer"] + service["storage"])

    # -- section 7: people and services ------------------------------------------------------------

    def people(self, option_id: str, year: int, detail: dict) -> dict:
        b, cur = self.a.baseline, self.current
        loaded = self.loaded_cost_in(year)
        platform_fte = scaled(b.platform_fte, self.opt(option_id, "platform_fte_factor"), self.opt(cur, "platform_fte_factor"))
        tooling_fte = scaled(b.tooling_fte, self.opt(option_id, "tooling_fte_factor"), self.opt(cur, "tooling_fte_factor"))
        connectors = b.connectors_needed * (1 - self.opt(option_id, "connector_coverage"))
        if year == 1:
            connector_work = connectors * self.v["assumptions.connector_build_months"] / MONTHS_PER_YEAR * self.loaded_cost_in(1)
        else:
            connector_work = connectors * self.v["assumptions.connector_maintenance_fte"] * loaded
        support = scaled(b.support_and_services_per_year, self.opt(option_id, "support_factor"), self.opt(cur, "support_factor"))
        detail.update(platform_fte=platform_fte, tooling_fte=tooling_fte, connectors_to_build=connectors,
                      connectors_prebuilt=b.connectors_needed - connectors)
        return {"platform_operations": platform_fte * loaded,
                "development": tooling_fte * loaded + connector_work,
                "support_and_services": support * (1 + self.a.organization.annual_cost_growth) ** (year - 1)}

    # -- section 8: risk ----------------------------------------------------------------------------

    def risk(self, option_id: str, warnings: list) -> dict:
        r, cur = self.a.risk, self.current
        incidents = scaled(r.incidents_per_year, self.opt(option_id, "incident_factor"), self.opt(cur, "incident_factor"))
        outage_hours = r.outage_hours_per_year
        sla = self.opt(option_id, "availability_sla")
        if option_id != cur and sla is not None:
            outage_hours = np.minimum(outage_hours, (1 - sla) * HOURS_PER_YEAR)
        planned_hours = scaled(r.planned_downtime_hours_per_year, self.opt(option_id, "planned_downtime_factor"),
                               self.opt(cur, "planned_downtime_factor"))
        probability = scaled(r.breach_probability_per_year, self.opt(option_id, "breach_factor"), self.opt(cur, "breach_factor"))
        if np.any(probability > 1) and is_scalar(probability):
            warnings.append(f"the breach probability scaled to {probability:.2f} a year; capped at 1")
        probability = np.minimum(probability, 1)
        planned_rate = r.outage_cost_per_hour / self.v["assumptions.unplanned_to_planned_cost_ratio"]
        return {"incidents": incidents * self.cost_per_incident,
                "outages": outage_hours * r.outage_cost_per_hour,
                "planned_downtime": planned_hours * planned_rate,
                "breach": probability * self.breach_cost,
                "_detail": {"incidents_per_year": incidents, "outage_hours_per_year": outage_hours,
                            "planned_downtime_hours_per_year": planned_hours, "breach_probability_per_year": probability}}

    # -- one option's yearly costs --------------------------------------------------------------------

    def option_years(self, option_id: str) -> dict:
        """Years 1..H of one option, before migration and comparison."""
        problems: list = []
        warnings: list = []
        sizing: list = []
        years = []
        with self.v.tracking() as hard_keys:
            for year in range(1, self.horizon + 1):
                infra, service = _zeros(INFRASTRUCTURE_PARTS), _zeros(SERVICE_PARTS)
                for w in (w for w in self.workloads if w.year == year):
                    cluster_infra, cluster_service, cluster_sizing = self.cluster_year(option_id, w, problems)
                    for part in INFRASTRUCTURE_PARTS:
                        infra[part] = infra[part] + cluster_infra[part]
                    for part in SERVICE_PARTS:
                        service[part] = service[part] + cluster_service[part]
                    if self.detail:
                        sizing.append(cluster_sizing)
                detail: dict = {}
                years.append({"year": year, "infrastructure": infra, "service_charges": service,
                              "people": self.people(option_id, year, detail), "people_detail": detail})
        with self.v.tracking() as risk_keys:
            risk = self.risk(option_id, warnings)
        risk_detail = risk.pop("_detail")
        for entry in years:
            entry["risk"] = dict(risk)
        return {"years": years, "sizing": sizing, "infeasible": problems, "warnings": warnings,
                "risk_detail": risk_detail, "hard_keys": hard_keys, "risk_keys": risk_keys}

    def migration(self, option_id: str, current_year_1: dict):
        if option_id == self.current:
            return 0.0
        fte_months = self.opt(option_id, "migration_fte_months")
        dual_run = self.opt(option_id, "dual_run_months")
        run_rate = _total(current_year_1["infrastructure"]) + _total(current_year_1["service_charges"])
        return fte_months / MONTHS_PER_YEAR * self.loaded_cost_in(1) + dual_run / MONTHS_PER_YEAR * run_rate

    def months_to_production(self, option_id: str):
        if option_id == self.current:
            return self.a.baseline.months_to_production
        return self.opt(option_id, "months_to_production")


def broker_size_like(catalogue, option_id: str, instance: str) -> str:
    """An option's broker size (`options.<id>.brokers.<size>.vcpu`) with the vCPU count of the price book's
    `instance`; the catalogue's values, not an assessment's, because they shape the sizing rather than feed it."""
    vcpu = catalogue.entries[f"price_book.instances.{instance}.vcpu"].value
    prefix, suffix = f"options.{option_id}.brokers.", ".vcpu"
    sizes = [k[len(prefix):-len(suffix)] for k, e in catalogue.entries.items()
             if k.startswith(prefix) and k.endswith(suffix) and e.value == vcpu]
    if not sizes:
        raise CatalogueError(f"{catalogue.options[option_id].name} offers no broker with {vcpu:g} vCPUs, the "
                             f"count of {instance}; choose another baseline.broker_instance")
    return sizes[0]


def agent_instance(catalogue, option_id: str) -> str:
    """The price book's instance type a diskless option runs its agents on: its one `agents.<type>` entry."""
    prefix, suffix = f"options.{option_id}.agents.", ".min_per_zone"
    return next(k[len(prefix):-len(suffix)] for k in catalogue.entries if k.startswith(prefix) and k.endswith(suffix))


def _total(parts: dict):
    return sum(parts.values())


def payback_months(net_savings_by_year: list, migration, months_per_year: int = MONTHS_PER_YEAR):
    """First month at whose end the cumulative net saving is positive and covers the migration cost.

    Each year's net saving is spread evenly over its months; NaN when not reached in the horizon.
    """
    migration = np.asarray(migration, float)
    cumulative = np.zeros_like(migration + np.asarray(net_savings_by_year[0], float))
    result = np.full(cumulative.shape, np.nan)
    month = 0
    for net in net_savings_by_year:
        net = np.asarray(net, float)
        for k in range(1, months_per_year + 1):
            month += 1
            value = cumulative + net * k / months_per_year
            reached = np.isnan(result) & (value > 1e-9) & (value >= migration - 1e-9)
            result = np.where(reached, month, result)
        cumulative = cumulative + net
    return result[()] if result.ndim == 0 else result


def compare(option: dict, current: dict, migration, discount_rate, is_current: bool, detail: bool = True) -> dict:
    """Savings, ROI, NPV and payback of one option against the current one (docs/model.md section 9).

    The current option against itself has no reductions and no costs: savings 0, ROI and payback n/a.
    An option that loses money over the horizon has no payback, even if its first year covers the
    migration (docs/model.md section 9). Without `detail`, only the savings, their share and ROI:
    what the simulation's ranges are made of.
    """
    years, current_years = option["years"], current["years"]
    sums = {c: sum(_total(y[c]) for y in years) for c in CATEGORIES}
    current_sums = {c: sum(_total(y[c]) for y in current_years) for c in CATEGORIES}
    part_sum = lambda ys, cat, part: sum(y[cat][part] for y in ys)
    tco_hard = migration + sums["infrastructure"] + sums["service_charges"] + sums["people"]
    current_tco = current_sums["infrastructure"] + current_sums["service_charges"] + current_sums["people"]
    reductions = {
        "infrastructure": current_sums["infrastructure"] - sums["infrastructure"],
        **{p: part_sum(current_years, "people", p) - part_sum(years, "people", p) for p in PEOPLE_PARTS},
        "current_service_charges": current_sums["service_charges"],
    }
    reductions = {line: 0.0 if is_current else reductions[line] for line in REDUCTION_LINES}
    benefits = sum(reductions.values())
    costs = 0.0 if is_current else sums["service_charges"] + migration
    savings = benefits - costs
    savings_pct = ratio(savings, current_tco)
    roi = np.nan if is_current else ratio(savings, costs)
    if not detail:
        return {"savings": savings, "savings_pct": savings_pct, "roi": roi}
    hard = lambda y: _total(y["infrastructure"]) + _total(y["service_charges"]) + _total(y["people"])
    discount = [(1 + discount_rate) ** -y["year"] for y in years]
    net_by_year = [hard(cy) - hard(y) for cy, y in zip(current_years, years)]
    risk_reduction_by_year = [_total(cy["risk"]) - _total(y["risk"]) for cy, y in zip(current_years, years)]
    npv = -migration + sum(n * d for n, d in zip(net_by_year, discount))
    return {
        "totals": sums,
        "tco_hard": tco_hard,
        "tco_risk_adjusted": tco_hard + sums["risk"],
        "tco_pv": migration + sum((hard(y) + _total(y["risk"])) * d for y, d in zip(years, discount)),
        "service_charges": sums["service_charges"],
        "migration": migration,
        "reductions": reductions,
        "benefits": benefits,
        "costs": costs,
        "savings": savings,
        "savings_pct": savings_pct,
        "roi": roi,
        "npv": npv,
        "npv_risk_adjusted": npv + sum(r * d for r, d in zip(risk_reduction_by_year, discount)),
        "net_savings_by_year": net_by_year,
        "payback_months": np.nan if is_current else np.where(savings >= -SAVINGS_NOISE,
                                                             payback_months(net_by_year, migration), np.nan)[()],
    }


def evaluate(a: Assessment, v: Values, detail: bool = True, bill_reference: dict | None = None) -> dict:
    """Every option of the assessment, computed and compared with the current one; without `detail`,
    no option carries its per-cluster sizing, and its comparison only its savings, their share and ROI."""
    model = Model(a, v, detail)
    with np.errstate(all="raise", under="ignore"):
        computed = {o: model.option_years(o) for o in a.assessment.options}
        current = computed[model.current]
        modelled_today = current["years"][0]
        if a.measured is not None and a.measured.bill is not None:
            current["years"] = billed_years(current["years"], a.measured.bill, bill_reference)
        current_year_1 = current["years"][0]
        options = {}
        for option_id, option in computed.items():
            is_current = option_id == model.current
            with model.v.tracking() as migration_keys:
                migration = model.migration(option_id, current_year_1)
            option["hard_keys"] |= migration_keys
            comparison = compare(option, current, migration, model.discount_rate, is_current, detail)
            months = model.months_to_production(option_id)
            months_saved = model.months_to_production(model.current) - months
            options[option_id] = {**option, **comparison, "time_to_value": {
                "months_to_production": months, "months_saved": months_saved,
                "value": months_saved * a.value.monthly_benefit}}
    return {"model": model, "options": options, "modelled_today": modelled_today}



def proposed_savings(a: Assessment, catalogue: Catalogue, bill_reference: dict | None = None) -> float:
    """The proposed option's savings over the horizon for a what-if of the assessment (another baseline
    setting, no bill), every option re-costed deterministically; `bill_reference` as `evaluate` takes it."""
    evaluation = evaluate(a, catalogue_values(a, catalogue), detail=False, bill_reference=bill_reference)
    return float(evaluation["options"][a.assessment.proposed_option]["savings"])
