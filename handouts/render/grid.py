"""The tracking sheet: a portrait grid of tick boxes, one column per session.

It comes last, on a sheet of its own that starts on a front side, so it can be
taken off and pinned up. Portrait, so a duplex print never lands it upside down
on the back of a portrait page. The grid is cut into pages by hand (weeks across,
exercises down) rather than left to Table splitting: every page repeats its week
headers, keeps an exercise's rows together, and ends with a notes area and the pain
rule. Rows grow to use the page; the notes area takes what is left.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from handouts.compose import Handout, Row
from handouts.errors import RenderError
from handouts.render.acroform import acro_form
from handouts.render.blocks import box, lower_first, para, styled
from handouts.render.dates import weeks_dates
from handouts.render.document import mark
from handouts.render.figures.placement import (
    side_figure_width,
    with_side_figure,
    with_thumbnail_below,
)
from handouts.render.notes import NotesArea
from handouts.render.pages import FrontSideBreak
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table, role
from handouts.render.theme import MUTED, TEXT, Theme

UNSCHEDULED = colors.Color(0.86, 0.86, 0.86)  # a week an exercise is not done: shaded
BOX_GAP = 1.2 * mm  # between neighbouring boxes
NOTES_MIN = 25 * mm  # the notes area is never lower than this
RULE_SHARE = 0.45  # of the page's width: the pain rule beside the notes
GAP = 4 * mm  # between the grid and what is below it


class TickBox(Flowable):
    """A box to tick or write in, ``height`` up to half as tall again as wide when the page
    has room; a PDF form field when ``field`` is set."""

    def __init__(
        self,
        size: float,
        colour: colors.Color,
        field: str | None = None,
        kind: str = "check",
        height: float | None = None,
        tooltip: str = "",
    ):
        super().__init__()
        self.size, self.colour, self.field, self.kind = size, colour, field, kind
        self.width, self.height = size, height or size
        self.tooltip = tooltip or (field or "")  # what to enter, as a screen reader says it

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        if self.field:
            _form_field(canvas, self.field, self.kind, (self.width, self.height), self.tooltip)


def _form_field(canvas, name: str, kind: str, size: tuple, tooltip: str) -> None:  # noqa: ANN001
    form = acro_form(canvas)
    width, height = size
    common = dict(name=name, tooltip=tooltip, x=0, y=0, borderWidth=0, relative=True)
    if kind == "check":
        form.checkbox(
            size=min(width, height),
            buttonStyle="check",
            borderColor=None,
            fillColor=None,
            textColor=TEXT,
            **common,
        )
    else:
        form.textfield(
            width=width,
            height=height,
            maxlen=2,
            borderColor=None,
            fillColor=None,
            fontSize=0,
            **common,
        )


class TrackingGrid(Table):
    """One page's grid of tick boxes (a class of its own, so it can be found in a story)."""


@dataclass(frozen=True)
class GridRow:
    """One row of the grid: an exercise's target or tick row, or a pain scale."""

    label: str
    kind: str  # "target", "tick", "pain"
    key: str  # unique part of form-field names
    exercise: str | None = None
    side: str = ""  # "L" or "R" on an exercise done on each side


def target(row: Row) -> str:
    """Short dose for a week header cell: "L1 · 3×15", "L2 · 2×8/leg", "L1 · 2× to fatigue"."""
    dose = row.dose
    reps = dose.reps
    for long, short in (
        (" per leg", "/leg"),
        (" per foot", "/foot"),
        (" per side", "/side"),
        (" each side", "/side"),
        (" s hold", " s"),
    ):
        reps = reps.replace(long, short)
    if not reps[:1].isdigit():
        reps = " " + lower_first(reps)
    return f"L{dose.level} · {dose.sets}×{reps}"


def _rows_of(handout: Handout, exercise_id: str) -> list[Row]:
    return [row for phase in handout.phases for row in phase.rows if row.exercise.id == exercise_id]


