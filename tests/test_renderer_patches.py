"""What reportgen changes in WeasyPrint and the libraries under it (reportgen/pdf/workarounds.py): the acme
report with each workaround off is the same PDF, or the same content or words where the workaround changes
them by design; each workaround goes in only at the versions it was written for, else the PDF is rendered
without it and one warning line says so. Then what each one does: chart labels drawn as runs of text (one
text object per label, in the place per-letter drawing puts it), streams deflated at zlib's default level, a
user-agent stylesheet without the pseudo-elements no report has, libraries loaded without a search, Pillow
kept to PNG and JPEG."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

import reportgen.build.assemble
from reportgen.build.pipeline import report
from reportgen.pdf import workarounds
from reportgen.pdf.render import Site, import_weasyprint, render_pdf
from reportgen.pdf.patches import is_one_run, report_user_agent_css
from reportgen.problems import ReportgenError
from tests.conftest import ROOT, example
from tests.test_report import tmp_project

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
LABEL = "Kafka AVAWAY $9,671,501"


NAMES = [w.name for w in workarounds.WORKAROUNDS]
TOUCH_WEASYPRINT = ",".join(w.name for w in workarounds.WORKAROUNDS if "WeasyPrint" in w.written_for)
RENDER = """
import json, pickle, sys
from reportgen.pdf import workarounds
from reportgen.pdf.render import render_pdf
document, out, *fakes = sys.argv[1:]
found, fake = workarounds.installed_version, dict(f.split("=") for f in fakes)
workarounds.installed_version = lambda library: fake.get(library) or found(library)
args, options = pickle.loads(open(document, "rb").read())
open(out, "wb").write(render_pdf(*args, **options))  # which asks which workarounds apply at each of their moments
print(json.dumps(sorted(workarounds.active())))
"""


@pytest.fixture(scope="module")
def acme_document(tmp_path_factory):
    """What the acme report hands render_pdf, pickled for fresh processes."""
    folder = tmp_path_factory.mktemp("acme-document")
    documents = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reportgen.build.assemble, "render_pdf",
                      lambda *args, **options: documents.append((args, options)) or b"%PDF")
        patch.setattr(reportgen.build.assemble, "_check_claims", lambda *args: None)  # no PDF to read back here
        report(tmp_project(folder / "project", example("acme")), "acme", formats=("pdf",))
    (folder / "document.pickle").write_bytes(pickle.dumps(documents[0]))
    return folder / "document.pickle"


def _render(document, name: str, switched_off: str, *fakes: str):
    """The acme PDF's path, the workarounds used and what was printed on stderr, from a fresh process."""
    out = document.with_name(f"{name}.pdf")
    run = subprocess.run([sys.executable, "-c", RENDER, str(document), str(out), *fakes], cwd=ROOT,
                         env={**os.environ, workarounds.SWITCH: switched_off}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return out, set(json.loads(run.stdout)), run.stderr


@pytest.fixture(scope="module")
def acme_pdfs(acme_document):
    """The acme PDF, each from a fresh process: with every workaround ("all"), with each one off (by its name),
    with a WeasyPrint it was not written for, and with the workarounds that touch WeasyPrint switched off."""
    runs = {"all": ("",), **{name: (name,) for name in NAMES}, "weasyprint-71": ("", "WeasyPrint=71.0"),
            "weasyprint-workarounds-off": (TOUCH_WEASYPRINT,)}
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        return dict(zip(runs, pool.map(lambda name: _render(acme_document, name, *runs[name]), runs)))


def _objects(pdf: bytes) -> dict[int, bytes]:
    """Every object but the cross-reference and object streams (they hold byte offsets and other objects, each
    read here on its own), each stream decompressed."""
    reader, objects = PdfReader(io.BytesIO(pdf)), {}
    for number in range(1, reader.trailer["/Size"]):
        written, obj = io.BytesIO(), reader.get_object(number)
        if isinstance(obj, StreamObject):
            if obj.get("/Type") in ("/XRef", "/ObjStm"):
                continue
            DictionaryObject({k: v for k, v in obj.items() if k not in ("/Length", "/Filter")}).write_to_stream(written)
            written.write(obj.get_data())
        else:
            obj.write_to_stream(written)
        objects[number] = written.getvalue()
    return objects


def _page_words(path) -> list[list[tuple[str, float, float, float, float]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    box = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [[(word, *map(float, edges)) for *edges, word in re.findall(box, page)] for page in html.split("<page ")[1:]]


def _same_bytes(ours, theirs) -> None:
    assert ours.read_bytes() == theirs.read_bytes()


def _same_content(ours, theirs) -> None:
    assert ours.read_bytes() != theirs.read_bytes()  # recompressed by design
    assert _objects(ours.read_bytes()) == _objects(theirs.read_bytes())


def _same_words(ours, theirs) -> None:
    assert ours.read_bytes() != theirs.read_bytes()  # drawn otherwise by design
    pages, their_pages = _page_words(ours), _page_words(theirs)
    assert [[w[0] for w in page] for page in pages] == [[w[0] for w in page] for page in their_pages]
    moved = max(abs(edge - their_edge) for page, their_page in zip(pages, their_pages)
                for word, their_word in zip(page, their_page) for edge, their_edge in zip(word[1:], their_word[1:]))
    assert moved < 1  # points: kerning tightens a label by a fraction of a letter


SAME = {"bytes": _same_bytes, "content": _same_content, "words": _same_words}


def test_every_way_of_being_the_same_has_its_check():
    assert set(SAME) == set(workarounds.SAME)


@pytest.mark.parametrize("name", NAMES)
def test_the_acme_report_is_the_same_pdf_with_each_workaround_off(acme_pdfs, name):
    """One case per entry of the list: a workaround added to it is checked here without a word more."""
    ours, used, _ = acme_pdfs["all"]
    theirs, used_without, _ = acme_pdfs[name]
    assert used == set(NAMES) and used_without == set(NAMES) - {name}  # the switch turned it, and only it, off
    SAME[next(w.same for w in workarounds.WORKAROUNDS if w.name == name)](ours, theirs)


def test_on_an_unknown_weasyprint_the_report_renders_without_its_workarounds_and_one_line_says_so(acme_pdfs):
    unknown, used, warning = acme_pdfs["weasyprint-71"]
    switched_off, used_switched_off, quiet = acme_pdfs["weasyprint-workarounds-off"]
    assert unknown.read_bytes() == switched_off.read_bytes()  # rendered, and exactly as without those workarounds
    assert used == used_switched_off == {"default_deflate_level", "structure_tree_apart"}  # pydyf's own still apply
    left_out = TOUCH_WEASYPRINT.split(",")
    assert warning == ("reportgen: the PDF is rendered without the WeasyPrint workarounds written for other versions: "
                       + "; ".join(f"{name} (WeasyPrint 71.0 found, written for 70)" for name in left_out) + "\n")
    assert quiet == ""  # switched off is not a warning


def test_a_library_at_another_version_leaves_out_only_the_workarounds_that_touch_it(monkeypatch, capsys):
    found = workarounds.installed_version
    monkeypatch.setattr(workarounds, "installed_version", lambda library: "12.1.0" if library == "Pillow" else found(library))
    monkeypatch.delenv(workarounds.SWITCH, raising=False)
    workarounds.active.cache_clear()
    try:
        assert workarounds.active() == set(NAMES) - {"png_and_jpeg_only"}
        workarounds.active()
    finally:
        workarounds.active.cache_clear()
    assert capsys.readouterr().err == ("reportgen: the PDF is rendered without the WeasyPrint workarounds written for "
                                       "other versions: png_and_jpeg_only (Pillow 12.1.0 found, written for 13)\n")


def test_every_workaround_is_written_for_the_libraries_installed_here():
    assert workarounds.active() == set(NAMES)


def test_a_release_covers_its_patch_versions_only():
    assert workarounds.fits("70.0", "70") and workarounds.fits("70.2", "70") and workarounds.fits("0.13.0", "0.13")
    assert not workarounds.fits("700.0", "70") and not workarounds.fits("71.0", "70") and not workarounds.fits("0.1", "0.13")


def test_the_switch_takes_all_or_names_and_refuses_a_name_it_does_not_know():
    assert workarounds.switched_off("") == set()
    assert workarounds.switched_off("all") == set(NAMES)
    assert workarounds.switched_off(" png_and_jpeg_only,default_deflate_level ") == {"png_and_jpeg_only",
                                                                                     "default_deflate_level"}
    with pytest.raises(ReportgenError, match="png_and_jpg_only, which is no workaround"):
        workarounds.switched_off("png_and_jpg_only")


def test_every_workaround_says_what_it_fixes_and_what_upstream_change_ends_it():
    for w in workarounds.WORKAROUNDS:
        assert w.fixes and w.upstream and w.written_for, w.name
        assert set(w.written_for) <= {"WeasyPrint", "pydyf", "Pillow", "cffi"}, w.name
    assert len(set(NAMES)) == len(NAMES)


def test_a_font_subset_array_is_declared_without_its_length():
    import_weasyprint()
    import weasyprint.pdf.fonts
    ffi = weasyprint.pdf.fonts.ffi
    gids = ffi.new("hb_codepoint_t[3]", [7, 8, 9])
    assert list(gids) == [7, 8, 9] and ffi.typeof(gids) is ffi.typeof("hb_codepoint_t[]")


def _svg(label_attributes: str) -> bytes:
    texts = "".join(f'<text x="150" y="{y}" text-anchor="{anchor}" font-size="12px" {label_attributes}>{LABEL}</text>'
                     for y, anchor in ((20, "start"), (40, "middle"), (60, "end")))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80">{texts}</svg>'.encode()


def _pdf(tmp_path, label_attributes: str) -> None:
    site = Site(base="file:///out/", roots=(tmp_path,), mounts={}, memory={"charts/a.svg": _svg(label_attributes)})
    pdf = render_pdf('<img src="charts/a.svg">', site, WHEN, ("a.json", b"{}"), pdf_standard="none")
    (tmp_path / "a.pdf").write_bytes(pdf)


def _text_shows(tmp_path) -> int:
    """Text-showing operators (Tj, TJ) on the page and in its form XObjects: one per separately drawn piece of text."""
    page = PdfReader(tmp_path / "a.pdf").pages[0]
    shows, pending = len(re.findall(rb"\bT[jJ]\b", page.get_contents().get_data())), [page["/Resources"]]
    while pending:
        resources = pending.pop().get_object()
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            shows += len(re.findall(rb"\bT[jJ]\b", xobject.get_data()))
            if "/Resources" in xobject:
                pending.append(xobject["/Resources"])
    return shows


def _word_boxes(tmp_path) -> list[tuple[str, float, float]]:
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [(word, float(x0), float(x1))
            for x0, x1, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html)]


def test_a_plain_label_is_one_text_object_and_a_positioned_one_stays_per_letter(tmp_path):
    _pdf(tmp_path, "")
    assert _text_shows(tmp_path) == 3
    _pdf(tmp_path, 'dx="0"')
    assert _text_shows(tmp_path) == 3 * len(LABEL.replace(" ", ""))


def _rows(tmp_path, label_attributes: str) -> list[list[tuple[float, float]]]:
    """The (left, right) of each word of the start-, middle- and end-anchored labels."""
    _pdf(tmp_path, label_attributes)
    boxes = _word_boxes(tmp_path)
    assert [word for word, *_ in boxes] == LABEL.split() * 3
    return [[(x0, x1) for _, x0, x1 in boxes[i:i + 3]] for i in (0, 3, 6)]


def test_runs_keep_every_anchor_and_gain_the_fonts_kerning(tmp_path):
    (start, middle, end), (start_1, middle_1, end_1) = _rows(tmp_path, ""), _rows(tmp_path, 'dx="0"')
    assert abs(start[0][0] - start_1[0][0]) < 0.2
    assert abs((middle[0][0] + middle[2][1]) / 2 - (middle_1[0][0] + middle_1[2][1]) / 2) < 0.2
    assert abs(end[2][1] - end_1[2][1]) < 0.2
    width = lambda box: box[1] - box[0]  # noqa: E731
    assert width(start[1]) < width(start_1[1]) - 1  # "AVAWAY" tightens: its pairs are kerned once it is one run
    assert abs(width(start[2]) - width(start_1[2])) < 0.2  # figures have no kerning pairs: the same width


def test_which_labels_are_runs():
    def node(attributes: str, text: str = "Label") -> SimpleNamespace:
        attrib = ElementTree.fromstring(f"<text {attributes}/>").attrib
        return SimpleNamespace(attrib=attrib, text=text, get=attrib.get)

    assert is_one_run(node('x="1" y="2"'))
    assert is_one_run(node('transform="translate(1 2)"'))
    assert not is_one_run(node('x="1 2 3"'))
    assert not is_one_run(node('y="1,2"'))
    assert not is_one_run(node('rotate="30"'))
    assert not is_one_run(node('textLength="40"'))
    assert not is_one_run(node('letter-spacing="2"'))
    assert not is_one_run(node("", text=""))


def test_every_stream_is_deflated_at_zlibs_default_level(tmp_path):
    """Level 9 took twice as long for a PDF 1 % smaller. zlib's header and output differ by level, so a stream
    compressed at 9 does not come out of recompression at 6 unchanged."""
    _pdf(tmp_path, "")
    streams = re.findall(rb"/FlateDecode[^>]*>>\s*stream\n(.*?)\nendstream", (tmp_path / "a.pdf").read_bytes(), re.S)
    assert len(streams) > 3  # the page, the font and its tables, the chart
    assert all(zlib.compress(zlib.decompress(stream), 6) == stream for stream in streams)


def test_the_user_agent_stylesheet_loses_only_the_footnote_and_note_rules_and_keeps_list_markers():
    import_weasyprint()
    import weasyprint
    import weasyprint.html
    assert weasyprint.UA_STYLESHEET is not weasyprint.html.UA_STYLESHEET  # installed, so HTML() uses it
    theirs, ours = weasyprint.html.UA.splitlines(), report_user_agent_css(weasyprint.html.UA).splitlines()
    dropped = [line for line in theirs if line not in ours]
    assert [line.split(" {")[0] for line in dropped] == [
        "::marker", "::footnote-call", "::footnote-marker", "::note-call", "::note-marker", "::note-callback"]
    assert [line for line in ours if line not in theirs] == ["li::marker" + dropped[0].removeprefix("::marker")]
    for css in [*(ROOT / "templates").glob("report/*.css"), *(ROOT / "templates").glob("themes/*/theme.css")]:
        # a stylesheet that places footnotes or notes needs the rules back
        assert not re.search(r"float:\s*footnote|::(footnote|note)-|footnote-(display|policy)", css.read_text()), css


IMPORT = """
import ctypes.util, subprocess, sys
searched, started = ctypes.util.find_library, []
popen = subprocess.Popen.__init__
subprocess.Popen.__init__ = lambda self, args, *rest, **options: started.append(args) or popen(self, args, *rest, **options)
if sys.argv[1] == "without sonames":  # a system where only the search finds Pango
    import cffi.api
    load = cffi.api._load_backend_lib
    def no_soname(backend, name, flags):
        if name == "libpango-1.0.so.0" and ctypes.util.find_library is not searched:
            raise OSError("no file called " + name)
        return load(backend, name, flags)
    cffi.api._load_backend_lib = no_soname
from reportgen.pdf.render import import_weasyprint
import_weasyprint()
from weasyprint import HTML
assert HTML(string="<p>Kafka</p>").write_pdf().startswith(b"%PDF")
print(len(started), ctypes.util.find_library is searched)
"""


def test_weasyprint_loads_its_libraries_without_searching_and_searches_when_it_must():
    def run(case: str) -> str:
        return subprocess.run([sys.executable, "-c", IMPORT, case], capture_output=True, text=True, check=True).stdout

    assert run("here") == "0 True\n"  # no ldconfig, no compiler; the standard search is back in place
    started, restored = run("without sonames").split()
    assert int(started) > 0 and restored == "True"  # found by the search, and nothing printed on the way


RASTERS = """
import io, sys
from datetime import datetime, timezone
from pathlib import Path
from PIL import Image
from reportgen.problems import ReportgenError
from reportgen.pdf.render import Site, import_weasyprint, render_pdf

import_weasyprint()  # which imports the plugins WeasyPrint itself uses (EPS)


def encoded(kind):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, kind)
    return out.getvalue()

frame = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
         b'<image width="40" height="20" xlink:href="chart.drawn.svg"/></svg>')
chart = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
memory = {"frame.svg": frame, "chart.drawn.svg": chart, "a.png": encoded("PNG"), "b.jpg": encoded("JPEG"),
          "gif.png": encoded("GIF")}
site = Site(base="file:///out/", roots=(Path.cwd(),), mounts={}, memory=memory)
plugins = {name for name in sys.modules if name.startswith("PIL.") and name.endswith("ImagePlugin")}
when = datetime(2026, 1, 1, tzinfo=timezone.utc)
pdf = render_pdf('<img src="frame.svg"><img src="a.png"><img src="b.jpg">', site, when, ("a.json", b"{}"),
                 pdf_standard="none")  # a plain PDF: its images have no alternative text
loaded = {name for name in sys.modules if name.startswith("PIL.") and name.endswith("ImagePlugin")} - plugins
try:
    render_pdf('<img src="gif.png">', site, when, ("a.json", b"{}"), pdf_standard="none")
    refused = "no"
except ReportgenError:
    refused = "yes"
print(pdf.count(b"/Subtype /Image"), refused, " ".join(sorted(loaded)))
"""


def test_weasyprints_pillow_opens_png_and_jpeg_only_and_loads_no_other_decoder():
    """An SVG chart is offered to Pillow first; Pillow, free to choose, imported its fifty plugins at that miss."""
    images, refused, *loaded = subprocess.run([sys.executable, "-c", RASTERS], capture_output=True, text=True,
                                              check=True).stdout.split()
    assert images == "2"  # the PNG and the JPEG; the chart is drawn as vectors
    assert refused == "yes"  # a GIF under a PNG's name is not decoded
    assert set(loaded) <= {"PIL.PngImagePlugin", "PIL.JpegImagePlugin", "PIL.GifImagePlugin", "PIL.BmpImagePlugin",
                           "PIL.PpmImagePlugin"}  # Pillow's preinit set, never its fifty
