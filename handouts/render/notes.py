"""A ruled area for a patient's own notes; a multi-line form field in a fillable handout."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from handouts.render.fields import text_field
from handouts.render.theme import MUTED, Theme


class NotesArea(Flowable):
    """Lines to write notes on, ``height`` high; a multi-line form field when fillable."""

    def __init__(self, theme: Theme, width: float, height: float, field: str | None):
        super().__init__()
        self.theme, self.width, self.height, self.field = theme, width, height, field

    def draw(self) -> None:
        """Ruled lines only (graphics, not text: its label is a paragraph above it)."""
        canvas = self.canv
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        step = max(self.theme.body_size * 1.9, 7 * mm)
        y = self.height - step
        while y >= 0:
            canvas.line(0, y, self.width, y)
            y -= step
        if self.field:  # drawn here, not as a flowable: the lines stay an artifact
            text_field(canvas, self.field, (self.width, self.height), True, "Your notes")
