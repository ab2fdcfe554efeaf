"""Classification of bill lines into the model's parts, by the rules in classes.toml (data, not code)."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

RULES_FILE = Path(__file__).with_name("classes.toml")


@dataclass(frozen=True)
class Rule:
    part: str
    service: re.Pattern | None
    usage: re.Pattern | None

    def matches(self, service: str, usage: str) -> bool:
        return (self.service is None or bool(self.service.search(service))) and \
            (self.usage is None or bool(self.usage.search(usage)))


@functools.cache
def _rules() -> dict:
    with RULES_FILE.open("rb") as stream:
        return tomllib.load(stream)


@functools.cache
def rules() -> tuple[Rule, ...]:
    compiled = lambda pattern: re.compile(pattern, re.IGNORECASE) if pattern else None
    return tuple(Rule(r["part"], compiled(r.get("service")), compiled(r.get("usage"))) for r in _rules()["rule"])


def kind_of(bill_format: str, label: str | None) -> str:
    """`charge`, or the kind of adjustment a line of this type is (credit, refund, discount, tax, adjustment)."""
    return _rules()["kinds"][bill_format].get(label or "", "charge")


@functools.lru_cache(maxsize=65536)
def part_of(service: str, usage: str) -> str | None:
    """The part a charge belongs to, or None when no rule describes it."""
    return next((rule.part for rule in rules() if rule.matches(service, usage)), None)


def service_names(service: str) -> tuple[str, ...]:
    """What --service `service` matches: the name itself and, for a short name such as msk, the providers' names."""
    return (service, *_rules()["services"].get(service.lower(), ()))
