"""The deck: a title slide, the finding with its headline figures, hard TCO by option, ROI and payback, and the
range of outcomes when it was simulated. Every sentence comes from the report's headline rules
(reportgen/report/headline.py) and every figure from the results; each slide's notes give the results.json key
and value of each figure it shows."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from reportgen.model.contract import OptionResult, Results
from reportgen.report import filters, headline
from reportgen.report.sections import has_range
from reportgen.report.theme import Theme, option_colours
from reportgen.report.view import long_date, range_sentence
from reportgen.slides import reproducible
from reportgen.slides.charts import PERCENT_FORMAT, Bars, Box, add_bars, money_format
from reportgen.slides.fit import fitting_size
from reportgen.slides.template import HEIGHT, WIDTH, Start, starting_deck

TITLE = "Kafka total cost of ownership"
MARGIN = Inches(0.6)
GAP = Inches(0.3)
CONTENT_BOTTOM = HEIGHT - Inches(0.7)  # the footer sits below it
CHART_SHARE = 0.6  # of the content's width, the rest for the words beside the chart


@dataclass(frozen=True)
class Type:
    family: str
    size_pt: float
    bold: bool
    colour: str


@dataclass(frozen=True)
class Look:
    theme: Theme
    branded: bool

    def colour(self, name: str) -> str:
        return self.theme.colors[name]

    def body(self, size_pt: float, colour: str = "text", bold: bool = False) -> Type:
        return Type(self.theme.body_font, size_pt, bold, self.colour(colour))

    def heading(self, size_pt: float, colour: str = "primary") -> Type:
        return Type(self.theme.heading_font, size_pt, True, self.colour(colour))

    def font_file(self, family: str, bold: bool) -> str:
        """The theme's file for `family` (bold or regular, upright), to measure text with."""
        files = [f for f in self.theme.fonts if f.family == family and f.style == "normal"]
        return str(min(files, key=lambda f: abs(f.weight - (700 if bold else 400))).path)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _write(frame: TextFrame, lines: list[tuple[str, Type | None]], align: PP_ALIGN | None = None) -> None:
    """One paragraph per line, as literal text; a line without a type keeps the placeholder's own style."""
    frame.clear()
    for index, (text, kind) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        if kind is not None:
            run.font.name, run.font.size, run.font.bold = kind.family, Pt(kind.size_pt), kind.bold
            run.font.color.rgb = _rgb(kind.colour)


def _fitted(look: Look, text: str, kind: Type, box: Box, smallest_pt: int = 10) -> Type:
    """`kind` at the largest size up to its own at which `text` fits the box."""
    size = fitting_size(text, look.font_file(kind.family, kind.bold), kind.bold, int(kind.size_pt), Emu(box.width).pt,
                        Emu(box.height).pt, min(smallest_pt, int(kind.size_pt)))
    return replace(kind, size_pt=size)


def _text_box(slide: Slide, box: Box, lines: list[tuple[str, Type]], anchor=MSO_ANCHOR.TOP,
              align: PP_ALIGN | None = None, fit: Look | None = None):
    """A text box; with `fit`, its one line of text is set at the largest size up to its type's that fits."""
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    frame = shape.text_frame
    frame.word_wrap, frame.auto_size, frame.vertical_anchor = True, MSO_AUTO_SIZE.NONE, anchor
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    if fit is not None:
        (text, kind), = lines
        lines = [(text, _fitted(fit, text, kind, box, smallest_pt=8))]
    _write(frame, lines, align)
    return shape


def _rectangle(slide: Slide, box: Box, colour: str):
    """A flat rectangle: the default shape style's theme shadow and outline are removed, not overridden, since
    LibreOffice draws the style's shadow whatever the shape says."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, box.width, box.height)
    for style in shape.element.xpath("./p:style"):
        shape.element.remove(style)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    return shape


def _notes(slide: Slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _drop_empty_placeholders(slide: Slide) -> None:
    """A layout's placeholders the slide does not fill would show their prompts while the deck is edited."""
    for placeholder in list(slide.placeholders):
        if not placeholder.has_text_frame or not placeholder.text_frame.text:
            placeholder.element.getparent().remove(placeholder.element)


