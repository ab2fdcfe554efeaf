"""The one-screen terminal summary printed by `invoke validate` and `invoke compute`."""

from __future__ import annotations

from .filters import money_short, multiple, months, number, percent


def summary(results: dict) -> str:
    currency = results["currency"]
    customer = results["customer"]["name"]
    lines = [
        f"{customer}: {len(results['option_order'])} options over {results['horizon_years']} years, "
        f"against {results['options'][results['current_option']]['name']} (current)",
        f"  impacted engineers {number(results['impacted_engineers'])}, "
        f"cost per incident {money_short(results['cost_per_incident'], currency)}",
        "",
        f"  {'option':<36} {'3-yr TCO' if results['horizon_years'] == 3 else 'TCO':>10} {'savings':>10} "
        f"{'%':>6} {'ROI':>7}  payback",
    ]
    for option_id in results["option_order"]:
        o = results["options"][option_id]
        marks = []
        if option_id == results["proposed_option"]:
            marks.append("proposed")
        if option_id == results["current_option"]:
            marks.append("current")
        if not o["feasible"]:
            marks.append("INFEASIBLE")
        name = o["short_name"] + (f" ({', '.join(marks)})" if marks else "")
        payback = "–" if option_id == results["current_option"] else months(o["payback_months"])
        lines.append(f"{'>' if option_id == results['proposed_option'] else ' '} {name[:36]:<36} "
                     f"{money_short(o['tco_hard'], currency):>10} {money_short(o['savings'], currency):>10} "
                     f"{percent(o['savings_pct']):>6} {multiple(o['roi']):>7}  {payback}")
        for reason in o["infeasible_reasons"][:1]:
            lines.append(f"    infeasible: {reason['message']}")
    return "\n".join(lines)
