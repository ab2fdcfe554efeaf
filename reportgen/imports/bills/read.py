"""Reading one bill file: its format told by its columns, Kafka's lines chosen, every line summed once.

DuckDB makes one pass over the file and returns sums by (Kafka's or not, type, service, usage, currency) and
by day; classification then runs on those few hundred groups, not on millions of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from reportgen.imports.bills import confluent, cur, focus
from reportgen.imports.bills.classify import kind_of, part_of
from reportgen.imports.bills.lines import BillFormat, Lines
from reportgen.imports.bills.selector import Selector
from reportgen.imports.bills.source import Source, connect, run
from reportgen.imports.refusals import MixedCurrencies, NothingSelected, UsageError, WrongFormat
from reportgen.inputs.schema import BILL_PARTS

FORMATS = (focus.FORMAT, cur.FORMAT, confluent.FORMAT)
SHORT_PERIOD_DAYS = 7
NAME_LENGTH = 120  # the longest name the assessment keeps for an unclassified group


class Group(NamedTuple):
    """One row of the query's answer: a sum of lines alike (by_kind 1), or of one day's lines (by_kind 0)."""
    by_kind: int
    kafka: bool
    label: str | None
    service: str | None
    usage: str | None
    currency: str | None
    day: date | None
    amount: float | None
    lines: int
    first_day: date | None
    last_day: date | None
    bad: int
    bad_example: str | None


@dataclass
class BillReading:
    """Kafka's share of one or more bill files, in the bill's currency, over its period."""
    format: str
    sources: list[str]
    cost_column: str
    selector: str
    currency: str
    start: date
    end: date  # exclusive
    by_part: dict[str, float]
    unclassified: dict[str, float]
    adjustments: dict[tuple[str, str], float]  # (kind, name) -> amount
    kafka_lines: int
    file_lines: int
    kafka_total: float
    file_total: float
    months: set[tuple[int, int]] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _format_of(source: Source, columns: dict[str, str]) -> BillFormat:
    candidates = [f for f in FORMATS if source.kind in f.kinds]
    for candidate in candidates:
        if not candidate.missing(columns):
            return candidate
    expected = "; ".join(f"{f.name} ({', '.join(f.kinds)}) needs {', '.join(f.required)}" for f in FORMATS)
    shown = ", ".join(list(columns)[:12]) + (", ..." if len(columns) > 12 else "")
    if cur.LEGACY_MARKER in columns:
        hint = ("This is the legacy cost and usage report (columns such as lineItem/UnblendedCost); export "
                "CUR 2.0 from AWS Data Exports instead. ")
    else:
        closest = min(candidates, key=lambda f: len(f.missing(columns)))
        hint = f"Closest is {closest.name}, which lacks {', '.join(closest.missing(columns))}. "
    raise WrongFormat(f"{source.shown}: not a bill reportgen reads. {hint}Found the columns {shown or 'none'}. "
                      f"Expected one of: {expected}.")


def _confluent_lines(source: Source, con) -> tuple[Lines, str]:
    shape = "cli" if source.opening == b"[" else "api"
    keys = {row[0] for row in run(con, source, confluent.keys_query(str(source.path), shape))}
    needed = confluent.FORMAT.required if shape == "cli" else ("data",)
    missing = [k for k in needed if k not in keys]
    if missing:
        raise WrongFormat(f"{source.shown}: JSON, but not Confluent Cloud costs: it lacks {', '.join(missing)} "
                          f"(found {', '.join(sorted(keys)) or 'no keys'}). Expected the output of `confluent "
                          "billing cost list -o json` (a list of costs) or of the Costs API (billing/v1/costs, "
                          'an object with "data"); FOCUS and AWS CUR 2.0 bills are CSV or Parquet.')
    return confluent.lines(confluent.table(str(source.path), shape), shape), f"{confluent.FORMAT.name} ({shape})"


def _lines(source: Source, con) -> tuple[BillFormat, Lines, str]:
    if source.kind == "json":
        lines, name = _confluent_lines(source, con)
        return confluent.FORMAT, lines, name
    columns = source.columns(con)
    bill_format = _format_of(source, columns)
    if bill_format is focus.FORMAT:
        return bill_format, focus.lines(source.table(), columns), f"FOCUS {focus.version(columns)}"
    return bill_format, cur.lines(source.table(), columns), bill_format.name


def _query(lines: Lines, condition: str) -> str:
    bad = "amount IS NULL AND nullif(trim(amount_text), '') IS NOT NULL"
    return f"""WITH lines AS ({lines.sql}),
        flagged AS (SELECT *, coalesce({condition}, false) AS kafka FROM lines)
        SELECT GROUPING(start_day) AS by_kind, kafka, kind_label, service, usage, currency, start_day,
            sum(amount), count(*), min(start_day), max(end_day),
            count(*) FILTER (WHERE {bad}), any_value(amount_text) FILTER (WHERE {bad})
        FROM flagged
        GROUP BY GROUPING SETS ((kafka, kind_label, service, usage, currency), (kafka, start_day))"""


def read_bill(path: Path, shown: str, selector: Selector) -> BillReading:
    """Kafka's share of one bill file; every refusal names the file and what to do."""
    source = Source.open(path, shown)
    con = connect()
    try:
        bill_format, lines, format_name = _lines(source, con)
        condition, parameters = selector.condition("tags" if lines.has_tags else None, lines.tags_are_map)
        rows = run(con, source, _query(lines, condition), parameters)
    finally:
        con.close()
    groups = [g for g in map(Group._make, rows) if g.by_kind == 1]
    days = [g for g in map(Group._make, rows) if g.by_kind == 0]
    if not groups:
        raise WrongFormat(f"{source.shown}: the bill has no lines; export a period with usage")
    _check_amounts(groups, source.shown, lines.cost_column)
    currency = _one_currency(groups, source.shown)
    kafka = [g for g in groups if g.kafka]
    if not selector:
        raise NothingSelected(f"{source.shown}: say which lines are Kafka's with --tag KEY=VALUE, --resource-id ID "
                              f"or --service NAME. {_services(groups, currency)}")
    if not kafka:
        raise NothingSelected(f"{source.shown}: no line matches {selector}; nothing was imported. "
                              f"{_services(groups, currency)} Choose Kafka's lines with --tag, --resource-id or --service.")
    reading = BillReading(format_name, [source.shown], lines.cost_column, str(selector), currency,
                          *_period(days, source.shown), {p: 0.0 for p in BILL_PARTS}, {}, {},
                          kafka_lines=sum(g.lines for g in kafka), file_lines=sum(g.lines for g in groups),
                          kafka_total=sum(g.amount or 0.0 for g in kafka), file_total=sum(g.amount or 0.0 for g in groups))
    for g in kafka:
        _classify(reading, bill_format.family, g.label, g.service or "", g.usage or "", g.amount or 0.0)
    reading.months = {(g.day.year, g.day.month) for g in days if g.kafka and g.day is not None}
    return reading


