"""Lay out the pages every patient shares once; replay them for each patient.

In a batch only the personal block at the top of page one (name, clinician,
note, introduction) differs between patients. Laying out the rest (table,
cards, sections, grid) is most of the work, so it is done once per programme,
brand and options into a ``Recording``: each page's compressed content stream,
its links, images and bookmarks, and the code each character got in the font
subsets. A patient's handout is a fresh canvas seeded with those codes (so the
recorded text still points at the right glyphs), the personal block drawn on
page one, and the recorded pages appended.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from handouts.render.canvas import HandoutCanvas
from handouts.render.compact import REPEATED_FLATE, TEMPLATE_SLOT, TemplateSlot
from handouts.render.document import FOOTER_FORM, TOTAL_FORM
from handouts.render.tag_nodes import Raw
from handouts.render.tagging import Tagger

_INTERNAL_NAME = "__InternalName__"  # where reportlab notes an object's name in its document
_RECORDED = "Recorded"  # a replayed page's stream and links are named for their page


@dataclass
class PageRecord:
    size: tuple[float, float]
    contents: bytes  # the page's content stream, formatted and compressed
    code: list[str]  # the same operators unformatted: page one gets the personal block added
    top_block_at: int  # ... after its first this many operators (the header and footer)
    forms: list[str]  # form and image XObjects the page draws
    annotations: list[tuple[object, int]] = field(default_factory=list)
    bookmarks: list[tuple[str, dict]] = field(default_factory=list)
    colours: dict = field(default_factory=dict)
    shadings: dict = field(default_factory=dict)
    has_images: int = 1
    dictionary: TemplateSlot = field(default_factory=TemplateSlot)  # the page's, once written


@dataclass
class Recording:
    pages: list[PageRecord] = field(default_factory=list)
    outline: list[tuple[str, str, int, bool | None]] = field(default_factory=list)
    fonts: list[tuple[object, object]] = field(default_factory=list)  # (TTFont, its State)
    xobjects: dict[str, object] = field(default_factory=dict)  # internal name → form or image
    shadings: dict[str, object] = field(default_factory=dict)  # "Sh0"… → gradient a form paints
    tags: Tagger | None = None  # the structure of the recorded pages


def _page_stream(canvas: Canvas, code: list[str]) -> pdfdoc.PDFStream:
    """The content stream ``Canvas.showPage`` would make of ``code``."""
    stream = pdfdoc.PDFStream()
    parts = canvas._psCommandsBeforePage + [canvas._preamble] + code + [" "]
    stream.content = "\n".join(parts + canvas._psCommandsAfterPage) + "\n"
    if canvas._pageCompression:
        stream.filters = [pdfdoc.PDFZCompress]
    return stream


class RecordingCanvas(HandoutCanvas):
    """A canvas that keeps each finished page instead of writing a PDF."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.recording = Recording()
        self._page_annotations: list[tuple[object, int]] = []
        self._page_bookmarks: list[tuple[str, dict]] = []

    def bookmarkPage(self, key: str, **kwargs) -> None:  # noqa: N802 - reportlab's name
        self._page_bookmarks.append((key, kwargs))

    def addOutlineEntry(self, title: str, key: str, level: int = 0, closed=None) -> None:  # noqa: ANN001, N802
        self.recording.outline.append((title, key, level, closed))

    def _addAnnotation(self, annotation, name=None, addtopage=1) -> None:  # noqa: ANN001, N802
        if self.tagger:
            self.tagger.annotation(self, annotation)
        self._page_annotations.append((annotation, addtopage))

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        if self._extgstate.getState() or hasattr(self, "AcroForm"):
            raise NotImplementedError("recorded pages cannot hold transparency or form fields")
        code = list(self._code)
        doc = self._doc
        self.recording.pages.append(
            PageRecord(
                size=tuple(self._pagesize),
                # Page one gets the personal block added, so it keeps its code unformatted.
                contents=_page_stream(self, code).format(doc) if self.recording.pages else b"",
                code=[] if self.recording.pages else code,
                top_block_at=self.top_block_at,
                forms=list(self._formsinuse),
                annotations=self._page_annotations,
                bookmarks=self._page_bookmarks,
                colours=dict(self._colorsUsed),
                shadings=dict(self._shadingUsed),
                has_images=self._currentPageHasImages,
            )
        )
        self._page_annotations, self._page_bookmarks = [], []
        self._startPage()

    def save(self) -> None:
        """Paint the shared forms; keep them, images and the fonts' code assignments."""
        doc = self._doc
        # The page total and the footer (it names the patient) are painted per handout;
        # exercise figures are painted where first drawn: only the header here.
        names = sorted(name for name in self.forms_used if not _per_handout(name))
        self.paint_forms([name for name in names if not self.hasForm(name)])
        self.recording.tags = self.tagger
        self.recording.xobjects = {
            name: _written_once(obj)
            for name, obj in doc.idToObject.items()
            if name.startswith(doc.getXObjectName(""))
            and not _per_handout(name.removeprefix(doc.getXObjectName("")))
        }
        # Resources name shadings (an SVG logo's gradients) by reference, as "Sh0"…
        self.recording.shadings = {
            name: obj for name, obj in doc.idToObject.items() if isinstance(obj, pdfdoc.PDFShading)
        }
        for font in doc.delayedFonts:
            self.recording.fonts.append((font, font.state.pop(doc)))
        for name in doc.fontMapping:
            if not getattr(pdfmetrics.getFont(name), "_dynamicFont", False):
                raise NotImplementedError(f"recorded pages use the built-in font {name}")


