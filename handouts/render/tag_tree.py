"""The structure tree as PDF objects written as a document is saved: elements, parent tree, XMP."""

from __future__ import annotations

from typing import Protocol
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc

from handouts.render.compact import ObjectBlock
from handouts.render.tag_nodes import Annotation, Node, Raw


class Tagged(Protocol):
    """What the writer reads of a :class:`handouts.render.tagging.Tagger`."""

    root: Node
    recorded: Tagged | None
    replaced: dict[int, object]

    def elements(self) -> Elements: ...


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def xmp(title: str, lang: str) -> bytes:
    """The XMP metadata PDF/UA-1 asks for: the title, the language, "PDF/UA part 1"."""
    return XMP.format(title=escape(title), lang=escape(lang)).encode()


CELLS = frozenset(("TD", "TH", "LBody", "Lbl"))


def _kids(node: Node) -> list:
    """``node``'s kids, but a cell or list body holding one plain paragraph holds its text
    directly: a screen reader reads the same, and the file has a third fewer elements."""
    kids = node.kids
    if node.role in CELLS and len(kids) == 1 and isinstance(kids[0], Node):
        only = kids[0]
        if only.role == "P" and all(isinstance(kid, tuple) for kid in only.kids):
            return only.kids
    return kids


class _Numbers:
    """The object numbers an element's bytes refer to, in one document."""

    __slots__ = ("first", "parent", "pages", "annotations")

    def __init__(self, first: int, parent: int, pages: list[int], annotations: list[int]):
        self.first, self.parent, self.pages, self.annotations = first, parent, pages, annotations

    def key(self) -> tuple:
        return self.first, self.parent, tuple(self.pages), tuple(self.annotations)


class Elements:
    """Elements under some top ones, numbered in a run from ``first``: their bytes, and
    which element holds each marked-content sequence and annotation."""

    def __init__(self, tops: list[Node]) -> None:
        self.nodes: list[Node] = []
        self.parents: list[int] = []  # each node's parent's index; -1: the Document
        self.kids: list[list] = []
        stack = [(top, -1) for top in reversed(tops)]
        while stack:
            node, parent = stack.pop()
            kids = _kids(node)
            self.nodes.append(node)
            self.parents.append(parent)
            self.kids.append(kids)
            index = len(self.nodes) - 1
            stack.extend((kid, index) for kid in reversed(kids) if isinstance(kid, Node))
        self.index = {id(node): i for i, node in enumerate(self.nodes)}
        self.marked = [  # (page, mcid, element)
            (kid[0], kid[1], i)
            for i, kids in enumerate(self.kids)
            for kid in kids
            if isinstance(kid, tuple)
        ]
        self.annotated = [  # (annotation, element), in order
            (kid, i)
            for i, kids in enumerate(self.kids)
            for kid in kids
            if isinstance(kid, Annotation)
        ]
        # each annotation's place in that order, looked up per element (a search per
        # annotation made a 4,000-box tracker quadratic)
        self.annotation_at = {id(kid): n for n, (kid, _) in enumerate(self.annotated)}
        self._cache: tuple[tuple, list[bytes]] | None = None
        self.tree_cache: tuple[tuple, bytes] | None = None  # the last tree root written with these

    def bodies(self, numbers: _Numbers, document: object) -> list[bytes]:
        """Each element's dictionary; the same numbers give the same bytes (kept: a batch's
        shared pages are written for every patient)."""
        key = numbers.key()
        if self._cache is None or self._cache[0] != key:
            self._cache = key, [self._body(i, numbers, document) for i in range(len(self.nodes))]
        return self._cache[1]

    def _body(self, i: int, numbers: _Numbers, document: object) -> bytes:
        node, parent = self.nodes[i], self.parents[i]
        first, pages = numbers.first, numbers.pages
        up = first + parent if parent >= 0 else numbers.parent
        page = None
        kids = []
        annotation = 0
        for kid in self.kids[i]:
            if isinstance(kid, Node):
                kids.append(f"{first + self.index[id(kid)]} 0 R")
            elif isinstance(kid, Annotation):
                obj = numbers.annotations[self.annotation_at[id(kid)]]
                kids.append(f"<</Type/OBJR/Obj {obj} 0 R/Pg {pages[kid.page]} 0 R>>")
                page = kid.page if page is None else page
                annotation += 1
            else:
                on, mcid = kid
                if page is None:
                    page = on
                kids.append(
                    str(mcid) if on == page else f"<</Type/MCR/Pg {pages[on]} 0 R/MCID {mcid}>>"
                )
        head = f"<</S/{node.role}/P {up} 0 R"
        if page is not None:
            head += f"/Pg {pages[page]} 0 R"
        if len(kids) > 1:
            head += f"/K [{' '.join(kids)}]"
        elif kids:
            head += f"/K {kids[0]}"
        out = head.encode()
        if node.alt:
            out += b"/Alt " + pdfdoc.PDFString(node.alt).format(document)
        return out + node.attributes + b">>"


