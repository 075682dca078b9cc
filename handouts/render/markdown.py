"""Markdown (education sections) → reportlab flowables.

Modelled on mdformat's renderer: a table of small functions keyed by node
type, each taking ``(node, context)``. Block renderers return
``list[Flowable]``; inline renderers return reportlab paragraph markup.

Every text leaf goes through ``styles.escape`` exactly once, and raw HTML is
off in the parser, so user text can never inject reportlab markup (unknown
tags are silently dropped and ``<img>`` can fetch URLs).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NoReturn
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from handouts.errors import HandoutsError, RenderError
from handouts.render.fonts import escape_markup
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table

__all__ = [
    "MarkdownError",
    "MarkdownStyles",
    "markdown_limits",
    "markdown_to_flowables",
    "unsupported_markdown",
]

BULLET = "\u2022"  # "•": present in every text font we ship
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# splitInRow lets one very tall table row (or a long call-out) break across pages.
_SPLIT_IN_ROW = (
    {"splitInRow": 1} if "splitInRow" in inspect.signature(Table.__init__).parameters else {}
)
_ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
# What a printed page can show: deeper nesting, wider tables or longer headings gave a
# RecursionError, a ValueError from reportlab or a build that never ended.
MAX_NESTING = 20  # lists, quotes and emphasis inside one another
MAX_TABLE_COLUMNS = 10  # across a large-print page, each column still holds a word
MAX_HEADING = 150  # characters: about two lines of a heading


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
class _Context:
    styles: MarkdownStyles
    source: str
    first_line: int
    width: float  # available width where the current block is placed
    paragraph_style: ParagraphStyle  # body, bullet or callout, depending on the container


def markdown_to_flowables(
    text: str,
    styles: MarkdownStyles,
    *,
    source: str = "<markdown>",
    first_line: int = 1,
    available_width: float,
) -> list[Flowable]:
    """Render Markdown ``text`` as flowables; errors name ``source`` and the line.

    ``first_line`` is the line of ``text``'s first line within ``source``
    (e.g. after YAML front matter).
    """
    for offset, message in markdown_limits(text):
        raise MarkdownError(f"{source}:{first_line + offset}: {message}")
    context = _Context(styles, source, first_line, available_width, styles.body)
    return _render_blocks(_tree(text).children, context)


def unsupported_markdown(text: str) -> list[tuple[int, str]]:
    """(line offset, node type) of each thing the renderer would refuse, without rendering."""
    if _too_deep(_tokens(text)) is not None:
        return []  # markdown_limits says so; the tree cannot be built
    found = []
    for node in _tree(text).walk():
        if node.type not in _RENDERED:
            found.append((_line_offset(node), node.type))
    return found


def markdown_limits(text: str) -> list[tuple[int, str]]:
    """(line offset, message) for Markdown deeper, wider or longer than a page can show."""
    tokens = _tokens(text)
    deep = _too_deep(tokens)
    if deep is not None:
        message = (
            f"Markdown nested more than {MAX_NESTING} levels deep (lists, quotes or"
            " emphasis inside one another); flatten it"
        )
        return [(deep, message)]
    found = []
    for index, token in enumerate(tokens):
        line = token.map[0] if token.map else 0
        if token.type == "tr_open":
            columns = sum(1 for _ in _row_cells(tokens, index))
            if columns > MAX_TABLE_COLUMNS and tokens[index - 1].type == "thead_open":
                message = (
                    f"a table of {columns} columns; a printed page holds at most"
                    f" {MAX_TABLE_COLUMNS}: split it into narrower tables"
                )
                found.append((line, message))
        elif token.type == "inline" and tokens[index - 1].type == "heading_open":
            found += _long_heading(line, token.content)
    return found


def _long_heading(line: int, text: str) -> list[tuple[int, str]]:
    if len(text) <= MAX_HEADING:
        return []
    message = (
        f"a heading of {len(text):,} characters; keep headings to {MAX_HEADING}"
        " and put the rest in a paragraph"
    )
    return [(line, message)]


def _row_cells(tokens: list, start: int) -> Iterator[object]:
    for token in tokens[start + 1 :]:
        if token.type == "tr_close":
            return
        if token.type in ("th_open", "td_open"):
            yield token


def _too_deep(tokens: list) -> int | None:
    """The line offset where nesting passes MAX_NESTING, if it does (counted without recursion)."""
    for token in tokens:
        depth = token.level
        for child in token.children or ():
            depth += child.nesting
            if depth > MAX_NESTING:
                return token.map[0] if token.map else 0
        if token.level > MAX_NESTING:
            return token.map[0] if token.map else 0
    return None


@lru_cache(maxsize=64)
def _tokens(text: str) -> list:
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    return parser.parse(text)


@lru_cache(maxsize=64)  # a build checks each section (unsupported_markdown), then renders it
def _tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(_tokens(text))


# --- helpers ---------------------------------------------------------------


def _line_offset(node: SyntaxTreeNode) -> int:
    """Line of ``node`` within the text; inline nodes have no map, so use the nearest block's."""
    current: SyntaxTreeNode | None = node
    while current is not None and current.map is None:
        current = current.parent
    return current.map[0] if current is not None and current.map else 0


