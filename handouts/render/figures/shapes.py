"""Body-shaped outlines from a solved skeleton, as closed Bézier paths in model units.

Each segment is a tapered, rounded outline (a thigh is thick at the hip and narrow at
the knee; a calf bulges behind the shin). Outlines overlap at the joints; the painter
merges each layer into one silhouette by stroking all its outlines, then filling them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from handouts.render.figures import body
from handouts.render.figures.body import Skeleton

Point = tuple[float, float]
# A path is a list of commands: ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x, y), ("Z",).
Path = list[tuple]

FAR_SHIFT = (1.8, 0.0)  # far limbs sit a little beside the near ones, so both read


@dataclass
class Shape:
    path: Path
    layer: str  # far-arm, far-leg, body, near-arm, props, ghost…
    role: str = "body"  # body, far, ghost, prop, prop-dark, band, arrow, floor, hatch
    clip: Path | None = None  # fill only inside this path (the trunk strip at the shoulder)


def smooth_closed(points: list[Point], tension: float = 1.0) -> Path:
    """A closed Catmull–Rom curve through ``points``, as cubic Béziers."""
    n = len(points)
    path: Path = [("M", *points[0])]
    for i in range(n):
        p0, p1, p2, p3 = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) * tension / 6, p1[1] + (p2[1] - p0[1]) * tension / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) * tension / 6, p2[1] - (p3[1] - p1[1]) * tension / 6)
        path.append(("C", *c1, *c2, *p2))
    path.append(("Z",))
    return path


def smooth_open(points: list[Point]) -> Path:
    """An open Catmull–Rom curve through ``points`` (ends use themselves as neighbours)."""
    path: Path = [("M", *points[0])]
    n = len(points)
    for i in range(n - 1):
        p0, p1, p2 = points[max(i - 1, 0)], points[i], points[i + 1]
        p3 = points[min(i + 2, n - 1)]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        path.append(("C", *c1, *c2, *p2))
    return path


def _frame(origin: Point, angle: float):
    """Map local (u along ``angle``, v to its left) to model coordinates."""
    c, s = math.cos(angle), math.sin(angle)

    def to_world(u: float, v: float) -> Point:
        return (origin[0] + u * c - v * s, origin[1] + u * s + v * c)

    return to_world


def limb(a: Point, b: Point, profile: list[tuple[float, float, float]]) -> Path:
    """A rounded outline from joint ``a`` to joint ``b``.

    ``profile``: (t along the segment, half-width on the left, on the right), with the
    same half-width on both sides at t = 0 and t = 1, where the ends are rounded.
    """
    angle = math.atan2(b[1] - a[1], b[0] - a[0])
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    at = _frame(a, angle)
    left = [at(t * length, r) for t, r, _ in profile]
    right = [at(t * length, -r) for t, _, r in reversed(profile)]
    end_r, start_r = profile[-1][1], profile[0][1]
    # One point rounds each end: the curve through it is close to a half circle.
    cap_end, cap_start = [at(length + end_r * 1.08, 0.0)], [at(-start_r * 1.08, 0.0)]
    return smooth_closed(left + cap_end + right + cap_start)


def ellipse(centre: Point, rx: float, ry: float, angle: float = 0.0, steps: int = 8) -> Path:
    at = _frame(centre, angle)
    points = [
        at(rx * math.cos(2 * math.pi * i / steps), ry * math.sin(2 * math.pi * i / steps))
        for i in range(steps)
    ]
    return smooth_closed(points)


def circle(centre: Point, r: float) -> Path:
    return ellipse(centre, r, r)


def polygon(points: list[Point]) -> Path:
    return [("M", *points[0]), *(("L", *p) for p in points[1:]), ("Z",)]


# --------------------------------------------------------------------------- the body

# Leg profiles: (t, front, back); arm profiles (t, left, right) of the arm's direction.
THIGH = [(0.0, 5.0, 5.0), (0.3, 5.0, 4.7), (0.8, 3.5, 3.4), (1.0, 3.0, 3.0)]
SHANK = [(0.0, 2.9, 2.9), (0.27, 2.6, 3.9), (0.75, 1.9, 2.2), (1.0, 1.7, 1.7)]
UPPER_ARM = [(0.0, 2.8, 2.8), (0.45, 2.4, 2.4), (1.0, 1.9, 1.9)]
FOREARM = [(0.0, 1.85, 1.85), (0.3, 2.05, 1.95), (1.0, 1.35, 1.35)]
NECK = [(0.0, 2.5, 2.5), (1.0, 2.3, 2.3)]

# Trunk outline in its own frame: (along the trunk from the hip joint in units, forward).
TRUNK_FRONT = [(-4.5, 2.5), (1.5, 5.2), (9.0, 4.8), (15.0, 5.4), (21.0, 6.2), (26.0, 4.8)]
TRUNK_BACK = [(29.5, -2.0), (27.0, -5.2), (20.0, -6.0), (12.0, -4.6), (5.5, -5.6), (0.0, -7.0)]
TRUNK_BACK += [(-5.0, -5.6)]
# Head outline around the head centre: (up along the neck, forward).
HEAD = [(6.7, 0.0), (5.4, 3.7), (2.4, 5.5), (-0.4, 5.6), (-1.4, 6.4), (-2.8, 5.4), (-5.5, 4.0)]
HEAD += [(-6.6, 1.6), (-5.2, -2.4), (-1.5, -5.4), (3.0, -5.4), (5.8, -3.3)]


def trunk_path(sk: Skeleton) -> Path:
    at = _frame(sk["hip"], sk.angles["trunk"])  # v is to the left of "up": the back
    return smooth_closed([at(u, -v) for u, v in TRUNK_FRONT + TRUNK_BACK])


def head_path(sk: Skeleton) -> Path:
    at = _frame(sk["head"], sk.angles["neck"])
    return smooth_closed([at(u, -v) for u, v in HEAD])


def neck_path(sk: Skeleton) -> Path:
    base = _frame(sk["shoulder"], sk.angles["trunk"])(-1.5, 0.8)
    return limb(base, sk["head"], NECK)


def foot_path(sk: Skeleton, side: str, shift: Point = (0.0, 0.0)) -> Path:
    """Heel, sole, ball, toes hinged at the ball, instep back to the ankle."""
    ankle = _moved(sk[f"{side}_ankle"], shift)
    foot = _frame(ankle, sk.angles[f"{side}_foot"])
    ball = _moved(sk[f"{side}_ball"], shift)
    toes = _frame(ball, sk.angles[f"{side}_toes"])
    drop = body.ANKLE_HEIGHT
    points = [
        foot(-1.6, 1.8),  # back of the ankle (Achilles)
        foot(-3.2, -1.6),
        foot(-body.HEEL_BACK + 0.2, -drop + 1.0),  # round of the heel
        foot(-body.HEEL_BACK + 1.8, -drop),
        foot(1.5, -drop + 0.5),  # the arch, just off the floor
        foot(body.BALL_FRONT - 1.5, -drop),
        toes(0.6, 0.0),
        toes(body.TOES - 0.9, 0.0),
        toes(body.TOES, 0.8),
        toes(body.TOES - 0.7, 1.7),
        toes(0.2, 2.3),
        foot(3.8, 0.2),  # instep
        foot(1.3, 1.7),
    ]
    return smooth_closed(points, tension=0.9)


def hand_path(sk: Skeleton, side: str, shift: Point = (0.0, 0.0), flat: bool = False) -> Path:
    wrist = _moved(sk[f"{side}_wrist"], shift)
    angle = sk.angles[f"{side}_hand"]
    if flat:  # a palm on the wall: long and thin
        tip = _frame(wrist, angle)(7.8, 0.0)
        return limb(wrist, tip, [(0.0, 1.35, 1.35), (0.45, 1.5, 1.25), (1.0, 0.95, 0.95)])
    tip = _frame(wrist, angle)(4.6, 0.0)
    return limb(wrist, tip, [(0.0, 1.35, 1.35), (0.6, 1.8, 1.7), (1.0, 1.6, 1.6)])


def _moved(point: Point, shift: Point) -> Point:
    return (point[0] + shift[0], point[1] + shift[1])


def leg_paths(sk: Skeleton, side: str, shift: Point = (0.0, 0.0)) -> list[Path]:
    hip, knee = _moved(sk["hip"], shift), _moved(sk[f"{side}_knee"], shift)
    ankle = _moved(sk[f"{side}_ankle"], shift)
    return [  # a leg points down, so the left of its direction is its front
        limb(hip, knee, THIGH),
        limb(knee, ankle, SHANK),
        foot_path(sk, side, shift),
    ]


def arm_paths(sk: Skeleton, side: str, shift: Point = (0.0, 0.0), flat: bool = False) -> list[Path]:
    shoulder = _moved(sk["shoulder"], shift)
    elbow, wrist = _moved(sk[f"{side}_elbow"], shift), _moved(sk[f"{side}_wrist"], shift)
    return [
        limb(shoulder, elbow, UPPER_ARM),
        limb(elbow, wrist, FOREARM),
        hand_path(sk, side, shift, flat),
    ]


def body_shapes(sk: Skeleton, flat_hands: dict[str, bool], ghost: bool = False) -> list[Shape]:
    """The figure's outlines, back to front, each in its layer."""
    if ghost:
        paths = arm_paths(sk, "far", FAR_SHIFT, flat_hands.get("far", False))
        paths += leg_paths(sk, "far", FAR_SHIFT)
        paths += [trunk_path(sk), neck_path(sk), head_path(sk)]
        paths += leg_paths(sk, "near") + arm_paths(sk, "near", flat=flat_hands.get("near", False))
        return [Shape(path, "ghost", "ghost") for path in paths]
    shapes = [
        Shape(p, "far-arm", "far")
        for p in arm_paths(sk, "far", FAR_SHIFT, flat_hands.get("far", False))
    ]
    shapes += [Shape(p, "far-leg", "far") for p in leg_paths(sk, "far", FAR_SHIFT)]
    shapes += [Shape(p, "body") for p in (trunk_path(sk), neck_path(sk), head_path(sk))]
    shapes += [Shape(p, "body") for p in leg_paths(sk, "near")]
    shapes += [
        Shape(p, "near-arm") for p in arm_paths(sk, "near", flat=flat_hands.get("near", False))
    ]
    # The trunk redrawn (fill only) around the shoulder in the arm's layer: the arm's
    # rounded top then disappears into the shoulder instead of leaving a hooked line.
    shoulder = sk["shoulder"]
    arm_dir = sk.angles["near_arm"]
    strip = _frame(shoulder, arm_dir)
    clip = polygon([strip(-6, -4.2), strip(1.2, -4.2), strip(1.2, 4.2), strip(-6, 4.2)])
    shapes.append(Shape(trunk_path(sk), "near-arm", "body", clip=clip))
    return shapes
