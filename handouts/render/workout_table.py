"""The workout table: one row per exercise, grouped by blocks of weeks, and its progression note."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import product

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table

from handouts.compose import Handout, Row
from handouts.content.models import Level
from handouts.render.blocks import box, heading, keep_units, line_count, para, styled
from handouts.render.dates import weeks_dates
from handouts.render.figures.placement import thumbnail_slot, with_thumbnail
from handouts.render.pages import break_unless_room, stacked_height
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table
from handouts.render.theme import MUTED, SMALL_PAPER, WHITE, Theme

TABLE_COLUMNS = ("Exercise", "Position", "Sets", "Reps", "Tempo", "Rest", "Load")
TABLE_WEIGHTS = (22, 17, 6, 11, 18, 8, 18)  # relative column widths
TABLE_PAD = 1.2 * mm  # left and right padding of the workout table's cells
POSITION = TABLE_COLUMNS.index("Position")
NOT_NBSP = re.compile(r"[^\S\u00a0]+")  # the spaces a line may break at: not a no-break one
DOSE_COLUMNS = tuple(range(POSITION + 1, len(TABLE_COLUMNS)))  # Sets to Load


def dose_cells(dose: Level) -> list[str]:
    """The workout table's dose cells, each number kept with its unit."""
    cells = [str(dose.sets), dose.reps, dose.tempo or "–", dose.rest or "–", dose.load or "–"]
    return [keep_units(cell) for cell in cells]


def level_line(theme: Theme, dose: Level, where: str) -> Paragraph:
    """ "Level 2: Single-leg, bodyweight · Move up when…": the level and its notes."""
    markup = theme.fonts.markup
    text = f"<b>Level {dose.level}:</b> {markup(dose.label, where)}"
    if dose.notes:
        text += f" · {markup(dose.notes, where)}"
    return Para(text, theme["note"])


def _word_width(text: str, font: str, size: float) -> float:
    """Width of the widest word (no-break spaces join words) plus the cell's padding."""
    words = NOT_NBSP.split(text)  # a no-break space joins its words
    widest = max(stringWidth(word, font, size) for word in words)
    return widest + 2 * TABLE_PAD + 0.1  # to spare: a word exactly as wide still breaks


def _needed(
    theme: Theme, rows: Sequence[Sequence[str]], lead: float, columns: Sequence[int]
) -> tuple[list[float], list[float]]:
    """Each column's least width for its heading's words, and for all its words."""
    head, cell = theme["cell_head"], theme["cell"]
    heads = [_word_width(TABLE_COLUMNS[i], head.fontName, head.fontSize) for i in columns]
    body = [
        max([heads[n], *(_word_width(row[i], cell.fontName, cell.fontSize) for row in rows)])
        for n, i in enumerate(columns)
    ]
    if lead and columns[0] == 0:  # the name prints in bold after the picture
        bold = theme.fonts.main.bold
        names = (_word_width(row[0], bold, cell.fontSize) for row in rows)
        body[0] = max([heads[0], *names]) + lead
    return heads, body


def stacked(theme: Theme) -> bool:
    """On small paper (A5, half letter) each exercise's name, level and position print on a
    line of their own, its dose under them in five columns: seven columns across 12 cm
    break words mid-word ("Bodyweig" / "ht") and make rows 6 cm tall."""
    return theme.paper[0] < SMALL_PAPER


