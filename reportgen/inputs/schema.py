"""The assessment: one JSON file per customer, validated strictly (docs/model.md section 2).

Structure, types and bounds live here; checks that need the catalogue (option ids, instance
types, override keys) live in `checks.py`. Any number in `organization`, `clusters`, `growth`,
`baseline`, `risk`, `value` or `overrides` may be a range `{"low", "likely", "high"}`.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Generic, Literal, TypeVar, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag,
                      model_validator)

T = TypeVar("T")
MAX_MONEY = 1e12


class FieldError(ValueError):
    """A rule across fields, raised by a model validator, located at `path` below the model."""

    def __init__(self, message: str, *path: str | int):
        super().__init__(message)
        self.path = path


class Strict(BaseModel):
    # defer_build: only the validator that is used gets built, once, at the first validation; building
    # one per model when this module loads cost every command a twentieth of a second.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, use_attribute_docstrings=True,
                              defer_build=True)

    comment: Annotated[str, StringConstraints(max_length=2000)] | None = Field(default=None, alias="$comment")
    """A note for the people editing the file; ignored by the model (JSON has no comments)."""


def _plain_text(text: str) -> str:
    """Refuse characters that change how text displays: controls, bidi overrides, zero-width marks."""
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") or char in "\u2028\u2029":
            raise ValueError(f"contains the invisible or control character U+{ord(char):04X}; remove it")
    if not text.strip():
        raise ValueError("is blank; write some text or leave the key out where it is optional")
    return text


def _iso_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError("is not a calendar date; write it as YYYY-MM-DD, e.g. 2026-11-26") from None
    return text


Text = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=False), AfterValidator(_plain_text)]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_iso_date)]
LogoPath = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_plain_text)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
OptionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$", max_length=64)]
InstanceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+\.[a-z0-9]+$", max_length=32)]

Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
Share = Annotated[float, Field(ge=0, le=1)]
Hours = Annotated[float, Field(ge=0, le=8760)]
Fte = Annotated[float, Field(ge=0, le=10_000)]
Months = Annotated[float, Field(ge=0, le=240)]


class Range(Strict, Generic[T]):
    """An uncertain number: the deterministic run uses `likely`, the simulation samples a triangle."""
    # Its fields have no docstrings to read, and looking for them costs time for each parametrisation.
    model_config = ConfigDict(use_attribute_docstrings=False)

    low: T
    likely: T
    high: T

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"needs low <= likely <= high, found low {self.low:g}, likely {self.likely:g}, "
                             f"high {self.high:g}")
        return self


def _number_or_range(value) -> str:
    return "range" if isinstance(value, (dict, Range)) else "number"


def ranged(base):
    """`base`, or a range of `base`: the union is decided by shape, so errors name one branch only."""
    return Annotated[Union[Annotated[base, Tag("number")], Annotated[Range[base], Tag("range")]],
                     Discriminator(_number_or_range)]


def likely(value):
    """The deterministic reading of a possibly ranged number."""
    return value.likely if isinstance(value, Range) else value


class FxRate(Strict):
    value: Annotated[float, Field(ge=0.001, le=1e6)]
    """Units of the assessment's currency per US dollar (no currency is worth a thousand dollars, so at least 0.001)."""
    as_of: IsoDate
    """Date of the exchange rate."""


class MonteCarlo(Strict):
    trials: Annotated[int, Field(ge=100, le=1_000_000)] = 10_000
    """Number of simulated outcomes."""
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 1
    """Random seed: the same seed gives the same ranges on every run."""


class Customer(Strict):
    name: Text
    """The customer's name as it appears on the cover."""
    slug: Slug
    """Lowercase letters, digits and hyphens; equal to the file's name; names the output folder."""
    logo: LogoPath | None = None
    """Optional logo: a PNG, JPEG or SVG file, as a path relative to the project folder."""
    industry: Text | None = None
    """Optional industry, shown on the cover."""
    region: Text = "us-east-1"
    """Cloud region whose price book is used."""