def _unsupported(node: SyntaxTreeNode, context: _Context) -> NoReturn:
    raise MarkdownError(
        f"{context.source}:{context.first_line + _line_offset(node)}: "
        f"unsupported Markdown: {node.type}"
    )


def _render_blocks(nodes: Sequence[SyntaxTreeNode], context: _Context) -> list[Flowable]:
    flowables: list[Flowable] = []
    for node in nodes:
        render = BLOCK_RENDERERS.get(node.type) or _unsupported
        rendered = render(node, context)
        if node.type == "blockquote" and flowables and not rendered[0].splitInRow:
            # A call-out that moves whole to the next page takes the text before it along:
            # it belongs to its section, not alone at the top of a page.
            flowables[-1].keepWithNext = True
        flowables.extend(rendered)
    return flowables


def _render_inline(node: SyntaxTreeNode, context: _Context) -> str:
    """Markup for all children of ``node`` (an ``inline`` node or a span like ``em``)."""
    parts = []
    for child in node.children:
        render = INLINE_RENDERERS.get(child.type) or _unsupported
        parts.append(render(child, context))
    return "".join(parts)


def _table_font(context: _Context) -> tuple:
    """Tables set a cell font even for Paragraph cells; the default is Helvetica,
    which is never embedded, so name the body font instead."""
    return ("FONT", (0, 0), (-1, -1), context.styles.body.fontName, context.styles.body.fontSize)


def _gap(context: _Context) -> float:
    """The rhythm unit for spacing we own (lists, tables, rules, call-outs)."""
    return context.styles.body.fontSize * 0.6


# --- block renderers ---------------------------------------------------------


