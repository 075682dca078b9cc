"""What goes on which page: a small handout's page count, the tracking sheet's own pages,
and what a double-sided print adds before it."""

from __future__ import annotations

import re

from handout_pdf import TABLE_HEADER, build

from handouts.build import Builder
from handouts.compose import Options, Selection
from handouts.content.models import Patient

ONE_OF_EACH = Selection(exercises=[("bent-knee-calf-raise", None)], sections=["what-is-the-soleus"])
TWO_SECTIONS = Selection(
    exercises=[("bent-knee-calf-raise", None)], sections=["what-is-the-soleus", "why-it-matters"]
)
SHORT_PAIR = Selection(  # a short card and a short section: two pages
    exercises=[("wall-soleus-stretch", None)], sections=["for-cyclists"]
)
NAMED = Patient(name="Alex Morgan")  # no clinician's note on page one
THREE_SECTIONS = Selection(
    exercises=[("bent-knee-calf-raise", None)],
    sections=["running-form", "exercising-with-pain", "how-to-train"],
)


def test_one_exercise_and_one_section_print_on_three_pages(builder: Builder) -> None:
    """Page one with the exercise's card, which is its plan (no one-row table); the section
    and the sources; the tracking sheet, on its own page here. Two pages would need the
    sheet (at least about 95 mm) under the section and the sources (about 200 mm)."""
    built = build(builder, ONE_OF_EACH)
    pages = built.pages
    assert len(pages) == 3, [page[:80] for page in pages]
    assert "Your exercise " in pages[0] and "How to do it" in pages[0]
    assert TABLE_HEADER not in " ".join(pages)
    assert "What is the soleus?" in pages[1] and "Sources" in pages[1]
    assert "Pain next morning" in pages[2] and "Notes" in pages[2]  # the sheet is whole
    assert "Your notes" not in " ".join(pages)


def test_a_section_starts_under_a_lone_card_where_its_opening_fits(builder: Builder) -> None:
    """A short card leaves room on page one for the section's title and first paragraph;
    the section no longer waits for a new page (it needed an eighth of one), so the sheet
    fits under the sources: two pages, as an ad-hoc handout should be."""
    pages = build(builder, SHORT_PAIR, patient=NAMED).pages
    assert len(pages) == 2, [page[:80] for page in pages]
    assert "Wall soleus stretch" in pages[0] and "The soleus for cyclists" in pages[0]
    assert "Sources" in pages[1] and "Tracking sheet" in pages[1] and "Notes" in pages[1]


def _dashed(page) -> bool:  # noqa: ANN001 - a pypdf page
    """Whether the page strokes a dashed line: the line to cut a shared sheet off along."""
    return re.search(rb"\[[\d. ]+\] [\d.]+ d\b", page.get_contents().get_data()) is not None


def test_a_shared_sheet_has_a_line_to_cut_it_off_along(builder: Builder) -> None:
    """Under the sources, the sheet still comes off to be pinned up; on its own page it
    needs no line."""
    shared = build(builder, SHORT_PAIR, patient=NAMED).reader.pages
    assert [_dashed(page) for page in shared] == [False, True]
    alone = build(builder, ONE_OF_EACH).reader.pages
    assert len(alone) == 3 and not any(_dashed(page) for page in alone)


def test_a_lone_card_carries_its_levels_notes(builder: Builder) -> None:
    """Without the workout table, the card's dose table has the notes the table's level
    lines had; a handout of several exercises keeps its table."""
    built = build(builder, Selection(exercises=[("wall-soleus-stretch", None)]))
    text = " ".join(built.pages)
    assert TABLE_HEADER not in text
    assert "Each leg. Do it after every run, walk or ride." in text
    assert "The exercise card explains the movement step by step." in text  # one card
    three_blocks = build(builder, Selection("achilles-eccentric"))  # several exercises
    assert TABLE_HEADER in " ".join(three_blocks.pages)


def test_a_double_sided_print_shares_a_front_only(builder: Builder) -> None:
    """Printed double-sided, a one-exercise sheet shares the sources' page when it is a
    front (page 3); where that page is a back (page 4), the sheet starts page 5."""
    front = build(builder, TWO_SECTIONS, options=Options(duplex=True)).pages
    assert len(front) == 3 and "Sources" in front[2] and "Tracking sheet" in front[2]
    one_sided = build(builder, THREE_SECTIONS).pages
    assert len(one_sided) == 4 and "Sources" in one_sided[3] and "Tracking sheet" in one_sided[3]
    back = build(builder, THREE_SECTIONS, options=Options(duplex=True)).pages
    assert len(back) == 5 and "Sources" in back[3] and "Tracking sheet" not in back[3]
    assert back[4].count("Tracking sheet") == 1


def test_a_double_sided_print_starts_a_programmes_sheet_on_a_front(default, builder) -> None:  # noqa: ANN001
    """A programme's sheet is on a page of its own; double-sided, it starts on a front,
    after a notes page where it would start on a back."""
    sheet = default.tracking_pages()[0]
    assert "Sources" not in default.pages[sheet - 1]  # not under the sources: a page of its own
    duplex = build(builder, Selection("soleus-strength-runners"), options=Options(duplex=True))
    first = duplex.tracking_pages()[0]
    assert first % 2 == 1
    if first != sheet:  # moved to a front: a notes page fills the back before it
        assert duplex.pages[first - 2].endswith("Your notes")
