"""Tagged PDF: a structure tree in reading order, so a screen reader can read a handout.

reportlab writes no structure tree; this module adds one on top of it (PDF/UA-1).

- ``install()`` wraps reportlab's ``drawOn`` once. On a canvas that has a
  ``tagger`` each flowable's drawing is marked as it is drawn, so anything a
  layout change moves or adds is tagged the same way:
  - a paragraph is one marked-content sequence (``/P <</MCID 3>> BDC … EMC``) of a
    P or H1/H2/H3 element, by its style's name (``HEADINGS``) or ``role()``;
  - a table is a Table of TR and TH/TD (through reportlab's own table render
    callback), its backgrounds and rules artifacts; a layout table (a card, a
    panel) adds no elements, only its cells' contents;
  - list items are LI with Lbl (the bullet or number) and LBody;
  - a flowable given alternative text (``figure()``) is a Figure;
  - any other drawing (a rule, a tick box's square) is an artifact.
- Link and form-field annotations join the element being drawn (Link, Form).
- ``Tagger.write`` makes the PDF objects when the document is saved: the
  elements, the parent tree (:mod:`handouts.render.tag_tree`), MarkInfo and the
  pages' StructParents. The elements are :mod:`handouts.render.tag_nodes`.

Roles are decided where the story is built; drawing code needs no tag operators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, ListFlowable, Paragraph, Spacer, Table
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import HRFlowable, LIIndenter, _Container

from handouts.render.tag_nodes import ARTIFACT, TRUE, Annotation, Node
from handouts.render.tag_tree import Elements, TreeWriter, xmp

# Paragraph style name → structure role; any other style is a P.
HEADINGS = {"title": "H1", "h1": "H1", "card_title": "H2", "h2": "H2", "h3": "H3"}


# -- what the story builder says -------------------------------------------------
def figure(flowable: Flowable, alt: str) -> Flowable:
    """Tag ``flowable`` as a Figure whose alternative text is ``alt``."""
    flowable._alt = alt
    return flowable


def role(flowable: Flowable, name: str) -> Flowable:
    """Tag a paragraph with ``name`` (H2, P, …) instead of its style's role."""
    flowable._tag = name
    return flowable


def data_table(table: Table, header_rows: int) -> Table:
    """Tag ``table`` as a Table whose first ``header_rows`` rows (on each page) are TH."""
    table._renderCB = TableTags(header_rows)
    return table


