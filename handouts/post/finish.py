"""The post-processing steps in order, shared by ``build`` and ``batch``."""

from __future__ import annotations

from collections.abc import Sequence

from handouts.post.impose import (
    IMPOSE_NOTE,
    LARGE_PRINT_BOOKLET_NOTE,
    has_forms_or_outline,
    impose_booklet,
)
from handouts.post.merge import attach, pad_to_even
from handouts.post.outside import reading, sound
from handouts.post.protect import encrypt, scrub_metadata


def finish_pdf(
    pdf: bytes,
    *,
    attachments: Sequence[bytes] = (),
    field_prefix: str = "h1",
    private_name: str = "",
    booklet: bool = False,
    password: str = "",
    large_print: bool = False,
    duplex: bool = False,
) -> tuple[bytes, list[str]]:
    """Attach, scrub, impose or pad, encrypt (in that order); returns the PDF and notes.

    ``duplex`` pads to an even page count, so that each printed copy starts on the
    front of a sheet (a booklet is padded already).

    Shared by ``build`` and ``batch``. Encryption comes last so every other
    step can read the file; imposition after attaching so the clinic's pages
    are in the booklet too.
    """
    notes: list[str] = []
    if attachments:  # read through qpdf already (read_attachments); checked by it again here
        what = "the handout with its --attach files"
        with reading(what):
            pdf = sound(attach(pdf, list(attachments), field_prefix), what)
    if private_name.strip():
        pdf = scrub_metadata(pdf, private_name)  # belt and braces: the renderer already did
    if booklet:
        if has_forms_or_outline(pdf):
            notes.append(IMPOSE_NOTE)
        if large_print:  # the shrink to A5 undoes what the reader asked for
            notes.append(LARGE_PRINT_BOOKLET_NOTE)
        pdf = impose_booklet(pdf)
    elif duplex:
        pdf = pad_to_even(pdf)
    if password:
        pdf = encrypt(pdf, password)
    return pdf, notes