def _exercise_rows(handout: Handout) -> list[list[GridRow]]:
    """Rows grouped per exercise so a group is never split across pages: a target row,
    then L and R rows when some level is done on each side, else one row."""
    groups = []
    for exercise in handout.exercises:
        sided = handout.tracking.per_side_rows and any(
            row.dose.per_side for row in _rows_of(handout, exercise.id)
        )
        group = [GridRow(exercise.name, "target", exercise.id, exercise.id)]
        sides = ("L", "R") if sided else ("",)
        group += [
            GridRow(exercise.name, "tick", f"{exercise.id}.{side or 'x'}", exercise.id, side)
            for side in sides
        ]
        groups.append(group)
    return groups


def _sided_figures(handout: Handout) -> bool:
    """Whether some exercise has L and R rows and a figure to show beside them."""
    firsts = [_first_row(handout, group[0].exercise) for group in _exercise_rows(handout)]
    return any(
        len(group) > 2 and not first.exercise.image and first.exercise.figure_at(first.dose.level)
        for group, first in zip(_exercise_rows(handout), firsts, strict=True)
    )


def _first_row(handout: Handout, exercise_id: str | None) -> Row:
    """The exercise's first row in the plan: its level names the picture the tracker shows."""
    return next(r for phase in handout.phases for r in phase.rows if r.exercise.id == exercise_id)


def _pain_rows(handout: Handout) -> list[GridRow]:
    if not handout.tracking.pain_rows:
        return []
    return [
        GridRow("Pain during", "pain", "pain-during"),
        GridRow("Pain next morning", "pain", "pain-morning"),
    ]


@dataclass(frozen=True)
class Geometry:
    label_width: float  # exercise name column
    side_width: float  # "L" / "R" column
    cell_width: float  # one session
    row_height: float  # a tick row at its smallest
    max_row_height: float  # ... and at its tallest, when the page has room
    side_figures: bool = False  # a figure beside "L" and "R", facing that side

    def week_width(self, sessions: int) -> float:
        return self.cell_width * sessions


TRACKER_THUMB = 7 * mm  # the exercise's picture at the start of its rows
WEEK_MIN = 22 * mm  # a week's heading and target ("L2 · 3×12–15/leg" on two lines)


