"""Checks of an assessment against the catalogue: option ids, instance types, override keys, the logo.

They read the raw JSON (not the validated model) so that they run even when the schema already
found problems: the user gets every problem in one run.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path as FsPath

from reportgen.catalogue import Catalogue
from reportgen.inputs.jsonparse import Path
from reportgen.inputs.logo import LOGO_KINDS, MAX_LOGO_BYTES, content_problem

# observed figure (baseline/risk path) -> option factor that scales it
SCALED_BY_FACTOR = {
    ("baseline", "platform_fte"): "platform_fte_factor",
    ("baseline", "tooling_fte"): "tooling_fte_factor",
    ("baseline", "support_and_services_per_year"): "support_factor",
    ("risk", "incidents_per_year"): "incident_factor",
    ("risk", "planned_downtime_hours_per_year"): "planned_downtime_factor",
    ("risk", "breach_probability_per_year"): "breach_factor",
}
# catalogue values the model divides by, with the least an override may set (in the entry's unit)
DIVISOR_MINIMUMS = {".sustained_write_mbps": 1, ".max_partition_replicas": 1, ".target_utilization": 0.05,
                    ".ingress_limit_mbps": 1, ".egress_limit_mbps": 1, ".partition_limit": 1,
                    ".ingress_per_unit_mbps": 1, ".egress_per_unit_mbps": 1, ".partitions_per_unit": 1,
                    ".unplanned_to_planned_cost_ratio": 0.01, ".working_hours_per_year": 100,
                    ".ingress_mbps": 1, ".egress_mbps": 1, ".partitions": 1, ".vcpu": 1, ".write_mib_per_vcpu": 0.1,
                    ".flush_interval_seconds": 0.01, ".read_chunk_mib": 0.01, ".compression_ratio": 1}



def _suggest(word: str, choices) -> str:
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def value_at(data, *path):
    """The raw JSON value at `path`, or None where the path does not exist."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _end(value, end: str):
    """The `end` ("low" or "high") a number or range can take, or None when it is not numeric."""
    if isinstance(value, dict):
        value = value.get(end)
    return value if _numeric(value) else None


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a range {...}"
    if isinstance(value, str):
        return f'the text "{value[:40]}"'
    return f"{value:g}" if _numeric(value) else "a list or null"


def _option_problems(data: dict, catalogue: Catalogue) -> Iterator[tuple[Path, str]]:
    options = catalogue.options
    known = ", ".join(options)
    for field in ("current_option", "proposed_option"):
        value = value_at(data, "assessment", field)
        if isinstance(value, str) and value not in options:
            yield ("assessment", field), f"unknown option '{value}'; {_suggest(value, options)}known options: {known}"
    listed = value_at(data, "assessment", "options")
    for i, value in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(value, str) and value not in options:
            yield ("assessment", "options", i), f"unknown option '{value}'; {_suggest(value, options)}known options: {known}"


def _instance_problems(data: dict, catalogue: Catalogue) -> Iterator[tuple[Path, str]]:
    region = value_at(data, "customer", "region")
    if isinstance(region, str) and region not in catalogue.regions:
        yield ("customer", "region"), (f"no price book for region '{region}'; {_suggest(region, catalogue.regions)}"
                                       f"known regions: {', '.join(catalogue.regions)}")
    for field in ("broker_instance", "controller_instance"):
        value = value_at(data, "baseline", field)
        if isinstance(value, str) and value not in catalogue.instances:
            yield ("baseline", field), (f"unknown instance type '{value}'; {_suggest(value, catalogue.instances)}"
                                        f"the price book has: {', '.join(catalogue.instances)}")
    broker = value_at(data, "baseline", "broker_instance")
    broker = broker if isinstance(broker, str) else "m5.xlarge"
    if broker not in catalogue.instances:
        return
    listed = value_at(data, "assessment", "options")
    for option_id in listed if isinstance(listed, list) else []:
        option = catalogue.options.get(option_id) if isinstance(option_id, str) else None
        if option and option.pricing == "provisioned_service" and broker not in catalogue.broker_sizes(option_id):
            yield ("baseline", "broker_instance"), (
                f"{option.name} is sized with the same broker type as the baseline, but offers no '{broker}' brokers; "
                f"choose one of {', '.join(catalogue.broker_sizes(option_id))} or leave {option_id} out of options")
        if option and option.pricing == "express_brokers":
            vcpu = catalogue.entries[f"price_book.instances.{broker}.vcpu"].value
            sizes = {k.split(".brokers.")[1].removesuffix(".vcpu"): e.value for k, e in catalogue.entries.items()
                     if k.startswith(f"options.{option_id}.brokers.") and k.endswith(".vcpu")}
            if vcpu not in sizes.values():
                yield ("baseline", "broker_instance"), (
                    f"{option.name} is sized like the baseline's broker, with as many vCPUs, but offers no broker with "
                    f"{vcpu:g} vCPUs ({broker}); its sizes have {', '.join(f'{v:g}' for v in sorted(set(sizes.values())))} "
                    f"vCPUs: choose a baseline.broker_instance with one of them, or leave {option_id} out of options")


