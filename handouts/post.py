"""PDF post-processing with pypdf: attach, combine, duplex padding, booklet, encrypt.

Every function takes and returns bytes (or a path for the resume check) and has
no side effects, so the renderer and the batch driver can chain them freely.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from handouts.errors import HandoutsError

# pypdf logs what it repairs ("EOF marker not found") to stderr; a file it cannot read
# raises, and that becomes our one-line error.
logging.getLogger("pypdf").setLevel(logging.ERROR)

IMPOSE_NOTE = (
    "booklet imposition keeps the printed content only: "
    "fillable fields and bookmarks are not included in the booklet"
)

LARGE_PRINT_BOOKLET_NOTE = (
    "a booklet prints each page at about 70 %, so large print's 14 pt text comes out "
    "near 10 pt, smaller than a full-size handout's; for readers who need large print, "
    "print without --booklet"
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

_FIELD_PREFIX = re.compile(r"^[A-Za-z0-9_-]+$")  # no "." : it separates name parts


# --- reading and writing -------------------------------------------------------------


def _reader(pdf: bytes, what: str = "PDF") -> PdfReader:
    """Open ``pdf``; unreadable or password-protected input is a user error naming ``what``."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted and not reader.decrypt(""):
            raise HandoutsError(f"{what} is password-protected; remove the password first")
        len(reader.pages)  # forces the page tree to be read
    except (PdfReadError, PyPdfError, ValueError, KeyError) as exc:
        raise HandoutsError(f"{what} is not a readable PDF: {exc}") from exc
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
    """
    if not pdfs:
        raise ValueError("combine needs at least one PDF")
    names = list(prefixes) if prefixes is not None else [f"h{i}" for i in range(1, len(pdfs) + 1)]
    if len(names) != len(pdfs) or len(set(names)) != len(names):
        raise ValueError("combine needs one distinct field prefix per PDF")
    if titles is not None and len(titles) != len(pdfs):
        raise ValueError("combine needs one title per PDF")
    writer = PdfWriter()
    for number, (pdf, prefix) in enumerate(zip(pdfs, names, strict=True), start=1):
        what = f"handout {number}"
        title = titles[number - 1] or what if titles is not None else None
        _append(writer, _prefix(pdf, prefix, what), what, title)
        if duplex and len(writer.pages) % 2:
            last = writer.pages[-1]
            writer.add_blank_page(float(last.mediabox.width), float(last.mediabox.height))
    if titles is not None:
        _collapse_outline(writer)
    # The pages patients share are byte-identical in every handout of a batch (the
    # header, footer, logo, most content streams): store each once.
    writer.compress_identical_objects()
    return _to_bytes(writer)


def _collapse_outline(writer: PdfWriter) -> None:
    """Show one closed bookmark per handout: a negative /Count means closed (PDF 12.3.3)."""
    root = writer.get_outline_root()
    items = list(root.children())
    for item in items:
        if item.get("/Count"):
            item[NameObject("/Count")] = NumberObject(-abs(int(item["/Count"])))
    root[NameObject("/Count")] = NumberObject(len(items))


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


def impose_booklet(pdf: bytes) -> bytes:
    """Two pages per side, ordered so the folded stack reads 1, 2, 3…

    Print duplex, flip on the short edge, fold in half. Fields and bookmarks do
    not survive (see :data:`IMPOSE_NOTE`), so impose a print copy only.
    """
    reader = _reader(pdf)
    width, height = sheet_size(*_shown_size(reader.pages[0]))
    writer = PdfWriter()
    for left, right in booklet_order(len(reader.pages)):
        sheet = writer.add_blank_page(width, height)
        for half, index in ((0, left), (1, right)):
            if index is not None:
                _place(sheet, _printable(reader.pages[index]), half, width, height)
        sheet.compress_content_streams()  # merging leaves the sheet's content uncompressed
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if k != "/Producer"})
    return _to_bytes(writer)


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
    """Fit ``page`` into one half of ``sheet``, centred, as a viewer would show it,
    :data:`BOOKLET_INSET` clear of the half's edges.

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


# --- security and privacy -----------------------------------------------------------------


def encrypt(pdf: bytes, password: str) -> bytes:
    """AES-256 (pypdf's default would be RC4); the same password opens and owns the file."""
    if not password:
        raise HandoutsError("the PDF password must not be empty")
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


__all__ = [
    "IMPOSE_NOTE",
    "LARGE_PRINT_BOOKLET_NOTE",
    "attach",
    "booklet_order",
    "combine",
    "decrypted",
    "encrypt",
    "field_names",
    "finish_pdf",
    "has_forms_or_outline",
    "impose_booklet",
    "is_complete_pdf",
    "is_valid_pdf",
    "page_count",
    "prefix_fields",
    "read_attachments",
    "scrub_metadata",
    "scrub_text",
    "sheet_size",
]


# --------------------------------------------------------------------------- whole pipeline


def finish_pdf(
    pdf: bytes,
    *,
    attachments: Sequence[bytes] = (),
    field_prefix: str = "h1",
    private_name: str = "",
    booklet: bool = False,
    password: str = "",
    large_print: bool = False,
) -> tuple[bytes, list[str]]:
    """Attach, scrub, impose, encrypt (in that order); returns the PDF and notes for the user.

    Shared by ``build`` and ``batch``. Encryption comes last so every other
    step can read the file; imposition after attaching so the clinic's pages
    are in the booklet too.
    """
    notes: list[str] = []
    if attachments:
        pdf = attach(pdf, list(attachments), field_prefix)
    if private_name.strip():
        pdf = scrub_metadata(pdf, private_name)  # belt and braces: the renderer already did
    if booklet:
        if has_forms_or_outline(pdf):
            notes.append(IMPOSE_NOTE)
        if large_print:  # the shrink to A5 undoes what the reader asked for
            notes.append(LARGE_PRINT_BOOKLET_NOTE)
        pdf = impose_booklet(pdf)
    if password:
        pdf = encrypt(pdf, password)
    return pdf, notes


def has_forms_or_outline(pdf: bytes) -> bool:
    """Would booklet imposition drop something (form fields, bookmarks)?"""
    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted:
        return False  # impose_booklet will refuse it with a clear message
    return bool(reader.get_fields()) or bool(reader.outline)


def decrypted(pdf: bytes, password: str) -> bytes:
    """``pdf`` without its encryption (for the combined print file); unchanged if not encrypted."""
    reader = PdfReader(io.BytesIO(pdf))
    if not reader.is_encrypted:
        return pdf
    if not reader.decrypt(password):
        raise HandoutsError("cannot open the encrypted PDF with this row's password")
    out = io.BytesIO()
    PdfWriter(clone_from=reader).write(out)
    return out.getvalue()


def read_attachments(paths: Sequence[Path]) -> list[bytes]:
    """Read every ``--attach`` file up front; a missing or unreadable one is a one-line error."""
    data = []
    for path in paths:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise HandoutsError(f"--attach {path}: {exc.strerror or exc}") from None
        try:
            page_count(content)
        except HandoutsError as exc:
            raise HandoutsError(f"--attach {path}: {exc.format_message()}") from None
        data.append(content)
    return data
