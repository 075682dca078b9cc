"""Check a clinic's figures as a build would draw them: each contact must be met.

The pose format validates names and angle ranges; whether the body can reach the
wall, or both feet the floor, shows only once the pose is solved.
"""

from __future__ import annotations

import re
from pathlib import Path

from handouts.content.figure import Figure
from handouts.errors import Problem
from handouts.render.figures.scene import solve_scene


def figure_problems(
    exercise_id: str, figures: dict[str, Figure], path: Path, display: str
) -> list[Problem]:
    """A problem for each figure of the exercise whose contacts the solver cannot meet.

    ``figures``: the field path (``figure`` or ``figure_levels.2``) → the figure there.
    """
    problems = []
    for field, figure in figures.items():
        misses = solve_scene(figure).misses
        if misses:
            message = f"{misses[0]}; change the angles or the contacts so the pose can rest there"
            problems.append(Problem(display, _line_of(path, field), field, message))
    return problems


def _line_of(path: Path, field: str) -> int:
    """The line of ``figure:`` or of a level under ``figure_levels:`` (0 if not found)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return 0
    top, _, level = field.partition(".")
    inside = False
    for number, line in enumerate(lines, 1):
        if re.match(rf"^{re.escape(top)}\s*:", line):
            if not level:
                return number
            inside = True
        elif inside and re.match(rf"^\s+{re.escape(level)}\s*:", line):
            return number
        elif inside and re.match(r"^\S", line):
            inside = False
    return 0


def exercise_figures(exercise) -> dict[str, Figure]:  # noqa: ANN001 - an Exercise
    """Each figure an exercise holds, by the field it is written in."""
    found = {"figure": exercise.figure} if exercise.figure else {}
    found |= {f"figure_levels.{n}": f for n, f in sorted(exercise.figure_levels.items())}
    return found
