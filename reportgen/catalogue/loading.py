"""The catalogue: assumptions, the price books and the deployment options, read from data files.

Every default of the model lives in `reportgen/catalogue/*.toml`, one entry per value with its
unit, source, date and status. This module flattens the files into dotted keys
(`options.msk.storage_per_gb_month`, `price_book.instances.m5.xlarge.price_per_hour`), applies an
assessment's overrides and currency, and records which keys a computation read, so a report can
list exactly the values it used. Adding an option is adding a file to `catalogue/options/`; adding a
region is adding a price book to `catalogue/price_books/` and the option prices of that region.

Prices differ by region: each price book holds one region's `price_book.*` prices, and an option's own
regional prices sit in its file under `[region."<region>".<key>]`, one table per book, all with the
same keys. A price nobody found for a region is an entry with status "missing" and no value: the
catalogue of that region carries it so that an assessment reading it stops with an error naming it,
and it is never filled from another region.
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
MISSING = "missing"  # a regional price not found: an entry without a value, never used
REFERENCE_OPTION = "self_managed_kafka"
ENTRY_FIELDS = {"value", "unit", "source", "as_of", "status", "note"}
OPTION_FIELDS = ("name", "short_name", "vendor", "pricing", "description")  # text, not entries


class CatalogueError(ReportgenError):
    """A catalogue file breaks the catalogue's own rules: said with the file and key, never as a traceback."""


class MissingPrice(CatalogueError):
    """A computation read a regional price the catalogue marks missing for the assessment's region."""

    def __init__(self, message: str, key: str, region: str):
        super().__init__(message)
        self.key, self.region = key, region


@dataclass(frozen=True)
class Entry:
    key: str
    value: float | bool | None  # None only for a missing regional price
    unit: str
    source: str
    as_of: str
    status: str
    note: str = ""
    default: float | bool | None = None  # the catalogue's value, when an override replaced it
    origin: str = ""  # the catalogue file it is read from, relative to the catalogue folder

    @property
    def missing(self) -> bool:
        return self.status == MISSING

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
    """The catalogue as one region sees it (`entries`), with every region's prices (`regional`) beside it."""
    version: str
    date: str
    region: str
    entries: dict[str, Entry]
    options: dict[str, Option]
    instances: tuple[str, ...]
    capabilities: dict[str, dict[str, str]]
    sha256: str
    regional: dict[str, dict[str, Entry]] = field(default_factory=dict)  # region -> its regional entries
    region_names: dict[str, str] = field(default_factory=dict)  # region -> its name, e.g. "Europe (Frankfurt)"

    def broker_sizes(self, option_id: str) -> tuple[str, ...]:
        """Broker sizes a provisioned service offers (keys `options.<id>.brokers.<size>.price_per_hour`)."""
        prefix, suffix = f"options.{option_id}.brokers.", ".price_per_hour"
        return tuple(k[len(prefix):-len(suffix)] for k in self.entries if k.startswith(prefix) and k.endswith(suffix))

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(self.regional)

    def in_region(self, region: str) -> "Catalogue":
        """This catalogue with `region`'s prices in place of the current region's; an unknown region is refused
        with the known ones named."""
        if region == self.region:
            return self
        if region not in self.regional:
            raise CatalogueError(f"no price book for region '{region}'; the catalogue has price books for "
                                 f"{', '.join(self.regions)} (reportgen/catalogue/price_books/)")
        return replace(self, region=region, entries={**self.entries, **self.regional[region]})

    def missing_keys(self, prefixes: tuple[str, ...] = ("",)) -> list[str]:
        """The keys this region's catalogue marks missing, among those starting with one of `prefixes`."""
        return sorted(k for k, e in self.entries.items() if e.missing and k.startswith(prefixes))


def _flatten(table: dict, prefix: str, where: str) -> Iterator[Entry]:
    for name, item in table.items():
        if not isinstance(item, dict):
            continue
        key = f"{prefix}.{name}"
        if "value" not in item and item.get("status") != MISSING:
            yield from _flatten(item, key, where)
            continue
        fields_needed = {"unit", "source", "as_of", "status"} | ({"value"} if item.get("status") != MISSING else set())
        if set(item) - ENTRY_FIELDS or not fields_needed <= set(item):
            raise CatalogueError(f"{where}: entry {key} needs exactly {sorted(ENTRY_FIELDS)} "
                                 f"(a missing price: all but value, with status \"{MISSING}\")")
        if item["status"] not in (*STATUSES[:-1], MISSING):
            raise CatalogueError(f"{where}: entry {key} has unknown status {item['status']!r}")
        if item["status"] == MISSING and "value" in item:
            raise CatalogueError(f"{where}: entry {key} is marked missing but holds a value; give one or the other")
        if "value" in item and not isinstance(item["value"], (int, float, bool)):
            raise CatalogueError(f"{where}: entry {key} must hold a number or a boolean")
        yield Entry(key=key, **{"value": None, **item}, origin=where)


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
    kind, every = kinds[pricing], kinds["all"]
    required = every["required"] + kind["required"]
    allowed = required + every["optional"] + kind["optional"]
    problems = [f"lacks the key '{pattern}', which pricing kind '{pricing}' needs" for pattern in required
                if not fnmatch.filter(keys, pattern)]
    problems += [f"has the key '{key}', which pricing kind '{pricing}' does not know (a typo, or a key of "
                 f"another kind)" for key in keys if not any(fnmatch.fnmatchcase(key, p) for p in allowed)]
    problems += [f"has {len(fnmatch.filter(keys, pattern))} keys '{pattern}'; pricing kind '{pricing}' takes exactly one"
                 for pattern in kind.get("single", []) if len(fnmatch.filter(keys, pattern)) > 1]
    unknown_tables = sorted(set(data) - set(OPTION_FIELDS) - {"capabilities", "region"} - {k.split(".")[0] for k in keys})
    problems += [f"has '{name}', which is neither a text field nor an entry with a value" for name in unknown_tables]
    if problems:
        raise CatalogueError(f"{file}: " + "; ".join(problems))


