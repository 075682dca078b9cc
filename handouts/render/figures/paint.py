"""Paint a picture: on a reportlab canvas (a form drawn once and reused) or as SVG.

The body's layers merge into one silhouette: every outline in a layer is stroked at
twice the line width, then every outline is filled, so only the outer half of the
stroke shows and no inner edges remain. Layers go back to front: far arm, far leg,
trunk with head and near leg, near arm.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from handouts.render.figures.picture import Picture
from handouts.render.figures.shapes import Path, Shape

Colour = tuple[float, float, float]
MERGED = {"body", "far", "ghost"}  # roles painted in merged layers
LINES = {"arrow", "band", "hatch", "ghost-line", "mark"}  # roles stroked, not filled
LINE_WIDTH = 0.62  # model units: about 0.75 pt on a figure 120 pt tall
DECIMALS = 1


@dataclass(frozen=True)
class Style:
    """Fill and stroke per role; ``mono`` styles use grey levels only."""

    fills: dict[str, Colour]
    strokes: dict[str, Colour]
    widths: dict[str, float]
    mono: bool = False

    @property
    def key(self) -> str:
        """Text that differs between styles that paint differently (names their forms)."""
        return repr((self.mono, sorted(self.fills.items()), sorted(self.strokes.items())))


def _mix(colour: Colour, amount: float) -> Colour:
    """``amount`` of ``colour`` in white."""
    return tuple(1 - amount * (1 - c) for c in colour)  # type: ignore[return-value]


def _dark(colour: Colour, kept: float) -> Colour:
    return tuple(kept * c for c in colour)  # type: ignore[return-value]


def colour_style(primary: Colour, accent: Colour) -> Style:
    """Body in a tint of the brand's primary colour, props neutral, arrows in the accent."""
    outline = _dark(primary, 0.32)
    fills = {
        "body": _mix(primary, 0.38),
        "far": _mix(primary, 0.58),
        "ghost": (0.925, 0.93, 0.935),
        "prop": (0.88, 0.86, 0.83),
        "prop-dark": (0.36, 0.37, 0.39),
        "floor": (0.9, 0.89, 0.87),
        "arrow-head": accent,
        "crop": (1.0, 1.0, 1.0),
    }
    strokes = {
        "body": outline,
        "far": outline,
        "ghost": (0.76, 0.78, 0.8),
        "ghost-line": (0.76, 0.78, 0.8),
        "prop": (0.42, 0.41, 0.4),
        "prop-dark": (0.2, 0.2, 0.22),
        "floor": (0.62, 0.61, 0.6),
        "hatch": (0.55, 0.54, 0.53),
        "arrow": accent,
        "arrow-head": accent,
        "band": (0.4, 0.42, 0.45),
        "mark": accent,
    }
    return Style(fills, strokes, _widths())


def mono_style() -> Style:
    """Grey levels only: white body, grey far limbs, black outline; reads on any printer."""
    grey = lambda level: (level, level, level)  # noqa: E731
    fills = {
        "body": grey(1.0),
        "far": grey(0.8),
        "ghost": grey(0.94),
        "prop": grey(0.86),
        "prop-dark": grey(0.35),
        "floor": grey(0.88),
        "arrow-head": grey(0.1),
        "crop": grey(1.0),
    }
    strokes = {
        "body": grey(0.08),
        "far": grey(0.08),
        "ghost": grey(0.72),
        "ghost-line": grey(0.72),
        "prop": grey(0.3),
        "prop-dark": grey(0.1),
        "floor": grey(0.5),
        "hatch": grey(0.45),
        "arrow": grey(0.1),
        "arrow-head": grey(0.1),
        "band": grey(0.25),
        "mark": grey(0.1),
    }
    return Style(fills, strokes, _widths(), mono=True)


def _widths() -> dict[str, float]:
    return {
        "body": LINE_WIDTH,
        "far": LINE_WIDTH,
        "ghost": LINE_WIDTH * 0.8,
        "ghost-line": 0.9,
        "prop": 0.45,
        "prop-dark": 0.45,
        "floor": 0.35,
        "hatch": 0.3,
        "arrow": 1.7,
        "arrow-head": 0.3,
        "band": 0.9,
        "mark": 0.5,
    }


def passes(shapes: list[Shape]) -> list[tuple[str, list[Shape]]]:
    """The drawing order: each run of shapes in one layer, in order, with how to paint it."""
    out: list[tuple[str, list[Shape]]] = []
    for _, run in groupby(shapes, key=lambda s: s.layer):
        group = list(run)
        out.append(("merged" if all(s.role in MERGED for s in group) else "each", group))
    return out


