"""Exercise cards: one bordered card per exercise, whole on a page unless taller than one;
made with its pictures at several sizes, so the page flow can fit two on a page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from handouts.compose import Handout
from handouts.content.models import Exercise
from handouts.errors import RenderError
from handouts.render.blocks import para, styled
from handouts.render.card_body import card_body, tips_share
from handouts.render.card_pictures import SIDE_WIDTH, picture_height, side_column
from handouts.render.document import mark
from handouts.render.theme import Theme

# Large print, and a card continued over pages: its pictures, tried in turn until it fits
# a page: (size, beside the steps). In large print the steps need the width.
FIGURE_LAYOUTS = ((1.0, True), (1.0, False), (0.75, True), (0.75, False), (0.5, True))
FIGURE_LAYOUTS += ((0.5, False), (0.0, False))  # no pictures at the last
# Normal print: (size, beside, share of the width, arrangement) of a card's pictures, each
# card made in all of them; the page flow takes the largest pictures that fit. Smaller
# pictures in a narrower column leave the text more width; ARRANGEMENTS says what text
# the pictures' column sits beside, so that neither column leaves blank paper.
COMPACT_LAYOUTS = (
    (1.0, False, 0.0, "steps"),
    (1.0, True, 0.55, "steps"),
    (1.0, True, 0.45, "about"),
    (1.0, True, 0.35, "float"),
    (1.0, True, 0.25, "about"),
    (0.85, True, 0.35, "float"),
    (0.85, True, 0.25, "about"),
    (0.7, True, 0.45, "float"),
    (0.7, True, 0.4, "steps"),
    (0.6, True, 0.4, "under"),
    (0.5, True, 0.55, "float"),
    (0.5, True, 0.3, "float"),
    (0.4, True, 0.3, "float"),
)
MIN_PICTURE = 16  # mm: a figure's height, at least, where it shows how to move
CARD_GAP = 4 * mm


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
        ("TOPPADDING", (0, 0), (-1, 0), 1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 1 * mm),
        ("TOPPADDING", (0, 1), (-1, 1), 1.6 * mm),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 1.6 * mm),
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
        how, tips = card_body(theme, handout, exercise, width, figure_scale, beside)
        tips[0].spaceBefore = 0
        parts, where = _parts(how, tips), f"exercise {exercise.id}"
        try:
            return _continued(theme, exercise.name, parts, side, where, room)
        except RenderError:
            if not figure_scale:  # no pictures, and still too tall
                raise
    return []  # not reached: the last scale returns or raises


def exercise_card(
    theme: Theme,
    handout: Handout,
    exercise: Exercise,
    room: float | None = None,
    pictures: bool = False,
) -> list[Table]:
    """One card on one page; a card taller than a page (large print, A5) continues as
    "(continued)" cards, cut between its parts; its pictures shrink before it is split.

    ``room``: the height left under the cards' heading, where the first card starts:
    whole there with smaller pictures, else continued from there; [] if not even that.
    ``pictures``: continued with its pictures rather than whole without them (normal print).
    """
    where = f"exercise {exercise.id}"
    pad = 4 * mm
    side = side_column(theme, handout, exercise)
    main_width = theme.frame_width() - 2 * pad - (SIDE_WIDTH + pad if side else 0)
    if room:
        for figure_scale, beside in FIGURE_LAYOUTS[:-1]:  # with pictures
            how, tips = card_body(theme, handout, exercise, main_width, figure_scale, beside)
            if card := _whole(theme, exercise, how, tips, side, room):
                return _finished([card], where, exercise)
        try:
            return _finished(
                _split(theme, handout, exercise, side, main_width, room), where, exercise
            )
        except RenderError:
            return []
    for figure_scale, beside in FIGURE_LAYOUTS[:-1] if pictures else FIGURE_LAYOUTS:
        how, tips = card_body(theme, handout, exercise, main_width, figure_scale, beside)
        if card := _whole(theme, exercise, how, tips, side):
            cards = [card]
            break
    else:
        cards = _split(theme, handout, exercise, side, main_width)
    return _finished(cards, where, exercise)


def card_versions(theme: Theme, handout: Handout, exercise: Exercise) -> list[Table]:
    """The card whole on a page in each layout of its pictures, the largest pictures first,
    each version shorter than the one before; [] if no version fits a page (it is split).

    The page flow takes, for the cards that share a page, the largest that fit it.
    """
    pad = 4 * mm
    side = side_column(theme, handout, exercise)
    main_width = theme.frame_width() - 2 * pad - (SIDE_WIDTH + pad if side else 0)
    made = []
    split = tips_share(theme, exercise, main_width)  # the same in every layout
    for figure_scale, beside, share, arrangement in COMPACT_LAYOUTS:
        how, tips = card_body(
            theme, handout, exercise, main_width, figure_scale, beside, share, arrangement, split
        )
        if card := _whole(theme, exercise, how, tips, side):
            height = card.wrap(theme.frame_width(), theme.frame_height())[1]
            pictures = round(picture_height(how, main_width) / mm)  # to the millimetre
            if pictures >= MIN_PICTURE or not pictures:  # none: it has no figure
                made.append((-pictures, height, card))
    versions: list[Table] = []
    shortest = theme.frame_height() + 2
    for _, height, card in sorted(made, key=lambda version: version[:2]):
        if height < shortest - 1:  # shorter by a point at least
            versions.append(card)
            shortest = height
    where = f"exercise {exercise.id}"
    return [_finished([card], where, exercise)[0] for card in versions]


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
