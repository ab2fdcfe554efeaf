"""The code of each workaround that workarounds.WORKAROUNDS lists, which says why each is there.

Each install function is called by workarounds.py at its moment, and only when the workaround applies:
an "import" one is given the import of WeasyPrint to run, a "loaded" one patches WeasyPrint's modules once,
and a "render" one is a context around one render that gives the site to render from.
"""

from __future__ import annotations

import ctypes.util
import dataclasses
import io
import re
import tempfile
import zlib
from collections import ChainMap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from types import SimpleNamespace

from reportgen.pdf.flatcss import flattened

UNUSED_UA_RULES = re.compile(r"^::(footnote|note)-[\w-]+ \{.*\}$\n", re.M)
PER_LETTER = ("dx", "dy", "rotate", "textLength")
SIZED_ARRAY = re.compile(r"(\w+)\[\d+\]")
RASTER_FORMATS = ("PNG", "JPEG")  # what the allow-list serves: a logo arrives re-encoded as PNG (see inputs/logo.py)


def libraries_by_linux_name(import_weasyprint: Callable[[], object]) -> None:
    """Run `import_weasyprint` with ctypes' library search off; again with it, if a library was not found.

    Each of WeasyPrint's lists of a library's names holds the Linux name ('libpango-1.0.so.0'), which the
    dynamic loader opens itself; the search is what a system without those names needs.
    """
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with redirect_stdout(io.StringIO()):  # WeasyPrint prints its advice when a library is missing
            import_weasyprint()
    except OSError:
        ctypes.util.find_library = find_library
        import_weasyprint()
    finally:
        ctypes.util.find_library = find_library


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


def chart_labels_as_runs() -> None:
    """SVG text that is one run goes to WeasyPrint's per-letter drawer as a single "letter"."""
    import weasyprint.svg as svg
    per_letter = svg.text

    def text(drawing, node, font_size):
        if is_one_run(node):
            node._etree_node.text = _Run(node.text)
        per_letter(drawing, node, font_size)

    svg.text = text  # the anchor handling compares a node's drawer with this name
    svg.TAGS.update({tag: text for tag, drawer in svg.TAGS.items() if drawer is per_letter})


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


def unsized_font_arrays() -> None:
    import weasyprint.pdf.fonts as pdf_fonts
    pdf_fonts.ffi = _UnsizedArrays(pdf_fonts.ffi)


def _default_level(level: int = zlib.Z_DEFAULT_COMPRESSION):
    """A compressor at zlib's default level, whatever level pydyf asks for."""
    return zlib.compressobj()


def default_deflate_level() -> None:
    import pydyf
    pydyf.zlib = SimpleNamespace(compress=zlib.compress, compressobj=_default_level)


def report_user_agent_css(css: str) -> str:
    """WeasyPrint's user-agent stylesheet less the footnote and note rules, with markers for list items only."""
    return UNUSED_UA_RULES.sub("", css).replace("\n::marker {", "\nli::marker {")


def lean_user_agent_css() -> None:
    import weasyprint
    import weasyprint.html as html
    weasyprint.UA_STYLESHEET = weasyprint.CSS(string=report_user_agent_css(html.UA), counter_style=html.UA_COUNTER_STYLE)


class _RasterOnly(_Wrapped):
    """WeasyPrint's handle on Pillow, but an image is opened as PNG or JPEG or not at all."""

    def open(self, fp, mode="r", formats=None):
        return self._wrapped.open(fp, mode, formats=RASTER_FORMATS)


def png_and_jpeg_only() -> None:
    import weasyprint.draw.text as draw_text
    import weasyprint.images as images
    images.Image = draw_text.Image = _RasterOnly(images.Image)


@contextmanager
def flat_css_variables(site, stylesheets: Sequence[str]) -> Iterator:
    """The site with `stylesheets` (URLs under its base, in cascade order) served with their custom
    properties written in place (flatcss.py); the rest of its memory stays live (charts arrive late)."""
    flat = flattened({url: site.read(site.base + url)[0] for url in stylesheets})
    yield dataclasses.replace(site, memory=ChainMap(flat, site.memory))


@contextmanager
def font_copies_removed(site, stylesheets: Sequence[str]) -> Iterator:
    """WeasyPrint's temporary folders of the document's fonts made in one of ours, removed when the render ends."""
    with tempfile.TemporaryDirectory(prefix="reportgen-render-") as scratch:
        system_folder, tempfile.tempdir = tempfile.tempdir, scratch
        try:
            yield site
        finally:
            tempfile.tempdir = system_folder
