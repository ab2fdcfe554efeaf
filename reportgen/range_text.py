"""The sentence that states the range of outcomes (executive summary and REPORT.md section 12)."""

from __future__ import annotations

from .filters import money_short, number


def range_sentence(results: dict) -> str:
    """`In 80 % of 10,000 simulated outcomes, savings fall between $2.25M and $3.32M (median $2.79M).`"""
    outcome = results["options"][results["proposed_option"]]["range"]
    savings, currency = outcome["savings"], results["currency"]
    trials = number(outcome["trials"])
    if savings["p10"] == savings["p90"]:
        return (f"All {trials} simulated outcomes give the same savings, {money_short(savings['p50'], currency)}: "
                "no input that moves savings was given as a range.")
    return (f"In 80 % of {trials} simulated outcomes, savings fall between {money_short(savings['p10'], currency)} "
            f"and {money_short(savings['p90'], currency)} (median {money_short(savings['p50'], currency)}).")
