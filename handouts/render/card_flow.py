"""The exercise cards in the page flow: a heading, then each card kept whole, as many to
a page as fit whole.

Each card comes in versions, its pictures from largest to smallest (render/cards.py). A
page takes as many of the next cards as fit it in their shortest versions, then the
largest pictures that still let them all fit: two short cards share a page rather than
each taking most of one.

The heading goes with the first card; in large print, where the two are taller than a
page, the first card is fitted under it on a new page if that keeps the card whole
(smaller pictures), else it starts under the heading where the table ends and continues.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable, FrameBreak, KeepTogether, Spacer, Table
from reportlab.platypus.doctemplate import NullActionFlowable

from handouts.compose import Handout
from handouts.render.blocks import heading
from handouts.render.cards import CARD_GAP, card_versions, exercise_card
from handouts.render.document import mark
from handouts.render.pages import stacked_height
from handouts.render.theme import Theme

# A card in the flow: ("whole", its versions, largest pictures first) or ("parts", the
# cards it continues over, each a page at most).
Item = tuple[str, list[Table]]


def _item(theme: Theme, handout: Handout, exercise) -> Item:  # noqa: ANN001 - Exercise
    if not theme.large_print:  # large print: a card takes most of a page in any version
        versions = card_versions(theme, handout, exercise)
        if versions:
            return "whole", versions
    # Normal print keeps a card's pictures, continued over pages, rather than drop them.
    cards = exercise_card(theme, handout, exercise, pictures=not theme.large_print)
    return ("whole", cards) if len(cards) == 1 else ("parts", cards)


def _kept(card: Table) -> KeepTogether:
    # KeepTogether hands its contents to the frame: the outline mark stays on each card.
    return mark(KeepTogether([card]), source=card._source)


def exercise_cards(theme: Theme, handout: Handout) -> list[Flowable]:
    """The cards, each kept whole, under a heading kept with the first card."""
    if not handout.exercises:
        return []
    # The heading alone: page one's introduction says what the cards are, and the line
    # under it kept the first two cards of the default handout off one page.
    title = "Your exercise" if len(handout.exercises) == 1 else "Your exercises"
    opening = [heading(theme, title, source="the exercise cards")]
    first_exercise, *others = handout.exercises
    items = [_item(theme, handout, exercise) for exercise in handout.exercises]
    kind, cards = items[0]
    first = [*opening, cards[-1]]
    if kind == "whole" and stacked_height(first, theme.frame_width()) <= theme.frame_height():
        return [CardRun(items, opening)]  # after the table's end when it fits there
    # Taller than a page together (large print): the heading goes with the first card, or
    # with its first part where the card continues over pages; never alone at a page's foot.
    gap = stacked_height([*opening, Spacer(1, CARD_GAP)], theme.frame_width())

    def fitted(room: float) -> list[Flowable]:
        """The first card fitted in ``room`` under the heading: whole with smaller pictures,
        else its first part there and the rest continued; [] if not even that."""
        cards = exercise_card(theme, handout, first_exercise, room - gap) if room > gap else []
        return cards[:1] + [_kept(card) for card in cards[1:]]

    rest = [CardRun(items[1:])] if others else []
    # On a page of its own, a whole card takes its largest pictures: its first version.
    first_cards = cards[:1] if kind == "whole" else cards
    opened = Opening(opening, [_kept(card) for card in first_cards], fitted)
    return [opened, *rest]


class CardRun(Flowable):
    """The cards from here on, placed a page at a time: as many whole as fit the room left,
    in the largest pictures that let them (``opening``: the heading, with the first)."""

    def __init__(self, items: list[Item], opening: list[Flowable] | None = None):
        super().__init__()
        self.items, self.opening = items, opening or []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0xFFFFFF  # always split: the choice needs the room left

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        rest = [CardRun(self.items[1:])] if len(self.items) > 1 else []
        kind, cards = self.items[0]
        if kind == "parts":  # a card continued over pages: each part whole on its page
            return [NullActionFlowable(), *(_kept(card) for card in cards), *rest]
        chosen = self._fitting(available_width, available_height)
        if not chosen:
            return []  # on the next page
        for step in range(max(len(versions) for versions in chosen)):
            cards = [versions[min(step, len(versions) - 1)] for versions in chosen]
            if self._height(cards, available_width) <= available_height:
                break
        rest = [CardRun(self.items[len(chosen) :])] if len(self.items) > len(chosen) else []
        placed = [_kept(card) for card in cards]
        if self.opening:  # the heading never stands alone: it goes with the first card
            placed[0] = KeepTogether([*self.opening, cards[0]])
        return [NullActionFlowable(), *placed, *rest]

    def _fitting(self, width: float, height: float) -> list[list[Table]]:
        """The versions of the next cards that fit ``height`` together in their shortest."""
        chosen: list[list[Table]] = []
        for kind, versions in self.items:
            if kind != "whole":
                break
            shortest = [each[-1] for each in [*chosen, versions]]
            if self._height(shortest, width) > height:
                break
            chosen.append(versions)
        return chosen

    def _height(self, cards: list[Table], width: float) -> float:
        return stacked_height([*self.opening, *cards], width)

    def draw(self) -> None:  # never drawn: split hands the frame its parts
        pass


class Opening(Flowable):
    """The cards' heading and the first card, placed as the page allows: the heading never
    alone at a page's foot. A card that fits whole under the heading on a new page goes
    there; one that continues over pages anyway starts under the heading where the table
    ends, when its first part fits there.
    """

    def __init__(
        self,
        opening: list[Flowable],
        first: list[Flowable],
        fitted: Callable[[float], list[Flowable]],
    ):
        super().__init__()
        self.opening, self.first, self.fitted = opening, first, fitted

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0xFFFFFF  # always split: the choice needs the frame

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)
        at_top = bool(frame and frame._atTop)
        page = frame._aH if frame else available_height  # a new page's room
        under = self.fitted(page)  # under the heading at the top of a page
        if not at_top and len(under) != 1 and (here := self.fitted(available_height)):
            under, start = here, NullActionFlowable()  # continued anyway: from here
        else:
            start = NullActionFlowable() if at_top else FrameBreak()
        if not under:  # too tall even for a page under the heading: the card on its own
            return [NullActionFlowable(), KeepTogether(self.opening), *self.first]
        # The frame places the first part returned at once; an action lets the heading
        # and the card's first part go as one (KeepTogether).
        return [start, KeepTogether([*self.opening, under[0]]), *under[1:]]

    def draw(self) -> None:  # never drawn: split hands the frame its parts
        pass