def _classify(reading: BillReading, family: str, label, service: str, usage: str, amount: float) -> None:
    kind = kind_of(family, label)
    if kind != "charge":
        key = (kind, (label or kind)[:NAME_LENGTH])
        reading.adjustments[key] = reading.adjustments.get(key, 0.0) + amount
        return
    part = part_of(service, usage)
    if part is None:
        name = f"{service or 'no service'}: {usage or 'no usage type'}"[:NAME_LENGTH]
        reading.unclassified[name] = reading.unclassified.get(name, 0.0) + amount
    else:
        reading.by_part[part] += amount


def _check_amounts(groups: list[Group], shown: str, cost_column: str) -> None:
    bad = sum(g.bad for g in groups)
    if bad:
        example = next(g.bad_example for g in groups if g.bad)
        raise WrongFormat(f"{shown}: {bad:,} line(s) have a {cost_column} that is not a number, e.g. "
                          f"{example!r}; amounts must be plain numbers such as 12.34")


def _one_currency(groups: list[Group], shown: str) -> str:
    lines_by_currency: dict[str, int] = {}
    for g in groups:
        lines_by_currency[g.currency or "(none)"] = lines_by_currency.get(g.currency or "(none)", 0) + g.lines
    if len(lines_by_currency) != 1 or "(none)" in lines_by_currency:
        listed = ", ".join(f"{c}: {n:,} lines" for c, n in sorted(lines_by_currency.items()))
        raise MixedCurrencies(f"{shown}: the lines are in more than one currency or have none ({listed}); a bill "
                              "is compared in one currency: export each currency's bill separately and import "
                              "the one in the assessment's currency")
    return next(iter(lines_by_currency))


