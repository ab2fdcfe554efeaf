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
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from .problems import ReportgenError

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 16_000_000
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)


def safe_logo(path: Path) -> tuple[str, bytes]:
    """(file name, bytes) of the logo at `path` as the report may embed it, or a ReportgenError saying why not."""
    if not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
        raise ReportgenError(f"the logo {path.name} is not a file of at most {MAX_LOGO_BYTES // 1024 // 1024} MB")
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return f"{path.stem}.svg", _plain_svg(data, path.name)
    return f"{path.stem}.png", _png(data, path.name)


def _png(data: bytes, name: str) -> bytes:
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
                if image.width * image.height > MAX_LOGO_PIXELS:
                    raise ReportgenError(f"the logo {name} has {image.width} × {image.height} pixels; "
                                         f"at most {MAX_LOGO_PIXELS:,} are allowed")
                image.load()
                pixels = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
        except ReportgenError:
            raise
        except (OSError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ReportgenError(f"the logo {name} is not a readable PNG or JPEG image ({exc})") from None
    output = io.BytesIO()
    pixels.save(output, format="PNG", optimize=False)  # a fresh image carries no text chunks, EXIF or ICC
    return output.getvalue()


def _plain_svg(data: bytes, name: str) -> bytes:
    def refuse(why: str) -> ReportgenError:
        return ReportgenError(f"the SVG logo {name} {why}; save it as a plain drawing or as a PNG")

    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):
        raise refuse("declares a DTD or entities")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise refuse(f"is not well-formed XML ({exc})") from None
    if root.tag != f"{SVG}svg":
        raise refuse("is not an SVG document")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in FORBIDDEN_ELEMENTS:
            raise refuse(f"contains a <{tag}> element")
        if tag == "style" and (EXTERNAL_URL.search(element.text or "") or "@import" in (element.text or "")):
            raise refuse("has a stylesheet that loads another file")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                raise refuse(f"has an event handler ({local})")
            if (attribute == XLINK_HREF or local == "href") and not value.strip().startswith("#"):
                raise refuse(f"refers to {value[:60]!r}; only references inside the file are allowed")
            if EXTERNAL_URL.search(value):
                raise refuse(f"refers to another file in its {local} attribute")
    return data
