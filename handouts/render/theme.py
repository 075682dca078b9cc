"""Theme: page geometry, colours and paragraph styles derived from a brand.

All sizes come from here so that ``--large-print`` and ``--ink-saver`` change
one object, not every drawing function.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm

from handouts.content.models import Brand
from handouts.render.colours import WCAG_AA, contrast, readable_on, tint
from handouts.render.fonts import FontSet

PAPER = {"a4": A4, "letter": LETTER, "a5": A5, "half-letter": (5.5 * inch, 8.5 * inch)}
# A booklet's pages (half a sheet, printed at 100 %) and the sheets they are imposed on.
BOOKLET_PAGE = {"a4": "a5", "letter": "half-letter", "a5": "a5", "half-letter": "half-letter"}
BOOKLET_SHEET = {"a4": "a4", "letter": "letter", "a5": "a4", "half-letter": "letter"}
SMALL_PAPER = 160 * mm  # narrower than this (A5, half-letter): narrower margins
TEXT = colors.Color(0, 0, 0)  # pure black: printed with black ink alone (render/ink.py)
MUTED = colors.Color(0.33, 0.33, 0.33)  # fine print and rules: gray ink, 7.5:1 on white
WHITE = colors.white
MARKS = 3.0  # WCAG's contrast for graphics: lines, tick boxes and stripes stay visible
BLEED = 3 * mm  # colour that reaches the trim runs this far past it, for a print shop
PAPER_EDGE = 10 * mm  # text keeps at least this far from every edge of the paper
CARD_SIZE = 10.0  # pt, normal print
CARD_LEADING, CARD_AFTER, CARD_BULLET, CARD_H3 = 1.2, 0.3, 0.12, 0.4
BAND_GAP = 7 * mm  # from a header band's foot (its stripe included) to the text
RUNNING_LEADING = 1.2  # the running head's one line of the clinic's name
RUNNING_GAP = 4 * mm  # from the running head's rule to the text
WASH = 0.09  # share of the primary colour in the pale wash behind blocks


@dataclass
class Theme:
    fonts: FontSet
    paper: tuple[float, float]
    primary: colors.Color  # fills, bands and rules
    accent: colors.Color
    band_text: colors.Color
    primary_text: colors.Color  # headings and links: the primary, darkened if too light to read
    line: colors.Color  # rules, borders and tick boxes: the primary, darkened to 3:1 on white
    accent_line: colors.Color  # the safety stripe and the header's stripe, likewise
    large_print: bool
    ink_saver: bool
    warnings: list[str] = field(default_factory=list)
    margin: float = 16 * mm
    header_height: float = 22 * mm  # page one's band: its text starts PAPER_EDGE from the top
    footer_height: float = 0.0  # the footer's text; two lines of fine print unless set
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)
    # A booklet's sheet: its tracking sheet prints on this paper, full size, after the
    # folded pages (None: not a booklet).
    sheet: tuple[float, float] | None = None
    # Footer text → this theme, or a copy with a footer tall enough for it (render/pdf.py).
    fitted_footers: dict[tuple, Theme] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def body_size(self) -> float:
        return 14.0 if self.large_print else 11.0

    @property
    def small_size(self) -> float:
        """Smaller text a patient still reads (level labels, notes, the tracker's targets)."""
        return 11.0 if self.large_print else 10.0

    @property
    def fine_size(self) -> float:
        """The footer's fine print: contact, date, page numbers."""
        return 10.0 if self.large_print else 8.0

    @property
    def box_size(self) -> float:
        """Side of a tick box on the tracking sheet."""
        return 8.5 * mm if self.large_print else 6.5 * mm

    @property
    def wash(self) -> colors.Color:
        """Pale primary used behind blocks; white in ink-saver mode."""
        return WHITE if self.ink_saver else tint(self.primary, WASH)

    @property
    def accent_wash(self) -> colors.Color:
        return WHITE if self.ink_saver else tint(self.accent, 0.12)

    def page_size(self, landscape_page: bool = False) -> tuple[float, float]:
        return landscape(self.paper) if landscape_page else self.paper

    def frame_width(self, landscape_page: bool = False) -> float:
        return self.page_size(landscape_page)[0] - 2 * self.margin

    def frame_height(self, landscape_page: bool = False) -> float:
        page_height = self.page_size(landscape_page)[1]
        return page_height - self.top_margin - self.bottom_margin

    def first_frame_height(self) -> float:
        """Page one's frame: under the full band, shorter than the later pages'."""
        return self.frame_height() - (self.first_top_margin - self.top_margin)

    @property
    def running_height(self) -> float:
        """The running head of the pages after the first, down to its rule: one line of the
        clinic's name, PAPER_EDGE from the top and 3 mm above the rule."""
        return PAPER_EDGE + 3 * mm + self.body_size * RUNNING_LEADING

    @property
    def top_margin(self) -> float:
        """Above the frame on the pages after the first: the running head, a gap."""
        return self.running_height + RUNNING_GAP

    @property
    def first_top_margin(self) -> float:
        return self.header_height + BAND_GAP

    @property
    def footer_rule(self) -> float:
        """Height of the footer's rule above the paper's bottom edge."""
        return PAPER_EDGE + self.footer_height + 1.5 * mm

    @property
    def bottom_margin(self) -> float:
        return self.footer_rule + 4 * mm

    def sheet_theme(self) -> Theme:
        """This theme on a booklet's full-size sheet (the same margins and styles)."""
        return replace(self, paper=self.sheet, sheet=None) if self.sheet else self

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.styles[name]


def _band_text_colour(
    primary: colors.Color, primary_text: colors.Color, brand: Brand, warnings: list[str]
) -> colors.Color:
    if contrast(WHITE, primary) >= WCAG_AA:
        return WHITE
    dark_ok = contrast(TEXT, primary) >= WCAG_AA
    headings = primary_text.hexval().replace("0x", "#").upper()
    warnings.append(
        f"brand {brand.name!r}: white text on primary colour {brand.primary} has contrast "
        f"{contrast(WHITE, primary):.1f}:1, below WCAG AA 4.5:1; "
        + ("using dark text on the band instead" if dark_ok else "choose a darker primary colour")
        + f", and {headings} for headings on white"
    )
    return TEXT if dark_ok else WHITE


def _marks_colour(
    colour: colors.Color, role: str, brand: Brand, warnings: list[str]
) -> colors.Color:
    """``colour`` for lines and marks on white: a darker shade of it when too light to see
    (a pale yellow tick box vanishes on a photocopy)."""
    marks = readable_on(colour, WHITE, MARKS)
    if marks is not colour:
        shown = getattr(brand, role)
        warnings.append(
            f"brand {brand.name!r}: {role} colour {shown} has contrast "
            f"{contrast(colour, WHITE):.1f}:1 on white, below 3:1 for lines and tick boxes; "
            f"they print in the darker #{marks.hexval()[2:].upper()}"
        )
    return marks


def _styles(theme: Theme) -> dict[str, ParagraphStyle]:
    regular, bold = theme.fonts.main.regular, theme.fonts.main.bold
    size = theme.body_size
    lead = size * 1.3  # 11 on 14.3 points; 14 on 18.2 in large print
    cell = max(theme.small_size, size * 0.9)  # table text: never below the small size
    base = ParagraphStyle(
        "body", fontName=regular, fontSize=size, leading=lead, textColor=TEXT, spaceAfter=size * 0.4
    )
    heading = dict(fontName=bold, textColor=theme.primary_text, keepWithNext=1)
    return {
        "body": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=size * 2.2,
            leading=size * 2.6,
            spaceAfter=size * 0.4,
            **heading,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=size * 1.15,
            leading=size * 1.5,
            spaceAfter=size,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontSize=size * 1.6,
            leading=size * 2.0,
            spaceBefore=size * 0.8,  # more than a subheading's: a section starts here
            spaceAfter=size * 0.6,
            **heading,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=size * 1.25,
            leading=size * 1.45,
            spaceBefore=size * 0.7,
            spaceAfter=size * 0.3,
            **heading,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontSize=size * 1.05,
            leading=size * 1.35,
            spaceBefore=size * 0.45,
            spaceAfter=size * 0.2,
            fontName=bold,
            textColor=TEXT,
            keepWithNext=1,
        ),
        "bullet": ParagraphStyle("bullet", parent=base, spaceAfter=size * 0.2),
        "cell": ParagraphStyle(
            "cell", parent=base, fontSize=cell, leading=cell * 1.3, spaceAfter=0
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=base,
            fontName=bold,
            fontSize=cell,
            leading=cell * 1.3,
            spaceAfter=0,
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=base,
            fontName=bold,
            fontSize=cell,
            leading=cell * 1.3,
            spaceAfter=0,
            textColor=theme.band_text if not theme.ink_saver else TEXT,
        ),
        "phase": ParagraphStyle(
            "phase",
            parent=base,
            fontName=bold,
            fontSize=size * 0.95,
            leading=size * 1.25,
            spaceAfter=0,
            textColor=theme.primary_text,
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontSize=theme.small_size,
            leading=theme.small_size * 1.3,
            spaceAfter=0,
        ),
        "small": ParagraphStyle(
            "small",
            parent=base,
            fontSize=theme.small_size,
            leading=theme.small_size * 1.3,
            spaceAfter=0,
        ),
        "fine": ParagraphStyle(
            "fine",
            parent=base,
            fontSize=theme.fine_size,
            leading=theme.fine_size * 1.3,
            textColor=MUTED,
            spaceAfter=0,
        ),
        "label": ParagraphStyle(
            "label",
            parent=base,
            fontName=bold,
            fontSize=cell,
            leading=cell * 1.3,
            spaceAfter=0,
        ),
        "callout": ParagraphStyle("callout", parent=base, spaceAfter=size * 0.25),
        "callout_bold": ParagraphStyle(
            "callout_bold", parent=base, fontName=bold, spaceAfter=size * 0.25
        ),
        "card_title": ParagraphStyle(
            "card_title",
            parent=base,
            fontName=bold,
            fontSize=size * 1.3,
            leading=size * 1.35,
            spaceAfter=0,
            textColor=theme.primary_text,
        ),
    }


