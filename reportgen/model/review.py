"""What a reviewer would question before the report is sent: placeholders left in the assessment, values
outside plausible bands (plausibility.toml), and a proposal that another option beats without a stated reason.

The notes are warnings: `invoke validate` and `invoke report` print them, results.json lists them under
`warnings`, the customer's PDF never shows them. Placeholders are the exception that blocks: `invoke report`
refuses to render them unless asked for a draft.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportgen.catalogue import Exchange
from reportgen.inputs.leaves import leaves
from reportgen.inputs.scaffold import MARKER

BANDS_FILE = Path(__file__).with_name("plausibility.toml")
ENDS = ("low", "likely", "high")


@dataclass(frozen=True)
class Band:
    path: str
    of: str
    low: float | None
    high: float | None
    unit: str
    reason: str
    source: str

    def matches(self, path: str) -> bool:
        pattern = re.escape(self.path).replace(r"\[\*\]", r"\[\d+\]")
        return re.fullmatch(pattern + r"(\.(low|likely|high))?", path) is not None


@cache
def bands() -> tuple[Band, ...]:
    data = tomllib.loads(BANDS_FILE.read_text(encoding="utf-8"))
    return tuple(Band(b["path"], b.get("of", "inputs"), b.get("low"), b.get("high"), b["unit"], b["reason"],
                      b["source"]) for b in data["band"])


def note(kind: str, path: str, message: str, reason: str = "", source: str = "") -> dict:
    return {"kind": kind, "path": path, "message": message, "reason": reason, "source": source}


def _placeholder(path: str, text: str) -> dict:
    if path.endswith("$comment"):
        asked = text[len(MARKER):].lstrip(": ").split(" [")[0]
        return note("placeholder", path, f"is marked {MARKER}: {asked}",
                    f"replace those values with the customer's, then delete the {MARKER} note")
    return note("placeholder", path, f"holds the placeholder \"{text[:60]}\"", "replace it with the customer's own")


def placeholders(inputs: dict) -> list[dict]:
    """Every text `invoke new` marked for the user to replace, by its JSON path."""
    return [_placeholder(path, value) for path, value in leaves(inputs, keep_comments=True).items()
            if isinstance(value, str) and value.startswith(MARKER)]


def _shown(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _outside(band: Band, value: float, scale: float) -> str | None:
    low = band.low * scale if band.low is not None else None
    high = band.high * scale if band.high is not None else None
    if low is not None and value < low:
        return f"is {_shown(value)}, below {_shown(low)}"
    if high is not None and value > high:
        return f"is {_shown(value)}, above {_shown(high)}"
    return None


def implausible(inputs: dict, proposal: dict, exchange: Exchange) -> list[dict]:
    found = []
    figures = {"inputs": leaves(inputs), "proposal": proposal}
    for band in bands():
        scale = exchange.rate if band.unit.startswith("USD") else 1.0
        unit = exchange.currency + band.unit[3:] if band.unit.startswith("USD") else band.unit
        for path, value in figures[band.of].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and band.matches(path):
                outside = _outside(band, value, scale)
                if outside:
                    where = path if band.of == "inputs" else f"options.{proposal['id']}.{path}"
                    found.append(note("implausible", where, f"{outside} {unit}", band.reason, band.source))
    return found


def unexplained_proposal(results: dict, rationale: str | None) -> list[dict]:
    """A feasible option beats the proposal on hard TCO or NPV and the assessment gives no reason."""
    if rationale:
        return []
    proposed = results["options"][results["proposed_option"]]
    better = [o for o, r in results["options"].items() if o != results["proposed_option"] and r["feasible"]
              and (r["tco_hard"] < proposed["tco_hard"] or r["npv"] > proposed["npv"])]
    return [note("unexplained_proposal", "assessment.rationale",
                 f"{', '.join(results['options'][o]['short_name'] for o in better)} "
                 f"{'has' if len(better) == 1 else 'have'} a lower hard TCO or a higher NPV than the proposed "
                 f"{proposed['short_name']}",
                 "a finance reader sets the proposal against the cheapest option first; say why in "
                 "assessment.rationale (the executive summary prints it after the comparison)")] if better else []


def review(inputs: dict, results: dict, exchange: Exchange, rationale: str | None) -> list[dict]:
    proposed = results["proposed_option"]
    proposal = {"id": proposed, **{k: v for k, v in results["options"][proposed].items() if k in ("savings_pct", "roi")}}
    return placeholders(inputs) + implausible(inputs, proposal, exchange) + unexplained_proposal(results, rationale)
