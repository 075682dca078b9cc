"""Booklet imposition: two pages a side, in folding order, on A4 or letter sheets.

A handout built as a booklet is laid out at A5 (or half letter) and imposed at 100 %;
its tracking sheet follows on full-size pages, which go on sheets of their own. Any
other PDF (an A4 handout given to ``handouts impose``) is shrunk into the halves.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
)

from handouts.post.merge import _reader, _to_bytes

IMPOSE_NOTE = (
    "booklet imposition keeps the printed content only: fillable fields, bookmarks and "
    "the tags screen readers use are not included in the booklet"
)

A4 = (595.28, 841.89)
A5 = (419.53, 595.28)
LETTER = (612.0, 792.0)
HALF_LETTER = (396.0, 612.0)
# Page size → sheet size: A4 or A5 pages go onto A4 landscape, letter or half
# letter onto letter landscape (A5 is 148 mm, not half of A4's 297 mm).
_SHEETS = {
    A4: (A4[1], A4[0]),
    A5: (A4[1], A4[0]),
    LETTER: (792.0, 612.0),
    HALF_LETTER: (792.0, 612.0),
}
SIZE_TOLERANCE = 2.0  # points; PDFs round A4 to 595x842 or 595.276x841.89
# Pages shrink this far inside each half of a booklet sheet. Office printers leave the
# outer 4-5 mm of a sheet blank, and a handout's footer, 6.3 mm from its page's edge,
# would land 4.5 mm from the sheet's edge at the A4 → A5 scale alone.
BOOKLET_INSET = 2 * 72 / 25.4  # 2 mm in points


def has_forms_or_outline(pdf: bytes) -> bool:
    """Would booklet imposition drop something (form fields, bookmarks, tags)?"""
    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted:
        return False  # impose_booklet will refuse it with a clear message
    tagged = "/StructTreeRoot" in reader.root_object
    return bool(reader.get_fields()) or bool(reader.outline) or tagged


# --- booklet ------------------------------------------------------------------------------


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) 0-based source pages for each sheet side, front then back.

    ``pages`` is padded to a multiple of 4; padding positions are ``None``.
    For 8 pages: (7,0) (1,6) (5,2) (3,4), i.e. 1-based (8,1) (2,7) (6,3) (4,5).
    """
    total = -(-pages // 4) * 4

    def real(index: int) -> int | None:
        return index if index < pages else None

    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(total // 4):
        sides.append((real(total - 1 - 2 * sheet), real(2 * sheet)))
        sides.append((real(2 * sheet + 1), real(total - 2 - 2 * sheet)))
    return sides


def sheet_size(page_width: float, page_height: float) -> tuple[float, float]:
    """A4 or A5 pages → A4 landscape, letter or half letter → letter landscape; else 2-up.

    Either orientation: a landscape first page (a clinic's form, a tracking sheet) is
    still on A4 or letter paper, and :func:`_place` turns it to fill its half.
    """
    short, long = sorted((page_width, page_height))
    for paper, sheet in _SHEETS.items():
        if _close(short, paper[0]) and _close(long, paper[1]):
            return sheet
    return 2 * page_width, page_height


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= SIZE_TOLERANCE


def impose_booklet(pdf: bytes, progress: Callable[[int, int], None] | None = None) -> bytes:
    """Two pages per side, ordered so the folded stack reads 1, 2, 3…

    Print duplex, flip on the short edge, fold in half. Fields and bookmarks do
    not survive (see :data:`IMPOSE_NOTE`), so impose a print copy only.
    ``progress(done, total)`` hears of every sheet side placed (time is linear in pages).
    """
    reader = _reader(pdf)
    width, height = sheet_size(*_shown_size(reader.pages[0]))
    folded = _folded_pages(reader.pages, (width, height))
    writer = PdfWriter()
    order = booklet_order(folded)
    for done, (left, right) in enumerate(order, start=1):
        if progress:
            progress(done, len(order))
        sheet = writer.add_blank_page(width, height)
        for half, index in ((0, left), (1, right)):
            if index is not None:
                _place(sheet, _printable(reader.pages[index]), half, width, height)
        sheet.compress_content_streams()  # merging leaves the sheet's content uncompressed
    for page in reader.pages[folded:]:  # full size, each on the front of a sheet of its own
        added = writer.add_page(_printable(page))
        writer.add_blank_page(float(added.mediabox.width), float(added.mediabox.height))
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if k != "/Producer"})
    return _to_bytes(writer)