def _heading(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    style = context.styles.h2 if node.tag in ("h1", "h2") else context.styles.h3
    paragraph = Para(_render_inline(node.children[0], context), style)
    paragraph.keepWithNext = True  # never strand a heading at the foot of a page
    return [paragraph]


def _paragraph(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    return [Para(_render_inline(node.children[0], context), context.paragraph_style)]


def _code(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    """Code is shown as plain body text, keeping its line breaks and runs of spaces."""
    lines = []
    for line in node.content.rstrip("\n").expandtabs(4).split("\n"):
        # Leading spaces and runs of 2+ become non-breaking; text pieces are escaped.
        parts = re.split(r"(^ +| {2,})", line)
        lines.append(
            "".join("&nbsp;" * len(p) if p.isspace() else context.styles.escape(p) for p in parts)
        )
    return [Para("<br/>".join(lines), context.paragraph_style)]


class _List(ListFlowable):
    """A list whose first item never ends a page alone, nor its last starts one."""

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        parts = super().split(aW, aH)  # the items' flowables, for the frame to place one by one
        starts = [i for i, part in enumerate(parts) if getattr(part, "_bullet", None)]
        if len(starts) >= 3:  # with two, the whole list would move, leaving its lead-in behind
            for part in parts[starts[-1] - 1 : -1]:  # the item before it, and the last one whole
                part.keepWithNext = True
            for part in parts[: starts[1]]:  # nor does the first end a page alone (a 1/2 split)
                part.keepWithNext = True
        return parts


def _list(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    styles = context.styles
    size = styles.bullet.fontSize
    if node.type == "ordered_list":
        start = int(node.attrs.get("start", 1))
        digits = len(str(start + len(node.children) - 1))
        indent = size * (0.6 * digits + 1.1)
        # reportlab draws no bullet for the value 0, so a "0." list counts from 1, printed -1.
        shift = 1 if start == 0 else 0
        # "1." or "1)" as in the source; numbers right-aligned so "9." and "10." line up,
        # ending a small gap before the text (reportlab's auto dedent leaves none).
        kind = {
            "bulletType": "1",
            "start": start + shift,
            "bulletFormat": lambda number: f"{int(number) - shift}{node.markup}",
            "bulletAlign": "right",
            "bulletDedent": size * 0.45,
        }
    else:
        indent = size * 1.3
        kind = {"bulletType": "bullet", "start": BULLET}
    inner = replace(context, width=context.width - indent, paragraph_style=styles.bullet)
    items = [
        ListItem(_render_blocks(item.children, inner) or [Spacer(0, 0)]) for item in node.children
    ]
    # A nested list is one flowable inside its item, so its last paragraph's spaceAfter
    # is lost: restore the item rhythm. A top-level list is followed by a body gap.
    nested = node.parent is not None and node.parent.type == "list_item"
    return [
        _List(
            items,
            leftIndent=indent,
            bulletFontName=styles.body.fontName,  # the default is Helvetica: never embedded
            bulletFontSize=size,
            bulletColor=styles.bullet.textColor,
            spaceBefore=0,
            spaceAfter=styles.bullet.spaceAfter if nested else _gap(context),
            **kind,
        )
    ]


def _blockquote(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    """A call-out: tinted box with an accent stripe; a one-cell table so it can split."""
    styles, gap = context.styles, _gap(context)
    stripe = 0.0 if styles.ink_saver else 3.0
    pad_x, pad_y = gap * 1.6, gap * 1.2
    box_width = context.width - stripe / 2
    inner_width = box_width - (pad_x + stripe) - pad_x
    inner = replace(context, width=inner_width, paragraph_style=styles.callout)
    content = _render_blocks(node.children, inner)
    if styles.ink_saver:
        commands = [("BOX", (0, 0), (-1, -1), 0.75, styles.callout_border)]
    else:
        commands = [
            ("BACKGROUND", (0, 0), (-1, -1), styles.callout_fill),
            # Stroked centred on the cell edge: half of it would stick out to the left,
            # so the table is narrowed by that half and right-aligned (below).
            ("LINEBEFORE", (0, 0), (0, -1), stripe, styles.callout_border),
        ]
    commands += [
        _table_font(context),
        ("LEFTPADDING", (0, 0), (-1, -1), pad_x + stripe),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
        ("TOPPADDING", (0, 0), (-1, -1), pad_y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad_y),
        # Top-aligned, a call-out refuses a split that would leave its first part no text.
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    table = Table(
        [[content]],
        colWidths=[box_width],
        style=TableStyle(commands),
        hAlign="RIGHT",
        spaceBefore=gap,
        spaceAfter=gap * 1.5,
        **_SPLIT_IN_ROW,
    )
    # One that fits on a page moves there whole: split at the foot of a page, its box
    # could hold no line of text, or leave only its padding on the next page.
    height = styles.page_height
    if height is not None and table.wrap(box_width, height)[1] <= height:
        table.splitInRow = 0
    return [table]


def _hr(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    gap = _gap(context)
    return [
        HRFlowable(
            width="100%",
            thickness=0.5,
            color=context.styles.rule_colour,
            spaceBefore=gap,
            spaceAfter=gap * 1.5,
        )
    ]


def _table(node: SyntaxTreeNode, context: _Context) -> list[Flowable]:
    styles, gap = context.styles, _gap(context)
    header = node.children[0].children if node.children[0].type == "thead" else []
    rows = [row for section in node.children for row in section.children]
    data = [
        [
            _cell(cell, styles.table_header if row in header else styles.table_cell, context)
            for cell in row.children
        ]
        for row in rows
    ]
    # Source length of each cell (markup included) is a good enough proxy for its text.
    lengths = [max(len(_source(row.children[col])) for row in rows) for col in range(len(data[0]))]
    commands: list[tuple] = [
        _table_font(context),
        ("GRID", (0, 0), (-1, -1), 0.5, styles.grid_colour),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), gap * 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), gap * 0.6),
        ("LEFTPADDING", (0, 0), (-1, -1), gap),
        ("RIGHTPADDING", (0, 0), (-1, -1), gap),
    ]
    last = len(header) - 1
    if header and styles.ink_saver:  # no fill: a heavier rule marks the header instead
        commands.append(("LINEBELOW", (0, last), (-1, last), 1.2, styles.grid_colour))
    elif header:
        commands.append(("BACKGROUND", (0, 0), (-1, last), styles.table_header_fill))
    table = Table(
        data,
        colWidths=_column_widths(lengths, context.width),
        repeatRows=len(header),
        style=TableStyle(commands),
        hAlign="LEFT",
        spaceBefore=gap,
        spaceAfter=gap * 1.5,
        **_SPLIT_IN_ROW,
    )
    return [data_table(table, header_rows=len(header))]


def _source(cell: SyntaxTreeNode) -> str:
    return cell.children[0].content if cell.children else ""


def _cell(cell: SyntaxTreeNode, base: ParagraphStyle, context: _Context) -> Paragraph:
    """A wrapping paragraph, aligned as the Markdown column asks (``:--:`` etc.)."""
    align = str(cell.attrs.get("style", "")).removeprefix("text-align:")
    style = base
    if align in _ALIGNMENTS and _ALIGNMENTS[align] != base.alignment:
        style = ParagraphStyle(f"{base.name}-{align}", parent=base, alignment=_ALIGNMENTS[align])
    return Para(_render_inline(cell.children[0], context) if cell.children else "", style)


def _column_widths(lengths: Sequence[int], total: float) -> list[float]:
    """Widths summing to ``total``: each column gets a floor, the rest goes by text length.

    Lengths are capped so one long column cannot squeeze the others to a word per line.
    """
    floor = min(total / len(lengths), 48.0)
    weights = [min(max(length, 3), 60) for length in lengths]
    spare = total - floor * len(lengths)
    return [floor + spare * weight / sum(weights) for weight in weights]


BLOCK_RENDERERS: dict[str, Callable[[SyntaxTreeNode, _Context], list[Flowable]]] = {
    "heading": _heading,
    "paragraph": _paragraph,
    "bullet_list": _list,
    "ordered_list": _list,
    "blockquote": _blockquote,
    "table": _table,
    "hr": _hr,
    "fence": _code,
    "code_block": _code,
}


# --- inline renderers --------------------------------------------------------


def _text(node: SyntaxTreeNode, context: _Context) -> str:
    try:
        return context.styles.escape(node.content)
    except RenderError as error:  # a character no font has: say where it is
        message = error.format_message().removeprefix("text: ")
        line = context.first_line + _line_offset(node)
        raise MarkdownError(f"{context.source}:{line}: {message}") from None


def _tag(tag: str) -> Callable[[SyntaxTreeNode, _Context], str]:
    def render(node: SyntaxTreeNode, context: _Context) -> str:
        return f"<{tag}>{_render_inline(node, context)}</{tag}>"

    return render


def _link(node: SyntaxTreeNode, context: _Context) -> str:
    """Only web and mail links become live; anything else prints as its text."""
    text = _render_inline(node, context)
    href = str(node.attrs.get("href", ""))
    if urlsplit(href).scheme.lower() not in LINK_SCHEMES:
        return text
    # An attribute, not a text leaf: plain XML escaping (styles.escape may add tags).
    href = escape_markup(href)
    return f'<a href="{href}" color="{escape_markup(context.styles.link_colour)}">{text}</a>'


INLINE_RENDERERS: dict[str, Callable[[SyntaxTreeNode, _Context], str]] = {
    "text": _text,
    "text_special": _text,
    "code_inline": _text,  # plain body text: every font must be an embedded one
    "strong": _tag("b"),
    "em": _tag("i"),
    "s": _tag("strike"),
    "link": _link,
    "softbreak": lambda node, context: " ",
    "hardbreak": lambda node, context: "<br/>",
}
# Node types the renderers above handle, with the containers they walk themselves.
_CONTAINERS = {"root", "inline", "list_item", "thead", "tbody", "tr", "th", "td"}
_RENDERED = frozenset(BLOCK_RENDERERS) | frozenset(INLINE_RENDERERS) | _CONTAINERS
