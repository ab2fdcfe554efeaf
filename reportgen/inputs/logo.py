"""The customer's logo, made safe before the renderer sees it.

A raster logo is decoded by Pillow (PNG or JPEG only, under a pixel cap, a decompression bomb
an error) and re-encoded as PNG without metadata. An SVG logo is kept only if it is plain
drawing: no DTD or entities, no scripts or event handlers, no foreignObject, no reference to
anything outside itself. Either way the renderer gets bytes from memory, never the file.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from xml.parsers import expat

from reportgen.problems import ReportgenError

LOGO_KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
LOGO_MAGIC = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}
MAX_LOGO_BYTES = 2_000_000
MAX_LOGO_PIXELS = 16_000_000
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FORBIDDEN_ELEMENTS = ("script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler", "listener")
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


def content_problem(content: bytes, kind: str) -> str | None:
    """Why these bytes may not be a logo of `kind` (PNG, JPEG or SVG), or None."""
    return _svg_problem(content) if kind == "SVG" else _raster_problem(content, kind)


def safe_logo(path: Path) -> tuple[str, bytes]:
    """(file name, bytes) of the logo at `path` as the report may embed it, or a ReportgenError saying why not."""
    kind = LOGO_KINDS.get(path.suffix.lower())
    if kind is None or not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
        raise ReportgenError(f"the logo {path.name} is not a PNG, JPEG or SVG file of at most {MAX_LOGO_BYTES:,} bytes")
    data = path.read_bytes()
    problem = content_problem(data, kind)
    if problem:
        raise ReportgenError(f"the logo {path.name} {problem}")
    if kind == "SVG":
        return f"{path.stem}.svg", data
    return f"{path.stem}.png", _png(data)


def _png(data: bytes) -> bytes:
    """A fresh PNG of the checked image: no text chunks, EXIF or ICC profile survive."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        pixels = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    output = io.BytesIO()
    pixels.save(output, format="PNG", optimize=False)
    return output.getvalue()


def _raster_problem(content: bytes, kind: str) -> str | None:
    if not content.startswith(LOGO_MAGIC[kind]):
        return f"is named as a {kind} image but its content is not {kind}; export the logo again as {kind}"
    from PIL import Image  # imported only when a raster logo is checked

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[kind]) as image:
                width, height = image.size
                if width * height > MAX_LOGO_PIXELS:
                    return f"is {width:,} x {height:,} pixels; a logo may have at most {MAX_LOGO_PIXELS:,} pixels"
                image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return f"is not a readable {kind} image ({exc}); export the logo again as {kind}"
    return None


class _UnsafeSvg(Exception):
    pass


def _svg_problem(content: bytes) -> str | None:
    """An SVG logo must be plain drawing: an <svg> root, no DTD, no scripts, no external references."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    elements: list[str] = []

    def refuse(reason: str):
        def handler(*_):
            raise _UnsafeSvg(reason)
        return handler

    def start(tag: str, attributes: dict):
        namespace, _, name = tag.rpartition(" ")
        if not elements and (name != "svg" or namespace not in ("", SVG_NAMESPACE)):
            raise _UnsafeSvg(f"has <{name}> as its root element; an SVG file starts with <svg>")
        if name in FORBIDDEN_ELEMENTS:
            raise _UnsafeSvg(f"contains a <{name}> element")
        for attribute, value in attributes.items():
            local = attribute.rpartition(" ")[2]
            if local.lower().startswith("on"):
                raise _UnsafeSvg(f"contains an event handler ({local})")
            if local == "href" and not value.strip().startswith("#"):
                raise _UnsafeSvg("refers to another file or address (href)")
            if _CSS_URL.search(value):
                raise _UnsafeSvg("refers to another file or address (url(...))")
        elements.append(name)

    def text(data: str):
        if elements and elements[-1] == "style" and (_CSS_URL.search(data) or "@import" in data):
            raise _UnsafeSvg("has a style sheet that refers to another file or address")

    parser.StartDoctypeDeclHandler = refuse("has a DOCTYPE (document type declaration)")
    parser.EntityDeclHandler = refuse("declares an ENTITY")
    parser.ExternalEntityRefHandler = refuse("refers to an external entity")
    parser.ProcessingInstructionHandler = refuse("has a processing instruction such as <?xml-stylesheet?>")
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _: elements.pop()
    parser.CharacterDataHandler = text
    try:
        parser.Parse(content, True)
    except _UnsafeSvg as exc:
        return f"is not a safe SVG logo: it {exc}; remove that from the file or use a PNG"
    except expat.ExpatError as exc:
        return f"is not an SVG image (not well-formed XML: {expat.errors.messages[exc.code]}, line {exc.lineno})"
    return None
