"""Bills read by `invoke import`: each format's values, every line classified once, totals equal to the file's
own sum, and every bad file refused with the file named and what to do."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date

import duckdb
import pytest

from reportgen.imports.bills.read import read_bills
from reportgen.imports.bills.selector import Selector
from reportgen.imports.refusals import MixedCurrencies, NothingSelected, UnreadableFile, UsageError, WrongFormat
from reportgen.inputs.schema import BILL_PARTS

from .fixtures.imports import writers
from .fixtures.imports.writers import SMALL_BILL_PARTS, Charge, small_bill

KAFKA = Selector.parse(["kafka=true"], [], ["msk"])
EVERY_SERVICE = Selector.parse([], [], ["msk", "data transfer", "AmazonCloudWatch", "support", "ec2", "s3"])


def read(path, selector=KAFKA):
    return read_bills([(path, path.name)], selector)


def file_sum(path, column: str) -> float:
    """The file's own sum of `column`, read without DuckDB where the file is CSV."""
    if path.suffix == ".parquet":
        return duckdb.connect().execute(f"SELECT sum(\"{column}\") FROM read_parquet('{path}')").fetchall()[0][0]
    raw = path.read_bytes()
    text = gzip.decompress(raw).decode() if raw[:2] == b"\x1f\x8b" else raw.decode()
    return sum(float(row[column]) for row in csv.DictReader(io.StringIO(text)) if row[column])


def kafka_lines(charges: list[Charge]) -> list[Charge]:
    return [c for c in charges if c.tags.get("kafka") == "true" or c.service == "msk"]


def whole(reading) -> float:
    """Everything the reading accounts Kafka's lines into."""
    return sum(reading.by_part.values()) + sum(reading.unclassified.values()) + sum(reading.adjustments.values())


CLOUD_FILES = [("focus-1.0.csv", "1.0"), ("focus-1.1.csv", "1.1"), ("focus-1.2.csv.gz", "1.2"),
               ("focus-1.3.parquet", "1.3"), ("cur2.csv.gz", None), ("cur2.parquet", None)]


@pytest.mark.parametrize("name, version", CLOUD_FILES)
def test_a_cloud_bill_is_read_into_the_parts_of_the_model(tmp_path, name, version):
    path = tmp_path / name
    (writers.write_focus(path, small_bill(), version) if version else writers.write_cur(path, small_bill()))
    reading = read(path)
    assert reading.format == (f"FOCUS {version}" if version else "AWS CUR 2.0")
    assert reading.by_part == pytest.approx(SMALL_BILL_PARTS)
    assert list(reading.by_part) == list(BILL_PARTS)
    assert list(reading.unclassified.values()) == pytest.approx([25.0])
    assert "AmazonCloudWatch" in next(iter(reading.unclassified))
    assert {kind: amount for (kind, _), amount in reading.adjustments.items()} == \
        pytest.approx({"credit": -100.0, "tax": 80.0})
    assert (reading.start, reading.end, reading.days, reading.currency) == (date(2026, 3, 1), date(2026, 4, 1), 31, "USD")
    assert reading.warnings == []


@pytest.mark.parametrize("name, version", CLOUD_FILES)
def test_the_totals_equal_the_files_own_sum(tmp_path, name, version):
    path = tmp_path / name
    (writers.write_focus(path, small_bill(), version) if version else writers.write_cur(path, small_bill()))
    reading = read(path)
    column = "EffectiveCost" if version else "line_item_unblended_cost"
    assert reading.file_total == pytest.approx(file_sum(path, column))
    assert reading.kafka_total == pytest.approx(sum(c.amount for c in kafka_lines(small_bill())))
    assert whole(reading) == pytest.approx(reading.kafka_total)
    assert (reading.kafka_lines, reading.file_lines) == (len(kafka_lines(small_bill())), len(small_bill()))


def test_focus_amounts_are_the_effective_cost_not_the_billed_cost(tmp_path):
    reading = read(writers.write_focus(tmp_path / "focus.csv", small_bill(), "1.2"))
    assert reading.cost_column == "EffectiveCost"
    assert reading.by_part["brokers"] == 1000.0  # BilledCost 1,100 includes an upfront commitment


@pytest.mark.parametrize("write", [writers.write_cur, lambda p, c: writers.write_focus(p, c, "1.2")])
@pytest.mark.parametrize("index", range(len(small_bill())))
def test_every_line_lands_in_exactly_one_part_or_unclassified_or_adjustment(tmp_path, write, index):
    charge = small_bill()[index]
    reading = read(write(tmp_path / "one.csv", [charge]), EVERY_SERVICE)
    places = {**{f"part {p}": v for p, v in reading.by_part.items()},
              **{f"unclassified {n}": v for n, v in reading.unclassified.items()},
              **{f"{k} {n}": v for (k, n), v in reading.adjustments.items()}}
    landed = {place: amount for place, amount in places.items() if amount}
    assert list(landed.values()) == pytest.approx([charge.amount]), landed


