"""The report's twin: the model as a live-formula workbook (output/<slug>/<slug>-kafka-tco-model.xlsx).

Every figure of the report is an Excel formula over the Inputs and Assumptions cells, written
with the value the model computed cached beside it, so a finance reviewer can audit the figures,
change an assumption and watch the result move, in Excel, LibreOffice or Google Sheets, without
reportgen. The Monte Carlo ranges are quoted as values: their draws are not spreadsheet material.
"""

from __future__ import annotations

import io
import math
import textwrap
from datetime import datetime

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from reportgen.catalogue import Values
from reportgen.report.filters import SYMBOLS
from reportgen.workbook.excel_formula import Cell, column_letter, sheet_prefix
from reportgen.model.billed import GROUPS
from reportgen.model.contract import Results
from reportgen.model.formulas import formula_sections
from reportgen.model.scenario import ranged_inputs, resolve
from reportgen.inputs.schema import BILL_PARTS, DAYS_PER_YEAR, Assessment, MeasuredBill
from reportgen.workbook.grid import DASH, Entry, Grid
from reportgen.workbook.sheets import SUMMARY, ModelSheets, Sources, bill_group_key, bill_group_label

READ_ME, INPUTS, ASSUMPTIONS, FORMULAS = "Read me", "Inputs", "Assumptions", "Formulas"
SHEET_ORDER = (READ_ME, INPUTS, ASSUMPTIONS, "Sizing", "Costs by year", SUMMARY, FORMULAS)
COMPUTED_SHEETS = ("Sizing", "Costs by year", SUMMARY)
QUOTED_RANGES = "quoted_monte_carlo_ranges"
DEFAULT_COLORS = {"primary": "#1B2B4B", "accent": "#14A098", "text": "#1C2430", "muted": "#5E6A7B",
                  "rule": "#D6DCE4", "tile_background": "#F1F4F8", "warning": "#C05621"}

# Assessment fields shown on Inputs, in reading order, with unit and display style ("{cur}": its currency).
INPUT_FIELDS = {
    "assessment": {"currency": ("ISO 4217 code", "text"), "usd_to_currency": ("{cur} per USD", "number"),
                   "horizon_years": ("years (structural: regenerate to change)", "count"),
                   "discount_rate": ("share per year", "share"), "current_option": ("option id", "text"),
                   "proposed_option": ("option id", "text")},
    "organization": {"employees": ("people", "count"), "engineer_share": ("share of employees", "share"),
                     "kafka_engineer_share": ("share of engineers", "share"),
                     "loaded_cost_per_fte_per_year": ("{cur} per FTE per year", "money"),
                     "working_hours_per_year": ("hours per FTE per year", "count"),
                     "annual_cost_growth": ("share per year", "share")},
    "growth": {"annual_growth": ("share per year", "share")},
    "baseline": {"broker_instance": ("EC2 instance type (structural)", "text"),
                 "controller_instance": ("EC2 instance type (structural)", "text"),
                 "controllers_per_cluster": ("controllers", "count"), "target_utilization": ("share", "share"),
                 "disk_utilization": ("share", "share"), "tiered_storage": ("TRUE or FALSE", "flag"),
                 "fetch_from_follower": ("TRUE or FALSE", "flag"), "platform_fte": ("FTE", "fte"),
                 "tooling_fte": ("FTE", "fte"), "connectors_needed": ("connectors", "count"),
                 "support_and_services_per_year": ("{cur} per year", "money"), "months_to_production": ("months", "decimal")},
    "risk": {"incidents_per_year": ("incidents per year", "count"), "incident_duration_hours": ("hours", "decimal"),
             "productivity_loss": ("share", "share"), "outage_hours_per_year": ("hours per year", "decimal"),
             "planned_downtime_hours_per_year": ("hours per year", "decimal"),
             "outage_cost_per_hour": ("{cur} per hour", "money"), "breach_probability_per_year": ("per year", "share"),
             "breach_cost": ("{cur} per breach", "money")},
    "value": {"monthly_benefit": ("{cur} per month", "money")},
}
CLUSTER_FIELDS = {"name": ("text", "text"), "environment": ("structural", "text"), "ingress_mbps": ("MB/s", "mbps"),
                  "egress_mbps": ("MB/s", "mbps"), "peak_to_average": ("ratio", "decimal"),
                  "retention_days": ("days", "decimal"), "replication_factor": ("copies", "count"),
                  "availability_zones": ("zones", "count"), "partitions": ("partitions", "count"),
                  "controllers": ("controllers", "count"),
                  "compression_ratio": ("uncompressed bytes per byte sent", "decimal")}


