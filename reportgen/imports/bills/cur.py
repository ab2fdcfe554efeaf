"""The AWS Cost and Usage Report 2.0 (Data Exports; CSV, gzip or Parquet).

Amounts are line_item_unblended_cost: discounts, credits, refunds and tax are line items of their own
(line_item_line_item_type), which are kept apart and named. Resource tags are the `resource_tags` map,
whose keys the CUR 2.0 writes as `user_<key>`.
"""

from __future__ import annotations

from reportgen.imports.bills.lines import BillFormat, Columns, Lines, tabular_lines

FORMAT = BillFormat("AWS CUR 2.0", "cur", ("csv", "parquet"),
                    ("line_item_line_item_type", "line_item_product_code", "line_item_usage_type",
                     "line_item_unblended_cost", "line_item_currency_code", "line_item_usage_start_date",
                     "line_item_usage_end_date"))
LEGACY_MARKER = "lineItem/UnblendedCost"  # the legacy CUR's column names have a slash


COLUMNS = Columns(currency="line_item_currency_code", start="line_item_usage_start_date",
                  end="line_item_usage_end_date", service="line_item_product_code",
                  usage=("line_item_usage_type", "line_item_operation", "line_item_line_item_description"),
                  kind_label="line_item_line_item_type", resource="line_item_resource_id", tags="resource_tags")


def lines(table: str, columns: dict[str, str]) -> Lines:
    return tabular_lines(table, columns, "line_item_unblended_cost", COLUMNS)