def table_widths(
    theme: Theme,
    width: float,
    rows: Sequence[Sequence[str]] = (),
    lead: float = 0.0,
    columns: Sequence[int] | None = None,
) -> list[float]:
    """Widths of ``columns`` (default: all) by TABLE_WEIGHTS, none narrower than its longest
    word.

    A word wider than its column is broken mid-word ("Set" / "s" in large print, "As nee" /
    "ded" in a Rest column): such a column gets the word's width and the others share what
    is left by weight. ``rows`` are the body's texts (one per column of TABLE_COLUMNS);
    their words count only while all of them fit across, the headings' always. ``lead``:
    room the first column keeps before its words (the exercise's picture).
    """
    columns = tuple(range(len(TABLE_COLUMNS))) if columns is None else tuple(columns)
    weights = [TABLE_WEIGHTS[i] for i in columns]
    needs, body = _needed(theme, rows, lead, columns)
    if sum(body) <= width:
        needs = body
    elif needs[0] + sum(body[1:]) <= width:  # the doses' words whole; the widest column wraps
        needs = [needs[0], *body[1:]]
    fixed: dict[int, float] = {}
    while True:
        free = width - sum(fixed.values())
        total = sum(w for i, w in enumerate(weights) if i not in fixed)
        widths = [fixed.get(i, free * w / total) for i, w in enumerate(weights)]
        narrow = {i: needs[i] for i, w in enumerate(widths) if w < needs[i]}
        if not narrow:
            break
        fixed.update(narrow)
    if not rows:
        return widths
    cells = _Cells(theme, rows, lead, columns)
    return min([widths, *cells.capped(width, weights, needs)], key=cells.lines)


class _Cells:
    """The body's cells as word widths, to count the lines a set of column widths gives.

    A row is as tall as its tallest cell: three lines of "Dumbbell or kettlebell on the
    knees" in a narrow Load column made the row a third taller while the Sets column,
    beside it, held one short word.
    """

    def __init__(
        self, theme: Theme, rows: Sequence[Sequence[str]], lead: float, columns: Sequence[int]
    ):
        cell = theme["cell"]
        self.space = stringWidth(" ", cell.fontName, cell.fontSize)
        self.pads = [2 * TABLE_PAD + (lead if i == 0 else 0.0) + 0.1 for i in columns]
        fonts = [theme.fonts.main.bold if i == 0 else cell.fontName for i in columns]
        self.words = [
            [
                [stringWidth(word, font, cell.fontSize) for word in NOT_NBSP.split(row[i])]
                for i, font in zip(columns, fonts, strict=True)
            ]
            for row in rows
        ]

    def _count(self, words: list[float], width: float) -> int:
        return line_count(words, self.space, width)

    def lines(self, widths: Sequence[float]) -> int:
        """The body's lines, row by row its tallest cell's, at these column widths."""
        text = [w - pad for w, pad in zip(widths, self.pads, strict=True)]
        return sum(
            max(self._count(words, width) for words, width in zip(row, text, strict=True))
            for row in self.words
        )

    def _least(self, column: int, cap: int) -> float:
        """The narrowest width at which every cell of ``column`` takes at most ``cap`` lines."""
        least = 0.0
        for row in self.words:
            words = row[column]
            low, high = max(words), sum(words) + self.space * len(words)
            while high - low > 0.5:
                middle = (low + high) / 2
                low, high = (middle, high) if self._count(words, middle) > cap else (low, middle)
            least = max(least, high)
        return least + self.pads[column]

    def capped(self, width: float, weights: Sequence[float], needs: Sequence[float]) -> list:
        """The widths, among those holding each column's cells to one, two or three lines,
        that give the fewest lines within ``width``, the room over shared by the weights
        (in a list: none when no such widths fit)."""
        options = []  # each column's: (width, its cells' lines at that width)
        for i, need in enumerate(needs):
            widths = {max(self._least(i, cap), need) for cap in (1, 2, 3)}
            options.append(
                [
                    (w, [self._count(row[i], w - self.pads[i]) for row in self.words])
                    for w in sorted(widths)
                ]
            )
        best: tuple[int, float, tuple] | None = None
        for choice in product(*options):
            used = sum(w for w, _ in choice)
            if used > width:
                continue
            lines = sum(max(column[r] for _, column in choice) for r in range(len(self.words)))
            if best is None or (lines, used) < best[:2]:
                best = (lines, used, choice)
        if best is None:
            return []
        spare, total = width - best[1], sum(weights)
        return [
            [w + spare * weight / total for (w, _), weight in zip(best[2], weights, strict=True)]
        ]