class Tagger:
    """The structure tree of one document (or one recording of shared pages)."""

    def __init__(self) -> None:
        self.root = Node("Document")
        self.stack: list[Node] = [self.root]
        self.next_mcid: dict[int, int] = {}  # page index → next MCID on it
        self.sealed_depth = 0  # > 0 inside an artifact or a figure: nothing nested is tagged
        self.drawn = 0  # flowables drawn so far: tells a leaf from a container
        self.flowables: list[object] = []
        self.cells: list[tuple[bool, bool]] = []  # per open table cell: (element, marked)
        self.table_events: list[bool] = []  # per open table event: whether it was tagged
        self.replaced: dict[int, object] = {}  # id(recorded annotation) → this document's copy

    def elements(self) -> Elements:
        """The elements under the root (once: a recording is written for every patient)."""
        if self._elements is None:
            self._elements = Elements(self.root.kids)
        return self._elements

    _elements: Elements | None = None

    @property
    def current(self) -> Node:
        return self.stack[-1]

    # -- marked content ----------------------------------------------------
    def begin(self, canvas: Canvas, node: Node) -> None:
        """Start content of ``node`` on the current page (``end`` finishes it)."""
        page = canvas._pageNumber - 1
        mcid = self.next_mcid.get(page, 0)
        self.next_mcid[page] = mcid + 1
        node.kids.append((page, mcid))
        canvas._code.append(f"/{node.role}<</MCID {mcid}>>BDC")
        self.sealed_depth += 1

    def end(self, canvas: Canvas) -> None:
        canvas._code.append("EMC")
        self.sealed_depth -= 1

    def begin_artifact(self, canvas: Canvas) -> None:
        canvas._code.append(f"/{ARTIFACT} BMC")
        self.sealed_depth += 1

    @contextmanager
    def sealed(self) -> Iterator[None]:
        """Nothing drawn meanwhile is tagged (forms: their use on a page is marked)."""
        self.sealed_depth += 1
        yield
        self.sealed_depth -= 1

    @contextmanager
    def artifact(self, canvas: Canvas) -> Iterator[None]:
        self.begin_artifact(canvas)
        yield
        self.end(canvas)

    @contextmanager
    def element(self, canvas: Canvas, node: Node, *, parent: Node | None = None) -> Iterator[None]:
        """``node`` added to ``parent`` (the open element), its drawing one marked sequence."""
        (parent or self.current).kids.append(node)
        self.stack.append(node)
        self.begin(canvas, node)
        yield
        self.end(canvas)
        self.stack.pop()

    @contextmanager
    def group(self, node: Node) -> Iterator[Node]:
        """``node`` added to the open element; what is drawn meanwhile goes into it."""
        self.current.kids.append(node)
        self.stack.append(node)
        yield node
        self.stack.pop()

    def annotation(self, canvas: Canvas, obj: object) -> None:
        """A link or form field drawn now joins the open element as a Link or Form."""
        if not isinstance(obj, pdfdoc.PDFDictionary):
            return
        role = "Link" if obj.dict.get("Subtype") == "/Link" else "Form"
        action = obj.dict.get("A")
        if role == "Link" and isinstance(action, pdfdoc.PDFDictionary) and "URI" in action:
            target = getattr(action["URI"], "s", action["URI"])  # a reader names the link by it
            obj.dict["Contents"] = pdfdoc.PDFString(f"Link to {target}")
        node = Node(role)
        mark = Annotation(obj, canvas._pageNumber - 1)
        node.kids.append(mark)
        self.current.kids.append(node)

    # -- flowables ---------------------------------------------------------
    def draw(self, flowable: Flowable, canvas: Canvas, draw: Callable[[], object]) -> None:
        """Draw ``flowable`` (``draw``), marked as what it is."""
        self.drawn += 1
        self.flowables.append(flowable)
        try:
            self._draw(flowable, canvas, draw)
        finally:
            self.flowables.pop()

    def _draw(self, flowable: Flowable, canvas: Canvas, draw: Callable[[], object]) -> None:
        parent = self.current
        if not isinstance(flowable, LIIndenter):
            parent.open_list = None
        own = flowable.__dict__
        alt = own.get("_alt") or getattr(flowable, "alt", None)
        if alt and isinstance(alt, str):
            with self.element(canvas, Node("Figure", alt=alt)):
                draw()
        elif own.get("_tag") == ARTIFACT or isinstance(flowable, HRFlowable):
            with self.artifact(canvas):
                draw()
        elif isinstance(flowable, Paragraph):
            name = own.get("_tag") or HEADINGS.get(flowable.style.name, "P")
            with self.element(canvas, Node(name)):
                draw()
        elif isinstance(flowable, Table):
            if flowable._renderCB is None:
                flowable._renderCB = LAYOUT
            draw()
        elif isinstance(flowable, ListFlowable):
            with self.group(Node("L")) as listing:
                parent.open_list = None
                listing.open_list = listing
                draw()
        elif isinstance(flowable, (Spacer, ActionFlowable, _Container)):
            draw()
        else:
            self._unknown(flowable, canvas, draw)

    def _unknown(self, flowable: Flowable, canvas: Canvas, draw: Callable[[], object]) -> None:
        """A flowable of no known kind: one that draws no others is an artifact."""
        code, start, drawn = canvas._code, len(canvas._code), self.drawn
        draw()
        if self.drawn == drawn and len(code) > start:
            code.insert(start, f"/{ARTIFACT} BMC")
            code.append("EMC")

    def list_item(self, item: LIIndenter, canvas: Canvas, x: float, y: float, _sW: float) -> None:
        """A list item (or the rest of one split over pages): LI with Lbl and LBody."""
        self.drawn += 1
        parent = self.current
        listing = parent.open_list
        if listing is None:
            listing = Node("L")
            parent.kids.append(listing)
            parent.open_list = listing
        if item._bullet or not listing.kids:
            listing.kids.append(Node("LI"))
        entry = listing.kids[-1]
        if item._bullet:
            with self.element(canvas, Node("Lbl"), parent=entry):
                item._bullet.drawOn(item, canvas, x, y, 0)
        if not entry.kids or entry.kids[-1].role != "LBody":
            entry.kids.append(Node("LBody"))
        self.stack.append(entry.kids[-1])
        try:
            width = max(0, _sW - item._leftIndent - item._rightIndent)
            item._flowable.drawOn(canvas, x + item._leftIndent, y, width)
        finally:
            self.stack.pop()

    # -- shared pages --------------------------------------------------------
    def adopt(self, recorded: Tagger, replaced: dict[int, object]) -> None:
        """Join a recording's elements: they follow those drawn here (the personal block)."""
        self.recorded, self.replaced = recorded, replaced

    recorded: Tagger | None = None

    # -- writing -------------------------------------------------------------
    def write(self, canvas: Canvas) -> None:
        """Give the document its structure tree and PDF/UA entries; call before saving."""
        doc = canvas._doc
        catalog = doc.Catalog
        catalog.StructTreeRoot = TreeWriter(doc, self).tree
        catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": TRUE})
        catalog.ViewerPreferences = pdfdoc.PDFDictionary({"DisplayDocTitle": TRUE})
        catalog.Metadata = pdfdoc.PDFStream(
            pdfdoc.PDFDictionary({"Type": "/Metadata", "Subtype": "/XML"}),
            xmp(doc.info.title, getattr(catalog.Lang, "s", None) or "en"),
        )


