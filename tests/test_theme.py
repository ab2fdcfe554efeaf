"""Themes: one folder that extends another and holds only what differs; every design token written once,
in theme.toml, and every CSS variable both defined and used."""

from __future__ import annotations

import json
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.build.assemble import report_name
from reportgen.build.batch import Environment, FileDigests, Settings
from reportgen.build.pipeline import Project, report
from reportgen.pdf.flatcss import VAR
from reportgen.problems import ReportgenError
from reportgen.report.theme import load_theme, themes
from tests.conftest import ROOT, example

TEMPLATES = ROOT / "templates"
COMMENT = re.compile(r"/\*.*?\*/", re.S)
DEFINED = re.compile(r"(--[\w-]+)\s*:")


def variable_problems(stylesheets: list[str], templates: list[str]) -> list[str]:
    """Custom properties no rule uses, and var()s of a property no stylesheet defines."""
    css = [COMMENT.sub("", sheet) for sheet in stylesheets]
    defined = {name for sheet in css for name in DEFINED.findall(sheet)}
    used = {match.group(1) for text in css + templates for match in VAR.finditer(text)}
    return ([f"{name} is defined but no rule uses it" for name in sorted(defined - used)]
            + [f"var({name}) has no definition" for name in sorted(used - defined)])


def themed_project(root: Path, themes_: dict[str, dict[str, str]]) -> Project:
    """A project whose templates are the repository's, plus themes written as {theme: {file: text}}."""
    (root / "inputs").mkdir(parents=True)
    (root / "inputs" / "acme.json").write_text(json.dumps(example("acme")))
    shutil.copytree(TEMPLATES / "report", root / "templates" / "report")
    (root / "templates" / "fonts").symlink_to(TEMPLATES / "fonts")
    (root / "templates" / "themes").mkdir()
    (root / "templates" / "themes" / "default").symlink_to(TEMPLATES / "themes" / "default")
    for theme, files in themes_.items():
        for name, text in files.items():
            (root / "templates" / "themes" / theme / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "templates" / "themes" / theme / name).write_text(text)
    return Project(root)


def pdf_colours(pdf: bytes) -> set[str]:
    """The fill and stroke colours the PDF's pages after the cover paint with, as #RRGGBB (the cover's
    art is the default theme's own, in its own colours)."""
    colours = set()
    for page in PdfReader(BytesIO(pdf)).pages[1:]:
        for rgb in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", page.get_contents().get_data()):
            colours.add("#" + "".join(f"{round(float(c) * 255):02X}" for c in rgb))
    return colours


def test_a_theme_that_extends_default_renders_with_only_its_differences(tmp_path):
    teal = '''extends = "default"
name = "Teal Partners"

[colors]
accent = "#0B7A75"
'''
    project = themed_project(tmp_path, {"teal": {"theme.toml": teal}})
    report(project, "acme", theme_id="teal", formats=("pdf", "html"))
    out, default = project.output_dir("acme"), TEMPLATES / "themes" / "default"
    css = (out / "theme" / "theme.css").read_text()
    assert "--color-accent: #0B7A75;" in css and "#14A098" not in css
    assert "--color-primary: #1B2B4B;" in css and '--font-body: "Noto Sans", "Noto Sans Math", sans-serif;' in css
    assert '@font-face { font-family: "Manrope"; src: url("fonts/Manrope-Bold.ttf")' in css
    for name in ("cover.svg", "logo-inverse.svg", "fonts/NotoSans-Regular.ttf", "fonts/Manrope-Bold.ttf"):
        assert (out / "theme" / name).read_bytes() == (default / name).read_bytes(), name
    html = (out / f"{report_name('acme')}.html").read_text()
    assert "Teal Partners" in html and 'src="theme/logo-inverse.svg"' in html
    pdf = (out / f"{report_name('acme')}.pdf").read_bytes()
    colours = pdf_colours(pdf)
    assert "#0B7A75" in colours and "#14A098" not in colours  # the accent's rules and tiles, the child's colour
    assert {"#1B2B4B", "#F1F4F8", "#C05621"} <= colours  # primary, tiles and warnings, default's
    assert "Teal Partners" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_a_theme_takes_each_file_and_theme_css_from_the_nearest_theme_that_has_it(tmp_path):
    project = themed_project(tmp_path, {
        "middle": {"theme.toml": 'extends = "default"\n[css]\ncover-meta-backdrop = "rgba(0, 0, 0, 0.5)"\n',
                   "theme.css": '.cover-kicker { background: url("art/mark.svg"); }\n', "art/mark.svg": "<svg/>",
                   "logo.svg": "<svg/>"},
        "leaf": {"theme.toml": 'extends = "middle"\nshort_name = "Leaf"\n[fonts]\nheading = ["Noto Sans", "sans-serif"]\n'}})
    leaf = load_theme(project.templates, "leaf")
    middle, default = project.templates / "themes" / "middle", (TEMPLATES / "themes" / "default").resolve()
    assert leaf.files["logo.svg"] == (middle / "logo.svg").resolve()
    assert leaf.files["cover.svg"] == default / "cover.svg"
    assert (leaf.short_name, leaf.name, leaf.heading_font, leaf.body_font) == ("Leaf", "reportgen", "Noto Sans", "Noto Sans")
    assert leaf.colors == load_theme(TEMPLATES, "default").colors
    assert leaf.stylesheet.endswith('.cover-kicker { background: url("art/mark.svg"); }\n')
    assert leaf.files["art/mark.svg"] == (middle / "art" / "mark.svg").resolve()  # served beside the stylesheet
    assert "--cover-meta-backdrop: rgba(0, 0, 0, 0.5);" in leaf.stylesheet
    assert '--font-heading: "Noto Sans", sans-serif;' in leaf.stylesheet


