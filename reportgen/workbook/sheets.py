"""The cost model of docs/model.md sections 4 to 9 as spreadsheet formulas: Sizing, Costs by year, Summary.

It mirrors `reportgen.model.costs` step for step, but every figure is a formula over the Inputs and
Assumptions cells, so a reviewer can follow it and change what it rests on. Layout decisions
that a formula cannot make (how many clusters and years, each option's kind of pricing, which
broker type) are taken from the assessment when the workbook is built.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from reportgen.catalogue import Values
from reportgen.workbook.excel_formula import (ABS_, AND_, IF_, MAX_, MIN_, NOT_, NPV_, OR_, SUM_, Cell, Expr, Number, Span, ceiling, eq, ge,
                      gt, le, lt)
from reportgen.model.billed import GROUPS
from reportgen.model.billed import NOISE as BILL_NOISE
from reportgen.model.costs import (BYTES_PER_GIB, BYTES_PER_MB, BYTES_PER_MIB, FIXED_LAYOUT, HOURS_PER_YEAR, MB_PER_GB,
                    MONTHS_PER_YEAR, PEOPLE_PARTS, REQUESTS_PER_PRICE, RISK_PARTS, SAVINGS_NOISE, SECONDS_PER_DAY,
                    SECONDS_PER_YEAR, INFRASTRUCTURE_PARTS, SERVICE_PARTS, agent_instance, broker_size_like)
from reportgen.inputs.schema import Assessment
from reportgen.workbook.grid import DASH, Grid

SIZING, COSTS, SUMMARY = "Sizing", "Costs by year", "Summary"
COSTED_PARTS = [("infrastructure", p) for p in INFRASTRUCTURE_PARTS] + [("service_charges", p) for p in SERVICE_PARTS]
NOISE = Number(1e-9)


@dataclass
class Sources:
    """The cells formulas rest on: inputs (placed on Inputs) and assumptions (placed on Assumptions later)."""
    values: Values
    inputs: dict[str, Cell] = field(default_factory=dict)
    assumptions: dict[str, Cell] = field(default_factory=dict)

    def input(self, key: str) -> Cell:
        return self.inputs[key]

    def assumption(self, key: str) -> Cell:
        if key not in self.assumptions:
            self.assumptions[key] = Cell(self.values[key])
        return self.assumptions[key]

    def has(self, key: str) -> bool:
        return key in self.values

    def setting(self, input_key: str, assumption: str) -> Cell:
        """The assessment's value when it gives one, else the catalogue's default."""
        return self.inputs.get(input_key) or self.assumption(f"assumptions.{assumption}")

    def option(self, option_id: str, name: str, default=None):
        """An option's catalogue value, or `default` (a cell or a number) when the option has none."""
        key = f"options.{option_id}.{name}"
        return self.assumption(key) if self.has(key) else default


def bill_group_key(bill_parts: tuple[str, ...]) -> str:
    """The Inputs key of a group of the bill's parts, billed per year."""
    return "measured.bill.per_year." + "+".join(bill_parts)


def bill_group_label(bill_parts: tuple[str, ...]) -> str:
    return " + ".join(part.replace("_", " ") for part in bill_parts)


def part_label(category: str, part: str) -> str:
    return f"{category.replace('_', ' ')} {part.replace('_', ' ')}"


def _scaled_line(modelled: dict[int, Cell], scale: Cell, added: Cell | None) -> Callable[[int], Expr | None]:
    """A billed part's formula in a year: its modelled figure x the group's scale (+ the group's flat addition)."""
    def in_year(y: int):
        if not y:
            return None
        return modelled[y] * scale if added is None else modelled[y] * scale + added
    return in_year


def scaled(observed, factor_option, factor_current) -> Expr:
    """An observation under the current option carried to another: x * f(o) / f(current), 0 when f(current) is 0."""
    return IF_(eq(factor_current, 0), 0, observed * factor_option / factor_current)


@dataclass
class Workload:
    """One cluster in one year, as cells on the Sizing sheet."""
    cluster: int
    year: int
    cells: dict[str, Cell]


class SizingRow:
    """One row of an option's sizing block, filled left to right: each formula takes the next column
    as it is defined, so a later column refers to its cell rather than repeating its formula."""

    def __init__(self, grid: Grid, row: int):
        self.grid, self.row, self.col = grid, row, 2
        self.cells: dict[str, Cell] = {}
        self.headers: list[str] = []

    def put(self, key: str, header: str, formula: Expr, style: str) -> Cell:
        self.cells[key] = self.grid.put(self.row, self.col, formula, style)
        self.headers.append(header)
        self.col += 1
        return self.cells[key]


