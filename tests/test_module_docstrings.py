"""Every module says in its first line what it holds: the folder map reads as a table."""

from __future__ import annotations

import ast
from pathlib import Path

import handouts

PACKAGE = Path(handouts.__file__).parent


def first_lines() -> dict[str, str]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found[str(path.relative_to(PACKAGE.parent))] = docstring.strip().split("\n")[0]
    return found


def test_every_module_says_what_it_holds() -> None:
    assert [name for name, line in first_lines().items() if not line] == []
