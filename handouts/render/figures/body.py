"""The body model: proportions, joint angles → joint positions, and the pose solver.

Lengths are fractions of standing height (Drillis & Contini); the model works in
units of 1/100 of height, x forward (the figure faces right), y up. A pose is a set
of joint angles; the solver moves the body and nudges the angles the author did not
fix until every contact rests on its surface (within a hundredth of a unit) and,
standing, the centre of mass lies over the feet. Pure Python: no reportlab here.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

H = 100.0  # standing height in model units

# Segment lengths as fractions of height (Drillis & Contini 1966).
TRUNK = 0.288 * H  # hip joint to shoulder joint
NECK = 0.118 * H  # shoulder joint to the centre of the head
THIGH = 0.245 * H
SHANK = 0.246 * H  # knee to ankle
ANKLE_HEIGHT = 0.039 * H
HEEL_BACK = 0.040 * H  # heel behind the ankle
BALL_FRONT = 0.078 * H  # ball of the foot in front of the ankle
TOES = 0.036 * H  # ball to toe tip (foot length 0.152 H in all)
UPPER_ARM = 0.186 * H
FOREARM = 0.146 * H
HAND = 0.085 * H  # drawn as a closed grip, shorter than the open hand
SEAT_DROP = 0.062 * H  # hip joint to the sitting bones, along the trunk
KNEE_FRONT = 0.030 * H  # knee joint to the front of the kneecap

# Segment masses (Dempster, as tabled by Winter) and where along the segment their centre is.
MASSES = {
    "head": (0.081, 1.0),
    "trunk": (0.497, 0.5),
    "upper_arm": (0.028, 0.436),
    "forearm": (0.016, 0.43),
    "hand": (0.006, 0.5),
    "thigh": (0.100, 0.433),
    "shank": (0.0465, 0.433),
    "foot": (0.0145, 0.5),
}

# Surface heights in model units, for surfaces the body stands on.
SURFACE_HEIGHT = {"floor": 0.0, "mat": 0.8, "towel": 0.0, "step": 10.0, "step-edge": 10.0}
NOODLE_RADIUS = 2.2  # a pool noodle, about 6.5 cm across
ROLLER_RADIUS = 4.4  # a foam roller, about 15 cm across
TOWEL_RADIUS = 2.6

SIDES = ("near", "far")
LIMB_ANGLES = ("hip", "knee", "ankle", "shoulder", "elbow")

# Base poses: default angles (the solver may move them) and the surfaces the body uses.
BASES: dict[str, dict] = {
    "standing": {
        "angles": {"hip": 4, "knee": 2, "ankle": 0, "shoulder": 4, "elbow": 10, "trunk": 2},
        "contacts": {"near-foot": "floor", "far-foot": "floor"},
    },
    "single-leg": {
        "angles": {"hip": 6, "knee": 8, "ankle": 0, "shoulder": 4, "elbow": 10, "trunk": 4},
        "side": {"far": {"hip": 10, "knee": 70, "ankle": -20}},
        "contacts": {"near-foot": "floor"},
    },
    "split-stance": {
        "angles": {"shoulder": 10, "elbow": 15, "trunk": 6, "ankle": 0},
        "side": {"near": {"hip": 30, "knee": 30}, "far": {"hip": -12, "knee": 5}},
        "contacts": {"near-foot": "floor", "far-foot": "floor"},
    },
    "on-step": {
        "angles": {"hip": 4, "knee": 2, "ankle": 0, "shoulder": 4, "elbow": 10, "trunk": 2},
        "contacts": {"near-foot": "step-edge", "far-foot": "step-edge"},
    },
    "seated": {
        "angles": {"hip": 90, "knee": 90, "ankle": 0, "shoulder": 10, "elbow": 60, "trunk": 0},
        "contacts": {"seat": "chair", "near-foot": "floor", "far-foot": "floor"},
    },
    "long-sitting": {
        "angles": {"hip": 85, "knee": 8, "ankle": 0, "shoulder": 30, "elbow": 10, "trunk": -5},
        "contacts": {"seat": "floor"},
    },
    "kneeling": {
        "angles": {"hip": 0, "knee": 90, "ankle": -40, "shoulder": 4, "elbow": 10, "trunk": 0},
        "contacts": {"near-knee": "floor", "far-knee": "floor"},
    },
    "lying": {
        "angles": {"hip": 0, "knee": 5, "ankle": -20, "shoulder": 10, "elbow": 10, "trunk": 90},
        "contacts": {"back": "floor"},
    },
}


def _rad(degrees: float) -> float:
    return math.radians(degrees)


def _from(point: tuple[float, float], angle: float, length: float) -> tuple[float, float]:
    return (point[0] + length * math.cos(angle), point[1] + length * math.sin(angle))


@dataclass
class Skeleton:
    """Joint positions of one solved pose, and the absolute angle (radians) of each segment."""

    points: dict[str, tuple[float, float]] = field(default_factory=dict)
    angles: dict[str, float] = field(default_factory=dict)
    flat_toes: dict[str, bool] = field(default_factory=dict)
    state: dict[str, float] = field(default_factory=dict)  # the angles it was built from

    def __getitem__(self, name: str) -> tuple[float, float]:
        return self.points[name]


def build(state: dict[str, float], flat_toes: dict[str, bool] | None = None) -> Skeleton:
    """Forward kinematics: joint positions from the root position and the joint angles.

    ``state`` holds ``x``, ``y`` (hip joint), ``trunk``, ``head`` and ``near_hip``…
    ``far_elbow`` in degrees; ``near_pitch`` is the foot's pitch (heel up +) when the
    foot rests on something, else the ankle decides it.
    """
    flat_toes = flat_toes or {}
    sk = Skeleton(flat_toes=dict(flat_toes), state=dict(state))
    hip = (state["x"], state["y"])
    lean = _rad(state["trunk"])
    trunk_dir = math.pi / 2 - lean
    shoulder = _from(hip, trunk_dir, TRUNK)
    neck_dir = trunk_dir + 0.3 * lean - _rad(state.get("head", 0.0)) + _rad(8)
    sk.points |= {"hip": hip, "shoulder": shoulder, "head": _from(shoulder, neck_dir, NECK)}
    sk.angles |= {"trunk": trunk_dir, "neck": neck_dir}
    for side in SIDES:
        thigh_dir = -math.pi / 2 - lean + _rad(state[f"{side}_hip"])
        knee = _from(hip, thigh_dir, THIGH)
        shank_dir = thigh_dir - _rad(state[f"{side}_knee"])
        ankle = _from(knee, shank_dir, SHANK)
        foot_dir = shank_dir + math.pi / 2 + _rad(state[f"{side}_ankle"])
        cos_f, sin_f = math.cos(foot_dir), math.sin(foot_dir)

        def on_foot(u: float, v: float, ax=ankle, c=cos_f, s=sin_f) -> tuple[float, float]:
            return (ax[0] + u * c - v * s, ax[1] + u * s + v * c)

        heel = on_foot(-HEEL_BACK, -ANKLE_HEIGHT)
        ball = on_foot(BALL_FRONT, -ANKLE_HEIGHT)
        toe_dir = 0.0 if flat_toes.get(side) and foot_dir < 0 else foot_dir
        toe_dir = min(toe_dir, 0.0) if flat_toes.get(side) else toe_dir
        toe = _from(ball, toe_dir, TOES)
        arm_dir = -math.pi / 2 - lean + _rad(state[f"{side}_shoulder"])
        elbow = _from(shoulder, arm_dir, UPPER_ARM)
        fore_dir = arm_dir + _rad(state[f"{side}_elbow"])
        wrist = _from(elbow, fore_dir, FOREARM)
        hand_dir = state.get(f"{side}_hand_dir", fore_dir)
        hand = _from(wrist, hand_dir, HAND)
        sk.points |= {
            f"{side}_knee": knee,
            f"{side}_ankle": ankle,
            f"{side}_heel": heel,
            f"{side}_ball": ball,
            f"{side}_toe": toe,
            f"{side}_elbow": elbow,
            f"{side}_wrist": wrist,
            f"{side}_hand": hand,
            f"{side}_grip": _from(wrist, hand_dir, HAND * 0.45),
        }
        sk.angles |= {
            f"{side}_thigh": thigh_dir,
            f"{side}_shank": shank_dir,
            f"{side}_foot": foot_dir,
            f"{side}_toes": toe_dir,
            f"{side}_arm": arm_dir,
            f"{side}_forearm": fore_dir,
            f"{side}_hand": hand_dir,
        }
    sk.points["seat"] = _from(hip, trunk_dir + math.pi + _rad(12), SEAT_DROP)
    for side in SIDES:
        knee_front = sk.angles[f"{side}_thigh"] + math.pi / 2  # in front of the knee joint
        sk.points[f"{side}_kneecap"] = _from(
            sk.points[f"{side}_knee"], knee_front - _rad(60), KNEE_FRONT
        )
        calf = _from(sk.points[f"{side}_knee"], sk.angles[f"{side}_shank"], SHANK * 0.62)
        sk.points[f"{side}_calf"] = _from(calf, sk.angles[f"{side}_shank"] - math.pi / 2, 3.4)
    return sk


def centre_of_mass(sk: Skeleton) -> tuple[float, float]:
    """The whole body's centre of mass from segment masses and centres."""
    p = sk.points
    parts = [
        ("head", p["head"], p["head"]),
        ("trunk", p["hip"], p["shoulder"]),
    ]
    for side in SIDES:
        parts += [
            ("upper_arm", p["shoulder"], p[f"{side}_elbow"]),
            ("forearm", p[f"{side}_elbow"], p[f"{side}_wrist"]),
            ("hand", p[f"{side}_wrist"], p[f"{side}_hand"]),
            ("thigh", p["hip"], p[f"{side}_knee"]),
            ("shank", p[f"{side}_knee"], p[f"{side}_ankle"]),
            ("foot", p[f"{side}_heel"], p[f"{side}_ball"]),
        ]
    total = x = y = 0.0
    for name, a, b in parts:
        mass, at = MASSES[name]
        total += mass
        x += mass * (a[0] + at * (b[0] - a[0]))
        y += mass * (a[1] + at * (b[1] - a[1]))
    return (x / total, y / total)


