"""The tracking sheet: a landscape grid of tick boxes, one column per session.

The grid is cut into pages by hand (weeks across, exercises down) rather than
left to Table splitting, so every page repeats its week headers, keeps an
exercise's L and R rows together, and has the pain rule beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Table, TableStyle

from handouts.compose import Handout, Row
from handouts.errors import RenderError
from handouts.render.blocks import box, lower_first, para, styled
from handouts.render.document import LANDSCAPE, PORTRAIT, mark
from handouts.render.figures.placement import with_thumbnail
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table, role
from handouts.render.theme import MUTED, TEXT, Theme


class TickBox(Flowable):
    """A square to tick or write in; a PDF form field when ``field`` is set."""

    def __init__(
        self,
        size: float,
        colour: colors.Color,
        field: str | None = None,
        kind: str = "check",
        tooltip: str = "",
    ):
        super().__init__()
        self.size, self.colour, self.field, self.kind = size, colour, field, kind
        self.tooltip = tooltip or (field or "")  # what to enter, as a screen reader says it
        self.width = self.height = size

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, self.size, self.size, stroke=1, fill=0)
        if self.field:
            _form_field(canvas, self.field, self.kind, self.size, self.tooltip)


def _form_field(canvas, name: str, kind: str, size: float, tooltip: str) -> None:  # noqa: ANN001
    form = canvas.acroForm
    common = dict(name=name, tooltip=tooltip, x=0, y=0, borderWidth=0, relative=True)
    if kind == "check":
        form.checkbox(
            size=size,
            buttonStyle="check",
            borderColor=None,
            fillColor=None,
            textColor=TEXT,
            **common,
        )
    else:
        form.textfield(
            width=size,
            height=size,
            maxlen=2,
            borderColor=None,
            fillColor=None,
            fontSize=0,
            **common,
        )


@dataclass(frozen=True)
class GridRow:
    """One row of the grid: an exercise side, a pain scale, or the notes line."""

    label: str
    kind: str  # "target", "tick", "pain", "notes"
    key: str  # unique part of form-field names
    exercise: str | None = None


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


def _exercise_rows(handout: Handout) -> list[list[GridRow]]:
    """Rows grouped per exercise so a group is never split across pages."""
    groups = []
    per_side_rows = handout.tracking.per_side_rows
    for exercise in handout.exercises:
        sided = per_side_rows and any(
            row.dose.per_side
            for phase in handout.phases
            for row in phase.rows
            if row.exercise.id == exercise.id
        )
        group = [GridRow(exercise.name, "target", exercise.id, exercise.id)]
        sides = (("L", "L"), ("R", "R")) if sided else (("", "x"),)
        group += [
            GridRow(label, "tick", f"{exercise.id}.{key}", exercise.id) for label, key in sides
        ]
        groups.append(group)
    return groups


def _closing_rows(handout: Handout) -> list[GridRow]:
    rows = []
    if handout.tracking.pain_rows:
        rows += [
            GridRow("Pain during (0–10)", "pain", "pain-during"),
            GridRow("Pain next morning (0–10)", "pain", "pain-morning"),
        ]
    if handout.tracking.notes:
        rows.append(GridRow("Notes", "notes", "notes"))
    return rows


@dataclass(frozen=True)
class Geometry:
    label_width: float  # exercise name column
    side_width: float  # "L" / "R" column
    cell_width: float
    sidebar_width: float
    target_height: float
    row_height: float
    notes_height: float
    header_height: float
    gap: float = 5 * mm

    def row_height_of(self, row: GridRow) -> float:
        return {"target": self.target_height, "notes": self.notes_height}.get(
            row.kind, self.row_height
        )


DESIGN_SESSIONS = 3  # the sessions a week's column is laid out for


def _geometry(theme: Theme, sessions: int = DESIGN_SESSIONS) -> Geometry:
    large = theme.large_print
    # 1.2 mm between boxes: 10 exercises by 6 weeks of 3 sessions fit one page (A4 or Letter)
    cell_width = theme.box_size + 1.2 * mm
    if sessions < DESIGN_SESSIONS:
        # A week's heading ("Week 12") and target ("L3 · 3×12–15/leg") need the width of
        # three cells; once or twice a week, the week keeps that width with wider cells.
        cell_width *= DESIGN_SESSIONS / sessions
    return Geometry(
        label_width=(50 if large else 40) * mm,
        side_width=(7 if large else 6) * mm,
        cell_width=cell_width,
        sidebar_width=(58 if large else 48) * mm,
        target_height=theme.small_size * 1.35,
        row_height=theme.box_size + 1.2 * mm,
        notes_height=theme.box_size * 1.6,
        header_height=theme.body_size * 2.9,
    )


def _week_chunks(handout: Handout, theme: Theme, geo: Geometry) -> list[list[int]]:
    grid_width = (
        theme.frame_width(True) - geo.sidebar_width - geo.gap - geo.label_width - geo.side_width
    )
    per_page = int(grid_width // (geo.cell_width * handout.sessions_per_week))
    if per_page < 1:
        raise RenderError(
            f"tracking sheet: {handout.sessions_per_week} sessions a week do not fit "
            "across a page; use fewer sessions per week"
        )
    weeks = list(range(1, handout.weeks + 1))
    return [weeks[i : i + per_page] for i in range(0, len(weeks), per_page)]


def _row_chunks(
    groups: list[list[GridRow]],
    closing: list[GridRow],
    height: float,
    header_height: float,
    heights: Callable[[list[GridRow]], list[float]],
) -> list[list[GridRow]]:
    """Fill pages top to bottom; closing rows (pain, notes) stay together at the end.

    A page never holds the closing rows alone: the exercise before them moves over,
    so every page has something to tick.
    """

    def need(rows: list[GridRow]) -> float:
        return sum(heights(rows))

    pages: list[list[list[GridRow]]] = [[]]  # pages of groups
    used = header_height
    for group in groups + [closing]:
        group_height = need(group)
        if used + group_height > height and pages[-1]:
            pages.append([])
            used = header_height
        if used + group_height > height:
            raise RenderError(
                "tracking sheet: rows are too tall for a page; turn off --large-print"
            )
        pages[-1].append(group)
        used += group_height
    if len(pages) > 1 and pages[-1] == [closing] and len(pages[-2]) > 1:
        moved = pages[-2][-1]
        if header_height + need(moved) + need(closing) <= height:
            pages[-2].pop()
            pages[-1].insert(0, moved)
    return [[row for group in page for row in group] for page in pages]


FIRST = 2  # the first session column: 0 holds the exercise name, 1 holds L/R
LABEL_MARGIN = 1 * mm  # kept clear above and below a label that fills its rows
# A week's target shrinks to fit its line down to this size, then wraps (its row grows):
# smaller print is hard to read for the older patients large print is made for.
MIN_TARGET_SIZE = 7.0
TRACKER_THUMB = 7 * mm  # the exercise's picture at the start of its rows


class _GridBuilder:
    def __init__(self, theme: Theme, handout: Handout, geo: Geometry):
        self.theme, self.handout, self.geo = theme, handout, geo
        self.sessions = handout.sessions_per_week
        self.fillable = handout.options.fillable
        self.centred = ParagraphStyle("centred", parent=theme["small"], alignment=TA_CENTER)
        self._target_heights: dict[str | None, float] = {}

    def _week_col(self, index: int) -> int:
        return FIRST + index * self.sessions

    def _span_weeks(self, weeks: list[int], row: int) -> list:
        return [
            ("SPAN", (self._week_col(i), row), (self._week_col(i) + self.sessions - 1, row))
            for i in range(len(weeks))
        ]

    def header_rows(self, weeks: list[int]) -> tuple[list[list], list]:
        first: list = [para(self.theme, "Exercise", "cell_bold"), ""]
        second: list = [para(self.theme, "Session", "small"), ""]
        for week in weeks:
            first += [para(self.theme, f"Week {week}", "cell_bold")] + [""] * (self.sessions - 1)
            second += [Para(str(n), self.centred) for n in range(1, self.sessions + 1)]
        style = self._span_weeks(weeks, 0) + [("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1))]
        return [first, second], style

    def _label(self, row: GridRow) -> Flowable:
        if row.kind == "target":  # the exercise's name, after its picture as on its card
            name = para(self.theme, row.label, "cell_bold", f"exercise {row.exercise}")
            rows = (r for phase in self.handout.phases for r in phase.rows)
            first = next(r for r in rows if r.exercise.id == row.exercise)
            level = first.dose.level
            return with_thumbnail(self.theme, first.exercise, level, name, TRACKER_THUMB)
        return para(self.theme, row.label, "cell_bold" if row.kind == "tick" else "cell")

    def _label_width(self, row: GridRow) -> float:
        """The label's cell, less its padding: the name column, with L/R beside a pain row."""
        width = self.geo.label_width + (self.geo.side_width if row.kind != "target" else 0)
        return width - 2 * mm

    def heights(self, rows: list[GridRow]) -> list[float]:
        """Each row's height: its design height, grown where its label needs more lines.

        An exercise's name spans its target and tick rows; the tick rows grow, so the
        boxes keep their size and the name never runs over the rules or the header.
        """
        heights = [self.geo.row_height_of(row) for row in rows]
        for start, row in enumerate(rows):
            if row.kind == "tick":
                continue
            if row.kind == "target":  # a target too long for one line at a readable size
                heights[start] = max(heights[start], self._targets_height(row.exercise))
            end = start + 1
            while row.kind == "target" and end < len(rows) and rows[end].kind == "tick":
                end += 1
            need = self._label(row).wrap(self._label_width(row), 1e6)[1] + LABEL_MARGIN
            spare = need - sum(heights[start:end])
            if spare > 0:
                grown = range(start + 1, end) if end > start + 1 else range(start, end)
                for i in grown:
                    heights[i] += spare / len(grown)
        return heights

    def row(self, row: GridRow, weeks: list[int], index: int) -> tuple[list, list]:
        if row.kind == "target":
            cells: list = [self._label(row), ""]
            for week in weeks:
                text = self._target(row.exercise, week)
                cells += [self._fitted(text)] + [""] * (self.sessions - 1)
            return cells, self._span_weeks(weeks, index)
        if row.kind == "tick":
            cells = ["", self._label(row)]
            return cells + self._boxes(row, weeks, "check"), []
        cells = [self._label(row), ""]
        style = [("SPAN", (0, index), (1, index))]
        if row.kind == "pain":
            return cells + self._boxes(row, weeks, "text"), style
        for i, week in enumerate(weeks):  # notes: one write-in line per week
            width = self.geo.cell_width * self.sessions - 2 * mm
            field = (
                _NotesField(
                    f"notes.w{week}", width, self.geo.notes_height - 2 * mm, f"Notes, week {week}"
                )
                if self.fillable
                else ""
            )
            cells += [field] + [""] * (self.sessions - 1)
            col = self._week_col(i)
            style.append(("LINEBELOW", (col, index), (col + self.sessions - 1, index), 0.6, MUTED))
        return cells, style + self._span_weeks(weeks, index)

    def _fitted(self, text: str) -> Paragraph:
        """Small text on one line, shrunk to fit the week's width, but never below a size
        a reader can still make out: then it wraps, and its row grows (``heights``)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        style = self.theme["small"]
        width = stringWidth(text, style.fontName, style.fontSize)
        if width > self._target_room:
            size = max(style.fontSize * self._target_room / width, MIN_TARGET_SIZE)
            style = ParagraphStyle("fitted", parent=style, fontSize=size, leading=size * 1.2)
        return Para(self.theme.fonts.markup(text, "tracking sheet target"), style)

    @property
    def _target_room(self) -> float:
        return self.geo.cell_width * self.sessions - 2 * mm

    def _targets_height(self, exercise_id: str | None) -> float:
        """The tallest of an exercise's week targets: one line, or two where one wraps."""
        if exercise_id not in self._target_heights:  # asked for each page the rows fill
            weeks = range(1, self.handout.weeks + 1)
            texts = {self._target(exercise_id, week) for week in weeks}
            self._target_heights[exercise_id] = max(
                self._fitted(text).wrap(self._target_room, 1e6)[1] for text in texts
            )
        return self._target_heights[exercise_id]

    def _boxes(self, row: GridRow, weeks: list[int], kind: str) -> list[Flowable]:
        colour = self.theme.primary if kind == "check" else MUTED
        return [
            TickBox(
                self.theme.box_size,
                colour,
                f"{row.key}.w{week}.s{n}" if self.fillable else None,
                kind,
                self._tooltip(row, week, n) if self.fillable else "",
            )
            for week in weeks
            for n in range(1, self.sessions + 1)
        ]

    def _tooltip(self, row: GridRow, week: int, session: int) -> str:
        """What a box is for, as a screen reader says it: "Bent-knee calf raise, week 2,
        session 1, left"; "Pain during (0–10), week 2, session 1"."""
        what = row.label
        if row.kind == "tick":
            what = next(e.name for e in self.handout.exercises if e.id == row.exercise)
        side = {"L": ", left", "R": ", right"}.get(row.label, "") if row.kind == "tick" else ""
        return f"{what}, week {week}, session {session}{side}"

    def _target(self, exercise_id: str | None, week: int) -> str:
        phase = self.handout.phase_for(week)
        row = next((r for r in phase.rows if r.exercise.id == exercise_id), None)
        return target(row) if row else "–"

    def table(self, rows: list[GridRow], weeks: list[int]) -> Table:
        data, style = self.header_rows(weeks)
        heights = [self.geo.header_height * 0.55, self.geo.header_height * 0.45]
        group_start = None
        for row in rows:
            index = len(data)
            cells, row_style = self.row(row, weeks, index)
            data.append(cells)
            style += row_style
            if row.kind == "target":
                group_start = index
                style.append(("LINEABOVE", (0, index), (-1, index), 0.8, self.theme.primary))
            elif row.kind != "tick":
                group_start = None
                style.append(("LINEABOVE", (0, index), (-1, index), 0.4, MUTED))
            if row.kind == "tick" and group_start is not None:
                style.append(("SPAN", (0, group_start), (0, index)))
        heights += self.heights(rows)
        widths = [self.geo.label_width, self.geo.side_width]
        widths += [self.geo.cell_width] * (len(weeks) * self.sessions)
        style += self._base_style(weeks)
        table = Table(data, colWidths=widths, rowHeights=heights, style=TableStyle(style))
        return data_table(table, header_rows=2)  # week numbers, then session numbers

    def _base_style(self, weeks: list[int]) -> list:
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.theme.fonts.main.regular),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 1), (-1, 1), 1.0, self.theme.primary),
        ]
        for i in range(len(weeks)):  # a rule between weeks makes columns easy to follow
            col = self._week_col(i)
            style.append(("LINEBEFORE", (col, 0), (col, -1), 0.8, self.theme.primary))
            if not self.theme.ink_saver and i % 2 == 0:
                style.append(
                    ("BACKGROUND", (col, 0), (col + self.sessions - 1, -1), self.theme.wash)
                )
        return style


