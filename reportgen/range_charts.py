"""The two charts of the range of outcomes (REPORT.md section 12), as SVG bytes with real text.

Both read only results.json: the proposed option's `range.histogram` and percentiles, and the
`sensitivity` list; each returns None when there is nothing to draw (no input moves savings). Colours and the font come in as plain arguments so that any theme can drive
them; the SVG is deterministic (fixed hash salt, no date, text kept as text).
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import filters

WIDTH_IN = 6.5  # the text block of an A4 or Letter page with the report's margins
TORNADO_ROWS = 10
MARKERS = (("p10", "P10", "right"), ("p50", "P50", "center"), ("p90", "P90", "left"))  # labels lean outwards


def _rc(font_family: str | list[str], text: str, neutral: str) -> dict:
    return {"font.family": font_family, "font.size": 8.5, "text.parse_math": False, "text.usetex": False,
            "svg.fonttype": "none", "svg.hashsalt": "reportgen", "text.color": text, "axes.edgecolor": neutral,
            "axes.labelcolor": text, "xtick.color": text, "ytick.color": text, "axes.spines.top": False,
            "axes.spines.right": False, "axes.spines.left": False, "xtick.major.size": 0, "ytick.major.size": 0,
            "legend.frameon": False, "legend.fontsize": 8, "figure.facecolor": "none", "axes.facecolor": "none"}


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _money_axis(axis, currency: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: filters.money_short(value, currency)))


def input_value(value: float) -> str:
    """An input's low or high as a reader writes it: 4, 0.25, 50,000."""
    if abs(value) >= 100 or float(value).is_integer():
        return filters.number(value)
    return filters.number(value, 3).rstrip("0").rstrip(".")


def savings_histogram(results: dict, *, colour: str, neutral: str, text: str,
                      font_family: str | list[str]) -> bytes | None:
    """The proposed option's simulated savings: bars of trials per amount, P10, P50 and P90 marked.

    Bars below zero (the proposed option costs more) take the neutral colour.
    """
    outcome = results["options"][results["proposed_option"]]["range"]
    if outcome["savings"]["p10"] == outcome["savings"]["p90"]:
        return None
    edges, counts = outcome["histogram"]["edges"], outcome["histogram"]["counts"]
    currency = results["currency"]
    with matplotlib.rc_context(_rc(font_family, text, neutral)):
        figure = Figure(figsize=(WIDTH_IN, 2.6), layout="constrained")
        ax = figure.add_subplot()
        widths = [right - left for left, right in zip(edges, edges[1:])]
        ax.bar(edges[:-1], counts, width=widths, align="edge", linewidth=0,
               color=[colour if left + width / 2 >= 0 else neutral for left, width in zip(edges, widths)])
        top = max(counts) or 1
        for key, name, align in MARKERS:
            value = outcome["savings"][key]
            ax.vlines(value, 0, top * 1.04, color=text, linewidth=0.9, linestyle="-" if key == "p50" else "--")
            ax.annotate(f"{name} {filters.money_short(value, currency)}", (value, top * 1.06), ha=align,
                        va="bottom", fontsize=8, fontweight="bold" if key == "p50" else "normal")
        if edges[0] < 0 < edges[-1]:
            ax.vlines(0, 0, top, color=neutral, linewidth=0.8)
        ax.set_ylim(0, top * 1.22)
        ax.set_yticks([])
        ax.set_xlabel(f"Savings over {results['horizon_years']} years, {filters.number(outcome['trials'])} "
                      "simulated outcomes")
        _money_axis(ax.xaxis, currency)
        return _svg(figure)


def tornado(results: dict, *, colour: str, neutral: str, text: str,
            font_family: str | list[str]) -> bytes | None:
    """The inputs that move the proposed option's savings most, each from its low to its high.

    Bars start at the deterministic savings; the neutral bar is the input at its low, the coloured
    one at its high. Inputs that do not move savings are left out.
    """
    rows = [row for row in results["sensitivity"] if row["swing"] > 0][:TORNADO_ROWS]
    if not rows:
        return None
    centre = results["options"][results["proposed_option"]]["savings"]
    currency = results["currency"]
    with matplotlib.rc_context(_rc(font_family, text, neutral)):
        figure = Figure(figsize=(WIDTH_IN, 0.36 * len(rows) + 0.9), layout="constrained")
        ax = figure.add_subplot()
        y = list(range(len(rows)))[::-1]
        for at, shade in (("savings_at_low", neutral), ("savings_at_high", colour)):
            ax.barh(y, [row[at] - centre for row in rows], left=centre, height=0.62, color=shade, linewidth=0)
        ax.set_yticks(y, [f"{row['label']} ({input_value(row['low'])} – {input_value(row['high'])})" for row in rows])
        ax.axvline(centre, color=text, linewidth=0.9)
        ax.spines["bottom"].set_visible(False)
        ax.grid(axis="x", color=neutral, linewidth=0.4, alpha=0.5)
        ax.set_axisbelow(True)
        ax.set_xlabel(f"Savings over {results['horizon_years']} years")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.legend(handles=[Patch(color=neutral, label="Input at its low"), Patch(color=colour, label="Input at its high"),
                           Line2D([], [], color=text, linewidth=0.9,
                                  label=f"All inputs likely: {filters.money_short(centre, currency)}")],
                  loc="lower center", ncols=3, bbox_to_anchor=(0.5, 1.0))
        _money_axis(ax.xaxis, currency)
        return _svg(figure)