@pytest.mark.parametrize("toml, message", [
    ({"a": 'extends = "b"', "b": 'extends = "a"'}, "theme a: extends loops back: a -> b -> a"),
    ({"a": 'extends = "a"'}, "theme a: extends loops back: a -> a"),
    ({"a": 'extends = "b"', "b": 'extends = "nope"'}, "theme b: extends 'nope', which is not a theme; themes: a, b"),
    ({"a": 'extends = "../default"'}, "theme a: extends '../default', which is not a theme"),
])
def test_an_extends_loop_or_an_unknown_parent_is_an_error_naming_the_theme(tmp_path, toml, message):
    for theme, text in toml.items():
        (tmp_path / "themes" / theme).mkdir(parents=True)
        (tmp_path / "themes" / theme / "theme.toml").write_text(text)
    with pytest.raises(ReportgenError, match=re.escape(message)):
        load_theme(tmp_path, "a")


@pytest.mark.parametrize("line, message", [
    ('[css]\nshadow = "red; x: url(http://x)"', "css.shadow is 'red; x: url(http://x)'"),
    ('[css]\nshadow = "url(a.svg)"', "css.shadow is 'url(a.svg)'"),
    ('[css]\ncolor-accent = "#000000"', "css.color-accent is already written"),
    ('cover_art = "../harbor/cover.svg"', "cover art must name a file in the theme folder"),
    ('[fonts]\nbody = ["Lato", "sans-serif"]', "the body font 'Lato' has no file"),
    ('[[fonts.files]]\nfamily = "Noto Sans"\nfile = "fonts/NotoSans-Regular.ttf"\nweight = 400\nstyle = "normal; src: url(x)"',
     "font fonts/NotoSans-Regular.ttf needs a family of letters, digits and spaces and a style of"),
])
def test_a_token_or_file_that_could_escape_its_place_is_refused(tmp_path, line, message):
    project = themed_project(tmp_path, {"bad": {"theme.toml": f'extends = "default"\n{line}\n'}})
    with pytest.raises(ReportgenError, match=re.escape(f"theme bad: {message}")):
        load_theme(project.templates, "bad")


@pytest.mark.parametrize("url, message", [
    ("missing.svg", "a url() of theme.css 'missing.svg' is not a file"),
    ("../../report/report.css", "a url() of theme.css must name a file in the theme folder"),
])
def test_a_file_that_theme_css_names_must_be_in_a_theme_folder(tmp_path, url, message):
    project = themed_project(tmp_path, {"bad": {"theme.toml": 'extends = "default"\n',
                                                "theme.css": f'.cover {{ background: url("{url}"); }}\n'}})
    with pytest.raises(ReportgenError, match=re.escape(f"theme bad: {message}")):
        load_theme(project.templates, "bad")


def test_every_css_variable_is_defined_by_every_theme_and_used_by_a_rule():
    documents = (TEMPLATES / "report", TEMPLATES / "onepager")
    sheets = [p.read_text() for folder in documents for p in sorted(folder.glob("*.css"))]
    markup = [p.read_text() for folder in documents for p in sorted(folder.rglob("*.j2"))]
    for theme in themes(TEMPLATES):
        assert variable_problems([load_theme(TEMPLATES, theme).stylesheet, *sheets], markup) == [], theme


def test_the_variable_check_finds_an_unused_and_an_undefined_variable():
    theme = ":root { --color-ink: #111111; --color-spare: #222222; /* --color-note: #333333; */ }"
    rules = "h1 { color: var(--color-ink); border-color: var(--color-edge); } /* p { color: var(--color-spare); } */"
    assert variable_problems([theme, rules], []) == ["--color-spare is defined but no rule uses it",
                                                     "var(--color-edge) has no definition"]


def test_harbor_holds_only_what_differs_from_default():
    harbor, default = TEMPLATES / "themes" / "harbor", TEMPLATES / "themes" / "default"
    text = (harbor / "theme.toml").read_text()
    assert 'extends = "default"' in text and not (harbor / "theme.css").exists()
    assert not any(line.split("=")[0].strip() in ("logo", "cover_art", "confidentiality", "background")
                   for line in text.splitlines())
    for path in harbor.rglob("*"):
        twin = default / path.relative_to(harbor)
        assert not (path.is_file() and twin.is_file() and twin.read_bytes() == path.read_bytes()), path


def test_a_change_to_a_parent_theme_changes_its_childrens_fingerprint(tmp_path):
    for theme in ("default", "harbor"):
        (tmp_path / "templates" / "themes" / theme).mkdir(parents=True)
        shutil.copy(TEMPLATES / "themes" / theme / "theme.toml", tmp_path / "templates" / "themes" / theme)
    settings, digests = Settings(theme="harbor"), FileDigests(tmp_path / "digests.json")
    before = Environment.of(tmp_path, settings, digests).templates_sha256
    parent = tmp_path / "templates" / "themes" / "default" / "theme.toml"
    parent.write_text(parent.read_text().replace('warning = "#C05621"', 'warning = "#C05622"'))
    assert Environment.of(tmp_path, settings, digests).templates_sha256 != before
