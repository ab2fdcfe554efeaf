"""The one shape every bill format is read into: a line's amount, currency, days, service, usage, type,
resource and tags, as an SQL query over the source file. Each format module says how its columns map."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lines:
    """Normalised lines: `sql` selects amount, amount_text, currency, start_day, end_day, service, usage,
    kind_label, resource and (when the format has tags) tags."""
    sql: str
    cost_column: str  # the column the amounts are read from, as the report states it
    has_tags: bool
    tags_are_map: bool


@dataclass(frozen=True)
class BillFormat:
    name: str  # as the user reads it: "FOCUS", "AWS CUR 2.0", "Confluent Cloud costs"
    family: str  # its section of classes.toml: focus, cur or confluent
    kinds: tuple[str, ...]  # the file kinds it comes as: csv, parquet, json
    required: tuple[str, ...]  # columns it cannot be read without

    def missing(self, columns: dict[str, str]) -> list[str]:
        return [c for c in self.required if c not in columns]


def text(column: str | None, columns: dict[str, str]) -> str:
    """A column as text, or NULL where the file lacks it."""
    return f'CAST("{column}" AS VARCHAR)' if column in columns else "NULL"


def day(column: str, columns: dict[str, str]) -> str:
    """The calendar day of a date or timestamp column, written as ISO 8601 text or typed."""
    return f"TRY_CAST(left({text(column, columns)}, 10) AS DATE)"


def joined(names: list[str], columns: dict[str, str]) -> str:
    """The columns present among `names`, joined into one text to classify by."""
    present = [text(n, columns) for n in names if n in columns]
    return f"concat_ws(' | ', {', '.join(present)})" if present else "''"


def is_map(column: str | None, columns: dict[str, str]) -> bool:
    return column in columns and columns[column].upper().startswith("MAP")


@dataclass(frozen=True)
class Columns:
    """Where a tabular format (CSV or Parquet) keeps each field of a line."""
    currency: str
    start: str
    end: str
    service: str
    usage: tuple[str, ...]  # joined into one text to classify by
    kind_label: str
    resource: str
    tags: str


def tabular_lines(table: str, columns: dict[str, str], cost: str, named: Columns) -> Lines:
    """The normalised lines of a tabular bill whose amounts are in `cost` and other fields where `named` says."""
    tags = f'"{named.tags}"' if named.tags in columns else "NULL"
    sql = f"""SELECT TRY_CAST({text(cost, columns)} AS DOUBLE) AS amount, {text(cost, columns)} AS amount_text,
        {text(named.currency, columns)} AS currency,
        {day(named.start, columns)} AS start_day, {day(named.end, columns)} AS end_day,
        {text(named.service, columns)} AS service, {joined(list(named.usage), columns)} AS usage,
        {text(named.kind_label, columns)} AS kind_label, {text(named.resource, columns)} AS resource, {tags} AS tags
        FROM {table}"""
    return Lines(sql, cost, named.tags in columns, is_map(named.tags, columns))
