"""What the features' PNG charts share (poll results, retro ratings): one way to get a font.

Pillow is imported by the caller inside its chart function, so a missing Pillow only costs the chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

# Debian's fonts-dejavu-core path first, then whatever Pillow finds on its own search path.
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (has the umlauts and the symbols the charts use), else Pillow's built-in font."""
    from PIL import ImageFont

    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)