class AssessmentInfo(Strict):
    prepared_by: Text
    """Who prepared the assessment (person or team)."""
    date: IsoDate
    """Date of the assessment, YYYY-MM-DD; also the report's date."""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    """ISO 4217 code of the currency every amount is shown in."""
    usd_to_currency: FxRate | None = None
    """Required unless the currency is USD: converts the catalogue's USD prices."""
    horizon_years: Annotated[int, Field(ge=1, le=10)] = 3
    """Years compared (1 to 10)."""
    discount_rate: Annotated[float, Field(ge=0, le=1)] | None = None
    """Yearly discount rate for present values (default: the catalogue's assumption, 10 %)."""
    current_option: OptionId = "self_managed_kafka"
    """How the customer runs Kafka today; every saving is measured against it."""
    proposed_option: OptionId
    """The option the proposal is for; not the current one."""
    rationale: Annotated[str, StringConstraints(min_length=1, max_length=400), AfterValidator(_plain_text)] | None = None
    """Optional: why the proposal is this option when another has a lower TCO or a higher NPV (one or two
    sentences; the executive summary prints it after the comparison)."""
    options: Annotated[list[OptionId], Field(min_length=1, max_length=12)]
    """Option ids to compare, in the order shown; must include the current and the proposed option."""
    monte_carlo: MonteCarlo = MonteCarlo()
    """Settings of the range simulation."""

    @model_validator(mode="after")
    def _consistent(self):
        if self.currency != "USD" and self.usd_to_currency is None:
            raise FieldError(f"is {self.currency}, so usd_to_currency is needed to convert the catalogue's USD "
                             'prices, e.g. "usd_to_currency": {"value": 0.92, "as_of": "2026-11-01"}', "currency")
        if self.currency == "USD" and self.usd_to_currency is not None:
            raise FieldError("is given, but the currency is USD: leave usd_to_currency out, or set the currency "
                             "it converts to", "usd_to_currency")
        for i, option in enumerate(self.options):
            if option in self.options[:i]:
                raise FieldError(f"lists '{option}' a second time; name each option once", "options", i)
        if self.proposed_option == self.current_option:
            raise FieldError(f"is '{self.proposed_option}', the same as current_option; the proposal must be "
                             "a different option than the one the customer runs today", "proposed_option")
        missing = [o for o in (self.current_option, self.proposed_option) if o not in self.options]
        if missing:
            raise FieldError(f"must include the current and the proposed option; add {', '.join(missing)}", "options")
        return self


class Organization(Strict):
    employees: ranged(Annotated[int, Field(ge=1, le=10_000_000)])
    """Employees in the organisation."""
    engineer_share: ranged(Share)
    """Share of employees who are software engineers (0.25 = 25 %)."""
    kafka_engineer_share: ranged(Share)
    """Share of those engineers whose work depends on Kafka."""
    loaded_cost_per_fte_per_year: ranged(Money) | None = None
    """Fully loaded yearly cost of one engineer (salary, benefits, taxes); default: the catalogue's."""
    working_hours_per_year: ranged(Annotated[float, Field(ge=100, le=8760)]) | None = None
    """Paid working hours per FTE per year; default: the catalogue's (2,080)."""
    annual_cost_growth: ranged(Annotated[float, Field(ge=-0.5, le=1)]) = 0.0
    """Yearly growth of loaded cost and support prices (0.03 = 3 %)."""


class Cluster(Strict):
    name: Text
    """A unique name for the cluster."""
    environment: Literal["production", "non-production"]
    """production or non-production."""
    ingress_mbps: ranged(Annotated[float, Field(ge=0, le=100_000)])
    """Average data written by producers, MB/s (decimal, before replication)."""
    egress_mbps: ranged(Annotated[float, Field(ge=0, le=1_000_000)])
    """Average data read by all consumers together, MB/s."""
    peak_to_average: ranged(Annotated[float, Field(ge=1, le=100)])
    """Peak throughput divided by average throughput (1 or more)."""
    retention_days: ranged(Annotated[float, Field(gt=0, le=36_500)])
    """Days data is kept."""
    replication_factor: Annotated[int, Field(ge=1, le=7)] = 3
    """Copies of each partition."""
    availability_zones: Annotated[int, Field(ge=1, le=6)] = 3
    """Availability zones the cluster spans."""
    partitions: ranged(Annotated[int, Field(ge=1, le=10_000_000)])
    """Partitions before replication (leaders)."""
    controllers: Annotated[int, Field(ge=0, le=9)] | None = None
    """KRaft controllers (or ZooKeeper nodes); default: baseline.controllers_per_cluster."""
    compression_ratio: ranged(Annotated[float, Field(ge=1, le=100)]) | None = None
    """Uncompressed bytes per byte producers send (4 for 4:1), for fees billed on uncompressed data; default: the
    catalogue's."""


class Growth(Strict):
    annual_growth: ranged(Annotated[float, Field(gt=-1, le=10)]) = 0.0
    """Yearly growth of throughput, storage and partitions (0.3 = 30 %); shows from year 2."""


