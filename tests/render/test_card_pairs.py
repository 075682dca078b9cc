"""Exercise cards share a page when they fit whole: two short cards print on one page,
and a card alone on its page gets the largest pictures."""

from __future__ import annotations

import pytest
from handout_pdf import build, norm
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table
from test_figures_pages import _pages

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Options, Selection
from handouts.render.card_body import _tips_and_mistakes, card_body
from handouts.render.card_pictures import column_height, picture_height
from handouts.render.cards import MIN_PICTURE, card_versions

SHORT = ("band-soleus-press", "wall-soleus-stretch")  # about 114 and 92 mm at their shortest
PROGRAMMES = ("soleus-strength-runners", "achilles-eccentric", "home-no-gym", "inner-calf-circuit")
# The tallest card of each built-in programme, in its shortest version on A4 (mm): two
# share a 251 mm frame at 123 mm each. The longest texts (a heel drop with three levels,
# a hip hinge with a band) still take more.
SHORTEST = {
    "soleus-strength-runners": 124,
    "achilles-eccentric": 130,
    "home-no-gym": 115,
    "inner-calf-circuit": 134,
}


def paragraphs_in(flowable: Flowable | list) -> list[Paragraph]:
    """Every paragraph in a card's flowables: in table cells, lists and their items."""
    if isinstance(flowable, Paragraph):
        return [flowable]
    if isinstance(flowable, Table):
        return paragraphs_in([cell for row in flowable._cellvalues for cell in row])
    if isinstance(flowable, list | tuple):
        return [p for part in flowable for p in paragraphs_in(part)]
    inner = [getattr(flowable, name, None) for name in ("_flowables", "_flowable", "_content")]
    return paragraphs_in([part for part in inner if part is not None])


def card_pages(built) -> dict[str, int]:  # noqa: ANN001 - handout_pdf.Built
    """Each card's page, from its outline entry (level 1, under "Your exercises")."""
    names = {exercise.name for exercise in built.handout.exercises}
    return {title: page for level, title, page in built.outline if title in names and level}


def test_two_short_cards_share_a_page(builder: Builder) -> None:
    built = build(builder, Selection(exercises=[(exercise, None) for exercise in SHORT]))
    pages = card_pages(built)
    assert len(pages) == 2 and len(set(pages.values())) == 1, pages


def test_cards_of_the_default_handout_pair_where_they_fit(default) -> None:  # noqa: ANN001
    """The six cards on three pages, two by two in order, the first two under the cards'
    heading: no page holds three cards."""
    pages = card_pages(default)
    names = [exercise.name for exercise in default.handout.exercises]
    assert [pages[name] for name in names[::2]] == [pages[name] for name in names[1::2]], pages
    assert len(set(pages.values())) == 3  # six cards on three pages (six before they paired)
    assert "Your exercises" in default.pages[pages[names[0]] - 1]


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_each_cards_shortest_version_keeps_its_pictures_and_text(
    builder: Builder, programme: str
) -> None:
    """Every card has a version short enough to share an A4 page (or close to it), with
    its pictures at least MIN_PICTURE tall and every line of its text at 10 pt."""
    handout = builder.compose(Request(Selection(programme), options=Options()))
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    width = theme.frame_width()
    for exercise in handout.exercises:
        shortest = card_versions(theme, handout, exercise)[-1]
        height = shortest.wrap(width, theme.frame_height())[1]
        assert height <= SHORTEST[programme] * mm, (exercise.id, height / mm)
        body = shortest._cellvalues[1][0]
        assert picture_height(body, width) >= MIN_PICTURE * mm - 0.5 * mm, exercise.id
        paragraphs = paragraphs_in(body)
        text = " ".join(p.getPlainText() for p in paragraphs)
        for line in [exercise.summary, *exercise.steps, *exercise.cues, *exercise.mistakes]:
            assert norm(line)[:40] in norm(text), (exercise.id, line)
        assert norm(exercise.safety) in norm(text), exercise.id
        assert min(p.style.fontSize for p in paragraphs) >= 10, exercise.id


def test_tips_and_mistakes_split_where_their_columns_come_out_even(builder: Builder) -> None:
    """The band press has short tips and long mistakes: the mistakes get the wider column,
    and the block is shorter than at even halves."""
    handout = builder.compose(Request(Selection(DEFAULT_PROGRAMME), options=Options()))
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    band = next(e for e in handout.exercises if e.id == "band-soleus-press")
    width = theme.frame_width() - 8 * mm
    table = _tips_and_mistakes(theme, band, band.id, width)[0]
    tips, mistakes = table._colWidths
    assert mistakes > tips - 5 * mm  # the gap is in the tips' column
    even = (width - 5 * mm) / 2
    heights = [column_height(cell, even) for cell in table._cellvalues[0]]
    assert table.wrap(width, 1e6)[1] < max(heights) - 1


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
    """On A5 the band press fits a page under "Your exercises" only with smaller pictures:
    the two start a page together, the card in one version."""
    selection = Selection(exercises=[("band-soleus-press", None)])
    built = build(builder, selection, options=Options(paper="a5"))
    text = " ".join(built.pages)
    assert text.count("How to do it") == 1 and text.count("Safety: Check the band") == 1
    assert len(card_pages(built)) == 1


def test_large_print_cards_heading_goes_with_the_first_card(variants, builder: Builder) -> None:  # noqa: ANN001
    """In large print the heading and the first card are taller than a page together: the
    heading goes with the card (or its first part), never alone at the foot of a page."""
    letter = build(
        builder, Selection(DEFAULT_PROGRAMME), options=Options(large_print=True, paper="letter")
    )
    for built in (variants["large-print"], letter):
        first = built.handout.exercises[0].name
        pages = {title: page for _, title, page in built.outline}
        assert pages["Your exercises"] == pages[first], pages
        text = built.pages[pages[first] - 1]
        assert "Weeks 1–2" in text[text.index("Your exercises") :]  # the card's dose under it


def test_text_flows_round_the_pictures_and_on_at_full_width(builder: Builder) -> None:
    """Floated, the band press's summary and first steps sit beside its picture and the
    rest runs on under it at the full width: shorter than the steps kept in a column."""
    handout = builder.compose(Request(Selection(DEFAULT_PROGRAMME), options=Options()))
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    band = next(e for e in handout.exercises if e.id == "band-soleus-press")
    width = theme.frame_width() - 8 * mm

    def text_height(arrangement: str) -> tuple[float, Flowable]:
        how, _ = card_body(theme, handout, band, width, 0.5, True, 0.3, arrangement)
        return column_height(how, width), how[-1]

    floated_height, floated = text_height("float")
    assert floated._C0 and floated._C1  # beside the picture, and under it
    assert floated._C1[-1].wrap(width, 1e6)[0] > width * 0.8  # at the full width
    assert floated_height < text_height("about")[0] - 2 * mm
