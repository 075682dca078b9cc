"""Props as outlines: the wall, step, chair, roller and noodle behind the body; the weights
and bands the hands hold in front of it; and the floor under everything."""

from __future__ import annotations

import math

from handouts.render.figures import body
from handouts.render.figures.scene import Placed, Scene
from handouts.render.figures.shapes import Path, Shape, circle, polygon, smooth_open

FLOOR_DEPTH = 1.6


def _rect(x0: float, y0: float, x1: float, y1: float) -> Path:
    return polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def _rounded(x0: float, y0: float, x1: float, y1: float, r: float) -> Path:
    k = r * 0.45  # control-point distance for a quarter circle of radius r
    return [
        ("M", x0 + r, y0),
        ("L", x1 - r, y0),
        ("C", x1 - k, y0, x1, y0 + k, x1, y0 + r),
        ("L", x1, y1 - r),
        ("C", x1, y1 - k, x1 - k, y1, x1 - r, y1),
        ("L", x0 + r, y1),
        ("C", x0 + k, y1, x0, y1 - k, x0, y1 - r),
        ("L", x0, y0 + r),
        ("C", x0, y0 + k, x0 + k, y0, x0 + r, y0),
        ("Z",),
    ]


def behind(scene: Scene, index: int) -> list[Shape]:
    """The props the body stands on, sits on or leans against."""
    shapes: list[Shape] = []
    for prop in scene.props:
        draw = _BEHIND.get(prop.kind)
        if draw:
            shapes += draw(prop, scene, index)
    return shapes