def _per_handout(form: str) -> bool:
    return form == TOTAL_FORM or form.startswith(FOOTER_FORM)


def _copy_state(state: object) -> object:
    fresh = copy.copy(state)
    fresh.assignments = dict(state.assignments)
    fresh.subsets = [list(subset) for subset in state.subsets]
    return fresh


def _fresh(obj: object) -> object:
    """A copy of a PDF object that a new document can register under its own name."""
    fresh = copy.copy(obj)
    fresh.__dict__.pop(_INTERNAL_NAME, None)
    for name, value in vars(fresh).items():
        if isinstance(value, pdfdoc.PDFObject) and hasattr(value, _INTERNAL_NAME):
            setattr(fresh, name, _fresh(value))
    return fresh


def _unshared(obj: object) -> object:
    """A deep copy a new document can register under its own name.

    Formatting a shading registers its colour functions in the document; shared,
    they would carry one document's object names into the next.
    """
    fresh = copy.deepcopy(obj)
    fresh.__dict__.pop(_INTERNAL_NAME, None)
    return fresh


def _compressed_once(xobject: object) -> object:
    """A recorded form whose content is compressed once for all the handouts that draw it."""
    if isinstance(xobject, pdfdoc.PDFFormXObject) and xobject.compression and not xobject.Contents:
        stream = pdfdoc.PDFStream(content=xobject.stream, filters=[REPEATED_FLATE])
        stream.__Comment__ = "xobject form stream"  # as reportlab's own
        xobject.Contents, xobject.compression = stream, 0
    return xobject


