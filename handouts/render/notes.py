"""A ruled area for a patient's own notes; a multi-line form field in a fillable handout."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from handouts.render.fields import TextField
from handouts.render.theme import MUTED, TEXT, Theme


class NotesArea(Flowable):
    """A ruled area for the patient's notes; a multi-line form field when fillable."""

    def __init__(self, theme: Theme, width: float, height: float, field: str | None):
        super().__init__()
        self.theme, self.width, self.height, self.field = theme, width, height, field

    def draw(self) -> None:
        canvas, theme = self.canv, self.theme
        canvas.setFillColor(TEXT)
        canvas.setFont(theme.fonts.main.bold, theme.small_size)
        canvas.drawString(0, self.height - theme.small_size, "Notes")
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        top = self.height - theme.small_size * 1.6
        step = max(theme.body_size * 1.9, 7 * mm)
        y = top - step
        while y >= 0:
            canvas.line(0, y, self.width, y)
            y -= step
        if self.field:
            field = TextField(self.field, self.width, top, multiline=True, tooltip="Your notes")
            field.drawOn(canvas, 0, 0)
