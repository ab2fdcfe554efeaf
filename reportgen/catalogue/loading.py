"""The catalogue: assumptions, the price book and the deployment options, read from data files.

Every default of the model lives in `reportgen/catalogue/*.toml`, one entry per value with its
unit, source, date and status. This module flattens the files into dotted keys
(`options.msk.storage_per_gb_month`, `price_book.instances.m5.xlarge.price_per_hour`), applies an
assessment's overrides and currency, and records which keys a computation read, so a report can
list exactly the values it used. Adding an option is adding a file to `catalogue/options/`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from reportgen.problems import ReportgenError, shown_path

CATALOGUE_DIR = Path(__file__).parent
STATUSES = ("cited", "vendor-claim", "derived", "illustrative", "customer")
REFERENCE_OPTION = "self_managed_kafka"
ENTRY_FIELDS = {"value", "unit", "source", "as_of", "status", "note"}
OPTION_FIELDS = ("name", "short_name", "vendor", "pricing", "description")  # text, not entries


class CatalogueError(ReportgenError):
    """A catalogue file breaks the catalogue's own rules: said with the file and key, never as a traceback."""


@dataclass(frozen=True)
class Entry:
    key: str
    value: float | bool
    unit: str
    source: str
    as_of: str
    status: str
    note: str = ""
    default: float | bool | None = None  # the catalogue's value, when an override replaced it

    @property
    def is_money(self) -> bool:
        return self.unit.startswith("USD")

    @property
    def is_share(self) -> bool:
        return self.unit.startswith("share")


@dataclass(frozen=True)
class Option:
    id: str
    name: str
    short_name: str
    vendor: str
    pricing: str
    description: str
    capabilities: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    version: str
    date: str
    region: str
    entries: dict[str, Entry]
    options: dict[str, Option]
    instances: tuple[str, ...]
    capabilities: dict[str, dict[str, str]]
    sha256: str

    def broker_sizes(self, option_id: str) -> tuple[str, ...]:
        """Broker sizes a provisioned service offers (keys `options.<id>.brokers.<size>.price_per_hour`)."""
        prefix, suffix = f"options.{option_id}.brokers.", ".price_per_hour"
        return tuple(k[len(prefix):-len(suffix)] for k in self.entries if k.startswith(prefix) and k.endswith(suffix))


def _flatten(table: dict, prefix: str, where: str) -> Iterator[Entry]:
    for name, item in table.items():
        if not isinstance(item, dict):
            continue
        key = f"{prefix}.{name}"
        if "value" not in item:
            yield from _flatten(item, key, where)
            continue
        if set(item) - ENTRY_FIELDS or not {"unit", "source", "as_of", "status"} <= set(item):
            raise CatalogueError(f"{where}: entry {key} needs exactly {sorted(ENTRY_FIELDS)}")
        if item["status"] not in STATUSES[:-1]:
            raise CatalogueError(f"{where}: entry {key} has unknown status {item['status']!r}")
        if not isinstance(item["value"], (int, float, bool)):
            raise CatalogueError(f"{where}: entry {key} must hold a number or a boolean")
        yield Entry(key=key, **item)


def _check_option_keys(file: str, data: dict, keys: list[str], kinds: dict) -> None:
    """An option file holds every key its pricing kind needs and none it does not know."""
    pricing = data.get("pricing")
    known_kinds = sorted(set(kinds) - {"all"})
    if pricing not in known_kinds:
        raise CatalogueError(f"{file}: pricing is {pricing!r}; expected one of {', '.join(known_kinds)} "
                             "(the kinds in pricing_kinds.toml)")
    missing_text = [f for f in OPTION_FIELDS if not isinstance(data.get(f), str)]
    if missing_text:
        raise CatalogueError(f"{file}: needs the text field(s) {', '.join(missing_text)}")
    required = kinds["all"]["required"] + kinds[pricing]["required"]
    allowed = required + kinds["all"]["optional"] + kinds[pricing]["optional"]
    problems = [f"lacks the key '{pattern}', which pricing kind '{pricing}' needs" for pattern in required
                if not fnmatch.filter(keys, pattern)]
    problems += [f"has the key '{key}', which pricing kind '{pricing}' does not know (a typo, or a key of "
                 f"another kind)" for key in keys if not any(fnmatch.fnmatchcase(key, p) for p in allowed)]
    unknown_tables = sorted(set(data) - set(OPTION_FIELDS) - {"capabilities"} - {k.split(".")[0] for k in keys})
    problems += [f"has '{name}', which is neither a text field nor an entry with a value" for name in unknown_tables]
    if problems:
        raise CatalogueError(f"{file}: " + "; ".join(problems))


