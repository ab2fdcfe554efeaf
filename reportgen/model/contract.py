"""The results contract as types (docs/model.md section 10): what results.json holds, key by key.

`build_results` passes its output through `Results`, so a key the model forgets, misnames or adds
fails the run that produced it instead of a template later; `results_schema_json` exports the same
models as `inputs/results.schema.json` for whoever reads results.json. Field order is the file's
key order. Amounts are in the assessment's `currency`, undiscounted unless said otherwise; an
undefined figure is null.
"""

import json
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, JsonValue, Tag, WithJsonSchema, model_validator

RESULTS_VERSION = "1.0"

# Numbers keep their Python type (an int stays an int), so that a validated dict dumps to the same JSON.
Number = Annotated[Union[int, float], WithJsonSchema({"type": "number"})]
Amount = Number
Pricing = Literal["self_managed", "licensed", "provisioned_service", "express_brokers", "serverless", "usage_based",
                  "diskless"]


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def absent_unless(description: str):
    """A key that is left out (never null) where it does not apply; the schema shows no default."""
    return Field(default=None, description=description, json_schema_extra=_no_default)


class Contract(BaseModel):
    # strict: no coercion, so what validates is exactly what is written; defer_build: the validator
    # is built at the first run that computes, not by every command that imports the model. Fields are
    # described with Field(description=...), and annotations are not postponed, because attribute
    # docstrings (the source read again) and string annotations (each one compiled) slow the import.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Customer(Contract):
    comment: str | None = Field(description="The assessment's `customer.$comment`, if any.")
    name: str = Field(description="The customer's name as on the cover.")
    slug: str = Field(description="The assessment's file name and output folder.")
    logo: str | None = Field(description="The logo's path relative to the project folder, if any.")
    industry: str | None = Field(description="The industry shown on the cover, if any.")
    region: str = Field(description="The cloud region whose price book was used.")


class PreviousReport(Contract):
    tool_version: str | None = Field(description="reportgen's version that wrote the previous report.")
    catalogue_version: str | None = Field(description="The catalogue version the previous report used.")
    inputs_sha256: str | None = Field(description="SHA-256 of the previous report's assessment file.")
    currency: str | None = Field(default=None, description="The previous report's currency: its amounts below "
                                                           "are in it (null: written before this was recorded).")
    revision: int | None = absent_unless("The release compared with (`releases/<slug>/r<N>/`); left out when the "
                                         "comparison is with the last build, before any release.")
    released_on: str | None = absent_unless("The day that release was made (ISO 8601); only with `revision`.")


class InputChange(Contract):
    path: str = Field(description="The input's JSON path; a range's ends are `.low`, `.likely` and `.high`.")
    old: JsonValue = Field(description="Its value in the previous report (null: absent).")
    new: JsonValue = Field(description="Its value now (null: absent).")


class CatalogueChange(Contract):
    key: str = Field(description="The catalogue key, dotted.")
    old: bool | int | float | None = Field(description="The value used before (null: not read then).")
    new: bool | int | float | None = Field(description="The value used now (null: not read now).")


class HeadlineChange(Contract):
    option: str = Field(description="The option id.")
    figure: str = Field(description="One of tco_hard, savings, savings_pct, roi, npv, payback_months.")
    old: Number | None = Field(description="The figure in the previous report.")
    new: Number | None = Field(description="The figure now.")


class Changes(Contract):
    previous: PreviousReport = Field(description="Which report this one is compared with.")
    inputs: list[InputChange] = Field(description="Assessment values that changed, in the assessment's order.")
    catalogue: list[CatalogueChange] = Field(description="Catalogue values used that changed.")
    headline: list[HeadlineChange] = Field(description="Headline figures that moved, by option.")


class Generated(Contract):
    tool_version: str = Field(description="reportgen's version.")
    catalogue_version: str = Field(description="The catalogue's version.")
    catalogue_date: str = Field(description="The catalogue's date, YYYY-MM-DD.")
    inputs_sha256: str = Field(description="SHA-256 of the assessment file's bytes.")
    catalogue_sha256: str = Field(description="SHA-256 of the catalogue's files.")