class _NotesField(Flowable):
    """A week's notes: several lines, no length limit; the viewer sizes the text to fit."""

    def __init__(self, name: str, width: float, height: float, tooltip: str):
        super().__init__()
        self.name, self.width, self.height, self.tooltip = name, width, height, tooltip

    def draw(self) -> None:
        self.canv.acroForm.textfield(
            name=self.name,
            tooltip=self.tooltip,
            x=0,
            y=0,
            width=self.width,
            height=self.height,
            borderWidth=0,
            borderColor=None,
            fillColor=None,
            fontSize=0,
            fieldFlags="multiline",
            maxlen=None,
            relative=True,
        )


HOW_TO = (
    "Tick a box after each session. Each exercise shows its level (L1, L2 and so on) and "
    "its dose for that week. "
    "Rate your pain from 0 (none) to 10 (worst) during exercise and the next morning."
)
SEE_FIRST_PAGE = "As on the first page of the tracking sheet."
RULE_STEP = 1.0  # points: the pain rule's text shrinks by this much at a time


def _sidebar(
    theme: Theme, handout: Handout, width: float, first: bool, rule: ParagraphStyle | None
) -> list[Flowable]:
    """Title, how-to and the pain rule in ``rule``'s style; None: a line pointing to page one."""
    story: list[Flowable] = [
        role(para(theme, "Tracking sheet" if first else "Tracking sheet (continued)", "h2"), "H1"),
        para(theme, HOW_TO, "small"),
    ]
    text = Para(theme.fonts.markup(handout.pain_rule, "pain rule"), rule) if rule else None
    body = text or para(theme, SEE_FIRST_PAGE, "callout")
    story.append(
        box(
            theme,
            [role(para(theme, "Pain rule", "h3"), "H2"), body],
            width,
            accent=True,
            padding=3 * mm,
        )
    )
    return story


