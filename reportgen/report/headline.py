"""The headline rules: what the executive summary may say about the proposal, so that no sentence of it can
contradict a table and a reader of that page alone gets a true picture (docs/model.md section 14).

- ROI is printed as a percentage; payback only when the option's savings over the horizon are not negative.
- The proposal is always set against the alternatives: the option with the lowest hard cost, the one with
  the highest NPV and the one with the highest ROI, each named when it is not the proposal.
- The assessment's rationale, when given, follows that comparison in the customer's own words.
"""

from __future__ import annotations

from datetime import date, timedelta

from reportgen.model.contract import OptionResult, Results
from reportgen.report import filters


OPTIMISATION_WORDS = {"tiered_storage": "tiered storage",
                      "fetch_from_follower": "consumers fetching from a replica in their own zone",
                      "target_utilization": "brokers run at a higher share of their throughput"}


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _short(results: Results):
    return lambda value: filters.money_short(value, results.currency)


def payback_phrase(option: OptionResult, horizon: int) -> str:
    if option.savings < 0:
        return f"does not pay back: over {horizon} years it costs more than today"
    if option.payback_months is None:
        return f"does not pay back its migration within {horizon} years"
    return f"pays back its migration within {filters.months(option.payback_months)}"


def finding(results: Results) -> list[str]:
    """Three sentences: the cost against today, the return, the risk kept apart."""
    current, proposed = results.options[results.current_option], results.options[results.proposed_option]
    short, horizon, name = _short(results), results.horizon_years, results.customer.name
    if proposed.savings >= 0:
        first = (f"Moving {possessive(name)} Kafka from {current.name} to {proposed.name} cuts its {horizon}-year hard cost of "
                 f"ownership from {short(current.tco_hard)} to {short(proposed.tco_hard)}: a saving of "
                 f"{short(proposed.savings)}, or {filters.percent(proposed.savings_pct)}.")
    else:
        first = (f"Moving {possessive(name)} Kafka from {current.name} to {proposed.name} raises its {horizon}-year hard cost "
                 f"of ownership from {short(current.tco_hard)} to {short(proposed.tco_hard)}, by "
                 f"{short(-proposed.savings)}.")
    roi = (f"a return on investment of {filters.percent(proposed.roi)} (net savings over the new service's "
           f"charges and the migration)" if proposed.roi is not None else "no defined return on investment")
    second = f"The move has {roi} and {payback_phrase(proposed, horizon)}."
    risk_gain = current.totals.risk - proposed.totals.risk
    third = (f"Fewer and shorter disruptions are expected to be worth a further {short(risk_gain)} over the period; "
             f"they are shown apart and are not part of the savings above."
             if risk_gain > 0 else "Expected downtime and incident costs are not lower with this option.")
    return [first, second, third]


def _best(results: Results, figure: str, highest: bool) -> str | None:
    candidates = [o for o in results.option_order if results.options[o].feasible
                  and getattr(results.options[o], figure) is not None]
    if not candidates:
        return None
    pick = max if highest else min
    return pick(candidates, key=lambda o: getattr(results.options[o], figure))


def comparison(results: Results, rationale: str | None) -> list[str]:
    """The proposal against the best feasible alternative on hard cost, NPV and ROI; then the rationale."""
    proposed_id = results.proposed_option
    proposed = results.options[proposed_id]
    short, horizon = _short(results), results.horizon_years
    lowest, best_npv, best_roi = (_best(results, "tco_hard", False), _best(results, "npv", True),
                                  _best(results, "roi", True))
    sentences = []
    if lowest == proposed_id and best_npv == proposed_id:
        count = sum(results.options[o].feasible for o in results.option_order)
        sentences.append(f"Of the {count} options that can carry the workload, {proposed.short_name} has the lowest "
                         f"{horizon}-year hard cost and the highest net present value (NPV).")
    else:
        cheaper = (f"would cost less over {horizon} years than the proposal "
                   f"({short(results.options[lowest].tco_hard)} against {short(proposed.tco_hard)})"
                   if lowest not in (None, proposed_id) else None)
        npv = (f"has a higher net present value, NPV ({short(results.options[best_npv].npv)} against "
               f"{short(proposed.npv)})" if best_npv not in (None, proposed_id) else None)
        if cheaper and npv and lowest == best_npv:
            sentences.append(f"{results.options[lowest].short_name} {cheaper} and {npv}.")
        else:
            sentences += [f"{results.options[o].short_name} {words}." for o, words in ((lowest, cheaper), (best_npv, npv))
                          if words]
    if best_roi not in (None, proposed_id) and proposed.roi is not None:
        other = results.options[best_roi]
        link = "but saves less" if other.savings < proposed.savings else "and saves more"
        sentences.append(f"{other.short_name} returns more on what it costs (an ROI of {filters.percent(other.roi)} "
                         f"against {filters.percent(proposed.roi)}) {link}: {short(other.savings)} against "
                         f"{short(proposed.savings)} over {horizon} years.")
    if rationale:
        sentences.append(f"Why {proposed.short_name}: {rationale}")
    return sentences


