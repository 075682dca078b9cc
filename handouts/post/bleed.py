"""Print-shop pages (``--bleed``): the bleed shown, crop marks, and the page boxes.

The header band is drawn 3 mm past the trim already (``render/document.py``); an
office print clips it at the paper's edge. For a print shop each page grows by a
slug around the trim: the band's bleed shows, crop marks at the corners show where
to cut, the TrimBox is the finished page and the BleedBox the trim plus 3 mm.
"""

from __future__ import annotations

import io

import pikepdf

MM = 72 / 25.4
BLEED = 3 * MM  # as render/theme.py's BLEED: what the band runs past the trim
MARK_GAP = BLEED  # crop marks start outside the bleed, so a cut never shows them
MARK_LENGTH = 5 * MM
SLUG = MARK_GAP + MARK_LENGTH + 1 * MM  # the paper around the trim that holds the marks
MARK_WIDTH = 0.25  # points: a hairline, as print shops expect


def with_bleed(pdf: bytes) -> bytes:
    """``pdf`` with every page grown by :data:`SLUG`: bleed, crop marks, Trim- and BleedBox.

    Fields, bookmarks and tags are kept: each page's content streams stay as they are,
    between a ``q`` and a ``Q`` (whatever a page leaves set does not reach the marks).
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            left, bottom, right, top = (float(v) for v in page.cropbox)  # the finished page
            page.obj.TrimBox = pikepdf.Array([left, bottom, right, top])
            page.obj.BleedBox = pikepdf.Array(
                [left - BLEED, bottom - BLEED, right + BLEED, top + BLEED]
            )
            media = pikepdf.Array([left - SLUG, bottom - SLUG, right + SLUG, top + SLUG])
            page.obj.MediaBox = media
            page.obj.CropBox = media
            page.contents_add(pikepdf.Stream(document, b"q\n"), prepend=True)
            marks = b"Q\n" + _crop_marks(left, bottom, right, top)
            page.contents_add(pikepdf.Stream(document, marks))
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
    return out.getvalue()


def _crop_marks(left: float, bottom: float, right: float, top: float) -> bytes:
    """Eight hairlines, two at each corner, in the trim's lines, outside the bleed, in
    every ink (registration); an artifact, so a screen reader skips them."""
    lines = [b"/Artifact BMC q %.2f w 1 1 1 1 K" % MARK_WIDTH]
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    for x, out_x in ((left, -1), (right, 1)):
        for y, out_y in ((bottom, -1), (top, 1)):
            lines.append(b"%.2f %.2f m %.2f %.2f l S" % (x + out_x * near, y, x + out_x * far, y))
            lines.append(b"%.2f %.2f m %.2f %.2f l S" % (x, y + out_y * near, x, y + out_y * far))
    return b"\n".join([*lines, b"Q EMC\n"])
