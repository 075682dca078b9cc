"""Section items that fit only some handouts: a heading that names the exercise it needs.

A section's item (a ``##`` heading and the text under it, up to the next ``##``) may end
its heading with a condition in braces:

    ## The balance–reach drill makes my knee feel twisted. Is that safe? {with: balance-reach}
    ## How does this fit with my heel-drop routine? {without: heel-drop-step}

``with``: printed only when the handout has one of the named exercises; ``without``:
only when it has none of them. The braces never print. A FAQ then answers only the
questions that fit the programme it comes with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CONDITION = re.compile(r"^(?P<head>##\s.*?)\s*\{\s*(?P<kind>with|without)\s*:(?P<ids>[^}]*)\}\s*$")
ITEM_HEADING = re.compile(r"^#{1,2}\s")  # a "##" item ends at the next "#" or "##" heading


@dataclass(frozen=True)
class Condition:
    line: int  # 0-based line of the heading within the body
    kind: str  # "with" or "without"
    exercises: tuple[str, ...]

    def holds(self, exercises: set[str]) -> bool:
        present = any(name in exercises for name in self.exercises)
        return present if self.kind == "with" else not present


def conditions(body: str) -> Iterator[Condition]:
    """Each conditional item's heading line, kind and exercise ids."""
    for number, line in enumerate(body.splitlines()):
        if match := CONDITION.match(line):
            names = tuple(name.strip() for name in match["ids"].split(",") if name.strip())
            yield Condition(number, match["kind"], names)


def fitting_body(body: str, exercises: Iterable[str]) -> str:
    """``body`` without the items whose condition fails, and without the conditions' braces.

    A dropped item's lines become blank lines, so the lines after it keep their numbers
    for error messages.
    """
    present = set(exercises)
    by_line = {condition.line: condition for condition in conditions(body)}
    lines = body.splitlines()
    dropping = False
    for number, line in enumerate(lines):
        if ITEM_HEADING.match(line):
            condition = by_line.get(number)
            dropping = condition is not None and not condition.holds(present)
            if condition is not None:
                lines[number] = CONDITION.match(line)["head"]  # type: ignore[index]
        if dropping:
            lines[number] = ""
    return "\n".join(lines) + ("\n" if body.endswith("\n") else "")
