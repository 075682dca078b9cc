"""Figures in a handout: on each exercise card, beside each table row, in each tracker row."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from handouts.build import Request
from handouts.compose import Options, Selection

DATE = dt.date(2026, 1, 5)


def _pages(pdf: bytes) -> list[tuple[str, set[str], bytes]]:
    """(text, figure forms drawn, content) of each page."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = " ".join(page.extract_text().split())
        content = page.get_contents().get_data()
        drawn = set(re.findall(rb"/(FormXob\.Fig\w+) Do", content))
        out.append((text, {name.decode() for name in drawn}, content))
    return out


def _forms(pdf: bytes) -> dict[str, bytes]:
    """Each figure form's name and its (decompressed) content."""
    forms = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for name, ref in page["/Resources"].get("/XObject", {}).items():
            if "Fig" in name:
                forms[name.lstrip("/")] = ref.get_object().get_data()
    return forms


def test_every_exercise_card_page_draws_its_figure(builder, library) -> None:
    selection = Selection(exercises=[(exercise_id, 1) for exercise_id in sorted(library.exercises)])
    _, pdf = builder.build(Request(selection, date=DATE))
    pages = _pages(pdf)
    drawn_on_cards = set()
    for exercise in library.exercises.values():
        card = [p for p in pages if exercise.name in p[0] and "How to do it" in p[0]]
        assert card, exercise.id
        assert card[0][1], f"{exercise.id}: its card page draws no figure"
        drawn_on_cards |= card[0][1]
    table = next(p for p in pages if "Your programme" in p[0])
    assert table[1], "the workout table draws no thumbnails"
    tracker = next(p for p in pages if "Tracking sheet" in p[0])
    assert tracker[1], "the tracking sheet draws no thumbnails"
    forms = _forms(pdf)
    assert drawn_on_cards <= set(forms)
    # Each form is defined once and drawn wherever it appears (cards, table, tracker).
    assert len(forms) == len({name for _, drawn, _ in pages for name in drawn})


def test_ink_saver_figures_use_no_colour(builder) -> None:
    options = Options(ink_saver=True)
    selection = Selection(programme="soleus-strength-runners")
    _, pdf = builder.build(Request(selection, options=options, date=DATE))
    forms = _forms(pdf)
    assert forms
    for name, content in forms.items():
        assert not re.search(rb"\b(rg|RG|k|K|scn|SCN)\b", content), name


def test_a_clinic_image_keeps_its_place_over_a_figure(library) -> None:
    from handouts.render.figures.placement import card_figures, with_thumbnail

    exercise = library.exercises["bent-knee-calf-raise"]
    with_image = exercise.model_copy(update={"image": "images/raise.png"})
    assert with_thumbnail(None, with_image, 1, "text") == "text"  # type: ignore[arg-type]
    assert card_figures(None, exercise, []) == []  # type: ignore[arg-type]  # no levels, no row
