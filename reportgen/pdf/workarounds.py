"""Every workaround reportgen makes in WeasyPrint and the libraries under it: the one place that says why.

Each entry says what it fixes, the upstream change that would make it unnecessary, and the version of
every library it touches that it was written against; its code is in patches.py. An entry is used only
when each of those libraries is at such a version: on any other, the PDF is rendered without it and
one line on stderr, once per process, names it and the versions found. `REPORTGEN_PDF_WORKAROUNDS_OFF`
switches entries off: `all`, or names separated by commas. tests/test_renderer_patches.py renders the
acme report with each entry off and shows what stays the same (`same`).
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache, partial

from reportgen.pdf import patches
from reportgen.problems import ReportgenError

SWITCH = "REPORTGEN_PDF_WORKAROUNDS_OFF"
WHEN = ("import", "loaded", "render", "finish")
SAME = ("bytes", "content", "words")


@dataclass(frozen=True)
class Workaround:
    """`when` says how `install` is used: "import", it is handed the import of WeasyPrint to run; "loaded",
    it patches WeasyPrint's modules once they are imported; "render", it is a context around one render,
    given the site and the document's stylesheets, that gives the site to render from; "finish", it amends the
    PDF's objects (WeasyPrint's document and its pydyf PDF) before they are written.
    `written_for` maps each library it touches to the release it was written against ("70" is 70 and 70.x).
    `same` is what turning it off leaves unchanged: the PDF's "bytes"; its "content", every object's
    decompressed content (the workaround changes the compression); or its "words", each on every page in the
    same order and within a point of its place (the workaround changes how text is drawn)."""
    name: str
    fixes: str
    upstream: str
    written_for: dict[str, str]
    when: str
    install: Callable
    same: str = "bytes"

    def __post_init__(self):
        if self.when not in WHEN or self.same not in SAME:
            raise ValueError(f"{self.name}: `when` is one of {WHEN} and `same` one of {SAME}")


WORKAROUNDS = (
    Workaround(
        name="libraries_by_linux_name",
        fixes="WeasyPrint tries each library under several names, the Windows and macOS ones first, and cffi hands "
              "every name that fails to ctypes' find_library, which runs ldconfig and a compiler: fifteen processes "
              "at every import. The import runs with that search off, since each list also holds the Linux name "
              "that the dynamic loader opens itself, and again with it if a library was not found.",
        upstream="WeasyPrint trying the running platform's library names first, so that no other name reaches "
                 "cffi's find_library fallback.",
        written_for={"WeasyPrint": "70", "cffi": "2.0"}, when="import", install=patches.libraries_by_linux_name),
    Workaround(
        name="chart_labels_as_runs",
        fixes="WeasyPrint draws every SVG <text> letter by letter: a Pango layout and a PDF text object per letter, "
              "without the font's kerning. Chart labels carry no position per letter (several x or y values, dx, "
              "dy, rotate, letter-spacing, textLength), so each is handed to the drawer as one letter and is laid "
              "out, measured and drawn once, kerned.",
        upstream="WeasyPrint's SVG text drawer laying a text out whole when its letters carry no position of their own.",
        written_for={"WeasyPrint": "70"}, when="loaded", install=patches.chart_labels_as_runs, same="words"),
    Workaround(
        name="unsized_font_arrays",
        fixes="Subsetting a font asks cffi for an array type such as hb_codepoint_t[412]; pycparser parses each new "
              "length (building its parser on first use), and lengths differ per font and per customer. An array "
              "sized by its initial values is the same array, and hb_codepoint_t[] is parsed once.",
        upstream="WeasyPrint's pdf/fonts.py declaring those arrays unsized: ffi.new('hb_codepoint_t[]', values).",
        written_for={"WeasyPrint": "70", "cffi": "2.0"}, when="loaded", install=patches.unsized_font_arrays),
    Workaround(
        name="default_deflate_level",
        fixes="pydyf deflates every stream at zlib's slowest level, 9; zlib's default level, 6, is much faster for a "
              "PDF about 1 % larger with the same content.",
        upstream="pydyf taking the compression level from its caller, or using zlib's default.",
        written_for={"pydyf": "0.13"}, when="loaded", install=patches.default_deflate_level, same="content"),
    Workaround(
        name="lean_user_agent_css",
        fixes="WeasyPrint's user-agent stylesheet styles five footnote and note pseudo-elements and a list marker on "
              "every element, so each element of a report gets six pseudo-element styles computed. A report has no "
              "footnotes or notes (a test checks that no template places any) and only list items have markers: the "
              "stylesheet goes without those rules and gives markers to list items only.",
        upstream="WeasyPrint computing a pseudo-element's style only where it can appear: markers on list items, "
                 "footnote pseudo-elements on footnotes.",
        written_for={"WeasyPrint": "70"}, when="loaded", install=patches.lean_user_agent_css),
    Workaround(
        name="png_and_jpeg_only",
        fixes="WeasyPrint offers every image to Pillow first, SVG charts included (SVG's <image> asks for any type), "
              "and Pillow, free to choose, imports its fifty format plugins at its first miss, mid-painting, and "
              "tries each decoder. WeasyPrint's Pillow opens PNG and JPEG only, the raster types the allow-list serves.",
        upstream="WeasyPrint recognising SVG by its MIME type before asking Pillow, and asking for the formats it embeds.",
        written_for={"WeasyPrint": "70", "Pillow": "13"}, when="loaded", install=patches.png_and_jpeg_only),
    Workaround(
        name="flat_css_variables",
        fixes="A custom property on :root is inherited by every element, and WeasyPrint carries and resolves them "
              "element by element, a noticeable share of the PDF's time for a theme's tokens. The PDF gets the "
              "document's stylesheets with each var() replaced by its value (flatcss.py); the HTML keeps them.",
        upstream="WeasyPrint resolving a custom property once per computed value rather than once per element.",
        written_for={"WeasyPrint": "70"}, when="render", install=patches.flat_css_variables),
    Workaround(
        name="font_copies_removed",
        fixes="WeasyPrint copies the document's fonts into a temporary folder that only its font configuration's "
              "finaliser removes; that object sits in reference cycles, so the folder outlived runs without the "
              "cyclic collector, and crashed ones. Its folders go in one of ours, removed when the render ends.",
        upstream="WeasyPrint removing its font folder when the document is done (a close() or a context manager "
                 "on FontConfiguration).",
        written_for={"WeasyPrint": "70"}, when="render", install=patches.font_copies_removed),
    Workaround(
        name="running_heads_as_artifacts",
        fixes="A tagged PDF's running heads and page numbers are to be artifacts of pagination (ISO 14289-1, 7.8); "
              "WeasyPrint marks the margin boxes' text as content and builds structure elements for it that it "
              "leaves out of the tree. Their text is drawn as /Artifact /Pagination and gets no structure element.",
        upstream="WeasyPrint drawing margin boxes as pagination artifacts when it tags a PDF (PDF 1.7 allows no "
                 "Artifact structure element, which PDF 2.0 has).",
        written_for={"WeasyPrint": "70"}, when="loaded", install=patches.running_heads_as_artifacts, same="words"),
    Workaround(
        name="output_profile_closed",
        fixes="For PDF/A, WeasyPrint opens its sRGB output profile for every PDF and never closes the file: a "
              "ResourceWarning and a file handle held until the collector finds it. The profile is read and "
              "the file closed at once.",
        upstream="WeasyPrint reading sRGB2014.icc with read_bytes() or inside a with block.",
        written_for={"WeasyPrint": "70"}, when="loaded", install=patches.output_profile_closed),
    Workaround(
        name="printed_annotations",
        fixes="WeasyPrint sets the print flag on link annotations only for PDF/A; without it a PDF/UA checker sees "
              "links that print and screen show differently (ISO 14289-1, 7.18.1). Every annotation is flagged to print.",
        upstream="WeasyPrint flagging annotations to print whenever it tags a PDF, as it does for PDF/A.",
        written_for={"WeasyPrint": "70"}, when="finish", install=patches.printed_annotations, same="words"),
    Workaround(
        name="table_header_scopes",
        fixes="WeasyPrint tags a table's header cells as TH without their scope, which ISO 14289-1 (7.5) and "
              "checkers read to tie headers to cells. Each TH gets Column in the table's head and over a group "
              "of rows, Row beside data cells, as the HTML's scope attributes say.",
        upstream="WeasyPrint writing a TH's /Scope from the HTML scope attribute, as it reads scope=row already.",
        written_for={"WeasyPrint": "70"}, when="finish", install=patches.table_header_scopes, same="words"),
    Workaround(
        name="structure_tree_apart",
        fixes="pydyf writes every dictionary of a PDF into one compressed object stream, and a reader that wants "
              "one of them parses them all: for the tagged report's 3,000 structure elements pypdf took twice "
              "as long to read two pages back (the claims check, reportgen/pdf/claims.py). Every object but "
              "the structure elements is written on its own, about 20 % more bytes, so that only a reader of "
              "the structure tree parses its object stream.",
        upstream="pydyf writing the structure tree in an object stream of its own (PDF allows several).",
        written_for={"pydyf": "0.13"}, when="finish", install=patches.structure_tree_apart, same="content"),
)


def installed_version(library: str) -> str:
    return importlib.metadata.version(library)


def fits(version: str, release: str) -> bool:
    return version == release or version.startswith(release + ".")


def switched_off(setting: str) -> set[str]:
    """The workarounds a REPORTGEN_PDF_WORKAROUNDS_OFF value names; a name that is none of them is an error."""
    names = [name.strip() for name in setting.split(",") if name.strip()]
    known = [w.name for w in WORKAROUNDS]
    if names == ["all"]:
        return set(known)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ReportgenError(f"{SWITCH} names {', '.join(unknown)}, which is no workaround; it takes `all` or "
                             f"names separated by commas: {', '.join(known)}")
    return set(names)


def left_out_line(misfits: dict[str, dict[str, tuple[str, str]]]) -> str:
    """The warning naming each workaround left out and, for each library that stopped it, the version
    found and the one it was written against."""
    def versions(libraries: dict[str, tuple[str, str]]) -> str:
        return ", ".join(f"{library} {found} found, written for {release}"
                         for library, (found, release) in libraries.items())
    return ("reportgen: the PDF is rendered without the WeasyPrint workarounds written for other versions: "
            + "; ".join(f"{name} ({versions(libraries)})" for name, libraries in misfits.items()))


@cache
def active() -> frozenset[str]:
    """The names of the workarounds this process uses: not switched off, and written for the versions found.
    The first call prints the one warning line when a workaround is left out for its versions."""
    wanted = [w for w in WORKAROUNDS if w.name not in switched_off(os.environ.get(SWITCH, ""))]
    libraries = {library for w in wanted for library in w.written_for}
    found = {library: installed_version(library) for library in libraries}
    misfits = {w.name: {library: (found[library], release) for library, release in w.written_for.items()
                        if not fits(found[library], release)} for w in wanted}
    misfits = {name: libraries for name, libraries in misfits.items() if libraries}
    if misfits:
        print(left_out_line(misfits), file=sys.stderr, flush=True)
    return frozenset(w.name for w in wanted if w.name not in misfits)


def _used(when: str) -> list[Workaround]:
    return [w for w in WORKAROUNDS if w.when == when and w.name in active()]


def import_weasyprint(import_it: Callable[[], object]) -> None:
    """Run `import_it` inside the "import" workarounds."""
    for workaround in _used("import"):
        import_it = partial(workaround.install, import_it)
    import_it()


_patched: set[str] = set()


def patch_weasyprint() -> None:
    """Install the "loaded" workarounds not yet installed in this process."""
    for workaround in _used("loaded"):
        if workaround.name not in _patched:
            workaround.install()
            _patched.add(workaround.name)


def finish(document, pdf) -> None:
    """The "finish" workarounds, on the PDF's objects before they are written (WeasyPrint's `finisher`)."""
    for workaround in _used("finish"):
        workaround.install(document, pdf)


@contextmanager
def rendering(site, stylesheets: Sequence[str]) -> Iterator:
    """The "render" workarounds around one render: the site to render from."""
    with ExitStack() as stack:
        for workaround in _used("render"):
            site = stack.enter_context(workaround.install(site, stylesheets))
        yield site