def _written_once(xobject: object) -> object:
    """A form that names no other object, or only recorded forms (an exercise figure, which
    draws its end pose's form), as its finished bytes.

    Its bytes are then the same in every document, but for the numbers of the forms it
    draws: written once per recording, not formatted again for each patient.
    """
    resources = getattr(xobject, "Resources", None)
    if not isinstance(xobject, pdfdoc.PDFFormXObject) or not isinstance(
        resources, pdfdoc.PDFResourceDictionary
    ):
        return xobject
    if any(getattr(resources, kind) for kind in resources.dict_attributes if kind != "XObject"):
        return xobject  # it names fonts, images or colours: numbers of this document
    scratch = pdfdoc.PDFDocument()
    inner = list(resources.XObject)  # the forms it draws, numbered when written
    for index, name in enumerate(inner):
        scratch.idToObjectNumberAndVersion[name] = (_PLACEHOLDER + index, 0)
    data = _compressed_once(copy.copy(xobject)).format(scratch)
    if not inner:
        return Raw(lambda document, data=data: data)
    head, body = data.split(b"\nstream\n", 1)  # the numbers are in the dictionary
    marks = [b"%d 0 R" % (_PLACEHOLDER + index) for index in range(len(inner))]

    def numbered(document: object) -> bytes:
        text = head
        for name, mark in zip(inner, marks, strict=True):
            text = text.replace(mark, b"%d %d R" % document.idToObjectNumberAndVersion[name])
        return text + b"\nstream\n" + body

    return Raw(numbered)


_PLACEHOLDER = 9_000_000_000  # an object number no document reaches: replaced when written


def seed(canvas: Canvas, recording: Recording) -> None:
    """Give a new canvas the recorded fonts, forms, images and shadings, before anything is drawn.

    Characters first drawn afterwards get the next free codes, so the recorded
    pages' text stays valid whatever the personal block adds.
    """
    doc = canvas._doc
    if doc.fontMapping or doc.delayedFonts:
        raise RuntimeError("seed() must come before any text is drawn")
    for font, state in recording.fonts:
        font.state[doc] = _copy_state(state)
        doc.fontMapping[font.fontName] = "/" + state.internalName
        doc.delayedFonts.append(font)
    for xname, obj in recording.xobjects.items():
        doc.Reference(_compressed_once(_fresh(obj)), xname)
    for name, shading in recording.shadings.items():
        doc.Reference(_unshared(shading), name)
    doc.shadingCounter += len(recording.shadings)  # the next gradient gets the next free name
    # The personal block's marked content follows the recorded page one's.
    if canvas.tagger and recording.tags:
        canvas.tagger.next_mcid[0] = recording.tags.next_mcid.get(0, 0)


def replay(canvas: Canvas, recording: Recording) -> None:
    """Append the recorded pages; what is already drawn on the canvas joins page one's."""
    copies: dict[int, object] = {}  # id(recorded annotation) → this document's copy
    for index, page in enumerate(recording.pages):
        if index:
            canvas.setPageSize(page.size)
        at = page.top_block_at
        canvas._code[:0] = page.code[:at]
        canvas._code.extend(page.code[at:])
        canvas._formsinuse.extend(page.forms)
        canvas.forms_used.update(page.forms)
        canvas._colorsUsed.update(page.colours)
        canvas._shadingUsed.update(page.shadings)
        canvas._currentPageHasImages = page.has_images
        for number, (annotation, on_page) in enumerate(page.annotations):
            copies[id(annotation)] = copy = _fresh(annotation)
            # Named for its place, as the page's dictionary names it in every handout.
            name = f"{_RECORDED}{index}.{number}"
            Canvas._addAnnotation(canvas, copy, name, on_page)  # its element is recorded
        for key, kwargs in page.bookmarks:
            canvas.bookmarkPage(key, **kwargs)
        pages = canvas._doc.Pages.pages
        canvas.showPage()
        if index:  # the stream was formatted when recorded; page one has more on it
            pages[-1].Contents = Raw(lambda document, data=page.contents: data)
            # Numbered now, not when the page is written: the page's dictionary then
            # names only numbered objects, and is the same bytes for every patient but
            # for their numbers.
            canvas._doc.Reference(pages[-1].Contents, f"{_RECORDED}{index}")
            setattr(pages[-1], TEMPLATE_SLOT, page.dictionary)
    for title, key, level, closed in recording.outline:
        canvas.addOutlineEntry(title, key, level=level, closed=closed)
    if canvas.tagger and recording.tags:
        canvas.tagger.adopt(recording.tags, copies)
