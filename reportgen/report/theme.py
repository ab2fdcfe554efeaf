"""A report theme: the brand (name, colours, fonts, logo, cover art) in `templates/themes/<name>/`.

Switching theme is one argument, and adding one is a folder whose theme.toml may say
`extends = "<parent>"` and hold only what differs: its tables are merged key by key over the
parent's, and a file it names is taken from its own folder, else from its parent's. theme.toml is
the one place a value is written: the theme's stylesheet (its fonts' @font-face rules and its design
tokens as CSS custom properties) is generated from it, followed by a `theme.css` for any further rules.

A theme is data, checked here before anything renders: colours are `#RRGGBB` (they end up in CSS
and charts, so nothing else may pass), other tokens are plain CSS values, and every file it names
lies inside a theme's folder.
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
# relative; no `.` or `..` segment, no quote or bracket that would end a CSS url()
FILE_NAME = re.compile(r"^[\w-]+(\.[\w-]+)*(/[\w-]+(\.[\w-]+)*)*$")
TOKEN_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
TOKEN_VALUE = re.compile(r"^[\w\s#%.,()-]+$")  # values, not rules: no `;`, braces, quotes, comments or paths
TOKEN_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "calc"}  # none of them loads a file
REQUIRED_COLOURS = ("primary", "accent", "text", "muted", "rule", "background", "tile_background", "warning")
CATEGORY_COLOURS = ("infrastructure", "service_charges", "people", "risk", "migration")
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
FONT_FORMAT = {".ttf": "truetype", ".otf": "opentype"}
FONT_STYLES = ("normal", "italic", "oblique")
FAMILY = re.compile(r"^\w[\w -]*$")
EXTRA_CSS = "theme.css"
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]*)["']?\s*\)""")
# The report's HTML links its stylesheets from theme/ and style/, sibling folders: a URL written as
# ../theme/NAME finds the same file from either, wherever the token is substituted.
THEME_URL = "../theme/"


@dataclass(frozen=True)
class FontFile:
    family: str
    path: Path
    weight: int
    style: str


@dataclass(frozen=True)
class Theme:
    """`files` holds every file the report uses by its name in theme.toml (its URL under theme/), from
    whichever folder of the theme's lineage has it; `stylesheet` is the CSS served as theme/theme.css;
    `slides_master` is the PowerPoint the slides start from (`slides_master = "master.pptx"`), kept out of
    `files` because the HTML report never serves it."""
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
    logo: str
    logo_inverse: str
    cover_art: str
    files: dict[str, Path]
    stylesheet: str
    slides_master: Path | None = None

    def served(self) -> dict[str, bytes]:
        """What a document reads under theme/: every file of the lineage, and the generated theme.css."""
        return {**{f"theme/{rel}": path.read_bytes() for rel, path in self.files.items()},
                "theme/theme.css": self.stylesheet.encode("utf-8")}


def themes(templates: Path) -> list[str]:
    return sorted(p.parent.name for p in (templates / "themes").glob("*/theme.toml"))


def _folder(templates: Path, theme_id: object) -> Path | None:
    folder = (templates / "themes" / str(theme_id)).resolve()
    return folder if isinstance(theme_id, str) and THEME_NAME.match(theme_id) and (folder / "theme.toml").is_file() else None


def lineage(templates: Path, theme_id: str) -> list[tuple[str, Path, dict]]:
    """The theme and the themes it extends, nearest first, each as (id, folder, its own theme.toml)."""
    chain: list[tuple[str, Path, dict]] = []
    name: object = theme_id
    while name is not None:
        folder = _folder(templates, name)
        if folder is None:
            known = ", ".join(themes(templates)) or "none"
            if not chain:
                raise ReportgenError(f"no theme '{theme_id}'; themes: {known}")
            raise ReportgenError(f"theme {chain[-1][0]}: extends {name!r}, which is not a theme; themes: {known}")
        if any(name == known for known, _, _ in chain):
            raise ReportgenError(f"theme {theme_id}: extends loops back: {' -> '.join([*(n for n, _, _ in chain), str(name)])}")
        try:
            data = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ReportgenError(f"theme {name}: theme.toml is malformed ({exc})") from None
        chain.append((str(name), folder, data))
        name = data.get("extends")
    return chain