def _source(key: str, value: object) -> str:
    return f"{key} = {value!r}"


@dataclass(frozen=True)
class Slides:
    """What every slide needs: the presentation and its layouts, the look, the results and the footer's words."""
    start: Start
    look: Look
    results: Results
    footer: str

    def content_slide(self, title: str) -> tuple[Slide, Box]:
        """A slide of the title-only layout with its title, footer and page number; the box left for content."""
        slide = self.start.presentation.slides.add_slide(self.start.content_layout)
        look, shape = self.look, slide.shapes.title
        if shape is None:
            shape = slide.shapes.add_textbox(MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.85))
        if look.branded:
            _write(shape.text_frame, [(title, None)])
        else:
            shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.85)
            shape.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
            shape.text_frame.margin_left = shape.text_frame.margin_right = 0
            _write(shape.text_frame, [(title, look.heading(30))], PP_ALIGN.LEFT)
            _rectangle(slide, Box(MARGIN, Inches(1.3), Inches(0.9), Inches(0.06)), look.colour("accent"))
        top = max(shape.top + shape.height + Inches(0.35), Inches(1.6))
        number = len(self.start.presentation.slides)
        line = Box(MARGIN, HEIGHT - Inches(0.5), WIDTH - 2 * MARGIN - Inches(0.8), Inches(0.3))
        _text_box(slide, line, [(self.footer, look.body(11, "muted"))], MSO_ANCHOR.MIDDLE, fit=look)
        _text_box(slide, Box(WIDTH - MARGIN - Inches(0.6), line.top, Inches(0.6), line.height),
                  [(str(number), look.body(11, "muted"))], MSO_ANCHOR.MIDDLE, PP_ALIGN.RIGHT)
        _drop_empty_placeholders(slide)
        return slide, Box(MARGIN, Emu(top), WIDTH - 2 * MARGIN, Emu(CONTENT_BOTTOM - top))

    def beside(self, content: Box) -> tuple[Box, Box]:
        """The content box split into the chart's part (left) and the words' (right)."""
        chart_width = Emu(round((content.width - GAP) * CHART_SHARE))
        words_left = content.left + chart_width + GAP
        return (Box(content.left, content.top, chart_width, content.height),
                Box(Emu(words_left), content.top, Emu(content.left + content.width - words_left), content.height))


def _title_slide(slides: Slides, when: str) -> None:
    results, look, start = slides.results, slides.look, slides.start
    slide = start.presentation.slides.add_slide(start.title_layout)
    title = slide.shapes.title or slide.shapes.add_textbox(MARGIN, Inches(2.3), WIDTH - 2 * MARGIN, Inches(1.5))
    subtitles = [p for p in slide.placeholders if p.placeholder_format.idx == 1]
    subtitle = subtitles[0] if subtitles else slide.shapes.add_textbox(MARGIN, Inches(4.0), WIDTH - 2 * MARGIN,
                                                                        Inches(1.6))
    if look.branded:
        _write(title.text_frame, [(TITLE, None)])
        _write(subtitle.text_frame, [(results.customer.name, None), (when, None)])
    else:
        slide.background.fill.solid()
        slide.background.fill.fore_color.rgb = _rgb(look.colour("primary"))
        left, width = Inches(0.9), WIDTH - Inches(1.8)
        _rectangle(slide, Box(left, Inches(2.05), Inches(1.2), Inches(0.08)), look.colour("accent"))
        title.left, title.top, title.width, title.height = left, Inches(2.25), width, Inches(1.35)
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = left, Inches(3.75), width, Inches(2.0)
        for shape in (title, subtitle):
            frame = shape.text_frame
            frame.margin_left = frame.margin_right = 0
            frame.word_wrap = True
        title.text_frame.vertical_anchor, subtitle.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM, MSO_ANCHOR.TOP
        _write(title.text_frame, [(TITLE, look.heading(44, "background"))], PP_ALIGN.LEFT)
        name = _fitted(look, results.customer.name, look.heading(30, "accent"), Box(left, 0, width, Inches(1.3)))
        _write(subtitle.text_frame, [(results.customer.name, name), (when, look.body(18, "tile_background"))],
               PP_ALIGN.LEFT)
        _text_box(slide, Box(left, HEIGHT - Inches(0.9), width, Inches(0.4)),
                  [(f"{look.theme.name} · {look.theme.confidentiality}", look.body(12, "rule"))], MSO_ANCHOR.MIDDLE)
    _drop_empty_placeholders(slide)
    _notes(slide, ["Customer: customer.name in results.json.",
                   "Revision: revision.label in results.json." if results.revision else
                   "Date: the assessment's date (assessment.date in the assessment)."])


