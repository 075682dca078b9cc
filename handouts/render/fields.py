"""A fillable text field as a flowable: typed into on screen, a blank line on paper."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from handouts.render.acroform import acro_form


def text_field(
    canvas: Canvas,
    name: str,
    size: tuple[float, float],
    multiline: bool = False,
    tooltip: str = "",
) -> None:
    """A text field ``size`` (width, height) at the canvas's origin; several lines when
    ``multiline``. Font size 0: viewers fit typed text to the field (render/forms.py gives
    it the brand's font)."""
    width, height = size
    acro_form(canvas).textfield(
        name=name,
        tooltip=tooltip or name,  # what to type, as a screen reader says it
        x=0,
        y=0,
        width=width,
        height=height,
        borderWidth=0,
        borderColor=None,
        fillColor=None,
        fontSize=0,
        fieldFlags="multiline" if multiline else "",
        maxlen=None if multiline else 200,
        relative=True,
    )


class TextField(Flowable):
    """A one-line text field ``width`` by ``height`` (a blank detail on page one)."""

    def __init__(self, name: str, width: float, height: float, tooltip: str = ""):
        super().__init__()
        self.name, self.width, self.height, self.tooltip = name, width, height, tooltip

    def draw(self) -> None:
        text_field(self.canv, self.name, (self.width, self.height), tooltip=self.tooltip)