class Infeasibility(Contract):
    cluster: str = Field(description="The customer cluster that does not fit.")
    year: int = Field(description="The year it stops fitting (1 to the horizon).")
    limit: str = Field(description="The limit exceeded: ingress, egress, partitions or minimum; or the layout the "
                                   "option requires and the cluster lacks: replication_factor or availability_zones.")
    needed: Number = Field(description="Serverless clusters or capacity units needed; or the cluster's own "
                                       "replication factor or zone count.")
    allowed: Number = Field(description="How many one cluster may have without splitting the workload; or the "
                                        "replication factor or zone count the option requires.")
    message: str = Field(description="The reason in words, as the report prints it.")


class CrossAzTraffic(Contract):
    replication: Number = Field(description="GB a year crossing zones between broker replicas.")
    producers: Number = Field(description="GB a year crossing zones from producers to leaders.")
    consumers: Number = Field(description="GB a year crossing zones from leaders to consumers.")
    total: Number = Field(description="The sum of the three legs, GB a year.")


class Sizing(Contract):
    cluster: str = Field(description="The customer cluster's name.")
    environment: str = Field(description="The cluster's environment (production, staging, ...).")
    year: int = Field(description="The year sized (1 to the horizon).")
    cross_az_gb: CrossAzTraffic = Field(description="Cross-zone traffic the option pays for, by leg.")


class BrokerSizing(Sizing):
    brokers: Number = Field(description="Brokers needed: a multiple of the zone count.")
    binding_constraint: str = Field(
        description="What sets the broker count: throughput, partitions, replication_factor or availability_zones.")


class SelfRunSizing(BrokerSizing):
    """Brokers and controllers on the customer's own instances (self_managed, licensed)."""
    controllers: int = Field(description="KRaft controllers (the cluster's own count, else the baseline's).")
    block_gb: Number = Field(description="Block storage provisioned, GB (replicated, with disk headroom).")
    object_gb: Number = absent_unless("Tiered data in object storage, GB (one copy); only when tiered.")


class ProvisionedSizing(BrokerSizing):
    """Brokers of a provisioned service (provisioned_service); its controllers are not charged."""
    block_gb: Number = Field(description="Broker storage billed, GB (replicated, with disk headroom).")
    object_gb: Number = absent_unless("Tiered data in object storage, GB (one copy); only when tiered.")


class ExpressSizing(Sizing):
    """Brokers of fixed per-size quotas (express_brokers): a size, a count, and data billed once."""
    brokers: Number = Field(description="Brokers needed: a multiple of the required zones.")
    broker_size: str = Field(description="The broker size: the one with the vCPU count of the customer's broker.")
    binding_constraint: str = Field(
        description="What sets the broker count: ingress, egress, partitions or replication_factor.")
    billed_storage_gb: Number = Field(description="Data retained and billed, GB (one copy).")


class DisklessSizing(Sizing):
    """Stateless agents on the customer's instances, data in its object storage (diskless)."""
    agents: Number = Field(description="Agents needed: a multiple of the zones.")
    agent_instance: str = Field(description="The instance type the agents run on.")
    binding_constraint: str = Field(description="What sets the agent count: throughput or availability_zones.")
    object_gb: Number = Field(description="Data retained in object storage, GB (one copy, as sent: compressed).")
    object_puts: Number = Field(description="Object-storage PUT requests a year: one file per agent and flush interval.")
    object_gets: Number = Field(description="Object-storage GET requests a year: data written, read once per zone in chunks.")
    uncompressed_gib_written: Number = Field(description="GiB (2^30 bytes) written a year, uncompressed: the vendor's fee basis.")
    uncompressed_gib_stored: Number = Field(description="GiB retained, uncompressed: the vendor's storage fee basis.")


