"""The tracking sheet: a portrait grid of tick boxes, one column per session.

It comes last, on a sheet of its own that starts on a front side, so it can be
taken off and pinned up. Portrait, so a duplex print never lands it upside down
on the back of a portrait page. The grid is cut into pages by hand (weeks across,
exercises down) rather than left to Table splitting: every page repeats its week
headers, keeps an exercise's rows together, and ends with a notes area and the pain
rule. Rows grow to use the page; the notes area takes what is left.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table

from handouts.compose import Handout
from handouts.errors import RenderError
from handouts.render.blocks import BARE_CELLS, box, para, styled
from handouts.render.document import mark
from handouts.render.grid_geometry import measure, week_chunks
from handouts.render.grid_rows import GridRow, exercise_rows, pain_rows
from handouts.render.grid_table import GridBuilder
from handouts.render.notes import NotesArea
from handouts.render.pages import FrontSideBreak
from handouts.render.paragraph import Para
from handouts.render.tagging import role
from handouts.render.theme import Theme

NOTES_MIN = 25 * mm  # the notes area is never lower than this
RULE_SHARE = 0.45  # of the page's width: the pain rule beside the notes
GAP = 4 * mm  # between the grid and what is below it


def _row_chunks(
    groups: list[list[GridRow]],
    closing: list[GridRow],
    height: float,
    heights: Callable[[list[GridRow]], list[float]],
) -> list[list[GridRow]]:
    """Fill pages top to bottom; the pain rows stay together at the end.

    A page never holds the pain rows alone: the exercise before them moves over,
    so every page has something to tick.
    """

    def need(rows: list[GridRow]) -> float:
        return sum(heights(rows))

    pages: list[list[list[GridRow]]] = [[]]  # pages of groups
    used = 0.0
    for group in groups + ([closing] if closing else []):
        group_height = need(group)
        if used + group_height > height and pages[-1]:
            pages.append([])
            used = 0.0
        if used + group_height > height:
            raise RenderError(
                "tracking sheet: rows are too tall for a page; turn off --large-print"
            )
        pages[-1].append(group)
        used += group_height
    if closing and len(pages) > 1 and pages[-1] == [closing] and len(pages[-2]) > 1:
        moved = pages[-2][-1]
        if need(moved) + need(closing) <= height:
            pages[-2].pop()
            pages[-1].insert(0, moved)
    return [[row for group in page for row in group] for page in pages]


HOW_TO = (
    "Tick a box after each session. Each week shows your level (L1, L2 …) and dose; "
    "shaded weeks have no session. Score your pain from 0 (none) to 10 (worst) during "
    "exercise and the next morning."
)
RULE_STEP = 1.0  # points: the pain rule's text shrinks by this much at a time
SEE_PAGE_ONE = "Your pain rule is on the first page of this handout."


def _title(theme: Theme, first: bool) -> list[Flowable]:
    title = "Tracking sheet" if first else "Tracking sheet (continued)"
    return [role(para(theme, title, "h2"), "H1"), para(theme, HOW_TO, "small")]


def _rule_styles(theme: Theme) -> list[ParagraphStyle]:
    """The pain rule's styles, largest first: body size, then a point smaller at a time
    down to the small text size, so a long rule still fits beside the notes."""
    styles, size = [theme["callout"]], theme.body_size - RULE_STEP
    while size > theme.small_size - 0.01:
        styles.append(
            ParagraphStyle(
                f"callout-{size:g}",
                parent=theme["callout"],
                fontSize=size,
                leading=size * theme["callout"].leading / theme.body_size,
            )
        )
        size -= RULE_STEP
    return styles


def _height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables stacked in a table cell, as the page layout stacks them."""
    cell = Table([[flowables]], colWidths=[width], style=BARE_CELLS)
    return cell.wrap(width, 1e6)[1]


def _rule_box(theme: Theme, handout: Handout, width: float, style: ParagraphStyle | None) -> Table:
    """The pain rule in ``style``; None: a line pointing to page one, where it is in full."""
    if style is None:
        body = para(theme, SEE_PAGE_ONE, "small")
    else:
        body = Para(theme.fonts.markup(handout.pain_rule, "pain rule"), style)
    heading = role(para(theme, "Pain rule", "h3"), "H2")
    return box(theme, [heading, body], width, accent=True, padding=3 * mm)


def _rule_fitting(theme: Theme, handout: Handout, width: float, height: float) -> Table:
    """The pain rule at the largest size that fits ``height``, else a pointer to page one."""
    for style in _rule_styles(theme):
        rule = _rule_box(theme, handout, width, style)
        if rule.wrap(width, 1e6)[1] <= height:
            return rule
    return _rule_box(theme, handout, width, None)


def _bottom(theme: Theme, handout: Handout, rule: Table, height: float, key: str) -> Table:
    """The notes area, ``height`` high, beside the pain rule."""
    width = theme.frame_width()
    notes_width = width - RULE_SHARE * width - GAP
    notes: list[Flowable] = [para(theme, " ", "small")]
    if handout.tracking.notes:
        field = f"notes.{key}" if handout.options.fillable else None
        label = para(theme, "Notes", "cell_bold")
        lines = height - label.wrap(notes_width, 1e6)[1] - 1 * mm
        notes = [label, NotesArea(theme, notes_width, lines, field)]
    return Table(
        [[notes, rule]],
        colWidths=[notes_width + GAP, RULE_SHARE * width],
        style=styled(theme, BARE_CELLS),
        spaceBefore=GAP,
    )


def tracking_grid(theme: Theme, handout: Handout, room: float | None = None) -> list[Flowable]:
    """The tracking sheet's pages, starting on a front side (an odd page).

    ``room``: the sheet in that height on the page it follows (render/tracker_flow.py),
    its boxes grown to fill it; raises RenderError where its rows do not fit.
    """
    if not handout.exercises:
        return []
    geo, per_page = measure(theme, handout)
    builder = GridBuilder(theme, handout, geo)
    groups, closing = exercise_rows(handout), pain_rows(handout)
    frame = (room or theme.frame_height()) - 1 * mm  # to spare: rounding never pushes a row over
    least = NOTES_MIN + theme.small_size * 1.6  # the notes area and its label
    story: list[Flowable] = [] if room else [FrontSideBreak(theme, handout.options.fillable)]
    pages = []
    for number, weeks in enumerate(week_chunks(handout, per_page)):
        top = _height(_title(theme, number == 0), theme.frame_width())
        room = frame - top - builder.header_height(weeks) - least - GAP
        pages += [(weeks, rows) for rows in _row_chunks(groups, closing, room, builder.heights)]
    rule_width = RULE_SHARE * theme.frame_width()
    for number, (weeks, rows) in enumerate(pages):
        title = _title(theme, number == 0)
        top = _height(title, theme.frame_width())
        below = frame - top - sum(builder.heights(rows)) - builder.header_height(weeks) - GAP
        rule = _rule_fitting(theme, handout, rule_width, below)
        spare = below - max(least, rule.wrap(rule_width, 1e6)[1])
        growing = [row for row in rows if row.kind != "target"]
        most = max(0.0, geo.max_row_height - geo.row_height)
        grow = min(most, spare / len(growing)) if growing and spare > 0 else 0.0
        grid = builder.table(rows, weeks, grow)
        bottom = _bottom(theme, handout, rule, below - grow * len(growing), f"p{number + 1}")
        mark(title[0], source="the tracking sheet")
        if number == 0:
            mark(title[0], outline=("Tracking sheet", 0))
        story += [*title, grid, bottom] + ([PageBreak()] if number < len(pages) - 1 else [])
    return story
