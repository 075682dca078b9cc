"""Fonts, the fallback face, markup escaping, brand colours and the contrast warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import fontpkg
import pytest
from pydantic import ValidationError
from reportlab.pdfbase import pdfmetrics

from handouts.content.loader import load_brand_file
from handouts.content.models import Brand
from handouts.errors import BrandError, ContentError, RenderError
from handouts.render.colours import contrast
from handouts.render.font_files import resolve_family
from handouts.render.fonts import FontSet, load_fonts
from handouts.render.theme import TEXT, WHITE, make_theme

ATKINSON = "Atkinson Hyperlegible"


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return load_fonts(ATKINSON, [])


def fallback_tag(fonts: FontSet, text: str) -> str:
    return f'<font name="{fonts.fallback.regular}">{text}</font>'


# -- fallback face and markup --
def test_latin_with_accents_stays_in_the_brand_face(fonts: FontSet) -> None:
    assert fonts.markup("Zoë Łukasiewicz") == "Zoë Łukasiewicz"


@pytest.mark.parametrize("word", ["Ярослава", "Іванова", "Σοφία", "Παπαδοπούλου"])
def test_cyrillic_and_greek_are_wrapped_in_the_fallback_face(fonts: FontSet, word: str) -> None:
    assert fonts.markup(word) == fallback_tag(fonts, word)


def test_a_name_stays_in_one_face(fonts: FontSet) -> None:
    # Atkinson has "π" (for maths) but no other Greek: the word must not mix designs.
    assert fonts.main.covers("π") and not fonts.main.covers("Π")
    assert fonts.markup("Σοφία Παπαδοπούλου") == fallback_tag(fonts, "Σοφία Παπαδοπούλου")
    assert fonts.markup("Ярослава Іванова") == fallback_tag(fonts, "Ярослава Іванова")
    # Latin letters after a fallback run go back to the brand face.
    assert fonts.markup("Σοφία, Dr Smith") == fallback_tag(fonts, "Σοφία, ") + "Dr Smith"
    assert fonts.markup("Dr Ярослава") == "Dr " + fallback_tag(fonts, "Ярослава")


@pytest.mark.parametrize("face", ["bold", "italic", "bolditalic"])
def test_fallback_runs_keep_the_surrounding_face(fonts: FontSet, face: str) -> None:
    # <font name=…> resets bold and italic in reportlab, so the run names the face itself.
    assert (
        fonts.markup("Σοφία", face=face)
        == f'<font name="{fonts.fallback.names[face]}">Σοφία</font>'
    )


def test_markup_escapes_markup_characters_once(fonts: FontSet) -> None:
    assert fonts.markup('<b>Smith & Sons "Physio"</b>') == (
        "&lt;b&gt;Smith &amp; Sons &quot;Physio&quot;&lt;/b&gt;"
    )
    # Escaping also applies inside a fallback run, and is not doubled.
    assert fonts.markup("Σ & <") == fallback_tag(fonts, "Σ &amp; &lt;")
    assert fonts.markup("&amp;") == "&amp;amp;"


def test_a_character_no_face_has_is_a_one_line_render_error(fonts: FontSet) -> None:
    with pytest.raises(RenderError) as error:
        fonts.markup("Leg 🦵 day", "patient note")
    message = error.value.format_message()
    assert message.startswith("patient note: character '🦵' (U+1F9B5)")
    assert "\n" not in message


def test_canvas_text_picks_the_fallback_face_when_needed(fonts: FontSet) -> None:
    assert fonts.font_for_run("Riverside Physio") == fonts.main.regular
    assert fonts.font_for_run("Φυσικοθεραπεία", bold=True) == fonts.fallback.bold
    with pytest.raises(RenderError, match="U\\+F0000"):
        fonts.font_for_run("\U000f0000")


def test_each_fallback_face_is_its_own_font(fonts: FontSet) -> None:
    # reportlab merges fonts that share a PostScript name; instances of a variable font
    # must be renamed, or bold Cyrillic would print in the regular face.
    faces = {pdfmetrics.getFont(name).face for name in fonts.fallback.names.values()}
    assert len({face.name for face in faces}) == 4
    assert {face.name for face in faces} == {
        b"NotoSans-Regular",
        b"NotoSans-Bold",
        b"NotoSans-Italic",
        b"NotoSans-BoldItalic",
    }


# -- finding font files --
def test_unknown_family_is_a_brand_error() -> None:
    with pytest.raises(BrandError) as error:
        load_fonts("No Such Family", [])
    message = error.value.format_message()
    assert 'font family "No Such Family" not found' in message
    assert "\n" not in message


def test_a_fonts_folder_is_preferred_to_the_installed_package(tmp_path: Path) -> None:
    installed = resolve_family(ATKINSON, [])
    folder = tmp_path / "fonts"
    folder.mkdir()
    copy = folder / "clinic-copy.ttf"
    shutil.copy(fontpkg.path(ATKINSON, 400), copy)
    (folder / "broken.ttf").write_bytes(b"not a font")  # skipped, not fatal
    found = resolve_family(ATKINSON, [folder])
    assert found.face("regular") == copy
    # Only a regular face in the folder: the other faces reuse it rather than mixing sources.
    assert found.face("bold") == copy
    assert installed.face("regular") != copy


def test_a_missing_fonts_folder_is_ignored() -> None:
    found = resolve_family(ATKINSON, [Path("/nonexistent/fonts")])
    assert found.face("regular").is_file()


# -- brand colours --
@pytest.mark.parametrize("colour", ["#dde", "dddddd", "#GGGGGG", "#1F5F8B00", "blue"])
def test_only_six_digit_hex_colours_are_accepted(colour: str) -> None:
    with pytest.raises(ValidationError, match="six-digit hex"):
        Brand(name="Clinic", primary=colour)


def test_six_digit_hex_is_accepted_and_normalised() -> None:
    assert Brand(name="Clinic", primary="#1f5f8b", accent="#e07a2f").primary == "#1F5F8B"


def test_a_short_colour_in_a_brand_file_is_a_content_error(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text('name: Clinic\nprimary: "#dde"\n', encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_brand_file(path)
    message = error.value.format_message()
    assert "clinic.yaml:2: primary:" in message
    assert "six-digit hex" in message


def test_a_light_primary_colour_warns_about_contrast(fonts: FontSet) -> None:
    theme = make_theme(Brand(name="Sunny Clinic", primary="#F5D76E"), fonts)
    assert theme.warnings, "expected a WCAG contrast warning"
    assert "WCAG" in theme.warnings[0] and "Sunny Clinic" in theme.warnings[0]
    # Dark text on the band instead, and that pairing passes AA.
    assert theme.band_text == TEXT
    assert contrast(theme.band_text, theme.primary) >= 4.5


def test_the_demo_primary_colour_passes_without_warnings(fonts: FontSet) -> None:
    theme = make_theme(Brand(name="Clinic", primary="#1F5F8B"), fonts)
    assert theme.warnings == []
    assert theme.band_text == WHITE


# -- fonts made for print --
def test_the_print_font_has_no_hinting_and_the_same_glyphs_and_widths(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    from handouts.render import font_cache

    original = resolve_family(ATKINSON, []).face("regular")
    printed = TTFont(font_cache.print_ready(original))
    source = TTFont(original)
    assert not {"fpgm", "prep", "cvt "} & set(printed.keys())
    assert {"fpgm", "prep"} <= set(source.keys())  # the package's file is hinted
    glyf = printed["glyf"]
    assert not any(getattr(glyf[name], "program", None) for name in printed.getGlyphOrder())
    assert printed.getBestCmap() == source.getBestCmap()
    mapped = source.getBestCmap().values()
    assert all(printed["hmtx"][name] == source["hmtx"][name] for name in mapped)  # same layout


def test_without_a_writable_cache_the_original_font_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.render import font_cache

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setattr(font_cache, "cache_dir", lambda: blocker / "fonts")
    original = resolve_family(ATKINSON, []).face("bold")
    assert font_cache.print_ready(original) == original
