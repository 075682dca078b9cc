"""Exercise cards: one whole card a page, dose lines, equipment, video QR codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from handout_pdf import (
    Built,
    build,
    card_page,
    image_xobjects,
    norm,
    pdffonts,
)

from handouts.build import Builder
from handouts.compose import Row, Selection
from handouts.content.library import Library
from handouts.errors import HandoutsError, RenderError
from handouts.render.blocks import lower_first
from handouts.render.card_body import equipment_needed
from handouts.render.card_dose import dose_line
from handouts.render.grid_rows import target

# -- exercise cards --


def test_each_card_is_whole_on_one_page(default: Built) -> None:
    for exercise in default.handout.exercises:
        page = default.pages[card_page(default, exercise.steps[0]) - 1]
        assert exercise.name in page
        for step in exercise.steps:
            assert norm(step) in page, (exercise.id, step)
        assert norm(exercise.cues[0]) in page and norm(exercise.mistakes[-1]) in page
        assert "Tips" in page and "Common mistakes" in page
        assert "Safety: " + norm(exercise.safety) in page, exercise.id


def test_card_shows_name_level_and_dosage_line(default: Built) -> None:
    bent_knee = default.handout.exercises[0]
    page = default.pages[card_page(default, bent_knee.steps[0]) - 1]
    assert "Level 1: Double-leg, bodyweight" in page
    assert "3 × 15 · 2 s up / 2 s down · rest 45 s · Bodyweight" in page
    assert "Level 2: Single-leg, bodyweight" in page  # weeks 3–4


def filled_rects(page) -> int:  # noqa: ANN001 - a pypdf page
    return page.get_contents().get_data().count(b" re f")


def test_card_with_video_has_qr_short_url_and_image(
    clinic_builder: Builder, default: Built, tmp_path: Path
) -> None:
    built = build(clinic_builder, Selection(exercises=[("video-calf", None)]))
    number = card_page(built, "Rise onto your toes.")
    page = built.pages[number - 1]
    assert "Watch the video: example.org/v/calf" in page
    # The QR code is drawn as filled modules: a card page without a video has few fills.
    plain = card_page(default, default.handout.exercises[0].steps[0])
    assert filled_rects(built.reader.pages[number - 1]) > 100
    assert filled_rects(default.reader.pages[plain - 1]) < 30
    # The 200 × 3000 px photo (taller than a page) is scaled into the card, not an error.
    assert image_xobjects(built.reader.pages[number - 1]) >= 1
    assert "Safety: Stop Video calf raise if you feel sharp pain." in page
    # The QR code's drawing starts in the brand font, not reportlab's unembedded Helvetica.
    assert all(emb == "yes" for _, emb in pdffonts(built.pdf, tmp_path))


def test_a_card_too_tall_for_a_page_is_a_one_line_render_error(clinic_builder: Builder) -> None:
    with pytest.raises(RenderError) as error:
        build(clinic_builder, Selection(exercises=[("long-steps", None)]))
    message = error.value.format_message()
    assert message.startswith("exercise long-steps: its card is too tall for one page")
    assert "\n" not in message


def test_a_3000_word_table_cell_splits_across_pages_without_error(
    clinic_builder: Builder,
) -> None:
    # The spec allows a one-line error naming the section; the renderer does better and
    # splits the row across pages, keeping every word.
    try:
        built = build(clinic_builder, Selection(sections=["big-cell"]))
    except HandoutsError as error:
        message = error.format_message()
        assert "big-cell" in message and "\n" not in message
        return
    assert sum(page.count("word") for page in built.pages) == 3000
    assert len(built.pages_with("word")) >= 2


def test_doses_read_as_sentences_mid_line(library: Library) -> None:
    lunge = library.exercises["pool-noodle-lunge"]
    row = Row(lunge, lunge.levels[0].model_copy(update={"rest": "As needed"}))
    assert dose_line(row) == "2 × To fatigue · Controlled · rest as needed · Bodyweight"
    assert target(row) == "L1 · 2× to fatigue"
    short_foot = library.exercises["short-foot"]
    assert target(Row(short_foot, short_foot.levels[0])) == "L1 · 2×8–12/foot"
    assert [lower_first(text) for text in ("As needed", "RPE 7", "60 s", "A band")] == [
        "as needed",
        "RPE 7",
        "60 s",
        "a band",
    ]


def test_equipment_for_a_later_level_is_listed_only_when_the_handout_reaches_it(
    library: Library, default: Built
) -> None:
    seated = library.exercises["seated-soleus-raise"]
    weights = "A dumbbell, kettlebell or barbell (from level 2)"
    assert equipment_needed(seated, {1}) == ["A sturdy chair or bench"]
    assert equipment_needed(seated, {1, 2}) == ["A sturdy chair or bench", weights]
    assert equipment_needed(seated, set()) == seated.equipment  # no schedule: list it all
    # The default programme uses the balance–reach drill at level 1 only, the seated raise
    # from level 2.
    text = norm(" ".join(default.pages))
    assert "Dumbbells (level 2)" not in text
    # "; " between items that hold commas, the later ones in lower case mid-line
    assert f"You need: A sturdy chair or bench; a{weights[1:]}" in text
