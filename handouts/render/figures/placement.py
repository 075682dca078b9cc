"""Where figures print: above an exercise card's steps, and small in tables and the tracker.

These are the only places layout code meets the figure engine: each takes an exercise,
the levels a handout uses and a size, and returns a flowable or draws on a canvas.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from handouts.content.figure import Figure
from handouts.content.models import Exercise
from handouts.render.figures import (
    FigureFlowable,
    Style,
    draw_figure,
    figure_picture,
    figure_style,
    fitted_size,
)
from handouts.render.paragraph import Para
from handouts.render.tag_nodes import ARTIFACT
from handouts.render.theme import TEXT, Theme

CARD_FIGURE_HEIGHT = 40 * mm  # a standing person on a card; large print: × 1.2
MAX_CARD_FIGURES = 3  # a card shows at most this many levels' pictures (first … last)
FIGURE_GAP = 7 * mm


def figures_for_levels(exercise: Exercise, levels: Iterable[int]) -> list[tuple[int, Figure]]:
    """(first level, figure) for each different figure the levels show, in level order."""
    shown: list[tuple[int, Figure]] = []
    for level in sorted(set(levels)):
        figure = exercise.figure_at(level)
        if figure is not None and all(figure is not other for _, other in shown):
            shown.append((level, figure))
    if len(shown) > MAX_CARD_FIGURES:
        shown = [*shown[: MAX_CARD_FIGURES - 1], shown[-1]]
    return shown


class FigureRow(Flowable):
    """Figures side by side at one height, each labelled with its level when there are several.

    ``figures`` holds the figures drawn; each one's ``alt`` is its alternative text.
    """

    def __init__(
        self, theme: Theme, shown: list[tuple[int, Figure]], height: float, style: Style
    ) -> None:
        super().__init__()
        self.shown, self.style = shown, style
        self.figures = [figure for _, figure in shown]
        self.alt = " ".join(figure.alt for figure in self.figures)
        self.max_height = height
        self.font = theme.fonts.main.bold
        self.font_size = max(theme.small_size, 9.5)  # a label the patient reads
        self.label_height = self.font_size * 1.6 if len(shown) > 1 else 0.0
        self.hAlign = "LEFT"

    def _sizes(self, width: float) -> list[tuple[float, float]]:
        sizes = [fitted_size(figure_picture(f), 10_000, self.max_height) for f in self.figures]
        total = sum(w for w, _ in sizes) + FIGURE_GAP * (len(sizes) - 1)
        shrink = min(1.0, width / total) if total else 1.0
        return [(w * shrink, h * shrink) for w, h in sizes]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.sizes = self._sizes(available_width)
        self.width = sum(w for w, _ in self.sizes) + FIGURE_GAP * (len(self.sizes) - 1)
        self.height = max(h for _, h in self.sizes) + self.label_height
        return self.width, self.height

    def draw(self) -> None:
        canv, x = self.canv, 0.0
        for (level, figure), (w, h) in zip(self.shown, self.sizes, strict=True):
            # Bottom-aligned: the floors line up when one figure is shorter (seated).
            draw_figure(canv, figure, x, self.label_height, w, h, self.style)
            if self.label_height:
                canv.setFont(self.font, self.font_size)
                canv.setFillColor(TEXT)
                canv.drawCentredString(x + w / 2, self.font_size * 0.3, f"Level {level}")
            x += w + FIGURE_GAP


def card_figures(
    theme: Theme, exercise: Exercise, levels: Iterable[int], scale: float = 1.0
) -> list[Flowable]:
    """The card's pictures in a row (with the figures' captions under them), or nothing."""
    shown = figures_for_levels(exercise, levels)
    if not shown:
        return []
    height = CARD_FIGURE_HEIGHT * (1.2 if theme.large_print else 1.0) * scale
    out: list[Flowable] = [FigureRow(theme, shown, height, figure_style(theme))]
    captions = [figure.caption for _, figure in shown if figure.caption]
    for caption in dict.fromkeys(captions):
        out.append(
            Para(theme.fonts.markup(caption, f"exercise {exercise.id} figure"), theme["small"])
        )
    return out


def draw_thumbnail(canv, figure: Figure, x: float, y: float, size: float, theme: Theme) -> None:  # noqa: ANN001
    """A small figure fitted in a ``size`` square at ``x``, ``y`` (the same form, scaled)."""
    draw_figure(canv, figure, x, y, size, size, figure_style(theme))


THUMBNAIL = 9 * mm  # a table row's picture: the end pose, to match the row to its card
GAP = 1.5 * mm


class Beside(Flowable):
    """A thumbnail to the left of a cell's text, the text wrapped in the width left over."""

    def __init__(self, thumbnail: Flowable, text: Flowable, slot: float, gap: float = GAP):
        super().__init__()
        # No alt of its own: the thumbnail is the Figure (with its alt), the text is text.
        self.thumbnail, self.text, self.slot, self.gap = thumbnail, text, slot, gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.thumb_size = self.thumbnail.wrap(self.slot, available_height)
        text_width = available_width - self.slot - self.gap
        self.text_size = self.text.wrap(text_width, available_height)
        self.width = available_width
        self.height = max(self.thumb_size[1], self.text_size[1])
        return self.width, self.height

    def draw(self) -> None:
        left = (self.slot - self.thumb_size[0]) / 2  # centred in its slot: the texts line up
        self.thumbnail.drawOn(self.canv, left, self.height - self.thumb_size[1])
        self.text.drawOn(self.canv, self.slot + self.gap, self.height - self.text_size[1])


