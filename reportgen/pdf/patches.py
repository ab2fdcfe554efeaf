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
PRINT_FLAG = 4  # an annotation's flags (PDF 1.7, table 165): bit 3, print
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


def printed_annotations(document, pdf) -> None:
    """Every annotation (the links of the contents and of the references to figures) flagged to print."""
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Annot":
            obj["F"] = PRINT_FLAG


def table_header_scopes(document, pdf) -> None:
    """Each table header cell's scope in the structure tree, as the report's HTML gives it: a column's heading
    in the table's head, a row's heading beside data cells, a group's title (a row of headings alone) over
    the columns below it."""
    elements = {obj.reference: obj for obj in pdf.objects
                if isinstance(obj, dict) and obj.get("Type") == "/StructElem"}
    for cell in elements.values():
        if cell["S"] == "/TH":
            row = elements[cell["P"]]
            kinds = {elements[kid]["S"] for kid in row["K"] if kid in elements}
            in_head = elements[row["P"]]["S"] == "/THead" if row["P"] in elements else False
            cell["A"]["Scope"] = "/Row" if "/TD" in kinds and not in_head else "/Column"


def running_heads_as_artifacts() -> None:
    """The text of each page's margin boxes drawn as a pagination artifact, and left out of the structure tree."""
    import pydyf
    import weasyprint.document as document
    import weasyprint.pdf.stream as pdf_stream
    import weasyprint.pdf.tags as tags
    from weasyprint.formatting_structure import boxes

    draw_page, build_box_tree, marked = document.draw_page, tags._build_box_tree, pdf_stream.Stream.marked

    def draw(page, stream):
        stream.running_heads = {id(box) for margin in page.children if isinstance(margin, boxes.MarginBox)
                                for box in margin.descendants()}
        draw_page(page, stream)

    @contextmanager
    def mark(stream, box, tag):
        if stream._tags is None or id(box) not in getattr(stream, "running_heads", ()):
            with marked(stream, box, tag):
                yield
            return
        base = super(pdf_stream.Stream, stream)
        base.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination"}))
        try:
            yield
        finally:
            base.end_marked_content()

    def build(box, *rest):
        return iter(()) if isinstance(box, boxes.MarginBox) else build_box_tree(box, *rest)

    document.draw_page, pdf_stream.Stream.marked, tags._build_box_tree = draw, mark, build


def output_profile_closed() -> None:
    """The sRGB profile of a PDF/A read and its file closed (ImageCms keeps the bytes it reads, not the file)."""
    import weasyprint.pdf as pdf
    profile = pdf.ColorProfile

    def read(file_object, *rest):
        with file_object:
            return profile(io.BytesIO(file_object.read()), *rest)

    pdf.ColorProfile = read


_ON_THEIR_OWN: dict[type, type] = {}


def structure_tree_apart(document, pdf) -> None:
    """Every object but the structure elements written on its own, outside pydyf's one object stream."""
    for obj in pdf.objects:
        if obj.compressible and not (isinstance(obj, dict) and obj.get("Type") == "/StructElem"):
            kind = type(obj)
            obj.__class__ = _ON_THEIR_OWN.setdefault(kind, type(kind.__name__, (kind,), {"compressible": False}))
