"""A Paragraph that breaks its lines once per width.

Tables, cards and KeepTogether ask a paragraph for its size several times at
the same width (about three times on average in a handout); reportlab breaks
the lines again on every call. The answer depends only on the width, the text
and the style, so it is kept.
"""

from __future__ import annotations

from reportlab.platypus import Paragraph


class Para(Paragraph):
    _wrapped_width: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # reportlab drops the broken lines (blPara) after some splits: then break again.
        if avail_width == self._wrapped_width and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(avail_width, avail_height)
        if size == (self.width, self.height):  # not reportlab's "cannot fit at this width"
            self._wrapped_width = avail_width
        return size
