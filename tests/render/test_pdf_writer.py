"""How handouts are written: object streams, ASCII at its own codes, lean font subsets."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pytest
from conftest_pdf import qpdf_check, reader
from fontTools import subset
from fontTools.ttLib import TTFont as FTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace
from reportlab.pdfgen.canvas import Canvas

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Selection
from handouts.content.models import Patient
from handouts.render.compact import write_compactly
from handouts.render.font_cache import PRINT_NAME_IDS, print_ready
from handouts.render.font_files import resolve_family
from handouts.render.ttf import PrintFont, _subset_program

ATKINSON = "Atkinson Hyperlegible"
DATE = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def default_pdf(builder: Builder) -> bytes:
    request = Request(Selection(DEFAULT_PROGRAMME), Patient(name="Alex Morgan"), date=DATE)
    return builder.build(request)[1]


def print_copy(folder: Path, name: str, keep: str | None = None) -> Path:
    """Atkinson's print copy under its own PostScript name, optionally cut to ``keep``.

    reportlab treats fonts with the same PostScript name as one font, whichever
    was registered first: a name of its own keeps these tests apart from the others.
    """
    font = FTFont(print_ready(resolve_family(ATKINSON, []).face("regular")))
    if keep is not None:
        subsetter = subset.Subsetter()
        subsetter.populate(text=keep)
        subsetter.subset(font)
    font["name"].setName(name, 6, 3, 1, 0x409)
    path = folder / f"{name}.ttf"
    font.save(path)
    return path


@pytest.fixture(scope="module")
def print_font(tmp_path_factory: pytest.TempPathFactory) -> str:
    name = "TestPrintAtkinson"
    pdfmetrics.registerFont(PrintFont(name, str(print_copy(tmp_path_factory.mktemp("f"), name))))
    assert isinstance(pdfmetrics.getFont(name), PrintFont)
    return name


def one_page(font: str, text: str, compact: bool = False, password: str | None = None) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    if compact:
        write_compactly(canvas)
    if password:
        canvas.setEncrypt(password)
    canvas.setFont(font, 10)
    for number, start in enumerate(range(0, len(text), 60)):
        canvas.drawString(20, 800 - 14 * number, text[start : start + 60])
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def embedded_fonts(pdf: bytes) -> list[FTFont]:
    found = {}
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            if "/FontDescriptor" not in font.get_object():
                continue  # the canvas's initial Helvetica, which never draws here
            ref = font.get_object()["/FontDescriptor"].get_object().raw_get("/FontFile2")
            found[ref.idnum] = FTFont(io.BytesIO(ref.get_object().get_data()))
    return list(found.values())


# -- object streams --
def test_the_handout_packs_its_small_objects_into_an_object_stream(
    default_pdf: bytes, tmp_path
) -> None:
    assert default_pdf.startswith(b"%PDF-1.5")
    assert b"/Type /ObjStm" in default_pdf and b"/Type /XRef" in default_pdf
    assert b"\nxref\n" not in default_pdf and b"\ntrailer\n" not in default_pdf
    # Only streams stay outside: pages, fonts and outline entries are packed.
    outside = re.findall(rb"\n\d+ 0 obj\n<<(.*?)>>", default_pdf)
    assert outside and all(b"/Length" in head for head in outside)
    qpdf_check(default_pdf, tmp_path)
    pdf = reader(default_pdf)
    assert len(pdf.pages) > 10 and pdf.outline and pdf.metadata.title


def test_an_encrypted_document_keeps_the_classic_layout(print_font: str, tmp_path) -> None:
    pdf = one_page(print_font, "Private notes", compact=True, password="s3cret")
    assert b"/Type /ObjStm" not in pdf and b"\nxref\n" in pdf
    qpdf_check(pdf, tmp_path, password="s3cret")


def test_each_font_subset_is_built_once_per_batch(
    builder: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[tuple[int, ...]] = []
    original = TTFontFace.makeSubset

    def counting(face: TTFontFace, subset: list[int]) -> bytes:
        built.append(tuple(subset))
        return original(face, subset)

    monkeypatch.setattr(TTFontFace, "makeSubset", counting)
    _subset_program.cache_clear()  # earlier tests built these handouts' subsets already
    for name in ("Ann Lee", "Lee Ann", "Ann Lee"):  # the same letters: the same subsets
        builder.build(Request(Selection(DEFAULT_PROGRAMME), Patient(name=name), date=DATE))
    assert built and len(built) == len(set(built))


# -- font codes --
def test_printable_ascii_is_written_as_itself(default_pdf: bytes) -> None:
    page_two = reader(default_pdf).pages[1].get_contents().get_data()
    # A line ends in a space: extracted text keeps the words at a line break apart.
    assert b"(Exercise ) Tj" in page_two and b"(Sets ) Tj" in page_two


def test_a_subset_holds_only_the_glyphs_drawn(print_font: str) -> None:
    text = "Hello, World!"
    pdf = one_page(print_font, text, compact=True)
    (font,) = embedded_fonts(pdf)
    drawn = set(text) | {" "}
    assert font["maxp"].numGlyphs == len(drawn) + 1  # and .notdef
    assert reader(pdf).pages[0].extract_text().strip() == text


def test_every_character_of_a_font_round_trips_across_subsets(print_font: str) -> None:
    cmap = pdfmetrics.getFont(print_font).face.charToGlyph
    text = "".join(
        chr(code)
        for code in sorted(cmap)
        if unicodedata.category(chr(code))[0] in "LNPS" and code != 0xA0
    )
    assert len(text) > 300  # more than one 256-code subset
    pdf = one_page(print_font, text, compact=True)
    content = reader(pdf).pages[0].get_contents().get_data()
    assert b"+1 " in content  # the second subset is used
    extracted = "".join(reader(pdf).pages[0].extract_text().split())
    assert extracted == text


def test_a_font_embedded_whole_keeps_reportlabs_codes(tmp_path: Path) -> None:
    # reportlab embeds a small font (at most 255 glyphs) whole when its licence forbids
    # subsets; its fsType check never fires in reportlab 5.1, so the flag is set here.
    whole = PrintFont("TestWholeAtkinson", str(print_copy(tmp_path, "TestWhole", "Helo, Wrd!")))
    whole.face._full_font = True
    pdfmetrics.registerFont(whole)
    pdf = one_page("TestWholeAtkinson", "Hello, World!", compact=True)
    assert reader(pdf).pages[0].extract_text().strip() == "Hello, World!"


def test_the_print_font_keeps_only_the_short_names() -> None:
    printed = FTFont(print_ready(resolve_family(ATKINSON, []).face("regular")))
    assert {record.nameID for record in printed["name"].names} <= set(PRINT_NAME_IDS)
    assert printed["name"].getDebugName(6) == "AtkinsonHyperlegible-Regular"