def _card_styles(theme: Theme, styles: dict[str, ParagraphStyle]) -> dict[str, ParagraphStyle]:
    """An exercise card's text: 10 pt and tighter than the sections' in normal print, so two
    cards can share a page; large print keeps its 14 pt body and spacing."""
    if theme.large_print:
        names = ("body", "bullet", "h3", "callout", "cell", "cell_bold")
        return {f"card_{name}": styles[name] for name in names}
    size = CARD_SIZE
    body = ParagraphStyle(
        "card_body",
        parent=styles["body"],
        fontSize=size,
        leading=size * CARD_LEADING,
        spaceAfter=size * CARD_AFTER,
    )
    return {
        "card_body": body,
        "card_bullet": ParagraphStyle("card_bullet", parent=body, spaceAfter=size * CARD_BULLET),
        "card_h3": ParagraphStyle(
            "h3",  # the name gives its role: a screen reader hears a level-3 heading
            parent=body,
            fontName=theme.fonts.main.bold,
            fontSize=size * 1.05,
            leading=size * CARD_LEADING,
            spaceBefore=size * CARD_H3,
            spaceAfter=size * 0.15,
            keepWithNext=1,
        ),
        "card_callout": ParagraphStyle("card_callout", parent=body, spaceAfter=0),
        # the dose table: the card's 10 pt, not the tables' smaller text
        "card_cell": ParagraphStyle("card_cell", parent=body, spaceAfter=0),
        "card_cell_bold": ParagraphStyle(
            "card_cell_bold", parent=body, fontName=theme.fonts.main.bold, spaceAfter=0
        ),
    }


