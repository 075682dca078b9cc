"""Exercise cards: one bordered card per exercise, on one page unless taller than a page."""

from __future__ import annotations

import re

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    Spacer,
    Table,
)

from handouts.compose import Handout, Row
from handouts.content.models import Exercise
from handouts.errors import RenderError
from handouts.render.blocks import box, keep_units, lower_first, para, styled
from handouts.render.card_pictures import SIDE_WIDTH, beside_steps, side_column
from handouts.render.document import mark
from handouts.render.figures.placement import card_figures
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table
from handouts.render.theme import MUTED, Theme

# A card's pictures, tried in turn until it fits a page: (size, beside the steps). Beside
# the steps is shorter in normal print; in large print the steps need the width.
FIGURE_LAYOUTS = ((1.0, True), (1.0, False), (0.75, True), (0.75, False), (0.5, True))
FIGURE_LAYOUTS += ((0.5, False), (0.0, False))  # no pictures at the last
CARD_GAP = 6 * mm
# An equipment item ending "(level 2)" or "(from level 2)" is needed from that level on.
FROM_LEVEL = re.compile(r"\((?:from )?level (\d+)\)\s*$", re.IGNORECASE)


def dose_line(row: Row) -> str:
    dose = row.dose
    parts = [f"{dose.sets} × {dose.reps}"]
    parts += [dose.tempo] if dose.tempo else []
    if dose.rest and dose.rest.lower() != "none":
        parts.append(f"rest {lower_first(dose.rest)}")
    parts += [dose.load] if dose.load else []
    return " · ".join(parts)


def equipment_needed(exercise: Exercise, levels: set[int]) -> list[str]:
    """The exercise's equipment, less items only needed at levels above those in use."""
    needed = []
    for item in exercise.equipment:
        from_level = FROM_LEVEL.search(item)
        if from_level is None or not levels or int(from_level[1]) <= max(levels):
            needed.append(item)
    return needed


def _schedule(handout: Handout, exercise: Exercise) -> list[tuple[str, Row]]:
    """(weeks label, row) for each phase using the exercise, merging repeats."""
    lines: list[tuple[str, Row]] = []
    for phase in handout.phases:
        for row in phase.rows:
            if row.exercise.id != exercise.id:
                continue
            if lines and lines[-1][1].dose == row.dose:
                first = lines[-1][0].split("–")[0].removeprefix("Weeks ").removeprefix("Week ")
                lines[-1] = (f"Weeks {first}–{phase.weeks[1]}", row)
            else:
                lines.append((phase.label, row))
    return lines


def _bullets(theme: Theme, items: list[str], where: str, numbered: bool = False) -> ListFlowable:
    style = theme["bullet"]
    return ListFlowable(
        [ListItem(para(theme, text, "bullet", where)) for text in items],
        bulletType="1" if numbered else "bullet",
        start=None if numbered else "•",
        bulletFontName=theme.fonts.main.bold if numbered else theme.fonts.main.regular,
        bulletFontSize=style.fontSize,
        bulletColor=theme.primary_text,  # step numbers are text
        leftIndent=style.fontSize * 1.5,
        bulletDedent=style.fontSize * 1.3,
        spaceBefore=0,
    )


def _labelled(theme: Theme, label: str, body: Flowable) -> list[Flowable]:
    return [para(theme, label, "h3"), body]


def _dose_table(theme: Theme, handout: Handout, exercise: Exercise, width: float) -> Table:
    """Weeks | level | dose, one row per block of weeks (level notes are in the workout table)."""
    where = f"exercise {exercise.id}"
    rows = []
    for weeks, row in _schedule(handout, exercise):
        dose = dose_line(row) + (" · each side" if row.dose.per_side else "")
        level = f"Level {row.dose.level}: {row.dose.label}"
        rows.append(
            [
                para(theme, weeks, "cell_bold"),
                para(theme, level, "cell", where),
                para(theme, keep_units(dose), "cell", where),
            ]
        )
    weeks_w = 26 * mm if theme.large_print else 21 * mm
    rest = width - weeks_w
    table = Table(
        rows,
        colWidths=[weeks_w, rest * 0.42, rest * 0.58],
        style=styled(
            theme,
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0.8 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, MUTED),
            ],
        ),
        spaceAfter=2 * mm,
    )
    return data_table(table, header_rows=0)  # weeks, level, dose: one row per block of weeks


