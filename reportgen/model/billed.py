"""Today's cost from the customer's bill (docs/model.md section 15): where the assessment holds a measured bill,
the current option's infrastructure and service charges are the bill's, scaled from its period to a year, and
grow in later years as the model's estimate grows. People, risk and every other option stay modelled.

Each group of the bill's parts scales the model parts it describes by billed / modelled in year 1; a group the
bill does not hold (billed 0) keeps the model's figure, and one the model does not cost (modelled 0) is added
as billed, the same every year.
"""

from __future__ import annotations

import numpy as np

from reportgen.inputs.schema import MeasuredBill

# a group of the bill's parts -> the parts of the model it describes, as (category, part)
GROUPS = {
    ("brokers",): (("infrastructure", "compute"), ("service_charges", "capacity")),
    ("storage", "object_storage"): (("infrastructure", "storage"), ("service_charges", "storage")),
    ("cross_zone_transfer", "other_data_transfer"): (("infrastructure", "network"), ("service_charges", "data_transfer")),
    ("service_charges",): (("service_charges", "partitions"), ("service_charges", "licence")),
}
NOISE = 1e-6  # modelled amounts below this are float noise, not a cost


def billed_years(years: list[dict], bill: MeasuredBill, reference: dict | None = None) -> list[dict]:
    """`years` (1..H of the current option) with each billed group's model parts scaled to the bill.

    The scale is billed / modelled in the `reference` year 1, by default `years`' own; a what-if (the
    baseline with an optimisation turned on) passes the actual run's, so that the bill moves as the model does.
    """
    annual = bill.annual_by_part
    first = reference or years[0]
    scaled = [{**y, "infrastructure": dict(y["infrastructure"]), "service_charges": dict(y["service_charges"])}
              for y in years]
    for bill_parts, model_parts in GROUPS.items():
        billed = sum(annual[p] for p in bill_parts)
        modelled = sum(first[c][p] for c, p in model_parts)
        if billed == 0:
            continue
        unmodelled = np.abs(modelled) < NOISE  # per trial in a simulation
        ratio = _scalar(np.where(unmodelled, 1.0, billed / np.where(unmodelled, 1.0, modelled)))
        added = _scalar(np.where(unmodelled, billed, 0.0))
        for year in scaled:
            for category, part in model_parts:
                year[category][part] = year[category][part] * ratio
            category, part = model_parts[0]
            year[category][part] = year[category][part] + added
    return scaled


def _scalar(value: np.ndarray):
    """A deterministic run keeps plain floats; a simulation keeps one value per trial."""
    return float(value) if np.ndim(value) == 0 else value
