"""Read YAML safely and remember where every field came from.

``parse_yaml`` composes the node tree with a ``yaml.SafeLoader`` subclass,
constructs plain data with the safe constructor, and records the 1-based line
of every field path (a tuple of mapping keys and list indices), so a validation
error can point at ``levels[1].reps`` on line 23 instead of at the file.

Problems are returned, not raised, so the loader can collect all of them:

* YAML syntax errors (with the line PyYAML reports);
* duplicate keys in one mapping (PyYAML would silently keep the last one);
* aliases (``*name``) that expand past ``MAX_EXPANDED`` (a "billion laughs" file of
  24 KB expanded to gigabytes in every command that loads content);
* a file that is not UTF-8 text.

Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1 defaults: ``1:30`` and
``3:1:1`` stay text (YAML 1.1 reads them as the base-60 numbers 90 and 10861),
``010`` stays text, and only ``true``/``false`` are booleans (``yes``/``no``
stay text; pydantic still accepts them for a boolean field).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from handouts.errors import Problem

Key = str | int
FieldPath = tuple[Key, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"
# Values and characters a file may hold once its aliases are expanded: a hundred
# times the largest handout content file, far below what exhausts memory.
MAX_EXPANDED = 2_000_000
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-style booleans and numbers (no base 60, no octal ``010``)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":bool", ":int", ":float"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):
    """The same rules on libyaml's parser (several times faster), when PyYAML has it.

    Its error messages differ from PyYAML's, so a file it rejects is parsed again
    with ``_Loader`` to explain the problem in the words of ``_HINTS``.
    """


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """A date as YAML reads it; 2026-02-30 is a problem at its line, not a crash."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, AttributeError, OverflowError):  # "!!timestamp nope": no match at all
        message = f"{node.value} is not a date in the calendar; write it as YYYY-MM-DD"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None


for _loader_class in (_Loader, _FastLoader):
    _loader_class.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)

_INDENT = "indentation does not line up with the lines above (or a list and fields are mixed)"
_HINTS = [  # (start of PyYAML's problem text, plain message)
    ("found character '\\t' that cannot start any token", "tab character; indent with spaces"),
    (
        "mapping values are not allowed here",
        'unexpected ":"; check the indentation, or put text that contains ": " in quotes',
    ),
    ("expected <block end>", _INDENT),
    ("expected ',' or ']'", 'a "[" list is not closed with "]"'),
    ("expected the node content", 'a value is missing (or a "[" or "{" is not closed)'),
    ("expected ',' or '}'", 'a "{" mapping is not closed with "}"'),
    ("found unhashable key", "a key must be plain text, not a list or mapping"),
    ("found undefined alias", "text starting with * must be in quotes"),
    ("found duplicate anchor", "text starting with & must be in quotes"),
]
_UNCLOSED_QUOTE = "while scanning a quoted scalar"
# A line such as ``summary Step up`` (no colon): PyYAML notices only on a later line.
_NO_COLON = "while scanning a simple key"


@dataclass(frozen=True)
class YamlDoc:
    """Constructed data plus the line of every field path in it."""

    data: Any
    lines: Mapping[FieldPath, int] = field(default_factory=dict)

    def line(self, path: Sequence[Key] = ()) -> int:
        """Line of ``path``, or of its nearest parent that exists (0 if none)."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line:
                return line
        return 0


def read_utf8(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The text of ``path`` as UTF-8 (a leading BOM is dropped), or a problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot read file: {exc.strerror or exc}")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode": UTF-16
        return None, [Problem(display, 1, "", "saved as UTF-16; save the file as UTF-8")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        message = f"not UTF-8 text (byte 0x{byte:02X}); save the file as UTF-8"
        return None, [Problem(display, line, "", message)]


def parse_yaml(
    text: str, display: str, first_line: int = 1
) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document. ``first_line`` is the file line of the text's first line.

    Returns ``(None, problems)`` when the text cannot be parsed at all; an empty
    document gives ``YamlDoc(None)``.
    """
    offset = first_line - 1
    fast = _FastLoader(text)
    try:
        return _compose_and_construct(fast, display, first_line)
    except (yaml.YAMLError, RecursionError):
        pass  # explained below, by PyYAML's own parser
    finally:
        fast.dispose()
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader rejects control characters up front
        return None, [_syntax_problem(exc, text, display, offset)]
    try:
        return _compose_and_construct(loader, display, first_line)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, text, display, offset)]
    except RecursionError:
        return None, [Problem(display, first_line, "", "YAML is nested too deeply")]
    finally:
        loader.dispose()


def _compose_and_construct(
    loader: _Loader, display: str, first_line: int
) -> tuple[YamlDoc | None, list[Problem]]:
    offset = first_line - 1
    node = loader.get_single_node()
    if node is None:
        return YamlDoc(None, {(): first_line}), []
    bomb = expansion_problem(node, display, offset)
    if bomb:
        return None, [bomb]
    problems = list(_duplicate_keys(node, display, offset))
    try:
        data = loader.construct_document(node)
    except (ValueError, TypeError, AttributeError, OverflowError):  # a tag PyYAML trips on
        message = "a value with a YAML tag (!!…) cannot be read; remove the tag"
        return None, [Problem(display, first_line, "", message)]
    lines: dict[FieldPath, int] = {}
    _record_lines(loader, node, (), lines, offset, set())
    return YamlDoc(data, lines), problems


