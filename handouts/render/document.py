"""The page frame: header, footer, page numbers, outline and metadata; PDF bytes out."""

from __future__ import annotations

import calendar
import io
from collections.abc import Callable, Sequence

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import LayoutError

from handouts.compose import Handout
from handouts.errors import RenderError
from handouts.render.canvas import HandoutCanvas
from handouts.render.header import (
    LOGO_INSET,
    LOGO_PLATE,
    LOGO_TILES,
    NAME_LEADING,
    PRINTER_EDGE,
    fitted_name,
    logo_tile_width,
    name_room,
    running_name,
    running_plate,
)
from handouts.render.logo import draw_logo, fitted_width
from handouts.render.paragraph import Para
from handouts.render.tag_nodes import BACK, FRONT, Node
from handouts.render.theme import BLEED, MUTED, PAPER_EDGE, WHITE, Theme

# Streams stay binary (Flate only): ASCII85 makes them a quarter bigger and slower to write.
rl_config.useA85 = 0

PORTRAIT, LANDSCAPE = "portrait", "landscape"
SHEET = "sheet"  # a booklet's full-size sheet, after its folded pages (the tracking sheet)
FIRST = "first"  # portrait, with the top of the frame kept for page one's personal block


def format_date(date) -> str:  # noqa: ANN001 - datetime.date
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"


def mark(
    flowable: Flowable, *, outline: tuple[str, int] | None = None, source: str | None = None
) -> Flowable:
    """Tag a flowable with an outline entry (title, level) and the content item it shows."""
    if outline:
        flowable._outline = outline
    if source:
        flowable._source = source
    return flowable


TOTAL_FORM = "HOPageTotal"
# + the page width in points: page one's header, the later pages' slim one, the footer
HEADER_FORM, RUNNING_FORM, FOOTER_FORM = "HOHead", "HORun", "HOFoot"
FOOTER_GAP = 1.5 * mm  # between the footer's rule and its text


def footer_paragraph(theme: Theme, handout: Handout) -> Paragraph | None:
    """The brand's contact lines, as the footer prints them above the date line."""
    markup = theme.fonts.markup
    contact = " · ".join(markup(line, "brand contact") for line in handout.brand.contact)
    return Para(contact, theme["fine"]) if contact else None


MAX_TRIES_ON_A_PAGE = 20_000  # flowables placed or retried on one page before giving up


def date_line(theme: Theme, handout: Handout, width: float) -> Paragraph:
    """The patient's name (so pages that come apart can be told apart) and the handout date,
    on one line: a name too long for it is shortened with "…"."""
    date = format_date(handout.date)
    name = handout.patient.name
    while True:
        shown = theme.fonts.markup(name, "patient name") + " · " if name else ""
        line = Para(shown + date, theme["fine"])
        if not name or len(line.breakLines([width]).lines) <= 1:
            return line
        name = name[:-2].rstrip() + "…" if len(name) > 2 else ""


def footer_text_height(theme: Theme, handout: Handout, width: float) -> float:
    """Height of the footer's text: the contact lines (wrapped) and the date line."""
    contact = footer_paragraph(theme, handout)
    line = theme["fine"].leading
    return line + (contact.wrap(width, 1000)[1] if contact else 0.0)


def _logo_box(plate: float) -> tuple[float, float]:
    """The room for the logo on its tile, ``plate`` high: as wide as LOGO_TILES squares."""
    return LOGO_TILES * plate - 2 * LOGO_INSET, plate - 2 * LOGO_INSET


def _add_outline(canvas: Canvas, key: str, outline: tuple[str, int]) -> None:
    """A bookmark to the current page and its outline entry (title, level)."""
    title, level = outline
    canvas.bookmarkPage(key)
    canvas.addOutlineEntry(title, key, level=level, closed=False)


