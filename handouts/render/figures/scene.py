"""From a figure in an exercise file to solved poses and placed props.

The first pose is solved with the feet (or seat, or knees) on their surfaces and the
other props placed where the body touches them: the wall at the hands, the bench under
the seat, the roller under the calf. Later poses keep those props where they are and
keep a resting foot or seat in place, so a heel raise lifts the body instead of sliding it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from handouts.content.figure import PARTS, Figure, Pose
from handouts.render.figures import body, solutions
from handouts.render.figures.body import SIDES, Goal, Skeleton

AUTHOR_WEIGHT = 1.0  # how strongly an angle written in the file holds
DEFAULT_WEIGHT = 0.08  # ... and one taken from the base pose
BENT_TOO_FAR = 12.0  # degrees an angle from the file may move to meet the contacts
WALL_GAP = 1.4  # palm thickness between the wrist line and the wall


@dataclass
class Placed:
    """A prop where the solver put it (model units)."""

    kind: str
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    options: dict = field(default_factory=dict)


@dataclass
class Scene:
    """Everything a figure draws, in model units, before styling."""

    figure: Figure
    skeletons: list[Skeleton]
    goals: list[Goal]
    props: list[Placed]
    misses: list[str]  # contacts the solver could not meet, in words


def expand_contacts(figure: Figure, pose: Pose) -> dict[str, str]:
    """Each body part (near-foot…) and its surface: base pose, then figure, then pose."""
    merged: dict[str, str] = {}
    for contacts in (body.BASES[pose.base]["contacts"], figure.contacts, pose.contacts):
        for part, surface in contacts.items():
            for one in _parts(part):
                merged[one] = surface
    return {part: surface for part, surface in merged.items() if surface != "none"}


def _parts(part: str) -> list[str]:
    group = {"feet": "foot", "hands": "hand", "knees": "knee"}.get(part)
    return [f"{side}-{group}" for side in SIDES] if group else [part]


def _preferred(pose: Pose) -> tuple[dict[str, float], dict[str, float]]:
    """Preferred value and weight of every angle: the file's, else the base pose's."""
    base = body.BASES[pose.base]
    preferred: dict[str, float] = {}
    weights: dict[str, float] = {}
    for name in ("trunk", "head"):
        given = getattr(pose, name)
        preferred[name] = given if given is not None else base["angles"].get(name, 0.0)
        weights[name] = AUTHOR_WEIGHT * 2 if given is not None else 0.3
    for side in SIDES:
        given = pose.side(side)
        defaults = {**base["angles"], **base.get("side", {}).get(side, {})}
        for angle in body.LIMB_ANGLES:
            name = f"{side}_{angle}"
            if angle in given:
                preferred[name], weights[name] = given[angle], AUTHOR_WEIGHT
            else:
                preferred[name], weights[name] = defaults.get(angle, 0.0), DEFAULT_WEIGHT
    return preferred, weights


def _goal(
    figure: Figure, pose: Pose, previous: tuple[Goal, Skeleton] | None, props: list[Placed]
) -> Goal:
    contacts = expand_contacts(figure, pose)
    preferred, weights = _preferred(pose)
    goal = Goal(preferred=preferred, weights=weights, contacts=contacts)
    if pose.weight != "both":
        goal.weight_on = (pose.weight,)
    kinds = {prop.kind: prop for prop in props}
    for side in SIDES:
        heel = pose.side(side).get("heel", 0.0)
        surface = contacts.get(f"{side}-foot")
        if surface:
            goal.pitch[side] = heel
            goal.flat_toes[side] = True
            if surface == "pool-noodle":
                goal.surface_y[f"{side}-foot"] = 2 * body.NOODLE_RADIUS
            else:
                goal.surface_y[f"{side}-foot"] = body.SURFACE_HEIGHT.get(surface, 0.0)
        for part in ("knee", "hand"):
            surface = contacts.get(f"{side}-{part}")
            if surface in ("floor", "mat"):
                goal.surface_y[f"{side}-{part}"] = body.SURFACE_HEIGHT[surface]
        if contacts.get(f"{side}-calf"):
            lift = {"foam-roller": 2 * body.ROLLER_RADIUS, "pool-noodle": 2 * body.NOODLE_RADIUS}
            goal.pins[f"{side}_calf"] = (None, lift.get(contacts[f"{side}-calf"], 0.0))
        if contacts.get(f"{side}-hand") == "wall" and "wall" in kinds:
            goal.pins[f"{side}_wrist"] = (kinds["wall"].x - WALL_GAP, None)
    seat = contacts.get("seat")
    if seat in ("floor", "mat"):
        goal.surface_y["seat"] = body.SURFACE_HEIGHT[seat]
    elif seat and seat in kinds:
        placed = kinds[seat]
        goal.pins["seat"] = (placed.options["seat_x"], placed.y + placed.height)
    if contacts.get("back"):
        goal.surface_y["back"] = body.SURFACE_HEIGHT.get(contacts["back"], 0.0)
    goal.balance = not any(
        part in contacts for part in ("seat", "back", "near-knee", "far-knee", "near-calf")
    ) and any(f"{side}-foot" in contacts for side in SIDES)
    # Keep what rested in the previous pose in place: a foot on the floor does not slide.
    if previous:
        before, skeleton = previous
        for side in SIDES:
            part = f"{side}-foot"
            carries = side in goal.weight_on and side in before.weight_on
            if carries and part in contacts and before.contacts.get(part) == contacts[part]:
                goal.pins.setdefault(f"{side}_ball", (skeleton[f"{side}_ball"][0], None))
    else:
        anchor = _anchor(contacts)
        if anchor:
            goal.pins.setdefault(anchor, (0.0, None))
    return goal


def _anchor(contacts: dict[str, str]) -> str | None:
    """The body point pinned at x = 0 in the first pose (the solve is otherwise free to slide)."""
    for part, point in (
        ("near-foot", "near_ball"),
        ("far-foot", "far_ball"),
        ("seat", "seat"),
        ("near-knee", "near_kneecap"),
        ("back", "hip"),
    ):
        if part in contacts:
            return point
    return "hip"


def _start_state(goal: Goal) -> dict[str, float]:
    state = {"x": 0.0, "y": 52.0, **goal.preferred}
    return state


def _hand_directions(contacts: dict[str, str], state: dict[str, float]) -> None:
    """A palm on the wall points its fingers up; on the floor, down and a little back."""
    for side in SIDES:
        if contacts.get(f"{side}-hand") == "wall":
            state[f"{side}_hand_dir"] = math.pi / 2 - math.radians(6)
        elif contacts.get(f"{side}-hand") in ("floor", "mat"):
            state[f"{side}_hand_dir"] = -math.pi / 2 + 0.5


def _free(goal: Goal, contacts: dict[str, str]) -> list[str]:
    free = ["x", "y", "trunk"]
    for side in SIDES:
        free += [f"{side}_hip", f"{side}_knee", f"{side}_ankle"]
        pinned = [*goal.pins, *(tie[0] for tie in goal.ties)]
        holds = any(p in (f"{side}_wrist", f"{side}_grip") for p in pinned)
        if holds or f"{side}-hand" in contacts:
            free += [f"{side}_shoulder", f"{side}_elbow"]
    return free


def _place_props(figure: Figure, goal: Goal, sk: Skeleton) -> list[Placed]:
    """Put each prop where the first pose touches it."""
    placed: list[Placed] = []
    contacts = goal.contacts
    for prop in figure.props:
        item = Placed(prop.kind, options=prop.model_dump(exclude_none=True))
        if prop.kind == "wall":
            hands = [sk[f"{s}_wrist"][0] for s in SIDES if contacts.get(f"{s}-hand") == "wall"]
            toes = max(sk[f"{s}_toe"][0] for s in SIDES)
            item.x = max(hands) + WALL_GAP if hands else toes + 12
            item.height = 112.0
        elif prop.kind == "step":
            on = [s for s in SIDES if contacts.get(f"{s}-foot") in ("step", "step-edge")]
            edge = [s for s in on if contacts[f"{s}-foot"] == "step-edge"]
            if edge:
                item.x = min(sk[f"{s}_ball"][0] for s in edge) - 0.6
            elif on:
                item.x = min(sk[f"{s}_heel"][0] for s in on) - 4
            else:
                item.x = max(sk[f"{s}_toe"][0] for s in SIDES) + 2
            item.width = 30.0
            item.height = body.SURFACE_HEIGHT["step"]
        elif prop.kind in ("chair", "bench"):
            seat = sk["seat"]
            item.x, item.height = seat[0], max(seat[1], 8.0)
            item.options["seat_x"] = seat[0]
            item.width = 24.0 if prop.kind == "chair" else 34.0
        elif prop.kind == "foam-roller":
            side = next((s for s in SIDES if contacts.get(f"{s}-calf")), "near")
            item.x = sk[f"{side}_calf"][0]
            item.width = body.ROLLER_RADIUS
        elif prop.kind == "pool-noodle":
            side = next((s for s in SIDES if contacts.get(f"{s}-foot") == "pool-noodle"), "near")
            item.x = sk[f"{side}_ball"][0] + 0.4
            item.width = body.NOODLE_RADIUS
        elif prop.kind == "towel":
            knee = sk["near_knee"]
            item.x = knee[0] + 1.0
            item.width = max(min((knee[1] - 3.2) / 2, 3.5), 1.5)
        elif prop.kind == "mat":
            xs = [point[0] for point in sk.points.values()]
            item.x, item.width, item.height = min(xs) - 6, max(xs) - min(xs) + 12, 0.8
        placed.append(item)
    return placed


_SOLVED: dict[str, Scene] = {}


def solve_scene(figure: Figure, fresh: bool = False) -> Scene:
    """Solve every pose of ``figure`` and place its props (cached: figures are frozen).

    ``fresh``: solve even when the shipped solutions hold this figure (tests compare).
    """
    key = figure.model_dump_json()
    if fresh:
        return _solve(figure, None)
    if key not in _SOLVED:
        _SOLVED[key] = _solve(figure, solutions.lookup(figure))
    return _SOLVED[key]


def _solve(figure: Figure, known: list[dict[str, float]] | None) -> Scene:
    skeletons: list[Skeleton] = []
    goals: list[Goal] = []
    props: list[Placed] = []
    misses: list[str] = []
    previous = None
    for index, pose in enumerate(figure.poses):
        goal = _goal(figure, pose, previous, props)
        _hold_weight(figure, goal)
        if known:
            state = known[index]
        else:
            state = _start_state(goal)
            _hand_directions(goal.contacts, state)
            state = body.solve(state, goal, _free(goal, goal.contacts))
        if index == 0:  # placed where the first pose touches them, so it still holds
            props = _place_props(figure, goal, body.build(state, goal.flat_toes))
            goal = _goal(figure, pose, None, props)
            _hold_weight(figure, goal)
        sk = body.build(state, goal.flat_toes)
        misses += contact_misses(sk, goal)
        skeletons.append(sk)
        goals.append(goal)
        previous = (goal, sk)
    return Scene(figure, skeletons, goals, props, misses)


def _hold_weight(figure: Figure, goal: Goal) -> None:
    """A weight resting on the knees is held there: both grips go to the thighs."""
    if any(prop.held == "knees" for prop in figure.props):
        goal.ties = [(f"{side}_grip", f"{side}_knee", -4.0, 6.5) for side in SIDES]


def contact_misses(sk: Skeleton, goal: Goal, tolerance: float = 0.35) -> list[str]:
    """Each contact that is off its surface by more than ``tolerance`` units, in words."""
    misses = []
    for part, height in goal.surface_y.items():
        point = {
            "seat": "seat",
            "back": "hip",
        }.get(part)
        if part.endswith("-foot"):
            point = body.foot_contact(goal, part.split("-")[0])
        elif part.endswith("-knee"):
            point = f"{part.split('-')[0]}_kneecap"
        elif part.endswith("-hand"):
            point = f"{part.split('-')[0]}_hand"
        if part == "back":
            height += 5.5
        gap = sk[point][1] - height
        if abs(gap) > tolerance:
            misses.append(
                f"{part} is {abs(gap):.0f} % of body height "
                f"{'above' if gap > 0 else 'below'} its surface"
            )
    for name, target in goal.preferred.items():
        moved = sk.state[name] - target
        if goal.weights[name] >= AUTHOR_WEIGHT and abs(moved) > BENT_TOO_FAR:
            joint = name.replace("_", " ")
            misses.append(f"{joint} had to change by {abs(moved):.0f}° to meet the contacts")
    for point, (want_x, want_y) in goal.pins.items():
        if want_y is not None and abs(sk[point][1] - want_y) > tolerance:
            misses.append(f"{point.replace('_', ' ')} does not reach its surface")
        if want_x is not None and abs(sk[point][0] - want_x) > tolerance:
            misses.append(f"{point.replace('_', ' ')} does not reach its place")
    return misses


__all__ = ["PARTS", "Placed", "Scene", "solve_scene", "expand_contacts"]