def _tips_and_mistakes(
    theme: Theme, exercise: Exercise, where: str, width: float
) -> list[Flowable]:
    """Tips and common mistakes side by side: the card stays short enough to share a page."""
    columns = []
    if exercise.cues:
        columns.append(_labelled(theme, "Tips", _bullets(theme, exercise.cues, where)))
    if exercise.mistakes:
        columns.append(
            _labelled(theme, "Common mistakes", _bullets(theme, exercise.mistakes, where))
        )
    if len(columns) < 2:
        return columns[0] if columns else []
    gap = 5 * mm
    return [
        Table(
            [columns],
            colWidths=[(width - gap) / 2 + gap, (width - gap) / 2],
            style=styled(
                theme,
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, 0), gap),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ],
            ),
            # A cell drops its first heading's space before: the table keeps it, or "Tips"
            # sits tight under the last step while "How to do it" has room above it.
            spaceBefore=theme["h3"].spaceBefore,
        )
    ]


def _main_column(
    theme: Theme,
    handout: Handout,
    exercise: Exercise,
    width: float,
    figure_scale: float = 1.0,
    beside: bool = True,
) -> tuple[list[Flowable], list[Flowable]]:
    """The card's text in two halves: what and how (with the pictures beside the steps);
    then tips, mistakes and the safety note."""
    where = f"exercise {exercise.id}"
    markup = theme.fonts.markup
    how: list[Flowable] = [_dose_table(theme, handout, exercise, width)]
    how.append(para(theme, exercise.summary, "body", where))
    facts = [f"<b>Position:</b> {markup(exercise.position, where)}"]
    levels = {row.dose.level for _, row in _schedule(handout, exercise)}
    if equipment := equipment_needed(exercise, levels):
        # "; ": items may hold commas ("A dumbbell, kettlebell or barbell"); mid-line in lower case
        needs = "; ".join([equipment[0], *map(lower_first, equipment[1:])])
        facts.append(f"<b>You need:</b> {markup(needs, where)}")
    how.append(Para("<br/>".join(facts), theme["body"]))
    steps = _labelled(theme, "How to do it", _bullets(theme, exercise.steps, where, numbered=True))
    figures = []
    if figure_scale and not handout.images.get(exercise.id):  # a clinic's picture wins
        figures = card_figures(theme, exercise, levels, figure_scale)
    if figures and beside:
        how.append(beside_steps(theme, steps, figures, width, figure_scale))
    else:
        how += figures + steps
    tips = _tips_and_mistakes(theme, exercise, where, width)
    safety = Para(f"<b>Safety:</b> {markup(exercise.safety, where)}", theme["callout"])
    tips += [Spacer(1, 2 * mm), box(theme, [safety], width, accent=True, padding=3 * mm)]
    return how, tips


def _card(
    theme: Theme, title: str, main: list[Flowable], side: list[Flowable], where: str
) -> Table:
    width, pad = theme.frame_width(), 4 * mm
    main_width = width - 2 * pad - (SIDE_WIDTH + pad if side else 0)
    heading_cell = para(theme, title, "card_title", where)
    body_row = [main, side] if side else [main]
    widths = [main_width + 2 * pad, SIDE_WIDTH + pad] if side else [width]
    style = [
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 1), (0, 1), pad if not side else 0),
        ("TOPPADDING", (0, 0), (-1, 0), 2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 2 * mm),
        ("TOPPADDING", (0, 1), (-1, 1), 3 * mm),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 3 * mm),
        ("BOX", (0, 0), (-1, -1), 0.8, theme.line),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, theme.line),
        ("BACKGROUND", (0, 0), (-1, 0), theme.wash),
    ]
    return Table(
        [[heading_cell] + ([""] if side else []), body_row],
        colWidths=widths,
        style=styled(theme, style),
    )


def _fits(theme: Theme, card: Table, room: float | None = None) -> bool:
    """Whether ``card`` fits a page (or ``room``, the height left under a heading)."""
    room = room or theme.frame_height()
    return card.wrap(theme.frame_width(), theme.frame_height())[1] <= room


def _parts(how: list[Flowable], tips: list[Flowable]) -> list[list[Flowable]]:
    """The card's text in the pieces a card taller than a page is cut between: what and
    why (with its pictures); how to do it; tips and mistakes; the safety note."""
    # The steps (beside their pictures, or the heading and the steps) end ``how``.
    steps = len(how) - (1 if isinstance(how[-1], Table) else 2)
    return [part for part in (how[:steps], how[steps:], tips[:-2], tips[-2:]) if part]


