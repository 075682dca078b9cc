"""Page flow: the tracking sheet starts a page of its own, so it can be taken off whole.

Printed double-sided (``--duplex``, a booklet), an odd page is the front of a sheet.
When the tracking sheet would start on a back, the page before it (the back of the
last sheet) holds a notes page, not nothing. Printed one-sided, every page is a
front: no notes page.
"""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, NextPageTemplate, PageBreak

from handouts.render.blocks import para
from handouts.render.document import SHEET
from handouts.render.notes import NotesArea
from handouts.render.theme import Theme

NOTES_TITLE = "Your notes"


def break_unless_room(height: float) -> CondPageBreak:
    """A new page unless ``height`` is left on this one, adding no space of its own."""
    page_break = CondPageBreak(height)
    # Spacing passes through the break, as stacked_height measures it: else the frame
    # added the text's space after to the next heading's space before (4.4 pt more above
    # it than above other headings, which left the sources alone on a page).
    page_break._SPACETRANSFER = True
    return page_break


class FrontSideBreak(Flowable):
    """Go on to a new page; printed double-sided, to the next odd page, after a notes page
    where one is needed."""

    def __init__(self, theme: Theme, fillable: bool = False) -> None:
        super().__init__()
        self.theme, self.fillable = theme, fillable

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        doc = self._doctemplate
        frame = doc.frame
        page, empty = doc.page, frame._atTop
        if doc.theme.sheet:  # a booklet
            frame.add_generated_content(*self.to_sheets(doc.theme, page, empty))
            return 0, 0
        content: list[Flowable] = [] if empty else [PageBreak()]
        next_page = page if empty else page + 1
        duplex = doc.handout.options.duplex
        if duplex and next_page % 2 == 0:  # a back side: notes on it, then a new sheet
            content += [*self.notes_page(), PageBreak()]
        if content:
            frame.add_generated_content(*content)
        return 0, 0

    def to_sheets(self, theme: Theme, page: int, empty: bool) -> list[Flowable]:
        """End a booklet's folded pages and go on to its full-size sheets.

        The folded pages fill whole sheets, four pages each: a spare page gets the notes
        (``theme``: the booklet page's), the others are left blank by the imposition.
        """
        done = page - 1 if empty else page  # folded pages with something on them
        content: list[Flowable] = []
        if done % 4:
            content += ([] if empty else [PageBreak()]) + self.notes_page(theme)
        return [*content, NextPageTemplate(SHEET), PageBreak()]

    def notes_page(self, theme: Theme | None = None) -> list[Flowable]:
        theme = theme or self.theme
        title = para(theme, NOTES_TITLE, "h1")
        height = theme.frame_height() - title.wrap(theme.frame_width(), 1e6)[1] - 12
        field = "notes.page" if self.fillable else None
        return [title, NotesArea(theme, theme.frame_width(), height, field)]

    def draw(self) -> None:
        pass


def stacked_height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables one under the other at the top of a frame, spaced as it spaces them."""
    canvas = Canvas(io.BytesIO())  # lists measure their items on a canvas
    height, after = 0.0, None
    # A KeepTogether gives no height of its own (it asks to be split): measure its content.
    flat = [
        f
        for item in flowables
        for f in (item._content if isinstance(item, KeepTogether) else [item])
    ]
    for flowable in flat:
        height += flowable.wrapOn(canvas, width, 1e6)[1]
        if after is not None:  # a frame overlaps one's space after with the next's before
            height += max(after, flowable.getSpaceBefore())
        after = flowable.getSpaceAfter()
    return height
