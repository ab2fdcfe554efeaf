"""Confluent Cloud costs, as `confluent billing cost list -o json` prints them (a list, amounts written
"$12.34") or as the Costs API (billing/v1/costs) returns them (`{"kind": "CostList", "data": [...]}`).

Each line's original_amount is classified by its line_type; its discount_amount becomes a discount line of
its own, so amount = original_amount - discount_amount is kept whole. Confluent bills in US dollars.
"""

from __future__ import annotations

from reportgen.imports.bills.lines import BillFormat, Lines
from reportgen.imports.bills.source import literal

FORMAT = BillFormat("Confluent Cloud costs", "confluent", ("json",),
                    ("start_date", "end_date", "line_type", "product", "original_amount"))
CURRENCY = "USD"
_FIELDS = ("start_date", "end_date", "granularity", "line_type", "product", "network_access_type", "price",
           "unit", "quantity", "original_amount", "discount_amount", "amount")
_CLI = {**{f: "VARCHAR" for f in _FIELDS}, "resource": "VARCHAR", "resource_name": "VARCHAR", "environment": "VARCHAR"}
_API_ITEM = ("STRUCT(" + ", ".join(f"{f} VARCHAR" for f in _FIELDS)
             + ", resource STRUCT(id VARCHAR, display_name VARCHAR, environment STRUCT(id VARCHAR)))")


def table(path: str, shape: str) -> str:
    """The file's cost lines as one table: `cli` is a JSON list, `api` a CostList object."""
    if shape == "cli":
        columns = "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in _CLI.items()) + "}"
        return f"read_json({literal(path)}, format = 'array', columns = {columns})"
    columns = "{'data': " + literal(_API_ITEM + "[]") + "}"
    return (f"(SELECT d.*, d.resource.id AS resource_id FROM (SELECT unnest(data) AS d FROM "
            f"read_json({literal(path)}, format = 'unstructured', columns = {columns})))")


def keys_query(path: str, shape: str) -> str:
    """The keys the file's cost lines (cli) or the file's object (api) have."""
    kind = "array" if shape == "cli" else "unstructured"
    return f"DESCRIBE SELECT * FROM read_json({literal(path)}, format = '{kind}', maximum_depth = 1)"


def lines(source_table: str, shape: str) -> Lines:
    resource = "resource" if shape == "cli" else "resource_id"
    dollars = lambda field: f"TRY_CAST(replace(replace(CAST({field} AS VARCHAR), '$', ''), ',', '') AS DOUBLE)"
    common = (f"'{CURRENCY}' AS currency, TRY_CAST(left(start_date, 10) AS DATE) AS start_day, "
              f"TRY_CAST(left(end_date, 10) AS DATE) AS end_day, product AS service, line_type AS usage, "
              f"{resource} AS resource, NULL AS tags")
    sql = f"""WITH costs AS (SELECT * FROM {source_table})
        SELECT coalesce({dollars('original_amount')}, {dollars('amount')}) AS amount,
            coalesce(original_amount, amount) AS amount_text, {common}, line_type AS kind_label FROM costs
        UNION ALL
        SELECT -{dollars('discount_amount')} AS amount, discount_amount AS amount_text, {common},
            'DISCOUNT' AS kind_label FROM costs WHERE coalesce({dollars('discount_amount')}, 0) <> 0"""
    return Lines(sql, "original_amount (discount_amount kept apart)", False, False)