@cache
def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read and check every catalogue file once per process."""
    digest = hashlib.sha256()
    files = sorted(directory.rglob("*.toml"))
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())

    def read(path: Path) -> dict:
        with path.open("rb") as handle:
            return tomllib.load(handle)

    meta = read(directory / "catalogue.toml")
    kinds = read(directory / "pricing_kinds.toml")
    entries: list[Entry] = list(_flatten(read(directory / "assumptions.toml"), "assumptions", "assumptions.toml"))
    books = sorted((directory / "price_books").glob("*.toml"))
    region_book = read(books[0])
    entries += _flatten(region_book, "price_book", books[0].name)
    capabilities = read(directory / "capabilities.toml") if (directory / "capabilities.toml").exists() else {}
    options: dict[str, Option] = {}
    for path in sorted((directory / "options").glob("*.toml")):
        data = read(path)
        option_id = path.stem
        option_entries = list(_flatten(data, f"options.{option_id}", path.name))
        _check_option_keys(shown_path(path, Path.cwd()), data, [e.key[len(f"options.{option_id}."):] for e in option_entries], kinds)
        options[option_id] = Option(
            id=option_id, name=data["name"], short_name=data["short_name"], vendor=data["vendor"],
            pricing=data["pricing"], description=data["description"],
            capabilities=dict(data.get("capabilities", {})))
        entries += option_entries
    if REFERENCE_OPTION not in options:
        raise CatalogueError(f"the reference option {REFERENCE_OPTION} is missing")
    by_key = {e.key: e for e in entries}
    if len(by_key) != len(entries):
        raise CatalogueError("two catalogue entries share a key")
    return Catalogue(
        version=meta["version"], date=str(meta["date"]), region=region_book["region"],
        entries=by_key, options=options, instances=tuple(region_book["instances"]),
        capabilities={k: dict(v) for k, v in capabilities.items()}, sha256=digest.hexdigest())


class Values:
    """The catalogue as one assessment sees it: overrides applied, money in the assessment's currency.

    Lookups are recorded, so a computation can tell which entries it depended on.
    A value may be a float or a numpy array (one value per Monte Carlo trial).
    """

    def __init__(self, catalogue: Catalogue, overrides: dict[str, object], usd_to_currency: float = 1.0):
        self.catalogue = catalogue
        self._values: dict[str, object] = {}
        for key, entry in catalogue.entries.items():
            value = entry.value
            if entry.is_money and not isinstance(value, bool):
                value = value * usd_to_currency
            self._values[key] = value
        self._values.update(overrides)
        self.overridden = frozenset(overrides)
        self.read: set[str] = set()  # every key any computation has read: what the report used
        self._trackers: list[set[str]] = []

    def __getitem__(self, key: str):
        self.read.add(key)
        for used in self._trackers:
            used.add(key)
        return self._values[key]

    def get(self, key: str, default=None):
        return self[key] if key in self._values else default

    def __contains__(self, key: str) -> bool:
        return key in self._values

    @contextmanager
    def tracking(self) -> Iterator[set[str]]:
        """Collect the keys read inside the block (nested blocks each get their own set)."""
        used: set[str] = set()
        self._trackers.append(used)
        try:
            yield used
        finally:
            self._trackers.remove(used)

    def entry(self, key: str) -> Entry:
        """The catalogue entry as used: an override turns its status into `customer`."""
        entry = self.catalogue.entries[key]
        if key in self.overridden:
            value = self._values[key]
            return replace(entry, value=value, status="customer", default=entry.value,
                           source="customer (overrides)", note=f"catalogue default {entry.value:g}")
        return entry