def expansion_problem(root: Node, display: str, offset: int = 0) -> Problem | None:
    """A problem if the node tree, its aliases expanded, holds more than ``MAX_EXPANDED``.

    Each node's expanded size is counted once (aliases share nodes), so a bomb is
    measured without being expanded. The line is the first anchor used twice.
    """
    size: dict[int, int] = {}
    cycle: Node | None = None
    shared: list[Node] = []  # nodes met more than once: anchors that aliases repeat
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:  # post-order without recursion: a deep file is the parser's to refuse
        node, children_done = stack.pop()
        if children_done:
            total = _weight(node) + sum(size[id(child)] for child in _children(node))
            size[id(node)] = min(total, MAX_EXPANDED + 1)
        elif id(node) in size:
            shared.append(node)
            if size[id(node)] < 0:  # met again while being measured: it holds itself
                size[id(node)] = MAX_EXPANDED + 1
                cycle = cycle or node
        else:
            size[id(node)] = -1
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    if cycle is not None:
        message = "an alias (*name) holds the value it names, which never ends; write the value out"
        return Problem(display, cycle.start_mark.line + 1 + offset, "", message)
    if size[id(root)] <= MAX_EXPANDED:
        return None
    anchor = min(shared, key=lambda node: node.start_mark.index, default=root)
    line = anchor.start_mark.line + 1 + offset
    message = (
        f"aliases (*name) repeat parts of this file to more than {MAX_EXPANDED:,} values"
        " and characters; write the repeated parts out, or use fewer aliases"
    )
    return Problem(display, line, "", message)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _weight(node: Node) -> int:
    return 1 + len(node.value) if isinstance(node, ScalarNode) else 1


def _syntax_problem(exc: yaml.YAMLError, text: str, display: str, offset: int) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return Problem(display, line + offset, "", f"character {char!r} is not allowed in YAML")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else 0
        context = exc.context or ""
        if "expected a single document" in context:
            message = "only one YAML document per file (remove the extra '---')"
        else:
            message = _hint(exc.problem or context or "invalid YAML", context)
        if context.startswith((_UNCLOSED_QUOTE, _NO_COLON)) and exc.context_mark:
            line = exc.context_mark.line + 1 + offset
        return Problem(display, line, "", f"YAML syntax: {message}")
    return Problem(display, offset + 1, "", f"YAML syntax: {exc}")


def _hint(problem: str, context: str) -> str:
    """A plain-language version of PyYAML's message for the common mistakes."""
    if context.startswith(_UNCLOSED_QUOTE):
        return "a quote is not closed"
    if context.startswith(_NO_COLON):
        return 'this line has no ":" after its field name; write it as "name: value"'
    if problem.startswith("could not determine a constructor for the tag"):
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"unsupported YAML tag {tag}"
    for start, message in _HINTS:
        if problem.startswith(start):
            return message
    match = re.match(r"found character '(.)' that cannot start any token", problem)
    if match:
        return f"a value cannot start with {match.group(1)!r}; put the text in quotes"
    return problem.replace("'<stream end>'", "the end of the file")


def _key_text(node: Node) -> str | None:
    """A scalar key's identity for duplicate detection (None: not comparable)."""
    if isinstance(node, ScalarNode) and node.tag != _MERGE_TAG:
        return f"{node.tag}\0{node.value}"
    return None


def _duplicate_keys(root: Node, display: str, offset: int) -> Iterator[Problem]:
    """Report keys that occur twice in one mapping (before merge keys are applied)."""
    seen_nodes: set[int] = set()
    stack: list[tuple[Node, FieldPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
        elif isinstance(node, MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = _key_text(key_node)
                line = key_node.start_mark.line + 1 + offset
                name = key_node.value if isinstance(key_node, ScalarNode) else "?"
                if key is not None and key in first:
                    message = f'duplicate key "{name}" (first on line {first[key]})'
                    yield Problem(display, line, dotted((*path, name)), message)
                elif key is not None:
                    first[key] = line
                stack.append((value_node, (*path, name)))


def _key_value(loader: _Loader, node: Node) -> Key:
    if isinstance(node, ScalarNode) and node.tag == _STR_TAG:
        return node.value
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, TypeError, ValueError):
        value = None
    return (
        value
        if isinstance(value, (str, int)) and not isinstance(value, bool)
        else str(getattr(node, "value", "?"))
    )


def _record_lines(
    loader: _Loader,
    node: Node,
    path: FieldPath,
    lines: dict[FieldPath, int],
    offset: int,
    seen: set[int],
) -> None:
    """Fill ``lines`` for ``node`` and its children; aliased nodes are walked once."""
    lines.setdefault(path, node.start_mark.line + 1 + offset)
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(loader, item, (*path, index), lines, offset, seen)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            child = (*path, _key_value(loader, key_node))
            lines.setdefault(child, key_node.start_mark.line + 1 + offset)
            _record_lines(loader, value_node, child, lines, offset, seen)


def dotted(path: Sequence[Key]) -> str:
    """``("levels", 1, "reps")`` -> ``levels[1].reps``."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text
