"""The structure tree's pieces: elements, the annotations they hold, bytes made when written."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.pdfbase import pdfdoc

ARTIFACT = "Artifact"  # the role of drawing that is not content: rules, backgrounds
FRONT, IN_ORDER, BACK = -1, 0, 1  # where a top-level element goes in reading order


class Raw(pdfdoc.PDFObject):
    """A PDF object whose bytes are made when the document is written."""

    def __init__(self, make: Callable[[object], bytes]) -> None:
        self.make = make

    def format(self, document: object) -> bytes:
        return self.make(document)


TRUE = Raw(lambda document: b"true")


class Node:
    """A structure element: its role and its kids in reading order.

    A kid is a Node, a ``(page, mcid)`` pair (content marked on that page) or an
    ``Annotation`` (a link or form field on a page).
    """

    __slots__ = ("role", "kids", "alt", "attributes", "place", "open_list")

    def __init__(
        self, role: str, *, alt: str | None = None, attributes: bytes = b"", place: int = IN_ORDER
    ) -> None:
        self.role, self.alt, self.attributes, self.place = role, alt, attributes, place
        self.kids: list = []
        self.open_list: Node | None = None  # the L that a following list item joins


class Annotation:
    """A link or form field (its reportlab dictionary) on a page."""

    __slots__ = ("obj", "page")

    def __init__(self, obj: object, page: int) -> None:
        self.obj, self.page = obj, page