def _folded_pages(pages: list[PageObject], sheet: tuple[float, float]) -> int:
    """How many pages go into the fold: all, but for full-size pages (a booklet's tracking
    sheet, one page as large as the sheet) that end a PDF of half-size pages."""
    half, full = sorted((sheet[0] / 2, sheet[1])), sorted(sheet)  # either way round
    if not all(map(_close, sorted(_shown_size(pages[0])), half)):
        return len(pages)  # pages larger than half a sheet: all are shrunk into the fold
    count = len(pages)
    while count > 1 and all(map(_close, sorted(_shown_size(pages[count - 1])), full)):
        count -= 1
    return count


def _shown_size(page: PageObject) -> tuple[float, float]:
    """Width and height as a viewer shows the page (/Rotate 90 swaps them)."""
    width, height = float(page.cropbox.width), float(page.cropbox.height)
    return (height, width) if page.rotation % 180 else (width, height)


def _printable(page: PageObject) -> PageObject:
    """Drop widgets and internal links: they would point at fields and pages we discard."""
    annots = page.get("/Annots")
    if annots is not None:
        keep = [a for a in annots.get_object() if _is_web_link(a.get_object())]
        page[NameObject("/Annots")] = ArrayObject(keep)
        if not keep:
            del page["/Annots"]
    return page


def _is_web_link(annot: DictionaryObject) -> bool:
    action = annot.get("/A")
    return annot.get("/Subtype") == "/Link" and action is not None and "/URI" in action.get_object()


def _place(sheet: PageObject, page: PageObject, half: int, width: float, height: float) -> None:
    """Fit ``page`` into one half of ``sheet``, centred, as a viewer would show it: at
    100 % when it fits (an A5 page on A4), else shrunk :data:`BOOKLET_INSET` clear of
    the half's edges.

    The page's own /Rotate is applied first (merging ignores it). A page whose
    orientation differs from the half's, such as the landscape tracking grid in
    a portrait booklet, is turned a quarter anticlockwise so it fills the half.
    """
    box = page.cropbox
    move = Transformation().translate(-float(box.left), -float(box.bottom))
    move, page_w, page_h = _turn(move, -page.rotation, float(box.width), float(box.height))
    half_w = width / 2
    if (page_w > page_h and half_w < height) or (page_w < page_h and half_w > height):
        move, page_w, page_h = _turn(move, 90, page_w, page_h)
    if page_w <= half_w + SIZE_TOLERANCE and page_h <= height + SIZE_TOLERANCE:
        scale = 1.0  # a page laid out at half the sheet: printed as it is, its margins kept
    else:
        inset = BOOKLET_INSET
        scale = min((half_w - 2 * inset) / page_w, (height - 2 * inset) / page_h)
    x = half * half_w + (half_w - page_w * scale) / 2
    y = (height - page_h * scale) / 2
    sheet.merge_transformed_page(page, move.scale(scale, scale).translate(x, y))


def _turn(
    move: Transformation, degrees: float, width: float, height: float
) -> tuple[Transformation, float, float]:
    """Rotate the box (0, 0)-(width, height) anticlockwise and shift it back to the origin."""
    if degrees % 360 == 0:
        return move, width, height
    turn = Transformation().rotate(degrees)
    corners = [turn.apply_on((x, y)) for x in (0, width) for y in (0, height)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    moved = move.rotate(degrees).translate(-min(xs), -min(ys))
    return moved, max(xs) - min(xs), max(ys) - min(ys)