def make_theme(
    brand: Brand,
    fonts: FontSet,
    *,
    paper: str | None = None,
    large_print: bool = False,
    ink_saver: bool = False,
    booklet: bool = False,
) -> Theme:
    paper = paper or brand.paper
    primary, accent = colors.HexColor(brand.primary), colors.HexColor(brand.accent)
    warnings: list[str] = list(fonts.warnings)
    # Headings sit on white or on the pale wash (card titles, phase rows): AA on the darker.
    primary_text = readable_on(primary, tint(primary, WASH))
    band_text = _band_text_colour(primary, primary_text, brand, warnings)
    line = _marks_colour(primary, "primary", brand, warnings)
    accent_line = _marks_colour(accent, "accent", brand, warnings)
    theme = Theme(
        fonts=fonts,
        paper=PAPER[BOOKLET_PAGE[paper] if booklet else paper],
        primary=primary,
        accent=accent,
        band_text=band_text,
        primary_text=primary_text,
        line=line,
        accent_line=accent_line,
        large_print=large_print,
        ink_saver=ink_saver,
        warnings=warnings,
        sheet=PAPER[BOOKLET_SHEET[paper]] if booklet else None,
    )
    if theme.paper[0] < SMALL_PAPER:
        theme.margin = 12 * mm  # text still PAPER_EDGE from the edge; 8 mm more for the page
    theme.styles = _styles(theme)
    theme.styles.update(_card_styles(theme, theme.styles))
    theme.footer_height = 2 * theme["fine"].leading
    return theme
