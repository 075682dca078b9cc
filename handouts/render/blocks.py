"""Building blocks every part of a handout uses: escaped paragraphs, headings, panels.

User text is escaped (and font-switched) once, here at the leaf.
"""

from __future__ import annotations

import re

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from handouts.render.document import mark
from handouts.render.paragraph import Para
from handouts.render.theme import Theme


def para(
    theme: Theme, text: str, style: str = "body", where: str = "text", lines: bool = False
) -> Paragraph:
    """A Paragraph of user text: escaped (and font-switched) once, here at the leaf.

    ``lines``: keep the text's line breaks (a note typed as a list, one item a line).
    """
    names = theme.fonts.main.names  # the style's face, so fallback runs keep bold/italic
    face = next((f for f, name in names.items() if name == theme[style].fontName), "regular")
    parts = text.splitlines() if lines else [text]
    return Para("<br/>".join(theme.fonts.markup(part, where, face) for part in parts), theme[style])


def paragraphs(theme: Theme, text: str, style: str, where: str) -> list[Paragraph]:
    """Text with blank lines between paragraphs, as paragraphs that keep their line breaks."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return [para(theme, block, style, where, lines=True) for block in blocks]


def heading(
    theme: Theme, title: str, level: int = 0, style: str = "h1", source: str | None = None
) -> Paragraph:
    return mark(para(theme, title, style, source or title), outline=(title, level), source=source)


# Cells that lay out other blocks side by side: no padding of their own, tops aligned.
BARE_CELLS = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def styled(theme: Theme, commands: list) -> TableStyle:
    """A TableStyle whose default cell font is the brand font: reportlab's is Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), theme.fonts.main.regular), *commands])


def box(
    theme: Theme,
    content: list[Flowable],
    width: float,
    *,
    accent: bool = False,
    padding: float = 4 * mm,
) -> Table:
    """A soft panel (tinted fill; a border only in ink-saver mode)."""
    fill = theme.accent_wash if accent else theme.wash
    stripe = theme.accent_line if accent else theme.line
    style = [
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("LINEBEFORE", (0, 0), (0, -1), 3, stripe),
    ]
    if theme.ink_saver:
        style.append(("BOX", (0, 0), (-1, -1), 0.6, stripe))
    return Table([[content]], colWidths=[width], style=styled(theme, style))


def lower_first(text: str) -> str:
    """Mid-line, "As needed" reads "as needed", "A band" "a band"; "RPE 7" keeps its capitals."""
    word = text.split(" ", 1)[0]
    if word == "A" or (word[:1].isupper() and word[1:].islower()):
        return text[0].lower() + text[1:]
    return text


# A number and its unit, or a dose's "×", stay on one line: "rest 60" / "s" misreads.
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:s|sec|min|kg|lb|km|m|cm|mm)\b|×|%)|(?<=×) (?=\d)")


def line_count(words: list[float], space: float, width: float) -> int:
    """The lines that words of these widths take, broken at the spaces between them (each
    ``space`` wide) to ``width`` as a paragraph breaks them, without laying one out."""
    count, used = 1, -space
    for word in words:
        if used + space + word > width and used > 0:
            count, used = count + 1, word
        else:
            used += space + word
    return count


def keep_units(text: str) -> str:
    """``text`` with no-break spaces between numbers and their units ("60 s", "3 × 15")."""
    return _UNIT_SPACE.sub("\u00a0", text)


def hex_colour(colour) -> str:  # noqa: ANN001 - reportlab Color
    return "#" + colour.hexval()[2:]