def _regional_tables(file: str, data: dict, regions: list[str]) -> dict[str, dict]:
    """An option's `[region."<region>"]` tables: one for every price book, each with the same keys."""
    tables = data.get("region", {})
    if not tables:
        return {}
    unknown = sorted(set(tables) - set(regions))
    absent = [r for r in regions if r not in tables]
    if unknown or absent:
        raise CatalogueError(f"{file}: its region tables must match the price books ({', '.join(regions)}); "
                             + "; ".join([f"'{r}' has no price book" for r in unknown]
                                         + [f"no table for '{r}' (mark a price not found with status \"{MISSING}\")"
                                            for r in absent]))
    return tables


def _same_keys(what: str, by_region: dict[str, dict[str, Entry]]) -> None:
    """Every region prices the same keys: a key one region lacks is named, with the fix."""
    every = set().union(*(set(e) for e in by_region.values()))
    gaps = [f"{region} lacks {', '.join(sorted(every - set(entries)))}" for region, entries in by_region.items()
            if every - set(entries)]
    if gaps:
        raise CatalogueError(f"{what}: every region must give the same keys (a price not found is an entry with "
                             f"status \"{MISSING}\"): " + "; ".join(gaps))


@cache
def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read and check every catalogue file once per process; its `entries` are the default region's."""
    digest = hashlib.sha256()
    files = sorted(directory.rglob("*.toml"))
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())

    def read(path: Path) -> dict:
        with path.open("rb") as handle:
            return tomllib.load(handle)

    def shown(path: Path) -> str:
        return shown_path(path, Path.cwd())

    meta = read(directory / "catalogue.toml")
    kinds = read(directory / "pricing_kinds.toml")
    entries: list[Entry] = list(_flatten(read(directory / "assumptions.toml"), "assumptions", "assumptions.toml"))
    instances_file = read(directory / "instances.toml")
    instances = tuple(instances_file["instances"])
    entries += _flatten(instances_file, "price_book", "instances.toml")
    regional: dict[str, dict[str, Entry]] = {}
    region_names: dict[str, str] = {}
    for path in sorted((directory / "price_books").glob("*.toml")):
        book = read(path)
        if book.get("region") != path.stem:
            raise CatalogueError(f"{shown(path)}: region is {book.get('region')!r}; a price book's region is its "
                                 f"file name, '{path.stem}'")
        unpriced = sorted(set(instances) - set(book.get("instances", {})))
        if unpriced:
            raise CatalogueError(f"{shown(path)}: prices no {', '.join(unpriced)} (instances.toml lists them; mark a "
                                 f"price not found with status \"{MISSING}\")")
        region_names[path.stem] = str(book.get("name", path.stem))
        regional[path.stem] = {e.key: e for e in _flatten(book, "price_book", f"price_books/{path.name}")}
    default_region = meta["default_region"]
    if default_region not in regional:
        raise CatalogueError(f"catalogue.toml: default_region '{default_region}' has no price book in price_books/")
    capabilities = read(directory / "capabilities.toml") if (directory / "capabilities.toml").exists() else {}
    options: dict[str, Option] = {}
    for path in sorted((directory / "options").glob("*.toml")):
        data = read(path)
        option_id = path.stem
        prefix = f"options.{option_id}"
        own = list(_flatten({k: v for k, v in data.items() if k != "region"}, prefix, f"options/{path.name}"))
        tables = _regional_tables(shown(path), data, list(regional))
        by_region = {r: {e.key: e for e in _flatten(t, prefix, f"options/{path.name}")} for r, t in tables.items()}
        if by_region:
            _same_keys(shown(path), by_region)
            clash = sorted({e.key for e in own} & set(by_region[default_region]))
            if clash:
                raise CatalogueError(f"{shown(path)}: {', '.join(clash)} given both for every region and in region "
                                     "tables; keep one")
        keys = [e.key[len(prefix) + 1:] for e in own] + [k[len(prefix) + 1:] for k in by_region.get(default_region, {})]
        _check_option_keys(shown(path), data, keys, kinds)
        for region, found in by_region.items():
            regional[region].update(found)
        options[option_id] = Option(
            id=option_id, name=data["name"], short_name=data["short_name"], vendor=data["vendor"],
            pricing=data["pricing"], description=data["description"],
            capabilities=dict(data.get("capabilities", {})))
        entries += own
    if REFERENCE_OPTION not in options:
        raise CatalogueError(f"the reference option {REFERENCE_OPTION} is missing")
    _same_keys("price_books/", {r: {k: e for k, e in found.items() if k.startswith("price_book.")}
                                for r, found in regional.items()})
    by_key = {e.key: e for e in entries}
    if len(by_key) != len(entries) or set(by_key) & set(regional[default_region]):
        raise CatalogueError("two catalogue entries share a key")
    return Catalogue(
        version=meta["version"], date=str(meta["date"]), region=default_region,
        entries={**by_key, **regional[default_region]}, options=options, instances=instances,
        capabilities={k: dict(v) for k, v in capabilities.items()}, sha256=digest.hexdigest(),
        regional=regional, region_names=region_names)


