"""Protecting a handout: encryption, and the patient's name kept out of the metadata."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader, PdfWriter

from handouts.errors import PdfError
from handouts.post.merge import _reader, _to_bytes

# --- security and privacy -----------------------------------------------------------------


def encrypt(pdf: bytes, password: str) -> bytes:
    """AES-256 (pypdf's default would be RC4); the same password opens and owns the file."""
    if not password:
        raise PdfError("the PDF password must not be empty")
    writer = PdfWriter(clone_from=_reader(pdf))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    return _to_bytes(writer)


_SEP = r"[,;:|/–—-]"
_FILLER = r"(?:for|of|to|by|and|&)"
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_RUNS = re.compile(rf"\s*({_SEP})(?:\s*{_SEP})+")  # "knee, , rehab" → "knee, rehab"
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:])")
_LOOSE_ENDS = re.compile(rf"^(?:\s|{_SEP})+|(?:\s|{_SEP})+$")


def scrub_text(value: str, secret: str) -> str:
    """``value`` without ``secret`` (any case) and the separators or "for" left dangling.

    "Knee programme for Jane Doe" → "Knee programme"; "knee, Jane Doe, rehab" →
    "knee, rehab"; "Jane Doe" → "".
    """
    if not secret.strip():
        return value
    # "for Jane Doe", "Jane Doe and": the little words go with the name.
    name = rf"(?:\b{_FILLER}\s+)?{re.escape(secret.strip())}(?:\s+(?:and|&)\b)?"
    text = re.sub(name, " ", value, flags=re.IGNORECASE)
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = _RUNS.sub(r"\1", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return _LOOSE_ENDS.sub("", " ".join(text.split()))


def scrub_metadata(pdf: bytes, secret: str) -> bytes:
    """For ``--private``: remove ``secret`` (the patient's name) from every metadata value.

    ``"Knee programme for Jane Doe"`` becomes ``"Knee programme"``; an entry
    that is nothing but the name is dropped. An XMP stream mentioning the name
    is removed whole (reportlab writes none; a clinic's attachment might).
    """
    secret = secret.strip()
    if not secret:
        return pdf
    reader = _reader(pdf)
    info = dict(reader.metadata or {})
    dirty = {k for k, v in info.items() if isinstance(v, str) and secret.lower() in v.lower()}
    xmp = reader.root_object.get("/Metadata")
    xmp_dirty = xmp is not None and _mentions(xmp.get_object().get_data(), secret)
    if not dirty and not xmp_dirty:
        return pdf
    writer = PdfWriter(clone_from=reader)
    clean = {k: scrub_text(v, secret) if k in dirty else v for k, v in info.items()}
    writer.metadata = {k: v for k, v in clean.items() if v}
    if xmp_dirty:
        del writer.root_object["/Metadata"]
    return _to_bytes(writer)


def _mentions(data: bytes, secret: str) -> bool:
    return secret.lower() in data.decode("utf-8", "replace").lower()


def decrypted(pdf: bytes, password: str) -> bytes:
    """``pdf`` without its encryption (for the combined print file); unchanged if not encrypted."""
    reader = PdfReader(io.BytesIO(pdf))
    if not reader.is_encrypted:
        return pdf
    if not reader.decrypt(password):
        raise PdfError("cannot open the encrypted PDF with this row's password")
    out = io.BytesIO()
    PdfWriter(clone_from=reader).write(out)
    return out.getvalue()
