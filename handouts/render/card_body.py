"""An exercise card's body: its dose, what and how, its pictures beside the text they
are arranged with, tips and mistakes, and the safety note."""

from __future__ import annotations

import re

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, ListFlowable, ListItem, Spacer, Table

from handouts.compose import Handout
from handouts.content.models import Exercise
from handouts.render.blocks import BARE_CELLS, box, lower_first, para, styled
from handouts.render.card_dose import dose_table, schedule
from handouts.render.card_pictures import (
    FIGURE_SHARE,
    beside_pictures,
    column_height,
    floated,
)
from handouts.render.figures.placement import card_figures
from handouts.render.paragraph import Para
from handouts.render.theme import Theme

# Beside the pictures: the steps ("steps"); the summary and the steps ("about"); the
# steps and the tips, with the mistakes under the pictures ("under"); or the summary and
# the steps flowing round them, on at the full width under them ("float").
ARRANGEMENTS = ("steps", "about", "under", "float")
# Where the tips column ends and the mistakes one starts, as a share of the width: the
# first that makes the taller of the two shortest.
TIPS_SHARES = (0.5, 0.45, 0.55, 0.4, 0.6)
TIPS_GAP = 5 * mm  # between the tips and the mistakes
FACTS_GAP = "&nbsp;&nbsp;&nbsp; "  # between "Position: …" and "You need: …" on one line
# An equipment item ending "(level 2)" or "(from level 2)" is needed from that level on.
FROM_LEVEL = re.compile(r"\((?:from )?level (\d+)\)\s*$", re.IGNORECASE)


def equipment_needed(exercise: Exercise, levels: set[int]) -> list[str]:
    """The exercise's equipment, less items only needed at levels above those in use."""
    needed = []
    for item in exercise.equipment:
        from_level = FROM_LEVEL.search(item)
        if from_level is None or not levels or int(from_level[1]) <= max(levels):
            needed.append(item)
    return needed


def _bullets(theme: Theme, items: list[str], where: str, numbered: bool = False) -> ListFlowable:
    style = theme["card_bullet"]
    return ListFlowable(
        [ListItem(para(theme, text, "card_bullet", where)) for text in items],
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
    return [para(theme, label, "card_h3"), body]


def tips_share(theme: Theme, exercise: Exercise, width: float) -> float:
    """The share of ``width`` the tips take beside the mistakes: the first of TIPS_SHARES
    (even halves) that makes the taller column shortest."""
    where = f"exercise {exercise.id}"
    tips, mistakes = _tips(theme, exercise, where), _mistakes(theme, exercise, where)
    if not (tips and mistakes):
        return TIPS_SHARES[0]

    def longer(share: float) -> float:  # the taller column's height, tips at ``share``
        left = (width - TIPS_GAP) * share
        right = width - TIPS_GAP - left
        return max(column_height(tips, left), column_height(mistakes, right))

    return min(TIPS_SHARES, key=longer)


def _tips_and_mistakes(
    theme: Theme, exercise: Exercise, where: str, width: float, share: float | None = None
) -> list[Flowable]:
    """Tips and common mistakes side by side, split where the two columns come out even
    (``share``: the tips' share, when already found): the card stays short enough to
    share a page."""
    tips, mistakes = _tips(theme, exercise, where), _mistakes(theme, exercise, where)
    if not (tips and mistakes):
        return tips or mistakes
    gap = TIPS_GAP
    share = share or tips_share(theme, exercise, width)
    return [
        Table(
            [[tips, mistakes]],
            colWidths=[(width - gap) * share + gap, (width - gap) * (1 - share)],
            style=styled(
                theme,
                [*BARE_CELLS, ("RIGHTPADDING", (0, 0), (0, 0), gap)],
            ),
            # A cell drops its first heading's space before: the table keeps it, or "Tips"
            # sits tight under the last step while "How to do it" has room above it.
            spaceBefore=theme["card_h3"].spaceBefore,
        )
    ]


def _tips(theme: Theme, exercise: Exercise, where: str) -> list[Flowable]:
    return _labelled(theme, "Tips", _bullets(theme, exercise.cues, where)) if exercise.cues else []


def _mistakes(theme: Theme, exercise: Exercise, where: str) -> list[Flowable]:
    if not exercise.mistakes:
        return []
    return _labelled(theme, "Common mistakes", _bullets(theme, exercise.mistakes, where))


def card_body(
    theme: Theme,
    handout: Handout,
    exercise: Exercise,
    width: float,
    figure_scale: float = 1.0,
    beside: bool = True,
    share: float = FIGURE_SHARE,
    arrangement: str = "steps",
    tips_split: float | None = None,
) -> tuple[list[Flowable], list[Flowable]]:
    """The card's text in two halves: what and how (with the pictures beside the steps);
    then tips, mistakes and the safety note (cut between the two over pages).

    ``arrangement``, with the pictures beside: what the pictures' column sits beside,
    one of ARRANGEMENTS; a short text beside tall pictures, or the reverse, leaves
    blank paper, which the column arranged to come out even takes up. ``tips_split``:
    the tips' share beside the mistakes, when already found (``tips_share``).
    """
    where = f"exercise {exercise.id}"
    markup = theme.fonts.markup
    how: list[Flowable] = [dose_table(theme, handout, exercise, width)]
    about = [para(theme, exercise.summary, "card_body", where)]
    facts = [f"<b>Position:</b> {markup(exercise.position, where)}"]
    levels = {row.dose.level for _, row in schedule(handout, exercise)}
    if equipment := equipment_needed(exercise, levels):
        # "; ": items may hold commas ("A dumbbell, kettlebell or barbell"); mid-line in lower case
        needs = "; ".join([equipment[0], *map(lower_first, equipment[1:])])
        facts.append(f"<b>You need:</b> {markup(needs, where)}")
    # One line when both fit: a card is short enough to share a page.
    about.append(Para(FACTS_GAP.join(facts), theme["card_body"]))
    steps = _labelled(theme, "How to do it", _bullets(theme, exercise.steps, where, numbered=True))
    figures = []
    if figure_scale and not handout.images.get(exercise.id):  # a clinic's picture wins
        figures = card_figures(theme, exercise, levels, figure_scale)
    safety = Para(f"<b>Safety:</b> {markup(exercise.safety, where)}", theme["card_callout"])
    safe = [Spacer(1, 1 * mm), box(theme, [safety], width, accent=True, padding=2 * mm)]
    if not (figures and beside):
        how += [*about, *figures, *steps]
    elif arrangement == "float":
        how.append(floated(theme, [*about, *steps], figures, width, figure_scale * share))
    else:
        text = [*(about if arrangement == "about" else []), *steps]
        under = []
        if arrangement == "under":  # the tips go on under the steps, the mistakes the pictures
            text, under = text + _tips(theme, exercise, where), _mistakes(theme, exercise, where)
        how += [] if arrangement == "about" else about
        # Text under the pictures keeps the column's width; smaller pictures alone take less.
        column = share if arrangement == "under" else figure_scale * share
        how.append(beside_pictures(theme, text, figures, width, column, under))
        if arrangement == "under":
            return how, safe
    return how, [*_tips_and_mistakes(theme, exercise, where, width, tips_split), *safe]