class ServerlessSizing(Sizing):
    clusters_needed: Number = Field(description="Serverless clusters the workload needs.")
    binding_constraint: str = Field(description="What sets the cluster count: ingress, egress, partitions or minimum.")
    billed_storage_gb: Number = Field(description="Data retained and billed, GB (one copy).")


class UsageSizing(Sizing):
    capacity_units: Number = Field(description="Capacity units needed.")
    binding_constraint: str = Field(description="What sets the unit count: ingress, egress, partitions or minimum.")
    billed_storage_gb: Number = Field(description="Data retained and billed, GB (one copy).")


SIZING_BY_PRICING: dict[str, type[Sizing]] = {
    "self_managed": SelfRunSizing, "licensed": SelfRunSizing, "provisioned_service": ProvisionedSizing,
    "express_brokers": ExpressSizing, "serverless": ServerlessSizing, "usage_based": UsageSizing,
    "diskless": DisklessSizing,
}


def _sizing_shape(entry) -> str | None:
    """Which sizing an entry is, from the count it holds; the option's pricing then confirms it."""
    keys = entry if isinstance(entry, dict) else entry.model_fields_set
    if "broker_size" in keys:
        return "express"
    if "agents" in keys:
        return "diskless"
    if "brokers" in keys:
        return "self_run" if "controllers" in keys else "provisioned"
    return "serverless" if "clusters_needed" in keys else "usage" if "capacity_units" in keys else None


AnySizing = Annotated[
    Union[Annotated[SelfRunSizing, Tag("self_run")], Annotated[ProvisionedSizing, Tag("provisioned")],
          Annotated[ExpressSizing, Tag("express")], Annotated[ServerlessSizing, Tag("serverless")],
          Annotated[UsageSizing, Tag("usage")], Annotated[DisklessSizing, Tag("diskless")]],
    Discriminator(_sizing_shape, custom_error_type="sizing_count",
                  custom_error_message="a sizing entry holds brokers, agents, clusters_needed or capacity_units"),
]


class InfrastructureCosts(Contract):
    compute: Amount = Field(description="Broker and controller instances, or a diskless option's agents.")
    storage: Amount = Field(description="Block and object storage at price-book prices, and object-storage requests.")
    network: Amount = Field(description="Cross-zone and client transfer.")
    total: Amount = Field(description="The sum of the parts.")


class ServiceCharges(Contract):
    capacity: Amount = Field(description="Broker-hours, serverless cluster-hours or capacity-unit hours.")
    partitions: Amount = Field(description="Partition-hours.")
    storage: Amount = Field(description="Storage billed by the service.")
    data_transfer: Amount = Field(description="Data in and out billed by the service.")
    licence: Amount = Field(description="Software licence.")
    discount: Amount = Field(description="Committed-use discount: 0 or negative.")
    total: Amount = Field(description="The sum of the parts.")


class PeopleCosts(Contract):
    platform_operations: Amount = Field(description="Platform FTE at the year's loaded cost.")
    development: Amount = Field(description="Tooling FTE and connector build (year 1) or maintenance.")
    support_and_services: Amount = Field(description="Support contracts and professional services.")
    total: Amount = Field(description="The sum of the parts.")


class RiskCosts(Contract):
    incidents: Amount = Field(description="Expected cost of incidents a year.")
    outages: Amount = Field(description="Expected cost of unplanned outage hours.")
    planned_downtime: Amount = Field(description="Expected cost of planned downtime hours.")
    breach: Amount = Field(description="Breach probability times the breach cost.")
    total: Amount = Field(description="The sum of the parts.")


class Year(Contract):
    year: int = Field(description="0 (migration only) to the horizon.")
    migration: Amount = Field(description="One-time migration cost: in year 0 only.")
    infrastructure: InfrastructureCosts = Field(description="Infrastructure the customer runs.")
    service_charges: ServiceCharges = Field(description="What the vendor bills.")
    people: PeopleCosts = Field(description="People and services.")
    risk: RiskCosts = Field(description="Expected cost of downtime and breach; not in the hard total.")
    hard_total: Amount = Field(description="Migration, infrastructure, service charges and people.")
    risk_adjusted_total: Amount = Field(description="The hard total plus risk.")