def _geometry(theme: Theme, handout: Handout) -> tuple[Geometry, int]:
    """Column widths and row heights, and how many weeks a page holds.

    The weeks of a page share the width: a page of fewer weeks or sessions gets wider
    cells and larger boxes.
    """
    large = theme.large_print
    label_width = (44 if large else 34) * mm
    side_width = (7 if large else 5) * mm
    sessions = handout.sessions_per_week
    least_cell = theme.box_size + BOX_GAP
    week = max(least_cell * sessions, WEEK_MIN)
    widths = _sided_figures(handout) and _with_side_figures(
        theme, handout, week, label_width, side_width
    )
    side_figures = bool(widths)
    if widths:
        label_width, side_width = widths
    room = theme.frame_width() - label_width - side_width
    per_page = int(room // week)
    if per_page < 1:
        raise RenderError(
            f"tracking sheet: {sessions} sessions a week do not fit across a page; "
            "use fewer sessions per week"
        )
    pages = math.ceil(handout.weeks / per_page)
    per_page = math.ceil(handout.weeks / pages)  # balanced: 3 + 3 weeks, not 4 + 2
    cell = room / (per_page * sessions)  # the weeks share the width (boxes stay square)
    geo = Geometry(
        label_width=label_width,
        side_width=side_width,
        cell_width=cell,
        row_height=least_cell,
        max_row_height=least_cell * 1.6,
        side_figures=side_figures,
    )
    return geo, per_page


def _with_side_figures(
    theme: Theme, handout: Handout, week: float, label_width: float, side_width: float
) -> tuple[float, float] | None:
    """The name and side columns with room for a figure beside "L" and "R", or None.

    The room comes from what the weeks across leave spare, then from the names' column
    as far as its longest word allows: the figures never cost a week across a page, and
    never break a word.
    """
    extra = side_figure_width(theme)
    room = theme.frame_width() - label_width - side_width
    spare = room - (room // week) * week
    style = theme["cell_bold"]
    words = [word for exercise in handout.exercises for word in exercise.name.split()]
    longest = max(stringWidth(word, style.fontName, style.fontSize) for word in words)
    take = min(extra - min(extra, spare), max(0.0, label_width - longest - 2 * mm))  # padding
    if min(extra, spare) + take < extra:
        return None
    return label_width - take, side_width + extra


def _week_chunks(handout: Handout, per_page: int) -> list[list[int]]:
    weeks = list(range(1, handout.weeks + 1))
    return [weeks[i : i + per_page] for i in range(0, len(weeks), per_page)]


FIRST = 2  # the first session column: 0 holds the exercise name, 1 holds L/R


class _GridBuilder:
    def __init__(self, theme: Theme, handout: Handout, geo: Geometry):
        self.theme, self.handout, self.geo = theme, handout, geo
        self.sessions = handout.sessions_per_week
        self.fillable = handout.options.fillable
        self.centred = ParagraphStyle("centred", parent=theme["small"], alignment=TA_CENTER)
        self._target_heights: dict[str | None, float] = {}
        self._box_side = self._box_height = theme.box_size  # set per page by ``table``

    def _week_col(self, index: int) -> int:
        return FIRST + index * self.sessions

    def _span_weeks(self, weeks: list[int], row: int) -> list:
        return [
            ("SPAN", (self._week_col(i), row), (self._week_col(i) + self.sessions - 1, row))
            for i in range(len(weeks))
        ]

    # -- the header: week, its dates, session numbers ---------------------
    def header_rows(self, weeks: list[int]) -> tuple[list[list], list, list[float]]:
        first: list = [para(self.theme, "Exercise", "cell_bold"), ""]
        second: list = [para(self.theme, "Session", "small"), ""]
        for week in weeks:
            heading = f"<b>Week {week}</b>"
            if dates := weeks_dates(self.handout, week):
                heading += f"<br/>{self._fitting_dates(dates)}"
            first += [Para(heading, self.theme["small"])] + [""] * (self.sessions - 1)
            second += [Para(str(n), self.centred) for n in range(1, self.sessions + 1)]
        style = self._span_weeks(weeks, 0) + [("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1))]
        room = self.geo.week_width(self.sessions) - 2 * mm
        top = max(cell.wrap(room, 1e6)[1] for cell in first[FIRST :: self.sessions])
        return [first, second], style, [top + 2 * mm, self.theme["small"].leading + 1.5 * mm]

    def _fitting_dates(self, dates: str) -> str:
        """ "28 Dec–3 Jan" on two lines, after its dash, where one is too narrow for it."""
        style = self.theme["small"]
        if stringWidth(dates, style.fontName, style.fontSize) <= self._target_room:
            return dates
        return dates.replace("–", "–<br/>", 1)

    def header_height(self, weeks: list[int]) -> float:
        return sum(self.header_rows(weeks)[2])

    # -- labels and heights --------------------------------------------------
    def _label(self, row: GridRow) -> Flowable:
        if (
            row.kind == "target"
        ):  # the exercise's name (the column's whole width), its picture below
            name = para(self.theme, row.label, "cell_bold", f"exercise {row.exercise}")
            first = _first_row(self.handout, row.exercise)
            level = first.dose.level
            return with_thumbnail_below(self.theme, first.exercise, level, name, TRACKER_THUMB)
        if row.kind == "tick":
            letter = para(self.theme, row.side, "cell_bold")
            if not row.side or not self.geo.side_figures:
                return letter
            first = _first_row(self.handout, row.exercise)
            return with_side_figure(self.theme, first.exercise, first.dose.level, row.side, letter)
        return para(self.theme, row.label, "cell")

    def _label_width(self, row: GridRow) -> float:
        """The label's cell, less its padding: the name column, with L/R beside a pain row."""
        width = self.geo.label_width + (self.geo.side_width if row.kind == "pain" else 0)
        return width - 2 * mm

    def heights(self, rows: list[GridRow]) -> list[float]:
        """Each row's least height, grown where an exercise's name needs more lines.

        An exercise's name spans its target and tick rows; the tick rows grow, so the
        boxes keep their size and the name never runs over the rules.
        """
        heights = []
        for row in rows:
            if row.kind == "target":
                heights.append(self._targets_height(row.exercise))
            else:
                heights.append(self.geo.row_height)
        for start, row in enumerate(rows):
            if row.kind == "tick":
                continue
            end = start + 1
            while row.kind == "target" and end < len(rows) and rows[end].kind == "tick":
                end += 1
            need = self._label(row).wrap(self._label_width(row), 1e6)[1] + 2 * mm
            spare = need - sum(heights[start:end])
            if spare > 0:
                grown = range(start + 1, end) if end > start + 1 else range(start, end)
                for i in grown:
                    heights[i] += spare / len(grown)
        return heights

    @property
    def _target_room(self) -> float:
        return self.geo.week_width(self.sessions) - 2 * mm

    def _targets_height(self, exercise_id: str | None) -> float:
        """The tallest of an exercise's week targets: one line, or two where one wraps."""
        if exercise_id not in self._target_heights:  # asked for each page the rows fill
            texts = {self._target(exercise_id, week) for week in range(1, self.handout.weeks + 1)}
            tallest = max(self._fitted(text).wrap(self._target_room, 1e6)[1] for text in texts)
            self._target_heights[exercise_id] = tallest + 1.5 * mm
        return self._target_heights[exercise_id]

    def _fitted(self, text: str) -> Paragraph:
        """A week's target at the small size a patient reads; it wraps where too long."""
        return Para(self.theme.fonts.markup(text, "tracking sheet target"), self.theme["small"])

    def _row_for(self, exercise_id: str | None, week: int) -> Row | None:
        phase = self.handout.phase_for(week)
        return next((r for r in phase.rows if r.exercise.id == exercise_id), None)

    def _target(self, exercise_id: str | None, week: int) -> str:
        row = self._row_for(exercise_id, week)
        return target(row) if row else "Not this week"

    # -- rows ----------------------------------------------------------------
    def row(self, row: GridRow, weeks: list[int], index: int) -> tuple[list, list]:
        if row.kind == "target":
            cells: list = [self._label(row), ""]
            for week in weeks:
                cells += [self._fitted(self._target(row.exercise, week))]
                cells += [""] * (self.sessions - 1)
            return cells, self._span_weeks(weeks, index)
        if row.kind == "tick":
            return self._tick_row(row, weeks, index)
        cells = [self._label(row), ""]
        style = [("SPAN", (0, index), (1, index))]
        return cells + self._boxes(row.key, weeks, "text", row.label), style

    def _tick_row(self, row: GridRow, weeks: list[int], index: int) -> tuple[list, list]:
        """Tick boxes; none in a week the exercise is not done (shaded), and one box for
        both sides where that week's level is done on both legs at once."""
        cells: list = ["", self._label(row)]
        style: list = []
        for i, week in enumerate(weeks):
            dose = self._row_for(row.exercise, week)
            col = self._week_col(i)
            last = col + self.sessions - 1
            if dose is None:
                cells += [""] * self.sessions
                style.append(("BACKGROUND", (col, index), (last, index), UNSCHEDULED))
                continue
            if row.side and not dose.dose.per_side:
                if row.side == "R":  # the L row's box spans both rows
                    cells += [""] * self.sessions
                    continue
                style += [("SPAN", (c, index), (c, index + 1)) for c in range(col, last + 1)]
            both = row.side and not dose.dose.per_side  # one box for both sides
            key = f"{row.exercise}.x" if both else row.key
            side = {"L": ", left", "R": ", right"}.get(row.side, "") if not both else ""
            cells += self._boxes(key, [week], "check", row.label, side)
        return cells, style

    def _boxes(
        self, key: str, weeks: list[int], kind: str, what: str, side: str = ""
    ) -> list[Flowable]:
        """A box per session; a field named ``key``.w<week>.s<session> in a fillable handout,
        its tooltip what a screen reader says: "Bent-knee calf raise, week 2, session 1,
        left"."""
        colour = self.theme.line if kind == "check" else MUTED
        return [
            TickBox(
                self._box_side,
                colour,
                f"{key}.w{week}.s{n}" if self.fillable else None,
                kind,
                self._box_height,
                f"{what}, week {week}, session {n}{side}" if self.fillable else "",
            )
            for week in weeks
            for n in range(1, self.sessions + 1)
        ]

    def table(self, rows: list[GridRow], weeks: list[int], grow: float) -> Table:
        """The grid of ``rows`` for ``weeks``; each tick and pain row ``grow`` taller."""
        data, style, heights = self.header_rows(weeks)
        row_height = self.geo.row_height + grow
        self._box_side = min(self.geo.cell_width, row_height) - BOX_GAP
        self._box_height = min(row_height - BOX_GAP, self._box_side * 1.5)
        group_start = None
        for row in rows:
            index = len(data)
            cells, row_style = self.row(row, weeks, index)
            data.append(cells)
            style += row_style
            if row.kind == "target":
                group_start = index
                style.append(("LINEABOVE", (0, index), (-1, index), 0.8, self.theme.line))
            elif row.kind == "pain":
                group_start = None
                style.append(("LINEABOVE", (0, index), (-1, index), 0.4, MUTED))
            if row.kind == "tick" and group_start is not None:
                style.append(("SPAN", (0, group_start), (0, index)))
        heights += [
            height + (grow if row.kind != "target" else 0)
            for row, height in zip(rows, self.heights(rows), strict=True)
        ]
        widths = [self.geo.label_width, self.geo.side_width]
        widths += [self.geo.cell_width] * (len(weeks) * self.sessions)
        style = self._base_style(weeks) + style  # shading of unscheduled weeks comes last
        grid = TrackingGrid(data, colWidths=widths, rowHeights=heights, style=TableStyle(style))
        return data_table(grid, header_rows=2)  # week numbers, then session numbers

    def _base_style(self, weeks: list[int]) -> list:
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.theme.fonts.main.regular),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 1), (-1, 1), 1.0, self.theme.line),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, self.theme.line),
        ]
        for i in range(len(weeks)):  # a rule between weeks makes columns easy to follow
            col = self._week_col(i)
            style.append(("LINEBEFORE", (col, 0), (col, -1), 0.8, self.theme.line))
            if not self.theme.ink_saver and i % 2 == 0:
                style.append(
                    ("BACKGROUND", (col, 0), (col + self.sessions - 1, -1), self.theme.wash)
                )
        return style


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
    cell = Table([[flowables]], colWidths=[width], style=_NO_PADDING)
    return cell.wrap(width, 1e6)[1]


_NO_PADDING = [
    (side, (0, 0), (-1, -1), 0)
    for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
]


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
        style=styled(theme, [*_NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP")]),
        spaceBefore=GAP,
    )


def tracking_grid(theme: Theme, handout: Handout, room: float | None = None) -> list[Flowable]:
    """The tracking sheet's pages, starting on a front side (an odd page).

    ``room``: the sheet in that height on the page it follows (render/tracker_flow.py),
    its boxes grown to fill it; raises RenderError where its rows do not fit.
    """
    if not handout.exercises:
        return []
    geo, per_page = _geometry(theme, handout)
    builder = _GridBuilder(theme, handout, geo)
    groups, closing = _exercise_rows(handout), _pain_rows(handout)
    frame = (room or theme.frame_height()) - 1 * mm  # to spare: rounding never pushes a row over
    least = NOTES_MIN + theme.small_size * 1.6  # the notes area and its label
    story: list[Flowable] = [] if room else [FrontSideBreak(theme, handout.options.fillable)]
    pages = []
    for number, weeks in enumerate(_week_chunks(handout, per_page)):
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
