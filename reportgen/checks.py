"""Checks of an assessment against the catalogue: option ids, instance types, override keys.

They read the raw JSON (not the validated model) so that they run even when the schema already
found problems: the user gets every problem in one run.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path as FsPath

from .catalogue import Catalogue
from .jsonparse import Path

# observed figure (baseline/risk path) -> option factor that scales it
SCALED_BY_FACTOR = {
    ("baseline", "platform_fte"): "platform_fte_factor",
    ("baseline", "tooling_fte"): "tooling_fte_factor",
    ("baseline", "support_and_services_per_year"): "support_factor",
    ("risk", "incidents_per_year"): "incident_factor",
    ("risk", "planned_downtime_hours_per_year"): "planned_downtime_factor",
    ("risk", "breach_probability_per_year"): "breach_factor",
}
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


def _suggest(word: str, choices) -> str:
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _get(data, *path):
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _high(value):
    """The largest value a number or range can take, or None when it is not numeric."""
    if isinstance(value, dict):
        value = value.get("high")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def catalogue_problems(data: dict, catalogue: Catalogue, project_root: FsPath) -> Iterator[tuple[Path, str]]:
    """Yield (JSON path, message) for every way `data` contradicts the catalogue."""
    options = catalogue.options
    known = ", ".join(options)
    current = _get(data, "assessment", "current_option")
    current = current if isinstance(current, str) else "self_managed_kafka"
    for field in ("current_option", "proposed_option"):
        value = _get(data, "assessment", field)
        if isinstance(value, str) and value not in options:
            yield ("assessment", field), f"unknown option '{value}'; {_suggest(value, options)}known options: {known}"
    listed = _get(data, "assessment", "options")
    for i, value in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(value, str) and value not in options:
            yield ("assessment", "options", i), f"unknown option '{value}'; {_suggest(value, options)}known options: {known}"
    region = _get(data, "customer", "region")
    if isinstance(region, str) and region != catalogue.region:
        yield ("customer", "region"), f"no price book for region '{region}'; the catalogue has '{catalogue.region}'"

    for field in ("broker_instance", "controller_instance"):
        value = _get(data, "baseline", field)
        if isinstance(value, str) and value not in catalogue.instances:
            yield ("baseline", field), (f"unknown instance type '{value}'; {_suggest(value, catalogue.instances)}"
                                        f"the price book has: {', '.join(catalogue.instances)}")
    broker = _get(data, "baseline", "broker_instance") or "m5.xlarge"
    for option_id in listed if isinstance(listed, list) else []:
        option = options.get(option_id) if isinstance(option_id, str) else None
        if option and option.pricing == "provisioned_service" and broker not in catalogue.broker_sizes(option_id):
            yield ("baseline", "broker_instance"), (
                f"{option.name} is sized with the same broker type as the baseline, but offers no '{broker}' brokers; "
                f"choose one of {', '.join(catalogue.broker_sizes(option_id))} or leave {option_id} out of options")

    overrides = _get(data, "overrides")
    for key, value in (overrides.items() if isinstance(overrides, dict) else ()):
        entry = catalogue.entries.get(key)
        if entry is None:
            yield ("overrides", key), (f"unknown catalogue key '{key}'; {_suggest(key, catalogue.entries)}"
                                       "Appendix A of a report lists every key")
        elif isinstance(entry.value, bool) != isinstance(value, bool):
            kind = "true or false" if isinstance(entry.value, bool) else "a number"
            yield ("overrides", key), f"found {value!r}; expected {kind} ({entry.unit})"
        elif entry.is_share and (_high(value) or 0) > 1:
            yield ("overrides", key), f"found {_high(value)}; expected a share from 0 to 1 ({entry.unit})"

    if current in options:
        def factor(name: str):
            key = f"options.{current}.{name}"
            value = _get(overrides, key) if isinstance(overrides, dict) and key in overrides else None
            return _high(value) if value is not None else catalogue.entries[key].value
        for path, name in SCALED_BY_FACTOR.items():
            observed = _high(_get(data, *path))
            if observed and factor(name) == 0:
                yield path, (f"is {observed} under {options[current].name}, whose catalogue {name} is 0 "
                             f"(it should then be 0); give 0, or override options.{current}.{name}")

    logo = _get(data, "customer", "logo")
    if isinstance(logo, str):
        problem = logo_problem(logo, project_root)
        if problem:
            yield ("customer", "logo"), problem


def logo_problem(logo: str, project_root: FsPath) -> str | None:
    """Why a logo path may not be used, or None: it must be a file under the project."""
    if "://" in logo or logo.startswith(("data:", "//")):
        return f"'{logo}' is a URL; give the path of an image file inside the project (nothing is downloaded)"
    if FsPath(logo).is_absolute():
        return f"'{logo}' is an absolute path; give a path relative to the project folder"
    root = project_root.resolve()
    target = (root / logo).resolve()
    if not target.is_relative_to(root):
        return f"'{logo}' points outside the project folder; copy the logo into the project"
    if target.suffix.lower() not in LOGO_SUFFIXES:
        return f"'{logo}' is not a PNG, JPEG or SVG file"
    if not target.is_file():
        return f"'{logo}' does not exist (paths are relative to {root})"
    return None


def unknown_key_hint(key: str, allowed: list[str]) -> str:
    return _suggest(key, allowed)