def _rule_styles(theme: Theme) -> list[ParagraphStyle]:
    """The pain rule's styles, largest first: body size, then a point smaller at a time
    down to the small text size, so a long rule still fits beside the grid."""
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


@dataclass(frozen=True)
class Sidebar:
    """How the sidebar prints: the pain rule's style on page one; whether later pages repeat it."""

    rule: ParagraphStyle
    repeat: bool


def _plan_sidebar(theme: Theme, handout: Handout, width: float, height: float) -> Sidebar:
    """The largest pain rule that fits beside the grid; repeated only at its full size.

    A rule shrunk to fit page one would crowd every later page: they point back instead.
    """
    for rule in _rule_styles(theme):
        if _height(_sidebar(theme, handout, width, True, rule), width) <= height:
            break
    else:
        raise RenderError(_rule_too_long(theme, handout, width, height, rule))
    repeat = rule is theme["callout"] and (
        _height(_sidebar(theme, handout, width, False, rule), width) <= height
    )
    return Sidebar(rule, repeat)


def _rule_too_long(
    theme: Theme, handout: Handout, width: float, height: float, rule: ParagraphStyle
) -> str:
    """The error for a pain rule too long even in small text, with the words that would fit."""
    words = handout.pain_rule.split()

    def fits(count: int) -> bool:
        short = replace(handout, pain_rule=" ".join(words[:count]))
        return _height(_sidebar(theme, short, width, True, rule), width) <= height

    low, high = 0, len(words)  # fits(low) holds, fits(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    where = " in large print" if theme.large_print else ""
    return (
        f"programme {handout.id}: pain_rule is too long to print beside the tracking sheet"
        f"{where} ({len(words)} words); keep it to about {low} words"
    )


