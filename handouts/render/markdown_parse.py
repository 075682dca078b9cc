"""Markdown parsed once (CommonMark, tables, no raw HTML) and checked against what a page shows."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

# What a printed page can show: deeper nesting, wider tables or longer headings gave a
# RecursionError, a ValueError from reportlab or a build that never ended.
MAX_NESTING = 20  # lists, quotes and emphasis inside one another
MAX_TABLE_COLUMNS = 10  # across a large-print page, each column still holds a word
MAX_HEADING = 150  # characters: about two lines of a heading


def markdown_limits(text: str) -> list[tuple[int, str]]:
    """(line offset, message) for Markdown deeper, wider or longer than a page can show."""
    tokens = parse_tokens(text)
    deep = too_deep(tokens)
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


def too_deep(tokens: list) -> int | None:
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
def parse_tokens(text: str) -> list:
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    return parser.parse(text)


@lru_cache(maxsize=64)  # a build checks each section (unsupported_markdown), then renders it
def syntax_tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(parse_tokens(text))


def line_offset(node: SyntaxTreeNode) -> int:
    """Line of ``node`` within the text; inline nodes have no map, so use the nearest block's."""
    current: SyntaxTreeNode | None = node
    while current is not None and current.map is None:
        current = current.parent
    return current.map[0] if current is not None and current.map else 0
