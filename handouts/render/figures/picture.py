"""A whole picture: the solved poses, their props and arrows, laid out in one or two panels.

The start pose is a pale ghost behind the end pose; where the body barely moves (a
heel raise), the two poses stand side by side instead, as the ghost would be a sliver.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from handouts.content.figure import Figure
from handouts.render.figures import props as prop_shapes
from handouts.render.figures.body import SIDES, Skeleton
from handouts.render.figures.scene import Scene, solve_scene
from handouts.render.figures.shapes import Path, Shape, body_shapes, polygon, smooth_open

SMALL_MOVE = 9.0  # units: below this the ghost would hide behind the end pose
PANEL_GAP = 14.0
ARROW_POINTS = {  # where an arrow "at" a body part starts
    "heel": "near_heel",
    "near-heel": "near_heel",
    "far-heel": "far_heel",
    "near-foot": "near_toe",
    "far-foot": "far_toe",
    "near-knee": "near_kneecap",
    "far-knee": "far_kneecap",
    "hips": "seat",
    "shoulders": "shoulder",
    "head": "head",
    "near-hand": "near_hand",
    "far-hand": "far_hand",
    "hands": "near_grip",
}


@dataclass
class Picture:
    shapes: list[Shape]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in model units
    alt: str
    pose: PoseAt | None = None  # the end pose's own picture among ``shapes``, if it has one

    def mirrored(self) -> Picture:
        """The same picture facing the other way (for the other leg or arm), as one piece."""
        x0, _, x1, _ = self.box
        flip = x0 + x1
        shapes = [
            Shape(
                _mirror_path(s.path, flip),
                s.layer,
                s.role,
                _mirror_path(s.clip, flip) if s.clip else None,
            )
            for s in self.shapes
        ]
        return Picture(shapes, self.box, self.alt)


@dataclass
class PoseAt:
    """The end pose alone (a thumbnail's picture) as part of a whole figure.

    Its shapes are ``shapes[first:first + len(picture.shapes)]`` of the whole, moved
    ``dx`` to the right, so a PDF paints them once, as a form the whole figure's form
    draws and a table row or the tracking sheet draws on its own.
    """

    picture: Picture
    first: int
    dx: float = 0.0

    @property
    def end(self) -> int:
        return self.first + len(self.picture.shapes)


def _mirror_path(path: Path, flip: float) -> Path:
    out: Path = []
    for command in path:
        name, values = command[0], list(command[1:])
        values[0::2] = [flip - x for x in values[0::2]]
        out.append((name, *values))
    return out


def flat_hands(scene: Scene, index: int) -> dict[str, bool]:
    contacts = scene.goals[index].contacts
    return {side: contacts.get(f"{side}-hand") == "wall" for side in SIDES}


def movement(a: Skeleton, b: Skeleton) -> float:
    """The largest distance any joint travels between two poses."""
    return max(math.dist(a.points[name], b.points[name]) for name in a.points)


def uses_panels(figure: Figure, scene: Scene) -> bool:
    if len(scene.skeletons) < 2 or figure.panels == "one":
        return False
    return figure.panels == "two" or movement(*scene.skeletons) < SMALL_MOVE


def picture(figure: Figure) -> Picture:
    """Everything to draw for ``figure``, in model units.

    A side view holds its end pose alone (props, body and floor, without the ghost or
    arrows) as ``pose``: the thumbnail in a table row, drawn inside the whole figure.
    """
    if figure.view == "foot":
        from handouts.render.figures.foot import foot_picture

        return foot_picture(figure)
    if figure.view == "front":
        from handouts.render.figures.front import front_picture

        return front_picture(figure)
    scene = solve_scene(figure)
    last = len(scene.skeletons) - 1
    shapes: list[Shape] = []
    if uses_panels(figure, scene):
        for index in range(last):
            panel = _panel(scene, index)
            if index:
                panel = [
                    _shifted(s, _right_edge(shapes) - _left_edge(panel) + PANEL_GAP) for s in panel
                ]
            shapes += panel
        end = _panel(scene, last)
        after = arrows(figure, scene, panel_mode=True)
        dx = _right_edge(shapes) - _left_edge(end + after) + PANEL_GAP
        pose = PoseAt(Picture(end, bounds(end), figure.alt), len(shapes), dx)
        shapes += [_shifted(s, dx) for s in end + after]
    else:
        # The ghost goes first, behind the end pose's props too: the end pose is then
        # one piece, its floor wide enough for both.
        if last:
            shapes = prop_shapes.held(scene, 0, ghost=True)
            shapes += body_shapes(scene.skeletons[0], flat_hands(scene, 0), ghost=True)
        end = _panel(scene, last, floor_under=shapes)
        pose = PoseAt(Picture(end, bounds(end), figure.alt), len(shapes))
        shapes += end + arrows(figure, scene, panel_mode=False)
    if figure.reach:
        shapes += reach_inset(figure.reach, shapes)
    return Picture(shapes, bounds(shapes), figure.alt, pose)


REACH = {"forward": (1.0, 0.0), "back": (-1.0, 0.0), "side": (0.0, -1.0)}
REACH["across"] = (0.71, 0.71)  # 45° across the front of the standing leg


def reach_inset(directions: list[str], shapes: list[Shape]) -> list[Shape]:
    """A small view from above: the standing foot, and an arrow for each reach direction.

    It sits in the picture's top corner behind the body (the figure faces right), where a
    standing figure leaves room.
    """
    x0, _, _, y1 = bounds(shapes)
    centre = (x0 + 11.0, y1 - 13.0)
    foot = [(centre[0] + 4.6 * dx, centre[1] + 1.9 * dy) for dx, dy in _OVAL]
    out = [Shape(polygon(foot), "reach", "body")]
    for direction in directions:
        dx, dy = REACH[direction]
        start = (centre[0] + dx * 6.0, centre[1] + dy * 4.0)
        end = (centre[0] + dx * 13.0, centre[1] + dy * 11.0)
        out += _curved(start, end, bend=0.0)
    return out


_OVAL = [(math.cos(a * math.pi / 8), math.sin(a * math.pi / 8)) for a in range(16)]


def _panel(scene: Scene, index: int, floor_under: Sequence[Shape] = ()) -> list[Shape]:
    """One pose with its props, on a floor under it and under ``floor_under`` too."""
    sk = scene.skeletons[index]
    shapes = prop_shapes.behind(scene, index)
    shapes += body_shapes(sk, flat_hands(scene, index))
    shapes += prop_shapes.held(scene, index)
    shapes += prop_shapes.floor([*floor_under, *shapes])
    return shapes


def _shifted(shape: Shape, dx: float) -> Shape:
    return Shape(
        _translate(shape.path, dx),
        shape.layer,
        shape.role,
        _translate(shape.clip, dx) if shape.clip else None,
    )


def _translate(path: Path, dx: float) -> Path:
    out: Path = []
    for command in path:
        values = list(command[1:])
        values[0::2] = [x + dx for x in values[0::2]]
        out.append((command[0], *values))
    return out


def _xs(shapes: list[Shape]) -> list[float]:
    return [x for s in shapes for c in s.path for x in c[1::2]]


def _left_edge(shapes: list[Shape]) -> float:
    return min(_xs([s for s in shapes if s.role != "floor"]))


def _right_edge(shapes: list[Shape]) -> float:
    return max(_xs([s for s in shapes if s.role != "floor"]))


def bounds(shapes: list[Shape]) -> tuple[float, float, float, float]:
    """The box around every shape; a crop mask only sets the top."""
    xs = _xs([s for s in shapes if s.role != "crop"])
    ys = [y for s in shapes if s.role != "crop" for c in s.path for y in c[2::2]]
    crops = [min(c[2::2]) for s in shapes if s.role == "crop" for c in s.path[:1]]
    if crops:
        return (min(xs), min(ys), max(xs), min(max(ys), min(crops)))
    return (min(xs), min(ys), max(xs), max(ys))


# --------------------------------------------------------------------------- arrows


def arrows(figure: Figure, scene: Scene, panel_mode: bool) -> list[Shape]:
    """Curved arrows in the accent colour: the file's, else one at the joint that moves most."""
    if len(scene.skeletons) < 2 and not figure.arrows:
        return []
    shapes: list[Shape] = []
    wanted = [(ARROW_POINTS.get(a.at, "near_heel"), a.direction) for a in figure.arrows]
    if not wanted:
        a, b = scene.skeletons
        point = max(ARROW_POINTS.values(), key=lambda name: math.dist(a[name], b[name]))
        wanted = [(point, None)]
    end = scene.skeletons[-1]
    for point, direction in wanted:
        if direction in ("forward", "back"):  # ahead of (or behind) the whole body
            xs = [x for x, _ in end.points.values()]
            ahead = direction == "forward"
            x = max(xs) + 4 if ahead else min(xs) - 4
            y = end[point][1]
            shapes += _curved((x, y), (x + (12 if ahead else -12), y), bend=2.0)
            continue
        if direction or len(scene.skeletons) < 2:
            shapes += _arrow_from_direction(end[point], direction or "up")
            continue
        start = scene.skeletons[0][point]
        shapes += _arrow_between(start, end[point], panel_mode)
    return shapes


DIRECTIONS = {"up": (0, 1), "down": (0, -1), "forward": (1, 0), "back": (-1, 0)}
DIRECTIONS |= {"out": (1, 0), "in": (-1, 0), "along": (1, 0)}


def _arrow_from_direction(at: tuple[float, float], direction: str) -> list[Shape]:
    dx, dy = DIRECTIONS[direction]
    if direction == "along":  # to and fro: a straight arrow with a head at each end
        y = at[1] + 7.0
        start, end = (at[0] - 7.0, y), (at[0] + 7.0, y)
        return _curved(start, end, bend=0.0) + _curved(end, start, bend=0.0)[1:]
    # Start beside the point, away from the body, and sweep 10 units in the direction.
    side = (-dy, dx)
    start = (at[0] - side[0] * 4 - dx * 3, at[1] - side[1] * 4 - dy * 3)
    end = (start[0] + dx * 10, start[1] + dy * 10)
    return _curved(start, end, bend=2.0)


def _arrow_between(a: tuple[float, float], b: tuple[float, float], panel_mode: bool) -> list[Shape]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    normal = (-uy, ux) if ux >= 0 else (uy, -ux)  # the side away from the floor
    if abs(dy) > abs(dx):  # vertical movements: arrow behind the joint
        normal = (-1.0, 0.0)
    span = max(min(length, 14.0), 11.0)
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    gap = 4.5
    start = (mid[0] - ux * span / 2 + normal[0] * gap, mid[1] - uy * span / 2 + normal[1] * gap)
    end = (mid[0] + ux * span / 2 + normal[0] * gap, mid[1] + uy * span / 2 + normal[1] * gap)
    return _curved(start, end, bend=2.2, normal=normal)


def _curved(
    start: tuple[float, float],
    end: tuple[float, float],
    bend: float,
    normal: tuple[float, float] | None = None,
) -> list[Shape]:
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    nx, ny = normal or (-uy, ux)
    mid = ((start[0] + end[0]) / 2 + nx * bend, (start[1] + end[1]) / 2 + ny * bend)
    head = 3.6
    # The shaft stops short of the tip so the stroke end hides under the head.
    tip_dir = (end[0] - mid[0], end[1] - mid[1])
    tip_len = math.hypot(*tip_dir) or 1.0
    tx, ty = tip_dir[0] / tip_len, tip_dir[1] / tip_len
    shaft_end = (end[0] - tx * head * 0.8, end[1] - ty * head * 0.8)
    shaft = smooth_open([start, mid, shaft_end])
    left = (end[0] - tx * head - ty * head * 0.55, end[1] - ty * head + tx * head * 0.55)
    right = (end[0] - tx * head + ty * head * 0.55, end[1] - ty * head - tx * head * 0.55)
    return [
        Shape(shaft, "arrows", "arrow"),
        Shape(polygon([end, left, right]), "arrows", "arrow-head"),
    ]