def tracking_grid(theme: Theme, handout: Handout) -> list[Flowable]:
    if not handout.exercises:
        return []
    geo = _geometry(theme, handout.sessions_per_week)
    builder = _GridBuilder(theme, handout, geo)
    groups, closing = _exercise_rows(handout), _closing_rows(handout)
    pages = [
        (weeks, rows)
        for weeks in _week_chunks(handout, theme, geo)
        for rows in _row_chunks(
            groups, closing, theme.frame_height(True), geo.header_height, builder.heights
        )
    ]
    side_width = geo.sidebar_width - 3 * mm
    plan = _plan_sidebar(theme, handout, side_width, theme.frame_height(True))
    story: list[Flowable] = [NextPageTemplate(LANDSCAPE), PageBreak()]
    for number, (weeks, rows) in enumerate(pages):
        grid = builder.table(rows, weeks)
        grid_width = theme.frame_width(True) - geo.sidebar_width - geo.gap
        rule = plan.rule if number == 0 or plan.repeat else None
        side = _sidebar(theme, handout, side_width, number == 0, rule)
        layout = Table(
            [[grid, side]],
            colWidths=[grid_width, geo.sidebar_width + geo.gap],
            style=styled(
                theme,
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("LEFTPADDING", (1, 0), (1, 0), geo.gap),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ],
            ),
        )
        if number == 0:
            mark(layout, outline=("Tracking sheet", 0), source="the tracking sheet")
        story += [layout] + ([PageBreak()] if number < len(pages) - 1 else [])
    return story


def back_to_portrait() -> list[Flowable]:
    return [NextPageTemplate(PORTRAIT), PageBreak()]