class Below(Flowable):
    """A cell's text with a thumbnail under it: the text keeps the cell's whole width."""

    def __init__(self, thumbnail: Flowable, text: Flowable, slot: float, gap: float = GAP):
        super().__init__()
        # No alt of its own: the thumbnail is the Figure (with its alt), the text is text.
        self.thumbnail, self.text, self.slot, self.gap = thumbnail, text, slot, gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.text_size = self.text.wrap(available_width, available_height)
        self.thumb_size = self.thumbnail.wrap(min(self.slot, available_width), available_height)
        self.width = available_width
        self.height = self.text_size[1] + self.gap + self.thumb_size[1]
        return self.width, self.height

    def draw(self) -> None:
        self.text.drawOn(self.canv, 0, self.height - self.text_size[1])
        self.thumbnail.drawOn(self.canv, 0, 0)


def thumbnail_slot(
    theme: Theme, exercise: Exercise | None = None, size: float = THUMBNAIL
) -> float:
    """The width a thumbnail and its gap take before a cell's text (0: ``exercise`` has none)."""
    if exercise is not None and (exercise.image or not exercise.figure_at(1)):
        return 0.0
    return size * (1.25 if theme.large_print else 1.0) * 1.2 + GAP


def with_thumbnail(
    theme: Theme, exercise: Exercise, level: int, text: Flowable, size: float = THUMBNAIL
) -> Flowable:
    """``text`` with the level's figure (end pose) beside it, or ``text`` alone."""
    figure = exercise.figure_at(level)
    if figure is None or exercise.image:
        return text
    height = size * (1.25 if theme.large_print else 1.0)
    thumbnail = FigureFlowable(figure, height * 1.2, height, figure_style(theme), end_only=True)
    return Beside(thumbnail, text, slot=height * 1.2)


def with_thumbnail_below(
    theme: Theme, exercise: Exercise, level: int, text: Flowable, size: float = THUMBNAIL
) -> Flowable:
    """``text`` with the level's figure (end pose) under it, or ``text`` alone."""
    beside = with_thumbnail(theme, exercise, level, text, size)
    if not isinstance(beside, Beside):
        return text
    return Below(beside.thumbnail, text, beside.slot)


SIDE_FIGURE = 4 * mm  # the figure beside a tracker row's "L" or "R"; large print: × 1.4
SIDE_GAP = 0.5 * mm


class SideFigure(Flowable):
    """A tracking row's side: its letter, and the figure facing that way beside it.

    A figure faces right, its near side (the left) toward the reader: the "L" row shows
    it as drawn, the "R" row mirrored (the same form, flipped), so the patient sees which
    leg the row is for. The picture repeats the one under the exercise's name, which
    carries the alternative text: here it is an artifact, and the letter is the text.
    """

    def __init__(self, letter: Paragraph, picture: FigureFlowable, gap: float = SIDE_GAP):
        super().__init__()
        self.letter, self.picture, self.gap = letter, picture, gap
        style = letter.style
        self.letter_width = stringWidth(letter.getPlainText(), style.fontName, style.fontSize)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.letter_size = self.letter.wrap(available_width, available_height)
        room = max(available_width - self.letter_width - self.gap, 1.0)
        self.picture_size = self.picture.wrap(room, available_height)
        self.width = available_width
        self.height = max(self.letter_size[1], self.picture_size[1])
        return self.width, self.height

    def draw(self) -> None:
        self.letter.drawOn(self.canv, 0, (self.height - self.letter_size[1]) / 2)
        x = self.letter_width + self.gap
        self.picture.drawOn(self.canv, x, (self.height - self.picture_size[1]) / 2)


def side_figure_width(theme: Theme) -> float:
    """The room a side's figure and its gap take beside the letter, in the tracker."""
    return SIDE_FIGURE * (1.4 if theme.large_print else 1.0) + SIDE_GAP


def with_side_figure(
    theme: Theme, exercise: Exercise, level: int, side: str, letter: Paragraph
) -> Flowable:
    """The row's letter ("L" or "R") with the level's figure facing that side, or the letter."""
    figure = exercise.figure_at(level)
    if figure is None or exercise.image or side not in ("L", "R"):
        return letter
    size = SIDE_FIGURE * (1.4 if theme.large_print else 1.0)
    picture = FigureFlowable(
        figure, size, size, figure_style(theme), mirror=side == "R", end_only=True
    )
    picture.alt = None  # the exercise's picture, with its alt, is beside the name
    picture._tag = ARTIFACT
    return SideFigure(letter, picture)
