"""Markdown (education sections) → reportlab flowables.

Modelled on mdformat's renderer: a table of small functions keyed by node
type, each taking ``(node, context)``. Block renderers (here) return
``list[Flowable]``; inline renderers (:mod:`handouts.render.markdown_inline`) return
reportlab paragraph markup. Parsing and the page's limits are in
:mod:`handouts.render.markdown_parse`; the styles the theme passes in are in
:mod:`handouts.render.markdown_context`.

Every text leaf goes through ``styles.escape`` exactly once, and raw HTML is
off in the parser, so user text can never inject reportlab markup (unknown
tags are silently dropped and ``<img>`` can fetch URLs).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from markdown_it.tree import SyntaxTreeNode
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

from handouts.render.markdown_context import (
    Context,
    MarkdownError,
    MarkdownStyles,
    rhythm_gap,
    table_font,
    unsupported,
)
from handouts.render.markdown_inline import INLINE_RENDERERS, render_inline
from handouts.render.markdown_parse import (
    line_offset,
    markdown_limits,
    parse_tokens,
    syntax_tree,
    too_deep,
)
from handouts.render.paragraph import Para
from handouts.render.tagging import data_table

__all__ = [
    "MarkdownError",
    "MarkdownStyles",
    "markdown_to_flowables",
    "unsupported_markdown",
]

BULLET = "\u2022"  # "•": present in every text font we ship
# splitInRow lets one very tall table row (or a long call-out) break across pages.
_SPLIT_IN_ROW = (
    {"splitInRow": 1} if "splitInRow" in inspect.signature(Table.__init__).parameters else {}
)
_ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


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
    context = Context(styles, source, first_line, available_width, styles.body)
    return _render_blocks(syntax_tree(text).children, context)


def unsupported_markdown(text: str) -> list[tuple[int, str]]:
    """(line offset, node type) of each thing the renderer would refuse, without rendering."""
    if too_deep(parse_tokens(text)) is not None:
        return []  # markdown_limits says so; the tree cannot be built
    found = []
    for node in syntax_tree(text).walk():
        if node.type not in _RENDERED:
            found.append((line_offset(node), node.type))
    return found


def _render_blocks(nodes: Sequence[SyntaxTreeNode], context: Context) -> list[Flowable]:
    flowables: list[Flowable] = []
    for node in nodes:
        render = BLOCK_RENDERERS.get(node.type) or unsupported
        rendered = render(node, context)
        if node.type == "blockquote" and flowables and not rendered[0].splitInRow:
            # A call-out that moves whole to the next page takes the text before it along:
            # it belongs to its section, not alone at the top of a page.
            flowables[-1].keepWithNext = True
        flowables.extend(rendered)
    return flowables


# --- block renderers ---------------------------------------------------------


def _heading(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
    style = context.styles.h2 if node.tag in ("h1", "h2") else context.styles.h3
    paragraph = Para(render_inline(node.children[0], context), style)
    paragraph.keepWithNext = True  # never strand a heading at the foot of a page
    return [paragraph]


def _paragraph(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
    return [Para(render_inline(node.children[0], context), context.paragraph_style)]


def _code(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
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


def _list(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
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
            spaceAfter=styles.bullet.spaceAfter if nested else rhythm_gap(context),
            **kind,
        )
    ]


def _blockquote(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
    """A call-out: tinted box with an accent stripe; a one-cell table so it can split."""
    styles, gap = context.styles, rhythm_gap(context)
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
        table_font(context),
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


def _hr(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
    gap = rhythm_gap(context)
    return [
        HRFlowable(
            width="100%",
            thickness=0.5,
            color=context.styles.rule_colour,
            spaceBefore=gap,
            spaceAfter=gap * 1.5,
        )
    ]


def _table(node: SyntaxTreeNode, context: Context) -> list[Flowable]:
    styles, gap = context.styles, rhythm_gap(context)
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
        table_font(context),
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


def _cell(cell: SyntaxTreeNode, base: ParagraphStyle, context: Context) -> Paragraph:
    """A wrapping paragraph, aligned as the Markdown column asks (``:--:`` etc.)."""
    align = str(cell.attrs.get("style", "")).removeprefix("text-align:")
    style = base
    if align in _ALIGNMENTS and _ALIGNMENTS[align] != base.alignment:
        style = ParagraphStyle(f"{base.name}-{align}", parent=base, alignment=_ALIGNMENTS[align])
    return Para(render_inline(cell.children[0], context) if cell.children else "", style)


def _column_widths(lengths: Sequence[int], total: float) -> list[float]:
    """Widths summing to ``total``: each column gets a floor, the rest goes by text length.

    Lengths are capped so one long column cannot squeeze the others to a word per line.
    """
    floor = min(total / len(lengths), 48.0)
    weights = [min(max(length, 3), 60) for length in lengths]
    spare = total - floor * len(lengths)
    return [floor + spare * weight / sum(weights) for weight in weights]


BLOCK_RENDERERS: dict[str, Callable[[SyntaxTreeNode, Context], list[Flowable]]] = {
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


# Node types the renderers above handle, with the containers they walk themselves.
_CONTAINERS = {"root", "inline", "list_item", "thead", "tbody", "tr", "th", "td"}
_RENDERED = frozenset(BLOCK_RENDERERS) | frozenset(INLINE_RENDERERS) | _CONTAINERS