class Totals(Contract):
    infrastructure: Amount = Field(description="Years 1 to the horizon.")
    service_charges: Amount = Field(description="Years 1 to the horizon.")
    people: Amount = Field(description="Years 1 to the horizon.")
    risk: Amount = Field(description="Years 1 to the horizon.")


class Staffing(Contract):
    year: int = Field(description="1 to the horizon.")
    platform_fte: Number = Field(description="Platform operations, full-time equivalents.")
    tooling_fte: Number = Field(description="Tooling development, full-time equivalents.")
    connectors_to_build: Number = Field(description="Connectors the option does not provide (not rounded).")
    connectors_prebuilt: Number = Field(description="Connectors the option provides.")


class RiskDetail(Contract):
    incidents_per_year: Number = Field(description="Expected incidents a year.")
    outage_hours_per_year: Number = Field(description="Unplanned outage hours a year (capped by the option's SLA).")
    planned_downtime_hours_per_year: Number = Field(description="Planned downtime hours a year.")
    breach_probability_per_year: Number = Field(description="Probability of a breach in a year, 0 to 1.")


class Reductions(Contract):
    infrastructure: Amount = Field(description="Current option's infrastructure minus this option's, over the horizon.")
    development: Amount = Field(description="Current minus this option's development.")
    platform_operations: Amount = Field(description="Current minus this option's platform operations.")
    support_and_services: Amount = Field(description="Current minus this option's support and services.")
    current_service_charges: Amount = Field(description="The current option's service charges this option avoids.")


class TimeToValue(Contract):
    months_to_production: Number = Field(description="Months from decision to production on this option.")
    months_saved: Number = Field(description="Months sooner than the current option (negative when slower).")
    value: Amount = Field(description="Months saved times the monthly benefit; never in savings or ROI.")


class Percentiles(Contract):
    p10: Number | None = Field(description="10th percentile of the defined trials.")
    p50: Number | None = Field(description="Median of the defined trials.")
    p90: Number | None = Field(description="90th percentile of the defined trials.")


class Histogram(Contract):
    edges: list[Number] = Field(description="Bin edges in amounts of savings: one more than the counts.")
    counts: list[int] = Field(description="Trials in each of the 40 bins (one bin when every trial saves the same).")


class OutcomeRange(Contract):
    trials: int = Field(description="Simulated trials.")
    savings: Percentiles = Field(description="Savings over the horizon, an amount.")
    savings_pct: Percentiles = Field(description="Savings as a share of the current option's hard TCO (0.25 = 25 %).")
    roi: Percentiles = Field(description="ROI as a ratio; trials where it is undefined are left out.")
    probability_of_savings: Number = Field(description="Share of trials with savings above 0, 0 to 1.")
    histogram: Histogram = absent_unless("The proposed option's savings in bins; only for the proposed option.")


class CatalogueKeys(Contract):
    hard: list[str] = Field(description="Catalogue keys read for the hard costs, sorted.")
    risk: list[str] = Field(description="Catalogue keys read for the risk costs, sorted.")


