"""Write reportlab's document compactly: object streams and a cross-reference stream.

reportlab writes every object as plain text with a 20-byte line each in the
cross-reference table. PDF 1.5 lets the small objects (pages, fonts, outline
entries, links) share one compressed object stream and the table become a
compressed stream too: about a seventh of a handout's bytes. Streams (content,
fonts, images) stay as they are, already compressed.

qpdf (pikepdf) can do the same as a post-processing pass, but that re-reads and
rewrites every file: about 8 ms a handout, as much as building it. Here the
objects are packed as reportlab formats them.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

OBJECT_STREAM_VERSION = (1, 5)
OTHERS, BLOCKS = 0, 1  # the two object streams
RUN = 3  # an xref entry (RUN, first, count): the objects first… of the blocks' stream


def write_compactly(canvas: Canvas) -> None:
    """Make ``canvas`` save its document with ``CompactDocument`` (call before drawing).

    reportlab's Canvas makes its own ``PDFDocument`` and has no hook for its class.
    """
    canvas._doc.__class__ = CompactDocument


class RepeatedFlate:
    """Flate for streams that repeat from one handout to the next: each distinct
    content is compressed once and its bytes reused.

    In a batch the exercise figures, the header and the font programs and
    ToUnicode maps are the same for most patients; compressing them again took
    about a third of each handout. zlib gives the same bytes for the same input,
    so a handout is byte-for-byte what compressing afresh would give.
    """

    pdfname = "FlateDecode"

    def __init__(self, keep: int = 256) -> None:
        self.keep = keep  # a handout has a few dozen such streams; a few programmes fit
        self._compressed: OrderedDict[bytes, bytes] = OrderedDict()

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        done = self._compressed.get(data)
        if done is None:
            done = self._compressed[data] = zlib.compress(data)
            if len(self._compressed) > self.keep:
                self._compressed.popitem(last=False)
        else:
            self._compressed.move_to_end(data)
        return done

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


REPEATED_FLATE = RepeatedFlate()


class Template:
    """An object's bytes with the numbers of the objects it refers to left open.

    A batch's shared pages are the same objects in every patient's handout but for
    those numbers: formatted once, their bytes are filled in for each document.
    """

    __slots__ = ("parts", "names")

    def __init__(self, parts: list[bytes], names: list[str]) -> None:
        self.parts, self.names = parts, names

    def fill(self, document: pdfdoc.PDFDocument) -> bytes:
        numbers = document.idToObjectNumberAndVersion
        out = [self.parts[0]]
        for name, part in zip(self.names, self.parts[1:], strict=True):
            if name in ROLES:  # the page tree or the outline: named by a count, found by role
                name = getattr(document, name).__InternalName__
            out += [b"%d %d R" % numbers[name], part]
        return b"".join(out)

    @classmethod
    def made(cls, obj: object, document: pdfdoc.PDFDocument) -> tuple[Template | None, bytes]:
        """``obj``'s template (None when formatting it registers new objects: a template
        would skip them) and its bytes in ``document``."""
        real = document.idToObjectNumberAndVersion
        spy = _NumberSpy(real)
        count = document.objectcounter
        document.idToObjectNumberAndVersion = spy
        try:
            body = pdfdoc.format(obj, document, toplevel=1).strip()
        finally:
            document.idToObjectNumberAndVersion = real
        real.update(spy)  # anything the object registered while it was formatted
        pieces = _PLACEHOLDERS.split(body)  # text, index, text, index, …, text
        roles = {getattr(document, role).__dict__.get(_NAME): role for role in ROLES}
        names = [roles.get(name, name) for name in spy.names]
        template = cls(pieces[0::2], [names[int(i)] for i in pieces[1::2]])
        # A counter's name (R12, Annot.NUMBER3) may be another object in the next document.
        stable = not any(_COUNTED.fullmatch(name) for name in names)
        kept = template if stable and document.objectcounter == count else None
        return kept, template.fill(document)


_PLACEHOLDER = 987_654_000_000  # object numbers no document reaches: "…000 0 R" for the first
_PLACEHOLDERS = re.compile(rb"987654(\d{6}) 0 R")
_COUNTED = re.compile(r"R\d+|Annot\.NUMBER\d+")  # names reportlab numbers as it goes
ROLES = ("Pages", "Outlines")  # the document's objects a template finds by role, not name
_NAME = "__InternalName__"  # where reportlab notes an object's name in its document


class _NumberSpy(dict):
    """Object numbers as placeholders, noting which object each one stands for."""

    def __init__(self, numbers: dict) -> None:
        super().__init__(numbers)
        self.names: list[str] = []
        self.index: dict[str, int] = {}

    def __getitem__(self, name: str) -> tuple[int, int]:
        super().__getitem__(name)  # an unknown name fails as it would
        if name not in self.index:
            self.index[name] = len(self.names)
            self.names.append(name)
        return _PLACEHOLDER + self.index[name], 0


class TemplateSlot:
    """Where the objects that repeat in every handout of a batch (a recorded page)
    keep their template, made by the first handout that writes one."""

    __slots__ = ("template",)

    def __init__(self) -> None:
        self.template: Template | None = None

    def body(self, obj: object, document: pdfdoc.PDFDocument) -> bytes:
        if self.template is not None:
            return self.template.fill(document)
        self.template, body = Template.made(obj, document)
        return body


TEMPLATE_SLOT = "_template_slot"  # the attribute that gives an object its TemplateSlot


class _OutlineSlots:
    """Template slots for outline entries, by all that makes an entry's bytes but the
    numbers: its title, count, the entries it names and its destination. reportlab makes
    the entries as it writes the file; a batch's patients share most of them."""

    def __init__(self, keep: int = 512) -> None:
        self.keep = keep
        self._slots: OrderedDict[tuple, TemplateSlot] = OrderedDict()

    def slot(
        self, entry: pdfdoc.OutlineEntryObject, document: pdfdoc.PDFDocument
    ) -> TemplateSlot | None:
        key = _outline_key(entry, document)
        if key is None:
            return None
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = TemplateSlot()
            if len(self._slots) > self.keep:
                self._slots.popitem(last=False)
        return slot


