"""Brand logos: PNG, JPEG or SVG, drawn into a box on the page header.

``logo_problem`` tells ``check`` what would stop ``build`` drawing a logo, in the
words the build's own error uses. The build loads each logo once per process.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import BrandError
from handouts.render import svgsafe
from handouts.render.raster import (
    UnreadableImage,
    pixel_size,
    print_image,
    print_pixels,
)

if TYPE_CHECKING:  # reportlab loads only when a logo is drawn: ``check`` stays quick
    from reportlab.pdfgen.canvas import Canvas

RASTER = {".png", ".jpg", ".jpeg"}
LOGO_FORM = "HOLogo"  # an SVG logo with gradients or transparency, as its own form XObject

WRONG_KIND = "use a PNG, JPEG or SVG file"
NO_SIZE = "the SVG has no size; give its <svg> element a viewBox, or a width and a height"
HAS_TEXT = (
    "the SVG has text, which would print in a stand-in font; convert the text to paths"
    " (Inkscape: Path > Object to Path) and save it again"
)


def _problem(path: Path, what: str) -> BrandError:
    return BrandError(f"logo {path}: {what}")


def logo_problem(path: Path) -> str | None:
    """What would stop ``path`` being drawn as a logo, as one line for the user, or None.

    Reads the file's structure, not its pixels or drawing: cheap enough for ``check``.
    The build fails with the same line.
    """
    try:
        _inspect(path)
    except BrandError as error:
        return error.format_message()
    return None


def _inspect(path: Path) -> tuple[int, int] | bytes:
    """Raise the logo's problem as a ``BrandError``; a raster logo's size in pixels,
    or an SVG logo's checked bytes."""
    if not path.is_file():
        raise _problem(path, "file not found")
    suffix = path.suffix.lower()
    if suffix in RASTER:
        return _inspect_raster(path)
    if suffix != ".svg":
        raise _problem(path, WRONG_KIND)
    return _inspect_svg(path)


def _inspect_raster(path: Path) -> tuple[int, int]:
    try:
        return pixel_size(path)
    except UnreadableImage as error:  # its text is "image <path>: <what>"
        raise _problem(path, str(error).partition(": ")[2]) from None


def _inspect_svg(path: Path) -> bytes:
    """The checks the build needs, on the markup: the standard library parses it in a blink.

    Returns the bytes checked, so the build draws exactly what was checked.
    """
    try:
        with path.open("rb") as file:  # read no more than a logo may hold
            data = file.read(svgsafe.MAX_BYTES + 1)
    except OSError as error:
        raise _problem(path, svgsafe.unreadable(error.strerror or error)) from None
    root, problem = svgsafe.svg_problem(data)
    if problem:
        raise _problem(path, problem)
    if svgsafe.local_name(root.tag) != "svg":
        raise _problem(path, svgsafe.unreadable("no <svg> element"))
    try:
        sized = all([svgsafe.length(root.get(side)) for side in ("width", "height")])
        if not svgsafe.view_box(root.get("viewBox")) and not sized:
            raise _problem(path, NO_SIZE)
    except svgsafe.SvgProblem as error:
        raise _problem(path, str(error)) from None
    # svglib would draw text in a built-in PDF font, which is never embedded.
    if any(svgsafe.local_name(node.tag) == "text" for node in root.iter()):
        raise _problem(path, HAS_TEXT)
    return data


@dataclass(frozen=True)
class _Logo:
    drawable: object  # an svglib Drawing, or the raster file's path
    width: float  # natural size: pixels for a raster, points for an SVG
    height: float
    own_form: bool = False  # an SVG using resources the header form cannot list


@cache
def _load(path: Path) -> _Logo:
    """The logo checked and ready to draw, once per process."""
    checked = _inspect(path)
    if isinstance(checked, bytes):
        return _load_svg(path, checked)
    return _Logo(path, float(checked[0]), float(checked[1]))


def _load_svg(path: Path, data: bytes) -> _Logo:
    """The checked bytes as a drawing, drawn once on a scratch canvas.

    svglib reads the bytes, not the file: with no path it cannot resolve a reference
    to another file even if one slipped past the check. Anything svglib or the
    scratch drawing raises is the file's problem, in one line.
    """
    import logging

    from svglib.svglib import svg2rlg

    from handouts.render.raster import pixel_limit

    logging.getLogger("svglib").setLevel(logging.CRITICAL)
    try:
        with pixel_limit():  # an embedded PNG is decoded here
            drawing = svg2rlg(io.BytesIO(data))
            if drawing is None:
                raise ValueError("svglib could not convert it")
            if not drawing.width or not drawing.height:
                raise _problem(path, NO_SIZE)
            own_form = _needs_own_form(drawing)
    except BrandError:
        raise
    except Exception as error:  # noqa: BLE001 - svglib, lxml, Pillow and reportlab raise many kinds
        raise _problem(path, svgsafe.unreadable(error)) from None
    return _Logo(drawing, float(drawing.width), float(drawing.height), own_form)


