"""The tracking sheet's measures: column widths, row heights, and how many weeks a page holds."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from handouts.compose import Handout
from handouts.errors import RenderError
from handouts.render.figures.placement import side_figure_width
from handouts.render.grid_rows import sided_figures
from handouts.render.theme import Theme

BOX_GAP = 1.2 * mm  # between neighbouring boxes


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


def measure(theme: Theme, handout: Handout) -> tuple[Geometry, int]:
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
    widths = sided_figures(handout) and _with_side_figures(
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


def week_chunks(handout: Handout, per_page: int) -> list[list[int]]:
    weeks = list(range(1, handout.weeks + 1))
    return [weeks[i : i + per_page] for i in range(0, len(weeks), per_page)]
