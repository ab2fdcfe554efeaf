"""The one-screen terminal summary printed by `invoke validate` and `invoke compute`."""

from __future__ import annotations

from reportgen.report.filters import money_short, multiple, months, number, percent


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


def _value(value, figure: str, currency: str) -> str:
    if figure == "savings_pct":
        return percent(value)
    if figure == "roi":
        return multiple(value)
    if figure == "payback_months":
        return "–" if value is None else months(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and figure != "input":
        return money_short(value, currency)
    return "–" if value is None else str(value)


def changes_text(changes: dict | None, results: dict) -> str:
    """The change log of `invoke diff`: changed inputs and catalogue values, and how headlines moved."""
    if changes is None:
        return "No previous report to compare with."
    currency, names = results["currency"], {o: results["options"][o]["short_name"] for o in results["option_order"]}
    previous = changes["previous"]
    lines = [f"Since the previous report (inputs {str(previous.get('inputs_sha256'))[:12]}, "
             f"catalogue {previous.get('catalogue_version')}, reportgen {previous.get('tool_version')}):"]
    if not (changes["inputs"] or changes["catalogue"] or changes["headline"]):
        lines.append("  nothing changed.")
    for title, rows, label, kind in (("inputs", changes["inputs"], "path", "input"),
                                     ("catalogue values", changes["catalogue"], "key", "input")):
        if rows:
            lines.append(f"  {title}:")
            lines += [f"    {row[label]}: {_value(row['old'], kind, currency)} -> {_value(row['new'], kind, currency)}"
                      for row in rows]
    if changes["headline"]:
        lines.append("  headline figures:")
        lines += [f"    {names.get(row['option'], row['option'])} {row['figure']}: "
                  f"{_value(row['old'], row['figure'], currency)} -> {_value(row['new'], row['figure'], currency)}"
                  for row in changes["headline"]]
    return "\n".join(lines)


def outcome_table(outcomes) -> str:
    """The closing table of a batch: customer, status, the proposed option's savings and ROI, time."""
    lines = [f"{'customer':<24} {'status':<11} {'savings':>10} {'ROI':>7} {'time':>7}"]
    for o in outcomes:
        savings = money_short(o.savings, o.currency) if o.status != "failed" else ""
        roi = multiple(o.roi) if o.status != "failed" else ""
        seconds = f"{o.seconds:.1f} s" if o.status != "up to date" else ""
        lines.append(f"{o.slug:<24} {o.status:<11} {savings:>10} {roi:>7} {seconds:>7}")
    built = sum(o.status == "built" for o in outcomes)
    if outcomes and built == 0 and not any(o.status == "failed" for o in outcomes):
        lines.append("Nothing to do: every report is up to date.")
    return "\n".join(lines)