def build_workbook(assessment: Assessment, results: Results, values: Values, theme_colors: dict | None = None) -> bytes:
    """The workbook of one computed assessment, as the bytes of an .xlsx file.

    `assessment` may still hold ranges: the formulas use `likely` (as the deterministic run
    does) and Inputs shows low and high beside it. `values` is the catalogue as this
    assessment sees it, `results` the results of the same run (for the versions, the inputs'
    hash and the quoted ranges).
    """
    resolved = resolve(assessment)
    src = Sources(values)
    inputs = _inputs(resolved, ranged_inputs(assessment), src)
    model = ModelSheets(resolved, src)
    computed = model.build()
    quoted = _quoted_ranges(model.summary, model.summary_end + 2, resolved, results)
    grids = [_read_me(resolved, results, model.names, model.bill is not None), inputs, _assumptions(src, values, resolved), *computed, _formulas()]
    return _write(grids, model.names, quoted, resolved, {**DEFAULT_COLORS, **(theme_colors or {})})


# -- Inputs -----------------------------------------------------------------------------------------

def _path_key(path: tuple) -> str:
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else ("." if key else "") + part
    return key


def _inputs(a: Assessment, ranges: dict, src: Sources) -> Grid:
    g = Grid(INPUTS)
    cur = a.assessment.currency
    g.label(0, 0, "Inputs: the customer's assessment. Change a value in the Value column and every computed sheet follows; "
                  "ranged inputs use their likely value, low and high are shown for information.", "title")
    g.labels(1, 0, ["Key", "Description", "Value", "Unit", "Status", "Low", "High"])
    g.freeze, g.header_rows = (2, 1), (1, 1)
    ranges = {_path_key(path): r for path, r in ranges.items()}
    row = 2

    def add(key: str, model, name: str, unit: str, style: str, prefix: str = "") -> None:
        nonlocal row
        value = getattr(model, name)
        if name == "usd_to_currency":
            value = value.value if value is not None else None
        if value is None:
            return
        g.label(row, 0, key)
        g.label(row, 1, prefix + (type(model).model_fields[name].description or ""), "wrap")
        if isinstance(value, str):
            g.label(row, 2, value, "text|input")
        else:
            src.inputs[key] = g.given(row, 2, value, f"{style}|input")
        g.label(row, 3, unit.format(cur=cur), "unit")
        g.label(row, 4, "customer" if name in model.model_fields_set else "default")
        if key in ranges:
            g.given(row, 5, ranges[key].low, style)
            g.given(row, 6, ranges[key].high, style)
        row += 1

    for group, fields in INPUT_FIELDS.items():
        g.label(row, 0, group.capitalize(), "text_bold")
        row += 1
        for name, (unit, style) in fields.items():
            add(f"{group}.{name}", getattr(a, group), name, unit, style)
    for i, cluster in enumerate(a.clusters):
        g.label(row, 0, f"Cluster {i + 1}: {cluster.name}", "text_bold")
        row += 1
        for name, (unit, style) in CLUSTER_FIELDS.items():
            add(f"clusters[{i}].{name}", cluster, name, unit, style)
    if a.measured is not None and a.measured.bill is not None:
        _bill_inputs(g, row, a.measured.bill, src, cur)
    return g


NOT_COSTED = {"support": "Not costed: support and services are a people cost (baseline.support_and_services_per_year)."}


