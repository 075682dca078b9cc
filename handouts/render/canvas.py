"""The canvas a handout is drawn on: a fixed creation date, shared forms drawn once, tags."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from handouts.render import tagging
from handouts.render.compact import write_compactly
from handouts.render.ink import NeutralInk, NeutralText
from handouts.render.tag_nodes import Node
from handouts.render.tagging import Tagger

tagging.install()  # flowables drawn on a HandoutCanvas tag what they draw


class LineText(NeutralText):
    """Text whose lines each end in a space, so the text a screen reader gets keeps the
    words at a line break apart ("works in", not "worksin"). The space is not seen."""

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N803 - reportlab's name
        if TStar and not text[-1:].isspace():  # a T*: the line ends here
            text += " "
        super()._textOut(text, TStar)


class HandoutCanvas(NeutralInk, Canvas):
    """Fixes the creation date; draws the forms pages share once, when the document is saved.

    Pages show the brand header and footer as form XObjects (stored once, not on
    every page) and end their footer with "Page X of " and the page-total form,
    which is defined only at save time: "Page X of Y" needs one layout pass, not two.
    """

    top_block_at = 0  # page one's operators before the personal block: header and footer
    tagged = True  # False only to measure what tagging costs (bench/run.py)

    def __init__(self, *args, handout_epoch: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        write_compactly(self)
        self.forms_used: set[str] = set()
        self.paint_form: Callable[[Canvas, str], None] | None = None  # set by HandoutDoc
        self.tagger = Tagger() if self.tagged else None
        # The creation date is the handout date, so the same inputs give the same bytes.
        stamp = TimeStamp(invariant=1)
        stamp.t, stamp.lt = handout_epoch, time.gmtime(handout_epoch)
        stamp.YMDhms = tuple(stamp.lt)[:6]
        self._doc._timeStamp = stamp
        # reportlab seeded the file /ID from SOURCE_DATE_EPOCH when set (else a fixed time);
        # seed it from the handout date, so --date and SOURCE_DATE_EPOCH give the same bytes.
        self._doc.signature = hashlib.md5(b"a reportlab document", usedforsecurity=False)
        self._doc.signature.update(ascii(float(handout_epoch)).encode())

    def doForm(self, name: str) -> None:  # noqa: N802 - reportlab's name
        self.forms_used.add(name)
        super().doForm(name)

    def beginText(self, x: float = 0, y: float = 0, direction: str | None = None) -> PDFTextObject:  # noqa: N802
        text_class = LineText if self.tagger else NeutralText
        return text_class(self, x, y, direction=direction)

    def _addAnnotation(self, annotation, name=None, addtopage=1) -> None:  # noqa: ANN001, N802
        if self.tagger:
            self.tagger.annotation(self, annotation)
        super()._addAnnotation(annotation, name, addtopage)

    def element(self, node: Node) -> AbstractContextManager:
        """Draw ``node``'s content (a no-op untagged)."""
        return self.tagger.element(self, node) if self.tagger else nullcontext()

    def artifact(self) -> AbstractContextManager:
        """Draw an artifact: what a screen reader skips (a no-op untagged)."""
        return self.tagger.artifact(self) if self.tagger else nullcontext()

    def paint_forms(self, names: list[str]) -> None:
        """Define the forms ``names``: drawn where a page marks them, they add no tags."""
        tags = self.tagger.sealed() if self.tagger else nullcontext()
        with tags:
            for name in names:
                self.paint_form(self, name)

    def save(self) -> None:
        self.paint_forms([n for n in sorted(self.forms_used) if not self.hasForm(n)])
        if self._code:
            self.showPage()
        if self.tagger:
            self.tagger.write(self)
        super().save()