class ModelSheets:
    """Lays out Sizing, Costs by year and Summary, and records the cells that get defined names."""

    def __init__(self, a: Assessment, src: Sources):
        self.a, self.src = a, src
        self.horizon = a.assessment.horizon_years
        self.current = a.assessment.current_option
        self.order = [self.current] + [o for o in a.assessment.options if o != self.current]
        self.sizing, self.costs, self.summary = Grid(SIZING), Grid(COSTS), Grid(SUMMARY)
        self.names: dict[str, Cell] = {}
        self.units: dict[str, list[Cell]] = {}
        self.blocks: dict[str, dict] = {}
        self.cluster_names = [c.name for c in a.clusters]
        self.bill = a.measured.bill if a.measured is not None else None
        self.billed: dict[str, Callable[[int], Expr | None]] = {}  # the current option's part -> its formula in a year

    def build(self) -> list[Grid]:
        workloads = self._workloads()
        row = len(workloads) + 5
        option_rows = {}
        for option_id in self.order:
            option_rows[option_id], row = self._sizing_block(option_id, workloads, row)
        self._rates()
        row = self.rates_end
        if self.bill is not None:
            row = self._modelled_today(option_rows[self.current], row)
        for option_id in self.order:
            row = self._cost_block(option_id, option_rows[option_id], row)
        self._payback_grid(row)
        self._summary()
        return [self.sizing, self.costs, self.summary]

    # -- Sizing: workload -------------------------------------------------------------------------

    def _cluster_input(self, i: int, name: str) -> Cell:
        return self.src.input(f"clusters[{i}].{name}")

    def _workloads(self) -> list[Workload]:
        s = self.sizing
        s.label(0, 0, "Workload by cluster and year (reportgen model, Appendix B): year 1 is today's, growth shows from year 2", "title")
        headers = ["Cluster", "Year", "Ingress (MB/s)", "Egress (MB/s)", "Partitions", "Peak ingress (MB/s)",
                   "Peak egress (MB/s)", "Retained data (GB)", "Replicated data (GB)", "Ingress (GB/year)",
                   "Egress (GB/year)"]
        s.labels(1, 0, headers)
        s.freeze, s.header_rows = (2, 2), (1, 1)
        growth = self.src.input("growth.annual_growth")
        result, row = [], 2
        for year in range(1, self.horizon + 1):
            for i, name in enumerate(self.cluster_names):
                ingress, egress = self._cluster_input(i, "ingress_mbps"), self._cluster_input(i, "egress_mbps")
                partitions = self._cluster_input(i, "partitions")
                factor = (1 + growth) ** (year - 1)
                peak = self._cluster_input(i, "peak_to_average")
                s.label(row, 0, name)
                s.label(row, 1, f"Year {year}")
                c = {"ingress": s.put(row, 2, ingress if year == 1 else ingress * factor, "mbps"),
                     "egress": s.put(row, 3, egress if year == 1 else egress * factor, "mbps")}
                c["partitions"] = s.put(row, 4, partitions if year == 1 else ceiling(partitions * factor), "count")
                c["peak_ingress"] = s.put(row, 5, c["ingress"] * peak, "mbps")
                c["peak_egress"] = s.put(row, 6, c["egress"] * peak, "mbps")
                c["logical_gb"] = s.put(row, 7, c["ingress"] * SECONDS_PER_DAY * self._cluster_input(i, "retention_days")
                                        / MB_PER_GB, "count")
                c["replicated_gb"] = s.put(row, 8, c["logical_gb"] * self._cluster_input(i, "replication_factor"), "count")
                c["ingress_gb_year"] = s.put(row, 9, c["ingress"] * SECONDS_PER_YEAR / MB_PER_GB, "count")
                c["egress_gb_year"] = s.put(row, 10, c["egress"] * SECONDS_PER_YEAR / MB_PER_GB, "count")
                result.append(Workload(i, year, c))
                row += 1
        return result

    # -- Sizing: one option -----------------------------------------------------------------------

    def _sizing_block(self, option_id: str, workloads: list[Workload], row: int) -> tuple[list[dict], int]:
        pricing = self.src.values.catalogue.options[option_id].pricing
        headers: list[str] = []  # the same for every row: the first row's
        rows = []
        for offset, w in enumerate(workloads):
            r = row + 2 + offset
            self.sizing.label(r, 0, self.cluster_names[w.cluster])
            self.sizing.label(r, 1, f"Year {w.year}")
            out = SizingRow(self.sizing, r)
            self._network(option_id, w, out)
            if pricing in ("self_managed", "licensed", "provisioned_service"):
                self._brokers(option_id, pricing, w, out)
            elif pricing == "express_brokers":
                self._express(option_id, w, out)
            elif pricing == "diskless":
                self._diskless(option_id, w, out)
            else:
                self._units(option_id, pricing, w, out)
            headers = headers or out.headers
            rows.append({"year": w.year, "cells": out.cells})
            if "units" in out.cells:
                self.units.setdefault(option_id, []).append(out.cells["units"])
        name = self.src.values.catalogue.options[option_id].name
        self.sizing.label(row, 0, f"{name}: {pricing.replace('_', ' ')} pricing, per cluster and year", "title")
        self.sizing.labels(row + 1, 0, ["Cluster", "Year"] + headers)
        return rows, row + 2 + len(workloads) + 2

    def _network(self, option_id: str, w: Workload, out: SizingRow) -> None:
        """Cross-AZ legs the option's customer pays (docs/model.md section 6), booked as infrastructure network."""
        src, i, c = self.src, w.cluster, w.cells
        zones, rf = self._cluster_input(i, "availability_zones"), self._cluster_input(i, "replication_factor")
        multi_zone = gt(zones, 1)
        replication = src.assumption(f"options.{option_id}.network.replication_transfer")
        client = src.assumption(f"options.{option_id}.network.client_cross_az")
        replicated = out.put("cross_az_replication", "Cross-AZ replication (GB/year)",
                             IF_(AND_(multi_zone, replication), c["ingress_gb_year"] * (rf - 1), 0), "count")
        produced = out.put("cross_az_producers", "Cross-AZ producers (GB/year)",
                           IF_(AND_(multi_zone, client), c["ingress_gb_year"] * (zones - 1) / zones, 0), "count")
        consumed = out.put("cross_az_consumers", "Cross-AZ consumers (GB/year)",
                           IF_(AND_(multi_zone, client, NOT_(src.input("baseline.fetch_from_follower"))),
                               c["egress_gb_year"] * (zones - 1) / zones, 0), "count")
        network = (replicated + produced + consumed) * src.assumption("price_book.network.cross_az_per_gb")
        access = src.option(option_id, "network.client_transfer_per_gb")
        if access is not None:
            network = network + (c["ingress_gb_year"] + c["egress_gb_year"]) * access
        out.put("infrastructure.network", "Network (infrastructure)", network, "money")

    def _brokers(self, option_id: str, pricing: str, w: Workload, out: SizingRow) -> None:
        src, b, i, c = self.src, self.a.baseline, w.cluster, w.cells
        instance = f"price_book.instances.{b.broker_instance}"
        utilization = src.input("baseline.target_utilization")
        if pricing != "self_managed":
            utilization = src.option(option_id, "target_utilization", utilization)
        rf, zones = self._cluster_input(i, "replication_factor"), self._cluster_input(i, "availability_zones")
        by_throughput = out.put("by_throughput", "Brokers for throughput", ceiling(
            c["peak_ingress"] * rf / (src.assumption(f"{instance}.sustained_write_mbps") * utilization)), "count")
        by_partitions = out.put("by_partitions", "Brokers for partitions", ceiling(
            c["partitions"] * rf / src.assumption(f"{instance}.max_partition_replicas")), "count")
        needed = out.put("needed", "Brokers needed", MAX_(rf, zones, by_throughput, by_partitions), "count")
        brokers = out.put("brokers", "Brokers (multiple of zones)", ceiling(needed / zones) * zones, "count")
        out.put("binding", "Binding constraint",
                IF_(eq(by_throughput, needed), "throughput",
                    IF_(eq(by_partitions, needed), "partitions",
                        IF_(eq(rf, needed), "replication factor", "availability zones"))), "text")
        disk = src.input("baseline.disk_utilization")
        tiered = src.input("baseline.tiered_storage")
        if pricing != "self_managed":
            tiered = src.option(option_id, "tiered_storage", tiered)
        hot_hours = MIN_(src.assumption("assumptions.hot_retention_hours"), self._cluster_input(i, "retention_days") * 24)
        hot_gb = c["ingress"] * 3600 * hot_hours / MB_PER_GB * self._cluster_input(i, "replication_factor") / disk
        block_gb = out.put("block_gb", "Broker storage (GB)", IF_(tiered, hot_gb, c["replicated_gb"] / disk), "count")
        object_gb = out.put("object_gb", "Object storage (GB)", IF_(tiered, c["logical_gb"], 0), "count")
        own_object_price = f"options.{option_id}.tiered_storage_per_gb_month"
        object_key = own_object_price if src.has(own_object_price) else "price_book.storage.object_per_gb_month"
        if src.values.priced(object_key):
            objects = object_gb * src.assumption(object_key) * MONTHS_PER_YEAR
        else:  # the region has no price (the model reads it only when tiering): a tiered what-if shows #VALUE!
            objects = IF_(tiered, f"no {object_key} for {src.values.catalogue.region}: give it under overrides", 0)
        if pricing == "provisioned_service":
            price = src.assumption(f"options.{option_id}.brokers.{b.broker_instance}.price_per_hour")
            out.put("service_charges.capacity", "Broker-hours (service)", brokers * price * HOURS_PER_YEAR, "money")
            out.put("service_charges.storage", "Storage (service)",
                    block_gb * src.assumption(f"options.{option_id}.storage_per_gb_month") * MONTHS_PER_YEAR
                    + objects, "money")
            return
        controllers = self.a.clusters[i].controllers
        controllers = src.input("baseline.controllers_per_cluster") if controllers is None else self._cluster_input(i, "controllers")
        out.put("infrastructure.compute", "Compute (infrastructure)", HOURS_PER_YEAR * (
            brokers * src.assumption(f"{instance}.price_per_hour")
            + controllers * src.assumption(f"price_book.instances.{b.controller_instance}.price_per_hour")), "money")
        out.put("infrastructure.storage", "Storage (infrastructure)",
                block_gb * src.assumption("price_book.storage.block_per_gb_month") * MONTHS_PER_YEAR
                + objects, "money")
        if pricing == "licensed":
            licence = brokers * src.assumption(f"options.{option_id}.licence_per_broker_year")
            if self.a.clusters[i].environment != "production":
                licence = licence * src.option(option_id, "non_production_licence_factor", 1.0)
            out.put("service_charges.licence", "Licence (service)", licence, "money")

    def _express(self, option_id: str, w: Workload, out: SizingRow) -> None:
        """Express brokers (docs/model.md section 6): the size with the baseline broker's vCPUs (structural), the
        largest of ingress, egress and partition replicas over its quotas and the fixed replication factor, in a
        multiple of the fixed zones; broker-hours, data stored once and data written are service charges."""
        src, c = self.src, w.cells
        opt = lambda name: src.assumption(f"options.{option_id}.{name}")
        size = broker_size_like(src.values.catalogue, option_id, self.a.baseline.broker_instance)
        quota = lambda name: opt(f"brokers.{size}.{name}")
        utilization = src.option(option_id, "target_utilization", src.input("baseline.target_utilization"))
        rf, zones = opt("replication_factor"), opt("availability_zones")
        needs = [out.put("for_ingress", f"{size} brokers for ingress",
                         ceiling(c["peak_ingress"] / (quota("ingress_mbps") * utilization)), "count"),
                 out.put("for_egress", f"{size} brokers for egress",
                         ceiling(c["peak_egress"] / (quota("egress_mbps") * utilization)), "count"),
                 out.put("for_partitions", f"{size} brokers for partitions",
                         ceiling(c["partitions"] * rf / quota("partitions")), "count")]
        needed = out.put("needed", "Brokers needed", MAX_(*needs, rf), "count")
        brokers = out.put("brokers", "Brokers (multiple of zones)", ceiling(needed / zones) * zones, "count")
        out.put("binding", "Binding constraint",
                IF_(eq(needs[0], needed), "ingress", IF_(eq(needs[1], needed), "egress",
                    IF_(eq(needs[2], needed), "partitions", "replication factor"))), "text")
        out.put("service_charges.capacity", "Broker-hours (service)",
                brokers * quota("price_per_hour") * HOURS_PER_YEAR, "money")
        out.put("service_charges.storage", "Storage, data stored once (service)",
                c["logical_gb"] * opt("storage_per_gb_month") * MONTHS_PER_YEAR, "money")
        out.put("service_charges.data_transfer", "Data written (service)",
                c["ingress_gb_year"] * opt("data_in_per_gb"), "money")

    def _diskless(self, option_id: str, w: Workload, out: SizingRow) -> None:
        """Diskless agents (docs/model.md section 6): peak ingress over the vendor's throughput per vCPU times the
        agent instance's vCPUs at the target utilisation, at least the minimum in every zone, in a multiple of the
        zones; object storage, PUT and GET requests are infrastructure; the vendor's cluster-hours and its fees on
        uncompressed GiB written and stored are service charges."""
        src, i, c = self.src, w.cluster, w.cells
        opt = lambda name: src.assumption(f"options.{option_id}.{name}")
        instance = agent_instance(src.values.catalogue, option_id)
        book = f"price_book.instances.{instance}"
        zones = self._cluster_input(i, "availability_zones")
        utilization = src.option(option_id, "target_utilization", src.input("baseline.target_utilization"))
        per_agent = opt("write_mib_per_vcpu") * src.assumption(f"{book}.vcpu") * BYTES_PER_MIB / BYTES_PER_MB
        by_throughput = out.put("by_throughput", f"{instance} agents for throughput",
                                ceiling(c["peak_ingress"] / (per_agent * utilization)), "count")
        by_zones = out.put("by_zones", "Agents for zones", opt(f"agents.{instance}.min_per_zone") * zones, "count")
        needed = out.put("needed", "Agents needed", MAX_(by_throughput, by_zones), "count")
        agents = out.put("agents", "Agents (multiple of zones)", ceiling(needed / zones) * zones, "count")
        out.put("binding", "Binding constraint", IF_(eq(by_throughput, needed), "throughput", "availability zones"),
                "text")
        written = c["ingress"] * BYTES_PER_MB * SECONDS_PER_YEAR
        puts = out.put("object_puts", "PUT requests (per year)",
                       agents * SECONDS_PER_YEAR / opt("flush_interval_seconds"), "count")
        gets = out.put("object_gets", "GET requests (per year)",
                       written * zones / (opt("read_chunk_mib") * BYTES_PER_MIB), "count")
        ratio = self.src.inputs.get(f"clusters[{i}].compression_ratio") or src.assumption("assumptions.compression_ratio")
        written_gib = out.put("uncompressed_gib_written", "Uncompressed GiB written (per year)",
                              written * ratio / BYTES_PER_GIB, "count")
        stored_gib = out.put("uncompressed_gib_stored", "Uncompressed GiB stored",
                             c["logical_gb"] * MB_PER_GB * BYTES_PER_MB * ratio / BYTES_PER_GIB, "count")
        out.put("infrastructure.compute", "Compute (infrastructure)",
                agents * src.assumption(f"{book}.price_per_hour") * HOURS_PER_YEAR, "money")
        out.put("infrastructure.storage", "Object storage and requests (infrastructure)",
                c["logical_gb"] * src.assumption("price_book.storage.object_per_gb_month") * MONTHS_PER_YEAR
                + puts / REQUESTS_PER_PRICE * src.assumption("price_book.requests.object_put_per_1000")
                + gets / REQUESTS_PER_PRICE * src.assumption("price_book.requests.object_get_per_1000"), "money")
        out.put("service_charges.capacity", "Cluster-hours (service)", opt("cluster_hour") * HOURS_PER_YEAR, "money")
        out.put("service_charges.data_transfer", "Data written, uncompressed (service)",
                written_gib * opt("write_fee_per_gib"), "money")
        out.put("service_charges.storage", "Data stored, uncompressed (service)",
                stored_gib * opt("storage_fee_per_gib_month") * MONTHS_PER_YEAR, "money")

    def _units(self, option_id: str, pricing: str, w: Workload, out: SizingRow) -> None:
        """Serverless clusters or usage-based capacity units needed, and their charges."""
        src, c = self.src, w.cells
        opt = lambda name: src.assumption(f"options.{option_id}.{name}")
        if pricing == "serverless":
            limits, what = ("ingress_limit_mbps", "egress_limit_mbps", "partition_limit"), "Serverless clusters"
            minimum = 1
        else:
            limits, what = ("ingress_per_unit_mbps", "egress_per_unit_mbps", "partitions_per_unit"), "Capacity units"
            production = self.a.clusters[w.cluster].environment == "production"
            minimum = src.option(option_id, "min_units_production", 1) if production else 1
        needs = [out.put("for_ingress", f"{what} for ingress", ceiling(c["peak_ingress"] / opt(limits[0])), "count"),
                 out.put("for_egress", f"{what} for egress", ceiling(c["peak_egress"] / opt(limits[1])), "count"),
                 out.put("for_partitions", f"{what} for partitions", ceiling(c["partitions"] / opt(limits[2])), "count")]
        units = out.put("units", f"{what} needed", MAX_(minimum, *needs), "count")
        hourly = "cluster_hour" if pricing == "serverless" else "unit_hour"
        capacity = out.put("service_charges.capacity", "Capacity (service)", units * HOURS_PER_YEAR * opt(hourly), "money")
        if pricing == "serverless":
            out.put("service_charges.partitions", "Partitions (service)",
                    c["partitions"] * HOURS_PER_YEAR * opt("partition_hour"), "money")
        transfer = out.put("service_charges.data_transfer", "Data transfer (service)",
                           c["ingress_gb_year"] * opt("data_in_per_gb") + c["egress_gb_year"] * opt("data_out_per_gb"), "money")
        storage = out.put("service_charges.storage", "Storage (service)",
                          c["logical_gb"] * opt("storage_per_gb_month") * MONTHS_PER_YEAR, "money")
        if pricing == "usage_based":
            out.put("service_charges.discount", "Committed-use discount (service)",
                    -opt("committed_use_discount") * (capacity + transfer + storage), "money")

    # -- Costs by year ----------------------------------------------------------------------------

    @property
    def year_cols(self) -> list[int]:
        """Columns of years 0..H on Costs by year; the total follows, then the drivers."""
        return list(range(2, 3 + self.horizon))

    @property
    def total_col(self) -> int:
        return 3 + self.horizon

    @property
    def driver_col(self) -> int:
        return 5 + self.horizon

    def _rates(self) -> None:
        """Organisation and rates (docs/model.md section 4), shared by every option."""
        k, src = self.costs, self.src
        k.label(0, 0, "Costs by option, year, category and part (reportgen model, Appendix B)", "title")
        k.labels(1, 0, ["Category", "Part"] + [f"Year {y}" for y in range(self.horizon + 1)] + ["Total", ""]
                 + ["Driver", "Value", "Unit"])
        k.freeze, k.header_rows = (2, 2), (1, 1)
        k.label(2, 0, "Rates", "title")
        loaded = src.setting("organization.loaded_cost_per_fte_per_year", "loaded_cost_per_fte_per_year")
        hours = src.setting("organization.working_hours_per_year", "working_hours_per_year")
        growth = src.input("organization.annual_cost_growth")
        k.label(3, 0, "People")
        k.label(3, 1, "loaded cost per FTE")
        k.label(3, self.year_cols[0], DASH, "dash")
        self.loaded = {y: k.put(3, self.year_cols[y], loaded if y == 1 else loaded * (1 + growth) ** (y - 1), "money")
                       for y in range(1, self.horizon + 1)}
        org, risk = "organization", "risk"
        d = self.driver_col
        k.label(3, d, "Hourly rate")
        self.hourly_rate = k.put(3, d + 1, loaded / hours, "money2")
        k.label(3, d + 2, "per hour", "unit")
        k.label(4, d, "Impacted engineers")
        self.names["impacted_engineers"] = k.put(4, d + 1, src.input(f"{org}.employees") * src.input(f"{org}.engineer_share")
                                                 * src.input(f"{org}.kafka_engineer_share"), "decimal")
        k.label(4, d + 2, "people (not rounded)", "unit")
        k.label(5, d, "Cost per incident")
        self.names["cost_per_incident"] = k.put(5, d + 1, self.names["impacted_engineers"] * src.input(f"{risk}.incident_duration_hours")
                                                * src.input(f"{risk}.productivity_loss") * self.hourly_rate, "money")
        k.label(5, d + 2, "per incident", "unit")
        self.rates_end = 8

    def _cost_block(self, option_id: str, sizing_rows: list[dict], row: int) -> int:
        k, cur = self.costs, self.current
        is_current = option_id == cur
        meta = self.src.values.catalogue.options[option_id]
        role = " (current)" if is_current else " (proposed)" if option_id == self.a.assessment.proposed_option else ""
        k.label(row, 0, meta.name + role, "title")
        drivers = self._drivers(option_id, row + 1)
        cells: dict[str, dict[int, Cell]] = {}
        by_year = self._by_year(sizing_rows)
        r = row + 1

        def line(category: str, part: str, per_year, style="money", note: str = "") -> dict[int, Cell]:
            nonlocal r
            placed = self._line(r, category.replace("_", " ").capitalize(), part.replace("_", " ") or note, per_year, style)
            cells[f"{category}.{part}" if part else category] = placed
            r += 1
            return placed

        billed = self.billed if is_current else {}
        line("migration", "migration", lambda y: self._migration(option_id) if y == 0 and not is_current else None)
        modelled = lambda key: lambda y: (SUM_(Span([row_cells[key] for row_cells in by_year[y]]))
                                          if y and key in sizing_rows[0]["cells"] else None)
        for category, parts in (("infrastructure", INFRASTRUCTURE_PARTS), ("service_charges", SERVICE_PARTS)):
            for part in parts:
                key = f"{category}.{part}"
                line(category, part, billed.get(key) or modelled(key))
            self._total(line, category, parts, cells)
        people = self._people(option_id, drivers)
        for part in PEOPLE_PARTS:
            line("people", part, lambda y, part=part: people[part](y) if y else None)
        self._total(line, "people", PEOPLE_PARTS, cells)
        risk = self._risk(option_id, drivers)
        for part in RISK_PARTS:
            line("risk", part, lambda y, part=part: risk[part] if y else None)
        self._total(line, "risk", RISK_PARTS, cells)
        parts_of = lambda y, keys: [cells[key][y] for key in keys]
        hard_keys = ["migration.migration", "infrastructure.total", "service_charges.total", "people.total"]
        line("hard_total", "", lambda y: SUM_(*parts_of(y, hard_keys)), "money_total")
        line("risk_adjusted_total", "", lambda y: SUM_(*parts_of(y, ["hard_total", "risk.total"])), "money_total")
        current = self.blocks.get(cur, {"cells": cells})["cells"]
        against = "against the current option"
        line("net_saving", "", lambda y: current["hard_total"][y] - cells["hard_total"][y] if y else None, note=against)
        line("risk_reduction", "", lambda y: current["risk.total"][y] - cells["risk.total"][y] if y else None, note=against)
        self.blocks[option_id] = {"cells": cells, "drivers": drivers}
        return max(r, row + 1 + len(drivers)) + 2

    def _line(self, row: int, category: str, part: str, per_year, style: str = "money") -> dict[int, Cell]:
        """One line of Costs by year: a formula per year (a dash where `per_year` gives None) and their total."""
        k = self.costs
        k.label(row, 0, category)
        k.label(row, 1, part)
        placed = {}
        for y, col in enumerate(self.year_cols):
            formula = per_year(y)
            placed[y] = k.put(row, col, formula, style) if formula is not None else k.label(row, col, DASH, "dash")
        placed["total"] = k.put(row, self.total_col, SUM_(Span([placed[y] for y in range(self.horizon + 1)])), style)
        return placed

    @staticmethod
    def _by_year(sizing_rows: list[dict]) -> dict[int, list[dict]]:
        by_year: dict[int, list[dict]] = {}
        for sizing in sizing_rows:
            by_year.setdefault(sizing["year"], []).append(sizing["cells"])
        return by_year

    def _modelled_today(self, sizing_rows: list[dict], row: int) -> int:
        """The current option's parts as the model estimates them, and how each group of the bill's parts scales
        them to the bill (docs/model.md section 15). The current option's cost block is these lines scaled, so a
        billed amount changed on Inputs moves every figure that rests on today's cost."""
        k = self.costs
        name = self.src.values.catalogue.options[self.current].name
        k.label(row, 0, f"Today's cost from the measured bill: {name} as modelled, each group of parts scaled to "
                        "the amount billed", "title")
        by_year, present = self._by_year(sizing_rows), sizing_rows[0]["cells"]
        grouped = {f"{c}.{p}" for model_parts in GROUPS.values() for c, p in model_parts}
        modelled: dict[str, dict[int, Cell]] = {}
        for category, part in COSTED_PARTS:
            key = f"{category}.{part}"
            if key in present and key in grouped:
                modelled[key] = self._line(row + 1 + len(modelled), f"{category.replace('_', ' ').capitalize()} (modelled)",
                                           part.replace("_", " "),
                                           lambda y, key=key: SUM_(Span([c[key] for c in by_year[y]])) if y else None)
        driver_row = row + 1
        for bill_parts, model_parts in GROUPS.items():
            driver_row = self._bill_scale(bill_parts, model_parts, modelled, driver_row)
        return max(row + 1 + len(modelled), driver_row) + 2

    def _bill_scale(self, bill_parts: tuple, model_parts: tuple, modelled: dict, row: int) -> int:
        """One group's billed and modelled amounts, scale and flat addition (as drivers), and the current option's
        formulas for its parts: modelled x scale, plus the addition on the first part (reportgen/model/billed.py)."""
        k, d = self.costs, self.driver_col
        group = bill_group_label(bill_parts).capitalize()
        keys = [f"{c}.{p}" for c, p in model_parts]
        costed = [modelled[key][1] for key in keys if key in modelled]

        def driver(offset: int, label: str, formula: Expr, style: str, unit: str) -> Cell:
            k.label(row + offset, d, f"{group}: {label}")
            placed = k.put(row + offset, d + 1, formula, style)
            k.label(row + offset, d + 2, unit, "unit")
            return placed

        billed = driver(0, "billed per year", self.src.input(bill_group_key(bill_parts)), "money", "from Inputs")
        year_1 = driver(1, "modelled in year 1", functools.reduce(operator.add, costed) if costed else Number(0), "money",
                        " + ".join(part_label(c, p) for c, p in model_parts))
        unmodelled = lt(ABS_(year_1), Number(BILL_NOISE))
        scale = driver(2, "scale to the bill", IF_(OR_(eq(billed, 0), unmodelled), 1, billed / year_1), "ratio",
                       "billed / modelled; 1 when billed 0 or modelled 0")
        first_added = driver(3, "added each year", IF_(unmodelled, billed, 0), "money",
                             f"to {part_label(*model_parts[0])} when modelled 0")
        for n, key in enumerate(keys):
            added = first_added if n == 0 else None
            if key in modelled:
                self.billed[key] = _scaled_line(modelled[key], scale, added)
            elif n == 0:  # a part the model does not cost carries the group's addition alone
                self.billed[key] = lambda y: first_added if y else None
        return row + 4

    def _total(self, line, category: str, parts, cells) -> None:
        line(category, "total", lambda y: SUM_(Span([cells[f"{category}.{p}"][y] for p in parts])), "money_total")

    def _migration(self, option_id: str) -> Expr:
        """fte_months / 12 x loaded cost in year 1 + dual-run months / 12 x the current option's year-1 run rate."""
        current = self.blocks[self.current]["cells"]
        run_rate = current["infrastructure.total"][1] + current["service_charges.total"][1]
        return (self.src.assumption(f"options.{option_id}.migration_fte_months") / MONTHS_PER_YEAR * self.loaded[1]
                + self.src.assumption(f"options.{option_id}.dual_run_months") / MONTHS_PER_YEAR * run_rate)

    def _drivers(self, option_id: str, row: int) -> dict[str, Cell]:
        """People and risk quantities of one option (docs/model.md sections 7 and 8), beside its cost table."""
        src, cur, b, r = self.src, self.current, "baseline", "risk"
        factor = lambda name, option=option_id: src.assumption(f"options.{option}.{name}")
        by_factor = lambda observed, name: scaled(src.input(observed), factor(name), factor(name, cur))
        outage = src.input(f"{r}.outage_hours_per_year")
        sla = src.option(option_id, "availability_sla")
        if option_id != cur and sla is not None:
            outage = MIN_(outage, (1 - sla) * HOURS_PER_YEAR)
        specs = [
            ("platform_fte", "Platform FTE", by_factor(f"{b}.platform_fte", "platform_fte_factor"), "fte", "FTE"),
            ("tooling_fte", "Tooling FTE", by_factor(f"{b}.tooling_fte", "tooling_fte_factor"), "fte", "FTE"),
            ("connectors", "Connectors to build", src.input(f"{b}.connectors_needed") * (1 - factor("connector_coverage")),
             "decimal", "connectors (not rounded)"),
            ("support", "Support and services", by_factor(f"{b}.support_and_services_per_year", "support_factor"),
             "money", "per year, before growth"),
            ("incidents", "Incidents", by_factor(f"{r}.incidents_per_year", "incident_factor"), "decimal", "per year"),
            ("outage_hours", "Outage hours", outage, "decimal", "hours per year"),
            ("planned_hours", "Planned downtime", by_factor(f"{r}.planned_downtime_hours_per_year", "planned_downtime_factor"),
             "decimal", "hours per year"),
            ("breach_probability", "Breach probability",
             MIN_(by_factor(f"{r}.breach_probability_per_year", "breach_factor"), 1), "share", "per year (at most 1)"),
        ]
        d, placed = self.driver_col, {}
        for offset, (key, label, formula, style, unit) in enumerate(specs):
            self.costs.label(row + offset, d, label)
            placed[key] = self.costs.put(row + offset, d + 1, formula, style)
            self.costs.label(row + offset, d + 2, unit, "unit")
        return placed

    def _people(self, option_id: str, drivers: dict) -> dict:
        src = self.src
        growth = src.input("organization.annual_cost_growth")
        connectors = drivers["connectors"]

        def development(y):
            if y == 1:
                work = connectors * src.assumption("assumptions.connector_build_months") / MONTHS_PER_YEAR * self.loaded[1]
            else:
                work = connectors * src.assumption("assumptions.connector_maintenance_fte") * self.loaded[y]
            return drivers["tooling_fte"] * self.loaded[y] + work

        return {"platform_operations": lambda y: drivers["platform_fte"] * self.loaded[y],
                "development": development,
                "support_and_services": lambda y: drivers["support"] * (1 + growth) ** (y - 1)}

    def _risk(self, option_id: str, drivers: dict) -> dict:
        src, r = self.src, "risk"
        cost_per_hour = src.input(f"{r}.outage_cost_per_hour")
        planned_rate = cost_per_hour / src.assumption("assumptions.unplanned_to_planned_cost_ratio")
        return {"incidents": drivers["incidents"] * self.names["cost_per_incident"],
                "outages": drivers["outage_hours"] * cost_per_hour,
                "planned_downtime": drivers["planned_hours"] * planned_rate,
                "breach": drivers["breach_probability"] * src.setting(f"{r}.breach_cost", "breach_cost")}

    # -- Payback ------------------------------------------------------------------------------------

    def _payback_grid(self, row: int) -> None:
        """Months 1..12H: cumulative net saving at each month's end; payback is the first month it covers migration."""
        k = self.costs
        k.label(row, 0, "Payback (reportgen model, Appendix B): cumulative net saving at the end of each month, "
                        "each year's net saving spread evenly over its months", "title")
        others = [o for o in self.order if o != self.current]
        k.label(row + 1, 0, "Month", "header")
        k.label(row + 1, 1, "Year", "header")
        self.payback: dict[str, list[Cell]] = {}
        for n, option_id in enumerate(others):
            name = self.src.values.catalogue.options[option_id].short_name
            k.label(row + 1, 2 + 2 * n, f"{name}: cumulative net saving", "header")
            k.label(row + 1, 3 + 2 * n, f"{name}: payback month once reached", "header")
            cells = self.blocks[option_id]["cells"]
            net, migration = cells["net_saving"], cells["migration.migration"][0]
            candidates = []
            for month in range(1, MONTHS_PER_YEAR * self.horizon + 1):
                year, k_month = (month - 1) // MONTHS_PER_YEAR + 1, (month - 1) % MONTHS_PER_YEAR + 1
                r = row + 1 + month
                if n == 0:
                    k.label(r, 0, f"Month {month}")
                    k.label(r, 1, f"Year {year}")
                this_year = net[year] * k_month / MONTHS_PER_YEAR
                value = this_year if year == 1 else SUM_(Span([net[y] for y in range(1, year)])) + this_year
                cumulative = k.put(r, 2 + 2 * n, value, "money")
                reached = AND_(gt(cumulative, NOISE), ge(cumulative, migration - NOISE))
                candidates.append(k.put(r, 3 + 2 * n, IF_(reached, month, ""), "count"))
            self.payback[option_id] = candidates

    # -- Summary ------------------------------------------------------------------------------------

    def _summary(self) -> None:
        s, src, cur = self.summary, self.src, self.current
        s.label(0, 0, f"Summary over {self.horizon} years against the current option (reportgen model, Appendix B)", "title")
        headers = ["Option", "Role", "Feasible", "TCO (hard)", "TCO (including expected risk)", "TCO (present value)",
                   "Costs (service charges + migration)", "Savings", "Savings (%)", "ROI (%)", "NPV", "NPV (including expected risk)",
                   "Payback (months)", "Months to production", "Months saved", "Time-to-value (not in savings)"]
        s.labels(1, 0, headers)
        s.freeze, s.header_rows = (2, 1), (1, 1)
        rate = src.setting("assessment.discount_rate", "discount_rate")
        current = self.blocks[cur]["cells"]
        tco_current = current["hard_total"]["total"]
        years = range(1, self.horizon + 1)
        rows = {option_id: 2 + n for n, option_id in enumerate(self.a.assessment.options)}
        months = {option_id: s.put(rows[option_id], 13, src.input("baseline.months_to_production") if option_id == cur
                                   else src.assumption(f"options.{option_id}.months_to_production"), "decimal")
                  for option_id in self.a.assessment.options}
        for option_id, row in rows.items():
            cells, is_current = self.blocks[option_id]["cells"], option_id == cur
            meta = src.values.catalogue.options[option_id]
            s.label(row, 0, meta.name, "text_bold")
            s.label(row, 1, "current" if is_current else "proposed" if option_id == self.a.assessment.proposed_option else "")
            self._feasible(option_id, row)
            migration = cells["migration.migration"][0]
            tco = s.put(row, 3, cells["hard_total"]["total"], "money_bold")
            s.put(row, 4, cells["risk_adjusted_total"]["total"], "money")
            risk_adjusted = Span([cells["risk_adjusted_total"][y] for y in years])
            s.put(row, 5, NPV_(rate, risk_adjusted) if is_current else migration + NPV_(rate, risk_adjusted), "money")
            costs = s.label(row, 6, DASH, "dash") if is_current else \
                s.put(row, 6, cells["service_charges.total"]["total"] + migration, "money")
            savings = s.put(row, 7, tco_current - tco, "money_bold")
            savings_pct = s.put(row, 8, IF_(eq(tco_current, 0), "n/a", savings / tco_current), "share_whole")
            roi = s.label(row, 9, DASH, "dash") if is_current else s.put(row, 9, IF_(eq(costs, 0), "n/a", savings / costs), "share_whole")
            net = NPV_(rate, Span([cells["net_saving"][y] for y in years]))
            npv = s.put(row, 10, net if is_current else net - migration, "money")
            s.put(row, 11, npv + NPV_(rate, Span([cells["risk_reduction"][y] for y in years])), "money")
            if is_current:
                payback = s.label(row, 12, DASH, "dash")
            else:
                first = MIN_(Span(self.payback[option_id]))
                payback = s.put(row, 12, IF_(OR_(eq(first, 0), lt(savings, Number(-SAVINGS_NOISE))), "not within the horizon", first),
                                "count")
            saved = s.put(row, 14, months[cur] - months[option_id], "decimal")
            s.put(row, 15, saved * src.input("value.monthly_benefit"), "money")
            self.names.update({f"tco_hard_{option_id}": tco, f"savings_{option_id}": savings,
                               f"savings_pct_{option_id}": savings_pct, f"roi_{option_id}": roi, f"npv_{option_id}": npv,
                               f"payback_months_{option_id}": payback})
        row = 2 + len(rows)
        self.summary_end = self._reductions(row + 2)

    def _feasible(self, option_id: str, row: int) -> None:
        """Serverless may not split a workload; usage-based units are capped per cluster (docs/model.md section 6)."""
        s, src = self.summary, self.src
        units = self.units.get(option_id, [])
        pricing = src.values.catalogue.options[option_id].pricing
        if pricing == "serverless":
            ok = AND_(NOT_(src.assumption(f"options.{option_id}.may_split")), gt(MAX_(Span(units)), 1))
            s.put(row, 2, IF_(ok, "no: a cluster exceeds one serverless cluster's quota", "yes"), "text")
        elif pricing == "express_brokers":
            required = {field: src.assumption(f"options.{option_id}.{field}") for field in FIXED_LAYOUT}
            fits = AND_(*(eq(self._cluster_input(i, field), required[field])
                          for i in range(len(self.cluster_names)) for field in FIXED_LAYOUT))
            s.put(row, 2, IF_(fits, "yes", "no: a cluster's replication factor or zones differ from those required"),
                  "text")
        elif pricing == "usage_based" and src.has(f"options.{option_id}.max_units_per_cluster"):
            cap = src.assumption(f"options.{option_id}.max_units_per_cluster")
            s.put(row, 2, IF_(le(MAX_(Span(units)), cap), "yes", "no: a cluster needs more units than one cluster takes"), "text")
        else:
            s.label(row, 2, "yes")

    def _reductions(self, row: int) -> int:
        """Reductions against the current option, undiscounted (docs/model.md section 9): benefits - costs = savings."""
        s, cur = self.summary, self.current
        s.label(row, 0, "Reductions against the current option over the horizon (benefits); ROI = savings / costs", "title")
        s.labels(row + 1, 0, ["Option", "Infrastructure", "Development", "Platform operations", "Support and services",
                              "Current service charges", "Benefits", "Costs", "Savings (benefits - costs)"])
        current = self.blocks[cur]["cells"]
        row += 2
        for option_id in self.a.assessment.options:
            if option_id == cur:
                continue
            cells = self.blocks[option_id]["cells"]
            s.label(row, 0, self.src.values.catalogue.options[option_id].name, "text_bold")
            keys = ["infrastructure.total", "people.development", "people.platform_operations", "people.support_and_services"]
            placed = [s.put(row, 1 + n, current[key]["total"] - cells[key]["total"], "money") for n, key in enumerate(keys)]
            placed.append(s.put(row, 5, current["service_charges.total"]["total"], "money"))
            benefits = s.put(row, 6, SUM_(Span(placed)), "money_bold")
            costs = s.put(row, 7, cells["service_charges.total"]["total"] + cells["migration.migration"][0], "money")
            s.put(row, 8, benefits - costs, "money_bold")
            row += 1
        return row