def _override_problems(overrides: dict, catalogue: Catalogue) -> Iterator[tuple[Path, str]]:
    for key, value in overrides.items():
        entry = catalogue.entries.get(key)
        if entry is None:
            yield ("overrides", key), (f"unknown catalogue key '{key}'; {_suggest(key, catalogue.entries)}"
                                       "Appendix A of a report lists every key")
        elif isinstance(entry.value, bool) != isinstance(value, bool):
            kind = "true or false" if isinstance(entry.value, bool) else "a number or a range"
            yield ("overrides", key), f"found {_shown(value)}; expected {kind} ({entry.unit})"
        elif entry.is_share and (_end(value, "high") or 0) > 1:
            yield ("overrides", key), f"found {_shown(_end(value, 'high'))}; expected a share from 0 to 1 ({entry.unit})"
        else:
            minimum = next((m for suffix, m in DIVISOR_MINIMUMS.items() if key.endswith(suffix)), None)
            low = _end(value, "low")
            if minimum is not None and low is not None and low < minimum:
                has = f"the catalogue has {entry.value:g}" if not entry.missing else "the catalogue has none here"
                yield ("overrides", key), (f"found {low:g}; expected at least {minimum:g} ({entry.unit}): the model "
                                           f"divides by it ({has})")


def _factor_problems(data: dict, catalogue: Catalogue, overrides: dict) -> Iterator[tuple[Path, str]]:
    """Observations under the current option must be consistent with its factors (docs/model.md section 3)."""
    current = value_at(data, "assessment", "current_option")
    current = current if isinstance(current, str) else "self_managed_kafka"
    if current not in catalogue.options:
        return
    for path, name in SCALED_BY_FACTOR.items():
        key = f"options.{current}.{name}"
        if key not in catalogue.entries:
            continue
        factor = overrides.get(key, catalogue.entries[key].value)
        low, high = _end(factor, "low"), _end(factor, "high")
        observed = _end(value_at(data, *path), "high")
        if high == 0 and observed:
            yield path, (f"is {observed:g} under {catalogue.options[current].name}, whose catalogue {name} is 0, "
                         f"so it must be 0 (nothing to scale from); give 0, or override {key}")
        elif low == 0 and high:
            yield ("overrides", key), (f"ranges from 0 to {high:g}; the current option's {name} scales the "
                                       "customer's observations, so it is either exactly 0 or above 0 throughout")


def catalogue_problems(data: dict, catalogue: Catalogue, project_root: FsPath) -> Iterator[tuple[Path, str]]:
    """Yield (JSON path, message) for every way `data` contradicts the catalogue or names an unusable logo."""
    yield from _option_problems(data, catalogue)
    yield from _instance_problems(data, catalogue)
    overrides = value_at(data, "overrides")
    overrides = overrides if isinstance(overrides, dict) else {}
    yield from _override_problems(overrides, catalogue)
    yield from _factor_problems(data, catalogue, overrides)
    logo = value_at(data, "customer", "logo")
    if isinstance(logo, str):
        problem = logo_problem(logo, project_root)
        if problem:
            yield ("customer", "logo"), problem


def logo_problem(logo: str, project_root: FsPath) -> str | None:
    """Why a logo may not be used, or None: a small PNG, JPEG or safe SVG file under the project."""
    if "://" in logo or logo.startswith(("data:", "//")):
        return f"'{logo}' is a URL; give the path of an image file inside the project (nothing is downloaded)"
    if "\x00" in logo:
        return "contains a zero character; give the path of an image file inside the project"
    if FsPath(logo).is_absolute():
        return f"'{logo}' is an absolute path; give a path relative to the project folder"
    root = project_root.resolve()
    target = (root / logo).resolve()
    if not target.is_relative_to(root):
        return f"'{logo}' points outside the project folder; copy the logo into the project"
    kind = LOGO_KINDS.get(target.suffix.lower())
    if kind is None:
        return f"'{logo}' is not a .png, .jpg, .jpeg or .svg file"
    if not target.is_file():
        return f"'{logo}' does not exist or is not a file (paths are relative to {root})"
    size = target.stat().st_size
    if size > MAX_LOGO_BYTES:
        return f"'{logo}' is {size:,} bytes; a logo may be at most {MAX_LOGO_BYTES:,} bytes"
    problem = content_problem(target.read_bytes(), kind)
    return f"'{logo}' {problem}" if problem else None


def unknown_key_hint(key: str, allowed: list[str]) -> str:
    return _suggest(key, allowed)
