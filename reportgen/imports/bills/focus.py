"""FOCUS, the FinOps Foundation's open cost and usage format, versions 1.0 to 1.3 (CSV or Parquet).

Amounts are EffectiveCost (BilledCost where a file has no EffectiveCost): the cost after negotiated and
commitment discounts with upfront purchases spread over the days they cover, so that a year scaled from
the billed period is not skewed by one month's purchase. Credits, adjustments and tax are rows of their
own ChargeCategory and are kept apart.
"""

from __future__ import annotations

from reportgen.imports.bills.lines import BillFormat, Columns, Lines, tabular_lines

FORMAT = BillFormat("FOCUS", "focus", ("csv", "parquet"),
                    ("BilledCost", "BillingCurrency", "ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd",
                     "ServiceName"))
# A column each version introduced, newest first: what the file's version is told by.
VERSION_MARKERS = (("1.3", ("ServiceProviderName", "HostProviderName")), ("1.2", ("InvoiceId", "PricingCurrency")),
                   ("1.1", ("SkuMeter", "ServiceSubcategory", "CapacityReservationId")))


def version(columns: dict[str, str]) -> str:
    return next((v for v, markers in VERSION_MARKERS if any(m in columns for m in markers)), "1.0")


COLUMNS = Columns(currency="BillingCurrency", start="ChargePeriodStart", end="ChargePeriodEnd",
                  service="ServiceName", usage=("x_UsageType", "SkuMeter", "ChargeDescription"),
                  kind_label="ChargeCategory", resource="ResourceId", tags="Tags")


def lines(table: str, columns: dict[str, str]) -> Lines:
    return tabular_lines(table, columns, "EffectiveCost" if "EffectiveCost" in columns else "BilledCost", COLUMNS)
