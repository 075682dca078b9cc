"""A fillable text field as a flowable: typed into on screen, a blank line on paper."""

from __future__ import annotations

from reportlab.platypus import Flowable


class TextField(Flowable):
    """A text field ``width`` by ``height``; several lines when ``multiline``.

    Font size 0: viewers fit typed text to the field (render/forms.py gives it the
    brand's font).
    """

    def __init__(
        self, name: str, width: float, height: float, multiline: bool = False, tooltip: str = ""
    ):
        super().__init__()
        self.name, self.width, self.height, self.multiline = name, width, height, multiline
        self.tooltip = tooltip or name  # what to type, as a screen reader says it

    def draw(self) -> None:
        self.canv.acroForm.textfield(
            name=self.name,
            tooltip=self.tooltip,
            x=0,
            y=0,
            width=self.width,
            height=self.height,
            borderWidth=0,
            borderColor=None,
            fillColor=None,
            fontSize=0,
            fieldFlags="multiline" if self.multiline else "",
            maxlen=None if self.multiline else 200,
            relative=True,
        )