class Baseline(Strict):
    broker_instance: InstanceId = "m5.xlarge"
    """EC2 instance type of a self-run broker (a price-book id such as m5.xlarge)."""
    controller_instance: InstanceId = "m5.large"
    """EC2 instance type of a KRaft controller."""
    controllers_per_cluster: Annotated[int, Field(ge=0, le=9)] = 3
    """Controllers per self-run cluster."""
    target_utilization: ranged(Annotated[float, Field(ge=0.05, le=1)]) = 0.5
    """Share of a broker's sustained write throughput used at peak."""
    disk_utilization: ranged(Annotated[float, Field(ge=0.05, le=1)]) = 0.6
    """Share of provisioned disk filled by retained data."""
    tiered_storage: bool = False
    """Self-run Kafka keeps only recent data on broker disks and the rest in object storage."""
    fetch_from_follower: bool = False
    """Consumers read from a replica in their own zone (no cross-zone consumer traffic)."""
    platform_fte: ranged(Fte)
    """FTEs operating the platform today (on-call, upgrades, scaling, tuning)."""
    tooling_fte: ranged(Fte) = 0.0
    """FTEs building and maintaining internal tooling around Kafka today."""
    connectors_needed: ranged(Annotated[int, Field(ge=0, le=10_000)]) = 0
    """Custom connectors the planned use cases need, none built yet."""
    support_and_services_per_year: ranged(Money) = 0.0
    """Yearly spend on Kafka support, consulting and training today."""
    months_to_production: ranged(Months)
    """Months the current option needs to bring the planned use cases to production."""


class Risk(Strict):
    incidents_per_year: ranged(Annotated[int, Field(ge=0, le=10_000)])
    """Kafka incidents that degrade engineers' work, per year."""
    incident_duration_hours: ranged(Hours)
    """Hours an incident lasts."""
    productivity_loss: ranged(Share)
    """Share of impacted engineers' productivity lost during an incident."""
    outage_hours_per_year: ranged(Hours) = 0.0
    """Hours of unplanned business outage caused by Kafka per year."""
    planned_downtime_hours_per_year: ranged(Hours) = 0.0
    """Hours of planned maintenance downtime per year."""
    outage_cost_per_hour: ranged(Money) = 0.0
    """Business cost of one hour of outage."""
    breach_probability_per_year: ranged(Share) = 0.0
    """Yearly probability of a data breach involving Kafka (0 = not quantified)."""
    breach_cost: ranged(Money) | None = None
    """Cost of one breach; default: the catalogue's (IBM 2025 global average)."""


class Value(Strict):
    monthly_benefit: ranged(Money) = 0.0
    """Monthly business value of the streaming use cases once in production (0 = not quantified)."""


# -- measured: what `invoke import` read from the customer's own bill and metrics --------------------------

BILL_PARTS = ("brokers", "storage", "object_storage", "cross_zone_transfer", "other_data_transfer",
              "service_charges", "support")
"""The parts of a Kafka bill, in the order the reconciliation of today's cost lists them."""
DAYS_PER_YEAR = 365
SignedMoney = Annotated[float, Field(ge=-MAX_MONEY, le=MAX_MONEY)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=400), AfterValidator(_plain_text)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
InputPath = Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*$", max_length=200)]


