"""The close-up foot view, for the short-foot exercise: the inner side of a bare foot.

The toes stay long and flat; the ball of the foot draws back toward the heel and the
arch lifts (``arch`` 0 → 1). The start is a pale ghost behind the end.
"""

from __future__ import annotations

from handouts.content.figure import Figure, Pose
from handouts.render.figures.picture import Picture, _curved, bounds
from handouts.render.figures.props import floor
from handouts.render.figures.shapes import Shape, polygon, smooth_closed

CROP = 40.0  # the height where the close-up's top edge cuts the leg


def foot_outline(arch: float) -> list[tuple[float, float]]:
    """The inner side of a right foot, heel at the left, in units of about 1 mm / 2."""
    pull = 3.0 * arch  # the ball slides this far toward the heel
    lift = 2.0 + 7.0 * arch  # top of the arch's curve above the floor
    return [
        (15.5, 44.0),  # back of the leg, above the heel
        (15.0, 30.0),  # the Achilles tendon
        (10.5, 16.0),  # back of the heel
        (9.5, 5.0),
        (15.0, 0.0),  # heel pad on the floor
        (24.0, 0.5 + lift * 0.2),
        (38.0, lift),  # the arch
        (54.0 - pull, 0.5 + lift * 0.35),
        (65.0 - pull, 0.0),  # ball of the foot
        (79.0, 0.0),  # toes, long and flat
        (90.0, 0.3),
        (93.5, 2.8),
        (90.5, 5.6),
        (78.0, 6.6 + arch * 0.4),
        (62.0 - pull, 10.5 + arch * 1.2),
        (45.0, 17.0 + arch * 1.8),  # top of the foot
        (33.5, 24.0 + arch * 1.2),
        (28.5, 33.0),  # front of the ankle
        (27.0, 44.0),  # front of the leg
    ]


def foot_picture(figure: Figure) -> Picture:
    poses: list[Pose] = list(figure.poses)
    shapes: list[Shape] = []
    if len(poses) > 1:
        shapes.append(
            Shape(smooth_closed(foot_outline(poses[0].arch or 0.0), 0.9), "ghost", "ghost")
        )
    end = poses[-1].arch or 0.0
    shapes.append(Shape(smooth_closed(foot_outline(end), 0.9), "body", "body"))
    # A close-up: the leg is cut off by the picture's top edge, not rounded like a sock.
    shapes.append(Shape(polygon([(5, CROP), (35, CROP), (35, 50), (5, 50)]), "crop", "crop"))
    shapes += floor(shapes)
    if figure.arrows and len(poses) > 1:  # the arch lifts; the ball draws back to the heel
        shapes += _curved((38.0, -13.0), (38.0, 4.0), bend=-3.0)
        shapes += _curved((76.0, 15.0), (60.0, 18.5), bend=2.5)
    return Picture(shapes, bounds(shapes), figure.alt)
