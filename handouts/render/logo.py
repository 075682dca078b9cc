"""Brand logos: PNG, JPEG or SVG, drawn into a box on the page header."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from handouts.errors import BrandError

RASTER = {".png", ".jpg", ".jpeg"}


@cache
def _load(path: Path) -> tuple[object, float, float]:
    """The drawable and its natural size, loaded once per process."""
    suffix = path.suffix.lower()
    if suffix in RASTER:
        from reportlab.lib.utils import ImageReader

        try:
            image = ImageReader(str(path))
            width, height = image.getSize()
        except Exception as error:  # noqa: BLE001 - PIL raises many kinds
            raise BrandError(f"logo {path}: cannot read the image ({error})") from None
        return image, float(width), float(height)
    if suffix == ".svg":
        return _load_svg(path)
    raise BrandError(f"logo {path}: use a PNG, JPEG or SVG file")


def _load_svg(path: Path) -> tuple[object, float, float]:
    import logging

    from svglib.svglib import svg2rlg

    logging.getLogger("svglib").setLevel(logging.ERROR)
    try:
        drawing = svg2rlg(str(path))
    except Exception as error:  # noqa: BLE001 - svglib/lxml raise many kinds
        raise BrandError(f"logo {path}: cannot read the SVG ({error})") from None
    if drawing is None or not drawing.width or not drawing.height:
        raise BrandError(f"logo {path}: the SVG has no size; give it a viewBox or width and height")
    if _has_text(drawing):
        # svglib would draw SVG text with the non-embedded Helvetica.
        raise BrandError(f"logo {path}: convert the text in the SVG to outlines (paths)")
    return drawing, float(drawing.width), float(drawing.height)


def _has_text(node: object) -> bool:
    from reportlab.graphics.shapes import String

    if isinstance(node, String):
        return True
    return any(_has_text(child) for child in getattr(node, "contents", []))


def check_logo(path: Path) -> None:
    _load(path)


def draw_logo(canvas: Canvas, path: Path, x: float, y: float, box_w: float, box_h: float) -> float:
    """Draw the logo fitted into the box, left-aligned; returns the width used."""
    drawable, width, height = _load(path)
    scale = min(box_w / width, box_h / height)
    used_w, used_h = width * scale, height * scale
    y += (box_h - used_h) / 2
    if path.suffix.lower() in RASTER:
        canvas.drawImage(drawable, x, y, used_w, used_h, mask="auto")
    else:
        from reportlab.graphics import renderPDF

        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(scale, scale)
        # The renderer starts from Helvetica unless told otherwise; the logo has no
        # text, but a font reference alone would put a non-embedded font in the file.
        drawable.initialFontName = canvas._fontname
        renderPDF.draw(drawable, canvas, 0, 0)
        canvas.restoreState()
    return used_w
