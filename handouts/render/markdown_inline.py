"""Inline Markdown (text, emphasis, links) → paragraph markup, each text leaf escaped once."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from markdown_it.tree import SyntaxTreeNode

from handouts.errors import RenderError
from handouts.render.fonts import escape_markup
from handouts.render.markdown_context import Context, MarkdownError, unsupported
from handouts.render.markdown_parse import line_offset

LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def render_inline(node: SyntaxTreeNode, context: Context) -> str:
    """Markup for all children of ``node`` (an ``inline`` node or a span like ``em``)."""
    parts = []
    for child in node.children:
        render = INLINE_RENDERERS.get(child.type) or unsupported
        parts.append(render(child, context))
    return "".join(parts)


def _text(node: SyntaxTreeNode, context: Context) -> str:
    try:
        return context.styles.escape(node.content)
    except RenderError as error:  # a character no font has: say where it is
        message = error.format_message().removeprefix("text: ")
        line = context.first_line + line_offset(node)
        raise MarkdownError(f"{context.source}:{line}: {message}") from None


def _tag(tag: str) -> Callable[[SyntaxTreeNode, Context], str]:
    def render(node: SyntaxTreeNode, context: Context) -> str:
        return f"<{tag}>{render_inline(node, context)}</{tag}>"

    return render


def _link(node: SyntaxTreeNode, context: Context) -> str:
    """Only web and mail links become live; anything else prints as its text."""
    text = render_inline(node, context)
    href = str(node.attrs.get("href", ""))
    if urlsplit(href).scheme.lower() not in LINK_SCHEMES:
        return text
    # An attribute, not a text leaf: plain XML escaping (styles.escape may add tags).
    href = escape_markup(href)
    return f'<a href="{href}" color="{escape_markup(context.styles.link_colour)}">{text}</a>'


INLINE_RENDERERS: dict[str, Callable[[SyntaxTreeNode, Context], str]] = {
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