class TableTags:
    """reportlab's table render callback: Table, TR and TH/TD, or (``header_rows`` None)
    a layout table that adds no elements; backgrounds and rules are artifacts."""

    def __init__(self, header_rows: int | None) -> None:
        self.header_rows = header_rows

    def __call__(self, table: Table, event: str, *args: object) -> None:
        tagger = getattr(table.canv, "tagger", None)
        if tagger is None:
            return
        if event.startswith("start"):  # every start has its end: both act, or neither
            active = not tagger.sealed_depth
            tagger.table_events.append(active)
            if active:
                self._start(table, tagger, event, args)
        elif tagger.table_events.pop():
            self._end(table, tagger, event)

    def _start(self, table: Table, tagger: Tagger, event: str, args: tuple) -> None:
        data = self.header_rows is not None
        if event in ("startBG", "startLines"):
            tagger.begin_artifact(table.canv)
        elif event == "startCell":
            self._start_cell(table, tagger, table.canv, *args)
        elif data and event in ("startTable", "startRow"):
            tagger.current.open_list = None
            node = Node("Table" if event == "startTable" else "TR")
            tagger.current.kids.append(node)
            tagger.stack.append(node)

    def _end(self, table: Table, tagger: Tagger, event: str) -> None:
        if event in ("endBG", "endLines"):
            tagger.end(table.canv)
        elif event == "endCell":
            element, marked = tagger.cells.pop()
            if marked:
                tagger.end(table.canv)
            if element:
                tagger.stack.pop()
        elif self.header_rows is not None and event in ("endTable", "endRow"):
            tagger.stack.pop()

    def _start_cell(
        self, table: Table, tagger: Tagger, canvas: Canvas, row: int, col: int, value: object, *_
    ) -> None:
        element = self.header_rows is not None
        if element:
            head = row < self.header_rows
            attributes = b"/Scope/Column" if head else b""
            span = getattr(table, "_spanRanges", {}).get((col, row))
            if span:
                first_col, first_row, last_col, last_row = span
                if last_col > first_col:
                    attributes += b"/ColSpan %d" % (last_col - first_col + 1)
                if last_row > first_row:
                    attributes += b"/RowSpan %d" % (last_row - first_row + 1)
            cell = Node("TH" if head else "TD")
            if attributes:
                cell.attributes = b"/A <</O/Table" + attributes + b">>"
            tagger.current.kids.append(cell)
            tagger.stack.append(cell)
        marked = isinstance(value, str)  # text drawn by the table itself
        if marked:
            if value.strip():
                node = tagger.current if element else Node("P")
                if not element:
                    tagger.current.kids.append(node)
                tagger.begin(canvas, node)
            else:
                tagger.begin_artifact(canvas)
        tagger.cells.append((element, marked))


LAYOUT = TableTags(None)


# -- reportlab's drawOn, wrapped once --------------------------------------------
def _wrap(cls: type) -> None:
    original = cls.__dict__["drawOn"]
    if getattr(original, "_tagged", False):
        return

    def drawOn(self, canvas, *args, **kwargs):  # noqa: ANN001, ANN202, N802 - reportlab's
        tagger = getattr(canvas, "tagger", None)
        if (
            tagger is None
            or tagger.sealed_depth
            or (tagger.flowables and tagger.flowables[-1] is self)
        ):
            return original(self, canvas, *args, **kwargs)
        tagger.draw(self, canvas, lambda: original(self, canvas, *args, **kwargs))

    drawOn._tagged = True
    cls.drawOn = drawOn


def _list_item_draw_on(self, canvas, x, y, _sW=0):  # noqa: ANN001, ANN202, N803
    tagger = getattr(canvas, "tagger", None)
    if tagger is None or tagger.sealed_depth:
        return _LI_DRAW_ON(self, canvas, x, y, _sW)
    tagger.list_item(self, canvas, x, y, _sW)


_LI_DRAW_ON = LIIndenter.drawOn


def install() -> None:
    """Make reportlab's flowables tag what they draw on a canvas that has a ``tagger``."""
    for cls in (Flowable, _Container):
        _wrap(cls)
    LIIndenter.drawOn = _list_item_draw_on
