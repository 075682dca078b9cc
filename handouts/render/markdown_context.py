"""What the Markdown renderers share: the theme's styles, where a block is placed, its error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from markdown_it.tree import SyntaxTreeNode
from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle

from handouts.errors import HandoutsError
from handouts.render.fonts import escape_markup
from handouts.render.markdown_parse import line_offset


class MarkdownError(HandoutsError):
    """The Markdown uses something a printed handout cannot show (e.g. an image)."""


@dataclass(frozen=True)
class MarkdownStyles:
    """Styles and colours the renderer needs; the theme builds one of these.

    Every font name must be a registered TTF family (``registerFontFamily``)
    so ``<b>``/``<i>`` resolve to embedded faces; ``table_header`` is expected
    to be a bold face already.
    """

    body: ParagraphStyle
    h2: ParagraphStyle  # "#" and "##": the section title itself is the caller's H1
    h3: ParagraphStyle  # "###" and deeper
    bullet: ParagraphStyle  # list item paragraphs
    table_header: ParagraphStyle
    table_cell: ParagraphStyle
    callout: ParagraphStyle  # text inside block quotes
    rule_colour: Color
    callout_fill: Color  # light tint behind block quotes
    callout_border: Color  # accent stripe on the left of block quotes
    table_header_fill: Color
    grid_colour: Color
    link_colour: str  # hex like "#1F5F8B", used in <a color=...>
    # Called on every text leaf exactly once; may also wrap missing glyphs in <font> tags.
    escape: Callable[[str], str] = escape_markup
    ink_saver: bool = False  # no filled areas: call-outs get a border, table headers no fill
    page_height: float | None = None  # when known, a call-out that fits a page never splits


@dataclass(frozen=True)
class Context:
    """Where a block is being rendered: the styles, the file for error lines, the room."""

    styles: MarkdownStyles
    source: str
    first_line: int
    width: float  # available width where the current block is placed
    paragraph_style: ParagraphStyle  # body, bullet or callout, depending on the container


def unsupported(node: SyntaxTreeNode, context: Context) -> NoReturn:
    """Stop at a node no renderer takes (an image, raw HTML), naming its file and line."""
    raise MarkdownError(
        f"{context.source}:{context.first_line + line_offset(node)}: "
        f"unsupported Markdown: {node.type}"
    )


def table_font(context: Context) -> tuple:
    """Tables set a cell font even for Paragraph cells; the default is Helvetica,
    which is never embedded, so name the body font instead."""
    return ("FONT", (0, 0), (-1, -1), context.styles.body.fontName, context.styles.body.fontSize)


def rhythm_gap(context: Context) -> float:
    """The rhythm unit for spacing we own (lists, tables, rules, call-outs)."""
    return context.styles.body.fontSize * 0.6
