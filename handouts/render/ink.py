"""Neutral colours printed as gray ink: black text is pure black (``0 g``), not RGB.

reportlab writes every ``Color`` as RGB (``0 0 0 rg``). A print shop's RIP turns
RGB black into four-colour black, which blurs small text when the plates shift;
DeviceGray black prints with the black plate alone. Brand colours stay RGB.
"""

from __future__ import annotations

from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfgen.textobject import PDFTextObject


def _gray(colour: object) -> float | None:
    """The gray level of a neutral RGB colour (black, grays, white), else None."""
    neutral = isinstance(colour, Color) and not isinstance(colour, CMYKColor)
    return colour.red if neutral and colour.red == colour.green == colour.blue else None


class NeutralInk:
    """Mixed into a canvas or text object: neutral colours set as gray."""

    def setFillColor(self, colour, alpha=None) -> None:  # noqa: ANN001, N802 - reportlab's name
        level = _gray(colour)
        if level is None:
            super().setFillColor(colour, alpha)  # type: ignore[misc]
            return
        self.setFillGray(level)  # type: ignore[attr-defined]
        self._fillColorObj = colour  # as reportlab keeps it, so a repeat is not set again
        self.setFillAlpha(alpha if alpha is not None else colour.alpha)  # type: ignore[attr-defined]

    def setStrokeColor(self, colour, alpha=None) -> None:  # noqa: ANN001, N802 - reportlab's name
        level = _gray(colour)
        if level is None:
            super().setStrokeColor(colour, alpha)  # type: ignore[misc]
            return
        self.setStrokeGray(level)  # type: ignore[attr-defined]
        self._strokeColorObj = colour
        self.setStrokeAlpha(alpha if alpha is not None else colour.alpha)  # type: ignore[attr-defined]


class NeutralText(NeutralInk, PDFTextObject):
    """The text object a paragraph writes its lines with."""