def _bill_inputs(g: Grid, row: int, bill: MeasuredBill, src: Sources, cur: str) -> None:
    """Kafka's share of the customer's bill (reportgen model, section 15): each part's amount over the billed period
    is an input, and each group's amount per year a formula of them, on which the current option's costs rest."""
    about = lambda model, name: type(model).model_fields[name].description or ""

    def line(key: str, description: str, unit: str, status: str) -> None:
        g.label(row, 0, key)
        g.label(row, 1, description, "wrap")
        g.label(row, 3, unit.format(cur=cur), "unit")
        g.label(row, 4, status)

    g.label(row, 0, "Measured bill", "text_bold")
    row += 1
    period = bill.period
    for name, text in (("format", bill.format), ("sources", ", ".join(bill.sources)), ("selector", bill.selector),
                       ("period", f"{period.start} to {period.end}")):
        line(f"measured.bill.{name}", about(bill, name), "first day to the day after the last" if name == "period" else "",
             "measured")
        g.label(row, 2, text)
        row += 1
    line("measured.bill.period.days", "Days billed: the period's end - its start", "days", "measured")
    days = src.inputs["measured.bill.period.days"] = g.given(row, 2, period.days, "count|input")
    row += 1
    amounts = {}
    for part in BILL_PARTS:
        key = f"measured.bill.by_part.{part}"
        line(key, " ".join([about(bill.by_part, part), NOT_COSTED.get(part, "")]).strip(),
             "{cur} over the billed period", "not costed" if part in NOT_COSTED else "measured")
        amounts[part] = src.inputs[key] = g.given(row, 2, getattr(bill.by_part, part),
                                                 "money" if part in NOT_COSTED else "money|input")
        row += 1
    for parts in GROUPS:
        key = bill_group_key(parts)
        line(key, f"Billed per year, {bill_group_label(parts)}: the period's amounts × {DAYS_PER_YEAR} ÷ days billed",
             "{cur} per year", "formula")
        billed = amounts[parts[0]]
        for part in parts[1:]:
            billed = billed + amounts[part]
        src.inputs[key] = g.put(row, 2, billed * DAYS_PER_YEAR / days, "money")
        row += 1
    kept_apart = (("adjustments", "Credits, refunds, discounts and tax on Kafka's lines, kept apart and not costed: "
                                  "a discount on the cloud account would apply to the other options too.",
                   sum(a.amount for a in bill.adjustments)),
                  ("unclassified", "Kafka's lines no part describes, kept apart and not costed.",
                   sum(bill.unclassified.values())))
    for name, description, amount in kept_apart:
        if amount:
            line(f"measured.bill.{name}", description, "{cur} over the billed period", "not costed")
            g.given(row, 2, amount, "money")
            row += 1


# -- Assumptions ------------------------------------------------------------------------------------

def _assumptions(src: Sources, values: Values, a: Assessment) -> Grid:
    """Every catalogue value a formula uses, sorted by key; money converted with a formula when not in USD."""
    g = Grid(ASSUMPTIONS)
    currency = a.assessment.currency
    convert = currency != "USD"
    g.label(0, 0, "Assumptions: every catalogue value the model uses, with its source, date and status. "
                  "Illustrative values are placeholders to be replaced by a quote (highlighted).", "title")
    headers = ["Key", "Value"] + ([f"Used value ({currency})"] if convert else []) + ["Unit", "Source", "As of", "Status", "Note"]
    g.labels(1, 0, headers)
    g.freeze, g.header_rows = (2, 1), (1, 1)
    ranges = {path[1]: r for path, r in ranged_inputs(a).items() if path[0] == "overrides"}
    for row, key in enumerate(sorted(src.assumptions), start=2):
        # The catalogue's own entry, in USD: money is converted by a formula here, so that the rate stays live;
        # an override is shown as used (already in the assessment's currency).
        own, cell = values.catalogue.entries[key], src.assumptions[key]
        entry = values.entry(key) if key in values.overridden else own
        flag = "|illustrative" if entry.status == "illustrative" else ""
        style = _value_style(entry.value, own.is_money, own.is_share)
        g.label(row, 0, key, "text" + flag)
        col = 1
        if convert:
            catalogue = g.given(row, 1, entry.value, style + "|input")
            converted = own.is_money and key not in values.overridden and not isinstance(entry.value, bool)
            g.entries.append(Entry(cell.place(ASSUMPTIONS, row, 2), style,
                                   catalogue * src.input("assessment.usd_to_currency") if converted else catalogue))
            col = 2
        else:
            g.place(cell, row, 1, style + "|input")
        note = entry.note
        if key in ranges:
            note = f"{note}; range {ranges[key].low:g} to {ranges[key].high:g}, likely used".lstrip("; ")
        for offset, text in enumerate([entry.unit, entry.source, entry.as_of, entry.status, note], start=col + 1):
            g.label(row, offset, str(text), "wrap" + flag if offset in (col + 2, col + 5) else "text" + flag)
    return g