def _saving(amount: float, short, gerund: bool = False) -> str:
    """`save $3.07M`, or `cost $3.45M more than today` for a negative saving."""
    if amount >= 0:
        return f"{'saving' if gerund else 'save'} {short(amount)}"
    return f"{'costing' if gerund else 'cost'} {short(-amount)} more than today"


def baseline_caveats(results: Results) -> list[str]:
    """One sentence per optimisation the current option is costed without, with the savings it would leave,
    and per optimisation another option is given that the current one is not."""
    fair = results.fair_baseline
    current, proposed = results.options[fair.option], results.options[results.proposed_option]
    short, sentences = _short(results), []
    for optimisation in fair.optimisations:
        if not optimisation.on and optimisation.savings_if_on is None:
            sentences.append(f"{current.short_name} is costed without {OPTIMISATION_WORDS[optimisation.name]}; "
                             f"its effect on the savings could not be costed ({optimisation.not_recosted}).")
        elif not optimisation.on:
            sentences.append(f"{current.short_name} is costed without {OPTIMISATION_WORDS[optimisation.name]}; with it, "
                             f"{proposed.short_name} would {_saving(optimisation.savings_if_on, short)} instead of "
                             f"{_saving(proposed.savings, short, gerund=True)}.")
    for credit in fair.credited_to_others:
        sentences.append(f"{results.options[credit.option].short_name} is costed with "
                         f"{OPTIMISATION_WORDS[credit.optimisation]}, which {current.short_name} is not given here.")
    return sentences


def baseline_settings(results: Results) -> list[dict]:
    """The current option's settings as the fair-baseline box lists them: each with its words and, for an
    optimisation, whether it is on."""
    fair = results.fair_baseline
    current = results.options[fair.option]
    if not fair.broker_based:
        return []
    price = filters.price(fair.broker_price_per_hour, results.currency)
    instance = f"kafka.{fair.broker_instance}" if fair.broker_price_kind == "service" else fair.broker_instance
    whose = f"{current.short_name}'s own broker-hour price" if fair.broker_price_kind == "service" else "on demand"
    settings = [
        {"text": f"brokers are {instance} ({filters.mbps(fair.broker_write_mbps)} of replicated writes each, "
                 f"{price} an hour, {whose})", "on": None},
        {"text": f"brokers run at up to {filters.percent(fair.target_utilization)} of their sustained write "
                 f"throughput at peak, and disks are filled to {filters.percent(fair.disk_utilization)}", "on": None},
    ]
    words = {"tiered_storage": ("tiered storage is on: only recent data stays on broker disks, the rest sits once "
                                "in object storage", "tiered storage is off: every retained byte sits on broker disks, "
                                "replicated"),
             "fetch_from_follower": ("consumers fetch from a replica in their own zone, so they cause no cross-zone "
                                     "traffic", "consumers read from the partition leader, which may sit in another zone")}
    for optimisation in fair.optimisations:
        settings.append({"text": words[optimisation.name][0 if optimisation.on else 1], "on": optimisation.on})
    return settings


def period_words(start: str, end_exclusive: str) -> str:
    """`March to August 2026` for a billed period given as first day and the day after the last."""
    first, last = date.fromisoformat(start), date.fromisoformat(end_exclusive) - timedelta(days=1)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"
    return f"{first:%B}{'' if first.year == last.year else f' {first.year}'} to {last:%B %Y}"


def today_basis(results: Results) -> list[str]:
    """Where the customer's bill is in the assessment: how close the model of today is to it, and that the
    comparison uses the bill, with the savings against the model's own estimate beside it."""
    rec = results.reconciliation
    if rec is None:
        return []
    short, proposed = _short(results), results.options[results.proposed_option]
    period = period_words(rec.period_start, rec.period_end)
    closeness = (f"The model of today's infrastructure and service charges is within "
                 f"{filters.percent(abs(rec.variance_pct))} of {possessive(results.customer.name)} bill for {period}"
                 if rec.variance_pct is not None else f"{possessive(results.customer.name)} bill for {period} is imported")
    return [f"{closeness}; today's cost in this comparison is the bill's, scaled to a year.",
            f"Against the model's own estimate of today instead, {proposed.short_name} would "
            f"{_saving(rec.savings_against_model, short)} rather than {_saving(proposed.savings, short, gerund=True)}."]