def _tiles(results: Results, proposed: OptionResult) -> list[tuple[str, str, str]]:
    """(label, figure, note) of each headline tile, as the executive summary shows them; payback only when the
    proposal does not cost more than today."""
    short, horizon = (lambda v: filters.money_short(v, results.currency)), results.horizon_years
    roi = ("Return on investment", filters.percent(proposed.roi) if proposed.roi is not None else filters.DASH,
           "net savings over the option's costs")
    if proposed.savings < 0:
        increase = filters.percent(-proposed.savings_pct) if proposed.savings_pct is not None else "n/a"
        return [(f"{horizon}-year TCO increase", short(-proposed.savings), f"hard cost, {results.currency}"),
                ("Increase", increase, "above today's hard cost"), roi]
    return [(f"{horizon}-year TCO reduction", short(proposed.savings), f"hard cost, {results.currency}"),
            ("Savings", filters.percent(proposed.savings_pct), "of today's hard cost"), roi,
            _payback_tile(proposed, horizon)]


def _payback_tile(proposed: OptionResult, horizon: int) -> tuple[str, str, str]:
    """Only for a proposal whose savings are not negative (headline.payback_phrase says why not otherwise)."""
    if proposed.payback_months is None:
        return "Payback", "None", f"not within {horizon} years"
    return "Payback", filters.months(proposed.payback_months), "including migration"


def _finding_slide(slides: Slides) -> None:
    results, look = slides.results, slides.look
    current, proposed = results.options[results.current_option], results.options[results.proposed_option]
    slide, content = slides.content_slide(f"The finding: {proposed.short_name} against {current.short_name}")
    tiles = _tiles(results, proposed)
    tile_width = Emu(round((content.width - GAP * (len(tiles) - 1)) / len(tiles)))
    tile_height, inner = Inches(2.0), Box(0, 0, tile_width - Inches(0.4), Inches(1.1))
    figure_size = min(_fitted(look, figure, look.heading(40), inner).size_pt for _, figure, _ in tiles)
    for index, (label, figure, note) in enumerate(tiles):
        left = Emu(content.left + index * (tile_width + GAP))
        tile = _rectangle(slide, Box(left, content.top, tile_width, tile_height), look.colour("tile_background"))
        frame = tile.text_frame
        frame.word_wrap, frame.vertical_anchor = True, MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Inches(0.2)
        _write(frame, [(label, look.body(15, "muted")), (figure, look.heading(figure_size)),
                       (note, look.body(13, "muted"))], PP_ALIGN.LEFT)
        strip = "accent" if index == 0 else "rule"
        _rectangle(slide, Box(left, content.top, tile_width, Inches(0.06)), look.colour(strip))
    caption_top = content.top + tile_height + Inches(0.12)
    _text_box(slide, Box(content.left, caption_top, content.width, Inches(0.3)),
              [(f"Headline figures for {proposed.name} against {current.name}, {results.currency}, hard costs over "
                f"{results.horizon_years} years.", look.body(12, "muted"))])
    words_top = caption_top + Inches(0.6)
    _text_box(slide, Box(content.left, words_top, content.width, Emu(content.top + content.height - words_top)),
              [(" ".join(headline.finding(results)), look.body(24))], fit=look)
    option = f"options.{results.proposed_option}"
    _notes(slide, ["The finding and the tiles follow the executive summary's rules (reportgen/report/headline.py).",
                   _source(f"{option}.savings", proposed.savings),
                   _source(f"{option}.savings_pct", proposed.savings_pct),
                   _source(f"{option}.roi", proposed.roi), _source(f"{option}.payback_months", proposed.payback_months),
                   _source(f"options.{results.current_option}.tco_hard", current.tco_hard),
                   _source(f"{option}.tco_hard", proposed.tco_hard)])


