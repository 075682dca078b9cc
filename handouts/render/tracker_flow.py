"""The tracking sheet in the page flow: on a page of its own, or, for a one-exercise
handout, under what comes before it when it fits whole there.

A programme's sheet starts a page (a front, printed double-sided) so it can be taken
off and pinned up. A one-exercise sheet is a few rows: a page of its own made an
ad-hoc handout of one exercise and one section four pages where three hold it. It
shares a page only where that page is a front when printed double-sided, under a
dashed line to cut along: it still comes off to be pinned up, and it reads as a part
of its own rather than as the end of what is above it.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus.doctemplate import NullActionFlowable

from handouts.compose import Handout
from handouts.errors import RenderError
from handouts.render.grid import tracking_grid
from handouts.render.pages import stacked_height
from handouts.render.theme import Theme


def tracking_sheet(theme: Theme, handout: Handout) -> list[Flowable]:
    """The sheet's flowables: a page of its own, or a one-exercise sheet placed as it fits."""
    if len(handout.exercises) == 1 and not theme.sheet:  # a booklet's sheet is full size
        return [SharedSheet(theme, handout)]
    return tracking_grid(theme.sheet_theme(), handout)


class SharedSheet(Flowable):
    """A one-exercise sheet: in the room left on the page when it fits whole there (its
    boxes grown to fill it), else on a page of its own."""

    def __init__(self, theme: Theme, handout: Handout):
        super().__init__()
        self.theme, self.handout = theme, handout

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0xFFFFFF  # always split: the choice needs the room left

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        doc = getattr(self, "_doctemplate", None)
        front = not (self.handout.options.duplex and doc is not None and doc.page % 2 == 0)
        if front:
            cut = CutLine(self.theme.line, self.theme["h2"].spaceBefore)
            # Not at the top of the page, the frame puts the title's space above it.
            room = available_height - cut.wrap(available_width, 0)[1]
            room -= self.theme["h2"].spaceBefore
            try:
                sheet = tracking_grid(self.theme, self.handout, room=room)
            except RenderError:  # its rows need more room than is left
                sheet = []
            whole = sheet and not any(isinstance(part, PageBreak) for part in sheet)
            if whole and stacked_height(sheet, available_width) <= room:
                return [NullActionFlowable(), cut, *sheet]
        return [NullActionFlowable(), *tracking_grid(self.theme, self.handout)]

    def draw(self) -> None:  # never drawn: split hands the frame its parts
        pass


class CutLine(Flowable):
    """A dashed line across the frame, to cut the sheet off along: half of ``gap`` (the
    space the title below has above it) under the text above, to take little room."""

    def __init__(self, colour, gap: float):  # noqa: ANN001 - a reportlab colour
        super().__init__()
        self.colour, self.gap = colour, gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.gap / 2

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        canvas.setDash(3 * mm, 1.5 * mm)
        canvas.line(0, 0, self.width, 0)
        canvas.restoreState()