def test_tags_are_matched_with_the_cur_prefix_and_in_a_parquet_map(tmp_path):
    for path in (writers.write_cur(tmp_path / "cur.csv", small_bill()), writers.write_cur(tmp_path / "cur.parquet", small_bill())):
        reading = read(path, Selector.parse(["kafka=true"], [], []))
        assert reading.kafka_lines == 7, path.name  # the tagged lines only: no credit, tax or support
        assert reading.by_part["brokers"] == 1000.0


def test_resource_ids_choose_lines_by_what_they_contain(tmp_path):
    reading = read(writers.write_cur(tmp_path / "cur.csv", small_bill()), Selector.parse([], ["cluster/orders-prod"], []))
    assert reading.kafka_lines == 7 and reading.selector == "resource id containing cluster/orders-prod"


CONFLUENT_PARTS = {"brokers": 240.0, "storage": 60.0, "object_storage": 0.0, "cross_zone_transfer": 0.0,
                   "other_data_transfer": 120.0, "service_charges": 10.0, "support": 50.0}


@pytest.mark.parametrize("write", [writers.write_confluent_cli, writers.write_confluent_api])
def test_confluent_costs_keep_discounts_and_credits_apart(tmp_path, write):
    path = write(tmp_path / "costs.json", writers.confluent_costs())
    reading = read(path, Selector.parse([], [], ["confluent", "support"]))
    assert reading.format.startswith("Confluent Cloud costs")
    assert reading.by_part == pytest.approx(CONFLUENT_PARTS)
    assert reading.unclassified == {}  # the connector is not Kafka's here
    assert reading.adjustments == pytest.approx({("discount", "DISCOUNT"): -42.0, ("credit", "PROMO_CREDIT"): -50.0})
    amounts = [c.original - c.discount for c in writers.confluent_costs()]
    assert reading.file_total == pytest.approx(sum(amounts))
    assert whole(reading) == pytest.approx(reading.kafka_total)
    assert (reading.start, reading.end) == (date(2026, 3, 1), date(2026, 3, 3))


def test_a_connector_chosen_as_kafka_is_listed_unclassified_not_dropped(tmp_path):
    path = writers.write_confluent_cli(tmp_path / "costs.json", writers.confluent_costs())
    reading = read(path, Selector.parse([], ["lcc-3k8d1p"], []))
    assert reading.unclassified == {"CONNECT: CONNECT_CAPACITY": 30.0}
    assert sum(reading.by_part.values()) == 0


def test_several_files_are_one_bill_over_their_joined_period(tmp_path):
    march = writers.write_cur(tmp_path / "march.csv", small_bill())
    april = writers.write_cur(tmp_path / "april.csv", [Charge(date(2026, 4, 1), date(2026, 5, 1), **{
        k: getattr(c, k) for k in ("service", "usage_type", "description", "amount", "line_type", "resource", "tags")})
        for c in small_bill()])
    reading = read_bills([(march, "march.csv"), (april, "april.csv")], KAFKA)
    assert (reading.start, reading.end, reading.days) == (date(2026, 3, 1), date(2026, 5, 1), 61)
    assert reading.by_part["brokers"] == 2000.0 and reading.sources == ["march.csv", "april.csv"]


# -- bad input --------------------------------------------------------------------------------------------------