# --------------------------------------------------------------------------- reportlab


def _fmt(value: float, decimals: int = DECIMALS) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pdf_path(path: Path, scale: float, x0: float, y0: float, decimals: int = DECIMALS) -> str:
    """PDF path operators for ``path``, mapped by ``(v - origin) * scale`` and rounded."""
    parts = []
    for command in path:
        name = command[0]
        if name == "C":
            # A curve's control points are rounded to whole points: the curve moves less
            # than a line's width, and the figure stays within its size budget.
            _, ax, ay, bx, by, x, y = command
            parts.append(
                f"{round((ax - x0) * scale)} {round((ay - y0) * scale)} "
                f"{round((bx - x0) * scale)} {round((by - y0) * scale)} "
                f"{_num((x - x0) * scale, decimals)} {_num((y - y0) * scale, decimals)} c"
            )
        elif name == "Z":
            parts.append("h")
        else:
            op = "m" if name == "M" else "l"
            x, y = (command[1] - x0) * scale, (command[2] - y0) * scale
            parts.append(f"{_num(x, decimals)} {_num(y, decimals)} {op}")
    return " ".join(parts)


def _num(value: float, decimals: int = DECIMALS) -> str:
    """``value`` to ``decimals`` places, without a trailing ".0"."""
    return f"{round(value, decimals):g}"


def _colour_op(colour: Colour, stroke: bool, mono: bool) -> str:
    if mono or colour[0] == colour[1] == colour[2]:
        return f"{_fmt3(colour[0])} {'G' if stroke else 'g'}"
    r, g, b = (_fmt3(c) for c in colour)
    return f"{r} {g} {b} {'RG' if stroke else 'rg'}"