class OptionResult(Contract):
    name: str = Field(description="The option's full name.")
    short_name: str = Field(description="The option's name in tables and charts.")
    vendor: str = Field(description="Who sells or runs it.")
    pricing: Pricing = Field(description="The pricing kind: which costs apply and what `sizing` holds.")
    feasible: bool = Field(description="False when a workload exceeds a limit the option cannot split around.")
    infeasible_reasons: list[Infeasibility] = Field(description="Why not, per cluster and year; empty when feasible.")
    warnings: list[str] = Field(description="Caveats the report prints beside the option.")
    sizing: list[AnySizing] = Field(
        description="Per cluster and year (clusters within a year in the assessment's order).")
    years: list[Year] = Field(description="Year 0 (migration) to the horizon.")
    totals: Totals = Field(description="Each category summed over years 1 to the horizon.")
    people: list[Staffing] = Field(description="Staffing behind the people costs, per year 1 to the horizon.")
    risk_detail: RiskDetail = Field(description="The rates behind the risk costs (the same every year).")
    tco_hard: Amount = Field(description="Migration plus hard costs over the horizon.")
    tco_risk_adjusted: Amount = Field(description="The hard TCO plus risk over the horizon.")
    tco_pv: Amount = Field(description="Present value of hard costs and risk, discounted at `discount_rate`.")
    service_charges: Amount = Field(description="Service charges over the horizon.")
    migration: Amount = Field(description="One-time migration cost (0 for the current option).")
    reductions: Reductions = Field(
        description="Costs this option removes compared with the current one (may be negative).")
    benefits: Amount = Field(description="The sum of the reductions.")
    costs: Amount = Field(description="Service charges plus migration (0 for the current option).")
    savings: Amount = Field(description="Benefits minus costs: the current option's hard TCO minus this one's.")
    savings_pct: Number | None = Field(description="Savings as a share of the current option's hard TCO (0.25 = 25 %).")
    roi: Number | None = Field(description="Savings over costs, a ratio (0.92 = 92 %); null when costs are 0.")
    npv: Amount = Field(description="Net present value of the hard net savings, less migration.")
    npv_risk_adjusted: Amount = Field(description="NPV plus the discounted risk reduction.")
    payback_months: Number | None = Field(
        description="First month whose running net savings cover migration; null without payback in the horizon.")
    net_savings_by_year: list[Amount] = Field(
        description="Current option's hard cost minus this one's, years 1 to the horizon.")
    time_to_value: TimeToValue = Field(
        description="How much sooner this option reaches production, and what that is worth.")
    range: OutcomeRange = Field(description="The simulated range of savings, savings share and ROI.")
    catalogue_keys: CatalogueKeys = Field(description="The catalogue values this option's costs read.")

    @model_validator(mode="after")
    def _sizing_fits_pricing(self) -> "OptionResult":
        expected = SIZING_BY_PRICING[self.pricing]
        for index, entry in enumerate(self.sizing):
            if type(entry) is not expected:
                fields = expected.model_fields
                missing = [k for k, f in fields.items() if f.is_required() and k not in entry.model_fields_set]
                extra = sorted(entry.model_fields_set - set(fields))
                raise ValueError(f"sizing[{index}] does not fit pricing {self.pricing}: "
                                 f"missing {missing or 'nothing'}, unexpected {extra or 'nothing'}")
        return self


class SensitivityRow(Contract):
    input: str = Field(description="The ranged input's JSON path, e.g. `clusters[0].ingress_mbps`.")
    label: str = Field(description="The input in words, as the tornado chart labels it.")
    low: Number = Field(description="The range's low end, in the input's own unit.")
    high: Number = Field(description="The range's high end, in the input's own unit.")
    savings_at_low: Amount = Field(
        description="The proposed option's savings with this input at low, the rest at likely.")
    savings_at_high: Amount = Field(description="The same with this input at high.")
    swing: Amount = Field(description="|savings at high - savings at low|; rows are sorted by it, largest first.")


class CatalogueValue(Contract):
    value: bool | int | float = Field(
        description="The value used (an override's where the assessment gives one), in `unit`.")
    unit: str = Field(
        description="Its unit; `USD...` amounts are already converted to the assessment's currency in `value`.")
    status: str = Field(description="cited, vendor-claim, derived, illustrative, or customer (overridden).")
    source: str = Field(description="Where the value comes from.")
    as_of: str = Field(description="The source's date, YYYY-MM-DD.")
    note: str = Field(description="A caveat or how the value was derived; may be empty.")
    default: bool | int | float | None = Field(description="The catalogue's own value when overridden, else null.")


class Optimisation(Contract):
    name: Literal["tiered_storage", "fetch_from_follower"] = Field(
        description="Tiered storage, or consumers fetching from a replica in their own zone.")
    on: bool = Field(description="Whether the current option is costed with it.")
    savings_if_on: Amount | None = Field(
        description="The proposed option's savings over the horizon were it on (every option re-costed); null when "
                    "on, or when a price the re-costing needs is missing.")
    not_recosted: str | None = Field(description="Why it was not re-costed: the missing price; null otherwise.")


