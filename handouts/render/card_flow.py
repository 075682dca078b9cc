"""The exercise cards in the page flow: a heading, then each card kept whole.

The heading goes with the first card; in large print, where the two are taller than a
page, it follows the workout table when there is room, else the first card is fitted
under it on a new page if that keeps the card whole (smaller pictures).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, FrameBreak, KeepTogether, Spacer
from reportlab.platypus.doctemplate import NullActionFlowable

from handouts.compose import Handout
from handouts.render.blocks import heading, para
from handouts.render.cards import CARD_GAP, exercise_card
from handouts.render.document import mark
from handouts.render.pages import stacked_height
from handouts.render.theme import Theme


def exercise_cards(theme: Theme, handout: Handout) -> list[Flowable]:
    """The cards, each kept whole, under a heading kept with the first card."""
    if not handout.exercises:
        return []
    intro = para(
        theme,
        "Each card shows how to do one exercise and the dose for each block of weeks.",
        "body",
    )
    opening = [heading(theme, "Your exercises", source="the exercise cards"), intro]
    first_exercise, *others = handout.exercises
    cards = exercise_card(theme, handout, first_exercise)
    # KeepTogether hands its contents to the frame: the outline mark stays on each card.
    kept = [mark(KeepTogether([card]), source=card._source) for card in cards]
    kept += [
        mark(KeepTogether([card]), source=card._source)
        for exercise in others
        for card in exercise_card(theme, handout, exercise)
    ]
    first = [*opening, cards[0]]
    if stacked_height(first, theme.frame_width()) <= theme.frame_height():
        return [KeepTogether(first), *kept[1:]]  # after the table's end when it fits there
    # Taller than a page together (large print): the heading follows the table where there
    # is room for it, else it starts a page with the first card fitted under it.
    room = theme.frame_height() - stacked_height(
        [*opening, Spacer(1, CARD_GAP)], theme.frame_width()
    )
    fitted = exercise_card(theme, handout, first_exercise, room)  # [] if it cannot be
    # The first part goes in one KeepTogether with the heading; the others each whole.
    under = fitted[:1] + [mark(KeepTogether([card]), source=card._source) for card in fitted[1:]]
    return [Opening(opening, kept[: len(cards)], under), *kept[len(cards) :]]


class Opening(Flowable):
    """The cards' heading and the first card, placed as the page allows: the heading where
    the table ends and the card on the next page; or, with no room left for the heading,
    both on a new page, the card fitted under it where that keeps it whole.
    """

    def __init__(self, opening: list[Flowable], first: list[Flowable], under: list[Flowable]):
        super().__init__()
        self.opening, self.first, self.under = opening, first, under

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0xFFFFFF  # always split: the choice needs the frame

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)
        at_top = bool(frame and frame._atTop)
        needed = stacked_height(self.opening, available_width)
        # A card whole on its page matters more than a heading with a page to itself: the
        # card is fitted under the heading only when that does not cut it (more).
        cut = len(self.under) > len(self.first)
        # The frame places the first part returned at once; an action lets the heading
        # and its intro go as one (KeepTogether), never the heading alone at a page's foot.
        if (needed <= available_height and not at_top) or not self.under or cut:
            return [NullActionFlowable(), KeepTogether(self.opening), *self.first]
        start = NullActionFlowable() if at_top else FrameBreak()
        return [start, KeepTogether([*self.opening, self.under[0]]), *self.under[1:]]

    def draw(self) -> None:  # never drawn: split hands the frame its parts
        pass
