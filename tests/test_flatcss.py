"""The PDF's stylesheets carry the theme's values in place of its custom properties."""

from __future__ import annotations

from reportgen.pdf.flatcss import flatten, flattened
from reportgen.report.theme import load_theme, themes

from .conftest import ROOT


def test_values_replace_variables_and_a_later_sheet_wins():
    sheets = {"theme.css": b":root { --ink: #111111; --font: 'A', sans-serif; }",
              "fallback.css": b":root {\n  --font: 'A', 'B', sans-serif;\n}",
              "report.css": b"h1 { color: var(--ink); font: 700 9pt var(--font); background: var(--none, transparent); }"}
    flat = {url: css.decode() for url, css in flattened(sheets).items()}
    assert flat["report.css"] == "h1 { color: #111111; font: 700 9pt 'A', 'B', sans-serif; background: transparent; }"
    assert ":root" not in flat["theme.css"] + flat["fallback.css"]


def test_an_unknown_variable_without_fallback_is_left_as_written():
    assert flatten("p { color: var(--missing); }", {}) == "p { color: var(--missing); }"


def test_every_theme_leaves_no_variable_in_the_pdf_stylesheets():
    for theme in themes(ROOT / "templates"):
        sheets = {"theme.css": load_theme(ROOT / "templates", theme).stylesheet.encode(),
                  "report.css": (ROOT / "templates" / "report" / "report.css").read_bytes()}
        flat = b"".join(flattened(sheets).values())
        assert b"var(" not in flat and b"--color" not in flat, theme