class HandoutDoc(BaseDocTemplate):
    """The page templates and decoration.

    ``reserved`` points at the top of page one are left free for the personal
    block; ``top_block``, when given, is drawn there.
    """

    def __init__(
        self,
        buffer: io.BytesIO,
        theme: Theme,
        handout: Handout,
        *,
        reserved: float = 0.0,
        top_block: Flowable | None = None,
        canvas_class: type[HandoutCanvas] = HandoutCanvas,
        **metadata,
    ):
        self.theme, self.handout = theme, handout
        self.reserved, self.top_block, self.canvas_class = reserved, top_block, canvas_class
        self._source = "the handout"
        super().__init__(
            buffer,
            pagesize=theme.page_size(),
            leftMargin=theme.margin,
            rightMargin=theme.margin,
            topMargin=theme.top_margin,
            bottomMargin=theme.bottom_margin,
            invariant=1,
            initialFontName=theme.fonts.main.regular,
            initialFontSize=theme.body_size,
            **metadata,
        )
        # A booklet's sheet has no landscape page beside it: A4's width is A5 landscape's.
        last = SHEET if theme.sheet else LANDSCAPE
        templates = [self._template(name) for name in (FIRST, PORTRAIT, last)]
        self.addPageTemplates(templates)
        self._heights = {round(t.pagesize[0]): t.pagesize[1] for t in templates}

    def _template(self, name: str) -> PageTemplate:
        rotated = name == LANDSCAPE
        theme = self.theme.sheet_theme() if name == SHEET else self.theme
        width, height = theme.page_size(rotated)
        # Page one's frame starts under its full band; the later pages' under a slim one.
        frame_height = theme.first_frame_height() - self.reserved if name == FIRST else None
        frame = Frame(
            theme.margin,
            theme.bottom_margin,
            theme.frame_width(rotated),
            frame_height or theme.frame_height(rotated),
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )
        return PageTemplate(
            id=name,
            frames=[frame],
            onPage=self._decorate,
            pagesize=(width, height),
            autoNextPageTemplate=PORTRAIT if name == FIRST else None,
        )

    def handle_flowable(self, flowables: list) -> None:
        if flowables:
            self._source = getattr(flowables[0], "_source", self._source)
        # reportlab can retry a block taller than a page forever without starting a page
        # (a section title of 400 words): a page holds a few hundred flowables at most.
        page, tries = getattr(self, "_tries_on_page", (0, 0))
        tries = tries + 1 if page == self.page else 0
        self._tries_on_page = (self.page, tries)
        if tries > MAX_TRIES_ON_A_PAGE:
            raise LayoutError("no progress on a page")
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        outline = getattr(flowable, "_outline", None)
        if outline:
            key = f"o{len(self._outline_keys)}"
            self._outline_keys.append(key)
            _add_outline(self.canv, key, outline)

    _outline_keys: list[str]

    def build(self, story: Sequence[Flowable]) -> None:  # type: ignore[override]
        self._outline_keys = []
        try:
            super().build(list(story), canvasmaker=self._canvas_maker())
        except LayoutError:
            raise RenderError(
                f"{self._source} does not fit on a page; shorten it or split it"
            ) from None

    def _canvas_maker(self) -> Callable[..., HandoutCanvas]:
        epoch = calendar.timegm(self.handout.date.timetuple())

        def make(*args, **kwargs) -> HandoutCanvas:
            canvas = self.canvas_class(*args, handout_epoch=epoch, **kwargs)
            canvas.paint_form = self._paint_form
            return canvas

        return make

    def make_canvas(self, buffer: io.BytesIO) -> HandoutCanvas:
        """A canvas set up as ``build`` sets up its own: metadata, creation date, page total."""
        return self._makeCanvas(buffer, canvasmaker=self._canvas_maker())

    def draw_top_block(self, canvas: Canvas, block: Flowable) -> None:
        """The personal block at the top of page one's frame (``block`` already wrapped)."""
        top = self.theme.page_size()[1] - self.theme.first_top_margin
        outline = getattr(block, "_outline", None)
        if outline:
            _add_outline(canvas, "page-one", outline)
        canvas.saveState()
        block.drawOn(canvas, self.theme.margin, top - block.height)
        canvas.restoreState()

    # -- page decoration -------------------------------------------------
    # The headers and the footer's contact lines are the same on every page of one
    # width: each is a form XObject, painted once when the canvas is saved. Page one has
    # the full band; the later pages a slim one, which leaves their text more room.
    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width = canvas._pagesize[0]
        footer = f"{FOOTER_FORM}{width:.0f}"
        if canvas.getPageNumber() == 1:
            # Read once: the clinic first, its contact lines, the patient and date last.
            with canvas.element(self._header_element()):
                canvas.doForm(f"{HEADER_FORM}{width:.0f}")
            with canvas.element(Node("P", place=BACK)):
                canvas.doForm(footer)
        else:
            with canvas.artifact():  # the same on every page: a reader skips them
                canvas.doForm(f"{RUNNING_FORM}{width:.0f}")
                canvas.doForm(footer)
        with canvas.artifact():
            self._page_number(canvas, canvas.getPageNumber(), width)
        if canvas.getPageNumber() == 1:
            if self.top_block is not None:
                self.draw_top_block(canvas, self.top_block)
            canvas.top_block_at = len(canvas._code)  # where a replay puts the personal block

    def _header_element(self) -> Node:
        """Page one's header: a Figure (the logo) named by the clinic, else its name as text."""
        brand = self.handout.brand
        if not self.handout.logo:
            return Node("P", place=FRONT)
        alt = f"Logo of {brand.name}" + (f", {brand.website}" if brand.website else "")
        return Node("Figure", alt=alt, place=FRONT)

    def _paint_form(self, canvas: Canvas, name: str) -> None:
        """Define the form ``name`` on ``canvas``: the header, footer or page total."""
        if name == TOTAL_FORM:
            canvas.beginForm(name)
            canvas.setFont(self.theme.fonts.main.bold, self.theme.fine_size)
            canvas.setFillColor(MUTED)
            canvas.drawString(0, 0, str(canvas.getPageNumber() - 1))
            canvas.endForm()
            return
        kind = next(k for k in (HEADER_FORM, RUNNING_FORM, FOOTER_FORM) if name.startswith(k))
        width = float(name.removeprefix(kind))
        height = self._heights[round(width)]  # A5's 419.5 points is "420": rounded
        canvas.beginForm(name, -BLEED, -BLEED, width + BLEED, height + BLEED)
        if kind == FOOTER_FORM:
            self._footer(canvas, width)
        else:
            self._header(canvas, width, height, running=kind == RUNNING_FORM)
        canvas.endForm()

    def _header(self, canvas: Canvas, width: float, height: float, running: bool) -> None:
        """Page one's band with the logo, the clinic's name and the website; or (``running``)
        the pages after the first's running head: the same on white paper, on one line
        over a rule, in less height and no ink for a band."""
        theme, brand = self.theme, self.handout.brand
        band = theme.running_height if running else theme.header_height
        left, _, room = name_room(theme, brand, self.handout.logo, width, running)
        middle = height - PAPER_EDGE - room / 2  # a long name takes two lines, never more
        on_band = not (theme.ink_saver or running)
        canvas.saveState()
        if on_band:
            # The band and its stripe run BLEED past the trim: clipped on an office print,
            # printed to the edge by a print shop (``--bleed`` shows the bleed and marks).
            canvas.setFillColor(theme.primary)
            canvas.rect(-BLEED, height - band, width + 2 * BLEED, band + BLEED, stroke=0, fill=1)
            canvas.setFillColor(theme.accent_line)
            stripe = 1.2 * mm
            canvas.rect(-BLEED, height - band - stripe, width + 2 * BLEED, stripe, stroke=0, fill=1)
        if self.handout.logo and running:
            plate = running_plate(theme)
            self._logo_tile(canvas, theme.margin, middle - plate / 2, plate)
        elif self.handout.logo:
            top = height - (PRINTER_EDGE - LOGO_INSET)  # the logo itself PRINTER_EDGE down
            self._logo_tile(canvas, theme.margin, top - LOGO_PLATE, LOGO_PLATE)
        canvas.setFillColor(theme.band_text if on_band else theme.primary_text)
        if running:
            size, lines, website = running_name(theme, brand, self.handout.logo, width)
        else:
            size, lines = fitted_name(theme, brand, self.handout.logo, width)
            website = bool(brand.website)
        self._brand_name(canvas, left, middle, size, lines)
        if website:
            website_size = theme.small_size + 1
            canvas.setFont(theme.fonts.font_for_run(brand.website), website_size)
            # The leading space is invisible ink but keeps the name and the address two
            # words apart for a screen reader, which reads this header on page one.
            canvas.drawRightString(
                width - theme.margin, middle - website_size * 0.35, " " + brand.website
            )
        if not on_band:  # on white paper, a rule under the header
            canvas.setStrokeColor(theme.line)
            canvas.setLineWidth(1.2)
            canvas.line(theme.margin, height - band, width - theme.margin, height - band)
        canvas.restoreState()

    def _logo_tile(self, canvas: Canvas, x: float, y: float, plate: float) -> float:
        """The logo on its white tile, ``plate`` high; returns the tile's width.

        A wide logo (a wordmark) gets a tile as wide as its shape needs at that height,
        up to LOGO_TILES squares, rather than shrinking into a square.
        """
        logo, box = self.handout.logo, _logo_box(plate)
        used = fitted_width(logo, *box)
        tile = logo_tile_width(logo, plate)
        if not self.theme.ink_saver:
            canvas.setFillColor(WHITE)
            canvas.roundRect(x, y, tile, plate, 2 * mm, stroke=0, fill=1)
        # A logo narrower than the square tile (a tall one) sits in its middle, not at its left.
        centring = max(0.0, (tile - 2 * LOGO_INSET - used) / 2)
        stored = _logo_box(LOGO_PLATE)  # the running head's reuses page one's pixels
        draw_logo(canvas, logo, x + LOGO_INSET + centring, y + LOGO_INSET, *box, stored)
        return tile

    def _brand_name(
        self, canvas: Canvas, left: float, middle: float, size: float, lines: list[str]
    ) -> None:
        """The clinic's name in ``lines`` at ``size``, from ``left``, about ``middle``."""
        font = self.theme.fonts.font_for_run(self.handout.brand.name, bold=True)
        canvas.setFont(font, size)
        leading = size * NAME_LEADING
        for index, line in enumerate(lines):
            rise = leading * ((len(lines) - 1) / 2 - index)
            canvas.drawString(left, middle + rise - size * 0.35, line)

    def _number_width(self) -> float:
        """Room for "Page 88 of 88" and a gap: the footer text wraps before it."""
        return (
            stringWidth("Page 88 of 88", self.theme.fonts.main.bold, self.theme.fine_size) + 6 * mm
        )

    def footer_width(self, width: float) -> float:
        """The footer text's width on a page ``width`` wide: it wraps before the page number."""
        return width - 2 * self.theme.margin - self._number_width()

    def _footer(self, canvas: Canvas, width: float) -> None:
        """The rule, the contact lines, then the patient's name and the date; the text's
        last line sits PAPER_EDGE from the bottom, clear of what printers leave blank."""
        theme = self.theme
        left, right = theme.margin, width - theme.margin
        text_width = self.footer_width(width)
        top = theme.footer_rule
        canvas.saveState()
        canvas.setStrokeColor(theme.line)
        canvas.setLineWidth(0.6)
        canvas.line(left, top, right, top)
        y = top - FOOTER_GAP
        contact = footer_paragraph(theme, self.handout)  # painted once per page width
        if contact is not None:
            _, used = contact.wrap(text_width, theme.footer_height)
            y -= used
            contact.drawOn(canvas, left, y)
        line = date_line(theme, self.handout, text_width)
        _, used = line.wrap(text_width, theme.footer_height)
        line.drawOn(canvas, left, y - used)
        canvas.restoreState()

    def _page_number(self, canvas: Canvas, page: int, width: float) -> None:
        """ "Page X of " then the total, which is a form filled in when the canvas is saved."""
        theme = self.theme
        right = width - theme.margin
        size = theme.fine_size
        baseline = theme.footer_rule - FOOTER_GAP - size
        bold = theme.fonts.main.bold
        total_width = canvas.stringWidth("00", bold, size)
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setFont(bold, size)
        canvas.drawRightString(right - total_width, baseline, f"Page {page} of ")
        canvas.translate(right - total_width, baseline)
        canvas.doForm(TOTAL_FORM)
        canvas.restoreState()
