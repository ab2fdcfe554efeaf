"""Costs WeasyPrint 70 pays for nothing on reportgen's documents, removed without changing a drawn glyph.

- **SVG text letter by letter.** WeasyPrint draws every SVG <text> one letter at a time: a Pango
  layout and a text object per letter, so the charts' letters cost a large share of the PDF's
  time and lose the font's kerning. Per-letter layout is only needed when letters carry their own
  positions (several x or y values, dx, dy, rotate, letter-spacing or textLength). Chart labels
  never do; for them, WeasyPrint's own text drawer is handed the label as a single "letter", so it
  shapes, measures and draws it once.
- **A C type per font size.** Subsetting a font asks cffi for an array type such as
  `hb_codepoint_t[412]`; each new length is parsed by pycparser (its parser built on first use),
  and lengths differ per font and per customer. An array sized by its
  initial values is the same array, and `hb_codepoint_t[]` is parsed once.
- **The slowest compression.** pydyf deflates every stream at zlib's level 9; zlib's default level 6
  is much faster for a slightly larger PDF with the same content (bench/bench_report.py measures it).
- **Styles for pseudo-elements no report has.** The user-agent stylesheet styles five footnote and note
  pseudo-elements and a list marker on every element, so each of a report's elements gets six
  pseudo-element styles computed; the report has no footnotes or notes, and only list items have
  markers. Its stylesheet leaves those rules out and gives markers to list items only: the same bytes,
  sooner.
- **Every decoder Pillow has, on the clock.** WeasyPrint asks Pillow first for every chart (SVG's
  <image> asks for any image type), and Pillow, asked for any format, imports its fifty format plugins
  at its first miss, in the middle of painting, and offers what it is given to every decoder.
  WeasyPrint's Pillow opens only PNG and JPEG, the raster types the allow-list serves (a logo arrives
  re-encoded as PNG, see logo.py).

All are installed only for the WeasyPrint version they were written against (pinned in pyproject.toml).
"""

from __future__ import annotations

import re
import zlib
from types import SimpleNamespace

SUPPORTED = "70."
UNUSED_UA_RULES = re.compile(r"^::(footnote|note)-[\w-]+ \{.*\}$\n", re.M)
PER_LETTER = ("dx", "dy", "rotate", "textLength")
SIZED_ARRAY = re.compile(r"(\w+)\[\d+\]")
RASTER_FORMATS = ("PNG", "JPEG")


class _Run(str):
    """A label that iterates as one piece: WeasyPrint's drawer lays out each item it yields."""

    def __iter__(self):
        yield str(self)


def _single(value: str | None) -> bool:
    return value is None or len(value.replace(",", " ").split()) <= 1


def is_one_run(node) -> bool:
    """Whether a text node's letters all follow each other, so the node is one run of text."""
    attributes = node.attrib
    return (bool(node.text) and _single(attributes.get("x")) and _single(attributes.get("y"))
            and not any(name in attributes for name in PER_LETTER)
            and node.get("letter-spacing") in (None, "0", "normal"))


class _Wrapped:
    """One of WeasyPrint's handles on a library, with one of its functions replaced by a subclass."""

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


class _UnsizedArrays(_Wrapped):
    """WeasyPrint's cffi handle, but an array given its values is declared without a length."""

    def new(self, cdecl: str, init=None):
        sized = SIZED_ARRAY.fullmatch(cdecl)
        if sized and init is not None:
            cdecl = f"{sized[1]}[]"
        return self._wrapped.new(cdecl, init)


class _RasterOnly(_Wrapped):
    """WeasyPrint's handle on Pillow, but an image is opened as PNG or JPEG or not at all."""

    def open(self, fp, mode="r", formats=None):
        return self._wrapped.open(fp, mode, formats=RASTER_FORMATS)


def _default_level(level: int = zlib.Z_DEFAULT_COMPRESSION):
    """A compressor at zlib's default level, whatever level pydyf asks for."""
    return zlib.compressobj()


def report_user_agent_css(css: str) -> str:
    """WeasyPrint's user-agent stylesheet less the footnote and note rules, with markers for list items only."""
    return UNUSED_UA_RULES.sub("", css).replace("\n::marker {", "\nli::marker {")


def install() -> None:
    """Install the patches once; another WeasyPrint version is left as it is."""
    import pydyf
    import weasyprint
    import weasyprint.draw.text as draw_text
    import weasyprint.html as html
    import weasyprint.images as images
    import weasyprint.pdf.fonts as pdf_fonts
    import weasyprint.svg as svg
    if not weasyprint.__version__.startswith(SUPPORTED) or isinstance(pdf_fonts.ffi, _UnsizedArrays):
        return
    pdf_fonts.ffi = _UnsizedArrays(pdf_fonts.ffi)
    weasyprint.UA_STYLESHEET = weasyprint.CSS(string=report_user_agent_css(html.UA), counter_style=html.UA_COUNTER_STYLE)
    images.Image = draw_text.Image = _RasterOnly(images.Image)
    pydyf.zlib = SimpleNamespace(compress=zlib.compress, compressobj=_default_level)
    per_letter = svg.text

    def text(drawing, node, font_size):
        if is_one_run(node):
            node._etree_node.text = _Run(node.text)
        per_letter(drawing, node, font_size)

    svg.text = text  # the anchor handling compares a node's drawer with this name
    svg.TAGS.update({tag: text for tag, drawer in svg.TAGS.items() if drawer is per_letter})