class Credit(Contract):
    option: str = Field(description="An option costed with an optimisation the current option is not.")
    optimisation: Literal["tiered_storage", "target_utilization"] = Field(
        description="Tiered storage, or a higher broker utilisation than the current option's.")


class FairBaseline(Contract):
    option: str = Field(description="The current option.")
    broker_based: bool = Field(description="Whether the current option runs brokers (the settings below apply).")
    broker_instance: str | None = Field(description="The broker's instance type.")
    broker_price_per_hour: Amount | None = Field(
        description="A broker's price an hour: the instance's on demand, or the service's broker-hour.")
    broker_price_kind: Literal["instance", "service"] | None = Field(
        description="instance: the cloud's on-demand instance price; service: the managed service's broker-hour.")
    broker_write_mbps: Number | None = Field(description="A broker's sustained replicated write throughput, MB/s.")
    target_utilization: Number | None = Field(description="Share of that throughput used at peak.")
    disk_utilization: Number | None = Field(description="Share of provisioned disk filled by retained data.")
    optimisations: list[Optimisation] = Field(description="Each optimisation that applies, on or off.")
    credited_to_others: list[Credit] = Field(description="Optimisations other options get and the current one does not.")


class ReconciledPart(Contract):
    part: str = Field(description="brokers, storage, cross_zone_transfer, other_data_transfer, service_charges or support.")
    label: str = Field(description="The part in words.")
    modelled: Amount = Field(description="The model's year 1 of the current option for this part.")
    billed: Amount | None = Field(description="The bill's amount scaled to a year; null when the bill does not hold the part.")
    variance: Amount | None = Field(description="Billed minus modelled.")
    variance_pct: Number | None = Field(description="The variance as a share of the modelled amount.")
    likely_input: str | None = Field(description="Inputs most likely behind a variance above 15 %.")


class BilledAdjustment(Contract):
    kind: str = Field(description="credit, refund, discount, tax or adjustment.")
    name: str = Field(description="The line's type as the bill names it.")
    amount: Amount = Field(description="Scaled to a year; negative when it reduces the bill.")


class Reconciliation(Contract):
    format: str = Field(description="The bill's format.")
    sources: list[str] = Field(description="The files read.")
    selector: str = Field(description="Which lines of the bill are Kafka's.")
    period_start: str = Field(description="First day billed.")
    period_end: str = Field(description="The day after the last day billed.")
    period_days: int = Field(description="Days billed; amounts are scaled by 365 over this.")
    rows: list[ReconciledPart] = Field(description="Each part of the bill beside the model.")
    modelled_total: Amount = Field(description="The model's year 1 over the parts the bill holds.")
    billed_total: Amount = Field(description="The bill over the same parts, scaled to a year.")
    variance_pct: Number | None = Field(description="(billed - modelled) / modelled over those parts.")
    recurring_discounts: Amount = Field(description="Discount lines of the bill, scaled to a year (negative).")
    modelled_discount: Amount = Field(description="The model's committed-use discount in year 1 (0 or negative).")
    unclassified: Amount = Field(description="Kafka's lines no part describes, scaled to a year.")
    adjustments: list[BilledAdjustment] = Field(description="Credits, refunds, discounts and tax, kept apart.")
    brokers_in_service: dict[str, int] = Field(description="Brokers each cluster ran at the end of the period.")
    savings_against_model: Amount = Field(
        description="The proposed option's savings had today's cost been the model's estimate, not the bill.")


class ReviewNote(Contract):
    kind: Literal["placeholder", "implausible", "unexplained_proposal"] = Field(
        description="A placeholder left by `invoke new` (blocks a report unless a draft), a value outside its "
                    "plausible band, or a proposal another option beats with no rationale given.")
    path: str = Field(description="The JSON path in the assessment, or `options.<id>.<figure>` in these results.")
    message: str = Field(description="What was found.")
    reason: str = Field(description="Why a reviewer would question it, and what to check.")
    source: str = Field(description="Where the band comes from, if anywhere beyond reportgen's judgement.")


