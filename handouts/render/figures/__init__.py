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
from handouts.render.figures.paint import (
    Style,
    colour_style,
    mono_style,
    outline_width,
    pdf_operators,
)
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

    ``end_only``: the end pose alone, for thumbnails in tables and the tracking sheet: the
    whole picture's ``pose`` (a front or foot view has none: it is its own thumbnail).
    """
    key = (_text(figure), mirror, end_only)
    if key not in _PICTURES:
        if mirror:
            _PICTURES[key] = figure_picture(figure, end_only=end_only).mirrored()
        elif end_only:
            whole = figure_picture(figure)
            _PICTURES[key] = whole.pose.picture if whole.pose else whole
        else:
            _PICTURES[key] = picture(figure)
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


def form_operators(pic: Picture, style: Style, pose_form: str | None = None) -> str:
    """The content of the form that paints ``pic``: ``FORM_HEIGHT`` points tall.

    ``pose_form``: the form that paints ``pic.pose``, drawn inside this one. A form
    without one may be a thumbnail: its body's outline takes the width it is drawn with.
    """
    pose = (pose_form, _form_scale(pic.pose.picture)) if pose_form and pic.pose else None
    return pdf_operators(pic, style, _form_scale(pic), pose_form=pose, inherit_outline=not pose)


MIN_OUTLINE = 0.5  # points: the body's outline as stroked on the page, at least (half shows)


def _outline(style: Style, pic: Picture, height: float) -> float:
    """The body's outline width, in the form's units, for the form drawn ``height`` tall:
    as painted, or thicker where it would print thinner than ``MIN_OUTLINE``."""
    painted = outline_width(style, _form_scale(pic))
    return max(painted, MIN_OUTLINE * FORM_HEIGHT / height)


def _form_scale(pic: Picture) -> float:
    x0, y0, x1, y1 = pic.box
    return FORM_HEIGHT / (y1 - y0)


def _form_name(figure: Figure, style: Style, part: str) -> str:
    digest = hashlib.sha1(f"{_text(figure)}|{style.key}|{part}".encode(), usedforsecurity=False)
    return "Fig" + digest.hexdigest()[:12]


def _ensure_form(canv: Canvas, figure: Figure, style: Style, end_only: bool) -> tuple[str, Picture]:
    """The form that paints ``figure`` (whole, or its end pose alone), painted once.

    A whole figure's end pose is a form of its own, drawn inside the whole figure's form
    and on its own as a thumbnail: each pose is painted once per handout.
    """
    whole = figure_picture(figure)
    if whole.pose is None:
        return _painted(canv, _form_name(figure, style, "whole"), whole, style), whole
    pose_name = _painted(canv, _form_name(figure, style, "pose"), whole.pose.picture, style)
    if end_only:
        return pose_name, whole.pose.picture
    return _painted(canv, _form_name(figure, style, "whole"), whole, style, pose_name), whole


def _painted(
    canv: Canvas, name: str, pic: Picture, style: Style, pose_form: str | None = None
) -> str:
    """``name``, once the document has the form that paints ``pic``."""
    if canv._doc.hasForm(name):
        return name
    x0, y0, x1, y1 = pic.box
    canv.beginForm(name, 0, 0, (x1 - x0) * _form_scale(pic), FORM_HEIGHT)
    # No fonts in its resources (reportlab lists the document's): the form is then the
    # same object in every handout of a batch, stored once in a combined print file.
    resources = pdfdoc.PDFResourceDictionary()
    resources.basicProcs()
    inner = None
    if pose_form:
        inner = canv._doc.getXObjectName(pose_form)
        resources.XObject = {inner: pdfdoc.PDFObjectReference(inner)}
    canv._code.append(form_operators(pic, style, inner))
    canv.endForm(Resources=resources)
    return name


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
    if end_only or figure_picture(figure).pose is None:  # its outline is the width set here
        canv.setLineWidth(_outline(style, pic, h))
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