def test_a_file_of_another_format_names_the_formats_expected_and_the_columns_missing(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("date,service,cost\n2026-03-01,MSK,12.5\n")
    with pytest.raises(WrongFormat) as refused:
        read(path)
    message = str(refused.value)
    assert message.startswith("export.csv: not a bill reportgen reads")
    assert "FOCUS (csv, parquet) needs BilledCost" in message and "AWS CUR 2.0" in message
    assert "Confluent Cloud costs (json)" in message and "Found the columns date, service, cost" in message


def test_a_focus_file_missing_a_column_says_which(tmp_path):
    rows = list(csv.DictReader(io.StringIO(writers.write_focus(tmp_path / "f.csv", small_bill()).read_text())))
    for row in rows:
        del row["ChargeCategory"]
    writers.write_csv(tmp_path / "f.csv", rows, list(rows[0]))
    with pytest.raises(WrongFormat, match="Closest is FOCUS, which lacks ChargeCategory"):
        read(tmp_path / "f.csv")


def test_the_legacy_cur_is_told_apart_from_cur_2(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text("identity/LineItemId,lineItem/UnblendedCost,lineItem/ProductCode\nx,1.0,AmazonMSK\n")
    with pytest.raises(WrongFormat, match="legacy cost and usage report .* export CUR 2.0"):
        read(path)


def test_json_that_is_not_confluent_costs_is_refused(tmp_path):
    path = tmp_path / "bill.json"
    path.write_text(json.dumps({"MetricDataResults": []}))
    with pytest.raises(WrongFormat, match="JSON, but not Confluent Cloud costs: it lacks data"):
        read(path)


def test_mixed_currencies_are_refused_with_each_currency_counted(tmp_path):
    charges = small_bill()
    charges[3] = Charge(**{**charges[3].__dict__, "currency": "EUR"})
    with pytest.raises(MixedCurrencies, match=r"EUR: 1 lines, USD: 11 lines"):
        read(writers.write_cur(tmp_path / "cur.csv", charges))


def test_bills_in_two_currencies_are_refused(tmp_path):
    usd = writers.write_cur(tmp_path / "usd.csv", small_bill())
    eur = writers.write_cur(tmp_path / "eur.csv", [Charge(**{**c.__dict__, "currency": "EUR"}) for c in small_bill()])
    with pytest.raises(MixedCurrencies, match="usd.csv in USD, eur.csv in EUR"):
        read_bills([(usd, "usd.csv"), (eur, "eur.csv")], KAFKA)


def test_a_period_shorter_than_a_week_is_read_with_a_warning(tmp_path):
    days = [Charge(**{**c.__dict__, "start": date(2026, 3, 1), "end": date(2026, 3, 4)}) for c in small_bill()]
    reading = read(writers.write_cur(tmp_path / "cur.csv", days))
    assert reading.days == 3
    assert reading.warnings == ["the bill covers 3 day(s), less than a week: a year is extrapolated from days; "
                                "import at least a month for a figure a CFO will accept"]


def test_a_missing_month_inside_the_period_is_warned(tmp_path):
    march = writers.write_cur(tmp_path / "march.csv", small_bill())
    may = writers.write_cur(tmp_path / "may.csv", [Charge(**{**c.__dict__, "start": date(2026, 5, 1),
                                                             "end": date(2026, 6, 1)}) for c in small_bill()])
    reading = read_bills([(march, "march.csv"), (may, "may.csv")], KAFKA)
    assert any("no Kafka line in 2026-04" in w for w in reading.warnings)


def test_no_line_matching_the_selector_lists_the_services_found(tmp_path):
    with pytest.raises(NothingSelected) as refused:
        read(writers.write_cur(tmp_path / "cur.csv", small_bill()), Selector.parse(["kafka=yes"], [], []))
    assert "no line matches tag kafka=yes; nothing was imported" in str(refused.value)
    assert "AmazonMSK 1,240.00 USD" in str(refused.value)


def test_no_selector_asks_for_one(tmp_path):
    with pytest.raises(NothingSelected, match="say which lines are Kafka's with --tag KEY=VALUE"):
        read(writers.write_cur(tmp_path / "cur.csv", small_bill()), Selector())


def test_a_truncated_gzip_is_refused_as_cut_off(tmp_path):
    path = writers.write_cur(tmp_path / "cur.csv.gz", small_bill() * 50)
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])
    with pytest.raises(UnreadableFile, match=r"cur.csv.gz: the gzip stream ends early .* looks truncated"):
        read(path)


def test_a_truncated_parquet_file_is_refused_as_cut_off(tmp_path):
    path = writers.write_focus(tmp_path / "focus.parquet", small_bill(), "1.2")
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(UnreadableFile, match=r"focus.parquet: this is not a whole Parquet file .* truncated"):
        read(path)


def test_an_amount_that_is_not_a_number_is_refused_with_an_example(tmp_path):
    rows = [writers.cur_row(c, i) for i, c in enumerate(small_bill())]
    rows[2]["line_item_unblended_cost"] = "12,50"
    writers.write_csv(tmp_path / "cur.csv", rows, writers.CUR2)
    with pytest.raises(WrongFormat, match=r"1 line\(s\) have a line_item_unblended_cost that is not a number, e.g. '12,50'"):
        read(tmp_path / "cur.csv")


def test_a_missing_or_empty_file_or_one_given_twice_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="nope.csv: no such file"):
        read(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty.csv: the file is empty"):
        read(tmp_path / "empty.csv")
    path = writers.write_cur(tmp_path / "cur.csv", small_bill())
    with pytest.raises(UsageError, match="given twice"):
        read_bills([(path, "cur.csv"), (path, "./cur.csv")], KAFKA)


def test_a_tag_without_a_value_is_a_usage_error():
    with pytest.raises(UsageError, match="--tag 'kafka' is not KEY=VALUE"):
        Selector.parse(["kafka"], [], [])
