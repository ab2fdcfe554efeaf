"""Registries of records (the report's sections, its charts), checked when the module that lists them loads.

A record is written as keywords, so a record that lacks a field, has one its kind does not know or gives
a value where a rule (a function of the results) belongs is refused with the record and the field named,
before any report is built with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TypeVar

from reportgen.problems import ReportgenError

R = TypeVar("R")


def records(kind: str, record: type[R], rows: Iterable[dict], where: str) -> dict[str, R]:
    """`rows` as records of `record` by their first field, in the order given; an error names what is wrong."""
    fields = [f.name for f in dataclasses.fields(record)]
    functions = [f.name for f in dataclasses.fields(record) if str(f.type).startswith("Callable")]
    loaded: dict[str, R] = {}
    for row in rows:
        key = row.get(fields[0], "(unnamed)")
        missing = [f for f in fields if f not in row]
        unknown = [f for f in row if f not in fields]
        problems = ([f"lacks {', '.join(map(repr, missing))}"] if missing else []) + (
            [f"has {', '.join(map(repr, unknown))}, which a {kind} does not have"] if unknown else [])
        if key in loaded:
            problems.append("is listed twice")
        problems += [f"has {f!r} that is not a function" for f in functions if f in row and not callable(row[f])]
        if problems:
            raise ReportgenError(f"{kind} {key!r} in {where} {' and '.join(problems)}; "
                                 f"every {kind} has {', '.join(fields)}")
        loaded[key] = record(**row)
    return loaded
