"""Booklets at 100 %: laid out at A5 (half letter), imposed two to a side unshrunk, the
tracking sheet full size on sheets of its own; read back with pypdf and pdfplumber."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.build import Builder, Request
from handouts.cli import main
from handouts.compose import Options, Selection
from handouts.content.models import Patient
from handouts.post.impose import impose_booklet

PATIENT = Patient(name="Sam Lee", start=dt.date(2026, 12, 7))
A4_SIDE, LETTER_SIDE = (842, 595), (792, 612)


def sizes(pdf: bytes) -> list[tuple[int, int]]:
    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def char_sizes(pdf: bytes, pages: slice = slice(None)) -> Counter:
    """How many characters print at each size (to 0.01 pt), as a reader measures them."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return Counter(
            round(char["size"], 2)
            for page in document.pages[pages]
            for char in page.chars
            if char["text"].strip()
        )


@pytest.fixture(scope="module")
def booklets(builder: Builder) -> dict[str, tuple[bytes, bytes]]:
    """Each paper's booklet as laid out (A5 pages, the tracker full size) and as imposed."""
    built = {}
    for paper in ("a4", "letter"):
        options = Options(paper, booklet=True)
        _, laid_out = builder.build(
            Request(Selection("inner-calf-circuit"), PATIENT, options=options)
        )
        built[paper] = laid_out, impose_booklet(laid_out)
    return built


@pytest.mark.parametrize(
    ("paper", "page", "full", "side"),
    [("a4", (420, 595), (595, 842), A4_SIDE), ("letter", (396, 612), (612, 792), LETTER_SIDE)],
)
def test_a_booklet_is_laid_out_at_half_size_and_its_tracker_full_size(
    booklets, paper: str, page: tuple, full: tuple, side: tuple
) -> None:  # noqa: ANN001
    laid_out, imposed = booklets[paper]
    shapes = sizes(laid_out)
    folded = shapes.count(page)
    assert shapes == [page] * folded + [full] * (len(shapes) - folded)
    reader = PdfReader(io.BytesIO(laid_out))
    if folded % 4:  # a spare page on the last folded sheet holds the notes
        assert "Your notes" in reader.pages[folded - 1].extract_text()
    assert len(shapes) > folded  # the tracking sheet
    trackers = len(shapes) - folded
    sides = -(-folded // 4) * 2  # whole folded sheets, two sides each
    # Folded sides at landscape sheet size, then each tracker page and a blank back.
    assert sizes(imposed) == [side] * sides + [full] * (2 * trackers)
    reader = PdfReader(io.BytesIO(imposed))
    assert "Tracking sheet" in reader.pages[sides].extract_text()
    assert not reader.pages[sides + 1].extract_text().strip()  # its sheet's back


def test_booklet_text_prints_at_the_a5_builds_sizes(booklets) -> None:  # noqa: ANN001
    """100 %: the imposed sheets' characters have the sizes of the A5 pages, body 11 pt."""
    laid_out, imposed = booklets["a4"]
    folded = sizes(laid_out).count((420, 595))
    sides = -(-folded // 4) * 2
    before = char_sizes(laid_out, slice(0, folded))
    after = char_sizes(imposed, slice(0, sides))
    assert after == before
    assert after.most_common(1)[0][0] == 11.0
    assert min(after) >= 8.0
    # The tracker's sheet is the A4 build's own size, not shrunk either.
    assert char_sizes(imposed, slice(sides, None)) == char_sizes(laid_out, slice(folded, None))


def test_a_large_print_booklet_keeps_14_pt(builder: Builder) -> None:
    options = Options("a4", large_print=True, booklet=True)
    _, laid_out = builder.build(Request(Selection("inner-calf-circuit"), PATIENT, options=options))
    imposed = impose_booklet(laid_out)
    assert char_sizes(imposed).most_common(1)[0][0] == 14.0
    assert sizes(imposed)[0] == A4_SIDE


def test_an_a4_pdf_is_still_shrunk_into_the_halves() -> None:
    """``handouts impose`` of a full-size PDF: its A4 pages fit the halves, all of them."""
    from conftest_pdf import make_pdf

    assert sizes(impose_booklet(make_pdf(6))) == [A4_SIDE] * 4


def test_a_batch_booklet_print_file_has_one_bookmark_per_attendee(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HANDOUTS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("patient,programme\nAnn Lee,inner-calf-circuit\nBen Ode,inner-calf-circuit\n")
    args = ["batch", roster, "--out-dir", "out", "--jobs", "1", "--booklet"]
    result = CliRunner().invoke(main, [str(a) for a in [*args, "--combine", "all.pdf"]])
    assert result.exit_code == 0, result.output
    printed = PdfReader(tmp_path / "all.pdf")
    assert [item.title for item in printed.outline if not isinstance(item, list)] == [
        "Ann Lee",
        "Ben Ode",
    ]
    full = sizes((tmp_path / "out" / "ann-lee.pdf").read_bytes())
    assert set(full) == {(595, 842)}  # the handout beside the booklet is full size
    assert sizes((tmp_path / "out" / "ann-lee.booklet.pdf").read_bytes())[0] == A4_SIDE