@dataclass(frozen=True)
class Exchange:
    """The assessment's currency and the rate that converts the catalogue's US dollars into it."""
    currency: str
    rate: float
    as_of: str

    @property
    def at_rate(self) -> str:
        return f"at {self.rate:g} {self.currency} per USD, rate as of {self.as_of}"


USD = Exchange("USD", 1.0, "")


def _joined(note: str, addition: str) -> str:
    return f"{note.rstrip('.')}; {addition}" if note else addition


class Values:
    """The catalogue as one assessment sees it: overrides applied, money in the assessment's currency.

    Lookups are recorded, so a computation can tell which entries it depended on.
    A value may be a float or a numpy array (one value per Monte Carlo trial).
    """

    def __init__(self, catalogue: Catalogue, overrides: dict[str, object], exchange: Exchange = USD,
                 options: tuple[str, ...] = ()):
        self.catalogue = catalogue
        self.exchange = exchange
        self.options = options  # the assessment's options: what a missing price's error lists beside it
        self._values: dict[str, object] = {}
        for key, entry in catalogue.entries.items():
            if entry.missing:
                continue
            value = entry.value
            if entry.is_money and not isinstance(value, bool):
                value = value * exchange.rate
            self._values[key] = value
        self._values.update(overrides)
        self.overridden = frozenset(overrides)
        self.read: set[str] = set()  # every key any computation has read: what the report used
        self._trackers: list[set[str]] = []

    def __getitem__(self, key: str):
        if key not in self._values and key in self.catalogue.entries:
            raise MissingPrice(self._missing_message(key), key, self.catalogue.region)
        self.read.add(key)
        for used in self._trackers:
            used.add(key)
        return self._values[key]

    def _missing_message(self, key: str) -> str:
        entry, region = self.catalogue.entries[key], self.catalogue.region
        others = [k for k in self.catalogue.missing_keys(("price_book.", *(f"options.{o}." for o in self.options)))
                  if k != key and k not in self.overridden]
        also = (f" This region's catalogue also has no price for: {', '.join(others)}." if others else "")
        return (f"customer.region is {region}, and the {region} prices have none for {key} ({entry.unit}): "
                f"reportgen/catalogue/{entry.origin} marks it missing ({entry.source.rstrip('.')}). Give the "
                f"customer's own price under overrides[\"{key}\"], or choose a region or options whose prices the "
                f"catalogue has.{also}")

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def __contains__(self, key: str) -> bool:
        return key in self._values or key in self.catalogue.entries

    def priced(self, key: str) -> bool:
        """Whether `key` has a value here: the region's price, or the customer's where the region has none."""
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
        """The catalogue entry as used: its value in the assessment's currency, labelled so; an override
        turns its status into `customer` and keeps the catalogue's value beside it, in the same currency
        (or says the region has none, where its price is missing)."""
        entry = self.catalogue.entries[key]
        if entry.missing:
            return replace(entry, value=self[key], status="customer", source="customer (overrides)",
                           unit=self.exchange.currency + entry.unit[3:] if entry.is_money else entry.unit,
                           note=f"no catalogue price for {self.catalogue.region}")
        converted = entry.is_money and self.exchange.currency != "USD"
        if converted:
            entry = replace(entry, value=self._values[key] if key not in self.overridden else
                            entry.value * self.exchange.rate, unit=self.exchange.currency + entry.unit[3:],
                            note=_joined(entry.note, f"converted from {entry.value:g} USD {self.exchange.at_rate}"))
        if key in self.overridden:
            default = (f"catalogue default {entry.value:.3g} {self.exchange.currency} "
                       f"({self.catalogue.entries[key].value:g} USD {self.exchange.at_rate})"
                       if converted else f"catalogue default {entry.value:g}")
            return replace(entry, value=self._values[key], status="customer", default=entry.value,
                           source="customer (overrides)", note=default)
        return entry
