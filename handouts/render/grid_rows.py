"""What the tracking sheet lists, row by row: each exercise's target and tick rows, pain scales."""

from __future__ import annotations

from dataclasses import dataclass

from handouts.compose import Handout, Row
from handouts.render.blocks import lower_first


@dataclass(frozen=True)
class GridRow:
    """One row of the grid: an exercise's target or tick row, or a pain scale."""

    label: str
    kind: str  # "target", "tick", "pain"
    key: str  # unique part of form-field names
    exercise: str | None = None
    side: str = ""  # "L" or "R" on an exercise done on each side


def target(row: Row) -> str:
    """Short dose for a week header cell: "L1 · 3×15", "L2 · 2×8/leg", "L1 · 2× to fatigue"."""
    dose = row.dose
    reps = dose.reps
    for long, short in (
        (" per leg", "/leg"),
        (" per foot", "/foot"),
        (" per side", "/side"),
        (" each side", "/side"),
        (" s hold", " s"),
    ):
        reps = reps.replace(long, short)
    if not reps[:1].isdigit():
        reps = " " + lower_first(reps)
    return f"L{dose.level} · {dose.sets}×{reps}"


def rows_of(handout: Handout, exercise_id: str) -> list[Row]:
    return [row for phase in handout.phases for row in phase.rows if row.exercise.id == exercise_id]


def exercise_rows(handout: Handout) -> list[list[GridRow]]:
    """Rows grouped per exercise so a group is never split across pages: a target row,
    then L and R rows when some level is done on each side, else one row."""
    groups = []
    for exercise in handout.exercises:
        sided = handout.tracking.per_side_rows and any(
            row.dose.per_side for row in rows_of(handout, exercise.id)
        )
        group = [GridRow(exercise.name, "target", exercise.id, exercise.id)]
        sides = ("L", "R") if sided else ("",)
        group += [
            GridRow(exercise.name, "tick", f"{exercise.id}.{side or 'x'}", exercise.id, side)
            for side in sides
        ]
        groups.append(group)
    return groups


def sided_figures(handout: Handout) -> bool:
    """Whether some exercise has L and R rows and a figure to show beside them."""
    firsts = [first_row(handout, group[0].exercise) for group in exercise_rows(handout)]
    return any(
        len(group) > 2 and not first.exercise.image and first.exercise.figure_at(first.dose.level)
        for group, first in zip(exercise_rows(handout), firsts, strict=True)
    )


def first_row(handout: Handout, exercise_id: str | None) -> Row:
    """The exercise's first row in the plan: its level names the picture the tracker shows."""
    return next(r for phase in handout.phases for r in phase.rows if r.exercise.id == exercise_id)


def pain_rows(handout: Handout) -> list[GridRow]:
    if not handout.tracking.pain_rows:
        return []
    return [
        GridRow("Pain during", "pain", "pain-during"),
        GridRow("Pain next morning", "pain", "pain-morning"),
    ]