def _value_style(value, money: bool, share: bool) -> str:
    if isinstance(value, bool):
        return "flag"
    if money:
        return "money" if abs(value) >= 1000 else "price"
    return "share" if share else "number"


# -- Read me, quoted ranges, formulas ---------------------------------------------------------------

def _read_me(a: Assessment, results: Results, names: dict, billed: bool) -> Grid:
    g = Grid(READ_ME)
    generated = results.generated
    paragraphs = [
        ("title", f"Kafka TCO model: {a.customer.name}"),
        ("para", "This workbook is the twin of the report reportgen produced from the same assessment. Every figure of "
                 "the report is a live formula here, over the customer's inputs and the catalogue's assumptions, so "
                 "each one can be audited, and an input or assumption changed to watch the results move."),
        ("text_bold", "How to use it"),
        ("para", "Inputs holds the assessment's values and Assumptions the catalogue's (shaded cells): change them "
                 "there. Sizing, Costs by year and Summary hold only formulas; Formulas states them in plain notation."),
        ("para", "Defined names lead to the headline figures: " + ", ".join(sorted(names)) + "."),
        ("para", "The number of clusters and years, each option's kind of pricing and the broker type shape the "
                 "sheets: to change those, edit the assessment and regenerate the workbook with reportgen."),
        ("para", "The Monte Carlo ranges (P10, P50, P90) on Summary are quoted from the report as values: the "
                 "simulation's draws are not spreadsheet material, so they do not move when an input changes."),
        *([("para", "Today's cost is the customer's bill: the current option's infrastructure and service charges "
                    "rest on the Measured bill amounts on Inputs. On Costs by year, the model's own estimate of them "
                    "(the modelled rows) is scaled in every year, group by group, by the amount billed per year over "
                    "the estimate for year 1; change a billed amount and every figure follows.")] if billed else []),
        ("text|input", "Shaded cells are inputs and assumptions: values someone typed in."),
        ("text|illustrative", "Highlighted assumptions are illustrative: placeholders to replace with a quote."),
        ("text_bold", "Provenance"),
    ]
    row = 0
    for style, text in paragraphs:
        for line in textwrap.wrap(text, READ_ME_LINE) if style == "para" else [text]:
            g.label(row, 0, line, style)
            row += 1
        row += style == "para"
    provenance = [("Customer", a.customer.name), ("Prepared by", a.assessment.prepared_by),
                  ("Assessment date", a.assessment.date), ("Currency", a.assessment.currency),
                  ("Horizon", f"{a.assessment.horizon_years} years"), ("reportgen version", generated.tool_version),
                  ("Catalogue version", f"{generated.catalogue_version} ({generated.catalogue_date})"),
                  ("Inputs SHA-256", generated.inputs_sha256), ("Catalogue SHA-256", generated.catalogue_sha256)]
    for offset, (label, text) in enumerate(provenance, start=row):
        g.label(offset, 0, label)
        g.label(offset, 1, text)
    return g