def _needs_own_form(drawing: object) -> bool:
    """Whether the drawing paints gradients (shadings) or sets transparency (ExtGState).

    reportlab lists neither in a form XObject's resources, so either drawn into the
    header form would point at nothing: viewers paint black or drop the opacity.
    Found by drawing it once on a scratch canvas, as the header would.
    """
    from reportlab.pdfgen.canvas import Canvas

    scratch = Canvas(io.BytesIO())
    _render(drawing, scratch)
    own = bool(scratch._shadingUsed or scratch._extgstate.getState() or scratch._formsinuse)
    scratch.showPage()
    scratch.save()  # writes every number: one the PDF cannot hold fails here, not in a build
    return own


def _render(drawing: object, canvas: Canvas) -> None:
    """``renderPDF.draw``, with embedded images as image XObjects.

    reportlab draws a drawing's images inline, which a form XObject (the header)
    cannot hold: the build failed with a TypeError.
    """
    from reportlab.graphics import renderPDF
    from reportlab.lib.utils import ImageReader

    class Renderer(renderPDF._PDFRenderer):
        def drawImage(self, image) -> None:  # noqa: ANN001, N802 - reportlab's names
            if image.path is not None and hasattr(image.path, "mode"):  # a Pillow image
                reader = ImageReader(image.path)
                self._canvas.drawImage(
                    reader, image.x, image.y, image.width, image.height, mask="auto"
                )

    Renderer().draw(renderPDF.renderScaledDrawing(drawing), canvas, 0, 0)


def check_logo(path: Path) -> None:
    """Raise the logo's problem as a ``BrandError``, before anything is laid out."""
    _load(path)


def fitted_width(path: Path, box_w: float, box_h: float) -> float:
    """The width the logo takes when fitted into the box (its shape kept)."""
    logo = _load(path)
    return logo.width * min(box_w / logo.width, box_h / logo.height)


def draw_logo(
    canvas: Canvas,
    path: Path,
    x: float,
    y: float,
    box_w: float,
    box_h: float,
    stored: tuple[float, float] | None = None,
) -> float:
    """Draw the logo fitted into the box, left-aligned; returns the width used.

    ``stored``: the largest box the logo is drawn in, whose pixels a smaller drawing
    reuses, so the file holds one image of it (page one's header and the running head).
    """
    logo = _load(path)
    scale = min(box_w / logo.width, box_h / logo.height)
    used_w, used_h = logo.width * scale, logo.height * scale
    y += (box_h - used_h) / 2
    if isinstance(logo.drawable, Path):
        largest = min(stored[0] / logo.width, stored[1] / logo.height) if stored else scale
        try:  # at most PRINT_DPI: a photo at full size made a handout tens of megabytes
            image = print_image(path, print_pixels((logo.width, logo.height), largest))
        except UnreadableImage as error:
            raise _problem(path, str(error).partition(": ")[2]) from None
        canvas.drawImage(image, x, y, used_w, used_h, mask="auto")
    else:
        _draw_svg(canvas, logo, x, y, scale)
    return used_w


def _draw_svg(canvas: Canvas, logo: _Logo, x: float, y: float, scale: float) -> None:
    drawing = logo.drawable
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(scale, scale)
    # The renderer starts from Helvetica unless told otherwise; the logo has no
    # text, but a font reference alone would put a non-embedded font in the file.
    drawing.initialFontName = canvas._fontname
    if logo.own_form:
        _define_form(canvas, drawing)
        canvas.doForm(LOGO_FORM)
    else:
        _render(drawing, canvas)
    canvas.restoreState()


def _define_form(canvas: Canvas, drawing: object) -> None:
    """The drawing as a form XObject whose resources list its shadings and ExtGStates.

    Its own form, so the header's form keeps reportlab's resources (and its bytes).
    Defined once per document: the headers of every page width draw it.
    """
    if canvas.hasForm(LOGO_FORM):
        return
    from reportlab.pdfbase import pdfdoc

    canvas.beginForm(LOGO_FORM, 0, 0, drawing.width, drawing.height)
    _render(drawing, canvas)
    resources = pdfdoc.PDFResourceDictionary()
    resources.basicFonts()
    resources.allProcs()
    resources.ExtGState = canvas._extgstate.getState() or {}
    resources.setShading(canvas._shadingUsed)
    if canvas._formsinuse:  # images embedded in the SVG
        resources.XObject = canvas._doc.xobjDict(canvas._formsinuse)
    canvas.endForm(Resources=resources)
