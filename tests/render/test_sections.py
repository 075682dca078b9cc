"""Education sections: outline entries, Markdown, call-outs."""

from __future__ import annotations

from handout_pdf import (
    Built,
    build,
    link_uris,
)
from reportlab.lib.rl_accel import fp_str

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection
from handouts.content.library import Library
from handouts.content.models import Patient

# -- page one --


def test_sections_are_in_the_outline_on_their_pages(default: Built, library: Library) -> None:
    programme = library.programmes[DEFAULT_PROGRAMME]
    entries = {title: (level, page) for level, title, page in default.outline}
    for section_id in programme.sections:
        title = library.sections[section_id].title
        assert title in entries, title
        assert title in default.pages[entries[title][1] - 1]


def test_markdown_headings_lists_tables_callouts_and_links(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(sections=["markdown-tour"]))
    text = " ".join(built.pages)
    for piece in [
        "A tour of Markdown",
        "Read the NHS advice on calf pain first.",
        "Small heading",
        "First point",
        "Muscle Knee Soleus Bent Gastrocnemius Straight",
        "Stop if the pain is sharp.",
    ]:
        assert piece in text, piece
    assert "A tour of Markdown" in [title for _, title, _ in built.outline]
    uris = link_uris(built.reader)
    assert "https://www.nhs.uk/conditions/calf-pain/" in uris
    assert "https://doi.org/10.1000/xyz123" in uris  # the cited source's DOI
    # A non-Latin URL is a link, not broken markup (it once put <font> tags in the href).
    assert "https://пример.рф/страница" in uris
    assert "Русский источник. https://пример.рф/страница" in text


def test_a_call_out_that_fits_a_page_moves_whole_to_the_next(clinic_builder: Builder) -> None:
    # Split at a page foot, a call-out's tinted box once held no text: its text went on
    # to the next page (or only its padding did).
    built = build(clinic_builder, Selection(sections=["callouts"]), Patient())
    handout = built.handout
    theme = clinic_builder.theme(handout.brand, handout.logo, handout.options)
    wash = f"{fp_str(theme.accent_wash.rgb())} rg".encode()
    starts = []
    for n in range(24):
        [page] = built.pages_with(f"Callout{n:02d} starts.")
        assert built.pages_with(f"End{n:02d}.") == [page], n
        starts.append(page)
    for number, page in enumerate(built.reader.pages, 1):  # one tinted box per call-out
        panels = starts.count(number) + (number == 1)  # page one's "stop and seek advice"
        assert page.get_contents().get_data().count(wash) == panels, number
    assert len(set(starts)) > 2  # the call-outs met several page feet
