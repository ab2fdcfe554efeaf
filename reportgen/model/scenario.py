"""From a validated assessment to one scenario the model can compute.

A scenario replaces every range by one value: its `likely` value for the deterministic run, an
array of draws for the simulation, its low or high for sensitivity. The same model code then
runs on all of them.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from reportgen.catalogue import USD, Catalogue, Exchange, Values
from reportgen.inputs.jsonparse import Path
from reportgen.inputs.schema import Assessment, Range

Pick = Callable[[Path, Range], object]


def pick_likely(path: Path, value: Range):
    return value.likely


def _resolve(value, pick: Pick, path: Path):
    if isinstance(value, Range):
        return pick(path, value)
    if isinstance(value, BaseModel):
        updates = {name: _resolve(getattr(value, name), pick, path + (name,)) for name in type(value).model_fields}
        changed = {k: v for k, v in updates.items() if v is not getattr(value, k)}
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, list):
        return [_resolve(item, pick, path + (i,)) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _resolve(item, pick, path + (key,)) for key, item in value.items()}
    return value


def resolve(assessment: Assessment, pick: Pick = pick_likely) -> Assessment:
    """The assessment with every range replaced by `pick(path, range)`."""
    return _resolve(assessment, pick, ())


def ranged_inputs(assessment: Assessment) -> dict[Path, Range]:
    """Every ranged number of the assessment, by its JSON path, in file order."""
    found: dict[Path, Range] = {}

    def collect(path: Path, value: Range):
        found[path] = value
        return value.likely

    resolve(assessment, collect)
    return found


def catalogue_values(resolved: Assessment, catalogue: Catalogue) -> Values:
    """The catalogue as this scenario sees it: its region's prices, its overrides applied, prices in its currency."""
    a = resolved.assessment
    exchange = Exchange(a.currency, a.usd_to_currency.value, str(a.usd_to_currency.as_of)) if a.usd_to_currency else USD
    return Values(catalogue.in_region(resolved.customer.region), dict(resolved.overrides), exchange,
                  options=tuple(a.options))