def _outline_key(entry: pdfdoc.OutlineEntryObject, document: pdfdoc.PDFDocument) -> tuple | None:
    """What makes the entry's bytes but the numbers; None: something not understood here."""
    outlines = document.Outlines.__dict__.get(_NAME)
    links = [getattr(entry, link) for link in ("Parent", "Prev", "Next", "First", "Last")]
    page, where = entry.Dest.page, entry.Dest.fmt  # the page, and where on it
    refs = [*links, page]
    if not all(ref is None or isinstance(ref, pdfdoc.PDFObjectReference) for ref in refs):
        return None
    names = [
        ref if ref is None else "Outlines" if ref.name == outlines else ref.name for ref in refs
    ]
    place = tuple(sorted((k, v) for k, v in vars(where).items() if k != "page"))
    return entry.Title, entry.Count, *names, type(where).__name__, place


_OUTLINE_SLOTS = _OutlineSlots()


class ObjectBlock(pdfdoc.PDFObject):
    """``count`` objects with consecutive numbers, formatted together by ``bodies``.

    Registered as one object whose number is the first; the caller reserves the rest
    (``document.objectcounter += count - 1``). Thousands of small objects (a structure
    tree's elements) then cost no reportlab object each.
    """

    def __init__(self, count: int, bodies: Callable[[object], list[bytes]]) -> None:
        self.count, self.bodies = count, bodies

    def format(self, document: object) -> bytes:
        raise NotImplementedError("an ObjectBlock is written by CompactDocument only")


class CompactDocument(pdfdoc.PDFDocument):
    """A ``PDFDocument`` whose ``format`` packs non-stream objects into an object stream."""

    def format(self) -> bytes:
        if not isinstance(self.encrypt, pdfdoc.NoEncryption) or getattr(self, "_digiSigs", None):
            return super().format()  # both need reportlab's own layout of the file
        self._pdfVersion = max(tuple(self._pdfVersion), OBJECT_STREAM_VERSION)
        catalog_ref, info_ref = self.Reference(self.Catalog), self.Reference(self.info)
        out = pdfdoc.PDFFile(self._pdfVersion)
        entries: list[tuple[int, int, int]] = [(0, 0, 0xFFFF)]  # object 0 is always free
        # Two object streams: the blocks' objects (a structure tree's elements, the same
        # for most patients of a batch, so compressed once) and the other small objects.
        packed: list[tuple[int, bytes]] = []
        blocks: list[tuple[int, bytes]] = []
        number = 0
        # Formatting an object can register new ones, so walk the numbers until they run out.
        while number + 1 in self.numberToId:
            number += 1
            obj = self.idToObject[self.numberToId[number]]
            if isinstance(obj, ObjectBlock):
                bodies = obj.bodies(self)
                entries.append((RUN, len(blocks), len(bodies)))  # (2, BLOCKS, i) for each
                blocks += zip(range(number, number + len(bodies)), bodies, strict=True)
                number += len(bodies) - 1
                continue
            slot = getattr(obj, TEMPLATE_SLOT, None)
            if slot is None and isinstance(obj, pdfdoc.OutlineEntryObject):
                slot = _OUTLINE_SLOTS.slot(obj, self)
            if slot is not None:
                body = slot.body(obj, self)
            else:
                body = pdfdoc.format(obj, self, toplevel=1).strip()
            if body.endswith(b"endstream"):
                offset = out.add(b"%d 0 obj\n%s\nendobj\n" % (number, body))
                entries.append((1, offset, 0))
            else:
                entries.append((2, OTHERS, len(packed)))  # streams are numbered below
                packed.append((number, body))
        streams = {OTHERS: packed, BLOCKS: blocks} if blocks else {OTHERS: packed}
        numbers = {kind: number + 1 + i for i, kind in enumerate(streams)}
        xref_number = number + 1 + len(streams)
        # An object in a stream names the stream's number, known now: the entries say which.
        entries = [(kind, numbers[at] if kind == 2 else at, i) for kind, at, i in entries]
        for kind, objects in streams.items():
            if kind == BLOCKS:
                stream = _BLOCK_STREAMS.stream(numbers[kind], objects)
            else:
                stream = _object_stream(numbers[kind], objects, zlib.compress)
            entries.append((1, out.add(stream), 0))
        xref_at = out.offset
        entries.append((1, xref_at, 0))
        trailer = {
            "Root": catalog_ref.format(self),
            "Info": info_ref.format(self),
            "ID": self.ID().split(b"%")[0].strip(),  # drop reportlab's comment line
        }
        out.add(_xref_stream(xref_number, entries, trailer, numbers.get(BLOCKS, 0)))
        out.add(b"startxref\n%d\n%%%%EOF\n" % xref_at)
        return out.format(self)