def _period(days: list[Group], shown: str) -> tuple[date, date]:
    kafka_days = [g for g in days if g.kafka and g.first_day is not None]
    if not kafka_days:
        raise WrongFormat(f"{shown}: no Kafka line has a readable start date (a date such as 2026-03-01 or "
                          "2026-03-01T00:00:00Z), so the billed period cannot be told")
    start = min(g.first_day for g in kafka_days)
    ends = [g.last_day for g in kafka_days if g.last_day is not None]
    end = max(ends + [max(g.first_day for g in kafka_days) + timedelta(days=1)])
    return start, end


def _services(groups: list[Group], currency: str) -> str:
    totals: dict[str, float] = {}
    for g in groups:
        totals[g.service or "(no service)"] = totals.get(g.service or "(no service)", 0.0) + (g.amount or 0.0)
    top = sorted(totals.items(), key=lambda kv: -abs(kv[1]))[:8]
    if not top:
        return "The file has no lines."
    return "Services in the file: " + "; ".join(f"{name} {amount:,.2f} {currency}" for name, amount in top) + "."


def check_period(reading: BillReading) -> None:
    """Warnings a reader must see: a short period scaled to a year, and months with no Kafka line."""
    if reading.days < SHORT_PERIOD_DAYS:
        reading.warnings.append(f"the bill covers {reading.days} day(s), less than a week: a year is extrapolated "
                                "from days; import at least a month for a figure a CFO will accept")
    month, missing = (reading.start.year, reading.start.month), []
    while month <= ((reading.end - timedelta(days=1)).year, (reading.end - timedelta(days=1)).month):
        if month not in reading.months:
            missing.append(f"{month[0]}-{month[1]:02d}")
        month = (month[0] + month[1] // 12, month[1] % 12 + 1)
    if missing:
        reading.warnings.append(f"no Kafka line in {', '.join(missing)}, inside the billed period "
                                f"{reading.start} to {reading.end - timedelta(days=1)}: is a month's file missing?")


def combine(readings: list[BillReading]) -> BillReading:
    """Several bill files as one bill: amounts added, periods joined; all must share one currency."""
    currencies = {r.currency for r in readings}
    if len(currencies) > 1:
        listed = ", ".join(f"{r.sources[0]} in {r.currency}" for r in readings)
        raise MixedCurrencies(f"the bills are in more than one currency ({listed}); import bills in one currency")
    first = readings[0]
    combined = BillReading(" + ".join(dict.fromkeys(r.format for r in readings)),
                           [s for r in readings for s in r.sources],
                           " + ".join(dict.fromkeys(r.cost_column for r in readings)), first.selector, first.currency,
                           min(r.start for r in readings), max(r.end for r in readings),
                           {p: sum(r.by_part[p] for r in readings) for p in BILL_PARTS}, {}, {},
                           sum(r.kafka_lines for r in readings), sum(r.file_lines for r in readings),
                           sum(r.kafka_total for r in readings), sum(r.file_total for r in readings),
                           set().union(*(r.months for r in readings)))
    for r in readings:
        for name, amount in r.unclassified.items():
            combined.unclassified[name] = combined.unclassified.get(name, 0.0) + amount
        for key, amount in r.adjustments.items():
            combined.adjustments[key] = combined.adjustments.get(key, 0.0) + amount
    check_period(combined)
    return combined


def read_bills(files: list[tuple[Path, str]], selector: Selector) -> BillReading:
    """Kafka's share of every bill file given, as one bill."""
    seen: dict[Path, str] = {}
    for path, shown in files:
        if path.resolve() in seen:
            raise UsageError(f"{shown} is given twice (also as {seen[path.resolve()]}); give each bill once")
        seen[path.resolve()] = shown
    return combine([read_bill(path, shown, selector) for path, shown in files])