# --------------------------------------------------------------------------- the solver


@dataclass
class Goal:
    """A pose to solve: preferred angles with weights, and the contacts to meet."""

    preferred: dict[str, float]  # variable → preferred value (degrees or units)
    weights: dict[str, float]  # variable → how strongly the preferred value holds
    contacts: dict[str, str]  # body part → surface
    pins: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    hand_wall: bool = False
    balance: bool = True
    flat_toes: dict[str, bool] = field(default_factory=dict)
    pitch: dict[str, float] = field(default_factory=dict)  # foot pitch on a surface (heel up +)
    surface_y: dict[str, float] = field(default_factory=dict)  # part → height of its surface
    ties: list[tuple[str, str, float, float]] = field(default_factory=list)  # a at b + (dx, dy)
    weight_on: tuple[str, ...] = SIDES  # the feet that carry the body


CONTACT_WEIGHT = 40.0
FOOT_CLEARANCE = 1.0  # a lifted foot's lowest point stays this far above the floor


def residuals(state: dict[str, float], goal: Goal) -> list[float]:
    """What keeps ``state`` from the goal: zero when every contact and balance is met."""
    sk = build(state, goal.flat_toes)
    p = sk.points
    out: list[float] = []  # the preferred angles are the solver's own, cheaper, terms
    for part, (want_x, want_y) in goal.pins.items():
        if want_x is not None:
            out.append(CONTACT_WEIGHT * (p[part][0] - want_x))
        if want_y is not None:
            out.append(CONTACT_WEIGHT * (p[part][1] - want_y))
    for point, other, dx, dy in goal.ties:
        out.append(CONTACT_WEIGHT * (p[point][0] - p[other][0] - dx))
        out.append(CONTACT_WEIGHT * (p[point][1] - p[other][1] - dy))
    for side in SIDES:
        height = goal.surface_y.get(f"{side}-foot")
        if height is None:  # a foot in the air stays above the floor
            low = min(p[f"{side}_{part}"][1] for part in ("heel", "ball", "toe"))
            out.append(CONTACT_WEIGHT * min(low - FOOT_CLEARANCE, 0.0))
            continue
        surface = goal.contacts.get(f"{side}-foot")
        if surface == "pool-noodle":  # forefoot on the noodle, heel on the floor: toes up
            out.append(CONTACT_WEIGHT * (p[f"{side}_ball"][1] - height))
            tilt = -math.degrees(math.asin(height / (HEEL_BACK + BALL_FRONT)))
            out.append(CONTACT_WEIGHT * 0.3 * (-math.degrees(sk.angles[f"{side}_foot"]) - tilt))
            continue
        pitch = goal.pitch.get(side, 0.0)
        out.append(CONTACT_WEIGHT * (p[foot_contact(goal, side)][1] - height))
        foot_pitch = -math.degrees(sk.angles[f"{side}_foot"])
        out.append(CONTACT_WEIGHT * 0.3 * (foot_pitch - pitch))
    for side in SIDES:
        height = goal.surface_y.get(f"{side}-knee")
        if height is not None:
            out.append(CONTACT_WEIGHT * (p[f"{side}_kneecap"][1] - height))
        height = goal.surface_y.get(f"{side}-hand")
        if height is not None:
            out.append(CONTACT_WEIGHT * (p[f"{side}_hand"][1] - height))
    if "seat" in goal.surface_y:
        out.append(CONTACT_WEIGHT * (p["seat"][1] - goal.surface_y["seat"]))
    if "back" in goal.surface_y:
        out.append(CONTACT_WEIGHT * (p["hip"][1] - goal.surface_y["back"] - 5.5))
        out.append(CONTACT_WEIGHT * (p["shoulder"][1] - goal.surface_y["back"] - 5.0))
    if goal.balance:
        out.append(CONTACT_WEIGHT * 0.5 * _outside_base(sk, goal))
    return out


