"""What goes on which page: a small handout's page count, the tracking sheet's own pages,
and what a double-sided print adds before it."""

from __future__ import annotations

from handout_pdf import TABLE_HEADER, build

from handouts.build import Builder
from handouts.compose import Options, Selection

ONE_OF_EACH = Selection(exercises=[("bent-knee-calf-raise", None)], sections=["what-is-the-soleus"])


def test_one_exercise_and_one_section_print_on_four_pages(builder: Builder) -> None:
    """Page one with the plan; the card and the section; the section's end and the
    sources; the tracking sheet on a page of its own (to pin up). Two pages would need
    the card on page one (with its heading about 170 mm; the plan leaves about 70) and
    the tracking sheet on the sources' page."""
    built = build(builder, ONE_OF_EACH)
    pages = built.pages
    assert len(pages) == 4, [page[:80] for page in pages]
    assert TABLE_HEADER in pages[0] and "Your exercises" in pages[1]
    assert "Sources" in pages[2] and "Tracking sheet" not in pages[2]
    assert "Tracking sheet" in pages[3] and "Your notes" not in " ".join(pages)


def test_a_double_sided_print_starts_the_tracking_sheet_on_a_front(builder: Builder) -> None:
    """Four pages one-sided: printed double-sided the sheet would be on the back of the
    sources, so a notes page comes first and the sheet starts page 5, a front."""
    built = build(builder, ONE_OF_EACH, options=Options(duplex=True))
    pages = built.pages
    assert len(pages) == 5
    assert pages[3].endswith("Your notes") and "Tracking sheet" in pages[4]