def _marked(results: Results, option: str) -> str:
    """The option's short name, marked as the report's charts mark it."""
    entry = results.options[option]
    mark = (" (current)" if option == results.current_option else " (proposed)" if option == results.proposed_option
            else "" if entry.feasible else " (infeasible)")
    return entry.short_name + mark


def _tco_slide(slides: Slides, rationale: str | None) -> None:
    results, look = slides.results, slides.look
    horizon, currency, order = results.horizon_years, results.currency, results.option_order
    slide, content = slides.content_slide(f"Hard cost of ownership over {horizon} years, by option")
    chart_box, words = slides.beside(content)
    colours = option_colours(look.theme, order)
    values = [results.options[o].tco_hard for o in order]
    add_bars(slide.shapes, chart_box,
             Bars(f"Hard TCO over {horizon} years ({currency})", [_marked(results, o) for o in order], values,
                  [colours[o] for o in order], money_format(values, currency)),
             look.theme.body_font, look.colour("text"), look.colour("rule"), horizontal=True)
    note = (f"Hard TCO: migration, infrastructure, service charges and people over {horizon} years, in {currency}; "
            "the expected cost of downtime is kept apart.")
    if not all(results.options[o].feasible for o in order):
        note += " An infeasible option cannot carry the workload; it is costed as if it could."
    note_height = Inches(1.1)
    _text_box(slide, Box(words.left, words.top, words.width, Emu(words.height - note_height - GAP)),
              [(" ".join(headline.comparison(results, rationale)), look.body(18))], fit=look)
    _text_box(slide, Box(words.left, Emu(words.top + words.height - note_height), words.width, note_height),
              [(note, look.body(12, "muted"))], MSO_ANCHOR.BOTTOM)
    _notes(slide, ["Chart data: options.<id>.tco_hard in results.json (exact values; rounded only in the number "
                   "format).", *(_source(f"options.{o}.tco_hard", results.options[o].tco_hard) for o in order)])


def _roi_slide(slides: Slides) -> None:
    results, look = slides.results, slides.look
    proposed = results.options[results.proposed_option]
    slide, content = slides.content_slide("Return on investment and payback")
    chart_box, words = slides.beside(content)
    shown = [o for o in results.option_order if results.options[o].roi is not None]
    colours = option_colours(look.theme, results.option_order)
    add_bars(slide.shapes, chart_box,
             Bars(f"ROI over {results.horizon_years} years", [_marked(results, o) for o in shown],
                  [results.options[o].roi for o in shown], [colours[o] for o in shown], PERCENT_FORMAT),
             look.theme.body_font, look.colour("text"), look.colour("rule"), horizontal=True)
    top = words.top
    if proposed.savings >= 0:
        label, figure, note = _payback_tile(proposed, results.horizon_years)
        tile = _rectangle(slide, Box(words.left, top, words.width, Inches(1.75)), look.colour("tile_background"))
        tile.text_frame.word_wrap, tile.text_frame.vertical_anchor = True, MSO_ANCHOR.MIDDLE
        tile.text_frame.margin_left = tile.text_frame.margin_right = Inches(0.2)
        _write(tile.text_frame, [(f"{label} of {proposed.short_name}", look.body(14, "muted")),
                                 (figure, _fitted(look, figure, look.heading(36), Box(0, 0, words.width - Inches(0.4),
                                                                                     Inches(1)))),
                                 (note, look.body(12, "muted"))], PP_ALIGN.LEFT)
        _rectangle(slide, Box(words.left, top, words.width, Inches(0.06)), look.colour("accent"))
        top = top + Inches(1.75) + GAP
    _text_box(slide, Box(words.left, top, words.width, Emu(words.top + words.height - top - Inches(0.9))),
              [(headline.finding(results)[1], look.body(18))], fit=look)
    _text_box(slide, Box(words.left, Emu(words.top + words.height - Inches(0.8)), words.width, Inches(0.8)),
              [("ROI: savings over the option's service charges and migration; the current option has none.",
                look.body(12, "muted"))], MSO_ANCHOR.BOTTOM)
    _notes(slide, ["Chart data: options.<id>.roi in results.json, a ratio (0.92 shows as 92 %).",
                   *(_source(f"options.{o}.roi", results.options[o].roi) for o in shown),
                   _source(f"options.{results.proposed_option}.payback_months", proposed.payback_months)])


