"""Read a tagged PDF back: the text of each marked-content sequence, and the structure tree.

What a screen reader gets: the tree in reading order, each element's text from the
marked content it owns; what it never gets: artifacts, and (the fault this finds)
text outside any marked content.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pikepdf

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def _cmap(font: pikepdf.Dictionary) -> dict[int, str]:
    """A simple font's code → text, from its ToUnicode map (bfchar and bfrange)."""
    if "/ToUnicode" not in font:
        return {}
    data = font.ToUnicode.read_bytes().decode("latin-1")
    codes: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for offset in range(int(low, 16), int(high, 16) + 1):
                codes[offset] = chr(int(start, 16) + offset - int(low, 16))
    return codes


@dataclass
class PageText:
    marked: dict[int, str] = field(default_factory=dict)  # MCID → its text
    order: list[int] = field(default_factory=list)  # MCIDs in the order the page draws them
    from_forms: set[int] = field(default_factory=set)  # MCIDs whose text is a form's
    artifacts: list[str] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)  # text neither tagged nor an artifact


def _shown(operands: list, codes: dict[int, str]) -> str:
    parts = []
    for operand in operands:
        items = list(operand) if isinstance(operand, pikepdf.Array) else [operand]
        for item in items:
            if isinstance(item, pikepdf.String):
                parts.append("".join(codes.get(byte, "") for byte in bytes(item)))
    return "".join(parts)


def read_page(page: pikepdf.Page) -> PageText:
    text = PageText()

    def walk(stream: object, resources: pikepdf.Dictionary, marks: list, in_form: bool) -> None:
        fonts = resources.get("/Font", {})
        codes: dict[int, str] = {}
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            if op == "BDC":
                props = operands[1]
                mcid = (
                    int(props.MCID)
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                    else None
                )
                marks.append((str(operands[0]), mcid))
                if mcid is not None:
                    text.order.append(mcid)
                    text.marked.setdefault(mcid, "")
            elif op == "BMC":
                marks.append((str(operands[0]), None))
            elif op == "EMC":
                marks.pop()
            elif op == "Tf":
                codes = _cmap(fonts[str(operands[0])])
            elif op == "Do":
                xobject = resources.XObject[str(operands[0])]
                if xobject.Subtype == "/Form":
                    walk(xobject, xobject.get("/Resources", resources), marks, True)
            elif op in TEXT_OPERATORS:
                shown = _shown(operands, codes)
                mcid = next((m for _, m in reversed(marks) if m is not None), None)
                if any(tag == "/Artifact" for tag, _ in marks):
                    text.artifacts.append(shown)
                elif mcid is not None:
                    text.marked[mcid] += shown
                    if in_form:
                        text.from_forms.add(mcid)
                else:
                    text.untagged.append(shown)

    walk(page.obj, page.obj.Resources, [], False)
    return text


@dataclass
class Element:
    role: str
    alt: str | None
    attributes: dict
    text: str  # its own marked content's text, then its kids'
    kids: list[Element]
    content: list[tuple[int, int]]  # (page index, MCID) it owns directly

    def walk(self):  # noqa: ANN201
        yield self
        for kid in self.kids:
            yield from kid.walk()


@dataclass
class TaggedPdf:
    pdf: pikepdf.Pdf
    pages: list[PageText]
    root: Element

    def reading_order(self) -> list[tuple[int, int]]:
        """Every (page, MCID) in the order the tree reads it."""
        return [mark for element in self.root.walk() for mark in element.content]

    def text(self, mark: tuple[int, int]) -> str:
        page, mcid = mark
        return self.pages[page].marked.get(mcid, "")


def read(pdf: bytes) -> TaggedPdf:
    document = pikepdf.open(io.BytesIO(pdf))
    page_numbers = {page.obj.objgen: index for index, page in enumerate(document.pages)}
    pages = [read_page(page) for page in document.pages]

    def element(obj: pikepdf.Dictionary) -> Element:
        page = page_numbers.get(obj.Pg.objgen) if "/Pg" in obj else None
        kids_obj = obj.get("/K")
        kids_list = list(kids_obj) if isinstance(kids_obj, pikepdf.Array) else [kids_obj]
        kids, content = [], []
        for kid in kids_list:
            if kid is None:
                continue
            if isinstance(kid, int) or (not isinstance(kid, pikepdf.Dictionary)):
                content.append((page, int(kid)))
            elif kid.get("/Type") == "/MCR":
                content.append((page_numbers[kid.Pg.objgen], int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                kids.append(Element("OBJR", None, {"Obj": kid.Obj}, "", [], []))
            else:
                kids.append(element(kid))
        attributes = dict(obj.A.items()) if "/A" in obj else {}
        alt = str(obj.Alt) if "/Alt" in obj else None
        text = "".join(pages[p].marked.get(m, "") for p, m in content if p is not None)
        return Element(str(obj.S)[1:], alt, attributes, text, kids, content)

    return TaggedPdf(document, pages, element(document.Root.StructTreeRoot.K))
