"""The package's shape: stages import downward only, no cycles, modules of one idea.

Read from the source with ``ast``: every import counts, those inside functions too
(a lazy import keeps ``--help`` quick, but it is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import handouts

PACKAGE = Path(handouts.__file__).parent
MAX_LINES = 400
# Modules past MAX_LINES, each with why it may be for now. Shrink this list; never grow it
# without a reason a reader would accept.
LONG_MODULES: dict[str, str] = {}
# What each stage may import from the project (besides errors, paths, options, session,
# and wording: the plain-words helpers every stage speaks with).
SHARED = {
    "handouts",
    "handouts.errors",
    "handouts.paths",
    "handouts.options",
    "handouts.session",
    "handouts.wording",
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from handouts.cli import say" imports the module say, as "import
            # handouts.cli.say" would: a parent package counts for no one.
            inner = {f"{node.module}.{alias.name}" for alias in node.names}
            names |= inner if inner <= known.keys() else {node.module, *inner}
    return {name for name in names if name in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in edges:
        if node not in index:
            visit(node)
    return found


# Cycles known and why they stand for now. Shrink this list; never grow it.
KNOWN_CYCLES = [
    # the web app registers the routes modules, which import the app for its helpers
    ["handouts.web.app", "handouts.web.routes", "handouts.web.routes_batch",
     "handouts.web.routes_brand", "handouts.web.routes_library"],
    # figures: the solver's cache of solved poses and the scene call each other lazily,
    # as do the side view and its front and foot close-ups; to be untangled
    ["handouts.render.figures.check", "handouts.render.figures.scene",
     "handouts.render.figures.solutions"],
    ["handouts.render.figures.foot", "handouts.render.figures.front",
     "handouts.render.figures.picture"],
]  # fmt: skip


def test_no_import_cycles() -> None:
    assert [c for c in cycles(graph()) if c not in KNOWN_CYCLES] == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_the_command_line_imports_click() -> None:
    for name, path in modules().items():
        if name.startswith("handouts.cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "click" for a in node.names), name
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "click", name


def test_nothing_below_the_command_line_imports_it() -> None:
    for name, uses in graph().items():
        if not name.startswith("handouts.cli") and name != "handouts.__main__":
            assert not {u for u in uses if u.startswith("handouts.cli")}, name


def test_stages_import_downward() -> None:
    """content → compose → render → post → deliver; the API and the CLI on top."""
    below = {
        "handouts.content": set(),
        "handouts.compose": {"handouts.content"},
        "handouts.render": {"handouts.content", "handouts.compose"},
        "handouts.post": set(),
    }
    for name, uses in graph().items():
        stage = next((s for s in below if name == s or name.startswith(s + ".")), None)
        if stage is None:
            continue
        allowed = below[stage] | {stage} | SHARED
        wrong = {
            u for u in uses - SHARED if not any(u == a or u.startswith(a + ".") for a in allowed)
        }
        assert not wrong, f"{name} imports {sorted(wrong)}"


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_modules_hold_one_idea() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    assert long <= set(LONG_MODULES), sorted(long - set(LONG_MODULES))
    assert set(LONG_MODULES) <= long, f"shorter now, take off the list: {set(LONG_MODULES) - long}"
