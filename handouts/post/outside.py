"""PDFs from outside the project: ``--attach`` files, ``impose``'s input, ``send``'s file.

A damaged or hostile PDF made pypdf raise whatever it met (ZeroDivisionError,
LimitReachedError, NotImplementedError...), and some made outputs that fail
``qpdf --check``. So an outside PDF is first read and rewritten by qpdf (pikepdf),
which repairs what can be repaired (a broken cross-reference table, wrong stream
lengths) and refuses the rest; pypdf then works on qpdf's clean copy. Whatever a
step made from an outside PDF is checked by qpdf before it is written, and any
failure on the way is one line naming the file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from handouts.errors import HandoutsError, PdfError

DAMAGED = "cannot read the PDF (damaged, or not a PDF); save or export it again"
MAX_PAGES = 10_000  # a handout's attachment or a booklet: far more is a mistake


class DamagedPdf(PdfError):
    """An outside PDF that cannot be read, or whose result would not be a sound PDF."""


def read_outside(pdf: bytes, what: str, subject: str = "") -> bytes:
    """``pdf`` as qpdf rewrites it: repaired, unencrypted; or ``DamagedPdf`` naming ``what``
    (``subject``: the input it is, as ``HandoutsError`` takes it)."""

    try:
        return _rewritten(pdf, what)
    except DamagedPdf as error:
        raise DamagedPdf(error.message, subject=subject) from None


def _rewritten(pdf: bytes, what: str) -> bytes:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            pages = len(document.pages)
            if pages == 0:
                raise DamagedPdf(f"{what}: the PDF has no pages")
            if pages > MAX_PAGES:
                raise DamagedPdf(f"{what}: the PDF has {pages:,} pages; at most {MAX_PAGES:,}")
            out = io.BytesIO()
            document.save(out, fix_metadata_version=False, deterministic_id=True)
        with pikepdf.open(io.BytesIO(out.getvalue())) as repaired:
            if repaired.check_pdf_syntax():  # what qpdf could not repair (a broken stream)
                raise DamagedPdf(f"{what}: {DAMAGED}")
    except pikepdf.PasswordError:
        raise DamagedPdf(f"{what}: the PDF is protected by a password; remove it first") from None
    except DamagedPdf:
        raise
    except Exception:  # noqa: BLE001 - qpdf and its bindings raise many kinds on a bad file
        raise DamagedPdf(f"{what}: {DAMAGED}") from None
    return out.getvalue()


def sound(pdf: bytes, what: str) -> bytes:
    """``pdf`` if qpdf finds nothing wrong in it (as ``qpdf --check``); else ``DamagedPdf``."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            problems = document.check_pdf_syntax()
    except Exception:  # noqa: BLE001 - as above
        problems = ["unreadable"]
    if problems:
        raise DamagedPdf(f"{what}: the result would not be a sound PDF; {DAMAGED}")
    return pdf


@contextmanager
def reading(what: str) -> Iterator[None]:
    """Any error while pypdf works on an outside PDF is that PDF's problem, in one line."""
    try:
        yield
    except HandoutsError:
        raise
    except (Exception, RecursionError):  # noqa: BLE001 - pypdf raises many kinds on odd input
        raise DamagedPdf(f"{what}: {DAMAGED}") from None
