"""pypdf post-processing and the atomic writer, checked by reading the PDFs back."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from conftest_pdf import font_name, halves, make_pdf, qpdf_check, reader, texts_left_to_right
from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError
from reportlab.lib.pagesizes import A4, A5, letter
from reportlab.pdfgen import canvas

from handouts.build import DEFAULT_PROGRAMME, Request
from handouts.compose import Selection
from handouts.content.models import Patient
from handouts.deliver.files import atomic_path, write_atomic
from handouts.errors import HandoutsError
from handouts.post import impose, merge, protect

A4_LANDSCAPE = (842, 595)
# A4 into half an A4 sheet, less the booklet's inset on each side.
BOOKLET_SCALE = (A4[1] / 2 - 2 * impose.BOOKLET_INSET) / A4[0]
DATE = dt.date(2026, 3, 1)


def size(page) -> tuple[float, float]:  # noqa: ANN001 - a pypdf page
    return float(page.mediabox.width), float(page.mediabox.height)


def assert_size(page, expected: tuple[float, float]) -> None:  # noqa: ANN001
    width, height = size(page)
    assert width == pytest.approx(expected[0], abs=1)
    assert height == pytest.approx(expected[1], abs=1)


def all_text(pdf: bytes) -> list[str]:
    return [" ".join(texts_left_to_right(page)) for page in reader(pdf).pages]


# --- combine -------------------------------------------------------------------------------


def test_combine_keeps_order_without_duplex(tmp_path: Path) -> None:
    pdf = merge.combine([make_pdf(3, label="A"), make_pdf(2, label="B")])
    assert all_text(pdf) == ["A1", "A2", "A3", "B1", "B2"]
    qpdf_check(pdf, tmp_path)


def test_combine_duplex_pads_odd_handouts_with_a_same_size_blank(tmp_path: Path) -> None:
    pdf = merge.combine(
        [make_pdf(3, label="A"), make_pdf(2, label="B"), make_pdf(1, label="C", size=letter)],
        duplex=True,
    )
    assert all_text(pdf) == ["A1", "A2", "A3", "", "B1", "B2", "C1", ""]
    pages = reader(pdf).pages
    assert_size(pages[3], A4)
    assert_size(pages[7], letter)  # the blank after C matches C's last page
    qpdf_check(pdf, tmp_path)


def test_combine_stores_what_handouts_share_once(builder, tmp_path: Path) -> None:  # noqa: ANN001
    names = ["Alex Morgan", "Sam Okafor", "Jo Lee"]
    pdfs = [
        builder.build(Request(Selection(DEFAULT_PROGRAMME), Patient(name=name), date=DATE))[1]
        for name in names
    ]
    pdf = merge.combine(pdfs, duplex=True)
    # Apart from page one, a batch's handouts are the same pages: far less than three files.
    assert len(pdf) < 2 * len(pdfs[0])
    pages = reader(pdf).pages
    per_handout = len(reader(pdfs[0]).pages) + len(reader(pdfs[0]).pages) % 2
    firsts = [pages[i * per_handout].extract_text() for i in range(len(names))]
    assert all(name in first for name, first in zip(names, firsts, strict=True))
    qpdf_check(pdf, tmp_path)


def test_combine_prefixes_fields_so_they_never_collide(tmp_path: Path) -> None:
    handout = make_pdf(1, checkboxes=["done"], textfields=["note"])
    pdf = merge.combine([handout, handout, handout])
    names = merge.field_names(pdf)
    assert sorted(names) == sorted(f"h{i}.{f}" for i in (1, 2, 3) for f in ("done", "note"))
    qpdf_check(pdf, tmp_path)


def test_combine_does_not_prefix_twice_with_the_attach_prefix() -> None:
    first = merge.attach(make_pdf(1, checkboxes=["done"]), [], "row1")
    second = merge.attach(make_pdf(1, checkboxes=["done"]), [], "row2")
    pdf = merge.combine([first, second], prefixes=["row1", "row2"])
    assert sorted(merge.field_names(pdf)) == ["row1.done", "row2.done"]


def test_combine_gives_each_handout_one_closed_bookmark_over_its_own() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(2))))
    writer.add_outline_item(title="Your programme", page_number=0)
    writer.add_outline_item(title="Sources", page_number=1)
    handout = io.BytesIO()
    writer.write(handout)
    combined = PdfReader(io.BytesIO(merge.combine([handout.getvalue()] * 2, titles=["Ann", "Bob"])))
    ann, ann_own, bob, bob_own = combined.outline
    assert (ann.title, bob.title) == ("Ann", "Bob")
    assert [item.title for item in ann_own + bob_own] == ["Your programme", "Sources"] * 2
    assert [combined.get_destination_page_number(item) for item in (ann, bob)] == [0, 2]
    assert ann["/Count"] < 0 and bob["/Count"] < 0  # closed: the list shows the names only


def test_combine_rejects_repeated_prefixes() -> None:
    with pytest.raises(ValueError, match="distinct"):
        merge.combine([make_pdf(1), make_pdf(1)], prefixes=["a", "a"])


def test_broken_input_is_a_user_error_naming_the_handout() -> None:
    with pytest.raises(HandoutsError, match="handout 2 is not a readable PDF"):
        merge.combine([make_pdf(1), b"not a pdf"])


# --- attach --------------------------------------------------------------------------------


def test_attach_keeps_pages_and_fields_of_the_attachments(tmp_path: Path) -> None:
    handout = make_pdf(2, label="H", checkboxes=["done"], textfields=["name"])
    consent = make_pdf(1, label="C", checkboxes=["agree"], textfields=["name", "date"])
    intake = make_pdf(2, label="I", textfields=["history"])
    pdf = merge.attach(handout, [consent, intake], "h3")
    assert all_text(pdf) == ["H1", "H2", "C1", "I1", "I2"]
    assert sorted(merge.field_names(pdf)) == sorted(
        ["h3.done", "h3.name", "h3.a1.agree", "h3.a1.name", "h3.a1.date", "h3.a2.history"]
    )
    # The widgets are still on the pages they came from.
    widgets = [len(page.get("/Annots", [])) for page in reader(pdf).pages]
    assert widgets == [2, 0, 3, 1, 0]
    qpdf_check(pdf, tmp_path)


def test_attach_without_extras_prefixes_the_handout_only() -> None:
    pdf = merge.attach(make_pdf(1, checkboxes=["done"]), [], "h7")
    assert merge.field_names(pdf) == ["h7.done"]


def test_prefix_fields_is_idempotent_and_leaves_formless_files_alone() -> None:
    once = merge.prefix_fields(make_pdf(1, checkboxes=["x"]), "h1")
    assert merge.prefix_fields(once, "h1") == once
    plain = make_pdf(1)
    assert merge.prefix_fields(plain, "h1") == plain


def test_prefix_must_not_contain_a_dot() -> None:
    with pytest.raises(ValueError, match="prefix"):
        merge.prefix_fields(make_pdf(1, checkboxes=["x"]), "h.1")


def test_attach_reports_a_broken_attachment_by_number() -> None:
    with pytest.raises(HandoutsError, match="attachment 2"):
        merge.attach(make_pdf(1), [make_pdf(1), b"%PDF-1.4 garbage"], "h1")


def test_password_protected_attachment_is_a_user_error() -> None:
    locked = protect.encrypt(make_pdf(1), "secret")
    with pytest.raises(HandoutsError, match="attachment 1 is password-protected"):
        merge.attach(make_pdf(1), [locked], "h1")


# --- booklet -------------------------------------------------------------------------------


def test_booklet_order_matches_folding() -> None:
    assert impose.booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert impose.booklet_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]


def test_booklet_of_eight_a4_pages(tmp_path: Path) -> None:
    pdf = impose.impose_booklet(make_pdf(8, checkboxes=["done"]))
    sheets = reader(pdf).pages
    assert len(sheets) == 4
    for sheet in sheets:
        assert_size(sheet, A4_LANDSCAPE)
    pairs = [halves(sheet) for sheet in sheets]
    assert pairs == [
        (["P8"], ["P1"]),
        (["P2"], ["P7"]),
        (["P6"], ["P3"]),
        (["P4"], ["P5"]),
    ]
    assert "/AcroForm" not in reader(pdf).trailer["/Root"]
    assert all("/Annots" not in sheet for sheet in sheets)
    qpdf_check(pdf, tmp_path)


def test_booklet_sheets_keep_their_content_compressed() -> None:
    pdf = impose.impose_booklet(make_pdf(4))
    for sheet in reader(pdf).pages:
        contents = sheet["/Contents"].get_object()
        assert contents.get("/Filter") == "/FlateDecode"


def test_booklet_pads_to_a_multiple_of_four() -> None:
    pdf = impose.impose_booklet(make_pdf(5))
    pairs = [halves(sheet) for sheet in reader(pdf).pages]
    assert pairs == [([], ["P1"]), (["P2"], []), ([], ["P3"]), (["P4"], ["P5"])]


def test_booklet_scales_a4_pages_into_a5_halves() -> None:
    pdf = impose.impose_booklet(make_pdf(4))
    sheet = reader(pdf).pages[0]
    # Text drawn at the centre of each A4 page lands at the centre of each half.
    positions: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            positions.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    sheet.extract_text(visitor_text=visit)
    scale = BOOKLET_SCALE
    text_width_start = A4[0] / 2 * scale  # the text is centred; its start is left of this
    assert positions[0] < text_width_start < A5[0]
    assert A5[0] < positions[1] < A5[0] + text_width_start


def ctm_of(page, label: str) -> list[float]:  # noqa: ANN001 - a pypdf page
    found: dict[str, list[float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found[text.strip()] = list(cm)

    page.extract_text(visitor_text=visit)
    return found[label]


def test_booklet_turns_a_landscape_page_to_fill_its_half() -> None:
    pdf = impose.impose_booklet(make_pdf(4, landscape=(2,)))
    back = reader(pdf).pages[1]
    assert halves(back) == (["P2"], ["P3"])
    a, b, c, d, _, _ = ctm_of(back, "P2")
    assert a == pytest.approx(0, abs=1e-6) and d == pytest.approx(0, abs=1e-6)
    assert b == pytest.approx(BOOKLET_SCALE, abs=0.001)  # a quarter turn anticlockwise
    assert c == pytest.approx(-b)
    a, b, _, _, _, _ = ctm_of(back, "P3")
    assert (a, b) == (pytest.approx(BOOKLET_SCALE, abs=0.001), pytest.approx(0, abs=1e-6))


def corner_pdf(sizes: list[tuple[float, float]]) -> bytes:
    """One page per size, with text starting exactly at its bottom-left and top-right corners."""
    out = io.BytesIO()
    canv = canvas.Canvas(out, invariant=1)
    for width, height in sizes:
        canv.setPageSize((width, height))
        canv.setFont(font_name(), 10)
        canv.drawString(0, 0, "BL")
        canv.drawString(width, height, "TR")
        canv.showPage()
    canv.save()
    return out.getvalue()


def origins(page) -> list[tuple[float, float]]:  # noqa: ANN001 - a pypdf page
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.append(
                (tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
            )

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("paper", [A4, letter])
def test_booklet_pages_keep_clear_of_the_sheet_edge(paper: tuple[float, float]) -> None:
    # Portrait pages and a landscape one (the tracking sheet), turned into its half.
    sizes = [paper, paper, (paper[1], paper[0]), paper]
    sheets = reader(impose.impose_booklet(corner_pdf(sizes))).pages
    inset = 2 * 72 / 25.4 - 0.01
    corners = [(sheet, xy) for sheet in sheets for xy in origins(sheet)]
    assert len(corners) == 8
    for sheet, (x, y) in corners:
        width, height = size(sheet)
        assert inset <= x <= width - inset and inset <= y <= height - inset, (x, y)


def test_booklet_honours_a_page_rotate_entry() -> None:
    source = reader(make_pdf(4, landscape=(1, 2, 3, 4)))
    writer = PdfWriter()
    for page in source.pages:
        writer.add_page(page).rotate(90)  # landscape pages shown portrait
    out = io.BytesIO()
    writer.write(out)
    pdf = impose.impose_booklet(out.getvalue())
    sheet = reader(pdf).pages[0]
    assert_size(sheet, A4_LANDSCAPE)  # the pages show as A4 portrait
    assert halves(sheet) == (["P4"], ["P1"])


@pytest.mark.parametrize(
    ("page", "sheet"),
    [
        (letter, (792, 612)),
        ((396, 612), (792, 612)),
        (A5, A4_LANDSCAPE),
        ((300, 500), (600, 500)),
        # A landscape first page is still A4 or letter paper, not a sheet twice its width.
        (A4_LANDSCAPE, A4_LANDSCAPE),
        ((792, 612), (792, 612)),
    ],
)
def test_booklet_sheet_size_follows_the_first_page(page, sheet) -> None:  # noqa: ANN001
    pdf = impose.impose_booklet(make_pdf(2, size=page))
    assert_size(reader(pdf).pages[0], sheet)


def test_booklet_keeps_the_title() -> None:
    pdf = impose.impose_booklet(make_pdf(1, title="Knee programme"))
    assert reader(pdf).metadata.title == "Knee programme"


def test_impose_note_mentions_what_is_lost() -> None:
    assert "fields" in impose.IMPOSE_NOTE and "bookmarks" in impose.IMPOSE_NOTE


# --- encryption ----------------------------------------------------------------------------


def test_encrypt_uses_aes_256_and_the_password_opens_it(tmp_path: Path) -> None:
    pdf = protect.encrypt(make_pdf(2, checkboxes=["done"]), "s3cret pass")
    locked = reader(pdf)
    assert locked.is_encrypted
    encrypt_dict = locked.trailer["/Encrypt"].get_object()
    assert encrypt_dict["/Filter"] == "/Standard"
    assert encrypt_dict["/V"] == 5
    assert encrypt_dict["/CF"]["/StdCF"]["/CFM"] == "/AESV3"
    with pytest.raises(FileNotDecryptedError):
        len(locked.pages)
    assert not reader(pdf).decrypt("wrong")
    opened = reader(pdf)
    assert opened.decrypt("s3cret pass")
    assert [p.extract_text().strip() for p in opened.pages] == ["P1", "P2"]
    qpdf_check(pdf, tmp_path, password="s3cret pass")


def test_empty_password_is_a_user_error() -> None:
    with pytest.raises(HandoutsError, match="password"):
        protect.encrypt(make_pdf(1), "")


# --- metadata ------------------------------------------------------------------------------


def test_scrub_metadata_removes_the_patient_name() -> None:
    pdf = make_pdf(
        1, title="Knee programme for Jane Doe", subject="Jane Doe", keywords="knee, jane doe, rehab"
    )
    meta = reader(protect.scrub_metadata(pdf, "Jane Doe")).metadata
    assert meta.title == "Knee programme"
    assert meta.subject is None
    assert meta.get("/Keywords") == "knee, rehab"
    assert "jane" not in str(dict(meta)).lower()


def test_scrub_metadata_without_the_name_changes_nothing() -> None:
    pdf = make_pdf(1, title="Knee programme")
    assert protect.scrub_metadata(pdf, "Jane Doe") == pdf
    assert protect.scrub_metadata(pdf, "  ") == pdf


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Knee programme for Jane Doe", "Knee programme"),
        ("Jane Doe – Knee programme", "Knee programme"),
        ("Handout (Jane Doe)", "Handout"),
        ("Programme for JANE DOE: knee", "Programme: knee"),
        ("Jane Doe", ""),
    ],
)
def test_scrub_text(value: str, expected: str) -> None:
    assert protect.scrub_text(value, "Jane Doe") == expected


# --- checks --------------------------------------------------------------------------------


def test_page_count() -> None:
    assert merge.page_count(make_pdf(3)) == 3


def test_is_valid_pdf(tmp_path: Path) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(make_pdf(2))
    assert merge.is_valid_pdf(good)
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(good.read_bytes()[:-2000])
    assert not merge.is_valid_pdf(truncated)
    assert not merge.is_valid_pdf(tmp_path / "missing.pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert not merge.is_valid_pdf(empty)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.4\nnothing here\n%%EOF\n")
    assert not merge.is_valid_pdf(fake)


def test_is_valid_pdf_on_an_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(protect.encrypt(make_pdf(1), "pw"))
    assert merge.is_valid_pdf(path)
    assert merge.is_valid_pdf(path, password="pw")
    assert not merge.is_valid_pdf(path, password="other")


# --- atomic writes -------------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def test_write_atomic_writes_and_leaves_no_part_file(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new"
    assert leftovers(tmp_path) == []


def test_write_atomic_failure_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old complete file")

    def crash(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new data")
    assert target.read_bytes() == b"old complete file"
    assert leftovers(tmp_path) == []


def test_atomic_path_exception_mid_write(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".") and tmp.name.endswith(".part")
        tmp.write_bytes(b"half a fi")
        raise RuntimeError("killed mid-write")
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_atomic_path_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
        assert target.read_bytes() == b"old"  # nothing visible until the block ends
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_atomic_file_gets_normal_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.pdf", b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.pdf").stat().st_mode & 0o777 == 0o644
