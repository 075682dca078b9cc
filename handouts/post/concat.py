"""Many handouts as one PDF, written to a file object by object (the batch's print file).

pypdf's writer holds every page of every handout until it writes, so a print file
of 5,000 handouts needed gigabytes. :class:`Concatenation` reads one handout at a
time, writes its pages and all they use straight to the output, and keeps only
what the end of the file needs: each object's offset, the page list, the
bookmarks and the form's top fields. Objects (content
streams, images, fonts) are stored once however many handouts hold them byte for
byte, as a batch's handouts share most of their pages.

Per handout: its pages (attributes they inherit from its page tree made their
own), one bookmark over its own bookmarks (closed), its form fields (already
prefixed apart by the caller) and the fonts its form needs; with ``duplex`` a
blank page of the same size after an odd page count. With a password the file
is encrypted object by object with AES-256, as :func:`handouts.post.protect.encrypt` does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from handouts.post.pdf_objects import (
    chunks,
    dictionary,
    fit,
    inherited,
    object_encryption,
    reference,
    serialised,
)

CATALOG, PAGES = 1, 2  # numbers given up front; every other object is numbered as it comes
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
DROPPED_FROM_PAGES = ("/Parent", "/B")  # the old page tree, article beads
MAX_DEPTH = 200  # references followed in one chain before the rest waits in the queue


@dataclass
class _Bookmark:
    title: str
    dest: ArrayObject | None  # [page, /Fit] with the page's new number
    children: list[_Bookmark] = field(default_factory=list)


class Concatenation:
    """Write handouts into ``out`` one at a time; :meth:`finish` writes the rest."""

    def __init__(self, out: BinaryIO, password: str = "") -> None:
        self._out = out
        self._position = 0
        self._offsets: list[int] = [0, 0, 0]  # by object number; 0 is the free list's head
        self._kids: list[int] = []
        self._bookmarks: list[_Bookmark] = []
        self._fields: list[int] = []
        self._form_fonts: dict[str, PdfObject] = {}
        self._form_appearance: PdfObject | None = None
        self._need_appearances = False
        self._shared: dict[bytes, int] = {}  # an object's bytes (digest) → its number
        self._digest = hashlib.md5(usedforsecurity=False)  # the file's identifier
        self._encryption, self._encrypt_entry, self._file_id = object_encryption(password)
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    @property
    def pages(self) -> int:
        return len(self._kids)

    def add(self, reader: PdfReader, title: str | None = None, duplex: bool = False) -> None:
        """Append one (decrypted) handout; ``title`` gives it one bookmark over its own."""
        handout = _Handout(self, reader)
        numbers = handout.write_pages()
        handout.write_form()
        handout.drain()
        own = handout.bookmarks(reader.outline, numbers)
        if title is None:
            self._bookmarks += own
        else:
            self._bookmarks.append(_Bookmark(title, fit(numbers[0]), own))
        if duplex and len(self._kids) % 2:
            self._blank_like(reader.pages[-1])

    def finish(self) -> int:
        """Write the page tree, bookmarks, form, catalog and cross-references; the page count."""
        kids = ArrayObject(reference(number) for number in self._kids)
        pages = {"/Type": NameObject("/Pages"), "/Kids": kids, "/Count": NumberObject(len(kids))}
        self._emit_object(PAGES, dictionary(pages))
        catalog = {"/Type": NameObject("/Catalog"), "/Pages": reference(PAGES)}
        if self._bookmarks:
            catalog["/Outlines"] = reference(self._write_outline())
        if self._fields:
            catalog["/AcroForm"] = reference(self._write_form())
        self._emit_object(CATALOG, dictionary(catalog))
        trailer: dict[str, PdfObject] = {"/Root": reference(CATALOG)}
        if self._encrypt_entry is not None:
            number = self.new_number()
            self._emit_object(number, self._encrypt_entry, encrypt=False)
            trailer["/Encrypt"] = reference(number)
        trailer["/Size"] = NumberObject(len(self._offsets))
        identifier = ByteStringObject(self._file_id or self._digest.digest())
        trailer["/ID"] = ArrayObject([identifier, identifier])
        self._write_xref(dictionary(trailer))
        return len(self._kids)

    # -- objects

    def new_number(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def shared_number(self, obj: PdfObject) -> int:
        """The number of an object stored once for all handouts: one written already, or new."""
        body = chunks(obj)
        digest = hashlib.blake2b(digest_size=16)
        for chunk in body:
            digest.update(chunk)
        number = self._shared.get(digest.digest())
        if number is None:
            number = self.new_number()
            self._shared[digest.digest()] = number
            self._emit_object(number, obj, body=None if self._encryption else body)
        return number

    def _emit_object(
        self, number: int, obj: PdfObject, body: list[bytes] | None = None, encrypt: bool = True
    ) -> None:
        if body is None:
            if self._encryption is not None and encrypt:
                obj = self._encryption.encrypt_object(obj, number, 0)
            body = chunks(obj)
        self._offsets[number] = self._position
        self._emit(b"%d 0 obj\n" % number)
        for chunk in body:  # a stream's data is written as it is, never copied into a whole
            self._emit(chunk)
        self._emit(b"\nendobj\n")

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def add_page(self, number: int, page: DictionaryObject) -> None:
        page[NameObject("/Parent")] = reference(PAGES)
        self._emit_object(number, page)
        self._kids.append(number)

    def note_source(self, data: bytes) -> None:
        self._digest.update(data)

    # -- the end of the file

    def _blank_like(self, page: DictionaryObject) -> None:
        box = inherited(page, "/MediaBox")
        box = box.get_object() if box is not None else ArrayObject([0, 0, 595.276, 841.89])
        blank = {
            "/Type": NameObject("/Page"),
            "/MediaBox": ArrayObject(FloatObject(float(v)) for v in box),
            "/Resources": DictionaryObject(),
        }
        self.add_page(self.new_number(), dictionary(blank))

    def _write_outline(self) -> int:
        root = self.new_number()
        first, last, _ = self._write_bookmarks(self._bookmarks, root, closed=True)
        outlines = {
            "/Type": NameObject("/Outlines"),
            "/First": reference(first),
            "/Last": reference(last),
            "/Count": NumberObject(len(self._bookmarks)),  # the closed items show
        }
        self._emit_object(root, dictionary(outlines))
        return root

    def _write_bookmarks(
        self, items: list[_Bookmark], parent: int, closed: bool
    ) -> tuple[int, int, int]:
        """Write a level of bookmarks; (first, last, items shown when all are open)."""
        numbers = [self.new_number() for _ in items]
        shown = len(items)
        for index, (item, number) in enumerate(zip(items, numbers, strict=True)):
            entry: dict[str, PdfObject] = {
                "/Title": TextStringObject(item.title),
                "/Parent": reference(parent),
            }
            if item.dest is not None:
                entry["/Dest"] = item.dest
            if index:
                entry["/Prev"] = reference(numbers[index - 1])
            if index + 1 < len(items):
                entry["/Next"] = reference(numbers[index + 1])
            if item.children:
                first, last, below = self._write_bookmarks(item.children, number, closed=False)
                entry |= {"/First": reference(first), "/Last": reference(last)}
                entry["/Count"] = NumberObject(-below if closed else below)  # negative: closed
                shown += below
            self._emit_object(number, dictionary(entry))
        return numbers[0], numbers[-1], shown

    def _write_form(self) -> int:
        number = self.new_number()
        form: dict[str, PdfObject] = {"/Fields": ArrayObject(reference(n) for n in self._fields)}
        if self._form_fonts:
            fonts = dictionary(self._form_fonts)
            form["/DR"] = dictionary({"/Font": fonts})
        if self._form_appearance is not None:
            form["/DA"] = self._form_appearance
        if self._need_appearances:
            form["/NeedAppearances"] = BooleanObject(True)
        self._emit_object(number, dictionary(form))
        return number

    def _write_xref(self, trailer: DictionaryObject) -> None:
        start = self._position
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % len(self._offsets)]
        lines += [b"%010d 00000 n \n" % offset for offset in self._offsets[1:]]
        self._emit(b"".join(lines))
        self._emit(b"trailer\n" + serialised(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % start)


class _Handout:
    """One handout being copied: its object numbers in the print file, and what is left to copy."""

    def __init__(self, file: Concatenation, reader: PdfReader) -> None:
        self.file = file
        self.reader = reader
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list[tuple[int, IndirectObject]] = []
        self.visiting: set[tuple[int, int]] = set()

    def write_pages(self) -> list[int]:
        pages = list(self.reader.pages)
        numbers = [self._later_page(page.indirect_reference) for page in pages]
        for page, number in zip(pages, numbers, strict=True):
            own = DictionaryObject({k: v for k, v in page.items() if k not in DROPPED_FROM_PAGES})
            for key in INHERITED:
                value = inherited(page, key)
                if key not in own and value is not None:
                    own[NameObject(key)] = value
            self.file.add_page(number, self.copy(own))
            self.drain()  # one page's objects at a time
        return numbers

    def _later_page(self, ref: IndirectObject) -> int:
        """Pages are numbered up front (links and bookmarks point at them), written in order."""
        number = self.file.new_number()
        self.numbers[(ref.idnum, ref.generation)] = number
        return number

    def write_form(self) -> None:
        form = self.reader.root_object.get("/AcroForm")
        if form is None:
            return
        form = form.get_object()
        fields = form.get("/Fields")
        for item in fields.get_object() if fields is not None else ():
            number = self.number(item) if isinstance(item, IndirectObject) else None
            if number is None:  # a field written inline: give it a number of its own
                number = self.file.new_number()
                self.queue.append((number, item))
            self.file._fields.append(number)
        if "/DA" in form and self.file._form_appearance is None:
            self.file._form_appearance = form["/DA"]
        if form.get("/NeedAppearances"):
            self.file._need_appearances = True
        resources = form.get("/DR")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for name, font in fonts.get_object().items() if fonts is not None else ():
            if name not in self.file._form_fonts:
                self.file._form_fonts[name] = self.copy(font)

    def bookmarks(self, outline: list, numbers: list[int]) -> list[_Bookmark]:
        result: list[_Bookmark] = []
        for item in outline:
            if isinstance(item, list):
                if result:
                    result[-1].children = self.bookmarks(item, numbers)
                continue
            index = self.reader.get_destination_page_number(item)
            dest = None
            if index is not None and 0 <= index < len(numbers):
                dest = ArrayObject([reference(numbers[index]), *item.dest_array[1:]])
            result.append(_Bookmark(str(item.title or ""), dest))
        return result

    def drain(self) -> None:
        while self.queue:
            number, ref = self.queue.pop()
            self.file._emit_object(number, self.copy(ref.get_object()))

    def number(self, ref: IndirectObject) -> int:
        """The print file's number for one of this handout's objects.

        What it refers to is numbered first, so an object can be stored once for every
        handout that has it byte for byte. An object met again while its own references
        are being numbered (a cycle: a field and its widgets) is numbered at once and
        written from the queue, as are pages, fields and annotations, which are never
        shared.
        """
        key = (ref.idnum, ref.generation)
        number = self.numbers.get(key)
        if number is not None:
            return number
        obj = ref.get_object()
        if key in self.visiting or len(self.visiting) > MAX_DEPTH or _own(obj):
            return self._later(key, ref)
        self.visiting.add(key)
        copied = self.copy(obj)
        self.visiting.discard(key)
        number = self.numbers.get(key)  # numbered meanwhile, by a cycle through it
        if number is None:
            number = self.file.shared_number(copied)
            self.numbers[key] = number
        return number

    def _later(self, key: tuple[int, int], ref: IndirectObject) -> int:
        number = self.file.new_number()
        self.numbers[key] = number
        self.queue.append((number, ref))
        return number

    def copy(self, obj: PdfObject) -> PdfObject:
        """``obj`` with its references renumbered for the print file."""
        if isinstance(obj, IndirectObject):
            return reference(self.number(obj))
        if isinstance(obj, StreamObject):
            stream = StreamObject()
            stream._data = obj._data  # as stored (still compressed): copied, not re-encoded
            for key, value in obj.items():
                if key != "/Length":
                    stream[NameObject(key)] = self.copy(value)
            return stream
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({NameObject(k): self.copy(v) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(value) for value in obj)
        return obj


def _own(obj: PdfObject) -> bool:
    """Objects each handout keeps for itself, even when byte-identical to another's.

    A page, a form field or an annotation belongs to one place in the document; a
    shared widget would tick the box in every handout at once.
    """
    if not isinstance(obj, dict):
        return False
    kind = obj.get("/Type")
    return kind in ("/Page", "/Pages", "/Annot") or any(k in obj for k in ("/Rect", "/FT", "/T"))