def merged(parent: dict, child: dict) -> dict:
    """`child` over `parent`, table by table: a table merges key by key, any other value (an array too) replaces."""
    out = dict(parent)
    for key, value in child.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _found(folders: list[Path], name: str) -> Path | None:
    """The file `name` in the first of `folders` that holds it (the theme's own, then its ancestors')."""
    for folder in folders:
        path = (folder / name).resolve()
        if os.path.commonpath([path, folder]) == str(folder) and path.is_file():
            return path
    return None


def _file(theme_id: str, folders: list[Path], name: object, what: str) -> Path:
    if not isinstance(name, str) or not FILE_NAME.match(name):
        raise ReportgenError(f"theme {theme_id}: {what} must name a file in the theme folder as a relative path, "
                             f"not {name!r}")
    path = _found(folders, name)
    if path is not None:
        return path
    raise ReportgenError(f"theme {theme_id}: {what} '{name}' is not a file inside {' or '.join(map(str, folders))}")


def _colour(theme: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not COLOUR.match(value):
        raise ReportgenError(f"theme {theme}: colour {key} is {value!r}; write it as #RRGGBB")
    return value.upper()


def _font(theme_id: str, folders: list[Path], entry: dict) -> FontFile:
    """One [[fonts.files]] entry, checked: its values are written into @font-face rules."""
    font = FontFile(entry["family"], _file(theme_id, folders, entry["file"], "font file"), int(entry["weight"]), entry["style"])
    if font.path.suffix not in FONT_FORMAT:
        raise ReportgenError(f"theme {theme_id}: font file {entry['file']} is not .ttf or .otf")
    if not FAMILY.match(font.family) or font.style not in FONT_STYLES:
        raise ReportgenError(f"theme {theme_id}: font {entry['file']} needs a family of letters, digits and spaces "
                             f"and a style of {', '.join(FONT_STYLES)}")
    return font


def _stack(theme_id: str, role: str, stack: object, families: set[str]) -> tuple[str, ...]:
    """A font stack: the theme's own families in order, optionally ending in a generic family."""
    if not isinstance(stack, list) or not stack or not all(isinstance(f, str) for f in stack):
        raise ReportgenError(f"theme {theme_id}: fonts.{role} must be a list of families, such as "
                             '["Noto Sans", "sans-serif"]')
    unknown = [f for f in stack if f not in families and f not in GENERIC_FAMILIES]
    if unknown or stack[0] not in families:
        raise ReportgenError(f"theme {theme_id}: the {role} font {(unknown or stack)[0]!r} has no file in [[fonts.files]]")
    return tuple(stack)


def _css_stack(stack: tuple[str, ...]) -> str:
    return ", ".join(f if f in GENERIC_FAMILIES else f'"{f}"' for f in stack)


def tokens(theme_id: str, colours: dict[str, str], cover_art: str, stacks: dict[str, tuple[str, ...]],
           extra: object) -> dict[str, str]:
    """The theme's CSS custom properties: each colour as --color-NAME, the cover art, each font stack as
    --font-ROLE, then the [css] table's further tokens (`extra`) as written."""
    generated = {f"--color-{key.replace('_', '-')}": value for key, value in colours.items()}
    generated["--cover-art"] = f'url("{THEME_URL}{cover_art}")'
    generated |= {f"--font-{role}": _css_stack(stack) for role, stack in stacks.items()}
    if not isinstance(extra, dict):
        raise ReportgenError(f"theme {theme_id}: [css] must be a table of token = value")
    for key, value in extra.items():
        if not TOKEN_NAME.match(key):
            raise ReportgenError(f"theme {theme_id}: css.{key} is not a token name (lowercase words joined by hyphens)")
        if f"--{key}" in generated:
            raise ReportgenError(f"theme {theme_id}: css.{key} is already written from [colors], [fonts] or cover_art")
        functions = set(re.findall(r"([A-Za-z-]+)\(", value)) if isinstance(value, str) else set()
        if not isinstance(value, str) or not TOKEN_VALUE.match(value) or functions - TOKEN_FUNCTIONS:
            raise ReportgenError(f"theme {theme_id}: css.{key} is {value!r}; write a plain CSS value (a colour, a length, "
                                 "rgba(...); files are named by their own keys)")
        generated[f"--{key}"] = value
    return generated


def stylesheet(theme_id: str, fonts: tuple[FontFile, ...], font_names: list[str], properties: dict[str, str],
               extra_css: str) -> str:
    """theme/theme.css: @font-face for each font file (by its name, which is its URL beside this
    sheet), the tokens on :root, then the theme's own further rules."""
    faces = [f'@font-face {{ font-family: "{f.family}"; src: url("{name}") format("{FONT_FORMAT[f.path.suffix]}"); '
             f"font-weight: {f.weight}; font-style: {f.style}; }}" for f, name in zip(fonts, font_names)]
    root = [":root {", *(f"  {name}: {value};" for name, value in properties.items()), "}"]
    return "\n".join([f"/* theme {theme_id}, written from theme.toml */", *faces, "", *root, "", extra_css]).rstrip() + "\n"


def load_theme(templates: Path, theme_id: str) -> Theme:
    """Read and check `templates/themes/<theme_id>/theme.toml` over the themes it extends."""
    chain = lineage(templates, theme_id)
    data: dict = {}
    for _, _, own in reversed(chain):
        data = merged(data, own)
    folders = [folder for _, folder, _ in chain]
    try:
        colours = data["colors"]
        fonts = data["fonts"]
        missing = [k for k in REQUIRED_COLOURS if k not in colours]
        missing += [f"categories.{k}" for k in CATEGORY_COLOURS if k not in colours.get("categories", {})]
        if missing or not colours.get("options"):
            raise ReportgenError(f"theme {theme_id}: theme.toml lacks colours {', '.join(missing) or 'options'}")
        scalars = {k: _colour(theme_id, k, v) for k, v in colours.items() if not isinstance(v, (dict, list))}
        font_names = [f["file"] for f in fonts["files"]]
        font_files = tuple(_font(theme_id, folders, f) for f in fonts["files"])
        families = {f.family for f in font_files}
        stacks = {role: _stack(theme_id, role, fonts[role], families) for role in ("body", "heading")}
        names = {"logo": data["logo"], "logo_inverse": data.get("logo_inverse", "logo-inverse.svg"),
                 "cover_art": data["cover_art"]}
        files = {name: _file(theme_id, folders, name, what.replace("_", " ")) for what, name in names.items()}
        master = data.get("slides_master")
        slides_master = None if master is None else _file(theme_id, folders, master, "slides_master")
        if slides_master is not None and slides_master.suffix != ".pptx":
            raise ReportgenError(f"theme {theme_id}: slides_master {master} is not a .pptx file")
        files |= dict(zip(font_names, (f.path for f in font_files)))
        extra = _found(folders, EXTRA_CSS)
        extra_css = extra.read_text(encoding="utf-8") if extra else ""
        files |= {name: _file(theme_id, folders, name, "a url() of theme.css") for name in CSS_URL.findall(extra_css)}
        properties = tokens(theme_id, scalars, names["cover_art"], stacks, data.get("css", {}))
        css = stylesheet(theme_id, font_files, font_names, properties, extra_css)
        return Theme(
            id=theme_id, folder=folders[0], name=data["name"], short_name=data["short_name"],
            confidentiality=data["confidentiality"], colors=scalars,
            option_colors=tuple(_colour(theme_id, "options", c) for c in colours["options"]),
            category_colors={k: _colour(theme_id, f"categories.{k}", colours["categories"][k]) for k in CATEGORY_COLOURS},
            body_font=stacks["body"][0], heading_font=stacks["heading"][0], fonts=font_files,
            files=files, stylesheet=css, slides_master=slides_master, **names)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportgenError(f"theme {theme_id}: theme.toml is incomplete or malformed ({exc!r})") from None


def option_colours(theme: Theme, option_order: list[str]) -> dict[str, str]:
    """One colour per option, by its place in the assessment's order, the same in every chart and table."""
    palette = theme.option_colors
    return {option: palette[i % len(palette)] for i, option in enumerate(option_order)}