class _BlockStreams:
    """The blocks' object streams last written: the same numbers and bodies for most
    patients of a batch, so the stream is put together and compressed once."""

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._streams: OrderedDict[tuple, bytes] = OrderedDict()

    def stream(self, number: int, objects: list[tuple[int, bytes]]) -> bytes:
        key = (number, tuple(objects))
        done = self._streams.get(key)
        if done is None:
            done = self._streams[key] = _object_stream(number, objects, zlib.compress)
            if len(self._streams) > self.keep:
                self._streams.popitem(last=False)
        else:
            self._streams.move_to_end(key)
        return done


_BLOCK_STREAMS = _BlockStreams()


def _object_stream(
    number: int, packed: list[tuple[int, bytes]], compress: Callable[[bytes], bytes]
) -> bytes:
    """An ``/ObjStm``: "number offset" pairs, then the objects' bodies."""
    offsets, bodies, at = [], [], 0
    for obj_number, body in packed:
        offsets.append(b"%d %d" % (obj_number, at))
        bodies.append(body)
        at += len(body) + 1
    head = b" ".join(offsets) + b"\n"
    data = compress(head + b"\n".join(bodies) + b"\n")
    header = b"/Type /ObjStm /N %d /First %d" % (len(packed), len(head))
    return _stream_object(number, header, data)


def _xref_stream(
    number: int, entries: list[tuple[int, int, int]], trailer: dict, blocks: int
) -> bytes:
    """The cross-reference stream: one (type, field 2, field 3) row per object.

    Rows are stored as their difference from the row above (the PNG "Up" predictor):
    a run of objects in the object stream differs only in its index, so a thousand
    rows (a structure tree's elements) compress to a few bytes. ``blocks``: the number
    of the blocks' object stream, which each RUN entry's objects are in.
    """
    width = max(1, (max(at for _, at, _ in entries).bit_length() + 7) // 8)
    columns = 1 + width + 2
    shift = 8 * width + 16
    rows = b"".join(
        _run_rows(blocks, at, extra, width)
        if kind == RUN
        else ((kind << shift) | (at << 16) | extra).to_bytes(columns, "big")
        for kind, at, extra in entries
    )
    data = _up_filtered(rows, columns)
    keys = b" ".join(b"/%s %s" % (key.encode(), value) for key, value in trailer.items())
    header = b"/Type /XRef /Size %d /W [1 %d 2] /DecodeParms <</Predictor 12 /Columns %d>> %s" % (
        sum(extra if kind == RUN else 1 for kind, _, extra in entries),
        width,
        columns,
        keys,
    )
    return _stream_object(number, header, zlib.compress(data))


@functools.lru_cache(maxsize=16)
def _run_rows(stream: int, first: int, count: int, width: int) -> bytes:
    """The rows of ``count`` objects at ``first``… in object stream ``stream`` (the same
    for most patients of a batch)."""
    return b"".join(
        ((2 << (8 * width + 16)) | (stream << 16) | i).to_bytes(1 + width + 2, "big")
        for i in range(first, first + count)
    )


def _up_filtered(rows: bytes, columns: int) -> bytes:
    """``rows`` (each ``columns`` bytes) PNG-Up filtered: each byte less the one above it,
    modulo 256, each row led by its filter type (2).

    Computed on the whole table as one integer: a row's bytes less the row above, byte
    by byte with no borrow between bytes (the SWAR subtraction), in microseconds.
    """
    size = len(rows)
    current = int.from_bytes(rows, "big")
    above = current >> (8 * columns)  # each row moved down one: row 0 gets zeros
    high = int.from_bytes(b"\x80" * size, "big")
    ones = (1 << (8 * size)) - 1
    low = ones ^ high
    difference = ((current | high) - (above & low)) ^ ((current ^ (ones ^ above)) & high)
    filtered = (difference & ones).to_bytes(size, "big")
    count = size // columns
    out = bytearray(count * (columns + 1))
    out[0 :: columns + 1] = b"\x02" * count
    for column in range(columns):
        out[column + 1 :: columns + 1] = filtered[column::columns]
    return bytes(out)


def _stream_object(number: int, header: bytes, data: bytes) -> bytes:
    head = b"%d 0 obj\n<< /Filter /FlateDecode /Length %d %s >>\n" % (number, len(data), header)
    return head + b"stream\n" + data + b"\nendstream\nendobj\n"
