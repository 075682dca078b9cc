"""Reading PDFs, form fields, attaching and combining handouts (pypdf).

Every function takes and returns bytes (or a path for the resume check) and has
no side effects, so the renderer and the batch driver can chain them freely.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from handouts.errors import PdfError
from handouts.post.outside import read_outside

# pypdf logs what it repairs ("EOF marker not found") to stderr; a file it cannot read
# raises, and that becomes our one-line error.
logging.getLogger("pypdf").setLevel(logging.ERROR)

COLLECT_AFTER = 8 << 20  # bytes of handouts read between two collections of their readers
_FIELD_PREFIX = re.compile(r"^[A-Za-z0-9_-]+$")  # no "." : it separates name parts


# --- reading and writing -------------------------------------------------------------


def _reader(pdf: bytes, what: str = "PDF") -> PdfReader:
    """Open ``pdf``; unreadable or password-protected input is a user error naming ``what``."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError(f"{what} is password-protected; remove the password first")
        len(reader.pages)  # forces the page tree to be read
    except (PdfReadError, PyPdfError, ValueError, KeyError) as exc:
        raise PdfError(f"{what} is not a readable PDF: {exc}") from exc
    return reader


def _to_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(pdf: bytes, what: str = "PDF") -> int:
    """Pages in ``pdf``; an unreadable or protected file is an error naming ``what``."""
    return len(_reader(pdf, what).pages)


def is_valid_pdf(path: Path, password: str | None = None) -> bool:
    """Cheap check for ``--resume``: is ``path`` a complete PDF from an earlier run?"""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return is_complete_pdf(data, password)


def is_complete_pdf(pdf: bytes, password: str | None = None) -> bool:
    """Is ``pdf`` a complete, readable PDF (opened with ``password`` when encrypted)?

    A file cut short by a crash lacks the trailing ``%%EOF``; the parse catches
    the rest. An encrypted file can only have its pages counted with the
    password; without it the structural checks must do.
    """
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        return False
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            if password is None:
                return True
            if not reader.decrypt(password):
                return False
        return len(reader.pages) > 0
    except (PdfReadError, PyPdfError, ValueError, KeyError):
        return False


def read_attachments(paths: Sequence[Path]) -> list[bytes]:
    """Read every ``--attach`` file up front; a missing or unreadable one is a one-line error."""
    data = []
    for path in paths:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise PdfError(
                f"attachment {path}: {exc.strerror or exc}", subject="attachment"
            ) from None
        # Repaired by qpdf, or refused in one line naming the file.
        data.append(read_outside(content, f"attachment {path}", subject="attachment"))
    return data


# --- form fields -------------------------------------------------------------------------


def prefix_fields(pdf: bytes, prefix: str) -> bytes:
    """Put every form field under one parent field named ``prefix``.

    Field ``pain`` becomes ``h3.pain``. A partial name must not contain a ".",
    so instead of renaming each field we give them a common parent; viewers and
    pypdf then report the full name ``h3.pain``. Idempotent: a file already
    under ``prefix`` is returned unchanged, so attach and combine can both call it.
    """
    return _prefix(pdf, prefix, "PDF")


def _prefix(pdf: bytes, prefix: str, what: str) -> bytes:
    reader = _reader(pdf, what)
    if not _root_fields(reader):
        return pdf
    writer = PdfWriter(clone_from=reader)
    return _to_bytes(writer) if _nest_fields(writer, prefix) else pdf


def field_names(pdf: bytes) -> list[str]:
    """Fully qualified names of the fields that hold values (no pure parents)."""
    fields = _reader(pdf).get_fields() or {}
    return [name for name, field in fields.items() if "/FT" in field or "/Kids" not in field]


def _root_fields(reader: PdfReader | PdfWriter) -> ArrayObject:
    form = reader.root_object.get("/AcroForm")
    fields = form.get_object().get("/Fields") if form is not None else None
    fields = fields.get_object() if fields is not None else None
    return fields if isinstance(fields, ArrayObject) else ArrayObject()


def _is_group(field: DictionaryObject, prefix: str) -> bool:
    """A pure parent field named ``prefix`` (no value of its own)."""
    return field.get("/T") == prefix and "/FT" not in field and "/Kids" in field


def _nest_fields(writer: PdfWriter, prefix: str) -> bool:
    """Move every root field under the group ``prefix``; False if nothing had to move."""
    if not _FIELD_PREFIX.match(prefix):
        raise ValueError(f"field prefix {prefix!r} must be letters, digits, '_' or '-'")
    fields = _root_fields(writer)
    group = next((f for f in fields if _is_group(f.get_object(), prefix)), None)
    others = [f for f in fields if f is not group]
    if not others:
        return False
    if group is None:
        group = writer._add_object(  # pypdf has no public "add object"
            DictionaryObject(
                {NameObject("/T"): TextStringObject(prefix), NameObject("/Kids"): ArrayObject()}
            )
        )
    kids = group.get_object()["/Kids"].get_object()
    for field in others:
        kids.append(field)
        field.get_object()[NameObject("/Parent")] = group
    writer.root_object["/AcroForm"].get_object()[NameObject("/Fields")] = ArrayObject([group])
    return True


