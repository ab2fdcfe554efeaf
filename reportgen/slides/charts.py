"""Native PowerPoint bar charts: the data is the results' own floats, carried in the chart's workbook, so
the account team can restyle or re-plot it; rounding and the currency are only in the number format."""

from __future__ import annotations

from dataclasses import dataclass

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.shapes.shapetree import SlideShapes
from pptx.util import Emu, Pt

from reportgen.report import filters

# (smallest magnitude, Excel's scaling commas, suffix, decimals): the same steps as filters.money_short.
MONEY_SCALES = ((1e9, ",,,", "B", 2), (1e6, ",,", "M", 2), (1e3, ",", "K", 0), (0, "", "", 0))
LABEL_ROOM = 0.3  # of the values' span, beyond the longest bar each way, for its value label
PERCENT_FORMAT = f'0"{filters.NBSP}"%;"{filters.MINUS}"0"{filters.NBSP}"%'  # ROI 0.92 shows as 92 %


@dataclass(frozen=True)
class Box:
    left: Emu
    top: Emu
    width: Emu
    height: Emu


@dataclass(frozen=True)
class Bars:
    """One series of bars, one colour per bar (#RRGGBB)."""
    name: str
    categories: list[str]
    values: list[float | None]
    colours: list[str]
    number_format: str


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


def money_format(values: list[float], currency: str) -> str:
    """An Excel number format showing amounts as the report's prose does ($1.85M, €230K), a minus sign before
    the symbol; the scale is chosen from the largest amount, so every bar of a chart reads in one unit."""
    largest = max((abs(v) for v in values), default=0)
    commas, suffix, digits = next((c, s, d) for floor, c, s, d in MONEY_SCALES if largest >= floor)
    number = "#,##0" + ("." + "0" * digits if digits else "") + commas + (_quoted(suffix) if suffix else "")
    symbol = _quoted(filters.symbol(currency))
    return f"{symbol}{number};{_quoted(filters.MINUS)}{symbol}{number}"


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _scale(values: list[float | None]) -> tuple[float, float]:
    """The value axis from zero (or the lowest value) to the highest, with room beyond each end for its label,
    set rather than left to each program, whose automatic scales differ and can put a label over the axis's."""
    present = [v for v in values if v is not None]
    low, high = min(0.0, *present), max(0.0, *present)
    room = (high - low) * LABEL_ROOM or 1.0
    return (low - room if low < 0 else 0.0), (high + room if high > 0 else 0.0)


def add_bars(shapes: SlideShapes, box: Box, bars: Bars, font: str, text_colour: str, rule_colour: str,
             horizontal: bool) -> Chart:
    """A bar chart labelled with its values; the value axis is kept (for restyling) but not shown."""
    data = CategoryChartData(number_format=bars.number_format)
    data.categories = bars.categories
    data.add_series(bars.name, bars.values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = shapes.add_chart(kind, box.left, box.top, box.width, box.height, data).chart
    chart.has_legend = False
    chart.font.name, chart.font.size, chart.font.color.rgb = font, Pt(14), _rgb(text_colour)
    plot = chart.plots[0]
    plot.gap_width, plot.vary_by_categories = 45, False
    for point, colour in zip(plot.series[0].points, bars.colours):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(colour)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = bars.number_format, False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size, labels.font.bold = Pt(14), True
    values = chart.value_axis
    values.has_major_gridlines = False
    values.minimum_scale, values.maximum_scale = _scale(bars.values)
    values.tick_labels.number_format, values.tick_labels.number_format_is_linked = bars.number_format, False
    values.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    values.format.line.fill.background()
    categories = chart.category_axis
    categories.reverse_order = horizontal  # the first option on top, as in the report's tables
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # beside the bars' base even below zero
    categories.format.line.color.rgb = _rgb(rule_colour)
    categories.has_major_gridlines = False
    return chart