def _quoted_ranges(s: Grid, row: int, a: Assessment, results: Results) -> tuple[int, int, int, int]:
    """P10, P50, P90 from the report's simulation, as values with a note saying so; the cells' extent.

    Every option carries a range (the contract requires one), so every option has a row."""
    s.label(row, 0, "Ranges from the simulation, quoted as values (P10, P50, P90)", "title")
    s.label(row + 1, 0, "The Monte Carlo draws are not spreadsheet material: these figures are the report's, copied "
                        "as values, and do not follow changes made in this workbook.", "note")
    ranged = [(o, results.options[o].range) for o in a.assessment.options]
    metrics = (("savings", "Savings", "money"), ("savings_pct", "Savings (%)", "share_whole"), ("roi", "ROI (%)", "share_whole"))
    headers = ["Option"] + [f"{label} {p.upper()}" for _, label, _ in metrics for p in ("p10", "p50", "p90")]
    s.labels(row + 2, 0, headers + ["Probability of savings"])
    first = row + 3
    for n, (option_id, r) in enumerate(ranged):
        s.label(first + n, 0, results.options[option_id].name, "text_bold")
        col = 1
        for key, _, style in metrics:
            for p in ("p10", "p50", "p90"):
                value = getattr(getattr(r, key), p)
                if value is None:
                    s.label(first + n, col, DASH, "dash")
                else:
                    s.given(first + n, col, value, style)
                col += 1
        s.given(first + n, col, r.probability_of_savings, "share_whole")
    return first, 1, first + len(ranged) - 1, len(headers)


def _formulas() -> Grid:
    """The formulas as the report's Appendix B words them, with the inputs each uses (keys of Inputs and Assumptions)."""
    g = Grid(FORMULAS)
    g.label(0, 0, "The model's formulas in plain notation, as in the report's Appendix B. Uses names keys of Inputs "
                  "and Assumptions (* for any option or broker type) and other formulas' quantities", "title")
    g.labels(1, 0, ["Quantity", "Formula", "Uses"])
    g.freeze, g.header_rows = (2, 1), (1, 1)
    row = 2
    for section in formula_sections():
        g.label(row, 0, section.title, "text_bold")
        row += 1
        for f in section.formulas:
            g.label(row, 0, f.name)
            g.label(row, 1, f.formula, "wrap")
            if f.inputs:
                g.label(row, 2, ", ".join(f.inputs), "wrap")
            row += 1
    return g


# -- Writing ----------------------------------------------------------------------------------------

def _tint(color: str, share: float) -> str:
    """`color` mixed with white: share 0 is white, 1 the colour itself."""
    channels = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in channels)


class Formats:
    """XlsxWriter formats by style name: a base style plus optional variants ('money|input')."""

    def __init__(self, book, colors: dict, currency: str):
        symbol = SYMBOLS.get(currency, currency + " ").replace('"', "")
        money = f'"{symbol}"#,##0;-"{symbol}"#,##0'
        rule = {"border": 1, "border_color": colors["rule"]}
        self.base = {
            "title": {"bold": True, "font_size": 12, "font_color": colors["primary"]},
            "note": {"italic": True, "font_color": colors["muted"]},
            "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": colors["primary"], "text_wrap": True,
                       "valign": "top"},
            "text": {}, "text_bold": {"bold": True}, "wrap": {"text_wrap": True, "valign": "top"}, "para": {},
            "unit": {"indent": 1, "font_color": colors["muted"]},
            "dash": {"align": "right", "font_color": colors["muted"]},
            "flag": {"align": "center", "num_format": '"TRUE";"TRUE";"FALSE"'},
            "money": {"num_format": money}, "money_bold": {"num_format": money, "bold": True},
            "money_total": {"num_format": money, "bold": True, "top": 1, "top_color": colors["rule"]},
            "money2": {"num_format": money.replace("#,##0", "#,##0.00")},
            "price": {"num_format": money.replace("#,##0", "#,##0.00##")},
            "share": {"num_format": "0.0%"}, "share_whole": {"num_format": "0%"}, "ratio": {"num_format": "0.0000"},
            "count": {"num_format": "#,##0"}, "decimal": {"num_format": "#,##0.0"}, "fte": {"num_format": "0.0"},
            "mbps": {"num_format": "#,##0.0"}, "number": {"num_format": "General"},
        }
        self.variants = {"input": {"bg_color": colors["tile_background"], "font_color": colors["primary"], **rule},
                         "illustrative": {"bg_color": _tint(colors["warning"], 0.15), "font_color": colors["warning"]}}
        self.book, self.made = book, {}

    def __call__(self, style: str):
        if style not in self.made:
            base, *variants = style.split("|")
            properties = {"valign": "top", **self.base[base]}
            for variant in variants:
                properties.update(self.variants[variant])
            self.made[style] = self.book.add_format(properties)
        return self.made[style]