class BilledPeriod(Strict):
    start: IsoDate
    """First day billed, YYYY-MM-DD."""
    end: IsoDate
    """The day after the last day billed (exclusive, as FOCUS and the AWS cost and usage report write periods)."""

    @model_validator(mode="after")
    def _ordered(self):
        if self.end <= self.start:
            raise FieldError(f"is {self.end}, not after start {self.start}; a billed period ends after it starts", "end")
        return self

    @property
    def days(self) -> int:
        return (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days


class Adjustment(Strict):
    kind: Literal["credit", "refund", "discount", "tax", "adjustment"]
    """What the line is: a credit, a refund, a discount, a tax, or another adjustment the provider made."""
    name: Text
    """The line's type as the bill names it, e.g. EdpDiscount or PROMO_CREDIT."""
    amount: SignedMoney
    """Over the billed period, in the bill's currency; negative when it reduces the bill."""


class BillParts(Strict):
    """A bill's amounts by part of the model (BILL_PARTS), each over the billed period."""
    brokers: SignedMoney = 0.0
    """Brokers, or the service's capacity units: instances, broker-hours, CKUs, cluster-hours."""
    storage: SignedMoney = 0.0
    """Broker disks: block storage, provisioned or used."""
    object_storage: SignedMoney = 0.0
    """Tiered or object storage."""
    cross_zone_transfer: SignedMoney = 0.0
    """Data crossing availability zones."""
    other_data_transfer: SignedMoney = 0.0
    """Other data transfer: to the internet, across regions, through endpoints, or the service's per-GB charges."""
    service_charges: SignedMoney = 0.0
    """The service's other charges, such as partition-hours."""
    support: SignedMoney = 0.0
    """Support plans."""


class MeasuredBill(Strict):
    """Kafka's share of the customer's bill, classified into the parts of the model; amounts over the period."""
    format: Text
    """The bill's format, e.g. FOCUS 1.2, AWS CUR 2.0 or Confluent Cloud costs."""
    sources: Annotated[list[Text], Field(min_length=1, max_length=100)]
    """The files read, by name."""
    selector: Note
    """Which lines are Kafka's, e.g. tag kafka=true."""
    period: BilledPeriod
    """The days the bill covers."""
    currency: Currency
    """ISO 4217 code of every amount of the bill; the assessment's currency."""
    by_part: BillParts
    """Billed amount of each part over the period, before credits, refunds, discounts and tax."""
    unclassified: Annotated[dict[Text, SignedMoney], Field(max_length=500)] = {}
    """Kafka's lines no part describes, by service and usage type, over the period."""
    adjustments: Annotated[list[Adjustment], Field(max_length=500)] = []
    """Credits, refunds, discounts and tax on Kafka's lines, kept apart from the parts."""

    @property
    def annual_by_part(self) -> dict[str, float]:
        """Each part's billed amount scaled from the period to a year of 365 days."""
        return {part: getattr(self.by_part, part) * DAYS_PER_YEAR / self.period.days for part in BILL_PARTS}


class MeasuredCluster(Strict):
    brokers_in_service: Annotated[int, Field(ge=1, le=100_000)] | None = None
    """Brokers the cluster ran at the end of the measured period."""
    retained_gb: Annotated[float, Field(ge=0, le=1e12)] | None = None
    """Bytes on the brokers' disks at the end of the measured period, every replica counted, in GB (decimal)."""
    peak_percentile: Annotated[float, Field(ge=50, le=100)] | None = None
    """The percentile of the throughput series that peak_to_average reads as the peak, e.g. 95."""


class Provenance(Strict):
    source: Note
    """The file or files the value was read from."""
    period: Note
    """The time the value describes: a range of dates, or the date of a snapshot."""
    read: Note
    """What was read, and how the value follows from it."""


class Measured(Strict):
    """What `invoke import` read from the customer's own exports; values it set elsewhere are named in provenance."""
    bill: MeasuredBill | None = None
    """Kafka's share of the customer's bill."""
    clusters: Annotated[dict[Text, MeasuredCluster], Field(max_length=200)] = {}
    """Figures measured per cluster that no other input holds, by cluster name."""
    provenance: Annotated[dict[InputPath, Provenance], Field(max_length=2000)] = {}
    """Where each imported input came from, by its JSON path, e.g. clusters[0].ingress_mbps."""


def _override_kind(value) -> str:
    return "flag" if isinstance(value, bool) else _number_or_range(value)


Override = Annotated[Union[Annotated[bool, Tag("flag")],
                           Annotated[Annotated[float, Field(ge=0, le=MAX_MONEY)], Tag("number")],
                           Annotated[Range[Annotated[float, Field(ge=0, le=MAX_MONEY)]], Tag("range")]],
                     Discriminator(_override_kind)]
"""A catalogue value: true or false for a yes/no entry, else a number or a range."""


class Assessment(Strict):
    """One customer's assessment: everything the model needs that is not in the catalogue."""
    schema_: Annotated[str, StringConstraints(max_length=200)] | None = Field(default=None, alias="$schema")
    """Path of the JSON schema, for editors."""
    customer: Customer
    assessment: AssessmentInfo
    organization: Organization
    clusters: Annotated[list[Cluster], Field(min_length=1, max_length=200)]
    """One entry per Kafka cluster run today."""
    growth: Growth = Growth()
    baseline: Baseline
    risk: Risk
    value: Value = Value()
    overrides: Annotated[dict[Annotated[str, StringConstraints(max_length=200)], Override], Field(max_length=500)] = {}
    """Catalogue values replaced by the customer's own, by key (see Appendix A of a report)."""
    measured: Measured | None = None
    """Written by `invoke import`: the customer's bill and the provenance of imported inputs."""

    @model_validator(mode="after")
    def _unique_cluster_names(self):
        names = [c.name for c in self.clusters]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise FieldError(f"'{name}' is already the name of clusters[{names.index(name)}]; "
                                 "give every cluster a unique name", "clusters", i, "name")
        return self

    @model_validator(mode="after")
    def _measured_matches(self):
        if self.measured is None:
            return self
        bill = self.measured.bill
        if bill is not None and bill.currency != self.assessment.currency:
            raise FieldError(f"is {bill.currency}, but the assessment's amounts are in {self.assessment.currency}; "
                             "import a bill in the assessment's currency", "measured", "bill", "currency")
        names = [c.name for c in self.clusters]
        for name in self.measured.clusters:
            if name not in names:
                raise FieldError(f"names '{name}', which is not a cluster; clusters: {', '.join(names)}",
                                 "measured", "clusters", name)
        for path in self.measured.provenance:
            index = path.partition("[")[2].partition("]")[0] if path.startswith("clusters[") else None
            if index is not None and int(index) >= len(self.clusters):
                raise FieldError(f"names cluster {index}, but there are {len(self.clusters)} clusters",
                                 "measured", "provenance", path)
        return self