def _number(doc: pdfdoc.PDFDocument, obj: object) -> int:
    return doc.idToObjectNumberAndVersion[doc.Reference(obj).name][0]


class TreeWriter:
    """The structure tree as PDF objects: the elements in one run of object numbers
    (the recording's first, so their numbers do not depend on the personal block), then
    the Document element and the ones drawn on this canvas."""

    def __init__(self, doc: pdfdoc.PDFDocument, tagger: Tagged) -> None:
        self.doc, self.tagger = doc, tagger
        pages = doc.Pages.pages
        self.pages = [_number(doc, page) for page in pages]
        for index, page in enumerate(pages):
            page.__NoDefault__ = [*type(page).__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = index
            page.Tabs = pdfdoc.PDFName("S")
        recorded = tagger.recorded
        shared = recorded.elements() if recorded else Elements([])
        own = Elements(tagger.root.kids)
        tops = [(kid.place, 0, kid) for kid in tagger.root.kids]
        tops += [(kid.place, 1, kid) for kid in (recorded.root.kids if recorded else [])]
        tops.sort(key=lambda top: top[:2])
        self.tree = Raw(self._tree)
        block = ObjectBlock(1 + len(shared.nodes) + len(own.nodes), self._bodies)
        first = doc.objectcounter + 1
        doc.Reference(block)
        doc.objectcounter += block.count - 1
        self.tree_number = _number(doc, self.tree)
        document = first + len(shared.nodes)
        annotations = [self._annotation(mark) for mark, _ in shared.annotated]
        self.shared = shared, _Numbers(first, document, self.pages, annotations)
        annotations = [self._annotation(mark) for mark, _ in own.annotated]
        self.own = own, _Numbers(document + 1, document, self.pages, annotations)
        self.document = document
        key = len(self.pages)  # the parent tree's keys: pages first, then annotations
        for mark, _ in [*shared.annotated, *own.annotated]:
            obj = self.tagger.replaced.get(id(mark.obj), mark.obj)
            obj.dict = {**obj.dict, "StructParent": key}  # a copy: recordings share theirs
            key += 1
        self.tops = [(self.own if source == 0 else self.shared, top) for _, source, top in tops]

    def _annotation(self, mark: Annotation) -> int:
        return _number(self.doc, self.tagger.replaced.get(id(mark.obj), mark.obj))

    def _bodies(self, document: object) -> list[bytes]:
        (shared, shared_numbers), (own, own_numbers) = self.shared, self.own
        kids = " ".join(
            f"{numbers.first + elements.index[id(top)]} 0 R"
            for (elements, numbers), top in self.tops
        )
        root = f"<</S/Document/P {self.tree_number} 0 R/K [{kids}]>>".encode()
        return [
            *shared.bodies(shared_numbers, document),
            root,
            *own.bodies(own_numbers, document),
        ]

    def _tree(self, document: object) -> bytes:
        """The tree's root and its parent tree: which element holds each marked-content
        sequence of each page. The same for patients whose page one is marked alike (kept:
        about a thousand numbers each time)."""
        (shared, shared_numbers), (own, own_numbers) = self.shared, self.own
        holders = tuple(i for _, i in own.annotated)
        key = (shared_numbers.key(), own_numbers.key(), tuple(own.marked), holders)
        if shared.tree_cache is None or shared.tree_cache[0] != key:
            shared.tree_cache = key, self._tree_bytes()
        return shared.tree_cache[1]

    def _tree_bytes(self) -> bytes:
        per_page: dict[int, dict[int, int]] = {}
        nums = []
        key = len(self.pages)
        for elements, numbers in (self.shared, self.own):
            for page, mcid, i in elements.marked:
                per_page.setdefault(page, {})[mcid] = numbers.first + i
            for _, i in elements.annotated:
                nums.append(f"{key} {numbers.first + i} 0 R")
                key += 1
        arrays = []
        for page in range(len(self.pages)):
            owners = per_page.get(page, {})
            refs = " ".join(f"{owners[mcid]} 0 R" for mcid in range(len(owners)))
            arrays.append(f"{page} [{refs}]")
        return (
            f"<</Type/StructTreeRoot/K {self.document} 0 R/ParentTreeNextKey {key}"
            f"/ParentTree <</Nums [{' '.join(arrays + nums)}]>>>>"
        ).encode()