WIDE_COLUMN, NUMBER_WIDTH, LINE_HEIGHT, READ_ME_LINE = 60, 13, 15, 110
CHARACTERS_PER_WIDTH = 1.15  # proportional text fits more characters than the column width counts


def _widths(grid: Grid) -> dict[int, float]:
    widths: dict[int, float] = {}
    for e in grid.entries:
        base = e.style.split("|")[0]
        if base in ("title", "note", "para"):
            continue
        if isinstance(e.cell.value, str):
            width = min(len(e.cell.value), 18 if base == "header" else WIDE_COLUMN) + 2
        else:
            width = NUMBER_WIDTH
        widths[e.cell.col] = max(widths.get(e.cell.col, 8), width)
    return widths


def _heights(grid: Grid, widths: dict[int, float]) -> dict[int, float]:
    """Row heights that show wrapped text whole (no spreadsheet fits them when the file is written)."""
    heights: dict[int, float] = {}
    for e in grid.entries:
        if e.style.split("|")[0] in ("wrap", "header"):
            lines = math.ceil(len(e.cell.value) / (CHARACTERS_PER_WIDTH * widths.get(e.cell.col, 8)))
            heights[e.cell.row] = max(heights.get(e.cell.row, LINE_HEIGHT), LINE_HEIGHT * lines)
    return heights


class FormulaSheet(Worksheet):
    """A worksheet that stores reportgen's formulas as written.

    XlsxWriter runs some thirty regular expressions over every formula to prefix the functions newer
    Excel versions added. excel_formula writes none of those, so the rewriting never changes a
    formula, yet over a large estate's tens of thousands of formulas it was the largest cost of
    writing the workbook.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula.removeprefix("=")


def _write_entry(sheet, e: Entry, fmt) -> None:
    row, col, value = e.cell.row, e.cell.col, e.cell.value
    if e.formula is not None:
        cached = value if isinstance(value, (str, bool)) or value == value else 0
        sheet.write_formula(row, col, "=" + e.formula.text(e.cell.sheet), fmt, cached)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _write(grids: list[Grid], names: dict[str, Cell], quoted: tuple[int, int, int, int], a: Assessment,
           colors: dict) -> bytes:
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    book.set_properties({"title": f"Kafka TCO model: {a.customer.name}", "author": a.assessment.prepared_by,
                         "company": "", "comments": "Generated by reportgen",
                         "created": datetime.fromisoformat(a.assessment.date)})
    formats = Formats(book, colors, a.assessment.currency)
    by_name = {g.name: g for g in grids}
    for name in SHEET_ORDER:
        grid = by_name[name]
        sheet = book.add_worksheet(name, worksheet_class=FormulaSheet)
        sheet.set_tab_color(colors["accent"] if name in COMPUTED_SHEETS else colors["primary"])
        widths = _widths(grid)
        for col, width in widths.items():
            sheet.set_column(col, col, width)
        for row, height in _heights(grid, widths).items():
            sheet.set_row(row, height)
        for e in grid.entries:
            _write_entry(sheet, e, formats(e.style))
        if grid.freeze != (0, 0):
            sheet.freeze_panes(*grid.freeze)
        if grid.header_rows:
            sheet.repeat_rows(*grid.header_rows)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.set_header(f"&L{_header_footer_text(a.customer.name)}: Kafka TCO model&R&A")
        sheet.set_footer("&LGenerated by reportgen&RPage &P of &N")
    for name, cell in sorted(names.items()):
        book.define_name(name, f"={sheet_prefix(cell.sheet)}{cell.address(absolute=True)}")
    r1, c1, r2, c2 = quoted
    book.define_name(QUOTED_RANGES, f"={sheet_prefix(SUMMARY)}${column_letter(c1)}${r1 + 1}:${column_letter(c2)}${r2 + 1}")
    book.close()
    return stream.getvalue()
