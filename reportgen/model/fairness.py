"""Is the baseline fair? The current option's settings, each optimisation a careful team would use shown on
or off, what the proposal's savings would be with each one that is off turned on, and any optimisation
another option is credited with while the current one is denied it (docs/model.md section 14).

A sceptic's first question of a TCO comparison is whether today's platform was costed badly to flatter
the proposal; this answers it with the model itself rather than with a sentence.
"""

from __future__ import annotations

from reportgen.catalogue import Catalogue, MissingPrice
from reportgen.inputs.schema import Assessment
from reportgen.model.costs import Model, proposed_savings

BROKER_BASED = ("self_managed", "licensed", "provisioned_service")  # brokers with disks the customer sizes
SIZED_AT_A_UTILISATION = BROKER_BASED + ("express_brokers",)


def _optimisation(name: str, on: bool, resolved: Assessment, catalogue: Catalogue, today: dict) -> dict:
    """An optimisation on or off; when off, the proposed option's savings over the horizon with it on (every
    option re-costed), unless a price the re-costing needs is missing in the region's book."""
    if on:
        return {"name": name, "on": True, "savings_if_on": None, "not_recosted": None}
    variant = resolved.model_copy(update={"baseline": resolved.baseline.model_copy(update={name: True})})
    try:
        savings = proposed_savings(variant, catalogue, bill_reference=today)
    except MissingPrice as missing:
        return {"name": name, "on": False, "savings_if_on": None, "not_recosted": f"no {missing.key} price in the "
                                                                                  f"{missing.region} book"}
    return {"name": name, "on": False, "savings_if_on": savings, "not_recosted": None}


def _cross_zone_clients(model: Model, option_id: str, resolved: Assessment) -> bool:
    """Whether consumers reading across zones cost the option anything: only then does fetching from a
    replica in the consumer's zone matter."""
    return bool(model.opt(option_id, "network.client_cross_az")) and any(
        c.availability_zones > 1 for c in resolved.clusters)


def fair_baseline(resolved: Assessment, evaluation: dict, catalogue: Catalogue) -> dict:
    """`evaluation` is the actual run's: its model, and its own estimate of today, which a measured bill scales."""
    model, today = evaluation["model"], evaluation["modelled_today"]
    a, b = resolved.assessment, resolved.baseline
    current = a.current_option
    pricing = model.pricing(current)
    broker_based = pricing in BROKER_BASED
    optimisations = []
    if broker_based:
        optimisations.append(_optimisation("tiered_storage", bool(model.tiered(current)), resolved, catalogue, today))
    if _cross_zone_clients(model, current, resolved):
        optimisations.append(_optimisation("fetch_from_follower", b.fetch_from_follower, resolved, catalogue, today))
    credited = []
    if broker_based:
        for option_id in a.options:
            kind = model.pricing(option_id)
            if option_id == current or kind not in SIZED_AT_A_UTILISATION:
                continue
            if kind in BROKER_BASED and model.tiered(option_id) and not model.tiered(current):
                credited.append({"option": option_id, "optimisation": "tiered_storage"})
            if model.utilization(option_id) > model.utilization(current):
                credited.append({"option": option_id, "optimisation": "target_utilization"})
    instance = f"price_book.instances.{b.broker_instance}"
    price = (model.v[f"options.{current}.brokers.{b.broker_instance}.price_per_hour"]
             if pricing == "provisioned_service" else model.v[f"{instance}.price_per_hour"])
    return {
        "option": current,
        "broker_based": broker_based,
        "broker_instance": b.broker_instance if broker_based else None,
        "broker_price_per_hour": price if broker_based else None,
        "broker_price_kind": ("service" if pricing == "provisioned_service" else "instance") if broker_based else None,
        "broker_write_mbps": model.v[f"{instance}.sustained_write_mbps"] if broker_based else None,
        "target_utilization": model.utilization(current) if broker_based else None,
        "disk_utilization": b.disk_utilization if broker_based else None,
        "optimisations": optimisations,
        "credited_to_others": credited,
    }
