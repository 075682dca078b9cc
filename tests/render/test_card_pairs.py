"""Exercise cards share a page when they fit whole: two short cards print on one page,
and a card alone on its page gets the largest pictures."""

from __future__ import annotations

from handout_pdf import build
from reportlab.lib.units import mm
from test_figures_pages import _pages

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Options, Selection
from handouts.render.card_pictures import picture_height
from handouts.render.cards import card_versions

SHORT = ("band-soleus-press", "wall-soleus-stretch")  # about 130 and 100 mm at their shortest


def card_pages(built) -> dict[str, int]:  # noqa: ANN001 - handout_pdf.Built
    """Each card's page, from its outline entry (level 1, under "Your exercises")."""
    names = {exercise.name for exercise in built.handout.exercises}
    return {title: page for level, title, page in built.outline if title in names and level}


def test_two_short_cards_share_a_page(builder: Builder) -> None:
    built = build(builder, Selection(exercises=[(exercise, None) for exercise in SHORT]))
    pages = card_pages(built)
    assert len(pages) == 2 and len(set(pages.values())) == 1, pages


def test_cards_of_the_default_handout_pair_where_they_fit(default) -> None:  # noqa: ANN001
    """The band press and the wall stretch share a page; no page holds three cards."""
    pages = card_pages(default)
    assert pages["Resistance-band soleus press"] == pages["Wall soleus stretch"], pages
    assert max(list(pages.values()).count(page) for page in pages.values()) == 2


def test_card_versions_run_from_largest_pictures_to_shortest(builder: Builder) -> None:
    handout = builder.compose(Request(Selection(DEFAULT_PROGRAMME), options=Options()))
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    width = theme.frame_width()
    for exercise in handout.exercises:
        versions = card_versions(theme, handout, exercise)
        heights = [card.wrap(width, theme.frame_height())[1] for card in versions]
        assert versions and heights == sorted(heights, reverse=True), exercise.id
        assert heights[0] <= theme.frame_height()
        # every version keeps its pictures, big enough to show the movement
        for card in versions:
            body = card._cellvalues[1][0]
            assert picture_height(body, width) >= 14 * mm, exercise.id


def test_a_card_taller_than_an_a5_page_keeps_its_pictures(builder: Builder) -> None:
    """On A5 a card continues over pages with its pictures rather than fit one page
    without them: each card's "How to do it" page draws its figure."""
    request = Request(Selection(DEFAULT_PROGRAMME), options=Options(paper="a5"))
    handout, pdf = builder.build(request)
    pages = _pages(pdf)
    for exercise in handout.exercises:
        card = [p for p in pages if exercise.name in p[0] and "How to do it" in p[0]]
        assert card and card[0][1], exercise.id


def test_a_card_that_fits_a_page_but_not_under_the_heading_prints_once(builder: Builder) -> None:
    """On A5 the band press fits a page, not a page under "Your exercises": the heading
    goes where the table ends and the card, in one version, on the next page."""
    selection = Selection(exercises=[("band-soleus-press", None)])
    built = build(builder, selection, options=Options(paper="a5"))
    text = " ".join(built.pages)
    assert text.count("How to do it") == 1 and text.count("Safety: Check the band") == 1
    assert len(card_pages(built)) == 1