def _whole(
    theme: Theme,
    exercise: Exercise,
    how: list[Flowable],
    tips: list[Flowable],
    side: list,
    room: float | None = None,
) -> Table | None:
    """The card on one page (in ``room``), or None when it is taller."""
    where = f"exercise {exercise.id}"
    card = _card(theme, exercise.name, how + tips, side, where)
    if not _fits(theme, card, room) and tips[0].getSpaceBefore():
        # Whole on one page matters more than the gap above "Tips": a card that fits only
        # without it drops it rather than split (a continued card starts at "Tips" anyway).
        tips[0].spaceBefore = 0
        card = _card(theme, exercise.name, how + tips, side, where)
    return card if _fits(theme, card, room) else None


def _split(
    theme: Theme,
    handout: Handout,
    exercise: Exercise,
    side: list,
    width: float,
    room: float | None = None,
) -> list[Table]:
    """The card continued over pages, its pictures as large as let each part fit a page
    (the first in ``room``)."""
    for figure_scale, beside in FIGURE_LAYOUTS:
        how, tips = _main_column(theme, handout, exercise, width, figure_scale, beside)
        tips[0].spaceBefore = 0
        parts, where = _parts(how, tips), f"exercise {exercise.id}"
        try:
            return _continued(theme, exercise.name, parts, side, where, room)
        except RenderError:
            if not figure_scale:  # no pictures, and still too tall
                raise
    return []  # not reached: the last scale returns or raises


def exercise_card(
    theme: Theme, handout: Handout, exercise: Exercise, room: float | None = None
) -> list[Table]:
    """One card on one page; a card taller than a page (large print, A5) continues as
    "(continued)" cards, cut between its parts; its pictures shrink before it is split.

    ``room``: the height left under the cards' heading, where the first card starts:
    whole there with smaller pictures, else continued from there; [] if not even that.
    """
    where = f"exercise {exercise.id}"
    pad = 4 * mm
    side = side_column(theme, handout, exercise)
    main_width = theme.frame_width() - 2 * pad - (SIDE_WIDTH + pad if side else 0)
    if room:
        for figure_scale, beside in FIGURE_LAYOUTS[:-1]:  # with pictures
            how, tips = _main_column(theme, handout, exercise, main_width, figure_scale, beside)
            if card := _whole(theme, exercise, how, tips, side, room):
                return _finished([card], where, exercise)
        try:
            return _finished(
                _split(theme, handout, exercise, side, main_width, room), where, exercise
            )
        except RenderError:
            return []
    for figure_scale, beside in FIGURE_LAYOUTS:
        how, tips = _main_column(theme, handout, exercise, main_width, figure_scale, beside)
        if card := _whole(theme, exercise, how, tips, side):
            cards = [card]
            break
    else:
        cards = _split(theme, handout, exercise, side, main_width)
    return _finished(cards, where, exercise)


def _finished(cards: list[Table], where: str, exercise: Exercise) -> list[Table]:
    for card in cards:
        # The gap below is space after, not a Spacer: a frame drops it at the foot of a page,
        # so a card that fits a page alone is never pushed on by its gap (once an empty page).
        mark(card, source=where).spaceAfter = CARD_GAP
    mark(cards[0], outline=(exercise.name, 1))
    return cards


def _continued(
    theme: Theme,
    name: str,
    parts: list[list[Flowable]],
    side: list[Flowable],
    where: str,
    room: float | None = None,
) -> list[Table]:
    """Cards of as many consecutive parts as fit a page each (the first in ``room``); the
    side column on the first.

    A last card that would hold only the safety note takes the part before it along,
    so a page never carries a safety note alone.
    """

    def card(number: int, group: list[int]) -> Table:
        title = name if number == 0 else f"{name} (continued)"
        body = [flowable for index in group for flowable in parts[index]]
        return _card(theme, title, body, side if number == 0 else [], where)

    def fits(number: int, group: list[int]) -> bool:
        return _fits(theme, card(number, group), room if number == 0 else None)

    groups: list[list[int]] = [[]]
    for index in range(len(parts)):
        if groups[-1] and not fits(len(groups) - 1, [*groups[-1], index]):
            groups.append([])
        groups[-1].append(index)
    if len(groups) > 1 and len(groups[-1]) == 1 and len(groups[-2]) > 1:
        moved = [groups[-2][-1], *groups[-1]]
        if fits(len(groups) - 1, moved):
            groups[-2:] = [groups[-2][:-1], moved]
    cards = [card(number, group) for number, group in enumerate(groups)]
    for number, made in enumerate(cards):
        if not _fits(theme, made, room if number == 0 else None):
            height = made.wrap(theme.frame_width(), theme.frame_height())[1]
            raise RenderError(
                f"{where}: its card is too tall for one page "
                f"({height / mm:.0f} mm of {theme.frame_height() / mm:.0f} mm); "
                "shorten its steps, tips or notes"
            )
    return cards
