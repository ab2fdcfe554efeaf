"""Text sizes that fit their boxes, measured with the theme's own font files and with the font a viewer
substitutes when they are not installed.

PowerPoint and LibreOffice do not shrink text to fit a box until it is edited, and python-pptx's fit_text
takes a line's height from its glyphs' ink rather than the font's line spacing, so a long customer name or
sentence would run out of its box: each size is chosen here from the fonts' advance widths and line heights.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

REFERENCE_PX = 100  # measured once at this size, scaled linearly
SAFETY = 1.06  # renderers' line breaking and spacing differ slightly: keep a little room
# PowerPoint names the theme's fonts but cannot embed them, and a viewer without them substitutes another: text
# is sized to fit in the wider of the theme's font and DejaVu Sans (LibreOffice's substitute, wider than
# PowerPoint's), whose files come with matplotlib.
SUBSTITUTES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


def substitute(bold: bool) -> str:
    from matplotlib import get_data_path
    return str(Path(get_data_path()) / "fonts" / "ttf" / SUBSTITUTES[bold])


@lru_cache(maxsize=None)
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, REFERENCE_PX)


def _lines(widths: list[float], space: float, box_width: float) -> int:
    """Lines the words take when wrapped at spaces (a no-break space keeps its neighbours together); widths
    in the same unit as the box's."""
    lines, line = 1, 0.0
    for width in widths:
        if line and (line + space + width) * SAFETY > box_width:
            lines, line = lines + 1, width
        else:
            line = line + space + width if line else width
    return lines


def fitting_size(text: str, path: str, bold: bool, largest_pt: int, box_width_pt: float, box_height_pt: float,
                 smallest_pt: int = 10) -> int:
    """The largest whole size up to `largest_pt` at which `text` fits the box both in the theme's font (`path`)
    and in its substitute, or `smallest_pt`. Each word is measured once, at the reference size; a size scales
    the widths."""
    fonts = (_font(path), _font(substitute(bold)))
    ascent, descent = (max(font.getmetrics()[i] for font in fonts) for i in (0, 1))
    widths = [max(font.getlength(word) for font in fonts) for word in text.split(" ")]
    space = max(font.getlength(" ") for font in fonts)
    for size in range(largest_pt, smallest_pt, -1):
        scale = size / REFERENCE_PX
        box_width = box_width_pt / scale
        height = _lines(widths, space, box_width) * (ascent + descent) * scale * SAFETY
        if max(widths) * SAFETY <= box_width and height <= box_height_pt:
            return size
    return smallest_pt
