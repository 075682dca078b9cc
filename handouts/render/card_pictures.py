"""An exercise card's pictures: its posed figures beside the steps, in as many rows as
make them largest; a clinic's own picture and a video's QR code in a side column.

A row of figures above the steps took a third of a card's height; beside the steps they
use the width the steps leave, and the height the steps take.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, ImageAndFlowables, ListFlowable, Spacer, Table

from handouts.compose import Handout
from handouts.content.models import Exercise
from handouts.errors import RenderError
from handouts.render.blocks import BARE_CELLS, para, styled
from handouts.render.figures.placement import FIGURE_GAP as PICTURE_GAP
from handouts.render.figures.placement import FigureRow
from handouts.render.raster import UnreadableImage, pixel_size, print_image, print_pixels
from handouts.render.tagging import figure
from handouts.render.theme import Theme

FIGURE_SHARE = 0.45  # of a card's text width, at most, for the pictures beside the steps
FIGURE_GAP = 5 * mm  # between the steps and their pictures
SIDE_WIDTH = 42 * mm  # the side column of a clinic's picture and a video's QR code
QR_SIZE = 30 * mm


def _picture_rows(theme: Theme, row: FigureRow, width: float, height: float) -> list[FigureRow]:
    """The row's pictures in as many rows as make them largest within ``width`` and, when
    they can, ``height`` (the steps beside them): no taller than the card's own text."""
    shown, most = row.shown, row.max_height
    label = row.font_size * 1.45 if len(shown) > 1 else 0.0
    ratios = [
        FigureRow(theme, [level], most, row.style).wrap(1e6, 1e6)[0] / most for level in shown
    ]

    def largest(rows: int) -> float:  # the picture height that ``rows`` rows allow
        per = -(-len(shown) // rows)  # levels a row, in order
        groups = [ratios[i : i + per] for i in range(0, len(shown), per)]
        across = min((width - PICTURE_GAP * (len(g) - 1)) / sum(g) for g in groups)
        return min(most, across, (height / len(groups)) - label if rows > 1 else most)

    rows = max(range(1, len(shown) + 1), key=largest)
    per = -(-len(shown) // rows)
    made = []
    for start in range(0, len(shown), per):
        part = FigureRow(theme, shown[start : start + per], max(largest(rows), 1.0), row.style)
        part.label_height = label  # "Level 2" under each, as in one row
        made.append(part)
    return made


def beside_pictures(
    theme: Theme,
    text: list[Flowable],
    figures: list[Flowable],
    width: float,
    share: float,
    under: list[Flowable] | None = None,
) -> Table:
    """The card's text with its pictures to the right (a row of pictures above the steps
    took a third of the card's height), the pictures taking at most ``share`` of the width;
    ``under``: text that continues the pictures' column, so neither column runs long."""
    row, captions = figures[0], [*figures[1:], *(under or [])]
    natural = row.wrap(1e6, 1e6)[0]  # the row of pictures at its full height
    picture_width = min(natural, width * share) if not under else width * share
    text_height = column_height(text, width - picture_width - FIGURE_GAP)
    pictures = _picture_rows(
        theme, row, picture_width, text_height - column_height(captions, picture_width)
    )
    above = text[0].getSpaceBefore()  # a cell drops its first flowable's space before
    table = Table(
        [[text, [*pictures, *captions]]],
        colWidths=[width - picture_width, picture_width],
        style=styled(
            theme,
            [
                *BARE_CELLS,
                ("RIGHTPADDING", (0, 0), (0, 0), FIGURE_GAP),
                ("TOPPADDING", (1, 0), (1, 0), above),
            ],
        ),
        spaceBefore=above,
    )
    table.picture_height = min(part.max_height for part in pictures)
    return table


class PictureBlock(Flowable):
    """A card's pictures and their captions as one block that text flows around
    (reportlab's ImageAndFlowables asks its image for ``_restrictSize``)."""

    def __init__(self, theme: Theme, parts: list[Flowable], width: float):
        super().__init__()
        self.table = Table([[parts]], colWidths=[width], style=styled(theme, BARE_CELLS))
        self.picture_height = min(p.max_height for p in parts if isinstance(p, FigureRow))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self.table.wrap(available_width, available_height)
        return self.width, self.height

    def _restrictSize(self, available_width: float, available_height: float):  # noqa: ANN202, N802
        return self.wrap(available_width, available_height)

    def _unRestrictSize(self) -> None:  # noqa: N802 - reportlab's name
        pass

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)


def floated(
    theme: Theme, text: list[Flowable], figures: list[Flowable], width: float, share: float
) -> Floated:
    """The card's text with its pictures at the top right, the text running on under them
    at the full width once past them: no blank paper under short pictures."""
    row, captions = figures[0], figures[1:]
    picture_width = min(row.wrap(1e6, 1e6)[0], width * share)
    text_height = column_height(text, width - picture_width - FIGURE_GAP)
    pictures = _picture_rows(
        theme, row, picture_width, text_height - column_height(captions, picture_width)
    )
    block = PictureBlock(theme, [*pictures, *captions], picture_width)
    # A list as its items, so one can start beside the pictures and the next under them
    # (reportlab asks an already measured list for items it no longer has).
    items = [part for f in text for part in (f._content if isinstance(f, ListFlowable) else [f])]
    made = Floated(block, items, imageLeftPadding=FIGURE_GAP, imageRightPadding=0)
    made.picture_height = block.picture_height
    return made


class Floated(ImageAndFlowables):
    """Text flowing round a block of pictures, keeping the space above the first thing
    that starts under them (reportlab's own drops it: "How to do it" sat tight)."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        measured = getattr(self, "_wrapArgs", None) == (available_width, available_height)
        width, height = super().wrap(available_width, available_height)
        if measured:  # reportlab's answer from before, the gap already in it
            return width, height
        first_under = self._C1[0] if self._C0 and self._C1 else None
        pictures = self._itpad + self._hI + self._ibpad
        # Under the text (not the pictures), and not the tail of a paragraph or list item
        # that a split made (a new object: it runs on).
        if (
            first_under is not None
            and self._aH > pictures + 0.1
            and any(first_under is f for f in self._content)
        ):
            gap = max(self._C0[-1].getSpaceAfter(), first_under.getSpaceBefore())
            self._aH += gap
            self.height = height = height + gap
        return width, height


_MEASURING = threading.local()


def _measuring_canvas() -> Canvas:
    """A canvas to measure on (lists measure their items on one), one per thread."""
    if not hasattr(_MEASURING, "canvas"):
        _MEASURING.canvas = Canvas(io.BytesIO())
    return _MEASURING.canvas


def column_height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables in a table cell ``width`` wide, spaced as a cell spaces them
    (each one's space before and after, less the first's before and the last's after)."""
    if not flowables:
        return 0.0
    total = sum(
        f.wrapOn(_measuring_canvas(), width, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        for f in flowables
    )
    return total - flowables[0].getSpaceBefore() - flowables[-1].getSpaceAfter()


def picture_height(flowables: list[Flowable], width: float) -> float:
    """How tall a card's pictures print (0: it has none), its flowables wrapped at ``width``."""
    for flowable in flowables:
        if hasattr(flowable, "picture_height"):
            return flowable.picture_height
        if isinstance(flowable, FigureRow):
            flowable.wrap(width, 1e6)
            return max(height for _, height in flowable.sizes)
    return 0.0


def short_url(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


def _qr(theme: Theme, url: str) -> list[Flowable]:
    from reportlab.graphics.barcode.qr import QrCodeWidget  # only cards with a video need it

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0]
    )
    drawing.add(widget)
    drawing.initialFontName = theme.fonts.main.regular  # else renderPDF selects Helvetica
    figure(drawing, f"QR code linking to the video at {url}")
    caption = para(theme, f"Watch the video: {short_url(url)}", "small", "exercise video")
    return [drawing, Spacer(1, 1 * mm), caption]


class Picture(Flowable):
    """An image drawn at a given size, centred in its column."""

    def __init__(self, image: ImageReader, width: float, height: float):
        super().__init__()
        self.image, self.width, self.height = image, width, height
        self.hAlign = "CENTER"

    def draw(self) -> None:
        self.canv.drawImage(self.image, 0, 0, self.width, self.height, mask="auto")


def _image(path: Path, exercise: Exercise, max_height: float) -> Picture:
    """The exercise's picture fitted to the side column, stored at print resolution."""
    try:
        size = pixel_size(path)
        scale = min(SIDE_WIDTH / size[0], max_height / size[1])
        image = print_image(path, print_pixels(size, scale))
    except UnreadableImage as error:
        raise RenderError(f"exercise {exercise.id}: {error}") from None
    return figure(Picture(image, size[0] * scale, size[1] * scale), f"Picture of {exercise.name}")


def side_column(theme: Theme, handout: Handout, exercise: Exercise) -> list[Flowable]:
    side: list[Flowable] = []
    image = handout.images.get(exercise.id)
    if image:
        side += [_image(image, exercise, 70 * mm), Spacer(1, 3 * mm)]
    if exercise.video:
        side += _qr(theme, exercise.video)
    return side
