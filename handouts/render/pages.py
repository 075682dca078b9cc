"""Page flow: the tracking sheet starts on a front side, so it can be taken off whole.

Printed double-sided, an odd page is the front of a sheet. When the tracking sheet
would start on a back, the page before it (the back of the last sheet) holds a
notes page, not nothing.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from handouts.render.blocks import para
from handouts.render.notes import NotesArea
from handouts.render.theme import Theme

NOTES_TITLE = "Your notes"


class FrontSideBreak(Flowable):
    """Go on to the next odd page: a page break, and a notes page where one is needed."""

    def __init__(self, theme: Theme, fillable: bool = False) -> None:
        super().__init__()
        self.theme, self.fillable = theme, fillable

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        doc = self._doctemplate
        frame = doc.frame
        page, empty = doc.page, frame._atTop
        content: list[Flowable] = [] if empty else [PageBreak()]
        next_page = page if empty else page + 1
        if next_page % 2 == 0:  # a back side: notes on it, then the front of a new sheet
            content += [*self.notes_page(), PageBreak()]
        if content:
            frame.add_generated_content(*content)
        return 0, 0

    def notes_page(self) -> list[Flowable]:
        theme = self.theme
        title = para(theme, NOTES_TITLE, "h1")
        height = theme.frame_height() - title.wrap(theme.frame_width(), 1e6)[1] - 12
        field = "notes.page" if self.fillable else None
        return [title, NotesArea(theme, theme.frame_width(), height, field)]

    def draw(self) -> None:
        pass