def _fmt3(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def pdf_operators(
    picture: Picture,
    style: Style,
    scale: float,
    decimals: int = DECIMALS,
    pose_form: tuple[str, float] | None = None,
    inherit_outline: bool = False,
) -> str:
    """The content of a form that paints ``picture`` with its lower-left corner at 0, 0.

    ``pose_form``: the name of the form that paints ``picture.pose`` and the scale it was
    painted at; the picture then draws that form where its end pose goes.
    ``inherit_outline``: the body's outline is stroked at the line width the form is
    drawn with (every other width is set, and restored, inside the form): a thumbnail
    draws the card's form with a thicker outline, which would be a hairline scaled down.
    """
    painter = _Painter(style, scale, picture.box[0], picture.box[1], decimals, inherit_outline)
    pose = picture.pose
    if pose is None or pose_form is None:
        painter.paint(picture.shapes)
        return painter.text()
    painter.paint(picture.shapes[: pose.first])
    name, pose_scale = pose_form
    k = scale / pose_scale  # the pose form's points to this form's points
    e = (pose.picture.box[0] + pose.dx - picture.box[0]) * scale
    f = (pose.picture.box[1] - picture.box[1]) * scale
    outline = _fmt(outline_width(style, pose_scale))  # the end pose's, as painted here
    painter.ops.append(
        f"q {outline} w {_fmt(k, 5)} 0 0 {_fmt(k, 5)} {_fmt(e, 2)} {_fmt(f, 2)} cm /{name} Do Q"
    )
    painter.paint(picture.shapes[pose.end :])
    return painter.text()


def outline_width(style: Style, scale: float) -> float:
    """The body's outline as stroked (twice the visible width), at ``scale``."""
    return style.widths["body"] * 2 * scale


OUTLINED = frozenset(("body", "far"))  # roles stroked at the body's outline width


class _Painter:
    """PDF operators for shapes mapped by ``(v - origin) * scale``, each setting said once."""

    def __init__(
        self,
        style: Style,
        scale: float,
        x0: float,
        y0: float,
        decimals: int,
        inherit_outline: bool = False,
    ) -> None:
        self.style, self.scale, self.origin, self.decimals = style, scale, (x0, y0), decimals
        self.inherit_outline = inherit_outline
        self.ops = ["1 J 1 j"]  # round caps and joins
        self.current: dict[str, str] = {}
        self.formatted: dict[int, str] = {}  # each path is stroked, then filled: format it once

    def text(self) -> str:
        return "\n".join(self.ops)

    def path(self, path: Path) -> str:
        if id(path) not in self.formatted:
            x0, y0 = self.origin
            self.formatted[id(path)] = pdf_path(path, self.scale, x0, y0, self.decimals)
        return self.formatted[id(path)]

    def setting(self, key: str, value: str) -> None:
        if self.current.get(key) != value:
            self.ops.append(value)
            self.current[key] = value

    def stroke(self, role: str, width: float) -> None:
        self.setting("stroke", _colour_op(self.style.strokes[role], True, self.style.mono))
        self.setting("width", f"{_fmt(width * self.scale)} w")

    def fill(self, role: str) -> None:
        self.setting("fill", _colour_op(self.style.fills[role], False, self.style.mono))

    def paint(self, shapes: list[Shape]) -> None:
        for kind, group in passes(shapes):
            outlined = kind == "merged" and group[0].role in OUTLINED
            own_width = self.inherit_outline and not outlined
            if own_width:  # set inside q … Q: the body's outline keeps the width inherited
                saved = dict(self.current)
                self.ops.append("q")
            if kind == "merged":
                self.merged(group)
            else:
                self.each(group)
            if own_width:
                self.ops.append("Q")
                self.current = saved

    def merged(self, shapes: list[Shape]) -> None:
        """One layer's outlines as one silhouette: all stroked at twice the width, then filled."""
        role = shapes[0].role
        if self.inherit_outline and role in OUTLINED:
            self.setting("stroke", _colour_op(self.style.strokes[role], True, self.style.mono))
        else:
            self.stroke(role, self.style.widths[role] * 2)
        self.ops += [self.path(s.path) + " S" for s in shapes if not s.clip]
        for shape in shapes:
            self.fill(shape.role)
            if shape.clip:
                self.ops.append(f"q {self.path(shape.clip)} W n")
                self.ops.append(self.path(shape.path) + " f Q")
                self.current.pop("fill", None)
            else:
                self.ops.append(self.path(shape.path) + " f")

    def each(self, shapes: list[Shape]) -> None:
        """Shapes painted one by one: props, arrows, lines."""
        for shape in shapes:
            role = shape.role
            if role in self.style.strokes:
                self.stroke(role, self.style.widths[role])
            if role in LINES:
                self.ops.append(self.path(shape.path) + " S")
                continue
            self.fill(role)
            self.ops.append(self.path(shape.path) + (" B" if role in self.style.strokes else " f"))


# --------------------------------------------------------------------------- SVG


def svg_text(picture: Picture, style: Style, width: float) -> str:
    """A standalone SVG of ``picture``, ``width`` pixels wide."""
    x0, y0, x1, y1 = picture.box
    scale = width / (x1 - x0)
    height = (y1 - y0) * scale

    def d(path: Path) -> str:
        parts = []
        for command in path:
            name, values = command[0], command[1:]
            coords = [
                _fmt((v - x0) * scale) if i % 2 == 0 else _fmt((y1 - v) * scale)
                for i, v in enumerate(values)
            ]
            parts.append(" ".join([name, *coords]))
        return " ".join(parts)

    def rgb(colour: Colour) -> str:
        return "#" + "".join(f"{round(c * 255):02x}" for c in colour)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" role="img" '
        f'aria-label="{_escape(picture.alt)}">',
        f"<title>{_escape(picture.alt)}</title>",
        '<g stroke-linecap="round" stroke-linejoin="round">',
    ]
    clips = 0
    for kind, shapes in passes(picture.shapes):
        if kind == "merged":
            role = shapes[0].role
            stroke, w = rgb(style.strokes[role]), _fmt(style.widths[role] * 2 * scale)
            for s in shapes:
                if not s.clip:
                    out.append(
                        f'<path d="{d(s.path)}" fill="none" stroke="{stroke}" stroke-width="{w}"/>'
                    )
            for s in shapes:
                clip = ""
                if s.clip:
                    clips += 1
                    out.append(f'<clipPath id="c{clips}"><path d="{d(s.clip)}"/></clipPath>')
                    clip = f' clip-path="url(#c{clips})"'
                out.append(f'<path d="{d(s.path)}" fill="{rgb(style.fills[s.role])}"{clip}/>')
            continue
        for s in shapes:
            stroke = style.strokes.get(s.role)
            attrs = (
                f'stroke="{rgb(stroke)}" stroke-width="{_fmt(style.widths[s.role] * scale)}"'
                if stroke
                else ""
            )
            fill = "none" if s.role in LINES else rgb(style.fills[s.role])
            out.append(f'<path d="{d(s.path)}" fill="{fill}" {attrs}/>')
    out += ["</g>", "</svg>"]
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