def foot_contact(goal: Goal, side: str) -> str:
    """The point a resting foot touches with: the ball, or the heel when the toes point up
    on flat ground (over a step edge the ball rests on the edge, the heel hangs below)."""
    heel = goal.pitch.get(side, 0.0) < 0 and goal.contacts.get(f"{side}-foot") != "step-edge"
    return f"{side}_heel" if heel else f"{side}_ball"


def support_range(sk: Skeleton, goal: Goal) -> tuple[float, float] | None:
    """The front-to-back extent of the feet that bear weight (heel or ball to toe tip)."""
    xs: list[float] = []
    for side in goal.weight_on:
        if f"{side}-foot" not in goal.surface_y:
            continue
        p = sk.points
        raised = goal.pitch.get(side, 0.0) > 3
        back = p[f"{side}_ball"][0] if raised else p[f"{side}_heel"][0]
        if goal.contacts.get(f"{side}-foot") == "step-edge":
            back = p[f"{side}_ball"][0]
        xs += [back, p[f"{side}_toe"][0]]
    return (min(xs), max(xs)) if xs else None


def _outside_base(sk: Skeleton, goal: Goal) -> float:
    """How far the centre of mass lies outside the middle of the base of support."""
    extent = support_range(sk, goal)
    if extent is None:
        return 0.0
    low, high = extent
    inset = (high - low) * 0.3
    centre = centre_of_mass(sk)[0]
    if centre < low + inset:
        return centre - (low + inset)
    if centre > high - inset:
        return centre - (high - inset)
    return 0.0


