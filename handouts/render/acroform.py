"""reportlab's AcroForm, with each distinct look of a form field drawn once.

For every checkbox reportlab draws six appearance streams (normal, down and
rollover, each ticked and not) and only then finds that an identical stream was
made for the box before; a text field's appearance likewise. A year-long tracker
has about 4,000 boxes, all alike: drawing their looks again was most of the
time a fillable handout took. The streams, and the file, are the same.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.acroform import AcroForm
from reportlab.pdfgen.canvas import Canvas


class _OnceEachForm(AcroForm):
    def __init__(self, canv: Canvas, **kwargs: Any) -> None:
        super().__init__(canv, **kwargs)
        self._looks: dict[tuple, Any] = {}

    def _look(self, kind: str, draw: Any, args: tuple, kwargs: dict) -> Any:
        # reportlab's colours compare by their components (an RGB one never equals a CMYK one)
        key = (kind, args, tuple(sorted(kwargs.items())))
        if key not in self._looks:
            self._looks[key] = draw(*args, **kwargs)
        return self._looks[key]

    def checkboxAP(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - reportlab's name
        return self._look("checkbox", super().checkboxAP, args, kwargs)

    def txAP(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - reportlab's name
        return self._look("text", super().txAP, args, kwargs)


def acro_form(canvas: Canvas) -> AcroForm:
    """The canvas's form (``canvas.acroForm``), made the first time as one that draws each
    look once."""
    form = getattr(canvas, "AcroForm", None)
    if form is None:
        form = canvas.AcroForm = canvas._doc._catalog.AcroForm = _OnceEachForm(canvas)
    return form
