"""Solved poses of the built-in figures, shipped with the package.

Solving a pose takes tens of milliseconds in pure Python; a handout draws several. The
built-in figures' solved angles are stored in ``solutions.json``, keyed by a digest of
the figure as written, so a default build only draws. A clinic's own figure, or one
edited since, is solved when first drawn. The tests check every built-in figure is
here and that a fresh solve agrees; after changing a pose or the solver, run

    python -m handouts.render.figures.solutions
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from handouts.content.figure import Figure

FILE = Path(__file__).with_name("solutions.json")
VERSION = "1"  # bump when the solver or the body model changes what a pose solves to


def key(figure: Figure) -> str:
    return hashlib.sha256(f"{VERSION}\n{figure.model_dump_json()}".encode()).hexdigest()[:24]


@cache
def _table() -> dict[str, list[dict[str, float]]]:
    try:
        return json.loads(FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: every figure is solved when drawn


def lookup(figure: Figure) -> list[dict[str, float]] | None:
    """The solved state of each pose, if this exact figure's solution is shipped."""
    return _table().get(key(figure))


def write() -> int:
    """Solve every built-in figure afresh and store the solutions; how many."""
    from handouts.content.loader import load_library
    from handouts.render.figures.check import exercise_figures
    from handouts.render.figures.scene import solve_scene

    table = {}
    for exercise in load_library().exercises.values():
        for figure in exercise_figures(exercise).values():
            if figure.view == "side":
                scene = solve_scene(figure, fresh=True)
                table[key(figure)] = [sk.state for sk in scene.skeletons]
    text = json.dumps(dict(sorted(table.items())), indent=0, sort_keys=True)
    FILE.write_text(text + "\n", encoding="utf-8")
    return len(table)


if __name__ == "__main__":
    print(f"wrote {write()} solutions to {FILE}")