def solve(
    start: dict[str, float], goal: Goal, free: list[str], rounds: int = 40
) -> dict[str, float]:
    """Damped Gauss–Newton (Levenberg–Marquardt) on ``free`` variables; the solved state.

    The contact terms come from ``residuals`` with a numerical Jacobian; each preferred
    angle adds the term weight × (angle − preferred), whose Jacobian is diagonal.
    """
    state = dict(start)
    weights = [goal.weights.get(name, 0.0) for name in free]
    wanted = [goal.preferred.get(name, 0.0) for name in free]

    def total(values: dict[str, float], dense: list[float]) -> float:
        prefs = sum(
            (w * (values[n] - p)) ** 2 for n, w, p in zip(free, weights, wanted, strict=True)
        )
        return sum(r * r for r in dense) + prefs

    damping = 1e-3
    current = residuals(state, goal)
    cost = total(state, current)
    for _ in range(rounds):
        if cost < 1e-8:
            break
        jac = []
        for name in free:
            step = 1e-4 if name in ("x", "y") else 1e-3
            moved = dict(state)
            moved[name] += step
            jac.append(
                [(b - a) / step for a, b in zip(current, residuals(moved, goal), strict=True)]
            )
        gradient = [
            sum(map(operator.mul, col, current)) + w * w * (state[n] - p)
            for col, n, w, p in zip(jac, free, weights, wanted, strict=True)
        ]
        size = len(free)
        normal = [[0.0] * size for _ in range(size)]
        for i in range(size):
            for j in range(i, size):
                normal[i][j] = normal[j][i] = sum(map(operator.mul, jac[i], jac[j]))
            normal[i][i] += weights[i] * weights[i]
        improved = settled = False
        for _attempt in range(8):
            system = [row[:] for row in normal]
            for i in range(size):
                system[i][i] += damping * (normal[i][i] + 1e-6)
            delta = _linear_solve(system, [-g for g in gradient])
            trial = dict(state)
            for name, change in zip(free, delta, strict=True):
                trial[name] += change
            trial_res = residuals(trial, goal)
            trial_cost = total(trial, trial_res)
            if trial_cost < cost:
                settled = cost - trial_cost < 1e-6 * cost + 1e-9
                state, current, cost = trial, trial_res, trial_cost
                damping = max(damping / 4, 1e-7)
                improved = True
                break
            damping *= 8
        if not improved or settled:
            break
    return state


def _linear_solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (small, well-conditioned systems)."""
    n = len(vector)
    rows = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            continue
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            if factor:
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(rows[r][r]) < 1e-12:
            continue
        out[r] = (rows[r][n] - sum(rows[r][c] * out[c] for c in range(r + 1, n))) / rows[r][r]
    return out
