"""YAML that is valid but says something else than its writer meant, found for ``check``.

``cues: [Keep your standing knee soft, not locked.]`` is a list of two items: in a
list written in brackets a comma separates items, so one sentence prints as two
bullets. Such a list is valid content, so this is a warning, not a problem: an item
that starts in lowercase after an item with no closing punctuation looks like the
second half of a sentence split at its comma.
"""

from __future__ import annotations

from pathlib import Path

from handouts.errors import Problem

PROSE_LISTS = ("steps", "cues", "mistakes", "equipment")  # lists of sentences or phrases
_ENDS = (".", "!", "?", ":", ";", ")")


def split_sentences(path: Path, display: str) -> list[Problem]:
    """Warnings for bracketed prose lists in ``path`` whose items look like halves of one."""
    import yaml

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # check reports a file it cannot read as a problem of its own
    warnings = []
    for key, items in _bracketed_lists(root):
        for index in range(1, len(items)):
            before, after = items[index - 1], items[index]
            if _half_sentence(before.value, after.value):
                warnings.append(
                    Problem(display, after.start_mark.line + 1, key, _message(before, after))
                )
    return warnings


def _bracketed_lists(node: object) -> list[tuple[str, list]]:
    """(key, plain scalar items) of every prose list written in brackets, at any depth."""
    import yaml

    found = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            key = getattr(key_node, "value", "")
            if key in PROSE_LISTS and isinstance(value, yaml.SequenceNode) and value.flow_style:
                plain = [i for i in value.value if isinstance(i, yaml.ScalarNode) and not i.style]
                found.append((key, plain))
            else:
                found += _bracketed_lists(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _bracketed_lists(item)
    return found


def _half_sentence(before: str, after: str) -> bool:
    return bool(after) and after[0].islower() and not before.rstrip().endswith(_ENDS)


def _message(before: object, after: object) -> str:
    first, second = before.value, after.value  # type: ignore[attr-defined]
    return (
        f'"{first}" and "{second}" are two items: in a list in [ ], a comma starts a new '
        f'item. If it is one sentence, write the list one item a line ("- {first}, {second}")'
    )
