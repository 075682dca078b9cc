"""Rendering many handouts: batch bytes, shared pages laid out once, cached logos."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from handout_pdf import (
    BATCH,
    build,
    image_xobjects,
    norm,
    qpdf_check,
)
from PIL import Image
from pypdf import PdfReader

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Options, Selection
from handouts.content.library import Library
from handouts.content.models import Patient

# -- the shared pages, laid out once per programme --


def test_each_patient_of_a_batch_gets_the_bytes_of_a_build_on_its_own(library: Library) -> None:
    batch = Builder(library)
    in_batch = [build(batch, Selection(DEFAULT_PROGRAMME), patient).pdf for patient in BATCH]
    for patient, pdf in zip(BATCH, in_batch, strict=True):
        alone = build(Builder(library), Selection(DEFAULT_PROGRAMME), patient).pdf
        assert pdf == alone, patient.name
    first, second = (reader_text(pdf) for pdf in in_batch[:2])
    assert "Zoë Ødegård-Quinn" in first[0] + second[0]
    assert "Dr Ξ. Παπαδόπουλος" in second[0]
    # Only page one's block is personal. Zoë's clinician row makes it taller, which can move
    # a workout row on a page, and the cards with it (the first card may fit under the
    # table's end); from the exercise cards' heading on, the pages read the same (but for
    # their numbers).
    names = [norm(patient.name) for patient in BATCH[:2]]  # every footer names its patient

    def shared(pages: list[str], name: str) -> list[str]:
        start = next(i for i, page in enumerate(pages) if "Your exercises" in page)
        pages = [pages[start][pages[start].index("Your exercises") :], *pages[start + 1 :]]
        # A notes page comes before the tracking sheet only where it would start on a back.
        kept = [page for page in pages if not page.endswith("Your notes")]
        return [re.sub(r"Page \d+ of \d+", "", page.replace(name, "")) for page in kept]

    assert shared(first, names[0]) == shared(second, names[1])


def reader_text(pdf: bytes) -> list[str]:
    return [norm(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_transparent_png_logo_is_stored_once_and_shared_pages_stay_exact(
    library: Library, tmp_path: Path
) -> None:
    logo = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    logo.paste((31, 95, 139, 255), (20, 20, 100, 100))  # a blue square on transparency
    logo.save(tmp_path / "logo.png")
    brand = tmp_path / "png-brand.yaml"
    brand.write_text("name: Square Clinic\nlogo: logo.png\n", encoding="utf-8")
    batch = Builder(library)
    in_batch = [
        build(batch, Selection(DEFAULT_PROGRAMME), patient, brand_file=brand).pdf
        for patient in BATCH[:2]
    ]
    alone = build(Builder(library), Selection(DEFAULT_PROGRAMME), BATCH[1], brand_file=brand)
    assert in_batch[1] == alone.pdf
    qpdf_check(alone.pdf, tmp_path)
    pages = alone.reader.pages
    assert all(image_xobjects(page) == 1 for page in pages)  # in the header, on every page
    images = {
        obj.idnum  # an indirect reference: the object number
        for page in pages
        for form in page["/Resources"]["/XObject"].values()
        for obj in (form.get_object().get("/Resources") or {}).get("/XObject", {}).values()
        if obj.get_object()["/Subtype"] == "/Image"  # not a figure's end pose, a form
    }
    assert len(images) == 1  # stored once, shared by the portrait and landscape headers
    forms = [form.get_object() for form in pages[0]["/Resources"]["/XObject"].values()]
    (image,) = [
        obj.get_object()
        for form in forms
        for obj in (form.get("/Resources") or {}).get("/XObject", {}).values()
    ]
    assert "/SMask" in image  # the transparency survives


def test_shared_pages_are_laid_out_once_per_programme_and_page_one_height(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.render import pdf

    laid_out: list[str] = []
    record = pdf._record

    def counting(theme, handout, reserved):  # noqa: ANN001, ANN202
        laid_out.append(handout.id)
        return record(theme, handout, reserved)

    monkeypatch.setattr(pdf, "_record", counting)
    batch = Builder(library)
    for patient in (BATCH[0], BATCH[3], Patient(name="Dee"), BATCH[2], Patient(name="Eve")):
        build(batch, Selection(DEFAULT_PROGRAMME), patient)
    # Ann, Dee and Eve share one layout; Cat's start date dates the weeks of the table and
    # the tracking sheet; Ben's note makes page one's block taller.
    assert laid_out == [DEFAULT_PROGRAMME] * 3
    build(batch, Selection(DEFAULT_PROGRAMME), BATCH[0], options=Options(large_print=True))
    assert len(laid_out) == 4  # other options, other pages


def test_a_taller_page_one_block_pushes_the_programme_down(library: Library) -> None:
    builder = Builder(library)
    plain = build(builder, Selection(DEFAULT_PROGRAMME), BATCH[0])
    noted = build(builder, Selection(DEFAULT_PROGRAMME), BATCH[2])
    assert "A note from your clinician" in noted.pages[0]
    assert "A note from your clinician" not in plain.pages[0]
    # Page one holds less of what follows when the note takes room; nothing is lost.
    words = [len(built.pages[0].split()) for built in (plain, noted)]
    note = len(norm(BATCH[2].note).split()) + 5  # and "A note from your clinician"
    assert words[1] - note < words[0]
    assert sum(p.count("Level ") for p in plain.pages) == sum(
        p.count("Level ") for p in noted.pages
    )