def _wall(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    x, top = prop.x, prop.height
    shapes = [Shape(_rect(x, 0, x + 3.2, top), "props", "prop")]
    hatch: Path = []
    y = 2.0
    while y < top - 2:
        hatch += [("M", x + 0.5, y), ("L", x + 2.7, y + 2.6)]
        y += 8.0
    shapes.append(Shape(hatch, "props", "hatch"))
    return shapes


def _step(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    return [Shape(_rounded(prop.x, 0, prop.x + prop.width, prop.height, 1.0), "props", "prop")]


def _seat(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    x, top = prop.x, prop.height
    half = prop.width / 2
    back = x - 3.0  # the seat sits under the sitting bones, reaching forward under the thighs
    x0, x1 = back - half * 0.55, back + half * 1.45
    shapes = [
        Shape(_rect(x0 + 1.5, 0, x0 + 3.8, top - 2), "props", "prop"),
        Shape(_rect(x1 - 3.8, 0, x1 - 1.5, top - 2), "props", "prop"),
        Shape(_rounded(x0, top - 2.6, x1, top, 1.0), "props", "prop"),
    ]
    if prop.kind == "chair":
        shapes.insert(0, Shape(_rounded(x0, top - 2, x0 + 2.4, top + 24, 1.0), "props", "prop"))
    return shapes


def _roller(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    r = prop.width
    return [
        Shape(circle((prop.x, r), r), "props", "prop"),
        Shape(circle((prop.x, r), r * 0.38), "props", "prop-dark"),
    ]


def _towel(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    r = prop.width
    return [
        Shape(circle((prop.x, r), r), "props", "prop"),
        Shape(
            smooth_open([(prop.x + r * 0.1, r * 1.55), (prop.x - r * 0.5, r), (prop.x, r * 0.45)]),
            "props",
            "hatch",
        ),
    ]


def _mat(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    return [Shape(_rounded(prop.x, 0, prop.x + prop.width, prop.height, 0.4), "props", "prop")]


def _post(prop: Placed, scene: Scene, index: int) -> list[Shape]:
    if prop.options.get("anchor") != "post":
        return []
    x = _post_x(scene)
    return [Shape(_rounded(x - 1.6, 0, x + 1.6, 86, 0.8), "props", "prop")]


def _post_x(scene: Scene) -> float:
    sk = scene.skeletons[0]
    return min(point[0] for point in sk.points.values()) - 10


_BEHIND = {
    "wall": _wall,
    "step": _step,
    "chair": _seat,
    "bench": _seat,
    "foam-roller": _roller,
    "pool-noodle": _roller,
    "towel": _towel,
    "mat": _mat,
    "band": _post,
}


def held(scene: Scene, index: int, ghost: bool = False) -> list[Shape]:
    """Weights and bands, which move with the body: drawn for each pose."""
    sk = scene.skeletons[index]
    shapes: list[Shape] = []
    for prop in scene.props:
        role = "ghost" if ghost else "prop-dark"
        layer = "ghost-held" if ghost else "held"
        holder = prop.options.get("held")
        if prop.kind in ("dumbbell", "kettlebell", "ball") and holder:
            side = "far" if holder.startswith("far") else "near"
            at = sk[f"{side}_grip"]
            if prop.kind == "dumbbell":
                shapes += _dumbbell(at, role, layer)
            elif prop.kind == "kettlebell":
                shapes += _kettlebell(at, role, layer, ghost)
            else:
                shapes.append(Shape(circle(at, 6.0), layer, "ghost" if ghost else "prop"))
        elif prop.kind == "band":
            shapes += _band(prop, scene, sk, ghost)
    return shapes


def _dumbbell(at: tuple[float, float], role: str, layer: str) -> list[Shape]:
    r = 3.4
    hexagon = [
        (
            at[0] + r * math.cos(math.pi / 6 + k * math.pi / 3),
            at[1] + r * math.sin(math.pi / 6 + k * math.pi / 3),
        )
        for k in range(6)
    ]
    return [
        Shape(polygon(hexagon), layer, role),
        Shape(circle(at, 1.1), layer, "prop" if role != "ghost" else role),
    ]


def _kettlebell(at: tuple[float, float], role: str, layer: str, ghost: bool) -> list[Shape]:
    x, y = at
    handle = [("M", x - 2.2, y - 2.6), ("C", x - 2.6, y + 2.4, x + 2.6, y + 2.4, x + 2.2, y - 2.6)]
    return [
        Shape(handle, layer, "ghost-line" if ghost else "band"),
        Shape(circle((x, y - 6.0), 4.2), layer, role),
    ]


def _band(prop: Placed, scene: Scene, sk, ghost: bool) -> list[Shape]:
    role = "ghost-line" if ghost else "band"
    layer = "ghost-held" if ghost else "held"
    grip = sk["near_grip"]
    if prop.options.get("anchor") == "post":
        x = _post_x(scene)
        return [
            Shape(
                smooth_open([(x + 1.2, 60.0), ((x + grip[0]) / 2, (60 + grip[1]) / 2 - 1.5), grip]),
                layer,
                role,
            )
        ]
    side = "far" if prop.options.get("around", "near-foot").startswith("far") else "near"
    ball, toe = sk[f"{side}_ball"], sk[f"{side}_toe"]
    toes_dir = sk.angles[f"{side}_toes"]
    ux, uy = math.cos(toes_dir), math.sin(toes_dir)
    under = (ball[0] + uy * 0.6, ball[1] - ux * 0.6)  # just under the ball of the foot
    front = (toe[0] + ux * 0.9, toe[1] + uy * 0.9 + 1.0)
    over = (ball[0] - uy * 2.8 + ux * 1.0, ball[1] + ux * 2.8 + uy * 1.0)
    lower = smooth_open(
        [grip, ((grip[0] + under[0]) / 2, (grip[1] + under[1]) / 2 - 1.0), under, front]
    )
    upper = smooth_open(
        [front, over, ((grip[0] + over[0]) / 2, (grip[1] + over[1]) / 2 + 0.6), grip]
    )
    return [Shape(lower, layer, role), Shape(upper, layer, role)]


def floor(shapes: list[Shape]) -> list[Shape]:
    """A strip of floor under everything drawn so far."""
    xs = [x for s in shapes for c in s.path for x in c[1::2]]
    if not xs:
        return []
    return [Shape(_rect(min(xs) - 4, -FLOOR_DEPTH, max(xs) + 4, 0), "floor", "floor")]


__all__ = ["behind", "held", "floor", "body"]