class Revision(Contract):
    """Which revision of the customer's report a build is: the one it would become if released, or a release."""
    number: int = Field(description="The revision: 1 for the first release, and one more for each release after.")
    date: str = Field(description="The date the revision carries (the assessment's date, ISO 8601).")
    final: bool = Field(description="Built to be sent (`invoke report --final`) or a release itself; false for a "
                                    "draft, which says \"(draft)\" and cannot be released.")
    label: str = Field(description="As printed on the cover, footer, one-pager and slides, e.g. "
                                   "\"Revision 2, 6 December 2026\" or \"Revision 2 (draft), 6 December 2026\".")


class Results(Contract):
    """reportgen's results.json: every figure of the report, machine-readable. Amounts are in `currency`,
    undiscounted unless said otherwise; shares and ratios are fractions (0.25 = 25 %); an undefined
    figure is null."""
    results_version: Literal[RESULTS_VERSION] = Field(  # type: ignore[valid-type]
        description="The contract's version: renaming or removing a key bumps it.")
    customer: Customer = Field(description="Who the assessment is for.")
    generated: Generated = Field(description="What produced this file.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    horizon_years: int = Field(description="Years compared, 1 to 10.")
    discount_rate: Number = Field(description="Yearly rate for present values (0.1 = 10 %).")
    current_option: str = Field(description="The option id the customer runs today.")
    proposed_option: str = Field(description="The option id the report proposes.")
    option_order: list[str] = Field(description="Option ids in the report's order: the keys of `options`.")
    impacted_engineers: Number = Field(description="Engineers idled by a Kafka incident (not rounded).")
    hourly_rate: Amount = Field(description="Loaded cost of an engineer-hour.")
    loaded_cost_per_fte_per_year: Amount = Field(description="Loaded cost of a full-time engineer, year 1.")
    working_hours_per_year: Number = Field(description="Working hours of a full-time engineer a year.")
    cost_per_incident: Amount = Field(description="Lost engineering time of one incident.")
    breach_cost: Amount = Field(description="Cost of one breach.")
    lowest_tco_feasible_option: str | None = Field(
        description="The feasible option with the lowest hard TCO; null when none is feasible.")
    options: dict[str, OptionResult] = Field(description="Each option's figures, by option id.")
    sensitivity: list[SensitivityRow] = Field(
        description="The proposed option's tornado: one row per ranged input, largest swing first.")
    catalogue_used: dict[str, CatalogueValue] = Field(
        description="Every catalogue value the run read, by dotted key (sorted), as used.")
    fair_baseline: FairBaseline = Field(description="How the current option is costed, and what each optimisation "
                                                    "it is denied would do to the proposal's savings.")
    reconciliation: Reconciliation | None = absent_unless(
        "Today's cost as modelled against the customer's bill; only when the assessment holds a measured bill.")
    warnings: list[ReviewNote] = Field(
        default_factory=list, description="What a reviewer would question before sending the report; never "
                                          "printed in the customer's PDF (an older results.json has none).")
    revision: Revision | None = absent_unless(
        "Which revision of the report this is (written by a report, not by `invoke compute`).")
    changes: Changes | None = absent_unless(
        "What moved since the customer's previous report (Appendix C): written by a report, not by "
        "`invoke compute`; null when there is no previous report.")

    def as_json(self) -> dict:
        """The plain dict that results.json holds: the same keys in the same order, a key left out where
        it does not apply (never written as null)."""
        return self.model_dump(exclude_unset=True)


def results_schema() -> dict:
    schema = Results.model_json_schema(mode="serialization")
    schema["title"] = "reportgen results"
    return schema


def results_schema_json() -> bytes:
    return (json.dumps(results_schema(), indent=2) + "\n").encode()
