"""One page of the tracking sheet as a table: week headers and dates, targets, tick boxes."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from handouts.compose import Handout, Row
from handouts.render.blocks import para
from handouts.render.dates import weeks_dates
from handouts.render.figures.placement import with_side_figure, with_thumbnail_below
from handouts.render.grid_geometry import BOX_GAP, TRACKER_THUMB, Geometry
from handouts.render.grid_rows import GridRow, first_row, target
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table
from handouts.render.theme import MUTED, Theme
from handouts.render.tick_box import TickBox

UNSCHEDULED = colors.Color(0.86, 0.86, 0.86)  # a week an exercise is not done: shaded


class TrackingGrid(Table):
    """One page's grid of tick boxes (a class of its own, so it can be found in a story)."""


FIRST = 2  # the first session column: 0 holds the exercise name, 1 holds L/R


class GridBuilder:
    """Builds the tracking sheet's pages as tables, its rows sized by the page's room."""

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
            first = first_row(self.handout, row.exercise)
            level = first.dose.level
            return with_thumbnail_below(self.theme, first.exercise, level, name, TRACKER_THUMB)
        if row.kind == "tick":
            letter = para(self.theme, row.side, "cell_bold")
            if not row.side or not self.geo.side_figures:
                return letter
            first = first_row(self.handout, row.exercise)
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
