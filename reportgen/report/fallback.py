"""Fallback fonts for text the theme's fonts cannot show: Arabic, Hebrew, CJK, emoji.

Customer names may be in any script. The theme's fonts cover Latin; the shared files in
`templates/fonts/` (listed in fonts.toml) cover the rest. A report loads a fallback font only
when its text needs it, so an ordinary report pays nothing, and the fallback families are
named in the theme's font stacks so that no system font is ever picked. A character that no
shipped font has is an error naming it, not a silent box in the PDF.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

from reportgen.problems import ReportgenError
from reportgen.report.theme import FONT_FORMAT, GENERIC_FAMILIES, FontFile, Theme

FOLDER = "fonts"  # under templates/
STYLESHEET_URL = f"{FOLDER}/fallback.css"  # where a document finds the @font-face rules of the fonts it needs
FONT_STACK = re.compile(r"(--font-[a-z-]+)\s*:\s*([^;]+);")


@cache
def shipped(templates: Path) -> tuple[FontFile, ...]:
    folder = templates / FOLDER
    data = tomllib.loads((folder / "fonts.toml").read_text(encoding="utf-8"))
    return tuple(FontFile(f["family"], folder / f["file"], int(f["weight"]), f["style"]) for f in data["files"])


class _RegularForBold(logging.Filter):
    """Fallback fonts ship fewer weights; matplotlib's note that it used 400 for bold is expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.getMessage().startswith("findfont: Failed to find font weight")
                    and any(f" for {family}, " in record.getMessage() for family in _FAMILIES))


_FAMILIES: set[str] = set()


def quiet_missing_bold(theme: Theme) -> None:
    if not _FAMILIES:
        logging.getLogger("matplotlib.font_manager").addFilter(_RegularForBold())
    _FAMILIES.update(families(theme))


def for_theme(theme: Theme) -> tuple[FontFile, ...]:
    """The fallback fonts of the templates folder that holds `theme` (templates/themes/<id>)."""
    return shipped(theme.folder.parents[1])


def families(theme: Theme) -> list[str]:
    return list(dict.fromkeys(f.family for f in for_theme(theme)))


@cache
def coverage(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for (its cmap)."""
    from fontTools.ttLib import TTFont
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _shown(text: str) -> set[int]:
    """Code points that need a glyph: not controls, spaces or format characters (ZWJ, variation selectors)."""
    return {ord(c) for c in set(text) if unicodedata.category(c)[0] not in "CZ" and not 0xFE00 <= ord(c) <= 0xFE0F}


def needed(templates: Path, theme: Theme, text: str) -> tuple[FontFile, ...]:
    """The fallback font files `text` needs beyond the theme's fonts; an error for what none has."""
    missing = _shown(text)
    for font in theme.fonts:  # the body font alone covers most reports: the others' tables are read only if needed
        missing -= coverage(font.path)
        if not missing:
            return ()
    fonts = shipped(templates)
    families = [family for family in dict.fromkeys(f.family for f in fonts)
                if any(missing & coverage(f.path) for f in fonts if f.family == family)]
    unshown = missing.difference(*(coverage(f.path) for f in fonts))
    if unshown:
        listed = ", ".join(f"{chr(c)} (U+{c:04X} {unicodedata.name(chr(c), 'unnamed')})" for c in sorted(unshown)[:10])
        raise ReportgenError(f"no font of the report can show {listed}; remove or replace these characters "
                             "in the assessment's names")
    return tuple(f for f in fonts if f.family in families)


def stylesheet(theme: Theme, fonts: tuple[FontFile, ...], url_prefix: str) -> str:
    """@font-face rules for `fonts` and the theme's font stacks with their families before the generic one."""
    if not fonts:
        return ""
    families = ", ".join(f'"{family}"' for family in dict.fromkeys(f.family for f in fonts))
    rules = [f'@font-face {{ font-family: "{f.family}"; src: url("{url_prefix}{f.path.name}") '
             f'format("{FONT_FORMAT[f.path.suffix]}"); font-weight: {f.weight}; font-style: {f.style}; }}' for f in fonts]
    stacks = []
    for name, stack in FONT_STACK.findall(theme.stylesheet):
        items = [item.strip() for item in stack.split(",")]
        generic = [items.pop()] if items[-1] in GENERIC_FAMILIES else []
        stacks.append(f"  {name}: {', '.join(items + [families] + generic)};")
    return "\n".join(rules + [":root {", *stacks, "}", ""])
