"""The report's charts drawn: one function per chart, drawing on axes of the chart's planned size, made SVG with real text.

Charts use the theme's fonts (registered from the theme's own files; a missing font is an
error, never a silent fallback) and palette, one colour per option in assessment order. The
SVG is deterministic: fixed hash salt, no date, text kept as text. Which charts a report has, their
sizes and words are their records in chart_plan.CHARTS (read without matplotlib); each record names
its function here, and a record whose function is missing stops this module from loading.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reportgen.model.contract import Results
from reportgen.report import chart_plan, fallback, filters
from reportgen.report.chart_plan import (CATEGORY_LABELS, PART_LABELS, REDUCTION_LABELS, WIDTH_IN, Chart, chart_words,
                                         compared_options, current_cost_rows, simulated_savings, tornado_rows)
from reportgen.problems import ReportgenError
from reportgen.report.theme import FontFile, Theme, option_colours

MARKERS = (("p10", "P10", "right"), ("p50", "P50", "center"), ("p90", "P90", "left"))  # labels lean outwards


class Style:
    """The theme as matplotlib sees it: fonts registered once per process, colours by role."""

    def __init__(self, theme: Theme, results: Results):
        needed = fallback.needed(theme.folder.parents[1], theme, chart_words(results))
        _register_fonts(theme, needed)
        self.theme = theme
        self.currency = results.currency
        self.options = option_colours(theme, results.option_order)
        self.categories = theme.category_colors
        self.text, self.muted, self.rule = theme.colors["text"], theme.colors["muted"], theme.colors["rule"]
        self.rc = {
            "font.family": [theme.body_font, *dict.fromkeys(f.family for f in needed), "sans-serif"], "font.size": 8.5, "text.parse_math": False, "text.usetex": False,
            "svg.fonttype": "none", "svg.hashsalt": "reportgen", "axes.edgecolor": self.rule,
            "axes.labelcolor": self.muted, "axes.titlesize": 9, "xtick.color": self.muted, "ytick.color": self.muted,
            "text.color": self.text, "axes.spines.top": False, "axes.spines.right": False,
            "axes.spines.left": False, "axes.grid": False, "xtick.major.size": 0, "ytick.major.size": 0,
            "legend.frameon": False, "legend.fontsize": 8, "figure.facecolor": "none", "axes.facecolor": "none",
        }

    def money(self, value: float) -> str:
        """Short money for a chart label; a hyphen for minus, which every theme's body font has."""
        return filters.money_short(value, self.currency).replace(filters.MINUS, "-")

    def money_axis(self, axis) -> None:
        axis.set_major_formatter(FuncFormatter(lambda v, _: self.money(v)))

    def figure(self, inches_high: float) -> Figure:
        return Figure(figsize=(WIDTH_IN, inches_high))

    def svg(self, figure: Figure) -> bytes:
        _fit(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        return lean_svg(buffer.getvalue(), self.rc["font.family"][:-1])

    def grid(self, ax, axis: str = "y") -> None:
        ax.grid(axis=axis, color=self.rule, linewidth=0.6)
        ax.set_axisbelow(True)


_registered: set[str] = set()
SVG_STYLE = b'<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>'
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "http://www.w3.org/1999/xlink"


def lean_svg(svg: bytes, fonts: list[str]) -> bytes:
    """Matplotlib's SVG less what costs the PDF renderer time and changes nothing on the page.

    Its one CSS rule (round joins) becomes inherited attributes on the root, and every element's
    style becomes presentation attributes, so nothing is parsed as CSS; groups that only carry an id
    are unwrapped, metadata and empty groups go; the font list becomes the report's own fonts (theme,
    then the fallbacks) before the generic family.
    """
    root = ET.fromstring(svg.replace(SVG_STYLE, b""))
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    families = ", ".join(f"'{font}'" for font in fonts) + ", sans-serif"
    _lean(root, families)
    ET.register_namespace("", SVG[1:-1])  # here, not at import: WeasyPrint resets the default namespace
    ET.register_namespace("xlink", XLINK)
    svg = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + svg + b"\n"


def _lean(parent: ET.Element, families: str) -> None:
    children = []
    for child in parent:
        if child.tag == f"{SVG}metadata" or (child.tag in (f"{SVG}g", f"{SVG}defs") and len(child) == 0):
            continue
        for declaration in child.attrib.pop("style", "").split(";"):
            name, _, value = declaration.partition(":")
            if name.strip():
                child.set(name.strip(), families if name.strip() == "font-family" else value.strip())
        _lean(child, families)
        if child.tag == f"{SVG}g" and set(child.attrib) == {"id"}:
            children.extend(child)
        else:
            children.append(child)
    parent[:] = children


_text = TextToPath()
PAD_IN = 0.06   # white space at the figure's edges
TICK_PAD_IN = 0.07  # between a tick label and its axes (rcParams' 3.5 pt pad plus a little)
RIGHT_IN = 0.1  # the axes' right margin
TICK_LABEL_CHARS = 48  # the longest y-axis label before it is shortened with an ellipsis
# Where a word too long for its column of a crowded axis breaks, in the words the charts use.
HYPHENATED = {"Infrastructure": "Infra-\nstructure", "Development": "Develop-\nment", "Operations": "Opera-\ntions"}


def _width_in(text: str, font) -> float:
    """The width of one label as it will be set, from the font's metrics (no drawing needed)."""
    return max(_text.get_text_width_height_descent(line, font, ismath=False)[0] for line in text.split("\n")) / 72


def _labels(axis) -> list[str]:
    """The tick labels an axis will show: fixed ones as set, formatted ones from its locator."""
    low, high = sorted(axis.get_view_interval())
    locations = [v for v in axis.get_majorticklocs() if low - 1e-9 <= v <= high + 1e-9]
    return [t for t in axis.major.formatter.format_ticks(locations) if t]


def _tick_font(ax: Axes):
    return (ax.yaxis.get_ticklabels() or [Text()])[0].get_fontproperties()


def _left_in(ax: Axes) -> float:
    """The axes' left margin: the widest y tick label and the y axis label."""
    font = _tick_font(ax)
    y_labels = _labels(ax.yaxis)
    left = max((_width_in(t, font) for t in y_labels), default=0.0)
    left += TICK_PAD_IN if y_labels else 0.0
    return left + (1.25 * font.get_size_in_points() / 72 if ax.get_ylabel() else 0.0)


def shortened(label: str, most: int = TICK_LABEL_CHARS) -> str:
    """A label cut to `most` characters with an ellipsis: a cluster's name may be 120 characters, which no axis
    has room for; the table beside the chart gives it whole."""
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


def wrapped(label: str, width_in: float, font) -> str:
    """A tick label in lines no wider than `width_in`: whole words first, then a long word at its hyphen point."""
    lines: list[str] = []
    for word in label.split():
        if lines and _width_in(f"{lines[-1]} {word}", font) <= width_in:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(HYPHENATED.get(line, line) if _width_in(line, font) > width_in else line for line in lines)


def _fit(figure: Figure) -> None:
    """Margins measured from the tick labels, axis labels and outside legends: a fixed layout.

    Matplotlib's constrained layout draws every figure twice to find the same margins; measuring
    the few labels directly takes a fraction of that and gives the same look.
    """
    ax = figure.axes[0]
    width_in, height_in = figure.get_size_inches()
    font = _tick_font(ax)
    line_in = 1.25 * font.get_size_in_points() / 72
    left = _left_in(ax)
    x_lines = max((t.count("\n") + 1 for t in _labels(ax.xaxis)), default=0)
    bottom = x_lines * line_in + (TICK_PAD_IN if x_lines else 0.0) + (line_in if ax.get_xlabel() else 0.0)
    top = 0.12  # room for value labels above the tallest bar
    legend = ax.get_legend()
    if legend is not None and legend.get_bbox_to_anchor().y0 >= ax.bbox.y1 - 1:
        top += line_in * 1.3
    figure.subplots_adjust(left=(left + PAD_IN) / width_in, right=1 - (RIGHT_IN + PAD_IN) / width_in,
                           bottom=(bottom + PAD_IN) / height_in, top=1 - (top + PAD_IN) / height_in)


def _register_fonts(theme: Theme, fallbacks: tuple[FontFile, ...]) -> None:
    """The theme's fonts and the fallbacks this chart text needs; each file once per process."""
    fallback.quiet_missing_bold(theme)
    for font in theme.fonts + fallbacks:
        if str(font.path) not in _registered:
            font_manager.fontManager.addfont(str(font.path))
            _registered.add(str(font.path))
    try:
        font_manager.findfont(font_manager.FontProperties(family=theme.body_font), fallback_to_default=False)
    except ValueError:
        raise ReportgenError(f"theme {theme.id}: matplotlib cannot use the body font {theme.body_font!r}") from None


def _names(results: Results, ids: list[str]) -> list[str]:
    return [results.options[o].short_name for o in ids]


def savings_by_option(results: Results, style: Style, ax: Axes) -> None:
    """Horizontal bars: hard-cost savings of each option against the current one over the horizon."""
    ids = compared_options(results)
    savings = [results.options[o].savings for o in ids]
    y = list(range(len(ids)))[::-1]
    ax.barh(y, savings, color=[style.options[o] for o in ids], height=0.62)
    ax.axvline(0, color=style.muted, linewidth=0.8)
    labels = [n + ("" if results.options[o].feasible else " (infeasible)") for n, o in zip(_names(results, ids), ids)]
    ax.set_yticks(y, labels)
    span = max(abs(s) for s in savings) or 1
    for yi, value in zip(y, savings):
        ax.annotate(style.money(value), (value, yi), xytext=(4 if value >= 0 else -4, 0),
                    textcoords="offset points", va="center", ha="left" if value >= 0 else "right",
                    fontsize=8, color=style.text, fontweight="bold")
    ax.set_xlim(min(0, min(savings)) - 0.22 * span, max(0, max(savings)) + 0.22 * span)
    style.money_axis(ax.xaxis)
    style.grid(ax, "x")
    ax.spines["bottom"].set_visible(False)


def current_cost(results: Results, style: Style, ax: Axes) -> None:
    """Horizontal bars: the current option's year-1 cost by part, coloured by category."""
    rows = current_cost_rows(results)
    y = list(range(len(rows)))[::-1]
    ax.barh(y, [r[2] for r in rows], color=[style.categories[r[0]] for r in rows], height=0.66)
    ax.set_yticks(y, [PART_LABELS[r[1]] for r in rows])
    top = max(r[2] for r in rows)
    for yi, (_, _, value) in zip(y, rows):
        ax.annotate(style.money(value), (value, yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8, color=style.text)
    ax.set_xlim(0, top * 1.15)
    style.money_axis(ax.xaxis)
    style.grid(ax, "x")
    shown = list(dict.fromkeys(r[0] for r in rows))
    handles = [matplotlib.patches.Patch(color=style.categories[c], label=CATEGORY_LABELS[c]) for c in shown]
    ax.legend(handles=handles, loc="lower center", ncols=len(handles), bbox_to_anchor=(0.5, 1.0))  # above: never on a bar


def tco_by_option(results: Results, style: Style, ax: Axes) -> None:
    """Stacked bars: each option's hard TCO over the horizon by category, risk shown apart."""
    ids = results.option_order
    stack = ("migration", "infrastructure", "service_charges", "people")
    x = range(len(ids))
    bottom = [0.0] * len(ids)
    for category in stack:
        heights = [results.options[o].migration if category == "migration"
                   else getattr(results.options[o].totals, category) for o in ids]
        bars = ax.bar(x, heights, bottom=bottom, width=0.58, color=style.categories[category],
                      label=CATEGORY_LABELS[category])
        for bar, o in zip(bars, ids):
            if not results.options[o].feasible:
                bar.set_hatch("////")
                bar.set_edgecolor("#FFFFFF")
                bar.set_linewidth(0)
        bottom = [b + h for b, h in zip(bottom, heights)]
    for xi, o in zip(x, ids):
        total = results.options[o].tco_hard
        ax.annotate(style.money(total), (xi, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, fontweight="bold", color=style.text)
        ax.plot([xi - 0.29, xi + 0.29], [0, 0], color=style.options[o], linewidth=3, solid_capstyle="butt",
                transform=ax.get_xaxis_transform(), clip_on=False)
    column_in = (WIDTH_IN - _left_in(ax) - RIGHT_IN - 2 * PAD_IN) / len(ids)
    font = font_manager.FontProperties()  # the tick labels' font: this runs inside the chart's rc_context
    labels = [wrapped(n, 0.94 * column_in, font) + ("\n(current)" if o == results.current_option else "\n(infeasible)"
                                                    if not results.options[o].feasible else "")
              for n, o in zip(_names(results, ids), ids)]
    ax.set_xticks(list(x), labels)
    ax.set_ylim(0, max(bottom) * 1.12)
    style.money_axis(ax.yaxis)
    style.grid(ax)
    ax.legend(loc="upper center", ncols=len(stack), bbox_to_anchor=(0.5, 1.1))


def cumulative_cost(results: Results, style: Style, ax: Axes) -> None:
    """Lines: each option's cumulative hard cost from year 0 (migration) to the end of the horizon."""
    ids = results.option_order
    ends = []
    for o in ids:
        option = results.options[o]
        running, points = 0.0, []
        for row in option.years:
            running += row.hard_total
            points.append(running)
        current = o == results.current_option
        ax.plot([r.year for r in option.years], points, color=style.options[o], linewidth=2.2 if current else 1.8,
                linestyle=(0, (4, 2)) if not option.feasible else "-", marker="o", markersize=3)
        ends.append((points[-1], option.short_name, style.options[o]))
    horizon = results.horizon_years
    ends.sort()
    gap = ends[-1][0] * 0.065  # about one label's height on this axis, which starts at zero
    placed: list[float] = []
    for value, name, colour in ends:
        y = max(value, placed[-1] + gap) if placed else value
        placed.append(y)
        ax.plot([horizon + 0.06, horizon + 0.18], [y, y], color=colour, linewidth=2.2, clip_on=False)
        ax.annotate(name, (horizon, value), xytext=(horizon + 0.22, y), textcoords="data", va="center",
                    fontsize=8, color=style.text, fontweight="bold")  # its line's colour in the key: too light for text
    ax.set_xlim(-0.1, horizon + 1.05)
    ax.set_xticks(range(horizon + 1), ["Year 0\n(migration)"] + [f"Year {y}" for y in range(1, horizon + 1)])
    ax.set_ylim(0, None)
    style.money_axis(ax.yaxis)
    style.grid(ax)


def roi_waterfall(results: Results, style: Style, ax: Axes) -> None:
    """Waterfall for the proposed option: gross reductions up, its costs down, net savings at the end."""
    option = results.options[results.proposed_option]
    steps = [(REDUCTION_LABELS[k], v) for k, v in option.reductions.model_dump().items() if v]
    steps += [("Service charges", -option.service_charges), ("Migration", -option.migration)]
    steps = [(label, value) for label, value in steps if value]
    colours = {"up": style.categories["infrastructure"], "down": style.theme.colors["warning"],
               "total": style.options[results.proposed_option]}
    level = 0.0
    for i, (label, value) in enumerate(steps):
        ax.bar(i, abs(value), bottom=min(level, level + value), width=0.6, color=colours["up" if value > 0 else "down"])
        ax.annotate(style.money(value), (i, max(level, level + value)), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8, color=style.text)
        if i:
            ax.plot([i - 1.3, i - 0.3], [level, level], color=style.muted, linewidth=0.6)
        level += value
    net = len(steps)
    ax.plot([net - 1.3, net - 0.3], [level, level], color=style.muted, linewidth=0.6)
    ax.bar(net, level, width=0.6, color=colours["total"])
    ax.annotate(style.money(level), (net, max(level, 0)), xytext=(0, 3), textcoords="offset points",
                ha="center", va="bottom", fontsize=8, fontweight="bold", color=style.text)
    ax.axhline(0, color=style.muted, linewidth=0.8)
    style.money_axis(ax.yaxis)
    style.grid(ax)
    column_in = (WIDTH_IN - _left_in(ax) - RIGHT_IN - 2 * PAD_IN) / (net + 1)
    font = font_manager.FontProperties()  # the tick labels' font: this runs inside the chart's rc_context
    ax.set_xticks(range(net + 1), [wrapped(label, 0.94 * column_in, font) for label, _ in steps] + ["Net savings"])


def time_to_value(results: Results, style: Style, ax: Axes) -> None:
    """Horizontal bars: months to production per option, labelled with the value of the months saved where known."""
    ids = results.option_order
    months = [results.options[o].time_to_value.months_to_production for o in ids]
    y = list(range(len(ids)))[::-1]
    ax.barh(y, months, color=[style.options[o] for o in ids], height=0.6)
    ax.set_yticks(y, [n + (" (current)" if o == results.current_option else "") for n, o in zip(_names(results, ids), ids)])
    for yi, value, o in zip(y, months, ids):
        worth = results.options[o].time_to_value.value
        label = filters.months(value) + (f" · {style.money(worth)} sooner" if worth and worth > 0 else "")
        ax.annotate(label, (value, yi), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=8, color=style.text)
    ax.set_xlim(0, max(months) * 1.45 or 1)
    ax.set_xlabel("months to production")


def input_value(value: float) -> str:
    """An input's low or high as a reader writes it: 4, 0.25, 50,000."""
    if abs(value) >= 100 or float(value).is_integer():
        return filters.number(value)
    return filters.number(value, 3).rstrip("0").rstrip(".")


def savings_histogram(results: Results, style: Style, ax: Axes) -> None:
    """The proposed option's simulated savings: bars of trials per amount, P10, P50 and P90 marked.

    Bars below zero (the proposed option costs more) take the neutral colour.
    """
    outcome = simulated_savings(results)
    edges, counts = outcome.histogram.edges, outcome.histogram.counts
    colour, neutral, text = style.options[results.proposed_option], style.muted, style.text
    widths = [right - left for left, right in zip(edges, edges[1:])]
    ax.bar(edges[:-1], counts, width=widths, align="edge", linewidth=0,
           color=[colour if left + width / 2 >= 0 else neutral for left, width in zip(edges, widths)])
    top = max(counts) or 1
    for key, name, align in MARKERS:
        value = getattr(outcome.savings, key)
        ax.vlines(value, 0, top * 1.04, color=text, linewidth=0.9, linestyle="-" if key == "p50" else "--")
        ax.annotate(f"{name} {style.money(value)}", (value, top * 1.06), ha=align,
                    va="bottom", fontsize=8, fontweight="bold" if key == "p50" else "normal")
    if edges[0] < 0 < edges[-1]:
        ax.vlines(0, 0, top, color=neutral, linewidth=0.8)
    ax.set_ylim(0, top * 1.22)
    ax.set_yticks([])
    ax.set_xlabel(f"Savings over {results.horizon_years} years, {filters.number(outcome.trials)} "
                  "simulated outcomes")
    style.money_axis(ax.xaxis)


def tornado(results: Results, style: Style, ax: Axes) -> None:
    """The inputs that move the proposed option's savings most, each from its low to its high.

    Bars start at the deterministic savings; the neutral bar is the input at its low, the coloured
    one at its high. Inputs that do not move savings are left out.
    """
    rows = tornado_rows(results)
    centre = results.options[results.proposed_option].savings
    colour, neutral, text = style.options[results.proposed_option], style.muted, style.text
    y = list(range(len(rows)))[::-1]
    for ends, shade in (([row.savings_at_low for row in rows], neutral), ([row.savings_at_high for row in rows], colour)):
        ax.barh(y, [end - centre for end in ends], left=centre, height=0.62, color=shade, linewidth=0)
    ax.set_yticks(y, [f"{shortened(row.label)} ({input_value(row.low)} – {input_value(row.high)})" for row in rows])
    ax.axvline(centre, color=text, linewidth=0.9)
    ax.spines["bottom"].set_visible(False)
    ax.grid(axis="x", color=neutral, linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"Savings over {results.horizon_years} years")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.legend(handles=[Patch(color=neutral, label="Input at its low"), Patch(color=colour, label="Input at its high"),
                       Line2D([], [], color=text, linewidth=0.9,
                              label=f"All inputs likely: {style.money(centre)}")],
              loc="lower right", ncols=3, bbox_to_anchor=(1.0, 1.0))  # right-aligned: centred, it overran the page
    style.money_axis(ax.xaxis)

Draw = Callable[[Results, Style, Axes], None]


def drawer(chart: Chart) -> Draw:
    """The function of this module that draws `chart`, as its record names it."""
    draw = globals().get(chart.draw)
    if not callable(draw):
        raise ReportgenError(f"chart {chart.name!r} in reportgen/report/chart_plan.py names the draw function "
                             f"{chart.draw!r}, which reportgen/report/charts.py does not have")
    return draw


def check(charts: Iterable[Chart]) -> None:
    """Every chart has its draw function, before any report needs it."""
    for chart in charts:
        drawer(chart)


check(chart_plan.CHARTS.values())


def draw(chart: Chart, results: Results, style: Style) -> bytes:
    """One chart as SVG, at its planned size (the size of its frame in the laid-out pages)."""
    with matplotlib.rc_context(style.rc):
        figure = style.figure(chart.height(results))
        drawer(chart)(results, style, figure.add_subplot())
        return style.svg(figure)


def draw_charts(results: Results, theme: Theme) -> dict[str, bytes]:
    """Every chart the results support, by name, in document order.

    The generic "sans-serif" after the theme font only matters where a browser shows the SVG as an image
    (it cannot see the page's fonts); the PDF renders it with the theme font.
    """
    style = Style(theme, results)
    return {chart.name: draw(chart, results, style) for chart in chart_plan.planned(results)}
