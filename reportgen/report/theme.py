"""A report theme: the brand (name, colours, fonts, logo, cover art) in `templates/themes/<name>/`.

Switching theme is one argument. A theme is data, checked here before anything renders: colours
are `#RRGGBB` (they end up in CSS and charts, so nothing else may pass), and every file it names
lies inside its own folder.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reportgen.problems import ReportgenError

THEME_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
REQUIRED_COLOURS = ("primary", "primary_dark", "accent", "text", "muted", "rule", "background",
                    "tile_background", "warning")
CATEGORY_COLOURS = ("infrastructure", "service_charges", "people", "risk", "migration")


@dataclass(frozen=True)
class FontFile:
    family: str
    path: Path
    weight: int
    style: str


@dataclass(frozen=True)
class Theme:
    id: str
    folder: Path
    name: str
    short_name: str
    confidentiality: str
    colors: dict[str, str]
    option_colors: tuple[str, ...]
    category_colors: dict[str, str]
    body_font: str
    heading_font: str
    fonts: tuple[FontFile, ...]
    logo: Path
    logo_inverse: Path
    cover_art: Path
    stylesheet: Path

    def assets(self) -> dict[str, Path]:
        """Every file the rendered report uses, by its path relative to the theme folder."""
        files = [self.stylesheet, self.logo, self.logo_inverse, self.cover_art, *(f.path for f in self.fonts)]
        return {f.relative_to(self.folder).as_posix(): f for f in files}


def _inside(folder: Path, name: object, what: str) -> Path:
    if not isinstance(name, str) or not name:
        raise ReportgenError(f"theme {folder.name}: {what} must name a file in the theme folder")
    path = (folder / name).resolve()
    if os.path.commonpath([path, folder]) != str(folder) or not path.is_file():
        raise ReportgenError(f"theme {folder.name}: {what} '{name}' is not a file inside {folder}")
    return path


def _colour(theme: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not COLOUR.match(value):
        raise ReportgenError(f"theme {theme}: colour {key} is {value!r}; write it as #RRGGBB")
    return value.upper()


def themes(templates: Path) -> list[str]:
    return sorted(p.parent.name for p in (templates / "themes").glob("*/theme.toml"))


def load_theme(templates: Path, theme_id: str) -> Theme:
    """Read and check `templates/themes/<theme_id>/theme.toml`."""
    folder = (templates / "themes" / theme_id).resolve()
    if not THEME_NAME.match(theme_id or "") or not (folder / "theme.toml").is_file():
        raise ReportgenError(f"no theme '{theme_id}'; themes: {', '.join(themes(templates)) or 'none'}")
    try:
        data = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
        colours = data["colors"]
        fonts = data["fonts"]
        missing = [k for k in REQUIRED_COLOURS if k not in colours]
        missing += [f"categories.{k}" for k in CATEGORY_COLOURS if k not in colours.get("categories", {})]
        if missing or not colours.get("options"):
            raise ReportgenError(f"theme {theme_id}: theme.toml lacks colours {', '.join(missing) or 'options'}")
        font_files = tuple(FontFile(f["family"], _inside(folder, f["file"], "font file"), int(f["weight"]), f["style"])
                           for f in fonts["files"])
        families = {f.family for f in font_files}
        for role in ("body", "heading"):
            if fonts[role] not in families:
                raise ReportgenError(f"theme {theme_id}: the {role} font {fonts[role]!r} has no file in [[fonts.files]]")
        return Theme(
            id=theme_id, folder=folder, name=data["name"], short_name=data["short_name"],
            confidentiality=data["confidentiality"],
            colors={k: _colour(theme_id, k, colours[k]) for k in REQUIRED_COLOURS},
            option_colors=tuple(_colour(theme_id, "options", c) for c in colours["options"]),
            category_colors={k: _colour(theme_id, f"categories.{k}", colours["categories"][k]) for k in CATEGORY_COLOURS},
            body_font=fonts["body"], heading_font=fonts["heading"], fonts=font_files,
            logo=_inside(folder, data["logo"], "logo"),
            logo_inverse=_inside(folder, data.get("logo_inverse", "logo-inverse.svg"), "inverse logo"),
            cover_art=_inside(folder, data["cover_art"], "cover art"),
            stylesheet=_inside(folder, "theme.css", "stylesheet"))
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ReportgenError(f"theme {theme_id}: theme.toml is incomplete or malformed ({exc!r})") from None


def option_colours(theme: Theme, option_order: list[str]) -> dict[str, str]:
    """One colour per option, by its place in the assessment's order, the same in every chart and table."""
    palette = theme.option_colors
    return {option: palette[i % len(palette)] for i, option in enumerate(option_order)}
