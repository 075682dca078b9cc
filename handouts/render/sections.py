"""Education sections: Markdown under a heading, styled by the theme."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable

from handouts.content.models import Section
from handouts.render.blocks import heading, hex_colour
from handouts.render.document import mark
from handouts.render.markdown import MarkdownStyles, markdown_to_flowables
from handouts.render.theme import MUTED, WHITE, Theme


def markdown_styles(theme: Theme) -> MarkdownStyles:
    return MarkdownStyles(
        body=theme["body"],
        h2=theme["h2"],
        h3=theme["h3"],
        bullet=theme["bullet"],
        table_header=theme["cell_head"],
        table_cell=theme["cell"],
        callout=theme["callout"],
        rule_colour=theme.line,
        callout_fill=theme.accent_wash,
        callout_border=theme.accent_line,
        table_header_fill=theme.primary if not theme.ink_saver else WHITE,
        grid_colour=MUTED,
        link_colour=hex_colour(theme.primary_text),
        escape=theme.fonts.markup,
        ink_saver=theme.ink_saver,
        page_height=theme.frame_height(),
    )


def section(theme: Theme, item: Section, styles: MarkdownStyles) -> list[Flowable]:
    source = f"section {item.id}"
    body = markdown_to_flowables(
        item.body,
        styles,
        source=item.id,
        first_line=item.body_line,
        available_width=theme.frame_width(),
    )
    for flowable in body:
        mark(flowable, source=source)
    return [
        CondPageBreak(theme.frame_height() / 4),
        heading(theme, item.title, 0, source=source),
        *body,
    ]
