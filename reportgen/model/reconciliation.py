"""Today's cost as modelled against the customer's bill (docs/model.md section 15): each part of the bill
beside the model's year 1 of the current option, the variance, and the input most likely behind a large one.

The bill's amounts are over its period; they are scaled to a year of 365 days. A part the bill does not hold
while the model costs it (support bought elsewhere, say) is "not in this bill", never a variance of -100 %.
"""

from __future__ import annotations

from reportgen.catalogue import Values
from reportgen.inputs.schema import BILL_PARTS, Assessment
from reportgen.model.billed import NOISE
from reportgen.model.costs import proposed_savings

LARGE_VARIANCE = 0.15  # a variance above this share names the input most likely behind it
PART_LABELS = {"brokers": "Brokers or capacity", "storage": "Storage (disks and object storage)",
               "cross_zone_transfer": "Cross-zone data transfer", "other_data_transfer": "Other data transfer",
               "service_charges": "Other service charges", "support": "Support"}
LIKELY_INPUTS = {
    "brokers": "brokers in service against brokers sized; baseline.target_utilization; clusters[].peak_to_average",
    "storage": "clusters[].retention_days; baseline.disk_utilization; clusters[].replication_factor; "
               "baseline.tiered_storage",
    "cross_zone_transfer": "baseline.fetch_from_follower; clusters[].availability_zones",
    "other_data_transfer": "clusters[].egress_mbps; the option's client_transfer_per_gb",
    "service_charges": "clusters[].partitions",
    "support": "baseline.support_and_services_per_year",
}
SELF_RUN = ("self_managed", "licensed")


def _clean(amount: float) -> float:
    return 0.0 if abs(amount) < NOISE else amount


def _modelled(year: dict, pricing: str, cross_zone: float) -> dict[str, float]:
    """The model's estimate of the current option's year 1, in the bill's parts."""
    infrastructure, service, people = year["infrastructure"], year["service_charges"], year["people"]
    self_run = pricing in SELF_RUN
    return {
        "brokers": infrastructure["compute"] if self_run else service["capacity"],
        "storage": infrastructure["storage"] + service["storage"],
        "cross_zone_transfer": cross_zone,
        "other_data_transfer": _clean(infrastructure["network"] - cross_zone + service["data_transfer"]),
        "service_charges": service["partitions"] + service["licence"],
        "support": people["support_and_services"],
    }


def _savings_against_model(resolved: Assessment, values: Values) -> float:
    """The proposed option's savings were today's cost the model's estimate rather than the bill: the
    like-for-like comparison a sceptic of measured-against-modelled will ask for."""
    variant = resolved.model_copy(update={"measured": resolved.measured.model_copy(update={"bill": None})})
    return proposed_savings(variant, values.catalogue)


def reconcile(resolved: Assessment, results: dict, modelled_today: dict, values: Values) -> dict | None:
    """The reconciliation of results.json (`reconciliation`), or None without a measured bill.
    `modelled_today` is the model's own year 1 of the current option, before the bill replaced it."""
    measured = resolved.measured
    if measured is None or measured.bill is None:
        return None
    bill = measured.bill
    option = results["options"][results["current_option"]]
    price = results["catalogue_used"].get("price_book.network.cross_az_per_gb", {}).get("value", 0.0)
    cross_zone = sum(s["cross_az_gb"]["total"] for s in option["sizing"] if s["year"] == 1) * price
    modelled = {part: float(amount) for part, amount in _modelled(modelled_today, option["pricing"], cross_zone).items()}
    annual = bill.annual_by_part
    billed = {part: annual[part] for part in BILL_PARTS if part != "object_storage"}
    billed["storage"] += annual["object_storage"]
    rows = []
    for part, model in modelled.items():
        amount = billed[part]
        in_bill = amount != 0 or model == 0
        variance = amount - model if in_bill else None
        share = variance / model if in_bill and model else None
        rows.append({"part": part, "label": PART_LABELS[part], "modelled": model, "billed": amount if in_bill else None,
                     "variance": variance, "variance_pct": share,
                     "likely_input": LIKELY_INPUTS[part] if share is not None and abs(share) > LARGE_VARIANCE else None})
    compared = [r for r in rows if r["billed"] is not None]
    modelled_total = sum(r["modelled"] for r in compared)
    billed_total = sum(r["billed"] for r in compared)
    scale = 365 / bill.period.days
    discounts = sum(a.amount for a in bill.adjustments if a.kind == "discount") * scale
    return {
        "format": bill.format, "sources": list(bill.sources), "selector": bill.selector,
        "period_start": bill.period.start, "period_end": bill.period.end, "period_days": bill.period.days,
        "rows": rows, "modelled_total": modelled_total, "billed_total": billed_total,
        "variance_pct": (billed_total - modelled_total) / modelled_total if modelled_total else None,
        "recurring_discounts": discounts,
        "modelled_discount": option["years"][1]["service_charges"]["discount"],
        "unclassified": sum(bill.unclassified.values()) * scale,
        "adjustments": [{"kind": a.kind, "name": a.name, "amount": a.amount * scale} for a in bill.adjustments],
        "brokers_in_service": {name: c.brokers_in_service for name, c in measured.clusters.items()
                               if c.brokers_in_service is not None},
        "savings_against_model": _savings_against_model(resolved, values),
    }
