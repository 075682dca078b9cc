"""Fillable handouts: uniquely named form fields in a font with every Western letter."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from handout_pdf import (
    Variants,
    pdffonts,
    qpdf_check,
)


def test_fillable_boxes_are_uniquely_named_fields(variants: Variants, tmp_path: Path) -> None:
    built = variants["fillable"]
    handout = built.handout
    fields = built.reader.get_fields()
    names = [
        str(ref.get_object()["/T"])
        for page in built.reader.pages
        for ref in page.get("/Annots", [])
        if "/T" in ref.get_object()
    ]
    assert len(names) == len(set(names)), "duplicate field names"
    per_week = handout.sessions_per_week
    sided = {row.exercise.id for phase in handout.phases for row in phase.rows if row.dose.per_side}
    expected = 0
    for week in range(1, handout.weeks + 1):
        for row in handout.phase_for(week).rows:  # none in a week the exercise is not done
            expected += per_week * (2 if row.dose.per_side else 1)
    expected += 2 * per_week * handout.weeks  # two pain rows
    notes = [name for name in fields if name.startswith("notes.")]
    # The tracking sheet's notes area (one page), and the notes page on the back of the
    # sheet before it when the tracking sheet would otherwise start on a back side.
    assert notes in (["notes.p1"], ["notes.page", "notes.p1"])
    assert len(fields) == expected + len(notes) == len(names)
    # L and R rows for levels done on each side, one box for both for the others.
    assert "bent-knee-calf-raise.L.w6.s3" in fields and "bent-knee-calf-raise.R.w6.s1" in fields
    assert "bent-knee-calf-raise.x.w1.s1" in fields  # level 1 is double-leg
    assert "bent-knee-calf-raise.R.w1.s1" not in fields
    assert "seated-soleus-raise.x.w1.s1" in fields and sided
    assert not any(name.startswith("seated-soleus-raise.L") for name in fields)
    assert "balance-reach.L.w1.s1" not in fields  # not done in week 1: shaded, no box
    assert "pain-during.w6.s3" in fields
    assert all(emb == "yes" for _, emb in pdffonts(built.pdf, tmp_path))
    qpdf_check(built.pdf, tmp_path)


def test_fillable_fields_type_in_a_font_with_every_western_letter(variants: Variants) -> None:
    """The pages' subset lacks letters the handout never prints ("Q", "é"); typing needs them."""
    from fontTools.ttLib import TTFont

    acro = variants["fillable"].reader.trailer["/Root"]["/AcroForm"]
    assert str(acro["/DA"]).startswith("/HOFont ")
    font = acro["/DR"]["/Font"]["/HOFont"].get_object()
    assert font["/Encoding"] == "/WinAnsiEncoding"
    program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
    cmap = TTFont(io.BytesIO(program)).getBestCmap()
    typed = "Very sore! Quiz XYZ? 50% [left] #3 Renée Müller Øst ß €"
    assert not [char for char in typed if ord(char) not in cmap and not char.isspace()]
    widths = font["/Widths"]
    assert len(widths) == 224 and widths[ord("W") - 32] > widths[ord("i") - 32] > 0


def test_the_form_font_keeps_the_face_timestamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the time it was made: the same --date must give the same --fillable file."""
    from fontTools.misc import timeTools
    from fontTools.ttLib import TTFont

    from handouts.render.font_cache import print_ready
    from handouts.render.font_files import resolve_family
    from handouts.render.forms import form_font

    path = print_ready(resolve_family("Atkinson Hyperlegible", []).face("regular"))
    monkeypatch.setattr(timeTools, "timestampNow", lambda: 0)
    program = form_font.__wrapped__(str(path)).program
    assert TTFont(io.BytesIO(program))["head"].modified == TTFont(path)["head"].modified != 0


def test_fillable_notes_take_several_lines_in_text_sized_to_fit(variants: Variants) -> None:
    # Single-line at a fixed 10 pt, a Notes field showed about 12 characters.
    multiline = 1 << 12
    notes = [
        annot
        for page in variants["fillable"].reader.pages
        for annot in (ref.get_object() for ref in page.get("/Annots", []))
        if str(annot.get("/T", "")).startswith("notes.")
    ]
    # The tracking sheet's notes area, and the notes page before it where one is printed.
    assert str(notes[-1]["/T"]) == "notes.p1" and len(notes) in (1, 2)
    for note in notes:
        assert int(note["/Ff"]) & multiline and "/MaxLen" not in note
        assert str(note["/DA"]).split()[1] == "0"  # auto size


def test_blank_page_one_details_are_fields_to_type_in(builder) -> None:  # noqa: ANN001
    from handout_pdf import build

    from handouts.build import DEFAULT_PROGRAMME
    from handouts.compose import Options, Selection
    from handouts.content.models import Patient

    built = build(builder, Selection(DEFAULT_PROGRAMME), Patient(), options=Options(fillable=True))
    fields = built.reader.get_fields()
    assert {"patient.name", "patient.clinician", "patient.start-date"} <= fields.keys()
    assert "patient.length" not in fields  # printed: the plan's own
