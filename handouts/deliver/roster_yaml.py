"""YAML rosters: a list of mappings, each entry a row, every value read as text."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from handouts.deliver.roster_model import REPEATED, Records, RosterError


def yaml_records(text: str, path: Path) -> tuple[tuple[str, ...], Records]:
    import yaml

    try:
        loader = _text_loader()(text)  # the reader refuses control characters up front
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_syntax_error(text, path, exc) from None
    if root is None:
        raise RosterError(f"{path}: the roster is empty")
    if not isinstance(root, yaml.SequenceNode):
        raise RosterError(f"{path}: a YAML roster must be a list of rows (- patient: ...)")
    from handouts.content.yamlsrc import expansion_problem

    if bomb := expansion_problem(root, str(path)):  # aliases that expand to gigabytes
        raise RosterError(str(bomb))
    records = [(node.start_mark.line + 1, _yaml_record(loader, node)) for node in root.value]
    keys = dict.fromkeys(k for _, r in records if isinstance(r, dict) for k in r if type(k) is str)
    return tuple(keys), records


@cache
def _text_loader() -> type:
    """A safe loader that reads every plain value as text (``~`` and empty stay null).

    Values are checked per row, so ``start: 2026-02-30`` fails its row instead of
    PyYAML's date constructor failing the file; ``patient: No`` stays a name.
    """
    import yaml

    class TextLoader(yaml.SafeLoader):
        pass

    TextLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag.endswith((":null", ":merge"))]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return TextLoader


def _yaml_record(loader: Any, node: Any) -> Any:
    """One row's mapping; a value with an explicit tag that fails (``!!int x``) is its text."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    try:
        loader.flatten_mapping(node)  # merge keys (<<: *defaults)
    except yaml.YAMLError:
        return None
    record: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _node_text(key_node).strip().lower()
        if key in record:
            record.setdefault(REPEATED, []).append(key)
        try:
            record[key] = loader.construct_object(value_node, deep=True)
        except Exception:  # noqa: BLE001 - PyYAML's constructors raise many kinds on a bad tag
            record[key] = _node_text(value_node)
    return record


def _node_text(node: Any) -> str:
    """A YAML node as the text its author wrote, never PyYAML's ``ScalarNode(tag=…)``."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(_node_text(item) for item in node.value[:20]) + "]"
    return "{a mapping}"


def _yaml_syntax_error(text: str, path: Path, exc: Exception) -> RosterError:
    from handouts.content.yamlsrc import parse_yaml

    try:
        _, problems = parse_yaml(text, str(path))  # says PyYAML's messages in plain words
    except ValueError:
        problems = []
    if problems:
        return RosterError(str(problems[0]))
    mark = getattr(exc, "problem_mark", None)
    return RosterError(f"{path}:{mark.line + 1 if mark else 1}: not readable YAML")
