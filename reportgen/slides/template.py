"""The presentation the slides start from, and the two layouts they use.

A theme whose theme.toml names `slides_master` brings its own PowerPoint: the deck starts from it and its
layouts, and the text in their placeholders keeps the master's styles. Otherwise the deck starts from
python-pptx's default template, made 16:9 and given the theme's colours and fonts as its colour and font
scheme, so that what the account team adds later is in the brand too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE
from pptx.presentation import Presentation as Deck
from pptx.slide import SlideLayout
from pptx.util import Emu, Inches

from reportgen.problems import ReportgenError
from reportgen.report.theme import Theme

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # PowerPoint's widescreen, 13.333 by 7.5 inches: the slides' layout
FOOTERS = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
# The scheme's slots, from the theme's colours; accent1 to accent6 are the first six option colours.
SCHEME_SLOTS = {"dk1": "text", "lt1": "background", "dk2": "primary", "lt2": "tile_background",
                "hlink": "accent", "folHlink": "muted"}


@dataclass(frozen=True)
class Start:
    """`branded`: a master of the theme's own carries the brand, so its placeholders are not restyled."""
    presentation: Deck
    title_layout: SlideLayout
    content_layout: SlideLayout
    branded: bool


def _kinds(layout: SlideLayout) -> set:
    return {p.placeholder_format.type for p in layout.placeholders} - FOOTERS


def starting_deck(theme: Theme) -> Start:
    """The theme's master with its title layout and its title-only layout (or the nearest it has)."""
    branded = theme.slides_master is not None
    deck = _master(theme) if branded else _themed_default(theme)
    layouts = list(deck.slide_layouts)
    title = next((lay for lay in layouts if PP_PLACEHOLDER.CENTER_TITLE in _kinds(lay)), layouts[0])
    content = (next((lay for lay in layouts if _kinds(lay) == {PP_PLACEHOLDER.TITLE}), None)
               or next((lay for lay in layouts if PP_PLACEHOLDER.TITLE in _kinds(lay)), layouts[-1]))
    return Start(deck, title, content, branded)


def _master(theme: Theme) -> Deck:
    """The theme's master, checked: widescreen, and no slides of its own to come before the deck's."""
    deck = Presentation(str(theme.slides_master))
    inches = (round(deck.slide_width / Inches(1), 2), round(deck.slide_height / Inches(1), 2))
    if (deck.slide_width, deck.slide_height) != (WIDTH, HEIGHT):
        raise ReportgenError(f"theme {theme.id}: slides_master {theme.slides_master.name} is {inches[0]} by "
                             f"{inches[1]} inches; the slides are laid out for PowerPoint's widescreen, 13.333 by 7.5")
    if len(deck.slides):
        raise ReportgenError(f"theme {theme.id}: slides_master {theme.slides_master.name} holds {len(deck.slides)} "
                             "slides; delete them, keeping the slide master and its layouts")
    return deck


def _themed_default(theme: Theme) -> Deck:
    """python-pptx's default template, widened from 4:3 to 16:9, with the theme's colour and font schemes."""
    deck = Presentation()
    scale = WIDTH / deck.slide_width
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    placeholders = [*deck.slide_master.placeholders, *(p for lay in deck.slide_layouts for p in lay.placeholders)]
    for shape in [p for p in placeholders if p.element.xpath("./p:spPr/a:xfrm")]:
        shape.left, shape.width = Emu(round(shape.left * scale)), Emu(round(shape.width * scale))
    scheme_part = deck.slide_master.part.part_related_by(RELATIONSHIP_TYPE.THEME)
    scheme = etree.fromstring(scheme_part.blob)
    colours = {slot: theme.colors[name] for slot, name in SCHEME_SLOTS.items()}
    colours |= {f"accent{i + 1}": theme.option_colors[i % len(theme.option_colors)] for i in range(6)}
    for slot, colour in colours.items():
        element = scheme.find(f".//{{{DRAWING}}}clrScheme/{{{DRAWING}}}{slot}")
        element.clear()
        etree.SubElement(element, f"{{{DRAWING}}}srgbClr", val=colour.lstrip("#"))
    for role, family in (("majorFont", theme.heading_font), ("minorFont", theme.body_font)):
        scheme.find(f".//{{{DRAWING}}}{role}/{{{DRAWING}}}latin").set("typeface", family)
    # The theme part is a plain part to python-pptx: its bytes are replaced whole.
    scheme_part._blob = etree.tostring(scheme, xml_declaration=True, encoding="UTF-8", standalone=True)
    return deck