def _range_slide(slides: Slides) -> None:
    results, look = slides.results, slides.look
    proposed = results.options[results.proposed_option]
    savings, currency = proposed.range.savings, results.currency
    slide, content = slides.content_slide(f"Range of outcomes: savings of {proposed.short_name}")
    chart_box, words = slides.beside(content)
    values = [savings.p10, savings.p50, savings.p90]
    colour = option_colours(look.theme, results.option_order)[results.proposed_option]
    add_bars(slide.shapes, chart_box,
             Bars(f"Savings over {results.horizon_years} years ({currency})", ["P10", "P50 (median)", "P90"], values,
                  [colour] * 3, money_format(values, currency)),
             look.theme.body_font, look.colour("text"), look.colour("rule"), horizontal=False)
    _text_box(slide, Box(words.left, words.top, words.width, Emu(words.height - Inches(1.2))),
              [(range_sentence(results), look.body(22))], MSO_ANCHOR.MIDDLE, fit=look)
    _text_box(slide, Box(words.left, Emu(words.top + words.height - Inches(1.0)), words.width, Inches(1.0)),
              [(f"Savings of {proposed.name} against {results.options[results.current_option].name}, {currency}; "
                "P10, P50 and P90 are the 10th, 50th and 90th percentiles of the simulated outcomes.",
                look.body(12, "muted"))], MSO_ANCHOR.BOTTOM)
    key = f"options.{results.proposed_option}.range"
    _notes(slide, [_source(f"{key}.trials", proposed.range.trials), _source(f"{key}.savings.p10", savings.p10),
                   _source(f"{key}.savings.p50", savings.p50), _source(f"{key}.savings.p90", savings.p90)])


def build_deck(results: Results, theme: Theme, rationale: str | None = None,
               assessment_date: str | None = None) -> bytes:
    """The slides as .pptx bytes, the same for the same results, theme and date.

    The date is the revision's when the results carry one, else `assessment_date` (ISO 8601): it is printed on
    the title slide and is the deck's creation date.
    """
    day = results.revision.date if results.revision is not None else assessment_date
    if day is None:
        raise ValueError("the deck needs the assessment's date: pass assessment_date when results has no revision")
    start = starting_deck(theme)
    look = Look(theme, start.branded)
    footer = " · ".join([results.customer.name, TITLE, *([results.revision.label] if results.revision else [])])
    slides = Slides(start, look, results, footer)
    _title_slide(slides, results.revision.label if results.revision else long_date(day))
    _finding_slide(slides)
    _tco_slide(slides, rationale)
    _roi_slide(slides)
    if has_range(results):
        _range_slide(slides)
    created, generated = datetime.fromisoformat(day).replace(tzinfo=timezone.utc), results.generated
    properties = start.presentation.core_properties
    properties.title, properties.subject = f"{TITLE}: {results.customer.name}", results.customer.name
    properties.author, properties.last_modified_by = theme.name, f"reportgen {generated.tool_version}"
    properties.comments = (f"reportgen {generated.tool_version}, catalogue {generated.catalogue_version}, "
                           f"inputs {generated.inputs_sha256[:12]}")
    properties.created = properties.modified = created.replace(tzinfo=None)
    properties.revision = results.revision.number if results.revision else 1
    out = io.BytesIO()
    start.presentation.save(out)
    return reproducible.fixed(out.getvalue(), created.strftime("%Y-%m-%dT%H:%M:%SZ"))
