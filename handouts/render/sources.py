"""The sources list: each fact's reference, with its DOI or web address as a link."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Spacer

from handouts.compose import Handout
from handouts.content.models import Source
from handouts.render.blocks import heading, hex_colour, para
from handouts.render.fonts import escape_markup
from handouts.render.paragraph import Para
from handouts.render.theme import Theme

SHORT_LIST = 12  # sources kept whole on one page: a dozen take about a third of one


def _source_text(theme: Theme, item: Source) -> str:
    markup = theme.fonts.markup
    # The parts are joined with ". ", so an author ending in "et al." keeps one full stop.
    parts = [markup(item.author.rstrip("."), "source")] if item.author else []
    parts.append(f"<i>{markup(item.title, 'source', 'italic')}</i>")
    details = [str(item.year)] if item.year else []
    details += [item.publisher] if item.publisher else []
    parts += [markup(", ".join(details), "source")] if details else []
    # An href is an attribute, not text: plain XML escaping (markup may add <font> tags).
    colour = hex_colour(theme.primary_text)
    if item.doi:
        href = escape_markup(f"https://doi.org/{item.doi}")
        parts.append(f'<a href="{href}" color="{colour}">doi:{markup(item.doi, "source")}</a>')
    if item.url:
        href = escape_markup(item.url)
        parts.append(f'<a href="{href}" color="{colour}">{markup(item.url, "source")}</a>')
    return ". ".join(parts)


def sources(theme: Theme, handout: Handout) -> list[Flowable]:
    if not handout.sources:
        return []
    items = [
        ListItem(Para(_source_text(theme, item), theme["small"]), value=index)
        for index, item in enumerate(handout.sources, start=1)
    ]

    def listing(part: list[ListItem]) -> ListFlowable:
        return ListFlowable(
            part,
            bulletType="1",
            bulletFontName=theme.fonts.main.regular,
            bulletFontSize=theme.small_size,
            leftIndent=8 * mm,
        )

    intro = para(theme, "The facts and numbers in this handout come from these sources.", "small")
    # No page break of its own: the sources follow the last section, even at a page's
    # foot, rather than stand alone on a page. A short list stays whole (one flowable:
    # the caller keeps the section's end with it); a longer one keeps its heading, intro
    # and first two sources together (each item keeps its own number).
    opening = [heading(theme, "Sources", source="the sources"), intro, Spacer(1, 2 * mm)]
    if len(items) <= SHORT_LIST:
        return [KeepTogether([*opening, listing(items)])]
    return [KeepTogether([*opening, listing(items[:2])]), listing(items[2:])]
