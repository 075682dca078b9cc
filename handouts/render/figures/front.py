"""The front view, for movements to the side (hip hikes): standing on one leg on a step.

The standing leg is on the reader's left, on the step; the other leg hangs beside the
step. ``tilt`` lifts (+) or drops (−) the pelvis on the hanging side, pivoting on the
standing hip; the trunk leans a little the other way to stay balanced.
"""

from __future__ import annotations

import math

from handouts.content.figure import Figure, Pose
from handouts.render.figures import body
from handouts.render.figures.picture import (
    PANEL_GAP,
    Picture,
    _arrow_between,
    _left_edge,
    _right_edge,
    _shifted,
    bounds,
)
from handouts.render.figures.props import _rounded, floor
from handouts.render.figures.shapes import Shape, _frame, ellipse, limb, smooth_closed

HIP_HALF = 5.2  # hip joint to the middle of the pelvis
SHOULDER_HALF = 10.5
LEG = body.THIGH + body.SHANK
STEP_TOP = body.SURFACE_HEIGHT["step"]
THIGH_FRONT = [(0.0, 5.0, 5.0), (0.25, 4.9, 4.6), (0.85, 3.2, 3.1), (1.0, 3.0, 3.0)]
SHANK_FRONT = [(0.0, 2.9, 2.9), (0.25, 3.3, 3.3), (0.8, 1.9, 1.9), (1.0, 1.7, 1.7)]
ARM_FRONT = [(0.0, 2.7, 2.7), (0.5, 2.3, 2.3), (1.0, 1.8, 1.8)]
FOREARM_FRONT = [(0.0, 1.8, 1.8), (0.3, 2.0, 2.0), (1.0, 1.35, 1.35)]
# The trunk from the front, in its frame: (up from the pelvis centre, half-width).
TRUNK_FRONT = [(-6.0, 8.4), (0.0, 9.4), (6.0, 8.6), (11.0, 7.4), (19.0, 8.9), (25.5, 10.6)]
TRUNK_FRONT += [(28.5, 9.0), (30.0, 3.2)]


def _joints(pose: Pose) -> dict[str, tuple[float, float]]:
    tilt = math.radians(pose.tilt or 0.0)
    stand_hip = (0.0, STEP_TOP + body.ANKLE_HEIGHT + LEG)
    free_hip = (
        stand_hip[0] + 2 * HIP_HALF * math.cos(tilt),
        stand_hip[1] + 2 * HIP_HALF * math.sin(tilt),
    )
    centre = ((stand_hip[0] + free_hip[0]) / 2, (stand_hip[1] + free_hip[1]) / 2)
    lean = -0.5 * tilt  # the trunk leans toward the standing side to keep balance
    up = math.pi / 2 + lean * -1
    shoulder_mid = (centre[0] + body.TRUNK * math.cos(up), centre[1] + body.TRUNK * math.sin(up))
    return {
        "stand_hip": stand_hip,
        "free_hip": free_hip,
        "centre": centre,
        "stand_ankle": (stand_hip[0], stand_hip[1] - LEG),
        "free_ankle": (free_hip[0], free_hip[1] - LEG),
        "shoulder_mid": shoulder_mid,
        "up": (up, 0.0),
    }


def _arms(j: dict) -> dict[str, tuple[float, float]]:
    """Shoulder, elbow, wrist, hand and grip of each arm, hanging a little out to the side."""
    up = j["up"][0]
    at = _frame(j["centre"], up)
    out = {}
    for sign in (-1, 1):
        shoulder = at(body.TRUNK - 1.8, sign * SHOULDER_HALF)
        arm_dir = up + math.pi + sign * math.radians(9)
        elbow = _along(shoulder, arm_dir, body.UPPER_ARM)
        fore_dir = arm_dir - sign * math.radians(4)
        wrist = _along(elbow, fore_dir, body.FOREARM)
        out |= {
            f"shoulder{sign}": shoulder,
            f"elbow{sign}": elbow,
            f"wrist{sign}": wrist,
            f"hand{sign}": _along(wrist, fore_dir, 5.0),
            f"grip{sign}": _along(wrist, fore_dir, 2.5),
        }
    return out


def _along(point: tuple[float, float], angle: float, length: float) -> tuple[float, float]:
    return (point[0] + length * math.cos(angle), point[1] + length * math.sin(angle))


