"""Helpers that make small test PDFs with reportlab and read them back with pypdf."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import fontpkg
import pytest
from pypdf import PageObject, PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from handouts.render.font_cache import print_ready
from handouts.render.ttf import PrintFont

QPDF = shutil.which("qpdf")


@cache
def font_name() -> str:
    """Register Atkinson Hyperlegible once; never draw test text in the built-in Helvetica.

    As the handouts register it (the print copy, as a PrintFont): reportlab treats
    fonts with one PostScript name as one font, whichever was registered first.
    """
    name = "TestAtkinson"
    path = print_ready(fontpkg.path("Atkinson Hyperlegible", 400))
    pdfmetrics.registerFont(PrintFont(name, str(path)))
    return name


def make_pdf(
    pages: int,
    *,
    label: str = "P",
    size: tuple[float, float] = A4,
    checkboxes: Sequence[str] = (),
    textfields: Sequence[str] = (),
    title: str | None = None,
    subject: str | None = None,
    keywords: str | None = None,
    landscape: Sequence[int] = (),
) -> bytes:
    """``pages`` pages showing ``<label><n>`` large in the middle; fields go on page 1.

    Page numbers in ``landscape`` (1-based) get the landscape version of ``size``.
    """
    out = io.BytesIO()
    canv = canvas.Canvas(out, pagesize=size, invariant=1)
    for attr, value in (("Title", title), ("Subject", subject), ("Keywords", keywords)):
        if value is not None:
            getattr(canv, f"set{attr}")(value)
    for number in range(1, pages + 1):
        width, height = (max(size), min(size)) if number in landscape else size
        canv.setPageSize((width, height))
        canv.setFont(font_name(), 36)
        canv.drawCentredString(width / 2, height / 2, f"{label}{number}")
        if number == 1:
            _draw_fields(canv, checkboxes, textfields)
        canv.showPage()
    canv.save()
    return out.getvalue()


def _draw_fields(canv: canvas.Canvas, checkboxes: Sequence[str], textfields: Sequence[str]) -> None:
    for row, name in enumerate(checkboxes):
        canv.acroForm.checkbox(name=name, x=60, y=100 + 30 * row, size=18)
    for row, name in enumerate(textfields):
        canv.acroForm.textfield(name=name, x=120, y=100 + 30 * row, width=160, height=20)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def texts_left_to_right(page: PageObject) -> list[str]:
    """Words on ``page`` ordered by where they are drawn, not by content-stream order."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            found.append((x, text.strip()))

    page.extract_text(visitor_text=visit)
    return [text for _, text in sorted(found)]


def halves(page: PageObject) -> tuple[list[str], list[str]]:
    """Texts on the left and right half of a sheet, by x position."""
    middle = float(page.mediabox.width) / 2
    left: list[str] = []
    right: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            (left if x < middle else right).append(text.strip())

    page.extract_text(visitor_text=visit)
    return left, right


def qpdf_check(pdf: bytes, tmp_path: Path, password: str | None = None) -> None:
    """``qpdf --check`` must be clean; skipped where qpdf is not installed (CI has it)."""
    if QPDF is None:
        pytest.skip("qpdf not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    args = [QPDF, "--check", str(path)]
    if password is not None:
        args.insert(1, f"--password={password}")
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
