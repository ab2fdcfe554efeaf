"""The report's HTML is accessible (README, "Accessible and archival"): axe-core, run in Debian's Chromium by
tests/a11y/check_html.mjs, finds no violation of WCAG 2.1 A and AA in the acme report of either theme at 1280 and
390 pixels wide; at 390 the page does not scroll sideways, a wide table or chart scrolls in its own box with a
cue, and chart labels stay at least 9 pixels tall. Colours are checked where axe cannot see them: each theme's
palette, and the labels inside the charts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reportgen.report.theme import load_theme, themes
from tests.conftest import ROOT
from tests.test_cli_batch import make_project, run

A11Y = ROOT / "tests" / "a11y"
BROWSER = Path("/usr/lib/chromium/chromium")  # Debian's chromium package; scripts/setup.sh --dev installs it
WIDTHS = (1280, 390)
THEMES = ("default", "harbor")
MIN_LABEL_PX = 9
AA = 4.5  # WCAG 2.1 AA, text below 18 pt (14 pt bold)
REPORT = "acme-kafka-tco-assessment"
SVG = "{http://www.w3.org/2000/svg}"
# The pairs of theme colours the stylesheets set text in, as (text, background): "white" is the cover's and the
# table heads' text on the primary colour; warnings are set on white (a warning call-out has no tile background).
TEXT_ON = (("text", "background"), ("muted", "background"), ("primary", "background"), ("warning", "background"),
           ("text", "tile_background"), ("muted", "tile_background"), ("primary", "tile_background"),
           ("white", "primary"))


def contrast(one: str, other: str) -> float:
    """WCAG 2.1's contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The acme report's HTML folder in each theme, from `invoke report`."""
    project = make_project(tmp_path_factory.mktemp("acme"))
    folders = {}
    for theme in THEMES:
        done = run(project, "report", "--customer", "acme", "--theme", theme, "--format", "html")
        assert done.returncode == 0, done.stderr
        folders[theme] = tmp_path_factory.mktemp(theme)
        shutil.copytree(project / "output" / "acme", folders[theme], dirs_exist_ok=True)
    return folders


@pytest.fixture(scope="module")
def browsed(reports) -> dict[str, dict[int, dict]]:
    """What the browser found on each theme's page at each width."""
    missing = [str(path) for path in (BROWSER, A11Y / "node_modules" / "axe-core") if not path.exists()]
    assert not missing, f"{', '.join(missing)} missing: run `bash scripts/setup.sh --dev`"
    pages = {theme: folder / f"{REPORT}.html" for theme, folder in reports.items()}
    done = subprocess.run(["node", str(A11Y / "check_html.mjs"), str(BROWSER), os.environ.get("REPORTGEN_SCREENSHOTS", "-"),
                           ",".join(map(str, WIDTHS)), *map(str, pages.values())],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    return {theme: {int(width): result for width, result in found[str(page)].items()} for theme, page in pages.items()}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_no_violation_of_wcag_2_1_a_and_aa(browsed, theme, width):
    found = browsed[theme][width]
    assert found["violations"] == []
    assert found["passes"] > 15  # the rules ran: landmarks, names, table headers, contrast, ...


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", THEMES)
def test_the_page_never_scrolls_sideways(browsed, theme, width):
    page = browsed[theme][width]["page"]
    assert page["scrollWidth"] <= page["clientWidth"] == width


@pytest.mark.parametrize("theme", THEMES)
def test_at_390_pixels_wide_tables_and_charts_scroll_in_their_own_box_with_a_cue(browsed, theme):
    boxes = browsed[theme][390]["boxes"]
    scrolling = [box for box in boxes if box["scrollWidth"] > box["clientWidth"]]
    assert "Kafka clusters today" in [box["name"] for box in scrolling]  # the estate's nine columns
    for box in scrolling:
        assert box["overflowX"] == "auto" and box["tabIndex"] == 0, box["name"]  # reachable by keyboard
        assert box["backgroundImage"].count("gradient") == 4, box["name"]  # the shadows at its edges
    assert not [box for box in browsed[theme][1280]["boxes"] if box["scrollWidth"] > box["clientWidth"]]


def label_sizes(svg: bytes) -> tuple[float, list[float]]:
    """A chart's width in its own units and the font size of each of its labels."""
    root = ElementTree.fromstring(svg)
    return (float(root.get("viewBox").split()[2]),
            [float(text.get("font-size").removesuffix("px")) for text in root.iter(f"{SVG}text")])


@pytest.mark.parametrize("theme", THEMES)
def test_at_390_pixels_chart_labels_stay_at_least_9_pixels_tall(reports, browsed, theme):
    charts = browsed[theme][390]["charts"]
    assert len(charts) == 8
    for chart in charts:
        width, sizes = label_sizes((reports[theme] / chart["src"]).read_bytes())
        assert min(sizes) * chart["width"] / width >= MIN_LABEL_PX, chart["src"]


@pytest.mark.parametrize("theme", THEMES)
def test_chart_labels_are_set_in_colours_that_read_on_the_page(reports, theme):
    page = load_theme(ROOT / "templates", theme).colors["background"]
    for svg in sorted((reports[theme] / "charts").glob("*.svg")):
        labels = list(ElementTree.fromstring(svg.read_bytes()).iter(f"{SVG}text"))
        assert labels, svg.name
        for label in labels:
            assert contrast(label.get("fill", "#000000"), page) >= AA, (svg.name, label.get("fill"))


@pytest.mark.parametrize("theme", sorted(themes(ROOT / "templates")))
def test_each_themes_text_colours_meet_wcag_aa_on_their_backgrounds(theme):
    colours = {**load_theme(ROOT / "templates", theme).colors, "white": "#FFFFFF"}
    weak = {f"{text} on {background}": round(contrast(colours[text], colours[background]), 2)
            for text, background in TEXT_ON if contrast(colours[text], colours[background]) < AA}
    assert weak == {}


def test_the_page_has_landmarks_and_every_table_a_name_and_scoped_headers(reports):
    html = (reports["default"] / f"{REPORT}.html").read_text()
    for landmark in ("<header class=\"cover\"", "<nav class=\"contents\" aria-label=\"Contents\">", "<main>", "<footer>"):
        assert html.count(landmark) == 1, landmark
    tables = re.findall(r"<table [^>]*>", html)
    assert tables and all('aria-label="' in table for table in tables)
    assert not re.search(r"<th[ >](?![^>]*scope=)", html)  # every header cell says what it heads
    assert len(re.findall(r"<figure [^>]*>\s*<div [^>]*>\s*<img [^>]*>\s*</div>\s*<figcaption>", html)) == 8