def _body_texts(handout: Handout) -> list[list[str]]:
    """Each workout-table row's texts as its cells print them (the name column in plain)."""
    return [
        [row.exercise.name, row.exercise.position, *dose_cells(row.dose)]
        for phase in handout.phases
        for row in phase.rows
    ]


class WorkoutTable(Table):
    """The workout table: a block of weeks split over two pages repeats its label on the second.

    Without it the rows at the top of the next page read as if they had no weeks at all.
    """

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> list:  # noqa: N802, N803
        parts = super()._splitRows(availHeight, doInRowSplit)
        if len(parts) != 2:
            return parts
        first_after = len(parts[0]._cellvalues)  # the row the second part starts with
        label = max((i for i in range(first_after) if self._is_phase(i)), default=0)
        # The column headings, and the label of the block the next page goes on with. A
        # part that is itself continued repeats its own label: not where a block ends.
        repeats = (0,) if not label or self._is_phase(first_after) else (0, label)
        header = self.repeatRows
        if repeats == (tuple(range(header)) if isinstance(header, int) else tuple(header)):
            return parts
        self.repeatRows = repeats
        try:
            return super()._splitRows(availHeight, doInRowSplit)
        finally:
            self.repeatRows = header

    def _is_phase(self, row: int) -> bool:
        cell = self._cellvalues[row][0]  # reportlab holds a flowable cell as a tuple of one
        first = cell[0] if isinstance(cell, (list, tuple)) and cell else cell
        return getattr(getattr(first, "style", None), "name", "") == "phase"


def _exercise_rows(theme: Theme, row: Row, narrow: bool, blank: list[str]) -> list[list]:
    """An exercise's rows: its name, position and dose on one row, or (``narrow``) the name
    and position on a full-width line with the dose under it; then the level and its notes
    on a full-width line (in the name's narrow column the label took three lines)."""
    where = f"exercise {row.exercise.id}"
    markup = theme.fonts.markup
    name = f"<b>{markup(row.exercise.name, where, 'bold')}</b>"
    if narrow:  # the position under the name, on the name's full-width line
        name += f"<br/>{markup(row.exercise.position, where)}"
    named = with_thumbnail(theme, row.exercise, row.dose.level, Para(name, theme["cell"]))
    doses = [para(theme, text, "cell", where) for text in dose_cells(row.dose)]
    if narrow:
        rows = [[named, *blank], doses]
    else:
        rows = [[named, para(theme, row.exercise.position, "cell", where), *doses]]
    rows.append([level_line(theme, row.dose, where), *blank])
    return rows


def _keep_rows(
    label: int, groups: list[tuple[int, int]], heights: Sequence[float], room: float
) -> list[tuple]:
    """NOSPLIT ranges for one block of weeks: an exercise's row and its notes stay together;
    a block split over two pages keeps at least two exercises on each (a 4/1 split leaves
    one row to read without the rest), and its label never ends a page. ``heights``: the
    rows' heights; a range taller than ``room`` (large print on A5) is not kept whole."""
    keep = [("NOSPLIT", (0, first), (-1, last)) for first, last in groups]
    wanted = []
    if groups:
        wanted.append((label, groups[min(1, len(groups) - 1)][1]))
    if len(groups) >= 2:
        wanted.append((groups[-2][0], groups[-1][1]))
    start, end = 0, -1  # the rows kept together so far: overlapping ranges join them
    for first, last in wanted:
        joined = start if first <= end else first  # a block of three exercises: all of it
        if sum(heights[joined : last + 1]) <= room:
            keep.append(("NOSPLIT", (0, first), (-1, last)))
            start, end = joined, last
    return keep


