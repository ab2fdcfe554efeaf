"""Time and peak memory of importing a 1 GB cost export, against the targets: at most 20 s and 500 MB.

    python3 bench/bench_import.py [--format cur|focus] [--gigabytes 1.0] [--keep]

Writes a synthetic AWS CUR 2.0 (or FOCUS 1.2) CSV of the size asked in /tmp (a year of hourly lines for a
few hundred resources, Kafka's share tagged kafka=true), then imports it in a child process as `invoke
import` reads a bill, and prints the child's wall time and peak resident memory (what `time -v` calls
maximum resident set size). The file is removed afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe, loop_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from tests.fixtures.imports.writers import CUR2, focus_columns  # noqa: E402

TARGET_SECONDS, TARGET_MB = 20.0, 500.0
ROW_BYTES = {"cur": 590, "focus": 490}  # about what one synthetic line takes, to size the file

# One synthetic line per (hour, resource): services and usage types cycle so that every part and some
# unclassified lines appear; one resource in four is Kafka's.
USAGE = ("['USE1-Kafka.m5.4xlarge', 'USE1-Kafka.Storage.GP2', 'USE1-DataTransfer-Regional-Bytes', "
         "'USE1-DataTransfer-Out-Bytes', 'USE1-CW:MetricMonitorUsage', 'USE1-BoxUsage:m5.2xlarge', "
         "'USE1-TimedStorage-ByteHrs', 'USE1-InstanceUsage:db.r6g.4xl']")
PRODUCT = ("['AmazonMSK', 'AmazonMSK', 'AWSDataTransfer', 'AWSDataTransfer', 'AmazonCloudWatch', 'AmazonEC2', "
           "'AmazonS3', 'AmazonRDS']")


def cur_query(rows: int) -> str:
    values = {
        "identity_line_item_id": "'li-' || i", "identity_time_interval": "stamp || '/' || stamp",
        "bill_invoice_id": "''", "bill_invoicing_entity": "'Amazon Web Services, Inc.'", "bill_billing_entity": "'AWS'",
        "bill_bill_type": "'Anniversary'", "bill_payer_account_id": "'111122223333'",
        "bill_billing_period_start_date": "'2026-01-01T00:00:00Z'", "bill_billing_period_end_date": "'2027-01-01T00:00:00Z'",
        "line_item_usage_account_id": "'444455556666'", "line_item_line_item_type": "'Usage'",
        "line_item_usage_start_date": "stamp", "line_item_usage_end_date": "stamp",
        "line_item_product_code": f"{PRODUCT}[kind + 1]", "line_item_usage_type": f"{USAGE}[kind + 1]",
        "line_item_operation": "'CreateCluster'", "line_item_availability_zone": "'us-east-1a'",
        "line_item_resource_id": "'arn:aws:kafka:us-east-1:111122223333:cluster/c' || (i % 400)",
        "line_item_usage_amount": "1.0", "line_item_currency_code": "'USD'", "line_item_unblended_rate": "0.42",
        "line_item_unblended_cost": "round(0.01 * (i % 97), 4)", "line_item_blended_rate": "0.42",
        "line_item_blended_cost": "round(0.01 * (i % 97), 4)",
        "line_item_line_item_description": "'$0.42 per unit of synthetic usage for the benchmark'",
        "line_item_legal_entity": "'Amazon Web Services, Inc.'",
        "product": "'{\"product_name\":\"Synthetic\",\"region\":\"us-east-1\"}'", "product_product_family": "''",
        "product_region_code": "'us-east-1'", "product_servicecode": f"{PRODUCT}[kind + 1]",
        "pricing_term": "'OnDemand'", "pricing_unit": "'Hrs'",
        "resource_tags": "CASE WHEN i % 4 = 0 THEN '{\"user_kafka\":\"true\",\"user_team\":\"streaming\"}' "
                         "ELSE '{\"user_team\":\"web\"}' END"}
    return _query(values, CUR2, rows)


def focus_query(rows: int) -> str:
    columns = focus_columns("1.2")
    values = {column: "''" for column in columns}
    values.update({
        "BilledCost": "round(0.01 * (i % 97), 4)", "EffectiveCost": "round(0.01 * (i % 97), 4)",
        "ListCost": "round(0.01 * (i % 97), 4)", "ContractedCost": "round(0.01 * (i % 97), 4)",
        "BillingCurrency": "'USD'", "PricingCurrency": "'USD'", "ChargeCategory": "'Usage'",
        "ChargePeriodStart": "stamp", "ChargePeriodEnd": "stamp", "BillingPeriodStart": "'2026-01-01T00:00:00Z'",
        "BillingPeriodEnd": "'2027-01-01T00:00:00Z'", "ServiceName": f"{PRODUCT}[kind + 1]",
        "x_UsageType": f"{USAGE}[kind + 1]", "SkuMeter": f"{USAGE}[kind + 1]",
        "ChargeDescription": "'$0.42 per unit of synthetic usage for the benchmark'",
        "ResourceId": "'arn:aws:kafka:us-east-1:111122223333:cluster/c' || (i % 400)",
        "ProviderName": "'AWS'", "PublisherName": "'AWS'", "InvoiceIssuerName": "'Amazon Web Services, Inc.'",
        "RegionId": "'us-east-1'", "BillingAccountId": "'111122223333'", "SubAccountId": "'444455556666'",
        "Tags": "CASE WHEN i % 4 = 0 THEN '{\"kafka\":\"true\",\"team\":\"streaming\"}' ELSE '{\"team\":\"web\"}' END"})
    return _query(values, columns, rows)


def _query(values: dict, columns: list[str], rows: int) -> str:
    select = ", ".join(f'{values[c]} AS "{c}"' for c in columns)
    return (f"SELECT {select} FROM (SELECT i, i % 8 AS kind, strftime(TIMESTAMP '2026-01-01' + "
            f"INTERVAL (i // 400) HOUR, '%Y-%m-%dT%H:%M:%SZ') AS stamp FROM range({rows}) t(i))")


CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from reportgen.imports.bills.read import read_bills
from reportgen.imports.bills.selector import Selector
start = time.perf_counter()
bill = read_bills([(Path({path!r}), {name!r})], Selector.parse(["kafka=true"], [], []))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{seconds}} {{peak}} {{bill.kafka_lines}} {{bill.file_lines}} {{bill.kafka_total:.2f}} {{bill.days}}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--format", choices=("cur", "focus"), default="cur")
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the generated file in /tmp")
    args = parser.parse_args()
    speed_before = loop_seconds()
    folder = Path(tempfile.mkdtemp(prefix="reportgen-bench-import-"))
    path = folder / f"bench-{args.format}.csv"
    rows = int(args.gigabytes * 1e9 / ROW_BYTES[args.format])
    started = time.perf_counter()
    query = cur_query(rows) if args.format == "cur" else focus_query(rows)
    duckdb.connect().execute(f"COPY ({query}) TO '{path}' (HEADER, DELIMITER ',')")
    print(f"wrote {path}: {path.stat().st_size / 1e9:.2f} GB, {rows:,} lines, in {time.perf_counter() - started:.1f} s")
    try:
        child = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path), name=path.name)],
                               capture_output=True, text=True, check=True)
        seconds, peak, kafka, lines, total, days = child.stdout.split()
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"import: {float(seconds):.1f} s (target {TARGET_SECONDS:.0f} s), peak memory {float(peak):.0f} MB "
              f"(target {TARGET_MB:.0f} MB; the child process's maximum resident set, {peak_children:.0f} MB)")
        print(f"  read {int(lines):,} lines, {int(kafka):,} Kafka's, {float(total):,.2f} USD over {days} days")
    finally:
        if not args.keep:
            path.unlink()
            folder.rmdir()
    print(describe(speed_before, loop_seconds()))
    ok = float(seconds) <= TARGET_SECONDS and float(peak) <= TARGET_MB
    print("within target" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
