"""Exercise figures: posed human outlines drawn from the ``figure:`` in an exercise file.

The engine is independent of page layout. Callers use:

- ``figure_style(theme)`` – the colour or mono style for a handout;
- ``FigureFlowable(figure, width, height, style)`` – a platypus flowable for cards;
- ``draw_figure(canvas, figure, x, y, width, height, style)`` – for table cells and rows;
- ``files.figure_file_bytes(figure, ".png", style, width)`` – one figure as a file's bytes.

Each figure is painted once per document as a form XObject and reused wherever it
appears, at any size.
"""

from __future__ import annotations

import hashlib

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from handouts.content.figure import Figure
from handouts.render.figures.paint import Style, colour_style, mono_style, pdf_operators
from handouts.render.figures.picture import Picture, picture

FORM_HEIGHT = 100.0  # points: forms are painted at this height and scaled where drawn

__all__ = [
    "FigureFlowable",
    "Picture",
    "Style",
    "draw_figure",
    "figure_picture",
    "figure_style",
    "fitted_size",
]

_PICTURES: dict[tuple[str, bool, bool], Picture] = {}
_TEXTS: dict[int, tuple[Figure, str]] = {}  # id → (the figure, kept alive; its JSON)


def _text(figure: Figure) -> str:
    """The figure as JSON, once per figure object: the key of its caches and form names."""
    if id(figure) not in _TEXTS:
        _TEXTS[id(figure)] = (figure, figure.model_dump_json())
    return _TEXTS[id(figure)][1]


def figure_picture(figure: Figure, mirror: bool = False, end_only: bool = False) -> Picture:
    """The picture of ``figure`` (cached per process: figures are frozen).

    ``end_only``: the end pose alone, for thumbnails in tables and the tracking sheet.
    """
    key = (_text(figure), mirror, end_only)
    if key not in _PICTURES:
        plain = picture(figure, end_only)
        _PICTURES[key] = plain.mirrored() if mirror else plain
    return _PICTURES[key]


def figure_style(theme: object) -> Style:
    """The style for a handout's theme: the brand's colours, or mono for ink-saver/grayscale."""
    if getattr(theme, "ink_saver", False) or getattr(theme, "grayscale", False):
        return mono_style()
    primary, accent = theme.primary, theme.accent  # type: ignore[attr-defined]
    return colour_style(
        (primary.red, primary.green, primary.blue), (accent.red, accent.green, accent.blue)
    )


def fitted_size(pic: Picture, width: float, height: float) -> tuple[float, float]:
    """The largest size with the picture's proportions inside ``width`` × ``height``."""
    x0, y0, x1, y1 = pic.box
    scale = min(width / (x1 - x0), height / (y1 - y0))
    return (x1 - x0) * scale, (y1 - y0) * scale


def form_operators(pic: Picture, style: Style, small: bool = False) -> str:
    """The content of the form that paints ``pic``: ``FORM_HEIGHT`` points tall.

    ``small``: a thumbnail, drawn at a quarter of that or less: whole points are enough.
    """
    x0, y0, x1, y1 = pic.box
    return pdf_operators(pic, style, FORM_HEIGHT / (y1 - y0), 0 if small else 1)


def _form_name(figure: Figure, style: Style, end_only: bool) -> str:
    digest = hashlib.sha1(f"{_text(figure)}|{style.key}|{end_only}".encode(), usedforsecurity=False)
    return "Fig" + digest.hexdigest()[:12]


def _ensure_form(canv: Canvas, figure: Figure, style: Style, end_only: bool) -> tuple[str, Picture]:
    pic = figure_picture(figure, end_only=end_only)
    name = _form_name(figure, style, end_only)
    if not canv._doc.hasForm(name):
        x0, y0, x1, y1 = pic.box
        scale = FORM_HEIGHT / (y1 - y0)
        canv.beginForm(name, 0, 0, (x1 - x0) * scale, FORM_HEIGHT)
        canv._code.append(form_operators(pic, style, small=end_only))
        # No fonts in its resources (reportlab lists the document's): the form is then the
        # same object in every handout of a batch, stored once in a combined print file.
        resources = pdfdoc.PDFResourceDictionary()
        resources.basicProcs()
        canv.endForm(Resources=resources)
    return name, pic


def draw_figure(
    canv: Canvas,
    figure: Figure,
    x: float,
    y: float,
    width: float,
    height: float,
    style: Style,
    mirror: bool = False,
    end_only: bool = False,
) -> tuple[float, float]:
    """Draw ``figure`` fitted in the box at ``x``, ``y`` (centred); return the size drawn.

    ``mirror``: facing the other way (the other leg), the same form drawn flipped.
    """
    name, pic = _ensure_form(canv, figure, style, end_only)
    w, h = fitted_size(pic, width, height)
    canv.saveState()
    left = x + (width - w) / 2
    canv.translate(left + w if mirror else left, y + (height - h) / 2)
    canv.scale(-h / FORM_HEIGHT if mirror else h / FORM_HEIGHT, h / FORM_HEIGHT)
    canv.doForm(name)
    canv.restoreState()
    return w, h


class FigureFlowable(Flowable):
    """A figure as a flowable, fitted into at most ``width`` × ``height`` points.

    ``alt`` is the figure's one-sentence alternative text.
    """

    def __init__(
        self,
        figure: Figure,
        width: float,
        height: float,
        style: Style,
        mirror: bool = False,
        end_only: bool = False,
    ) -> None:
        super().__init__()
        self.figure, self.style, self.mirror, self.end_only = figure, style, mirror, end_only
        self.alt = figure.alt
        self.max_size = (width, height)
        self.width, self.height = fitted_size(self._picture(), width, height)

    def _picture(self) -> Picture:
        return figure_picture(self.figure, self.mirror, self.end_only)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width = min(self.max_size[0], available_width)
        self.width, self.height = fitted_size(self._picture(), width, self.max_size[1])
        return self.width, self.height

    def draw(self) -> None:
        draw_figure(
            self.canv,
            self.figure,
            0,
            0,
            self.width,
            self.height,
            self.style,
            self.mirror,
            self.end_only,
        )
