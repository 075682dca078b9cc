"""User text in print: other scripts, missing glyphs, literal markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from handout_pdf import (
    LITERAL,
    SMALL,
    build,
    card_page,
    link_uris,
    pdffonts,
)

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection
from handouts.content.models import Patient
from handouts.errors import RenderError


# -- Unicode --
@pytest.mark.parametrize(
    ("name", "fallback"),
    [("Zoë Łukasiewicz", False), ("Ярослава Іванова", True), ("Σοφία Παπαδοπούλου", True)],
)
def test_names_in_other_scripts_print_with_real_glyphs(
    builder: Builder, tmp_path: Path, name: str, fallback: bool
) -> None:
    built = build(builder, SMALL, Patient(name=name, note=f"For {name}."))
    assert f"Name {name}" in built.pages[0]
    assert f"For {name}." in built.pages[0]
    assert built.reader.metadata.title.endswith(name)
    fonts = pdffonts(built.pdf, tmp_path)
    assert all(emb == "yes" for _, emb in fonts)
    assert any("NotoSans" in font for font, _ in fonts) == fallback
    # The name is bold in the patient block: the fallback's bold face, not its regular one.
    assert any(font.endswith("+NotoSans-Bold") for font, _ in fonts) == fallback


@pytest.mark.parametrize(
    ("patient", "where", "char"),
    [
        (Patient(name="Leg 🦵 day"), "patient name", "U+1F9B5"),
        (Patient(note="Private use \U000f0000 here"), "patient note", "U+F0000"),
        (Patient(clinician="Dr 🦵"), "patient clinician", "U+1F9B5"),
    ],
)
def test_a_character_no_font_has_is_a_one_line_error(
    builder: Builder, patient: Patient, where: str, char: str
) -> None:
    with pytest.raises(RenderError) as error:
        build(builder, Selection(DEFAULT_PROGRAMME), patient)
    message = error.value.format_message()
    assert message.startswith(f"{where}: character ")
    assert char in message and "\n" not in message


# -- user text is data --
def test_user_text_prints_literally(clinic_builder: Builder, clinic: Path) -> None:
    patient = Patient(name=LITERAL, clinician=LITERAL, note=LITERAL)
    built = build(
        clinic_builder,
        Selection(exercises=[("literal-step", None)]),
        patient,
        brand_file=clinic / "literal-brand.yaml",
    )
    page = built.pages[0]
    assert f"Name {LITERAL}" in page and f"Clinician {LITERAL}" in page
    assert f"A note from your clinician {LITERAL}" in page
    assert f"Hello {LITERAL}. This is your 6-week plan from {LITERAL}, set by {LITERAL}." in page
    for text in built.pages:  # the brand name in every header, the contact line in every footer
        assert text.count(LITERAL) >= 2
    card = built.pages[card_page(built, "Say " + LITERAL) - 1]
    assert "Literal step" in card
    assert built.reader.metadata.author == LITERAL
    assert built.reader.metadata.title.endswith(LITERAL)
    assert not link_uris(built.reader)  # <img src=x> and friends never became markup
