"""A box to tick or write in on the tracking sheet: drawn, or a PDF form field when fillable."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable

from handouts.render.acroform import acro_form
from handouts.render.theme import TEXT


class TickBox(Flowable):
    """A box to tick or write in, ``height`` up to half as tall again as wide when the page
    has room; a PDF form field when ``field`` is set."""

    def __init__(
        self,
        size: float,
        colour: colors.Color,
        field: str | None = None,
        kind: str = "check",
        height: float | None = None,
        tooltip: str = "",
    ):
        super().__init__()
        self.size, self.colour, self.field, self.kind = size, colour, field, kind
        self.width, self.height = size, height or size
        self.tooltip = tooltip or (field or "")  # what to enter, as a screen reader says it

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        if self.field:
            _form_field(canvas, self.field, self.kind, (self.width, self.height), self.tooltip)


def _form_field(canvas, name: str, kind: str, size: tuple, tooltip: str) -> None:  # noqa: ANN001
    form = acro_form(canvas)
    width, height = size
    common = dict(name=name, tooltip=tooltip, x=0, y=0, borderWidth=0, relative=True)
    if kind == "check":
        form.checkbox(
            size=min(width, height),
            buttonStyle="check",
            borderColor=None,
            fillColor=None,
            textColor=TEXT,
            **common,
        )
    else:
        form.textfield(
            width=width,
            height=height,
            maxlen=2,
            borderColor=None,
            fillColor=None,
            fontSize=0,
            **common,
        )
