"""Education sections: Markdown under a heading, styled by the theme."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Paragraph

from handouts.content.models import Section
from handouts.render.blocks import heading, hex_colour
from handouts.render.document import mark
from handouts.render.markdown import MarkdownStyles, markdown_to_flowables
from handouts.render.pages import break_unless_room, stacked_height
from handouts.render.theme import MUTED, WHITE, Theme


def _closing_block(flow: list[Flowable]) -> int:
    """Where a section's last block begins: its last heading (kept with what follows it)."""
    for back, flowable in enumerate(reversed(flow[-4:]), 1):
        if getattr(flowable, "keepWithNext", False) and isinstance(flowable, Paragraph):
            return len(flow) - back
    return len(flow) - 1


def keep_closing_block(theme: Theme, flow: list[Flowable], after: list[Flowable]) -> list[Flowable]:
    """``flow`` with its last section's closing block kept with ``after`` (the sources):
    where both do not fit, they start the next page together, so that it never holds
    only what follows the section."""
    cut = _closing_block(flow)
    needed = stacked_height([*flow[cut:], *after], theme.frame_width())
    return [*flow[:cut], break_unless_room(needed), *flow[cut:]]


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
    title = heading(theme, item.title, 0, source=source)
    title.keepWithNext = True  # its first block comes with it: never a title at a page's foot
    # No break of its own before it: a section starts wherever its title and first block
    # fit (kept together), such as under a one-exercise handout's card on page one.
    return _headings_kept([title, *body])


def _headings_kept(flow: list[Flowable]) -> list[Flowable]:
    """``flow`` with the headings above a list held together with it: reportlab keeps
    nothing with a list (a container), and the headings were left at a page's foot."""
    kept: list[Flowable] = []
    for flowable in flow:
        if isinstance(flowable, ListFlowable):
            above: list[Flowable] = []
            while kept and isinstance(kept[-1], Paragraph) and kept[-1].getKeepWithNext():
                above.insert(0, kept.pop())  # a section's title and its first heading too
            if above:
                flowable = mark(KeepTogether([*above, flowable]), source=flowable._source)
        kept.append(flowable)
    return kept