def workout_table(theme: Theme, handout: Handout) -> list[Flowable]:
    pictured = any(thumbnail_slot(theme, e) for e in handout.exercises)
    lead = thumbnail_slot(theme) if pictured else 0.0
    texts, narrow = _body_texts(handout), stacked(theme)
    columns = DOSE_COLUMNS if narrow else tuple(range(len(TABLE_COLUMNS)))
    widths = table_widths(theme, theme.frame_width(), texts, lead, columns)
    blank = [""] * (len(columns) - 1)  # the cells a full-width row spans
    head = [para(theme, TABLE_COLUMNS[i], "cell_head") for i in columns]
    rows: list[list] = [head]
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, theme.wash if not theme.ink_saver else MUTED),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), TABLE_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), TABLE_PAD),
    ]
    style += (
        [("LINEBELOW", (0, 0), (-1, 0), 1.2, theme.line)]
        if theme.ink_saver
        else [("BACKGROUND", (0, 0), (-1, 0), theme.primary)]
    )
    blocks = []  # each block of weeks: its label's row, its exercises' (first, last) rows
    for phase in handout.phases:
        dates = weeks_dates(handout, *phase.weeks)
        title = " · ".join(part for part in (phase.label, dates, phase.title) if part)
        rows.append([para(theme, title, "phase", "phase title"), *blank])
        index = len(rows) - 1
        style += [
            ("SPAN", (0, index), (-1, index)),
            ("LINEBELOW", (0, index), (-1, index), 0.8, theme.line),
        ]
        label, groups = index, []  # each exercise's rows: (first, last)
        if not theme.ink_saver:
            style.append(("BACKGROUND", (0, index), (-1, index), theme.wash))
        for row in phase.rows:
            first = len(rows)
            rows += _exercise_rows(theme, row, narrow, blank)
            for index in range(first + 1, len(rows)):  # its lines below: one with the first
                style += [
                    ("TOPPADDING", (0, index), (-1, index), 0),
                    ("LINEBELOW", (0, index - 1), (-1, index - 1), 0, WHITE),
                ]
            spans = [first] if narrow else []  # the name's line
            spans.append(len(rows) - 1)  # the level and its notes
            style += [("SPAN", (0, index), (-1, index)) for index in spans]
            groups.append((first, len(rows) - 1))
        blocks.append((label, groups))
    # Rows' heights, for what may be kept together on a page: all but the column headings.
    measured = Table(rows, colWidths=widths, style=styled(theme, style))
    measured.wrap(theme.frame_width(), 1e6)
    heights = measured._rowHeights
    # Under the column headings and a block's label, which a continued page repeats.
    room = theme.frame_height() - heights[0] - max(heights[label] for label, _ in blocks)
    for label, groups in blocks:
        style += _keep_rows(label, groups, heights, room)
    # The gap below is space after, which a frame drops at the foot of a page; a Spacer
    # there would go on to the next page, and before the page break of the cards leave
    # it empty (large print on letter paper).
    table = WorkoutTable(
        rows, colWidths=widths, repeatRows=1, style=styled(theme, style), spaceAfter=4 * mm
    )
    data_table(table, header_rows=1)
    title = heading(theme, "Your programme", source="the workout table")
    title.keepWithNext = 0  # the table may start here and split; the break above it keeps
    opening = [title, *progression_note(theme, handout)]
    # The heading and its note start a page unless the table's first rows fit under them
    # (its headings, the first block's label and the rows kept with it): never alone.
    label, groups = blocks[0]
    last = groups[min(1, len(groups) - 1)][1] if groups else label
    first_rows = heights[0] + sum(heights[label : last + 1])
    needed = stacked_height(opening, theme.frame_width()) + first_rows + 2 * mm
    return [break_unless_room(min(needed, theme.frame_height())), *opening, table]


def progression_note(theme: Theme, handout: Handout) -> list[Flowable]:
    """When to move on to the next block of weeks (none with a single block)."""
    if len(handout.phases) < 2:
        return []
    text = (
        "Move on to the next block of weeks only when every set feels controlled and your "
        "pain stays within the rule on the tracking sheet. If not, stay on the level you are "
        f"on and ask your {handout.brand.roles.clinician}."
    )
    note = box(theme, [para(theme, text, "callout")], theme.frame_width())
    note.spaceAfter = 4 * mm  # not a Spacer: see workout_table
    return [note]
