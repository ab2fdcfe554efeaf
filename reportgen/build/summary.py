"""The one-screen terminal summary printed by `invoke validate` and `invoke compute`."""

from __future__ import annotations

from reportgen.model.contract import Changes, Results
from reportgen.report.filters import money_short, months, number, percent


def summary(results: Results) -> str:
    currency = results.currency
    lines = [
        f"{results.customer.name}: {len(results.option_order)} options over {results.horizon_years} years, "
        f"against {results.options[results.current_option].name} (current)",
        f"  impacted engineers {number(results.impacted_engineers)}, "
        f"cost per incident {money_short(results.cost_per_incident, currency)}",
        "",
        f"  {'option':<36} {'3-yr TCO' if results.horizon_years == 3 else 'TCO':>10} {'savings':>10} "
        f"{'%':>6} {'ROI':>7}  payback",
    ]
    for option_id in results.option_order:
        o = results.options[option_id]
        marks = []
        if option_id == results.proposed_option:
            marks.append("proposed")
        if option_id == results.current_option:
            marks.append("current")
        if not o.feasible:
            marks.append("INFEASIBLE")
        name = o.short_name + (f" ({', '.join(marks)})" if marks else "")
        payback = "–" if option_id == results.current_option else months(o.payback_months)
        lines.append(f"{'>' if option_id == results.proposed_option else ' '} {name[:36]:<36} "
                     f"{money_short(o.tco_hard, currency):>10} {money_short(o.savings, currency):>10} "
                     f"{percent(o.savings_pct):>6} {percent(o.roi):>7}  {payback}")
        for reason in o.infeasible_reasons[:1]:
            lines.append(f"    infeasible: {reason.message}")
    return "\n".join(lines)


def _plain_number(value: int | float) -> str:
    """An input as a person writes it: 2.1375, not 2.1374999999999997; 4,000, never 4e+03."""
    if isinstance(value, int) or abs(value) >= 1e6:
        return f"{value:,.0f}"
    return f"{value:,.6g}"


def _value(value, figure: str, currency: str) -> str:
    if figure in ("savings_pct", "roi"):
        return percent(value)
    if figure == "payback_months":
        return "–" if value is None else months(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return money_short(value, currency) if figure != "input" else _plain_number(value)
    return "–" if value is None else str(value)


def changes_text(changes: Changes | None, results: Results) -> str:
    """The change log of `invoke diff`: changed inputs and catalogue values, and how headlines moved."""
    if changes is None:
        return "No previous report to compare with."
    currency, names = results.currency, {o: results.options[o].short_name for o in results.option_order}
    previous = changes.previous
    since = (f"Revision {previous.revision}, released on {previous.released_on}, what the customer last received"
             if previous.revision else "the previous report")
    lines = [f"Since {since} (inputs {str(previous.inputs_sha256)[:12]}, "
             f"catalogue {previous.catalogue_version}, reportgen {previous.tool_version}):"]
    if not (changes.inputs or changes.catalogue or changes.headline):
        lines.append("  nothing changed.")
    for title, rows in (("inputs", [(row.path, row.old, row.new) for row in changes.inputs]),
                        ("catalogue values", [(row.key, row.old, row.new) for row in changes.catalogue])):
        if rows:
            lines.append(f"  {title}:")
            lines += [f"    {label}: {_value(old, 'input', currency)} -> {_value(new, 'input', currency)}"
                      for label, old, new in rows]
    old_currency = previous.currency or currency
    if old_currency != currency:
        lines.append(f"  the previous report was in {old_currency}: its amounts are shown in {old_currency}, "
                     f"today's in {currency}")
    if changes.headline:
        lines.append("  headline figures:")
        lines += [f"    {names.get(row.option, row.option)} {row.figure}: "
                  f"{_value(row.old, row.figure, old_currency)} -> {_value(row.new, row.figure, currency)}"
                  for row in changes.headline]
    return "\n".join(lines)


def outcome_table(outcomes) -> str:
    """The closing table of a batch: customer, status, the proposed option's savings and ROI, time."""
    lines = [f"{'customer':<24} {'status':<11} {'savings':>10} {'ROI':>7} {'time':>7}"]
    for o in outcomes:
        figures = o.status in ("built", "up to date")
        savings = money_short(o.savings, o.currency) if figures else ""
        roi = percent(o.roi) if figures else ""
        seconds = f"{o.seconds:.1f} s" if o.status in ("built", "failed") else ""
        lines.append(f"{o.slug:<24} {o.status:<11} {savings:>10} {roi:>7} {seconds:>7}")
    if outcomes and all(o.status == "up to date" for o in outcomes):
        lines.append("Nothing to do: every report is up to date.")
    return "\n".join(lines)