def _merge_form_resources(writer: PdfWriter, reader: PdfReader) -> None:
    """``PdfWriter.append`` keeps the first file's form defaults; add the others' fonts.

    Without this a later file's text field whose /DA names a font that only
    its own /DR held could not be redrawn when the patient types into it.
    """
    source = reader.root_object.get("/AcroForm")
    target = writer.root_object.get("/AcroForm")
    if source is None or target is None:
        return
    source, target = source.get_object(), target.get_object()
    if source.get("/NeedAppearances"):
        target[NameObject("/NeedAppearances")] = BooleanObject(True)
    source_fonts = source.get("/DR", DictionaryObject()).get_object().get("/Font")
    if source_fonts is None:
        return
    resources = target.setdefault(NameObject("/DR"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    for name, font in source_fonts.get_object().items():
        if name not in fonts:
            fonts[NameObject(name)] = font.clone(writer)


def _append(writer: PdfWriter, pdf: bytes, what: str, title: str | None = None) -> None:
    """Append ``pdf``; with ``title`` its bookmarks go under one bookmark of that name."""
    reader = _reader(pdf, what)
    writer.append(reader, outline_item=title)
    _merge_form_resources(writer, reader)


# --- attach and combine ------------------------------------------------------------------


def attach(pdf: bytes, extras: list[bytes], field_prefix: str) -> bytes:
    """Append the clinic's own PDFs (consent form, intake sheet) after the handout.

    All fields end up under ``field_prefix``: the handout's as ``h3.name``,
    attachment k's as ``h3.a<k>.name``, because a consent form may well use the
    same field names as the handout (``name``, ``date``, ``signature``).
    """
    writer = PdfWriter(clone_from=_reader(pdf, "handout"))
    for number, extra in enumerate(extras, start=1):
        what = f"attachment {number}"
        _append(writer, _prefix(extra, f"a{number}", what), what)
    _nest_fields(writer, field_prefix)
    return _to_bytes(writer)


def combine(
    pdfs: list[bytes],
    duplex: bool = False,
    prefixes: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
) -> bytes:
    """Concatenate handouts into one print file, fields prefixed per handout.

    ``prefixes`` defaults to ``h1``, ``h2``…; pass the ones given to :func:`attach`
    and already-prefixed handouts are left as they are. With ``duplex`` a handout
    with an odd page count gets a blank page so the next one starts on a new sheet.
    ``titles`` (the patients' names) give each handout one bookmark, its own nested
    under it: 200 handouts' "Sources" in a flat list would find nobody.
    The structure trees are not merged: the file is for printing, and the batch says so.
    """
    if not pdfs:
        raise ValueError("combine needs at least one PDF")
    names = list(prefixes) if prefixes is not None else [f"h{i}" for i in range(1, len(pdfs) + 1)]
    if len(names) != len(pdfs) or len(set(names)) != len(names):
        raise ValueError("combine needs one distinct field prefix per PDF")
    if titles is not None and len(titles) != len(pdfs):
        raise ValueError("combine needs one title per PDF")
    out = io.BytesIO()
    concatenate(out, pdfs, duplex=duplex, prefixes=names, titles=titles)
    return out.getvalue()


def concatenate(
    out: BinaryIO,
    pdfs: Iterable[bytes],
    *,
    duplex: bool,
    prefixes: Sequence[str],
    titles: Sequence[str] | None,
    password: str = "",
) -> int:
    """Write handouts into ``out`` one at a time (see :mod:`handouts.post.concat`); the pages.

    Memory holds one handout at a time, whatever the number of handouts: ``pdfs``
    may be a generator reading them from disk.
    """
    import gc

    from handouts.post.concat import Concatenation

    file = Concatenation(out, password)
    unreclaimed = 0
    for number, (pdf, prefix) in enumerate(zip(pdfs, prefixes, strict=True), start=1):
        what = f"handout {number}"
        title = (titles[number - 1] or what) if titles is not None else None
        file.note_source(pdf)
        file.add(_reader(_prefix(pdf, prefix, what), what), title, duplex)
        # A pypdf reader and its objects refer to each other, so only the cycle collector
        # frees a handout once read: left to itself it lets hundreds pile up.
        unreclaimed += len(pdf)
        if unreclaimed > COLLECT_AFTER:
            gc.collect()
            unreclaimed = 0
    return file.finish()


def pad_to_even(pdf: bytes) -> bytes:
    """A blank last page when the page count is odd; fields and bookmarks are kept."""
    reader = _reader(pdf)
    if len(reader.pages) % 2 == 0:
        return pdf
    writer = PdfWriter(clone_from=reader)
    last = writer.pages[-1]
    writer.add_blank_page(float(last.mediabox.width), float(last.mediabox.height))
    return _to_bytes(writer)
