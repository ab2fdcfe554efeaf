"""Logos are made safe before rendering: rasters re-encoded without metadata, SVGs plain drawings only."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from reportgen.inputs.logo import MAX_LOGO_PIXELS, safe_logo
from reportgen.problems import ReportgenError
from tests.conftest import ROOT

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'


def test_a_png_is_re_encoded_without_its_metadata(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret notes")
    image = Image.new("RGB", (4, 3), (200, 10, 30))
    path = tmp_path / "logo.png"
    exif = Image.Exif()
    exif[0x010E] = "camera serial"  # ImageDescription
    image.save(path, pnginfo=info, exif=exif)
    assert b"secret notes" in path.read_bytes() and b"camera serial" in path.read_bytes()
    name, data = safe_logo(path)
    assert name == "logo.png" and b"secret notes" not in data and b"camera serial" not in data
    with Image.open(io.BytesIO(data)) as again:
        assert again.format == "PNG" and again.size == (4, 3) and again.getpixel((1, 1)) == (200, 10, 30)
        assert again.info.get("Comment") is None


def test_a_jpeg_becomes_a_png(tmp_path):
    path = tmp_path / "logo.jpg"
    Image.new("RGB", (8, 8), (0, 120, 0)).save(path, format="JPEG")
    name, data = safe_logo(path)
    assert name == "logo.png" and data.startswith(b"\x89PNG")


def test_a_logo_refused_at_validation_is_refused_at_render_time_too(tmp_path):
    """The renderer runs the same content checks (reportgen.inputs.logo.content_problem) as validation."""
    raster, vector = tmp_path / "logo.png", tmp_path / "logo.svg"
    raster.write_bytes(b"<svg/>")
    vector.write_text(f"{SVG_OPEN}<script>alert(1)</script></svg>")
    with pytest.raises(ReportgenError, match="its content is not PNG"):
        safe_logo(raster)
    with pytest.raises(ReportgenError, match="<script>"):
        safe_logo(vector)


def test_too_many_pixels_are_refused(tmp_path):
    path = tmp_path / "logo.png"
    Image.new("1", (MAX_LOGO_PIXELS // 1000 + 1, 1000)).save(path)
    with pytest.raises(ReportgenError, match="pixels"):
        safe_logo(path)


def test_a_plain_svg_logo_is_kept(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_bytes((ROOT / "templates" / "themes" / "harbor" / "logo.svg").read_bytes())
    assert safe_logo(path) == ("logo.svg", path.read_bytes())


def test_an_svg_logo_with_a_dtd_is_refused(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    f'{SVG_OPEN}<text>&x;</text></svg>')
    with pytest.raises(ReportgenError, match="DOCTYPE"):
        safe_logo(path)