def _figure_shapes(pose: Pose, role: str) -> list[Shape]:
    j = _joints(pose)
    layer = "body" if role == "body" else "ghost"
    at = _frame(j["centre"], j["up"][0])
    trunk = [at(u, w) for u, w in TRUNK_FRONT] + [at(u, -w) for u, w in reversed(TRUNK_FRONT)]
    shapes = [Shape(smooth_closed(trunk), layer, role)]
    for hip, ankle in ((j["stand_hip"], j["stand_ankle"]), (j["free_hip"], j["free_ankle"])):
        knee = (hip[0], hip[1] - body.THIGH)
        shapes.append(Shape(limb(hip, knee, THIGH_FRONT), layer, role))
        shapes.append(Shape(limb(knee, ankle, SHANK_FRONT), layer, role))
        foot = (ankle[0], ankle[1] - body.ANKLE_HEIGHT + 2.0)
        shapes.append(Shape(ellipse(foot, 3.1, 2.3), layer, role))
    neck_base = at(body.TRUNK - 0.5, 0.0)
    head = at(body.TRUNK + body.NECK - 0.5, 0.0)
    shapes.append(Shape(limb(neck_base, head, [(0.0, 2.6, 2.6), (1.0, 2.4, 2.4)]), layer, role))
    shapes.append(Shape(ellipse(head, 5.0, 6.6, j["up"][0] - math.pi / 2), layer, role))
    arms = _arms(j)
    arm_layer = "arms" if role == "body" else layer
    for sign in (-1, 1):
        shoulder, elbow = arms[f"shoulder{sign}"], arms[f"elbow{sign}"]
        wrist, hand = arms[f"wrist{sign}"], arms[f"hand{sign}"]
        shapes.append(Shape(limb(shoulder, elbow, ARM_FRONT), arm_layer, role))
        shapes.append(Shape(limb(elbow, wrist, FOREARM_FRONT), arm_layer, role))
        grip = [(0.0, 1.4, 1.4), (0.6, 1.8, 1.8), (1.0, 1.5, 1.5)]
        shapes.append(Shape(limb(wrist, hand, grip), arm_layer, role))
    return shapes


def _pelvis_line(pose: Pose) -> list[Shape]:
    """A thin line through both hip joints, so the hike's tilt reads at a glance."""
    j = _joints(pose)
    (x0, y0), (x1, y1) = j["stand_hip"], j["free_hip"]
    dx, dy = (x1 - x0) / 10.4, (y1 - y0) / 10.4
    path = [("M", x0 - dx * 9, y0 - dy * 9), ("L", x1 + dx * 9, y1 + dy * 9)]
    return [Shape(path, "marks", "mark")]


def _panel(figure: Figure, pose: Pose, ghost: Pose | None) -> list[Shape]:
    stand_x = _joints(pose)["stand_ankle"][0]
    shapes: list[Shape] = []
    if any(p.kind == "step" for p in figure.props):
        shapes.append(
            Shape(_rounded(stand_x - 16, 0, stand_x + 4.2, STEP_TOP, 1.0), "props", "prop")
        )
    if ghost is not None:
        shapes += _figure_shapes(ghost, "ghost")
    shapes += _figure_shapes(pose, "body")
    arms = _arms(_joints(pose))
    for prop in figure.props:
        if prop.kind in ("dumbbell", "kettlebell") and prop.held:
            grip = arms["grip-1" if prop.held.startswith("near") else "grip1"]
            bar = _rounded(grip[0] - 1.0, grip[1] - 4.6, grip[0] + 1.0, grip[1] + 4.6, 0.9)
            shapes.append(Shape(bar, "held", "prop-dark"))
    shapes += _pelvis_line(pose)
    return shapes + floor(shapes)


def front_picture(figure: Figure) -> Picture:
    poses = list(figure.poses)
    if len(poses) > 1 and figure.panels == "two":
        first = _panel(figure, poses[0], None)
        second = _panel(figure, poses[-1], None)
        offset = _right_edge(first) - _left_edge(second) + PANEL_GAP
        shapes = first + [_shifted(shape, offset) for shape in second]
    else:
        offset = 0.0
        shapes = _panel(figure, poses[-1], poses[0] if len(poses) > 1 else None)
    if len(poses) > 1:
        a = _joints(poses[0])["free_hip"]
        b = _joints(poses[-1])["free_hip"]
        shapes += _arrow_between(
            (a[0] + offset + 5, a[1]), (b[0] + offset + 5, b[1]), panel_mode=True
        )
    return Picture(shapes, bounds(shapes), figure.alt)
