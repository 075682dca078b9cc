"""The post-processing steps in order, shared by ``build`` and ``batch``."""

from __future__ import annotations

from collections.abc import Sequence

from handouts.post.bleed import with_bleed
from handouts.post.impose import (
    IMPOSE_NOTE,
    has_forms_or_outline,
    impose_booklet,
)
from handouts.post.merge import attach, pad_to_even
from handouts.post.outside import reading, sound
from handouts.post.protect import encrypt, scrub_metadata

BOOKLET_BLEED_NOTE = (
    "--bleed is for a print shop's single pages; a booklet is made for an office printer, "
    "so it has no bleed or crop marks"
)


def finish_pdf(
    pdf: bytes,
    *,
    attachments: Sequence[bytes] = (),
    field_prefix: str = "h1",
    private_name: str = "",
    booklet: bool = False,
    bleed: bool = False,
    password: str = "",
    duplex: bool = False,
) -> tuple[bytes, list[str]]:
    """Attach, scrub, impose or pad, bleed, encrypt (in that order); returns the PDF and
    notes.

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
        pdf = impose_booklet(pdf)
        if bleed:
            notes.append(BOOKLET_BLEED_NOTE)
    else:
        if duplex:
            pdf = pad_to_even(pdf)
        if bleed:
            pdf = with_bleed(pdf)
    if password:
        pdf = encrypt(pdf, password)
    return pdf, notes
