"""The tracking sheet in the page flow: on a page of its own, or, for a one-exercise
handout, under what comes before it when it fits whole there.

A programme's sheet starts a page (a front, printed double-sided) so it can be taken
off and pinned up. A one-exercise sheet is a few rows: a page of its own made an
ad-hoc handout of one exercise and one section four pages where three hold it. It
shares a page only where that page is a front when printed double-sided.
"""

from __future__ import annotations

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
            # Not at the top of the page, the frame puts the title's space above it.
            room = available_height - self.theme["h2"].spaceBefore
            try:
                sheet = tracking_grid(self.theme, self.handout, room=room)
            except RenderError:  # its rows need more room than is left
                sheet = []
            whole = sheet and not any(isinstance(part, PageBreak) for part in sheet)
            if whole and stacked_height(sheet, available_width) <= room:
                return [NullActionFlowable(), *sheet]
        return [NullActionFlowable(), *tracking_grid(self.theme, self.handout)]

    def draw(self) -> None:  # never drawn: split hands the frame its parts
        pass
